// Spec §Scan Planning: binding filter expressions to a schema (Java Binder / UnboundPredicate.bind):
// names → field ids and types, caller literals → in-memory values, plus the inverse (unbind).
import { InvalidArgumentError } from '../errors.js'
import { indexSchema, type IndexedField, type Schema } from '../spec/schema.js'
import { isNested, typeToString, type PrimitiveType, type Value } from '../spec/types.js'
import {
  alwaysFalse,
  alwaysTrue,
  and,
  or,
  rewriteNot,
  type BoundExpression,
  type BoundReference,
  type Expression,
  type Literal,
  type LiteralOp,
  type SetOp,
  type UnaryOp,
  type UnboundPredicate,
} from './expression.js'
import { convertLiteral, unbindPredicate, type Converted } from './literal.js'
import { isFloatType, isNaNValue, sortedDistinct } from './value-test.js'

/** The row-filter text of an expression (see format.ts). */
export { exprToString } from './format.js'
/** The unbound form of one bound predicate (see literal.ts). */
export { unbindPredicate } from './literal.js'

/**
 * Resolve a column name: a top-level column whose own name is the whole string wins (names may contain
 * dots), then the full dotted path (`location.lat`). Throws INVALID_ARGUMENT naming the column and close
 * matches when nothing (or, case-insensitively, more than one column) matches.
 */
export function resolveColumn(schema: Schema, name: string, caseSensitive = true): IndexedField {
  const idx = indexSchema(schema)
  const top = schema.fields.filter((f) => (caseSensitive ? f.name === name : f.name.toLowerCase() === name.toLowerCase()))
  const exactTop = top.find((f) => f.name === name) ?? (top.length === 1 ? top[0] : undefined)
  if (exactTop) return idx.byId.get(exactTop.id)!
  if (caseSensitive) {
    const hit = idx.byName.get(name)
    if (hit) return hit
  } else {
    const lower = name.toLowerCase()
    const hits = [...idx.byName.values()].filter((e) => e.name.toLowerCase() === lower)
    const exact = hits.find((e) => e.name === name)
    if (exact) return exact
    if (hits.length === 1) return hits[0]!
    if (hits.length > 1)
      throw new InvalidArgumentError(`Column name '${name}' is ambiguous without case sensitivity: ${hits.map((h) => h.name).join(', ')}`, {
        context: { field: name },
      })
  }
  const near = closeMatches(name, [...idx.byName.keys()])
  const hint = near.length ? ` (did you mean: ${near.join(', ')}?)` : ''
  throw new InvalidArgumentError(`Cannot find column '${name}' in schema ${schema.schemaId}${hint}`, { context: { field: name } })
}

function closeMatches(name: string, candidates: readonly string[]): string[] {
  const target = name.toLowerCase()
  const limit = target.length <= 3 ? 1 : Math.max(2, Math.floor(target.length / 3))
  const score = (c: string): number => {
    const lower = c.toLowerCase()
    const contains = Math.min(lower.length, target.length) >= 3 && (lower.includes(target) || target.includes(lower))
    return contains ? Math.min(1, distance(target, lower)) : distance(target, lower)
  }
  return candidates
    .map((c) => ({ c, d: score(c) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.c)
}

// Levenshtein distance (names are short; quadratic is fine).
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++)
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)))
    prev = cur
  }
  return prev[b.length]!
}

interface Column {
  readonly ref: BoundReference
  /** Required, and so are all of its parent structs. */
  readonly neverNull: boolean
}

function bindColumn(schema: Schema, name: string, caseSensitive: boolean): Column {
  const entry = resolveColumn(schema, name, caseSensitive)
  const idx = indexSchema(schema)
  const parents = entry.parentIds.map((id) => idx.byId.get(id)!)
  const container = parents.find((p) => p.field.type.kind === 'list' || p.field.type.kind === 'map')
  if (container)
    throw new InvalidArgumentError(
      `Cannot filter on column '${entry.name}': fields inside a ${container.field.type.kind} (${container.name}) cannot be filtered`,
      { context: { field: entry.name } },
    )
  const t = entry.field.type
  if (isNested(t))
    throw new InvalidArgumentError(`Cannot filter on column '${entry.name}' of type ${typeToString(t)}: only primitive columns can be filtered`, {
      context: { field: entry.name },
    })
  return {
    ref: { fieldId: entry.field.id, name: entry.name, type: t as PrimitiveType },
    neverNull: entry.field.required && parents.every((p) => p.field.required),
  }
}

/**
 * Bind an expression to a schema (Java Binder semantics): resolve names (see {@link resolveColumn}),
 * reject struct/list/map columns and fields inside lists/maps, convert literals to the column type,
 * `isNull` on a never-null column → false (`notNull` → true), `isNull` on an `unknown` column → true;
 * single-value sets become eq/notEq, empty sets fold, sets are sorted and de-duplicated. NaN literals are
 * refused, as Java's `Literals.from` and PyIceberg do (write `is nan` / `is not nan`).
 *
 * Literals outside the column type fold to what the comparison means under floe's row semantics
 * (eval-row.ts: null and NaN match no ordered comparison, null matches `!=`): `intCol < 2^31` →
 * `intCol is not null`, `intCol > 2^31` → false, `=` → false, `!=` → true; on float/double columns a finite
 * literal beyond the largest finite value keeps ±Infinity apart (`f < 1e39` → `f < Infinity`, `f > 1e39`
 * → `f = Infinity`). A decimal literal finer than the column scale compares by value (`< 10.005` →
 * `<= 10.00`, `> 10.005` → `>= 10.01`, `=` → false, `!=` → true, dropped from sets). NOT is pushed down
 * before binding (`not (x < 5)` binds as `x >= 5`, the meaning every evaluator gives NOT), so folded forms
 * negate consistently. Errors are INVALID_ARGUMENT naming the column.
 */
export function bind(schema: Schema, expr: Expression, caseSensitive = true): BoundExpression {
  switch (expr.kind) {
    case 'true':
    case 'false':
      return expr
    case 'and':
      return and(bind(schema, expr.left, caseSensitive), bind(schema, expr.right, caseSensitive))
    case 'or':
      return or(bind(schema, expr.left, caseSensitive), bind(schema, expr.right, caseSensitive))
    case 'not':
      return bind(schema, rewriteNot(expr), caseSensitive)
    default:
      return bindPredicate(schema, expr, caseSensitive)
  }
}

/** Bind one predicate (see {@link bind}); the result may be a constant. */
export function bindPredicate(schema: Schema, pred: UnboundPredicate, caseSensitive = true): BoundExpression {
  const col = bindColumn(schema, pred.term.name, caseSensitive)
  const term = col.ref
  const type = term.type
  switch (pred.kind) {
    case 'unary':
      return bindUnary(pred.op, col)
    case 'literal': {
      if ((pred.op === 'startsWith' || pred.op === 'notStartsWith') && (type.kind !== 'string' || typeof pred.value !== 'string'))
        throw new InvalidArgumentError(`${pred.op} needs a string column and a string prefix: '${term.name}' is ${typeToString(type)}`, {
          context: { field: term.name },
        })
      return bindConverted(pred.op, convertLiteral(type, pred.value, term.name), col)
    }
    case 'set':
      return bindSet(pred.op, col, pred.values)
  }
}

function bindUnary(op: UnaryOp, col: Column): BoundExpression {
  const term = col.ref
  if (op === 'isNaN' || op === 'notNaN') {
    if (!isFloatType(term.type))
      throw new InvalidArgumentError(`${op} cannot be used with non-floating-point column '${term.name}' (${typeToString(term.type)})`, {
        context: { field: term.name },
      })
    return { kind: 'unary', op, term }
  }
  if (col.neverNull) return op === 'isNull' ? alwaysFalse : alwaysTrue
  if (term.type.kind === 'unknown') return op === 'isNull' ? alwaysTrue : alwaysFalse
  return { kind: 'unary', op, term }
}

function bindConverted(op: LiteralOp, c: Converted, col: Column): BoundExpression {
  if ('floor' in c) {
    // strictly between two adjacent column values: compare with the neighbour on the matching side
    switch (op) {
      case 'lt':
      case 'ltEq':
        return bindConverted('ltEq', c.floor, col)
      case 'gt':
      case 'gtEq':
        return bindConverted('gtEq', c.ceil, col)
      case 'eq':
        return alwaysFalse
      default:
        return alwaysTrue
    }
  }
  if ('outOfRange' in c) return foldOutOfRange(op, c.outOfRange, col)
  if (isNaNValue(c.value)) return refuseNaN(col)
  return { kind: 'literal', op, term: col.ref, value: c.value }
}

// A literal beyond every value of the column type. Every non-null value (every non-NaN finite or
// infinite value on float/double, whose ±Infinity lie beyond the literal) is on one side of it.
function foldOutOfRange(op: LiteralOp, side: 'above' | 'below', col: Column): BoundExpression {
  if (op === 'eq') return alwaysFalse
  if (op === 'notEq') return alwaysTrue
  const term = col.ref
  const float = isFloatType(term.type)
  const inf = side === 'above' ? Infinity : -Infinity
  const wantsBelow = op === 'lt' || op === 'ltEq'
  if (wantsBelow === (side === 'above')) {
    // all values match: on floats all but the infinity beyond the literal (and NaN)
    return float ? { kind: 'literal', op: side === 'above' ? 'lt' : 'gt', term, value: inf } : bindUnary('notNull', col)
  }
  // no finite value matches: on floats only the infinity beyond the literal
  return float ? { kind: 'literal', op: 'eq', term, value: inf } : alwaysFalse
}

// NaN is no literal (it equals nothing, itself included): the NaN tests say what is meant.
function refuseNaN(col: Column): never {
  const name = col.ref.name
  throw new InvalidArgumentError(`Invalid literal NaN for column '${name}': use '${name} is nan' or '${name} is not nan' (isNaN / notNaN) instead`, {
    context: { field: name },
  })
}

function bindSet(op: SetOp, col: Column, literals: readonly Literal[]): BoundExpression {
  const term = col.ref
  const values: Value[] = []
  for (const lit of literals) {
    const c = convertLiteral(term.type, lit, term.name)
    // out of range or strictly between two column values: equal to no value of the column
    if (!('value' in c)) continue
    if (isNaNValue(c.value)) refuseNaN(col)
    values.push(c.value)
  }
  const distinct = sortedDistinct(term.type, values)
  if (distinct.length === 0) return op === 'in' ? alwaysFalse : alwaysTrue
  if (distinct.length === 1) return { kind: 'literal', op: op === 'in' ? 'eq' : 'notEq', term, value: distinct[0]! }
  return { kind: 'set', op, term, values: distinct }
}

/** The unbound form of a bound expression (names, not ids): `bind(schema, unbind(e))` gives back `e`. */
export function unbind(e: BoundExpression): Expression {
  switch (e.kind) {
    case 'true':
    case 'false':
      return e
    case 'and':
      return { kind: 'and', left: unbind(e.left), right: unbind(e.right) }
    case 'or':
      return { kind: 'or', left: unbind(e.left), right: unbind(e.right) }
    case 'not':
      return { kind: 'not', child: unbind(e.child) }
    default:
      return unbindPredicate(e)
  }
}
