// Shared fixtures of the Arrow tests: a schema with every type, rows that exercise the edges, an exact
// comparator (−0 ≠ 0, NaN = NaN, bytes by content), and a walk over every Arrow field.
import type { DataType, Field } from 'apache-arrow'
import type { Row } from '../../../src/parquet/codec.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type Value } from '../../../src/spec/types.js'

/** Every primitive type plus nested struct/list/map, required and optional. */
export const ALL_TYPES = schema([
  field(1, 'id', T.long, { required: true, doc: 'row id' }),
  field(2, 'b', T.boolean),
  field(3, 'i', T.int),
  field(4, 'l', T.long),
  field(5, 'f', T.float),
  field(6, 'd', T.double),
  field(7, 'dec38', T.decimal(38, 10)),
  field(8, 'dec9', T.decimal(9, 2)),
  field(9, 'date', T.date),
  field(10, 'time', T.time),
  field(11, 'ts', T.timestamp),
  field(12, 'tstz', T.timestamptz),
  field(13, 'ts_ns', T.timestampNs),
  field(14, 'tstz_ns', T.timestamptzNs),
  field(15, 's', T.string),
  field(16, 'u', T.uuid),
  field(17, 'fx', T.fixed(3)),
  field(18, 'bin', T.binary),
  field(
    19,
    'st',
    T.struct([
      field(20, 'a', T.int, { required: true }),
      field(21, 'inner', T.struct([field(22, 'x', T.long), field(23, 'y', T.string, { required: true })])),
    ]),
  ),
  field(24, 'li', T.list(25, T.long)),
  field(26, 'lst', T.list(27, T.struct([field(28, 'k', T.string), field(29, 'v', T.decimal(20, 3))]), true)),
  field(30, 'm', T.map(31, T.string, 32, T.timestamp)),
  field(33, 'mm', T.map(34, T.int, 35, T.list(36, T.uuid)), { required: true }),
  field(37, 'll', T.list(38, T.list(39, T.int, true))),
])

const u = (n: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (n * 17 + i * 31) & 0xff)
const D38 = 10n ** 38n - 1n

/** Rows of ALL_TYPES: int64 beyond 2^53, µs/ns timestamps, precision-38 and negative decimals, nulls at every level. */
export const ALL_ROWS: Row[] = [
  {
    id: 2n ** 62n + 3n,
    b: true,
    i: -2147483648,
    l: 9007199254740993n,
    f: 3.140000104904175,
    d: -0,
    dec38: D38,
    dec9: -12345n,
    date: -719162,
    time: 86_399_999_999n,
    ts: 1_700_000_000_123_456n,
    tstz: -1n,
    ts_ns: 1_700_000_000_123_456_789n,
    tstz_ns: -(2n ** 63n),
    s: 'héllo 😀 wörld',
    u: u(1),
    fx: Uint8Array.of(0, 255, 7),
    bin: Uint8Array.of(),
    st: { a: 1, inner: { x: -(2n ** 63n), y: '' } },
    li: [1n, null, 2n ** 63n - 1n],
    lst: [{ k: 'a', v: -1n }, { k: null, v: null }],
    m: new Map<Value, Value>([['x', 1n], ['y', null]]),
    mm: new Map<Value, Value>([[1, [u(2), null]], [2, null], [3, []]]),
    ll: [[1, 2], [], null, [3]],
  },
  {
    id: -(2n ** 63n),
    b: false,
    i: 2147483647,
    l: -9007199254740993n,
    f: Number.NaN,
    d: Number.NEGATIVE_INFINITY,
    dec38: -D38,
    dec9: -1n,
    date: 2932896,
    time: 0n,
    ts: -62_135_596_800_000_001n,
    tstz: 253_402_300_799_999_999n,
    ts_ns: -1n,
    tstz_ns: 2n ** 63n - 1n,
    s: '',
    u: u(3),
    fx: Uint8Array.of(1, 2, 3),
    bin: Uint8Array.of(0, 0, 0, 255),
    st: { a: -5, inner: null },
    li: [],
    lst: [],
    m: new Map<Value, Value>(),
    mm: new Map<Value, Value>(),
    ll: [],
  },
  {
    id: 0n,
    b: null,
    i: null,
    l: null,
    f: null,
    d: null,
    dec38: null,
    dec9: null,
    date: null,
    time: null,
    ts: null,
    tstz: null,
    ts_ns: null,
    tstz_ns: null,
    s: null,
    u: null,
    fx: null,
    bin: null,
    st: null,
    li: null,
    lst: null,
    m: null,
    mm: new Map<Value, Value>([[7, [null]]]),
    ll: null,
  },
]

/** Exact equality of values: numbers by Object.is, bigints, bytes by content, lists/maps in order, structs by key. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null)
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b)
  if (typeof a !== 'object' || typeof b !== 'object') return a === b
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i])
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false
    const ea = [...a.entries()]
    const eb = [...b.entries()]
    return ea.every(([k, v], i) => sameValue(k, eb[i]![0]) && sameValue(v, eb[i]![1]))
  }
  const ka = Object.keys(a as object).sort()
  const kb = Object.keys(b as object).sort()
  return sameValue(ka, kb) && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** Index of the first row that differs (columns of `expected` only; missing keys count as null), or -1. */
export function firstDifference(actual: readonly Row[], expected: readonly Row[]): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length)
  return expected.findIndex((e, i) => Object.keys(e).some((k) => !sameValue(actual[i]![k], e[k])) || Object.keys(actual[i]!).length !== Object.keys(e).length)
}

/** Every Arrow field below `fields` (depth first) with its dotted path. */
export function walkFields(fields: readonly Field[], parent = ''): { path: string; field: Field }[] {
  const out: { path: string; field: Field }[] = []
  for (const f of fields) {
    const path = parent ? `${parent}.${f.name}` : f.name
    out.push({ path, field: f })
    const t: DataType = f.type
    out.push(...walkFields((t.children ?? []) as Field[], path))
  }
  return out
}
