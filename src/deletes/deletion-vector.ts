// Spec §Deletion Vectors (v3): decode a `deletion-vector-v1` blob (length, magic, portable 64-bit Roaring
// bitmap, CRC-32) into a position set, reading it from a Puffin file by offset/length or by footer lookup.
import { crc32 } from 'node:zlib'
import { FloeError } from '../errors.js'
import type { ByteSource } from '../parquet/codec.js'
import { PUFFIN_MAGIC, puffinBlobBytes, readPuffinFooter } from '../puffin/puffin.js'

/** A set of deleted row positions (0-based file positions) with fast membership tests. */
export interface PositionSet {
  /** Whether `pos` is in the set. */
  has(pos: number): boolean
  /** Number of positions. */
  readonly size: number
  /** Positions in ascending order. */
  [Symbol.iterator](): Iterator<number>
}

/** Magic bytes that follow the length of a `deletion-vector-v1` blob. */
export const DV_MAGIC = Uint8Array.of(0xd1, 0xd3, 0x39, 0x64)
/** Puffin blob type of a deletion vector. */
export const DV_BLOB_TYPE = 'deletion-vector-v1'

const TWO32 = 4294967296
// the highest key whose positions stay exact JS numbers (key · 2^32 + 2^32 − 1 < 2^53)
const MAX_EXACT_KEY = 2 ** 21 - 1

type Container =
  | { readonly kind: 'array'; readonly values: Uint16Array }
  | { readonly kind: 'bitmap'; readonly words: Uint32Array }
  | { readonly kind: 'run'; readonly runs: Uint16Array }

interface Bitmap32 {
  readonly keys: Uint16Array
  readonly containers: readonly Container[]
}

function search16(a: Uint16Array, x: number, from = 0, to = a.length): number {
  let lo = from
  let hi = to - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = a[mid]!
    if (v < x) lo = mid + 1
    else if (v > x) hi = mid - 1
    else return mid
  }
  return -1 - lo
}

function containerHas(c: Container, x: number): boolean {
  switch (c.kind) {
    case 'array':
      return search16(c.values, x) >= 0
    case 'bitmap':
      return (c.words[x >>> 5]! & (1 << (x & 31))) !== 0
    case 'run': {
      // runs are (start, length − 1) pairs sorted by start: find the last start ≤ x
      const r = c.runs
      let lo = 0
      let hi = (r.length >>> 1) - 1
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1
        const start = r[2 * mid]!
        if (start > x) hi = mid - 1
        else if (x <= start + r[2 * mid + 1]!) return true
        else lo = mid + 1
      }
      return false
    }
  }
}

function* containerValues(c: Container): Generator<number> {
  if (c.kind === 'array') yield* c.values
  else if (c.kind === 'run') {
    for (let i = 0; i < c.runs.length; i += 2) for (let v = c.runs[i]!, end = v + c.runs[i + 1]!; v <= end; v++) yield v
  } else {
    for (let w = 0; w < 2048; w++) {
      let word = c.words[w]!
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word)
        yield w * 32 + bit
        word &= word - 1
      }
    }
  }
}

/** Build a PositionSet from decoded 32-bit Roaring bitmaps keyed by the high 32 bits of positions. */
function roaringPositionSet(keys: readonly number[], bitmaps: readonly Bitmap32[], size: number): PositionSet {
  const lookup = (pos: number): boolean => {
    if (!(pos >= 0) || !Number.isInteger(pos)) return false
    const high = Math.floor(pos / TWO32)
    let k = 0
    if (keys.length !== 1 || keys[0] !== high) {
      k = keys.indexOf(high)
      if (k < 0) return false
    }
    const low = pos - high * TWO32
    const b = bitmaps[k]!
    const ci = search16(b.keys, low >>> 16)
    return ci >= 0 && containerHas(b.containers[ci]!, low & 0xffff)
  }
  return {
    has: lookup,
    size,
    *[Symbol.iterator]() {
      for (let k = 0; k < keys.length; k++) {
        const b = bitmaps[k]!
        const base = keys[k]! * TWO32
        for (let i = 0; i < b.keys.length; i++) {
          const hi = b.keys[i]! * 65536
          for (const lo of containerValues(b.containers[i]!)) yield base + hi + lo
        }
      }
    },
  }
}

class Reader {
  pos: number
  constructor(
    readonly view: DataView,
    start: number,
    readonly end: number,
    readonly bad: (why: string) => never,
  ) {
    this.pos = start
  }
  need(n: number): number {
    const at = this.pos
    if (at + n > this.end) this.bad(`truncated at byte ${at} (needs ${n} more bytes)`)
    this.pos = at + n
    return at
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true)
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true)
  }
  u16s(n: number): Uint16Array {
    const at = this.need(2 * n)
    const out = new Uint16Array(n)
    for (let i = 0; i < n; i++) out[i] = this.view.getUint16(at + 2 * i, true)
    return out
  }
}

const NO_RUN_COOKIE = 12346
const RUN_COOKIE = 12347

function readBitmap32(r: Reader): { bitmap: Bitmap32; size: number } {
  const cookie = r.u32()
  let count: number
  let runFlags: Uint8Array | undefined
  if ((cookie & 0xffff) === RUN_COOKIE) {
    count = (cookie >>> 16) + 1
    const at = r.need((count + 7) >>> 3)
    runFlags = new Uint8Array(r.view.buffer, r.view.byteOffset + at, (count + 7) >>> 3)
  } else if (cookie === NO_RUN_COOKIE) {
    count = r.u32()
    if (count > 65536) r.bad(`invalid container count ${count}`)
  } else return r.bad(`invalid Roaring cookie ${cookie}`)
  const keys = new Uint16Array(count)
  const cards = new Uint32Array(count)
  for (let i = 0; i < count; i++) {
    keys[i] = r.u16()
    cards[i] = r.u16() + 1
    if (i > 0 && keys[i]! <= keys[i - 1]!) r.bad('container keys are not ascending')
  }
  if (!runFlags || count >= 4) r.need(4 * count) // offset header: containers are read sequentially
  const containers: Container[] = []
  let size = 0
  for (let i = 0; i < count; i++) {
    const card = cards[i]!
    if (runFlags && runFlags[i >>> 3]! & (1 << (i & 7))) {
      const n = r.u16()
      const runs = r.u16s(2 * n)
      let total = 0
      for (let j = 0; j < n; j++) {
        if (runs[2 * j]! + runs[2 * j + 1]! > 0xffff) r.bad('run exceeds its container')
        if (j > 0 && runs[2 * j]! <= runs[2 * j - 2]! + runs[2 * j - 1]!) r.bad('runs overlap or are not ascending')
        total += runs[2 * j + 1]! + 1
      }
      if (total !== card) r.bad(`run container holds ${total} values, header says ${card}`)
      containers.push({ kind: 'run', runs })
    } else if (card <= 4096) {
      const values = r.u16s(card)
      for (let j = 1; j < card; j++) if (values[j]! <= values[j - 1]!) r.bad('array container values are not ascending')
      containers.push({ kind: 'array', values })
    } else {
      const at = r.need(8192)
      const words = new Uint32Array(2048)
      let bits = 0
      for (let w = 0; w < 2048; w++) {
        const x = r.view.getUint32(at + 4 * w, true)
        words[w] = x
        let y = x - ((x >>> 1) & 0x55555555)
        y = (y & 0x33333333) + ((y >>> 2) & 0x33333333)
        bits += (((y + (y >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
      }
      if (bits !== card) r.bad(`bitmap container holds ${bits} values, header says ${card}`)
      containers.push({ kind: 'bitmap', words })
    }
    size += card
  }
  return { bitmap: { keys, containers }, size }
}

function invalid(file: string | undefined, why: string): never {
  throw new FloeError('INVALID_DATA', `Invalid deletion vector: ${why}`, file === undefined ? {} : { context: { file } })
}

/**
 * Decode a Roaring bitmap in the "portable 64-bit" layout (8-byte LE count, then per bitmap a 4-byte LE key
 * and a portable 32-bit Roaring bitmap). Keys must be ascending and non-negative as Java requires.
 */
export function decodeRoaring64(bytes: Uint8Array, file?: string): PositionSet {
  const bad = (why: string): never => invalid(file, why)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const r = new Reader(view, 0, bytes.length, bad)
  const lo = r.u32()
  const hi = r.u32()
  if (hi !== 0 || lo > 2 ** 31 - 1) bad(`Invalid bitmap count: ${hi * TWO32 + lo}`)
  const keys: number[] = []
  const bitmaps: Bitmap32[] = []
  let size = 0
  for (let i = 0; i < lo; i++) {
    const key = view.getInt32(r.need(4), true)
    if (key < 0) bad(`Invalid unsigned key: ${key}`)
    if (keys.length && key <= keys[keys.length - 1]!) bad('Keys must be sorted in ascending order')
    if (key > MAX_EXACT_KEY) bad(`key ${key} puts positions beyond 2^53`)
    const b = readBitmap32(r)
    keys.push(key)
    bitmaps.push(b.bitmap)
    size += b.size
  }
  if (r.pos !== bytes.length) bad(`${bytes.length - r.pos} unexpected bytes after the bitmap`)
  return roaringPositionSet(keys, bitmaps, size)
}

/** Decode a `deletion-vector-v1` blob: BE length, magic D1 D3 39 64, portable Roaring bitmap, BE CRC-32. */
export function decodeDeletionVector(blob: Uint8Array, file?: string): PositionSet {
  if (blob.length < 12) invalid(file, `blob of ${blob.length} bytes is too short`)
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  const length = view.getUint32(0, false)
  if (length !== blob.length - 8) invalid(file, `length field ${length} does not match the blob size ${blob.length} − 8`)
  if (!DV_MAGIC.every((m, i) => blob[4 + i] === m)) invalid(file, 'missing magic D1 D3 39 64')
  const expected = view.getUint32(blob.length - 4, false)
  const actual = crc32(blob.subarray(4, blob.length - 4)) >>> 0
  if (expected !== actual) invalid(file, `CRC-32 mismatch (stored ${expected.toString(16)}, computed ${actual.toString(16)})`)
  return decodeRoaring64(blob.subarray(8, blob.length - 4), file)
}

/** Where a deletion vector lives inside its file (manifest `content_offset` / `content_size_in_bytes`). */
export interface DeletionVectorLocation {
  readonly contentOffset?: bigint | number
  readonly contentSizeInBytes?: bigint | number
  /** Used to find the blob through the Puffin footer when offset and size are not known. */
  readonly referencedDataFile?: string
  /** Accept a file that is a bare DV blob rather than a Puffin container (legacy writers); default false. */
  readonly allowBareBlob?: boolean
}

/** Read one deletion vector from a Puffin file (by offset/size, else by footer lookup of the referenced file). */
export async function readDeletionVector(source: ByteSource, loc: DeletionVectorLocation = {}): Promise<PositionSet> {
  const file = source.path
  const ctx = { context: { file } }
  if (source.byteLength < 4) throw new FloeError('INVALID_PUFFIN', `Invalid Puffin file: ${source.byteLength} bytes`, ctx)
  const offset = loc.contentOffset === undefined ? undefined : Number(loc.contentOffset)
  const size = loc.contentSizeInBytes === undefined ? undefined : Number(loc.contentSizeInBytes)
  const head = await source.read(0, 4)
  if (!PUFFIN_MAGIC.every((m, i) => head[i] === m)) {
    if (!loc.allowBareBlob)
      throw new FloeError('INVALID_PUFFIN', 'Deletion vector file is not a Puffin file (a bare DV blob from a legacy writer?); read it with the option allowBareDeletionVectors', ctx)
    const whole = offset === undefined || size === undefined
    return decodeDeletionVector(await source.read(whole ? 0 : offset, whole ? source.byteLength : offset + size), file)
  }
  if (offset !== undefined && size !== undefined) {
    if (!(offset >= 4 && size >= 0 && offset + size <= source.byteLength))
      throw new FloeError('INVALID_PUFFIN', `Deletion vector range [${offset}, ${offset + size}) lies outside the file`, ctx)
    return decodeDeletionVector(await source.read(offset, offset + size), file)
  }
  const bytes = await source.read(0, source.byteLength)
  const footer = readPuffinFooter(bytes, file)
  const dvs = footer.blobs.filter((b) => b.type === DV_BLOB_TYPE)
  const blob =
    loc.referencedDataFile === undefined
      ? dvs.length === 1
        ? dvs[0]
        : undefined
      : dvs.find((b) => b.properties['referenced-data-file'] === loc.referencedDataFile)
  if (!blob)
    throw new FloeError('INVALID_PUFFIN', `No ${DV_BLOB_TYPE} blob for ${loc.referencedDataFile ?? 'the data file'} (found ${dvs.length})`, ctx)
  if (blob.compressionCodec !== undefined) throw new FloeError('INVALID_PUFFIN', `Deletion vector blobs must not be compressed (${blob.compressionCodec})`, ctx)
  return decodeDeletionVector(puffinBlobBytes(bytes, blob, file), file)
}
