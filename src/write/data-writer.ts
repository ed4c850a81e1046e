// Writing data and position-delete files for a table: rows are coerced to the current schema, routed to
// partitions by the default spec's transforms, written with one open writer per partition that rolls at
// `write.target-file-size-bytes`, named and placed like Java's OutputFileFactory/LocationProvider, and
// described as DataFiles with Iceberg metrics. The file format is the table's `write.format.default`
// (`write.delete.format.default` for deletes): Parquet, or Avro (record counts only, as Java's Avro appender).
// When the FileIO can write an object piece by piece (`createOutput`), a Parquet data file is opened as an
// output with its writer and each finished row group's bytes go to it at once, so no file is held whole in
// memory. On any failure the open outputs are discarded and the files already stored are deleted.
import { uuidToBytes } from '../spec/values.js'
import { avroDataCodec, avroDeleteCodec, type AvroCodecChoice } from '../avro-data/avro-codec.js'
import { AvroDataWriter } from '../avro-data/avro-data-writer.js'
import type { Env } from '../env.js'
import type { OutputFile } from '../io/file-io.js'
import { AlreadyExistsError, FloeError, InvalidArgumentError, UnsupportedError, ValidationError } from '../errors.js'
import { lastKnownTypes } from '../spec/last-known-types.js'
import { schemaWithRowLineage } from '../spec/metadata-columns.js'
import type { Row } from '../parquet/codec.js'
import { EncodedSizeRatio, IcebergParquetWriter, parquetOptionsFromProperties, RowGroupMemory, type ParquetWriterOptions } from '../parquet/hyparquet-writer.js'
import type { DataFile, FileFormat } from '../spec/manifest.js'
import { isUnpartitioned, partitionType, type PartitionSpec } from '../spec/partition-spec.js'
import { partitionPath } from '../spec/partition-path.js'
import { findField, schema as makeSchema, type Schema } from '../spec/schema.js'
import { currentSchema, defaultSortOrder, defaultSpec, specById, type TableMetadata } from '../spec/table-metadata.js'
import { T, field, type Value } from '../spec/types.js'
import { compareStrings, describeValue } from '../spec/values.js'
import { InvalidDataError, rowCoercer } from './coerce.js'
import { dataFileName, locationProvider } from './location.js'
import { metricsAccumulator, metricsConfig, MetricsModes, type FileMetrics, type MetricsAccumulator, type MetricsConfig } from './metrics.js'
import { partitionRouter, type RoutedPartition } from './partition-router.js'
import { DEFAULT_SORT_RUN_BYTES, sortComparator, sortedRuns } from './sort-rows.js'
import { inputRowsFor, rowsForSchema, type SchemaCheckedRows } from './typed-input.js'

/** The table being written: its current metadata (schema, default spec, properties, location). */
export interface WriteTarget {
  readonly metadata: TableMetadata
}

/** Options shared by data and delete writes. */
export interface WriteFilesOptions {
  /** Java's task id in file names (a long; default 0). */
  readonly taskId?: bigint
  /** Java's partition (Spark task partition) id in file names (default 0). */
  readonly partitionId?: number
  /** The operation uuid in file names (default `env.uuid()`). */
  readonly operationId?: string
  /** Property overrides on top of the table's properties. */
  readonly properties?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
}

/** At most this many data files of one write stream to open outputs at once (each may hold a file descriptor); more open files are stored whole. */
export const MAX_OPEN_OUTPUTS = 128

/** Where an input row came from: its file and its 1-based row number in that file. */
export interface RowOrigin {
  readonly file: string
  readonly row: number
}

/** The method by which rows passed to {@link writeDataFiles} say where each came from, so its data errors name that file and row. */
export const rowOrigin: unique symbol = Symbol.for('floe.rowOrigin')

/** Rows that know their origins: `[rowOrigin](n)` is the origin of the n-th row (1-based) they yielded so far. */
export interface LocatedRows {
  [rowOrigin](n: number): RowOrigin | undefined
}

/** Options of {@link writeDataFiles}. */
export interface WriteDataOptions extends WriteFilesOptions {
  /** Recorded as each file's `sort_order_id`, an order of the table (default: the table's sort order when the rows are sorted by it, else 0, unsorted). */
  readonly sortOrderId?: number
  /** Sort the rows of this write by the table's default sort order before writing (default true; it buffers the rows). */
  readonly sort?: boolean
  /**
   * Estimated bytes of rows sorted at once (default {@link DEFAULT_SORT_RUN_BYTES}, 128 MiB): a larger sorted
   * write is sorted in runs, each run written to files of its own, so every file is sorted.
   */
  readonly sortRunBytes?: number
  /** Named in data errors (a file name, or `rows`). */
  readonly source?: string
  /** Overrides `write.target-file-size-bytes`. */
  readonly targetFileSizeBytes?: number
  /**
   * Rows carry their v3 row lineage (`_row_id`, `_last_updated_sequence_number`; bigint or null) and the files
   * store it in those reserved columns, with metrics under the default metrics mode, as Java's copy-on-write
   * and compaction writers do. Only for format version 3 and later; older tables refuse it.
   */
  readonly rowLineage?: boolean
}

/** The schema a data write stores: the current schema, plus the row-lineage columns when rows carry their lineage. */
function dataWriteSchema(md: TableMetadata, rowLineage: boolean | undefined): Schema {
  const schema = currentSchema(md)
  if (!rowLineage) return schema
  if (md.formatVersion < 3) throw new InvalidArgumentError(`Row lineage columns are written only to format version 3 and later tables; this table is v${md.formatVersion}`, { context: { field: 'rowLineage' } })
  return schemaWithRowLineage(schema)
}

/** The formats floe writes data and delete files in. */
export type WriteFileFormat = Extract<FileFormat, 'PARQUET' | 'AVRO'>

// Java's FileFormat.fromString: the name upper-cased (no trimming); ORC and the non-data formats cannot be written here
function writeFormat(key: string, value: string): WriteFileFormat {
  const u = value.toUpperCase()
  if (u === 'PARQUET' || u === 'AVRO') return u
  if (u === 'ORC' || u === 'METADATA' || u === 'PUFFIN')
    throw new UnsupportedError(`Writing ${u} files (table property ${key}=${value}) is not supported; floe writes parquet and avro`, { context: { field: key } })
  throw new InvalidArgumentError(`Unknown file format ${JSON.stringify(value)} in table property ${key}; expected parquet or avro`, { context: { field: key } })
}

/** The format of new data files: `write.format.default` (default parquet, case-insensitive). */
export function dataFileFormat(props: Readonly<Record<string, string>>): WriteFileFormat {
  return writeFormat('write.format.default', props['write.format.default'] ?? 'parquet')
}

/** The format of new position-delete files: `write.delete.format.default`, else the data file format. */
export function deleteFileFormat(props: Readonly<Record<string, string>>): WriteFileFormat {
  const own = props['write.delete.format.default']
  return own === undefined ? dataFileFormat(props) : writeFormat('write.delete.format.default', own)
}

/** What a finished file reports besides its bytes: the record count and its format's metrics. */
interface FinishedFile {
  readonly bytes: Uint8Array
  readonly recordCount: bigint
  readonly stats: Partial<Pick<DataFile, 'columnSizes' | 'valueCounts' | 'nullValueCounts' | 'nanValueCounts' | 'lowerBounds' | 'upperBounds' | 'splitOffsets'>>
}

/** What a file written out in chunks reports at its end: its last bytes and total size instead of the whole file. */
interface FinishedTail extends Omit<FinishedFile, 'bytes'> {
  readonly tail: readonly Uint8Array[]
  readonly size: number
}

/** A file whose finished bytes can be taken as it is written (Parquet: after each row group). */
interface ChunkedFile {
  /** True when finished bytes wait to be taken (checked after every row). */
  readonly ready: boolean
  /** The bytes finished since the last call, valid until the next row is written. */
  take(): readonly Uint8Array[]
  /** End the file: the bytes not taken yet, its size, record count and metrics. */
  finishTail(): FinishedTail
}

/** A data file being written in either format: rows go to `writer` (one call each), `finish` ends the file. */
interface FormatFile {
  /** `settledLength`, when there, is the length to roll on once `length` reached the target (see IcebergParquetWriter). */
  readonly writer: { write(row: Row): void; readonly length: number; settledLength?(): number }
  finish(): FinishedFile
  /** The file written out in chunks (Parquet only). */
  readonly chunked?: ChunkedFile
}

interface OpenFile extends FormatFile {
  readonly path: string
  readonly partition: readonly Value[]
  /** Java's file count in the name: files are returned in this order. */
  readonly seq: number
  /** Where its chunks go when it is written out as it goes (then `chunked` is set too). */
  readonly output: OutputFile | undefined
}

function targetSize(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const s = props[key]
  if (s === undefined) return fallback
  const n = Number(s.trim())
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`Table property ${key} must be a positive integer, got ${JSON.stringify(s)}`, { context: { field: key } })
  return n
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FloeError('ABORTED', 'Write was aborted', { cause: signal.reason })
}

function metricsFields(m: FileMetrics): Pick<DataFile, 'columnSizes' | 'valueCounts' | 'nullValueCounts' | 'nanValueCounts' | 'lowerBounds' | 'upperBounds'> {
  return {
    columnSizes: m.columnSizes,
    valueCounts: m.valueCounts,
    nullValueCounts: m.nullValueCounts,
    nanValueCounts: m.nanValueCounts,
    lowerBounds: m.lowerBounds,
    upperBounds: m.upperBounds,
  }
}

// Files stored so far by one write call, and the outputs still open; when the call fails the outputs are
// discarded and the files deleted.
class StoredFiles {
  readonly paths: string[] = []
  private readonly outputs = new Set<OutputFile>()

  constructor(private readonly env: Env) {}

  async store(path: string, bytes: Uint8Array): Promise<void> {
    this.paths.push(path) // recorded first: a write that fails half way is still rolled back
    try {
      await this.env.io.write(path, bytes, { durable: true, direct: true })
    } catch (e) {
      this.disown(e, path)
      throw e
    }
  }

  /** Create an output (the FileIO has `createOutput`); from here on a failure discards it. */
  async create(path: string): Promise<OutputFile> {
    this.paths.push(path)
    try {
      const out = await this.env.io.createOutput!(path, { durable: true })
      this.outputs.add(out)
      return out
    } catch (e) {
      this.disown(e, path)
      throw e
    }
  }

  /** Close an output: its file is then stored (a failed close leaves it to the rollback). */
  async close(out: OutputFile): Promise<void> {
    await out.close()
    this.outputs.delete(out)
  }

  async rollback(): Promise<void> {
    for (const out of this.outputs) await out.abort().catch(() => undefined)
    this.outputs.clear()
    for (const p of this.paths) await this.env.io.delete(p).catch(() => undefined)
  }

  // a file that already existed is somebody else's (a reused operation id): never roll it back
  private disown(e: unknown, path: string): void {
    if (e instanceof AlreadyExistsError) this.paths.splice(this.paths.lastIndexOf(path), 1)
  }
}

async function openWriter(schema: Schema, opts: ParquetWriterOptions, config: MetricsConfig, path: string, metadata?: Readonly<Record<string, string>>): Promise<{ writer: IcebergParquetWriter; metrics: MetricsAccumulator }> {
  let acc: MetricsAccumulator | undefined
  const writer = await IcebergParquetWriter.open(schema, { ...opts, ...(metadata ? { metadata } : {}), file: path, onRowGroup: (cols, n, stats) => acc!.observe(cols, n, stats) })
  acc = metricsAccumulator(schema, writer.layout, config)
  return { writer, metrics: acc }
}

/**
 * Opens Parquet data files: metrics from the row groups, split offsets at the row groups. The files of one
 * partition share an {@link EncodedSizeRatio}, so each rolls near the target size from its first rows.
 */
function parquetFiles(schema: Schema, opts: ParquetWriterOptions, config: MetricsConfig): (path: string, encodedSize?: EncodedSizeRatio) => Promise<FormatFile> {
  return async (path, encodedSize) => {
    const { writer, metrics } = await openWriter(schema, encodedSize ? { ...opts, encodedSize } : opts, config, path)
    const facts = (r: { readonly columnSizes: ReadonlyMap<number, bigint>; readonly splitOffsets: readonly bigint[] }): Omit<FinishedFile, 'bytes'> => {
      const m = metrics.finish(r.columnSizes)
      return { recordCount: m.recordCount, stats: { ...metricsFields(m), splitOffsets: r.splitOffsets } }
    }
    return {
      writer,
      finish: () => {
        const result = writer.finish()
        return { bytes: result.bytes, ...facts(result) }
      },
      chunked: {
        get ready() {
          return writer.chunksReady
        },
        take: () => writer.takeChunks(),
        finishTail: () => {
          const result = writer.finishTail()
          return { tail: result.tail, size: result.size, ...facts(result) }
        },
      },
    }
  }
}

/** Opens Avro data files (`write.avro.compression-codec`): a record count and no column metrics or split offsets, as Java's Avro appender. */
function avroFiles(env: Env, schema: Schema, codec: AvroCodecChoice): (path: string) => Promise<FormatFile> {
  return async (path) => {
    // the sync marker is a uuid of the Env: random in production, seeded in tests
    const writer = await AvroDataWriter.open(schema, { codec, file: path, syncMarker: uuidToBytes(env.uuid()) })
    return {
      writer,
      finish: () => {
        const result = writer.finish()
        return { bytes: result.bytes, recordCount: BigInt(result.rowCount), stats: {} }
      },
    }
  }
}

/**
 * Write rows to new data files of the table (nothing is committed), in the format of `write.format.default`
 * (Parquet or Avro). Rows are coerced to the current
 * schema (friendly forms accepted, INVALID_DATA names the row and column) and partitioned by the default spec;
 * one file is open per partition and rolls at the target size. Returns the DataFiles in creation order; when
 * anything fails, the files already stored are deleted and nothing is returned.
 */
export async function writeDataFiles(env: Env, target: WriteTarget, rows: AsyncIterable<unknown> | Iterable<unknown>, opts: WriteDataOptions = {}): Promise<DataFile[]> {
  const md = target.metadata
  const schema = currentSchema(md)
  // what the files store: the schema, plus the lineage columns when rows carry them
  const fileSchema = dataWriteSchema(md, opts.rowLineage)
  const spec = defaultSpec(md)
  const props = { ...md.properties, ...opts.properties }
  const router = partitionRouter(spec, schema)
  const locations = locationProvider(md.location, props)
  const format = dataFileFormat(props)
  // each format reads only its own properties
  const parquet = format === 'PARQUET' ? parquetOptionsFromProperties(props) : undefined
  const avroCodec = format === 'AVRO' ? avroDataCodec(props) : undefined
  const maxBytes = opts.targetFileSizeBytes ?? targetSize(props, 'write.target-file-size-bytes', 536870912)
  // Java builds the metrics config for every format (bad metrics properties fail alike); only Parquet uses it
  const config = metricsConfig(props, schema, defaultSortOrder(md))
  // the open Parquet files of this write share one memory budget for their buffered rows
  const open = parquet ? parquetFiles(fileSchema, { ...parquet, memory: new RowGroupMemory(), targetFileSizeBytes: maxBytes }, config) : avroFiles(env, fileSchema, avroCodec!)
  // per partition, the encoded size ratio of its Parquet row groups so far, handed from each file to the next
  const encodedSizes = new Map<string, EncodedSizeRatio>()
  // Arrow input (a typed source) is named as its reader names it, so both layers' errors say the same
  const typedSource = typeof (rows as Partial<SchemaCheckedRows> | undefined)?.[rowsForSchema] === 'function'
  const source = opts.source ?? (typedSource ? 'Arrow input' : 'rows')
  // rows that know their origins (the CLI's input files) have their errors name the file and row
  const origins = rows as Partial<LocatedRows> | undefined
  const locate = typeof origins?.[rowOrigin] === 'function' ? (n: number): RowOrigin | undefined => origins[rowOrigin]!(n) : undefined
  const coerceRow = rowCoercer(fileSchema, source)
  const coerceInput = !locate
    ? coerceRow
    : (input: unknown, n: number): Row => {
        try {
          return coerceRow(input, n)
        } catch (e) {
          const at = e instanceof InvalidDataError ? locate(n) : undefined
          // the same error, named by the row's own file and number
          if (at) rowCoercer(fileSchema, at.file)(input, at.row)
          throw e
        }
      }
  // typed sources (Arrow) check their column types against the schema before their rows are coerced
  rows = inputRowsFor(rows, fileSchema, opts.source)
  const order = defaultSortOrder(md)
  const sorted = opts.sort !== false && order.fields.length > 0
  // Java's DataFiles.Builder labels a file unsorted (0) unless told otherwise; a given id must name an order
  // of the table (Spark's output-sort-order-id check)
  if (opts.sortOrderId !== undefined && !md.sortOrders.some((o) => o.orderId === opts.sortOrderId))
    throw new InvalidArgumentError(`Cannot label data files with sort order ${opts.sortOrderId}: the table has no sort order with that id`, { context: { field: 'sortOrderId' } })
  const sortOrderId = opts.sortOrderId ?? (sorted ? order.orderId : 0)
  const coerce = sorted ? (x: unknown): Row => x as Row : coerceInput
  const operationId = opts.operationId ?? env.uuid()
  const taskId = opts.taskId ?? 0n
  const partitionId = opts.partitionId ?? 0
  const stored = new StoredFiles(env)
  // Parquet files go to storage row group by row group when the FileIO can write an object piece by piece
  const streamed = env.io.createOutput !== undefined && parquet !== undefined
  let openOutputs = 0
  const openFiles = new Map<string, OpenFile>()
  const files: { seq: number; file: DataFile }[] = []
  let fileCount = 0

  const openFile = async (key: string, values: readonly Value[]): Promise<OpenFile> => {
    const name = dataFileName(partitionId, taskId, operationId, ++fileCount, undefined, format)
    const path = locations.newDataLocation(name, router.partitioned ? router.path(values) : undefined)
    const seq = fileCount
    // the output first: a name that is taken fails before any row is encoded; past MAX_OPEN_OUTPUTS open
    // files (each holds a file descriptor on local disk) further ones are kept whole until they close
    const output = streamed && openOutputs < MAX_OPEN_OUTPUTS ? await stored.create(path) : undefined
    if (output) openOutputs++
    let encodedSize = encodedSizes.get(key)
    if (parquet && !encodedSize) encodedSizes.set(key, (encodedSize = new EncodedSizeRatio()))
    const { writer, finish, chunked } = await open(path, encodedSize)
    return { writer, finish, ...(chunked ? { chunked } : {}), path, partition: values, seq, output }
  }
  // hand the finished bytes of a file to its output, each write settled before the writer runs again
  const drain = async (out: OutputFile, chunks: readonly Uint8Array[]): Promise<void> => {
    for (const c of chunks) await out.write(c)
  }
  const closeFile = async (f: OpenFile): Promise<void> => {
    let done: Omit<FinishedFile, 'bytes'> & { readonly size: number }
    if (f.output) {
      const tail = f.chunked!.finishTail()
      await drain(f.output, tail.tail)
      await stored.close(f.output)
      openOutputs--
      done = tail
    } else {
      const whole = f.finish()
      await stored.store(f.path, whole.bytes)
      done = { ...whole, size: whole.bytes.length }
    }
    const file: DataFile = {
      content: 'data',
      filePath: f.path,
      fileFormat: format,
      specId: spec.specId,
      partition: f.partition,
      recordCount: done.recordCount,
      fileSizeInBytes: BigInt(done.size),
      ...done.stats,
      sortOrderId,
    }
    files.push({ seq: f.seq, file })
  }

  let n = 0
  // a row whose partition value cannot be written, named by its file (or source) and row: input rows are
  // numbered in input order, which sorted rows no longer are (so they are checked before they are sorted)
  const partitionError = (e: InvalidDataError, at: number | undefined): InvalidDataError => {
    const o = at === undefined ? undefined : (locate?.(at) ?? { file: opts.source ?? 'rows', row: at })
    const file = o?.file ?? opts.source ?? 'rows'
    const where = o ? `${o.file} row ${o.row}` : file
    return new InvalidDataError(`Invalid data in ${where}: ${e.message}`, { cause: e, context: { file, ...(o ? { row: o.row } : {}), ...e.context } })
  }
  const routeRow = (row: Row, at: number): RoutedPartition => {
    try {
      return router.route(row)
    } catch (e) {
      if (!(e instanceof InvalidDataError)) throw e
      throw partitionError(e, sorted ? undefined : at)
    }
  }
  // rows to sort are coerced, and their partition values checked, in input order
  const coerceToSort = (input: unknown, at: number): Row => {
    const row = coerceInput(input, at)
    try {
      router.check(row)
    } catch (e) {
      if (!(e instanceof InvalidDataError)) throw e
      throw partitionError(e, at)
    }
    return row
  }
  // the per-row step; returns a promise only when a file must be opened or closed
  const add = (input: unknown): Promise<void> | undefined => {
    const row = coerce(input, ++n)
    const part = routeRow(row, n)
    const f = openFiles.get(part.key)
    if (!f) {
      return openFile(part.key, part.values).then((g) => {
        openFiles.set(part.key, g)
        return afterWrite(g, row, part.key)
      })
    }
    return afterWrite(f, row, part.key)
  }
  const afterWrite = (f: OpenFile, row: Row, key: string): Promise<void> | undefined => {
    const w = f.writer
    w.write(row)
    if (w.length >= maxBytes && (w.settledLength === undefined || w.settledLength() >= maxBytes)) {
      openFiles.delete(key)
      return closeFile(f)
    }
    return f.output !== undefined && f.chunked!.ready ? drain(f.output, f.chunked!.take()) : undefined
  }

  try {
    if (sorted) {
      // Java writers receive rows the engine sorted (Spark sorts each task's rows, spilling to disk); floe
      // sorts the rows of one write (stable, coerced first) in runs of bounded memory, and each run goes to
      // files of its own, so every file is sorted (files of different runs may overlap, as different tasks' do)
      const runs = sortedRuns(rows, coerceToSort, sortComparator(schema, order), opts.sortRunBytes ?? DEFAULT_SORT_RUN_BYTES, (k) => {
        if ((k & 1023) === 0) checkAbort(opts.signal)
      })
      let first = true
      for await (const run of runs) {
        if (!first) {
          for (const f of openFiles.values()) await closeFile(f)
          openFiles.clear()
        }
        first = false
        let k = 0
        for (const row of run) {
          if ((++k & 1023) === 0) checkAbort(opts.signal)
          const p = add(row)
          if (p) await p
        }
      }
    } else if (Symbol.asyncIterator in rows) {
      for await (const input of rows) {
        checkAbort(opts.signal)
        await add(input)
      }
    } else {
      let k = 0
      for (const input of rows) {
        if ((++k & 1023) === 0) checkAbort(opts.signal)
        const p = add(input)
        if (p) await p
      }
    }
    checkAbort(opts.signal)
    for (const f of openFiles.values()) await closeFile(f)
    return files.sort((a, b) => a.seq - b.seq).map((x) => x.file)
  } catch (e) {
    await stored.rollback()
    throw e
  }
}

/** One deleted row: the data file path and the 0-based row position in it. */
export interface PositionDelete {
  readonly filePath: string
  readonly pos: bigint | number
}

/** Options of {@link writePositionDeletes}. */
export interface WritePositionDeletesOptions extends WriteFilesOptions {
  /** Spec of the deleted rows' data files (default: the table's default spec). */
  readonly specId?: number
  /** Their partition tuple in spec order (required for a partitioned spec). */
  readonly partition?: readonly Value[]
}

/** The position-delete file schema: `file_path` (2147483546) and `pos` (2147483545). */
export const POSITION_DELETE_SCHEMA: Schema = makeSchema([
  field(2147483546, 'file_path', T.string, { required: true, doc: 'Path of a file in which a deleted row is stored' }),
  field(2147483545, 'pos', T.long, { required: true, doc: 'Ordinal position of a deleted row in the data file' }),
])

const DELETE_METRICS: MetricsConfig = { defaultMode: MetricsModes.full, columnModes: new Map() }

function deleteProperties(props: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...props }
  for (const k of ['compression-codec', 'compression-level', 'row-group-size-bytes', 'page-size-bytes', 'dict-size-bytes']) {
    const v = props[`write.delete.parquet.${k}`]
    if (v !== undefined) out[`write.parquet.${k}`] = v
  }
  return out
}

function checkDelete(d: unknown, n: number): { path: string; pos: bigint } {
  const bad = (column: string, why: string): never => {
    throw new InvalidDataError(`Invalid data in position deletes row ${n} column ${column}: ${why}`, { context: { file: 'position deletes', row: n, field: column } })
  }
  const o = d as { filePath?: unknown; pos?: unknown } | null
  if (typeof o !== 'object' || o === null) return bad('file_path', 'expected { filePath, pos }')
  if (typeof o.filePath !== 'string' || o.filePath.length === 0) return bad('file_path', `expected a non-empty string, got ${describeValue(o.filePath as Value)}`)
  const p = o.pos
  if (typeof p === 'bigint' && p >= 0n && p < 2n ** 63n) return { path: o.filePath, pos: p }
  if (typeof p === 'number' && Number.isSafeInteger(p) && p >= 0) return { path: o.filePath, pos: BigInt(p) }
  return bad('pos', `expected a non-negative integer, got ${describeValue(p as Value)}`)
}

/**
 * Write a new file nothing references yet (durable, under its own name). A rejected write may still have
 * published it, so it is removed before the error is rethrown, unless the name was someone else's.
 */
async function storeNew(env: Env, path: string, bytes: Uint8Array): Promise<void> {
  try {
    await env.io.write(path, bytes, { durable: true, direct: true })
  } catch (e) {
    if (!(e instanceof AlreadyExistsError)) await env.io.delete(path).catch(() => undefined)
    throw e
  }
}

// The partition type of a delete file's spec: a source column dropped since takes the type it last had (an
// old-spec data file keeps its partition; Java's PartitionSpec binds such fields to an unknown type).
function deletePartitionType(spec: PartitionSpec, schema: Schema, md: TableMetadata): ReturnType<typeof partitionType> {
  return partitionType(spec, schema, spec.fields.some((f) => !findField(schema, f.sourceId)) ? lastKnownTypes(md.schemas) : undefined)
}

/**
 * Write one position-delete file (v2 tables) in the format of `write.delete.format.default` (default: the
 * data file format): deletes sorted by path (UTF-8 order) then position, duplicates
 * dropped; `referenced_data_file` is set when all target one data file. Parquet metrics follow Java's
 * PositionDeleteWriter: no counts for `file_path`/`pos`, and their bounds only when one data file is targeted;
 * Avro files report only their record count.
 */
export async function writePositionDeletes(env: Env, target: WriteTarget, deletes: Iterable<PositionDelete>, opts: WritePositionDeletesOptions = {}): Promise<DataFile> {
  const md = target.metadata
  if (md.formatVersion !== 2)
    throw new ValidationError(`Cannot write position delete files to a v${md.formatVersion} table (${md.formatVersion < 2 ? 'v1 has no row-level deletes' : 'v3 tables use deletion vectors'})`)
  const spec: PartitionSpec | undefined = specById(md, opts.specId ?? md.defaultSpecId)
  if (!spec) throw new InvalidArgumentError(`Cannot find partition spec ${opts.specId}`)
  const schema = currentSchema(md)
  const partitioned = !isUnpartitioned(spec)
  const partition = opts.partition ?? spec.fields.map(() => null)
  if (partition.length !== spec.fields.length) throw new InvalidArgumentError(`Partition tuple has ${partition.length} values; spec ${spec.specId} has ${spec.fields.length} fields`)
  if (partitioned && opts.partition === undefined) throw new InvalidArgumentError(`Position deletes for partitioned spec ${spec.specId} need the partition tuple`)

  const list: { path: string; pos: bigint }[] = []
  let n = 0
  for (const d of deletes) list.push(checkDelete(d, ++n))
  if (list.length === 0) throw new InvalidArgumentError('No position deletes to write')
  list.sort((a, b) => compareStrings(a.path, b.path) || (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0))
  const rows: Row[] = []
  for (const d of list) {
    const last = rows[rows.length - 1]
    if (!last || last.file_path !== d.path || last.pos !== d.pos) rows.push({ file_path: d.path, pos: d.pos })
  }
  const referenced = new Set(rows.map((r) => r.file_path as string))

  const tableProps = { ...md.properties, ...opts.properties }
  const format = deleteFileFormat(tableProps)
  const avroCodec = format === 'AVRO' ? avroDeleteCodec(tableProps) : undefined
  const props = deleteProperties(tableProps)
  const name = dataFileName(opts.partitionId ?? 0, opts.taskId ?? 0n, opts.operationId ?? env.uuid(), 1, 'deletes', format)
  const path = locationProvider(md.location, props).newDataLocation(name, partitioned ? partitionPath(spec, deletePartitionType(spec, schema, md), partition) : undefined)
  checkAbort(opts.signal)
  if (avroCodec) {
    // Java's Avro position-delete writer: `delete-type` in the header, only the record count as metrics
    const w = await AvroDataWriter.open(POSITION_DELETE_SCHEMA, { codec: avroCodec, file: path, syncMarker: uuidToBytes(env.uuid()), metadata: { 'delete-type': 'position' } })
    for (const r of rows) w.write(r)
    const out = w.finish()
    checkAbort(opts.signal)
    await storeNew(env, path, out.bytes)
    return {
      content: 'position-deletes',
      filePath: path,
      fileFormat: 'AVRO',
      specId: spec.specId,
      partition,
      recordCount: BigInt(out.rowCount),
      fileSizeInBytes: BigInt(out.bytes.length),
      ...(referenced.size === 1 ? { referencedDataFile: rows[0]!.file_path as string } : {}),
    }
  }
  // Java's Parquet delete writers record the delete type in the footer, as its Avro ones do in the header
  const { writer, metrics: acc } = await openWriter(POSITION_DELETE_SCHEMA, parquetOptionsFromProperties(props), DELETE_METRICS, path, { 'delete-type': 'position' })
  for (const r of rows) writer.write(r)
  const result = writer.finish()
  const m = acc.finish(result.columnSizes)
  const ids = [2147483546, 2147483545]
  const without = <V>(map: ReadonlyMap<number, V>): Map<number, V> => new Map([...map].filter(([k]) => !ids.includes(k)))
  const single = referenced.size === 1
  checkAbort(opts.signal)
  await storeNew(env, path, result.bytes)
  return {
    content: 'position-deletes',
    filePath: path,
    fileFormat: 'PARQUET',
    specId: spec.specId,
    partition,
    recordCount: m.recordCount,
    fileSizeInBytes: BigInt(result.bytes.length),
    columnSizes: m.columnSizes,
    valueCounts: without(m.valueCounts),
    nullValueCounts: without(m.nullValueCounts),
    nanValueCounts: without(m.nanValueCounts),
    lowerBounds: single ? m.lowerBounds : without(m.lowerBounds),
    upperBounds: single ? m.upperBounds : without(m.upperBounds),
    splitOffsets: result.splitOffsets,
    ...(single ? { referencedDataFile: rows[0]!.file_path as string } : {}),
  }
}
