// `floe scan <table>`: read rows (jsonl by default when piped; exact longs), with time travel and filters.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import type { CliIO, Command } from '../cli-io.js'
import { chooseFormat, writeRows } from '../output.js'
import { openTable, SNAPSHOT_OPTIONS, snapshotSelector, TABLE_OPTIONS } from '../table-args.js'

/** The scan command. */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'read rows of a table (time travel, filter, columns, limit; jsonl, csv or table)',
  usage:
    'floe scan <table> [--snapshot-id N | --as-of T | --ref NAME] [--filter EXPR] [--columns a,b] [--limit N] [--format jsonl|csv|table] [--case-insensitive] [--remap from=to]... [--catalog C]',
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
    const table = await openTable(positionals[0], values)
    const limit = values.limit === undefined ? undefined : Number(values.limit)
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new InvalidArgumentError(`--limit must be a non-negative integer, got ${values.limit}`)
    const selector = snapshotSelector(values)
    const scan = table.scan({
      ...(values.filter ? { filter: values.filter } : {}),
      ...(values.columns ? { select: values.columns.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
      ...(selector ? { snapshot: selector } : {}),
      ...(limit !== undefined ? { limit } : {}),
      caseSensitive: !values['case-insensitive'],
    })
    const fields = scan.projectedSchema().fields
    await writeRows(io, fields, scan.rows(), chooseFormat(values.format, io))
    return 0
  },
}
