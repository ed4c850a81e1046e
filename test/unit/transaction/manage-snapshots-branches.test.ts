// createBranch on a table whose main has no snapshot (Java commits an empty append to the new branch),
// renameBranch and replaceBranch by ref name, with Java's rules.
import { describe, expect, it } from 'vitest'
import { CATALOG_KINDS, fakeFile } from '../../support/catalogs.js'
import { failedWith, refsTable, rejection } from './refs-fixtures.js'

for (const kind of CATALOG_KINDS) {
  describe(`createBranch without a snapshot on an empty main (${kind} catalog)`, () => {
    it('commits an empty append snapshot to the new branch, main staying empty', async () => {
      const { cat, t } = await refsTable(kind)
      const x = await t.transaction().manageSnapshots((m) => m.createBranch('dev', undefined, { minSnapshotsToKeep: 2 })).commit()
      const ref = x.metadata.refs.dev!
      expect(ref).toMatchObject({ type: 'branch', minSnapshotsToKeep: 2 })
      const s = x.metadata.snapshots.find((y) => y.snapshotId === ref.snapshotId)!
      expect(s.parentSnapshotId).toBeUndefined()
      expect(s.summary).toMatchObject({ operation: 'append', 'total-records': '0', 'total-data-files': '0' })
      expect(x.currentSnapshot()).toBeUndefined()
      expect(x.metadata.snapshotLog).toEqual([])
      expect(await x.scan({ snapshot: { ref: 'dev' } }).planFiles()).toEqual([])
      const reloaded = await cat.loadTable('db.t')
      expect(reloaded.metadata.refs.dev!.snapshotId).toBe(ref.snapshotId)
      // the branch takes commits like any other
      const y = await reloaded.append([fakeFile('/d/a.parquet')], { branch: 'dev' })
      expect(y.metadata.snapshots.find((z) => z.snapshotId === y.metadata.refs.dev!.snapshotId)!.parentSnapshotId).toBe(ref.snapshotId)
    })

    it("retries like Java's fast append: after a concurrent commit to main the empty snapshot forks from it", async () => {
      const { cat, t } = await refsTable(kind)
      const other = await (await cat.loadTable('db.t')).append([fakeFile('/d/a.parquet')])
      const { table, result } = await t.transaction().manageSnapshots((m) => m.createBranch('dev')).commitWithResult()
      expect(result.attempts).toBe(2)
      const head = table.metadata.snapshots.find((y) => y.snapshotId === table.metadata.refs.dev!.snapshotId)!
      expect(head.summary.operation).toBe('append')
      expect(head.parentSnapshotId).toBe(other.currentSnapshot()!.snapshotId)
      expect(table.currentSnapshot()!.snapshotId).toBe(other.currentSnapshot()!.snapshotId)
    })

    it('still refuses a name that exists', async () => {
      const { t } = await refsTable(kind)
      const x = await t.transaction().manageSnapshots((m) => m.createBranch('dev')).commit()
      expect(failedWith(await rejection(x.transaction().manageSnapshots((m) => m.createBranch('dev')).commit()), 'VALIDATION', /Ref dev already exists/)).toBe(true)
    })
  })

  describe(`renameBranch and replaceBranch (${kind} catalog)`, () => {
    async function setup() {
      const { cat, t: t0 } = await refsTable(kind)
      let t = await t0.append([fakeFile('/d/a.parquet')])
      const s1 = t.currentSnapshot()!.snapshotId
      t = await t.append([fakeFile('/d/b.parquet')], { branch: 'dev' })
      const dev = t.metadata.refs.dev!.snapshotId
      t = await t.transaction().manageSnapshots((m) => m.setRetention('dev', { minSnapshotsToKeep: 4, maxRefAgeMs: 1000n }).createTag('v1', s1)).commit()
      return { cat, t, s1, dev }
    }

    it('renameBranch moves the ref with its retention to the new name', async () => {
      const { cat, t, dev } = await setup()
      const x = await t.transaction().manageSnapshots((m) => m.renameBranch('dev', 'feature')).commit()
      expect(Object.keys(x.metadata.refs).sort()).toEqual(['feature', 'main', 'v1'])
      expect(x.metadata.refs.feature).toEqual({ snapshotId: dev, type: 'branch', minSnapshotsToKeep: 4, maxRefAgeMs: 1000n })
      expect((await cat.loadTable('db.t')).metadata.refs.feature!.snapshotId).toBe(dev)
    })

    it('renameBranch refuses main, a tag, a missing branch and a name in use', async () => {
      const { t } = await setup()
      const rename = (from: string, to: string) => rejection(t.transaction().manageSnapshots((m) => m.renameBranch(from, to)).commit())
      expect(failedWith(await rename('main', 'x'), 'VALIDATION', /Cannot rename the main branch/)).toBe(true)
      expect(failedWith(await rename('v1', 'x'), 'VALIDATION', /Ref v1 is a tag/)).toBe(true)
      expect(failedWith(await rename('nope', 'x'), 'NOT_FOUND', /Branch nope does not exist/)).toBe(true)
      expect(failedWith(await rename('dev', 'v1'), 'VALIDATION', /Ref v1 already exists/)).toBe(true)
      expect(failedWith(await rename('dev', 'main'), 'VALIDATION', /Ref main already exists/)).toBe(true)
      expect(failedWith(await rename('dev', 'dev'), 'VALIDATION', /Ref dev already exists/)).toBe(true)
    })

    it('renameBranch fails when another writer moved the branch meanwhile', async () => {
      const { cat, t } = await setup()
      await (await cat.loadTable('db.t')).append([fakeFile('/d/c.parquet')], { branch: 'dev' })
      expect(failedWith(await rejection(t.transaction().manageSnapshots((m) => m.renameBranch('dev', 'feature')).commit()), 'VALIDATION', /Ref dev changed concurrently/)).toBe(true)
    })

    it('replaceBranch points a branch at a tag or branch head, backwards or forwards, keeping its retention', async () => {
      const { t, s1, dev } = await setup()
      // main to dev's head is a fast-forward, and replaceBranch allows it too
      const fwd = await t.transaction().manageSnapshots((m) => m.replaceBranch('main', 'dev')).commit()
      expect(fwd.currentSnapshot()!.snapshotId).toBe(dev)
      const back = await fwd.transaction().manageSnapshots((m) => m.replaceBranch('dev', 'v1')).commit()
      expect(back.metadata.refs.dev).toEqual({ snapshotId: s1, type: 'branch', minSnapshotsToKeep: 4, maxRefAgeMs: 1000n })
      // not a fast-forward: fastForward refuses, replaceBranch does it
      const other = await back.append([fakeFile('/d/c.parquet')], { branch: 'other' })
      const c = other.metadata.refs.other!.snapshotId
      const diverged = await other.append([fakeFile('/d/d.parquet')])
      expect(failedWith(await rejection(diverged.transaction().manageSnapshots((m) => m.fastForward('main', 'other')).commit()), 'VALIDATION', /not an ancestor/)).toBe(true)
      const replaced = await diverged.transaction().manageSnapshots((m) => m.replaceBranch('main', 'other')).commit()
      expect(replaced.currentSnapshot()!.snapshotId).toBe(c)
      expect(replaced.metadata.snapshotLog.at(-1)!.snapshotId).toBe(c)
    })

    it('replaceBranch creates a missing branch at the source, refuses a tag target and a missing source', async () => {
      const { t, s1 } = await setup()
      const made = await t.transaction().manageSnapshots((m) => m.replaceBranch('fresh', 'v1')).commit()
      expect(made.metadata.refs.fresh).toEqual({ snapshotId: s1, type: 'branch' })
      expect(failedWith(await rejection(t.transaction().manageSnapshots((m) => m.replaceBranch('v1', 'dev')).commit()), 'VALIDATION', /Ref v1 is a tag/)).toBe(true)
      expect(failedWith(await rejection(t.transaction().manageSnapshots((m) => m.replaceBranch('dev', 'nope')).commit()), 'NOT_FOUND', /Ref nope does not exist/)).toBe(true)
    })
  })
}
