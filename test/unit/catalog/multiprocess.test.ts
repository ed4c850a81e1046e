// Concurrency with real processes: writers in separate Node processes commit to one table through the
// filesystem catalog (link-based create-if-absent) and the SQLite catalog (UPDATE … WHERE metadata_location).
// Every commit lands, rows are exact, and isolation levels behave as in Java when another process commits
// between a writer's read and its commit.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { openCatalog } from '../../../src/catalog/open.js'
import { defaultEnv } from '../../../src/env.js'
import { ValidationError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { ancestors } from '../../../src/spec/snapshot.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { Table } from '../../../src/table/table.js'
import { REPO_ROOT } from '../../support/corpus.js'
import { tempDir } from '../../support/catalogs.js'

const WORKER = join(REPO_ROOT, 'test', 'support', 'append-worker.ts')
const WRITERS = 4
const COMMITS = 4
const ROWS = 5

/** Run the worker in its own process; resolves with its output lines. */
function worker(spec: string, table: string, job: object): Promise<Array<{ snapshotId: string }>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', WORKER, spec, table, JSON.stringify(job)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { snapshotId: string })) : reject(new Error(`worker exited ${code}: ${err}`))))
  })
}

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'worker', T.int), field(3, 'part', T.int)])

async function newTable(catalog: Catalog, name: string): Promise<Table> {
  if (!(await catalog.namespaceExists('db'))) await catalog.createNamespace('db')
  return catalog.createTable(name, {
    schema: SCHEMA,
    spec: { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'part', transform: Transforms.identity }] },
    // contention is the point: retry generously with short, jittered waits
    properties: { 'commit.retry.num-retries': '200', 'commit.retry.min-wait-ms': '5', 'commit.retry.max-wait-ms': '200' },
  })
}

const specs = (dir: string): Record<string, string> => ({
  filesystem: `file:${join(dir, 'wh')}`,
  sqlite: `sqlite:${join(dir, 'catalog.db')}?warehouse=${join(dir, 'wh')}`,
})

for (const kind of ['filesystem', 'sqlite'] as const) {
  describe(`${WRITERS} writer processes through the ${kind} catalog`, () => {
    it('lands every commit with exact rows', async () => {
      const spec = specs(tempDir('floe-mp-'))[kind]!
      const catalog = openCatalog(spec, defaultEnv(new LocalFileIO()))
      await newTable(catalog, 'db.t')
      const results = await Promise.all(Array.from({ length: WRITERS }, (_, w) => worker(spec, 'db.t', { op: 'append', worker: w, commits: COMMITS, rows: ROWS })))
      const t = await catalog.loadTable('db.t')
      const committed = results.flat().map((r) => BigInt(r.snapshotId))
      expect(committed).toHaveLength(WRITERS * COMMITS)
      // every reported snapshot is on main's history, and main has exactly those snapshots
      const history = [...ancestors(t.currentSnapshot(), (id) => t.snapshots().find((s) => s.snapshotId === id))].map((s) => s.snapshotId)
      expect(new Set(history)).toEqual(new Set(committed))
      const expected: bigint[] = []
      for (let w = 0; w < WRITERS; w++) for (let c = 0; c < COMMITS; c++) for (let i = 0; i < ROWS; i++) expected.push(BigInt(w * 1_000_000 + c * 1_000 + i))
      const rows = await t.scan().toArray()
      expect(rows.map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))).toEqual(expected.sort((a, b) => (a < b ? -1 : 1)))
      expect(t.currentSnapshot()!.summary['total-records']).toBe(String(expected.length))
      expect(new Set(t.snapshots().map((s) => s.sequenceNumber)).size).toBe(WRITERS * COMMITS) // one sequence number per commit
    }, 120_000)

    it('serializable rejects a stale delete when another process appended matching rows; snapshot isolation allows it', async () => {
      const spec = specs(tempDir('floe-iso-'))[kind]!
      const catalog = openCatalog(spec, defaultEnv(new LocalFileIO()))
      await newTable(catalog, 'db.t')
      await worker(spec, 'db.t', { op: 'append', worker: 1, commits: 1, rows: ROWS })
      const stale = await catalog.loadTable('db.t') // read before the concurrent append
      await worker(spec, 'db.t', { op: 'append', worker: 2, commits: 1, rows: ROWS })
      const before = (await catalog.loadTable('db.t')).metadataLocation
      const err = await stale.deleteRows('part = 1', { mode: 'copy-on-write', isolation: 'serializable' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ValidationError)
      expect((await catalog.loadTable('db.t')).metadataLocation).toBe(before) // nothing committed
      // a filter the concurrent rows cannot match (their worker bounds are [2, 2]) does not conflict, even under serializable
      const narrow = await stale.deleteRows('part = 1 and worker = 1', { mode: 'copy-on-write', isolation: 'serializable' })
      const rows = await narrow.scan().toArray()
      expect(rows.filter((r) => r.worker === 1 && r.part === 1)).toEqual([]) // worker 1's part-1 rows are gone
      expect(rows.filter((r) => r.worker === 2)).toHaveLength(ROWS) // worker 2's rows all stay
    }, 120_000)

    it('snapshot isolation lets a stale delete commit and keeps the concurrently appended rows', async () => {
      const spec = specs(tempDir('floe-iso-'))[kind]!
      const catalog = openCatalog(spec, defaultEnv(new LocalFileIO()))
      await newTable(catalog, 'db.t')
      await worker(spec, 'db.t', { op: 'append', worker: 1, commits: 1, rows: ROWS })
      const stale = await catalog.loadTable('db.t')
      await worker(spec, 'db.t', { op: 'append', worker: 2, commits: 1, rows: ROWS })
      const next = await stale.deleteRows('part = 1', { mode: 'copy-on-write', isolation: 'snapshot' })
      const rows = await next.scan().toArray()
      // the delete removed what it read (worker 1, part 1); worker 2's part-1 rows arrived after and stay
      expect(rows.filter((r) => r.part === 1).map((r) => r.worker)).toEqual(rows.filter((r) => r.part === 1).map(() => 2))
      expect(rows.filter((r) => r.part === 1).length).toBeGreaterThan(0)
      expect(rows).toHaveLength(2 * ROWS - [...Array(ROWS).keys()].filter((i) => i % 3 === 1).length)
    }, 120_000)

    it('a stale delete of files another process already rewrote fails under both isolation levels', async () => {
      const spec = specs(tempDir('floe-iso-'))[kind]!
      const catalog = openCatalog(spec, defaultEnv(new LocalFileIO()))
      await newTable(catalog, 'db.t')
      await worker(spec, 'db.t', { op: 'append', worker: 1, commits: 1, rows: ROWS })
      const stale = await catalog.loadTable('db.t')
      await worker(spec, 'db.t', { op: 'delete', filter: 'id = 1000001', mode: 'copy-on-write' }) // rewrites the part-1 file
      for (const isolation of ['serializable', 'snapshot'] as const) {
        const before = (await catalog.loadTable('db.t')).metadataLocation
        const err = await stale.deleteRows('id = 1000004', { mode: 'copy-on-write', isolation }).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(ValidationError)
        expect((await catalog.loadTable('db.t')).metadataLocation).toBe(before)
      }
    }, 120_000)
  })
}
