// Input rows → rows of floe values of the table schema, checked before anything is written. Accepts floe
// values plus friendly forms: safe-integer numbers for long, decimal text/numbers (no digits lost),
// Date/ISO text for date/time/timestamps (Java's rules: `timestamp` text has no offset, `timestamptz`
// text needs one), uuid text, and typed values that carry their own unit or scale (Arrow input: see
// {@link UnitTimestamp}). Float values are rounded to 32 bits and int/date −0 becomes 0, so the data,
// its metrics and partition values agree. A bad value fails with INVALID_DATA naming the source, row and column.
import { FloeError, type ErrorOptions } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import type { Schema } from '../spec/schema.js'
import { isoDateToDays, isoTimeToMicros, MICROS_PER_DAY, parseIsoTimestamp } from '../spec/temporal.js'
import { primitiveToString, typeToString, type DecimalType, type IcebergType, type NestedField, type Value } from '../spec/types.js'
import { bytesToHex, decimalFitsPrecision, decimalToString, describeValue, parseDecimal, uuidToBytes } from '../spec/values.js'

/** Input data that cannot be written: names the source (`file`), 1-based `row` and `field` (column). */
export class InvalidDataError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('INVALID_DATA', message, opts)
    this.name = 'InvalidDataError'
  }
}

/** The unit of a typed time or timestamp value. */
export type TemporalUnit = 's' | 'ms' | 'us' | 'ns'

const UNIT_NAME: Readonly<Record<TemporalUnit, string>> = { s: 's', ms: 'ms', us: 'µs', ns: 'ns' }

/** A value that carries its own unit or scale (typed input such as Arrow); the coercer converts it to the column's type. */
export abstract class TypedValue {
  /** The value with its unit or scale, as error messages name it. */
  abstract toString(): string
}

/**
 * A timestamp that carries its unit and zone (`null`: a local date-time), as typed input such as Arrow
 * gives it. The coercer converts it to the column's unit only without loss (ns → µs needs a whole number of
 * µs) and only into a column of the same kind: a zoned value into timestamptz(_ns), a local one into timestamp(_ns).
 */
export class UnitTimestamp extends TypedValue {
  constructor(
    readonly value: bigint,
    readonly unit: TemporalUnit,
    readonly zone: string | null,
  ) {
    super()
  }

  toString(): string {
    return `timestamp ${this.value} ${UNIT_NAME[this.unit]}${this.zone === null ? ' without zone' : ` in zone ${this.zone}`}`
  }
}

/** A time of day that carries its unit; the coercer converts it to µs only without loss. */
export class UnitTime extends TypedValue {
  constructor(
    readonly value: bigint,
    readonly unit: TemporalUnit,
  ) {
    super()
  }

  toString(): string {
    return `time ${this.value} ${UNIT_NAME[this.unit]}`
  }
}

/** A decimal that carries its own scale; the coercer rescales it to the column's scale only without loss. */
export class ScaledDecimal extends TypedValue {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {
    super()
  }

  toString(): string {
    return `decimal ${decimalToString(this.unscaled, this.scale)} (scale ${this.scale})`
  }
}

/** Converts one input row (1-based number for messages) to a row of floe values; returns the input when already exact. */
export type RowCoercer = (input: unknown, rowNumber: number) => Row

// Thrown by value converters; the row coercer turns it into an InvalidDataError with the row and column.
class Problem {
  constructor(
    readonly column: string,
    readonly message: string,
  ) {}
}

type Conv = (v: unknown) => Value

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const NANOS_PER_MILLI = 1_000_000n
const NANOS_PER: Readonly<Record<TemporalUnit, bigint>> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n }

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date) &&
    !(v instanceof TypedValue)
  )
}

function describeInput(v: unknown): string {
  return v instanceof TypedValue ? v.toString() : describeValue(v)
}

/** `v` in `unit`, as a count of `target` units; undefined when that would drop a nonzero remainder. */
function changeUnit(v: bigint, unit: TemporalUnit, target: TemporalUnit): bigint | undefined {
  const from = NANOS_PER[unit]
  const to = NANOS_PER[target]
  if (from >= to) return v * (from / to)
  const d = to / from
  return v % d === 0n ? v / d : undefined
}

function dateMillis(d: Date, column: string): number {
  const ms = d.getTime()
  if (!Number.isFinite(ms)) throw new Problem(column, 'invalid Date')
  return ms
}

function parsed<T>(column: string, what: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    throw new Problem(column, `cannot parse ${what}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** At most 40 characters of a value for an error message. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

function decimalConv(t: DecimalType, column: string): Conv {
  const fits = (u: bigint): bigint => {
    if (!decimalFitsPrecision(u, t.precision)) throw new Problem(column, `unscaled value ${clip(String(u))} has more than ${t.precision} digits for ${primitiveToString(t)}`)
    return u
  }
  // rescale `unscaled` from `scale` to the column's scale without ever raising 10 to a huge power: a value
  // that needs more than `precision` extra digits cannot fit, and one whose dropped digits outnumber its own
  // cannot be an exact multiple (unless zero)
  const rescale = (unscaled: bigint, scale: number, what: () => string, tooFine: () => string): bigint => {
    if (unscaled === 0n) return 0n
    if (scale <= t.scale) {
      if (t.scale - scale > t.precision) throw new Problem(column, `${what()} has more than ${t.precision} digits for ${primitiveToString(t)}`)
      return fits(unscaled * 10n ** BigInt(t.scale - scale))
    }
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
    if (scale - t.scale > digits) throw new Problem(column, tooFine())
    const k = 10n ** BigInt(scale - t.scale)
    if (unscaled % k !== 0n) throw new Problem(column, tooFine())
    return fits(unscaled / k)
  }
  const fromText = (s: string): bigint => {
    const d = parsed(column, 'decimal', () => parseDecimal(s.trim()))
    const what = (): string => JSON.stringify(clip(s))
    return rescale(d.unscaled, d.scale, what, () => `${what()} has more than ${t.scale} fraction digits for ${primitiveToString(t)}`)
  }
  const fromScaled = (d: ScaledDecimal): bigint => {
    if (d.scale === t.scale) return fits(d.unscaled)
    const what = (): string => clip(String(d))
    return rescale(d.unscaled, d.scale, what, () => `${what()} has nonzero digits beyond scale ${t.scale} of ${primitiveToString(t)}`)
  }
  return (v) => {
    if (typeof v === 'bigint') return fits(v)
    if (v instanceof ScaledDecimal) return fromScaled(v)
    if (typeof v === 'string') return fromText(v)
    if (typeof v === 'number' && Number.isFinite(v)) return fromText(String(v))
    throw new Problem(column, `expected an unscaled bigint, decimal text or a finite number, got ${describeInput(v)}`)
  }
}

function unitTimestamp(v: UnitTimestamp, kind: 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'timestamptz_ns', column: string): bigint {
  const zoned = kind === 'timestamptz' || kind === 'timestamptz_ns'
  if (zoned && v.zone === null) throw new Problem(column, `${v} has no zone; ${kind} takes only timestamps with a zone`)
  if (!zoned && v.zone !== null) throw new Problem(column, `${v} has a zone; ${kind} values are local date-times (a timestamp without zone)`)
  const target = kind === 'timestamp_ns' || kind === 'timestamptz_ns' ? 'ns' : 'us'
  const x = changeUnit(v.value, v.unit, target)
  if (x === undefined) throw new Problem(column, `${v} is not a whole number of ${UNIT_NAME[target]}, the unit of ${kind} (no digits are dropped)`)
  if (x < INT64_MIN || x > INT64_MAX) throw new Problem(column, `${v} is outside the 64-bit range of ${kind} in ${UNIT_NAME[target]}`)
  return x
}

const SQL_TIMESTAMP = /^([+-]?\d{4,}-\d{2}-\d{2})[ Tt](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|z|([+-]\d{2}):?(\d{2})?)?$/

/**
 * Timestamp text as ISO-8601 reads it: the SQL form that DuckDB, PostgreSQL and Spark print (a space between
 * date and time, an offset of `+HH` or `+HHMM`) becomes `T` and `+HH:MM`, as Spark's CSV and JSON readers
 * accept it; anything else is left for the strict parser to judge.
 */
function isoTimestampText(s: string): string {
  const m = SQL_TIMESTAMP.exec(s)
  if (!m) return s
  const offset = m[4] === undefined ? (m[3] ?? '') : `${m[4]}:${m[5] ?? '00'}`
  return `${m[1]}T${m[2]}${offset}`
}

function timestampConv(kind: 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'timestamptz_ns', column: string): Conv {
  const nanos = kind === 'timestamp_ns' || kind === 'timestamptz_ns'
  const zoned = kind === 'timestamptz' || kind === 'timestamptz_ns'
  return (v) => {
    if (typeof v === 'bigint') {
      if (v >= INT64_MIN && v <= INT64_MAX) return v
      throw new Problem(column, `${v} is outside the 64-bit range`)
    }
    if (v instanceof UnitTimestamp) return unitTimestamp(v, kind, column)
    if (v instanceof Date) {
      const ms = BigInt(dateMillis(v, column))
      return nanos ? ms * NANOS_PER_MILLI : ms * 1000n
    }
    if (typeof v === 'string') {
      const p = parsed(column, kind, () => parseIsoTimestamp(isoTimestampText(v.trim())))
      if (zoned && p.offsetSeconds === undefined) throw new Problem(column, `${JSON.stringify(v)} needs a zone offset for ${kind}`)
      if (!zoned && p.offsetSeconds !== undefined) throw new Problem(column, `${JSON.stringify(v)} has a zone offset; ${kind} values are local date-times`)
      if (nanos) return p.epochNanos
      const q = p.epochNanos / 1000n
      return p.epochNanos < 0n && q * 1000n !== p.epochNanos ? q - 1n : q
    }
    throw new Problem(column, `expected a bigint (${nanos ? 'ns' : 'µs'} since epoch), Date or ISO text, got ${describeInput(v)}`)
  }
}

function bytesConv(column: string, length: number | undefined, what: string): Conv {
  return (v) => {
    if (!(v instanceof Uint8Array)) throw new Problem(column, `expected a Uint8Array for ${what}, got ${describeInput(v)}`)
    if (length !== undefined && v.length !== length) throw new Problem(column, `expected ${length} bytes for ${what}, got ${v.length}`)
    return v
  }
}

/** Node 20's String.prototype.isWellFormed (ES2024, not in the ES2022 lib typings). */
type WellFormed = string & { isWellFormed(): boolean }

/** The converter of one type; `column` is the full column name used in messages. */
function converter(t: IcebergType, column: string): Conv {
  const expected = (what: string, v: unknown): never => {
    throw new Problem(column, `expected ${what} for ${typeToString(t)}, got ${describeInput(v)}`)
  }
  switch (t.kind) {
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : expected('a boolean', v))
    case 'int':
      return (v) => {
        // `| 0` turns −0 into 0: an int has no negative zero (it would otherwise split partitions)
        if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v | 0
        if (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n) return Number(v)
        return expected('a 32-bit integer', v)
      }
    case 'long':
      return (v) => {
        if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) return v
        if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
        return expected('a 64-bit bigint or a safe integer number', v)
      }
    case 'float':
      // rounded to 32 bits here, so the stored value, its metrics and its partition value all agree
      return (v) => (typeof v === 'number' ? Math.fround(v) : expected('a number', v))
    case 'double':
      return (v) => (typeof v === 'number' ? v : expected('a number', v))
    case 'decimal':
      return decimalConv(t, column)
    case 'date':
      return (v) => {
        if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v | 0
        if (v instanceof Date) {
          const ms = dateMillis(v, column)
          if (ms % 86_400_000 !== 0) throw new Problem(column, `Date ${v.toISOString()} is not a UTC midnight`)
          return ms / 86_400_000
        }
        if (typeof v === 'string') return parsed(column, 'date', () => isoDateToDays(v.trim()))
        return expected('days since epoch, a Date or YYYY-MM-DD text', v)
      }
    case 'time':
      return (v) => {
        if (typeof v === 'bigint') {
          if (v >= 0n && v < MICROS_PER_DAY) return v
          throw new Problem(column, `${v} µs is not a time of day`)
        }
        if (v instanceof UnitTime) {
          const x = changeUnit(v.value, v.unit, 'us')
          if (x === undefined) throw new Problem(column, `${v} is not a whole number of µs, the unit of time (no digits are dropped)`)
          if (x >= 0n && x < MICROS_PER_DAY) return x
          throw new Problem(column, `${v} is not a time of day`)
        }
        if (typeof v === 'string') return parsed(column, 'time', () => isoTimeToMicros(v.trim()))
        return expected('µs since midnight (bigint) or HH:MM:SS text', v)
      }
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return timestampConv(t.kind, column)
    case 'string':
      // a lone surrogate has no UTF-8 form: refused rather than stored as U+FFFD (Java would store '?')
      return (v) => {
        if (typeof v !== 'string') return expected('a string', v)
        if (!(v as WellFormed).isWellFormed()) throw new Problem(column, `expected well-formed Unicode text for ${typeToString(t)}, got a string with a lone surrogate`)
        return v
      }
    case 'uuid':
      return (v) => {
        if (v instanceof Uint8Array && v.length === 16) return v
        if (typeof v === 'string') return parsed(column, 'uuid', () => uuidToBytes(v.trim()))
        return expected('16 bytes or uuid text', v)
      }
    case 'fixed':
      return bytesConv(column, t.length, typeToString(t))
    case 'binary':
    case 'geometry':
    case 'geography':
      return bytesConv(column, undefined, typeToString(t))
    case 'unknown':
      return (v) => expected('null (unknown columns hold no values)', v)
    case 'variant':
      return (v) => {
        if (isPlainObject(v) && v.metadata instanceof Uint8Array && v.value instanceof Uint8Array) return { metadata: v.metadata, value: v.value }
        return expected('{ metadata, value } bytes', v)
      }
    case 'struct':
      return structConv(t.fields, column)
    case 'list': {
      const el = converter(t.element, `${column}.element`)
      return (v) => {
        if (!Array.isArray(v)) return expected('an array', v)
        return v.map((x: unknown, i) => {
          if (x !== null && x !== undefined) return el(x)
          if (t.elementRequired) throw new Problem(`${column}.element`, `element ${i} is null but elements are required`)
          return null
        })
      }
    }
    case 'map': {
      const key = converter(t.key, `${column}.key`)
      const val = converter(t.value, `${column}.value`)
      const keyId = keyIdentity(t.key)
      return (v) => {
        const entries: Iterable<readonly [unknown, unknown]> | undefined =
          v instanceof Map ? v.entries() : isPlainObject(v) && t.key.kind === 'string' ? Object.entries(v) : undefined
        if (!entries) return expected(t.key.kind === 'string' ? 'a Map or a plain object' : 'a Map', v)
        const out = new Map<Value, Value>()
        // the input key each converted key came from, by the key's identity: two input keys that convert to
        // one value ('1.5' and '1.50', equal typed timestamps, equal bytes) would lose an entry silently
        const seen = new Map<unknown, unknown>()
        for (const [k, x] of entries) {
          if (k === null || k === undefined) throw new Problem(`${column}.key`, 'map keys cannot be null')
          const value = x === null || x === undefined ? null : val(x)
          if (value === null && t.valueRequired) throw new Problem(`${column}.value`, `value of key ${describeInput(k)} is null but values are required`)
          const ck = key(k)
          const id = keyId(ck)
          if (seen.has(id)) throw new Problem(column, duplicateKey(seen.get(id), k, t.key))
          seen.set(id, k)
          out.set(ck, value)
        }
        return out
      }
    }
  }
}

/**
 * The identity under which a map holds a converted key of type `t`: the value itself where a JS Map compares it
 * by value (numbers, bigints, strings, booleans; a float −0 is 0 and NaN is NaN, as the Map that holds it),
 * else a canonical text (bytes by content, structs, lists and maps by their values).
 */
function keyIdentity(t: IcebergType): (v: Value) => unknown {
  switch (t.kind) {
    case 'struct':
    case 'list':
    case 'map':
    case 'variant':
    case 'uuid':
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return (v) => canonicalValue(t, v)
    default:
      return (v) => v
  }
}

// Equal texts for equal values of type `t` (floats by their total order: −0 ≠ 0 inside a compound key).
function canonicalValue(t: IcebergType, v: Value): string {
  if (v === null || v === undefined) return 'N'
  if (v instanceof Uint8Array) return `x${bytesToHex(v)}`
  switch (t.kind) {
    case 'struct': {
      const o = v as Readonly<Record<string, Value>>
      return `{${t.fields.map((f) => canonicalValue(f.type, Object.hasOwn(o, f.name) ? (o[f.name] ?? null) : null)).join(',')}}`
    }
    case 'list':
      return `[${(v as readonly Value[]).map((x) => canonicalValue(t.element, x)).join(',')}]`
    case 'map': {
      // a map key's entries as a set: the same entries in another order are the same map
      const parts = [...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => `${canonicalValue(t.key, k)}=${canonicalValue(t.value, x)}`)
      return `M{${parts.sort().join(',')}}`
    }
    case 'variant': {
      const p = v as { metadata: Uint8Array; value: Uint8Array }
      return `V${bytesToHex(p.metadata)}:${bytesToHex(p.value)}`
    }
    default:
      if (typeof v === 'string') return JSON.stringify(v)
      if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
      return String(v)
  }
}

/** Why a map is refused when input keys `first` and `again` convert to one key of type `t`. */
function duplicateKey(first: unknown, again: unknown, t: IcebergType): string {
  const a = describeKey(first)
  const b = describeKey(again)
  if (a === b) return `the map has the key ${a} more than once`
  return `the map has the keys ${a} and ${b}, which are one ${typeToString(t)} key (a map holds each key once)`
}

function describeKey(k: unknown): string {
  if (typeof k === 'string') return JSON.stringify(clip(k))
  if (typeof k === 'bigint') return String(k)
  if (typeof k === 'number') return Object.is(k, -0) ? '-0' : String(k)
  if (k instanceof Uint8Array) return `0x${clip(bytesToHex(k))}`
  if (k instanceof Date) return Number.isFinite(k.getTime()) ? k.toISOString() : 'an invalid Date'
  return describeInput(k)
}

// Struct values (or whole rows) keyed by field name; returns the input itself when every value is already exact.
// The per-field steps are compiled into straight-line code so each converter call site stays monomorphic
// (a loop over converters is megamorphic and dominated the write path); names enter the code only as JSON
// string literals.
function structConv(fields: readonly NestedField[], prefix: string | undefined): Conv {
  const names = fields.map((f) => f.name)
  const known = new Set(names)
  const columns = fields.map((f) => (prefix === undefined ? f.name : `${prefix}.${f.name}`))
  const convs = fields.map((f, i) => converter(f.type, columns[i]!))
  // value of an absent (undefined) or null field: write-default, null, or a required-value problem
  const absent = fields.map((f, i) => (v: null | undefined): Value => {
    if (v === undefined && f.writeDefault !== undefined) return f.writeDefault
    if (f.required) throw new Problem(columns[i]!, 'required value is missing')
    return null
  })
  const checkObject = (input: unknown): void => {
    if (!isPlainObject(input)) throw new Problem(prefix ?? '', `expected an object keyed by column name, got ${describeInput(input)}`)
  }
  const checkUnknown = (input: Readonly<Record<string, unknown>>): void => {
    for (const k of Object.keys(input)) if (!known.has(k)) throw new Problem(prefix === undefined ? k : `${prefix}.${k}`, 'no such column in the table schema')
  }
  const key = (i: number): string => JSON.stringify(names[i])
  const idx = fields.map((_, i) => i)
  const code = [
    `const [${idx.map((i) => `conv${i}`).join(', ')}] = convs;`,
    `const [${idx.map((i) => `absent${i}`).join(', ')}] = absent;`,
    'return function (input) {',
    '  checkObject(input);',
    '  let missing = false;',
    // a field named like an Object.prototype member (`__proto__`, `constructor`, `toString`, …) is read only
    // as an own property (else every object would have it)
    ...idx.map((i) => `  const v${i} = ${names[i]! in Object.prototype ? `(Object.hasOwn(input, ${key(i)}) ? input[${key(i)}] : undefined)` : `input[${key(i)}]`}; let c${i}; if (v${i} === null || v${i} === undefined) { if (v${i} === undefined) missing = true; c${i} = absent${i}(v${i}); } else c${i} = conv${i}(v${i});`),
    // a key that is not a field is refused even when every field is present (counted without allocating)
    `  if (!missing) { let keys = 0; for (const k in input) if (Object.hasOwn(input, k)) keys++; if (keys !== ${fields.length}) missing = true; }`,
    '  if (missing) checkUnknown(input);',
    // Object.is: a converter that only changed −0 to 0 must still produce a new row
    `  if (${idx.map((i) => `Object.is(c${i}, v${i})`).join(' && ') || 'true'}) return input;`,
    // a computed key keeps a field named __proto__ an own property
    `  return { ${idx.map((i) => `${names[i] === '__proto__' ? `[${key(i)}]` : key(i)}: c${i}`).join(', ')} };`,
    '};',
  ].join('\n')
  return new Function('convs', 'absent', 'checkObject', 'checkUnknown', code)(convs, absent, checkObject, checkUnknown) as Conv
}

/** Compile the coercer of a schema; `source` (a file name or `rows`) is named in errors. */
export function rowCoercer(schema: Schema, source = 'rows'): RowCoercer {
  const conv = structConv(schema.fields, undefined)
  return (input, rowNumber) => {
    try {
      return conv(input) as Row
    } catch (e) {
      if (!(e instanceof Problem)) throw e
      const where = e.column === '' ? '' : ` column ${e.column}`
      throw new InvalidDataError(`Invalid data in ${source} row ${rowNumber}${where}: ${e.message}`, {
        context: { file: source, row: rowNumber, ...(e.column === '' ? {} : { field: e.column }) },
      })
    }
  }
}

/** Coerce a whole batch of rows (1-based row numbers); throws on the first bad row. */
export function coerceRows(schema: Schema, rows: Iterable<unknown>, source = 'rows'): Row[] {
  const conv = rowCoercer(schema, source)
  const out: Row[] = []
  let n = 0
  for (const r of rows) out.push(conv(r, ++n))
  return out
}
