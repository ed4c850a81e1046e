// Robustness of the read path against corrupt data files: one data, position-delete, equality-delete or
// deletion-vector file of a small table is mutated (bit flips, set / inserted / deleted bytes aimed at the magic,
// the footer and its length, page headers, page data, Puffin blobs, the Avro header and blocks; integer and
// length fields of footers and page headers set to boundary or huge values; truncation anywhere or where a page
// or block starts; a missing file) and the table is scanned (rows, and Arrow for half the cases). The scan must
// either succeed or fail with a FloeError that names the mutated file: never an untyped error, a hang, a
// runaway allocation, or rows silently lost (a data file must still hold its record_count rows, a delete file
// at least its record_count). A success with other values is allowed: the Parquet pages floe writes carry no
// checksum (engine-written pages with one, and deletion vectors, are verified). Tables: floe-written (v2 with
// Parquet or Avro position deletes and an equality delete,
// v3 with a deletion vector; zstd, snappy, gzip and uncompressed; nested columns, dictionary strings, small row
// groups and pages; Avro data files, deflate and uncompressed) and engine-written corpus tables read in place (Spark, Trino, Iceberg-Java, Impala), some
// also as uncompressed copies so that edits reach the decoders of v1 pages. Scans run in a child process
// (test/support/corrupt-scan-worker.ts, capped heap) so that a synchronous hang is killed and an allocation
// runaway or a V8 abort ends that process, not the test's.
// FC_NUM_RUNS scales the number of mutated files (3 per run, at least 600); FC_CASE_MS bounds one scan (default
// 2 s; a silent worker is killed after 4×); FC_COLLECT=1 (soaks) keeps going after a violation and fails at the
// end listing them all; FC_VERBOSE=1 prints the tally of outcomes and every successful scan of a changed file.
import fc from 'fast-check'
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../support/corpus.js'
import type { Mutation, Outcome, Reply, Request, TargetInfo } from '../support/corrupt-scan-worker.js'

const runs = Number(process.env.FC_NUM_RUNS ?? 200)
/** Mutated files per run of the suite: at least 600. */
const fuzzRuns = Math.max(600, runs * 3)
/** A scan slower than this is a failure (the tables are tiny: a scan takes milliseconds). */
const SLOW_MS = Number(process.env.FC_CASE_MS ?? 2000)
/** A worker silent for this long is stuck: it is killed and the case fails as a hang. */
const HANG_MS = SLOW_MS * 4
/** The worker's JS heap cap: a runaway allocation ends the worker (out of memory). */
const HEAP_CAP_MB = 512
/** Memory outside the JS heap (ArrayBuffers) the worker may hold after a scan. */
const EXTERNAL_CAP_MB = 256
/** How far one scan may raise the worker's peak resident memory (a scan of these tables needs a few MB). */
const RSS_GROWTH_CAP_MB = 256

const WORKER_FILE = join(REPO_ROOT, 'test', 'support', 'corrupt-scan-worker.ts')

type Result = { readonly outcome: Outcome; readonly note: string; readonly ms: number; readonly heapMb: number; readonly externalMb: number; readonly rssGrowthMb: number }

/** One worker process at a time, one case at a time; a hang or a crash is reported as a `bad` outcome and the worker replaced. */
class ScanWorker {
  private child: ChildProcess | undefined
  private ready: Promise<readonly TargetInfo[]> | undefined
  private next = 0
  /** The end of the worker's stderr (shown when it dies). */
  private stderr = ''

  targets(): Promise<readonly TargetInfo[]> {
    if (this.ready) return this.ready
    const child = fork(WORKER_FILE, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_CAP_MB}`],
      env: { ...process.env, FLOE_CORRUPT_SCAN: '1', FLOE_CORRUPT_SLOW_MS: String(SLOW_MS), FLOE_CORRUPT_EXTERNAL_MB: String(EXTERNAL_CAP_MB) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    this.stderr = ''
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)))
    this.child = child
    this.ready = new Promise((resolve, reject) => {
      child.once('message', (m: Reply) => (m.t === 'ready' ? resolve(m.targets) : reject(new Error(m.t === 'fatal' ? m.message : 'unexpected message'))))
      child.once('exit', (code, signal) => reject(new Error(`worker exited before it was ready (${code ?? signal}): ${this.stderr}`)))
    })
    return this.ready
  }

  async run(target: number, mutations: readonly Mutation[], arrow: boolean): Promise<Result> {
    await this.targets()
    const child = this.child!
    const id = ++this.next
    return new Promise<Result>((resolve) => {
      const done = (r: Result): void => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(r)
      }
      const fail = (why: string): void => {
        this.child = undefined
        this.ready = undefined
        child.kill('SIGKILL')
        done({ outcome: { kind: 'bad', why }, note: '', ms: 0, heapMb: 0, externalMb: 0, rssGrowthMb: 0 })
      }
      const onMessage = (m: Reply): void => {
        if (m.t === 'result' && m.id === id) done(m)
        else if (m.t === 'fatal') fail(`worker failed: ${m.message}`)
      }
      const onExit = (code: number | null, signal: string | null): void => fail(`worker died (exit ${code ?? signal}): ${this.stderr.slice(-300)}`)
      const timer = setTimeout(() => fail(`hang: no answer within ${HANG_MS} ms`), HANG_MS)
      child.on('message', onMessage)
      child.once('exit', onExit)
      child.send({ t: 'case', id, target, mutations, arrow } satisfies Request)
    })
  }

  stop(): void {
    this.child?.kill('SIGKILL')
    this.child = undefined
    this.ready = undefined
  }
}

/** Edits aimed at the parts `t` has (a Parquet footer, Avro blocks, a Puffin blob…), one to three of them. */
function mutationsFor(t: TargetInfo): fc.Arbitrary<Mutation[]> {
  const kinds = fc.constantFrom(...t.kinds)
  const byteEdit: fc.Arbitrary<Mutation> = fc.record({
    op: fc.constantFrom('flip' as const, 'set' as const, 'insert' as const, 'delete' as const),
    kind: kinds,
    region: fc.nat(),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  })
  const truncation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('cut' as const), kind: kinds, region: fc.nat() }),
  )
  const edits = [{ weight: 5, arbitrary: byteEdit }, { weight: 1, arbitrary: truncation }]
  if (t.intKinds.length) edits.push({ weight: 3, arbitrary: fc.record({ op: fc.constant('int' as const), where: fc.constantFrom(...t.intKinds), field: fc.nat(), value: fc.nat() }) })
  return fc.array(fc.oneof(...edits), { minLength: 1, maxLength: 3 })
}

/**
 * Why an outcome breaks the property, or undefined when it is allowed. A scan that succeeds with other rows is
 * allowed (the mutation changed values where no checksum covers them), except when rows went missing: a data file
 * must hold exactly its manifest record_count, a delete file at least its record_count (fewer means lost
 * deletes; more is tolerated, as engines trust the file: an Impala fixture's equality-delete file holds more
 * rows than its entry says).
 */
function violation(t: TargetInfo, r: Result): string | undefined {
  if (r.outcome.kind === 'bad') return r.outcome.why
  if (r.externalMb > EXTERNAL_CAP_MB) return `holds ${r.externalMb.toFixed(0)} MB of ArrayBuffers after the scan`
  if (r.rssGrowthMb > RSS_GROWTH_CAP_MB) return `raised the peak resident memory by ${r.rssGrowthMb.toFixed(0)} MB`
  const o = r.outcome
  if (o.kind !== 'changed' || t.format === 'PUFFIN') return undefined
  if (o.fileRows === undefined || (t.content === 'data' ? o.fileRows !== o.recordCount : o.fileRows < o.recordCount))
    return `the scan succeeded reading ${String(o.fileRows)} rows of a ${t.content} file whose record_count is ${o.recordCount}`
  return undefined
}

/**
 * Cases the soak found before the fixes in src/parquet (page headers, the RLE / bit-packed decoder, footer row
 * counts) and src/deletes (missing columns, lost rows): target by label, then the mutations (region and field
 * indexes are taken modulo what that file has). `was` is what floe did before.
 */
const EXAMPLES: readonly { readonly target: string; readonly mutations: readonly Mutation[]; readonly was: string }[] = [
  // DATA_PAGE_V2 header without its level lengths: hyparquet read at offset NaN forever
  { target: 'floe v2_snappy_avro_deletes data PARQUET 00000-0-a1039e98', mutations: [{ op: 'flip', kind: 'page-header', region: 116548898, at: 772127286, byte: 220 }], was: 'hang' },
  // a damaged RLE run header in definition levels: hyparquet grew a JS array to 2^27+ entries (fatal V8 error)
  { target: 'floe v3_zstd_dv data PARQUET 00000-0-a1039e98', mutations: [{ op: 'set', kind: 'page-data', region: 16, at: 0, byte: 252 }], was: 'process abort' },
  // uncompressed_page_size 8 -> 2^31 - 1 in a Spark dictionary page: a 2 GiB buffer before the decode failed
  { target: 'impala iceberg_v2_delete_positional position-deletes', mutations: [{ op: 'int', where: 'page-header', field: 13, value: 7 }], was: '2 GiB allocation' },
  // row group num_rows -> 0: the group was skipped (deletes lost, deleted rows back; data rows lost)
  { target: 'floe v2_zstd position-deletes PARQUET 00000-0-56894be2', mutations: [{ op: 'int', where: 'footer', field: 44, value: 0 }], was: 'silent: deleted row back' },
  { target: 'floe v2_gzip data PARQUET 00000-0-aef79feb', mutations: [{ op: 'int', where: 'footer', field: 349, value: 0 }], was: 'silent: 40 rows missing' },
  // file_path field id damaged (Trino Parquet footer, floe Avro header): every delete read as a NULL path and skipped
  { target: 'iceberg-cxx granular_deletes position-deletes PARQUET 20251209_122543_00007_k7g2e-affa9a96', mutations: [{ op: 'int', where: 'footer', field: 7, value: 8 }], was: 'silent: deleted rows back' },
  { target: 'floe v2_snappy_avro_deletes position-deletes AVRO 00000-0-1440d3d3', mutations: [{ op: 'flip', kind: 'header', region: 0, at: 163, byte: 1 }], was: 'silent: deleted row back' },
  // the file_path chunk's physical type BYTE_ARRAY -> INT32 (Trino): pages decoded as numbers, every path skipped
  { target: 'iceberg-cxx granular_deletes position-deletes PARQUET 20251209_122543_00007_k7g2e-affa9a96', mutations: [{ op: 'int', where: 'footer', field: 14, value: 1 }], was: 'silent: deleted rows back' },
  // root num_children 1 -> 0 in a Java equality-delete file: the schema tree lost the id column, read as null
  { target: 'duckdb-iceberg mytable equality-deletes PARQUET delete-242a4468', mutations: [{ op: 'int', where: 'footer', field: 2, value: 0 }], was: 'silent: deleted row back' },
  // an Avro delete file cut where its only block starts: a valid empty file
  { target: 'floe v2_snappy_avro_deletes position-deletes AVRO 00000-0-1440d3d3', mutations: [{ op: 'cut', kind: 'block', region: 0 }], was: 'silent: deleted row back' },
]

describe('scans of tables with a corrupt data, delete or DV file', () => {
  const worker = new ScanWorker()
  let targets: readonly TargetInfo[] = []
  const tally = new Map<string, number>()
  const changed: string[] = []
  const violations: string[] = []

  beforeAll(async () => {
    targets = await worker.targets()
  }, 120_000)
  afterAll(() => {
    worker.stop()
    if (process.env.FC_VERBOSE) {
      console.log(Object.fromEntries([...tally].sort()))
      console.log(changed.join('\n'))
    }
    if (violations.length) console.log(violations.join('\n'))
  })

  it('covers every kind of file', () => {
    const kinds = new Set(targets.map((t) => `${t.content} ${t.format}`))
    expect([...kinds].sort()).toEqual(['data AVRO', 'data PARQUET', 'equality-deletes AVRO', 'equality-deletes PARQUET', 'position-deletes AVRO', 'position-deletes PARQUET', 'position-deletes PUFFIN'])
    expect(targets.some((t) => t.label.startsWith('floe'))).toBe(true)
    expect(targets.some((t) => !t.label.startsWith('floe'))).toBe(true)
  })

  it('a missing file fails with NOT_FOUND naming it', async () => {
    for (let i = 0; i < targets.length; i++) {
      const r = await worker.run(i, [{ op: 'missing' }], false)
      expect(violation(targets[i]!, r), targets[i]!.label).toBeUndefined()
      expect(r.outcome.kind === 'typed' && r.outcome.code, targets[i]!.label).toBe('NOT_FOUND')
    }
  }, 120_000)

  it('the cases found by the soak fail with a FloeError naming the file', async () => {
    for (const ex of EXAMPLES) {
      const i = targets.findIndex((t) => t.label.includes(ex.target))
      expect(i, ex.target).toBeGreaterThanOrEqual(0)
      const r = await worker.run(i, ex.mutations, false)
      expect(violation(targets[i]!, r), `${ex.target} (was: ${ex.was})`).toBeUndefined()
      expect(r.outcome.kind, `${ex.target}: ${r.note} (was: ${ex.was})`).toBe('typed')
    }
  }, 120_000)

  it(`random mutations (${fuzzRuns} files) only succeed or fail with a FloeError naming the file`, async () => {
    let n = 0
    const examples = EXAMPLES.map((ex): [[number, Mutation[]], boolean] => [[targets.findIndex((t) => t.label.includes(ex.target)), [...ex.mutations]], true])
    const cases = fc.nat(targets.length - 1).chain((i) => fc.tuple(fc.constant(i), mutationsFor(targets[i]!)))
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), async ([i, ms], arrow) => {
        const r = await worker.run(i, ms, arrow)
        n++
        const key = r.outcome.kind === 'typed' ? `typed ${r.outcome.code}` : r.outcome.kind
        tally.set(key, (tally.get(key) ?? 0) + 1)
        if (r.outcome.kind === 'changed') changed.push(`${targets[i]!.label}: ${r.note} -> ${JSON.stringify(r.outcome)}`)
        const why = violation(targets[i]!, r)
        if (!why) return
        const text = `${targets[i]!.label}: ${r.note}: ${why}`
        if (!process.env.FC_COLLECT) throw new Error(text)
        violations.push(`[${i}, ${JSON.stringify(ms)}] ${text}`)
      }),
      { numRuns: fuzzRuns, examples },
    )
    expect(violations).toEqual([])
    expect(n).toBeGreaterThanOrEqual(fuzzRuns)
    // most corruptions are detected (the rest hit bytes that decode to other values, or unused bytes)
    expect(tally.get('typed INVALID_PARQUET') ?? 0).toBeGreaterThan(fuzzRuns / 10)
  }, 120_000 + fuzzRuns * 200)
})
