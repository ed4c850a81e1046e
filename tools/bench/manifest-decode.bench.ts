// Planning-shaped manifest decode: 100 manifests × 100 v2 entries (10 stats columns, random 8-byte
// bounds, 63-bit ids, deflate) decoded into ManifestEntry values, against raw avsc `Type.decode` with a
// BigInt long of the same bytes (header parse, inflate and record decode on both sides).
import avro from 'avsc'
import { inflateRawSync } from 'node:zlib'
import { readManifest, writeManifest } from '../../src/spec/avro/manifest-codec.js'
import type { ManifestEntry, ManifestFile } from '../../src/spec/manifest.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { interleave, report } from './harness.js'

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const COLUMNS = 10
const TABLE = schema(Array.from({ length: COLUMNS }, (_, i) => field(i + 1, `c${i + 1}`, T.long)))
const SPEC: PartitionSpec = { specId: 0, fields: [] }

/** Build `manifests` manifests of `perManifest` v2 entries each, plus their manifest-list rows. */
export function buildManifests(manifests = 100, perManifest = 100, seed = 42): { bytes: Uint8Array[]; lists: ManifestFile[] } {
  const next = rng(seed)
  const id63 = (): bigint => (BigInt(Math.floor(next() * 2 ** 31)) << 32n) | BigInt(Math.floor(next() * 2 ** 32))
  const rand8 = (): Uint8Array => Uint8Array.from({ length: 8 }, () => Math.floor(next() * 256))
  const bytes: Uint8Array[] = []
  const lists: ManifestFile[] = []
  for (let m = 0; m < manifests; m++) {
    const snapshotId = id63()
    const entries: ManifestEntry[] = []
    for (let i = 0; i < perManifest; i++) {
      const counts = (): Map<number, bigint> => new Map(Array.from({ length: COLUMNS }, (_, c) => [c + 1, BigInt(Math.floor(next() * 1e6))]))
      entries.push({
        status: 'added',
        snapshotId,
        sequenceNumber: 1n,
        fileSequenceNumber: 1n,
        dataFile: {
          content: 'data',
          filePath: `s3://bucket/warehouse/db/table/data/00000-${m}-8f2c1f8e-0c1f-4a7e-9b6f-0e5e5b0c1f8e-${String(i).padStart(5, '0')}.parquet`,
          fileFormat: 'PARQUET',
          specId: 0,
          partition: [],
          recordCount: BigInt(Math.floor(next() * 1e7)),
          fileSizeInBytes: BigInt(Math.floor(next() * 1e9)),
          columnSizes: counts(),
          valueCounts: counts(),
          nullValueCounts: counts(),
          nanValueCounts: counts(),
          lowerBounds: new Map(Array.from({ length: COLUMNS }, (_, c) => [c + 1, rand8()])),
          upperBounds: new Map(Array.from({ length: COLUMNS }, (_, c) => [c + 1, rand8()])),
          splitOffsets: [4n],
          sortOrderId: 0,
        },
      })
    }
    const b = writeManifest(entries, { formatVersion: 2, spec: SPEC, schema: TABLE })
    bytes.push(b)
    lists.push({
      manifestPath: `s3://bucket/warehouse/db/table/metadata/m${m}.avro`,
      manifestLength: BigInt(b.length),
      partitionSpecId: 0,
      content: 'data',
      sequenceNumber: 1n,
      minSequenceNumber: 1n,
      addedSnapshotId: snapshotId,
    })
  }
  return { bytes, lists }
}

// ------------------------------------------------------------------------------- raw avsc reference

const BigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8)
    b.writeBigInt64LE(n)
    return b
  },
  fromJSON: (v: unknown) => BigInt(v as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
})
const HEADER = avro.Type.forSchema({
  type: 'record',
  name: 'Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
})
const LONG = avro.Type.forSchema('long')
const types = new Map<string, avro.Type>()

/** Strip primitive attribute objects so the BigInt long registry applies everywhere (dependencies.md §4). */
function plain(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(plain)
  if (s === null || typeof s !== 'object') return s
  const o = s as Record<string, unknown>
  if (typeof o.type === 'string' && ['int', 'long', 'bytes', 'string', 'boolean', 'float', 'double', 'null'].includes(o.type)) return o.type
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o))
    out[k] = k === 'fields' ? (v as Record<string, unknown>[]).map((f) => ({ ...f, type: plain(f.type) })) : k === 'type' || k === 'items' || k === 'values' ? plain(v) : v
  return out
}

/** Decode every record of a deflate container with avsc (BigInt longs). */
export function avscDecode(bytes: Uint8Array): unknown[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const h = HEADER.decode(buf, 0) as { value: { meta: Record<string, Buffer>; sync: Buffer }; offset: number }
  const text = h.value.meta['avro.schema']!.toString()
  let type = types.get(text)
  if (!type) types.set(text, (type = avro.Type.forSchema(plain(JSON.parse(text)) as avro.Schema, { registry: { long: BigLong } as unknown as Record<string, avro.Type> })))
  const out: unknown[] = []
  let pos = h.offset
  while (pos < buf.length) {
    const c = LONG.decode(buf, pos) as { value: number; offset: number }
    const s = LONG.decode(buf, c.offset) as { value: number; offset: number }
    const data = inflateRawSync(buf.subarray(s.offset, s.offset + s.value))
    let p = 0
    for (let i = 0; i < c.value; i++) {
      const r = type.decode(data, p)
      out.push(r.value)
      p = r.offset
    }
    pos = s.offset + s.value + 16
  }
  return out
}

/** Run the benchmark; returns the markdown report and floe/avsc ratio. */
export async function run(): Promise<{ text: string; ratio: number }> {
  const { bytes, lists } = buildManifests()
  const floe = (): number => {
    let n = 0
    for (let i = 0; i < bytes.length; i++) n += readManifest(bytes[i]!, { manifest: lists[i]! }).entries.length
    return n
  }
  const raw = (): number => {
    let n = 0
    for (const b of bytes) n += avscDecode(b).length
    return n
  }
  if (floe() !== 10_000 || raw() !== 10_000) throw new Error('decode count mismatch')
  const medians = await interleave(
    [
      { name: 'avsc Type.decode (BigInt long)', run: raw },
      { name: 'floe readManifest → ManifestEntry', run: floe },
    ],
    5,
    2,
  )
  const a = medians.get('avsc Type.decode (BigInt long)')!
  const f = medians.get('floe readManifest → ManifestEntry')!
  const ratio = f / a
  const bytesTotal = bytes.reduce((s, b) => s + b.length, 0)
  const title = `Manifest decode: 100 manifests × 100 v2 entries (${(bytesTotal / 1024).toFixed(0)} KiB deflate, ${(bytesTotal / 10_000).toFixed(0)} B/entry)`
  const text = `${report(title, medians, 'avsc Type.decode (BigInt long)')}\n\nmanifest-decode: ratio ${ratio.toFixed(2)} (floe ${f.toFixed(1)} ms, avsc ${a.toFixed(1)} ms)`
  return { text, ratio }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
