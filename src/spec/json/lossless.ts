// Lossless JSON for Node 20 (no JSON.parse source access, no JSON.rawJSON): integers that may exceed
// 2^53 come back as bigint, and bigint values are written as bare JSON integers.
import { FloeError } from '../../errors.js'
import { setOwn } from '../own.js'

/** A parsed JSON value; integer literals of 16 or more digits are bigint, all other numbers are number. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject

/** Text written verbatim by stringifyJson (a floating-point literal such as `1.0`); never produced by parsing. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A float or double as a JSON floating-point literal that keeps its decimal point (`1.0`, `-0.0`), as Java writes and requires. */
export function floatJson(x: number): RawJson {
  if (Object.is(x, -0)) return new RawJson('-0.0')
  const t = JSON.stringify(x)
  return new RawJson(/[.eE]/.test(t) ? t : `${t}.0`)
}
/** A parsed JSON object. */
export interface JsonObject {
  [key: string]: JsonValue
}


/**
 * Exact text of the long integer literals in a document, keyed by the double JSON.parse turns them into.
 * A reader that meets an unsafe integer looks its exact digits up here.
 */
export type LongTable = ReadonlyMap<number, string>

/** A lossless parse result: the tree (unsafe integers as doubles or bigints) and the table that makes them exact. */
export interface LosslessTree {
  readonly tree: JsonValue
  readonly longs: LongTable
}

const EMPTY_TABLE: LongTable = new Map()

/**
 * Collect every run of ≥16 digits that is not part of a fraction or exponent, keyed by its double value.
 * Runs inside strings are collected too (harmless: a lookup only happens for unsafe numbers). Returns
 * undefined when two different literals round to the same double, so the caller must parse exactly.
 */
function longTable(text: string): LongTable | undefined {
  let table: Map<number, string> | undefined
  const len = text.length
  // Any run of ≥16 digits covers an index ≡ 15 (mod 16), so probing every 16th character finds them all
  // (5x faster than a regex over the whole text); each run is then widened to its full extent.
  for (let i = 15; i < len; i += 16) {
    if ((text.charCodeAt(i) - 48) >>> 0 > 9) continue
    let start = i
    while (start > 0 && (text.charCodeAt(start - 1) - 48) >>> 0 <= 9) start--
    let end = i + 1
    while (end < len && (text.charCodeAt(end) - 48) >>> 0 <= 9) end++
    // continue at the first probe past this run
    i = end - 1 - ((end - 1 - 15) % 16)
    if (end - start < 16) continue
    const before = text.charCodeAt(start - 1)
    const after = text.charCodeAt(end)
    if (before === 46 || after === 46 || after === 101 || after === 69) continue // 1.234…, 123….5, 123…e5
    const run = text.slice(start, end)
    const digits = before === 45 ? `-${run}` : run
    const key = Number(digits)
    table ??= new Map()
    const seen = table.get(key)
    if (seen === undefined) table.set(key, digits)
    else if (seen !== digits) return undefined
  }
  return table ?? EMPTY_TABLE
}

/**
 * Parse JSON text without losing integers: fast path JSON.parse plus a table of exact long literals (see
 * {@link jsonLong}); when that cannot be trusted, an exact parser that returns bigint directly.
 * Throws INVALID_JSON naming `file`, the line and the column.
 */
export function parseJsonLossless(text: string, file?: string): LosslessTree {
  const longs = longTable(text)
  if (longs) {
    try {
      return { tree: JSON.parse(text) as JsonValue, longs }
    } catch {
      // fall through: the exact parser reports where the error is
    }
  }
  return { tree: new Parser(text, file).parseDocument(), longs: EMPTY_TABLE }
}

/** Parse JSON text exactly: integer literals of ≥16 digits become bigint. Throws INVALID_JSON naming `file`. */
export function parseJson(text: string, file?: string): JsonValue {
  const { tree, longs } = parseJsonLossless(text, file)
  return longs.size ? restoreBigInts(tree, longs) : tree
}

/** Replace the unsafe integers of a fast-path tree by exact bigints, in place. */
export function restoreBigInts(v: JsonValue, longs: LongTable): JsonValue {
  if (typeof v === 'number') return exactLong(v, longs) ?? v
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!
      if (typeof x === 'object' || typeof x === 'number') v[i] = restoreBigInts(x, longs)
    }
    return v
  }
  for (const k in v) {
    const x = v[k]!
    if (typeof x === 'object' || typeof x === 'number') v[k] = restoreBigInts(x, longs)
  }
  return v
}

function exactLong(v: number, longs: LongTable): bigint | undefined {
  if (Number.isSafeInteger(v) || !Number.isInteger(v)) return undefined
  const digits = longs.get(v)
  return digits === undefined ? undefined : BigInt(digits)
}

/** An integer JSON value as an exact bigint (unsafe doubles resolved through `longs`), else undefined. */
export function jsonLong(v: unknown, longs: LongTable = EMPTY_TABLE): bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v !== 'number' || !Number.isInteger(v)) return undefined
  return Number.isSafeInteger(v) ? BigInt(v) : (exactLong(v, longs) ?? BigInt(v))
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
      setOwn(out, k, this.value(depth + 1))
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

/** Serialise a JSON value; bigint becomes a bare integer, -0 is `-0.0`. `indent` > 0 pretty-prints (JSON.stringify's layout). */
export function stringifyJson(v: unknown, indent = 0): string {
  return write(v, indent, '')
}

// Strings without quotes, backslashes, control characters or surrogates need no escaping.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)

// Builds the text with string concatenation, which V8 turns into cheap ropes (3x faster than joining parts).
function write(v: unknown, indent: number, pad: string): string {
  switch (typeof v) {
    case 'bigint':
      return v.toString()
    case 'number':
      // JSON.stringify drops the sign of -0; a double -0.0 (a default, a row value) must keep it
      return Number.isFinite(v) ? (Object.is(v, -0) ? '-0.0' : JSON.stringify(v)) : 'null'
    case 'string':
      return quote(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'object':
      break
    default:
      return 'null'
  }
  if (v === null) return 'null'
  if (v instanceof RawJson) return v.text
  const inner = indent > 0 ? pad + ' '.repeat(indent) : ''
  const sep = indent > 0 ? `,\n${inner}` : ','
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]'
    let out = indent > 0 ? `[\n${inner}` : '['
    for (let i = 0; i < v.length; i++) {
      if (i) out += sep
      out += write(v[i], indent, inner)
    }
    return out + (indent > 0 ? `\n${pad}]` : ']')
  }
  const o = v as Record<string, unknown>
  const colon = indent > 0 ? ': ' : ':'
  let out = ''
  for (const key of Object.keys(o)) {
    const x = o[key]
    if (x === undefined) continue
    out += out ? sep : indent > 0 ? `{\n${inner}` : '{'
    out += quote(key) + colon + write(x, indent, inner)
  }
  return out ? out + (indent > 0 ? `\n${pad}}` : '}') : '{}'
}
