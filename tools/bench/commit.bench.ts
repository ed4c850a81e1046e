// B2: a durable one-file append commit (fast append, data-file write excluded) on the file-system catalog
// when the table already has 10, 1,000 and 5,000 snapshots, against file-system floors measured in the
// same metadata folder, interleaved sample by sample (sync fs API, the cheapest a commit can use):
//   F1 link floor:     tmp create + write 1 KiB + fsync + link(2) to a new name + unlink + fsync(dir)
//   F2 + metadata:     JSON.stringify of the table's current metadata (same size) written the F1 way
//   F3 + manifests:    F2 + read the parent manifest list + write the manifest and manifest-list bytes of
//                      floe's last commit (tmp + fsync + link + fsync(dir), as floe writes them)
import { closeSync, fsyncSync, linkSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { DataFile } from '../../src/spec/manifest.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import { snapshotManifests } from '../../src/table/scan-plan.js'
import { percentile } from './harness.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string), field(3, 'ts', T.timestamptz)])

/** One history size to measure. */
export interface Shape {
  readonly snapshots: number
  /** Measured commits (spread over several tables when `snapshots` is small, so history stays near size). */
  readonly samples: number
  /** Commits that build the history (each a transaction of snapshots/commits appends). */
  readonly buildCommits: number
}

/** The default shapes (B2). */
export const SHAPES: readonly Shape[] = [
  { snapshots: 10, samples: 120, buildCommits: 10 },
  { snapshots: 1000, samples: 100, buildCommits: 100 },
  { snapshots: 5000, samples: 60, buildCommits: 20 },
]

/** A metadata-only data file (no bytes behind it), as test/support/catalogs.ts fakeFile. */
function dataFile(path: string): DataFile {
  return { content: 'data', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 100n, fileSizeInBytes: 4096n }
}

let floorSeq = 0

/** Durable put-if-absent of `payload` in `dir` the way the catalog commits one metadata file, with sync fs calls. */
function linkWrite(dir: string, payload: Uint8Array, durable: boolean): void {
  const n = floorSeq++
  const tmp = join(dir, `.floor-${process.pid}-${n}.tmp`)
  const fd = openSync(tmp, 'wx', 0o644)
  try {
    writeSync(fd, payload)
    if (durable) fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  linkSync(tmp, join(dir, `floor-${process.pid}-${n}.json`))
  unlinkSync(tmp)
  if (durable) {
    const d = openSync(dir, 'r')
    try {
      fsyncSync(d)
    } finally {
      closeSync(d)
    }
  }
}

/** Build `snapshots` snapshots in ~`commits` transactions of merge appends (manifest lists stay ≤ ~100 entries). */
async function buildHistory(table: Table, snapshots: number, commitsWanted: number, prefix: string): Promise<{ table: Table; commits: number }> {
  const per = Math.max(1, Math.ceil(snapshots / commitsWanted))
  let t = table
  let made = 0
  let commits = 0
  while (made < snapshots) {
    const tx = t.transaction()
    const k = Math.min(per, snapshots - made)
    for (let i = 0; i < k; i++) tx.append([dataFile(`${prefix}/h-${made + i}.parquet`)], { merge: true })
    t = await tx.commit()
    made += k
    commits++
  }
  return { table: t, commits }
}

interface Sizes {
  readonly metadataBytes: number
  readonly manifests: number
}

/** What the floors copy from the table's current state (read outside the timed region). */
async function floorInputs(t: Table): Promise<{ meta: unknown; list: Uint8Array; listPath: string; manifest: Uint8Array; sizes: Sizes }> {
  const loc = t.metadataLocation
  const text = readFileSync(loc, 'utf8')
  const snap = t.currentSnapshot()!
  const manifests = await snapshotManifests(t.env.io, t.metadata, snap)
  return {
    meta: JSON.parse(text),
    listPath: snap.manifestList!,
    list: readFileSync(snap.manifestList!),
    manifest: readFileSync(manifests[0]!.manifestPath),
    sizes: { metadataBytes: text.length, manifests: manifests.length },
  }
}

interface Row {
  readonly shape: Shape
  readonly tables: number
  readonly startSizes: Sizes
  readonly buildMs: number
  readonly buildCommits: number
  readonly times: Map<string, number[]>
}

const F1 = 'F1 link floor'
const F2 = 'F2 = F1 + metadata JSON'
const F3 = 'F3 = F2 + manifest + list'
const FLOE = 'floe table.append([file])'

async function measure(root: string, shape: Shape): Promise<Row> {
  const catalog = new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(root, `wh-${shape.snapshots}`))
  await catalog.createNamespace('db')
  const perTable = shape.snapshots < 100 ? shape.snapshots : shape.samples
  const tables = Math.ceil(shape.samples / perTable)
  const times = new Map<string, number[]>([F1, F2, F3, FLOE].map((k) => [k, []]))
  let buildMs = 0
  let buildCommits = 0
  let startSizes: Sizes | undefined
  let sample = 0
  const small = new Uint8Array(1024).fill(0x20)
  for (let ti = 0; ti < tables; ti++) {
    let t = await catalog.createTable(`db.t${ti}`, { schema: SCHEMA })
    const b0 = performance.now()
    const built = await buildHistory(t, shape.snapshots, shape.buildCommits, `${t.metadata.location}/data`)
    buildMs += performance.now() - b0
    buildCommits += built.commits
    t = built.table
    const dir = join(t.metadata.location, 'metadata')
    let inputs = await floorInputs(t)
    startSizes ??= inputs.sizes
    for (let i = 0; i < perTable && sample < shape.samples; i++, sample++) {
      if (i % 10 === 0) inputs = await floorInputs(t)
      const { meta, list, listPath, manifest } = inputs
      const contenders: [string, () => Promise<void> | void][] = [
        [F1, () => linkWrite(dir, small, true)],
        [F2, () => linkWrite(dir, Buffer.from(JSON.stringify(meta)), true)],
        [
          F3,
          () => {
            readFileSync(listPath)
            linkWrite(dir, manifest, true)
            linkWrite(dir, list, true)
            linkWrite(dir, Buffer.from(JSON.stringify(meta)), true)
          },
        ],
        [
          FLOE,
          async () => {
            t = await t.append([dataFile(`${t.metadata.location}/data/m-${sample}.parquet`)])
          },
        ],
      ]
      // rotate the order so no contender always follows another
      for (let k = 0; k < contenders.length; k++) {
        const [name, fn] = contenders[(k + sample) % contenders.length]!
        const t0 = performance.now()
        await fn()
        times.get(name)!.push(performance.now() - t0)
      }
    }
  }
  return { shape, tables, startSizes: startSizes!, buildMs, buildCommits, times }
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))

/** Run B2; returns the markdown report. */
export async function run(shapes: readonly Shape[] = SHAPES): Promise<{ text: string }> {
  const root = mkdtempSync(join(tmpdir(), 'floe-bench-commit-'))
  const load0 = loadavg()[0]!
  const rows: Row[] = []
  try {
    for (const s of shapes) rows.push(await measure(root, s))
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  const lines = [
    '## B2: durable one-file append commit, file-system catalog',
    '',
    '| snapshots (metadata.json, manifests in list) | samples | F1 link floor p50 / p99 ms | F2 +metadata JSON p50 / p99 | F3 +manifest+list p50 / p99 | **floe** p50 / p99 | floe/F1 p50 · p99 | floe/F2 p50 · p99 | floe/F3 p50 · p99 |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  const verdicts: string[] = []
  for (const r of rows) {
    const p = (k: string, q: number): number => percentile(r.times.get(k)!, q)
    const pair = (k: string): string => `${fmt(p(k, 50))} / ${fmt(p(k, 99))}`
    const ratio = (ref: string): string => `${(p(FLOE, 50) / p(ref, 50)).toFixed(2)}× · ${(p(FLOE, 99) / p(ref, 99)).toFixed(2)}×`
    const range = r.shape.snapshots < 100 ? `${r.shape.snapshots}–${2 * r.shape.snapshots - 1}` : `${r.shape.snapshots}–${r.shape.snapshots + r.shape.samples - 1}`
    lines.push(
      `| ${range} (${(r.startSizes.metadataBytes / 1024).toFixed(0)} KiB, ${r.startSizes.manifests}) | ${r.shape.samples}${r.tables > 1 ? ` (${r.tables} tables)` : ''} | ${pair(F1)} | ${pair(F2)} | ${pair(F3)} | **${pair(FLOE)}** | ${ratio(F1)} | ${ratio(F2)} | ${ratio(F3)} |`,
    )
    const ok = (ref: string): boolean => p(FLOE, 50) <= 2 * p(ref, 50) && p(FLOE, 99) <= 3 * p(ref, 99)
    verdicts.push(`${r.shape.snapshots}: vs F1 ${ok(F1) ? 'met' : 'NOT met'}, vs F2 ${ok(F2) ? 'met' : 'NOT met'}, vs F3 ${ok(F3) ? 'met' : 'NOT met'}`)
  }
  if (rows.length > 1) {
    const a = rows[0]!
    const b = rows[rows.length - 1]!
    const per1k = (r: Row, k: string): number => percentile(r.times.get(k)!, 50)
    const slope = (k: string): number => ((per1k(b, k) - per1k(a, k)) / (b.shape.snapshots - a.shape.snapshots)) * 1000
    lines.push('', `Slope of p50 from ${a.shape.snapshots} to ${b.shape.snapshots} snapshots: floe ${slope(FLOE).toFixed(1)} ms per 1k snapshots, F2 ${slope(F2).toFixed(1)} (ratio ${(slope(FLOE) / slope(F2)).toFixed(2)}×, goal ≤ 1.2×).`)
  }
  lines.push(
    '',
    `History: built with merge appends (Java's MergeAppend default), ${rows.map((r) => `${r.shape.snapshots} snapshots = ${r.buildCommits / r.tables} commits of ≤${Math.ceil(r.shape.snapshots / r.shape.buildCommits)} appends in ${(r.buildMs / 1000 / r.tables).toFixed(1)} s per table`).join('; ')}` +
      ' (a transaction of k appends commits k snapshots, each its own manifest and manifest list, in one metadata write: same metadata as k commits, except a shorter metadata log). Measured commits are fast appends of one metadata-only data file; samples rotate F1/F2/F3/floe; p99 of ≤120 samples is close to the maximum.',
    'floe writes the manifest, the manifest list and the metadata file durably (fsync file + fsync dir each, like F3) with async node:fs calls: the manifest and the manifest list at the same time, the metadata file staged (written and fsynced under a temporary name) meanwhile and linked once both are durable (decisions/0007); version-hint is best-effort without fsync, staged too.',
    `1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores).`,
    `Goal p50 ≤ 2× and p99 ≤ 3× — ${verdicts.join(' | ')}`,
  )
  return { text: lines.join('\n') }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log((await run()).text)
