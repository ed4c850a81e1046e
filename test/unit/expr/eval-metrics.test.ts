import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import type { BoundExpression } from '../../../src/expr/expression.js'
import { inclusiveMetricsEvaluator, strictMetricsEvaluator } from '../../../src/expr/eval-metrics.js'
import { parseFilter } from '../../../src/expr/parse.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import { toBinary } from '../../../src/spec/single-value.js'
import { field, T, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { uuidToBytes } from '../../../src/spec/values.js'

const S = schema([
  field(1, 'id', T.int, { required: true }),
  field(2, 'no_stats', T.int),
  field(3, 'required', T.string, { required: true }),
  field(4, 'all_nulls', T.string),
  field(5, 'some_nulls', T.string),
  field(6, 'no_nulls', T.string),
  field(7, 'all_nans', T.double),
  field(8, 'some_nans', T.float),
  field(9, 'no_nans', T.float),
  field(10, 'nan_bounds', T.float),
  field(11, 'promoted', T.long),
  field(12, 'st', T.struct([field(13, 'inner', T.int)])),
  field(14, 'tags', T.list(15, T.int)),
  field(16, 'u', T.uuid),
  field(17, 'd', T.double),
])

type Bounds = Record<number, [PrimitiveType, Value]>
const enc = (b: Bounds): Map<number, Uint8Array> => new Map(Object.entries(b).map(([id, [t, v]]) => [Number(id), toBinary(t, v)]))
const counts = (o: Record<number, number>): Map<number, bigint> => new Map(Object.entries(o).map(([k, v]) => [Number(k), BigInt(v)]))

function dataFile(opts: {
  records?: number
  values?: Record<number, number>
  nulls?: Record<number, number>
  nans?: Record<number, number>
  lower?: Bounds
  upper?: Bounds
}): DataFile {
  const f: { -readonly [K in keyof DataFile]: DataFile[K] } = {
    content: 'data',
    filePath: 'f.parquet',
    fileFormat: 'PARQUET',
    specId: 0,
    partition: [],
    recordCount: BigInt(opts.records ?? 50),
    fileSizeInBytes: 10n,
  }
  if (opts.values) f.valueCounts = counts(opts.values)
  if (opts.nulls) f.nullValueCounts = counts(opts.nulls)
  if (opts.nans) f.nanValueCounts = counts(opts.nans)
  if (opts.lower) f.lowerBounds = enc(opts.lower)
  if (opts.upper) f.upperBounds = enc(opts.upper)
  return f
}

const FILE = dataFile({
  values: { 4: 50, 5: 50, 6: 50, 7: 50, 8: 50, 9: 50, 10: 50, 11: 50, 13: 50, 15: 80, 16: 50, 17: 50 },
  nulls: { 4: 50, 5: 10, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0, 13: 0, 15: 0, 16: 0, 17: 0 },
  nans: { 7: 50, 8: 10, 9: 0, 17: 0 },
  lower: {
    1: [T.int, 30],
    3: [T.string, 'aa'],
    6: [T.string, 'abc'],
    10: [T.float, NaN],
    // bounds of an int column later promoted to long: 4 bytes
    11: [T.int, 5],
    13: [T.int, 1],
    15: [T.int, 100],
    16: [T.uuid, uuidToBytes('ff000000-0000-0000-0000-000000000000')],
    17: [T.double, -0],
  },
  upper: {
    1: [T.int, 79],
    3: [T.string, 'dC'],
    6: [T.string, 'abd'],
    10: [T.float, NaN],
    11: [T.int, 9],
    13: [T.int, 1],
    15: [T.int, 200],
    16: [T.uuid, uuidToBytes('00000000-0000-0000-0000-000000000001')],
    17: [T.double, 0],
  },
})

const b = (filter: string): BoundExpression => bind(S, parseFilter(filter))
const might = (filter: string, file: DataFile = FILE): boolean => inclusiveMetricsEvaluator(S, b(filter))(file)
const must = (filter: string, file: DataFile = FILE): boolean => strictMetricsEvaluator(S, b(filter))(file)

describe('inclusive metrics evaluator', () => {
  it('treats record counts and missing stats as Java does', () => {
    expect(might('id < 0', dataFile({ records: 0 }))).toBe(false)
    expect(might('id < 0', dataFile({ records: -1, lower: { 1: [T.int, 30] } }))).toBe(true)
    expect(might('no_stats < 5')).toBe(true)
    expect(might('no_stats is null')).toBe(true)
    expect(might('id < 5', dataFile({}))).toBe(true)
  })

  it('prunes on bounds', () => {
    expect(might('id < 30')).toBe(false)
    expect(might('id <= 30')).toBe(true)
    expect(might('id > 79')).toBe(false)
    expect(might('id >= 79')).toBe(true)
    expect(might('id = 29')).toBe(false)
    expect(might('id = 55')).toBe(true)
    expect(might('not id > 29')).toBe(false)
    expect(might('id in (1, 2, 80)')).toBe(false)
    expect(might('id in (1, 30)')).toBe(true)
    expect(might(`id in (${Array.from({ length: 201 }, (_, i) => i + 100).join(', ')})`)).toBe(true)
  })

  it('uses null counts: all nulls cannot match comparisons, no nulls cannot match isNull', () => {
    expect(might('all_nulls is not null')).toBe(false)
    expect(might("all_nulls < 'a'")).toBe(false)
    expect(might("all_nulls like 'a%'")).toBe(false)
    expect(might("all_nulls != 'a'")).toBe(true)
    expect(might("all_nulls not like 'a%'")).toBe(true)
    expect(might('some_nulls is null')).toBe(true)
    expect(might('no_nulls is null')).toBe(false)
    expect(might('no_nulls is not null')).toBe(true)
  })

  it('uses NaN counts and distrusts NaN bounds', () => {
    expect(might('all_nans is nan')).toBe(true)
    expect(might('all_nans is not nan')).toBe(false)
    expect(might('all_nans < 1')).toBe(false)
    expect(might('all_nans = 1')).toBe(false)
    expect(might('some_nans is nan')).toBe(true)
    expect(might('no_nans is nan')).toBe(false)
    expect(might('all_nulls is null')).toBe(true)
    expect(might('nan_bounds < 1')).toBe(true)
    expect(might('nan_bounds > 1')).toBe(true)
    expect(might('nan_bounds = 1')).toBe(true)
  })

  it('prunes startsWith on truncated string bounds and notStartsWith when every value has the prefix', () => {
    expect(might("required like 'a%'")).toBe(true)
    expect(might("required like 'aa%'")).toBe(true)
    expect(might("required like 'dC%'")).toBe(true)
    expect(might("required like 'dD%'")).toBe(false)
    expect(might("required like '0%'")).toBe(false)
    expect(might("no_nulls not like 'ab%'")).toBe(false)
    expect(might("no_nulls not like 'abc%'")).toBe(true)
    expect(might("some_nulls not like 'ab%'")).toBe(true)
  })

  it('prunes notEq / notIn only for a single-valued column without nulls or NaN', () => {
    expect(might('st.inner != 1')).toBe(false)
    expect(might('st.inner not in (0, 1)')).toBe(false)
    expect(might('st.inner != 2')).toBe(true)
    expect(might('id != 30')).toBe(true)
    // -0 and +0 are different values, so this column is not single-valued
    expect(might('d != 0.0')).toBe(true)
  })

  it('decodes bounds written under an older type, and ignores fields inside lists', () => {
    expect(might('promoted > 9')).toBe(false)
    expect(might('promoted = 7')).toBe(true)
    const tagsOnly = b('id > 0')
    expect(inclusiveMetricsEvaluator(S, tagsOnly)(FILE)).toBe(true)
    // a hand-built predicate on the list element: its bounds (100..200) must not be used
    const onElement: BoundExpression = { kind: 'literal', op: 'lt', term: { fieldId: 15, name: 'tags.element', type: T.int }, value: 5 }
    expect(inclusiveMetricsEvaluator(S, onElement)(FILE)).toBe(true)
  })

  it('uses uuid bounds for equality under both orders only', () => {
    expect(might(`u = 'ff000000-0000-0000-0000-000000000000'`)).toBe(true)
    expect(might(`u = '80000000-0000-0000-0000-000000000000'`)).toBe(false)
    expect(might(`u > '00000000-0000-0000-0000-000000000001'`)).toBe(true)
  })

  it('may match when a bound cannot be decoded, and compares string bounds as UTF-8 bytes without decoding', () => {
    const bad = dataFile({ values: { 1: 5 }, nulls: { 1: 0 }, lower: { 1: [T.binary, Uint8Array.of(1, 2, 3)] }, upper: { 1: [T.int, 9] } })
    expect(might('id > 100', bad)).toBe(false)
    expect(might('id < 0', bad)).toBe(true)
    // a lower bound cut inside a multi-byte character is still a valid byte-order lower bound
    const cut = dataFile({ values: { 3: 5 }, nulls: { 3: 0 }, lower: { 3: [T.binary, Uint8Array.of(0xc3)] }, upper: { 3: [T.string, 'éz'] } })
    expect(might("required < 'a'", cut)).toBe(false)
    expect(might("required = 'é'", cut)).toBe(true)
  })
})

describe('strict metrics evaluator', () => {
  it('decides an empty file but never one whose record count is unknown (-1)', () => {
    expect(must('id = 999', dataFile({ records: 0 }))).toBe(true)
    // bounds [30, 79] would otherwise say nothing: the rows of a -1 file are unknown, so none must match
    expect(must('id = 999', dataFile({ records: -1, lower: { 1: [T.int, 30] }, upper: { 1: [T.int, 79] } }))).toBe(false)
    expect(must('id < 80', dataFile({ records: -1, lower: { 1: [T.int, 30] }, upper: { 1: [T.int, 79] } }))).toBe(false)
  })

  it('decides ranges from bounds when the column has no nulls', () => {
    expect(must('id < 80')).toBe(true)
    expect(must('id < 79')).toBe(false)
    expect(must('id <= 79')).toBe(true)
    expect(must('id > 29')).toBe(true)
    expect(must('id >= 30')).toBe(true)
    expect(must('id > 30')).toBe(false)
    expect(must('id != 80')).toBe(true)
    expect(must('id != 50')).toBe(false)
    expect(must('id not in (1, 80)')).toBe(true)
    expect(must('id not in (1, 50)')).toBe(false)
    expect(must('not id >= 80')).toBe(true)
    expect(must('id = 1', dataFile({ records: 0 }))).toBe(true)
  })

  it('requires known zero null (and NaN) counts for comparisons, except on never-null columns', () => {
    // FILE has no null count for the required id column
    expect(must('id < 80')).toBe(true)
    const noNullCounts = dataFile({ values: { 13: 5 }, lower: { 13: [T.int, 1] }, upper: { 13: [T.int, 1] } })
    expect(must('st.inner = 1', noNullCounts)).toBe(false)
    expect(must('some_nulls is not null')).toBe(false)
    expect(must('all_nulls is null')).toBe(true)
    expect(must("all_nulls != 'a'")).toBe(true)
    expect(must("all_nulls not like 'a%'")).toBe(true)
    expect(must('no_nans < 5', dataFile({ values: { 9: 5 }, nulls: { 9: 0 }, upper: { 9: [T.float, 1] } }))).toBe(false)
    expect(must('no_nans < 5', dataFile({ values: { 9: 5 }, nulls: { 9: 0 }, nans: { 9: 0 }, upper: { 9: [T.float, 1] } }))).toBe(true)
  })

  it('handles NaN columns', () => {
    expect(must('all_nans is nan')).toBe(true)
    expect(must('all_nans != 1')).toBe(true)
    expect(must('some_nans is nan')).toBe(false)
    expect(must('no_nans is not nan')).toBe(true)
    expect(must('some_nans < 100')).toBe(false)
    expect(must('nan_bounds > -100', dataFile({ values: { 10: 5 }, nulls: { 10: 0 }, nans: { 10: 0 }, lower: { 10: [T.float, NaN] } }))).toBe(false)
  })

  it('decides equality and IN only when lower = upper', () => {
    expect(must('st.inner = 1')).toBe(false) // not a top-level column
    const single = dataFile({ values: { 1: 5 }, nulls: { 1: 0 }, lower: { 1: [T.int, 7] }, upper: { 1: [T.int, 7] } })
    expect(must('id = 7', single)).toBe(true)
    expect(must('id in (6, 7)', single)).toBe(true)
    expect(must('id in (6, 8)', single)).toBe(false)
    expect(must('id = 7')).toBe(false)
  })

  it('decides startsWith when both bounds share the prefix', () => {
    const f = dataFile({ values: { 3: 5 }, nulls: { 3: 0 }, lower: { 3: [T.string, 'abc'] }, upper: { 3: [T.string, 'abd'] } })
    expect(must("required like 'ab%'", f)).toBe(true)
    expect(must("required like 'abc%'", f)).toBe(false)
    expect(must("required not like 'b%'", f)).toBe(true)
    expect(must("required not like 'ab%'", f)).toBe(false)
    expect(must("required not like 'aa%'", f)).toBe(true)
  })

  it('never decides uuid ranges, and equality-style uuid predicates only under both orders', () => {
    expect(must(`u < 'ff000000-0000-0000-0000-000000000001'`)).toBe(false)
    // unsigned, the (inverted) bounds exclude 0; in Java's signed order 0 lies between them
    expect(must(`u != '00000000-0000-0000-0000-000000000000'`)).toBe(false)
    expect(must(`u != '80000000-0000-0000-0000-000000000000'`)).toBe(true)
  })
})
