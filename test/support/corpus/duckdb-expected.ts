// Run duckdb-iceberg's own expected answers against floe: every iceberg_scan(...) in a query is replaced
// by a DuckDB table loaded with floe's scan of the same table, then DuckDB evaluates the rest of the SQL.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { FloeError } from '../../../src/errors.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { selectFields } from '../../../src/spec/schema.js'
import type { SnapshotSelector } from '../../../src/table/time-travel.js'
import { CORPUS } from '../corpus.js'
import { walkFiles } from '../files.js'
import { ident, loadRows } from './duckdb.js'
import type { CorpusTable } from './manifest.js'
import { corpusMetadataFile, openCorpusTable } from './open.js'
import { findScanCalls, parseLogicTest, sameResult, type LogicRecord, type ScanCall } from './sqllogic.js'

/** Outcome of one expected-answer record. */
export interface RecordOutcome {
  readonly file: string
  readonly line: number
  readonly status: 'pass' | 'fail' | 'not-applicable'
  readonly detail: string
}

const ROOT = join(CORPUS, 'duckdb-iceberg')
const EXPECTED_DIR = join(ROOT, '_expected')

/** Every duckdb-iceberg expected-answer file. */
export function duckdbTestFiles(): string[] {
  return walkFiles(EXPECTED_DIR, (p) => p.endsWith('.test'))
}

function absolute(path: string): string {
  const p = path.replace('{WORKING_DIRECTORY}', ROOT).replace('__WORKING_DIRECTORY__', ROOT)
  return p.startsWith('/') ? p : join(ROOT, p)
}

/** The corpus table a scan path belongs to (longest folder prefix). */
export function tableForPath(tables: readonly CorpusTable[], path: string): CorpusTable | undefined {
  const abs = absolute(path)
  let best: CorpusTable | undefined
  for (const t of tables) if ((abs === t.path || abs.startsWith(`${t.path}/`)) && (!best || t.path.length > best.path.length)) best = t
  return best
}

async function metadataFileFor(t: CorpusTable, call: ScanCall): Promise<string> {
  const abs = absolute(call.path)
  if (/\.json(\.gz)?$/.test(abs)) return abs
  const v = call.args.version
  if (v === undefined) return corpusMetadataFile(t)
  const dir = join(abs, 'metadata')
  for (const name of [`v${v}.metadata.json`, `${v}.metadata.json`, `v${v}.gz.metadata.json`, `${v}.gz.metadata.json`]) if (existsSync(join(dir, name))) return join(dir, name)
  throw new FloeError('NOT_FOUND', `no metadata file for version ${v} in ${dir}`)
}

function selectorFor(call: ScanCall): SnapshotSelector | undefined {
  if (call.args.snapshot_from_id !== undefined) return { snapshotId: BigInt(call.args.snapshot_from_id) }
  if (call.args.snapshot_from_timestamp !== undefined) return { asOfTimestampMs: BigInt(Date.parse(call.args.snapshot_from_timestamp.replace(' ', 'T') + 'Z')) }
  return undefined
}

const UNSUPPORTED_SQL: Array<[RegExp, string]> = [
  [/\{TEST_DIR\}/, 'creates its own tables'],
  [/iceberg_metadata|iceberg_snapshots|iceberg_column_stats|iceberg_partition_stats/i, 'DuckDB metadata function'],
  [/\bfilename\b|file_row_number|file_index/i, 'DuckDB virtual column'],
  [/version_name_format|metadata_compression_codec/i, 'DuckDB path-resolution option'],
  [/ATTACH|CREATE SECRET|memory\.main|my_datalake/i, 'DuckDB catalog'],
  [/\bdescribe\b(?![\s\S]*column_name)|column_type/i, 'DuckDB type names'],
]

/** The WHERE clause of a single-table query as a floe row filter, when floe's parser accepts it. */
export function pushableFilter(sql: string): string | undefined {
  const m = /\bwhere\b([\s\S]*?)(?:\border\s+by\b|\bgroup\s+by\b|\blimit\b|;|$)/i.exec(sql)
  if (!m) return undefined
  const w = m[1]!.trim().replace(/(\w+)\s+between\s+(\S+)\s+and\s+(\S+)/gi, '($1 >= $2 and $1 <= $3)')
  try {
    parseFilter(w)
    return w
  } catch {
    return undefined
  }
}

/** Run the records of one test file that touch `table`; records on other tables are left to their own test. */
export async function runDuckdbExpected(c: DuckDBConnection, tables: readonly CorpusTable[], table: CorpusTable, file: string): Promise<RecordOutcome[]> {
  const out: RecordOutcome[] = []
  const name = file.slice(EXPECTED_DIR.length + 1)
  let loaded = 0
  const compat = { allowBareDeletionVectors: false }
  for (const rec of parseLogicTest(file)) {
    if (rec.kind === 'statement' && /^\s*SET\s/i.test(rec.sql)) {
      // DuckDB's switch for legacy bare deletion vectors maps to floe's compatibility option
      if (/iceberg_unsafe_skip_puffin_verification\s*=\s*true/i.test(rec.sql)) compat.allowBareDeletionVectors = true
      // session settings such as TimeZone apply; other iceberg-extension settings do not exist here
      await c.run(rec.sql).catch(() => undefined)
      continue
    }
    const calls = findScanCalls(rec.sql)
    if (calls.length === 0 || tableForPath(tables, calls[0]!.path) !== table) continue
    const na = UNSUPPORTED_SQL.find(([re]) => re.test(rec.sql))
    if (na) {
      out.push({ file: name, line: rec.line, status: 'not-applicable', detail: na[1] })
      continue
    }
    out.push(await runRecord(c, tables, rec, calls, `${name}:${rec.line}`, () => `floe_scan_${loaded++}`, compat))
  }
  return out
}

async function runRecord(
  c: DuckDBConnection,
  tables: readonly CorpusTable[],
  rec: LogicRecord,
  calls: ScanCall[],
  where: string,
  nextName: () => string,
  compat: { readonly allowBareDeletionVectors: boolean },
): Promise<RecordOutcome> {
  const [file, line] = [where.slice(0, where.lastIndexOf(':')), rec.line]
  let sql = rec.sql
  try {
    for (const call of calls) {
      const t = tableForPath(tables, call.path)
      if (!t) return { file, line, status: 'not-applicable', detail: `path ${call.path} is not a corpus table` }
      const table = await openCorpusTable(t, await metadataFileFor(t, call))
      const sel = selectorFor(call)
      const base = { ...(sel ? { snapshot: sel } : {}), ...(compat.allowBareDeletionVectors ? { allowBareDeletionVectors: true } : {}) }
      let scan = table.scan(base)
      let rows
      try {
        rows = await scan.toArray()
      } catch (e) {
        // a table whose data files are absent (metadata-only fixtures) can still answer through pruning:
        // push the query's WHERE into floe's planning (DuckDB applies it again)
        const filter = calls.length === 1 ? pushableFilter(rec.sql) : undefined
        if (!filter || !(e instanceof FloeError) || e.code === 'INVALID_ARGUMENT') throw e
        scan = table.scan({ ...base, filter })
        rows = await scan.toArray()
      }
      const tname = nextName()
      await loadRows(c, tname, selectFields(scan.schema, new Set(scan.projectedIds())).fields, rows)
      sql = sql.replace(call.text, ident(tname))
    }
  } catch (e) {
    if (rec.kind === 'statement' && rec.expectError && e instanceof FloeError) return { file, line, status: 'pass', detail: `floe refused: ${e.code}` }
    return { file, line, status: 'fail', detail: `floe failed: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (rec.kind === 'statement') {
    try {
      await c.run(sql)
      return rec.expectError ? { file, line, status: 'fail', detail: 'expected an error, floe read the table' } : { file, line, status: 'pass', detail: 'ok' }
    } catch (e) {
      return rec.expectError ? { file, line, status: 'pass', detail: 'error' } : { file, line, status: 'fail', detail: (e as Error).message }
    }
  }
  const body = sql.trim().replace(/;\s*$/, '')
  let cells: string[][]
  try {
    const r = await c.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM (${body})`)
    cells = r.getRows().map((row) => row.map((v) => (v === null ? 'NULL' : String(v) === '' ? '(empty)' : String(v))))
  } catch (e) {
    return { file, line, status: 'fail', detail: `DuckDB could not run the rewritten query: ${(e as Error).message}` }
  }
  if (sameResult(rec, cells)) return { file, line, status: 'pass', detail: `${cells.length} row(s)` }
  return { file, line, status: 'fail', detail: `expected ${JSON.stringify(rec.expected)} got ${JSON.stringify(cells)}` }
}
