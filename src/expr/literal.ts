// Converting caller literals to a column's in-memory value (Java `Literal.to(Type)` semantics, adapted to
// JS literal types), and back (`valueToLiteral`, used by unbind so residuals re-bind to the same values).
import { InvalidArgumentError } from '../errors.js'
import {
  daysToIsoDate,
  floorDiv,
  isoDateToDays,
  MICROS_PER_DAY,
  isoTimeToMicros,
  microsToIsoTime,
  microsToIsoTimestamp,
  nanosToIsoTimestamp,
  parseIsoTimestamp,
} from '../spec/temporal.js'
import { primitiveToString, type PrimitiveType, type Value } from '../spec/types.js'
import {
  bytesEqual,
  decimalFitsPrecision,
  decimalToString,
  describeValue,
  hexToBytes,
  parseDecimal,
  uuidToBytes,
  uuidToString,
} from '../spec/values.js'
import type { BoundPredicate, Literal, UnboundPredicate } from './expression.js'

/** A converted literal: a value, or a marker that it lies above/below every value of the type (Java aboveMax/belowMin). */
export type Converted = { readonly value: Value } | { readonly outOfRange: 'above' | 'below' }

const FLOAT_MAX = 3.4028234663852886e38
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/
const DATE_ONLY = /^[+-]?\d{4,}-\d{2}-\d{2}$/
const NANOS_PER_DAY = MICROS_PER_DAY * 1000n

function fail(type: PrimitiveType, lit: Literal, column: string, why = ''): never {
  const shown = lit instanceof Date ? `Date ${Number.isNaN(lit.getTime()) ? 'Invalid Date' : lit.toISOString()}` : describeValue(lit)
  throw new InvalidArgumentError(`Invalid value for conversion to type ${primitiveToString(type)} of column '${column}': ${shown}${why}`, {
    context: { field: column },
  })
}

// An integral number or bigint as a bigint (undefined otherwise); `strings` also accepts integer text.
function integral(lit: Literal, strings = true): bigint | undefined {
  if (typeof lit === 'bigint') return lit
  if (typeof lit === 'number') return Number.isInteger(lit) ? BigInt(lit) : undefined
  if (strings && typeof lit === 'string' && INTEGER.test(lit.trim())) return BigInt(lit.trim())
  return undefined
}

function ranged(v: bigint, lo: bigint, hi: bigint, wrap: (v: bigint) => Value): Converted {
  if (v > hi) return { outOfRange: 'above' }
  if (v < lo) return { outOfRange: 'below' }
  return { value: wrap(v) }
}

function toFloat(type: PrimitiveType, lit: Literal, column: string): Converted {
  let x: number
  if (typeof lit === 'number') x = lit
  else if (typeof lit === 'bigint') x = Number(lit)
  else if (typeof lit === 'string' && (NUMERIC.test(lit.trim()) || /^[+-]?(Infinity|NaN)$/.test(lit.trim()))) x = Number(lit.trim())
  else return fail(type, lit, column)
  if (type.kind === 'double' || !Number.isFinite(x)) return { value: x }
  if (x > FLOAT_MAX) return { outOfRange: 'above' }
  if (x < -FLOAT_MAX) return { outOfRange: 'below' }
  return { value: Math.fround(x) }
}

function toDecimal(type: Extract<PrimitiveType, { kind: 'decimal' }>, lit: Literal, column: string): Converted {
  let text: string
  if (typeof lit === 'number' && Number.isFinite(lit)) text = String(lit)
  else if (typeof lit === 'bigint') text = lit.toString()
  else if (typeof lit === 'string' && NUMERIC.test(lit.trim())) text = lit.trim()
  else return fail(type, lit, column)
  const d = parseDecimal(text)
  let unscaled: bigint
  if (d.scale <= type.scale) unscaled = d.unscaled * 10n ** BigInt(type.scale - d.scale)
  else {
    const div = 10n ** BigInt(d.scale - type.scale)
    if (d.unscaled % div !== 0n) return fail(type, lit, column, ` (scale ${d.scale} exceeds the column scale ${type.scale})`)
    unscaled = d.unscaled / div
  }
  if (decimalFitsPrecision(unscaled, type.precision)) return { value: unscaled }
  return { outOfRange: unscaled > 0n ? 'above' : 'below' }
}

function toTimestamp(type: PrimitiveType, lit: Literal, column: string, nanos: boolean, zoned: boolean): Converted {
  const n = integral(lit, false)
  if (n !== undefined) return ranged(n, INT64_MIN, INT64_MAX, (v) => v)
  if (lit instanceof Date) {
    const ms = lit.getTime()
    if (Number.isNaN(ms)) return fail(type, lit, column)
    return { value: BigInt(ms) * (nanos ? 1_000_000n : 1000n) }
  }
  if (typeof lit !== 'string') return fail(type, lit, column)
  const s = lit.trim()
  if (DATE_ONLY.test(s)) {
    const days = BigInt(isoDateToDays(s))
    return { value: days * (nanos ? NANOS_PER_DAY : MICROS_PER_DAY) }
  }
  let parsed
  try {
    parsed = parseIsoTimestamp(s)
  } catch (e) {
    return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
  }
  if (zoned && parsed.offsetSeconds === undefined) return fail(type, lit, column, ' (a timestamptz literal needs a zone offset)')
  if (!zoned && parsed.offsetSeconds !== undefined && parsed.offsetSeconds !== 0)
    return fail(type, lit, column, ' (a timestamp without zone cannot take a non-UTC offset)')
  const v = nanos ? parsed.epochNanos : floorDiv(parsed.epochNanos, 1000n)
  return ranged(v, INT64_MIN, INT64_MAX, (x) => x)
}

function toBytes(type: PrimitiveType, lit: Literal, column: string, length?: number): Converted {
  let b: Uint8Array
  if (lit instanceof Uint8Array) b = lit
  else if (typeof lit === 'string') {
    try {
      b = hexToBytes(lit)
    } catch {
      return fail(type, lit, column, ' (expected a hex string)')
    }
  } else return fail(type, lit, column)
  if (length !== undefined && b.length !== length) return fail(type, lit, column, ` (expected ${length} bytes)`)
  return { value: b }
}

/**
 * Convert a caller literal to the in-memory value of `type`, as Java's literal conversions do: integers
 * out of an int/date/long range and decimals beyond the precision become above/below markers (so
 * `intCol < 2^31` folds to true); numbers for decimals must fit the column scale; ISO strings for
 * date/time/timestamps; hex strings or bytes for fixed/binary; uuid strings or 16 bytes. Numbers and
 * bigints for time/timestamp(_ns) are the in-memory unit (µs, or ns for *_ns). Throws INVALID_ARGUMENT.
 */
export function convertLiteral(type: PrimitiveType, lit: Literal, column: string): Converted {
  switch (type.kind) {
    case 'boolean':
      if (typeof lit === 'boolean') return { value: lit }
      if (typeof lit === 'string' && /^(true|false)$/i.test(lit.trim())) return { value: lit.trim().toLowerCase() === 'true' }
      return fail(type, lit, column)
    case 'int': {
      const n = integral(lit)
      return n === undefined ? fail(type, lit, column) : ranged(n, -2147483648n, 2147483647n, Number)
    }
    case 'long': {
      const n = integral(lit)
      return n === undefined ? fail(type, lit, column) : ranged(n, INT64_MIN, INT64_MAX, (v) => v)
    }
    case 'float':
    case 'double':
      return toFloat(type, lit, column)
    case 'decimal':
      return toDecimal(type, lit, column)
    case 'date': {
      if (lit instanceof Date) {
        const ms = lit.getTime()
        return Number.isNaN(ms) ? fail(type, lit, column) : ranged(BigInt(Math.floor(ms / 86_400_000)), -2147483648n, 2147483647n, Number)
      }
      if (typeof lit === 'string') {
        try {
          return { value: isoDateToDays(lit.trim()) }
        } catch (e) {
          return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
        }
      }
      const n = integral(lit)
      return n === undefined ? fail(type, lit, column) : ranged(n, -2147483648n, 2147483647n, Number)
    }
    case 'time': {
      if (typeof lit === 'string') {
        try {
          return { value: isoTimeToMicros(lit.trim()) }
        } catch (e) {
          return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
        }
      }
      const n = integral(lit)
      return n === undefined ? fail(type, lit, column) : ranged(n, INT64_MIN, INT64_MAX, (v) => v)
    }
    case 'timestamp':
    case 'timestamptz':
      return toTimestamp(type, lit, column, false, type.kind === 'timestamptz')
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return toTimestamp(type, lit, column, true, type.kind === 'timestamptz_ns')
    case 'string':
      return typeof lit === 'string' ? { value: lit } : fail(type, lit, column)
    case 'uuid':
      if (typeof lit === 'string') {
        try {
          return { value: uuidToBytes(lit.trim()) }
        } catch {
          return fail(type, lit, column, ' (expected a UUID string)')
        }
      }
      return lit instanceof Uint8Array ? toBytes(type, lit, column, 16) : fail(type, lit, column)
    case 'fixed':
      return toBytes(type, lit, column, type.length)
    case 'binary':
      return toBytes(type, lit, column)
    default:
      return fail(type, lit, column, ' (values of this type cannot be compared)')
  }
}

// Use `format(v)` when it parses back to exactly `v`; otherwise fall back to `raw`.
function exactly(v: Value, format: () => string, parse: (s: string) => Value, raw: Literal): Literal {
  try {
    const s = format()
    const back = parse(s)
    if (back === v || (back instanceof Uint8Array && v instanceof Uint8Array && bytesEqual(back, v))) return s
  } catch {
    // fall through: not representable as text
  }
  return raw
}

/**
 * The literal that `convertLiteral(type, ·)` turns back into exactly `v`: ISO text for date/time/timestamps
 * (UTC `+00:00` for timestamptz), decimal text at the column scale, uuid text; numbers, bigints, strings
 * and bytes otherwise. Used to unbind residuals into readable, serialisable expressions.
 */
export function valueToLiteral(type: PrimitiveType, v: Value): Literal {
  switch (type.kind) {
    case 'boolean':
      return v as boolean
    case 'int':
    case 'float':
    case 'double':
      return v as number
    case 'long':
      return v as bigint
    case 'decimal':
      return decimalToString(v as bigint, type.scale)
    case 'date':
      return exactly(v, () => daysToIsoDate(v as number), isoDateToDays, v as number)
    case 'time':
      return exactly(v, () => microsToIsoTime(v as bigint, 'trim'), isoTimeToMicros, v as bigint)
    case 'timestamp':
    case 'timestamptz': {
      const zone = type.kind === 'timestamptz'
      const parse = (s: string): Value => floorDiv(parseIsoTimestamp(s).epochNanos, 1000n)
      return exactly(v, () => microsToIsoTimestamp(v as bigint, { zone, style: 'trim' }), parse, v as bigint)
    }
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const zone = type.kind === 'timestamptz_ns'
      const parse = (s: string): Value => parseIsoTimestamp(s).epochNanos
      return exactly(v, () => nanosToIsoTimestamp(v as bigint, { zone, style: 'trim' }), parse, v as bigint)
    }
    case 'string':
      return v as string
    case 'uuid':
      return uuidToString(v as Uint8Array)
    default:
      return v as Uint8Array
  }
}

/** The unbound form of a bound predicate: the column's full name and literals that re-bind to the same values. */
export function unbindPredicate(pred: BoundPredicate): UnboundPredicate {
  const term = { name: pred.term.name }
  const type = pred.term.type
  switch (pred.kind) {
    case 'unary':
      return { kind: 'unary', op: pred.op, term }
    case 'literal':
      return { kind: 'literal', op: pred.op, term, value: valueToLiteral(type, pred.value) }
    case 'set':
      return { kind: 'set', op: pred.op, term, values: pred.values.map((v) => valueToLiteral(type, v)) }
  }
}
