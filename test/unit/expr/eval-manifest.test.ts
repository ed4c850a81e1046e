import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import { manifestEvaluator } from '../../../src/expr/eval-manifest.js'
import { parseFilter } from '../../../src/expr/parse.js'
import type { FieldSummary, ManifestFile } from '../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { toBinary } from '../../../src/spec/single-value.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { uuidToBytes } from '../../../src/spec/values.js'

const S = schema([
  field(1, 'id', T.int),
  field(2, 'all_nulls', T.string),
  field(3, 'some_nulls', T.string),
  field(4, 'no_nulls', T.string),
  field(5, 'all_nan', T.float),
  field(6, 'nan_and_null', T.double),
  field(7, 'no_nan_info', T.double),
  field(8, 'ts', T.timestamp),
  field(9, 'u', T.uuid),
  field(10, 'long_col', T.long),
])

const identity = (sourceId: number, i: number): PartitionSpec['fields'][number] => ({ sourceId, fieldId: 1000 + i, name: `p${i}`, transform: Transforms.identity })
const SPEC: PartitionSpec = {
  specId: 1,
  fields: [
    identity(1, 0),
    identity(2, 1),
    identity(3, 2),
    identity(4, 3),
    identity(5, 4),
    identity(6, 5),
    identity(7, 6),
    { sourceId: 8, fieldId: 1007, name: 'ts_day', transform: Transforms.day },
    identity(9, 8),
    identity(10, 9),
  ],
}

const summary = (type: PrimitiveType, containsNull: boolean, lo?: Value, hi?: Value, containsNan?: boolean): FieldSummary => {
  const s: { -readonly [K in keyof FieldSummary]: FieldSummary[K] } = { containsNull }
  if (containsNan !== undefined) s.containsNan = containsNan
  if (lo !== undefined && lo !== null) s.lowerBound = toBinary(type, lo)
  if (hi !== undefined && hi !== null) s.upperBound = toBinary(type, hi)
  return s
}

const U_LOW = uuidToBytes('00000000-0000-0000-0000-000000000001')
const U_HIGH = uuidToBytes('ff000000-0000-0000-0000-000000000001')

const PARTITIONS: FieldSummary[] = [
  summary(T.int, false, 30, 79, false),
  summary(T.string, true),
  summary(T.string, true, 'a', 'z'),
  summary(T.string, false, 'abc', 'abd'),
  summary(T.float, false, undefined, undefined, true),
  summary(T.double, true, undefined, undefined, true),
  summary(T.double, true),
  summary(T.date, false, 17486, 17490, false),
  // Java wrote uuid summaries in signed order: 0xff… (negative) first
  summary(T.uuid, false, U_HIGH, U_LOW, false),
  // written as int before the column was promoted to long
  { containsNull: false, lowerBound: toBinary(T.int, 5), upperBound: toBinary(T.int, 9) },
]

const manifest = (partitions?: FieldSummary[]): ManifestFile => {
  const m: { -readonly [K in keyof ManifestFile]: ManifestFile[K] } = {
    manifestPath: 'm.avro',
    manifestLength: 1n,
    partitionSpecId: 1,
    content: 'data',
    sequenceNumber: 1n,
    minSequenceNumber: 1n,
    addedSnapshotId: 1n,
  }
  if (partitions) m.partitions = partitions
  return m
}

const mightMatch = (filter: string, partitions: FieldSummary[] | null = PARTITIONS): boolean =>
  manifestEvaluator(SPEC, bind(S, parseFilter(filter)))(manifest(partitions ?? undefined))

describe('manifest evaluator', () => {
  it('may match when summaries are missing, short or undecodable', () => {
    expect(mightMatch('id < 5', null)).toBe(true)
    expect(mightMatch("no_nulls = 'x'", PARTITIONS.slice(0, 2))).toBe(true)
    const bad = [...PARTITIONS]
    bad[0] = { containsNull: false, lowerBound: Uint8Array.of(1, 2, 3), upperBound: Uint8Array.of(1, 2, 3) }
    expect(mightMatch('id < 5', bad)).toBe(true)
  })

  it('prunes ranges outside the bounds', () => {
    expect(mightMatch('id < 30')).toBe(false)
    expect(mightMatch('id < 31')).toBe(true)
    expect(mightMatch('id <= 29')).toBe(false)
    expect(mightMatch('id > 79')).toBe(false)
    expect(mightMatch('id >= 79')).toBe(true)
    expect(mightMatch('id = 80')).toBe(false)
    expect(mightMatch('id = 50')).toBe(true)
    expect(mightMatch('not id >= 30')).toBe(false)
    expect(mightMatch('id < 30 or id > 79')).toBe(false)
    expect(mightMatch('id < 30 or id = 40')).toBe(true)
  })

  it('uses contains_null and missing bounds (all null) as Java does', () => {
    expect(mightMatch('id is null')).toBe(false)
    expect(mightMatch('all_nulls is null')).toBe(true)
    expect(mightMatch('all_nulls is not null')).toBe(false)
    expect(mightMatch("all_nulls < 'a'")).toBe(false)
    expect(mightMatch("all_nulls = 'a'")).toBe(false)
    expect(mightMatch("all_nulls in ('a', 'b')")).toBe(false)
    expect(mightMatch("all_nulls like 'a%'")).toBe(false)
    expect(mightMatch("all_nulls not like 'a%'")).toBe(true)
    expect(mightMatch("all_nulls != 'a'")).toBe(true)
    expect(mightMatch('some_nulls is not null')).toBe(true)
  })

  it('handles NaN summaries for float partitions', () => {
    expect(mightMatch('all_nan is not null')).toBe(true)
    expect(mightMatch('all_nan is nan')).toBe(true)
    expect(mightMatch('all_nan is not nan')).toBe(false)
    expect(mightMatch('all_nan < 1')).toBe(false)
    expect(mightMatch('nan_and_null is not nan')).toBe(true)
    // contains_nan unknown: a null lower bound may hide NaN values
    expect(mightMatch('no_nan_info is not null')).toBe(true)
    expect(mightMatch('no_nan_info is nan')).toBe(true)
  })

  it('limits IN to 200 values and prunes sets outside the bounds', () => {
    expect(mightMatch('id in (1, 2, 80)')).toBe(false)
    expect(mightMatch('id in (1, 2, 79)')).toBe(true)
    const many = Array.from({ length: 201 }, (_, i) => i + 100).join(', ')
    expect(mightMatch(`id in (${many})`)).toBe(true)
    expect(mightMatch(`all_nulls in (${Array.from({ length: 201 }, (_, i) => `'${i}'`).join(', ')})`)).toBe(false)
  })

  it('prunes notEq / notIn only when the field holds a single value', () => {
    const single = [...PARTITIONS]
    single[0] = summary(T.int, false, 42, 42, false)
    expect(mightMatch('id != 42', single)).toBe(false)
    expect(mightMatch('id not in (41, 42)', single)).toBe(false)
    expect(mightMatch('id != 43', single)).toBe(true)
    single[0] = summary(T.int, true, 42, 42, false)
    expect(mightMatch('id != 42', single)).toBe(true)
    expect(mightMatch('id != 42')).toBe(true)
  })

  it('compares string prefixes on the bound bytes', () => {
    expect(mightMatch("no_nulls like 'ab%'")).toBe(true)
    expect(mightMatch("no_nulls like 'abc%'")).toBe(true)
    expect(mightMatch("no_nulls like 'abe%'")).toBe(false)
    expect(mightMatch("no_nulls like 'aa%'")).toBe(false)
    expect(mightMatch("no_nulls not like 'ab%'")).toBe(false)
    expect(mightMatch("no_nulls not like 'abc%'")).toBe(true)
    expect(mightMatch("some_nulls not like 'a%'")).toBe(true)
  })

  it('projects through transforms (day of a timestamp)', () => {
    expect(mightMatch("ts >= '2017-11-21T00:00:00'")).toBe(false)
    expect(mightMatch("ts > '2017-11-20T23:59:59.999999'")).toBe(false)
    expect(mightMatch("ts >= '2017-11-20T23:00:00'")).toBe(true)
    expect(mightMatch("ts < '2017-11-16T00:00:00'")).toBe(false)
  })

  it('judges uuid summaries under both unsigned and signed order', () => {
    expect(mightMatch(`u = '00000000-0000-0000-0000-000000000001'`)).toBe(true)
    expect(mightMatch(`u = 'ff000000-0000-0000-0000-000000000001'`)).toBe(true)
    // between the two in signed order only: 0x80… is the smallest signed value
    expect(mightMatch(`u = '80000000-0000-0000-0000-000000000000'`)).toBe(false)
    // range predicates on uuid are not pruned
    expect(mightMatch(`u < '00000000-0000-0000-0000-000000000000'`)).toBe(true)
  })

  it('decodes bounds written under an older type', () => {
    expect(mightMatch('long_col > 9')).toBe(false)
    expect(mightMatch('long_col = 7')).toBe(true)
    expect(mightMatch('long_col in (1, 2)')).toBe(false)
  })
})
