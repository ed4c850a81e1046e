// Child process of writers.bench.ts (B4), reused across runs: for each `job` it opens the catalog (once per
// catalog), loads the table and reports ready; on `go` it makes K one-file append commits as fast as it can
// and reports what happened. Spawn, module loading and catalog opening happen before `go`, so they are
// never inside the timed region.
import { pathToFileURL } from 'node:url'
import { openCatalog } from '../../src/catalog/open.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { DataFile } from '../../src/spec/manifest.js'
import type { Catalog } from '../../src/catalog/catalog.js'
import type { Table } from '../../src/table/table.js'

/** One run's assignment. */
export interface WorkerArgs {
  readonly catalog: string
  readonly table: string
  readonly writer: number
  readonly commits: number
  readonly recordsPerFile: number
}

/** Parent → child messages. */
export type ToWorker = { readonly type: 'job'; readonly args: WorkerArgs } | { readonly type: 'go' } | { readonly type: 'exit' }

/** Child → parent messages. */
export type FromWorker =
  | { readonly type: 'ready'; readonly writer: number }
  | {
      readonly type: 'done'
      readonly writer: number
      readonly commits: number
      readonly failures: number
      /** Commit attempts in total (attempts − commits = conflicts that were retried). */
      readonly attempts: number
      /** Per commit, ms. */
      readonly latencies: number[]
      /** Per commit, attempts it took. */
      readonly attemptsPerCommit: number[]
      /** Epoch ms (sub-ms precision) when `go` arrived and when the last commit returned. */
      readonly startMs: number
      readonly endMs: number
      /** Snapshot ids this writer committed (decimal strings). */
      readonly snapshotIds: string[]
      /** Sum of record counts this writer committed (decimal string). */
      readonly records: string
      readonly errors: string[]
    }

/** A metadata-only data file (no bytes behind it). */
function dataFile(path: string, records: number): DataFile {
  return { content: 'data', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: BigInt(records), fileSizeInBytes: 4096n }
}

const nowMs = (): number => performance.timeOrigin + performance.now()

function send(m: FromWorker): Promise<void> {
  return new Promise((resolve, reject) => process.send!(m, undefined, {}, (e) => (e ? reject(e) : resolve())))
}

const catalogs = new Map<string, Catalog>()

async function job(args: WorkerArgs, go: Promise<void>): Promise<void> {
  let catalog = catalogs.get(args.catalog)
  if (!catalog) catalogs.set(args.catalog, (catalog = openCatalog(args.catalog, defaultEnv(new LocalFileIO()))))
  let table: Table = await catalog.loadTable(args.table)
  await send({ type: 'ready', writer: args.writer })
  await go
  const startMs = nowMs()
  const latencies: number[] = []
  const attemptsPerCommit: number[] = []
  const snapshotIds: string[] = []
  const errors: string[] = []
  let attempts = 0
  let failures = 0
  let records = 0n
  for (let i = 0; i < args.commits; i++) {
    const file = dataFile(`${table.metadata.location}/data/w${args.writer}-c${i}.parquet`, args.recordsPerFile)
    const t0 = performance.now()
    try {
      const { table: next, result } = await table.transaction().append([file]).commitWithResult()
      latencies.push(performance.now() - t0)
      attempts += result.attempts
      attemptsPerCommit.push(result.attempts)
      table = next
      snapshotIds.push(String(next.currentSnapshot()!.snapshotId))
      records += file.recordCount
    } catch (e) {
      failures++
      errors.push(`${(e as Error).name}: ${(e as Error).message}`)
      table = await table.refresh()
    }
  }
  const endMs = nowMs()
  await send({ type: 'done', writer: args.writer, commits: snapshotIds.length, failures, attempts, latencies, attemptsPerCommit, startMs, endMs, snapshotIds, records: String(records), errors })
}

if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let release = (): void => undefined
  let running: Promise<void> = Promise.resolve()
  process.on('message', (m: ToWorker) => {
    if (m.type === 'job') {
      const go = new Promise<void>((resolve) => (release = resolve))
      running = running.then(() => job(m.args, go)).catch((e: unknown) => {
        console.error(e)
        process.exit(1)
      })
    } else if (m.type === 'go') release()
    else void running.then(() => process.disconnect())
  })
}
