// Values Java's metadata tables report as null where the stored form is present but not meaningful:
// split offsets that are empty or point past the file (BaseFile.splitOffsets), and a snapshot whose
// summary is an empty object (SnapshotParser reads no summary from it).
import { describe, expect, it } from 'vitest'
import type { DataFile } from '../../../src/spec/manifest.js'
import { readTableMetadata } from '../../../src/spec/json/metadata-read.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { filesTable, entriesTable } from '../../../src/table/metadata-tables-files.js'
import { snapshotsTable } from '../../../src/table/metadata-tables.js'
import { makeCatalog } from '../../support/catalogs.js'

const file = (name: string, size: bigint, splitOffsets?: bigint[]): DataFile => ({
  content: 'data', filePath: `/d/${name}.parquet`, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 1n, fileSizeInBytes: size,
  ...(splitOffsets ? { splitOffsets } : {}),
})

describe('metadata tables: values Java reports as null', () => {
  it('split_offsets: empty lists and lists ending past the file size read as null, others as stored', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long)]), formatVersion: 2 })
    const cases: [string, bigint, bigint[] | undefined, bigint[] | null][] = [
      ['empty', 100n, [], null],
      ['past-end', 100n, [4n, 100n], null],
      ['unsorted-but-inside', 100n, [50n, 4n], [50n, 4n]],
      ['good', 100n, [4n, 60n], [4n, 60n]],
      ['none', 100n, undefined, null],
    ]
    t = await t.append(cases.map(([n, size, offs]) => file(n, size, offs)))
    const rows = await filesTable(t.env.io, t.metadata, t.currentSnapshot())
    const entries = await entriesTable(t.env.io, t.metadata, t.currentSnapshot())
    for (const [n, , , want] of cases) {
      const r = rows.find((x) => x.file_path === `/d/${n}.parquet`)!
      expect(r.split_offsets, n).toEqual(want)
      const e = entries.find((x) => (x.data_file as { file_path: string }).file_path === `/d/${n}.parquet`)!
      expect((e.data_file as { split_offsets: unknown }).split_offsets, n).toEqual(want)
    }
  })

  it('snapshots: an empty summary object gives a null operation and a null summary; an operation-only one an empty map', () => {
    const snap = (id: number, summary?: object) => ({ 'snapshot-id': id, 'timestamp-ms': 1600000000000 + id, 'manifest-list': `/t/m${id}.avro`, ...(summary ? { summary } : {}) })
    const meta = {
      'format-version': 1, 'table-uuid': '9c12d441-03fe-4693-9a96-a0705ddf69c1', location: '/t', 'last-updated-ms': 1700000000000,
      'last-column-id': 1, schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] },
      'partition-spec': [], properties: {}, 'current-snapshot-id': 3,
      snapshots: [snap(1, {}), snap(2), snap(3, { operation: 'append' }), snap(4, { operation: 'delete', 'deleted-records': '2' })],
    }
    const m = readTableMetadata(new TextEncoder().encode(JSON.stringify(meta)), 'v1.metadata.json')
    const got = snapshotsTable(m).map((r) => [r.operation, r.summary instanceof Map ? Object.fromEntries(r.summary) : r.summary])
    expect(got).toEqual([[null, null], [null, null], ['append', {}], ['delete', { 'deleted-records': '2' }]])
  })
})
