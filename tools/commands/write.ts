// `floe append|overwrite|delete`: row-level writes from CSV, JSON-lines or Parquet input, each one commit.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import type { DeleteMode, DmlOptions } from '../../src/table/dml.js'
import type { Row } from '../../src/parquet/codec.js'
import type { Schema } from '../../src/spec/schema.js'
import type { IsolationLevel } from '../../src/transaction/conflicts.js'
import { rowOrigin, type LocatedRows, type RowOrigin } from '../../src/write/data-writer.js'
import { printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_OPTIONS, commitResult, inputRows, openWritable } from '../write-args.js'
import { CATALOG_USAGE } from '../table-args.js'

// every write takes --branch; isolation applies where rows are replaced or deleted, an input format where files are read
const WRITE_OPTIONS = { ...CATALOG_OPTIONS, branch: { type: 'string' } } as const
const INPUT_OPTIONS = { 'input-format': { type: 'string' } } as const
const ISOLATION_OPTIONS = { isolation: { type: 'string' } } as const

function dmlOptions(values: { branch?: string | undefined; isolation?: string | undefined }, files: readonly string[]): DmlOptions {
  const iso = values.isolation
  if (iso !== undefined && iso !== 'serializable' && iso !== 'snapshot') throw new InvalidArgumentError(`--isolation must be serializable or snapshot, got ${iso}`)
  return {
    ...(values.branch ? { branch: values.branch } : {}),
    ...(iso ? { isolation: iso as IsolationLevel } : {}),
    ...(files.length === 1 ? { source: files[0]! } : {}),
  }
}

/**
 * The rows of the input files (see {@link inputRows}: all are checked before the first is read). Rows from
 * several files also say which file and row each came from, so that errors found while writing them (a
 * partition value that cannot be stored) name the file and its own row as coercion errors do.
 */
async function inputFiles(files: readonly string[], schema: Schema, format: string | undefined, signal: AbortSignal | undefined): Promise<AsyncIterable<Row>> {
  const all = await inputRows(files, schema, format, signal)
  if (files.length < 2) return all // one file: the write names it as its source, and its rows are the input's
  // starts[i]: the rows read before file i (a file's rows are numbered from there as they are read)
  const starts: number[] = []
  let read = 0
  async function* each(): AsyncGenerator<Row> {
    for (const f of files) {
      starts.push(read)
      for await (const row of await inputRows([f], schema, format, signal)) {
        read++
        yield row
      }
    }
  }
  const locate = (n: number): RowOrigin | undefined => {
    for (let i = starts.length - 1; i >= 0; i--) if (starts[i]! < n) return { file: files[i] === '-' ? '<stdin>' : files[i]!, row: n - starts[i]! }
    return undefined
  }
  const rows = each()
  const located: AsyncIterable<Row> & LocatedRows = { [Symbol.asyncIterator]: () => rows, [rowOrigin]: locate }
  return located
}

/** Run a write so that Ctrl-C aborts it cleanly (its files deleted, nothing committed) where the terminal allows. */
function interruptible<T>(io: CliIO, work: (signal: { signal?: AbortSignal }) => Promise<T>): Promise<T> {
  return io.withInterrupts ? io.withInterrupts((signal) => work({ signal })) : work({})
}

/** The append command. */
export const appendCommand: Command = {
  name: 'append',
  summary: 'append rows from CSV, JSON-lines or Parquet files (coerced to the table schema) in one commit',
  usage: `floe append <ns.table> <file>... [--input-format csv|jsonl|parquet] [--branch B] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...WRITE_OPTIONS, ...INPUT_OPTIONS } })
    const [ref, ...files] = positionals
    const t = await openWritable(ref, values)
    const next = await interruptible(io, async (sig) => t.appendRows(await inputFiles(files, t.schema(), values['input-format'], sig.signal), { ...dmlOptions(values, files), ...sig }))
    printJson(io, commitResult(next, values.branch, t))
    return 0
  },
}

/** The overwrite command. */
export const overwriteCommand: Command = {
  name: 'overwrite',
  summary: 'replace the rows matching --filter, or every partition the input lands in (--dynamic), with the input rows',
  usage: `floe overwrite <ns.table> <file>... (--filter EXPR | --dynamic) [--input-format csv|jsonl|parquet] [--isolation serializable|snapshot] [--branch B] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...WRITE_OPTIONS, ...INPUT_OPTIONS, ...ISOLATION_OPTIONS, filter: { type: 'string' }, dynamic: { type: 'boolean', default: false } },
    })
    if ((values.filter === undefined) === !values.dynamic) throw new InvalidArgumentError('overwrite needs exactly one of --filter EXPR or --dynamic')
    const [ref, ...files] = positionals
    const t = await openWritable(ref, values)
    const opts = dmlOptions(values, files)
    // the inputs are checked before the copy-on-write part of an overwrite starts
    const next = await interruptible(io, async (sig) => {
      const rows = await inputFiles(files, t.schema(), values['input-format'], sig.signal)
      return values.dynamic ? t.overwritePartitions(rows, { ...opts, ...sig }) : t.overwriteRows(rows, values.filter!, { ...opts, ...sig })
    })
    printJson(io, commitResult(next, values.branch, t))
    return 0
  },
}

/** The delete command. */
export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete the rows matching --filter (copy-on-write or merge-on-read; default write.delete.mode)',
  usage: `floe delete <ns.table> --filter EXPR [--mode copy-on-write|merge-on-read] [--isolation serializable|snapshot] [--branch B] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...WRITE_OPTIONS, ...ISOLATION_OPTIONS, filter: { type: 'string' }, mode: { type: 'string' } },
    })
    if (values.filter === undefined) throw new InvalidArgumentError("delete needs --filter EXPR (use --filter 'true' to delete every row)")
    const mode = values.mode
    if (mode !== undefined && mode !== 'copy-on-write' && mode !== 'merge-on-read') throw new InvalidArgumentError(`--mode must be copy-on-write or merge-on-read, got ${mode}`)
    if (positionals.length > 1) throw new InvalidArgumentError(`delete takes no input files, got ${positionals.slice(1).join(' ')}`)
    const t = await openWritable(positionals[0], values)
    const filter = values.filter
    const next = await interruptible(io, (sig) => t.deleteRows(filter, { ...dmlOptions(values, []), ...(mode ? { mode: mode as DeleteMode } : {}), ...sig }))
    printJson(io, commitResult(next, values.branch, t))
    return 0
  },
}
