// Spec §Scan Planning: filter expressions as plain data (unbound on names, bound on field ids).
import { InvalidArgumentError } from '../errors.js'
import type { PrimitiveType, Value } from '../spec/types.js'

/** Predicates with no value. */
export type UnaryOp = 'isNull' | 'notNull' | 'isNaN' | 'notNaN'
/** Predicates comparing with one value. */
export type LiteralOp = 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'eq' | 'notEq' | 'startsWith' | 'notStartsWith'
/** Predicates against a set of values. */
export type SetOp = 'in' | 'notIn'
/** Every predicate operation. */
export type PredicateOp = UnaryOp | LiteralOp | SetOp

/**
 * Exact decimal text of a number a double cannot hold exactly (`0.1000000000000000000001`), as the row-filter
 * parser produces it: decimal columns take its exact value, float/double columns the nearest double,
 * integer, date and time columns an integral value; string, uuid, binary and boolean columns refuse it.
 */
export class NumberText {
  /** The number as plain decimal text (an exponent only when the plain form would be enormous). */
  readonly text: string
  constructor(text: string) {
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,15})?$/.test(text)) throw new InvalidArgumentError(`Invalid number text: ${JSON.stringify(text)}`)
    this.text = text
  }
  /** The decimal text. */
  toString(): string {
    return this.text
  }
}

/** A literal as a caller writes it; converted to the column type when the expression is bound. */
export type Literal = boolean | number | bigint | string | Uint8Array | Date | NumberText

/** A column reference by (dotted) name. */
export interface Reference {
  readonly name: string
}

/** A column bound to a field id and primitive type (a table column or a partition field). */
export interface BoundReference {
  readonly fieldId: number
  readonly name: string
  readonly type: PrimitiveType
}

/** `term op` (null and NaN tests). */
export interface UnaryPredicate<R> {
  readonly kind: 'unary'
  readonly op: UnaryOp
  readonly term: R
}

/** `term op value`. */
export interface LiteralPredicate<R, V> {
  readonly kind: 'literal'
  readonly op: LiteralOp
  readonly term: R
  readonly value: V
}

/** `term in (values)` / `term not in (values)`. */
export interface SetPredicate<R, V> {
  readonly kind: 'set'
  readonly op: SetOp
  readonly term: R
  readonly values: readonly V[]
}

/** A predicate on one term. */
export type Predicate<R, V> = UnaryPredicate<R> | LiteralPredicate<R, V> | SetPredicate<R, V>

/** A predicate on a column name with caller literals. */
export type UnboundPredicate = Predicate<Reference, Literal>
/** A predicate on a bound column with values in Iceberg's value representation. */
export type BoundPredicate = Predicate<BoundReference, Value>

/** What every predicate type looks like to the connectives. */
export interface PredicateLike {
  readonly kind: 'unary' | 'literal' | 'set'
}

/** Always true. */
export interface True {
  readonly kind: 'true'
}
/** Always false. */
export interface False {
  readonly kind: 'false'
}
/** Conjunction. */
export interface And<P extends PredicateLike> {
  readonly kind: 'and'
  readonly left: Expr<P>
  readonly right: Expr<P>
}
/** Disjunction. */
export interface Or<P extends PredicateLike> {
  readonly kind: 'or'
  readonly left: Expr<P>
  readonly right: Expr<P>
}
/** Negation. */
export interface Not<P extends PredicateLike> {
  readonly kind: 'not'
  readonly child: Expr<P>
}

/** A boolean expression tree over predicates of type P. */
export type Expr<P extends PredicateLike> = True | False | And<P> | Or<P> | Not<P> | P

/** An expression on column names (what callers build or parse). */
export type Expression = Expr<UnboundPredicate>
/** An expression bound to a schema or partition type. */
export type BoundExpression = Expr<BoundPredicate>

/** The constant true expression. */
export const alwaysTrue: True = Object.freeze({ kind: 'true' })
/** The constant false expression. */
export const alwaysFalse: False = Object.freeze({ kind: 'false' })

/** True when `e` is a predicate (not a connective or constant). */
export function isPredicate<P extends PredicateLike>(e: Expr<P>): e is P {
  const k = (e as { kind: string }).kind
  return k === 'unary' || k === 'literal' || k === 'set'
}

/**
 * The balanced tree of `kind` over `items` (at least one): the first half (rounded down) on the left, the
 * rest on the right, recursively, so a chain of n terms is log2(n) deep (PyIceberg's `_build_balanced_tree`).
 */
export function balanced<P extends PredicateLike>(kind: 'and' | 'or', items: readonly Expr<P>[], from = 0, to = items.length): Expr<P> {
  if (to - from === 1) return items[from]!
  const mid = from + Math.floor((to - from) / 2)
  const left = balanced(kind, items, from, mid)
  const right = balanced(kind, items, mid, to)
  return kind === 'and' ? { kind, left, right } : { kind, left, right }
}

/** Conjunction with constant folding; three or more terms form a balanced tree. */
export function and<P extends PredicateLike>(...es: readonly Expr<P>[]): Expr<P> {
  const kept: Expr<P>[] = []
  for (const e of es) {
    if (e.kind === 'false') return alwaysFalse
    if (e.kind !== 'true') kept.push(e)
  }
  return kept.length ? balanced('and', kept) : alwaysTrue
}

/** Disjunction with constant folding; three or more terms form a balanced tree. */
export function or<P extends PredicateLike>(...es: readonly Expr<P>[]): Expr<P> {
  const kept: Expr<P>[] = []
  for (const e of es) {
    if (e.kind === 'true') return alwaysTrue
    if (e.kind !== 'false') kept.push(e)
  }
  return kept.length ? balanced('or', kept) : alwaysFalse
}

/** Negation with constant folding and double-negation removal. */
export function not<P extends PredicateLike>(e: Expr<P>): Expr<P> {
  if (e.kind === 'true') return alwaysFalse
  if (e.kind === 'false') return alwaysTrue
  if (e.kind === 'not') return (e as Not<P>).child
  return { kind: 'not', child: e }
}

const ref = (name: string): Reference => ({ name })
const lit = (op: LiteralOp, name: string, value: Literal): UnboundPredicate => ({ kind: 'literal', op, term: ref(name), value })
const unary = (op: UnaryOp, name: string): UnboundPredicate => ({ kind: 'unary', op, term: ref(name) })
const set = (op: SetOp, name: string, values: readonly Literal[]): UnboundPredicate => ({ kind: 'set', op, term: ref(name), values })

/** `name < value`. */
export const lessThan = (name: string, value: Literal): UnboundPredicate => lit('lt', name, value)
/** `name <= value`. */
export const lessThanOrEqual = (name: string, value: Literal): UnboundPredicate => lit('ltEq', name, value)
/** `name > value`. */
export const greaterThan = (name: string, value: Literal): UnboundPredicate => lit('gt', name, value)
/** `name >= value`. */
export const greaterThanOrEqual = (name: string, value: Literal): UnboundPredicate => lit('gtEq', name, value)
/** `name = value`. */
export const equal = (name: string, value: Literal): UnboundPredicate => lit('eq', name, value)
/** `name != value`. */
export const notEqual = (name: string, value: Literal): UnboundPredicate => lit('notEq', name, value)
/** `name` starts with the string `prefix`. */
export const startsWith = (name: string, prefix: string): UnboundPredicate => lit('startsWith', name, prefix)
/** `name` does not start with the string `prefix`. */
export const notStartsWith = (name: string, prefix: string): UnboundPredicate => lit('notStartsWith', name, prefix)
/** `name IS NULL`. */
export const isNull = (name: string): UnboundPredicate => unary('isNull', name)
/** `name IS NOT NULL`. */
export const notNull = (name: string): UnboundPredicate => unary('notNull', name)
/** `name` is NaN. */
export const isNaN = (name: string): UnboundPredicate => unary('isNaN', name)
/** `name` is not NaN. */
export const notNaN = (name: string): UnboundPredicate => unary('notNaN', name)
/** `name IN (values)`. */
export const isIn = (name: string, values: readonly Literal[]): UnboundPredicate => set('in', name, values)
/** `name NOT IN (values)`. */
export const notIn = (name: string, values: readonly Literal[]): UnboundPredicate => set('notIn', name, values)

/** The predicate that is true exactly when `op` is false (for rows with non-null values, as Java's negate()). */
export function negateOp<O extends PredicateOp>(op: O): PredicateOp {
  const m: Record<PredicateOp, PredicateOp> = {
    isNull: 'notNull',
    notNull: 'isNull',
    isNaN: 'notNaN',
    notNaN: 'isNaN',
    lt: 'gtEq',
    ltEq: 'gt',
    gt: 'ltEq',
    gtEq: 'lt',
    eq: 'notEq',
    notEq: 'eq',
    startsWith: 'notStartsWith',
    notStartsWith: 'startsWith',
    in: 'notIn',
    notIn: 'in',
  }
  return m[op]
}

/** Field ids a bound expression reads, added to `out`. */
export function referencedIds(e: BoundExpression, out = new Set<number>()): Set<number> {
  switch (e.kind) {
    case 'true':
    case 'false':
      return out
    case 'and':
    case 'or':
      referencedIds(e.left, out)
      return referencedIds(e.right, out)
    case 'not':
      return referencedIds(e.child, out)
    default:
      out.add(e.term.fieldId)
      return out
  }
}

/** Push NOT down to predicates (Java RewriteNot), so evaluators never see `not`. */
export function rewriteNot<R, V>(e: Expr<Predicate<R, V>>): Expr<Predicate<R, V>> {
  switch (e.kind) {
    case 'true':
    case 'false':
      return e
    case 'and':
      return and(rewriteNot(e.left), rewriteNot(e.right))
    case 'or':
      return or(rewriteNot(e.left), rewriteNot(e.right))
    case 'not':
      return negate(e.child)
    default:
      return e
  }
}

function negate<R, V>(e: Expr<Predicate<R, V>>): Expr<Predicate<R, V>> {
  switch (e.kind) {
    case 'true':
      return alwaysFalse
    case 'false':
      return alwaysTrue
    case 'and':
      return or(negate(e.left), negate(e.right))
    case 'or':
      return and(negate(e.left), negate(e.right))
    case 'not':
      return rewriteNot(e.child)
    default:
      return { ...e, op: negateOp(e.op) } as Predicate<R, V>
  }
}
