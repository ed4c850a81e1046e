// `floe scan <table>`: read rows (jsonl by default when piped; exact longs), with time travel and filters.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import type { NestedField } from '../../src/spec/types.js'
import { atMostPositionals, type CliIO, type Command } from '../cli-io.js'
import { chooseFormat, writeRows } from '../output.js'
import { CATALOG_USAGE, openTable, SNAPSHOT_OPTIONS, snapshotSelector, TABLE_OPTIONS } from '../table-args.js'

/** The scan command. */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'read rows of a table (time travel, filter, columns, limit; jsonl, csv or table)',
  usage:
    `floe scan <table> [--snapshot-id N | --as-of T | --ref NAME] [--filter EXPR] [--columns a,b] [--limit N] [--format jsonl|csv|table] [--case-insensitive] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...TABLE_OPTIONS,
        ...SNAPSHOT_OPTIONS,
        filter: { type: 'string' },
        columns: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
        'case-insensitive': { type: 'boolean', default: false },
      },
    })
    const limit = limitArg(values.limit)
    const columns = columnsArg(values.columns)
    if (values.filter !== undefined && !values.filter.trim()) throw new InvalidArgumentError(`--filter needs an expression, got ${JSON.stringify(values.filter)} (use --filter 'true' for every row)`, { context: { field: '--filter' } })
    const selector = snapshotSelector(values)
    atMostPositionals(positionals, 1, this.usage)
    const table = await openTable(positionals[0], values)
    const scan = table.scan({
      ...(values.filter !== undefined ? { filter: values.filter } : {}),
      ...(columns !== undefined ? { select: columns } : {}),
      ...(selector ? { snapshot: selector } : {}),
      ...(limit !== undefined ? { limit } : {}),
      caseSensitive: !values['case-insensitive'],
    })
    const fields = selectionOrder(scan.projectedSchema().fields, columns, !values['case-insensitive'])
    await writeRows(io, fields, scan.rows(), chooseFormat(values.format, io))
    return 0
  },
}

/** --limit: a non-negative decimal integer (no blank, sign, fraction or exponent); beyond 2^53 − 1 it is that. */
function limitArg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`--limit must be a non-negative integer, got ${JSON.stringify(text)}`, { context: { field: '--limit' } })
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER)
}

/**
 * The projected top-level columns in the order --columns names them (as SQL's select list; the API keeps schema
 * order, as Java's projection does); a column named through a nested path (`s.x`) ranks by its first mention.
 */
export function selectionOrder(fields: readonly NestedField[], columns: readonly string[] | undefined, caseSensitive: boolean): readonly NestedField[] {
  if (!columns) return fields
  const norm = (s: string): string => (caseSensitive ? s : s.toLowerCase())
  const names = columns.map(norm)
  const rank = (f: NestedField): number => {
    const n = norm(f.name)
    const i = names.findIndex((c) => c === n || c.startsWith(`${n}.`))
    return i < 0 ? names.length : i
  }
  return fields.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f)
}

/** --columns: comma-separated column names, none of them empty. */
function columnsArg(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  const names = text.split(',').map((c) => c.trim())
  if (names.some((c) => !c)) throw new InvalidArgumentError(`--columns needs comma-separated column names with none empty, got ${JSON.stringify(text)}`, { context: { field: '--columns' } })
  return names
}
