// B1 / B1p scan planning (performance.md §3): a table of N data files in M deflate manifests (10 long stats
// columns, 8-byte bounds, 63-bit ids, identity-partitioned on `part` with 10 values, each manifest holding one
// value) written to a temp folder. floe `table.scan().planFiles()` vs raw avsc BigInt `Type.decode` of the same
// manifest-list and manifest bytes (read from disk on both sides), vs icebird 0.3.1 `icebergManifests` through
// the local fetch shim; then a partition filter matching 10% (`part = 7`) against floe's own full plan.
// 10k and 100k files by default; BENCH_LARGE=1 adds 1M (1000 manifests × 1000; give Node a larger heap).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { icebergManifests, icebergMetadata } from 'icebird'
import { defaultEnv } from '../../src/env.js'
import { applyUpdates } from '../../src/spec/apply-updates.js'
import { writeTableMetadata } from '../../src/spec/json/metadata-write.js'
import { writeManifest } from '../../src/spec/avro/manifest-codec.js'
import { writeManifestList } from '../../src/spec/avro/manifest-list-codec.js'
import type { ManifestEntry, ManifestFile } from '../../src/spec/manifest.js'
import { newTableMetadata } from '../../src/spec/new-table.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { T, field } from '../../src/spec/types.js'
import { Table } from '../../src/table/table.js'
import type { PlanStats } from '../../src/table/scan-plan.js'
import { interleave, median, report, type Contender } from './harness.js'
import { installFetchShim } from './icebird-shim.js'
import { avscDecode } from './manifest-decode.bench.js'

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** 8-byte little-endian single-value encoding of a long. */
export function longBytes(v: bigint): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigInt64(0, v, true)
  return b
}

setFlagsFromString('--expose-gc')
const fullGc = runInNewContext('gc') as () => void
/** Idle pause after each settling GC (ms), so the GC's background threads finish before the next timed run. */
const SETTLE_MS = 50

// Each wrapped run records its own wall and process CPU time (user + system, all threads: GC helpers, libuv,
// DuckDB; steadier than wall time on a loaded shared machine). With `settle`, a full GC follows every run
// outside the recorded time, so no contender pays for collecting another's leftover garbage (planning 10k
// files leaves ~90 MB behind); garbage collected during a run is charged to that run. The GC hands part of
// its work (freeing the collected pages) to background threads that outlive `gc()`: on 2 cores they took
// CPU from the next run's first ~10 ms (a 1 ms manifest-list read took 1.5–8 ms right after the GC, 1 ms
// after a pause), so a settle also waits SETTLE_MS idle before the next run starts.
/** Wrap contenders (driven by `interleave`) so each run's wall and CPU time are recorded; medians after `warmup`. */
export function timedRuns(contenders: readonly Contender[], warmup: number, settle = true): { contenders: Contender[]; wall: () => Map<string, number>; cpu: () => Map<string, number> } {
  const wall = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  const cpu = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  const wrapped = contenders.map(
    (c): Contender => ({
      name: c.name,
      run: async () => {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        await c.run()
        const dt = performance.now() - t0
        const u = process.cpuUsage(c0)
        wall.get(c.name)!.push(dt)
        cpu.get(c.name)!.push((u.user + u.system) / 1000)
        if (settle) {
          fullGc()
          await new Promise((r) => setTimeout(r, SETTLE_MS))
        }
      },
    }),
  )
  const medians = (m: Map<string, number[]>) => (): Map<string, number> => new Map([...m].map(([k, v]) => [k, median(v.slice(warmup))]))
  return { contenders: wrapped, wall: medians(wall), cpu: medians(cpu) }
}

const COLUMNS = 10
const PARTS = 10
/** The B1 schema: `part` (identity partition source) and c2…c10, all longs. */
export const PLAN_SCHEMA = schema(Array.from({ length: COLUMNS }, (_, i) => field(i + 1, i === 0 ? 'part' : `c${i + 1}`, T.long)))
/** Identity partition on `part`. */
export const PLAN_SPEC: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'part', transform: Transforms.identity }] }

/** A generated table on disk. */
export interface PlanTable {
  readonly dir: string
  readonly metadataFile: string
  readonly files: number
  readonly manifestBytes: number
}

/** Write a v2 table of `manifests` × `perManifest` data-file entries (one partition value per manifest) to a temp folder. */
export function buildPlanTable(manifests: number, perManifest: number, seed = 42): PlanTable {
  const dir = mkdtempSync(join(tmpdir(), 'floe-b1-'))
  mkdirSync(join(dir, 'metadata'))
  const next = rng(seed)
  const id63 = (): bigint => (BigInt(Math.floor(next() * 2 ** 31)) << 32n) | BigInt(Math.floor(next() * 2 ** 32))
  const snapshotId = id63()
  const list: ManifestFile[] = []
  let manifestBytes = 0
  for (let m = 0; m < manifests; m++) {
    const part = BigInt(Math.floor((m * PARTS) / manifests))
    const entries: ManifestEntry[] = []
    let rows = 0n
    for (let i = 0; i < perManifest; i++) {
      const counts = (): Map<number, bigint> => new Map(Array.from({ length: COLUMNS }, (_, c) => [c + 1, BigInt(Math.floor(next() * 1e6))]))
      const lower = new Map<number, Uint8Array>([[1, longBytes(part)]])
      const upper = new Map<number, Uint8Array>([[1, longBytes(part)]])
      for (let c = 2; c <= COLUMNS; c++) {
        const lo = Math.floor(next() * 1e9)
        lower.set(c, longBytes(BigInt(lo)))
        upper.set(c, longBytes(BigInt(lo + Math.floor(next() * 1e8))))
      }
      const recordCount = BigInt(Math.floor(next() * 1e7))
      rows += recordCount
      entries.push({
        status: 'added',
        snapshotId,
        sequenceNumber: 1n,
        fileSequenceNumber: 1n,
        dataFile: {
          content: 'data',
          filePath: `${dir}/data/part=${part}/00000-${m}-8f2c1f8e-0c1f-4a7e-9b6f-0e5e5b0c1f8e-${String(i).padStart(5, '0')}.parquet`,
          fileFormat: 'PARQUET',
          specId: 0,
          partition: [part],
          recordCount,
          fileSizeInBytes: BigInt(Math.floor(next() * 1e9)),
          columnSizes: counts(),
          valueCounts: counts(),
          nullValueCounts: counts(),
          nanValueCounts: counts(),
          lowerBounds: lower,
          upperBounds: upper,
          splitOffsets: [4n],
          sortOrderId: 0,
        },
      })
    }
    const bytes = writeManifest(entries, { formatVersion: 2, spec: PLAN_SPEC, schema: PLAN_SCHEMA })
    const path = `${dir}/metadata/m-${String(m).padStart(5, '0')}.avro`
    writeFileSync(path, bytes)
    manifestBytes += bytes.length
    list.push({
      manifestPath: path,
      manifestLength: BigInt(bytes.length),
      partitionSpecId: 0,
      content: 'data',
      sequenceNumber: 1n,
      minSequenceNumber: 1n,
      addedSnapshotId: snapshotId,
      addedFilesCount: perManifest,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: rows,
      existingRowsCount: 0n,
      deletedRowsCount: 0n,
      partitions: [{ containsNull: false, containsNan: false, lowerBound: longBytes(part), upperBound: longBytes(part) }],
    })
  }
  const listPath = `${dir}/metadata/snap-${snapshotId}-1.avro`
  writeFileSync(listPath, writeManifestList(list, { formatVersion: 2, snapshotId, sequenceNumber: 1n }))
  const now = 1_700_000_000_000n
  const base = newTableMetadata({ schema: PLAN_SCHEMA, spec: PLAN_SPEC, location: dir }, '4b0d0f5e-8a51-4c1e-9d7e-1f0c3a2b5c6d', now)
  const files = manifests * perManifest
  const md = applyUpdates(
    base,
    [
      {
        action: 'add-snapshot',
        snapshot: { snapshotId, sequenceNumber: 1n, timestampMs: now + 1n, manifestList: listPath, summary: { operation: 'append', 'added-data-files': String(files) }, schemaId: 0 },
      },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId, type: 'branch' } },
    ],
    now + 1n,
  )
  const metadataFile = `${dir}/metadata/v1.metadata.json`
  writeFileSync(metadataFile, writeTableMetadata(md))
  writeFileSync(`${dir}/metadata/version-hint.text`, '1')
  return { dir, metadataFile, files, manifestBytes }
}

// `keep` retains every record until the end, as a planner must (it returns every file); without it each
// manifest's records are dropped after counting (the optimistic §2e planning shape).
/** The reference: read the manifest list and every manifest from disk, decode all records with avsc (BigInt longs). */
export async function avscPlan(listPath: string, keep = true): Promise<number> {
  const list = avscDecode(await readFile(listPath)) as { manifest_path: string }[]
  const out: unknown[] = []
  let n = 0
  for (const mf of list) {
    const records = avscDecode(await readFile(mf.manifest_path))
    n += records.length
    if (keep) for (const r of records) out.push(r)
  }
  return keep ? out.length : n
}

const FLOE = 'floe planFiles (no filter)'
const AVSC = 'avsc BigInt Type.decode, records kept (reference)'
const AVSC_DROP = 'avsc BigInt Type.decode, records dropped per manifest'
const ICEBIRD = 'icebird 0.3.1 icebergManifests (fetch shim)'
const FILTERED = 'floe planFiles (part = 7)'
const STATS = 'floe planFiles (c2 < 1e8, stats only)'

const fmtStats = (s: PlanStats): string =>
  `manifests ${s.manifestsTotal} (skipped ${s.manifestsSkipped}), data files ${s.dataFilesTotal} (skipped ${s.dataFilesSkipped}), delete files ${s.deleteFiles}`

interface SizeResult {
  readonly files: number
  readonly text: string
  readonly floeMs: number
  /** floe alone (no reference runs in between), for the growth measurement. */
  readonly soloMs: number
  readonly avscMs: number
  readonly cpu: Map<string, number>
  readonly icebirdMs?: number
  readonly filteredMs?: number
  readonly dropMs?: number
  /** Steady-state medians (batches of consecutive runs, no forced GC): full and filtered plan, ms. */
  readonly steady?: { readonly full: number; readonly filtered: number }
}

/**
 * Steady-state timing of two plans: per round, a batch of `batch` consecutive full plans, then a batch of
 * filtered plans, with no forced GC, so each run pays for the garbage of the run before it of the same kind
 * (as in an engine planning one query after another). The first `skip` runs of a batch are dropped (the first
 * pays for the other batch's garbage); per round the batch median is kept; the result is the median of rounds.
 */
async function steadyState(full: () => Promise<unknown>, filtered: () => Promise<unknown>, rounds = 7, batch = 7, skip = 2): Promise<{ full: number; filtered: number }> {
  const batchMedian = async (f: () => Promise<unknown>): Promise<number> => {
    const ts: number[] = []
    for (let i = 0; i < batch; i++) {
      const t0 = performance.now()
      await f()
      if (i >= skip) ts.push(performance.now() - t0)
    }
    return median(ts)
  }
  const F: number[] = []
  const P: number[] = []
  for (let r = 0; r < rounds; r++) {
    F.push(await batchMedian(full))
    P.push(await batchMedian(filtered))
  }
  return { full: median(F), filtered: median(P) }
}

async function measure(manifests: number, perManifest: number, opts: { icebird: boolean; filters: boolean; extras: boolean; rounds: number; warmup: number; batch?: number }): Promise<SizeResult> {
  const t0 = performance.now()
  const t = buildPlanTable(manifests, perManifest)
  const buildMs = performance.now() - t0
  const restore = installFetchShim()
  try {
    const table = await Table.load(defaultEnv(), t.metadataFile)
    const listPath = table.currentSnapshot()!.manifestList!
    const ibMeta = await icebergMetadata({ tableUrl: t.dir, metadataFileName: 'v1.metadata.json' })
    const full = table.scan()
    const part = table.scan({ filter: 'part = 7' })
    const stats = table.scan({ filter: 'c2 < 100000000' })
    const floe = async (): Promise<number> => (await full.planFiles()).length
    const icebird = async (): Promise<number> => (await icebergManifests(ibMeta)).reduce((s, m) => s + m.entries.length, 0)
    const counts = [await floe(), await avscPlan(listPath), ...(opts.icebird ? [await icebird()] : [])]
    if (counts.some((c) => c !== t.files)) throw new Error(`plan count mismatch: ${counts.join(', ')} vs ${t.files}`)
    const timed = timedRuns(
      [
        { name: AVSC, run: () => avscPlan(listPath) },
        { name: FLOE, run: floe },
        ...(opts.extras ? [{ name: AVSC_DROP, run: () => avscPlan(listPath, false) }] : []),
        ...(opts.icebird ? [{ name: ICEBIRD, run: icebird }] : []),
        ...(opts.filters
          ? [
              { name: FILTERED, run: () => part.planFiles() },
              ...(opts.extras ? [{ name: STATS, run: () => stats.planFiles() }] : []),
            ]
          : []),
      ],
      opts.warmup,
    )
    await interleave(timed.contenders, opts.rounds, opts.warmup)
    // growth is floe against itself: time floe alone (settled the same way), so the per-entry cost does not
    // carry the heap the interleaved references leave behind (avsc keeps every record of 100k entries)
    const solo = timedRuns([{ name: FLOE, run: floe }], 1)
    await interleave(solo.contenders, Math.max(3, opts.rounds), 1)
    const soloMs = solo.wall().get(FLOE)!
    const steady = opts.filters ? await steadyState(floe, () => part.planFiles(), opts.rounds, opts.batch ?? 7, opts.batch === undefined ? 2 : 1) : undefined
    const medians = timed.wall()
    const cpu = timed.cpu()
    const floeMs = medians.get(FLOE)!
    const avscMs = medians.get(AVSC)!
    const label = `${t.files.toLocaleString('en-US')} files in ${manifests} manifests × ${perManifest}`
    const lines = [
      report(`B1 scan planning: ${label} (${(t.manifestBytes / 2 ** 20).toFixed(1)} MiB deflate, ${(t.manifestBytes / t.files).toFixed(0)} B/entry; built in ${(buildMs / 1000).toFixed(1)} s)`, medians, AVSC),
      '',
      report('same runs, process CPU time (ms, all threads)', cpu, AVSC).replace(/^## /, '### '),
      '',
      `floe ${((t.files / floeMs) * 1000).toFixed(0)} entries/s (${((floeMs * 1000) / t.files).toFixed(2)} µs/entry); avsc ${((t.files / avscMs) * 1000).toFixed(0)} entries/s` +
        (opts.icebird ? `; icebird ${((t.files / medians.get(ICEBIRD)!) * 1000).toFixed(0)} entries/s` : ''),
      `scan.stats full: ${fmtStats(full.stats)}`,
    ]
    if (opts.filters) lines.push(`scan.stats part = 7: ${fmtStats(part.stats)}`)
    if (steady) lines.push(`steady state (batches of consecutive plans, no forced GC): full ${steady.full.toFixed(1)} ms, part = 7 ${steady.filtered.toFixed(1)} ms`)
    if (opts.extras) lines.push(`scan.stats c2 < 1e8: ${fmtStats(stats.stats)}`)
    return {
      files: t.files,
      text: lines.join('\n'),
      floeMs,
      soloMs,
      avscMs,
      cpu,
      ...(opts.icebird ? { icebirdMs: medians.get(ICEBIRD)! } : {}),
      ...(opts.filters ? { filteredMs: medians.get(FILTERED)! } : {}),
      ...(steady ? { steady } : {}),
      ...(opts.extras ? { dropMs: medians.get(AVSC_DROP)! } : {}),
    }
  } finally {
    restore()
    rmSync(t.dir, { recursive: true, force: true })
  }
}

/** Run B1 and B1p; returns the markdown report and the headline ratio (floe / avsc at 10k files). */
export async function run(): Promise<{ text: string; ratio: number }> {
  const load0 = loadavg()[0]!
  const large = process.env.BENCH_LARGE === '1'
  const small = await measure(100, 100, { icebird: true, filters: true, extras: true, rounds: 7, warmup: 2 })
  const mid = await measure(100, 1000, { icebird: false, filters: true, extras: false, rounds: 3, warmup: 1, batch: 4 })
  const big = large ? await measure(1000, 1000, { icebird: false, filters: false, extras: false, rounds: 3, warmup: 0 }) : undefined
  const sizes = [small, mid, ...(big ? [big] : [])]
  const perEntry = (r: SizeResult, ms = r.soloMs): number => (ms * 1000) / r.files
  const base = perEntry(small)
  const growth = sizes.map((r) => `${r.files.toLocaleString('en-US')}: ${perEntry(r).toFixed(2)} µs (${((perEntry(r) / base - 1) * 100).toFixed(0)}%)`).join(', ')
  const worst = Math.max(...sizes.map((r) => Math.abs(perEntry(r) / base - 1)))
  const interleaved = sizes.map((r) => `${r.files.toLocaleString('en-US')}: ${perEntry(r, r.floeMs).toFixed(2)} µs`).join(', ')
  const ratio = small.floeMs / small.avscMs
  const cpuRatio = (r: SizeResult, a: string, b: string): string => `CPU ratio ${(r.cpu.get(a)! / r.cpu.get(b)!).toFixed(2)}`
  const summary = [
    `B1 plan 10k vs avsc: ratio ${ratio.toFixed(2)} (goal ≤ 0.80; records kept on both sides; ${cpuRatio(small, FLOE, AVSC)})`,
    `B1 plan 10k vs avsc dropping records: ratio ${(small.floeMs / small.dropMs!).toFixed(2)} (goal ≤ 0.80; reference keeps nothing, optimistic; ${cpuRatio(small, FLOE, AVSC_DROP)})`,
    `B1 plan 10k vs icebird: ratio ${(small.floeMs / small.icebirdMs!).toFixed(2)} (goal ≤ 0.50; ${cpuRatio(small, FLOE, ICEBIRD)})`,
    `B1 plan 100k vs avsc: ratio ${(mid.floeMs / mid.avscMs).toFixed(2)} (goal ≤ 0.80; ${cpuRatio(mid, FLOE, AVSC)})`,
    ...(big ? [`B1 plan 1M vs avsc: ratio ${(big.floeMs / big.avscMs).toFixed(2)} (goal ≤ 0.80; ${cpuRatio(big, FLOE, AVSC)})`] : []),
    `B1 linear: ratio ${(1 + worst).toFixed(2)} worst per-entry cost vs 10k, floe alone (goal ≤ 1.20; ${growth}${large ? '' : '; 1M with BENCH_LARGE=1'}; interleaved with the references: ${interleaved})`,
    `B1p partition filter 10k: ratio ${(small.filteredMs! / small.floeMs).toFixed(2)} of floe's full plan (goal ≤ 0.15; ${cpuRatio(small, FILTERED, FLOE)}; steady state ${(small.steady!.filtered / small.steady!.full).toFixed(2)})`,
    `B1p partition filter 100k: ratio ${(mid.filteredMs! / mid.floeMs).toFixed(2)} of floe's full plan (goal ≤ 0.15; ${cpuRatio(mid, FILTERED, FLOE)}; steady state ${(mid.steady!.filtered / mid.steady!.full).toFixed(2)})`,
  ]
  const load = `1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores)`
  return { text: `${sizes.map((r) => r.text).join('\n\n')}\n\n${load}\n${summary.join('\n')}`, ratio }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
