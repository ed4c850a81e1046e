// Columns of the file metadata tables as Java defines them: the v3 data file fields (first_row_id,
// content_offset, content_size_in_bytes), readable_metrics, manifests' summary strings, and the schemas
// (names, types, field ids) of every table, checked against the rows' keys.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { findFieldByName, schema, type Schema } from '../../../src/spec/schema.js'
import { fromBinary } from '../../../src/spec/single-value.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type IcebergType, type NestedField, type PrimitiveType, type StructValue } from '../../../src/spec/types.js'
import { entriesTable, filesTable, manifestsTable, snapshotEntries } from '../../../src/table/metadata-tables-files.js'
import { readMetadataTable } from '../../../src/table/metadata-tables-read.js'
import { metadataTableSchema, positionDeletesTableSchema } from '../../../src/table/metadata-tables-schemas.js'
import { METADATA_TABLES } from '../../../src/table/metadata-tables.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const COLS = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'name', T.string),
  field(3, 's', T.struct([field(4, 'a', T.int), field(5, 'b', T.double)])),
  field(6, 'tags', T.list(7, T.string)),
  field(8, 'ts', T.timestamptz),
])
const ROWS = [1, 2, 3].map((i) => ({ id: BigInt(i), name: String.fromCharCode(96 + i), s: { a: i * 10, b: i / 2 }, tags: [`t${i}`], ts: BigInt(i) * 1_000_000n }))

async function create(formatVersion: FormatVersion, spec?: PartitionSpec, cols: Schema = COLS): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: cols, ...(spec ? { spec } : {}), formatVersion })
}
const cur = (t: Table) => [t.env.io, t.metadata, t.currentSnapshot()] as const
const names = (fields: readonly NestedField[]): string[] => fields.map((f) => f.name)
const structOf = (t: IcebergType): readonly NestedField[] => (t.kind === 'struct' ? t.fields : [])

describe('file rows: v3 data file columns', () => {
  it('v3: first_row_id of data files, and the DV offset, size and referenced file in delete_files', async () => {
    let t = await (await create(3)).appendRows(ROWS)
    t = await t.appendRows(ROWS.slice(0, 2).map((r) => ({ ...r, id: r.id + 10n })))
    t = await t.deleteRows('id = 2', { mode: 'merge-on-read' })
    const data = await filesTable(...cur(t), 'data')
    expect(data.map((r) => r.first_row_id).sort()).toEqual([0n, 3n])
    const [dv, ...more] = await filesTable(...cur(t), 'deletes')
    expect(more).toHaveLength(0)
    const live = (await snapshotEntries(...cur(t))).map((e) => e.entry.dataFile).find((f) => f.fileFormat === 'PUFFIN')!
    expect(dv).toMatchObject({ content: 1, file_format: 'PUFFIN', first_row_id: null, content_offset: live.contentOffset, content_size_in_bytes: live.contentSizeInBytes })
    expect(typeof dv!.content_offset).toBe('bigint')
    expect(data.map((r) => r.file_path)).toContain(dv!.referenced_data_file)
    // a DV carries no column metrics: every readable metric is null
    for (const m of Object.values(dv!.readable_metrics as StructValue)) expect(Object.values(m as StructValue).every((v) => v === null)).toBe(true)
  })

  it('v2: the v3 columns are present and null', async () => {
    const t = await (await create(2)).appendRows(ROWS)
    const [r] = await filesTable(...cur(t))
    expect(r).toMatchObject({ first_row_id: null, content_offset: null, content_size_in_bytes: null, referenced_data_file: null })
  })
})

describe('readable_metrics', () => {
  it('one struct per leaf column sorted by full name, bounds decoded to the column type', async () => {
    const t = await (await create(2)).appendRows(ROWS)
    const s = t.schema()
    const [r] = await filesTable(...cur(t))
    const rm = r!.readable_metrics as Record<string, StructValue>
    expect(Object.keys(rm)).toEqual(['id', 'name', 's.a', 's.b', 'tags.element', 'ts'])
    expect(rm.id).toEqual({ column_size: expect.any(BigInt), value_count: 3n, null_value_count: 0n, nan_value_count: null, lower_bound: 1n, upper_bound: 3n })
    expect([rm.name!.lower_bound, rm.name!.upper_bound]).toEqual(['a', 'c'])
    expect([rm['s.a']!.lower_bound, rm['s.a']!.upper_bound]).toEqual([10, 30])
    expect([rm['s.b']!.lower_bound, rm['s.b']!.upper_bound, rm['s.b']!.nan_value_count]).toEqual([0.5, 1.5, 0n])
    expect([rm.ts!.lower_bound, rm.ts!.upper_bound]).toEqual([1_000_000n, 3_000_000n])
    // every metric is the file's own map entry for that column (decoded for bounds)
    const file = (await snapshotEntries(...cur(t)))[0]!.entry.dataFile
    for (const [col, m] of Object.entries(rm)) {
      const f = findFieldByName(s, col)!
      const dec = (b: Uint8Array | undefined) => (b === undefined ? null : fromBinary(f.type as PrimitiveType, b))
      expect(m).toEqual({
        column_size: file.columnSizes?.get(f.id) ?? null,
        value_count: file.valueCounts?.get(f.id) ?? null,
        null_value_count: file.nullValueCounts?.get(f.id) ?? null,
        nan_value_count: file.nanValueCounts?.get(f.id) ?? null,
        lower_bound: dec(file.lowerBounds?.get(f.id)),
        upper_bound: dec(file.upperBounds?.get(f.id)),
      })
    }
  })

  it('entries carry readable_metrics next to data_file, not inside it', async () => {
    const t = await (await create(2)).appendRows(ROWS)
    const [e] = await entriesTable(...cur(t))
    expect(Object.keys(e!)).toEqual(['status', 'snapshot_id', 'sequence_number', 'file_sequence_number', 'data_file', 'readable_metrics'])
    expect(Object.keys(e!.data_file as Row)).not.toContain('readable_metrics')
    expect(e!.readable_metrics).toEqual((await filesTable(...cur(t)))[0]!.readable_metrics)
  })

  it('bounds written before an int → long promotion decode as long', async () => {
    let t = await create(2, undefined, schema([field(1, 'n', T.int)]))
    t = await t.appendRows([{ n: 5 }, { n: 9 }])
    t = await t.transaction().updateSchema((u) => u.updateColumn('n', T.long)).commit()
    const rm = (await filesTable(...cur(t)))[0]!.readable_metrics as Record<string, StructValue>
    expect([rm.n!.lower_bound, rm.n!.upper_bound]).toEqual([5n, 9n])
  })
})

describe('manifests', () => {
  it('absent summary bounds read as the string "null", as Java prints them', async () => {
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'name', transform: Transforms.identity }] }
    const t = await (await create(2, spec)).appendRows([{ ...ROWS[0]!, name: null }])
    const [m] = await manifestsTable(...cur(t))
    expect(m!.partition_summaries).toEqual([{ contains_null: true, contains_nan: false, lower_bound: 'null', upper_bound: 'null' }])
  })

  it('delete manifests count delete files and report zero data files; keys follow the schema', async () => {
    let t = await (await create(2)).appendRows(ROWS)
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    const rows = await manifestsTable(...cur(t))
    const del = rows.find((r) => r.content === 1)!
    expect(del).toMatchObject({ added_data_files_count: 0, existing_data_files_count: 0, deleted_data_files_count: 0, added_delete_files_count: 1, existing_delete_files_count: 0, deleted_delete_files_count: 0 })
    const data = rows.find((r) => r.content === 0)!
    expect(data).toMatchObject({ added_data_files_count: 1, added_delete_files_count: 0 })
    for (const r of rows) expect(Object.keys(r)).toEqual(names(metadataTableSchema('manifests', t.metadata).fields))
  })
})

describe('schemas', () => {
  // Java's TestBase table: id int (3), data string (4), bucket[16](data) as field 1000
  const javaTable = (formatVersion: FormatVersion = 2, cols = schema([field(3, 'id', T.int, { required: true }), field(4, 'data', T.string, { required: true })])) =>
    ({
      formatVersion,
      schemas: [cols],
      currentSchemaId: 0,
      specs: [{ specId: 0, fields: [{ sourceId: 4, fieldId: 1000, name: 'data_bucket', transform: Transforms.bucket(16) }] }],
    }) as unknown as TableMetadata

  it.each(['files', 'entries'] as const)('%s: readable_metrics ids follow Java (TestMetadataTableScans)', (name) => {
    const s = metadataTableSchema(name, javaTable())
    const rm = s.fields.at(-1)!
    // Java numbers after the highest id (partition field 1000): data's struct first, then id's
    expect(rm.id).toBe(1015)
    const cols = structOf(rm.type)
    expect(cols.map((c) => [c.name, c.id])).toEqual([
      ['data', 1001],
      ['id', 1008],
    ])
    expect(structOf(cols[0]!.type).map((f) => [f.id, f.name, f.type.kind])).toEqual([
      [1002, 'column_size', 'long'],
      [1003, 'value_count', 'long'],
      [1004, 'null_value_count', 'long'],
      [1005, 'nan_value_count', 'long'],
      [1006, 'lower_bound', 'string'],
      [1007, 'upper_bound', 'string'],
    ])
    expect(structOf(cols[1]!.type).map((f) => f.type.kind).slice(4)).toEqual(['int', 'int'])
  })

  it('files: the v3 data file struct with Java ids', () => {
    const s = metadataTableSchema('files', javaTable())
    expect(s.fields.map((f) => [f.id, f.name])).toEqual([
      [134, 'content'], [100, 'file_path'], [101, 'file_format'], [141, 'spec_id'], [102, 'partition'], [103, 'record_count'],
      [104, 'file_size_in_bytes'], [108, 'column_sizes'], [109, 'value_counts'], [110, 'null_value_counts'], [137, 'nan_value_counts'],
      [125, 'lower_bounds'], [128, 'upper_bounds'], [131, 'key_metadata'], [132, 'split_offsets'], [135, 'equality_ids'],
      [140, 'sort_order_id'], [142, 'first_row_id'], [143, 'referenced_data_file'], [144, 'content_offset'], [145, 'content_size_in_bytes'],
      [1015, 'readable_metrics'],
    ])
    expect(structOf(s.fields[4]!.type).map((f) => [f.id, f.name, f.type.kind])).toEqual([[1000, 'data_bucket', 'int']])
  })

  it('position_deletes: partition field ids renumbered from 1 past every used id (row fields with such ids too)', () => {
    const pd = positionDeletesTableSchema(javaTable(3))
    expect(pd.fields.map((f) => f.name)).toEqual(['file_path', 'pos', 'row', 'partition', 'spec_id', 'delete_file_path', 'content_offset', 'content_size_in_bytes'])
    expect(structOf(pd.fields[3]!.type).map((f) => [f.id, f.name])).toEqual([[1, 'data_bucket']])
    expect(pd.fields.map((f) => f.id)).toEqual([2147483546, 2147483545, 2147483544, 2147483642, 2147483643, 2147483646, 2147483641, 2147483640])
    // a table column that shares the partition field's id is renumbered as well, before the partition
    const wide = javaTable(2, schema([field(1, 'id', T.int, { required: true }), field(1000, 'x', T.int), field(4, 'data', T.string)]))
    const pd2 = positionDeletesTableSchema(wide)
    expect(pd2.fields.map((f) => f.name)).not.toContain('content_offset')
    expect(structOf(pd2.fields[2]!.type).map((f) => f.id)).toEqual([1, 2, 4])
    expect(structOf(pd2.fields[3]!.type).map((f) => f.id)).toEqual([3])
  })

  it('every table: row keys are the schema column names, in order', async () => {
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'name', transform: Transforms.identity }] }
    for (const v of [2, 3] as const) {
      let t = await (await create(v, spec)).appendRows([...ROWS, ...ROWS.map((r) => ({ ...r, id: r.id + 10n }))])
      t = await t.deleteRows('id = 3', { mode: 'copy-on-write' })
      t = await t.deleteRows('id = 2', { mode: 'merge-on-read' })
      const src = { io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }
      for (const name of METADATA_TABLES) {
        const { schema: s, rows } = await readMetadataTable(src, name)
        expect(rows.length, `${name} v${v}`).toBeGreaterThan(0)
        for (const r of rows) expect(Object.keys(r), `${name} v${v}`).toEqual(names(s.fields))
      }
    }
  })

  it('readMetadataTable: unknown names and snapshots for all_* tables are refused', async () => {
    const t = await (await create(2)).appendRows(ROWS)
    const src = { io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }
    await expect(readMetadataTable(src, 'nope')).rejects.toSatisfy((e: unknown) => isFloeError(e, 'INVALID_ARGUMENT'))
    await expect(readMetadataTable(src, 'all_files', { snapshot: t.currentSnapshot()! })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'UNSUPPORTED'))
    const old: DataFile[] = (await snapshotEntries(...cur(t))).map((e) => e.entry.dataFile)
    expect((await readMetadataTable(src, 'files', { snapshot: t.currentSnapshot()! })).rows.map((r) => r.file_path)).toEqual(old.map((f) => f.filePath))
  })
})

describe('metadata table names', () => {
  it('are matched in any ASCII case, as Java upper-cases them', async () => {
    const t = await (await create(2)).appendRows(ROWS)
    const src = { io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }
    for (const name of ['SNAPSHOTS', 'Files', 'all_Data_Files']) {
      const r = await readMetadataTable(src, name)
      expect(r.name).toBe(name.toLowerCase())
      expect(r.rows.length).toBeGreaterThan(0)
    }
    const e = await readMetadataTable(src, 'snapshot').catch((x: unknown) => x)
    expect(isFloeError(e) && e.code).toBe('INVALID_ARGUMENT')
  })
})
