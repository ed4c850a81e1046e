// The block codec of Avro data and delete files, chosen like Java's Avro write contexts: the table's
// `write.avro.compression-codec` (default gzip, stored as Avro `deflate` at level 9), `uncompressed`,
// `snappy` (raw block plus a big-endian CRC-32) or `zstd` (Avro `zstandard`, level 1 by default), with
// `write.avro.compression-level`; delete files use `write.delete.avro.*` when set and the data codec otherwise.
import { loadZstd } from '../compression/zstd.js'
import { crc32, deflateRawSync } from 'node:zlib'
import { compress as snappyCompress } from 'snappyjs'
import { InvalidArgumentError } from '../errors.js'
import { parseJavaInt } from '../spec/properties.js'

/** An Avro container codec name as the header stores it. */
export type AvroCodecName = 'null' | 'deflate' | 'snappy' | 'zstandard'

/** The codec and level a file is written with. */
export interface AvroCodecChoice {
  readonly codec: AvroCodecName
  /** Compression level (deflate and zstandard only). */
  readonly level?: number
}

/** Compresses one block's encoded records. */
export type BlockCompressor = (raw: Uint8Array) => Uint8Array

const CODEC_KEY = 'write.avro.compression-codec'
const LEVEL_KEY = 'write.avro.compression-level'
const DELETE_CODEC_KEY = 'write.delete.avro.compression-codec'
const DELETE_LEVEL_KEY = 'write.delete.avro.compression-level'

// Java's defaults: deflate at 9 (best compression) for gzip, zstandard at 1
const DEFLATE_DEFAULT_LEVEL = 9
const ZSTD_DEFAULT_LEVEL = 1

// Java parses the level with Integer.parseInt: an optional sign and decimal digits (leading zeros allowed), in the int range
function level(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const s = props[key]
  if (s === undefined) return fallback
  const n = parseJavaInt(s)
  if (n === undefined)
    throw new InvalidArgumentError(`Table property ${key} must be an integer, got ${JSON.stringify(s)}`, { context: { field: key } })
  return n
}

// Java upper-cases the value into its codec enum (no trimming): UNCOMPRESSED, SNAPPY, GZIP, ZSTD
function choice(props: Readonly<Record<string, string>>, codecKey: string, value: string, levelKey: string): AvroCodecChoice {
  switch (value.toUpperCase()) {
    case 'UNCOMPRESSED':
      return { codec: 'null' }
    case 'SNAPPY':
      return { codec: 'snappy' }
    case 'GZIP': {
      const l = level(props, levelKey, DEFLATE_DEFAULT_LEVEL)
      if (l < -1 || l > 9) throw new InvalidArgumentError(`Table property ${levelKey} must be between -1 and 9 for gzip, got ${l}`, { context: { field: levelKey } })
      return { codec: 'deflate', level: l }
    }
    case 'ZSTD':
      return { codec: 'zstandard', level: level(props, levelKey, ZSTD_DEFAULT_LEVEL) }
    default:
      throw new InvalidArgumentError(`Unsupported Avro compression codec ${JSON.stringify(value)} in table property ${codecKey}; expected one of uncompressed, snappy, gzip, zstd`, {
        context: { field: codecKey },
      })
  }
}

/** The codec of Avro data files from table properties (`write.avro.compression-codec` / `-level`). */
export function avroDataCodec(props: Readonly<Record<string, string>>): AvroCodecChoice {
  return choice(props, CODEC_KEY, props[CODEC_KEY] ?? 'gzip', LEVEL_KEY)
}

/**
 * The codec of Avro delete files: `write.delete.avro.compression-codec` with `write.delete.avro.compression-level`
 * when the codec is set, else exactly the data files' codec and level (Java checks the data setting either way).
 */
export function avroDeleteCodec(props: Readonly<Record<string, string>>): AvroCodecChoice {
  const data = avroDataCodec(props)
  const own = props[DELETE_CODEC_KEY]
  return own === undefined ? data : choice(props, DELETE_CODEC_KEY, own, DELETE_LEVEL_KEY)
}

/** The compressor of a codec (loads the zstd module on first use). */
export async function blockCompressor(c: AvroCodecChoice): Promise<BlockCompressor> {
  switch (c.codec) {
    case 'null':
      return (raw) => new Uint8Array(raw) // a copy: the encoding buffer is reused for the next block
    case 'deflate': {
      const lvl = c.level ?? DEFLATE_DEFAULT_LEVEL
      return (raw) => deflateRawSync(raw, { level: lvl })
    }
    case 'snappy':
      return (raw) => {
        const body = snappyCompress(raw)
        const out = new Uint8Array(body.length + 4)
        out.set(body)
        new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(body.length, crc32(raw) >>> 0, false)
        return out
      }
    case 'zstandard': {
      const z = await loadZstd()
      const lvl = c.level ?? ZSTD_DEFAULT_LEVEL
      return (raw) => z.compress(raw, lvl)
    }
  }
}
