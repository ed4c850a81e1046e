// Avro object container files (OCF): header and block framing, codecs (null, deflate, snappy, zstandard),
// generic reads with floe's bounds-checked decoder; writes (on avsc, header from the RAW JSON schema so
// `field-id`, `element-id`, `key-id`, `value-id`, `logicalType: map` and `iceberg-field-name` survive
// byte for byte) live in ocf-write.ts and are re-exported here.
import { Decompress as ZstdDecompress } from 'fzstd'
import { crc32, inflateRawSync } from 'node:zlib'
import { uncompress as snappyUncompress } from 'snappyjs'
import { FloeError, UnsupportedError, wrapError } from '../../errors.js'
import { parseJson, type JsonValue } from '../json/lossless.js'
import { AvroReader, avroError, bytesEqual, concatBytes } from './binary.js'
import { genericReader } from './avro-generic.js'
import { blockCount, minEncodedSize, parseAvroSchema, type AvroNode, type Reader } from './avro-node.js'

/** Container writes (implemented in ocf-write.ts). */
export { asBuffer, writeOcf, type AvroWriteCodec, type OcfWriteOptions } from './ocf-write.js'

/** Codecs floe reads. */
export const READABLE_CODECS: readonly string[] = ['null', 'deflate', 'snappy', 'zstandard']

/** Default cap on the decompressed size of one block (256 MiB); guards against decompression bombs. */
export const DEFAULT_MAX_BLOCK_BYTES = 256 * 1024 * 1024

const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01) // "Obj\x01"
const ENCRYPTED_MAGIC = Uint8Array.of(0x41, 0x47, 0x53, 0x31) // "AGS1" (Iceberg AES-GCM stream)
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** A parsed container header. */
export interface OcfHeader {
  /** The `avro.schema` text exactly as stored. */
  readonly schemaText: string
  /** The schema as lossless JSON (attributes such as `field-id` kept). */
  readonly schemaJson: JsonValue
  /** The resolved writer schema. */
  readonly schema: AvroNode
  readonly codec: string
  /** All header metadata as UTF-8 strings (including `avro.schema` and `avro.codec`). */
  readonly metadata: ReadonlyMap<string, string>
  readonly sync: Uint8Array
  /** Byte offset of the first data block. */
  readonly dataOffset: number
}

/** One data block after decompression. */
export interface OcfBlock {
  readonly count: number
  readonly data: Uint8Array
}

/** Options for reading containers. */
export interface OcfReadOptions {
  /** File name used in error messages. */
  readonly file?: string
  /** Cap on one block's decompressed size (default {@link DEFAULT_MAX_BLOCK_BYTES}). */
  readonly maxBlockBytes?: number
}

/** Run `fn`, turning any non-FloeError (stack overflow, codec library error, …) into INVALID_AVRO. */
export function withAvroErrors<T>(file: string | undefined, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof FloeError) throw e
    throw wrapError(e, 'INVALID_AVRO', 'Invalid Avro file', file === undefined ? undefined : { file })
  }
}

const schemaCache = new Map<string, { json: JsonValue; node: AvroNode }>()
const SCHEMA_CACHE_MAX = 256

function parseSchemaText(text: string, file: string | undefined): { json: JsonValue; node: AvroNode } {
  const hit = schemaCache.get(text)
  if (hit) return hit
  let json: JsonValue
  try {
    json = parseJson(text, file)
  } catch (e) {
    return avroError(`Invalid avro.schema JSON: ${e instanceof Error ? e.message : String(e)}`, file)
  }
  const parsed = { json, node: parseAvroSchema(json, file) }
  if (schemaCache.size >= SCHEMA_CACHE_MAX) schemaCache.delete(schemaCache.keys().next().value as string)
  schemaCache.set(text, parsed)
  return parsed
}

/** Parse the container header: magic, metadata map, sync marker. Encrypted (AGS1) files are UNSUPPORTED. */
export function readOcfHeader(bytes: Uint8Array, file?: string): OcfHeader {
  return withAvroErrors(file, () => {
    if (bytes.length === 0) avroError('Invalid Avro file: empty file', file)
    if (bytes.length < 4) avroError(`Invalid Avro file: truncated header (${bytes.length} bytes)`, file)
    const magic = bytes.subarray(0, 4)
    if (bytesEqual(magic, ENCRYPTED_MAGIC))
      throw new UnsupportedError('Encrypted Avro file (AGS1 magic) is not supported', file === undefined ? {} : { context: { file } })
    if (!bytesEqual(magic, MAGIC)) avroError('Invalid Avro file: bad magic (not an Avro object container)', file)
    const r = new AvroReader(bytes, 4, bytes.length, file)
    const metadata = new Map<string, string>()
    for (let n = blockCount(r, 2); n > 0; n = blockCount(r, 2))
      for (let i = 0; i < n; i++) {
        const key = r.string()
        metadata.set(key, utf8.decode(r.bytes()))
      }
    const sync = r.fixed(16)
    const schemaText = metadata.get('avro.schema')
    if (schemaText === undefined) avroError('Invalid Avro file: header has no avro.schema', file)
    const codec = metadata.get('avro.codec') ?? 'null'
    if (!READABLE_CODECS.includes(codec)) throw new UnsupportedError(`Unsupported Avro codec '${codec}'`, file === undefined ? {} : { context: { file } })
    const { json, node } = parseSchemaText(schemaText, file)
    return { schemaText, schemaJson: json, schema: node, codec, metadata, sync, dataOffset: r.pos }
  })
}

/** Decompress one block's data with the container's codec (at most `max` bytes out). */
export function decompressBlock(codec: string, data: Uint8Array, max: number = DEFAULT_MAX_BLOCK_BYTES, file?: string): Uint8Array {
  switch (codec) {
    case 'null':
      return data
    case 'deflate':
      try {
        return inflateRawSync(data, { maxOutputLength: max })
      } catch (e) {
        return avroError(`Invalid deflate block: ${e instanceof Error ? e.message : String(e)}`, file)
      }
    case 'snappy': {
      if (data.length < 4) avroError('Invalid snappy block: missing checksum', file)
      const body = data.subarray(0, data.length - 4)
      let out: Uint8Array
      try {
        out = snappyUncompress(body, max)
      } catch (e) {
        return avroError(`Invalid snappy block: ${e instanceof Error ? e.message : String(e)}`, file)
      }
      const t = data.length - 4
      const expected = ((data[t]! << 24) | (data[t + 1]! << 16) | (data[t + 2]! << 8) | data[t + 3]!) >>> 0
      if (crc32(out) >>> 0 !== expected) avroError('Invalid snappy block: CRC-32 checksum mismatch', file)
      return out
    }
    case 'zstandard': {
      const chunks: Uint8Array[] = []
      let total = 0
      try {
        const d = new ZstdDecompress((chunk) => {
          total += chunk.length
          if (total > max) throw new Error(`decompressed block exceeds ${max} bytes`)
          chunks.push(chunk)
        })
        d.push(data, true)
      } catch (e) {
        return avroError(`Invalid zstandard block: ${e instanceof Error ? e.message : String(e)}`, file)
      }
      return concatBytes(chunks)
    }
    default:
      throw new UnsupportedError(`Unsupported Avro codec '${codec}'`, file === undefined ? {} : { context: { file } })
  }
}

/** Split the data section into decompressed blocks, checking every sync marker. */
export function readOcfBlocks(bytes: Uint8Array, header: OcfHeader, opts: OcfReadOptions = {}): OcfBlock[] {
  const file = opts.file
  const max = opts.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES
  return withAvroErrors(file, () => {
    const r = new AvroReader(bytes, header.dataOffset, bytes.length, file)
    const blocks: OcfBlock[] = []
    while (r.pos < r.end) {
      const count = r.longNumber()
      const size = r.longNumber()
      if (count < 0 || size < 0) r.fail(`Invalid Avro block header (count ${count}, size ${size})`)
      if (size > r.remaining()) r.fail(`Truncated Avro file: block of ${size} bytes but ${r.remaining()} left`)
      const raw = bytes.subarray(r.pos, r.pos + size)
      r.skip(size)
      if (r.remaining() < 16) r.fail('Truncated Avro file: missing sync marker after block')
      if (!bytesEqual(bytes.subarray(r.pos, r.pos + 16), header.sync)) r.fail('Invalid Avro file: sync marker mismatch')
      r.skip(16)
      blocks.push({ count, data: decompressBlock(header.codec, raw, max, file) })
    }
    return blocks
  })
}

/**
 * Decode every record of every block with `reader` (compiled for `node`, the writer schema). Record
 * counts are checked against the block size before decoding (unless records take no bytes), and each block
 * must be consumed exactly.
 */
export function decodeOcfRecords<T>(blocks: readonly OcfBlock[], node: AvroNode, reader: Reader<T>, file?: string): T[] {
  return withAvroErrors(file, () => {
    const min = minEncodedSize(node)
    const out: T[] = []
    for (const b of blocks) {
      // records that encode to no bytes (only null fields) bound nothing: such a block may hold any count (a safe integer)
      if (min > 0 && b.count * min > b.data.length) avroError(`Invalid Avro block: ${b.count} records cannot fit in ${b.data.length} bytes`, file)
      const r = new AvroReader(b.data, 0, b.data.length, file)
      for (let i = 0; i < b.count; i++) out.push(reader(r))
      if (r.pos !== r.end) avroError(`Invalid Avro block: ${r.end - r.pos} trailing bytes after ${b.count} records`, file)
    }
    return out
  })
}

/** A decoded container: header and generic records (see {@link genericReader} for the value mapping). */
export interface OcfContents {
  readonly header: OcfHeader
  readonly records: unknown[]
}

/** Read a whole container generically (records as plain objects, longs as bigint). */
export function readOcf(bytes: Uint8Array, opts: OcfReadOptions = {}): OcfContents {
  const header = readOcfHeader(bytes, opts.file)
  const blocks = readOcfBlocks(bytes, header, opts)
  return { header, records: decodeOcfRecords(blocks, header.schema, genericReader(header.schema), opts.file) }
}
