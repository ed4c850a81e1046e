// B3: append 100,000 data files (random metrics for 10 columns) in one durable commit (file-system catalog; unpartitioned and day(ts)
// partitioned), against the avsc encode floor: plain avsc with a BigInt long encoding the same 100k manifest
// entries (records pre-built, same Avro schema, 64 KiB blocks, deflate) into a container file written to the
// same folder. Interleaved A/B, medians. Java AppendBenchmark (P1/P2): 50–68k files/s single-threaded.
import avro from 'avsc'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { deflateRawSync } from 'node:zlib'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import { manifestEntryAvroSchema } from '../../src/spec/avro/manifest-schemas.js'
import type { DataFile } from '../../src/spec/manifest.js'
import { partitionType, type PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { T, field } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import { snapshotManifests } from '../../src/table/scan-plan.js'
import { interleave, report } from './harness.js'

const COLUMNS = 10
const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'ts', T.timestamptz), ...Array.from({ length: COLUMNS - 2 }, (_, i) => field(i + 3, `c${i + 3}`, T.long))])
const UNPARTITIONED: PartitionSpec = { specId: 0, fields: [] }
const BY_DAY: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'ts_day', transform: Transforms.day }] }
const DAY0 = 19_700 // 2023-12-09
const DAYS = 100

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

/**
 * `n` data files shaped like Java's FileGenerationUtil output (AppendBenchmark, P1): random metrics for 10
 * columns (sizes, value/null/NaN counts, random 8-byte bounds), ~100-character paths, a day partition if asked.
 */
export function dataFiles(n: number, location: string, partitioned: boolean, seed = 42): DataFile[] {
  const next = rng(seed)
  const rand8 = (): Uint8Array => Uint8Array.from({ length: 8 }, () => Math.floor(next() * 256))
  const counts = (): Map<number, bigint> => new Map(Array.from({ length: COLUMNS }, (_, c) => [c + 1, BigInt(Math.floor(next() * 1e6))]))
  const out: DataFile[] = []
  for (let i = 0; i < n; i++) {
    const day = DAY0 + (i % DAYS)
    out.push({
      content: 'data',
      filePath: `${location}/data/${partitioned ? `ts_day=${day}/` : ''}00000-${i}-8f2c1f8e-0c1f-4a7e-9b6f-0e5e5b0c1f8e-${String(i).padStart(5, '0')}.parquet`,
      fileFormat: 'PARQUET',
      specId: 0,
      partition: partitioned ? [day] : [],
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
    })
  }
  return out
}

// ------------------------------------------------------------------------------- raw avsc reference

/** avsc long holding BigInt values (as in manifest-decode.bench.ts). */
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

/** Strip primitive attribute objects so the BigInt long registry applies everywhere. */
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

function varint(n: number): Buffer {
  return LONG.toBuffer(n)
}
const LONG = avro.Type.forSchema('long')

/** The avsc reference: pre-built records → 64 KiB deflate blocks → container bytes. */
export function avscEncoder(spec: PartitionSpec, files: readonly DataFile[], snapshotId: bigint): () => Buffer {
  const avroSchema = manifestEntryAvroSchema(2, partitionType(spec, SCHEMA))
  const text = JSON.stringify(avroSchema)
  const type = avro.Type.forSchema(plain(avroSchema) as avro.Schema, { registry: { long: BigLong } as unknown as Record<string, avro.Type> })
  const kv = <V>(m: ReadonlyMap<number, V> | undefined, f: (v: V) => unknown): unknown => (m ? [...m].map(([key, value]) => ({ key, value: f(value) })) : null)
  const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  const records = files.map((f) => ({
    status: 1,
    snapshot_id: snapshotId,
    sequence_number: null,
    file_sequence_number: null,
    data_file: {
      content: 0,
      file_path: f.filePath,
      file_format: f.fileFormat,
      partition: spec.fields.length ? { ts_day: f.partition[0] } : {},
      record_count: f.recordCount,
      file_size_in_bytes: f.fileSizeInBytes,
      column_sizes: kv(f.columnSizes, (v) => v),
      value_counts: kv(f.valueCounts, (v) => v),
      null_value_counts: kv(f.nullValueCounts, (v) => v),
      nan_value_counts: kv(f.nanValueCounts, (v) => v),
      lower_bounds: kv(f.lowerBounds, buf),
      upper_bounds: kv(f.upperBounds, buf),
      key_metadata: null,
      split_offsets: f.splitOffsets ?? null,
      equality_ids: null,
      sort_order_id: f.sortOrderId ?? null,
      referenced_data_file: null,
    },
  }))
  const header = avro.Type.forSchema({
    type: 'record',
    name: 'Header',
    fields: [
      { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
      { name: 'meta', type: { type: 'map', values: 'bytes' } },
      { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
    ],
  })
  return () => {
    const sync = Buffer.alloc(16, 7)
    const parts: Buffer[] = [header.toBuffer({ magic: Buffer.from('Obj\x01', 'latin1'), meta: { 'avro.schema': Buffer.from(text), 'avro.codec': Buffer.from('deflate') }, sync })]
    let block = Buffer.alloc(128 * 1024)
    let pos = 0
    let count = 0
    const flush = (): void => {
      if (!count) return
      const z = deflateRawSync(block.subarray(0, pos))
      parts.push(varint(count), varint(z.length), z, sync)
      pos = 0
      count = 0
    }
    for (const r of records) {
      let next = type.encode(r, block, pos)
      while (next < 0) {
        const bigger = Buffer.alloc(block.length * 2)
        block.copy(bigger, 0, 0, pos)
        block = bigger
        next = type.encode(r, block, pos)
      }
      pos = next
      count++
      if (pos >= 64 * 1024) flush()
    }
    flush()
    return Buffer.concat(parts)
  }
}

// ------------------------------------------------------------------------------------------- run

/** Files per commit (B3). */
export const FILES = 100_000

async function scenario(root: string, name: string, spec: PartitionSpec, n: number, rounds: number): Promise<{ text: string; ratio: number; filesPerS: number; bytes: { floe: number; avsc: number } }> {
  const catalog = new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(root, name))
  await catalog.createNamespace('db')
  let table: Table = await catalog.createTable('db.t', { schema: SCHEMA, spec })
  const files = dataFiles(n, table.metadata.location, spec.fields.length > 0)
  const encode = avscEncoder(spec, files, 7342794868382145167n)
  const dir = join(table.metadata.location, 'metadata')
  let refN = 0
  let avscBytes = 0
  // warm up (JIT) on a tenth of the files, so every full-size run is measured
  const warm = files.slice(0, Math.ceil(n / 10))
  writeFileSync(join(dir, 'avsc-warm.avro'), avscEncoder(spec, warm, 7342794868382145167n)())
  table = await table.append(warm)
  const AVSC = 'avsc encode + write (BigInt long)'
  const FLOE = `floe table.append(${n / 1000}k files)`
  const medians = await interleave(
    [
      {
        name: AVSC,
        run: () => {
          const bytes = encode()
          avscBytes = bytes.length
          writeFileSync(join(dir, `avsc-ref-${refN++}.avro`), bytes)
        },
      },
      {
        name: FLOE,
        run: async () => {
          table = await table.append(files)
        },
      },
    ],
    rounds,
    0,
  )
  const snap = table.currentSnapshot()!
  if (snap.summary['added-data-files'] !== String(n)) throw new Error(`expected ${n} added files, summary says ${snap.summary['added-data-files']}`)
  const newest = (await snapshotManifests(table.env.io, table.metadata, snap)).filter((m) => m.addedSnapshotId === snap.snapshotId)
  const floeBytes = newest.reduce((s, m) => s + statSync(m.manifestPath).size, 0)
  const a = medians.get(AVSC)!
  const f = medians.get(FLOE)!
  const title = `B3 ${name}: ${n.toLocaleString('en-US')} data files in one commit (${newest.length} manifest${newest.length > 1 ? 's' : ''})`
  const text = `${report(title, medians, AVSC)}\n\n${name}: ${Math.round(n / (f / 1000)).toLocaleString('en-US')} files/s (avsc floor ${Math.round(n / (a / 1000)).toLocaleString('en-US')}/s); manifest bytes per file floe ${(floeBytes / n).toFixed(0)} B, avsc ${(avscBytes / n).toFixed(0)} B`
  return { text, ratio: f / a, filesPerS: n / (f / 1000), bytes: { floe: floeBytes, avsc: avscBytes } }
}

/** Run B3 (`rounds` measured runs per contender, interleaved); returns the markdown report. */
export async function run(n = FILES, rounds = 3): Promise<{ text: string }> {
  const root = mkdtempSync(join(tmpdir(), 'floe-bench-append-'))
  const load0 = loadavg()[0]!
  try {
    const u = await scenario(root, 'unpartitioned', UNPARTITIONED, n, rounds)
    const p = await scenario(root, 'day(ts) partitioned', BY_DAY, n, rounds)
    const goal = (r: number): string => (r <= 1.3 ? 'met' : 'NOT met')
    const verdict = `append-many: ratio unpartitioned ${u.ratio.toFixed(2)} (${goal(u.ratio)}), partitioned ${p.ratio.toFixed(2)} (${goal(p.ratio)}); goal ≤ 1.30. Java single-threaded: 50–68k files/s.`
    const notes =
      'floe time = the whole commit (DataFile → Avro records, encode, deflate, manifest + manifest-list write, metadata write with fsync, link). ' +
      'The reference gets its records pre-built and writes one file without fsync; floe fsyncs its manifest, manifest list and metadata file.'
    const load = `Medians of ${rounds} interleaved runs (after a warm-up commit of ${n / 10} files); 1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores).`
    return { text: `${u.text}\n\n${p.text}\n\n${notes}\n${load}\n${verdict}` }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

// `npx tsx tools/bench/append-many.bench.ts [files] [rounds]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log((await run(Number(process.argv[2] ?? FILES), Number(process.argv[3] ?? 3))).text)
