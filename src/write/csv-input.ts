// CSV input files with a header row: RFC 4180 records, cells read strictly by column type.
import type { Row } from '../parquet/codec.js'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType } from '../spec/types.js'
import { InvalidDataError } from './coerce.js'
import { decodeInputText, invalid, type Cell } from './input-cell.js'
import { float32FromText } from './number-text.js'

/** One CSV field: its text, and whether it was quoted (`""` is an empty string, an empty unquoted field is null). */
export interface CsvField {
  readonly text: string
  readonly quoted: boolean
}

/** RFC 4180 records, and the 1-based line where a quoted field that is never closed opened (it ends the text). */
interface CsvRecords {
  readonly records: CsvField[][]
  readonly unclosedQuoteLine?: number
}

// The records of `text` (see parseCsvFields); an unclosed quote is reported, not thrown, so csvRows can name its row.
function readCsv(text: string): CsvRecords {
  const records: CsvField[][] = []
  let record: CsvField[] = []
  let cell = ''
  let wasQuoted = false
  let inQuotes = false
  let line = 1
  let quoteLine = 0
  const endField = (): void => {
    record.push({ text: cell, quoted: wasQuoted })
    cell = ''
    wasQuoted = false
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\r' || (c === '\n' && text[i - 1] !== '\r')) line++
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else inQuotes = false
      } else cell += c
    } else if (c === '"' && cell === '' && !wasQuoted) {
      inQuotes = wasQuoted = true
      quoteLine = line
    } else if (c === ',') endField()
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endField()
      records.push(record)
      record = []
    } else cell += c
  }
  if (cell !== '' || wasQuoted || record.length) {
    endField()
    records.push(record)
  }
  return inQuotes ? { records, unclosedQuoteLine: quoteLine } : { records }
}

/**
 * RFC 4180 records (quoted fields, doubled quotes, CRLF, LF or CR), every line kept: a line with nothing on
 * it is a record of one empty unquoted field. Only the newline that ends the last record is not a record.
 * A quoted field that is never closed is INVALID_DATA naming `source` and the line where it opened.
 */
export function parseCsvFields(text: string, source = 'CSV text'): CsvField[][] {
  const { records, unclosedQuoteLine } = readCsv(text)
  if (unclosedQuoteLine !== undefined) throw unclosedQuote(source, undefined, unclosedQuoteLine)
  return records
}

// INVALID_DATA for a quoted field never closed, naming the data row (when it is one) and the line it opened on.
function unclosedQuote(source: string, row: number | 'header' | undefined, line: number): InvalidDataError {
  const where = row === undefined ? '' : row === 'header' ? ' header' : ` row ${row}`
  return new InvalidDataError(`Invalid data in ${source}${where}: the quoted field opened on line ${line} is never closed (a quote is missing)`, {
    context: { file: source, ...(typeof row === 'number' ? { row } : {}) },
  })
}

/** True for a record that is one empty unquoted field (a line with nothing on it). */
const isBlankLine = (r: readonly CsvField[]): boolean => r.length === 1 && r[0]!.text === '' && !r[0]!.quoted

/** RFC 4180 records as text, blank lines skipped (see {@link parseCsvFields} for quoting). */
export function parseCsv(text: string): string[][] {
  return parseCsvFields(text)
    .filter((r) => !isBlankLine(r))
    .map((r) => r.map((f) => f.text))
}

const CSV_INTEGER = /^[+-]?\d+$/
const CSV_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const CSV_NAN = /^nan$/i
const CSV_INFINITY = /^([+-]?)inf(?:inity)?$/i

/**
 * A CSV cell as the JS value the coercer expects for `type`. An empty unquoted cell is null; a quoted empty
 * cell (`""`) is an empty string in string columns and empty bytes in binary/fixed columns, and null in others.
 * A cell of only whitespace is null, except in string and binary columns. Other cells are trimmed, except
 * strings and base64.
 * Numbers are decimal only (sign, digits, fraction and exponent for float/double, plus NaN and
 * [+-]Inf/Infinity in any case); hex, binary and octal literals are rejected.
 */
function csvValue(type: IcebergType, field: CsvField, at: Cell): unknown {
  const raw = field.text
  if (raw === '' && !field.quoted) return null
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

/**
 * Rows of a CSV file with a header row (text, or bytes that must be UTF-8); columns are matched to the schema
 * by name. INVALID_DATA, naming the file: a header column that is not a table column or appears twice, a row
 * whose field count differs from the header's, a quoted field never closed. Rows are numbered from 1 after
 * the header; with a one-column header a blank line is a null row, with more columns blank lines are skipped.
 */
export function csvRows(input: string | Uint8Array, schema: Schema, source: string): Row[] {
  const text = typeof input === 'string' ? input : decodeInputText(input, source)
  const { records: all, unclosedQuoteLine } = readCsv(text)
  while (all.length && isBlankLine(all[0]!)) all.shift()
  // an unclosed quote swallows the rest of the text, so it is in the last record
  if (unclosedQuoteLine !== undefined && all.length <= 1) throw unclosedQuote(source, 'header', unclosedQuoteLine)
  const [header, ...lines] = all
  if (!header) return []
  const seen = new Set<string>()
  const types = header.map(({ text: h }) => {
    const f = schema.fields.find((x) => x.name === h.trim())
    if (!f) throw new InvalidDataError(`Invalid data in ${source}: header column ${h} is not a column of the table`, { context: { file: source, field: h } })
    if (seen.has(f.name)) throw new InvalidDataError(`Invalid data in ${source}: header column ${f.name} appears more than once`, { context: { file: source, field: f.name } })
    seen.add(f.name)
    return f
  })
  // with one column a blank line is a null value; with more it is skipped, as before
  const records = types.length === 1 ? lines : lines.filter((r) => !isBlankLine(r))
  if (unclosedQuoteLine !== undefined) throw unclosedQuote(source, records.length, unclosedQuoteLine)
  return records.map((r, i) => {
    const row = i + 1
    if (r.length !== types.length)
      throw new InvalidDataError(`Invalid data in ${source} row ${row}: expected ${types.length} fields (as in the header), found ${r.length}`, {
        context: { file: source, row },
      })
    const out: Row = {}
    types.forEach((f, j) => setOwn(out, f.name, csvValue(f.type, r[j]!, { file: source, row, column: f.name }) as Row[string]))
    return out
  })
}
