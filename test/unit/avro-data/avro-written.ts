// Reading back Avro files floe wrote, two ways: floe's own Avro data reader, and independently avsc's
// container decoder (bigint longs, snappy/zstandard decompressed with their own libraries).
import avro from 'avsc'
import { decompress as zstdDecompress } from 'fzstd'
import { uncompress as snappyUncompress } from 'snappyjs'
import { crc32 } from 'node:zlib'
import { readAvroBatches } from '../../../src/avro-data/avro-data-reader.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import type { Row } from '../../../src/parquet/codec.js'
import type { Schema } from '../../../src/spec/schema.js'
import type { StructValue } from '../../../src/spec/types.js'
import { toAvsc } from '../../support/avro-data-files.js'

/** Rows of a file as floe's Avro data reader returns them for `schema`. */
export async function readBack(bytes: Uint8Array, schema: Schema, path = 'written.avro'): Promise<Row[]> {
  const out: Row[] = []
  for await (const b of readAvroBatches(bytesSource(bytes, path), { schema })) out.push(...b.rows)
  return out
}

// avsc's long as an exact bigint (its own long type refuses values beyond 2^53); with packing left to us,
// avsc hands over and takes the zig-zag varint bytes
const BigLong = avro.types.LongType.__with(
  {
    fromBuffer: (b: Buffer) => {
      let u = 0n
      let shift = 0n
      for (const x of b) {
        u |= BigInt(x & 127) << shift
        shift += 7n
      }
      return (u >> 1n) ^ -(u & 1n)
    },
    toBuffer: (n: bigint) => {
      let z = n >= 0n ? n << 1n : (-n << 1n) - 1n
      const out: number[] = []
      while (z >= 128n) {
        out.push(Number(z & 127n) | 128)
        z >>= 7n
      }
      out.push(Number(z))
      return Buffer.from(out)
    },
    fromJSON: (v: unknown) => BigInt(v as string),
    toJSON: (n: bigint) => Number(n),
    isValid: (n: unknown) => typeof n === 'bigint',
    compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
)

const codecs = {
  null: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, b),
  deflate: undefined as unknown,
  snappy: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => {
    const out = Buffer.from(snappyUncompress(b.subarray(0, b.length - 4)))
    if (crc32(out) >>> 0 !== b.readUInt32BE(b.length - 4)) return cb(new Error('snappy checksum mismatch'))
    return cb(null, out)
  },
  zstandard: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, Buffer.from(zstdDecompress(b))),
}

/** The records of a container decoded by avsc (records, maps as objects, unions unwrapped, longs as bigint). */
export async function avscRecords(bytes: Uint8Array): Promise<unknown[]> {
  const defaults = avro.streams.BlockDecoder.defaultCodecs() as Record<string, unknown>
  const decoder = new avro.streams.BlockDecoder({
    codecs: { ...codecs, deflate: defaults.deflate } as never,
    parseHook: (schema: unknown) =>
      avro.Type.forSchema(schema as avro.Schema, {
        typeHook: (s: unknown) => (s === 'long' || (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'long') ? (BigLong as unknown as avro.Type) : undefined),
      }) as never,
  })
  const out: unknown[] = []
  decoder.on('data', (r: unknown) => out.push(r))
  await new Promise<void>((resolve, reject) => {
    decoder.on('end', () => resolve())
    decoder.on('error', reject)
    decoder.end(Buffer.from(bytes))
  })
  return out.map(plain)
}

// avsc records are class instances: plain objects compare with toEqual regardless, but keep them plain anyway
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain)
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]))
}

/** What avsc decodes for rows of `schema` (sanitised names, key/value arrays, bigint longs, Buffers). */
export function avscForm(schema: Schema, rows: readonly Row[]): unknown[] {
  const struct = { kind: 'struct' as const, fields: schema.fields }
  return rows.map((r) => plain(toAvsc(struct, r as StructValue)))
}
