// Puffin spec: read the footer of a Puffin file (statistics sketches, deletion vectors) and its blobs.
import { FloeError, UnsupportedError } from '../errors.js'
import { at, arr, int, jsonRoot, long, obj, opt, str, stringMap } from '../spec/json/json-read.js'
import { parseJsonLossless } from '../spec/json/lossless.js'

/** The 4-byte magic at the start and end of a Puffin file. */
export const PUFFIN_MAGIC = new Uint8Array([0x50, 0x46, 0x41, 0x31])

/** One blob as the Puffin footer describes it. */
export interface PuffinBlob {
  readonly type: string
  readonly fields: readonly number[]
  readonly snapshotId: bigint
  readonly sequenceNumber: bigint
  readonly offset: bigint
  readonly length: bigint
  readonly compressionCodec?: string
  readonly properties: Readonly<Record<string, string>>
}

/** The decoded Puffin footer. */
export interface PuffinFooter {
  readonly blobs: readonly PuffinBlob[]
  readonly properties: Readonly<Record<string, string>>
  /** Whole footer size in bytes (payload + 16), as table statistics record it. */
  readonly footerSize: number
}

const FOOTER_STRUCT = 12 // payload size (4) + flags (4) + magic (4)

function isMagic(b: Uint8Array, off: number): boolean {
  return off >= 0 && off + 4 <= b.length && PUFFIN_MAGIC.every((m, i) => b[off + i] === m)
}

/** Decode the footer of a whole Puffin file held in memory; INVALID_PUFFIN names the file on damage. */
export function readPuffinFooter(bytes: Uint8Array, file?: string): PuffinFooter {
  const ctx = file === undefined ? {} : { context: { file } }
  const bad = (why: string): never => {
    throw new FloeError('INVALID_PUFFIN', `Invalid Puffin file: ${why}`, ctx)
  }
  const n = bytes.length
  if (n < 4 + FOOTER_STRUCT + 4) bad('file too short')
  if (!isMagic(bytes, 0)) bad('missing leading PFA1 magic')
  if (!isMagic(bytes, n - 4)) bad('missing trailing PFA1 magic')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const flags = view.getUint32(n - 8, true)
  const payloadSize = view.getInt32(n - 12, true)
  if (payloadSize < 0 || payloadSize > n - 4 - FOOTER_STRUCT - 4) bad(`footer payload size ${payloadSize} out of range`)
  const start = n - FOOTER_STRUCT - payloadSize
  if (!isMagic(bytes, start - 4)) bad('missing footer PFA1 magic')
  if (flags & 1) throw new UnsupportedError('Puffin footer compressed with LZ4 is not supported', ctx)
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(start, start + payloadSize))
  const { tree, longs } = parseJsonLossless(text, file)
  const p = jsonRoot(file, longs)
  const root = obj(tree, p)
  const blobs = arr(root.blobs, at(p, 'blobs')).map((b, i): PuffinBlob => {
    const q = at(at(p, 'blobs'), i)
    const o = obj(b, q)
    const codec = opt.str(o['compression-codec'], at(q, 'compression-codec'))
    return {
      type: str(o.type, at(q, 'type')),
      fields: (opt.arr(o.fields, at(q, 'fields')) ?? []).map((x, j) => int(x, at(at(q, 'fields'), j))),
      snapshotId: long(o['snapshot-id'], at(q, 'snapshot-id')),
      sequenceNumber: long(o['sequence-number'], at(q, 'sequence-number')),
      offset: long(o.offset, at(q, 'offset')),
      length: long(o.length, at(q, 'length')),
      ...(codec === undefined ? {} : { compressionCodec: codec }),
      properties: o.properties === undefined || o.properties === null ? {} : stringMap(o.properties, at(q, 'properties')),
    }
  })
  const properties = root.properties === undefined || root.properties === null ? {} : stringMap(root.properties, at(p, 'properties'))
  return { blobs, properties, footerSize: payloadSize + FOOTER_STRUCT + 4 }
}

/** The raw (possibly compressed) bytes of one blob; checks the range lies inside the file. */
export function puffinBlobBytes(bytes: Uint8Array, blob: PuffinBlob, file?: string): Uint8Array {
  const start = Number(blob.offset)
  const end = start + Number(blob.length)
  if (start < 4 || end > bytes.length || end < start)
    throw new FloeError('INVALID_PUFFIN', `Puffin blob range [${start}, ${end}) lies outside the file`, file === undefined ? {} : { context: { file } })
  return bytes.subarray(start, end)
}
