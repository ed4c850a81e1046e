// The all_* metadata tables (every snapshot's manifests; each distinct manifest read once) and
// position_deletes (one row per deleted position, Parquet delete files and v3 deletion vectors).
import { describe, expect, it } from 'vitest'
import type { Row } from '../../../src/parquet/codec.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { allEntriesTable, allFilesTable, allManifestsTable } from '../../../src/table/metadata-tables-all.js'
import { filesTable, manifestsTable, snapshotEntries } from '../../../src/table/metadata-tables-files.js'
import { positionDeletesTable } from '../../../src/table/metadata-tables-position-deletes.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const COLS = schema([field(1, 'id', T.long, { required: true }), field(2, 'name', T.string)])
const BY_NAME: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'name', transform: Transforms.identity }] }

async function create(formatVersion: FormatVersion, spec?: PartitionSpec): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: COLS, ...(spec ? { spec } : {}), formatVersion })
}
const rows = (ids: number[], name = 'x') => ids.map((i) => ({ id: BigInt(i), name }))
const paths = (rs: Row[]): string[] => rs.map((r) => r.file_path as string).sort()

describe('all_* tables', () => {
  async function history(): Promise<{ t: Table; a: string; b: string }> {
    let t = await (await create(2)).appendRows(rows([1, 2]))
    const a = (await filesTable(t.env.io, t.metadata, t.currentSnapshot()))[0]!.file_path as string
    t = await t.appendRows(rows([3]))
    const b = (await filesTable(t.env.io, t.metadata, t.currentSnapshot())).find((r) => r.file_path !== a)!.file_path as string
    t = await t.deleteRows('id < 3', { mode: 'copy-on-write' }) // drops file a
    return { t, a, b }
  }

  it('all_manifests: one row per snapshot and manifest, equal to that snapshot’s manifests row plus its id', async () => {
    const { t } = await history()
    const all = await allManifestsTable(t.env.io, t.metadata)
    let expected: Row[] = []
    for (const s of t.metadata.snapshots)
      expected = expected.concat((await manifestsTable(t.env.io, t.metadata, s)).map((r) => ({ ...r, reference_snapshot_id: s.snapshotId, key_metadata: null })))
    expect(all).toEqual(expected)
    expect(new Set(all.map((r) => r.path)).size).toBeLessThan(all.length) // shared manifests repeat per snapshot
  })

  it('all_data_files and all_entries read each reachable manifest once', async () => {
    const { t, a, b } = await history()
    expect(paths(await filesTable(t.env.io, t.metadata, t.currentSnapshot()))).toEqual([b])
    // a is live in the first manifest and b in the second; the rewritten manifest holds a as DELETED
    expect(paths(await allFilesTable(t.env.io, t.metadata, 'data'))).toEqual([a, b].sort())
    expect(paths(await allFilesTable(t.env.io, t.metadata, 'all'))).toEqual([a, b].sort())
    expect(await allFilesTable(t.env.io, t.metadata, 'deletes')).toEqual([])
    const entries = await allEntriesTable(t.env.io, t.metadata)
    expect(entries.map((e) => [(e.data_file as Row).file_path, e.status]).sort()).toEqual(
      [
        [a, 1],
        [a, 2],
        [b, 1],
      ].sort(),
    )
  })

  it('all_delete_files keeps delete files that later snapshots dropped', async () => {
    let t = await (await create(3)).appendRows(rows([1, 2, 3]))
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    const del = paths(await filesTable(t.env.io, t.metadata, t.currentSnapshot(), 'deletes'))
    expect(del).toHaveLength(1)
    t = await t.deleteRows('id > 0', { mode: 'copy-on-write' }) // removes the data file and its DV
    expect(await filesTable(t.env.io, t.metadata, t.currentSnapshot(), 'deletes')).toEqual([])
    expect(paths(await allFilesTable(t.env.io, t.metadata, 'deletes'))).toEqual(del)
    const all = await allFilesTable(t.env.io, t.metadata, 'all')
    expect(all.filter((r) => r.content === 1).map((r) => r.file_path)).toEqual(del)
  })
})

describe('position_deletes', () => {
  it('v2 Parquet position deletes: one row per deleted position, no partition column when unpartitioned', async () => {
    let t = await (await create(2)).appendRows(rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    const [data] = await filesTable(t.env.io, t.metadata, t.currentSnapshot())
    expect((await t.scan().toArray()).map((r) => r.id)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n])
    t = await t.deleteRows('id = 2 or id = 5', { mode: 'merge-on-read' })
    const [del] = await filesTable(t.env.io, t.metadata, t.currentSnapshot(), 'deletes')
    const got = await positionDeletesTable(t.env.io, t.metadata, t.currentSnapshot())
    expect(got).toEqual([2n, 5n].map((pos) => ({ file_path: data!.file_path, pos, row: null, spec_id: 0, delete_file_path: del!.file_path })))
  })

  it('v3 deletion vectors: positions with the DV offset and size, partition in the table partition type', async () => {
    let t = await (await create(3, BY_NAME)).appendRows([...rows([0, 1, 2, 3], 'a'), ...rows([10, 11], 'b')])
    t = await t.deleteRows('id = 1 or id = 3 or id = 11', { mode: 'merge-on-read' })
    const dvs = (await snapshotEntries(t.env.io, t.metadata, t.currentSnapshot())).map((e) => e.entry.dataFile).filter((f) => f.fileFormat === 'PUFFIN')
    expect(dvs).toHaveLength(2)
    const got = await positionDeletesTable(t.env.io, t.metadata, t.currentSnapshot())
    const want = dvs.flatMap((f) =>
      (f.partition[0] === 'a' ? [1n, 3n] : [1n]).map((pos) => ({
        file_path: f.referencedDataFile,
        pos,
        row: null,
        partition: { name: f.partition[0] },
        spec_id: 0,
        delete_file_path: f.filePath,
        content_offset: f.contentOffset,
        content_size_in_bytes: f.contentSizeInBytes,
      })),
    )
    expect(got).toEqual(want)
  })

  it('reads the chosen snapshot', async () => {
    let t = await (await create(2)).appendRows(rows([0, 1, 2]))
    t = await t.deleteRows('id = 0', { mode: 'merge-on-read' })
    const first = t.currentSnapshot()!
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    expect((await positionDeletesTable(t.env.io, t.metadata, first)).map((r) => r.pos)).toEqual([0n])
    expect((await positionDeletesTable(t.env.io, t.metadata, t.currentSnapshot())).map((r) => r.pos).sort()).toEqual([0n, 1n])
  })
})
