// A ref operation that reads a ref (the `to` of a fast-forward, the source of replaceBranch, main for
// createBranch without a snapshot id) must not, on a retry, publish a snapshot another writer put there
// after the transaction started: Java resolves it from the table it started from and fails the commit.
import { describe, expect, it } from 'vitest'
import { CATALOG_KINDS, fakeFile } from '../../support/catalogs.js'
import { failedWith, refsTable, rejection } from './refs-fixtures.js'

for (const kind of CATALOG_KINDS) {
  describe(`refs an operation reads, racing another writer (${kind} catalog)`, () => {
    it('fastForward(main, audit) fails when audit moved after the caller saw it, naming audit', async () => {
      const { cat, t: t0 } = await refsTable(kind)
      let t = await t0.append([fakeFile('/d/a.parquet')])
      t = await t.append([fakeFile('/d/audited.parquet')], { branch: 'audit' })
      const audited = t.metadata.refs.audit!.snapshotId
      const other = await (await cat.loadTable('db.t')).append([fakeFile('/d/unaudited.parquet')], { branch: 'audit' })
      const e = await rejection(t.transaction().manageSnapshots((m) => m.fastForward('main', 'audit')).commit())
      expect(failedWith(e, 'VALIDATION', /Ref audit changed concurrently/)).toBe(true)
      const now = await cat.loadTable('db.t')
      expect(now.currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId) // main never saw either audit snapshot
      expect(now.metadata.refs.audit!.snapshotId).toBe(other.metadata.refs.audit!.snapshotId)
      expect(now.metadata.refs.audit!.snapshotId).not.toBe(audited)
    })

    it('createBranch(name) without an id fails when main moved, instead of forking from the unseen head', async () => {
      const { cat, t: t0 } = await refsTable(kind)
      const t = await t0.append([fakeFile('/d/a.parquet')])
      await (await cat.loadTable('db.t')).append([fakeFile('/d/b.parquet')])
      const e = await rejection(t.transaction().manageSnapshots((m) => m.createBranch('x')).commit())
      expect(failedWith(e, 'VALIDATION', /Ref main changed concurrently/)).toBe(true)
      expect(Object.keys((await cat.loadTable('db.t')).metadata.refs)).toEqual(['main'])
    })

    it('replaceBranch(b, source) fails when source moved', async () => {
      const { cat, t: t0 } = await refsTable(kind)
      let t = await t0.append([fakeFile('/d/a.parquet')])
      t = await t.append([fakeFile('/d/s.parquet')], { branch: 'src' })
      t = await t.transaction().manageSnapshots((m) => m.createBranch('b')).commit()
      await (await cat.loadTable('db.t')).append([fakeFile('/d/s2.parquet')], { branch: 'src' })
      const e = await rejection(t.transaction().manageSnapshots((m) => m.replaceBranch('b', 'src')).commit())
      expect(failedWith(e, 'VALIDATION', /Ref src changed concurrently/)).toBe(true)
      expect((await cat.loadTable('db.t')).metadata.refs.b!.snapshotId).toBe(t.metadata.refs.b!.snapshotId)
    })

    it('still retries past a concurrent commit to a ref the operations neither read nor change', async () => {
      const { cat, t: t0 } = await refsTable(kind)
      let t = await t0.append([fakeFile('/d/a.parquet')])
      t = await t.append([fakeFile('/d/audited.parquet')], { branch: 'audit' })
      await (await cat.loadTable('db.t')).append([fakeFile('/d/other.parquet')], { branch: 'other' })
      const { table, result } = await t.transaction().manageSnapshots((m) => m.fastForward('main', 'audit')).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.currentSnapshot()!.snapshotId).toBe(t.metadata.refs.audit!.snapshotId)
    })
  })
}
