// floe computes the footer statistics of flat primitive columns itself (one scan serves the footer and the
// Iceberg metrics). Property: for random schemas (flat columns of every such type, plus columns hyparquet-writer
// still handles: a uuid and a struct, so leaf and column indexes differ) and random rows (nulls, NaN, ±0,
// ±Infinity, lone surrogates) split into random row groups, floe's file is byte-identical to the file that
// hyparquet-writer writes from the same columns with its own statistics on.
import fc from 'fast-check'
import { parquetMetadata } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { describe, expect, it } from 'vitest'
import { emptyStats, mergeStats, parquetStatistics, scanValues, statsKind } from '../../../src/parquet/column-stats.js'
import { writeParquet, withoutNaNBounds } from '../../../src/parquet/hyparquet-writer.js'
import type { ParquetChunkStatistics } from '../../../src/parquet/column-stats.js'
import { hasNegativeZero, holdsFloats } from '../../../src/parquet/negative-zero.js'
import { parquetWriteSchema, toEncoderValue } from '../../../src/parquet/parquet-write-schema.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType, type Value } from '../../../src/spec/types.js'
import type { Row } from '../../../src/parquet/codec.js'

const LONG = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', 'é', '\u{1F600}', '\uFFFD', '\uE000'), lone), maxLength: 5 })

const KINDS: readonly { readonly type: IcebergType; readonly value: fc.Arbitrary<Value> }[] = [
  { type: T.boolean, value: fc.boolean() },
  { type: T.int, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { type: T.long, value: LONG },
  { type: T.float, value: fc.float() },
  { type: T.double, value: fc.double() },
  { type: T.date, value: fc.integer({ min: -800_000, max: 800_000 }) },
  { type: T.time, value: fc.bigInt({ min: 0n, max: 86_399_999_999n }) },
  { type: T.timestamp, value: LONG },
  { type: T.timestamptz, value: LONG },
  { type: T.string, value: text },
  { type: T.binary, value: fc.uint8Array({ maxLength: 4 }) },
  { type: T.uuid, value: fc.uint8Array({ minLength: 16, maxLength: 16 }) },
  { type: T.struct([field(101, 'a', T.int), field(102, 'b', T.string)]), value: fc.record({ a: fc.integer({ min: -5, max: 5 }), b: text }) },
]

const MiB = 1024 * 1024

/** hyparquet-writer alone (statistics on) over the same columns, row groups, key/value metadata and creator. */
function reference(s: ReturnType<typeof schema>, rows: readonly Row[], floe: Uint8Array): Uint8Array {
  const layout = parquetWriteSchema(s)
  const md = parquetMetadata(floe.buffer.slice(floe.byteOffset, floe.byteOffset + floe.byteLength) as ArrayBuffer)
  const out = new ByteWriter()
  const pq = new ParquetWriter({
    writer: out,
    schema: layout.elements as unknown as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
    codec: 'UNCOMPRESSED',
    statistics: true,
    ...(md.key_value_metadata ? { kvMetadata: md.key_value_metadata } : {}),
    ...(md.created_by ? { createdBy: md.created_by } : {}),
  })
  let start = 0
  for (const rg of md.row_groups) {
    const n = Number(rg.num_rows)
    const columnData = layout.columns.map((c) => {
      const values = rows.slice(start, start + n).map((r) => r[c.field.name])
      const data = (c.reshape ? values.map((v) => toEncoderValue(c.field.type, v as Value)) : values) as unknown[]
      return holdsFloats(c.field.type) && hasNegativeZero(values as Value[]) ? { name: c.parquetName, data, encoding: 'PLAIN' as const } : { name: c.parquetName, data }
    })
    void pq.write({ columnData, rowGroupSize: n, pageSize: MiB })
    // floe leaves out the min/max of float chunks holding NaN (withoutNaNBounds); the reference does too
    for (const c of pq.row_groups[pq.row_groups.length - 1]!.columns) withoutNaNBounds(c.meta_data?.statistics as ParquetChunkStatistics | undefined)
    start += n
  }
  void pq.finish()
  return new Uint8Array(out.getBuffer())
}

describe('footer statistics computed by floe', () => {
  it('give files byte-identical to hyparquet-writer with its own statistics', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: KINDS.length - 1 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(64, 300, 128 * MiB),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (kinds, optional, count, rowGroupSizeBytes, seed) => {
          const s = schema(kinds.map((k, i) => field(i + 1, `c${i}`, KINDS[k]!.type, { required: !optional[i] })))
          const rowArb = fc.record(Object.fromEntries(kinds.map((k, i) => [`c${i}`, optional[i] ? fc.option(KINDS[k]!.value, { nil: null }) : KINDS[k]!.value])))
          const rows = fc.sample(rowArb, { numRuns: count, seed }) as Row[]
          const floe = (await writeParquet(s, rows, { codec: 'uncompressed', rowGroupSizeBytes })).bytes
          const ref = reference(s, rows, floe)
          expect(Buffer.from(floe).equals(Buffer.from(ref))).toBe(true)
        },
      ),
      { numRuns: 120 },
    )
  })

  it('merge per-chunk statistics to what one scan of all the values gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.array(fc.array(fc.option(fc.double(), { nil: null }), { maxLength: 8 }), { maxLength: 5 }), (_, chunks) => {
        for (const t of [T.double, T.float]) {
          const kind = statsKind(t)
          const whole = emptyStats()
          scanValues(kind, chunks.flat(), true, whole)
          const merged = emptyStats()
          for (const c of chunks) {
            const st = emptyStats()
            scanValues(kind, c, true, st)
            mergeStats(kind, merged, st, true)
          }
          expect(merged).toEqual(whole)
          expect(Object.is(merged.min, whole.min) && Object.is(merged.max, whole.max)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('record a zero bound as hyparquet-writer does (min −0, max +0) and count NaN only for floats', () => {
    const st = { nulls: 1, nans: 2, min: 0, max: -0 }
    const p = parquetStatistics('double', st)
    expect(Object.is(p.min_value, -0) && Object.is(p.max_value, 0)).toBe(true)
    expect(p).toMatchObject({ null_count: 1n, nan_count: 2n })
    expect('nan_count' in parquetStatistics('int', { nulls: 0, nans: 0, min: 1, max: 2 })).toBe(false)
    expect(parquetStatistics('str', { nulls: 3, nans: 0, min: undefined, max: undefined })).toEqual({ null_count: 3n })
  })
})
