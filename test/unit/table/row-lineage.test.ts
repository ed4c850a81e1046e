// v3 row lineage on read: `_row_id` and `_last_updated_sequence_number` from the values a data file stores or
// inherited from the file (first_row_id + position, data sequence number), on Spark's and Trino's corpus
// tables and on floe-written ones, through scans, plan tasks, Arrow and the CLI.
import { describe, expect, it } from 'vitest'
import { scanToArrowTable } from '../../../src/arrow/scan.js'
import { FIELD_ID_KEY } from '../../../src/arrow/schema.js'
import { FloeError } from '../../../src/errors.js'
import { fileSource } from '../../../src/parquet/byte-source.js'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import { LAST_UPDATED_SEQUENCE_NUMBER, ROW_ID, ROW_POSITION, metadataColumnByName, schemaWithRowLineage } from '../../../src/spec/metadata-columns.js'
import { schema, selectFields } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { T, field } from '../../../src/spec/types.js'
import { readTask } from '../../../src/table/read.js'
import { lastUpdatedOf, rowIdOf } from '../../../src/table/row-lineage.js'
import { liveEntries, snapshotManifests } from '../../../src/table/scan-plan.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'
import { floe } from '../../support/cli.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'

const LINEAGE = ['_row_id', '_last_updated_sequence_number'] as const
const corpus = (suffix: string) => corpusTables().find((t) => t.dir.endsWith(suffix))!
const SPARK = '/iceberg_v3_row_lineage'
const byI = <R extends Record<string, unknown>>(rows: R[], key = 'i'): R[] => [...rows].sort((a, b) => Number(a[key]) - Number(b[key]))
const triples = (rows: Record<string, unknown>[]) => byI(rows).map((r) => [r.i, r._row_id, r._last_updated_sequence_number])

async function floeTable(formatVersion: FormatVersion, fields = [field(1, 'id', T.long, { required: true }), field(2, 's', T.string)]): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: schema(fields), formatVersion })
}
const rowsOf = (ids: number[]) => ids.map((i) => ({ id: BigInt(i), s: `s${i}` }))

describe('metadata columns', () => {
  it('has the reserved ids and names of the spec, selectable by name', () => {
    expect([ROW_ID.id, ROW_ID.name, LAST_UPDATED_SEQUENCE_NUMBER.id, LAST_UPDATED_SEQUENCE_NUMBER.name, ROW_POSITION.id]).toEqual([2147483540, '_row_id', 2147483539, '_last_updated_sequence_number', 2147483645])
    expect([ROW_ID, LAST_UPDATED_SEQUENCE_NUMBER].every((f) => !f.required && f.type.kind === 'long')).toBe(true)
    expect(metadataColumnByName('_ROW_ID')).toBeUndefined()
    expect(metadataColumnByName('_ROW_ID', false)).toBe(ROW_ID)
    const s = schemaWithRowLineage(schema([field(1, 'a', T.int)], 4))
    expect([s.schemaId, ...s.fields.map((f) => f.id)]).toEqual([4, 1, 2147483540, 2147483539])
    expect(() => schemaWithRowLineage(schema([field(1, '_row_id', T.long)]))).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})

describe('rowIdOf and lastUpdatedOf', () => {
  const origin = { firstRowId: 100n, dataSequenceNumber: 7n, file: 'f.parquet' }
  it('use the stored values, else first_row_id + position and the data sequence number', () => {
    expect([rowIdOf(5n, 3, origin), rowIdOf(null, 3, origin), rowIdOf(undefined, 0, origin)]).toEqual([5n, 103n, 100n])
    expect([lastUpdatedOf(2n, origin), lastUpdatedOf(null, origin)]).toEqual([2n, 7n])
  })

  it('are null for every row of a file without first_row_id, stored values included (as Java reads them)', () => {
    const none = { ...origin, firstRowId: undefined }
    expect([rowIdOf(5n, 3, none), rowIdOf(null, 3, none), lastUpdatedOf(2n, none), lastUpdatedOf(null, none)]).toEqual([null, null, null, null])
  })

  it('refuse a stored value that is not a long (INVALID_DATA naming the file and column)', () => {
    let err: unknown
    try {
      rowIdOf('x', 0, origin)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FloeError)
    expect((err as FloeError).code).toBe('INVALID_DATA')
    expect((err as FloeError).context).toMatchObject({ file: 'f.parquet', field: '_row_id' })
  })
})

describe("Spark's row-lineage table (MANIFEST: (1,0,1),(2,1,2),(3,2,3) before and after its compaction)", () => {
  it('reads the ids and sequence numbers the compaction stored, not first_row_id + position', async () => {
    const t = await openCorpusTable(corpus(SPARK))
    const rows = await t.scan({ select: ['i', ...LINEAGE, '_pos'] }).toArray()
    expect(triples(rows)).toEqual([
      [1, 0n, 1n],
      [2, 1n, 2n],
      [3, 2n, 3n],
    ])
    const [task] = await t.scan().planFiles()
    // the compacted file got the replace snapshot's first row id; its stored ids differ from inheritance
    expect(task!.file.firstRowId).toBe(t.currentSnapshot()!.firstRowId)
    expect(rows.some((r) => r._row_id !== task!.file.firstRowId! + (r._pos as bigint))).toBe(true)
    expect(rows.some((r) => r._last_updated_sequence_number !== task!.dataSequenceNumber)).toBe(true)
  })

  it('inherits first_row_id + position and the data sequence number before the compaction (time travel)', async () => {
    const t = await openCorpusTable(corpus(SPARK))
    const before = { snapshotId: t.currentSnapshot()!.parentSnapshotId! }
    const rows = await t.scan({ select: ['i', ...LINEAGE, '_pos'], snapshot: before }).toArray()
    expect(triples(rows)).toEqual([
      [1, 0n, 1n],
      [2, 1n, 2n],
      [3, 2n, 3n],
    ])
    const tasks = await t.scan({ snapshot: before }).planFiles()
    expect(tasks).toHaveLength(3)
    for (const task of tasks) {
      const own = await readTask(t.env, { ...task, projectedIds: [1, ROW_ID.id, LAST_UPDATED_SEQUENCE_NUMBER.id, ROW_POSITION.id] })
      for await (const r of own) {
        expect(r._row_id).toBe(task.file.firstRowId! + (r._pos as bigint))
        expect(r._last_updated_sequence_number).toBe(task.dataSequenceNumber)
      }
    }
  })

  it('appends metadata columns after the table columns in selection order; tasks carry their reserved ids', async () => {
    const t = await openCorpusTable(corpus(SPARK))
    const scan = t.scan({ select: ['_last_updated_sequence_number', 'i', '_row_id'] })
    expect(scan.projectedIds()).toEqual([2147483539, 1, 2147483540])
    expect(scan.projectedSchema().fields.map((f) => [f.id, f.name])).toEqual([
      [1, 'i'],
      [2147483539, '_last_updated_sequence_number'],
      [2147483540, '_row_id'],
    ])
    const tasks = await scan.planFiles()
    expect(tasks.every((x) => x.projectedIds.join() === '2147483539,1,2147483540')).toBe(true)
    expect(tasks.every((x) => x.schema.fields.every((f) => f.id === 1))).toBe(true) // the table schema, without them
    const rows = await scan.toArray()
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => ['i', '_last_updated_sequence_number', '_row_id']))
    // never returned unless selected
    expect((await t.scan().toArray()).map((r) => Object.keys(r))).toEqual(rows.map(() => ['i']))
    expect(t.scan({ select: ['I', '_ROW_ID'], caseSensitive: false }).projectedIds()).toEqual([1, 2147483540])
    expect(() => t.scan({ select: ['_ROW_ID'] }).projectedIds()).toThrow(/Cannot find column _ROW_ID/)
  })

  it('reaches Arrow as int64 columns with their field ids', async () => {
    const t = await openCorpusTable(corpus(SPARK))
    const at = await scanToArrowTable(t.scan({ select: ['i', ...LINEAGE] }))
    expect(at.schema.fields.map((f) => [f.name, String(f.type), f.metadata.get(FIELD_ID_KEY)])).toEqual([
      ['i', 'Int32', '1'],
      ['_row_id', 'Int64', '2147483540'],
      ['_last_updated_sequence_number', 'Int64', '2147483539'],
    ])
    const col = (n: string) => [...at.getChild(n)!].map((v) => v as unknown)
    const got = col('i').map((i, k) => [i, col('_row_id')[k], col('_last_updated_sequence_number')[k]])
    expect(byI(got.map(([i, r, s]) => ({ i, r, s }))).map((x) => [x.i, x.r, x.s])).toEqual([
      [1, 0n, 1n],
      [2, 1n, 2n],
      [3, 2n, 3n],
    ])
  })

  it('reaches `floe scan --columns`', async () => {
    const ct = corpus(SPARK)
    const t = await openCorpusTable(ct)
    const r = await floe('scan', ct.path, '--remap', `${t.metadata.location}=${ct.path}`, '--columns', 'i,_row_id,_last_updated_sequence_number', '--format', 'csv')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('i,_row_id,_last_updated_sequence_number')
    expect(lines.slice(1).sort()).toEqual(['1,0,1', '2,1,2', '3,2,3'])
  })
})

describe("Trino's v3 table with deletion vectors", () => {
  it("gives surviving rows their adding snapshot's first-row-id + position in the file, and its sequence number", async () => {
    const t = await openCorpusTable(corpus('tests/tables/deletion_vectors'))
    const m = t.metadata
    // expectations from the metadata: each live data file, the snapshot that added it, and each row's position
    // read straight from the Parquet file (deletes not applied)
    const expected = new Map<number, [bigint, bigint]>()
    for (const mf of (await snapshotManifests(t.env.io, m, t.currentSnapshot()!)).filter((x) => x.content === 'data')) {
      for (const e of await liveEntries(t.env.io, m, mf)) {
        const adding = m.snapshots.find((s) => s.snapshotId === e.snapshotId)!
        expect(adding.summary['added-data-files']).toBe('1') // so the file starts at the snapshot's first row id
        const source = await fileSource(t.env.io, e.dataFile.filePath)
        for await (const b of hyparquetReader.readBatches(source, { schema: selectFields(t.schema(), new Set([1])) }))
          b.rows.forEach((r, i) => expected.set(r.c1 as number, [adding.firstRowId! + BigInt(b.start + i), adding.sequenceNumber]))
      }
    }
    expect(expected.size).toBe(16)
    const rows = await t.scan({ select: ['c1', ...LINEAGE] }).toArray()
    expect(rows.map((r) => r.c1).sort((a, b) => Number(a) - Number(b))).toEqual([2, 5, 8, 9, 11, 12, 14, 15])
    for (const r of rows) expect([r._row_id, r._last_updated_sequence_number]).toEqual(expected.get(r.c1 as number))
    expect(rows.every((r) => (r._row_id as bigint) < m.nextRowId!)).toBe(true)
  })
})

describe('floe-written tables', () => {
  it('v2: both columns are null (no first_row_id)', async () => {
    const t = await (await floeTable(2)).appendRows(rowsOf([1, 2]))
    expect((await t.scan({ select: ['id', ...LINEAGE] }).toArray()).map((r) => [r._row_id, r._last_updated_sequence_number])).toEqual([
      [null, null],
      [null, null],
    ])
    const at = await scanToArrowTable(t.scan({ select: ['id', '_row_id'] }))
    expect([String(at.schema.fields[1]!.type), at.getChild('_row_id')!.nullCount]).toEqual(['Int64', 2])
  })

  it('v2 → v3: null until a v3 commit gives the old files a first_row_id; the old sequence number stays', async () => {
    let t = await (await floeTable(2)).appendRows(rowsOf([1, 2]))
    t = await t.transaction().setProperties({ 'format-version': '3' }).commit()
    const read = async (tb: Table) => byI(await tb.scan({ select: ['id', ...LINEAGE] }).toArray(), 'id').map((r) => [r.id, r._row_id, r._last_updated_sequence_number])
    expect(await read(t)).toEqual([
      [1n, null, null],
      [2n, null, null],
    ])
    const upgraded = t
    t = await t.appendRows(rowsOf([3]))
    const tasks = await t.scan().planFiles()
    const old = tasks.find((x) => x.dataSequenceNumber === 1n)!
    const fresh = tasks.find((x) => x.dataSequenceNumber === 2n)!
    expect(await read(t)).toEqual([
      [1n, old.file.firstRowId, 1n],
      [2n, old.file.firstRowId! + 1n, 1n],
      [3n, fresh.file.firstRowId, 2n],
    ])
    // the snapshot from before that commit still reads nulls
    expect(await read(upgraded)).toEqual([
      [1n, null, null],
      [2n, null, null],
    ])
  })

  it('v3 merge-on-read deletes drop rows and keep the survivors’ lineage (positions are file positions)', async () => {
    let t = await (await floeTable(3)).appendRows(rowsOf([0, 1, 2, 3, 4, 5]))
    const before = new Map((await t.scan({ select: ['id', ...LINEAGE] }).toArray()).map((r) => [r.id, [r._row_id, r._last_updated_sequence_number]]))
    t = await t.deleteRows('id = 1 or id = 4', { mode: 'merge-on-read' })
    const after = await t.scan({ select: ['id', ...LINEAGE] }).toArray()
    expect(after.map((r) => r.id).sort()).toEqual([0n, 2n, 3n, 5n])
    for (const r of after) expect([r._row_id, r._last_updated_sequence_number]).toEqual(before.get(r.id))
    expect(new Set(after.map((r) => r._row_id)).size).toBe(4)
  })

  it('a table column named like a metadata column wins the name; a task that asks for both is refused', async () => {
    let t = await floeTable(3, [field(1, 'id', T.long, { required: true }), field(2, '_row_id', T.string)])
    t = await t.appendRows([{ id: 1n, _row_id: 'mine' }])
    const scan = t.scan({ select: ['_row_id', '_last_updated_sequence_number'] })
    expect(scan.projectedIds()).toEqual([2, 2147483539])
    expect(await scan.toArray()).toEqual([{ _row_id: 'mine', _last_updated_sequence_number: 1n }])
    const [task] = await scan.planFiles()
    let err: unknown
    try {
      for await (const _ of readTask(t.env, { ...task!, projectedIds: [2, ROW_ID.id] })) void _
    } catch (e) {
      err = e
    }
    expect((err as FloeError).code).toBe('INVALID_ARGUMENT')
    expect((err as FloeError).message).toMatch(/_row_id \(id 2147483540\)/)
  })
})
