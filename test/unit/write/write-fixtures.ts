// Shared fixtures for the write-path tests: a schema with every primitive type plus nested struct/list/map,
// edge-value rows, a canonical (JSON-comparable) form of floe values, and small table-metadata builders.
import type { Row } from '../../../src/parquet/codec.js'
import { newTableMetadata } from '../../../src/spec/new-table.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { SortOrder } from '../../../src/spec/sort-order.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { T, field, type IcebergType, type Value } from '../../../src/spec/types.js'
import { bytesToHex } from '../../../src/spec/values.js'

/** Every primitive type floe writes, plus nested structs, lists and maps (ids as assigned by newTableMetadata). */
export const ALL_TYPES: Schema = schema([
  field(1, 'b', T.boolean, { required: true }),
  field(2, 'i', T.int),
  field(3, 'l', T.long, { required: true }),
  field(4, 'f', T.float),
  field(5, 'd', T.double),
  field(6, 'dec9', T.decimal(9, 2)),
  field(7, 'dec18', T.decimal(18, 4)),
  field(8, 'dec38', T.decimal(38, 10)),
  field(9, 'dt', T.date),
  field(10, 'tm', T.time),
  field(11, 'ts', T.timestamp),
  field(12, 'tstz', T.timestamptz),
  field(13, 'tsn', T.timestampNs),
  field(14, 'tstzn', T.timestamptzNs),
  field(15, 's', T.string),
  field(16, 'u', T.uuid),
  field(17, 'fx', T.fixed(3)),
  field(18, 'bin', T.binary),
  field(19, 'st', T.struct([field(20, 'a', T.int, { required: true }), field(21, 'inner', T.struct([field(22, 'x', T.double), field(23, 'y', T.string)]))])),
  field(24, 'tags', T.list(25, T.string)),
  field(26, 'pts', T.list(27, T.struct([field(28, 'k', T.long, { required: true }), field(29, 'v', T.string)]), true)),
  field(30, 'm', T.map(31, T.string, 32, T.list(33, T.int))),
  field(34, 'mi', T.map(35, T.int, 36, T.decimal(10, 3), true)),
  field(37, 'weird name!', T.string),
])

const u = (...b: number[]): Uint8Array => Uint8Array.from(b)
const uuid = (seed: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, k) => (seed * 31 + k * 17) & 0xff)

/** Edge-value rows for {@link ALL_TYPES} (column `l` is a unique row key). */
export function allTypesRows(): Row[] {
  return [
    {
      b: true, i: 2147483647, l: 9223372036854775807n, f: 1.5, d: 5e-324, dec9: 9999999n, dec18: -999999999999999999n,
      dec38: 99999999999999999999999999999999999999n, dt: 2932896, tm: 86399999999n, ts: 253402300799999999n, tstz: 1700000000123456n,
      tsn: 1700000000123456789n, tstzn: 1700000000123456000n, s: 'ascii', u: uuid(1), fx: u(0, 1, 0xff), bin: u(),
      st: { a: 1, inner: { x: -0, y: 'π😀' } }, tags: ['x', null, ''], pts: [{ k: 1n, v: null }, { k: -1n, v: 'v' }],
      m: new Map<Value, Value>([['k', [1, null, 3]], ['empty', []], ['nul', null]]), mi: new Map<Value, Value>([[1, 123n], [-5, -9999999n]]), 'weird name!': 'w',
    },
    {
      b: false, i: -2147483648, l: -9223372036854775808n, f: Number.NaN, d: Number.NaN, dec9: -9999999n, dec18: 0n,
      dec38: -99999999999999999999999999999999999999n, dt: -719162, tm: 0n, ts: -62135596800000000n, tstz: -1n,
      tsn: -1n, tstzn: -1000n, s: '😀\u{10FFFF}', u: uuid(2), fx: u(0xff, 0xff, 0xff), bin: u(0, 0xff),
      st: { a: -1, inner: null }, tags: [], pts: [], m: new Map(), mi: new Map(), 'weird name!': null,
    },
    {
      b: true, i: null, l: 0n, f: -0, d: -0, dec9: null, dec18: null, dec38: null, dt: -1, tm: null, ts: null, tstz: null,
      tsn: null, tstzn: null, s: '', u: null, fx: null, bin: null, st: null, tags: null, pts: null, m: null, mi: null, 'weird name!': null,
    },
    {
      b: false, i: 0, l: 42n, f: Math.fround(3.4e38), d: Number.POSITIVE_INFINITY, dec9: 1n, dec18: 1n, dec38: 1n, dt: 0, tm: 1n, ts: 0n, tstz: 0n,
      tsn: 0n, tstzn: 0n, s: '\uE000', u: uuid(3), fx: u(0, 0, 0), bin: u(1, 2, 3),
      st: { a: 0, inner: { x: Number.NaN, y: null } }, tags: ['a'], pts: [{ k: 0n, v: '' }], m: new Map<Value, Value>([['z', []]]), mi: new Map<Value, Value>([[0, 0n]]), 'weird name!': '',
    },
  ]
}

/** A JSON-comparable form of a floe value (bigint `n…`, bytes `x…`, floats keep NaN/−0/∞ distinct, maps as entry lists). */
export function canon(t: IcebergType, v: Value | undefined): unknown {
  if (v === null || v === undefined) return null
  switch (t.kind) {
    case 'struct': {
      const o = v as Readonly<Record<string, Value>>
      return Object.fromEntries(t.fields.map((f) => [f.name, canon(f.type, o[f.name])]))
    }
    case 'list':
      return (v as readonly Value[]).map((x) => canon(t.element, x))
    case 'map':
      return [...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => [canon(t.key, k), canon(t.value, x)])
    case 'float':
    case 'double': {
      const x = t.kind === 'float' ? Math.fround(v as number) : (v as number)
      return Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : Number.isFinite(x) ? x : String(x)
    }
    default:
      if (typeof v === 'bigint') return `n${v}`
      if (v instanceof Uint8Array) return `x${bytesToHex(v)}`
      return v
  }
}

/** Canonical form of whole rows of a schema. */
export function canonRows(s: Schema, rows: readonly Row[]): unknown[] {
  return rows.map((r) => Object.fromEntries(s.fields.map((f) => [f.name, canon(f.type, r[f.name])])))
}

/** Table metadata for tests (newTableMetadata re-assigns ids: use `currentSchema` of the result). */
export function tableOf(
  s: Schema,
  opts: { spec?: PartitionSpec; properties?: Record<string, string>; formatVersion?: FormatVersion; sortOrder?: SortOrder; location?: string } = {},
): TableMetadata {
  return newTableMetadata(
    {
      schema: s,
      location: opts.location ?? 's3://bucket/db/tbl',
      ...(opts.spec ? { spec: opts.spec } : {}),
      ...(opts.sortOrder ? { sortOrder: opts.sortOrder } : {}),
      ...(opts.properties ? { properties: opts.properties } : {}),
      ...(opts.formatVersion ? { formatVersion: opts.formatVersion } : {}),
    },
    '00000000-0000-4000-8000-000000000000',
    1_700_000_000_000n,
  )
}
