// Avro container writes on avsc: a BigInt `long`, records encoded by avsc into blocks, and the header
// written by us from the RAW JSON schema (so Iceberg attributes survive byte for byte).
import avro from 'avsc'
import { createHash } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { InvalidArgumentError } from '../../errors.js'
import { stringifyJson, type JsonValue } from '../json/lossless.js'
import { concatBytes, varintBytes, writeVarint } from './binary.js'

/** Codecs floe writes. */
export type AvroWriteCodec = 'null' | 'deflate'

const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01) // "Obj\x01"
const utf8Encoder = new TextEncoder()
const CACHE_MAX = 256

const SCRATCH = Buffer.alloc(10)
const VIEWS = Array.from({ length: 11 }, (_, n) => SCRATCH.subarray(0, n))
const SAFE_MIN = -(2n ** 52n)
const SAFE_MAX = 2n ** 52n
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Zig-zag varint bytes of a long, in a shared scratch buffer (avsc copies them out immediately). The
 * common case (|n| < 2^52) uses number arithmetic: no BigInt shifts and no allocation.
 */
function zigzagVarint(n: bigint): Buffer {
  let i = 0
  if (n >= SAFE_MIN && n < SAFE_MAX) {
    let z = Number(n)
    z = z >= 0 ? z * 2 : -z * 2 - 1
    while (z >= 128) {
      SCRATCH[i++] = (z % 128) | 128
      z = Math.floor(z / 128)
    }
    SCRATCH[i++] = z
    return VIEWS[i]!
  }
  let z = n >= 0n ? n << 1n : (-n << 1n) - 1n
  while (z >= 128n) {
    SCRATCH[i++] = Number(z & 127n) | 128
    z >>= 7n
  }
  SCRATCH[i++] = Number(z)
  return VIEWS[i]!
}

/** avsc long type holding exact BigInt values (avsc's default throws above 2^53); writes its own varints. */
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
    toBuffer: zigzagVarint,
    fromJSON: (v: unknown) => BigInt(v as string),
    toJSON: (n: bigint) => Number(n),
    isValid: (n: unknown) => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
    compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
)

/** The part of avsc's Tap (its write cursor) that a bytes writer uses. */
interface AvscTap {
  buf: Buffer
  pos: number
  writeLong(n: number): void
}

/**
 * avsc's `bytes` type, accepting any Uint8Array: column bounds are written straight from their arrays
 * instead of through a Buffer view made per value (which cost 10 % of writing a large manifest). Values
 * in unions keep coming as Buffers (avsc picks union branches by Buffer.isBuffer).
 */
class Uint8ArrayBytes extends (avro.types.BytesType as unknown as new () => object) {
  /** Any Uint8Array is a bytes value. */
  _check(val: unknown): boolean {
    return val instanceof Uint8Array
  }
  /** Length, then the bytes (as avsc's Tap.writeBytes, with set instead of Buffer#copy). */
  _write(tap: AvscTap, val: Uint8Array): void {
    const len = val.length
    tap.writeLong(len)
    const pos = tap.pos
    tap.pos += len
    if (tap.pos <= tap.buf.length) tap.buf.set(val, pos)
  }
}
const BYTES = new Uint8ArrayBytes()

/**
 * The schema avsc compiles: attributes dropped and primitive objects (`{"type":"long","logicalType":…}`)
 * reduced to their names, so every `long` resolves to the BigInt type through the registry.
 */
function avscSchema(v: JsonValue): unknown {
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map(avscSchema)
  if (v === null || typeof v !== 'object') return v
  const t = v.type
  if (typeof t !== 'string') return avscSchema(t ?? null)
  const base: Record<string, unknown> = { type: t }
  if (typeof v.name === 'string') base.name = v.name
  if (typeof v.namespace === 'string') base.namespace = v.namespace
  switch (t) {
    case 'record':
    case 'error':
      base.fields = (Array.isArray(v.fields) ? v.fields : []).map((f) => {
        const o = f as Record<string, JsonValue>
        return { name: o.name, type: avscSchema(o.type ?? null) }
      })
      return base
    case 'array':
      base.items = avscSchema(v.items ?? null)
      return base
    case 'map':
      base.values = avscSchema(v.values ?? null)
      return base
    case 'fixed':
      base.size = v.size
      return base
    case 'enum':
      base.symbols = v.symbols
      return base
    default:
      return t
  }
}

const typeCache = new Map<string, avro.Type>()

function avscType(schemaText: string, schema: JsonValue): avro.Type {
  const hit = typeCache.get(schemaText)
  if (hit) return hit
  let t: avro.Type
  try {
    t = avro.Type.forSchema(avscSchema(schema) as avro.Schema, { registry: { long: BigLong, bytes: BYTES } as unknown as Record<string, avro.Type> })
  } catch (e) {
    throw new InvalidArgumentError(`Invalid Avro schema: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
  if (typeCache.size >= CACHE_MAX) typeCache.delete(typeCache.keys().next().value as string)
  typeCache.set(schemaText, t)
  return t
}

// A small block does not need zlib's 32 KiB window and 64 KiB hash: sizing both to the block gives the
// same matches (none can reach past the block) and makes setting up the stream 3x cheaper.
function deflateOptions(n: number): { windowBits: number; memLevel: number } | undefined {
  if (n >= 1 << 14) return undefined
  const windowBits = Math.max(9, Math.ceil(Math.log2(n + 262)))
  return { windowBits, memLevel: Math.max(1, windowBits - 7) }
}

// schema objects are reused across writes (manifest schemas are built once per spec and schema)
const schemaTexts = new WeakMap<object, string>()

/** Options for {@link writeOcf}. */
export interface OcfWriteOptions {
  /** Extra header metadata (Iceberg keys); `avro.schema` and `avro.codec` are added. */
  readonly metadata?: ReadonlyMap<string, string> | Readonly<Record<string, string>>
  /** `deflate` (default, what Java writes for manifests) or `null`. */
  readonly codec?: AvroWriteCodec
  /**
   * 16-byte sync marker. Default: a SHA-256 prefix of schema, metadata and block data, so equal content gives
   * equal bytes (src/spec stays free of randomness; callers wanting random markers pass their own).
   */
  readonly syncMarker?: Uint8Array
  /** Target uncompressed block size in bytes (default 64 KiB). */
  readonly blockBytes?: number
  /** File name used in error messages. */
  readonly file?: string
}

function describeInvalid(type: avro.Type, value: unknown): string {
  const paths: string[] = []
  type.isValid(value, { errorHook: (path: string[]) => paths.push(path.join('.')) })
  return paths.length ? `invalid value for Avro field ${paths[0]}` : 'value does not match the Avro schema'
}

/**
 * Write an in-memory container. `schema` is the raw Avro JSON schema (written to the header verbatim);
 * records are avsc values for it (longs as bigint, bytes/fixed as Buffer, unions unwrapped); an iterable is
 * consumed one record at a time, so a large manifest never holds every record at once.
 */
export function writeOcf(schema: JsonValue, records: Iterable<unknown>, opts: OcfWriteOptions = {}): Uint8Array {
  const codec = opts.codec ?? 'deflate'
  if (codec !== 'null' && codec !== 'deflate') throw new InvalidArgumentError(`Cannot write Avro codec '${String(codec)}'`)
  let schemaText = typeof schema === 'object' && schema !== null ? schemaTexts.get(schema) : undefined
  if (schemaText === undefined) {
    schemaText = stringifyJson(schema)
    if (typeof schema === 'object' && schema !== null) schemaTexts.set(schema, schemaText)
  }
  const type = avscType(schemaText, schema)
  const target = opts.blockBytes ?? 64 * 1024
  const blocks: { count: number; data: Uint8Array }[] = []
  let buf = Buffer.allocUnsafe(Math.max(1024, Math.min(target * 2, 1 << 20))) // only bytes [0, pos) are ever read
  let pos = 0
  let count = 0
  const flush = (): void => {
    if (count === 0) return
    const raw = buf.subarray(0, pos)
    blocks.push({ count, data: codec === 'deflate' ? deflateRawSync(raw, deflateOptions(raw.length)) : Uint8Array.from(raw) })
    pos = 0
    count = 0
  }
  let i = -1
  for (const rec of records) {
    i++
    let next: number
    try {
      next = type.encode(rec, buf, pos)
      while (next < 0) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos - next))
        buf.copy(bigger, 0, 0, pos)
        buf = bigger
        next = type.encode(rec, buf, pos)
      }
    } catch (e) {
      const ctx = opts.file === undefined ? { field: `record ${i}` } : { file: opts.file, field: `record ${i}` }
      throw new InvalidArgumentError(`Cannot encode Avro record ${i}: ${describeInvalid(type, rec)}`, { cause: e, context: ctx })
    }
    pos = next
    count++
    if (pos >= target) flush()
  }
  flush()

  const meta = new Map<string, string>()
  const extra = opts.metadata
  if (extra) for (const [k, v] of extra instanceof Map ? extra : Object.entries(extra)) meta.set(k, v)
  meta.set('avro.schema', schemaText)
  meta.set('avro.codec', codec)

  let sync = opts.syncMarker
  if (sync === undefined) {
    // SHA-256 rather than MD5: MD5 is unavailable when Node runs in FIPS mode
    const h = createHash('sha256')
    for (const [k, v] of meta) h.update(k).update('\u0000').update(v).update('\u0000')
    for (const b of blocks) h.update(b.data)
    sync = new Uint8Array(h.digest().subarray(0, 16))
  }
  if (sync.length !== 16) throw new InvalidArgumentError(`Avro sync marker must be 16 bytes, got ${sync.length}`)

  const chunks: Uint8Array[] = [ocfHeaderBytes(meta, sync)]
  for (const b of blocks) chunks.push(varintBytes(b.count), varintBytes(b.data.length), b.data, sync)
  return concatBytes(chunks)
}

/**
 * The container header: magic, the metadata map (in the given order, values as UTF-8) and the 16-byte sync
 * marker. The map is written as one block, as Java's DataFileWriter does.
 */
export function ocfHeaderBytes(meta: ReadonlyMap<string, string>, sync: Uint8Array): Uint8Array {
  if (sync.length !== 16) throw new InvalidArgumentError(`Avro sync marker must be 16 bytes, got ${sync.length}`)
  const head: number[] = [...MAGIC]
  if (meta.size > 0) writeVarint(head, meta.size)
  const chunks: Uint8Array[] = [Uint8Array.from(head)]
  for (const [k, v] of meta) {
    const kb = utf8Encoder.encode(k)
    const vb = utf8Encoder.encode(v)
    chunks.push(varintBytes(kb.length), kb, varintBytes(vb.length), vb)
  }
  chunks.push(varintBytes(0), sync) // the end of the map, then the marker
  return concatBytes(chunks)
}

/** Convert a Uint8Array to a Buffer view without copying (avsc wants Buffers for bytes/fixed). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}
