// Row output for the CLI: jsonl (exact longs), csv, or an aligned table, all with scan's per-type encoding.
import { stringifyJson } from '../src/spec/json/lossless.js'
import type { Row } from '../src/parquet/codec.js'
import type { NestedField } from '../src/spec/types.js'
import { rowToJson, valueToText } from '../src/table/row-json.js'
import { InvalidArgumentError } from '../src/errors.js'
import type { CliIO } from './cli-io.js'

/** Output formats. */
export type Format = 'jsonl' | 'csv' | 'table'

/** Widest table cell, in terminal columns; longer text ends in `…`. */
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
      const wait = io.backpressure?.()
      if (wait) await wait
      n++
    }
    return n
  }
  if (format === 'csv') {
    io.out(fields.map((f) => csvField(f.name)).join(','))
    for await (const r of rows) {
      io.out(fields.map((f) => csvField(cellText(f, r))).join(','))
      const wait = io.backpressure?.()
      if (wait) await wait
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

// C0 and C1 controls, DEL, the Unicode line/paragraph separators and the bidi marks, embeddings, overrides
// and isolates: anything that would break a table line or reorder it on screen
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Text for one table cell: newlines, tabs and other control characters shown as escapes (`\n`, `\u0001`). */
export function tableText(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

// Terminal columns of one code point: 0 for combining marks, joiners and variation selectors; 2 for East
// Asian wide and fullwidth characters (Hangul, CJK, kana, fullwidth forms) and emoji pictographs; else 1.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u
const WIDE =
  /^[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18cff}\u{1b000}-\u{1b2ff}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f200}-\u{1f251}\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]$/u

/** Terminal columns of one code point. */
function charWidth(c: string): number {
  return ZERO_WIDTH.test(c) ? 0 : WIDE.test(c) ? 2 : 1
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
// emoji shown as one picture: ZWJ sequences, skin tones, emoji presentation (FE0F), keycaps, flags
const EMOJI_CLUSTER = /[\u200d\ufe0f\u20e3\u{1f3fb}-\u{1f3ff}]|[\u{1f1e6}-\u{1f1ff}]{2}/u

/** Terminal columns of one grapheme cluster: 2 for an emoji sequence, else its first visible code point's width. */
function clusterWidth(g: string): number {
  if (g.length > 1 && EMOJI_CLUSTER.test(g)) return 2
  for (const c of g) {
    const w = charWidth(c)
    if (w > 0) return w
  }
  return 0
}

/** Display width in terminal columns (by grapheme cluster: wide characters and emoji count 2, combining marks 0). */
export function displayWidth(s: string): number {
  let n = 0
  for (const { segment } of graphemes.segment(s)) n += clusterWidth(segment)
  return n
}

/** `s` fitted to `width` columns: cut with `…` when wider (whole grapheme clusters only; one that would straddle the cut is padded instead), else padded. */
export function fitCell(s: string, width: number): string {
  const n = displayWidth(s)
  if (n <= width) return s + ' '.repeat(width - n)
  let out = ''
  let used = 0
  for (const { segment } of graphemes.segment(s)) {
    const w = clusterWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return `${out}${' '.repeat(width - 1 - used)}…`
}

/** An aligned table: header, rule and one line per row; cells escaped and cut at {@link TABLE_CELL_WIDTH}. */
function writeTable(io: CliIO, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const head = header.map(tableText)
  const body = rows.map((c) => c.map(tableText))
  const widths = head.map((h) => Math.min(TABLE_CELL_WIDTH, displayWidth(h)))
  for (const c of body) c.forEach((x, i) => (widths[i] = Math.max(widths[i]!, Math.min(TABLE_CELL_WIDTH, displayWidth(x)))))
  const line = (c: readonly string[]): string => c.map((x, i) => fitCell(x, widths[i]!)).join(' | ')
  io.out(line(head))
  io.out(widths.map((w) => '-'.repeat(w)).join('-+-'))
  for (const c of body) io.out(line(c))
}
