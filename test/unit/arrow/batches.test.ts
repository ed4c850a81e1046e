import {
  DateMillisecond,
  Field,
  FixedSizeList,
  Int32,
  LargeUtf8,
  makeData,
  RecordBatch,
  Schema as ArrowSchema,
  Struct,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  TimeMillisecond,
  TimestampMillisecond,
  TimestampSecond,
  Uint32,
  Uint64,
  Float16,
  TimeNanosecond,
  Null,
  type Data,
  type DataType,
} from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { arrowTableToRows, recordBatchToRows, rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { FIELD_ID_KEY, arrowSchemaToIceberg } from '../../../src/arrow/schema.js'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { ALL_ROWS, ALL_TYPES, firstDifference, walkFields } from './fixtures.js'

function expectRows(actual: readonly Row[], expected: readonly Row[]): void {
  const at = firstDifference(actual, expected)
  if (at >= 0) expect(actual[at], `row ${at}`).toEqual(expected[at])
  expect(at).toBe(-1)
}

function expectError(fn: () => unknown, code: string, field: string): void {
  try {
    fn()
  } catch (e) {
    expect(isFloeError(e), String(e)).toBe(true)
    expect((e as { code: string }).code).toBe(code)
    expect((e as { context: { field?: string } }).context.field).toBe(field)
    return
  }
  throw new Error('expected an error')
}

const oneColumn = (name: string, data: Data, meta?: Map<string, string>): RecordBatch => {
  const f = new Field(name, data.type as DataType, true, meta ?? null)
  return new RecordBatch(new ArrowSchema([f]), makeData({ type: new Struct([f]), length: data.length, nullCount: 0, children: [data] }))
}

describe('rowsToRecordBatch / recordBatchToRows', () => {
  it('compares exactly in these tests (−0 ≠ 0, bytes by content, bigint ≠ number)', () => {
    expect(firstDifference([{ d: 0 }], [{ d: -0 }])).toBe(0)
    expect(firstDifference([{ b: Uint8Array.of(1) }], [{ b: Uint8Array.of(2) }])).toBe(0)
    expect(firstDifference([{ l: 1 }], [{ l: 1n }])).toBe(0)
    expect(firstDifference([{ m: new Map([[1, 2n]]) }], [{ m: new Map([[1, 3n]]) }])).toBe(0)
    expect(firstDifference([{ f: Number.NaN, s: { a: [1n] } }], [{ f: Number.NaN, s: { a: [1n] } }])).toBe(-1)
  })

  const batch = rowsToRecordBatch(ALL_TYPES, ALL_ROWS)

  it('round-trips every type exactly (int64 beyond 2^53, µs/ns timestamps, decimal(38), nested, nulls)', () => {
    expect(batch.numRows).toBe(3)
    expectRows(recordBatchToRows(batch), ALL_ROWS)
    expect(Object.is(recordBatchToRows(batch)[0]!.d, -0)).toBe(true)
  })

  it('round-trips through Arrow IPC, keeping field ids on every field', () => {
    const back = tableFromIPC(tableToIPC(new Table([batch])))
    expectRows(arrowTableToRows(back), ALL_ROWS)
    const ids = (fs: readonly Field[]): (string | undefined)[] => walkFields(fs).map((e) => e.field.metadata.get(FIELD_ID_KEY))
    expect(ids(back.schema.fields)).toEqual(ids(batch.schema.fields))
    expect(ids(back.schema.fields).filter((x) => x === undefined)).toHaveLength(2) // the two map `entries` structs
    expect(arrowSchemaToIceberg(back.schema)).toEqual(ALL_TYPES)
  })

  it('stores int64 and timestamps as exact BigInt64Array words (vector.get() would give lossy float ms)', () => {
    const ts = batch.getChild('ts')!
    expect(ts.data[0]!.values).toBeInstanceOf(BigInt64Array)
    expect(ts.data[0]!.values[0]).toBe(1_700_000_000_123_456n)
    expect(ts.get(0)).not.toBe(1_700_000_000_123_456n)
    expect(batch.getChild('id')!.data[0]!.values[0]).toBe(2n ** 62n + 3n)
    expect(batch.getChild('ts_ns')!.data[0]!.values[0]).toBe(1_700_000_000_123_456_789n)
  })

  it('writes decimals as 128-bit little-endian two’s-complement words', () => {
    const s = schema([field(1, 'x', T.decimal(38, 0))])
    const words = (v: bigint): number[] => [...(rowsToRecordBatch(s, [{ x: v }]).getChild('x')!.data[0]!.values as Uint32Array)]
    expect(words(1n)).toEqual([1, 0, 0, 0])
    expect(words(-1n)).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])
    expect(words(2n ** 64n)).toEqual([0, 0, 1, 0])
    expect(words(-(2n ** 64n))).toEqual([0, 0, 0xffffffff, 0xffffffff])
  })

  it('builds validity bitmaps only where nulls occur', () => {
    expect(batch.getChild('id')!.nullCount).toBe(0)
    expect(batch.getChild('b')!.nullCount).toBe(1)
    expect(batch.getChild('st')!.nullCount).toBe(1)
    expect(batch.getChild('li')!.data[0]!.children[0]!.nullCount).toBe(1)
  })

  it('reads sliced batches (offsets into bit-packed booleans and validity)', () => {
    const sliced = new Table([batch]).slice(1, 3)
    expectRows(arrowTableToRows(sliced), ALL_ROWS.slice(1, 3))
    const many = rowsToRecordBatch(ALL_TYPES, [...ALL_ROWS, ...ALL_ROWS, ...ALL_ROWS])
    expectRows(arrowTableToRows(new Table([many]).slice(4, 9)), [...ALL_ROWS, ...ALL_ROWS, ...ALL_ROWS].slice(4, 9))
  })

  it('treats missing keys as null and handles empty batches', () => {
    const s = schema([field(1, 'a', T.long), field(2, 'b', T.string)])
    expect(recordBatchToRows(rowsToRecordBatch(s, [{ a: 1n }]))).toEqual([{ a: 1n, b: null }])
    expect(recordBatchToRows(rowsToRecordBatch(s, []))).toEqual([])
    expect(arrowTableToRows(tableFromIPC(tableToIPC(new Table(rowsToRecordBatch(s, []).schema))))).toEqual([])
  })

  it('rejects nulls in required slots, naming the column; nulls below a null parent are fine', () => {
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...ALL_ROWS[0]!, id: null }]), 'INVALID_ARGUMENT', 'id')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...ALL_ROWS[0]!, st: { a: null, inner: null } }]), 'INVALID_ARGUMENT', 'st.a')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...ALL_ROWS[0]!, lst: [null] }]), 'INVALID_ARGUMENT', 'lst.element')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...ALL_ROWS[0]!, m: new Map([[null, 1n]]) }]), 'INVALID_ARGUMENT', 'm.key')
    expect(recordBatchToRows(rowsToRecordBatch(ALL_TYPES, [{ ...ALL_ROWS[0]!, st: null }]))[0]!.st).toBeNull()
  })

  it('rejects values of the wrong representation, naming the column', () => {
    const row = ALL_ROWS[0]!
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, l: 5 }]), 'INVALID_ARGUMENT', 'l')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, i: 2 ** 31 }]), 'INVALID_ARGUMENT', 'i')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, dec9: 10n ** 9n }]), 'INVALID_ARGUMENT', 'dec9')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, u: new Uint8Array(15) }]), 'INVALID_ARGUMENT', 'u')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, st: { a: 1, inner: { x: 1, y: 'a' } } }]), 'INVALID_ARGUMENT', 'st.inner.x')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, li: 'nope' }]), 'INVALID_ARGUMENT', 'li')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, m: { x: 1n } }]), 'INVALID_ARGUMENT', 'm')
    expectError(() => rowsToRecordBatch(ALL_TYPES, [{ ...row, st: [1] }]), 'INVALID_ARGUMENT', 'st')
    expectError(() => rowsToRecordBatch(schema([field(1, 'n', T.unknown)]), [{ n: 1 }]), 'INVALID_ARGUMENT', 'n')
    expect(recordBatchToRows(rowsToRecordBatch(schema([field(1, 'n', T.unknown)]), [{ n: null }]))).toEqual([{ n: null }])
  })
})

describe('recordBatchToRows on Arrow input from other producers', () => {
  it('decodes dictionaries and narrow integers from tableFromArrays', () => {
    const t = tableFromArrays({ name: ['a', 'b', 'a'], n: Int8Array.of(1, -2, 3), big: BigInt64Array.of(2n ** 60n, -1n, 0n) })
    expect(arrowTableToRows(t)).toEqual([
      { name: 'a', n: 1, big: 2n ** 60n },
      { name: 'b', n: -2, big: -1n },
      { name: 'a', n: 3, big: 0n },
    ])
    expect(arrowSchemaToIceberg(t.schema).fields.map((f) => f.type.kind)).toEqual(['string', 'int', 'long'])
  })

  it('converts other units exactly: ms/s timestamps to µs, ms dates to days, ms time to µs, uint32 to bigint', () => {
    const cases: [Data, unknown[]][] = [
      [makeData({ type: new TimestampMillisecond(), data: BigInt64Array.of(1_700_000_000_123n, -1n) }), [1_700_000_000_123_000n, -1000n]],
      [makeData({ type: new TimestampSecond('UTC'), data: BigInt64Array.of(-62_135_596_800n) }), [-62_135_596_800_000_000n]],
      [makeData({ type: new DateMillisecond(), data: BigInt64Array.of(-86_400_000n, 3n * 86_400_000n) }), [-1, 3]],
      [makeData({ type: new TimeMillisecond(), data: Int32Array.of(86_399_999) }), [86_399_999_000n]],
      [makeData({ type: new Uint32(), data: Uint32Array.of(4_294_967_295) }), [4_294_967_295n]],
      [makeData({ type: new LargeUtf8(), valueOffsets: BigInt64Array.of(0n, 2n, 2n), data: Uint8Array.of(104, 105) }), ['hi', '']],
      [
        makeData({ type: new FixedSizeList(2, new Field('element', new Int32(), true)), length: 2, child: makeData({ type: new Int32(), data: Int32Array.of(1, 2, 3, 4) }) }),
        [[1, 2], [3, 4]],
      ],
    ]
    for (const [data, want] of cases) {
      const rows = recordBatchToRows(oneColumn('c', data))
      expect(rows.map((r) => r.c), String(data.type)).toEqual(want)
    }
  })

  it('reads Float16 exactly: every half-precision bit pattern against an independent decoder', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i)
    const rows = recordBatchToRows(oneColumn('h', makeData({ type: new Float16(), data: bits })))
    // independent decoder: widen through a DataView-free table of powers (sign · 2^(e-15) · 1.f, subnormals 2^-14 · 0.f)
    const expected = (b: number): number => {
      const s = b >> 15 ? -1 : 1
      const e = (b >> 10) & 31
      const f = b & 1023
      if (e === 31) return f ? Number.NaN : s * Infinity
      return e === 0 ? s * Math.pow(2, -14) * (f / 1024) : s * Math.pow(2, e - 15) * (1 + f / 1024)
    }
    rows.forEach((r, i) => expect(Object.is(r.h, expected(i)) || (Number.isNaN(r.h as number) && Number.isNaN(expected(i))), `bits ${i}`).toBe(true))
    // and each fits a float exactly
    rows.forEach((r) => expect(Number.isNaN(r.h as number) || Math.fround(r.h as number) === r.h).toBe(true))
  })

  it('rejects Arrow types with no exact Iceberg value, naming the column', () => {
    expectError(() => recordBatchToRows(oneColumn('u', makeData({ type: new Uint64(), data: BigUint64Array.of(1n) }))), 'UNSUPPORTED', 'u')
    expectError(() => recordBatchToRows(oneColumn('t', makeData({ type: new TimeNanosecond(), data: BigInt64Array.of(1n) }))), 'UNSUPPORTED', 't')
    expect(recordBatchToRows(oneColumn('n', makeData({ type: new Null(), length: 2 })))).toEqual([{ n: null }, { n: null }])
  })
})
