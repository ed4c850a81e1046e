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
  type BoundExpression,
  type BoundReference,
  type Expression,
  type Literal,
  type LiteralOp,
  type SetOp,
  type UnaryOp,
  type UnboundPredicate,
} from './expression.js'
import { convertLiteral, unbindPredicate } from './literal.js'
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
 * fold out-of-range literals (`intCol < 2^31` → true), `isNull` on a never-null column → false
 * (`notNull` → true), `isNull` on an `unknown` column → true; single-value sets become eq/notEq, empty
 * sets fold, sets are sorted and de-duplicated. NaN literals on float columns become isNaN/notNaN for
 * eq/notEq/in/notIn and are rejected elsewhere. Errors are INVALID_ARGUMENT naming the column.
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
    case 'not': {
      const child = bind(schema, expr.child, caseSensitive)
      return child.kind === 'true' ? alwaysFalse : child.kind === 'false' ? alwaysTrue : { kind: 'not', child }
    }
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
      const c = convertLiteral(type, pred.value, term.name)
      if ('outOfRange' in c) return foldOutOfRange(pred.op, c.outOfRange)
      if (isNaNValue(c.value)) return bindNaN(pred.op, col)
      return { kind: 'literal', op: pred.op, term, value: c.value }
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

function foldOutOfRange(op: LiteralOp, side: 'above' | 'below'): BoundExpression {
  switch (op) {
    case 'notEq':
      return alwaysTrue
    case 'eq':
      return alwaysFalse
    case 'lt':
    case 'ltEq':
      return side === 'above' ? alwaysTrue : alwaysFalse
    default:
      return side === 'above' ? alwaysFalse : alwaysTrue
  }
}

function bindNaN(op: LiteralOp, col: Column): BoundExpression {
  if (op === 'eq') return bindUnary('isNaN', col)
  if (op === 'notEq') return bindUnary('notNaN', col)
  throw new InvalidArgumentError(`Cannot use NaN with ${op} on column '${col.ref.name}'; use isNaN or notNaN`, { context: { field: col.ref.name } })
}

function bindSet(op: SetOp, col: Column, literals: readonly Literal[]): BoundExpression {
  const term = col.ref
  const values: Value[] = []
  let nan = false
  for (const lit of literals) {
    const c = convertLiteral(term.type, lit, term.name)
    if ('outOfRange' in c) continue
    if (isNaNValue(c.value)) nan = true
    else values.push(c.value)
  }
  const distinct = sortedDistinct(term.type, values)
  let rest: BoundExpression
  if (distinct.length === 0) rest = op === 'in' ? alwaysFalse : alwaysTrue
  else if (distinct.length === 1) rest = { kind: 'literal', op: op === 'in' ? 'eq' : 'notEq', term, value: distinct[0]! }
  else rest = { kind: 'set', op, term, values: distinct }
  if (!nan) return rest
  return op === 'in' ? or(bindUnary('isNaN', col), rest) : and(bindUnary('notNaN', col), rest)
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
