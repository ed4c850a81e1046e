// `floe inspect <file> [--table <metadata.json>]`: decode any Iceberg file and print JSON with exact 64-bit values.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { inspectBytes } from '../../src/inspect.js'
import { readTableMetadata } from '../../src/spec/json/metadata-read.js'
import { printJson, type CliIO, type Command } from '../cli-io.js'
import { FloeError, InvalidArgumentError, NotFoundError } from '../../src/errors.js'

async function readLocal(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new NotFoundError(`File does not exist: ${path}`, { context: { file: path } })
    if (code === 'EISDIR') throw new InvalidArgumentError(`${path} is a folder; inspect takes one file (a metadata JSON, manifest list, manifest, Parquet or Puffin file)`, { context: { file: path } })
    throw new FloeError('IO', `Cannot read ${path}: ${(e as Error).message}`, { cause: e, context: { file: path } })
  }
}

/** The inspect command. */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'decode a metadata JSON, manifest list, manifest, Parquet footer or Puffin file as JSON',
  usage: 'floe inspect <file> [--table <metadata.json>] [--compact]',
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { table: { type: 'string' }, compact: { type: 'boolean', default: false } },
    })
    const file = positionals[0]
    if (!file || positionals.length > 1) throw new InvalidArgumentError(`usage: ${this.usage}`)
    const table = values.table ? readTableMetadata(await readLocal(values.table), values.table) : undefined
    const result = inspectBytes(await readLocal(file), file, table)
    printJson(io, { kind: result.kind, file: result.file, ...(result.content as object) }, values.compact ? 0 : 2)
    return 0
  },
}
