// Row output for the CLI: jsonl (exact longs), csv, or an aligned table.
import { stringifyJson } from '../src/spec/json/lossless.js'
import type { Row } from '../src/parquet/codec.js'
import type { NestedField } from '../src/spec/types.js'
import { rowToJson, valueToText } from '../src/table/row-json.js'
import { InvalidArgumentError } from '../src/errors.js'
import type { CliIO } from './cli-io.js'

/** Output formats. */
export type Format = 'jsonl' | 'csv' | 'table'

/** Pick the format: the flag, else jsonl when stdout is not a terminal, else table. */
export function chooseFormat(flag: string | undefined, io: CliIO): Format {
  if (flag === undefined) return io.isTTY ? 'table' : 'jsonl'
  if (flag === 'jsonl' || flag === 'csv' || flag === 'table') return flag
  throw new InvalidArgumentError(`--format must be jsonl, csv or table, got ${flag}`)
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Write rows of `fields` in a format; returns the number of rows written. */
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
    io.out(fields.map((f) => csvCell(f.name)).join(','))
    for await (const r of rows) {
      io.out(fields.map((f) => csvCell(valueToText(f.type, r[f.name] ?? null))).join(','))
      n++
    }
    return n
  }
  const cells: string[][] = []
  for await (const r of rows) {
    cells.push(fields.map((f) => valueToText(f.type, r[f.name] ?? null)))
    n++
  }
  const widths = fields.map((f, i) => Math.min(60, Math.max(f.name.length, ...cells.map((c) => c[i]!.length))))
  const fmt = (c: readonly string[]): string => c.map((x, i) => (x.length > widths[i]! ? `${x.slice(0, widths[i]! - 1)}…` : x.padEnd(widths[i]!))).join(' | ')
  io.out(fmt(fields.map((f) => f.name)))
  io.out(widths.map((w) => '-'.repeat(w)).join('-+-'))
  for (const c of cells) io.out(fmt(c))
  io.out(`(${n} row${n === 1 ? '' : 's'})`)
  return n
}

function plainText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v)
  return stringifyJson(v)
}

/** Write schemaless rows (metadata tables): jsonl as exact JSON, csv/table from the first row's keys. */
export function writePlainRows(io: CliIO, rows: readonly Record<string, unknown>[], format: Format): number {
  if (format === 'jsonl') {
    for (const r of rows) io.out(stringifyJson(r))
    return rows.length
  }
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const cells = rows.map((r) => keys.map((k) => plainText(r[k])))
  if (format === 'csv') {
    io.out(keys.map(csvCell).join(','))
    for (const c of cells) io.out(c.map(csvCell).join(','))
    return rows.length
  }
  const widths = keys.map((k, i) => Math.min(60, Math.max(k.length, ...cells.map((c) => c[i]!.length))))
  const fmt = (c: readonly string[]): string => c.map((x, i) => (x.length > widths[i]! ? `${x.slice(0, widths[i]! - 1)}…` : x.padEnd(widths[i]!))).join(' | ')
  io.out(fmt(keys))
  io.out(widths.map((w) => '-'.repeat(w)).join('-+-'))
  for (const c of cells) io.out(fmt(c))
  io.out(`(${rows.length} row${rows.length === 1 ? '' : 's'})`)
  return rows.length
}
