// CSV input files with a header row: RFC 4180 records, cells read strictly by column type.
import type { Row } from '../parquet/codec.js'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType } from '../spec/types.js'
import { InvalidDataError } from './coerce.js'
import { invalid, type Cell } from './input-cell.js'
import { float32FromText } from './number-text.js'

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
