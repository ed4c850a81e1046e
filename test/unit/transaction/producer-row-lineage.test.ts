// v3 row lineage as Java assigns it: ADDED entries never keep a caller's first_row_id (they inherit from their
// manifest), and the manifest list gives every data manifest without a first_row_id one, old ones included.
import { describe, expect, it } from 'vitest'
import type { ManifestFile } from '../../../src/spec/manifest.js'
import type { Table } from '../../../src/table/table.js'
import { dataFile, entriesOf, manifestsOf, newTable } from './producer-fixtures.js'

/** Upgrade the table's format version in one commit (the REST `upgrade-format-version` change). */
async function upgradeToV3(t: Table): Promise<Table> {
  return t
    .transaction()
    .add({ kind: 'upgrade', apply: async () => ({ updates: [{ action: 'upgrade-format-version', formatVersion: 3 }], requirements: [] }) })
    .commit()
}

const rowIds = async (t: Table): Promise<Array<[string, bigint | undefined]>> =>
  (await t.scan().planFiles()).map((x): [string, bigint | undefined] => [x.file.filePath, x.file.firstRowId]).sort((a, b) => a[0].localeCompare(b[0]))

describe('v3 row lineage of added files', () => {
  it('a re-added file read from a scan gets new row ids, not its old first_row_id', async () => {
    const t1 = await (await newTable(3)).append([dataFile('/d/a.parquet', [1], 10n)])
    const [task] = await t1.scan().planFiles()
    expect(task!.file.firstRowId).toBe(0n)
    const t2 = await t1.append([{ ...task!.file, filePath: '/d/a-copy.parquet' }])
    const [newest] = await manifestsOf(t2)
    expect(newest!.firstRowId).toBe(10n)
    const [raw] = await entriesOf(t2, newest!, true)
    expect(raw!.dataFile.firstRowId).toBeUndefined() // stored without one: inherited from the manifest
    expect(await rowIds(t2)).toEqual([
      ['/d/a-copy.parquet', 10n],
      ['/d/a.parquet', 0n],
    ])
    expect(t2.metadata.nextRowId).toBe(20n)
  })

  it('a cherry-picked append gets row ids from its new manifest', async () => {
    let t = await (await newTable(3)).append([dataFile('/d/base.parquet', [1])])
    t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
    t = await t.transaction().onBranch('wap').append([dataFile('/d/staged.parquet', [1])]).commit()
    const staged = t.metadata.refs.wap!.snapshotId
    t = await t.append([dataFile('/d/other.parquet', [2])])
    t = await t.transaction().cherryPick(staged).commit()
    const snap = t.currentSnapshot()!
    expect(snap.firstRowId).toBe(30n)
    const [picked] = await manifestsOf(t)
    expect(picked!.firstRowId).toBe(30n)
    expect((await entriesOf(t, picked!, true)).map((e) => e.dataFile.firstRowId)).toEqual([undefined])
    expect(await rowIds(t)).toEqual([
      ['/d/base.parquet', 0n],
      ['/d/other.parquet', 20n],
      ['/d/staged.parquet', 30n],
    ])
  })

  it('EXISTING entries keep their row ids when a merge append rewrites their manifest', async () => {
    let t = await newTable(3, { 'commit.manifest.min-count-to-merge': '2' })
    t = await t.append([dataFile('/d/a.parquet', [1], 4n)])
    t = await t.transaction().append([dataFile('/d/b.parquet', [1], 6n)], { merge: true }).commit()
    const list = await manifestsOf(t)
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ addedFilesCount: 1, existingFilesCount: 1, firstRowId: 4n })
    const raw = await entriesOf(t, list[0]!, true)
    expect(raw.map((e) => [e.status, e.dataFile.filePath, e.dataFile.firstRowId])).toEqual([
      ['added', '/d/b.parquet', undefined],
      ['existing', '/d/a.parquet', 0n],
    ])
    // Java leaves room for the existing rows too: the merged manifest takes ids 4..13
    expect(t.currentSnapshot()).toMatchObject({ firstRowId: 4n, addedRows: 10n })
    expect(await rowIds(t)).toEqual([
      ['/d/a.parquet', 0n],
      ['/d/b.parquet', 4n],
    ])
  })
})

describe('v3 row lineage after a v2→v3 upgrade', () => {
  it('the first v3 commit assigns first_row_id to every older data manifest, in list order', async () => {
    let t = await newTable(2)
    t = await t.append([dataFile('/d/a.parquet', [1], 2n)])
    t = await t.append([dataFile('/d/b.parquet', [1], 5n)])
    t = await upgradeToV3(t)
    expect(t.metadata.nextRowId ?? 0n).toBe(0n)
    t = await t.append([dataFile('/d/c.parquet', [1], 1n)])
    const list = await manifestsOf(t)
    const shape = (m: ManifestFile): [bigint | undefined, bigint | undefined, bigint | undefined] => [m.addedRowsCount, m.existingRowsCount, m.firstRowId]
    expect(list.map(shape)).toEqual([
      [1n, 0n, 0n], // the new manifest
      [5n, 0n, 1n], // then the carried-over v2 manifests
      [2n, 0n, 6n],
    ])
    expect(t.currentSnapshot()).toMatchObject({ firstRowId: 0n, addedRows: 8n })
    expect(t.metadata.nextRowId).toBe(8n)
    expect(await rowIds(t)).toEqual([
      ['/d/a.parquet', 6n],
      ['/d/b.parquet', 1n],
      ['/d/c.parquet', 0n],
    ])
    // later commits keep them
    const t2 = await t.append([dataFile('/d/d.parquet', [1], 3n)])
    expect((await manifestsOf(t2)).map((m) => m.firstRowId)).toEqual([8n, 0n, 1n, 6n])
    expect(t2.currentSnapshot()).toMatchObject({ firstRowId: 8n, addedRows: 3n })
    expect(t2.metadata.nextRowId).toBe(11n)
  })

  it('delete manifests carried over get no first_row_id', async () => {
    let t = await newTable(2)
    t = await t.append([dataFile('/d/a.parquet', [1], 2n)])
    const del = { content: 'position-deletes' as const, filePath: '/d/del.parquet', fileFormat: 'PARQUET' as const, specId: 0, partition: [1], recordCount: 1n, fileSizeInBytes: 10n, referencedDataFile: '/d/a.parquet' }
    t = await t.transaction().rowDelta({ addDeletes: [del] }).commit()
    t = await upgradeToV3(t)
    t = await t.append([dataFile('/d/c.parquet', [1], 1n)])
    const list = await manifestsOf(t)
    expect(list.filter((m) => m.content === 'deletes').map((m) => m.firstRowId)).toEqual([undefined])
    // data manifests in list order: the new one (1 row), then the carried-over one (2 rows)
    expect(list.filter((m) => m.content === 'data').map((m) => [m.addedRowsCount, m.firstRowId])).toEqual([
      [1n, 0n],
      [2n, 1n],
    ])
    expect(t.currentSnapshot()).toMatchObject({ firstRowId: 0n, addedRows: 3n })
  })
})
