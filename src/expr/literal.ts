// Converting caller literals to a column's in-memory value (Java `Literal.to(Type)` semantics, adapted to
// JS literal types), and back (`valueToLiteral`, used by unbind so residuals re-bind to the same values).
import { InvalidArgumentError } from '../errors.js'
import {
  daysToIsoDate,
  floorDiv,
  floorMod,
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
import { NumberText, type BoundPredicate, type Literal, type UnboundPredicate } from './expression.js'

/** A value of the column type, or a marker that the literal lies above/below every value of the type (Java aboveMax/belowMin). */
export type ExactConversion = { readonly value: Value } | { readonly outOfRange: 'above' | 'below' }

/**
 * A converted literal: exact, or (for a decimal with more fraction digits than the column scale) the two
 * adjacent column values it lies strictly between, each of which may itself be out of range.
 */
export type Converted = ExactConversion | { readonly floor: ExactConversion; readonly ceil: ExactConversion }

const FLOAT_MAX = 3.4028234663852886e38
const FLOAT_MAX_INT = BigInt(FLOAT_MAX)
const DOUBLE_MAX_INT = BigInt(Number.MAX_VALUE)
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/
const DATE_ONLY = /^[+-]?\d{4,}-\d{2}-\d{2}$/
const NANOS_PER_DAY = MICROS_PER_DAY * 1000n
// an integer with more digits than this lies beyond every integer, date and time type (and every double)
const HUGE_DIGITS = 400

function fail(type: PrimitiveType, lit: Literal, column: string, why = ''): never {
  const shown =
    lit instanceof Date
      ? `Date ${Number.isNaN(lit.getTime()) ? 'Invalid Date' : lit.toISOString()}`
      : lit instanceof NumberText
        ? `number ${lit.text}`
        : describeValue(lit)
  throw new InvalidArgumentError(`Invalid value for conversion to type ${primitiveToString(type)} of column '${column}': ${shown}${why}`, {
    context: { field: column },
  })
}

// The integer value of exact number text, or undefined when it has a fraction; an integer too long to
// build is clamped to ±10^HUGE_DIGITS, which is just as far out of every range.
function numberTextInteger(t: NumberText): bigint | undefined {
  const d = parseDecimal(t.text)
  if (d.unscaled === 0n) return 0n
  let { unscaled, scale } = d
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n
    scale--
  }
  if (scale > 0) return undefined
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length - scale
  if (digits > HUGE_DIGITS) return (unscaled < 0n ? -1n : 1n) * 10n ** BigInt(HUGE_DIGITS)
  return unscaled * 10n ** BigInt(-scale)
}

// An integral number, bigint or exact number text as a bigint (undefined otherwise); `strings` also
// accepts integer text.
function integral(lit: Literal, strings = true): bigint | undefined {
  if (typeof lit === 'bigint') return lit
  if (typeof lit === 'number') return Number.isInteger(lit) ? BigInt(lit) : undefined
  if (lit instanceof NumberText) return numberTextInteger(lit)
  if (strings && typeof lit === 'string' && INTEGER.test(lit.trim())) return BigInt(lit.trim())
  return undefined
}

function ranged(v: bigint, lo: bigint, hi: bigint, wrap: (v: bigint) => Value): ExactConversion {
  if (v > hi) return { outOfRange: 'above' }
  if (v < lo) return { outOfRange: 'below' }
  return { value: wrap(v) }
}

// Floats: a finite literal beyond the largest finite value of the type is out of range (it lies strictly
// between ±MAX and ±Infinity), so folding can still tell ±Infinity rows apart; ±Infinity and NaN are values.
function toFloat(type: PrimitiveType, lit: Literal, column: string): Converted {
  const max = type.kind === 'float' ? FLOAT_MAX : Number.MAX_VALUE
  let x: number
  if (typeof lit === 'bigint') {
    const maxInt = type.kind === 'float' ? FLOAT_MAX_INT : DOUBLE_MAX_INT
    if (lit > maxInt) return { outOfRange: 'above' }
    if (lit < -maxInt) return { outOfRange: 'below' }
    x = Number(lit)
  } else if (typeof lit === 'number') x = lit
  else if (typeof lit === 'string' && /^[+-]?(Infinity|NaN)$/.test(lit.trim())) x = Number(lit.trim())
  else if ((typeof lit === 'string' && NUMERIC.test(lit.trim())) || lit instanceof NumberText) {
    // the nearest double, as Java's DecimalLiteral.to(DOUBLE)
    x = Number(lit instanceof NumberText ? lit.text : lit.trim())
    if (!Number.isFinite(x)) return { outOfRange: x > 0 ? 'above' : 'below' }
  } else return fail(type, lit, column)
  if (!Number.isFinite(x)) return { value: x }
  if (x > max) return { outOfRange: 'above' }
  if (x < -max) return { outOfRange: 'below' }
  return { value: type.kind === 'float' ? Math.fround(x) : x }
}

// Decimals compare by value: a literal with more fraction digits than the column scale that is not a
// multiple of the column's unit lies between two adjacent column values (floor and ceil).
function toDecimal(type: Extract<PrimitiveType, { kind: 'decimal' }>, lit: Literal, column: string): Converted {
  let text: string
  if (typeof lit === 'number' && Number.isFinite(lit)) text = String(lit)
  else if (typeof lit === 'bigint') text = lit.toString()
  else if (typeof lit === 'string' && NUMERIC.test(lit.trim())) text = lit.trim()
  else if (lit instanceof NumberText) text = lit.text
  else return fail(type, lit, column)
  const d = parseDecimal(text)
  if (d.unscaled === 0n) return { value: 0n }
  const fits = (u: bigint): ExactConversion => (decimalFitsPrecision(u, type.precision) ? { value: u } : { outOfRange: u > 0n ? 'above' : 'below' })
  const gap = d.scale - type.scale
  if (gap <= 0) {
    // more than `precision` zeros to append: beyond every value (and no need to build a huge number)
    if (-gap > type.precision) return { outOfRange: d.unscaled > 0n ? 'above' : 'below' }
    return fits(d.unscaled * 10n ** BigInt(-gap))
  }
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length
  // fewer digits than the fraction to drop: strictly between -1 and 1 column units
  if (gap > digits) return d.unscaled > 0n ? { floor: fits(0n), ceil: fits(1n) } : { floor: fits(-1n), ceil: fits(0n) }
  const div = 10n ** BigInt(gap)
  const floor = floorDiv(d.unscaled, div)
  return floor * div === d.unscaled ? fits(floor) : { floor: fits(floor), ceil: fits(floor + 1n) }
}

function toTimestamp(type: PrimitiveType, lit: Literal, column: string, nanos: boolean, zoned: boolean): Converted {
  const n = integral(lit, false)
  // an integer is in the column's own unit, floe's value representation (µs, or ns for *_ns): a value read
  // from a scan filters back exactly. Java reads a long as µs for *_ns (LongLiteral.to(TIMESTAMP_NANO)), but
  // its rows carry LocalDateTime, not longs (spec/notes/reading.md RD-04a)
  if (n !== undefined) return ranged(n, INT64_MIN, INT64_MAX, (v) => v)
  if (lit instanceof Date) {
    const ms = lit.getTime()
    if (Number.isNaN(ms)) return fail(type, lit, column)
    return ranged(BigInt(ms) * (nanos ? 1_000_000n : 1000n), INT64_MIN, INT64_MAX, (v) => v)
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
  return nanos ? ranged(parsed.epochNanos, INT64_MIN, INT64_MAX, (x) => x) : finerThanMicros(parsed.epochNanos, INT64_MIN, INT64_MAX)
}

// A nanosecond value on a microsecond column compares by value, like a decimal finer than its column scale:
// a whole number of microseconds is exact, anything else lies strictly between two adjacent column values.
function finerThanMicros(nanos: bigint, lo: bigint, hi: bigint): Converted {
  const floor = floorDiv(nanos, 1000n)
  const at = (v: bigint): ExactConversion => ranged(v, lo, hi, (x) => x)
  return floor * 1000n === nanos ? at(floor) : { floor: at(floor), ceil: at(floor + 1n) }
}

// Date columns: ISO date text, or ISO timestamp text / a Date exactly at midnight UTC (how a Date prints in
// the row-filter text); any other time of day is rejected rather than silently truncated to its day.
function toDate(type: PrimitiveType, lit: Literal, column: string): Converted {
  const days = (nanos: bigint, why: string): ExactConversion => {
    if (floorMod(nanos, NANOS_PER_DAY) !== 0n) return fail(type, lit, column, why)
    return ranged(nanos / NANOS_PER_DAY, -2147483648n, 2147483647n, Number)
  }
  const notMidnight = ' (a date column takes a date or a timestamp at midnight UTC)'
  if (lit instanceof Date) {
    const ms = lit.getTime()
    return Number.isNaN(ms) ? fail(type, lit, column) : days(BigInt(ms) * 1_000_000n, notMidnight)
  }
  if (typeof lit === 'string') {
    const s = lit.trim()
    try {
      return { value: isoDateToDays(s) }
    } catch (e) {
      if (DATE_ONLY.test(s) || !s.includes('T')) return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
    }
    let parsed
    try {
      parsed = parseIsoTimestamp(s)
    } catch (e) {
      return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
    }
    if (parsed.offsetSeconds !== undefined && parsed.offsetSeconds !== 0) return fail(type, lit, column, notMidnight)
    return days(parsed.epochNanos, notMidnight)
  }
  const n = integral(lit)
  return n === undefined ? fail(type, lit, column) : ranged(n, -2147483648n, 2147483647n, Number)
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
 * out of an int/date/long range, decimals beyond the precision and finite numbers beyond a float/double's
 * largest finite value become above/below markers (bind folds them); a decimal literal with more fraction
 * digits than the column scale compares by value, so it converts to its floor and ceil at the column scale;
 * ISO strings for date/time/timestamps (a date column also takes an ISO timestamp or a Date at exactly
 * midnight UTC, which is how Dates print, and rejects other times of day; text finer than a microsecond
 * column compares by value like a fine decimal); hex strings or bytes for fixed/binary; uuid strings or 16
 * bytes; {@link NumberText} on numeric, decimal, date and time columns only. Numbers and bigints are in the
 * column's own unit, floe's value representation: microseconds for time, timestamp and timestamptz,
 * nanoseconds for timestamp_ns and timestamptz_ns (Java's LongLiteral reads microseconds there;
 * spec/notes/reading.md D-R5). Throws INVALID_ARGUMENT.
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
    case 'date':
      return toDate(type, lit, column)
    case 'time': {
      if (typeof lit === 'string') {
        const s = lit.trim()
        let nanos: bigint
        try {
          isoTimeToMicros(s) // validates the HH:MM[:SS[.fffffffff]] form (digits, colons and a dot only)
          nanos = parseIsoTimestamp(`1970-01-01T${s}`).epochNanos
        } catch (e) {
          return fail(type, lit, column, ` (${e instanceof Error ? e.message : String(e)})`)
        }
        return finerThanMicros(nanos, 0n, MICROS_PER_DAY - 1n)
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
      const ns = v as bigint
      // an integer literal on these columns is nanoseconds (D-R5), so the value itself re-binds exactly
      return exactly(v, () => nanosToIsoTimestamp(ns, { zone, style: 'trim' }), parse, ns)
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
