// Shared pieces of the CLI's write commands: opening a writable table, reading input files, printing commits.
import { open, type FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Catalog } from '../src/catalog/catalog.js'
import { FloeError, InvalidArgumentError, NotFoundError } from '../src/errors.js'
import { bytesSource } from '../src/parquet/byte-source.js'
import type { ByteSource, Row } from '../src/parquet/codec.js'
import type { Schema } from '../src/spec/schema.js'
import type { SnapshotRef } from '../src/spec/snapshot.js'
import { schemaToJson, specToJson, sortOrderToJson } from '../src/spec/json/schema-json.js'
import { currentSchema, defaultSortOrder, defaultSpec, refByName } from '../src/spec/table-metadata.js'
import type { Table } from '../src/table/table.js'
import { rowCoercer } from '../src/write/coerce.js'
import { inputFormatOf, parquetRowStream, textInputRows, type InputFormat } from '../src/write/input.js'
import { openCatalog } from './catalog-args.js'
import { cliEnv, parseTimeArg } from './table-args.js'

/** parseArgs options for commands that change a catalog table. */
export const CATALOG_OPTIONS = {
  catalog: { type: 'string' },
  remap: { type: 'string', multiple: true },
} as const

/** Open the catalog for a write command. */
export function cliCatalog(values: { catalog?: string | undefined; remap?: string[] | undefined }): Catalog {
  return openCatalog(values.catalog, cliEnv(values.remap))
}

/** Load `ns.table` from the catalog (writes need the catalog's commit seam, so paths are refused). */
export async function openWritable(ref: string | undefined, values: { catalog?: string | undefined; remap?: string[] | undefined }): Promise<Table> {
  if (!ref) throw new InvalidArgumentError('missing <table>: a catalog identifier such as db.events')
  if (ref.includes('/') || ref.includes('\\'))
    throw new InvalidArgumentError(`${ref} is a path; writes go through a catalog, so name the table as ns.table (use register-table to adopt an existing metadata file)`)
  return cliCatalog(values).loadTable(ref)
}

/** Parse a decimal snapshot id argument. */
export function snapshotIdArg(s: string | undefined, what = '<snapshot-id>'): bigint {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new InvalidArgumentError(`${what} must be an integer snapshot id, got ${s ?? 'nothing'}`)
  return BigInt(s)
}

/** Parse a timestamp argument: epoch milliseconds or an ISO-8601 date or date-time (UTC when no offset); see {@link parseTimeArg}. */
export function timestampArg(s: string | undefined, what = '<timestamp>'): bigint {
  return parseTimeArg(s, what)
}

/** Parse repeated `k=v` arguments into a record. */
export function keyValues(items: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of items ?? []) {
    const i = kv.indexOf('=')
    if (i <= 0) throw new InvalidArgumentError(`${what} takes key=value, got ${JSON.stringify(kv)}`)
    Object.defineProperty(out, kv.slice(0, i), { value: kv.slice(i + 1), enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * Read input files (CSV with a header, JSON lines, Parquet; `-` is stdin) as rows of `schema`, streamed: text
 * is parsed as it is read and Parquet one row group at a time, so inputs of any size pass through in bounded
 * memory (Parquet from stdin is read whole: it needs random access). Each row is checked against the schema
 * as it is read, so a bad row fails with INVALID_DATA naming its file and its 1-based row number within that
 * file (however many files there are). Every file is opened before the first row is read: a missing file is
 * NOT_FOUND, a folder INVALID_ARGUMENT, and nothing has been written yet.
 */
export async function* inputRows(files: readonly string[], schema: Schema, format: string | undefined): AsyncGenerator<Row> {
  if (!files.length) throw new InvalidArgumentError('no input files: pass CSV, JSON-lines or Parquet files (or - for stdin)')
  if (format !== undefined && !['csv', 'jsonl', 'parquet'].includes(format)) throw new InvalidArgumentError(`--input-format must be csv, jsonl or parquet, got ${format}`)
  // every format is known, and every file open, before the first file is read
  const formats = files.map((f) => (format ?? (f === '-' ? 'jsonl' : inputFormatOf(f))) as InputFormat)
  const handles: (FileHandle | undefined)[] = []
  try {
    for (const f of files) handles.push(f === '-' ? undefined : await openInput(f))
    for (const [i, f] of files.entries()) {
      const fmt = formats[i]!
      const name = f === '-' ? '<stdin>' : f
      const h = handles[i]
      let rows: AsyncIterable<Row>
      if (fmt === 'parquet') rows = parquetRowStream(h ? await handleSource(h, name) : bytesSource(await readStdin(), name), schema)
      else rows = textInputRows(h ? chunksOf(h, name) : stdinChunks(), fmt, schema, name)
      const check = rowCoercer(schema, name)
      let n = 0
      for await (const r of rows) yield check(r, ++n)
    }
  } finally {
    await Promise.all(handles.map((h) => h?.close().catch(() => undefined)))
  }
}

/** Open an input file; a missing one is NOT_FOUND, a folder INVALID_ARGUMENT, any other failure IO, all naming the file. */
async function openInput(file: string): Promise<FileHandle> {
  let h: FileHandle | undefined
  try {
    h = await open(resolve(file), 'r')
    if ((await h.stat()).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' })
    return h
  } catch (e) {
    await h?.close().catch(() => undefined)
    throw inputError(e, file)
  }
}

// The typed error for a failed open or read of an input file.
function inputError(e: unknown, file: string): FloeError {
  if (e instanceof FloeError) return e
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') return new NotFoundError(`Input file does not exist: ${file}`, { cause: e, context: { file } })
  if (code === 'EISDIR') return new InvalidArgumentError(`Input ${file} is a folder, not a file: pass the CSV, JSON-lines or Parquet files in it`, { cause: e, context: { file } })
  return new FloeError('IO', `Cannot read input file ${file}: ${(e as Error).message}`, { cause: e, context: { file } })
}

// The bytes of an open input file, 1 MiB at a time.
async function* chunksOf(h: FileHandle, file: string): AsyncGenerator<Uint8Array> {
  for (let at = 0; ; ) {
    let n: number
    const buf = new Uint8Array(1 << 20)
    try {
      n = (await h.read(buf, 0, buf.length, at)).bytesRead
    } catch (e) {
      throw inputError(e, file)
    }
    if (n === 0) return
    at += n
    yield buf.subarray(0, n)
  }
}

// A ByteSource over an open input file (Parquet reads its footer, then one row group's column chunks at a time).
async function handleSource(h: FileHandle, file: string): Promise<ByteSource> {
  const size = (await h.stat()).size
  return {
    byteLength: size,
    path: file,
    read: async (start, end) => {
      const buf = new Uint8Array(end - start)
      for (let got = 0; got < buf.length; ) {
        let n: number
        try {
          n = (await h.read(buf, got, buf.length - got, start + got)).bytesRead
        } catch (e) {
          throw inputError(e, file)
        }
        if (n === 0) throw new FloeError('IO', `Short read of input file ${file}: wanted [${start}, ${end}), the file ends at ${start + got}`, { context: { file } })
        got += n
      }
      return buf
    },
  }
}

// Standard input as it arrives.
async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  try {
    for await (const c of process.stdin) yield c as Buffer
  } catch (e) {
    throw new FloeError('IO', `Cannot read standard input: ${(e as Error).message}`, { cause: e, context: { file: '<stdin>' } })
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const c of stdinChunks()) chunks.push(c)
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * The JSON result of a write on `branch`: `committed` says whether it made a new table version (a delete or
 * dynamic overwrite that matches nothing commits nothing, and the snapshot shown is then the unchanged head).
 */
export function commitResult(t: Table, branch = 'main', before?: Table): Record<string, unknown> {
  const id = refByName(t.metadata, branch)?.snapshotId
  const s = id === undefined ? undefined : t.metadata.snapshots.find((x) => x.snapshotId === id)
  return {
    ...(before ? { committed: t.metadataLocation !== before.metadataLocation } : {}),
    table: t.name,
    branch,
    snapshotId: s?.snapshotId,
    parentSnapshotId: s?.parentSnapshotId,
    sequenceNumber: s?.sequenceNumber,
    operation: s?.summary.operation,
    summary: s?.summary,
    metadataLocation: t.metadataLocation,
  }
}

/** The JSON result of a ref change: the current snapshot and every ref. */
export function refsResult(t: Table): Record<string, unknown> {
  const refs: Record<string, SnapshotRef> = {}
  for (const [k, v] of Object.entries(t.metadata.refs)) Object.defineProperty(refs, k, { value: v, enumerable: true })
  return { table: t.name, currentSnapshotId: t.currentSnapshot()?.snapshotId, refs, metadataLocation: t.metadataLocation }
}

/** The JSON description of a table's schema, spec and sort order. */
export function tableShape(t: Table): Record<string, unknown> {
  const m = t.metadata
  return {
    table: t.name,
    location: m.location,
    metadataLocation: t.metadataLocation,
    formatVersion: m.formatVersion,
    schema: schemaToJson(currentSchema(m)),
    partitionSpec: specToJson(defaultSpec(m)),
    sortOrder: sortOrderToJson(defaultSortOrder(m)),
    properties: m.properties,
  }
}
