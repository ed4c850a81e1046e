// The SQL catalog's seam to a database, plus the better-sqlite3 (SQLite) adapter.
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { FloeError } from '../errors.js'

/** A row returned by a query. */
export type SqlRow = Record<string, unknown>

/** One statement with its `?` parameters. */
export interface SqlStatement {
  readonly sql: string
  readonly params?: readonly unknown[]
}

/** The few database operations the SQL catalog needs (JDBC-catalog style, parameters as `?`). */
export interface SqlDriver {
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>
  run(sql: string, params?: readonly unknown[]): Promise<{ readonly changes: number }>
  /** Run the statements in one write transaction: all of them take effect, or none. */
  transaction(statements: readonly SqlStatement[]): Promise<void>
  exec(sql: string): Promise<void>
  close(): Promise<void>
}

interface BetterSqlite3Db {
  prepare(sql: string): { all(...p: unknown[]): SqlRow[]; run(...p: unknown[]): { changes: number } }
  exec(sql: string): void
  transaction(fn: () => void): { immediate(): void }
  pragma(s: string): unknown
  close(): void
}

/** True when opening `file` creates the database: no file yet, or an empty one (in-memory databases are not files). */
function isNewDatabase(file: string): boolean {
  if (file === '' || file === ':memory:' || file.startsWith('file:')) return false
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) === 0
}

/** SQLite error codes meaning "another writer holds the database": the statement did not run (also when wrapped in a FloeError). */
export function isBusy(e: unknown): boolean {
  const raw = e instanceof FloeError && e.cause !== undefined ? e.cause : e
  const code = (raw as { code?: unknown } | undefined)?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT'
}

/**
 * Open a SQLite database file with better-sqlite3 (an optional dependency): FULL sync (durable commits) and
 * a busy timeout so concurrent processes wait for each other. A database this call creates (no file, or an
 * empty one) gets the WAL journal, so readers and the writer do not block each other; an existing database
 * keeps its journal mode, which is a lasting property of the file that its other users (PyIceberg, Java,
 * their tools, a read-only copy) chose, as PyIceberg and Java's JdbcCatalog leave it too.
 */
export function openSqlite(file: string, opts: { busyTimeoutMs?: number } = {}): SqlDriver {
  let Database: new (f: string) => BetterSqlite3Db
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => BetterSqlite3Db
  } catch (e) {
    throw new FloeError('UNSUPPORTED', 'The SQLite catalog needs the optional dependency better-sqlite3@12 (npm install better-sqlite3@12)', { cause: e })
  }
  let db: BetterSqlite3Db
  try {
    const created = isNewDatabase(file)
    db = new Database(file)
    // first, so that switching a new database to WAL waits for another process creating it too
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`)
    if (created) db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
  } catch (e) {
    throw new FloeError('IO', `Cannot open SQLite catalog ${file}: ${(e as Error).message}`, { cause: e, context: { file } })
  }
  const wrap = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn())
    } catch (e) {
      return Promise.reject(e)
    }
  }
  return {
    all: (sql, params = []) => wrap(() => db.prepare(sql).all(...params)),
    run: (sql, params = []) => wrap(() => ({ changes: db.prepare(sql).run(...params).changes })),
    // BEGIN IMMEDIATE: the write lock first (waiting out the busy timeout), so no statement runs on a stale read
    transaction: (statements) =>
      wrap(() =>
        db
          .transaction(() => {
            for (const st of statements) db.prepare(st.sql).run(...(st.params ?? []))
          })
          .immediate(),
      ),
    exec: (sql) => wrap(() => db.exec(sql)),
    close: () => wrap(() => db.close()),
  }
}
