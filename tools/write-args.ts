// Shared pieces of the CLI's write commands: opening a writable table, reading input files, printing commits.
import type { Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Catalog } from '../src/catalog/catalog.js'
import { FloeError, InvalidArgumentError, NotFoundError } from '../src/errors.js'
import { bytesSource } from '../src/parquet/byte-source.js'
import type { ByteSource, Row } from '../src/parquet/codec.js'
import type { Schema } from '../src/spec/schema.js'
import { reportedOperation, reportedSummary, type SnapshotRef } from '../src/spec/snapshot.js'
import { schemaToJson, specToJson, sortOrderToJson } from '../src/spec/json/schema-json.js'
import { currentSchema, defaultSortOrder, defaultSpec, refByName } from '../src/spec/table-metadata.js'
import { ABORTED_MESSAGE, throwIfAborted } from '../src/abort.js'
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
 * Input files (CSV with a header, JSON lines, Parquet; `-` is stdin) as rows of `schema`, streamed: text is
 * parsed as it is read and Parquet from a regular file one row group at a time, so inputs of any size pass
 * through in bounded memory (Parquet from stdin, a pipe or a FIFO is read whole: it needs random access).
 * Every input is checked before this resolves, so a missing file (NOT_FOUND) or a folder (INVALID_ARGUMENT)
 * fails before anything is written; files are then opened one at a time. Each row is checked against the
 * schema as it is read, so a bad row fails with INVALID_DATA naming its file and its 1-based row number within
 * that file (however many files there are). A regular file that changes while it is read is an IO error.
 * `signal` also cancels a read that waits for stdin.
 */
export async function inputRows(files: readonly string[], schema: Schema, format: string | undefined, signal?: AbortSignal): Promise<AsyncGenerator<Row>> {
  if (!files.length) throw new InvalidArgumentError('no input files: pass CSV, JSON-lines or Parquet files (or - for stdin)')
  if (format !== undefined && !['csv', 'jsonl', 'parquet'].includes(format)) throw new InvalidArgumentError(`--input-format must be csv, jsonl or parquet, got ${format}`)
  // every format is known, and every file found, before the first file is read
  const formats = files.map((f) => (format ?? (f === '-' ? 'jsonl' : inputFormatOf(f))) as InputFormat)
  for (const f of files) if (f !== '-') await checkInput(f)
  return readInputs(files, formats, schema, signal)
}

async function* readInputs(files: readonly string[], formats: readonly InputFormat[], schema: Schema, signal: AbortSignal | undefined): AsyncGenerator<Row> {
  for (const [i, f] of files.entries()) {
    const fmt = formats[i]!
    const name = f === '-' ? '<stdin>' : f
    const check = rowCoercer(schema, name)
    let n = 0
    if (f === '-') {
      const rows = fmt === 'parquet' ? parquetRowStream(bytesSource(await wholeOf(stdinChunks(signal)), name), schema) : textInputRows(stdinChunks(signal), fmt, schema, name)
      for await (const r of rows) yield check(r, ++n)
      continue
    }
    const h = await openInput(f)
    try {
      const st = await h.stat()
      const regular = st.isFile()
      let rows: AsyncIterable<Row>
      if (fmt === 'parquet') rows = parquetRowStream(regular ? handleSource(h, name, st.size) : bytesSource(await wholeOf(chunksOf(h, name, undefined)), name), schema)
      else rows = textInputRows(chunksOf(h, name, regular ? st : undefined), fmt, schema, name)
      for await (const r of rows) yield check(r, ++n)
    } finally {
      await h.close().catch(() => undefined)
    }
  }
}

/** Check that an input exists and is not a folder (a pipe, FIFO or device is fine). */
async function checkInput(file: string): Promise<void> {
  let st: Stats
  try {
    st = await stat(resolve(file))
  } catch (e) {
    throw inputError(e, file)
  }
  if (st.isDirectory()) throw inputError(Object.assign(new Error('is a folder'), { code: 'EISDIR' }), file)
}

/** Open an input file; a missing one is NOT_FOUND, a folder INVALID_ARGUMENT, any other failure IO, all naming the file. */
async function openInput(file: string): Promise<FileHandle> {
  try {
    return await open(resolve(file), 'r')
  } catch (e) {
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

// An IO error for a regular input file whose size or modification time changed while it was read.
const changed = (file: string, what: string): FloeError =>
  new FloeError('IO', `Input file ${file} changed while it was read (${what}); nothing was committed`, { context: { file } })

/**
 * The bytes of an open input, 1 MiB at a time. A regular file (`st` given) is read up to the size it had when
 * opened, and must keep that size and modification time to the end; anything else is read in order until it ends.
 */
async function* chunksOf(h: FileHandle, file: string, st: Stats | undefined): AsyncGenerator<Uint8Array> {
  for (let at = 0; st === undefined || at < st.size; ) {
    const buf = new Uint8Array(st === undefined ? 1 << 20 : Math.min(1 << 20, st.size - at))
    let n: number
    try {
      n = (await h.read(buf, 0, buf.length, st === undefined ? null : at)).bytesRead
    } catch (e) {
      throw inputError(e, file)
    }
    if (n === 0) {
      if (st === undefined) return
      throw changed(file, `it ended at byte ${at} of ${st.size}`)
    }
    at += n
    yield buf.subarray(0, n)
  }
  if (st === undefined) return
  const after = await h.stat()
  if (after.size !== st.size || after.mtimeMs !== st.mtimeMs) throw changed(file, after.size !== st.size ? `${st.size} bytes when opened, ${after.size} now` : 'it was written to')
}

// A ByteSource over an open regular file (Parquet reads its footer, then one row group's column chunks at a time).
function handleSource(h: FileHandle, file: string, size: number): ByteSource {
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
        if (n === 0) throw changed(file, `wanted bytes [${start}, ${end}), it ends at ${start + got}`)
        got += n
      }
      return buf
    },
  }
}

// Standard input as it arrives; `signal` cancels a read that is waiting (ABORTED).
async function* stdinChunks(signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const it = process.stdin[Symbol.asyncIterator]()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new FloeError('ABORTED', ABORTED_MESSAGE, { cause: signal?.reason }))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => undefined)
  try {
    while (true) {
      throwIfAborted(signal)
      let next: IteratorResult<unknown>
      try {
        next = await (signal ? Promise.race([it.next(), aborted]) : it.next())
      } catch (e) {
        if (e instanceof FloeError) throw e
        throw new FloeError('IO', `Cannot read standard input: ${(e as Error).message}`, { cause: e, context: { file: '<stdin>' } })
      }
      if (next.done) return
      yield next.value as Buffer
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    // the iterator would finish its pending read before returning: stop reading stdin instead of waiting
    if (signal?.aborted) process.stdin.destroy()
  }
}

// Every chunk of a stream in one buffer.
async function wholeOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(Buffer.concat(parts))
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
    operation: s && reportedOperation(s),
    summary: s && reportedSummary(s),
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
