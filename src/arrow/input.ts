// Arrow as write input: RecordBatches or Tables (sync or async) as the row stream `appendRows` and friends take.
import { RecordBatch, Table, type Schema as ArrowSchema } from 'apache-arrow'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import { InvalidArgumentError } from '../errors.js'
import { isIterable, rowsForSchema, type SchemaCheckedRows } from '../write/typed-input.js'
import { recordBatchToInputRows, type InputRow } from './batches.js'
import { checkArrowInputSchema, textColumnsForBinary } from './input-check.js'

const encoder = new TextEncoder()

/** Arrow input: one batch, one table, or a (possibly async) sequence of batches. */
export type ArrowInput = RecordBatch | Table | Iterable<RecordBatch> | AsyncIterable<RecordBatch>

/** Rows of Arrow input (see {@link arrowRows}); a writer checks each batch's column types against the table first. */
export class ArrowRows implements AsyncIterable<InputRow>, SchemaCheckedRows {
  constructor(private readonly input: ArrowInput) {}

  /** The rows without a type check (value by value only). */
  [Symbol.asyncIterator](): AsyncIterator<InputRow> {
    return this.rows(undefined)[Symbol.asyncIterator]()
  }

  /** The rows, each batch's Arrow schema checked against `schema` before its rows are read. */
  [rowsForSchema](schema: Schema): AsyncIterable<InputRow> {
    return this.rows(schema)
  }

  private async *rows(schema: Schema | undefined): AsyncGenerator<InputRow> {
    const input = this.input
    const batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch> = input instanceof RecordBatch ? [input] : input instanceof Table ? input.batches : input
    // batches of one Table share their schema object: each distinct schema is checked once
    let checked: ArrowSchema | undefined
    let asBytes: readonly string[] = []
    const check = (s: ArrowSchema, target: Schema): void => {
      checkArrowInputSchema(s, target, 'Arrow input')
      asBytes = textColumnsForBinary(s, target)
      checked = s
    }
    // a Table's schema is checked even when it has no batches (an empty overwrite must not pass unchecked)
    if (schema && input instanceof Table) check(input.schema, schema)
    for await (const b of batches) {
      if (schema && b.schema !== checked) check(b.schema, schema)
      const rows = recordBatchToInputRows(b)
      // text going into a binary column: its UTF-8 bytes
      for (const name of asBytes) {
        for (const r of rows) {
          const v = r[name]
          if (typeof v === 'string') setOwn(r as Record<string, unknown>, name, encoder.encode(v))
        }
      }
      yield* rows
    }
  }
}

/**
 * Rows of Arrow input, one batch at a time, for `appendRows` and friends. The writer checks each batch's
 * column types against the table schema before reading it: columns match by name, and an Arrow type goes only
 * into a column that holds each of its values exactly (Int32 → int or long, Int64 → long, Float32 → float or
 * double, Float64 → double; no Float64 → float, Int64 → timestamp or Utf8 → date); otherwise INVALID_DATA
 * names the column. Timestamps, times and decimals keep their Arrow unit, zone and scale, so the writer
 * converts them to the column's type exactly or fails with INVALID_DATA: s/ms/µs → µs or ns and exact ns → µs,
 * a zoned Arrow timestamp only into timestamptz(_ns) and one without zone only into timestamp(_ns), decimals
 * rescaled without dropping nonzero digits.
 */
export function arrowRows(input: ArrowInput): ArrowRows {
  if (!(input instanceof RecordBatch) && !(input instanceof Table) && !isIterable(input))
    throw new InvalidArgumentError('Arrow input must be a RecordBatch, a Table, or an iterable or async iterable of RecordBatches')
  return new ArrowRows(input)
}
