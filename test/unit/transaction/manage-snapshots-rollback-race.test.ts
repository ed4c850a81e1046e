// rollbackTo, setCurrentSnapshot and rollbackToTime racing another writer's commit to main are re-applied
// on the refreshed table, as Java's SetSnapshotOperation retries: the ancestry of a rollbackTo target is
// checked once, when the operation is first applied, while rollbackToTime re-checks on every retry that the
// snapshot it chose is still an ancestor of main.
import { describe, expect, it } from 'vitest'
import { CATALOG_KINDS, fakeFile } from '../../support/catalogs.js'
import { failedWith, refsTable, rejection } from './refs-fixtures.js'

for (const kind of CATALOG_KINDS) {
  describe(`history moves racing a commit to main (${kind} catalog)`, () => {
    async function twoOnMain() {
      const { cat, t: t0 } = await refsTable(kind)
      let t = await t0.append([fakeFile('/d/a.parquet')])
      const s1 = t.currentSnapshot()!.snapshotId
      t = await t.append([fakeFile('/d/b.parquet')])
      return { cat, t, s1, s2: t.currentSnapshot()!.snapshotId }
    }

    it('rollbackTo retries and sets main to the target, rolling back the concurrent commit too', async () => {
      const { cat, t, s1 } = await twoOnMain()
      await (await cat.loadTable('db.t')).append([fakeFile('/d/c.parquet')])
      const { table, result } = await t.transaction().manageSnapshots((m) => m.rollbackTo(s1)).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.currentSnapshot()!.snapshotId).toBe(s1)
      expect((await cat.loadTable('db.t')).currentSnapshot()!.snapshotId).toBe(s1)
    })

    it('rollbackTo does not re-check ancestry on a retry (Java), even if main left the target behind', async () => {
      const { cat, t, s1 } = await twoOnMain()
      // another writer moves main to a snapshot of a side branch forked before s1 existed... simulated by
      // a branch from s1 and a set-current to its head, whose ancestors still include s1, then a rollback
      // to an unrelated tagged snapshot
      const other = await cat.loadTable('db.t')
      const side = await other.append([fakeFile('/d/side.parquet')], { branch: 'side' })
      await side.transaction().manageSnapshots((m) => m.setCurrentSnapshot(side.metadata.refs.side!.snapshotId)).commit()
      const { table, result } = await t.transaction().manageSnapshots((m) => m.rollbackTo(s1)).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.currentSnapshot()!.snapshotId).toBe(s1)
    })

    it('setCurrentSnapshot retries and sets main to the snapshot', async () => {
      const { cat, t, s1 } = await twoOnMain()
      await (await cat.loadTable('db.t')).append([fakeFile('/d/c.parquet')])
      const { table, result } = await t.transaction().manageSnapshots((m) => m.setCurrentSnapshot(s1)).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.currentSnapshot()!.snapshotId).toBe(s1)
    })

    it('rollbackToTime keeps the target it found first and retries while it is still an ancestor', async () => {
      const { cat, t, s1, s2 } = await twoOnMain()
      const at = t.metadata.snapshots.find((s) => s.snapshotId === s2)!.timestampMs // strictly before s2: s1
      await (await cat.loadTable('db.t')).append([fakeFile('/d/c.parquet')])
      const { table, result } = await t.transaction().manageSnapshots((m) => m.rollbackToTime(at)).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.currentSnapshot()!.snapshotId).toBe(s1)
    })

    it('rollbackToTime fails (VALIDATION) when a concurrent change left its target off main', async () => {
      const { cat, t, s1, s2 } = await twoOnMain()
      const at = t.metadata.snapshots.find((s) => s.snapshotId === s2)!.timestampMs + 1_000_000n // s2 is the target
      // another writer rolls main back to s1, so s2 is no longer an ancestor of main
      await (await cat.loadTable('db.t')).transaction().manageSnapshots((m) => m.rollbackTo(s1)).commit()
      const e = await rejection(t.transaction().manageSnapshots((m) => m.rollbackToTime(at)).commit())
      expect(failedWith(e, 'VALIDATION', new RegExp(`${s2}.*no longer an ancestor`))).toBe(true)
      expect((await cat.loadTable('db.t')).currentSnapshot()!.snapshotId).toBe(s1)
    })

    it('a ref operation on main in the same batch still refuses the concurrent move', async () => {
      const { cat, t, s1 } = await twoOnMain()
      await (await cat.loadTable('db.t')).append([fakeFile('/d/c.parquet')])
      const e = await rejection(t.transaction().manageSnapshots((m) => m.rollbackTo(s1).setRetention('main', { minSnapshotsToKeep: 2 })).commit())
      expect(failedWith(e, 'VALIDATION', /Ref main changed concurrently/)).toBe(true)
    })
  })
}
