// Spec §Scan Planning (predicate projection): inclusive and strict projection of a bound predicate through
// one partition field's transform, with the semantics of Java's Transform.project/projectStrict
// (ProjectionUtil, Dates, Timestamps, Truncate, Bucket, Identity), including the widening Java applies so
// that pre-1970 values written by Iceberg ≤ 0.10 (one too large) are still found.
//
// One deliberate difference: truncate[W] on int/long wraps around for the few values just above the type's
// minimum when W does not divide 2^31 / 2^63 (Java computes `v - mod(v, W)` in 32/64-bit arithmetic, so
// T(-2^31) with W=10 is 2^31 - 2). Those rows live in a partition whose value is out of order with the
// rest, so Java's range projections can skip or wrongly accept it. floe accounts for that partition: the
// single-predicate API returns "no projection" where one predicate cannot say it, and the expression API
// adds `or part = wrapped` (inclusive) / `and part != wrapped` (strict). A long column promoted from int
// also keeps the int-era wrapped partition, so long projections account for that value too.
import { canTransform, resultType, type Transform } from '../spec/transform.js'
import { applyTransform, temporalValue, truncateValue } from '../spec/transform-apply.js'
import type { PrimitiveType, Value } from '../spec/types.js'
import { isInt32, isInt64 } from '../spec/value-check.js'
import { codePointCount, compareValues, decimalFitsPrecision, valueEquals } from '../spec/values.js'
import { and, or, type BoundExpression, type BoundPredicate, type BoundReference, type PredicateOp, type SetOp, type UnaryOp, type LiteralOp } from './expression.js'

/** The partition field a predicate is projected onto (a `PartitionField` fits). */
export interface ProjectionTarget {
  readonly fieldId: number
  readonly name: string
  readonly transform: Transform
  /** When given, predicates on any other column project to nothing. */
  readonly sourceId?: number
}

// An intermediate projected predicate: unary ops carry no values, literal ops one, set ops any number.
interface Proj {
  readonly op: PredicateOp
  readonly values: readonly Value[]
}

const UNARY: ReadonlySet<PredicateOp> = new Set<UnaryOp>(['isNull', 'notNull', 'isNaN', 'notNaN'])
const SET: ReadonlySet<PredicateOp> = new Set<SetOp>(['in', 'notIn'])

// A projection: the main predicate and, for truncated int/long ranges, the out-of-order partition values that
// hold wrapped-around minimum values (added with OR when inclusive, excluded with AND NOT when strict).
interface Projection {
  readonly term: BoundReference
  readonly main: Proj
  readonly wrapped?: readonly Value[]
  /** The int-era wrapped partition of a long column promoted from int (see intWrapGuard). */
  readonly intWrapped?: bigint
}

/**
 * Inclusive projection: a predicate on the partition value that is true for every partition that may
 * hold a row matching `pred`; undefined means "no projection" (treat as true). For values of the column's
 * current type: only the expression form also covers a promoted long's int-era partition.
 */
export function projectInclusive(pred: BoundPredicate, target: ProjectionTarget): BoundPredicate | undefined {
  const p = project(pred, target, false)
  return p && p.wrapped === undefined ? build(p.term, p.main) : undefined
}

/**
 * Strict projection: a predicate on the partition value that is true only for partitions whose rows all
 * match `pred`; undefined means "no projection" (treat as false). For values of the column's current type:
 * only the expression form also covers a promoted long's int-era partition.
 */
export function projectStrict(pred: BoundPredicate, target: ProjectionTarget): BoundPredicate | undefined {
  const p = project(pred, target, true)
  return p && p.wrapped === undefined ? build(p.term, p.main) : undefined
}

/**
 * Inclusive projection as an expression: {@link projectInclusive}, except that where truncation wraps
 * around near the int/long minimum it keeps pruning with `range or part = wrapped` instead of giving up.
 */
export function projectInclusiveExpression(pred: BoundPredicate, target: ProjectionTarget): BoundExpression | undefined {
  const p = project(pred, target, false)
  if (!p) return undefined
  const main = build(p.term, p.main)
  return [...(p.wrapped ?? []), ...(p.intWrapped === undefined ? [] : [p.intWrapped])].reduce<BoundExpression>((e, w) => or(e, build(p.term, one('eq', w))), main)
}

/**
 * Strict projection as an expression: {@link projectStrict}, except that where truncation wraps around
 * near the int/long minimum it keeps `range and part != wrapped` instead of giving up.
 */
export function projectStrictExpression(pred: BoundPredicate, target: ProjectionTarget): BoundExpression | undefined {
  const p = project(pred, target, true)
  if (!p) return undefined
  const main = build(p.term, p.main)
  return [...(p.wrapped ?? []), ...(p.intWrapped === undefined ? [] : [p.intWrapped])].reduce<BoundExpression>((e, w) => and(e, build(p.term, one('notEq', w))), main)
}

function project(pred: BoundPredicate, target: ProjectionTarget, strict: boolean): Projection | undefined {
  const t = target.transform
  const source = pred.term.type
  if (target.sourceId !== undefined && target.sourceId !== pred.term.fieldId) return undefined
  if (t.kind === 'void' || t.kind === 'unknown' || !canTransform(t, source)) return undefined
  const input = toProj(pred)
  let out: Proj | undefined
  let wrapped: readonly Value[] | undefined
  let intWrapped: bigint | undefined
  switch (t.kind) {
    case 'identity':
      out = input
      break
    case 'bucket':
      out = projectBucket(input, (v) => applyTransform(t, source, v), strict)
      break
    case 'truncate': {
      const r = projectTruncate(input, source, t.width, strict)
      out = r?.main
      wrapped = r?.wrapped
      intWrapped = r?.intWrapped
      break
    }
    default: {
      const unit = t.kind
      out = projectOrdered(input, (v) => temporalValue(unit, source, v), stepValue(source), strict)
      // Java: Dates.DAY is the identity on days, so only its year/month and every timestamp unit get widened.
      if (out && !(source.kind === 'date' && unit === 'day')) out = strict ? fixStrict(out) : fixInclusive(out)
    }
  }
  if (!out) return undefined
  const term: BoundReference = { fieldId: target.fieldId, name: target.name, type: resultType(t, source) }
  return { term, main: out, ...(wrapped === undefined ? {} : { wrapped }), ...(intWrapped === undefined ? {} : { intWrapped }) }
}

function toProj(pred: BoundPredicate): Proj {
  switch (pred.kind) {
    case 'unary':
      return { op: pred.op, values: [] }
    case 'literal':
      return { op: pred.op, values: [pred.value] }
    case 'set':
      return { op: pred.op, values: pred.values }
  }
}

const one = (op: PredicateOp, value: Value): Proj => ({ op, values: [value] })
const nullTest = (p: Proj): Proj | undefined => (p.op === 'isNull' || p.op === 'notNull' ? { op: p.op, values: [] } : undefined)

function projectBucket(p: Proj, apply: (v: Value) => Value, strict: boolean): Proj | undefined {
  if (UNARY.has(p.op)) return nullTest(p)
  const keep = strict ? ['notEq', 'notIn'] : ['eq', 'in']
  return keep.includes(p.op) ? { op: p.op, values: p.values.map(apply) } : undefined
}

// ProjectionUtil.truncateInteger/Long/Decimal (and strict forms) over an order-preserving `apply`, with
// `step(v, ±1)` giving the adjacent source value (undefined when it leaves the source range).
function projectOrdered(
  p: Proj,
  apply: (v: Value) => Value,
  step: (v: Value, d: 1 | -1) => Value | undefined,
  strict: boolean,
): Proj | undefined {
  if (UNARY.has(p.op)) return nullTest(p)
  if (SET.has(p.op)) return p.op === (strict ? 'notIn' : 'in') ? { op: p.op, values: p.values.map(apply) } : undefined
  const v = p.values[0]!
  const at = (op: PredicateOp, d: 0 | 1 | -1): Proj | undefined => {
    const s = d === 0 ? v : step(v, d)
    return s === undefined ? undefined : one(op, apply(s))
  }
  if (!strict) {
    switch (p.op) {
      case 'lt':
        return at('ltEq', -1)
      case 'ltEq':
        return at('ltEq', 0)
      case 'gt':
        return at('gtEq', 1)
      case 'gtEq':
        return at('gtEq', 0)
      case 'eq':
        return at('eq', 0)
      default:
        return undefined
    }
  }
  switch (p.op) {
    case 'lt':
      return at('lt', 0)
    case 'ltEq':
      return at('lt', 1)
    case 'gt':
      return at('gt', 0)
    case 'gtEq':
      return at('gt', -1)
    case 'notEq':
      return at('notEq', 0)
    default:
      return undefined
  }
}

function stepValue(source: PrimitiveType): (v: Value, d: 1 | -1) => Value | undefined {
  switch (source.kind) {
    case 'int':
    case 'date':
      return (v, d) => {
        const s = (v as number) + d
        return isInt32(s) ? s : undefined
      }
    case 'decimal': {
      const precision = source.precision
      return (v, d) => {
        const s = (v as bigint) + BigInt(d)
        return decimalFitsPrecision(s, precision) ? s : undefined
      }
    }
    default:
      return (v, d) => {
        const s = (v as bigint) + BigInt(d)
        return isInt64(s) ? s : undefined
      }
  }
}

// The lowest int/long value: where truncation wraps around.
const MIN_OF: Partial<Record<PrimitiveType['kind'], number | bigint>> = { int: -2147483648, long: -(2n ** 63n) }

// Truncate[W] of int/long maps the values [MIN, first multiple of W) to `wrapped` = T(MIN), an
// out-of-order partition value that is never a multiple of W (so never a regular partition). Given the
// range projection Java builds, decide what is still sound with that partition around:
//   inclusive `<= b` misses it when wrapped > b (its rows match: they are the smallest values) → add it;
//   inclusive `>= b` with b = wrapped means the bound itself wrapped: every partition may match → none;
//   strict `< b` with b = wrapped: the regular partitions below b hold larger values → none;
//   strict `> b` includes it when wrapped > b although its rows are the smallest → exclude it.
// Point and set projections apply T itself, so they are exact.
function guardWrap(out: Proj | undefined, wrapped: number | bigint): Truncated | undefined {
  if (!out || out.values.length !== 1 || SET.has(out.op)) return out && { main: out }
  const b = out.values[0] as number | bigint
  const above = wrapped > b
  switch (out.op) {
    case 'ltEq':
    case 'gt':
      return above ? { main: out, wrapped: [wrapped] } : { main: out }
    case 'gtEq':
    case 'lt':
      return b === wrapped ? undefined : { main: out }
    default:
      return { main: out }
  }
}

// A truncate projection and the wrapped partition values it must add (inclusive) or exclude (strict).
interface Truncated {
  readonly main: Proj
  readonly wrapped?: readonly Value[]
  readonly intWrapped?: bigint
}

// A long column promoted from int keeps the partitions its int-era rows were written to, and truncate[W] of
// int wrapped the values from -2^31 up to the first multiple of W, [-2^31, -2^31 + W - r) with
// r = (-2^31) mod W, to T_int(-2^31) = 2^31 - r, which the long transform never produces (it is never a
// multiple of W). Whether that old partition may hold a match (inclusive), or surely holds only matches
// (strict), is decided on its value interval.
const INT_MIN = -(2n ** 31n)

function intWrapGuard(p: Proj, width: number, strict: boolean): bigint | undefined {
  const r = ((INT_MIN % BigInt(width)) + BigInt(width)) % BigInt(width)
  if (r === 0n || UNARY.has(p.op)) return undefined
  const lo = INT_MIN
  const hi = INT_MIN + BigInt(width) - r - 1n
  const vs = p.values as readonly bigint[]
  const inRange = (v: bigint): boolean => v >= lo && v <= hi
  const single = lo === hi
  let some: boolean
  let all: boolean
  switch (p.op) {
    case 'lt':
      ;[some, all] = [lo < vs[0]!, hi < vs[0]!]
      break
    case 'ltEq':
      ;[some, all] = [lo <= vs[0]!, hi <= vs[0]!]
      break
    case 'gt':
      ;[some, all] = [hi > vs[0]!, lo > vs[0]!]
      break
    case 'gtEq':
      ;[some, all] = [hi >= vs[0]!, lo >= vs[0]!]
      break
    case 'eq':
      ;[some, all] = [inRange(vs[0]!), single && vs[0] === lo]
      break
    case 'notEq':
      ;[some, all] = [!(single && vs[0] === lo), !inRange(vs[0]!)]
      break
    case 'in':
      ;[some, all] = [vs.some(inRange), single && vs.includes(lo)]
      break
    case 'notIn':
      ;[some, all] = [true, !vs.some(inRange)]
      break
    default:
      return undefined
  }
  const wrapped = 2n ** 31n - r
  return (strict ? !all : some) ? wrapped : undefined
}

function projectTruncate(p: Proj, source: PrimitiveType, width: number, strict: boolean): Truncated | undefined {
  const apply = (v: Value): Value => truncateValue(source, width, v)
  if (source.kind === 'int' || source.kind === 'long' || source.kind === 'decimal') {
    if (p.op === 'startsWith' || p.op === 'notStartsWith') return undefined
    const out = projectOrdered(p, apply, stepValue(source), strict)
    const min = MIN_OF[source.kind]
    const wrapped = min === undefined ? min : (apply(min) as number | bigint)
    const guarded = wrapped === undefined || wrapped === min ? out && { main: out } : guardWrap(out, wrapped)
    const fromInt = source.kind === 'long' && guarded ? intWrapGuard(p, width, strict) : undefined
    if (!guarded || fromInt === undefined) return guarded
    return { ...guarded, intWrapped: fromInt }
  }
  const out = projectPrefix(p, source, width, strict, apply)
  return out && { main: out }
}

// String and binary truncation is a prefix, so only bounds that survive prefixing are used.
function projectPrefix(p: Proj, source: PrimitiveType, width: number, strict: boolean, apply: (v: Value) => Value): Proj | undefined {
  if (UNARY.has(p.op)) return nullTest(p)
  if (SET.has(p.op)) return p.op === (strict ? 'notIn' : 'in') ? { op: p.op, values: p.values.map(apply) } : undefined
  const v = p.values[0]!
  if (p.op === 'startsWith' || p.op === 'notStartsWith') {
    if (source.kind !== 'string' || typeof v !== 'string') return undefined
    // Java compares the prefix length in UTF-16 units; code points are what truncation counts.
    const len = codePointCount(v)
    if (len < width) return one(p.op, v)
    if (len === width) return one(p.op === 'startsWith' ? 'eq' : 'notEq', v)
    if (p.op === 'startsWith') return strict ? undefined : one('startsWith', apply(v))
    return strict ? one('notStartsWith', apply(v)) : undefined
  }
  switch (p.op) {
    case 'lt':
    case 'ltEq':
      return one(strict ? 'lt' : 'ltEq', apply(v))
    case 'gt':
    case 'gtEq':
      return one(strict ? 'gt' : 'gtEq', apply(v))
    case 'eq':
      return strict ? undefined : one('eq', apply(v))
    case 'notEq':
      return strict ? one('notEq', apply(v)) : undefined
    default:
      return undefined
  }
}

const num = (v: Value): number => v as number

// ProjectionUtil.fixInclusiveTimeProjection: also match partition values that are one too large.
function fixInclusive(p: Proj): Proj | undefined {
  const v = num(p.values[0] ?? 0)
  switch (p.op) {
    case 'lt':
    case 'ltEq':
      return v < 0 ? one(p.op, v + 1) : p
    case 'eq':
      return v < 0 ? { op: 'in', values: [v, v + 1] } : p
    case 'in':
      return { op: 'in', values: p.values.flatMap((x) => (num(x) < 0 ? [x, num(x) + 1] : [x])) }
    case 'notEq':
    case 'notIn':
      return undefined
    default:
      return p
  }
}

// ProjectionUtil.fixStrictTimeProjection: exclude partitions an incorrectly transformed value could share.
function fixStrict(p: Proj): Proj | undefined {
  const v = num(p.values[0] ?? 0)
  switch (p.op) {
    case 'gt':
    case 'gtEq':
      return v <= 0 ? one(p.op, v + 1) : p
    case 'eq':
    case 'in':
      return undefined
    case 'notEq':
      return v < 0 ? { op: 'notIn', values: [v, v + 1] } : p
    case 'notIn':
      return { op: 'notIn', values: p.values.flatMap((x) => (num(x) < 0 ? [x, num(x) + 1] : [x])) }
    default:
      return p
  }
}

// Canonical bound form (as Java's binding produces it): sets are de-duplicated and sorted; a one-value
// set becomes eq / notEq.
function build(term: BoundReference, p: Proj): BoundPredicate {
  if (UNARY.has(p.op)) return { kind: 'unary', op: p.op as UnaryOp, term }
  if (!SET.has(p.op)) return { kind: 'literal', op: p.op as LiteralOp, term, value: p.values[0]! }
  const type = term.type
  const values: Value[] = []
  for (const v of [...p.values].sort((a, b) => compareValues(type, a, b)))
    if (values.length === 0 || !valueEquals(type, values[values.length - 1]!, v)) values.push(v)
  if (values.length === 1) return { kind: 'literal', op: p.op === 'in' ? 'eq' : 'notEq', term, value: values[0]! }
  return { kind: 'set', op: p.op as SetOp, term, values }
}
