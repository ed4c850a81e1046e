// Row-filter text → unbound Expression, in PyIceberg's row_filter syntax (pyiceberg/expressions/parser.py):
//   expr      := or ; or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | primary
//   primary   := '(' expr ')' | 'true' | 'false' | column tail | literal cmp column
//   tail      := cmp literal | 'is' ['not'] ('null' | 'nan') | ['not'] 'in' '(' literals ')' | ['not'] 'like' string
//              | 'between' literal 'and' literal                      (→ column >= low and column <= high)
// Keywords are case-insensitive; columns are dotted identifiers, each part bare or quoted with "…" or `…`.
// Inside "…" `\"` is a quote and `\\` a backslash (the escape PyIceberg's grammar declares; its parser
// library in fact reads any lone `\` as a quote, so `"a\"b"` fails there), and `""` is a quote too.
// Extensions over PyIceberg: exponents in numbers, `X'hex'` byte literals, `\\` in LIKE patterns, `in ()`,
// `""` and dots inside "…", `…` quoting. Like PyIceberg there is no `not between` (write `not (x between …)`).
import { InvalidArgumentError } from '../errors.js'
import { hexToBytes, parseDecimal, type DecimalParts } from '../spec/values.js'
import type { Expression, Literal, LiteralOp } from './expression.js'
import { KEYWORDS } from './format.js'

type TokenKind = '(' | ')' | ',' | '.' | 'op' | 'string' | 'bytes' | 'number' | 'word' | 'quoted' | 'end'

interface Token {
  readonly kind: TokenKind
  readonly text: string
  readonly pos: number
  readonly bytes?: Uint8Array
}

function syntax(message: string, pos: number): never {
  throw new InvalidArgumentError(`Invalid row filter: ${message} at position ${pos}`, { context: { position: pos } })
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y
const OPERATOR = /<=|>=|<>|!=|==|=|<|>/y

// Text up to the closing `quote` (a doubled quote is one quote character); returns the content and the end.
function quoted(src: string, start: number, quote: string, what: string): { text: string; end: number } {
  let text = ''
  let i = start + 1
  for (;;) {
    const j = src.indexOf(quote, i)
    if (j < 0) return syntax(`unterminated ${what}`, start)
    text += src.slice(i, j)
    if (src[j + 1] === quote) {
      text += quote
      i = j + 2
    } else return { text, end: j + 1 }
  }
}

// A "…" identifier: `\"` and `\\` are escapes, `""` is one quote; a backslash before anything else is itself.
function quotedIdentifier(src: string, start: number): { text: string; end: number } {
  let text = ''
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!
    const next = src[i + 1]
    if (c === '\\' && (next === '"' || next === '\\')) {
      text += next
      i++
    } else if (c === '"') {
      if (next !== '"') return { text, end: i + 1 }
      text += '"'
      i++
    } else text += c
  }
  return syntax('unterminated quoted identifier', start)
}

// Whether the next token must be a literal (after an operator, in a set list); there `x'…'` is bytes, elsewhere
// `x` is a column named x.
function expectsLiteral(out: readonly Token[]): boolean {
  const prev = out[out.length - 1]
  if (prev?.kind === 'op' || prev?.kind === ',') return true
  const before = out[out.length - 2]
  return prev?.kind === '(' && before?.kind === 'word' && before.text.toLowerCase() === 'in'
}

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i
    return re.exec(src)?.[0]
  }
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const prev = out[out.length - 1]?.kind
    if ('(),'.includes(c)) {
      out.push({ kind: c as TokenKind, text: c, pos: i })
      i++
    } else if ((c === 'x' || c === 'X') && src[i + 1] === "'" && expectsLiteral(out)) {
      const q = quoted(src, i + 1, "'", 'byte literal')
      let bytes: Uint8Array
      try {
        bytes = hexToBytes(q.text)
      } catch {
        return syntax(`invalid hex in byte literal X'${q.text}'`, i)
      }
      out.push({ kind: 'bytes', text: q.text, pos: i, bytes })
      i = q.end
    } else if (c === "'" || c === '"' || c === '`') {
      const q = c === '"' ? quotedIdentifier(src, i) : quoted(src, i, c, c === "'" ? 'string' : 'quoted identifier')
      out.push({ kind: c === "'" ? 'string' : 'quoted', text: q.text, pos: i })
      i = q.end
    } else if (c === '.' && (prev === 'word' || prev === 'quoted')) {
      out.push({ kind: '.', text: '.', pos: i })
      i++
    } else if (at(NUMBER) !== undefined) {
      const n = at(NUMBER)!
      if (/[A-Za-z0-9_$.]/.test(src[i + n.length] ?? '')) return syntax(`invalid number '${n}${src[i + n.length]}'`, i)
      out.push({ kind: 'number', text: n, pos: i })
      i += n.length
    } else if (at(WORD) !== undefined) {
      const w = at(WORD)!
      out.push({ kind: 'word', text: w, pos: i })
      i += w.length
    } else if (at(OPERATOR) !== undefined) {
      const op = at(OPERATOR)!
      out.push({ kind: 'op', text: op, pos: i })
      i += op.length
    } else return syntax(`unexpected character '${c}'`, i)
  }
  out.push({ kind: 'end', text: '', pos: src.length })
  return out
}

const COMPARISONS: Record<string, LiteralOp> = {
  '<': 'lt',
  '<=': 'ltEq',
  '>': 'gt',
  '>=': 'gtEq',
  '=': 'eq',
  '==': 'eq',
  '!=': 'notEq',
  '<>': 'notEq',
}
const FLIPPED: Record<LiteralOp, LiteralOp> = {
  lt: 'gt',
  ltEq: 'gtEq',
  gt: 'lt',
  gtEq: 'ltEq',
  eq: 'eq',
  notEq: 'notEq',
  startsWith: 'startsWith',
  notStartsWith: 'notStartsWith',
}

function canonical(d: DecimalParts): string {
  let { unscaled, scale } = d
  if (unscaled === 0n) return '0'
  while (unscaled % 10n === 0n) {
    unscaled /= 10n
    scale--
  }
  return `${unscaled}e${-scale}`
}

// Integers: a number when safe, else a bigint. Decimals: a number when the double prints back to the same
// decimal value, else the text itself (decimal columns then bind it exactly).
function numberLiteral(text: string): Literal {
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text)
    return Number.isSafeInteger(n) ? n : BigInt(text)
  }
  const n = Number(text)
  const exact = Number.isFinite(n) && canonical(parseDecimal(text.replace(/^\+/, ''))) === canonical(parseDecimal(String(n)))
  return exact ? n : text
}

// LIKE 'p%' → startsWith p; LIKE 'p' (no wildcard) → eq p. `\%` is a literal '%', `\\` a backslash.
function likePattern(pattern: string, pos: number): { prefix: string; wildcard: boolean } {
  let prefix = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    const next = pattern[i + 1]
    if (c === '\\' && (next === '%' || next === '\\')) {
      prefix += next
      i++
    } else if (c === '%') {
      if (i === pattern.length - 1) return { prefix, wildcard: true }
      return syntax("LIKE supports only a trailing '%' wildcard", pos)
    } else prefix += c
  }
  return { prefix, wildcard: false }
}

/**
 * Parse a row filter such as `ts >= '2024-01-01' and id in (1, 2)`, `n between 1 and 5` or
 * `not (a = 1 or b is null)` into an unbound expression (no constant folding, so
 * `parseFilter(exprToString(e))` rebuilds `e`, except that Date literals come back as their ISO text,
 * which binds to the same value). `between` is inclusive and becomes `>= low and <= high`. Integers are
 * numbers (bigints beyond 2^53), decimals numbers (or their text when a double cannot hold them exactly),
 * `'…'` strings (`''` escapes a quote), `X'…'` bytes. Syntax errors throw INVALID_ARGUMENT with the position.
 */
export function parseFilter(text: string): Expression {
  const tokens = tokenize(text)
  let k = 0
  const peek = (): Token => tokens[k]!
  const next = (): Token => tokens[k++]!
  const isWord = (t: Token, w: string): boolean => t.kind === 'word' && t.text.toLowerCase() === w
  const describe = (t: Token): string => (t.kind === 'end' ? 'end of input' : `'${t.kind === 'string' ? `'${t.text}'` : t.text}'`)
  const expect = (kind: TokenKind, what: string): Token =>
    peek().kind === kind ? next() : syntax(`expected ${what}, found ${describe(peek())}`, peek().pos)

  const literal = (): Literal => {
    const t = next()
    switch (t.kind) {
      case 'string':
        return t.text
      case 'bytes':
        return t.bytes!
      case 'number':
        return numberLiteral(t.text)
      case 'word':
        if (isWord(t, 'true')) return true
        if (isWord(t, 'false')) return false
        if (isWord(t, 'null')) return syntax("null is not a literal; use 'is null'", t.pos)
        break
    }
    return syntax(`expected a literal, found ${describe(t)}`, t.pos)
  }

  const column = (): string => {
    const parts: string[] = []
    for (;;) {
      const t = next()
      if (t.kind === 'quoted') parts.push(t.text)
      else if (t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())) parts.push(t.text)
      else return syntax(`expected a column name, found ${describe(t)}`, t.pos)
      if (peek().kind !== '.') return parts.join('.')
      k++
    }
  }

  const tail = (name: string): Expression => {
    const term = { name }
    const t = next()
    if (t.kind === 'op') return { kind: 'literal', op: COMPARISONS[t.text]!, term, value: literal() }
    if (isWord(t, 'is')) {
      const negated = isWord(peek(), 'not') ? (k++, true) : false
      const w = next()
      if (isWord(w, 'null')) return { kind: 'unary', op: negated ? 'notNull' : 'isNull', term }
      if (isWord(w, 'nan')) return { kind: 'unary', op: negated ? 'notNaN' : 'isNaN', term }
      return syntax(`expected 'null' or 'nan', found ${describe(w)}`, w.pos)
    }
    if (isWord(t, 'between')) {
      const low = literal()
      const a = next()
      if (!isWord(a, 'and')) return syntax(`expected 'and' in 'between', found ${describe(a)}`, a.pos)
      const high = literal()
      return { kind: 'and', left: { kind: 'literal', op: 'gtEq', term, value: low }, right: { kind: 'literal', op: 'ltEq', term, value: high } }
    }
    const negated = isWord(t, 'not')
    const w = negated ? next() : t
    if (isWord(w, 'in')) {
      expect('(', "'('")
      const values: Literal[] = []
      if (peek().kind !== ')') {
        values.push(literal())
        while (peek().kind === ',') {
          k++
          values.push(literal())
        }
      }
      expect(')', "',' or ')'")
      return { kind: 'set', op: negated ? 'notIn' : 'in', term, values }
    }
    if (isWord(w, 'like')) {
      const p = expect('string', 'a quoted LIKE pattern')
      const { prefix, wildcard } = likePattern(p.text, p.pos)
      const op: LiteralOp = wildcard ? (negated ? 'notStartsWith' : 'startsWith') : negated ? 'notEq' : 'eq'
      return { kind: 'literal', op, term, value: prefix }
    }
    return syntax(`expected a comparison, 'is', 'in', 'like' or 'between' after column '${name}', found ${describe(w)}`, w.pos)
  }

  const primary = (): Expression => {
    const t = peek()
    if (t.kind === '(') {
      k++
      const e = or()
      expect(')', "')'")
      return e
    }
    const isConstant = isWord(t, 'true') || isWord(t, 'false')
    if (isConstant && tokens[k + 1]?.kind !== 'op') {
      k++
      return isWord(t, 'true') ? { kind: 'true' } : { kind: 'false' }
    }
    if (isConstant || t.kind === 'string' || t.kind === 'number' || t.kind === 'bytes') {
      const value = literal()
      const op = expect('op', 'a comparison operator')
      return { kind: 'literal', op: FLIPPED[COMPARISONS[op.text]!], term: { name: column() }, value }
    }
    return tail(column())
  }

  const not = (): Expression => {
    if (isWord(peek(), 'not')) {
      k++
      return { kind: 'not', child: not() }
    }
    return primary()
  }
  const and = (): Expression => {
    let left = not()
    while (isWord(peek(), 'and')) {
      k++
      left = { kind: 'and', left, right: not() }
    }
    return left
  }
  const or = (): Expression => {
    let left = and()
    while (isWord(peek(), 'or')) {
      k++
      left = { kind: 'or', left, right: and() }
    }
    return left
  }

  if (peek().kind === 'end') return syntax('empty filter', 0)
  const e = or()
  if (peek().kind !== 'end') syntax(`unexpected ${describe(peek())}`, peek().pos)
  return e
}
