// Parquet footer decoding (hyparquet) for inspection and for migration metrics.
import { parquetMetadata } from 'hyparquet'
import { FloeError } from '../errors.js'

/** The Parquet FileMetaData as hyparquet decodes it (int64 values are bigint). */
export type ParquetFileMetadata = ReturnType<typeof parquetMetadata>

/** Decode the footer of a whole Parquet file held in memory; INVALID_PARQUET names the file on damage. */
export function readParquetFooter(bytes: Uint8Array, file?: string): ParquetFileMetadata {
  const ctx = file === undefined ? {} : { context: { file } }
  if (bytes.length < 12) throw new FloeError('INVALID_PARQUET', 'Invalid Parquet file: too short for a footer', ctx)
  const magic = (off: number): boolean => bytes[off] === 0x50 && bytes[off + 1] === 0x41 && bytes[off + 2] === 0x52 && bytes[off + 3] === 0x31
  if (!magic(0) || !magic(bytes.length - 4)) throw new FloeError('INVALID_PARQUET', 'Invalid Parquet file: missing PAR1 magic', ctx)
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  try {
    return parquetMetadata(ab)
  } catch (e) {
    throw new FloeError('INVALID_PARQUET', `Invalid Parquet footer: ${(e as Error).message}`, { ...ctx, cause: e })
  }
}
