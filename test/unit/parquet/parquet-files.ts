// Test helper: write Parquet files with hyparquet-writer (explicit schemas with field ids), patch footers to
// produce layouts the writer cannot (INT96, legacy 2-level lists), and read files back with hyparquetReader.
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer'
import { writeMetadata } from 'hyparquet-writer/src/metadata.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import type { ReadRequest, Row } from '../../../src/parquet/codec.js'
import { readParquetFooter, type ParquetFileMetadata } from '../../../src/parquet/footer.js'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'

/** A Parquet schema element (hyparquet's shape). */
export type SchemaEl = ParquetFileMetadata['schema'][number]

/** One column of input data for hyparquet-writer. */
export interface ColumnIn {
  readonly name: string
  readonly data: ArrayLike<unknown>
  readonly encoding?: 'PLAIN' | 'RLE_DICTIONARY'
}

/** Write a Parquet file (snappy by default) with the given schema elements (root first). */
export function writeParquet(
  schema: readonly SchemaEl[],
  columns: readonly ColumnIn[],
  opts: { rowGroupSize?: number; statistics?: boolean; codec?: 'SNAPPY' | 'UNCOMPRESSED'; pageSize?: number } = {},
): Uint8Array {
  const buf = parquetWriteBuffer({
    schema: [...schema] as unknown as NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>,
    columnData: columns.map((c) => ({ name: c.name, data: c.data as unknown[], ...(c.encoding ? { encoding: c.encoding } : {}) })),
    codec: opts.codec ?? 'SNAPPY',
    statistics: opts.statistics ?? true,
    ...(opts.rowGroupSize ? { rowGroupSize: opts.rowGroupSize } : {}),
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
  })
  return new Uint8Array(buf)
}

/** Re-encode the footer after `mutate` (page bytes are kept, so only level-compatible edits are valid). */
export function patchFooter(bytes: Uint8Array, mutate: (md: ParquetFileMetadata) => void): Uint8Array {
  const md = readParquetFooter(bytes)
  mutate(md)
  const w = new ByteWriter()
  writeMetadata(w, md as unknown as Parameters<typeof writeMetadata>[1])
  const footer = new Uint8Array(w.getBuffer())
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const oldLen = view.getUint32(bytes.length - 8, true)
  const body = bytes.subarray(0, bytes.length - 8 - oldLen)
  const out = new Uint8Array(body.length + footer.length + 8)
  out.set(body)
  out.set(footer, body.length)
  const ov = new DataView(out.buffer)
  ov.setUint32(body.length + footer.length, footer.length, true)
  out.set([0x50, 0x41, 0x52, 0x31], out.length - 4)
  return out
}

/** Read every batch of in-memory bytes. */
export async function readBatchesOf(bytes: Uint8Array, request: ReadRequest, path = 'test.parquet'): Promise<{ start: number; rows: Row[] }[]> {
  const out: { start: number; rows: Row[] }[] = []
  for await (const b of hyparquetReader.readBatches(bytesSource(bytes, path), request)) out.push({ start: b.start, rows: b.rows })
  return out
}

/** Read all rows of in-memory bytes. */
export async function readAll(bytes: Uint8Array, request: ReadRequest, path = 'test.parquet'): Promise<Row[]> {
  return (await readBatchesOf(bytes, request, path)).flatMap((b) => b.rows)
}

/** Capture the error a promise rejects with (undefined when it resolves). */
export async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
    return undefined
  } catch (e) {
    return e
  }
}
