// Arrow as write input: RecordBatches or Tables (sync or async) as the row stream `appendRows` and friends take.
import { RecordBatch, Table } from 'apache-arrow'
import { recordBatchToInputRows, type InputRow } from './batches.js'

/** Arrow input: one batch, one table, or a (possibly async) sequence of batches. */
export type ArrowInput = RecordBatch | Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>

/**
 * Rows of Arrow input, one batch at a time, for `appendRows` and friends (columns match the table schema by
 * name). Timestamps, times and decimals keep their Arrow unit, zone and scale, so the writer converts them to
 * the column's type exactly or fails with INVALID_DATA: s/ms/µs → µs or ns and exact ns → µs, a zoned Arrow
 * timestamp only into timestamptz(_ns) and one without zone only into timestamp(_ns), decimals rescaled without
 * dropping nonzero digits.
 */
export async function* arrowRows(input: ArrowInput): AsyncGenerator<InputRow> {
  const batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch> = input instanceof RecordBatch ? [input] : input instanceof Table ? input.batches : input
  for await (const b of batches) yield* recordBatchToInputRows(b)
}
