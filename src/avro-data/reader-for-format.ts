// The reader of each data-file format floe reads: Parquet (hyparquet) and Avro; ORC (and anything else) has none.
import type { ParquetReader } from '../parquet/codec.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import type { FileFormat } from '../spec/manifest.js'
import { avroDataReader } from './avro-data-reader.js'

/** The reader for data or delete files of `format` (an `override` replaces the Parquet reader), or undefined when floe cannot read the format. */
export function readerForFormat(format: FileFormat, override?: ParquetReader): ParquetReader | undefined {
  if (format === 'PARQUET') return override ?? hyparquetReader
  if (format === 'AVRO') return avroDataReader
  return undefined
}
