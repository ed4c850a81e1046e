// A change set that changes nothing commits nothing (Java's metadata builder hands back the base, and a
// transaction whose base is its current metadata does not commit): no new metadata file, no metadata-log
// entry, and the returned table is the one committed to.
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import type { TableUpdate } from '../../../src/spec/updates.js'
import type { Table } from '../../../src/table/table.js'
import type { Transaction } from '../../../src/transaction/transaction.js'
import { CATALOG_KINDS, fakeFile } from '../../support/catalogs.js'
import { emptyTable, snap } from '../../support/tables.js'
import { refsTable } from './refs-fixtures.js'

const metadataFiles = (t: Table): string[] => {
  const dir = t.metadataLocation!.replace(/\/[^/]+$/, '')
  const path = dir.startsWith('file:') ? fileURLToPath(dir) : dir
  return readdirSync(path).filter((f) => f.endsWith('.metadata.json'))
}

async function twoBranches(kind: (typeof CATALOG_KINDS)[number]): Promise<Table> {
  return (await twoBranchesIn(kind)).t
}

async function twoBranchesIn(kind: (typeof CATALOG_KINDS)[number]): Promise<{ cat: Catalog; t: Table }> {
  const { cat, t: t0 } = await refsTable(kind)
  let t = await t0.append([fakeFile('/d/a.parquet')])
  t = await t.append([fakeFile('/d/b.parquet')])
  t = await t.transaction().manageSnapshots((m) => m.createBranch('b').createTag('tg', t.currentSnapshot()!.snapshotId)).commit()
  return { cat, t: await t.transaction().setProperties({ k: 'v' }).commit() }
}

const NOOPS: Array<[string, (tx: Transaction, t: Table) => Transaction]> = [
  ['setCurrentSnapshot(current)', (tx, t) => tx.manageSnapshots((m) => m.setCurrentSnapshot(t.currentSnapshot()!.snapshotId))],
  ['rollbackTo(current)', (tx, t) => tx.manageSnapshots((m) => m.rollbackTo(t.currentSnapshot()!.snapshotId))],
  ['fastForward(b, main) with b at main', (tx) => tx.manageSnapshots((m) => m.fastForward('b', 'main'))],
  ['replaceBranch(b, tg) with both at one snapshot', (tx) => tx.manageSnapshots((m) => m.replaceBranch('b', 'tg'))],
  ['replaceRef(b, its snapshot)', (tx, t) => tx.manageSnapshots((m) => m.replaceRef('b', t.metadata.refs.b!.snapshotId))],
  ['setRetention(b) to none (as it is)', (tx) => tx.manageSnapshots((m) => m.setRetention('b', {}))],
  ['setProperties with the same value', (tx) => tx.setProperties({ k: 'v' })],
  ['removing a property that is not set', (tx) => tx.setProperties({}, ['absent'])],
  ['several no-ops together', (tx, t) => tx.setProperties({ k: 'v' }).manageSnapshots((m) => m.rollbackTo(t.currentSnapshot()!.snapshotId).fastForward('b', 'main'))],
]

for (const kind of CATALOG_KINDS) {
  describe(`no-op changes commit nothing (${kind} catalog)`, () => {
    for (const [name, edit] of NOOPS) {
      it(name, async () => {
        const t = await twoBranches(kind)
        const files = kind === 'memory' ? [] : metadataFiles(t)
        const { table, result } = await edit(t.transaction(), t).commitWithResult()
        expect(result.attempts).toBe(1)
        expect(table.metadataLocation).toBe(t.metadataLocation)
        expect(table.metadata).toBe(t.metadata)
        expect(table.metadata.metadataLog).toHaveLength(t.metadata.metadataLog.length)
        if (kind !== 'memory') expect(metadataFiles(table)).toEqual(files)
      })
    }

    it('what is a no-op on a stale handle is re-applied to the table as it is now', async () => {
      const { cat, t } = await twoBranchesIn(kind)
      // another writer changes the property and rolls main back meanwhile
      const head = t.currentSnapshot()!
      const now = await (await cat.loadTable('db.t')).transaction().setProperties({ k: 'w' }).manageSnapshots((m) => m.rollbackTo(head.parentSnapshotId!)).commit()
      expect(now.metadata.properties.k).toBe('w')
      const { table, result } = await t.transaction().setProperties({ k: 'v' }).manageSnapshots((m) => m.setCurrentSnapshot(head.snapshotId)).commitWithResult()
      expect(result.attempts).toBe(2)
      expect(table.metadata.properties.k).toBe('v')
      expect(table.currentSnapshot()!.snapshotId).toBe(head.snapshotId)
      expect((await cat.loadTable('db.t')).metadataLocation).toBe(table.metadataLocation)
    })

    it('a property set to a new value still commits', async () => {
      const t = await twoBranches(kind)
      const x = await t.transaction().setProperties({ k: 'w' }).commit()
      expect(x.metadataLocation).not.toBe(t.metadataLocation)
      expect(x.metadata.metadataLog).toHaveLength(t.metadata.metadataLog.length + 1)
    })
  })
}

describe('applyUpdates on updates that change nothing', () => {
  const A = 11n
  const B = 12n
  const base = applyUpdates(
    emptyTable(),
    [
      { action: 'add-snapshot', snapshot: snap(A, 1n, 1_700_000_000_000n) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
      { action: 'add-snapshot', snapshot: snap(B, 2n, 1_700_000_000_001n, A) },
      { action: 'set-snapshot-ref', refName: 'b', ref: { snapshotId: B, type: 'branch', minSnapshotsToKeep: 2 } },
      { action: 'set-properties', updates: { k: 'v' } },
    ],
    1_700_000_000_002n,
  )
  const noops: TableUpdate[] = [
    { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
    { action: 'set-snapshot-ref', refName: 'b', ref: { snapshotId: B, type: 'branch', minSnapshotsToKeep: 2 } },
    { action: 'remove-snapshot-ref', refName: 'absent' },
    { action: 'set-properties', updates: { k: 'v' } },
    { action: 'remove-properties', removals: ['absent'] },
    { action: 'set-current-schema', schemaId: base.currentSchemaId },
    { action: 'set-default-spec', specId: base.defaultSpecId },
    { action: 'set-default-sort-order', sortOrderId: base.defaultSortOrderId },
    { action: 'set-location', location: `${base.location}/` },
    { action: 'upgrade-format-version', formatVersion: base.formatVersion },
    { action: 'assign-uuid', uuid: base.tableUuid! },
    { action: 'remove-statistics', snapshotId: A },
    { action: 'remove-partition-statistics', snapshotId: A },
    { action: 'remove-snapshots', snapshotIds: [999n] },
  ]

  it('property: any sequence of them hands back the base itself', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...noops), { maxLength: 8 }), (ups) => {
        expect(applyUpdates(base, ups, 1_800_000_000_000n)).toBe(base)
      }),
    )
  })

  it('changes that Java records even when nothing differs still produce new metadata', () => {
    const stats = { snapshotId: A, statisticsPath: 's3://b/t/stats.puffin', fileSizeInBytes: 1n, fileFooterSizeInBytes: 1n, blobMetadata: [] }
    const withStats = applyUpdates(base, [{ action: 'set-statistics', statistics: stats }], 1_800_000_000_000n)
    expect(applyUpdates(withStats, [{ action: 'set-statistics', statistics: stats }], 1_800_000_000_001n)).not.toBe(withStats)
    expect(applyUpdates(base, [{ action: 'remove-partition-specs', specIds: [42] }], 1_800_000_000_000n)).not.toBe(base)
  })

  it('one real change among no-ops is applied, stamped with the time', () => {
    const m = applyUpdates(base, [...noops, { action: 'set-properties', updates: { k: 'w' } }], 1_800_000_000_000n)
    expect(m).not.toBe(base)
    expect(m.properties.k).toBe('w')
    expect(m.lastUpdatedMs).toBe(1_800_000_000_000n)
  })
})
