// Spec §Primitive Types (date/time/timestamp) and §Partition Transforms: proleptic Gregorian calendar
// arithmetic on epoch days / micros / nanos, ISO-8601 text forms, and floor-based unit conversions.
// Everything floors (never truncates toward zero), so pre-1970 values are correct.
import { InvalidArgumentError } from '../errors.js'

/** Microseconds in one day. */
export const MICROS_PER_DAY = 86_400_000_000n
/** Microseconds in one hour. */
export const MICROS_PER_HOUR = 3_600_000_000n
/** Nanoseconds in one microsecond. */
export const NANOS_PER_MICRO = 1000n
const NANOS_PER_DAY = 86_400_000_000_000n
const NANOS_PER_SECOND = 1_000_000_000n
const EPOCH_YEAR = 1970

/** Floor division of bigints (rounds toward −∞, unlike `/`). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

/** Floor modulus of bigints: the result has the sign of `b`. */
export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b
}

/** Floor division of safe integers held in numbers (exact, no floating-point rounding). */
export function floorDivInt(a: number, b: number): number {
  const r = a % b
  const q = (a - r) / b
  return r !== 0 && r < 0 !== b < 0 ? q - 1 : q
}

/** A proleptic Gregorian calendar date. */
export interface CivilDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** Calendar date of a day count since 1970-01-01 (negative counts are before the epoch). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468
  const era = floorDivInt(z, 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Day count since 1970-01-01 of a calendar date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = floorDivInt(y, 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
}

const pad = (n: number | bigint, w: number): string => n.toString().padStart(w, '0')

/** Year as Java's ISO formatter prints it: 4 digits, `-0001` before year 1, `+10000` after 9999. */
export function formatIsoYear(year: number): string {
  if (year > 9999) return `+${year}`
  if (year < 0) return `-${pad(-year, 4)}`
  return pad(year, 4)
}

/** `YYYY-MM-DD` of a day count since the epoch. */
export function daysToIsoDate(days: number): string {
  const c = civilFromDays(days)
  return `${formatIsoYear(c.year)}-${pad(c.month, 2)}-${pad(c.day, 2)}`
}

const DATE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/
const TIMESTAMP = /^([+-]?\d{4,}-\d{2}-\d{2})[Tt]([0-9:.]+)(Z|z|[+-]\d{2}:\d{2}(?::\d{2})?)?$/

function bad(kind: string, s: string): never {
  throw new InvalidArgumentError(`Invalid ISO-8601 ${kind}: ${JSON.stringify(s)}`)
}

/** Day count of an ISO `YYYY-MM-DD` date (also `+YYYYY`/`-YYYY` years); throws INVALID_ARGUMENT. */
export function isoDateToDays(s: string): number {
  const m = DATE.exec(s)
  if (!m) return bad('date', s)
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  if (!Number.isSafeInteger(y) || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return bad('date', s)
  return daysFromCivil(y, mo, d)
}

/**
 * How fractional seconds are printed: `micros`/`nanos` always 6/9 digits (the spec's JSON form);
 * `trim` drops trailing zeros and the point (Java ISO_LOCAL_TIME); `java-time` is Java `LocalTime.toString()`
 * (`HH:mm` when seconds and fraction are zero, else fraction in groups of 3 digits).
 */
export type FractionStyle = 'micros' | 'nanos' | 'trim' | 'java-time'

function formatNanosOfDay(nanosOfDay: bigint, style: FractionStyle): string {
  const secs = Number(nanosOfDay / NANOS_PER_SECOND)
  const frac = Number(nanosOfDay % NANOS_PER_SECOND)
  const hh = pad(Math.floor(secs / 3600), 2)
  const mm = pad(Math.floor(secs / 60) % 60, 2)
  const ss = pad(secs % 60, 2)
  switch (style) {
    case 'micros':
      return `${hh}:${mm}:${ss}.${pad(Math.floor(frac / 1000), 6)}`
    case 'nanos':
      return `${hh}:${mm}:${ss}.${pad(frac, 9)}`
    case 'trim':
      return frac === 0 ? `${hh}:${mm}:${ss}` : `${hh}:${mm}:${ss}.${pad(frac, 9).replace(/0+$/, '')}`
    case 'java-time': {
      if (frac === 0) return secs % 60 === 0 ? `${hh}:${mm}` : `${hh}:${mm}:${ss}`
      const digits = frac % 1_000_000 === 0 ? pad(frac / 1_000_000, 3) : frac % 1000 === 0 ? pad(frac / 1000, 6) : pad(frac, 9)
      return `${hh}:${mm}:${ss}.${digits}`
    }
  }
}

function parseNanosOfDay(t: string, whole: string, kind: string): bigint {
  const m = TIME.exec(t)
  if (!m) return bad(kind, whole)
  const h = Number(m[1])
  const mi = Number(m[2])
  const s = m[3] === undefined ? 0 : Number(m[3])
  if (h > 23 || mi > 59 || s > 59) return bad(kind, whole)
  const frac = m[4] === undefined ? 0n : BigInt(m[4].padEnd(9, '0'))
  return BigInt((h * 60 + mi) * 60 + s) * NANOS_PER_SECOND + frac
}

/** `HH:MM:SS.ffffff` (style per {@link FractionStyle}) of microseconds since midnight. */
export function microsToIsoTime(micros: bigint, style: FractionStyle = 'micros'): string {
  if (micros < 0n || micros >= MICROS_PER_DAY) throw new InvalidArgumentError(`Invalid time of day: ${micros} µs`)
  return formatNanosOfDay(micros * NANOS_PER_MICRO, style)
}

/** Microseconds since midnight of an ISO time `HH:MM[:SS[.fffffffff]]` (extra precision floors). */
export function isoTimeToMicros(s: string): bigint {
  return parseNanosOfDay(s, s, 'time') / NANOS_PER_MICRO
}

/** Options for printing timestamps. */
export interface TimestampFormat {
  /** Append `+00:00` (timestamptz). */
  readonly zone?: boolean
  /** Fraction style; default `micros` for µs values and `nanos` for ns values. */
  readonly style?: FractionStyle
}

function formatEpochNanos(nanos: bigint, zone: boolean, style: FractionStyle): string {
  const days = floorDiv(nanos, NANOS_PER_DAY)
  const ofDay = nanos - days * NANOS_PER_DAY
  const text = `${daysToIsoDate(Number(days))}T${formatNanosOfDay(ofDay, style)}`
  return zone ? `${text}+00:00` : text
}

/** ISO timestamp of microseconds since the epoch, e.g. `2017-11-16T22:31:08.000001[+00:00]`. */
export function microsToIsoTimestamp(micros: bigint, fmt: TimestampFormat = {}): string {
  return formatEpochNanos(micros * NANOS_PER_MICRO, fmt.zone ?? false, fmt.style ?? 'micros')
}

/** ISO timestamp of nanoseconds since the epoch, e.g. `2017-11-16T22:31:08.000001001[+00:00]`. */
export function nanosToIsoTimestamp(nanos: bigint, fmt: TimestampFormat = {}): string {
  return formatEpochNanos(nanos, fmt.zone ?? false, fmt.style ?? 'nanos')
}

/** A parsed ISO timestamp: nanoseconds since the epoch in UTC, and the offset if the text had one. */
export interface ParsedTimestamp {
  readonly epochNanos: bigint
  readonly offsetSeconds?: number
}

/** Parse `YYYY-MM-DDTHH:MM[:SS[.f…]][Z|±HH:MM]`; an offset is applied so the result is UTC. */
export function parseIsoTimestamp(s: string): ParsedTimestamp {
  const m = TIMESTAMP.exec(s)
  if (!m) return bad('timestamp', s)
  const days = BigInt(isoDateToDaysOr(m[1]!, s))
  const local = days * NANOS_PER_DAY + parseNanosOfDay(m[2]!, s, 'timestamp')
  const off = m[3]
  if (off === undefined) return { epochNanos: local }
  if (off === 'Z' || off === 'z') return { epochNanos: local, offsetSeconds: 0 }
  const sign = off[0] === '-' ? -1 : 1
  const [h, mi, sec] = off.slice(1).split(':').map(Number)
  if (h! > 18 || mi! > 59 || (sec ?? 0) > 59) return bad('timestamp offset', s)
  const offsetSeconds = sign * (h! * 3600 + mi! * 60 + (sec ?? 0))
  return { epochNanos: local - BigInt(offsetSeconds) * NANOS_PER_SECOND, offsetSeconds }
}

function isoDateToDaysOr(date: string, whole: string): number {
  try {
    return isoDateToDays(date)
  } catch {
    return bad('timestamp', whole)
  }
}

/** Microseconds since the epoch (UTC) of an ISO timestamp with or without offset (extra precision floors). */
export function isoTimestampToMicros(s: string): bigint {
  return floorDiv(parseIsoTimestamp(s).epochNanos, NANOS_PER_MICRO)
}

/** Nanoseconds since the epoch (UTC) of an ISO timestamp with or without offset. */
export function isoTimestampToNanos(s: string): bigint {
  return parseIsoTimestamp(s).epochNanos
}

/** Floor-convert nanoseconds to microseconds (used before bucketing and temporal transforms of *_ns). */
export function nanosToMicros(nanos: bigint): bigint {
  return floorDiv(nanos, NANOS_PER_MICRO)
}

/** Years since 1970 of a day count (floor: 1969-12-31 → −1). */
export function daysToYears(days: number): number {
  return civilFromDays(days).year - EPOCH_YEAR
}

/** Months since 1970-01 of a day count: `(year − 1970) * 12 + (month − 1)`. */
export function daysToMonths(days: number): number {
  const c = civilFromDays(days)
  return (c.year - EPOCH_YEAR) * 12 + c.month - 1
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = -MAX_SAFE

// Exact floor(n / d) for safe integers: correct the rounded float quotient by the exact remainder.
function floorDivSafe(n: number, d: number): number {
  let q = Math.floor(n / d)
  let r = n - q * d
  while (r < 0) {
    q--
    r += d
  }
  while (r >= d) {
    q++
    r -= d
  }
  return q
}

function floorDivToNumber(v: bigint, d: bigint, dn: number): number {
  return v >= MIN_SAFE && v <= MAX_SAFE ? floorDivSafe(Number(v), dn) : Number(floorDiv(v, d))
}

/** Days since the epoch of a microsecond timestamp (floor). */
export function microsToDays(micros: bigint): number {
  return floorDivToNumber(micros, MICROS_PER_DAY, 86_400_000_000)
}

/** Hours since the epoch of a microsecond timestamp (floor). */
export function microsToHours(micros: bigint): number {
  return floorDivToNumber(micros, MICROS_PER_HOUR, 3_600_000_000)
}

/** Years since 1970 of a microsecond timestamp (floor). */
export function microsToYears(micros: bigint): number {
  return daysToYears(microsToDays(micros))
}

/** Months since 1970-01 of a microsecond timestamp (floor). */
export function microsToMonths(micros: bigint): number {
  return daysToMonths(microsToDays(micros))
}

/** Human year of a year ordinal (`47` → `2017`), as Java's partition paths print it. */
export function humanYear(ordinal: number): string {
  return formatJavaInt4(EPOCH_YEAR + ordinal)
}

/** Human month of a month ordinal (`574` → `2017-11`). */
export function humanMonth(ordinal: number): string {
  return `${formatJavaInt4(EPOCH_YEAR + floorDivInt(ordinal, 12))}-${pad(ordinal - floorDivInt(ordinal, 12) * 12 + 1, 2)}`
}

/** Human day of a day ordinal (`17486` → `2017-11-16`). */
export function humanDay(ordinal: number): string {
  const c = civilFromDays(ordinal)
  return `${formatJavaInt4(c.year)}-${pad(c.month, 2)}-${pad(c.day, 2)}`
}

/** Human hour of an hour ordinal (`419686` → `2017-11-16-22`). */
export function humanHour(ordinal: number): string {
  const days = floorDivInt(ordinal, 24)
  return `${humanDay(days)}-${pad(ordinal - days * 24, 2)}`
}

// Java String.format("%04d", n): zero-padded to width 4 including the minus sign.
function formatJavaInt4(n: number): string {
  return n < 0 ? `-${pad(-n, 3)}` : pad(n, 4)
}
