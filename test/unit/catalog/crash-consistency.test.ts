// Crash consistency with real processes: writers doing random commits are SIGKILLed at random moments (alone, and one of two), and each time the table loads at its last committed state (or the one landing as the writer died), every file any snapshot references exists and reads, and the next writer commits (CRASH_ROUNDS, CRASH_SEED for longer soak runs).
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { hadoopVersion } from '../../../src/catalog/hadoop-versions.js'
import { openCatalog } from '../../../src/catalog/open.js'
import { defaultEnv } from '../../../src/env.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import type { ManifestEntry, ManifestFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import { ancestors } from '../../../src/spec/snapshot.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T } from '../../../src/spec/types.js'
import { loadMetadataFile } from '../../../src/table/load.js'
import type { Table } from '../../../src/table/table.js'
import { REPO_ROOT } from '../../support/corpus.js'
import { duckdb } from '../../support/corpus/duckdb.js'
import { tempDir } from '../../support/catalogs.js'
import { fromWire, seeded, type ModelState, type WorkerLine } from '../../support/crash-worker.js'

const WORKER = join(REPO_ROOT, 'test', 'support', 'crash-worker.ts')

/** Kills of the lone writer per catalog (default 2, a few seconds each); the two-writer scenario runs a third as many rounds. */
const ROUNDS = envInt('CRASH_ROUNDS', 2)
const SEED = envInt('CRASH_SEED', 66)

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return n
}

const TABLE = 'db.t'
const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'worker', T.int, { required: true }), field(3, 'part', T.int, { required: true }), field(4, 'v', T.int, { required: true })])

const specs = (dir: string): Record<'filesystem' | 'sqlite', string> => ({
  filesystem: `file:${join(dir, 'wh')}`,
  sqlite: `sqlite:${join(dir, 'catalog.db')}?warehouse=${join(dir, 'wh')}`,
})

/** A catalog on a fresh FileIO (no read caches shared with an earlier check). */
const fresh = (spec: string): Catalog => openCatalog(spec, defaultEnv(new LocalFileIO()))

async function newTable(spec: string, formatVersion: FormatVersion): Promise<Table> {
  const catalog = fresh(spec)
  await catalog.createNamespace('db')
  return catalog.createTable(TABLE, {
    schema: SCHEMA,
    formatVersion,
    spec: { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'part', transform: Transforms.identity }] },
    properties: { 'commit.retry.num-retries': '200', 'commit.retry.min-wait-ms': '5', 'commit.retry.max-wait-ms': '100' },
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A crash-worker process and the lines it printed (a line cut short by the kill is dropped: it was an intent or a commit not yet reported). */
class Worker {
  readonly lines: WorkerLine[] = []
  /** When each line arrived (ms, performance.now). */
  private readonly arrived: number[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private readonly proc: ChildProcess
  private stderr = ''
  private pending = ''
  private done = false
  private wake: Array<() => void> = []

  constructor(
    spec: string,
    readonly worker: number,
    readonly run: number,
    seed: number,
  ) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', WORKER, spec, TABLE, JSON.stringify({ worker, run, seed })], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    this.proc.stdout!.on('data', (d: Buffer) => {
      this.pending += d.toString()
      let i: number
      while ((i = this.pending.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.pending.slice(0, i)) as WorkerLine)
        this.arrived.push(performance.now())
        this.pending = this.pending.slice(i + 1)
      }
      this.notify()
    })
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()))
    this.exited = new Promise((resolve) =>
      this.proc.on('close', (code, signal) => {
        this.done = true
        this.notify()
        resolve({ code, signal })
      }),
    )
  }

  private notify(): void {
    for (const w of this.wake.splice(0)) w()
  }

  /** Wait until `pred` holds of the lines; fails when the worker exits first or `timeoutMs` passes. */
  async until(pred: (lines: readonly WorkerLine[]) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!pred(this.lines)) {
      if (this.done) throw new Error(`worker ${this.worker} (run ${this.run}) exited before ${what}: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`worker ${this.worker} (run ${this.run}): no ${what} within ${timeoutMs} ms: ${this.stderr}`)
      await new Promise<void>((r) => {
        this.wake.push(r)
        setTimeout(r, 200)
      })
    }
  }

  /** How long each reported operation took, from its intent to its commit line. */
  durations(): number[] {
    return this.lines.flatMap((l, i) => (l.t === 'commit' && i > 0 && this.lines[i - 1]!.t === 'intent' ? [this.arrived[i]! - this.arrived[i - 1]!] : []))
  }

  count(t: WorkerLine['t']): number {
    return this.lines.filter((l) => l.t === t).length
  }

  /** SIGKILL it; it must not have ended on its own before (an error in the worker is a test failure). */
  async kill(): Promise<void> {
    if (this.done) throw new Error(`worker ${this.worker} (run ${this.run}) ended by itself: ${this.stderr}`)
    this.proc.kill('SIGKILL')
    const { signal } = await this.exited
    expect(signal, `worker ${this.worker} run ${this.run}: ${this.stderr}`).toBe('SIGKILL')
  }
}

/**
 * SIGKILL `w` at a random moment, by one of three plans (by round): a random delay after it is ready; near the
 * end of an operation, where its commit lands (a random 60–120 % of the median time its operations took); or a
 * few milliseconds after the k-th operation started, while it writes files.
 */
async function killAtRandom(w: Worker, rand: () => number, round: number): Promise<string> {
  const plan = round % 3
  if (plan === 0) {
    const ms = 50 + Math.floor(rand() * 1450)
    await sleep(ms)
    await w.kill()
    return `${ms} ms after ready`
  }
  if (plan === 1) {
    const k = 3 + Math.floor(rand() * 4)
    await w.until((ls) => ls.filter((l) => l.t === 'commit').length >= k, `${k} commits`)
    const took = w.durations().sort((a, b) => a - b)
    const ms = Math.round(took[took.length >> 1]! * (0.6 + rand() * 0.6))
    const started = w.count('intent')
    await w.until((ls) => ls.filter((l) => l.t === 'intent').length > started, 'the next operation')
    await sleep(ms)
    await w.kill()
    return `${ms} ms into operation ${started} (median ${took[took.length >> 1]!.toFixed(0)} ms)`
  }
  const k = 1 + Math.floor(rand() * 6)
  const ms = Math.floor(rand() * 25)
  await w.until((ls) => ls.filter((l) => l.t === 'intent').length >= k, `intent ${k}`)
  await sleep(ms)
  await w.kill()
  return `${ms} ms after intent ${k}`
}

// ------------------------------------------------------------------------------------------------ model

/** A row in canonical text: non-null columns sorted by name, bigints marked (null columns and absent ones are alike). */
function canon(r: Readonly<Record<string, unknown>>): string {
  return Object.entries(r)
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)}`)
    .join(',')
}
const rowSet = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] => rows.map(canon).sort()
const stateKey = (s: ModelState): string => JSON.stringify([rowSet(s.rows), [...s.columns].sort()])

/** What one worker run told: its start, the states its reported commits made, and the operation in flight when killed. */
interface RunReport {
  readonly worker: number
  readonly ready: { snapshotId: string | null; state: ModelState }
  /** Reported commits in order: the operation, its snapshot id (null on a table without snapshots) and the state after it. */
  readonly commits: ReadonlyArray<{ n: number; op: string; snapshotId: bigint | null; state: ModelState }>
  readonly failed: ReadonlyArray<{ n: number; op: string; code: string; message: string }>
  /** The operation started but not reported: its result may or may not have landed. */
  readonly inflight?: { n: number; op: string; state: ModelState }
  /** The state after the last reported commit (the ready state when none). */
  readonly last: ModelState
}

function report(w: Worker): RunReport {
  const [first, ...rest] = w.lines
  expect(first?.t, `worker ${w.worker} run ${w.run} first line`).toBe('ready')
  const ready = first as Extract<WorkerLine, { t: 'ready' }>
  const commits: Array<RunReport['commits'][number]> = []
  const failed: Array<RunReport['failed'][number]> = []
  let open: Extract<WorkerLine, { t: 'intent' }> | undefined
  for (const l of rest) {
    if (l.t === 'intent') {
      expect(open, `worker ${w.worker} run ${w.run}: intent ${l.n} before operation ${open?.n} ended`).toBeUndefined()
      open = l
      continue
    }
    expect(l.t === 'commit' || l.t === 'failed', `unexpected line ${JSON.stringify(l)}`).toBe(true)
    const n = (l as { n: number }).n
    expect(open?.n, `worker ${w.worker} run ${w.run}: result of ${n} without its intent`).toBe(n)
    if (l.t === 'commit') commits.push({ n, op: open!.op, snapshotId: l.snapshotId === null ? null : BigInt(l.snapshotId), state: fromWire(open!.after) })
    else if (l.t === 'failed') failed.push({ n, op: open!.op, code: l.code, message: l.message })
    open = undefined
  }
  const readyState = fromWire(ready.state)
  return {
    worker: w.worker,
    ready: { snapshotId: ready.snapshotId, state: readyState },
    commits,
    failed,
    ...(open ? { inflight: { n: open.n, op: open.op, state: fromWire(open.after) } } : {}),
    last: commits.length ? commits[commits.length - 1]!.state : readyState,
  }
}

// ------------------------------------------------------------------------------------------------ checks

/** What the checks keep between rounds of one table: parsed immutable files and snapshots already read whole. */
interface History {
  readonly lists: Map<string, ManifestFile[]>
  readonly manifests: Map<string, ManifestEntry[]>
  readonly scanned: Set<bigint>
  /** Snapshots already accounted for (reported, or found legitimately landed in an earlier round). */
  readonly accepted: Set<bigint>
  /** Reported snapshot → the reporting worker and its state there. */
  readonly reported: Map<bigint, { worker: number; state: ModelState }>
  /** Every state each worker may have left in the table (its ready states, reported and in-flight results). */
  readonly states: Map<number, Set<string>>
  /** Highest file-system version whose metadata file was parsed. */
  parsedVersion: number
  /** The version hint the test last wrote as damage. */
  damage?: string
}

const newHistory = (): History => ({ lists: new Map(), manifests: new Map(), scanned: new Set(), accepted: new Set(), reported: new Map(), states: new Map(), parsedVersion: 0 })

/** Rows of one worker (worker column) in a row list. */
const rowsOf = (rows: ReadonlyArray<Record<string, unknown>>, worker: number): Array<Record<string, unknown>> => rows.filter((r) => r.worker === worker)

/**
 * The raw files of a file-system table after a crash: versions v1..vN with no gap, each parsing (never a
 * half-written version file), and a version hint that, when numeric, names no version beyond N.
 */
async function checkVersionFiles(metadataDir: string, h: History): Promise<number> {
  const io = new LocalFileIO()
  const versions: number[] = []
  for await (const s of io.list(`${metadataDir}/`)) {
    const v = hadoopVersion(s.path)
    if (v !== undefined) versions.push(v)
  }
  versions.sort((a, b) => a - b)
  expect(versions, 'version files v1..vN without a gap').toEqual(versions.map((_, i) => i + 1))
  const n = versions.length
  for (let v = h.parsedVersion + 1; v <= n; v++) await loadMetadataFile(io, `${metadataDir}/v${v}.metadata.json`)
  h.parsedVersion = n
  const hint = (await io.stat(`${metadataDir}/version-hint.text`)) ? readFileSync(`${metadataDir}/version-hint.text`, 'utf8').trim() : undefined
  // (the damage of an earlier round stays until a writer replaces the hint)
  if (hint !== undefined && /^\d+$/.test(hint) && hint !== h.damage) expect(Number(hint), 'version hint names an existing version').toBeLessThanOrEqual(n)
  return n
}

/** What a crash of a writer that writes the hint in place can leave in a table folder: a stale, empty, garbage or too-new hint, and a half-written temporary file. */
function damageFileSystemTable(metadataDir: string, n: number, round: number, h: History): void {
  const hint = join(metadataDir, 'version-hint.text')
  const damage = [String(n).slice(0, -1), '\0\0', String(n + 5), '1'][round % 4]!
  writeFileSync(hint, damage)
  h.damage = damage
  const latest = readFileSync(join(metadataDir, `v${n}.metadata.json`))
  writeFileSync(join(metadataDir, `.deadbeef-000000000000-${round}.tmp`), latest.subarray(0, latest.length >> 1))
}

interface Expectation {
  /** Each worker's candidate states: the last reported one, and the in-flight result when there is one. */
  readonly workers: ReadonlyArray<{ worker: number; report: RunReport }>
  /** Exactly one worker ran alone: the snapshot chain since the round began is checked step by step. */
  readonly alone: boolean
}

/**
 * Load through a fresh catalog and check the whole table: its current state is each worker's last reported
 * state or its in-flight result, every snapshot is on main and accounted for, every file any snapshot
 * references exists with its recorded size, new snapshots read in full (reported ones equal the model), and
 * files not referenced are only where writers put files. Returns each worker's resolved state and the orphans.
 */
async function verify(spec: string, h: History, x: Expectation, ctx: string): Promise<{ states: Map<number, ModelState>; landed: number; orphans: string[]; table: Table }> {
  const t = await fresh(spec).loadTable(TABLE)
  const m = t.metadata
  const io = new LocalFileIO()
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]))
  const chain = [...ancestors(t.currentSnapshot(), (id) => byId.get(id))]
  const onMain = new Set(chain.map((s) => s.snapshotId))
  expect(
    m.snapshots.filter((s) => !onMain.has(s.snapshotId)).map((s) => String(s.snapshotId)),
    `${ctx}: every snapshot is on main (a failed commit adds none)`,
  ).toEqual([])

  // reported commits all landed, and their states were what the worker said
  for (const { worker, report: r } of x.workers) {
    const all = h.states.get(worker) ?? new Set<string>()
    h.states.set(worker, all)
    all.add(stateKey(r.ready.state))
    if (r.inflight) all.add(stateKey(r.inflight.state))
    let prev = r.ready.snapshotId === null ? null : BigInt(r.ready.snapshotId)
    let prevState = r.ready.state
    for (const c of r.commits) {
      all.add(stateKey(c.state))
      if (c.snapshotId === null || c.snapshotId === prev) {
        // a commit that made no snapshot (schema change, a delete matching nothing) changed no row
        expect(rowSet(c.state.rows), `${ctx}: worker ${worker} op ${c.n} (${c.op}) made no snapshot but changed rows`).toEqual(rowSet(prevState.rows))
      } else {
        expect(onMain.has(c.snapshotId), `${ctx}: reported snapshot ${c.snapshotId} (worker ${worker} op ${c.n} ${c.op}) is on main`).toBe(true)
        h.reported.set(c.snapshotId, { worker, state: c.state })
        h.accepted.add(c.snapshotId)
        // a transaction's updates land in one swap: its first snapshot is the parent of its last
        if (c.op.startsWith('transaction')) h.accepted.add(byId.get(c.snapshotId)!.parentSnapshotId!)
        if (x.alone) {
          // alone, each commit is a child of the previous one (or a grandchild: a transaction's delete and append)
          const parent = byId.get(c.snapshotId)!.parentSnapshotId ?? null
          const grand = parent === null ? null : (byId.get(parent)?.parentSnapshotId ?? null)
          expect(parent === prev || (c.op.startsWith('transaction') && grand === prev), `${ctx}: op ${c.n} (${c.op}) snapshot ${c.snapshotId} follows ${prev}`).toBe(true)
        }
        prev = c.snapshotId
      }
      prevState = c.state
    }
  }
  // snapshots nobody reported: what the in-flight operations committed as they were killed (a transaction makes two)
  const unexplained = chain.filter((s) => !h.accepted.has(s.snapshotId))
  const inflight = x.workers.filter((w) => w.report.inflight).length
  expect(unexplained.length, `${ctx}: unreported snapshots ${unexplained.map((s) => s.snapshotId).join(', ')} with ${inflight} operation(s) in flight`).toBeLessThanOrEqual(2 * inflight)
  // alone, they can only be the newest: the in-flight operation landed after the last reported commit
  if (x.alone) expect(chain.slice(0, unexplained.length), `${ctx}: unreported snapshots are the newest`).toEqual(unexplained)

  // the current rows: each worker's rows and columns are its last reported state or its in-flight result
  const rows = await t.scan().toArray()
  const columns = t.schema().fields.map((f) => f.name)
  const states = new Map<number, ModelState>()
  let landed = 0 // in-flight operations whose commit landed unreported
  for (const { worker, report: r } of x.workers) {
    const actual: ModelState = { rows: rowsOf(rows, worker) as unknown as ModelState['rows'], columns: columns.filter((c) => c.startsWith(`w${worker}_`)) }
    const candidates = [r.last, ...(r.inflight ? [r.inflight.state] : [])]
    const hit = candidates.find((c) => stateKey(c) === stateKey(actual))
    if (!hit) {
      // a readable diff against the last reported state
      expect({ rows: rowSet(actual.rows), columns: actual.columns }, `${ctx}: worker ${worker} rows match neither its last reported state nor its in-flight ${r.inflight?.op ?? '(none)'}`).toEqual({
        rows: rowSet(r.last.rows),
        columns: [...r.last.columns],
      })
    }
    if (x.alone && unexplained.length) expect(stateKey(actual), `${ctx}: the in-flight ${r.inflight?.op} made snapshots, so its result is the state`).toBe(stateKey(r.inflight!.state))
    states.set(worker, hit!)
    if (stateKey(hit!) !== stateKey(r.last)) landed++
  }
  expect(
    rows.filter((r) => !h.states.has(r.worker as number)),
    `${ctx}: rows of no known worker`,
  ).toEqual([])

  // every file any snapshot references exists with the size its manifest records
  const referenced = new Set<string>([t.metadataLocation, ...m.metadataLog.map((e) => e.metadataFile)])
  for (const e of m.metadataLog) expect(await io.stat(e.metadataFile), `${ctx}: metadata log file ${e.metadataFile}`).toBeDefined()
  const manifestFiles = new Map<string, ManifestFile>()
  for (const s of m.snapshots) {
    const list = s.manifestList!
    referenced.add(list)
    expect(await io.stat(list), `${ctx}: manifest list of snapshot ${s.snapshotId}`).toBeDefined()
    let mfs = h.lists.get(list)
    if (!mfs) h.lists.set(list, (mfs = [...readManifestList(await io.read(list), { file: list }).manifests]))
    for (const mf of mfs) manifestFiles.set(mf.manifestPath, mf)
  }
  for (const mf of manifestFiles.values()) {
    referenced.add(mf.manifestPath)
    expect((await io.stat(mf.manifestPath))?.size, `${ctx}: manifest ${mf.manifestPath}`).toBe(Number(mf.manifestLength))
    let entries = h.manifests.get(mf.manifestPath)
    if (!entries) h.manifests.set(mf.manifestPath, (entries = [...readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, formatVersion: m.formatVersion }).entries]))
    for (const e of entries) {
      // deleted entries too: an older snapshot still references the file (no snapshot ever expires here)
      const f = e.dataFile
      if (referenced.has(f.filePath)) continue
      referenced.add(f.filePath)
      expect((await io.stat(f.filePath))?.size, `${ctx}: ${f.content} file ${f.filePath}`).toBe(Number(f.fileSizeInBytes))
    }
  }

  // every snapshot not read before reads in full (data and delete files); reported ones hold their worker's state
  for (const s of m.snapshots) {
    if (h.scanned.has(s.snapshotId)) continue
    const got = await t.scan({ snapshot: { snapshotId: s.snapshotId } }).toArray()
    const rep = h.reported.get(s.snapshotId)
    if (rep) {
      expect(rowSet(rowsOf(got, rep.worker)), `${ctx}: rows of worker ${rep.worker} at its snapshot ${s.snapshotId}`).toEqual(rowSet(rep.state.rows))
      for (const other of h.states.keys()) {
        if (other === rep.worker) continue
        const key = stateKey({ rows: rowsOf(got, other) as unknown as ModelState['rows'], columns: [] })
        const known = [...h.states.get(other)!].map((k) => JSON.stringify([JSON.parse(k)[0], []]))
        expect(known, `${ctx}: worker ${other}'s rows at snapshot ${s.snapshotId} are a state it had`).toContain(key)
      }
    }
    h.scanned.add(s.snapshotId)
  }
  for (const s of chain) h.accepted.add(s.snapshotId)

  // files nobody references: left by the killed operations; only where writers put files
  const loc = m.location.replace(/\/+$/, '')
  const orphans: string[] = []
  for await (const s of io.list(`${loc}/`)) {
    const p = s.path
    if (referenced.has(p) || p.endsWith('/version-hint.text') || hadoopVersion(p) !== undefined) continue
    orphans.push(p)
  }
  expect(orphans.filter((p) => !p.startsWith(`${loc}/data/`) && !p.startsWith(`${loc}/metadata/`)), `${ctx}: orphans outside data/ and metadata/`).toEqual([])
  return { states, landed, orphans, table: t }
}

/**
 * A writer in the test process commits on top of whatever the crashes left, and DuckDB reads its data file
 * by field id with the rows written.
 */
async function finalAppend(spec: string, expected: ReadonlyMap<number, ModelState>): Promise<void> {
  const t = await fresh(spec).loadTable(TABLE)
  const rows = [0, 1, 2].map((i) => ({ id: 9_000_000_000n + BigInt(i), worker: 9, part: 90, v: i }))
  const next = await t.appendRows(rows)
  const after = await fresh(spec).loadTable(TABLE)
  expect(after.currentSnapshot()!.snapshotId).toBe(next.currentSnapshot()!.snapshotId)
  const all = await after.scan().toArray()
  const want = [...[...expected.values()].flatMap((s) => s.rows), ...rows]
  expect(rowSet(all)).toEqual(rowSet(want))
  const tasks = await after.scan({ filter: 'part = 90' }).planFiles()
  expect(tasks).toHaveLength(1)
  const ids = Object.fromEntries(after.schema().fields.map((f) => [f.name, f.id]))
  const c = await duckdb()
  const file = tasks[0]!.file.filePath.replace(/'/g, "''")
  const reader = await c.runAndReadAll(
    `SELECT c_id, c_worker, c_part, c_v FROM read_parquet('${file}', schema = MAP {${ids.id}: {name: 'c_id', type: 'BIGINT', default_value: NULL}, ${ids.worker}: {name: 'c_worker', type: 'INTEGER', default_value: NULL}, ${ids.part}: {name: 'c_part', type: 'INTEGER', default_value: NULL}, ${ids.v}: {name: 'c_v', type: 'INTEGER', default_value: NULL}}) ORDER BY c_id`,
  )
  expect(reader.getRows()).toEqual(rows.map((r) => [r.id, r.worker, r.part, r.v]))
  c.closeSync()
}

// ------------------------------------------------------------------------------------------------ tests

for (const kind of ['filesystem', 'sqlite'] as const) {
  describe(`crashes through the ${kind} catalog`, () => {
    it(
      `a writer killed ${ROUNDS} times leaves its last committed state, every referenced file, and a table the next writer commits to (v2)`,
      async ({ annotate }) => {
        const dir = tempDir('floe-crash-')
        const spec = specs(dir)[kind]
        const created = await newTable(spec, 2)
        const metadataDir = `${created.metadata.location}/metadata`
        const rand = seeded(SEED * 7 + (kind === 'sqlite' ? 1 : 0))
        const h = newHistory()
        let model: ModelState = { rows: [], columns: [] }
        let head: string | null = null
        let commits = 0
        let orphans = 0
        let metadataOrphans = 0
        let landed = 0
        for (let round = 0; round < ROUNDS; round++) {
          const seed = Math.floor(rand() * 2 ** 31)
          const w = new Worker(spec, 0, round + 1, seed)
          await w.until((ls) => ls.length > 0, 'ready')
          const ready = w.lines[0] as Extract<WorkerLine, { t: 'ready' }>
          // the next writer starts from exactly the version and state the previous crash left
          expect(ready.snapshotId, `round ${round}: the new writer reads the current snapshot`).toBe(head)
          expect(stateKey(fromWire(ready.state)), `round ${round}: the new writer reads the resolved state`).toBe(stateKey(model))
          const when = await killAtRandom(w, rand, round)
          const ctx = `${kind} seed ${SEED} round ${round} (worker seed ${seed}, killed ${when})`
          const r = report(w)
          expect(r.failed, `${ctx}: operations of a lone writer do not fail`).toEqual([])
          commits += r.commits.length
          if (kind === 'filesystem') {
            const n = await checkVersionFiles(metadataDir, h)
            damageFileSystemTable(metadataDir, n, round, h)
          }
          const v = await verify(spec, h, { workers: [{ worker: 0, report: r }], alone: true }, ctx)
          if (kind === 'filesystem') expect(v.table.metadataLocation, `${ctx}: a damaged hint still finds the latest version`).toBe(`${metadataDir}/v${h.parsedVersion}.metadata.json`)
          model = v.states.get(0)!
          head = v.table.currentSnapshot() ? String(v.table.currentSnapshot()!.snapshotId) : null
          orphans = v.orphans.length
          metadataOrphans = v.orphans.filter((p) => p.endsWith('.metadata.json')).length
          landed += v.landed
        }
        expect(commits, 'the writers committed').toBeGreaterThan(0)
        await finalAppend(spec, new Map([[0, model]]))
        rmSync(dir, { recursive: true, force: true }) // kept when a check fails, for a look
        await annotate(`${commits} reported commits over ${ROUNDS} kills, ${landed} of them as a commit landed unreported; ${orphans} unreferenced files left (${metadataOrphans} metadata files, also those past the metadata log)`)
      },
      30_000 + ROUNDS * 20_000,
    )

    it(
      'one of two writers killed: the other keeps committing, and each leaves a committed state (v3, deletion vectors)',
      async ({ annotate }) => {
        const dir = tempDir('floe-crash2-')
        const spec = specs(dir)[kind]
        await newTable(spec, 3)
        const rand = seeded(SEED * 7 + (kind === 'sqlite' ? 3 : 2))
        const h = newHistory()
        const models = new Map<number, ModelState>([
          [1, { rows: [], columns: [] }],
          [2, { rows: [], columns: [] }],
        ])
        const rounds = Math.ceil(ROUNDS / 3)
        let commits = 0
        let refused = 0
        let orphans = 0
        let metadataOrphans = 0
        let landed = 0
        for (let round = 0; round < rounds; round++) {
          const seeds = [Math.floor(rand() * 2 ** 31), Math.floor(rand() * 2 ** 31)]
          const [a, b] = [new Worker(spec, 1, 2 * round + 1, seeds[0]!), new Worker(spec, 2, 2 * round + 2, seeds[1]!)]
          await Promise.all([a.until((ls) => ls.length > 0, 'ready'), b.until((ls) => ls.length > 0, 'ready')])
          for (const w of [a, b]) expect(stateKey(fromWire((w.lines[0] as Extract<WorkerLine, { t: 'ready' }>).state)), `round ${round}: worker ${w.worker} reads its resolved state`).toBe(stateKey(models.get(w.worker)!))
          const when = await killAtRandom(a, rand, round)
          // the survivor commits twice more after the other died mid-way (no lock or half-done commit in its way)
          const seen = b.count('commit')
          await b.until((ls) => ls.filter((l) => l.t === 'commit').length >= seen + 2, 'commits after the other writer was killed')
          await sleep(Math.floor(rand() * 200))
          await b.kill()
          const ctx = `${kind} seed ${SEED} round ${round} (worker seeds ${seeds.join(', ')}, first killed ${when})`
          const reports = [report(a), report(b)]
          // the one failure that leaves the table as it was (the model checks that): a schema change built on a
          // version the other writer changed (as Java's SchemaUpdate.commit, which does not rebase). Nothing else
          // may fail on partitions nobody else writes (a copy-on-write rewrite was refused when the other writer
          // replaced one of its own DVs meanwhile, until validation went snapshot by snapshot, apache/iceberg#17764)
          const legit = (f: RunReport['failed'][number]): boolean => f.code === 'VALIDATION' && f.op.startsWith('add-column') && f.message.includes('changed concurrently')
          for (const r of reports) expect(r.failed.filter((f) => !legit(f)), `${ctx}: worker ${r.worker}'s operations (on its own partitions) do not fail`).toEqual([])
          refused += reports.reduce((n, r) => n + r.failed.length, 0)
          commits += reports.reduce((n, r) => n + r.commits.length, 0)
          if (kind === 'filesystem') await checkVersionFiles(`${(await fresh(spec).loadTable(TABLE)).metadata.location}/metadata`, h)
          const v = await verify(spec, h, { workers: reports.map((r) => ({ worker: r.worker, report: r })), alone: false }, ctx)
          for (const [w, s] of v.states) models.set(w, s)
          orphans = v.orphans.length
          metadataOrphans = v.orphans.filter((p) => p.endsWith('.metadata.json')).length
          landed += v.landed
        }
        await finalAppend(spec, models)
        rmSync(dir, { recursive: true, force: true })
        await annotate(`${commits} reported commits over ${rounds} round(s), ${refused} refused by validation, ${landed} in-flight commit(s) landed unreported; ${orphans} unreferenced files left (${metadataOrphans} metadata files, also those past the metadata log)`)
      },
      30_000 + Math.ceil(ROUNDS / 3) * 30_000,
    )
  })
}
