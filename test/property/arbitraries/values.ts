// fast-check arbitraries for in-memory values of a primitive type (design §5.4), and a reference
// evaluator of bound predicates on one value used as the oracle in projection properties.
import fc from 'fast-check'
import type { BoundPredicate, PredicateOp } from '../../../src/expr/expression.js'
import type { PrimitiveType, Value } from '../../../src/spec/types.js'
import { compareValues, valueEquals } from '../../../src/spec/values.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const DAY_US = 86_400_000_000n

/** Value ranges: `full` covers the whole type, `near` clusters around the epoch so predicates hit. */
export type Spread = 'full' | 'near'

/** Options for {@link valueArb}. */
export interface ValueOptions {
  readonly spread?: Spread
  /** Bound on |µs| for µs timestamps (Java's hour transform only fits in an int below ~7.7e18). */
  readonly maxMicros?: bigint
  /** Probability-ish weight of null (0 = never). */
  readonly nulls?: number
}

const nearString = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', '\uFFFD'), maxLength: 6 })

function decimalArb(precision: number, spread: Spread): fc.Arbitrary<bigint> {
  const limit = 10n ** BigInt(precision) - 1n
  const near = limit < 300n ? limit : 300n
  return spread === 'near' ? fc.bigInt({ min: -near, max: near }) : fc.bigInt({ min: -limit, max: limit })
}

/** Non-null values of `type` in floe's in-memory representation. */
export function nonNullValueArb(type: PrimitiveType, opts: ValueOptions = {}): fc.Arbitrary<Value> {
  const near = opts.spread === 'near'
  const maxUs = opts.maxMicros ?? INT64_MAX
  switch (type.kind) {
    case 'boolean':
      return fc.boolean()
    case 'int':
      return near ? fc.integer({ min: -60, max: 60 }) : fc.integer({ min: -2147483648, max: 2147483647 })
    case 'long':
      return near ? fc.bigInt({ min: -60n, max: 60n }) : fc.bigInt({ min: INT64_MIN, max: INT64_MAX })
    case 'float':
      return fc.float()
    case 'double':
      return fc.double()
    case 'date':
      return near ? fc.integer({ min: -800, max: 800 }) : fc.integer({ min: -2147483648, max: 2147483647 })
    case 'time':
      return fc.bigInt({ min: 0n, max: DAY_US - 1n })
    case 'timestamp':
    case 'timestamptz':
      return near ? fc.bigInt({ min: -400n * DAY_US, max: 400n * DAY_US }) : fc.bigInt({ min: maxUs === INT64_MAX ? INT64_MIN : -maxUs, max: maxUs })
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return near ? fc.bigInt({ min: -400n * DAY_US * 1000n, max: 400n * DAY_US * 1000n }) : fc.bigInt({ min: INT64_MIN, max: INT64_MAX })
    case 'string':
      return near ? nearString : fc.string({ unit: 'binary', maxLength: 24 })
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 })
    case 'fixed':
      return fc.uint8Array({ minLength: type.length, maxLength: type.length })
    case 'binary':
      return near ? fc.uint8Array({ maxLength: 5, min: 0, max: 2 }) : fc.uint8Array({ maxLength: 24 })
    case 'decimal':
      return decimalArb(type.precision, opts.spread ?? 'full')
    default:
      throw new Error(`no values for ${type.kind}`)
  }
}

/** Values of `type`, null included when `opts.nulls` > 0. */
export function valueArb(type: PrimitiveType, opts: ValueOptions = {}): fc.Arbitrary<Value> {
  const v = nonNullValueArb(type, opts)
  return opts.nulls ? fc.oneof({ weight: opts.nulls, arbitrary: fc.constant(null) }, { weight: 10, arbitrary: v }) : v
}

const DELTAS_US = [1n, 1000n, 1_000_000n, 3_600_000_000n, DAY_US, 31n * DAY_US, 366n * DAY_US]

function clampBig(v: bigint, lo: bigint, hi: bigint): bigint {
  return v < lo ? lo : v > hi ? hi : v
}

/**
 * Values of `type` close to `v` (equal, off by one unit or one calendar step, prefixes and extensions),
 * so that predicates built from them sit on the transform boundaries around the row value.
 */
export function nearValueArb(type: PrimitiveType, v: Value): fc.Arbitrary<Value> {
  if (v === null) return nonNullValueArb(type, { spread: 'near' })
  const same = fc.constant(v)
  switch (type.kind) {
    case 'int':
    case 'date':
      return fc.oneof(same, fc.integer({ min: -25, max: 25 }).map((d) => Math.min(2147483647, Math.max(-2147483648, (v as number) + d))))
    case 'decimal': {
      const limit = 10n ** BigInt(type.precision) - 1n
      return fc.oneof(same, fc.bigInt({ min: -25n, max: 25n }).map((d) => clampBig((v as bigint) + d, -limit, limit)))
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const scale = type.kind.endsWith('_ns') ? 1000n : 1n
      const hi = type.kind === 'time' ? DAY_US - 1n : 2n ** 63n - 1n
      const lo = type.kind === 'time' ? 0n : -(2n ** 63n)
      const step = fc
        .tuple(fc.constantFrom(...DELTAS_US), fc.integer({ min: -2, max: 2 }), fc.bigInt({ min: -1n, max: 1n }))
        .map(([unit, k, e]) => clampBig((v as bigint) + unit * scale * BigInt(k) + e, lo, hi))
      return fc.oneof(same, step)
    }
    case 'string': {
      const s = v as string
      const cps = [...s]
      return fc.oneof(
        same,
        fc.integer({ min: 0, max: cps.length }).map((n) => cps.slice(0, n).join('')),
        nearString.map((x) => s + x),
        fc.tuple(fc.integer({ min: 0, max: cps.length }), nearString).map(([n, x]) => cps.slice(0, n).join('') + x),
      )
    }
    case 'binary': {
      const b = v as Uint8Array
      return fc.oneof(
        same,
        fc.integer({ min: 0, max: b.length }).map((n) => b.slice(0, n)),
        fc.uint8Array({ maxLength: 3, min: 0, max: 2 }).map((x) => Uint8Array.from([...b, ...x])),
      )
    }
    default:
      return fc.oneof(same, nonNullValueArb(type, { spread: 'near' }))
  }
}

/** A random bound predicate on column 1 of `type` (every applicable op equally likely), literals from `values`. */
export function predicateArb(type: PrimitiveType, values: fc.Arbitrary<Value>): fc.Arbitrary<BoundPredicate> {
  const term = { fieldId: 1, name: 'c', type }
  const ops: PredicateOp[] = ['isNull', 'notNull', 'lt', 'ltEq', 'gt', 'gtEq', 'eq', 'notEq', 'in', 'notIn']
  if (type.kind === 'string') ops.push('startsWith', 'notStartsWith')
  if (type.kind === 'float' || type.kind === 'double') ops.push('isNaN', 'notNaN')
  return fc.constantFrom(...ops).chain((op): fc.Arbitrary<BoundPredicate> => {
    switch (op) {
      case 'isNull':
      case 'notNull':
      case 'isNaN':
      case 'notNaN':
        return fc.constant({ kind: 'unary', op, term })
      case 'in':
      case 'notIn':
        return fc.array(values, { minLength: 1, maxLength: 4 }).map((vs) => ({ kind: 'set', op, term, values: vs }))
      default:
        return values.map((value) => ({ kind: 'literal', op, term, value }))
    }
  })
}

/**
 * Reference semantics of a bound predicate on one value: comparisons use the Iceberg order; a null
 * value satisfies only isNull and the negative forms (notNull excepted): notEq, notIn, notStartsWith, notNaN.
 */
export function evalPredicate(p: BoundPredicate, v: Value): boolean {
  const type = p.term.type
  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return v === null
      case 'notNull':
        return v !== null
      case 'isNaN':
        return typeof v === 'number' && Number.isNaN(v)
      case 'notNaN':
        return !(typeof v === 'number' && Number.isNaN(v))
    }
  }
  if (v === null) return p.op === 'notEq' || p.op === 'notIn' || p.op === 'notStartsWith'
  if (p.kind === 'set') {
    const found = p.values.some((x) => valueEquals(type, v, x))
    return p.op === 'in' ? found : !found
  }
  const c = (): number => compareValues(type, v, p.value)
  switch (p.op) {
    case 'lt':
      return c() < 0
    case 'ltEq':
      return c() <= 0
    case 'gt':
      return c() > 0
    case 'gtEq':
      return c() >= 0
    case 'eq':
      return c() === 0
    case 'notEq':
      return c() !== 0
    case 'startsWith':
      return (v as string).startsWith(p.value as string)
    case 'notStartsWith':
      return !(v as string).startsWith(p.value as string)
  }
}
