// Shared by the DuckDB differential property tests (duckdb-written: DuckDB writes, floe reads;
// duckdb-reads-floe: floe writes, DuckDB reads): the generated shape of a column, value arbitraries within
// the ranges DuckDB can represent, exact DuckDB SQL text for types and values, and a tagged canonical form
// for comparing rows with the model.
import fc from 'fast-check'
import type { Row } from '../../src/parquet/codec.js'
import type { PrimitiveType, Value } from '../../src/spec/types.js'

// ---------------------------------------------------------------------------------------------------------
// The generated shape: file types (what the Parquet file stores) beside table types (what the table declares).

/** A primitive column: the Parquet file stores `file`, the table declares `table` (equal, or an allowed read promotion). */
export interface GPrim {
  readonly k: 'prim'
  readonly file: PrimitiveType
  readonly table: PrimitiveType
}
export interface GField {
  readonly required: boolean
  readonly g: G
}
export type G = GPrim | { readonly k: 'struct'; readonly fields: readonly GField[] } | { readonly k: 'list'; readonly elementRequired: boolean; readonly element: G } | { readonly k: 'map'; readonly key: GPrim; readonly valueRequired: boolean; readonly value: G }

// ---------------------------------------------------------------------------------------------------------
// Value ranges DuckDB can represent.

export const INT64_MIN = -(2n ** 63n)
export const INT64_MAX = 2n ** 63n - 1n
// DuckDB TIMESTAMP range (290309-12-22 BC .. 294247-01-10): beyond it make_timestamp and the TIMESTAMPTZ cast refuse.
export const TS_LIMIT = 9_223_372_022_400_000_000n
// DuckDB DATE: ±2147483647 are its ±infinity, and DATE + INTEGER refuses the largest value.
export const DATE_LIMIT = 2_147_483_646
// DuckDB TIMESTAMP_NS: make_timestamp_ns refuses values near INT64_MIN (it goes through microseconds).
export const TS_NS_MIN = -9_223_372_036_854_000_000n
export const DAY_US = 86_400_000_000n

// ---------------------------------------------------------------------------------------------------------
// Values (floe's in-memory form of each primitive type).

// any code point but NUL (no lone surrogates: DuckDB strings are valid UTF-8)
export const stringArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }).map((x) => x.replace(/\0/g, '')),
  fc.constantFrom('', 'a', "it's", 'π😀', '\u{10FFFF}é', 'ünïcode', 'z'.repeat(40), '\\x41', 'NULL'),
)

export function primValueArb(t: PrimitiveType): fc.Arbitrary<Value> {
  switch (t.kind) {
    case 'boolean':
      return fc.boolean()
    case 'int':
      return fc.integer({ min: -2147483648, max: 2147483647 })
    case 'long':
      return fc.bigInt({ min: INT64_MIN, max: INT64_MAX })
    case 'float':
      return fc.oneof(fc.float(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4028234663852886e38, 1.401298464324817e-45))
    case 'double':
      return fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, Number.MIN_VALUE, 0.1))
    case 'decimal': {
      const limit = 10n ** BigInt(t.precision) - 1n
      return fc.oneof(fc.bigInt({ min: -limit, max: limit }), fc.constantFrom(limit, -limit, 0n, 1n, -1n))
    }
    case 'date':
      return fc.oneof(fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }), fc.integer({ min: -800_000, max: 3_000_000 }), fc.constantFrom(0, -1, -719162, 2932896))
    case 'time':
      return fc.oneof(fc.bigInt({ min: 0n, max: DAY_US - 1n }), fc.constantFrom(0n, 1n, DAY_US - 1n))
    case 'timestamp':
    case 'timestamptz':
      return fc.oneof(fc.bigInt({ min: -TS_LIMIT, max: TS_LIMIT }), fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), fc.constantFrom(0n, -1n, 1n, TS_LIMIT, -TS_LIMIT))
    case 'timestamp_ns':
      return fc.oneof(fc.bigInt({ min: TS_NS_MIN, max: INT64_MAX - 1n }), fc.constantFrom(0n, -1n, 1n, TS_NS_MIN, INT64_MAX - 1n))
    case 'string':
      return stringArb
    case 'uuid':
      return fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom(new Uint8Array(16), new Uint8Array(16).fill(0xff), Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x80 : 0))))
    case 'binary':
      return fc.uint8Array({ maxLength: 12 })
    case 'fixed':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length })
    default:
      throw new Error(`no DuckDB values for ${t.kind}`)
  }
}

// ---------------------------------------------------------------------------------------------------------
// DuckDB SQL for types and values (exact text; no float or date arithmetic on the way).

export const q = (s: string): string => `'${s.replace(/'/g, "''")}'`
export const qi = (s: string): string => `"${s.replace(/"/g, '""')}"`
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export function duckPrimType(t: PrimitiveType): string {
  switch (t.kind) {
    case 'boolean':
      return 'BOOLEAN'
    case 'int':
      return 'INTEGER'
    case 'long':
      return 'BIGINT'
    case 'float':
      return 'FLOAT'
    case 'double':
      return 'DOUBLE'
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`
    case 'date':
      return 'DATE'
    case 'time':
      return 'TIME'
    case 'timestamp':
      return 'TIMESTAMP'
    case 'timestamptz':
      return 'TIMESTAMPTZ'
    case 'timestamp_ns':
      return 'TIMESTAMP_NS'
    case 'string':
      return 'VARCHAR'
    case 'uuid':
      return 'UUID'
    case 'binary':
    case 'fixed':
      return 'BLOB'
    default:
      throw new Error(`no DuckDB type for ${t.kind}`)
  }
}

/** Plain decimal text of an unscaled value (independent of floe's helpers). */
export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const body = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  return neg ? `-${body}` : body
}

export function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Number.POSITIVE_INFINITY) return 'Infinity'
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (Object.is(x, -0)) return '-0.0'
  return String(x) // shortest round-trip text: parses back to exactly x
}

export function timeText(us: bigint): string {
  const p = (n: bigint, w: number): string => n.toString().padStart(w, '0')
  return `${p(us / 3_600_000_000n, 2)}:${p((us / 60_000_000n) % 60n, 2)}:${p((us / 1_000_000n) % 60n, 2)}.${p(us % 1_000_000n, 6)}`
}

export function uuidText(b: Uint8Array): string {
  const h = hex(b)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export function duckPrimLiteral(t: PrimitiveType, v: Value): string {
  switch (t.kind) {
    case 'boolean':
      return v ? 'true' : 'false'
    case 'int':
      return `CAST(${q(String(v))} AS INTEGER)`
    case 'long':
      return `CAST(${q(String(v))} AS BIGINT)`
    case 'float':
      // the double text is exact; the float value converts to FLOAT exactly
      return `CAST(CAST(${q(floatText(v as number))} AS DOUBLE) AS FLOAT)`
    case 'double':
      return `CAST(${q(floatText(v as number))} AS DOUBLE)`
    case 'decimal':
      return `CAST(${q(decimalText(v as bigint, t.scale))} AS DECIMAL(${t.precision},${t.scale}))`
    case 'date':
      return `CAST(DATE '1970-01-01' + CAST(${v as number} AS INTEGER) AS DATE)`
    case 'time':
      return `CAST(${q(timeText(v as bigint))} AS TIME)`
    case 'timestamp':
      return `make_timestamp(CAST(${q(String(v))} AS BIGINT))`
    case 'timestamptz':
      // make_timestamptz(µs) is exact; a TIMESTAMP → TIMESTAMPTZ cast goes through ICU's double milliseconds and
      // rounds values beyond 2^53 ms (e.g. 9037587478241945000 µs becomes …944000)
      return `make_timestamptz(CAST(${q(String(v))} AS BIGINT))`
    case 'timestamp_ns':
      return `make_timestamp_ns(CAST(${q(String(v))} AS BIGINT))`
    case 'string':
      return `CAST(${q(v as string)} AS VARCHAR)`
    case 'uuid':
      return `CAST(${q(uuidText(v as Uint8Array))} AS UUID)`
    case 'binary':
    case 'fixed':
      return `from_hex(${q(hex(v as Uint8Array))})`
    default:
      throw new Error(`no DuckDB literal for ${t.kind}`)
  }
}

/** The value at a path of struct field names (null when a struct on the way is null). */
export function valueAt(row: Row, path: readonly string[]): Value {
  let v: Value = row
  for (const p of path) {
    if (v === null) return null
    v = (v as Record<string, Value>)[p] ?? null
  }
  return v
}

// ---------------------------------------------------------------------------------------------------------
// Comparison: a tagged canonical form, so representation differences (5 vs 5n, −0 vs 0, bytes vs text,
// Map vs object) are differences.

export function canon(v: Value | undefined): unknown {
  if (v === undefined) return 'undefined'
  if (v === null) return null
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'number') return Object.is(v, -0) ? 'num:-0' : `num:${v}`
  if (typeof v === 'string') return `str:${v}`
  if (typeof v === 'boolean') return v
  if (v instanceof Uint8Array) return `bytes:${hex(v)}`
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [canon(k), canon(x)]) }
  if (Array.isArray(v)) return v.map(canon)
  const o = v as Record<string, Value>
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canon(o[k])]))
}

/** Rows as a sorted multiset of canonical JSON (DuckDB's chunk order is not part of the contract). */
export const bag = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(canon(r))).sort()
