// The SQL catalog's seam to a database, plus the better-sqlite3 (SQLite) adapter.
import { createRequire } from 'node:module'
import { FloeError } from '../errors.js'

/** A row returned by a query. */
export type SqlRow = Record<string, unknown>

/** The few database operations the SQL catalog needs (JDBC-catalog style, parameters as `?`). */
export interface SqlDriver {
  all(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>
  run(sql: string, params?: readonly unknown[]): Promise<{ readonly changes: number }>
  exec(sql: string): Promise<void>
  close(): Promise<void>
}

interface BetterSqlite3Db {
  prepare(sql: string): { all(...p: unknown[]): SqlRow[]; run(...p: unknown[]): { changes: number } }
  exec(sql: string): void
  pragma(s: string): unknown
  close(): void
}

/** SQLite error codes meaning "another writer holds the database": the statement did not run. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT'
}

/**
 * Open a SQLite database file with better-sqlite3 (an optional dependency): WAL journal, FULL sync
 * (durable commits), and a busy timeout so concurrent processes wait for each other.
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
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`)
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
    exec: (sql) => wrap(() => db.exec(sql)),
    close: () => wrap(() => db.close()),
  }
}
