// Spec §Deletion Vectors (v3) and the Puffin spec: encode positions as a portable 64-bit Roaring bitmap,
// wrap it as a `deletion-vector-v1` blob, and write a Puffin file holding one blob per data file.
import { crc32 } from 'node:zlib'
import { InvalidArgumentError } from '../errors.js'
import { PUFFIN_MAGIC } from '../puffin/puffin.js'
import { stringifyJson } from '../spec/json/lossless.js'
import { DV_BLOB_TYPE, DV_MAGIC } from './deletion-vector.js'
import { FLOE_BUILD } from '../version.js'

const COOKIE_NO_RUNS = 12346
const TWO32 = 2 ** 32

/** Portable Roaring 64-bit encoding (array and bitmap containers) of sorted, distinct, non-negative positions. */
export function encodeRoaring64(positions: readonly number[]): Uint8Array {
  const byHigh = new Map<number, number[]>()
  let prev = -1
  for (const p of positions) {
    if (!Number.isSafeInteger(p) || p < 0) throw new InvalidArgumentError(`Invalid row position ${p}`)
    if (p <= prev) throw new InvalidArgumentError('Positions must be sorted and distinct')
    prev = p
    const high = Math.floor(p / TWO32)
    const l = byHigh.get(high)
    if (l) l.push(p - high * TWO32)
    else byHigh.set(high, [p - high * TWO32])
  }
  const parts: Uint8Array[] = []
  const head = new Uint8Array(8)
  new DataView(head.buffer).setBigUint64(0, BigInt(byHigh.size), true)
  parts.push(head)
  for (const [high, lows] of byHigh) {
    const key = new Uint8Array(4)
    new DataView(key.buffer).setUint32(0, high, true)
    parts.push(key, encodeRoaring32(lows))
  }
  return concat(parts)
}

/** The standard portable serialization of a 32-bit Roaring bitmap without run containers. */
function encodeRoaring32(values: readonly number[]): Uint8Array {
  const containers = new Map<number, number[]>()
  for (const v of values) {
    const k = v >>> 16
    const l = containers.get(k)
    if (l) l.push(v & 0xffff)
    else containers.set(k, [v & 0xffff])
  }
  const n = containers.size
  const headerBytes = 8 + 4 * n + 4 * n
  const bodies: Uint8Array[] = []
  let offset = headerBytes
  const header = new DataView(new ArrayBuffer(headerBytes))
  header.setUint32(0, COOKIE_NO_RUNS, true)
  header.setUint32(4, n, true)
  let i = 0
  for (const [key, lows] of containers) {
    header.setUint16(8 + 4 * i, key, true)
    header.setUint16(8 + 4 * i + 2, lows.length - 1, true)
    header.setUint32(8 + 4 * n + 4 * i, offset, true)
    let body: Uint8Array
    if (lows.length <= 4096) {
      body = new Uint8Array(2 * lows.length)
      const dv = new DataView(body.buffer)
      lows.forEach((x, j) => dv.setUint16(2 * j, x, true))
    } else {
      body = new Uint8Array(8192)
      for (const x of lows) body[x >>> 3] = body[x >>> 3]! | (1 << (x & 7))
    }
    bodies.push(body)
    offset += body.length
    i++
  }
  return concat([new Uint8Array(header.buffer), ...bodies])
}

/** A `deletion-vector-v1` blob: big-endian length, magic, vector, big-endian CRC-32 of magic + vector. */
export function deletionVectorBlob(positions: readonly number[]): Uint8Array {
  const vector = encodeRoaring64(positions)
  const body = concat([DV_MAGIC, vector])
  const out = new Uint8Array(4 + body.length + 4)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, body.length, false)
  out.set(body, 4)
  dv.setUint32(4 + body.length, crc32(body) >>> 0, false)
  return out
}

/** One deletion vector to store. */
export interface DeletionVectorInput {
  readonly referencedDataFile: string
  /** Sorted, distinct positions of the deleted rows. */
  readonly positions: readonly number[]
}

/** Where each vector landed in the Puffin file (for the manifest entry). */
export interface WrittenVector {
  readonly referencedDataFile: string
  readonly contentOffset: bigint
  readonly contentSizeInBytes: bigint
  readonly cardinality: bigint
}

/** A Puffin file with one deletion-vector blob per data file (snapshot id and sequence number −1, as Java writes). */
export function puffinWithDeletionVectors(vectors: readonly DeletionVectorInput[], createdBy = FLOE_BUILD): { bytes: Uint8Array; vectors: WrittenVector[] } {
  const parts: Uint8Array[] = [PUFFIN_MAGIC]
  let offset = PUFFIN_MAGIC.length
  const blobs: unknown[] = []
  const written: WrittenVector[] = []
  for (const v of vectors) {
    const blob = deletionVectorBlob(v.positions)
    parts.push(blob)
    blobs.push({
      type: DV_BLOB_TYPE,
      fields: [2147483645],
      'snapshot-id': -1,
      'sequence-number': -1,
      offset,
      length: blob.length,
      properties: { 'referenced-data-file': v.referencedDataFile, cardinality: String(v.positions.length) },
    })
    written.push({ referencedDataFile: v.referencedDataFile, contentOffset: BigInt(offset), contentSizeInBytes: BigInt(blob.length), cardinality: BigInt(v.positions.length) })
    offset += blob.length
  }
  const payload = new TextEncoder().encode(stringifyJson({ blobs, properties: { 'created-by': createdBy } }))
  const tail = new Uint8Array(12)
  const dv = new DataView(tail.buffer)
  dv.setInt32(0, payload.length, true)
  dv.setUint32(4, 0, true)
  tail.set(PUFFIN_MAGIC, 8)
  parts.push(PUFFIN_MAGIC, payload, tail)
  return { bytes: concat(parts), vectors: written }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
