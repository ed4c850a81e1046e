// Input files for writes (the CLI's append/overwrite): CSV with a header, JSON lines, and Parquet, turned into
// rows the coercer checks against the table schema (errors name the file, row and column).
import { InvalidArgumentError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { bytesSource } from '../parquet/byte-source.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { parseJson, type JsonValue } from '../spec/json/lossless.js'
import { createNameMapping } from '../spec/name-mapping.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType } from '../spec/types.js'
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

/** A CSV cell as the JS value the coercer expects for `type` (empty = null). */
function csvValue(type: IcebergType, s: string, where: () => string): unknown {
  if (s === '') return null
  const bad = (what: string): never => {
    throw new InvalidDataError(`Invalid data in ${where()}: expected ${what}, got ${JSON.stringify(s)}`)
  }
  switch (type.kind) {
    case 'boolean':
      return /^(true|false)$/i.test(s) ? s.toLowerCase() === 'true' : bad('true or false')
    case 'int':
      return /^-?\d+$/.test(s) ? Number(s) : bad('an integer')
    case 'long':
      return /^-?\d+$/.test(s) ? BigInt(s) : bad('an integer')
    case 'float':
    case 'double': {
      const n = Number(s)
      return Number.isNaN(n) && !/^nan$/i.test(s) ? bad('a number') : n
    }
    case 'binary':
    case 'fixed':
      return new Uint8Array(Buffer.from(s, 'base64'))
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
    types.forEach((f, j) => (out[f.name] = csvValue(f.type, r[j] ?? '', () => `${source} row ${i + 1} column ${f.name}`) as Row[string]))
    return out
  })
}

function jsonValue(type: IcebergType, v: JsonValue): unknown {
  if (v === null) return null
  switch (type.kind) {
    case 'binary':
    case 'fixed':
      return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : v
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v) || typeof v === 'bigint') return v
      const o: Record<string, unknown> = {}
      for (const f of type.fields) if (f.name in v) o[f.name] = jsonValue(f.type, v[f.name]!)
      return o
    }
    case 'list':
      return Array.isArray(v) ? v.map((x) => jsonValue(type.element, x)) : v
    case 'map':
      if (Array.isArray(v)) return new Map(v.map((e) => [jsonValue(type.key, (e as Record<string, JsonValue>).key ?? null), jsonValue(type.value, (e as Record<string, JsonValue>).value ?? null)]))
      if (v && typeof v === 'object' && typeof v !== 'bigint') return new Map(Object.entries(v).map(([k, x]) => [k, jsonValue(type.value, x)]))
      return v
    default:
      return v
  }
}

/** Rows of a JSON-lines file (the encoding `floe scan` writes); long integers stay exact. */
export function jsonlRows(text: string, schema: Schema, source: string): Row[] {
  const out: Row[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const v = parseJson(line, `${source} line ${i + 1}`)
    if (!v || typeof v !== 'object' || Array.isArray(v) || typeof v === 'bigint')
      throw new InvalidDataError(`Invalid data in ${source} row ${out.length + 1}: expected a JSON object`, { context: { file: source, row: out.length + 1 } })
    const row: Row = {}
    for (const f of schema.fields) if (f.name in v) row[f.name] = jsonValue(f.type, v[f.name]!) as Row[string]
    for (const k of Object.keys(v)) if (!schema.fields.some((f) => f.name === k)) row[k] = v[k] as Row[string]
    out.push(row)
  })
  return out
}

/** Rows of a Parquet file: by field id when it carries ids, else by column name. */
export async function parquetRows(bytes: Uint8Array, schema: Schema, source: string): Promise<Row[]> {
  const out: Row[] = []
  for await (const b of hyparquetReader.readBatches(bytesSource(bytes, source), { schema, nameMapping: createNameMapping(schema) })) out.push(...b.rows)
  return out
}
