// Row output for the CLI: jsonl (exact longs), csv, or an aligned table, all with scan's per-type encoding.
import { stringifyJson } from '../src/spec/json/lossless.js'
import type { Row } from '../src/parquet/codec.js'
import type { NestedField } from '../src/spec/types.js'
import { rowToJson, valueToText } from '../src/table/row-json.js'
import { InvalidArgumentError } from '../src/errors.js'
import type { CliIO } from './cli-io.js'

/** Output formats. */
export type Format = 'jsonl' | 'csv' | 'table'

/** Widest table cell, in code points; longer text ends in `…`. */
export const TABLE_CELL_WIDTH = 60

/** How `--format table` shows a null cell (an empty string stays empty), as DuckDB's shell does. */
export const TABLE_NULL = 'NULL'

/** Pick the format: the flag, else jsonl when stdout is not a terminal, else table. */
export function chooseFormat(flag: string | undefined, io: CliIO): Format {
  if (flag === undefined) return io.isTTY ? 'table' : 'jsonl'
  if (flag === 'jsonl' || flag === 'csv' || flag === 'table') return flag
  throw new InvalidArgumentError(`--format must be jsonl, csv or table, got ${flag}`)
}

/**
 * One CSV field: null is an empty unquoted field; text is quoted when it is empty (so `""` is an empty string,
 * not null) or holds a quote, comma or line break, with quotes doubled.
 */
export function csvField(text: string | null): string {
  if (text === null) return ''
  return text === '' || /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The text of one value for csv and table output; null for a null value. */
function cellText(f: NestedField, r: Row): string | null {
  const v = r[f.name]
  return v === null || v === undefined || f.type.kind === 'unknown' ? null : valueToText(f.type, v)
}

/** Write rows of `fields` in a format (the header comes from `fields`, so it is printed for no rows too); returns the number of rows written. */
export async function writeRows(io: CliIO, fields: readonly NestedField[], rows: AsyncIterable<Row> | Iterable<Row>, format: Format): Promise<number> {
  let n = 0
  if (format === 'jsonl') {
    for await (const r of rows) {
      io.out(stringifyJson(rowToJson(fields, r)))
      n++
    }
    return n
  }
  if (format === 'csv') {
    io.out(fields.map((f) => csvField(f.name)).join(','))
    for await (const r of rows) {
      io.out(fields.map((f) => csvField(cellText(f, r))).join(','))
      n++
    }
    return n
  }
  const cells: string[][] = []
  for await (const r of rows) {
    cells.push(fields.map((f) => cellText(f, r) ?? TABLE_NULL))
    n++
  }
  writeTable(io, fields.map((f) => f.name), cells)
  io.out(`(${n} row${n === 1 ? '' : 's'})`)
  return n
}

// C0 and C1 controls, DEL and the Unicode line/paragraph separators: anything that would break a table line
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Text for one table cell: newlines, tabs and other control characters shown as escapes (`\n`, `\u0001`). */
export function tableText(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Length in code points (a surrogate pair counts once). */
function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** `s` fitted to `width` code points: cut with `…` when longer (never inside a surrogate pair), else padded. */
export function fitCell(s: string, width: number): string {
  const n = codePoints(s)
  if (n <= width) return s + ' '.repeat(width - n)
  return `${Array.from(s).slice(0, Math.max(0, width - 1)).join('')}…`
}

/** An aligned table: header, rule and one line per row; cells escaped and cut at {@link TABLE_CELL_WIDTH}. */
function writeTable(io: CliIO, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const head = header.map(tableText)
  const body = rows.map((c) => c.map(tableText))
  const widths = head.map((h) => Math.min(TABLE_CELL_WIDTH, codePoints(h)))
  for (const c of body) c.forEach((x, i) => (widths[i] = Math.max(widths[i]!, Math.min(TABLE_CELL_WIDTH, codePoints(x)))))
  const line = (c: readonly string[]): string => c.map((x, i) => fitCell(x, widths[i]!)).join(' | ')
  io.out(line(head))
  io.out(widths.map((w) => '-'.repeat(w)).join('-+-'))
  for (const c of body) io.out(line(c))
}
