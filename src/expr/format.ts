// The row-filter text form (PyIceberg's grammar, see parse.ts): printing an expression so that
// `parseFilter(exprToString(e))` rebuilds the same tree, in text PyIceberg reads the same way whenever the
// expression can be written in its grammar.
import { bytesToHex, decimalToString, parseDecimal } from '../spec/values.js'
import { NumberText, type BoundExpression, type Expr, type Expression, type Literal, type LiteralOp, type PredicateLike, type UnboundPredicate } from './expression.js'
import { unbindPredicate } from './literal.js'

/** Words with a meaning in the grammar; the formatter quotes a column named like one. */
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

// One part of a column name: bare when a plain identifier; else "…" with each quote written as a
// backslash (how PyIceberg reads a backslash there); a part with a backslash or a line break, which
// PyIceberg cannot quote, in `…` (a backtick doubled).
function formatPart(part: string): string {
  if (IDENTIFIER.test(part) && !KEYWORDS.has(part.toLowerCase())) return part
  if (/[\\\n\r]/.test(part)) return `\`${part.replace(/`/g, '``')}\``
  return `"${part.replace(/"/g, '\\')}"`
}

/**
 * A column name in text form: its dot-separated parts, each bare when a plain identifier and not a
 * keyword, else quoted (`x."y z"`, as PyIceberg needs: it refuses dots inside quotes).
 */
export function formatName(name: string): string {
  return name.split('.').map(formatPart).join('.')
}

// The content of a PyIceberg '…' string reading back as `s` (a backslash keeps the next character with it,
// `''` is a quote), or undefined when `s` ends in a backslash that has no character to pair with.
function pyStringContent(s: string): string | undefined {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const next = s[i + 1]
      if (next === undefined) return undefined
      out += next === "'" ? "\\'" : c + next
      i++
    } else out += c === "'" ? "''" : c
  }
  return out
}

/** A string literal: `'…'` as PyIceberg reads it (`''` for a quote), else (a trailing lone backslash) `E'…'` with `\\` escapes. */
export function quoteString(s: string): string {
  const py = pyStringContent(s)
  return py !== undefined ? `'${py}'` : `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

// Plain decimal text of a finite double that reads back as the same double: integral doubles beyond 2^53
// get a `.0` (else they would read back as bigints), exponents are written out.
function plainNumber(n: number): string {
  if (Object.is(n, -0)) return '-0.0'
  if (Number.isSafeInteger(n)) return String(n)
  const s = String(n)
  if (!/[eE]/.test(s)) return s.includes('.') ? s : `${s}.0`
  const d = parseDecimal(s)
  return d.scale <= 0 ? `${d.unscaled * 10n ** BigInt(-d.scale)}.0` : decimalToString(d.unscaled, d.scale)
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity'
  return plainNumber(n)
}

/**
 * A literal in text form: plain decimal numbers (`Infinity`, `-Infinity`, `NaN` for the non-finite ones),
 * bigints, exact number text unquoted, `true`/`false`, quoted strings, `X'hex'` bytes, Dates as ISO strings.
 */
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
      if (v instanceof NumberText) return v.text
      if (v instanceof Uint8Array) return `X'${bytesToHex(v).toUpperCase()}'`
      if (v instanceof Date) return quoteString(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString())
      return quoteString(String(v))
  }
}

// A set's literals. PyIceberg wants one kind per list, so when some number prints as a decimal the safe
// integers get a `.0` (they read back as the same numbers).
function formatSet(values: readonly Literal[]): string {
  const texts = values.map(formatLiteral)
  const decimal = values.some((v, i) => (typeof v === 'number' || v instanceof NumberText) && /[.eE]/.test(texts[i]!))
  if (!decimal) return texts.join(', ')
  return values.map((v, i) => (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0) ? `${v}.0` : texts[i]!)).join(', ')
}

// LIKE pattern of a prefix. PyIceberg's form is the prefix with each '%' as `\%`, then the wildcard; a
// prefix ending in a backslash would escape that wildcard, so it takes floe's `E'…'` form (`\\` and `\%`).
function likePattern(prefix: Literal): string {
  const s = typeof prefix === 'string' ? prefix : String(prefix)
  if (!s.endsWith('\\')) return quoteString(`${s.replace(/%/g, '\\%')}%`)
  return `E'${`${s.replace(/[\\%]/g, (c) => `\\${c}`)}%`.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

function formatPredicate(p: UnboundPredicate): string {
  const name = formatName(p.term.name)
  switch (p.kind) {
    case 'unary':
      return `${name} ${{ isNull: 'is null', notNull: 'is not null', isNaN: 'is nan', notNaN: 'is not nan' }[p.op]}`
    case 'set':
      return `${name} ${p.op === 'in' ? 'in' : 'not in'} (${formatSet(p.values)})`
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

// Number of chain members of a maximal `kind` subtree (its non-`kind` descendants), memoised per node.
function members<P extends PredicateLike>(e: Expr<P>, kind: string, memo: Map<object, number>): number {
  if (e.kind !== kind) return 1
  let n = memo.get(e)
  if (n === undefined) {
    const c = e as { left: Expr<P>; right: Expr<P> }
    n = members(c.left, kind, memo) + members(c.right, kind, memo)
    memo.set(e, n)
  }
  return n
}

// Whether a `kind` subtree has exactly the shape the parser builds for a flat chain of its members.
function isBalanced<P extends PredicateLike>(e: Expr<P>, kind: string, memo: Map<object, number>): boolean {
  if (e.kind !== kind) return true
  const c = e as { left: Expr<P>; right: Expr<P> }
  return (
    members(c.left, kind, memo) === Math.floor(members(e, kind, memo) / 2) && isBalanced(c.left, kind, memo) && isBalanced(c.right, kind, memo)
  )
}

function chainMembers<P extends PredicateLike>(e: Expr<P>, kind: string, out: Expr<P>[]): Expr<P>[] {
  if (e.kind !== kind) out.push(e)
  else {
    const c = e as { left: Expr<P>; right: Expr<P> }
    chainMembers(c.left, kind, out)
    chainMembers(c.right, kind, out)
  }
  return out
}

function format<P extends PredicateLike>(e: Expr<P>, pred: (p: P) => string, memo: Map<object, number>): string {
  const sub = (c: Expr<P>, min: number): string => (precedence(c) < min ? `(${format(c, pred, memo)})` : format(c, pred, memo))
  switch (e.kind) {
    case 'true':
      return 'true'
    case 'false':
      return 'false'
    case 'and':
    case 'or': {
      const p = precedence(e)
      // a flat chain when the parser rebuilds this very shape from it (a balanced tree); otherwise the two
      // sides, a side of the same kind in parentheses so that it stays one operand
      if (isBalanced(e, e.kind, memo)) return chainMembers(e, e.kind, []).map((c) => sub(c, p)).join(` ${e.kind} `)
      return `${sub(e.left, p + 1)} ${e.kind} ${sub(e.right, p + 1)}`
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
  if (isBound(e)) return format(e, (p) => formatPredicate(unbindPredicate(p)), new Map())
  return format(e, formatPredicate, new Map())
}
