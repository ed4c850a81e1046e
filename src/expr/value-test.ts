// Shared by the row, partition and residual evaluators: a bound predicate compiled once into a test on one
// value, with SQL-like semantics that agree with the metrics and manifest evaluators (see eval-row.ts).
import { MICROS_PER_DAY } from '../spec/temporal.js'
import type { PrimitiveType, Value } from '../spec/types.js'
import { bytesToHex, compareBytes, compareFloats, compareStrings } from '../spec/values.js'
import type { BoundPredicate } from './expression.js'

/** A compiled test of one (possibly null) value. */
export type ValueTest = (v: Value) => boolean

/** Order of two non-null values of one primitive type. */
export type Comparator = (a: Value, b: Value) => number

const numeric: Comparator = (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)
const floats: Comparator = (a, b) => compareFloats(a as number, b as number)
const strings: Comparator = (a, b) => compareStrings(a as string, b as string)
const bytes: Comparator = (a, b) => compareBytes(a as Uint8Array, b as Uint8Array)
const booleans: Comparator = (a, b) => (a === b ? 0 : a ? 1 : -1)

/**
 * Iceberg order of non-null values of `type`, specialised once (no per-call type switch): numbers and
 * bigints numerically, floats by the spec's total order (−0 < +0), strings by UTF-8 bytes, uuid/fixed/binary
 * by unsigned bytes, false < true.
 */
export function comparatorFor(type: PrimitiveType): Comparator {
  switch (type.kind) {
    case 'float':
    case 'double':
      return floats
    case 'string':
      return strings
    case 'uuid':
    case 'fixed':
    case 'binary':
      return bytes
    case 'boolean':
      return booleans
    default:
      return numeric
  }
}

// Java's Float.compare: every NaN is the largest value (bounds written by ORC can be NaN).
const javaFloats: Comparator = (a, b) => {
  const x = a as number
  const y = b as number
  if (x !== x) return y !== y ? 0 : 1
  return y !== y ? -1 : compareFloats(x, y)
}

// java.util.UUID order: the two 8-byte halves compared as signed longs (= unsigned with the sign bits flipped).
const signedUuids: Comparator = (a, b) => {
  const x = a as Uint8Array
  const y = b as Uint8Array
  for (let i = 0; i < 16; i++) {
    const flip = i === 0 || i === 8 ? 0x80 : 0
    const d = (x[i]! ^ flip) - (y[i]! ^ flip)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/**
 * Orders in which stored bounds (file metrics, partition summaries) may have been written: one order for
 * most types (floats compare NaN as largest, like Java); uuid has two, unsigned bytes (RFC 4122, floe,
 * Parquet) and Java's signed halves, because Java's in-memory metrics used `UUID.compareTo`.
 */
export function boundComparators(type: PrimitiveType): readonly Comparator[] {
  if (type.kind === 'uuid') return [bytes, signedUuids]
  if (type.kind === 'float' || type.kind === 'double') return [javaFloats]
  return [comparatorFor(type)]
}

/** True for float and double. */
export function isFloatType(type: PrimitiveType): boolean {
  return type.kind === 'float' || type.kind === 'double'
}

/** True when `v` is a NaN number. */
export function isNaNValue(v: Value): boolean {
  return typeof v === 'number' && v !== v
}

// A key under which `Set` membership equals Iceberg equality: −0 and +0 differ, bytes compare by content.
function keyFn(type: PrimitiveType): (v: Value) => unknown {
  switch (type.kind) {
    case 'float':
    case 'double':
      return (v) => (v === 0 && Object.is(v, -0) ? '-0' : v)
    case 'uuid':
    case 'fixed':
    case 'binary':
      return (v) => (v instanceof Uint8Array ? bytesToHex(v) : v)
    default:
      return (v) => v
  }
}

/** Membership test of non-null values in `values` under Iceberg equality (a hash set, built once). */
export function membershipFor(type: PrimitiveType, values: readonly Value[]): (v: Value) => boolean {
  const key = keyFn(type)
  const set = new Set<unknown>(values.map(key))
  return (v) => set.has(key(v))
}

/**
 * Normalise a value read under an older type to the representation of `type` (spec type promotion):
 * a number for long/time becomes a bigint, a number for timestamp(_ns) is a promoted date (days).
 * Returns undefined when no coercion can apply, so callers skip the call entirely.
 */
export function coercionFor(type: PrimitiveType): ((v: Value) => Value) | undefined {
  switch (type.kind) {
    case 'long':
    case 'time':
    case 'timestamptz':
    case 'timestamptz_ns':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v)
    case 'timestamp':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) * MICROS_PER_DAY : v)
    case 'timestamp_ns':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) * MICROS_PER_DAY * 1000n : v)
    default:
      return undefined
  }
}

/**
 * Compile a bound predicate into a test of one value (null or undefined = missing). Semantics: null
 * matches only isNull and the negated forms notEq / notIn / notStartsWith / notNaN; a NaN matches isNaN,
 * notEq and notIn and no ordered comparison (as the metrics evaluators assume); everything else compares
 * in Iceberg order (−0 < +0, strings by UTF-8 bytes).
 */
export function compileValueTest(pred: BoundPredicate): ValueTest {
  const type = pred.term.type
  const coerce = coercionFor(type)
  const test = compileRaw(pred)
  if (!coerce) return test
  return (v) => test(v === null || v === undefined ? null : coerce(v))
}

function compileRaw(pred: BoundPredicate): ValueTest {
  const type = pred.term.type
  const isNull = (v: Value): boolean => v === null || v === undefined
  if (pred.kind === 'unary') {
    switch (pred.op) {
      case 'isNull':
        return isNull
      case 'notNull':
        return (v) => !isNull(v)
      case 'isNaN':
        return isNaNValue
      case 'notNaN':
        return (v) => !isNaNValue(v)
    }
  }
  const float = isFloatType(type)
  // true when v takes part in comparisons (not null, not NaN)
  const usable = float ? (v: Value): boolean => !isNull(v) && v === v : (v: Value): boolean => !isNull(v)
  if (pred.kind === 'set') {
    const has = membershipFor(type, pred.values)
    return pred.op === 'in' ? (v) => usable(v) && has(v) : (v) => !(usable(v) && has(v))
  }
  const lit = pred.value
  if (pred.op === 'startsWith' || pred.op === 'notStartsWith') {
    const prefix = String(lit)
    const starts = (v: Value): boolean => typeof v === 'string' && v.startsWith(prefix)
    return pred.op === 'startsWith' ? starts : (v) => !starts(v)
  }
  const cmp = comparatorFor(type)
  switch (pred.op) {
    case 'lt':
      return (v) => usable(v) && cmp(v, lit) < 0
    case 'ltEq':
      return (v) => usable(v) && cmp(v, lit) <= 0
    case 'gt':
      return (v) => usable(v) && cmp(v, lit) > 0
    case 'gtEq':
      return (v) => usable(v) && cmp(v, lit) >= 0
    case 'eq':
      return (v) => usable(v) && cmp(v, lit) === 0
    case 'notEq':
      return (v) => !(usable(v) && cmp(v, lit) === 0)
  }
}

/** Sort and de-duplicate values of one type (the canonical order of a bound set predicate). */
export function sortedDistinct(type: PrimitiveType, values: readonly Value[]): Value[] {
  const cmp = comparatorFor(type)
  const out: Value[] = []
  for (const v of [...values].sort(cmp)) if (out.length === 0 || cmp(out[out.length - 1]!, v) !== 0) out.push(v)
  return out
}

/** Compare a stored bound with a prefix (UTF-8 or raw bytes), the bound cut to at most the prefix length. */
export function comparePrefix(bound: Uint8Array, prefix: Uint8Array): number {
  return compareBytes(bound.length > prefix.length ? bound.subarray(0, prefix.length) : bound, prefix)
}

/** True when the bound's bytes start with the prefix's bytes. */
export function startsWithBytes(bound: Uint8Array, prefix: Uint8Array): boolean {
  return bound.length >= prefix.length && comparePrefix(bound, prefix) === 0
}
