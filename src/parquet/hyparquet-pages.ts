// The hyparquet seam: footer decoding and page decoding of one column chunk. Everything that touches
// hyparquet's internal modules lives here (pinned exactly in package.json), so an upgrade touches one file.
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type ColumnMetaData, type Compressors, type FileMetaData, type SchemaTree } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { compressors as hyCompressors, decompressZstd } from 'hyparquet-compressors'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { FloeError } from '../errors.js'
import type { ByteSource } from './codec.js'
import { ValueRangeError } from './convert.js'
import type { PNode } from './parquet-schema.js'

/** Decompressors for every Parquet codec (SNAPPY is built into hyparquet; GZIP/BROTLI use node:zlib). */
const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
  // an exact-size output buffer: without it fzstd sizes its buffer from the frame window (slow on small pages)
  ZSTD: (input, outputLength) => decompressZstd(input, new Uint8Array(outputLength)),
  ...(hyCompressors.LZ4 ? { LZ4: hyCompressors.LZ4 } : {}),
  ...(hyCompressors.LZ4_RAW ? { LZ4_RAW: hyCompressors.LZ4_RAW } : {}),
}

// Parsers keep every physical value raw (bigints stay bigints, bytes stay bytes) for footer statistics.
const RAW_PARSERS = {
  timestampFromMilliseconds: (v: bigint): bigint => v,
  timestampFromMicroseconds: (v: bigint): bigint => v,
  timestampFromNanoseconds: (v: bigint): bigint => v,
  dateFromDays: (v: number): number => v,
  stringFromBytes: (v: Uint8Array): Uint8Array => v,
  jsonFromBytes: (v: Uint8Array): Uint8Array => v,
  geometryFromBytes: (v: Uint8Array): Uint8Array => v,
  geographyFromBytes: (v: Uint8Array): Uint8Array => v,
  uuidFromBytes: (v: Uint8Array): Uint8Array => v,
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer
  return new Uint8Array(b).buffer
}

/** The decoded footer and hyparquet's schema tree. */
export interface Footer {
  readonly metadata: FileMetaData
  readonly tree: SchemaTree
}

/** Read and decode the footer once (a single tail read for footers under 512 KiB). */
export async function readFooter(source: ByteSource): Promise<Footer> {
  const ctx = { context: { file: source.path } }
  if (source.byteLength < 12) throw new FloeError('INVALID_PARQUET', `Invalid Parquet file: ${source.byteLength} bytes is too short for a footer`, ctx)
  const buffer: AsyncBuffer = { byteLength: source.byteLength, slice: async (start, end) => toArrayBuffer(await source.read(start, end ?? source.byteLength)) }
  let metadata: FileMetaData
  try {
    metadata = await parquetMetadataAsync(buffer, { parsers: RAW_PARSERS, geoparquet: false })
  } catch (e) {
    if (e instanceof FloeError) throw e
    throw new FloeError('INVALID_PARQUET', `Invalid Parquet footer: ${(e as Error).message}`, { ...ctx, cause: e })
  }
  try {
    if (!Array.isArray(metadata.schema) || metadata.schema.length === 0 || !Array.isArray(metadata.row_groups)) throw new Error('no schema or row groups')
    return { metadata, tree: parquetSchema(metadata) }
  } catch (e) {
    throw new FloeError('INVALID_PARQUET', `Invalid Parquet footer: ${(e as Error).message}`, { ...ctx, cause: e })
  }
}

/** Byte range [start, end) of a column chunk (dictionary page included). */
export function chunkRange(meta: ColumnMetaData): { start: number; end: number } {
  const data = Number(meta.data_page_offset)
  const dict = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset)
  // some writers record a dictionary offset of 0 when there is none
  const start = dict !== undefined && dict > 0 && dict < data ? dict : data
  return { start, end: start + Number(meta.total_compressed_size) }
}

/** Receives the pages of one column chunk, in order. */
export interface PageSink {
  /** A dictionary page (raw physical values). */
  dictionary(values: ArrayLike<unknown>): void
  /**
   * A data page: `values` are the dense non-null values, or dictionary indexes when `dict` is true;
   * `defs`/`reps` hold one level per triple, or are empty when every level is the maximum / zero.
   */
  page(values: ArrayLike<unknown>, dict: boolean, defs: ArrayLike<number>, reps: ArrayLike<number>, triples: number): void
}

interface DecodedPage {
  definitionLevels: ArrayLike<number> | undefined
  repetitionLevels: ArrayLike<number>
  dataPage: ArrayLike<unknown>
}

const isDictEncoding = (e: string | undefined): boolean => e === 'PLAIN_DICTIONARY' || e === 'RLE_DICTIONARY'

/**
 * Decode every page of one column chunk held in `bytes` (exactly the chunk range) into `sink`.
 * Stops after `meta.num_values` triples; damage surfaces as INVALID_PARQUET naming the file and column.
 */
export function decodeChunk(bytes: Uint8Array, leaf: PNode, meta: ColumnMetaData, file: string, sink: PageSink): void {
  const column = leaf.path.join('.')
  const decoder = {
    pathInSchema: [...leaf.path],
    type: meta.type,
    element: leaf.element,
    schemaPath: leaf.schemaPath as SchemaTree[],
    codec: meta.codec,
    parsers: RAW_PARSERS,
    compressors: COMPRESSORS,
    utf8: false,
  }
  const total = Number(meta.num_values)
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
  let triples = 0
  try {
    while (triples < total) {
      if (reader.offset >= bytes.length) throw new Error(`column chunk ends after ${triples} of ${total} values`)
      const header = parquetHeader(reader)
      const size = header.compressed_page_size
      const start = reader.offset
      if (!(size >= 0) || start + size > bytes.length) throw new Error(`page of ${size} bytes at offset ${start} overruns the column chunk`)
      const raw = bytes.subarray(start, start + size)
      reader.offset = start + size
      if (header.type === 'DICTIONARY_PAGE') {
        const h = header.dictionary_page_header
        if (!h) throw new Error('dictionary page header missing')
        const page = decompressPage(raw, header.uncompressed_page_size, meta.codec, COMPRESSORS)
        const view = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }
        sink.dictionary(readPlain(view, meta.type, h.num_values, leaf.element.type_length))
      } else if (header.type === 'DATA_PAGE') {
        const h = header.data_page_header
        if (!h) throw new Error('data page header missing')
        const page = decompressPage(raw, header.uncompressed_page_size, meta.codec, COMPRESSORS)
        const d = readDataPage(page, h, decoder) as unknown as DecodedPage
        sink.page(d.dataPage, isDictEncoding(h.encoding), d.definitionLevels ?? [], d.repetitionLevels, h.num_values)
        triples += h.num_values
      } else if (header.type === 'DATA_PAGE_V2') {
        const h = header.data_page_header_v2
        if (!h) throw new Error('data page v2 header missing')
        const d = readDataPageV2(raw, header, decoder) as unknown as DecodedPage
        sink.page(d.dataPage, isDictEncoding(h.encoding), d.definitionLevels ?? [], d.repetitionLevels, h.num_values)
        triples += h.num_values
      }
      // INDEX_PAGE and unknown page types are skipped
    }
  } catch (e) {
    if (e instanceof FloeError || e instanceof ValueRangeError) throw e
    throw new FloeError('INVALID_PARQUET', `Cannot decode Parquet column ${column}: ${(e as Error).message}`, {
      cause: e,
      context: { file, field: column },
    })
  }
}
