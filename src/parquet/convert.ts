// Physical Parquet values → floe values (types.ts `Value`), column-wise, with the spec's read promotions.
// Converters take the dense values of one page or dictionary and return an array-like of values; they keep
// typed arrays when the physical form already is the floe form (int/date/float/double numbers, int64 bigints).
import type { PrimitiveType, Value } from '../spec/types.js'

/** Dense physical values of one page or dictionary, as the page decoder returns them. */
export type PhysicalValues = ArrayLike<unknown>

/** Converts dense physical values to floe values; the result may be the input when no work is needed. */
export type Converter = (values: PhysicalValues) => ArrayLike<Value>

/** The parts of a Parquet schema element a converter depends on (no hyparquet types here). */
export interface PhysicalType {
  readonly type?: string
  readonly typeLength?: number
  readonly convertedType?: string
  readonly logicalType?: string
  readonly unit?: 'MILLIS' | 'MICROS' | 'NANOS'
  readonly precision?: number
  readonly scale?: number
  readonly signed?: boolean
  readonly bitWidth?: number
  /** A TIMESTAMP's isAdjustedToUTC (true for the legacy TIMESTAMP_MILLIS/MICROS converted types). */
  readonly adjustedToUtc?: boolean
}

const DAY_MICROS = 86_400_000_000n
const DAY_NANOS = 86_400_000_000_000n
const JULIAN_EPOCH_DAY = 2_440_588n
const MASK64 = (1n << 64n) - 1n

/** Return the input unchanged (typed arrays and value arrays already in floe form). */
export const identity: Converter = (v) => v as ArrayLike<Value>

function mapTo(values: PhysicalValues, f: (x: never) => Value): Value[] {
  const n = values.length
  const out = new Array<Value>(n)
  for (let i = 0; i < n; i++) out[i] = f(values[i] as never)
  return out
}

const int32ToBigint: Converter = (v) => mapTo(v, (x: number) => BigInt(x))
const uint32ToBigint: Converter = (v) => mapTo(v, (x: number) => BigInt(x >>> 0))

const MIN64 = -(2n ** 63n)
const MAX64 = 2n ** 63n - 1n

/**
 * A stored value that its read type cannot hold (a date or millisecond timestamp scaled past the 64-bit
 * range of a µs or ns column): the spec requires promotions to fail at run time then, never to wrap.
 */
export class ValueRangeError extends Error {}

function inInt64(v: bigint, unit: string): bigint {
  if (v < MIN64 || v > MAX64) throw new ValueRangeError(`stored value is out of range for ${unit} in 64 bits (${v})`)
  return v
}

function int64Times(k: bigint, unit: string): Converter {
  return (v) => mapTo(v, (x: bigint) => inInt64(x * k, unit))
}

function int32Times(k: bigint, unit: string): Converter {
  return (v) => mapTo(v, (x: number) => inInt64(BigInt(x) * k, unit))
}

function int64FloorDiv(k: bigint): Converter {
  return (v) =>
    mapTo(v, (x: bigint) => {
      const q = x / k
      return x < 0n && q * k !== x ? q - 1n : q
    })
}

function int96(toNanosDivisor: bigint): Converter {
  return (v) =>
    mapTo(v, (x: bigint) => {
      // hyparquet packs INT96 as (julian day << 64) | nanos-of-day
      const nanos = ((x >> 64n) - JULIAN_EPOCH_DAY) * DAY_NANOS + (x & MASK64)
      if (toNanosDivisor === 1n) return inInt64(nanos, 'nanoseconds')
      const q = nanos / toNanosDivisor
      return nanos < 0n && q * toNanosDivisor !== nanos ? q - 1n : q
    })
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** UTF-8 decode one byte string; short ASCII runs avoid the TextDecoder call overhead. */
export function decodeUtf8(b: Uint8Array): string {
  const n = b.length
  if (n > 24) return decoder.decode(b)
  let s = ''
  for (let i = 0; i < n; i++) {
    const c = b[i]!
    if (c > 0x7f) return decoder.decode(b)
    s += String.fromCharCode(c)
  }
  return s
}

const utf8: Converter = (v) => mapTo(v, (x: Uint8Array | string) => (typeof x === 'string' ? x : decodeUtf8(x)))

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

// Write input: a string that is not UTF-8 fails (a data file read replaces bad bytes, liberal as readers are)
const strictUtf8: Converter = (v) =>
  mapTo(v, (x: Uint8Array | string) => {
    if (typeof x === 'string') return x
    try {
      return strictDecoder.decode(x)
    } catch {
      throw new ValueRangeError('a string value is not valid UTF-8')
    }
  })
/** Copy each byte string (values must not alias page buffers shared with other rows). */
export const copyBytes: Converter = (v) => mapTo(v, (x: Uint8Array) => new Uint8Array(x))

/** Two's-complement big-endian bytes → bigint, exact for any length. */
export function bigEndianToBigint(b: Uint8Array): bigint {
  const n = b.length
  if (n === 0) return 0n
  if (n <= 6) {
    let x = b[0]! & 0x80 ? -1 : 0
    for (let i = 0; i < n; i++) x = x * 256 + b[i]!
    return BigInt(x)
  }
  let x = 0n
  let i = 0
  for (; i + 4 <= n; i += 4) x = (x << 32n) | BigInt(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0)
  for (; i < n; i++) x = (x << 8n) | BigInt(b[i]!)
  return BigInt.asIntN(8 * n, x)
}

const decimalBytes: Converter = (v) => mapTo(v, (x: Uint8Array) => bigEndianToBigint(x))

/** Why a file column cannot be read as the table type, or the converter that reads it. */
export type ConverterResult = { readonly ok: true; readonly convert: Converter } | { readonly ok: false; readonly reason: string }

const ok = (convert: Converter): ConverterResult => ({ ok: true, convert })
const no = (reason: string): ConverterResult => ({ ok: false, reason })

function describe(p: PhysicalType): string {
  const ann = p.logicalType ?? p.convertedType
  const unit = p.unit ? `(${p.unit})` : ''
  const dec = p.precision !== undefined ? `(${p.precision},${p.scale ?? 0})` : ''
  return `${p.type ?? 'group'}${ann ? ` ${ann}${unit}${dec}` : ''}`
}

function isUnsigned(p: PhysicalType): boolean {
  return p.convertedType?.startsWith('UINT_') === true || (p.logicalType === 'INTEGER' && p.signed === false)
}

function isDecimal(p: PhysicalType): boolean {
  return p.logicalType === 'DECIMAL' || p.convertedType === 'DECIMAL'
}

function isTimestamp(p: PhysicalType): boolean {
  return p.logicalType === 'TIMESTAMP' || p.convertedType === 'TIMESTAMP_MICROS' || p.convertedType === 'TIMESTAMP_MILLIS'
}

function timeUnit(p: PhysicalType): 'MILLIS' | 'MICROS' | 'NANOS' {
  if (p.unit) return p.unit
  if (p.convertedType === 'TIMESTAMP_MILLIS' || p.convertedType === 'TIME_MILLIS') return 'MILLIS'
  return 'MICROS'
}

/** INT64 timestamp (or plain INT64 read as µs), INT96 legacy, or v3 date promotion → µs (`ns` false) or ns. */
function timestampConverter(p: PhysicalType, ns: boolean, allowDate: boolean): ConverterResult {
  if (p.type === 'INT96') return ok(int96(ns ? 1n : 1000n))
  if (p.type === 'INT32' && allowDate && (p.logicalType === 'DATE' || p.convertedType === 'DATE')) return ok(int32Times(ns ? DAY_NANOS : DAY_MICROS, ns ? 'nanoseconds' : 'microseconds'))
  if (p.type !== 'INT64' || isUnsigned(p) || isDecimal(p)) return no('expected INT64 timestamp or INT96')
  if (p.logicalType !== undefined && p.logicalType !== 'TIMESTAMP' && p.logicalType !== 'INTEGER') return no('expected a TIMESTAMP annotation')
  const unit = isTimestamp(p) ? timeUnit(p) : ns ? 'NANOS' : 'MICROS'
  if (unit === 'MILLIS') return ok(int64Times(ns ? 1_000_000n : 1000n, ns ? 'nanoseconds' : 'microseconds'))
  if (unit === 'MICROS') return ok(ns ? int64Times(1000n, 'nanoseconds') : identity)
  return ok(ns ? identity : int64FloorDiv(1000n))
}

/**
 * Choose the converter reading physical column `p` as Iceberg type `t` (spec promotions included). With
 * `input` (an input file loaded into a table), only the conversions a write may make (Java's write check
 * allows widening, not a change of meaning): no zone change, no dropped digits, no date → timestamp, no
 * unannotated INT64 as a timestamp, no binary → string, and strings must be valid UTF-8.
 */
export function converterFor(p: PhysicalType, t: PrimitiveType, input = false): ConverterResult {
  const refused = input ? inputRefusal(p, t) : undefined
  if (refused !== undefined) return no(`cannot load Parquet ${describe(p)} into ${t.kind === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.kind}: ${refused}; cast it in the source first`)
  const r = converterForInner(p, t)
  if (input && r.ok && t.kind === 'string') return ok(strictUtf8)
  return r.ok ? r : no(`cannot read Parquet ${describe(p)} as ${t.kind === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.kind}: ${r.reason}`)
}

// Why a write may not load `p` into `t` (beyond what a read refuses), or undefined.
function inputRefusal(p: PhysicalType, t: PrimitiveType): string | undefined {
  switch (t.kind) {
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (p.type === 'INT96') return undefined
      if (p.logicalType === 'DATE' || p.convertedType === 'DATE') return 'a date is not a timestamp'
      if (!isTimestamp(p)) return 'the column has no TIMESTAMP annotation'
      const zoned = t.kind === 'timestamptz' || t.kind === 'timestamptz_ns'
      if (zoned && p.adjustedToUtc === false) return 'a local timestamp (isAdjustedToUTC=false) has no zone'
      if (!zoned && p.adjustedToUtc !== false) return 'a UTC-adjusted timestamp has a zone'
      if (timeUnit(p) === 'NANOS' && (t.kind === 'timestamp' || t.kind === 'timestamptz')) return 'nanoseconds would lose digits in a µs column'
      return undefined
    }
    case 'time':
      return p.logicalType === 'TIME' && p.unit === 'NANOS' ? 'nanoseconds would lose digits in a µs column' : undefined
    case 'string': {
      const ann = p.logicalType ?? p.convertedType
      return ann === 'STRING' || ann === 'UTF8' || ann === 'ENUM' || ann === 'JSON' ? undefined : 'bytes without a STRING annotation are not text'
    }
    default:
      return undefined
  }
}

function converterForInner(p: PhysicalType, t: PrimitiveType): ConverterResult {
  switch (t.kind) {
    case 'boolean':
      return p.type === 'BOOLEAN' ? ok(identity) : no('expected BOOLEAN')
    case 'int':
      if (p.type !== 'INT32' || isDecimal(p) || p.logicalType === 'DATE' || p.convertedType === 'DATE' || p.convertedType === 'TIME_MILLIS')
        return no('expected INT32')
      if (isUnsigned(p) && (p.bitWidth === 32 || p.convertedType === 'UINT_32')) return no('UINT_32 does not fit int')
      return ok(identity)
    case 'long':
      if (isDecimal(p) || isTimestamp(p) || p.logicalType === 'TIME' || p.logicalType === 'DATE') return no('expected an integer column')
      if (p.type === 'INT32') return ok(isUnsigned(p) ? uint32ToBigint : int32ToBigint)
      if (p.type === 'INT64') return isUnsigned(p) ? no('UINT_64 does not fit long') : ok(identity)
      return no('expected INT32 or INT64')
    case 'float':
      return p.type === 'FLOAT' ? ok(identity) : no('expected FLOAT')
    case 'double':
      return p.type === 'DOUBLE' || p.type === 'FLOAT' ? ok(identity) : no('expected DOUBLE or FLOAT')
    case 'date':
      return p.type === 'INT32' && !isDecimal(p) && !isUnsigned(p) && (p.logicalType ?? 'DATE') === 'DATE' ? ok(identity) : no('expected INT32 DATE')
    case 'time':
      if (p.type === 'INT32' && (p.convertedType === 'TIME_MILLIS' || (p.logicalType === 'TIME' && p.unit === 'MILLIS'))) return ok(int32Times(1000n, 'microseconds'))
      if (p.type !== 'INT64' || isDecimal(p) || isTimestamp(p)) return no('expected INT64 TIME')
      if (p.logicalType === 'TIME' && p.unit === 'NANOS') return ok(int64FloorDiv(1000n))
      return ok(identity)
    case 'timestamp':
    case 'timestamptz':
      return timestampConverter(p, false, t.kind === 'timestamp')
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return timestampConverter(p, true, t.kind === 'timestamp_ns')
    case 'string':
      return p.type === 'BYTE_ARRAY' && !isDecimal(p) ? ok(utf8) : no('expected BYTE_ARRAY')
    case 'uuid':
      return p.type === 'FIXED_LEN_BYTE_ARRAY' && p.typeLength === 16 ? ok(copyBytes) : no('expected FIXED_LEN_BYTE_ARRAY(16)')
    case 'fixed':
      if (p.type !== 'FIXED_LEN_BYTE_ARRAY') return no('expected FIXED_LEN_BYTE_ARRAY')
      return p.typeLength === t.length ? ok(copyBytes) : no(`length ${String(p.typeLength)} differs from ${t.length}`)
    case 'binary':
    case 'geometry':
    case 'geography':
      return p.type === 'BYTE_ARRAY' || p.type === 'FIXED_LEN_BYTE_ARRAY' ? ok(copyBytes) : no('expected BYTE_ARRAY')
    case 'decimal': {
      if (!isDecimal(p)) return no('expected a DECIMAL annotation')
      if ((p.scale ?? 0) !== t.scale) return no(`scale ${p.scale ?? 0} differs from ${t.scale}`)
      if ((p.precision ?? 0) > t.precision) return no(`precision ${String(p.precision)} exceeds ${t.precision}`)
      if (p.type === 'INT32') return ok(int32ToBigint)
      if (p.type === 'INT64') return ok(identity)
      if (p.type === 'FIXED_LEN_BYTE_ARRAY' || p.type === 'BYTE_ARRAY') return ok(decimalBytes)
      return no('unexpected decimal storage')
    }
    default:
      return no('not a primitive stored in Parquet')
  }
}
