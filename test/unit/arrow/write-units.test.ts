// Arrow as write input converts timestamps, times and decimals to the target column's unit and scale
// exactly (or fails with INVALID_DATA naming the column): Arrow ns into a µs column is no longer stored 1000×
// too large, s/ms into a ns column no longer 1000× too small, and decimal(10,2) 1.23 into decimal(10,4)
// reads back as 1.2300, not 0.0123. Also nested values, zones, and properties over random values.
import {
  DataType,
  Decimal,
  Field,
  List,
  makeData,
  Map_,
  RecordBatch,
  Schema as ArrowSchema,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  TimeSecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  type Data,
} from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { recordBatchToInputRows, recordBatchToRows, rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { arrowRows } from '../../../src/arrow/input.js'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { parsePartitionSpec, parseSortOrder } from '../../../src/spec/ddl.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType } from '../../../src/spec/types.js'
import { coerceRows } from '../../../src/write/coerce.js'
import { makeCatalog } from '../../support/catalogs.js'
import { ALL_ROWS, ALL_TYPES, firstDifference } from './fixtures.js'

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100)
// makeData's overloads cannot be picked for a type known only at run time
const dataOf = makeData as unknown as (props: Record<string, unknown>) => Data

type Unit = 's' | 'ms' | 'us' | 'ns'
const UNITS: readonly Unit[] = ['s', 'ms', 'us', 'ns']
const NANOS: Record<Unit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n }
const TS_KINDS = ['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'] as const
type TsKind = (typeof TS_KINDS)[number]
const TS_TYPE: Record<TsKind, IcebergType> = { timestamp: T.timestamp, timestamptz: T.timestamptz, timestamp_ns: T.timestampNs, timestamptz_ns: T.timestamptzNs }
const isZoned = (k: TsKind): boolean => k === 'timestamptz' || k === 'timestamptz_ns'
const tickOf = (k: TsKind): bigint => (k === 'timestamp_ns' || k === 'timestamptz_ns' ? 1n : 1000n)

function arrowTimestamp(unit: Unit, zone: string | null): DataType {
  const tz = zone ?? undefined
  switch (unit) {
    case 's':
      return new TimestampSecond(tz)
    case 'ms':
      return new TimestampMillisecond(tz)
    case 'us':
      return new TimestampMicrosecond(tz)
    case 'ns':
      return new TimestampNanosecond(tz)
  }
}

function arrowTime(unit: Unit): DataType {
  return unit === 's' ? new TimeSecond() : unit === 'ms' ? new TimeMillisecond() : unit === 'us' ? new TimeMicrosecond() : new TimeNanosecond()
}

/** Null bitmap of the values (absent when none is null). */
function nulls(values: readonly unknown[]): { nullBitmap?: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array((values.length + 7) >> 3)
  let count = 0
  values.forEach((v, i) => (v === null ? count++ : (bitmap[i >> 3]! |= 1 << (i & 7))))
  return count ? { nullBitmap: bitmap, nullCount: count } : { nullCount: 0 }
}

/** Arrow data of 64-bit words (timestamps, Time64) or 32-bit words (Time32). */
function wordData(type: DataType, values: readonly (bigint | null)[]): Data {
  const wide = !(DataType.isTime(type) && type.bitWidth === 32)
  const data = wide ? BigInt64Array.from(values, (v) => v ?? 0n) : Int32Array.from(values, (v) => Number(v ?? 0n))
  return dataOf({ type, length: values.length, ...nulls(values), data })
}

/** Arrow decimal128 data of unscaled values. */
function decimalData(precision: number, scale: number, values: readonly (bigint | null)[]): Data {
  const words = new BigInt64Array(2 * values.length)
  values.forEach((v, i) => {
    const x = v ?? 0n
    words[2 * i] = BigInt.asIntN(64, x)
    words[2 * i + 1] = BigInt.asIntN(64, x >> 64n)
  })
  return makeData({ type: new Decimal(scale, precision, 128), length: values.length, ...nulls(values), data: new Uint32Array(words.buffer) })
}

function batchOf(columns: Record<string, Data>): RecordBatch {
  const fields = Object.entries(columns).map(([name, d]) => new Field(name, d.type as DataType, true))
  const length = Object.values(columns)[0]!.length
  return new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length, nullCount: 0, children: Object.values(columns) }))
}

async function appendAndScan(s: Schema, batch: RecordBatch, extra: { spec?: string; sort?: string } = {}): Promise<Row[]> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  let t = await c.createTable('db.t', {
    schema: s,
    formatVersion: 3,
    ...(extra.spec ? { spec: parsePartitionSpec(s, extra.spec) } : {}),
    ...(extra.sort ? { sortOrder: parseSortOrder(s, extra.sort) } : {}),
  })
  t = await t.appendRows(arrowRows(batch))
  return t.scan().toArray()
}

async function invalidData(p: Promise<unknown>, column: string, why: RegExp, row?: number): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e, 'expected INVALID_DATA').toBeDefined()
  expect(isFloeError(e), String(e)).toBe(true)
  expect((e as { code: string }).code).toBe('INVALID_DATA')
  expect((e as { context: { field?: string; row?: number } }).context).toMatchObject({ field: column, ...(row === undefined ? {} : { row }) })
  expect((e as Error).message).toMatch(why)
}

function coerceFails(s: Schema, batch: RecordBatch, column: string, why: RegExp): void {
  try {
    coerceRows(s, recordBatchToInputRows(batch))
  } catch (e) {
    expect(isFloeError(e), String(e)).toBe(true)
    expect((e as { code: string }).code).toBe('INVALID_DATA')
    expect((e as { context: { field?: string } }).context.field).toBe(column)
    expect((e as Error).message).toMatch(why)
    return
  }
  throw new Error('expected INVALID_DATA')
}

describe('Arrow timestamps as write input', () => {
  it('convert every Arrow unit into every Iceberg timestamp type of the same zone kind, read back as the same instant', async () => {
    // 1 unit after the epoch, 1 unit before it, a larger value, and a null
    const raw = [1n, -1n, 1_700_000_000n, null]
    for (const unit of UNITS) {
      for (const kind of TS_KINDS) {
        const zone = isZoned(kind) ? 'UTC' : null
        const s = schema([field(1, 'x', TS_TYPE[kind])])
        const values = kind === 'timestamp' || kind === 'timestamptz' ? (unit === 'ns' ? [1000n, -1000n, 1_700_000_000_000n, null] : raw) : raw
        const got = await appendAndScan(s, batchOf({ x: wordData(arrowTimestamp(unit, zone), values) }))
        const expected = values.map((v) => (v === null ? null : (v * NANOS[unit]) / tickOf(kind)))
        expect(
          got.map((r) => r.x),
          `${unit} → ${kind}`,
        ).toEqual(expected)
      }
    }
  })

  it('fix: 1 s in ns into timestamp (µs) is 1,000,000 µs; 1 s in s or ms into timestamp_ns is 1e9 ns', async () => {
    const one = (unit: Unit, v: bigint, kind: TsKind): Promise<Row[]> =>
      appendAndScan(schema([field(1, 'x', TS_TYPE[kind])]), batchOf({ x: wordData(arrowTimestamp(unit, isZoned(kind) ? 'UTC' : null), [v]) }))
    expect(await one('ns', 1_000_000_000n, 'timestamp')).toEqual([{ x: 1_000_000n }])
    expect(await one('ns', 1_000_000_000n, 'timestamptz')).toEqual([{ x: 1_000_000n }])
    expect(await one('ms', 1000n, 'timestamp_ns')).toEqual([{ x: 1_000_000_000n }])
    expect(await one('s', 1n, 'timestamp_ns')).toEqual([{ x: 1_000_000_000n }])
    expect(await one('us', 1_000_000n, 'timestamptz_ns')).toEqual([{ x: 1_000_000_000n }])
    expect(await one('ns', 1_000_000_000n, 'timestamptz_ns')).toEqual([{ x: 1_000_000_000n }])
  })

  it('rejects ns values that are not a whole number of µs in a µs column, naming the column and row', async () => {
    const s = schema([field(1, 'id', T.long), field(2, 'ts', T.timestamp)])
    const batch = batchOf({ id: wordData(new TimestampNanosecond(), [1n, 2n]), ts: wordData(new TimestampNanosecond(), [2000n, 1500n]) })
    // the id column is a long: an Arrow timestamp is not a long either
    coerceFails(s, batch, 'id', /expected a 64-bit bigint.*got timestamp 1 ns without zone/)
    const ok = schema([field(1, 'ts', T.timestamp)])
    await invalidData(appendAndScan(ok, batchOf({ ts: wordData(new TimestampNanosecond(), [2000n, -1500n]) })), 'ts', /timestamp -1500 ns without zone is not a whole number of µs/, 2)
    await invalidData(
      appendAndScan(schema([field(1, 'ts', T.timestamptz)]), batchOf({ ts: wordData(new TimestampNanosecond('UTC'), [1n]) })),
      'ts',
      /not a whole number of µs, the unit of timestamptz/,
      1,
    )
  })

  it('rejects values that leave the 64-bit range once converted', async () => {
    const s = schema([field(1, 'ts', T.timestampNs)])
    // 10^10 s is after 2262, beyond what 64-bit ns can hold
    await invalidData(appendAndScan(s, batchOf({ ts: wordData(new TimestampSecond(), [10_000_000_000n]) })), 'ts', /outside the 64-bit range/)
    coerceFails(schema([field(1, 'ts', T.timestamp)]), batchOf({ ts: wordData(new TimestampSecond(), [-(2n ** 62n)]) }), 'ts', /outside the 64-bit range/)
  })

  it('takes zoned Arrow timestamps only into timestamptz and local ones only into timestamp (PyIceberg on write)', async () => {
    for (const unit of UNITS) {
      coerceFails(schema([field(1, 'ts', T.timestamp)]), batchOf({ ts: wordData(arrowTimestamp(unit, 'UTC'), [0n]) }), 'ts', /has a zone; timestamp values are local date-times/)
      coerceFails(schema([field(1, 'ts', T.timestampNs)]), batchOf({ ts: wordData(arrowTimestamp(unit, '+00:00'), [0n]) }), 'ts', /has a zone; timestamp_ns/)
      coerceFails(schema([field(1, 'ts', T.timestamptz)]), batchOf({ ts: wordData(arrowTimestamp(unit, null), [0n]) }), 'ts', /has no zone; timestamptz takes only/)
      coerceFails(schema([field(1, 'ts', T.timestamptzNs)]), batchOf({ ts: wordData(arrowTimestamp(unit, null), [0n]) }), 'ts', /has no zone; timestamptz_ns/)
    }
    // Arrow stores zoned timestamps as UTC instants whatever the zone: any zone keeps the instant exactly
    const got = await appendAndScan(schema([field(1, 'ts', T.timestamptz)]), batchOf({ ts: wordData(new TimestampMillisecond('America/New_York'), [1_500n]) }))
    expect(got).toEqual([{ ts: 1_500_000n }])
  })

  it('converts timestamps nested in structs, lists and maps, partitioned and sorted', async () => {
    const st = new Field('st', new Struct([new Field('at', new TimestampNanosecond('UTC'), true), new Field('amount', new Decimal(2, 10, 128), true)]), true)
    const stData = makeData({
      type: st.type as Struct,
      length: 2,
      nullCount: 0,
      children: [wordData(new TimestampNanosecond('UTC'), [3_000_000n, null]), decimalData(10, 2, [123n, -5n])],
    })
    const elType = new TimestampMillisecond()
    const list = dataOf({ type: new List(new Field('element', elType, true)), length: 2, nullCount: 0, valueOffsets: Int32Array.of(0, 2, 3), child: wordData(elType, [1n, null, -2n]) })
    const entries = new Struct([new Field('key', new TimestampSecond(), false), new Field('value', new Decimal(0, 5, 128), true)])
    const entriesData = makeData({ type: entries, length: 3, nullCount: 0, children: [wordData(new TimestampSecond(), [1n, 2n, 3n]), decimalData(5, 0, [7n, null, -1n])] })
    const mapData = makeData({ type: new Map_(new Field('entries', entries, false)), length: 2, nullCount: 0, valueOffsets: Int32Array.of(0, 1, 3), child: entriesData })
    const ts = wordData(new TimestampNanosecond(), [86_400_000_000_000n + 5000n, 1000n])
    const batch = batchOf({ ts, st: stData, li: list, m: mapData })
    const s = schema([
      field(1, 'ts', T.timestamp),
      field(2, 'st', T.struct([field(3, 'at', T.timestamptz), field(4, 'amount', T.decimal(12, 4))])),
      field(5, 'li', T.list(6, T.timestampNs)),
      field(7, 'm', T.map(8, T.timestamp, 9, T.decimal(9, 3))),
    ])
    const got = await appendAndScan(s, batch, { spec: 'day(ts)', sort: 'ts' })
    expect(got).toEqual([
      { ts: 1n, st: { at: null, amount: -500n }, li: [-2_000_000n], m: new Map([[2_000_000n, null], [3_000_000n, -1000n]]) },
      { ts: 86_400_000_005n, st: { at: 3000n, amount: 12300n }, li: [1_000_000n, null], m: new Map([[1_000_000n, 7000n]]) },
    ])
    // a lossy nested value names the nested column
    const nsList = dataOf({
      type: new List(new Field('element', new TimestampNanosecond(), true)),
      length: 1,
      nullCount: 0,
      valueOffsets: Int32Array.of(0, 1),
      child: wordData(new TimestampNanosecond(), [1n]),
    })
    coerceFails(schema([field(1, 'li', T.list(2, T.timestamp))]), batchOf({ li: nsList }), 'li.element', /whole number of µs/)
  })

  it('property: an Arrow timestamp written into any timestamp column reads back as the same instant, or fails typed when lossy', async () => {
    const arb = fc.record({
      unit: fc.constantFrom(...UNITS),
      kind: fc.constantFrom(...TS_KINDS),
      values: fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((v) => v * 1000n), fc.constant(null)), { minLength: 1, maxLength: 6 }),
    })
    await fc.assert(
      fc.asyncProperty(arb, async ({ unit, kind, values }) => {
        const batch = batchOf({ x: wordData(arrowTimestamp(unit, isZoned(kind) ? 'UTC' : null), values) })
        const s = schema([field(1, 'x', TS_TYPE[kind])])
        const tick = tickOf(kind)
        const bad = values.findIndex((v) => {
          if (v === null) return false
          const ns = v * NANOS[unit]
          return ns % tick !== 0n || ns / tick !== BigInt.asIntN(64, ns / tick)
        })
        const write = appendAndScan(s, batch)
        if (bad >= 0) return invalidData(write, 'x', /whole number|64-bit range/, bad + 1)
        const got = (await write).map((r) => r.x as bigint | null)
        // the same instant: the stored count of ticks times the tick equals the Arrow count times its unit, in ns
        expect(got.map((v) => (v === null ? null : v * tick))).toEqual(values.map((v) => (v === null ? null : v * NANOS[unit])))
      }),
      { numRuns: Math.min(NUM_RUNS, 60) },
    )
  })
})

describe('Arrow times as write input', () => {
  it('convert s, ms, µs and exact ns to µs since midnight; reject lossy ns and values outside a day', async () => {
    const s = schema([field(1, 't', T.time)])
    for (const unit of UNITS) {
      const values = unit === 'ns' ? [1_500_000n, 0n, null] : [1n, 0n, null]
      const got = await appendAndScan(s, batchOf({ t: wordData(arrowTime(unit), values) }))
      expect(
        got.map((r) => r.t),
        unit,
      ).toEqual(values.map((v) => (v === null ? null : (v * NANOS[unit]) / 1000n)))
    }
    await invalidData(appendAndScan(s, batchOf({ t: wordData(new TimeNanosecond(), [1_000n, 1_001n]) })), 't', /time 1001 ns is not a whole number of µs/, 2)
    coerceFails(s, batchOf({ t: wordData(new TimeSecond(), [86_400n]) }), 't', /time 86400 s is not a time of day/)
    coerceFails(s, batchOf({ t: wordData(new TimeMillisecond(), [-1n]) }), 't', /not a time of day/)
    coerceFails(schema([field(1, 't', T.timestamp)]), batchOf({ t: wordData(new TimeMicrosecond(), [1n]) }), 't', /got time 1 µs/)
  })

  it('property: an Arrow time of day reads back as the same time, or fails typed when not whole µs', async () => {
    const arb = fc.constantFrom(...UNITS).chain((unit) =>
      fc.record({ unit: fc.constant(unit), v: fc.bigInt({ min: 0n, max: (86_400n * 1_000_000_000n) / NANOS[unit] - 1n }) }),
    )
    const s = schema([field(1, 't', T.time)])
    await fc.assert(
      fc.property(arb, ({ unit, v }) => {
        const batch = batchOf({ t: wordData(arrowTime(unit), [v]) })
        const ns = v * NANOS[unit]
        if (ns % 1000n !== 0n) return coerceFails(s, batch, 't', /whole number of µs/)
        expect(coerceRows(s, recordBatchToInputRows(batch))).toEqual([{ t: ns / 1000n }])
      }),
      { numRuns: NUM_RUNS },
    )
  })
})

describe('Arrow decimals as write input', () => {
  it('fix: decimal(10,2) 1.23 into decimal(10,4) reads back as 1.2300, not 0.0123', async () => {
    const got = await appendAndScan(schema([field(1, 'x', T.decimal(10, 4))]), batchOf({ x: decimalData(10, 2, [123n, -1n, null]) }))
    expect(got.map((r) => r.x)).toEqual([12300n, -100n, null])
  })

  it('keep an equal scale, widen a smaller one, narrow a larger one only when the dropped digits are zero', async () => {
    const s = schema([field(1, 'x', T.decimal(9, 2))])
    expect((await appendAndScan(s, batchOf({ x: decimalData(9, 2, [12345n]) }))).map((r) => r.x)).toEqual([12345n])
    expect((await appendAndScan(s, batchOf({ x: decimalData(5, 0, [-7n]) }))).map((r) => r.x)).toEqual([-700n])
    expect((await appendAndScan(s, batchOf({ x: decimalData(12, 5, [1_230_000n, -500_000n]) }))).map((r) => r.x)).toEqual([1230n, -500n])
    await invalidData(appendAndScan(s, batchOf({ x: decimalData(12, 5, [1_230_000n, 1_234_500n]) })), 'x', /decimal 12\.34500 \(scale 5\) has nonzero digits beyond scale 2 of decimal\(9, ?2\)/, 2)
    // widening can overflow the column's precision: rejected, never truncated
    await invalidData(appendAndScan(s, batchOf({ x: decimalData(9, 0, [10_000_000n]) })), 'x', /more than 9 digits/)
    // a decimal is not a long, whatever its scale
    coerceFails(schema([field(1, 'x', T.long)]), batchOf({ x: decimalData(9, 0, [5n]) }), 'x', /got decimal 5 \(scale 0\)/)
  })

  it('property: an Arrow decimal reads back as the same number at the column scale, or fails typed when digits would be lost', async () => {
    const arb = fc.record({
      arrowScale: fc.integer({ min: 0, max: 12 }),
      columnScale: fc.integer({ min: 0, max: 12 }),
      unscaled: fc.oneof(fc.bigInt({ min: -(10n ** 20n) + 1n, max: 10n ** 20n - 1n }), fc.bigInt({ min: -(10n ** 8n), max: 10n ** 8n }).map((v) => v * 10n ** 6n)),
    })
    await fc.assert(
      fc.property(arb, ({ arrowScale, columnScale, unscaled }) => {
        const s = schema([field(1, 'x', T.decimal(38, columnScale))])
        const batch = batchOf({ x: decimalData(38, arrowScale, [unscaled]) })
        const k = 10n ** BigInt(Math.max(0, arrowScale - columnScale))
        if (unscaled % k !== 0n) return coerceFails(s, batch, 'x', /nonzero digits beyond scale/)
        const [row] = coerceRows(s, recordBatchToInputRows(batch))
        // the same number: stored / 10^columnScale = unscaled / 10^arrowScale
        expect((row!.x as bigint) * 10n ** BigInt(arrowScale)).toBe(unscaled * 10n ** BigInt(columnScale))
      }),
      { numRuns: NUM_RUNS },
    )
  })
})

describe('floe batches as write input', () => {
  it('round-trip every type exactly (the Arrow types floe writes match the columns)', async () => {
    const got = (await appendAndScan(ALL_TYPES, rowsToRecordBatch(ALL_TYPES, ALL_ROWS))).sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))
    const expected = [...ALL_ROWS].sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))
    const at = firstDifference(got, expected)
    if (at >= 0) expect(got[at], `row ${at}`).toEqual(expected[at])
    expect(at).toBe(-1)
  })
})

describe('recordBatchToRows (not write input)', () => {
  it('keeps its value representation: µs for s/ms/µs, ns for ns, decimals unscaled at the Arrow scale', () => {
    const batch = batchOf({ a: wordData(new TimestampSecond(), [1n]), b: wordData(new TimestampNanosecond('UTC'), [5n]), d: decimalData(10, 2, [123n]) })
    expect(recordBatchToRows(batch)).toEqual([{ a: 1_000_000n, b: 5n, d: 123n }])
  })
})
