// The row-filter text form (PyIceberg's grammar, see parse.ts): printing an expression so that
// `parseFilter(exprToString(e))` rebuilds the same tree.
import { bytesToHex } from '../spec/values.js'
import type { BoundExpression, Expr, Expression, Literal, LiteralOp, PredicateLike, UnboundPredicate } from './expression.js'
import { unbindPredicate } from './literal.js'

/** Words with a meaning in the grammar; a column named like one must be quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'is', 'in', 'null', 'nan', 'like', 'true', 'false'])

/** A bare identifier: a letter or `_`, then letters, digits, `_` or `$`. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/

const OPS: Record<Exclude<LiteralOp, 'startsWith' | 'notStartsWith'>, string> = {
  lt: '<',
  ltEq: '<=',
  gt: '>',
  gtEq: '>=',
  eq: '=',
  notEq: '!=',
}

/** A column name in text form: bare dotted parts when each part is a plain identifier, else double-quoted (`""` for a quote, `\\` for a backslash). */
export function formatName(name: string): string {
  const parts = name.split('.')
  if (parts.every((p) => IDENTIFIER.test(p) && !KEYWORDS.has(p.toLowerCase()))) return name
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '""')}"`
}

/** A string in single quotes, `'` doubled. */
export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return quoteString(String(n))
  if (Object.is(n, -0)) return '-0.0'
  if (Number.isSafeInteger(n)) return String(n)
  const s = String(n)
  // an integral double beyond 2^53 would read back as a bigint: print it with an exponent instead
  return /[.eE]/.test(s) ? s : n.toExponential()
}

/** A literal in text form: numbers, bigints, `true`/`false`, quoted strings, `X'hex'` bytes, Dates as ISO strings. */
export function formatLiteral(v: Literal): string {
  if (v === null || v === undefined) return 'null' // not a literal: parsing reports it
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false'
    case 'number':
      return formatNumber(v)
    case 'bigint':
      return v.toString()
    case 'string':
      return quoteString(v)
    default:
      if (v instanceof Uint8Array) return `X'${bytesToHex(v).toUpperCase()}'`
      if (v instanceof Date) return quoteString(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString())
      return quoteString(String(v))
  }
}

// LIKE pattern of a prefix: `\` and `%` escaped with a backslash, then the trailing wildcard.
function likePattern(prefix: Literal): string {
  const s = typeof prefix === 'string' ? prefix : String(prefix)
  return quoteString(`${s.replace(/[\\%]/g, (c) => `\\${c}`)}%`)
}

function formatPredicate(p: UnboundPredicate): string {
  const name = formatName(p.term.name)
  switch (p.kind) {
    case 'unary':
      return `${name} ${{ isNull: 'is null', notNull: 'is not null', isNaN: 'is nan', notNaN: 'is not nan' }[p.op]}`
    case 'set':
      return `${name} ${p.op === 'in' ? 'in' : 'not in'} (${p.values.map(formatLiteral).join(', ')})`
    case 'literal':
      if (p.op === 'startsWith') return `${name} like ${likePattern(p.value)}`
      if (p.op === 'notStartsWith') return `${name} not like ${likePattern(p.value)}`
      return `${name} ${OPS[p.op]} ${formatLiteral(p.value)}`
  }
}

// Binding strength: or < and < not < predicate/constant.
function precedence(e: { kind: string }): number {
  return e.kind === 'or' ? 1 : e.kind === 'and' ? 2 : e.kind === 'not' ? 3 : 4
}

function format<P extends PredicateLike>(e: Expr<P>, pred: (p: P) => string): string {
  const sub = (c: Expr<P>, min: number): string => (precedence(c) < min ? `(${format(c, pred)})` : format(c, pred))
  switch (e.kind) {
    case 'true':
      return 'true'
    case 'false':
      return 'false'
    case 'and':
    case 'or': {
      const p = precedence(e)
      // left-associative: a right child of the same kind keeps its parentheses
      return `${sub(e.left, p)} ${e.kind} ${sub(e.right, p + 1)}`
    }
    case 'not':
      return `not ${sub(e.child, 3)}`
    default:
      return pred(e as P)
  }
}

function isBound(e: Expression | BoundExpression): e is BoundExpression {
  const stack: (Expression | BoundExpression)[] = [e]
  while (stack.length) {
    const x = stack.pop()!
    if (x.kind === 'and' || x.kind === 'or') stack.push(x.left, x.right)
    else if (x.kind === 'not') stack.push(x.child)
    else if (x.kind !== 'true' && x.kind !== 'false') return 'fieldId' in x.term
  }
  return false
}

/**
 * The row-filter text of an expression, e.g. `ts >= '2024-01-01T00:00:00+00:00' and id in (1, 2)`.
 * Bound expressions print their unbound form (full column names, ISO temporal text, decimal text).
 * Parentheses are added only where needed to keep the tree shape.
 */
export function exprToString(e: Expression | BoundExpression): string {
  if (isBound(e)) return format(e, (p) => formatPredicate(unbindPredicate(p)))
  return format(e, formatPredicate)
}
