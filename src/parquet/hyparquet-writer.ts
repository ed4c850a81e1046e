// The default Parquet writer: rows of floe values → one Parquet file through hyparquet-writer, with the Java
// layout (parquet-write-schema.ts), the `iceberg.schema` key/value, codecs from table properties, streaming
// row groups (rows are released once their row group is encoded) and per-column chunk sizes for metrics.
import { snappyCompress } from '../compression/snappy.js'
import { loadZstd } from '../compression/zstd.js'
import { gzipSync } from 'node:zlib'
import type { CompressionCodec, KeyValue } from 'hyparquet'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import { FloeError, InvalidArgumentError, UnsupportedError } from '../errors.js'
import type { FileIO } from '../io/file-io.js'
import { schemaToJson } from '../spec/json/schema-json.js'
import { stringifyJson } from '../spec/json/lossless.js'
import { parseJavaInt } from '../spec/properties.js'
import type { Schema } from '../spec/schema.js'
import { decimalRequiredBytes, type IcebergType, type Value } from '../spec/types.js'
import type { Row } from './codec.js'
import { emptyStats, ownsFooterStats, parquetStatistics, scanValues, statsKind, type ColumnStats, type ParquetChunkStatistics, type StatsKind } from './column-stats.js'
import { hasNegativeZero, holdsFloats } from './negative-zero.js'
import { parquetWriteSchema, toEncoderValue, type ParquetWriteSchema } from './parquet-write-schema.js'

/** Codecs floe writes (Java names, lower case). */
export type ParquetCodec = 'zstd' | 'snappy' | 'gzip' | 'uncompressed'

/** Parse `write.parquet.compression-codec` (case-insensitive; `none` = uncompressed); lz4/lzo/brotli are UNSUPPORTED. */
export function parseParquetCodec(s: string): ParquetCodec {
  const c = s.trim().toLowerCase()
  if (c === 'zstd' || c === 'snappy' || c === 'gzip' || c === 'uncompressed') return c
  if (c === 'none') return 'uncompressed'
  if (c === 'lz4' || c === 'lz4_raw' || c === 'lzo' || c === 'brotli') throw new UnsupportedError(`Parquet compression codec ${s} is not supported for writing`)
  throw new InvalidArgumentError(`Unknown Parquet compression codec: ${JSON.stringify(s)}`, { context: { field: 'write.parquet.compression-codec' } })
}

/** Writer settings (all optional; defaults are Java's). */
export interface ParquetWriterOptions {
  /** Default zstd (Java's default for new tables). */
  readonly codec?: ParquetCodec
  /** `write.parquet.compression-level`; codec default when absent. */
  readonly compressionLevel?: number
  /** Encode a row group once buffered rows reach this estimated size (`write.parquet.row-group-size-bytes`). */
  readonly rowGroupSizeBytes?: number
  /**
   * The memory budget for buffered rows, shared with the other writers of one write (see {@link RowGroupMemory});
   * a row group is also encoded once its rows reach this writer's share. Default: a budget of its own.
   */
  readonly memory?: RowGroupMemory
  /** Target uncompressed page size (`write.parquet.page-size-bytes`). */
  readonly pageSizeBytes?: number
  /** Dictionary size cap (`write.parquet.dict-size-bytes`). */
  readonly dictSizeBytes?: number
  /** Extra footer key/value metadata (after `iceberg.schema`). */
  readonly metadata?: Readonly<Record<string, string>>
  /**
   * Sees each row group's buffered columns (floe values, one array per written column) before encoding, with
   * the statistics floe computed for the footer of each flat primitive column (undefined for the others). A
   * flat int, float or double column without nulls arrives as the typed array floe encodes it from (Int32Array,
   * Float32Array, Float64Array; read it by index only); such columns always have statistics.
   */
  readonly onRowGroup?: (columns: readonly (readonly Value[])[], rowCount: number, stats: readonly (ColumnStats | undefined)[]) => void
  /** Named in error messages. */
  readonly file?: string
  /**
   * The size at which the caller rolls to a new file (`write.target-file-size-bytes`). While no encoded size
   * ratio is known (see {@link encodedSize}), buffered rows are encoded as a row group once their estimated
   * size reaches half of it, so that {@link IcebergParquetWriter.length} is an encoded size before it reaches it.
   */
  readonly targetFileSizeBytes?: number
  /**
   * The encoded size ratio to start from and to add this file's row groups to: the files written one after
   * another for one partition of a write share one. Default: one of this file's own.
   */
  readonly encodedSize?: EncodedSizeRatio
}

const MiB = 1024 * 1024

/** The default memory budget for rows buffered by the Parquet writers of one write. */
export const DEFAULT_ROW_GROUP_MEMORY = 64 * MiB
/** The least memory one writer's buffered rows may take before it encodes them, however many writers share the budget. */
const MIN_SHARE = 256 * 1024

/**
 * A memory budget shared by the Parquet writers of one write, as parquet-mr's MemoryManager scales the row
 * groups of a task's open writers to fit the heap. floe buffers a row group as JS rows, several times
 * (for compressible data, a hundred times) its encoded size, so `write.parquet.row-group-size-bytes` alone
 * would let one file, or many open partition files, fill the heap: each writer also encodes its row group
 * once its rows take an estimated 1/n of the budget (at least 256 KiB), n being the writers open. The rows
 * buffered by a write thus take about max(budget, n × 256 KiB); the encoded bytes of its open files are extra.
 */
export class RowGroupMemory {
  private open = 0

  /** A budget of `bytes` (estimated memory of buffered rows) for all the writers that join it. */
  constructor(readonly bytes: number = DEFAULT_ROW_GROUP_MEMORY) {}

  /** The memory each open writer may buffer now. */
  share(): number {
    return Math.max(MIN_SHARE, this.bytes / Math.max(1, this.open))
  }

  /** A writer joins (on open) or leaves (on finish). */
  join(delta: 1 | -1): void {
    this.open += delta
  }
}

/**
 * Encoded bytes per estimated byte of the row groups written so far. A writer estimates its buffered rows'
 * size from their plain values, which for compressible data is many times what their row group takes once
 * encoded; this ratio, learnt from the row groups already encoded (recent ones weigh more), turns the
 * estimate into the encoded size that file rolling compares with its target, as parquet-mr's buffered size is
 * already encoded (Java's `ParquetWriter.length()`: bytes written plus the write store's buffered size).
 */
export class EncodedSizeRatio {
  private estimated = 0
  private encoded = 0
  private total = 0

  /** Record one encoded row group: the estimated size of its rows and the bytes it took. */
  add(estimated: number, encoded: number): void {
    if (!(estimated > 0)) return
    // older row groups weigh half as much at each new one, so the ratio follows data that changes
    this.estimated = this.estimated / 2 + estimated
    this.encoded = this.encoded / 2 + encoded
    this.total += estimated
  }

  /** Encoded bytes per estimated byte; undefined before the first row group. */
  get ratio(): number | undefined {
    return this.estimated > 0 ? this.encoded / this.estimated : undefined
  }

  /** The estimated bytes of all the row groups recorded: how much the ratio was learnt from. */
  get basis(): number {
    return this.total
  }
}

/** Estimated memory of one buffered row beyond its values' bytes: the row object, and a slot and box per value. */
const rowOverhead = (columns: number): number => 32 + 16 * columns

/**
 * Estimated memory of a nested value beyond its plain bytes: 16 B for each member, element, key and value
 * (a slot and, for numbers, a box) and 32 B for each container (object, array or map).
 */
function nestedMemory(t: IcebergType, v: Value): number {
  if (v === null || v === undefined) return 0
  let n = 32
  if (t.kind === 'struct') for (const f of t.fields) n += 16 + nestedMemory(f.type, (v as Readonly<Record<string, Value>>)[f.name] ?? null)
  else if (t.kind === 'list') {
    const nested = isNestedType(t.element)
    for (const x of v as readonly Value[]) n += 16 + (nested ? nestedMemory(t.element, x) : 0)
  } else if (t.kind === 'map') {
    const nested = isNestedType(t.value) || isNestedType(t.key)
    for (const [k, x] of v as ReadonlyMap<Value, Value>) n += 32 + (nested ? nestedMemory(t.key, k) + nestedMemory(t.value, x) : 0)
  }
  return n
}

const isNestedType = (t: IcebergType): boolean => t.kind === 'struct' || t.kind === 'list' || t.kind === 'map'
const MEASURE_EVERY = 256
const HANDOVER_BYTES = 64 * MiB
const FIRST_CHUNK = 256
const MAX_CHUNK = 16384

function intProperty(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const s = props[key]
  if (s === undefined) return fallback
  const n = parseJavaInt(s)
  if (n === undefined || n <= 0) throw new InvalidArgumentError(`Table property ${key} must be a positive integer, got ${JSON.stringify(s)}`, { context: { field: key } })
  return n
}

/** Writer options from table properties (`write.parquet.*`; data files default to zstd like Java's new tables). */
export function parquetOptionsFromProperties(props: Readonly<Record<string, string>>): ParquetWriterOptions {
  const level = props['write.parquet.compression-level']
  const unset = level === undefined || level.trim() === ''
  const lvl = unset ? undefined : parseJavaInt(level)
  if (!unset && lvl === undefined)
    throw new InvalidArgumentError(`Table property write.parquet.compression-level must be an integer, got ${JSON.stringify(level)}`, { context: { field: 'write.parquet.compression-level' } })
  return {
    codec: parseParquetCodec(props['write.parquet.compression-codec'] ?? 'zstd'),
    ...(lvl === undefined ? {} : { compressionLevel: lvl }),
    rowGroupSizeBytes: intProperty(props, 'write.parquet.row-group-size-bytes', 128 * MiB),
    pageSizeBytes: intProperty(props, 'write.parquet.page-size-bytes', MiB),
    dictSizeBytes: intProperty(props, 'write.parquet.dict-size-bytes', 2 * MiB),
  }
}

type Compressor = (input: Uint8Array) => Uint8Array

const CODEC_NAMES: Record<ParquetCodec, CompressionCodec> = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', uncompressed: 'UNCOMPRESSED' }

async function compressorsFor(codec: ParquetCodec, level: number | undefined): Promise<Partial<Record<CompressionCodec, Compressor>>> {
  if (codec === 'gzip') return { GZIP: (b) => gzipSync(b, level === undefined ? {} : { level }) }
  if (codec === 'zstd') {
    const z = await loadZstd()
    return { ZSTD: (b) => z.compress(b, level ?? 3) }
  }
  if (codec === 'snappy') return { SNAPPY: snappyCompress }
  return {}
}

// hyparquet-writer's byte sink. After a row group, a buffer that has grown past HANDOVER_BYTES is kept as a
// finished chunk and writing continues in a fresh buffer (no copy, and no huge reallocation for big files);
// smaller files stay in one buffer and are returned as a view of it, without a final copy. A file written out
// as it goes takes its bytes after each row group (`take`), and the buffer is then reused from its start.
class ChunkedByteWriter extends ByteWriter {
  readonly chunks: Uint8Array[] = []

  /** The bytes written since the last call; the last one is a view of the buffer, overwritten by the next bytes written. */
  take(): Uint8Array[] {
    const out = this.chunks.splice(0)
    if (this.index > 0) out.push(new Uint8Array(this.buffer, 0, this.index))
    this.index = 0
    return out
  }

  flush(): void {
    if (this.index < HANDOVER_BYTES) return
    this.chunks.push(new Uint8Array(this.buffer, 0, this.index))
    this.buffer = new ArrayBuffer(1024 * 1024)
    this.view = new DataView(this.buffer)
    this.index = 0
  }

  concat(): Uint8Array {
    const tail = new Uint8Array(this.buffer, 0, this.index)
    if (this.chunks.length === 0) return tail
    const out = new Uint8Array(this.offset)
    let at = 0
    for (const c of [...this.chunks, tail]) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
}

/** What one Parquet file written out in chunks holds: its last bytes and its size instead of the whole file. */
export interface ParquetTailResult extends Omit<ParquetWriteResult, 'bytes'> {
  /** The bytes not taken with `takeChunks` yet: the file ends with them. */
  readonly tail: readonly Uint8Array[]
  /** The file's total size in bytes. */
  readonly size: number
}

/**
 * Footer min/max of a float chunk holding NaN are left out (null and NaN counts stay): the Parquet spec
 * keeps NaN out of min/max and counts it in `nan_count`, but readers that ignore `nan_count` (DuckDB ≤ 1.5,
 * ClickHouse) then prune the NaN rows away on `= 'NaN'` or `> x`; DuckDB's own writer leaves such bounds out
 * and parquet-java's include the NaN, which readers ignore. The Iceberg metrics in manifests are unaffected.
 */
export function withoutNaNBounds(st: ParquetChunkStatistics | undefined): ParquetChunkStatistics | undefined {
  if (st !== undefined && st.nan_count !== undefined && st.nan_count > 0n) {
    delete st.min_value
    delete st.max_value
    delete st.min
    delete st.max
  }
  return st
}

/** What one written Parquet file holds. */
export interface ParquetWriteResult {
  readonly bytes: Uint8Array
  readonly rowCount: number
  /** Row-group start offsets (Java's split offsets). */
  readonly splitOffsets: readonly bigint[]
  /** Compressed column-chunk sizes summed over row groups, by leaf field id. */
  readonly columnSizes: ReadonlyMap<number, bigint>
  readonly layout: ParquetWriteSchema
}

type Estimator = (v: Value) => number
const stringSize: Estimator = (v) => (typeof v === 'string' ? v.length + 4 : 1)

// Rough plain size of a value (drives row-group flushing; file rolling scales it by an EncodedSizeRatio).
function estimator(t: IcebergType): { fixed: number } | { variable: Estimator } {
  switch (t.kind) {
    case 'boolean':
      return { fixed: 1 }
    case 'int':
    case 'date':
    case 'float':
      return { fixed: 4 }
    case 'uuid':
      return { fixed: 16 }
    case 'fixed':
      return { fixed: t.length }
    case 'decimal':
      return { fixed: t.precision <= 9 ? 4 : t.precision <= 18 ? 8 : decimalRequiredBytes(t.precision) }
    case 'string':
      return { variable: stringSize }
    case 'binary':
      return { variable: (v) => (v instanceof Uint8Array ? v.length + 4 : 1) }
    case 'struct':
    case 'list':
    case 'map':
      return { variable: (v) => nestedSize(t, v) }
    default:
      return { fixed: 8 }
  }
}

function sizeOf(t: IcebergType, v: Value): number {
  if (v === null || v === undefined) return 1
  switch (t.kind) {
    case 'string':
      return typeof v === 'string' ? v.length + 4 : 1
    case 'binary':
      return v instanceof Uint8Array ? v.length + 4 : 1
    case 'struct':
    case 'list':
    case 'map':
      return nestedSize(t, v)
    default: {
      const e = estimator(t)
      return 'fixed' in e ? e.fixed : 8
    }
  }
}

function nestedSize(t: IcebergType, v: Value): number {
  if (v === null || v === undefined) return 1
  let n = 1
  if (t.kind === 'struct') for (const f of t.fields) n += sizeOf(f.type, (v as Readonly<Record<string, Value>>)[f.name] ?? null)
  else if (t.kind === 'list') {
    const e = estimator(t.element)
    if ('fixed' in e) n += (v as readonly Value[]).length * e.fixed
    else for (const x of v as readonly Value[]) n += sizeOf(t.element, x)
  } else if (t.kind === 'map') for (const [k, x] of v as ReadonlyMap<Value, Value>) n += sizeOf(t.key, k) + sizeOf(t.value, x)
  return n
}

/**
 * The typed array a flat column without nulls is handed to hyparquet-writer as (the column is "packed"): the
 * encoder copies, slices and reads it as one block of memory instead of an array of boxed values, and floe
 * builds no large plain array for it. The bytes written are the same.
 */
type Packing = 'f64' | 'f32' | 'i32'

/** One column of a row group: floe values, or a typed array when the column is packed. */
type ColumnValues = Value[] | Float64Array | Float32Array | Int32Array

// The packing of a top-level column's values (undefined: a plain array). 64-bit integers stay plain: the
// encoder reads each value of a BigInt64Array as a new bigint, several times over, and the garbage costs
// more than the typed array saves; dates stay plain too (the encoder maps DATE values into a new array).
function packing(t: IcebergType): Packing | undefined {
  switch (t.kind) {
    case 'double':
      return 'f64'
    case 'float':
      return 'f32'
    case 'int':
      return 'i32'
    default:
      return undefined
  }
}

// The typed array of each packing.
const PACKED_ARRAY: Record<Packing, string> = { f64: 'Float64Array', f32: 'Float32Array', i32: 'Int32Array' }
// Code storing `v` (one row's value) at `i` of packed column `c` when the typed array holds it exactly, else
// setting `c_bad` (null, another type, not an int32, a float that is not a float32); `c_nz` records −0. An int
// −0 is stored as 0, which is what the encoder writes for it anyway; NaN is stored as it is.
const PACKED_STORE: Record<Packing, (c: string) => string> = {
  i32: (c) => `if (typeof v === 'number' && (v | 0) === v) ${c}[i] = v; else ${c}_bad = true;`,
  f64: (c) => `if (typeof v !== 'number') ${c}_bad = true; else { ${c}[i] = v; if (v === 0 && 1 / v < 0) ${c}_nz = true; }`,
  f32: (c) => `if (typeof v !== 'number' || (Math.fround(v) !== v && v === v)) ${c}_bad = true; else { ${c}[i] = v; if (v === 0 && 1 / v < 0) ${c}_nz = true; }`,
}

/** A row group's columns; per column, whether it is packed but held a value its typed array cannot (the array is then incomplete) and whether a packed float column held −0. */
interface Transposed {
  readonly columns: ColumnValues[]
  readonly unpacked: readonly boolean[]
  readonly negativeZero: readonly boolean[]
}

/** Buffered rows (chunks, the last one filled up to `last`) → one array per column; missing values stay undefined, which every consumer reads as null. */
type Transposer = (chunks: readonly (readonly Row[])[], last: number, count: number) => Transposed
const transposers = new Map<string, Transposer>()

// Compiled per column list and packing so every property load and array store is monomorphic: a generic
// loop over column names makes both megamorphic and costs more than the metrics. Names enter the code only
// as JSON string literals.
function transposer(names: readonly string[], packings: readonly (Packing | undefined)[]): Transposer {
  const key = JSON.stringify([names, packings])
  let t = transposers.get(key)
  if (!t) {
    const cols = names.map((_, c) => `c${c}`)
    const store = (c: number): string => {
      const p = packings[c]
      const load = `r[${JSON.stringify(names[c])}]`
      return p === undefined ? `${cols[c]}[i] = ${load};` : `{ const v = ${load}; ${PACKED_STORE[p](cols[c]!)} }`
    }
    const flag = (c: number, suffix: string): string => (packings[c] === undefined ? 'false' : `${cols[c]}${suffix}`)
    const code = [
      ...cols.map((c, k) => {
        const p = packings[k]
        return p === undefined ? `const ${c} = new Array(n);` : `const ${c} = new ${PACKED_ARRAY[p]}(n); let ${c}_bad = false, ${c}_nz = false;`
      }),
      'let i = 0;',
      'for (let k = 0; k < chunks.length; k++) {',
      '  const ch = chunks[k]; const m = k === chunks.length - 1 ? last : ch.length;',
      `  for (let j = 0; j < m; j++, i++) { const r = ch[j]; ${names.map((_, c) => store(c)).join(' ')} }`,
      '}',
      `return { columns: [${cols.join(', ')}], unpacked: [${cols.map((_, c) => flag(c, '_bad')).join(', ')}], negativeZero: [${cols.map((_, c) => flag(c, '_nz')).join(', ')}] };`,
    ].join('\n')
    t = new Function('chunks', 'last', 'n', code) as Transposer
    if (transposers.size < 256) transposers.set(key, t)
  }
  return t
}

// One column of buffered rows as a plain array (a packed column that held a value its typed array cannot).
function plainColumn(chunks: readonly (readonly Row[])[], last: number, n: number, name: string): Value[] {
  const out = new Array<Value>(n)
  let i = 0
  for (let k = 0; k < chunks.length; k++) {
    const ch = chunks[k]!
    const m = k === chunks.length - 1 ? last : ch.length
    for (let j = 0; j < m; j++, i++) out[i] = ch[j]![name] as Value
  }
  return out
}

/** Writes rows of one Iceberg schema into one Parquet file held in memory until `finish`. */
export class IcebergParquetWriter {
  readonly layout: ParquetWriteSchema
  private readonly out = new ChunkedByteWriter(64 * 1024)
  private readonly pq: ParquetWriter
  private readonly names: readonly string[]
  private readonly floats: readonly boolean[]
  /** Per column: the ordering kind when floe computes the column's footer statistics itself. */
  private readonly ownStats: readonly (StatsKind | undefined)[]
  /** Per column: how its values go to hyparquet-writer (a column that once held a value its typed array cannot stays plain). */
  private readonly packings: (Packing | undefined)[]
  private transpose: Transposer
  private readonly fixedRowBytes: number
  private readonly variable: readonly { readonly index: number; readonly size: Estimator }[]
  // pending rows: full chunks plus the current chunk filled up to `fill` (preallocated chunks are much
  // cheaper than one growing array)
  private chunks: Row[][] = []
  private chunk: Row[] = new Array<Row>(FIRST_CHUNK)
  private fill = 0
  /** Estimated bytes of the pending rows that were measured, and how many pending rows are not measured yet. */
  private bufferedBytes = 0
  /** Rows buffered for the next row group. */
  private bufferedRows = 0
  private readonly memory: RowGroupMemory
  private readonly rowOverhead: number
  /** Estimated memory of buffered nested values beyond their plain bytes (see nestedMemory). */
  private nestedBytes = 0
  /** The top-level nested columns: their values cost memory per element, not per row. */
  private readonly nestedColumns: readonly { readonly name: string; readonly type: IcebergType }[]
  private unmeasured = 0
  private avgRowBytes = 0
  private rows = 0
  private readonly splitOffsets: bigint[] = []
  private readonly columnSizes = new Map<number, bigint>()
  private done = false
  /** A row group was encoded since the last `takeChunks`. */
  private encoded = false
  /** `takeChunks` was called: the whole file is no longer held, only `finishTail` can end it. */
  private taken = false
  /** Encoded bytes per estimated byte of row groups (this file's and, when shared, earlier files'). */
  private readonly encodedSize: EncodedSizeRatio
  /** Estimated bytes at which buffered rows are encoded while no ratio is known (half the target size). */
  private readonly learnAt: number

  private constructor(
    schema: Schema,
    private readonly opts: ParquetWriterOptions,
    compressors: Partial<Record<CompressionCodec, Compressor>>,
  ) {
    this.layout = parquetWriteSchema(schema)
    const kv: KeyValue[] = [{ key: 'iceberg.schema', value: stringifyJson(schemaToJson(schema)) }]
    for (const [key, value] of Object.entries(opts.metadata ?? {})) kv.push({ key, value })
    this.names = this.layout.columns.map((c) => c.field.name)
    this.memory = opts.memory ?? new RowGroupMemory()
    this.memory.join(1)
    this.encodedSize = opts.encodedSize ?? new EncodedSizeRatio()
    this.learnAt = opts.targetFileSizeBytes === undefined ? Infinity : opts.targetFileSizeBytes / 2
    this.rowOverhead = rowOverhead(this.names.length)
    this.nestedColumns = this.layout.columns.filter((c) => isNestedType(c.field.type)).map((c) => ({ name: c.field.name, type: c.field.type }))
    this.floats = this.layout.columns.map((c) => holdsFloats(c.field.type))
    this.ownStats = this.layout.columns.map((c) => (!c.reshape && ownsFooterStats(c.field.type) ? statsKind(c.field.type) : undefined))
    this.packings = this.layout.columns.map((c, i) => (this.ownStats[i] === undefined ? undefined : packing(c.field.type)))
    this.transpose = transposer(this.names, this.packings)
    let fixed = 0
    const variable: { index: number; size: Estimator }[] = []
    this.layout.columns.forEach((c, index) => {
      const e = estimator(c.field.type)
      if ('fixed' in e) fixed += e.fixed
      else variable.push({ index, size: e.variable })
    })
    this.fixedRowBytes = fixed
    this.variable = variable
    this.pq = new ParquetWriter({
      writer: this.out,
      schema: this.layout.elements as unknown as ConstructorParameters<typeof ParquetWriter>[0]['schema'],
      codec: CODEC_NAMES[opts.codec ?? 'zstd'],
      compressors,
      statistics: true,
      kvMetadata: kv,
      createdBy: 'floe version 0.1.0 (build hyparquet-writer 0.17.0)',
    })
  }

  /** Open a writer (loads the zstd codec on first use). */
  static async open(schema: Schema, opts: ParquetWriterOptions = {}): Promise<IcebergParquetWriter> {
    const compressors = await compressorsFor(opts.codec ?? 'zstd', opts.compressionLevel)
    return new IcebergParquetWriter(schema, opts, compressors)
  }

  /** Rows written so far (buffered ones included). */
  get rowCount(): number {
    return this.rows
  }

  /**
   * Bytes encoded so far plus the estimated encoded size of the buffered rows (what file rolling compares to
   * its target): their estimated size times the {@link EncodedSizeRatio} of the row groups encoded before,
   * or, before any, their estimated size itself.
   */
  get length(): number {
    return this.out.offset + (this.bufferedBytes + this.unmeasured * this.avgRowBytes) * (this.encodedSize.ratio ?? 1)
  }

  /**
   * The length to roll on once {@link length} reached the target size: when the buffered rows are estimated
   * at more bytes than the encoded size ratio was learnt from (the first file of a partition, whose ratio
   * comes from a small row group), they are first encoded as a row group, which makes the length exact and
   * the ratio sound, and the file may then take more rows.
   */
  settledLength(): number {
    if (this.bufferedBytes + this.unmeasured * this.avgRowBytes > this.encodedSize.basis) this.flush()
    return this.length
  }

  /** True when a row group was encoded since the last {@link takeChunks} (a cheap check to make per row). */
  get chunksReady(): boolean {
    return this.encoded
  }

  /**
   * The file's bytes encoded since the last call (the first call includes the header), to store them as row
   * groups complete. The last array is a view of the writer's buffer, which is reused: it is valid only until
   * the writer is written to, flushed or finished again. End such a file with {@link finishTail}.
   */
  takeChunks(): Uint8Array[] {
    if (this.done) throw new FloeError('INVALID_ARGUMENT', 'Parquet writer is already finished', this.ctx())
    this.encoded = false
    this.taken = true
    return this.out.take()
  }

  /** Buffer one row of floe values keyed by column name; encodes a row group when the buffer is full. */
  write(row: Row): void {
    if (this.done) throw new FloeError('INVALID_ARGUMENT', 'Parquet writer is already finished', this.ctx())
    if (this.fill === this.chunk.length) {
      this.measure()
      // unless measuring flushed the row group (which leaves a fresh, empty chunk), keep the full chunk
      if (this.fill === this.chunk.length) {
        this.chunks.push(this.chunk)
        this.chunk = new Array<Row>(Math.min(MAX_CHUNK, this.chunk.length * 2))
        this.fill = 0
      }
    }
    this.chunk[this.fill++] = row
    this.rows++
    // sizes are measured in batches (like parquet-mr, which checks its buffered size every so many rows)
    if (++this.unmeasured >= MEASURE_EVERY || this.rows <= MEASURE_EVERY) this.measure()
  }

  // Add the estimated size of the rows written since the last measurement; flush when the row group is full.
  private measure(): void {
    const rows = this.chunk
    const end = this.fill
    const from = end - this.unmeasured
    let bytes = this.fixedRowBytes * this.unmeasured
    for (const v of this.variable) {
      const name = this.names[v.index]!
      if (v.size === stringSize) {
        for (let i = from; i < end; i++) {
          const x = rows[i]![name]
          bytes += typeof x === 'string' ? x.length + 4 : 1
        }
      } else for (let i = from; i < end; i++) bytes += v.size(rows[i]![name] ?? null)
    }
    for (const c of this.nestedColumns) for (let i = from; i < end; i++) this.nestedBytes += nestedMemory(c.type, rows[i]![c.name] ?? null)
    if (this.unmeasured > 0) this.avgRowBytes = bytes / this.unmeasured
    this.bufferedBytes += bytes
    this.bufferedRows += this.unmeasured
    this.unmeasured = 0
    const memory = this.bufferedBytes + this.bufferedRows * this.rowOverhead + this.nestedBytes
    if (this.bufferedBytes >= (this.opts.rowGroupSizeBytes ?? 128 * MiB) || memory >= this.memory.share()) this.flush()
    // no ratio yet: encode the rows to learn one before `length`, counting them at their estimated size, can reach the target
    else if (this.bufferedBytes >= this.learnAt && this.encodedSize.ratio === undefined) this.flush()
  }

  /** Encode the buffered rows as one row group (no-op when nothing is buffered). */
  flush(): void {
    const chunks = [...this.chunks, this.chunk]
    const count = this.chunks.reduce((a, c) => a + c.length, this.fill)
    if (count === 0) return
    const estimated = this.bufferedBytes + this.unmeasured * this.avgRowBytes
    const { columns: bufs, unpacked, negativeZero } = this.transpose(chunks, this.fill, count)
    if (unpacked.includes(true)) {
      unpacked.forEach((u, i) => {
        if (!u) return
        bufs[i] = plainColumn(chunks, this.fill, count, this.names[i]!)
        this.packings[i] = undefined
      })
      this.transpose = transposer(this.names, this.packings)
    }
    this.chunks = []
    this.chunk = new Array<Row>(this.chunk.length)
    this.fill = 0
    this.bufferedBytes = 0
    this.bufferedRows = 0
    this.nestedBytes = 0
    this.unmeasured = 0
    // one scan per flat column gives the footer statistics and the Iceberg metrics
    const stats = this.ownStats.map((kind, i) => {
      if (kind === undefined) return undefined
      const st = emptyStats()
      scanValues(kind, bufs[i]!, true, st)
      return st
    })
    // packed columns always come with statistics, so the metrics never read their values (see onRowGroup)
    this.opts.onRowGroup?.(bufs as readonly (readonly Value[])[], count, stats)
    const columnData = this.layout.columns.map((c, i) => {
      const values = bufs[i]!
      const data = c.reshape && Array.isArray(values) ? values.map((v) => toEncoderValue(c.field.type, v)) : values
      const statistics = stats[i] === undefined
      // a dictionary would merge -0 and +0 (see negative-zero.ts)
      const minusZero = this.floats[i]! && (Array.isArray(values) ? hasNegativeZero(values) : negativeZero[i]!)
      return minusZero ? { name: c.parquetName, data, statistics, encoding: 'PLAIN' as const } : { name: c.parquetName, data, statistics }
    })
    this.encoded = true
    const start = this.out.offset
    this.splitOffsets.push(BigInt(start))
    const indexesBefore = this.pq.pendingIndexes.length
    try {
      void this.pq.write({ columnData, rowGroupSize: count, pageSize: this.opts.pageSizeBytes ?? MiB, ...(this.opts.dictSizeBytes ? { dictionarySize: this.opts.dictSizeBytes } : {}) })
    } catch (e) {
      throw new FloeError('INVALID_DATA', `Cannot encode Parquet row group: ${(e as Error).message}`, { cause: e, ...this.ctx() })
    }
    this.encodedSize.add(estimated, this.out.offset - start)
    const rg = this.pq.row_groups[this.pq.row_groups.length - 1]!
    rg.columns.forEach((chunk, j) => {
      const leaf = this.layout.leaves[j]!
      this.columnSizes.set(leaf.fieldId, (this.columnSizes.get(leaf.fieldId) ?? 0n) + (chunk.meta_data?.total_compressed_size ?? 0n))
      const st = stats[leaf.column]
      const kind = this.ownStats[leaf.column]
      const meta = chunk.meta_data
      if (meta !== undefined && (st === undefined || kind === undefined)) withoutNaNBounds(meta.statistics as ParquetChunkStatistics | undefined)
      if (st === undefined || kind === undefined || meta === undefined) return
      // what hyparquet-writer records with statistics on: the chunk statistics and the page encoding stats
      meta.statistics = withoutNaNBounds(parquetStatistics(kind, st))!
      const pages = this.pq.pendingIndexes[indexesBefore + j]?.offsetIndex?.page_locations.length ?? 1
      meta.encoding_stats = [
        ...(meta.dictionary_page_offset === undefined ? [] : [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }]),
        { page_type: 'DATA_PAGE_V2' as const, encoding: meta.encodings[meta.encodings.length - 1]!, count: pages },
      ]
    })
  }

  /** Flush, write the footer and return the file bytes with its layout facts (not after {@link takeChunks}). */
  finish(): ParquetWriteResult {
    if (this.taken) throw new FloeError('INVALID_ARGUMENT', 'Parquet writer handed out its chunks: end the file with finishTail', this.ctx())
    this.end()
    return { bytes: this.out.concat(), rowCount: this.rows, splitOffsets: this.splitOffsets, columnSizes: this.columnSizes, layout: this.layout }
  }

  /** Flush, write the footer and return the bytes not taken yet (no final copy) with the file's size and layout facts. */
  finishTail(): ParquetTailResult {
    this.end()
    return { tail: this.out.take(), size: this.out.offset, rowCount: this.rows, splitOffsets: this.splitOffsets, columnSizes: this.columnSizes, layout: this.layout }
  }

  // Encode the last row group and write the footer.
  private end(): void {
    if (this.done) throw new FloeError('INVALID_ARGUMENT', 'Parquet writer is already finished', this.ctx())
    this.flush()
    this.done = true
    this.encoded = false
    this.memory.join(-1)
    void this.pq.finish()
  }

  private ctx(): { context?: { file: string } } {
    return this.opts.file === undefined ? {} : { context: { file: this.opts.file } }
  }
}

/** Write rows (sync or async) to Parquet bytes in memory. */
export async function writeParquet(schema: Schema, rows: Iterable<Row> | AsyncIterable<Row>, opts: ParquetWriterOptions = {}): Promise<ParquetWriteResult> {
  const w = await IcebergParquetWriter.open(schema, opts)
  for await (const row of rows) w.write(row)
  return w.finish()
}

/** Write rows to `path` through FileIO (create-if-absent: an existing object fails with ALREADY_EXISTS). */
export async function writeParquetFile(
  io: FileIO,
  path: string,
  schema: Schema,
  rows: Iterable<Row> | AsyncIterable<Row>,
  opts: ParquetWriterOptions = {},
): Promise<ParquetWriteResult> {
  const result = await writeParquet(schema, rows, { ...opts, file: opts.file ?? path })
  await io.write(path, result.bytes)
  return result
}
