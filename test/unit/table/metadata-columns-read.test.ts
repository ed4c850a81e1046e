// Metadata columns that hold one value per data file: `_file`, `_spec_id` and `_partition` (the row's
// partition in the table-wide partition type, as Java's MetadataColumns / Partitioning.partitionType), through
// plain scans, plan tasks, Arrow and the CLI.
import { describe, expect, it } from 'vitest'
import { scanToArrowTable } from '../../../src/arrow/scan.js'
import { FILE_PATH, PARTITION_COLUMN_ID, SPEC_ID, isMetadataColumnId, metadataColumnById, metadataColumnIdByName } from '../../../src/spec/metadata-columns.js'
import { schema } from '../../../src/spec/schema.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type StructType } from '../../../src/spec/types.js'
import { readTask } from '../../../src/table/read.js'
import type { Table } from '../../../src/table/table.js'
import { filesTable } from '../../../src/table/metadata-tables-files.js'
import { makeCatalog } from '../../support/catalogs.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'
import { floe } from '../../support/cli.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.string), field(3, 'n', T.int)])

/** Spec 0: identity(p); spec 1: identity(p) + bucket(4, id) as id_b; spec 2: the same with id_b renamed id_bucket. */
async function evolvedTable(kind: 'memory' | 'filesystem'): Promise<Table> {
  const c = makeCatalog(kind)
  await c.createNamespace('db')
  let t = await c.createTable('db.t', { schema: SCHEMA, spec: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] } })
  t = await t.appendRows([1, 2, 3].map((i) => ({ id: BigInt(i), p: 'a', n: i })))
  t = await t.appendRows([4, 5].map((i) => ({ id: BigInt(i), p: 'b', n: i })))
  t = await t.transaction().updateSpec((u) => void u.addField(Transforms.bucket(4), 'id', 'id_b')).commit()
  t = await t.appendRows([6, 7, 8].map((i) => ({ id: BigInt(i), p: 'a', n: i })))
  t = await t.transaction().updateSpec((u) => void u.renameField('id_b', 'id_bucket')).commit()
  return t.appendRows([9, 10].map((i) => ({ id: BigInt(i), p: null, n: i })))
}

/** What Java's `_partition` holds for a row: every field of the table partition type, null where the file's spec lacks it. */
function expectedPartition(row: { id: bigint; p: string | null }, specId: number): Record<string, unknown> {
  const bucket = specId === 0 ? null : applyTransform(Transforms.bucket(4), T.long, row.id)
  return { p: row.p, id_bucket: bucket }
}

describe('_file, _spec_id and _partition', () => {
  it('have the reserved ids and names of Java MetadataColumns', () => {
    expect([FILE_PATH.id, FILE_PATH.name, FILE_PATH.type.kind, FILE_PATH.required]).toEqual([2147483646, '_file', 'string', true])
    expect([SPEC_ID.id, SPEC_ID.name, SPEC_ID.type.kind, SPEC_ID.required]).toEqual([2147483643, '_spec_id', 'int', true])
    expect([PARTITION_COLUMN_ID, metadataColumnIdByName('_partition'), metadataColumnIdByName('_PARTITION', false), metadataColumnIdByName('_PARTITION')]).toEqual([2147483642, 2147483642, 2147483642, undefined])
    expect(isMetadataColumnId(PARTITION_COLUMN_ID)).toBe(true)
    // `_partition` has no type of its own: it takes the table's
    const type: StructType = { kind: 'struct', fields: [field(1000, 'p', T.string)] }
    expect(metadataColumnById(PARTITION_COLUMN_ID)).toBeUndefined()
    expect(metadataColumnById(PARTITION_COLUMN_ID, type)).toMatchObject({ id: 2147483642, name: '_partition', required: false, type })
  })

  for (const kind of ['memory', 'filesystem'] as const) {
    it(`give each row its file, spec id and table-wide partition, in rows and plan tasks (${kind})`, async () => {
      const t = await evolvedTable(kind)
      const scan = t.scan({ select: ['id', '_file', '_spec_id', '_partition', 'p'] })
      // the projected schema: the table columns, then the metadata columns; `_partition` ordered by field id, newest names
      const projected = scan.projectedSchema()
      expect(projected.fields.map((f) => f.name)).toEqual(['id', 'p', '_file', '_spec_id', '_partition'])
      const ptype = projected.fields.at(-1)!.type as StructType
      expect(ptype.fields.map((f) => [f.id, f.name, f.type.kind, f.required])).toEqual([
        [1000, 'p', 'string', false],
        [1001, 'id_bucket', 'int', false],
      ])
      const tasks = await scan.planFiles()
      expect(new Set(tasks.map((x) => x.file.specId))).toEqual(new Set([0, 1, 2]))
      let seen = 0
      for (const task of tasks) {
        expect(task.partitionType).toEqual(ptype)
        for await (const row of readTask(t.env, task)) {
          const r = row as { id: bigint; p: string | null; _file: string; _spec_id: number; _partition: Record<string, unknown> }
          expect(r._file).toBe(task.file.filePath)
          expect(r._spec_id).toBe(task.file.specId)
          expect(r._partition).toEqual(expectedPartition(r, task.file.specId))
          seen++
        }
      }
      expect(seen).toBe(10)
      // the row API gives the same values
      const rows = await scan.toArray()
      expect(rows.map((r) => r._spec_id).sort()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2, 2])
      expect(new Set(rows.map((r) => r._file))).toEqual(new Set(tasks.map((x) => x.file.filePath)))
      for (const r of rows) expect(r._partition).toEqual(expectedPartition(r as { id: bigint; p: string | null }, r._spec_id as number))
      // plans without these columns carry no partition type
      expect((await t.scan().planFiles()).every((x) => x.partitionType === undefined)).toBe(true)
    })
  }

  it('are Utf8, Int32 and a Struct in Arrow, with the same values', async () => {
    const t = await evolvedTable('memory')
    const select = ['id', '_FILE', '_Spec_Id', '_partition']
    const rows = await t.scan({ select, caseSensitive: false }).toArray()
    const arrow = await scanToArrowTable(t.scan({ select, caseSensitive: false }))
    expect(arrow.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['id', 'Int64'],
      ['_file', 'Utf8'],
      ['_spec_id', 'Int32'],
      ['_partition', 'Struct<{p:Utf8, id_bucket:Int32}>'],
    ])
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const r of arrow.toArray()) {
      const want = byId.get(r.id)!
      expect([r._file, r._spec_id, r._partition.toJSON()]).toEqual([want._file, want._spec_id, want._partition])
    }
  })

  it('give a null _partition (of an empty struct type) in an unpartitioned table, as Java, and filters still apply', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA })
    t = await t.appendRows([1, 2, 3].map((i) => ({ id: BigInt(i), p: 'x', n: i })))
    const rows = await t.scan({ select: ['id', '_partition', '_spec_id'], filter: 'n >= 2' }).toArray()
    expect(rows.map((r) => [r.id, r._partition, r._spec_id])).toEqual([
      [2n, null, 0],
      [3n, null, 0],
    ])
    expect(t.scan({ select: ['_partition'] }).projectedSchema().fields[0]!.type).toEqual({ kind: 'struct', fields: [] })
  })

  it('come out of floe scan --columns as JSON values', async () => {
    const t = await evolvedTable('filesystem')
    const [want] = await t.scan({ select: ['_file'], filter: 'id = 7' }).toArray()
    const res = await floe('scan', t.metadataLocation, '--columns', 'id,_spec_id,_partition,_file', '--filter', 'id = 7')
    expect(res.stderr).toBe('')
    expect(JSON.parse(res.stdout)).toEqual({ id: 7, _spec_id: 1, _partition: { p: 'a', id_bucket: Number(applyTransform(Transforms.bucket(4), T.long, 7n)) }, _file: want!._file })
  })

  // Trino's and Spark's partition-evolution tables: every row's _partition is the `partition` the files
  // metadata table gives its file, and _spec_id that file's spec_id
  for (const suffix of ['tests/tables/partition_evolution', 'data/persistent/hive_partitioned_table']) {
    it(`agree with the files metadata table on ${suffix}`, async () => {
      const t = await openCorpusTable(corpusTables().find((c) => c.dir.endsWith(suffix))!)
      expect(t.metadata.specs.length).toBe(2)
      const files = new Map((await filesTable(t.env.io, t.metadata, t.currentSnapshot())).map((f) => [f.file_path as string, f]))
      const rows = await t.scan({ select: ['_file', '_spec_id', '_partition'] }).toArray()
      expect(rows.length).toBeGreaterThan(0)
      expect(new Set(rows.map((r) => r._spec_id)).size).toBe(2)
      for (const r of rows) {
        const f = files.get(r._file as string)!
        expect([r._spec_id, r._partition]).toEqual([f.spec_id, f.partition])
      }
    })
  }
})
