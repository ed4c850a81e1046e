// The data-file seam: what floe needs from a Parquet implementation (types only).
import type { NameMapping } from '../spec/name-mapping.js'
import type { Schema } from '../spec/schema.js'
import type { Value } from '../spec/types.js'

/** A row keyed by column name; nested structs are nested objects, lists arrays, maps Map values. */
export interface Row {
  [name: string]: Value
}

/** A run of rows that are contiguous in the file: `rows[i]` is at file position `start + i`. */
export interface RowBatch {
  readonly start: number
  readonly rows: Row[]
}

/** Random access to the bytes of one file. */
export interface ByteSource {
  readonly byteLength: number
  read(start: number, end: number): Promise<Uint8Array>
  /** Used in error messages. */
  readonly path: string
}

/** What to read from one data file. */
export interface ReadRequest {
  /** The projected table schema (table field ids and names); output rows use these names. */
  readonly schema: Schema
  /** Mapping used when the file has no field ids. */
  readonly nameMapping?: NameMapping
  /**
   * Read the file as write input (an input file loaded into the table), not as a table's data file: columns
   * match by name through `nameMapping` (field ids the file carries belong to whichever table wrote it), a
   * file column the schema lacks is refused, and only conversions a write may make are allowed (no zone
   * change, no dropped digits, no date → timestamp or binary → string, strings valid UTF-8).
   */
  readonly asInput?: boolean
  /** Values that replace columns by field id, whether or not the file stores them (identity partition values, as Java's constantsMap). */
  readonly constants?: ReadonlyMap<number, Value>
  readonly signal?: AbortSignal
  /** Row-group pruning: return false to skip a row group (positions of later rows stay exact). */
  readonly rowGroupFilter?: (group: RowGroupInfo) => boolean
  /** Maximum rows per emitted batch (default 65536); a row group yields one or more batches. */
  readonly batchSize?: number
}

/** Footer statistics of one column chunk as floe values; min/max are bounds (possibly truncated), absent when unusable. */
export interface ColumnChunkStats {
  /** Level count of the chunk (rows for a flat column). */
  readonly valueCount: bigint
  readonly nullCount?: bigint
  readonly min?: Value
  readonly max?: Value
}

/** What a row-group filter sees: position, size and statistics keyed by table field id (projected primitives only). */
export interface RowGroupInfo {
  readonly index: number
  /** File position of the group's first row. */
  readonly start: number
  readonly rowCount: number
  readonly columns: ReadonlyMap<number, ColumnChunkStats>
}

/** Reads Parquet data files into rows of floe values, resolving columns by field id. */
export interface ParquetReader {
  readBatches(source: ByteSource, request: ReadRequest): AsyncIterable<RowBatch>
}
