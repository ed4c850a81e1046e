// Arrow as write input: RecordBatches or Tables (sync or async) as the row stream `appendRows` and friends take.
import { RecordBatch, Table } from 'apache-arrow'
import type { Row } from '../parquet/codec.js'
import { recordBatchToRows } from './batches.js'

/** Arrow input: one batch, one table, or a (possibly async) sequence of batches. */
export type ArrowInput = RecordBatch | Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>

/** Rows of Arrow input, one batch at a time (columns match the table schema by name; values are exact). */
export async function* arrowRows(input: ArrowInput): AsyncGenerator<Row> {
  const batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch> = input instanceof RecordBatch ? [input] : input instanceof Table ? input.batches : input
  for await (const b of batches) yield* recordBatchToRows(b)
}
