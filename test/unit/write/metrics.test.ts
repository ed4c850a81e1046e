// Metrics: a property test recomputes every count and bound independently from random rows (supplementary
// characters, lone surrogates, NaN/−0.0, nulls, nested structs) for full and truncate(N) modes; Java's
// TestMetricsTruncation cases with expected values computed from code points; MetricsConfig semantics;
// list/map members keep only column sizes; column sizes equal the footer's chunk sizes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { fromBinary } from '../../../src/spec/single-value.js'
import { currentSchema } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { compareValues } from '../../../src/spec/values.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import {
  metricsConfig,
  metricsModeOf,
  MetricsModes,
  parseMetricsMode,
  truncateBinaryMax,
  truncateBinaryMin,
  truncateStringMax,
  truncateStringMin,
} from '../../../src/write/metrics.js'
import { tableOf } from './write-fixtures.js'

const METRIC_SCHEMA = schema([
  field(1, 'i', T.int),
  field(2, 'l', T.long, { required: true }),
  field(3, 'f', T.float),
  field(4, 'd', T.double),
  field(5, 's', T.string),
  field(6, 'bin', T.binary),
  field(7, 'dec', T.decimal(12, 3)),
  field(8, 'dt', T.date),
  field(9, 'ts', T.timestamptz),
  field(10, 'b', T.boolean),
  field(11, 'u', T.uuid),
  field(12, 'fx', T.fixed(2)),
  field(13, 'st', T.struct([field(15, 'x', T.double), field(16, 'name', T.string)])),
  field(14, 'tags', T.list(17, T.string)),
]) // ids as newTableMetadata assigns them (top-level first)

const nullable = <V>(a: fc.Arbitrary<V>): fc.Arbitrary<V | null> => fc.option(a, { nil: null, freq: 4 })
// well-formed text only: a lone surrogate is refused by the coercer (INVALID_DATA), see coerce.test.ts
const str = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }).filter((x) => (x as string & { isWellFormed(): boolean }).isWellFormed()),
  fc.string({ unit: fc.constantFrom('a', 'z', '\uD7FF', '\uE000', '\uFFFF', '\u{10000}', '\u{10FFFF}', '\u{1F600}', '\uD83D\uDE00', 'é'), maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
)
const floatArb = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY))
const bytes = fc.uint8Array({ maxLength: 24 }).map((b) => (b.length % 3 === 0 ? b.map(() => 0xff) : b))
const rowArb: fc.Arbitrary<Row> = fc.record({
  i: nullable(fc.integer()),
  l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  f: nullable(floatArb),
  d: nullable(floatArb),
  s: nullable(str),
  bin: nullable(bytes),
  dec: nullable(fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n })),
  dt: nullable(fc.integer({ min: -800000, max: 2900000 })),
  ts: nullable(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })),
  b: nullable(fc.boolean()),
  u: nullable(fc.uint8Array({ minLength: 16, maxLength: 16 })),
  fx: nullable(fc.uint8Array({ minLength: 2, maxLength: 2 })),
  st: nullable(fc.record({ x: nullable(floatArb), name: nullable(str) })),
  tags: nullable(fc.array(nullable(str), { maxLength: 3 })),
}) as fc.Arbitrary<Row>

// --- an independent model of the expected metrics ---------------------------------------------------------

// UTF-8 storage of a JS string: lone surrogates become U+FFFD (checked unit by unit, not with the src regex)
function toWellFormed(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const next = s.charCodeAt(i + 1)
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += s[i]! + s[i + 1]!
      i++
    } else out += c >= 0xd800 && c <= 0xdfff ? '\uFFFD' : s[i]!
  }
  return out
}
const codePoints = (s: string): number[] => Array.from(toWellFormed(s), (c) => c.codePointAt(0)!)

function expectedUpperString(s: string, n: number): string | undefined {
  const cps = codePoints(s)
  if (cps.length <= n) return toWellFormed(s)
  for (let i = n - 1; i >= 0; i--) {
    if (cps[i]! < 0x10ffff) return String.fromCodePoint(...cps.slice(0, i), cps[i] === 0xd7ff ? 0xe000 : cps[i]! + 1)
  }
  return undefined
}

function expectedUpperBytes(b: Uint8Array, n: number): Uint8Array | undefined {
  if (b.length <= n) return b
  let k = n
  while (k > 0 && b[k - 1] === 0xff) k--
  if (k === 0) return undefined
  const out = b.slice(0, k)
  out[k - 1]!++
  return out
}

interface Expected {
  nulls: number
  nans: number
  lower?: Value
  upper?: Value
}

function model(type: PrimitiveType, values: readonly Value[], truncate: number | undefined): Expected {
  const nulls = values.filter((v) => v === null).length
  const isFloat = type.kind === 'float' || type.kind === 'double'
  const norm = (v: Value): Value => (type.kind === 'float' ? Math.fround(v as number) : type.kind === 'string' ? toWellFormed(v as string) : v)
  const present = values.filter((v) => v !== null).map(norm)
  const nans = isFloat ? present.filter((v) => Number.isNaN(v)).length : 0
  const sorted = present.filter((v) => !(isFloat && Number.isNaN(v))).sort((a, b) => compareValues(type, a, b))
  if (!sorted.length) return { nulls, nans }
  let lower: Value = sorted[0]!
  let upper: Value | undefined = sorted[sorted.length - 1]!
  if (truncate !== undefined && type.kind === 'string') {
    lower = String.fromCodePoint(...codePoints(lower as string).slice(0, truncate))
    upper = expectedUpperString(upper as string, truncate)
  }
  if (truncate !== undefined && type.kind === 'binary') {
    lower = (lower as Uint8Array).slice(0, truncate)
    upper = expectedUpperBytes(upper as Uint8Array, truncate)
  }
  return { nulls, nans, lower, ...(upper === undefined ? {} : { upper }) }
}

const leaves: { id: number; type: PrimitiveType; get: (r: Row) => Value }[] = [
  ...METRIC_SCHEMA.fields.filter((f) => f.id <= 12).map((f) => ({ id: f.id, type: f.type as PrimitiveType, get: (r: Row) => r[f.name] ?? null })),
  { id: 15, type: T.double, get: (r) => (r.st as Record<string, Value> | null)?.x ?? null },
  { id: 16, type: T.string, get: (r) => (r.st as Record<string, Value> | null)?.name ?? null },
]

async function writeOne(s: Schema, rows: readonly Row[], props: Record<string, string>) {
  const io = new MemoryFileIO()
  const md = tableOf(s, { properties: { 'write.parquet.compression-codec': 'snappy', ...props } })
  const files = await writeDataFiles(testEnv(io), { metadata: md }, rows)
  return { file: files[0]!, io, schema: currentSchema(md) }
}

describe('metrics: property test against an independent model', () => {
  for (const [label, props, n] of [
    ['full', { 'write.metadata.metrics.default': 'full' }, undefined],
    ['truncate(3)', { 'write.metadata.metrics.default': 'truncate(3)' }, 3],
    ['default truncate(16)', {}, 16],
  ] as const) {
    it(`counts and bounds equal values recomputed from the rows (${label})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), async (rows) => {
          const { file } = await writeOne(METRIC_SCHEMA, rows, props)
          expect(file.recordCount).toBe(BigInt(rows.length))
          for (const leaf of leaves) {
            const want = model(leaf.type, rows.map(leaf.get), n)
            expect(file.valueCounts!.get(leaf.id)).toBe(BigInt(rows.length))
            expect(file.nullValueCounts!.get(leaf.id)).toBe(BigInt(want.nulls))
            if (leaf.type.kind === 'float' || leaf.type.kind === 'double') expect(file.nanValueCounts!.get(leaf.id)).toBe(BigInt(want.nans))
            else expect(file.nanValueCounts!.has(leaf.id)).toBe(false)
            const lo = file.lowerBounds!.get(leaf.id)
            const hi = file.upperBounds!.get(leaf.id)
            expect(lo === undefined ? undefined : fromBinary(leaf.type, lo)).toEqual(want.lower)
            expect(hi === undefined ? undefined : fromBinary(leaf.type, hi)).toEqual(want.upper)
            if (want.lower !== undefined && (leaf.type.kind === 'float' || leaf.type.kind === 'double')) {
              expect(Object.is(fromBinary(leaf.type, lo!), want.lower)).toBe(true) // −0.0 vs +0.0 kept apart
              expect(Object.is(fromBinary(leaf.type, hi!), want.upper)).toBe(true)
            }
          }
          expect(file.valueCounts!.has(17)).toBe(false)
          expect(file.lowerBounds!.has(17)).toBe(false)
          expect(file.columnSizes!.has(17)).toBe(true)
        }),
        { numRuns: 25 },
      )
    })
  }

  it('column sizes equal the footer chunk sizes; −0.0 < +0.0 and NaN is never a bound', async () => {
    const s = schema([field(1, 'd', T.double), field(2, 'f', T.float), field(3, 'n', T.double)])
    const { file, io } = await writeOne(s, [{ d: 0, f: -0, n: Number.NaN }, { d: -0, f: -0, n: Number.NaN }, { d: 0, f: null, n: null }], {})
    const footer = readParquetFooter(io.files.get(file.filePath)!)
    expect([...file.columnSizes!]).toEqual(footer.row_groups[0]!.columns.map((c, i) => [i + 1, c.meta_data!.total_compressed_size]))
    expect(Object.is(fromBinary(T.double, file.lowerBounds!.get(1)!), -0)).toBe(true)
    expect(Object.is(fromBinary(T.double, file.upperBounds!.get(1)!), 0)).toBe(true)
    expect(Object.is(fromBinary(T.float, file.upperBounds!.get(2)!), -0)).toBe(true)
    expect(file.nanValueCounts!.get(3)).toBe(2n)
    expect(file.lowerBounds!.has(3)).toBe(false)
  })
})

describe('metrics modes and MetricsConfig', () => {
  const ROWS: Row[] = [{ i: 1, l: 5n, s: 'abcdefghijklmnopqrstuvwxyz' }, { i: 3, l: -5n, s: 'b' }]

  it('none drops everything (sizes too), counts keeps counts only, per-column overrides win', async () => {
    const { file } = await writeOne(METRIC_SCHEMA, ROWS, {
      'write.metadata.metrics.default': 'counts',
      'write.metadata.metrics.column.i': 'none',
      'write.metadata.metrics.column.s': 'full',
      'write.metadata.metrics.column.st.x': 'truncate(2)',
    })
    expect(file.valueCounts!.has(1)).toBe(false)
    expect(file.columnSizes!.has(1)).toBe(false)
    expect(file.valueCounts!.get(2)).toBe(2n)
    expect(file.lowerBounds!.has(2)).toBe(false)
    expect(fromBinary(T.string, file.upperBounds!.get(5)!)).toBe('b')
    expect(fromBinary(T.string, file.lowerBounds!.get(5)!)).toBe('abcdefghijklmnopqrstuvwxyz')
    expect(file.valueCounts!.get(15)).toBe(2n)
  })

  it('parses modes like Java and falls back on invalid ones', () => {
    expect(parseMetricsMode('TRUNCATE(8)')).toEqual(MetricsModes.truncate(8))
    expect(parseMetricsMode('Full')).toEqual(MetricsModes.full)
    expect(parseMetricsMode('truncate(0)')).toBeUndefined()
    expect(parseMetricsMode('sometimes')).toBeUndefined()
    const cfg = metricsConfig({ 'write.metadata.metrics.default': 'bogus', 'write.metadata.metrics.column.l': 'bogus' }, METRIC_SCHEMA)
    expect(cfg.defaultMode).toEqual(MetricsModes.truncate(16))
    expect(metricsModeOf(cfg, METRIC_SCHEMA, 2)).toEqual(MetricsModes.truncate(16))
  })

  it('infers truncate(16) only for the first max-inferred-column-defaults field ids of a wide schema (Java ≥ 1.10)', () => {
    const wide = schema(Array.from({ length: 5 }, (_, i) => field(i + 1, `c${i}`, i === 1 ? T.struct([field(10, 'x', T.int)]) : T.int)))
    const cfg = metricsConfig({ 'write.metadata.metrics.max-inferred-column-defaults': '2' }, wide)
    expect(cfg.defaultMode).toEqual(MetricsModes.none)
    // the root struct's own primitives come first (ids 1 and 3), before the struct member x (10)
    expect(metricsModeOf(cfg, wide, 1)).toEqual(MetricsModes.truncate(16))
    expect(metricsModeOf(cfg, wide, 3)).toEqual(MetricsModes.truncate(16))
    expect(metricsModeOf(cfg, wide, 10)).toEqual(MetricsModes.none)
    expect(metricsModeOf(cfg, wide, 4)).toEqual(MetricsModes.none)
    expect(metricsConfig({}, wide).defaultMode).toEqual(MetricsModes.truncate(16))
    const sorted = metricsConfig({ 'write.metadata.metrics.max-inferred-column-defaults': '2' }, wide, {
      orderId: 1,
      fields: [
        { sourceId: 4, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' },
        { sourceId: 5, transform: Transforms.bucket(4), direction: 'asc', nullOrder: 'nulls-first' },
      ],
    })
    expect(metricsModeOf(sorted, wide, 4)).toEqual(MetricsModes.truncate(16))
    expect(metricsModeOf(sorted, wide, 5)).toEqual(MetricsModes.none)
  })
})

describe('truncation (Java TestMetricsTruncation cases, expectations computed from code points)', () => {
  const cp = (s: string, i: number): number => Array.from(s)[i]!.codePointAt(0)!
  const bump = (s: string, i: number): string => Array.from(s).slice(0, i).join('') + String.fromCodePoint(cp(s, i) + 1)

  it('strings: lower = first N code points, upper increments the last code point that can grow', () => {
    const t1 = 'イロハニホヘト'
    expect(truncateStringMin(t1, 2)).toBe(Array.from(t1).slice(0, 2).join(''))
    expect(truncateStringMax(t1, 2)).toBe(bump(t1, 1))
    expect(truncateStringMax(t1, 3)).toBe(bump(t1, 2))
    expect(truncateStringMax(t1, 7)).toBe(t1)
    const t2 = 'щщаεはчωいにπάほхεろへσκζ'
    expect(truncateStringMax(t2, 7)).toBe(bump(t2, 6))
    expect(truncateStringMax('aनि\uFFFF\uFFFF', 3)).toBe(bump('aनि', 2))
    expect(truncateStringMax('\uFFFF\uFFFF', 1)).toBe(String.fromCodePoint(0x10000))
    expect(truncateStringMax('\u{10FFFF}\u{10FFFF}', 1)).toBeUndefined()
    expect(truncateStringMax('\u{103FF}\u{103FF}', 1)).toBe(String.fromCodePoint(0x10400))
    expect(truncateStringMax('😂😂😂', 2)).toBe('😂' + String.fromCodePoint(cp('😂', 0) + 1))
    expect(truncateStringMax('😂😂😂', 1)).toBe(String.fromCodePoint(cp('😂', 0) + 1))
    expect(truncateStringMax('a\u{10FFFF}c', 2)).toBe('b')
    expect(truncateStringMax('a\uD7FFb', 2)).toBe('a\uE000')
    expect(truncateStringMin('\u{10000}\u{10000}', 1)).toBe('\u{10000}')
    expect(truncateStringMax('x\uD800yz', 2)).toBe('x\uFFFE') // a lone surrogate is stored as U+FFFD
  })

  it('binary: lower = prefix, upper increments the last byte below 0xFF, none when all are 0xFF', () => {
    const b = (...x: number[]): Uint8Array => Uint8Array.from(x)
    expect(truncateBinaryMin(b(1, 1, 0xff, 2), 2)).toEqual(b(1, 1))
    expect(truncateBinaryMin(b(0xff, 0xff, 0xff, 2), 2)).toEqual(b(0xff, 0xff))
    expect(truncateBinaryMax(b(1, 1, 2), 2)).toEqual(b(1, 2))
    expect(truncateBinaryMax(b(1, 1, 0xff, 2), 3)).toEqual(b(1, 2))
    expect(truncateBinaryMax(b(0xff, 0xff, 0xff, 2), 5)).toEqual(b(0xff, 0xff, 0xff, 2))
    expect(truncateBinaryMax(b(0xff, 0xff, 0xff, 2), 2)).toBeUndefined()
    expect(truncateBinaryMax(b(1, 1, 0), 2)).toEqual(b(1, 2))
  })

  it('every truncated bound is a bound: lower ≤ value ≤ upper, within N code points / bytes', () => {
    fc.assert(
      fc.property(str, fc.integer({ min: 1, max: 8 }), (s, n) => {
        const w = toWellFormed(s)
        const lo = truncateStringMin(s, n)
        const hi = truncateStringMax(s, n)
        expect(compareValues(T.string, lo, w)).toBeLessThanOrEqual(0)
        expect(codePoints(lo).length).toBeLessThanOrEqual(n)
        if (hi !== undefined) {
          expect(compareValues(T.string, hi, w)).toBeGreaterThanOrEqual(0)
          expect(codePoints(hi).length).toBeLessThanOrEqual(n)
        } else expect(codePoints(w).slice(0, n).every((c) => c === 0x10ffff)).toBe(true)
      }),
    )
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 8 }), (b, n) => {
        const hi = truncateBinaryMax(b, n)
        expect(compareValues(T.binary, truncateBinaryMin(b, n), b)).toBeLessThanOrEqual(0)
        if (hi) expect(compareValues(T.binary, hi, b)).toBeGreaterThanOrEqual(0)
        else expect(b.slice(0, n).every((x) => x === 0xff)).toBe(true)
      }),
    )
  })
})
