// The hyparquet seam: footer decoding and page decoding of one column chunk. Everything that touches
// hyparquet's internal modules lives here (pinned exactly in package.json), so an upgrade touches one file.
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type ColumnMetaData, type CompressionCodec, type Compressors, type FileMetaData, type PageHeader, type SchemaTree } from 'hyparquet'
import { alpDecode } from 'hyparquet/src/alp.js'
import { crc32 } from 'node:zlib'
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { deltaBinaryUnpack } from 'hyparquet/src/delta.js'
import { byteStreamSplit } from 'hyparquet/src/encoding.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { compressors as hyCompressors, decompressZstd } from 'hyparquet-compressors'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { FloeError } from '../errors.js'
import type { ByteSource } from './codec.js'
import { ValueRangeError } from './convert.js'
import type { PNode } from './parquet-schema.js'
import { bitWidth, readHybrid } from './rle-hybrid.js'

/**
 * Decompressors for every Parquet codec (SNAPPY is built into hyparquet; GZIP/BROTLI use node:zlib). node:zlib
 * grows its output as it goes; the header's uncompressed size caps it, so a damaged stream cannot inflate without bound.
 */
const COMPRESSORS: Compressors = {
  GZIP: (input, outputLength) => gunzipSync(input, { maxOutputLength: Math.max(1, outputLength) }),
  BROTLI: (input, outputLength) => brotliDecompressSync(input, { maxOutputLength: Math.max(1, outputLength) }),
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
    const tree = parquetSchema(metadata)
    // the tree must span the schema list exactly: a damaged num_children would otherwise drop columns (read as null)
    if (tree.count !== metadata.schema.length) throw new Error(`the schema tree holds ${tree.count} of ${metadata.schema.length} schema elements`)
    return { metadata, tree }
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

/** A decoded data page: levels (empty when all maximal / zero) and the dense values or dictionary indexes. */
interface DecodedPage {
  readonly defs: ArrayLike<number>
  readonly reps: ArrayLike<number>
  readonly values: ArrayLike<unknown>
}

const NO_LEVELS: ArrayLike<number> = new Uint16Array(0)

/** Bytes one PLAIN value of a fixed-width physical type takes (undefined for BOOLEAN and BYTE_ARRAY). */
function plainWidth(type: ColumnMetaData['type'], typeLength: number | undefined): number | undefined {
  switch (type) {
    case 'INT32':
    case 'FLOAT':
      return 4
    case 'INT64':
    case 'DOUBLE':
      return 8
    case 'INT96':
      return 12
    case 'FIXED_LEN_BYTE_ARRAY':
      return typeLength
    default:
      return undefined
  }
}

function u32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) throw new Error(`length prefix at ${at} lies past the page end`)
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
}

/** `count` levels of maximum `max` from the hybrid encoding in `bytes[start, end)`. */
function readLevels(bytes: Uint8Array, start: number, end: number, count: number, max: number): Uint16Array {
  if (max > 0xffff) throw new Error(`level ${max} is too deep`)
  const out = new Uint16Array(count)
  readHybrid(bytes, start, end, bitWidth(max), out, max)
  return out
}

function countBelow(levels: ArrayLike<number>, max: number): number {
  let n = 0
  for (let i = 0; i < levels.length; i++) if (levels[i]! < max) n++
  return n
}

/**
 * The header of `count` DELTA_BINARY_PACKED values at `at`, checked before hyparquet sizes buffers by it: each
 * block after the first value starts with a min delta and one bit-width byte per miniblock.
 */
function checkDeltaHeader(bytes: Uint8Array, at: number, count: number): void {
  let p = at
  const varint = (): number => {
    let v = 0
    for (let shift = 0; ; shift += 7) {
      if (p >= bytes.length || shift > 63) throw new Error('DELTA_BINARY_PACKED header is cut short')
      const b = bytes[p++]!
      v += (b & 0x7f) * 2 ** shift
      if (!(b & 0x80)) return v
    }
  }
  const blockSize = varint()
  const miniblocks = varint()
  varint() // total value count
  varint() // first value (zigzag)
  if (count <= 1) return
  varint() // min delta of the first block
  if (miniblocks < 1 || blockSize < miniblocks || blockSize % miniblocks !== 0 || miniblocks > bytes.length - p)
    throw new Error(`invalid DELTA_BINARY_PACKED block of ${blockSize} values in ${miniblocks} miniblocks`)
}

/** DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY byte arrays, each length checked against the page. */
function deltaByteArrays(bytes: Uint8Array, at: number, count: number, prefixed: boolean): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const reader = { view, offset: at }
  const lengths = (): Int32Array => {
    checkDeltaHeader(bytes, reader.offset, count)
    const out = new Int32Array(count)
    if (count) deltaBinaryUnpack(reader, count, out)
    return out
  }
  const prefixes = prefixed ? lengths() : undefined
  const suffixes = lengths()
  const out = new Array<Uint8Array>(count)
  let p = reader.offset
  for (let i = 0; i < count; i++) {
    const len = suffixes[i]!
    if (len < 0 || p + len > bytes.length) throw new Error(`byte array ${i} of ${len} bytes overruns the page`)
    const suffix = bytes.subarray(p, p + len)
    p += len
    const pre = prefixes?.[i] ?? 0
    if (pre === 0) out[i] = suffix
    else {
      const prev = out[i - 1]
      if (pre < 0 || !prev || pre > prev.length) throw new Error(`byte array ${i} has prefix length ${pre} (previous value: ${prev?.length ?? 'none'} bytes)`)
      const v = new Uint8Array(pre + len)
      v.set(prev.subarray(0, pre))
      v.set(suffix, pre)
      out[i] = v
    }
  }
  return out
}

/**
 * `count` PLAIN values; byte arrays are views whose lengths come from the data, so a damaged length must not
 * reach past the page (into the next page's bytes, which share the buffer).
 */
function plainWithin(bytes: Uint8Array, reader: { view: DataView; offset: number }, type: ColumnMetaData['type'], count: number, typeLength: number | undefined): ArrayLike<unknown> {
  const out = readPlain(reader, type, count, typeLength)
  if (reader.offset > bytes.length) throw new Error(`${count} PLAIN ${type} values overrun the page (${reader.offset} of ${bytes.length} bytes)`)
  return out
}

/**
 * The `count` dense values of a page in `encoding`, starting at `at` of `bytes` (the decompressed values part).
 * Every count is checked against the bytes left before a decoder allocates by it.
 */
function decodeValues(bytes: Uint8Array, at: number, encoding: string, count: number, type: ColumnMetaData['type'], typeLength: number | undefined): ArrayLike<unknown> {
  if (at > bytes.length) throw new Error(`values start at ${at}, past the page end (${bytes.length} bytes)`)
  const left = bytes.length - at
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: at }
  const width = plainWidth(type, typeLength)
  switch (encoding) {
    case 'PLAIN':
      if (width !== undefined && count * width > left) throw new Error(`${count} PLAIN ${type} values need ${count * width} bytes, the page has ${left}`)
      if (type === 'BOOLEAN' && Math.ceil(count / 8) > left) throw new Error(`${count} PLAIN booleans need ${Math.ceil(count / 8)} bytes, the page has ${left}`)
      return plainWithin(bytes, reader, type, count, typeLength)
    case 'RLE':
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY': {
      if (type === 'BOOLEAN') {
        // RLE booleans: a 4-byte length, then runs of 1-bit values
        const len = u32(bytes, at)
        const bits = new Uint8Array(count)
        readHybrid(bytes, at + 4, Math.min(bytes.length, at + 4 + len), 1, bits, 1)
        return Array.from(bits, (b) => b === 1)
      }
      if (left < 1) throw new Error('dictionary indexes lack their bit width')
      const w = bytes[at]!
      if (w > 32) throw new Error(`dictionary index bit width ${w}`)
      const indexes = new Uint32Array(count)
      // bit width 0: every index is 0 (a one-entry dictionary)
      if (w > 0) readHybrid(bytes, at + 1, bytes.length, w, indexes)
      return indexes
    }
    case 'BYTE_STREAM_SPLIT':
      if (width === undefined || count * width > left) throw new Error(`${count} BYTE_STREAM_SPLIT ${type} values do not fit in ${left} bytes`)
      return byteStreamSplit(reader, count, type, typeLength)
    case 'DELTA_BINARY_PACKED': {
      if (type !== 'INT32' && type !== 'INT64') throw new Error(`DELTA_BINARY_PACKED is not an encoding of ${type}`)
      checkDeltaHeader(bytes, at, count)
      const out = type === 'INT32' ? new Int32Array(count) : new BigInt64Array(count)
      if (count) deltaBinaryUnpack(reader, count, out)
      return out
    }
    case 'DELTA_LENGTH_BYTE_ARRAY':
      return deltaByteArrays(bytes, at, count, false)
    case 'DELTA_BYTE_ARRAY':
      return deltaByteArrays(bytes, at, count, true)
    case 'ALP':
      return alpDecode(reader, count, type)
    default:
      throw new Error(`unsupported encoding ${encoding}`)
  }
}

/** A DATA_PAGE (v1) already decompressed: length-prefixed repetition and definition levels, then the values. */
function decodePageV1(page: Uint8Array, h: NonNullable<PageHeader['data_page_header']>, leaf: PNode, meta: ColumnMetaData): DecodedPage {
  const n = h.num_values
  let p = 0
  let reps = NO_LEVELS
  // each level section is prefixed by its byte length; its runs must end inside it
  if (leaf.rep > 0) {
    const len = u32(page, p)
    reps = readLevels(page, p + 4, p + 4 + len, n, leaf.rep)
    p += 4 + len
  }
  let defs = NO_LEVELS
  let nulls = 0
  if (leaf.def > 0) {
    const len = u32(page, p)
    const levels = readLevels(page, p + 4, p + 4 + len, n, leaf.def)
    p += 4 + len
    nulls = countBelow(levels, leaf.def)
    if (nulls) defs = levels
  }
  return { defs, reps, values: decodeValues(page, p, h.encoding, n - nulls, meta.type, leaf.element.type_length) }
}

/** A DATA_PAGE_V2: uncompressed levels of the header's lengths, then the (possibly compressed) values. */
function decodePageV2(raw: Uint8Array, header: PageHeader, leaf: PNode, meta: ColumnMetaData): DecodedPage {
  const h = header.data_page_header_v2!
  const n = h.num_values
  const repEnd = h.repetition_levels_byte_length
  const defEnd = repEnd + h.definition_levels_byte_length
  const reps = leaf.rep > 0 ? readLevels(raw, 0, repEnd, n, leaf.rep) : NO_LEVELS
  let defs = NO_LEVELS
  const nulls = leaf.def > 0 ? countBelow((defs = readLevels(raw, repEnd, defEnd, n, leaf.def)), leaf.def) : 0
  if (nulls !== h.num_nulls) throw new Error(`num_nulls is ${h.num_nulls}, the definition levels hold ${nulls}`)
  if (nulls === 0) defs = NO_LEVELS
  let values = raw.subarray(defEnd)
  const size = header.uncompressed_page_size - defEnd
  if (h.is_compressed !== false && size > 0) values = decompressPage(values, size, meta.codec, COMPRESSORS)
  return { defs, reps, values: decodeValues(values, 0, h.encoding, n - nulls, meta.type, leaf.element.type_length) }
}

const isDictEncoding = (e: string | undefined): boolean => e === 'PLAIN_DICTIONARY' || e === 'RLE_DICTIONARY'

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/**
 * Most bytes one compressed byte can inflate to, for the codecs whose decoders allocate the header's
 * uncompressed size up front: Snappy copies at most 64 bytes per 3-byte element, an LZ4 sequence at most
 * about 255 bytes per byte, a zstd block at most 128 KiB per 4 bytes (an RLE block). GZIP and BROTLI grow
 * their output as they go (capped by the header's size), and UNCOMPRESSED pages are not copied.
 */
const MAX_EXPANSION: Partial<Record<CompressionCodec, number>> = { SNAPPY: 32, LZ4: 256, LZ4_RAW: 256, ZSTD: 32768 }

/**
 * Check the fields of a page header that decoding sizes buffers and loops by, before any is used: hyparquet
 * trusts them (a DATA_PAGE_V2 header without its level lengths makes it loop forever; a huge uncompressed size
 * or value count makes it allocate gigabytes). A page holds at most the values its column chunk has left.
 */
function checkPageHeader(h: PageHeader, codec: CompressionCodec, valuesLeft: number): void {
  const bad = (why: string): never => {
    throw new Error(`invalid ${h.type ?? 'unknown'} page header: ${why}`)
  }
  const size = h.compressed_page_size
  const full = h.uncompressed_page_size
  if (!isCount(full)) bad(`uncompressed_page_size ${String(full)}`)
  const ratio = MAX_EXPANSION[codec]
  if (ratio !== undefined && full > ratio * size + 1024) bad(`uncompressed_page_size ${full} is impossible for ${size} bytes of ${codec}`)
  const values = (n: unknown, what: string): number => {
    if (!isCount(n)) bad(`${what} ${String(n)}`)
    if ((n as number) > valuesLeft) bad(`${what} ${String(n)} exceeds the ${valuesLeft} values left in the column chunk`)
    return n as number
  }
  if (h.type === 'DATA_PAGE' && h.data_page_header) {
    values(h.data_page_header.num_values, 'num_values')
    if (typeof h.data_page_header.encoding !== 'string') bad('no encoding')
  } else if (h.type === 'DATA_PAGE_V2' && h.data_page_header_v2) {
    const v2 = h.data_page_header_v2
    const n = values(v2.num_values, 'num_values')
    if (!isCount(v2.num_nulls) || v2.num_nulls > n) bad(`num_nulls ${String(v2.num_nulls)}`)
    if (!isCount(v2.num_rows) || v2.num_rows > n) bad(`num_rows ${String(v2.num_rows)}`)
    if (typeof v2.encoding !== 'string') bad('no encoding')
    const levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length
    if (!isCount(v2.definition_levels_byte_length) || !isCount(v2.repetition_levels_byte_length) || levels > size || levels > full)
      bad(`level lengths ${String(v2.repetition_levels_byte_length)} + ${String(v2.definition_levels_byte_length)} for a page of ${size} bytes`)
  } else if (h.type === 'DICTIONARY_PAGE' && h.dictionary_page_header) {
    // a PLAIN value takes at least one bit
    const n = h.dictionary_page_header.num_values
    if (!isCount(n) || n > 8 * full) bad(`dictionary num_values ${String(n)} for ${full} bytes`)
  }
}

let pageCrcsChecked = 0
let pageCrcMismatches = 0

/** How many page checksums this process has verified and how many failed (for tests). */
export function pageCrcStats(): { readonly checked: number; readonly mismatches: number } {
  return { checked: pageCrcsChecked, mismatches: pageCrcMismatches }
}

/**
 * Decode every page of one column chunk held in `bytes` (exactly the chunk range) into `sink`.
 * Stops after `meta.num_values` triples; damage surfaces as INVALID_PARQUET naming the file and column.
 */
export function decodeChunk(bytes: Uint8Array, leaf: PNode, meta: ColumnMetaData, file: string, sink: PageSink): void {
  const column = leaf.path.join('.')
  const total = Number(meta.num_values)
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }
  let triples = 0
  try {
    while (triples < total) {
      if (reader.offset >= bytes.length) throw new Error(`column chunk ends after ${triples} of ${total} values`)
      const header = parquetHeader(reader)
      const size = header.compressed_page_size
      const start = reader.offset
      if (!isCount(size) || start + size > bytes.length) throw new Error(`page of ${String(size)} bytes at offset ${start} overruns the column chunk`)
      checkPageHeader(header, meta.codec, total - triples)
      const raw = bytes.subarray(start, start + size)
      reader.offset = start + size
      // the optional page checksum (parquet-java writes it by default): CRC-32 of the page as stored
      if (header.crc !== undefined && header.crc !== null && (crc32(raw) | 0) !== (header.crc | 0)) {
        pageCrcMismatches++
        throw new Error(`page at offset ${start} fails its CRC-32 checksum (stored ${header.crc | 0}, computed ${crc32(raw) | 0}): the page is corrupt`)
      }
      if (header.crc !== undefined && header.crc !== null) pageCrcsChecked++
      if (header.type === 'DICTIONARY_PAGE') {
        const h = header.dictionary_page_header
        if (!h) throw new Error('dictionary page header missing')
        const page = decompressPage(raw, header.uncompressed_page_size, meta.codec, COMPRESSORS)
        const width = plainWidth(meta.type, leaf.element.type_length)
        if (width !== undefined && h.num_values * width > page.length) throw new Error(`dictionary of ${h.num_values} values does not fit in ${page.length} bytes`)
        const view = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }
        sink.dictionary(plainWithin(page, view, meta.type, h.num_values, leaf.element.type_length))
      } else if (header.type === 'DATA_PAGE') {
        const h = header.data_page_header
        if (!h) throw new Error('data page header missing')
        const page = decompressPage(raw, header.uncompressed_page_size, meta.codec, COMPRESSORS)
        const d = decodePageV1(page, h, leaf, meta)
        sink.page(d.values, isDictEncoding(h.encoding), d.defs, d.reps, h.num_values)
        triples += h.num_values
      } else if (header.type === 'DATA_PAGE_V2') {
        const h = header.data_page_header_v2
        if (!h) throw new Error('data page v2 header missing')
        const d = decodePageV2(raw, header, leaf, meta)
        sink.page(d.values, isDictEncoding(h.encoding), d.defs, d.reps, h.num_values)
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
