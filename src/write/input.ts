// Input files for writes (the CLI's append/overwrite): CSV with a header, JSON lines, and Parquet, turned into
// rows the coercer checks against the table schema (errors name the file, row and column).
import { InvalidArgumentError } from '../errors.js'
import type { ByteSource, Row } from '../parquet/codec.js'
import { bytesSource } from '../parquet/byte-source.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { createNameMapping } from '../spec/name-mapping.js'
import type { Schema } from '../spec/schema.js'

import { CsvRowReader } from './csv-input.js'
import { streamTextRows } from './input-cell.js'
import { JsonlRowReader } from './jsonl-input.js'

export { CsvRowReader, csvRows, parseCsv } from './csv-input.js'
export { JsonlRowReader, jsonlRows } from './jsonl-input.js'
export { exactInteger, float32FromText } from './number-text.js'
export { decodeInputText, streamTextRows, type TextRowReader } from './input-cell.js'

/** Input file formats. */
export type InputFormat = 'csv' | 'jsonl' | 'parquet'

/** The format of an input file from its name. */
export function inputFormatOf(path: string): InputFormat {
  if (/\.csv$/i.test(path)) return 'csv'
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl'
  if (/\.parquet$/i.test(path)) return 'parquet'
  throw new InvalidArgumentError(`Cannot tell the format of ${path}: name it .csv, .jsonl or .parquet, or pass --input-format`)
}


/**
 * Rows of a Parquet input file for `schema`: columns by name (ids in the file belong to the table that wrote
 * it), a column the table lacks refused, write conversions only (see ReadRequest.asInput).
 */
export async function parquetRows(bytes: Uint8Array, schema: Schema, source: string): Promise<Row[]> {
  const out: Row[] = []
  for await (const r of parquetRowStream(bytesSource(bytes, source), schema)) out.push(r)
  return out
}

/** Rows of a Parquet input file read range by range (one row group's rows in memory at a time); columns as in {@link parquetRows}. */
export async function* parquetRowStream(source: ByteSource, schema: Schema): AsyncGenerator<Row> {
  for await (const b of hyparquetReader.readBatches(source, { schema, nameMapping: createNameMapping(schema), asInput: true })) yield* b.rows
}

/**
 * Rows of a CSV (with a header) or JSON-lines input that arrives as chunks of UTF-8 bytes or text, parsed as
 * they arrive, so an input of any size streams through; errors name `source`, the row and the column.
 */
export function textInputRows(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, format: 'csv' | 'jsonl', schema: Schema, source: string): AsyncGenerator<Row> {
  return streamTextRows(chunks, format === 'csv' ? new CsvRowReader(schema, source) : new JsonlRowReader(schema, source), source)
}
