// Input files for writes (the CLI's append/overwrite): CSV with a header, JSON lines, and Parquet, turned into
// rows the coercer checks against the table schema (errors name the file, row and column).
import { InvalidArgumentError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { bytesSource } from '../parquet/byte-source.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { createNameMapping } from '../spec/name-mapping.js'
import type { Schema } from '../spec/schema.js'

export { csvRows, parseCsv } from './csv-input.js'
export { jsonlRows } from './jsonl-input.js'
export { exactInteger, float32FromText } from './number-text.js'
export { decodeInputText } from './input-cell.js'

/** Input file formats. */
export type InputFormat = 'csv' | 'jsonl' | 'parquet'

/** The format of an input file from its name. */
export function inputFormatOf(path: string): InputFormat {
  if (/\.csv$/i.test(path)) return 'csv'
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl'
  if (/\.parquet$/i.test(path)) return 'parquet'
  throw new InvalidArgumentError(`Cannot tell the format of ${path}: name it .csv, .jsonl or .parquet, or pass --input-format`)
}


/** Rows of a Parquet file: by field id when it carries ids, else by column name. */
export async function parquetRows(bytes: Uint8Array, schema: Schema, source: string): Promise<Row[]> {
  const out: Row[] = []
  for await (const b of hyparquetReader.readBatches(bytesSource(bytes, source), { schema, nameMapping: createNameMapping(schema) })) out.push(...b.rows)
  return out
}
