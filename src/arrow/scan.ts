// A TableScan (or incremental append scan) read as Arrow: rows (deletes and residuals applied by the scan) grouped into RecordBatches.
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow'
import { FloeError, InvalidArgumentError, isFloeError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { PARTITION_COLUMN_ID, projectWithMetadataColumns } from '../spec/metadata-columns.js'
import { indexSchema, type Schema } from '../spec/schema.js'
import { ABORTED_MESSAGE, throwIfAborted } from '../abort.js'
import type { FileScanTask } from '../table/task.js'
import type { TableState } from '../table/load.js'
import { tablePartitionType } from '../table/metadata-tables-partition.js'
import { rowsToRecordBatch } from './batches.js'
import { icebergSchemaToArrow } from './schema.js'

/** What an Arrow read needs of a scan: a TableScan or an IncrementalAppendScan. */
export interface ArrowScanSource {
  readonly schema: Schema
  readonly table: TableState
  projectedIds(): number[]
  rows(signal?: AbortSignal, onTask?: (task: FileScanTask) => void): AsyncIterable<Row>
}

/** Default number of rows per RecordBatch. */
export const DEFAULT_BATCH_SIZE = 65536

/** Options of {@link scanToArrow} and {@link scanToArrowTable}. */
export interface ScanToArrowOptions {
  /** Maximum rows per RecordBatch (default 65536). */
  readonly batchSize?: number
  /** Abort the scan; the iteration then fails with FloeError code ABORTED. */
  readonly signal?: AbortSignal
}

/**
 * The Iceberg schema of a scan's output: the selected columns (nested selections keep their parents) and
 * metadata columns (`_row_id` … as int64), top-level columns in the order the selection names them (schema
 * order when nothing is selected).
 */
export function scanProjectedSchema(scan: ArrowScanSource): Schema {
  const ids = scan.projectedIds()
  const projected = projectWithMetadataColumns(scan.schema, ids, ids.includes(PARTITION_COLUMN_ID) ? tablePartitionType(scan.table.metadata) : undefined)
  const idx = indexSchema(scan.schema)
  const order: number[] = []
  for (const id of ids) {
    const top = idx.byId.get(id)?.parentIds[0] ?? id
    if (!order.includes(top)) order.push(top)
  }
  const rank = (id: number): number => order.indexOf(id)
  return { ...projected, fields: [...projected.fields].sort((a, b) => rank(a.id) - rank(b.id)) }
}

function checkBatchSize(n: number | undefined): number {
  if (n === undefined) return DEFAULT_BATCH_SIZE
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`batchSize must be a positive integer, got ${n}`, { context: { field: 'batchSize' } })
  return n
}

/**
 * Read a scan as Arrow RecordBatches of up to `batchSize` rows, all with the Arrow schema of the scan's
 * projected schema (field ids in `PARQUET:field_id` metadata). Exact: longs and timestamps stay 64-bit.
 * An aborted `signal` fails the iteration with FloeError code ABORTED.
 */
export function scanToArrow(scan: ArrowScanSource, opts: ScanToArrowOptions = {}): AsyncIterable<RecordBatch> {
  return batches(scan, scanProjectedSchema(scan), checkBatchSize(opts.batchSize), opts.signal)
}

/** Where the rows of one data file start in a batch being gathered. */
interface Segment {
  readonly start: number
  readonly file: string
}

/**
 * Convert gathered rows; a row Arrow cannot hold (a null in a required column, read as null because its data
 * file lacks the column: reading.md D-R1) fails naming the data file, found by converting each file's rows alone.
 */
function toBatch(schema: Schema, rows: Row[], segments: readonly Segment[]): RecordBatch {
  try {
    return rowsToRecordBatch(schema, rows)
  } catch (e) {
    if (!isFloeError(e, 'INVALID_ARGUMENT')) throw e
    for (let i = 0; i < segments.length; i++) {
      const part = rows.slice(segments[i]!.start, segments[i + 1]?.start ?? rows.length)
      try {
        rowsToRecordBatch(schema, part)
      } catch (inner) {
        const file = segments[i]!.file
        const field = isFloeError(inner) ? inner.context.field : undefined
        throw new FloeError('INVALID_DATA', `Cannot put the rows of data file ${file} into Arrow: ${(inner as Error).message} (a required column the file lacks reads as null, which a non-nullable Arrow field cannot hold; read rows instead)`, {
          cause: inner,
          context: { file, ...(field === undefined ? {} : { field }) },
        })
      }
    }
    throw e
  }
}

async function* batches(scan: ArrowScanSource, schema: Schema, batchSize: number, signal: AbortSignal | undefined): AsyncIterable<RecordBatch> {
  throwIfAborted(signal)
  let rows: Row[] = []
  let file = ''
  let segments: Segment[] = []
  try {
    for await (const row of scan.rows(signal, (task) => void (file = task.file.filePath))) {
      throwIfAborted(signal)
      if (segments.at(-1)?.file !== file) segments.push({ start: rows.length, file })
      rows.push(row)
      if (rows.length >= batchSize) {
        const batch = toBatch(schema, rows, segments)
        rows = []
        segments = []
        yield batch
        throwIfAborted(signal)
      }
    }
    throwIfAborted(signal)
  } catch (e) {
    if (signal?.aborted && !isFloeError(e, 'ABORTED')) throw new FloeError('ABORTED', ABORTED_MESSAGE, { cause: e })
    throw e
  }
  if (rows.length) yield toBatch(schema, rows, segments)
}

/** Read a whole scan into one Arrow Table (its schema is the projected schema even when no row matches). */
export async function scanToArrowTable(scan: ArrowScanSource, opts: ScanToArrowOptions = {}): Promise<ArrowTable> {
  const schema = scanProjectedSchema(scan)
  const out: RecordBatch[] = []
  for await (const b of batches(scan, schema, checkBatchSize(opts.batchSize), opts.signal)) out.push(b)
  return new ArrowTable(out[0]?.schema ?? icebergSchemaToArrow(schema), out)
}
