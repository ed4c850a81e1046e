// Lossless JSON for Node 20 (no JSON.parse source access, no JSON.rawJSON): integers that may exceed
// 2^53 come back as bigint, and bigint values are written as bare JSON integers.
import { FloeError } from '../../errors.js'

/** A parsed JSON value; integer literals of 16 or more digits are bigint, all other numbers are number. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject
/** A parsed JSON object. */
export interface JsonObject {
  [key: string]: JsonValue
}


/**
 * Wrap every integer literal of ≥16 digits (outside strings) as a string `"\u0000<digits>"`, so that
 * JSON.parse keeps its exact text. Returns the input unchanged when there is none.
 */
function markBigIntegers(s: string): string {
  const n = s.length
  const out: string[] = []
  let last = 0
  let i = 0
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === 34) {
      // skip a string literal: find the closing quote not preceded by an odd number of backslashes
      let j = i + 1
      for (;;) {
        j = s.indexOf('"', j)
        if (j < 0) return s
        let k = j - 1
        let slashes = 0
        while (s.charCodeAt(k) === 92) {
          slashes++
          k--
        }
        if ((slashes & 1) === 0) break
        j++
      }
      i = j + 1
    } else if ((c >= 48 && c <= 57) || c === 45) {
      let j = c === 45 ? i + 1 : i
      const digitsStart = j
      while (j < n && isDigit(s.charCodeAt(j))) j++
      const digits = j - digitsStart
      let integer = true
      if (s.charCodeAt(j) === 46) {
        integer = false
        j++
        while (j < n && isDigit(s.charCodeAt(j))) j++
      }
      const e = s.charCodeAt(j)
      if (e === 101 || e === 69) {
        integer = false
        j++
        const sign = s.charCodeAt(j)
        if (sign === 43 || sign === 45) j++
        while (j < n && isDigit(s.charCodeAt(j))) j++
      }
      if (integer && digits >= 16) {
        out.push(s.slice(last, i), '"\\u0000', s.slice(i, j), '"')
        last = j
      }
      i = j
    } else i++
  }
  if (last === 0) return s
  out.push(s.slice(last))
  return out.join('')
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/**
 * Parse JSON text exactly, leaving integers of ≥16 digits as marker strings that {@link jsonLong} and
 * {@link restoreBigInts} decode (the exact fallback parser returns bigint directly; readers accept both).
 * Typed readers use this to avoid a second walk over the tree. Throws INVALID_JSON naming `file`.
 */
export function parseJsonMarked(text: string, file?: string): JsonValue {
  return parseEither(text, file).tree
}

function parseEither(text: string, file: string | undefined): { tree: JsonValue; marked: boolean } {
  // A source string that itself holds an escaped NUL could be mistaken for a marker: parse exactly.
  if (!text.includes('\\u0000')) {
    try {
      return { tree: JSON.parse(markBigIntegers(text)) as JsonValue, marked: true }
    } catch {
      // fall through to the exact parser, which also reports where the error is
    }
  }
  return { tree: new Parser(text, file).parseDocument(), marked: false }
}

/** Parse JSON text exactly: integer literals of ≥16 digits become bigint. Throws INVALID_JSON naming `file`. */
export function parseJson(text: string, file?: string): JsonValue {
  const { tree, marked } = parseEither(text, file)
  return marked ? restoreBigInts(tree) : tree
}

/** True when `v` is a marker string left by {@link parseJsonMarked} for a long integer. */
export function isBigMarker(v: unknown): v is string {
  return typeof v === 'string' && v.length > 1 && v.charCodeAt(0) === 0
}

/** Turn the marker strings of a {@link parseJsonMarked} tree into bigint, in place. */
export function restoreBigInts(v: JsonValue): JsonValue {
  if (typeof v === 'string') return isBigMarker(v) ? BigInt(v.slice(1)) : v
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!
      if (typeof x === 'object' || typeof x === 'string') v[i] = restoreBigInts(x)
    }
    return v
  }
  for (const k in v) {
    const x = v[k]!
    if (typeof x === 'object' || typeof x === 'string') v[k] = restoreBigInts(x)
  }
  return v
}

/** An integer JSON value (number, bigint or marker) as bigint, or undefined when `v` is not an integer. */
export function jsonLong(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined
  if (isBigMarker(v)) return BigInt(v.slice(1))
  return undefined
}

/** Exact recursive-descent JSON parser used when the fast path cannot be trusted, and for error positions. */
class Parser {
  private pos = 0
  constructor(
    private readonly s: string,
    private readonly file: string | undefined,
  ) {}

  parseDocument(): JsonValue {
    this.ws()
    if (this.pos >= this.s.length) this.fail('empty JSON document')
    const v = this.value(0)
    this.ws()
    if (this.pos < this.s.length) this.fail('unexpected text after the JSON value')
    return v
  }

  private fail(msg: string): never {
    const before = this.s.slice(0, this.pos)
    const line = before.split('\n').length
    const col = this.pos - before.lastIndexOf('\n')
    throw new FloeError('INVALID_JSON', `Invalid JSON: ${msg} at line ${line} column ${col}`, {
      context: this.file === undefined ? { position: this.pos } : { file: this.file, position: this.pos },
    })
  }

  private ws(): void {
    const s = this.s
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos)
      if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++
      else break
    }
  }

  private value(depth: number): JsonValue {
    if (depth > 512) this.fail('nesting too deep')
    const c = this.s[this.pos]
    switch (c) {
      case '{':
        return this.object(depth)
      case '[':
        return this.array(depth)
      case '"':
        return this.string()
      case 't':
        return this.word('true', true)
      case 'f':
        return this.word('false', false)
      case 'n':
        return this.word('null', null)
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
        return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`)
    }
  }

  private word<V extends JsonValue>(w: string, v: V): V {
    if (this.s.startsWith(w, this.pos)) {
      this.pos += w.length
      return v
    }
    return this.fail('invalid literal')
  }

  private object(depth: number): JsonObject {
    this.pos++
    const out: JsonObject = {}
    this.ws()
    if (this.s[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      this.ws()
      if (this.s[this.pos] !== '"') this.fail('expected a string key')
      const k = this.string()
      this.ws()
      if (this.s[this.pos] !== ':') this.fail("expected ':'")
      this.pos++
      this.ws()
      out[k] = this.value(depth + 1)
      this.ws()
      const c = this.s[this.pos]
      if (c === ',') this.pos++
      else if (c === '}') {
        this.pos++
        return out
      } else this.fail("expected ',' or '}'")
    }
  }

  private array(depth: number): JsonValue[] {
    this.pos++
    const out: JsonValue[] = []
    this.ws()
    if (this.s[this.pos] === ']') {
      this.pos++
      return out
    }
    for (;;) {
      this.ws()
      out.push(this.value(depth + 1))
      this.ws()
      const c = this.s[this.pos]
      if (c === ',') this.pos++
      else if (c === ']') {
        this.pos++
        return out
      } else this.fail("expected ',' or ']'")
    }
  }

  private string(): string {
    const s = this.s
    let i = this.pos + 1
    let out = ''
    let start = i
    for (;;) {
      if (i >= s.length) {
        this.pos = i
        this.fail('unterminated string')
      }
      const c = s.charCodeAt(i)
      if (c === 34) break
      if (c < 32) {
        this.pos = i
        this.fail('control character in string')
      }
      if (c === 92) {
        out += s.slice(start, i)
        const e = s[i + 1]
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e
            i += 2
            break
          case 'b':
            out += '\b'
            i += 2
            break
          case 'f':
            out += '\f'
            i += 2
            break
          case 'n':
            out += '\n'
            i += 2
            break
          case 'r':
            out += '\r'
            i += 2
            break
          case 't':
            out += '\t'
            i += 2
            break
          case 'u': {
            const hex = s.slice(i + 2, i + 6)
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = i
              this.fail('invalid unicode escape')
            }
            out += String.fromCharCode(parseInt(hex, 16))
            i += 6
            break
          }
          default:
            this.pos = i
            this.fail('invalid escape')
        }
        start = i
        continue
      }
      i++
    }
    out += s.slice(start, i)
    this.pos = i + 1
    return out
  }

  private number(): number | bigint {
    const s = this.s
    const start = this.pos
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
    m.lastIndex = start
    const r = m.exec(s)
    if (!r) this.fail('invalid number')
    this.pos = start + r[0].length
    const text = r[0]
    if (r[1] === undefined && r[2] === undefined) {
      const digits = text.length - (text[0] === '-' ? 1 : 0)
      if (digits >= 16) return BigInt(text)
    }
    return Number(text)
  }
}

/** Serialise a JSON value; bigint becomes a bare integer. `indent` > 0 pretty-prints. */
export function stringifyJson(v: unknown, indent = 0): string {
  const parts: string[] = []
  write(v, parts, indent, '')
  return parts.join('')
}

function write(v: unknown, out: string[], indent: number, pad: string): void {
  switch (typeof v) {
    case 'bigint':
      out.push(v.toString())
      return
    case 'number':
      out.push(Number.isFinite(v) ? JSON.stringify(v) : 'null')
      return
    case 'string':
      out.push(JSON.stringify(v))
      return
    case 'boolean':
      out.push(v ? 'true' : 'false')
      return
    case 'undefined':
    case 'function':
    case 'symbol':
      out.push('null')
      return
  }
  if (v === null) {
    out.push('null')
    return
  }
  const inner = indent > 0 ? pad + ' '.repeat(indent) : ''
  const nl = indent > 0 ? '\n' : ''
  const colon = indent > 0 ? ': ' : ':'
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]')
      return
    }
    out.push('[', nl)
    v.forEach((x, i) => {
      if (i) out.push(',', nl)
      out.push(inner)
      write(x, out, indent, inner)
    })
    out.push(nl, pad, ']')
    return
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
  if (entries.length === 0) {
    out.push('{}')
    return
  }
  out.push('{', nl)
  entries.forEach(([k, x], i) => {
    if (i) out.push(',', nl)
    out.push(inner, JSON.stringify(k), colon)
    write(x, out, indent, inner)
  })
  out.push(nl, pad, '}')
}
