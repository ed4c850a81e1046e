// End to end: real engine-written corpus tables scanned into Arrow, compared with scan.toArray().
import { DataType, tableFromIPC, tableToIPC, TimeUnit, type RecordBatch } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { arrowTableToRows, recordBatchToRows } from '../../../src/arrow/batches.js'
import { EXTENSION_NAME_KEY, FIELD_ID_KEY, UUID_EXTENSION, VARIANT_EXTENSION, arrowSchemaToIceberg } from '../../../src/arrow/schema.js'
import { DEFAULT_BATCH_SIZE, scanProjectedSchema, scanToArrow, scanToArrowTable } from '../../../src/arrow/scan.js'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import type { TableScan } from '../../../src/table/scan.js'
import { makeCatalog } from '../../support/catalogs.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'
import { firstDifference, walkFields } from './fixtures.js'

async function open(dir: string): Promise<Table> {
  const t = corpusTables().find((c) => c.dir === dir)
  if (!t) throw new Error(`corpus table ${dir} is not listed in MANIFEST.md`)
  return openCorpusTable(t)
}

function expectRows(actual: readonly Row[], expected: readonly Row[]): void {
  const at = firstDifference(actual, expected)
  if (at >= 0) expect(actual[at], `row ${at}`).toEqual(expected[at])
  expect(at).toBe(-1)
}

async function collect(it: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = []
  for await (const b of it) out.push(b)
  return out
}

async function expectAborted(p: Promise<unknown>): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(isFloeError(e, 'ABORTED'), String(e)).toBe(true)
}

const LINEITEM = 'data/persistent/iceberg/lineitem_iceberg'
const TRINO_TYPES = 'tests/tables/types/all_trino_types'

describe('scanToArrow on duckdb lineitem_iceberg (51793 rows after a copy-on-write delete)', () => {
  it('yields the rows of scan.toArray(), in batches of at most batchSize, with field ids', async () => {
    const table = await open(LINEITEM)
    const expected = await table.scan().toArray()
    expect(expected).toHaveLength(51793)
    const batches = await collect(scanToArrow(table.scan(), { batchSize: 10_000 }))
    expect(batches.map((b) => b.numRows)).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 1793])
    const ids = (b: RecordBatch): string => JSON.stringify(walkFields(b.schema.fields).map((e) => [e.path, String(e.field.type), e.field.metadata.get(FIELD_ID_KEY)]))
    expect(new Set(batches.map(ids)).size).toBe(1)
    expectRows(batches.flatMap(recordBatchToRows), expected)
    const schema0 = batches[0]!.schema
    expect(schema0.fields.map((f) => f.metadata.get(FIELD_ID_KEY))).toEqual(table.schema().fields.map((f) => String(f.id)))
    expect(String(schema0)).toContain('l_orderkey: Int64')
    expect(String(schema0)).toContain('l_quantity: Decimal[15e+2]')
    expect(String(schema0)).toContain('l_shipdate: Date32<DAY>')
    expect(batches[0]!.getChild('l_orderkey')!.data[0]!.values).toBeInstanceOf(BigInt64Array)
  })

  it('builds one Table (default batch size 65536) that survives IPC with its field ids', async () => {
    const table = await open(LINEITEM)
    const at = await scanToArrowTable(table.scan())
    expect(DEFAULT_BATCH_SIZE).toBe(65536)
    expect(at.batches).toHaveLength(1)
    expect(at.numRows).toBe(51793)
    const back = tableFromIPC(tableToIPC(at))
    expect(arrowSchemaToIceberg(back.schema)).toEqual(table.schema())
    expectRows(arrowTableToRows(back), await table.scan().toArray())
  })

  it('follows the selection order, the filter and the limit of the scan', async () => {
    const table = await open(LINEITEM)
    const scan = table.scan({ select: ['l_comment', 'l_orderkey'], filter: 'l_orderkey < 100', limit: 50 })
    const at = await scanToArrowTable(scan)
    expect(at.schema.fields.map((f) => [f.name, f.metadata.get(FIELD_ID_KEY)])).toEqual([
      ['l_comment', '16'],
      ['l_orderkey', '1'],
    ])
    expect(scanProjectedSchema(scan).fields.map((f) => f.id)).toEqual([16, 1])
    expect(at.numRows).toBe(50)
    expectRows(arrowTableToRows(at), await scan.toArray())
  })

  it('returns an empty Table that still has the projected schema when nothing matches', async () => {
    const table = await open(LINEITEM)
    const at = await scanToArrowTable(table.scan({ filter: 'l_orderkey < 0' }))
    expect(at.numRows).toBe(0)
    expect(at.schema.fields).toHaveLength(16)
    expect(arrowTableToRows(at)).toEqual([])
  })

  it('fails with ABORTED when the signal fires before or during the scan', async () => {
    const table = await open(LINEITEM)
    const pre = new AbortController()
    pre.abort()
    await expectAborted(collect(scanToArrow(table.scan(), { signal: pre.signal })))
    const mid = new AbortController()
    const seen: number[] = []
    const run = (async () => {
      for await (const b of scanToArrow(table.scan(), { batchSize: 1000, signal: mid.signal })) {
        seen.push(b.numRows)
        mid.abort()
      }
    })()
    await expectAborted(run)
    expect(seen).toEqual([1000])
  })

  it('rejects a batch size that is not a positive integer', async () => {
    const table = await open(LINEITEM)
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => scanToArrow(table.scan(), { batchSize })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    }
  })
})

describe('scanToArrow on type-rich corpus tables', () => {
  it('maps every Trino type exactly (iceberg-cxx types/all_trino_types)', async () => {
    const table = await open(TRINO_TYPES)
    const at = await scanToArrowTable(table.scan())
    const f = new Map(walkFields(at.schema.fields).map((e) => [e.path, e.field]))
    expect(f.get('time_col')!.type).toMatchObject({ unit: TimeUnit.MICROSECOND, bitWidth: 64 })
    expect(f.get('timestamp_col')!.type).toMatchObject({ unit: TimeUnit.MICROSECOND })
    expect(f.get('timestamptz_col')!.type).toMatchObject({ unit: TimeUnit.MICROSECOND, timezone: 'UTC' })
    expect(f.get('uuid_col')!.type).toMatchObject({ byteWidth: 16 })
    expect(f.get('uuid_col')!.metadata.get(EXTENSION_NAME_KEY)).toBe(UUID_EXTENSION)
    expect(DataType.isList(f.get('list_col')!.type)).toBe(true)
    expect(f.get('list_col.element')!.metadata.get(FIELD_ID_KEY)).toBeDefined()
    const rows = arrowTableToRows(tableFromIPC(tableToIPC(at)))
    expectRows(rows, await table.scan().toArray())
    expect(rows[0]!.long_col).toBe(9223372036854775807n)
    expect(rows[0]!.timestamp_col).toBe(1743856496123456n)
    expect(rows[0]!.time_col).toBe(45296123456n)
    expect(arrowSchemaToIceberg(at.schema)).toEqual(table.schema())
  })

  for (const dir of ['tests/tables/types/all_spark_types', 'tests/tables/types/decimals', 'tests/tables/types/unsupported_types', 'test/files/hyperparam-iceberg/java/bunnies', 'data/persistent/is_null_is_not_null', 'testdata/data/iceberg_test/iceberg_v3/iceberg_v3_all_types']) {
    it(`matches scan.toArray() for ${dir}`, async () => {
      const table = await open(dir)
      const expected = await table.scan().toArray()
      expect(expected.length).toBeGreaterThan(0)
      const at = await scanToArrowTable(table.scan(), { batchSize: 4 })
      expect(at.batches.length).toBe(Math.ceil(expected.length / 4))
      expectRows(arrowTableToRows(tableFromIPC(tableToIPC(at))), expected)
    })
  }
})

describe('scanToArrow on variant columns (Trino v3 tables)', () => {
  for (const dir of ['testdata/data/iceberg_test/iceberg_v3/trino_variant', 'testdata/data/iceberg_test/iceberg_v3/trino_nested_variant']) {
    it(`maps variant to the arrow.parquet.variant struct, with the rows' bytes, for ${dir}`, async () => {
      const table = await open(dir)
      const expected = await table.scan().toArray()
      expect(expected.length).toBeGreaterThan(0)
      const at = await scanToArrowTable(table.scan(), { batchSize: 16 })
      // every variant field, top-level or nested, is the tagged storage struct
      const variants = walkFields(at.schema.fields).filter(({ field: f }) => f.metadata.get(EXTENSION_NAME_KEY) === VARIANT_EXTENSION)
      const countVariants = (t: IcebergType): number =>
        t.kind === 'variant' ? 1 : t.kind === 'struct' ? t.fields.reduce((n, f) => n + countVariants(f.type), 0) : t.kind === 'list' ? countVariants(t.element) : t.kind === 'map' ? countVariants(t.key) + countVariants(t.value) : 0
      expect(variants.length).toBe(countVariants({ kind: 'struct', fields: table.schema().fields }))
      expect(variants.length).toBeGreaterThan(0)
      for (const { field: f } of variants) expect(String(f.type)).toBe('Struct<{metadata:Binary, value:Binary}>')
      const back = tableFromIPC(tableToIPC(at))
      expectRows(arrowTableToRows(back), expected)
      expect(arrowSchemaToIceberg(back.schema)).toEqual(table.schema())
    })
  }
})

describe('scanToArrow on a required column a data file lacks (reading.md D-R1)', () => {
  it('fails with INVALID_DATA naming that data file and column, while rows read the column as null', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true })]) })
    t = await t.appendRows([{ id: 1n }, { id: 2n }])
    const oldFile = (await t.scan().planFiles())[0]!.file.filePath
    // Java allowIncompatibleChanges: a required column without a default, which the old file lacks
    t = await t.transaction().updateSchema((u) => void u.allowIncompatibleChanges().addColumn('x', T.int, { required: true })).commit()
    t = await t.appendRows([{ id: 3n, x: 30 }])
    const rows = await t.scan().toArray()
    expect(rows.map((r) => [r.id, r.x]).sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)))).toEqual([
      [1n, null],
      [2n, null],
      [3n, 30],
    ])
    for (const batchSize of [1, 2, 100]) {
      const e = await scanToArrowTable(t.scan(), { batchSize }).catch((x: unknown) => x)
      expect(e, String(e)).toMatchObject({ code: 'INVALID_DATA', context: { file: oldFile, field: 'x' } })
      expect(String((e as Error).message)).toContain(oldFile)
    }
    // without that column the Arrow scan works
    expect((await scanToArrowTable(t.scan({ select: ['id'] }))).numRows).toBe(3)
  })
})

describe('scanToArrow abort handling', () => {
  it('reports ABORTED even when the underlying read fails with a foreign error after the abort', async () => {
    const ctrl = new AbortController()
    const fake = {
      schema: schema([field(1, 'x', T.long)]),
      projectedIds: () => [1],
      async *rows(): AsyncIterable<Row> {
        yield { x: 1n }
        ctrl.abort()
        throw new DOMException('aborted', 'AbortError')
      },
    } as unknown as TableScan
    await expectAborted(collect(scanToArrow(fake, { signal: ctrl.signal })))
    const plain = { ...fake, rows: async function* () { yield { x: 1n } } } as unknown as TableScan
    expect((await collect(scanToArrow(plain))).map((b) => b.numRows)).toEqual([1])
  })
})
