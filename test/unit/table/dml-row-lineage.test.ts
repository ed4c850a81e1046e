// v3 row lineage through copy-on-write: rows that delete-by-filter and overwrite-by-filter copy into new files
// keep `_row_id` and `_last_updated_sequence_number`, stored in the reserved Parquet columns with metrics, as
// Spark's copy-on-write and compaction writers store them (see the corpus table iceberg_v3_row_lineage).
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { fileSource } from '../../../src/parquet/byte-source.js'
import { readFooter } from '../../../src/parquet/hyparquet-pages.js'
import { schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'

const LINEAGE = ['_row_id', '_last_updated_sequence_number'] as const
const RID = 2147483540
const SEQ = 2147483539
const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function table(formatVersion: FormatVersion, props: Record<string, string> = {}, partitioned = false): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, formatVersion, properties: props, ...(partitioned ? { spec: SPEC } : {}) })
}
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), p: (from + i) % 2 }))
type Lineage = Map<bigint, [unknown, unknown]>
async function lineage(t: Table): Promise<Lineage> {
  return new Map((await t.scan({ select: ['id', ...LINEAGE] }).toArray()).map((r) => [r.id as bigint, [r._row_id, r._last_updated_sequence_number]]))
}
// the data files the last commit added (their data sequence number is the commit's)
async function addedFiles(t: Table) {
  const seq = t.currentSnapshot()!.sequenceNumber
  return (await t.scan({ includeColumnStats: true }).planFiles()).filter((x) => x.dataSequenceNumber === seq)
}

describe('copy-on-write on a v3 table', () => {
  it('delete keeps the survivors’ lineage, stored in the reserved columns of the new file', async () => {
    let t = await table(3)
    t = await t.appendRows(rows(0, 5))
    t = await t.appendRows(rows(5, 3))
    const before = await lineage(t)
    const nextRowId = t.metadata.nextRowId!
    t = await t.deleteRows('id = 1 or id = 6', { mode: 'copy-on-write' })
    expect(t.currentSnapshot()!.summary.operation).toBe('overwrite')
    const after = await lineage(t)
    expect([...after.keys()].sort()).toEqual([0n, 2n, 3n, 4n, 5n, 7n])
    for (const [id, l] of after) expect(l).toEqual(before.get(id))

    // the new file: inherited first_row_id from a fresh range, stored values win on read
    const [added] = await addedFiles(t)
    expect(added!.file.firstRowId! >= nextRowId).toBe(true)
    expect(added!.file.recordCount).toBe(6n)
    const { metadata } = await readFooter(await fileSource(t.env.io, added!.file.filePath))
    expect(metadata.schema.slice(1).map((s) => [s.name, s.field_id, s.type, s.repetition_type])).toEqual([
      ['id', 1, 'INT64', 'REQUIRED'],
      ['p', 2, 'INT32', 'OPTIONAL'],
      ['_row_id', RID, 'INT64', 'OPTIONAL'],
      ['_last_updated_sequence_number', SEQ, 'INT64', 'OPTIONAL'],
    ])
    const footerSchema = JSON.parse(metadata.key_value_metadata!.find((kv) => kv.key === 'iceberg.schema')!.value!) as { fields: { id: number; name: string; type: string; required: boolean }[] }
    expect(footerSchema.fields.map((f) => [f.id, f.name, f.type, f.required])).toEqual([
      [1, 'id', 'long', true],
      [2, 'p', 'int', false],
      [RID, '_row_id', 'long', false],
      [SEQ, '_last_updated_sequence_number', 'long', false],
    ])
    // metrics under the default mode, as Spark recorded them for its compacted file
    const f = added!.file
    expect([f.valueCounts!.get(RID), f.nullValueCounts!.get(RID), f.valueCounts!.get(SEQ), f.nullValueCounts!.get(SEQ)]).toEqual([6n, 0n, 6n, 0n])
    expect(f.columnSizes!.has(RID) && f.columnSizes!.has(SEQ)).toBe(true)
    const ids = [...after.values()].map((l) => l[0] as bigint)
    const seqs = [...after.values()].map((l) => l[1] as bigint)
    const le = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getBigInt64(0, true)
    expect([le(f.lowerBounds!.get(RID)!), le(f.upperBounds!.get(RID)!)]).toEqual([ids.reduce((a, b) => (a < b ? a : b)), ids.reduce((a, b) => (a > b ? a : b))])
    expect([le(f.lowerBounds!.get(SEQ)!), le(f.upperBounds!.get(SEQ)!)]).toEqual([1n, 2n])
    expect(seqs.sort()).toEqual([1n, 1n, 1n, 1n, 2n, 2n])

    // a second rewrite of the rewritten file copies the stored values again
    t = await t.deleteRows('id = 3', { mode: 'copy-on-write' })
    const again = await lineage(t)
    for (const [id, l] of again) expect(l).toEqual(before.get(id))
  })

  it('overwrite by filter keeps the lineage of rows it copies; its new rows get fresh ids and its sequence number', async () => {
    let t = await table(3, {}, true)
    t = await t.appendRows(rows(0, 6))
    const before = await lineage(t)
    const nextRowId = t.metadata.nextRowId!
    t = await t.overwriteRows([{ id: 100n, p: 0 }, { id: 101n, p: 1 }], 'id < 2')
    const after = await lineage(t)
    expect([...after.keys()].sort((a, b) => Number(a - b))).toEqual([2n, 3n, 4n, 5n, 100n, 101n])
    for (const id of [2n, 3n, 4n, 5n]) expect(after.get(id)).toEqual(before.get(id))
    const seq = t.currentSnapshot()!.sequenceNumber
    for (const id of [100n, 101n]) {
      expect((after.get(id)![0] as bigint) >= nextRowId).toBe(true)
      expect(after.get(id)![1]).toBe(seq)
    }
    expect(new Set([...after.values()].map((l) => l[0])).size).toBe(6)
  })

  it('metrics of the lineage columns follow the default mode (write.metadata.metrics.default)', async () => {
    for (const [mode, counts, bounds] of [
      ['counts', true, false],
      ['none', false, false],
    ] as const) {
      let t = await table(3, { 'write.metadata.metrics.default': mode, 'write.metadata.metrics.column.id': 'full' })
      t = await t.appendRows(rows(0, 4))
      t = await t.deleteRows('id = 0', { mode: 'copy-on-write' })
      const f = (await addedFiles(t))[0]!.file
      expect([f.valueCounts?.has(RID) ?? false, f.lowerBounds?.has(RID) ?? false, f.columnSizes?.has(SEQ) ?? false]).toEqual([counts, bounds, counts])
      expect(f.lowerBounds!.has(1)).toBe(true)
      for (const [id, l] of await lineage(t)) expect(l).toEqual([id, 1n])
    }
  })

  it('a table column named _row_id makes the rewrite fail with VALIDATION before anything is written', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, '_row_id', T.long)]), formatVersion: 3 })
    t = await t.appendRows([{ id: 1n, _row_id: 5n }, { id: 2n, _row_id: 6n }])
    let err: unknown
    try {
      await t.deleteRows('id = 1', { mode: 'copy-on-write' })
    } catch (e) {
      err = e
    }
    expect((err as FloeError).code).toBe('VALIDATION')
    expect((await t.refresh()).metadata.snapshots).toHaveLength(1)
  })
})

describe('copy-on-write before v3', () => {
  it('v2 rewrites store no lineage columns; writeDataFiles refuses rowLineage below v3', async () => {
    let t = await table(2)
    t = await t.appendRows(rows(0, 4))
    t = await t.deleteRows('id = 0', { mode: 'copy-on-write' })
    const [added] = await addedFiles(t)
    const { metadata } = await readFooter(await fileSource(t.env.io, added!.file.filePath))
    expect(metadata.schema.slice(1).map((s) => s.name)).toEqual(['id', 'p'])
    expect([...added!.file.valueCounts!.keys()].sort()).toEqual([1, 2])
    let err: unknown
    try {
      await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: 9n, p: 1, _row_id: 1n, _last_updated_sequence_number: 1n }], { rowLineage: true })
    } catch (e) {
      err = e
    }
    expect((err as FloeError).code).toBe('INVALID_ARGUMENT')
  })
})
