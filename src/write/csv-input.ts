// CSV input files with a header row: RFC 4180 records, cells read strictly by column type.
import type { Row } from '../parquet/codec.js'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import type { IcebergType, NestedField } from '../spec/types.js'
import { base64ToBytes } from '../spec/values.js'
import { InvalidDataError } from './coerce.js'
import { decodeInputText, invalid, type Cell, type TextRowReader } from './input-cell.js'
import { float32FromText } from './number-text.js'

const CR = 13
const LF = 10
const QUOTE = 34
const COMMA = 44

/** One CSV field: its text, and whether it was quoted (`""` is an empty string, an empty unquoted field is null). */
export interface CsvField {
  readonly text: string
  readonly quoted: boolean
}

/**
 * An incremental RFC 4180 tokenizer: text goes in as chunks of any size (a chunk may end inside a field, a
 * doubled quote or a CRLF), complete records come out. `end` flushes the last record and reports the 1-based
 * line where a quoted field that is never closed opened (it swallowed the rest of the text).
 */
class CsvTokenizer {
  private record: CsvField[] = []
  private cell = ''
  private wasQuoted = false
  private inQuotes = false
  /** A quote inside a quoted field ended the last chunk: the next character says if it was doubled. */
  private quotePending = false
  /** A CR ended a record: an LF right after it belongs to the same line break. */
  private afterCR = false
  /** The last character seen was a CR (a CRLF counts as one line break, inside quotes too). */
  private prevCR = false
  private line = 1
  private quoteLine = 0

  /** Tokenize one chunk, appending the records it completes to `out`. */
  push(text: string, out: CsvField[][]): void {
    // content characters are not appended one by one: `run` is where the current run of them started in this
    // chunk, and a run joins the cell (as one slice) when a quote, separator or line break ends it
    let run = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === CR || (c === LF && !this.prevCR)) this.line++
      this.prevCR = c === CR
      const crlf = this.afterCR && c === LF
      this.afterCR = false
      if (this.quotePending) {
        this.quotePending = false
        if (c === QUOTE) {
          this.cell += '"'
          run = i + 1
          continue
        }
        this.inQuotes = false
      }
      if (this.inQuotes) {
        if (c !== QUOTE) continue
        if (i > run) this.cell += text.slice(run, i)
        if (i + 1 === text.length) this.quotePending = true
        else if (text.charCodeAt(i + 1) === QUOTE) {
          this.cell += '"'
          i++
        } else this.inQuotes = false
        run = i + 1
      } else if (crlf) run = i + 1
      else if (c === QUOTE && run === i && this.cell === '' && !this.wasQuoted) {
        this.inQuotes = this.wasQuoted = true
        this.quoteLine = this.line
        run = i + 1
      } else if (c === COMMA) {
        if (i > run) this.cell += text.slice(run, i)
        this.endField()
        run = i + 1
      } else if (c === LF || c === CR) {
        if (i > run) this.cell += text.slice(run, i)
        this.afterCR = c === CR
        this.endField()
        out.push(this.record)
        this.record = []
        run = i + 1
      }
    }
    if (text.length > run) this.cell += text.slice(run)
  }

  /** Flush the last record (one not ended by a newline) into `out`; returns where an unclosed quote opened. */
  end(out: CsvField[][]): { readonly unclosedQuoteLine?: number } {
    if (this.quotePending) this.inQuotes = this.quotePending = false
    if (this.cell !== '' || this.wasQuoted || this.record.length) {
      this.endField()
      out.push(this.record)
      this.record = []
    }
    return this.inQuotes ? { unclosedQuoteLine: this.quoteLine } : {}
  }

  private endField(): void {
    this.record.push({ text: this.cell, quoted: this.wasQuoted })
    this.cell = ''
    this.wasQuoted = false
  }
}

/**
 * RFC 4180 records (quoted fields, doubled quotes, CRLF, LF or CR), every line kept: a line with nothing on
 * it is a record of one empty unquoted field. Only the newline that ends the last record is not a record.
 * A quoted field that is never closed is INVALID_DATA naming `source` and the line where it opened.
 */
export function parseCsvFields(text: string, source = 'CSV text'): CsvField[][] {
  const records: CsvField[][] = []
  const t = new CsvTokenizer()
  t.push(text, records)
  const { unclosedQuoteLine } = t.end(records)
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

// INVALID_DATA for a cell that is not a `what` (a function of its own, not a closure made per cell: cells are the hot loop of a large load)
function badCell(at: Cell, what: string, raw: string): never {
  return invalid(at, `expected ${what}, got ${JSON.stringify(raw)}`)
}

/**
 * A CSV cell as the JS value the coercer expects for `type`. An empty unquoted cell is null; a quoted empty
 * cell (`""`) is an empty string in string columns and empty bytes in binary/fixed columns, and null in others.
 * A cell of only whitespace is null, except in string, binary and fixed columns (where it is not base64). Other cells are trimmed, except
 * strings and base64.
 * Numbers are decimal only (sign, digits, fraction and exponent for float/double, plus NaN and
 * [+-]Inf/Infinity in any case); hex, binary and octal literals are rejected.
 */
function csvValue(type: IcebergType, field: CsvField, at: Cell): unknown {
  const raw = field.text
  if (raw === '' && !field.quoted) return null
  if (type.kind === 'string' || type.kind === 'binary' || type.kind === 'fixed') {
    if (type.kind === 'string') return raw
    return base64ToBytes(raw) ?? invalid(at, `expected base64 bytes, got ${JSON.stringify(raw)}`)
  }
  const s = raw.trim()
  if (s === '') return null
  switch (type.kind) {
    case 'boolean':
      return /^(true|false)$/i.test(s) ? s.toLowerCase() === 'true' : badCell(at, 'true or false', raw)
    case 'int': {
      if (!CSV_INTEGER.test(s)) return badCell(at, 'an integer', raw)
      const n = Number(s)
      return Number.isSafeInteger(n) ? n : BigInt(s)
    }
    case 'long':
      return CSV_INTEGER.test(s) ? BigInt(s) : badCell(at, 'an integer', raw)
    case 'float':
    case 'double': {
      if (CSV_DECIMAL.test(s)) return type.kind === 'float' ? float32FromText(s) : Number(s)
      if (CSV_NAN.test(s)) return Number.NaN
      const inf = CSV_INFINITY.exec(s)
      if (inf) return inf[1] === '-' ? -Infinity : Infinity
      return badCell(at, 'a decimal number, NaN or Infinity', raw)
    }
    case 'struct':
    case 'list':
    case 'map':
      return badCell(at, 'a primitive value (nested columns cannot be loaded from CSV; use JSON lines)', raw)
    default:
      return s
  }
}

/**
 * Rows of a CSV file with a header row, read chunk by chunk (see {@link csvRows} for the rules); `push` and
 * `end` return the rows each chunk completes, so a file of any size streams through in bounded memory.
 */
export class CsvRowReader implements TextRowReader {
  private readonly tokens = new CsvTokenizer()
  private readonly records: CsvField[][] = []
  private types: NestedField[] | undefined
  private rows = 0

  /** Read rows of `schema` from the CSV text of `source` (the name errors give). */
  constructor(
    private readonly schema: Schema,
    private readonly source: string,
  ) {}

  /** The rows completed by one more chunk of text. */
  push(text: string): Row[] {
    this.tokens.push(text, this.records)
    return this.drain()
  }

  /** The last rows, once the text has ended; an unclosed quote is INVALID_DATA naming its row. */
  end(): Row[] {
    const { unclosedQuoteLine } = this.tokens.end(this.records)
    if (unclosedQuoteLine === undefined) return this.drain()
    // an unclosed quote swallows the rest of the text, so it is the last record: the rows before it come first
    this.records.pop()
    this.drain()
    throw unclosedQuote(this.source, this.types ? this.rows + 1 : 'header', unclosedQuoteLine)
  }

  // Turn the complete records into rows (the first non-blank record is the header).
  private drain(): Row[] {
    const out: Row[] = []
    for (const r of this.records) {
      if (!this.types) {
        if (!isBlankLine(r)) this.types = this.header(r)
        continue
      }
      // with one column a blank line is a null value; with more it is skipped
      if (this.types.length > 1 && isBlankLine(r)) continue
      out.push(this.row(r, ++this.rows))
    }
    this.records.length = 0
    return out
  }

  private header(r: readonly CsvField[]): NestedField[] {
    const source = this.source
    const seen = new Set<string>()
    return r.map(({ text: h }) => {
      const f = this.schema.fields.find((x) => x.name === h.trim())
      if (!f) throw new InvalidDataError(`Invalid data in ${source}: header column ${h} is not a column of the table`, { context: { file: source, field: h } })
      if (seen.has(f.name)) throw new InvalidDataError(`Invalid data in ${source}: header column ${f.name} appears more than once`, { context: { file: source, field: f.name } })
      seen.add(f.name)
      return f
    })
  }

  private row(r: readonly CsvField[], row: number): Row {
    const types = this.types!
    if (r.length !== types.length)
      throw new InvalidDataError(`Invalid data in ${this.source} row ${row}: expected ${types.length} fields (as in the header), found ${r.length}`, {
        context: { file: this.source, row },
      })
    const out: Row = {}
    for (let j = 0; j < types.length; j++) {
      const f = types[j]!
      setOwn(out, f.name, csvValue(f.type, r[j]!, { file: this.source, row, column: f.name }) as Row[string])
    }
    return out
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
  const reader = new CsvRowReader(schema, source)
  return [...reader.push(text), ...reader.end()]
}
