// JSON-lines input files (the encoding `floe scan` writes): number literals keep their text until the column
// type says how to read them (decimals and 64-bit integers never pass through a double).
import { FloeError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { parseJson } from '../spec/json/lossless.js'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType, NestedField, StructType } from '../spec/types.js'
import { base64ToBytes } from '../spec/values.js'
import { InvalidDataError } from './coerce.js'
import { decodeInputText, invalid, type Cell, type TextRowReader } from './input-cell.js'
import { exactInteger, float32FromText } from './number-text.js'

/** A JSON number literal, kept as written until the column type says how to read it. */
class NumberText {
  constructor(readonly text: string) {}
}

/** A JSON value whose numbers are still text. */
type JsonTree = null | boolean | string | NumberText | JsonTree[] | { [key: string]: JsonTree }

class JsonSyntax {}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

// The first key an object names twice (JSON.parse would keep the last value silently; Spark refuses a
// duplicated map key, and a row or struct naming a field twice is as ambiguous)
const DUPLICATE: unique symbol = Symbol('duplicate key')

/** INVALID_DATA when the object named a key twice. */
function checkUnique(v: { [key: string]: JsonTree }, at: Cell, what: string): void {
  const dup = (v as { [DUPLICATE]?: string })[DUPLICATE]
  if (dup !== undefined) invalid(at, `the ${what} has the key ${JSON.stringify(dup)} more than once`)
}

// A strict JSON reader that keeps number literals as text (Node 20's JSON.parse cannot give their source).
// It only throws JsonSyntax; the caller then lets parseJson report the error with its position.
class TreeReader {
  private pos = 0
  constructor(private readonly s: string) {}

  document(): JsonTree {
    const v = this.value(0)
    this.ws()
    if (this.pos < this.s.length) throw new JsonSyntax()
    return v
  }

  private ws(): void {
    const s = this.s
    for (;;) {
      const c = s.charCodeAt(this.pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++
      else return
    }
  }

  private value(depth: number): JsonTree {
    if (depth > 512) throw new JsonSyntax()
    this.ws()
    const s = this.s
    const c = s.charCodeAt(this.pos)
    if (c === 34) return this.string()
    if (c === 123) return this.object(depth)
    if (c === 91) return this.array(depth)
    if (c === 45 || (c >= 48 && c <= 57)) {
      JSON_NUMBER.lastIndex = this.pos
      const m = JSON_NUMBER.exec(s)
      if (!m) throw new JsonSyntax()
      this.pos += m[0].length
      return new NumberText(m[0])
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (s.startsWith(word, this.pos)) {
        this.pos += word.length
        return v
      }
    }
    throw new JsonSyntax()
  }

  private string(): string {
    const s = this.s
    const start = this.pos
    let plain = true
    let i = start + 1
    for (;;) {
      if (i >= s.length) throw new JsonSyntax()
      const c = s.charCodeAt(i)
      if (c === 34) break
      if (c < 32) throw new JsonSyntax()
      if (c === 92) {
        plain = false
        i += 2
      } else i++
    }
    this.pos = i + 1
    // escapes are decoded (and checked) by JSON.parse of the literal alone
    return plain ? s.slice(start + 1, i) : (JSON.parse(s.slice(start, i + 1)) as string)
  }

  private object(depth: number): JsonTree {
    this.pos++
    const out: { [key: string]: JsonTree } = {}
    this.ws()
    if (this.s.charCodeAt(this.pos) === 125) {
      this.pos++
      return out
    }
    for (;;) {
      this.ws()
      if (this.s.charCodeAt(this.pos) !== 34) throw new JsonSyntax()
      const key = this.string()
      this.ws()
      if (this.s.charCodeAt(this.pos) !== 58) throw new JsonSyntax()
      this.pos++
      if (Object.hasOwn(out, key) && !(DUPLICATE in out)) Object.defineProperty(out, DUPLICATE, { value: key })
      setOwn(out, key, this.value(depth + 1))
      this.ws()
      const c = this.s.charCodeAt(this.pos++)
      if (c === 125) return out
      if (c !== 44) throw new JsonSyntax()
    }
  }

  private array(depth: number): JsonTree {
    this.pos++
    const out: JsonTree[] = []
    this.ws()
    if (this.s.charCodeAt(this.pos) === 93) {
      this.pos++
      return out
    }
    for (;;) {
      out.push(this.value(depth + 1))
      this.ws()
      const c = this.s.charCodeAt(this.pos++)
      if (c === 93) return out
      if (c !== 44) throw new JsonSyntax()
    }
  }
}

// One JSON line as a tree; syntax errors are reported by parseJson (INVALID_JSON with line and column).
function readLine(line: string, where: string): JsonTree {
  try {
    return new TreeReader(line).document()
  } catch (e) {
    if (!(e instanceof JsonSyntax) && !(e instanceof SyntaxError)) throw e
  }
  parseJson(line, where)
  throw new FloeError('INVALID_JSON', `Invalid JSON in ${where}`, { context: { file: where } })
}

function isObject(v: JsonTree): v is { [key: string]: JsonTree } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof NumberText)
}

// A value with no column type to guide it, as parseJson reads it: integers of ≥ 16 digits as bigint.
function plain(v: JsonTree): unknown {
  if (v instanceof NumberText) return /^-?\d{16,}$/.test(v.text) ? BigInt(v.text) : Number(v.text)
  if (Array.isArray(v)) return v.map(plain)
  if (isObject(v)) {
    const o: Record<string, unknown> = {}
    for (const k of Object.keys(v)) setOwn(o, k, plain(v[k]!))
    return o
  }
  return v
}

// A JSON number in a column of `type`: decimals keep the literal's text for the coercer's exact parse;
// integer-valued columns take the exact integer; floats round once to 32 bits.
function numberValue(type: IcebergType, text: string, at: Cell): unknown {
  switch (type.kind) {
    case 'decimal':
      return text
    case 'float':
      return float32FromText(text)
    case 'double':
      return Number(text)
    case 'int':
    case 'date':
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const n = exactInteger(text)
      if (n === undefined) return invalid(at, Math.abs(Number(text)) >= 1e40 ? `${text} is out of range for ${type.kind}` : `expected an integer, got ${text}`)
      if (type.kind !== 'int' && type.kind !== 'date') return n
      return n >= -(2n ** 53n) && n <= 2n ** 53n ? Number(n) : n
    }
    default:
      return plain(new NumberText(text))
  }
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity }

// strict base64: a character outside the alphabet or a wrong padding is INVALID_DATA (Buffer would skip it)
const base64 = (v: JsonTree, at: Cell): unknown => (typeof v === 'string' ? (base64ToBytes(v) ?? invalid(at, `expected base64 bytes, got ${JSON.stringify(v)}`)) : plain(v))

const MEMBERS = new WeakMap<StructType, ReadonlyMap<string, NestedField>>()

// A struct's fields by name (cached per struct type).
function membersOf(t: StructType): ReadonlyMap<string, NestedField> {
  let m = MEMBERS.get(t)
  if (!m) MEMBERS.set(t, (m = new Map(t.fields.map((f) => [f.name, f]))))
  return m
}

// A JSON value in a column of `type` (scan's encoding: base64 bytes, NaN/±Infinity strings, map entries).
function jsonValue(type: IcebergType, v: JsonTree, at: Cell): unknown {
  if (v === null) return null
  if (v instanceof NumberText) return numberValue(type, v.text, at)
  switch (type.kind) {
    case 'float':
    case 'double':
      return typeof v === 'string' && Object.hasOwn(NON_FINITE, v) ? NON_FINITE[v] : plain(v)
    case 'binary':
    case 'fixed':
    case 'geometry':
    case 'geography':
      return base64(v, at)
    case 'variant':
      return isObject(v) ? { metadata: base64(v.metadata ?? null, { ...at, column: `${at.column}.metadata` }), value: base64(v.value ?? null, { ...at, column: `${at.column}.value` }) } : plain(v)
    case 'struct': {
      if (!isObject(v)) return plain(v)
      checkUnique(v, at, 'struct')
      const o: Record<string, unknown> = {}
      const members = membersOf(type)
      for (const k of Object.keys(v)) {
        const column = `${at.column}.${k}`
        const f = members.get(k) ?? noSuchColumn({ ...at, column })
        setOwn(o, k, jsonValue(f.type, v[k]!, { ...at, column }))
      }
      return o
    }
    case 'list': {
      if (!Array.isArray(v)) return plain(v)
      const el = { ...at, column: `${at.column}.element` }
      return v.map((x) => jsonValue(type.element, x, el))
    }
    case 'map': {
      const key = { ...at, column: `${at.column}.key` }
      const value = { ...at, column: `${at.column}.value` }
      // an entry that is not a {key, value} object leaves the array as it is, for the coercer to reject
      if (Array.isArray(v)) {
        if (!v.every(isObject)) return plain(v)
        const m = new Map(v.map((e) => [jsonValue(type.key, e.key ?? null, key), jsonValue(type.value, e.value ?? null, value)]))
        // equal keys in two entries: the Map kept only the last (keys that differ in form reach the coercer's check)
        if (m.size < v.length) {
          const seen = new Set<unknown>()
          const dup = v.map((e) => jsonValue(type.key, e.key ?? null, key)).find((k) => seen.has(k) || !seen.add(k))
          invalid(at, `the map has the key ${typeof dup === 'string' ? JSON.stringify(dup) : String(dup)} more than once`)
        }
        return m
      }
      if (isObject(v)) {
        checkUnique(v, at, 'map')
        return new Map(Object.keys(v).map((k) => [k, jsonValue(type.value, v[k]!, value)]))
      }
      return plain(v)
    }
    default:
      return plain(v)
  }
}

// A key that names no column (or struct member) is INVALID_DATA here: the coercer only looks for unknown keys
// when a column is missing, so a row with every column plus a stray key would pass it.
const noSuchColumn = (at: Cell): never => invalid(at, 'no such column in the table schema')

/**
 * Rows of a JSON-lines file read chunk by chunk (see {@link jsonlRows} for the rules); a line may straddle
 * chunks, and only the rows a chunk completes are returned.
 */
export class JsonlRowReader implements TextRowReader {
  private readonly fields: ReadonlyMap<string, NestedField>
  private partial = ''
  private line = 0
  private rows = 0

  /** Read rows of `schema` from the JSON-lines text of `source` (the name errors give). */
  constructor(
    schema: Schema,
    private readonly source: string,
  ) {
    this.fields = membersOf({ kind: 'struct', fields: schema.fields })
  }

  /** The rows completed by one more chunk of text. */
  push(text: string): Row[] {
    const out: Row[] = []
    let from = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const line = this.partial + text.slice(from, nl)
      this.partial = ''
      from = nl + 1
      this.read(line, out)
    }
    this.partial += text.slice(from)
    return out
  }

  /** The last row, when the text does not end with a newline. */
  end(): Row[] {
    const out: Row[] = []
    const line = this.partial
    this.partial = ''
    if (line) this.read(line, out)
    return out
  }

  private read(line: string, out: Row[]): void {
    const source = this.source
    this.line++
    if (!line.trim()) return
    const v = readLine(line, `${source} line ${this.line}`)
    const row = ++this.rows
    if (!isObject(v)) throw new InvalidDataError(`Invalid data in ${source} row ${row}: expected a JSON object`, { context: { file: source, row } })
    const dup = (v as { [DUPLICATE]?: string })[DUPLICATE]
    if (dup !== undefined) invalid({ file: source, row, column: dup }, 'the row names this column more than once')
    const r: Row = {}
    for (const k of Object.keys(v)) {
      const at = { file: source, row, column: k }
      const f = this.fields.get(k) ?? noSuchColumn(at)
      setOwn(r, k, jsonValue(f.type, v[k]!, at) as Row[string])
    }
    out.push(r)
  }
}

/**
 * Rows of a JSON-lines file (the encoding `floe scan` writes; text, or bytes that must be UTF-8); numbers are
 * read exactly for their column's type. A key that is not a column (or struct member) is INVALID_DATA.
 */
export function jsonlRows(input: string | Uint8Array, schema: Schema, source: string): Row[] {
  const text = typeof input === 'string' ? input : decodeInputText(input, source)
  const reader = new JsonlRowReader(schema, source)
  return [...reader.push(text), ...reader.end()]
}
