// The writer hands flat int, float and double columns without nulls to hyparquet-writer as typed arrays
// (faster to encode than arrays of boxed values). Property: for random flat schemas (those columns next to
// plain ones) and random rows (nulls, ±0, NaN, ±Infinity, int32/int64 extremes, doubles in float columns)
// split into random row groups, the file is byte-identical to what hyparquet-writer writes from plain arrays
// of the same values (uncompressed, or snappy through floe's compressor against hyparquet-writer's), and it
// reads back exactly. Unit tests: which columns are packed, the fall-back to plain
// values, and values no typed array holds still fail as INVALID_DATA.
import fc from 'fast-check'
import { parquetMetadata } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { IcebergParquetWriter, writeParquet, withoutNaNBounds } from '../../../src/parquet/hyparquet-writer.js'
import type { ParquetChunkStatistics } from '../../../src/parquet/column-stats.js'
import { hasNegativeZero, holdsFloats } from '../../../src/parquet/negative-zero.js'
import { parquetWriteSchema } from '../../../src/parquet/parquet-write-schema.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType, type Value } from '../../../src/spec/types.js'
import { errorOf, readAll } from './parquet-files.js'

const MiB = 1024 * 1024
const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n

const LONG = fc.oneof(fc.bigInt({ min: I64_MIN, max: I64_MAX }), fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n))
const INT = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -0))
// NaN is the canonical one: V8 may rewrite NaN payload bits when it stores a NaN in an array of doubles
// (optimized code does), so hyparquet-writer's own output for other NaNs depends on what was compiled.
const FLOAT = fc.oneof(fc.float({ noNaN: true }), fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45))
const DOUBLE = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(-0, 0, NaN, Number.MAX_VALUE, Number.MIN_VALUE, -Infinity))

// Doubles that are not float32 values (floe's coercion rounds floats, the writer takes them too). Ones that
// round to a float32 zero are left out: there floe's footer bounds (of the rounded values) and hyparquet-writer's
// (of the raw ones) differ in the sign of a zero bound whatever the packing.
const NOT_FLOAT32 = fc.double({ noNaN: true }).filter((d) => Math.fround(d) !== d && Math.fround(d) !== 0)

// The packed kinds (int, float, double), a float column that also holds doubles (not float32: stays plain),
// and plain neighbours (64-bit integers, dates, strings).
const KINDS: readonly { readonly type: IcebergType; readonly value: fc.Arbitrary<Value> }[] = [
  { type: T.long, value: LONG },
  { type: T.time, value: fc.bigInt({ min: 0n, max: 86_399_999_999n }) },
  { type: T.int, value: INT },
  { type: T.float, value: FLOAT },
  { type: T.float, value: fc.oneof(FLOAT, NOT_FLOAT32) },
  { type: T.double, value: DOUBLE },
  { type: T.timestamptz, value: LONG },
  { type: T.date, value: fc.integer({ min: -800_000, max: 800_000 }) },
  { type: T.string, value: fc.string({ maxLength: 3 }) },
]

/** hyparquet-writer alone (statistics on) over plain arrays of the same values, row groups, key/value metadata and creator. */
function reference(s: ReturnType<typeof schema>, rows: readonly Row[], floe: Uint8Array, codec: 'SNAPPY' | 'UNCOMPRESSED'): Uint8Array {
  const layout = parquetWriteSchema(s)
  const md = parquetMetadata(floe.buffer.slice(floe.byteOffset, floe.byteOffset + floe.byteLength) as ArrayBuffer)
  const out = new ByteWriter()
  const pq = new ParquetWriter({
    writer: out,
    schema: layout.elements as unknown as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
    codec,
    statistics: true,
    ...(md.key_value_metadata ? { kvMetadata: md.key_value_metadata } : {}),
    ...(md.created_by ? { createdBy: md.created_by } : {}),
  })
  let start = 0
  for (const rg of md.row_groups) {
    const n = Number(rg.num_rows)
    const columnData = layout.columns.map((c) => {
      const data = rows.slice(start, start + n).map((r) => r[c.field.name] as Value)
      return holdsFloats(c.field.type) && hasNegativeZero(data) ? { name: c.parquetName, data, encoding: 'PLAIN' as const } : { name: c.parquetName, data }
    })
    void pq.write({ columnData, rowGroupSize: n, pageSize: MiB })
    // floe leaves out the min/max of float chunks holding NaN (withoutNaNBounds); the reference does too
    for (const c of pq.row_groups[pq.row_groups.length - 1]!.columns) withoutNaNBounds(c.meta_data?.statistics as ParquetChunkStatistics | undefined)
    start += n
  }
  void pq.finish()
  return new Uint8Array(out.getBuffer())
}

/** What reading a written value gives back: float32 rounding for floats, +0 for an int −0; NaN bits aside. */
function readBack(t: IcebergType, v: Value): Value {
  if (v === null || v === undefined) return null
  if (t.kind === 'float') return Math.fround(v as number)
  if (t.kind === 'int' && v === 0) return 0
  return v
}

/** Values compared with Object.is (so ±0 differ and NaN equals NaN). */
const same = (a: readonly Value[], b: readonly Value[]): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]))

describe('flat columns handed to hyparquet-writer as typed arrays', () => {
  it('give files byte-identical to hyparquet-writer on plain arrays, which read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: KINDS.length - 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom('required', 'optional', 'sometimes-null'), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom(64, 400, 128 * MiB),
        fc.constantFrom<'snappy' | 'uncompressed'>('uncompressed', 'snappy'),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (kinds, modes, count, rowGroupSizeBytes, codec, seed) => {
          const s = schema(kinds.map((k, i) => field(i + 1, `c${i}`, KINDS[k]!.type, { required: modes[i] === 'required' })))
          const value = (k: number, i: number): fc.Arbitrary<Value> =>
            modes[i] === 'required' ? KINDS[k]!.value : modes[i] === 'optional' ? KINDS[k]!.value : fc.option(KINDS[k]!.value, { nil: null, freq: 8 })
          const rowArb = fc.record(Object.fromEntries(kinds.map((k, i) => [`c${i}`, value(k, i)])))
          const rows = fc.sample(rowArb, { numRuns: count, seed }) as Row[]
          // snappy: floe's own compressor against hyparquet-writer's built-in one
          const floe = (await writeParquet(s, rows, { codec, rowGroupSizeBytes })).bytes
          expect(Buffer.from(floe).equals(Buffer.from(reference(s, rows, floe, codec === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED')))).toBe(true)
          const back = await readAll(floe, { schema: s })
          s.fields.forEach((f) => {
            const expected = rows.map((r) => readBack(f.type, r[f.name] as Value))
            expect(same(back.map((r) => r[f.name] as Value), expected)).toBe(true)
          })
        },
      ),
      { numRuns: 150 },
    )
  })

  it('packs flat int, float and double columns without nulls; the others stay plain arrays', async () => {
    const s = schema([
      field(1, 'l', T.long, { required: true }),
      field(2, 't', T.time),
      field(3, 'i', T.int),
      field(4, 'f', T.float),
      field(5, 'd', T.double),
      field(6, 'ts', T.timestamptz),
      field(7, 'dt', T.date),
      field(8, 's', T.string),
      field(9, 'st', T.struct([field(10, 'x', T.long)])),
    ])
    const seen: string[][] = []
    const w = await IcebergParquetWriter.open(s, { codec: 'uncompressed', onRowGroup: (cols) => seen.push(cols.map((c) => c.constructor.name)) })
    for (let k = 0; k < 10; k++) w.write({ l: BigInt(k), t: 5n, i: -k, f: 1.5, d: -0, ts: 1n, dt: 3, s: 'x', st: { x: 1n } })
    w.finish()
    expect(seen).toEqual([['Array', 'Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Array', 'Array', 'Array', 'Array']])
  })

  it('writes a column as plain values from the row group where a value does not fit its typed array, and keeps it plain', async () => {
    const s = schema([field(1, 'd', T.double), field(2, 'f', T.float), field(3, 'i', T.int)])
    const kinds: string[][] = []
    const w = await IcebergParquetWriter.open(s, { codec: 'uncompressed', onRowGroup: (cols) => kinds.push(cols.map((c) => c.constructor.name)) })
    const groups: Row[][] = [
      [{ d: 1.5, f: 0.5, i: 1 }, { d: -0, f: 2, i: 2 }],
      [{ d: null, f: 0.1, i: 3 }, { d: 2.5, f: 1, i: undefined as unknown as Value }],
      [{ d: 3.5, f: 1, i: 4 }],
    ]
    for (const g of groups) {
      for (const r of g) w.write(r)
      w.flush()
    }
    const res = w.finish()
    expect(kinds).toEqual([
      ['Float64Array', 'Float32Array', 'Int32Array'],
      ['Array', 'Array', 'Array'],
      ['Array', 'Array', 'Array'],
    ])
    const back = await readAll(res.bytes, { schema: s })
    const rows = groups.flat()
    expect(same(back.map((r) => r.d as Value), rows.map((r) => r.d as Value))).toBe(true)
    expect(back.map((r) => r.f)).toEqual(rows.map((r) => Math.fround(r.f as number)))
    expect(back.map((r) => r.i)).toEqual([1, 2, 3, null, 4])
  })

  it('still reports values outside the column type as INVALID_DATA (they are never wrapped into a typed array)', async () => {
    const cases: [IcebergType, Value][] = [
      [T.int, 2 ** 31],
      [T.int, -(2 ** 31) - 1],
      [T.int, 1.5],
      [T.int, 7n],
      [T.long, 2n ** 63n],
      [T.time, 2n ** 64n],
    ]
    for (const [type, bad] of cases) {
      const s = schema([field(1, 'c', type, { required: true })])
      const e = await errorOf(writeParquet(s, [{ c: type.kind === 'int' ? 1 : 1n }, { c: bad }], { file: 'bad.parquet' }))
      expect(isFloeError(e, 'INVALID_DATA'), `${type.kind} ${String(bad)}`).toBe(true)
    }
  })
})
