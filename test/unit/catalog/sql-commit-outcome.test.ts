// SQL catalog: a commit whose statement fails for an unclassified reason is an unknown outcome (the row may
// point at the new file: nothing is deleted), also when the driver wraps its error in a FloeError; only a
// definite outcome (row unchanged, name taken, database busy) cleans up. Opening a database floe did not
// create leaves its journal mode alone. `exists` is reserved both ways, and no key may be both set and removed.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { openCatalog } from '../../../src/catalog/open.js'
import { SqlCatalog } from '../../../src/catalog/sql.js'
import { openSqlite, type SqlDriver } from '../../../src/catalog/sql-driver.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, CommitStateUnknownError, FloeError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'
import { tempDir } from '../../support/catalogs.js'
import { REPO_ROOT } from '../../support/corpus.js'

const UPDATE = 'UPDATE iceberg_tables SET metadata_location'
const INSERT = 'INSERT INTO iceberg_tables'

/** A driver that reports every error wrapped in a FloeError, as a driver adapter may. */
function wrapping(inner: SqlDriver): SqlDriver {
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (e) {
      throw new FloeError('IO', `driver: ${(e as Error).message}`, { cause: e })
    }
  }
  return {
    all: (sql, p) => wrap(() => inner.all(sql, p)),
    run: (sql, p) => wrap(() => inner.run(sql, p)),
    transaction: (st) => wrap(() => inner.transaction(st)),
    exec: (sql) => wrap(() => inner.exec(sql)),
    close: () => inner.close(),
  }
}

/**
 * The hook of the next statement starting with `prefix`: `before` runs first; then with `error` the
 * statement runs (when `run`) and `error` is thrown, else the statement runs as usual.
 */
interface Hook {
  readonly prefix: string
  readonly before?: () => Promise<void>
  readonly run?: boolean
  readonly error?: unknown
}

/** A driver around `inner` with a one-shot hook. */
function hooked(inner: SqlDriver): SqlDriver & { next?: Hook | undefined } {
  const d: SqlDriver & { next?: Hook | undefined } = {
    all: (sql, p) => inner.all(sql, p),
    exec: (sql) => inner.exec(sql),
    close: () => inner.close(),
    transaction: (st) => inner.transaction(st),
    run: async (sql, p) => {
      const n = d.next
      if (n && sql.startsWith(n.prefix)) {
        d.next = undefined
        await n.before?.()
        if (n.error === undefined) return inner.run(sql, p)
        if (n.run) await inner.run(sql, p)
        throw n.error
      }
      return inner.run(sql, p)
    },
  }
  return d
}

async function setup(wrap: boolean): Promise<{ dir: string; file: string; driver: ReturnType<typeof hooked>; catalog: SqlCatalog }> {
  const dir = tempDir('floe-r22sql-')
  const file = join(dir, 'catalog.db')
  const driver = hooked(wrap ? wrapping(openSqlite(file)) : openSqlite(file))
  const catalog = new SqlCatalog(defaultEnv(new LocalFileIO()), driver, join(dir, 'warehouse'))
  await catalog.createNamespace('db')
  return { dir, file, driver, catalog }
}

const lostReply = (wrapped: boolean): unknown => {
  const raw = Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' })
  return wrapped ? new FloeError('IO', `cannot update the catalog: ${raw.message}`, { cause: raw }) : raw
}

describe('SQL catalog commit outcomes', () => {
  for (const wrapped of [false, true]) {
    it(`keeps the new metadata file when the UPDATE landed but its reply was lost (${wrapped ? 'FloeError-wrapped' : 'raw'} driver error)`, async () => {
      const { driver, catalog } = await setup(false)
      const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
      driver.next = { prefix: UPDATE, run: true, error: lostReply(wrapped) }
      const next = applyUpdates(t.metadata, [{ action: 'set-properties', updates: { k: 'v' } }], t.metadata.lastUpdatedMs + 1n)
      const e = await catalog.operations({ namespace: ['db'], name: 't' }).commit(t.state, next).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(CommitStateUnknownError)
      const now = await catalog.loadTable('db.t') // the row points at the new file, which is still there
      expect(now.metadata.properties.k).toBe('v')
      expect(existsSync(now.metadataLocation)).toBe(true)
    })

    it(`keeps it when the UPDATE failed for an unclassified reason, and the table stays readable (${wrapped ? 'wrapped' : 'raw'})`, async () => {
      const { driver, catalog } = await setup(false)
      const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
      driver.next = { prefix: UPDATE, run: false, error: lostReply(wrapped) }
      const before = await catalog.loadTable('db.t')
      await expect(t.transaction().setProperties({ k: 'v' }).commit()).rejects.toBeInstanceOf(CommitStateUnknownError)
      expect((await catalog.loadTable('db.t')).metadataLocation).toBe(before.metadataLocation)
    })
  }

  it('cleans up and retries after a busy database, also through a wrapping driver', async () => {
    const { driver, catalog } = await setup(true)
    const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    driver.next = { prefix: UPDATE, run: false, error: new FloeError('IO', 'driver: database is locked', { cause: busy }) }
    const next = await t.transaction().setProperties({ k: 'v' }).commit() // the conflict is retried
    expect(next.metadata.properties.k).toBe('v')
  })

  it('turns a wrapped constraint error on create into ALREADY_EXISTS and deletes the loser file', async () => {
    const { dir, file, driver, catalog } = await setup(true)
    const other = new SqlCatalog(defaultEnv(new LocalFileIO()), openSqlite(file), join(dir, 'warehouse'))
    let winner = ''
    // another process creates the table between this create's checks and its INSERT, which then fails on
    // the primary key; the wrapping driver reports that as a FloeError around the SQLite error
    driver.next = { prefix: INSERT, before: async () => void (winner = (await other.createTable('db.t', { schema: SIMPLE_SCHEMA })).metadataLocation) }
    const e = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AlreadyExistsError)
    expect((await catalog.loadTable('db.t')).metadataLocation).toBe(winner)
    expect(readdirSync(join(dir, 'warehouse', 'db', 't', 'metadata'))).toEqual([winner.slice(winner.lastIndexOf('/') + 1)])
  })
})

describe('SQLite journal mode', () => {
  type Raw = { pragma(s: string, o?: { simple: boolean }): unknown; exec(s: string): void; close(): void }
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => Raw
  const mode = (file: string): string => {
    const db = new Database(file)
    try {
      return String(db.pragma('journal_mode', { simple: true }))
    } finally {
      db.close()
    }
  }

  /** A database another tool made, in the default rollback-journal mode, with the catalog tables. */
  function foreign(dir: string): string {
    const file = join(dir, 'py.db')
    const db = new Database(file)
    db.exec(`CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL,
      metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), iceberg_type VARCHAR(5), PRIMARY KEY (catalog_name, table_namespace, table_name));
      CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL,
      property_value VARCHAR(1000) NOT NULL, PRIMARY KEY (catalog_name, namespace, property_key));`)
    db.close()
    return file
  }

  it('keeps the journal mode of a database it did not create, through reads and commits', async () => {
    const dir = tempDir('floe-r22wal-')
    const file = foreign(dir)
    expect(mode(file)).toBe('delete')
    const catalog = openCatalog(`sqlite:${file}?warehouse=${join(dir, 'wh')}`, defaultEnv(new LocalFileIO()))
    expect(await catalog.listNamespaces()).toEqual([])
    await catalog.createNamespace('db')
    await (await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })).transaction().setProperties({ a: '1' }).commit()
    expect(mode(file)).toBe('delete')
  })

  it('uses WAL for a database it creates, also from an empty file', async () => {
    const dir = tempDir('floe-r22wal-')
    const created = join(dir, 'new.db')
    await openSqlite(created).close()
    expect(mode(created)).toBe('wal')
    const empty = join(dir, 'empty.db')
    writeFileSync(empty, '')
    await openSqlite(empty).close()
    expect(mode(empty)).toBe('wal')
  })

  it('lands every commit of concurrent writer processes on a rollback-journal database', async () => {
    const dir = tempDir('floe-r22wal-')
    const file = foreign(dir)
    const spec = `sqlite:${file}?warehouse=${join(dir, 'wh')}`
    const catalog = openCatalog(spec, defaultEnv(new LocalFileIO()))
    await catalog.createNamespace('db')
    await catalog.createTable('db.t', {
      schema: parseColumns('id bigint not null, worker int, part int'), // what the append worker writes
      properties: { 'commit.retry.num-retries': '200', 'commit.retry.min-wait-ms': '5', 'commit.retry.max-wait-ms': '100' },
    })
    const worker = (w: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'support', 'append-worker.ts'), spec, 'db.t', JSON.stringify({ op: 'append', worker: w, commits: 3, rows: 2 })], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
        let err = ''
        p.stderr.on('data', (d: Buffer) => (err += d.toString()))
        p.on('error', reject)
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}: ${err}`))))
      })
    await Promise.all([0, 1, 2].map(worker))
    const t = await catalog.loadTable('db.t')
    expect(t.snapshots()).toHaveLength(9)
    expect(t.currentSnapshot()!.summary['total-records']).toBe('18')
    expect(mode(file)).toBe('delete')
  }, 120_000)
})

describe('namespace property updates', () => {
  it('refuses removing the reserved exists property (it keeps an empty namespace) in the SQL catalog', async () => {
    const { catalog } = await setup(false)
    await catalog.createNamespace('q')
    await expect(catalog.updateNamespaceProperties('q', {}, ['exists'])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('exists') })
    expect(await catalog.namespaceExists('q')).toBe(true)
  })

  it('refuses a key both set and removed in one update, in every catalog, changing nothing', async () => {
    const dir = tempDir('floe-r22props-')
    const catalogs: Catalog[] = [
      new MemoryCatalog(),
      new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(dir, 'wh')),
      new SqlCatalog(defaultEnv(new LocalFileIO()), openSqlite(join(dir, 'c.db')), join(dir, 'wh2')),
    ]
    for (const c of catalogs) {
      await c.createNamespace('p', { x: '1', y: '1' })
      await expect(c.updateNamespaceProperties('p', { x: '2', z: '1' }, ['y', 'x']), c.constructor.name).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('x') })
      expect(await c.loadNamespaceProperties('p')).toEqual({ x: '1', y: '1' })
      await c.updateNamespaceProperties('p', { x: '2' }, ['y'])
      expect(await c.loadNamespaceProperties('p')).toEqual({ x: '2' })
    }
  })
})
