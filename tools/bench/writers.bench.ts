// B4: N writer processes (append-worker.ts, forked once and reused; spawn excluded from timing by a ready/go
// barrier) each making K one-file append commits to ONE table, through the file-system catalog and the SQLite
// catalog, against our own single writer making the same number of commits (same procedure, same history
// growth) measured in the same run. Configurations are interleaved round by round; every run starts from a
// new empty table. Checks: no lost commits (every snapshot a writer reported is in the final main history,
// and the history holds nothing else), no failed commits, and total-records equals the records appended.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Catalog } from '../../src/catalog/catalog.js'
import { openCatalog } from '../../src/catalog/open.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import type { FromWorker, ToWorker, WorkerArgs } from './append-worker.js'
import { median, percentile } from './harness.js'

/** Table properties for every run: enough retries that contention never fails a commit, short waits. */
export const RETRY_PROPS: Readonly<Record<string, string>> = {
  'commit.retry.num-retries': '100',
  'commit.retry.min-wait-ms': process.env.FLOE_B4_MIN_WAIT_MS ?? '1',
  'commit.retry.max-wait-ms': process.env.FLOE_B4_MAX_WAIT_MS ?? '8',
}

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string)])
const WORKER = fileURLToPath(new URL('./append-worker.ts', import.meta.url))
const RECORDS_PER_FILE = 100

type Done = Extract<FromWorker, { type: 'done' }>

/** One measured run of N writers. */
interface RunResult {
  readonly writers: number
  readonly commitsPerS: number
  readonly commits: number
  readonly failed: number
  readonly lost: number
  readonly extra: number
  readonly recordsOk: boolean
  readonly conflictsPerCommit: number
  readonly fairness: number
  readonly p50: number
  readonly p99: number
}

function execArgv(): string[] {
  // under tsx the parent's flags load TypeScript; otherwise add the tsx loader
  return process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : ['--import', import.meta.resolve('tsx')]
}

/** Wait for the next message of `type` from a child (rejects if it exits first). */
function nextMessage<K extends FromWorker['type']>(c: ChildProcess, type: K): Promise<Extract<FromWorker, { type: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWorker): void => {
      if (m.type !== type) return
      c.off('message', onMessage)
      c.off('exit', onExit)
      resolve(m as Extract<FromWorker, { type: K }>)
    }
    const onExit = (code: number | null): void => reject(new Error(`writer process exited (${code}) before sending ${type}`))
    c.on('message', onMessage)
    c.once('exit', onExit)
  })
}

const parentCatalogs = new Map<string, Catalog>()

async function runWriters(pool: readonly ChildProcess[], catalogSpec: string, table: string, writers: number, commits: number): Promise<RunResult> {
  let catalog = parentCatalogs.get(catalogSpec)
  if (!catalog) parentCatalogs.set(catalogSpec, (catalog = openCatalog(catalogSpec, defaultEnv(new LocalFileIO()))))
  if (!(await catalog.namespaceExists('db'))) await catalog.createNamespace('db')
  await catalog.createTable(table, { schema: SCHEMA, properties: RETRY_PROPS })
  const children = pool.slice(0, writers)
  const ready = children.map((c) => nextMessage(c, 'ready'))
  children.forEach((c, w) => c.send({ type: 'job', args: { catalog: catalogSpec, table, writer: w, commits, recordsPerFile: RECORDS_PER_FILE } satisfies WorkerArgs } satisfies ToWorker))
  await Promise.all(ready)
  const done = children.map((c) => nextMessage(c, 'done'))
  for (const c of children) c.send({ type: 'go' } satisfies ToWorker)
  const results: Done[] = await Promise.all(done)

  const final = await catalog.loadTable(table)
  const ancestry = new Set<string>()
  for (let s = final.currentSnapshot(); s; s = s.parentSnapshotId === undefined ? undefined : final.metadata.snapshots.find((x) => x.snapshotId === s!.parentSnapshotId))
    ancestry.add(String(s.snapshotId))
  const reported = results.flatMap((r) => r.snapshotIds)
  const lost = reported.filter((id) => !ancestry.has(id)).length
  // snapshots in the history that no writer reported (a duplicated or phantom commit)
  const extra = ancestry.size - (reported.length - lost)
  const records = results.reduce((s, r) => s + BigInt(r.records), 0n)
  const totalRecords = final.currentSnapshot()?.summary['total-records']
  const recordsOk = totalRecords === String(records)
  for (const r of results) for (const e of r.errors.slice(0, 3)) console.error(`writer ${r.writer}: ${e}`)

  const start = Math.min(...results.map((r) => r.startMs))
  const end = Math.max(...results.map((r) => r.endMs))
  const total = results.reduce((s, r) => s + r.commits, 0)
  const perWriter = results.map((r) => r.commits / ((r.endMs - r.startMs) / 1000))
  const latencies = results.flatMap((r) => r.latencies)
  return {
    writers,
    commitsPerS: total / ((end - start) / 1000),
    commits: total,
    failed: results.reduce((s, r) => s + r.failures, 0),
    lost,
    extra,
    recordsOk,
    conflictsPerCommit: (results.reduce((s, r) => s + r.attempts, 0) - total) / Math.max(1, total),
    fairness: Math.min(...perWriter) / Math.max(...perWriter),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }
}

/** Benchmark settings. */
export interface WritersOptions {
  readonly writerCounts?: readonly number[]
  readonly commitsPerWriter?: number
  readonly rounds?: number
}

/** Run B4; returns the markdown report. */
export async function run(opts: WritersOptions = {}): Promise<{ text: string }> {
  const counts = opts.writerCounts ?? [4, 8]
  const k = opts.commitsPerWriter ?? 20
  const rounds = opts.rounds ?? 3
  const root = mkdtempSync(join(tmpdir(), 'floe-bench-writers-'))
  const kinds: Record<string, string> = {
    filesystem: `file:${join(root, 'fs-warehouse')}`,
    sqlite: `sqlite:${join(root, 'catalog.db')}?warehouse=${join(root, 'sql-warehouse')}`,
  }
  const load0 = loadavg()[0]!
  const all = new Map<string, RunResult[]>()
  // one pool of worker processes for every run: spawning and module loading happen once, before any timing
  const pool = Array.from({ length: Math.max(...counts) }, () => fork(WORKER, [], { execArgv: execArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
  let n = 0
  try {
    // warm-up (JIT in every worker), not recorded
    for (const spec of Object.values(kinds)) await runWriters(pool, spec, `db.t${n++}`, pool.length, 5)
    for (let r = 0; r < rounds; r++)
      for (const [kind, spec] of Object.entries(kinds))
        for (const w of counts)
          // the reference: one writer making the same number of commits (same history growth), then N writers
          for (const [key, writers, commits] of [[`${kind}/${w}/ref`, 1, w * k], [`${kind}/${w}`, w, k]] as const) {
            const res = await runWriters(pool, spec, `db.t${n++}`, writers, commits)
            all.set(key, [...(all.get(key) ?? []), res])
          }
  } finally {
    for (const c of pool) if (c.connected) c.send({ type: 'exit' } satisfies ToWorker)
    await Promise.all(pool.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)))
    rmSync(root, { recursive: true, force: true })
  }
  const lines = [
    `## B4: concurrent writers on one table, ${k} one-file append commits per writer (median of ${rounds} interleaved runs)`,
    '',
    '| catalog | writers × commits | commits/s | ratio to 1 writer | conflicts/commit | p50 / p99 ms | fairness min/max | lost / extra | failed | total-records ok |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ]
  const verdicts: string[] = []
  for (const kind of Object.keys(kinds))
    for (const w of counts) {
      const single = median(all.get(`${kind}/${w}/ref`)!.map((x) => x.commitsPerS))
      for (const [key, label] of [[`${kind}/${w}/ref`, `1 × ${w * k} (reference)`], [`${kind}/${w}`, `${w} × ${k}`]] as const) {
        const rs = all.get(key)!
        const cps = median(rs.map((x) => x.commitsPerS))
        const fair = median(rs.map((x) => x.fairness))
        const lost = rs.reduce((s, x) => s + x.lost, 0)
        const extra = rs.reduce((s, x) => s + x.extra, 0)
        const failed = rs.reduce((s, x) => s + x.failed, 0)
        const ok = rs.every((x) => x.recordsOk)
        const ref = key.endsWith('/ref')
        lines.push(
          `| ${kind} | ${label} | ${cps.toFixed(0)} | ${(cps / single).toFixed(2)}× | ${median(rs.map((x) => x.conflictsPerCommit)).toFixed(2)} | ${median(rs.map((x) => x.p50)).toFixed(1)} / ${median(rs.map((x) => x.p99)).toFixed(1)} | ${ref ? '—' : fair.toFixed(2)} | ${lost} / ${extra} | ${failed} | ${ok ? 'yes' : 'NO'} |`,
        )
        if (!ref) verdicts.push(`${kind} N=${w}: ${cps / single >= 0.7 && fair >= 0.5 && lost === 0 && extra === 0 && failed === 0 && ok ? 'met' : 'NOT met'} (ratio ${(cps / single).toFixed(2)}, fairness ${fair.toFixed(2)})`)
      }
    }
  lines.push(
    '',
    `Retry policy for every run: ${Object.entries(RETRY_PROPS).map(([p, v]) => `\`${p}=${v}\``).join(', ')} (exponential backoff, each wait drawn from 50–100 % of min·2^(n−1) capped at max). ` +
      'Worker processes are forked once and reused (ready/go barrier per run, after a warm-up run per catalog); every run starts from a new empty table; the reference is one writer making the same total number of commits, so the history grows the same way. commits/s = all commits / (last commit end − first go); fairness = min/max of per-writer commits/s; lost and failed are summed over all runs.',
    `1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores).`,
    `Goal ratio ≥ 0.7×, fairness ≥ 0.5, 0 lost, 0 failed — ${verdicts.join(' | ')}`,
  )
  return { text: lines.join('\n') }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log((await run()).text)
