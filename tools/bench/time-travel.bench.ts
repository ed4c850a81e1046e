// B8 time travel (performance.md §3): a v2 table with 1,000 snapshots (Java-style summaries, metadata ≈ 0.5 MB)
// whose snapshots each list one small manifest (10 files). The goal (issue 3): floe `Table.load` +
// `scan({ snapshot: { asOfTimestampMs } })` (load the table and resolve the snapshot) ≤ 2× the floor: read the
// same metadata file, `JSON.parse`, binary-search the snapshot log. Also reported: the same plus `planFiles()`
// against that floor plus avsc decoding of the snapshot's manifest list and manifest (the §2c/B1 floor).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultEnv } from '../../src/env.js'
import { applyUpdates } from '../../src/spec/apply-updates.js'
import { writeManifest } from '../../src/spec/avro/manifest-codec.js'
import { writeManifestList } from '../../src/spec/avro/manifest-list-codec.js'
import { writeTableMetadata } from '../../src/spec/json/metadata-write.js'
import type { ManifestEntry } from '../../src/spec/manifest.js'
import { newTableMetadata } from '../../src/spec/new-table.js'
import type { TableMetadata } from '../../src/spec/table-metadata.js'
import { Table } from '../../src/table/table.js'
import { interleave, report } from './harness.js'
import { avscDecode } from './manifest-decode.bench.js'
import { PLAN_SCHEMA, PLAN_SPEC, longBytes, rng, timedRuns } from './plan.bench.js'

const SNAPSHOTS = 1000
const FILES = 10
const T0 = 1_700_000_000_000n
/** Milliseconds between commits. */
const STEP = 60_000n

/** A B8 table on disk. */
export interface HistoryTable {
  readonly dir: string
  readonly metadataFile: string
  readonly metadataBytes: number
}

/** Write a table with `snapshots` appends, each with its own manifest list naming one 10-file manifest. */
export function buildHistoryTable(snapshots = SNAPSHOTS, seed = 5): HistoryTable {
  const dir = mkdtempSync(join(tmpdir(), 'floe-b8-'))
  mkdirSync(join(dir, 'metadata'))
  const next = rng(seed)
  const id63 = (): bigint => (BigInt(Math.floor(next() * 2 ** 31)) << 32n) | BigInt(Math.floor(next() * 2 ** 32))
  const entries: ManifestEntry[] = Array.from({ length: FILES }, (_, i) => ({
    status: 'added',
    dataFile: {
      content: 'data',
      filePath: `${dir}/data/part=${i % 10}/00000-${i}-0c1f8e8f-2c1f-4a7e-9b6f-0e5e5b0c1f8e-00001.parquet`,
      fileFormat: 'PARQUET',
      specId: 0,
      partition: [BigInt(i % 10)],
      recordCount: 1000n,
      fileSizeInBytes: 65536n,
      lowerBounds: new Map([[1, longBytes(BigInt(i % 10))]]),
      upperBounds: new Map([[1, longBytes(BigInt(i % 10))]]),
    },
  }))
  const manifest = writeManifest(entries, { formatVersion: 2, spec: PLAN_SPEC, schema: PLAN_SCHEMA })
  let md: TableMetadata = newTableMetadata({ schema: PLAN_SCHEMA, spec: PLAN_SPEC, location: dir }, '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', T0)
  let parent: bigint | undefined
  for (let k = 1; k <= snapshots; k++) {
    const snapshotId = id63()
    const seq = BigInt(k)
    const manifestPath = `${dir}/metadata/0e5e5b0c-1f8e-4a7e-9b6f-${k}-m0.avro`
    writeFileSync(manifestPath, manifest)
    const listPath = `${dir}/metadata/snap-${snapshotId}-1-${k}.avro`
    const list = [{ manifestPath, manifestLength: BigInt(manifest.length), partitionSpecId: 0, content: 'data' as const, sequenceNumber: seq, minSequenceNumber: seq, addedSnapshotId: snapshotId, addedFilesCount: FILES, existingFilesCount: 0, deletedFilesCount: 0, addedRowsCount: 10_000n, existingRowsCount: 0n, deletedRowsCount: 0n, partitions: [{ containsNull: false, containsNan: false, lowerBound: longBytes(0n), upperBound: longBytes(9n) }] }]
    writeFileSync(listPath, writeManifestList(list, { formatVersion: 2, snapshotId, sequenceNumber: seq, ...(parent === undefined ? {} : { parentSnapshotId: parent }) }))
    const ts = T0 + BigInt(k) * STEP
    const total = BigInt(k) * 10_000n
    const summary = {
      operation: 'append' as const,
      'added-data-files': String(FILES),
      'added-records': '10000',
      'total-records': String(total),
      'total-files-size': String(BigInt(k) * 655_360n),
      'total-data-files': String(k * FILES),
      'total-delete-files': '0',
    }
    md = applyUpdates(
      md,
      [
        { action: 'add-snapshot', snapshot: { snapshotId, ...(parent === undefined ? {} : { parentSnapshotId: parent }), sequenceNumber: seq, timestampMs: ts, manifestList: listPath, summary, schemaId: 0 } },
        { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId, type: 'branch' } },
      ],
      ts,
    )
    parent = snapshotId
  }
  const metadataFile = `${dir}/metadata/v${snapshots + 1}.metadata.json`
  writeFileSync(metadataFile, writeTableMetadata(md))
  return { dir, metadataFile, metadataBytes: statSync(metadataFile).size }
}

interface JsonSnapshot {
  'snapshot-id': number
  'manifest-list': string
}
interface JsonMetadata {
  snapshots: JsonSnapshot[]
  'snapshot-log': { 'timestamp-ms': number; 'snapshot-id': number }[]
}

/** The floor: read + JSON.parse the metadata, binary-search the snapshot log; optionally avsc-decode the list and manifests. */
export async function floor(metadataFile: string, asOfMs: number, plan: boolean): Promise<number> {
  const md = JSON.parse((await readFile(metadataFile)).toString('utf8')) as JsonMetadata
  const log = md['snapshot-log']
  let lo = 0
  let hi = log.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (log[mid]!['timestamp-ms'] <= asOfMs) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  const id = log[found]!['snapshot-id']
  const snap = md.snapshots.find((s) => s['snapshot-id'] === id)!
  if (!plan) return id
  let n = 0
  for (const mf of avscDecode(await readFile(snap['manifest-list'])) as { manifest_path: string }[]) n += avscDecode(await readFile(mf.manifest_path)).length
  return n
}

const REPEAT = 10
const RESOLVE = `floe Table.load + scan(asOf) ×${REPEAT}`
const FLOE = `floe Table.load + scan(asOf) + planFiles ×${REPEAT}`
const PARSE = `readFile + JSON.parse + binary search ×${REPEAT}`
const FLOOR = `… + avsc decode of list and manifest ×${REPEAT}`

/** Run B8; returns the markdown report and the headline ratio (floe load + resolve / read + JSON.parse + search). */
export async function run(): Promise<{ text: string; ratio: number }> {
  const t = buildHistoryTable()
  try {
    const env = defaultEnv()
    const asOf = T0 + 400n * STEP + STEP / 2n // between snapshots 400 and 401 → snapshot 400
    const resolve = async (): Promise<bigint | undefined> => (await Table.load(env, t.metadataFile)).scan({ snapshot: { asOfTimestampMs: asOf } }).snapshot?.snapshotId
    const floe = async (): Promise<number> => {
      const table = await Table.load(env, t.metadataFile)
      return (await table.scan({ snapshot: { asOfTimestampMs: asOf } }).planFiles()).length
    }
    const check = await Table.load(env, t.metadataFile)
    const want = check.metadata.snapshotLog[399]!.snapshotId
    const scan = check.scan({ snapshot: { asOfTimestampMs: asOf } })
    if (scan.snapshot?.snapshotId !== want || (await resolve()) !== want || (await floe()) !== FILES || (await floor(t.metadataFile, Number(asOf), true)) !== FILES) throw new Error('time-travel check failed')
    const times = (fn: () => Promise<unknown>) => async (): Promise<void> => {
      for (let i = 0; i < REPEAT; i++) await fn()
    }
    const timed = timedRuns(
      [
        { name: PARSE, run: times(() => floor(t.metadataFile, Number(asOf), false)) },
        { name: RESOLVE, run: times(resolve) },
        { name: FLOOR, run: times(() => floor(t.metadataFile, Number(asOf), true)) },
        { name: FLOE, run: times(floe) },
      ],
      3,
    )
    const load0 = loadavg()[0]!
    await interleave(timed.contenders, 21, 3)
    const medians = timed.wall()
    const cpu = timed.cpu()
    const cr = (a: string, b: string): string => `CPU ratio ${(cpu.get(a)! / cpu.get(b)!).toFixed(2)}`
    const f = medians.get(FLOE)!
    const r = medians.get(RESOLVE)!
    const ratio = r / medians.get(PARSE)!
    const title = `B8 time travel: ${SNAPSHOTS} snapshots, ${(t.metadataBytes / 1e6).toFixed(2)} MB metadata, as-of → snapshot 400 (1 manifest × ${FILES} files)`
    const text = [
      report(title, medians, PARSE),
      '',
      report('same runs, process CPU time (ms, all threads)', cpu, PARSE).replace(/^## /, '### '),
      '',
      `1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores)`,
      `floe ${(r / REPEAT).toFixed(2)} ms per load + as-of lookup (${((t.metadataBytes / (r / REPEAT)) / 1e3).toFixed(0)} MB/s of metadata), ${(f / REPEAT).toFixed(2)} ms with the plan`,
      `B8 load + resolve as-of vs readFile + JSON.parse + search: ratio ${ratio.toFixed(2)} (goal ≤ 2.00; ${cr(RESOLVE, PARSE)})`,
      `B8 load + resolve + plan vs that floor + avsc list/manifest: ratio ${(f / medians.get(FLOOR)!).toFixed(2)} (reported; ${cr(FLOE, FLOOR)})`,
    ].join('\n')
    return { text, ratio }
  } finally {
    rmSync(t.dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
