// Input files for writes (the CLI's append/overwrite): CSV with a header, JSON lines, and Parquet, turned into
// rows the coercer checks against the table schema (errors name the file, row and column). Numbers in text
// are read from their exact digits: JSON number literals keep their text until the column type is known
// (decimals and 64-bit integers never pass through a double; floats are rounded once, straight to 32 bits).
import { FloeError, InvalidArgumentError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { bytesSource } from '../parquet/byte-source.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { parseJson } from '../spec/json/lossless.js'
import { createNameMapping } from '../spec/name-mapping.js'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType, NestedField, StructType } from '../spec/types.js'
import { parseDecimal } from '../spec/values.js'
import { InvalidDataError } from './coerce.js'

/** Input file formats. */
export type InputFormat = 'csv' | 'jsonl' | 'parquet'

/** The format of an input file from its name. */
export function inputFormatOf(path: string): InputFormat {
  if (/\.csv$/i.test(path)) return 'csv'
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl'
  if (/\.parquet$/i.test(path)) return 'parquet'
  throw new InvalidArgumentError(`Cannot tell the format of ${path}: name it .csv, .jsonl or .parquet, or pass --input-format`)
}

// Where a cell is, for errors: the file, 1-based row and the column.
interface Cell {
  readonly file: string
  readonly row: number
  readonly column: string
}

function invalid(at: Cell, message: string): never {
  throw new InvalidDataError(`Invalid data in ${at.file} row ${at.row} column ${at.column}: ${message}`, {
    context: { file: at.file, row: at.row, field: at.column },
  })
}

// --- exact number text -------------------------------------------------------------------------------------

const F32 = new Float32Array(1)
const F32_BITS = new Uint32Array(F32.buffer)
const MAX_FLOAT = 3.4028234663852886e38
// the value one step above the largest float, where rounding goes to Infinity
const FLOAT_OVERFLOW = 2 ** 128

// Adjacent float magnitudes (non-negative, finite or the overflow step).
function floatAbove(f: number): number {
  if (f === MAX_FLOAT) return FLOAT_OVERFLOW
  F32[0] = f
  F32_BITS[0]! += 1
  return F32[0]!
}
function floatBelow(f: number): number {
  if (f === Infinity) return MAX_FLOAT
  F32[0] = f
  F32_BITS[0]! -= 1
  return F32[0]!
}

// A positive finite double as m × 2^e.
function doubleParts(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const exp = Number((bits >> 52n) & 0x7ffn)
  const frac = bits & 0xfffffffffffffn
  return exp === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: exp - 1075 }
}

// Sign of |text| − x for decimal text and a positive finite double x, computed exactly.
function compareAbs(text: string, x: number): number {
  const d = parseDecimal(text)
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled
  const { m, e } = doubleParts(x)
  const lhs = u * (d.scale < 0 ? 10n ** BigInt(-d.scale) : 1n) * (e < 0 ? 1n << BigInt(-e) : 1n)
  const rhs = m * (d.scale > 0 ? 10n ** BigInt(d.scale) : 1n) * (e > 0 ? 1n << BigInt(e) : 1n)
  return lhs === rhs ? 0 : lhs > rhs ? 1 : -1
}

/**
 * The float (32-bit) nearest the exact value of decimal number text, ties to even, like Java's
 * `Float.parseFloat`. Going through the nearest double first can land exactly halfway between two floats
 * when the text is not; only then is the text compared exactly with that halfway point.
 */
export function float32FromText(text: string): number {
  const d = Number(text)
  const f = Math.fround(d)
  if (f === d || Number.isNaN(d)) return f
  const a = Math.abs(d)
  const fa = Math.abs(f)
  const lo = fa < a ? fa : floatBelow(fa)
  const hi = fa < a ? floatAbove(fa) : fa === Infinity ? FLOAT_OVERFLOW : fa
  if (a !== (lo + hi) / 2) return f
  const c = compareAbs(text, a)
  if (c === 0) return f
  const r = c > 0 ? (hi === FLOAT_OVERFLOW ? Infinity : hi) : lo
  return d < 0 ? -r : r
}

const PLAIN_INTEGER = /^-?\d{1,40}$/

/** The exact integer that decimal number text denotes, or undefined when it has a fraction or exceeds 10^40. */
export function exactInteger(text: string): bigint | undefined {
  if (PLAIN_INTEGER.test(text)) return BigInt(text)
  const { unscaled, scale } = parseDecimal(text)
  if (unscaled === 0n) return 0n
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
  if (scale <= 0) return digits - scale > 40 ? undefined : unscaled * 10n ** BigInt(-scale)
  if (scale >= digits) return undefined
  const k = 10n ** BigInt(scale)
  return unscaled % k === 0n ? unscaled / k : undefined
}

// --- CSV ----------------------------------------------------------------------------------------------------

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else cell += c
    } else if (c === '"' && cell === '') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell !== '' || row.length) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

const CSV_INTEGER = /^[+-]?\d+$/
const CSV_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const CSV_NAN = /^nan$/i
const CSV_INFINITY = /^([+-]?)inf(?:inity)?$/i

/**
 * A CSV cell as the JS value the coercer expects for `type`. An empty cell is null; so is a cell of only
 * whitespace, except in string and binary columns. Other cells are trimmed, except strings and base64.
 * Numbers are decimal only (sign, digits, fraction and exponent for float/double, plus NaN and
 * [+-]Inf/Infinity in any case); hex, binary and octal literals are rejected.
 */
function csvValue(type: IcebergType, raw: string, at: Cell): unknown {
  if (raw === '') return null
  if (type.kind === 'string' || type.kind === 'binary' || type.kind === 'fixed') {
    return type.kind === 'string' ? raw : new Uint8Array(Buffer.from(raw, 'base64'))
  }
  const s = raw.trim()
  if (s === '') return null
  const bad = (what: string): never => invalid(at, `expected ${what}, got ${JSON.stringify(raw)}`)
  switch (type.kind) {
    case 'boolean':
      return /^(true|false)$/i.test(s) ? s.toLowerCase() === 'true' : bad('true or false')
    case 'int': {
      if (!CSV_INTEGER.test(s)) return bad('an integer')
      const n = Number(s)
      return Number.isSafeInteger(n) ? n : BigInt(s)
    }
    case 'long':
      return CSV_INTEGER.test(s) ? BigInt(s) : bad('an integer')
    case 'float':
    case 'double': {
      if (CSV_DECIMAL.test(s)) return type.kind === 'float' ? float32FromText(s) : Number(s)
      if (CSV_NAN.test(s)) return Number.NaN
      const inf = CSV_INFINITY.exec(s)
      if (inf) return inf[1] === '-' ? -Infinity : Infinity
      return bad('a decimal number, NaN or Infinity')
    }
    case 'struct':
    case 'list':
    case 'map':
      return bad('a primitive value (nested columns cannot be loaded from CSV; use JSON lines)')
    default:
      return s
  }
}

/** Rows of a CSV file with a header row; columns are matched to the schema by name. */
export function csvRows(text: string, schema: Schema, source: string): Row[] {
  const [header, ...records] = parseCsv(text)
  if (!header) return []
  const types = header.map((h) => {
    const f = schema.fields.find((x) => x.name === h.trim())
    if (!f) throw new InvalidDataError(`Invalid data in ${source}: header column ${h} is not a column of the table`, { context: { file: source, field: h } })
    return f
  })
  return records.map((r, i) => {
    const out: Row = {}
    types.forEach((f, j) => setOwn(out, f.name, csvValue(f.type, r[j] ?? '', { file: source, row: i + 1, column: f.name }) as Row[string]))
    return out
  })
}

// --- JSON lines ---------------------------------------------------------------------------------------------

/** A JSON number literal, kept as written until the column type says how to read it. */
class NumberText {
  constructor(readonly text: string) {}
}

/** A JSON value whose numbers are still text. */
type JsonTree = null | boolean | string | NumberText | JsonTree[] | { [key: string]: JsonTree }

class JsonSyntax {}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

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

const base64 = (v: JsonTree): unknown => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : plain(v))

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
      return base64(v)
    case 'variant':
      return isObject(v) ? { metadata: base64(v.metadata ?? null), value: base64(v.value ?? null) } : plain(v)
    case 'struct': {
      if (!isObject(v)) return plain(v)
      const o: Record<string, unknown> = {}
      const members = membersOf(type)
      for (const k of Object.keys(v)) {
        const f = members.get(k)
        // unknown members stay, so the coercer reports them
        setOwn(o, k, f ? jsonValue(f.type, v[k]!, { ...at, column: `${at.column}.${k}` }) : plain(v[k]!))
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
      if (Array.isArray(v))
        return v.every(isObject) ? new Map(v.map((e) => [jsonValue(type.key, e.key ?? null, key), jsonValue(type.value, e.value ?? null, value)])) : plain(v)
      if (isObject(v)) return new Map(Object.keys(v).map((k) => [k, jsonValue(type.value, v[k]!, value)]))
      return plain(v)
    }
    default:
      return plain(v)
  }
}

/** Rows of a JSON-lines file (the encoding `floe scan` writes); numbers are read exactly for their column's type. */
export function jsonlRows(text: string, schema: Schema, source: string): Row[] {
  const out: Row[] = []
  const fields = membersOf({ kind: 'struct', fields: schema.fields })
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const v = readLine(line, `${source} line ${i + 1}`)
    const row = out.length + 1
    if (!isObject(v)) throw new InvalidDataError(`Invalid data in ${source} row ${row}: expected a JSON object`, { context: { file: source, row } })
    const r: Row = {}
    for (const k of Object.keys(v)) {
      const f = fields.get(k)
      setOwn(r, k, (f ? jsonValue(f.type, v[k]!, { file: source, row, column: k }) : plain(v[k]!)) as Row[string])
    }
    out.push(r)
  })
  return out
}

/** Rows of a Parquet file: by field id when it carries ids, else by column name. */
export async function parquetRows(bytes: Uint8Array, schema: Schema, source: string): Promise<Row[]> {
  const out: Row[] = []
  for await (const b of hyparquetReader.readBatches(bytesSource(bytes, source), { schema, nameMapping: createNameMapping(schema) })) out.push(...b.rows)
  return out
}
