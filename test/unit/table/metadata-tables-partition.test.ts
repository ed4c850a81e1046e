// Metadata tables show one partition struct for the whole table (Java Partitioning.partitionType): every
// partition field any spec used, newest names, each file's tuple coerced into it; unpartitioned tables drop
// the partition column (and `partitions` its spec_id, giving one aggregated row).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type StructValue } from '../../../src/spec/types.js'
import { entriesTable, filesTable, partitionsTable } from '../../../src/table/metadata-tables-files.js'
import { allFilesTable } from '../../../src/table/metadata-tables-all.js'
import { coercePartition, tablePartitionType } from '../../../src/table/metadata-tables-partition.js'
import { metadataTableSchema } from '../../../src/table/metadata-tables-schemas.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const COLS = schema([field(1, 'id', T.long, { required: true }), field(2, 'category', T.string), field(3, 'data', T.string)])

async function create(opts: { schema?: Schema; spec?: PartitionSpec; formatVersion?: FormatVersion } = {}): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: opts.schema ?? COLS, ...(opts.spec ? { spec: opts.spec } : {}), formatVersion: opts.formatVersion ?? 2 })
}
const filesOf = (t: Table): Promise<Row[]> => filesTable(t.env.io, t.metadata, t.currentSnapshot())
const partitionsOf = (t: Table): Promise<Row[]> => partitionsTable(t.env.io, t.metadata, t.currentSnapshot())
const sortKey = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))
const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))

describe('metadata tables: one partition struct across specs', () => {
  // the scenario of Java's TestMetadataTablesWithPartitionEvolution.testFilesMetadataTable, v1 and v2
  it.each([1, 2] as const)('files and all_data_files coerce every file into the newest struct (v%i)', async (v) => {
    let t = await create({ formatVersion: v })
    t = await t.appendRows([{ id: 1n, category: 'a1', data: 'b1' }])
    for (const rows of [await filesOf(t), await allFilesTable(t.env.io, t.metadata, 'data')]) expect(rows.every((r) => !('partition' in r))).toBe(true)
    expect(metadataTableSchema('files', t.metadata).fields.map((f) => f.name)).not.toContain('partition')

    const partitions = async (): Promise<unknown[][]> => {
      const a = (await filesOf(t)).map((r) => r.partition as StructValue)
      const b = (await allFilesTable(t.env.io, t.metadata, 'data')).map((r) => r.partition as StructValue)
      expect(sorted(a)).toEqual(sorted(b))
      for (const p of a) expect(Object.keys(p)).toEqual(tablePartitionType(t.metadata).fields.map((f) => f.name))
      return sorted(a.map((p) => Object.values(p)))
    }
    t = await t.transaction().updateSpec((u) => u.addField('data')).commit()
    t = await t.appendRows([{ id: 1n, category: 'a1', data: 'b1' }])
    expect(await partitions()).toEqual(sorted([[null], ['b1']]))

    t = await t.transaction().updateSpec((u) => u.addField(Transforms.bucket(8), 'category')).commit()
    t = await t.appendRows([{ id: 1n, category: 'a1', data: 'b1' }])
    expect(tablePartitionType(t.metadata).fields.map((f) => f.name)).toEqual(['data', 'category_bucket_8'])
    expect(await partitions()).toEqual(sorted([[null, null], ['b1', null], ['b1', 2]]))

    t = await t.transaction().updateSpec((u) => u.removeField('data')).commit()
    t = await t.appendRows([{ id: 1n, category: 'a1', data: 'b1' }])
    expect(await partitions()).toEqual(sorted([[null, null], [null, 2], ['b1', null], ['b1', 2]]))

    t = await t.transaction().updateSpec((u) => u.renameField('category_bucket_8', 'category_bucket_8_another_name')).commit()
    expect(tablePartitionType(t.metadata).fields.map((f) => f.name)).toEqual(['data', 'category_bucket_8_another_name'])
    expect(await partitions()).toEqual(sorted([[null, null], [null, 2], ['b1', null], ['b1', 2]]))
    const entries = await entriesTable(t.env.io, t.metadata, t.currentSnapshot())
    expect(entries.every((e) => Object.keys((e.data_file as Row).partition as StructValue).join() === 'data,category_bucket_8_another_name')).toBe(true)
  })

  it('shows an old-spec row with the renamed field and null for fields added later (the auditor case)', async () => {
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }
    let t = await create({ spec })
    t = await t.appendRows([{ id: 1n, category: 'x', data: 'a' }])
    t = await t.transaction().updateSpec((u) => u.addField('data').renameField('p', 'p_renamed')).commit()
    t = await t.appendRows([{ id: 2n, category: 'y', data: 'b' }])
    const bySpec = (rows: Row[]): unknown[] => sorted(rows.map((r) => [r.spec_id, r.partition]))
    const want = [
      [0, { p_renamed: 'x', data: null }],
      [1, { p_renamed: 'y', data: 'b' }],
    ]
    expect(bySpec(await filesOf(t))).toEqual(want)
    expect(bySpec(await partitionsOf(t))).toEqual(want)
  })

  it('partitions: keeps specs with fewer fields apart, merges equal tuples across specs, spec_id of the newest file', async () => {
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'c', transform: Transforms.identity }] }
    let t = await create({ spec })
    t = await t.appendRows([{ id: 1n, category: 'a', data: null }]) // spec 0: c=a (data not a field here)
    t = await t.transaction().updateSpec((u) => u.addField('data')).commit()
    t = await t.appendRows([{ id: 2n, category: 'a', data: null }]) // spec 1: c=a, data=null
    t = await t.appendRows([{ id: 3n, category: 'b', data: 'z' }]) // spec 1
    t = await t.transaction().updateSpec((u) => u.renameField('data', 'd')).commit()
    t = await t.appendRows([{ id: 4n, category: 'b', data: 'z' }]) // spec 2, same fields as spec 1
    const rows = await partitionsOf(t)
    const last = t.currentSnapshot()!.snapshotId
    // {c:a, d:null} from spec 0 (one field defined) and from spec 1 (two fields) are separate rows
    expect(sorted(rows.map((r) => [r.partition, r.spec_id, r.record_count, r.file_count]))).toEqual(
      sorted([
        [{ c: 'a', d: null }, 0, 1n, 1],
        [{ c: 'a', d: null }, 1, 1n, 1],
        [{ c: 'b', d: 'z' }, 2, 2n, 2],
      ]),
    )
    expect(rows.find((r) => r.spec_id === 2)!.last_updated_snapshot_id).toBe(last)
  })

  it('partitions: a file whose snapshot is gone leaves spec_id 0 and no last update', async () => {
    let t = await create()
    t = await t.transaction().updateSpec((u) => u.addField('category')).commit()
    t = await t.appendRows([{ id: 1n, category: 'a', data: 'x' }])
    const first = t.currentSnapshot()!.snapshotId
    t = await t.appendRows([{ id: 2n, category: 'b', data: 'x' }])
    const m = applyUpdates(t.metadata, [{ action: 'remove-snapshots', snapshotIds: [first] }], 0n)
    const rows = await partitionsTable(t.env.io, m, t.currentSnapshot())
    const a = rows.find((r) => (r.partition as StructValue).category === 'a')!
    const b = rows.find((r) => (r.partition as StructValue).category === 'b')!
    expect([a.spec_id, a.last_updated_at, a.last_updated_snapshot_id]).toEqual([0, null, null])
    expect(b.spec_id).toBe(1)
    expect(b.last_updated_snapshot_id).toBe(t.currentSnapshot()!.snapshotId)
  })

  it('unpartitioned: partitions is one aggregated row without partition and spec_id; files and entries drop partition', async () => {
    let t = await create({ formatVersion: 2 })
    t = await t.appendRows([{ id: 1n, category: 'a', data: 'x' }, { id: 2n, category: 'b', data: 'y' }])
    t = await t.appendRows([{ id: 3n, category: 'c', data: 'z' }])
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    const rows = await partitionsOf(t)
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0]!)).toEqual(metadataTableSchema('partitions', t.metadata).fields.map((f) => f.name))
    expect(rows[0]).toMatchObject({ record_count: 3n, file_count: 2, position_delete_record_count: 1n, position_delete_file_count: 1, last_updated_snapshot_id: t.currentSnapshot()!.snapshotId })
    expect(Object.keys(rows[0]!)).not.toContain('spec_id')
    expect((await filesOf(t)).every((r) => !('partition' in r))).toBe(true)
    const entries = await entriesTable(t.env.io, t.metadata, t.currentSnapshot())
    expect(entries.every((e) => !('partition' in (e.data_file as Row)))).toBe(true)
    const dataFile = metadataTableSchema('entries', t.metadata).fields.find((f) => f.name === 'data_file')!
    expect(dataFile.type.kind === 'struct' && dataFile.type.fields.some((f) => f.id === 102)).toBe(false)
  })

  it('a partition field whose source column was dropped leaves the struct', async () => {
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'category', transform: Transforms.identity }] }
    let t = await create({ spec })
    t = await t.appendRows([{ id: 1n, category: 'a', data: 'x' }])
    t = await t.transaction().updateSpec((u) => u.removeField('category').addField('data')).commit()
    t = await t.transaction().updateSchema((u) => u.deleteColumn('category')).commit()
    t = await t.appendRows([{ id: 2n, data: 'y' }])
    expect(tablePartitionType(t.metadata).fields.map((f) => [f.id, f.name])).toEqual([[1001, 'data']])
    expect(sorted((await filesOf(t)).map((r) => r.partition))).toEqual(sorted([{ data: null }, { data: 'y' }]))
  })
})

describe('tablePartitionType and coercePartition', () => {
  const base = (specs: PartitionSpec[], cols: Schema = COLS): TableMetadata =>
    ({ formatVersion: 2, schemas: [cols], currentSchemaId: cols.schemaId, specs }) as unknown as TableMetadata
  const f = (fieldId: number, name: string, sourceId: number, transform = Transforms.identity) => ({ fieldId, name, sourceId, transform })

  it('orders fields by id, takes names from the newest spec and types from the current schema', () => {
    const m = base([
      { specId: 0, fields: [f(1001, 'old_b', 3), f(1000, 'a', 2)] },
      { specId: 1, fields: [f(1000, 'a_new', 2), f(1002, 'bucket', 1, Transforms.bucket(4))] },
    ])
    expect(tablePartitionType(m).fields.map((x) => [x.id, x.name, x.type.kind, x.required])).toEqual([
      [1000, 'a_new', 'string', false],
      [1001, 'old_b', 'string', false],
      [1002, 'bucket', 'int', false],
    ])
  })

  it('rejects one field id used for different transforms, and unknown transforms', () => {
    const clash = base([
      { specId: 0, fields: [f(1000, 'a', 2)] },
      { specId: 1, fields: [f(1000, 'a', 2, Transforms.bucket(2))] },
    ])
    expect(() => tablePartitionType(clash)).toThrow(/Conflicting partition fields/)
    const unknown = base([{ specId: 0, fields: [f(1000, 'a', 2, { kind: 'unknown', text: 'zorder' } as never)] }])
    try {
      tablePartitionType(unknown)
      expect.unreachable()
    } catch (e) {
      expect(isFloeError(e, 'VALIDATION')).toBe(true)
    }
  })

  it('a void field of a v1 table keeps the type of the real transform', () => {
    const m = base([
      { specId: 0, fields: [f(1000, 'b', 1, Transforms.bucket(4))] },
      { specId: 1, fields: [f(1000, 'b_dropped', 1, Transforms.void)] },
    ])
    expect(tablePartitionType(m).fields.map((x) => [x.name, x.type.kind])).toEqual([['b_dropped', 'int']])
  })

  it('property: coercion puts each spec value under its field id and null elsewhere', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1000, max: 1012 }), { maxLength: 6 }), fc.array(fc.option(fc.string(), { nil: null }), { minLength: 6, maxLength: 6 }), (ids, vals) => {
        const all = Array.from({ length: 13 }, (_, i) => f(1000 + i, `f${i}`, 3))
        const type = tablePartitionType(base([{ specId: 0, fields: all }]))
        const spec: PartitionSpec = { specId: 1, fields: ids.map((id) => all[id - 1000]!) }
        const { value, present } = coercePartition(type, spec, vals.slice(0, ids.length))
        expect(present).toBe(ids.length)
        expect(Object.keys(value)).toEqual(type.fields.map((x) => x.name))
        for (const x of type.fields) {
          const at = ids.indexOf(x.id)
          expect(value[x.name]).toBe(at < 0 ? null : vals[at])
        }
      }),
    )
  })

  it('widens int partition values of a column promoted to long', () => {
    const m = base([{ specId: 0, fields: [f(1000, 'id', 1)] }])
    const type = tablePartitionType(m)
    expect(coercePartition(type, { specId: 0, fields: [f(1000, 'id', 1)] }, [7]).value).toEqual({ id: 7n })
  })
})
