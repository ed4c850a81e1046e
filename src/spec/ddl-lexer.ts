// The tokens of the text forms users type (column, partition and sort lists): words, `quoted` and "quoted"
// names, 'strings', integers and punctuation, each with its position for error messages.
import { InvalidArgumentError } from '../errors.js'

/** What a token is. */
export type TokenKind = 'word' | 'quoted' | 'string' | 'int' | 'punct' | 'end'

/** One token of DDL text, with its place in the text. */
export interface Token {
  readonly kind: TokenKind
  /** The value: a word or integer as written, a quoted name or string with its quotes removed and escapes undone. */
  readonly text: string
  /** The source text of the token. */
  readonly raw: string
  /** Offset of the token's first character. */
  readonly pos: number
  /** Offset just past the token. */
  readonly end: number
}

const PUNCT = ',()<>[]:.'
const QUOTES = '`"\''

const isSpace = (ch: string): boolean => /\s/u.test(ch)

/** Split `text` into tokens: words, `quoted` / "quoted" names, 'strings', integers and punctuation. */
export function tokenize(text: string, what: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (isSpace(ch)) {
      i++
      continue
    }
    const start = i
    if (PUNCT.includes(ch)) {
      out.push({ kind: 'punct', text: ch, raw: ch, pos: start, end: start + 1 })
      i++
      continue
    }
    if (QUOTES.includes(ch)) {
      // a quote inside is written twice: `a``b`, "a""b", 'it''s'
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) {
          const kind = ch === "'" ? 'string' : 'quoted name'
          throw new InvalidArgumentError(`Cannot parse ${what} ${JSON.stringify(text)}: unterminated ${kind} starting at character ${start + 1}`)
        }
        const c = text[i]!
        if (c === ch) {
          if (text[i + 1] === ch) {
            value += ch
            i += 2
            continue
          }
          i++
          break
        }
        value += c
        i++
      }
      out.push({ kind: ch === "'" ? 'string' : 'quoted', text: value, raw: text.slice(start, i), pos: start, end: i })
      continue
    }
    while (i < text.length && !isSpace(text[i]!) && !PUNCT.includes(text[i]!) && !QUOTES.includes(text[i]!)) i++
    const word = text.slice(start, i)
    out.push({ kind: /^[+-]?\d+$/.test(word) ? 'int' : 'word', text: word, raw: word, pos: start, end: i })
  }
  out.push({ kind: 'end', text: '', raw: '', pos: text.length, end: text.length })
  return out
}
