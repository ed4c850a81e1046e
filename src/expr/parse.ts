// Row-filter text → unbound Expression, in PyIceberg's row_filter syntax (pyiceberg/expressions/parser.py):
//   expr      := or ; or := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | primary
//   primary   := '(' expr ')' | 'true' | 'false' | column tail | literal cmp column
//   tail      := cmp literal | 'is' ['not'] ('null' | 'nan') | ['not'] 'in' '(' literals ')' | ['not'] 'like' string
//              | 'between' literal 'and' literal                      (→ column >= low and column <= high)
// Chains of `and` / `or` become balanced trees (PyIceberg's `_build_balanced_tree`), so thousands of terms
// nest only log2(n) deep. Keywords are case-insensitive; like PyIceberg, a keyword is a column name where
// a column tail follows it (`null = 1`, `not in (1)`: a leading `not` negates when what follows parses
// without it), and `true = 1` compares a column named true (`true = x` compares x with true).
// Columns are dotted identifiers, each part bare, "…" or `…`. PyIceberg's meanings: inside "…" a backslash
// is a quote (its `esc_quote`), inside '…' a backslash keeps itself and the next character (so `\'` does
// not end the string) and `''` is a quote, and LIKE's `\%` is a literal '%' (no other escape).
// Extensions over PyIceberg (text it refuses): exponents in numbers, `Infinity`/`-Infinity`/`NaN`,
// `X'hex'` byte literals, `E'…'` strings (`\\` a backslash, `\'` or `''` a quote; in LIKE `\%` and
// `\\` escape), mixed and empty `in` lists, `""` and dots inside "…", `…` quoting, newlines in strings,
// `true`/`false` inside a larger expression. Like PyIceberg there is no `not between`.
import { InvalidArgumentError } from '../errors.js'
import { decimalToString, hexToBytes, parseDecimal, type DecimalParts } from '../spec/values.js'
import { balanced, NumberText, type Expression, type Literal, type LiteralOp } from './expression.js'
import { KEYWORDS } from './format.js'

type TokenKind = '(' | ')' | ',' | '.' | 'op' | 'string' | 'estring' | 'bytes' | 'number' | 'word' | 'quoted' | 'end'

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
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Infinity(?![A-Za-z0-9_$])/y
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

// A '…' string as PyIceberg reads it: a backslash and the character after it are kept as they are (so
// `\'` does not end the string), `''` is one quote. `escapes` (E'…'): `\\` is a backslash and `\'` a quote.
function singleQuoted(src: string, start: number, escapes: boolean): { text: string; end: number } {
  let text = ''
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!
    const next = src[i + 1]
    if (c === '\\' && next !== undefined) {
      text += escapes && (next === '\\' || next === "'") ? next : c + next
      i++
    } else if (c === "'") {
      if (next !== "'") return { text, end: i + 1 }
      text += "'"
      i++
    } else text += c
  }
  return syntax('unterminated string', start)
}

// A "…" identifier as PyIceberg reads it: a backslash is a quote; `""` is a quote too (an extension).
function quotedIdentifier(src: string, start: number): { text: string; end: number } {
  let text = ''
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!
    if (c === '\\') text += '"'
    else if (c === '"') {
      if (src[i + 1] !== '"') return { text, end: i + 1 }
      text += '"'
      i++
    } else text += c
  }
  return syntax('unterminated quoted identifier', start)
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
    const next = src[i + 1]
    if ('(),'.includes(c)) {
      out.push({ kind: c as TokenKind, text: c, pos: i })
      i++
    } else if ((c === 'x' || c === 'X') && next === "'") {
      // a column name is never followed by a string, so x'…' is always bytes
      const q = quoted(src, i + 1, "'", 'byte literal')
      let bytes: Uint8Array
      try {
        bytes = hexToBytes(q.text)
      } catch {
        return syntax(`invalid hex in byte literal X'${q.text}'`, i)
      }
      out.push({ kind: 'bytes', text: q.text, pos: i, bytes })
      i = q.end
    } else if ((c === 'e' || c === 'E') && next === "'") {
      const q = singleQuoted(src, i + 1, true)
      out.push({ kind: 'estring', text: q.text, pos: i })
      i = q.end
    } else if (c === "'") {
      const q = singleQuoted(src, i, false)
      out.push({ kind: 'string', text: q.text, pos: i })
      i = q.end
    } else if (c === '"' || c === '`') {
      const q = c === '"' ? quotedIdentifier(src, i) : quoted(src, i, c, 'quoted identifier')
      out.push({ kind: 'quoted', text: q.text, pos: i })
      i = q.end
    } else if (c === '.' && (prev === 'word' || prev === 'quoted') && !/\d/.test(next ?? '')) {
      // a name part never starts with a digit, so `.5` is a number even after a word (`between .5 and 1`)
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

// Integral text with more digits than this stays exact number text rather than becoming a bigint, and so
// does a fraction with more places: both keep an exponent instead of being written out.
const MAX_PLAIN_DIGITS = 1000

// Integers: a number when safe (`-0` is the integer 0), else a bigint. Decimals: a number when the double
// prints back to the same decimal value, else a bigint when the value is integral, else exact number text.
function numberLiteral(text: string, pos: number): Literal {
  const t = text.replace(/^\+/, '')
  if (/[eE][+-]?\d{16,}$/.test(t)) return syntax(`number exponent out of range in '${text}'`, pos)
  if (/Infinity$/.test(t)) return Number(t)
  if (/^-?\d+$/.test(t)) {
    const n = Number(t)
    return n === 0 ? 0 : Number.isSafeInteger(n) ? n : BigInt(t)
  }
  const d = parseDecimal(t)
  const n = Number(t)
  if (Number.isFinite(n) && canonical(d) === canonical(parseDecimal(String(n)))) return n
  let { unscaled, scale } = d
  while (scale > 0 && unscaled % 10n === 0n) {
    unscaled /= 10n
    scale--
  }
  const digits = unscaled.toString().replace('-', '').length
  if (scale <= 0 && digits - scale <= MAX_PLAIN_DIGITS) return unscaled * 10n ** BigInt(-scale)
  if (!/[eE]/.test(t)) return new NumberText(t)
  // written with an exponent: plain text when that stays reasonably short
  if (scale > 0 && scale <= MAX_PLAIN_DIGITS) return new NumberText(decimalToString(d.unscaled, Math.max(d.scale, 0)))
  return new NumberText(canonical(d))
}

// The unescaped '%' positions of a PyIceberg LIKE pattern: a '%' right after a backslash is a literal.
function likePattern(pattern: string, pos: number, floeEscapes: boolean): { prefix: string; wildcard: boolean } {
  if (floeEscapes) {
    // E'…' patterns: `\%` is a literal '%', `\\` a backslash
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
  // PyIceberg: a '%' not preceded by a backslash is a wildcard, allowed only at the end; then every `\%`
  // becomes '%' and nothing else is an escape
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '%' && pattern[i - 1] !== '\\' && i < pattern.length - 1) return syntax("LIKE supports only a trailing '%' wildcard", pos)
  }
  const wildcard = pattern.endsWith('%') && pattern[pattern.length - 2] !== '\\'
  const body = wildcard ? pattern.slice(0, -1) : pattern
  return { prefix: body.replaceAll('\\%', '%'), wildcard }
}

const LITERAL_WORDS = new Set(['true', 'false'])

/**
 * Parse a row filter such as `ts >= '2024-01-01' and id in (1, 2)`, `n between 1 and 5` or
 * `not (a = 1 or b is null)` into an unbound expression (no constant folding, so
 * `parseFilter(exprToString(e))` rebuilds `e` up to the grouping of `and`/`or` chains, except that Date
 * literals come back as their ISO text, which binds to the same value, and numbers as the parser reads
 * them). `between` is inclusive and becomes `>= low and <= high`. Integers are numbers (bigints beyond
 * 2^53; `-0` is 0), decimals numbers (a {@link NumberText} when a double cannot hold them exactly, a
 * bigint when integral), `'…'` strings (`''` escapes a quote), `X'…'` bytes. Syntax errors throw
 * INVALID_ARGUMENT with the position.
 */
export function parseFilter(text: string): Expression {
  try {
    return parseTokens(tokenize(text))
  } catch (e) {
    if (e instanceof RangeError) throw new InvalidArgumentError('Invalid row filter: nested too deeply', { context: { position: 0 } })
    throw e
  }
}

function parseTokens(tokens: readonly Token[]): Expression {
  let k = 0
  const peek = (): Token => tokens[k]!
  const next = (): Token => tokens[k++]!
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w
  const describe = (t: Token): string =>
    t.kind === 'end' ? 'end of input' : `'${t.kind === 'string' ? `'${t.text}'` : t.kind === 'estring' ? `E'${t.text}'` : t.text}'`
  const expect = (kind: TokenKind, what: string): Token =>
    peek().kind === kind ? next() : syntax(`expected ${what}, found ${describe(peek())}`, peek().pos)

  // Where a literal may start: strings, numbers, bytes, true/false and the extension words Infinity/NaN.
  const startsLiteral = (t: Token | undefined): boolean =>
    t !== undefined &&
    (t.kind === 'string' ||
      t.kind === 'estring' ||
      t.kind === 'number' ||
      t.kind === 'bytes' ||
      (t.kind === 'word' && (LITERAL_WORDS.has(t.text.toLowerCase()) || t.text === 'Infinity' || t.text === 'NaN')))

  const literal = (): Literal => {
    const t = next()
    switch (t.kind) {
      case 'string':
      case 'estring':
        return t.text
      case 'bytes':
        return t.bytes!
      case 'number':
        return numberLiteral(t.text, t.pos)
      case 'word':
        if (isWord(t, 'true')) return true
        if (isWord(t, 'false')) return false
        if (t.text === 'Infinity') return Infinity
        if (t.text === 'NaN') return NaN
        if (isWord(t, 'null')) return syntax("null is not a literal; use 'is null'", t.pos)
        break
    }
    return syntax(`expected a literal, found ${describe(t)}`, t.pos)
  }

  // The index just past a dotted name starting at `i` (i itself when no name starts there).
  const nameEnd = (i: number): number => {
    const isPart = (t: Token | undefined): boolean => t?.kind === 'word' || t?.kind === 'quoted'
    if (!isPart(tokens[i])) return i
    let j = i + 1
    while (tokens[j]?.kind === '.' && isPart(tokens[j + 1])) j += 2
    return j
  }

  // Whether a column tail starts at token `j`: a comparison, is, in, like, between, not in, not like.
  const startsTail = (j: number): boolean => {
    const t = tokens[j]
    if (t?.kind === 'op') return true
    if (isWord(t, 'is') || isWord(t, 'in') || isWord(t, 'like') || isWord(t, 'between')) return true
    return isWord(t, 'not') && (isWord(tokens[j + 1], 'in') || isWord(tokens[j + 1], 'like'))
  }

  const column = (): string => {
    const parts: string[] = []
    for (;;) {
      const t = next()
      if (t.kind === 'quoted' || t.kind === 'word') parts.push(t.text)
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
      const p = peek().kind === 'estring' ? next() : expect('string', 'a quoted LIKE pattern')
      const { prefix, wildcard } = likePattern(p.text, p.pos, p.kind === 'estring')
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
    const end = nameEnd(k)
    const single = end === k + 1
    if (end > k && startsTail(end)) {
      // `true = x`: a literal compared with a column (PyIceberg tries `column op literal` first, with its own
      // literals: `true = NaN` compares a column NaN with true)
      const pyLiteral = (u: Token | undefined): boolean =>
        u?.kind === 'string' || u?.kind === 'number' || (u?.kind === 'word' && LITERAL_WORDS.has(u.text.toLowerCase()))
      const rhsLiteral = pyLiteral(t) ? pyLiteral(tokens[end + 1]) : startsLiteral(tokens[end + 1])
      const literalFirst = single && startsLiteral(t) && tokens[end]!.kind === 'op' && !rhsLiteral
      if (!literalFirst) return tail(column())
    } else if (single && (isWord(t, 'true') || isWord(t, 'false'))) {
      k++
      return isWord(t, 'true') ? { kind: 'true' } : { kind: 'false' }
    } else if (t.kind === 'word' && KEYWORDS.has(t.text.toLowerCase())) {
      return syntax(`expected a column name, found ${describe(t)} (quote a column named like a keyword: "${t.text}")`, t.pos)
    } else if (end > k) return tail(column())
    if (startsLiteral(t)) {
      const value = literal()
      const op = expect('op', 'a comparison operator')
      return { kind: 'literal', op: FLIPPED[COMPARISONS[op.text]!], term: { name: column() }, value }
    }
    return syntax(`expected a column name, found ${describe(t)}`, t.pos)
  }

  const not = (): Expression => {
    if (!isWord(peek(), 'not')) return primary()
    // PyIceberg tries `not <operand>` first and reads `not` as a column name only when that fails
    const at = k
    try {
      k++
      return { kind: 'not', child: not() }
    } catch (e) {
      if (!(e instanceof InvalidArgumentError) || !startsTail(nameEnd(at))) throw e
      k = at
      return primary()
    }
  }
  const chain = (kind: 'and' | 'or', operand: () => Expression): Expression => {
    const items = [operand()]
    while (isWord(peek(), kind)) {
      k++
      items.push(operand())
    }
    return balanced(kind, items)
  }
  const and = (): Expression => chain('and', not)
  const or = (): Expression => chain('or', and)

  if (peek().kind === 'end') return syntax('empty filter', 0)
  const e = or()
  if (peek().kind !== 'end') syntax(`unexpected ${describe(peek())}`, peek().pos)
  return e
}
