// Check the iceberg-cxx tables against the scripts that wrote them: each `create.sql` (Trino or Spark SQL)
// is translated to DuckDB by a small, explicit set of rules and executed; the resulting rows are the
// expected current rows, compared as multisets (EXCEPT ALL both ways) with floe's scan loaded into DuckDB.
import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { FloeError } from '../../../src/errors.js'
import { selectFields } from '../../../src/spec/schema.js'
import type { RecordOutcome } from './duckdb-expected.js'
import { ident, loadRows } from './duckdb.js'
import type { CorpusTable } from './manifest.js'
import { corpusMetadataFile, openCorpusTable } from './open.js'

/** A create.sql translated to DuckDB: statements to run, and what was skipped and why. */
export interface TranslatedScript {
  /** Name of the table the script creates, as written (e.g. `warehouse.example_schema.t`). */
  readonly table: string
  readonly statements: string[]
  readonly skipped: string[]
}

/** Split SQL on `;` outside '…' strings and "…" identifiers; `--` comments removed. */
export function splitSql(sql: string): string[] {
  const out: string[] = []
  let cur = ''
  let q: string | undefined
  const text = sql.replace(/^\s*--.*$/gm, '')
  for (const ch of text) {
    if (q) q = ch === q ? undefined : q
    else if (ch === "'" || ch === '"') q = ch
    else if (ch === ';') {
      if (cur.trim()) out.push(cur.trim())
      cur = ''
      continue
    }
    cur += ch
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

/** The text from `open` (an opening parenthesis) to its matching close, inclusive. */
function balanced(s: string, open: number): string {
  let depth = 0
  let q = false
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!
    if (ch === "'") q = !q
    if (q) continue
    if (ch === '(') depth++
    if (ch === ')' && --depth === 0) return s.slice(open, i + 1)
  }
  throw new Error(`unbalanced parentheses in: ${s.slice(open, open + 80)}`)
}

/** Trino/Spark type names → DuckDB (TIMESTAMP(6) WITH TIME ZONE, TIME(6), VARBINARY, REAL, ARRAY<T>/ARRAY(T), ROW(…), MAP(K,V)). */
export function translateTypes(sql: string): string {
  // string literals are kept as written ('some-varbinary' is a value, not a type)
  return sql
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 ? part : typesOutsideStrings(part)))
    .join('')
}

function typesOutsideStrings(sql: string): string {
  let s = sql
    .replace(/\bTIMESTAMP\s*(\(\s*\d+\s*\))?\s+WITH\s+TIME\s+ZONE\b/gi, 'TIMESTAMPTZ')
    .replace(/\bTIMESTAMP\s*\(\s*\d+\s*\)/gi, 'TIMESTAMP')
    .replace(/\bTIME\s*\(\s*\d+\s*\)/gi, 'TIME')
    .replace(/\bVARBINARY\b/gi, 'BLOB')
    .replace(/\bREAL\b(?!\s*')/gi, 'FLOAT')
    .replace(/\bROW\s*\(/gi, 'STRUCT(')
  // ARRAY<T> / ARRAY(T) → T[] (innermost first, so nested element types are already translated)
  for (let prev = ''; prev !== s; ) {
    prev = s
    s = s.replace(/\bARRAY\s*<([^<>]*)>/gi, '$1[]').replace(/\bARRAY\s*\(([^()]*)\)/gi, '$1[]')
  }
  return s.replace(/\bMAP\s*<([^<>]*)>/gi, 'MAP($1)')
}

/** Trino typed literals → DuckDB casts: REAL/DOUBLE/DATE/TIME/UUID '…', DECIMAL '…' (exact precision), TIMESTAMP '… [zone]', X'…'. */
export function translateLiterals(sql: string): string {
  return sql
    .replace(/\bDECIMAL\s+'(-?)(\d*)(?:\.(\d*))?'/gi, (_m, sign: string, int: string, frac: string | undefined) => {
      const scale = frac?.length ?? 0
      return `CAST('${sign}${int}${frac === undefined ? '' : `.${frac}`}' AS DECIMAL(${Math.max(int.length + scale, scale + 1, 1)}, ${scale}))`
    })
    .replace(/\bTIMESTAMP\s+'([^']*?)\s+(UTC|Z|[+-]\d\d:?\d\d|[A-Za-z]+\/[A-Za-z_]+)'/gi, (_m, ts: string, zone: string) => `CAST('${ts}${/^(UTC|Z)$/i.test(zone) ? '+00:00' : ` ${zone}`}' AS TIMESTAMPTZ)`)
    .replace(/\b(REAL|DOUBLE|DATE|TIME|TIMESTAMP|UUID|INTEGER|BIGINT|SMALLINT|TINYINT|BOOLEAN|VARCHAR)\s+'([^']*)'/gi, (_m, t: string, v: string) => `CAST('${v}' AS ${t.toUpperCase() === 'REAL' ? 'FLOAT' : t.toUpperCase()})`)
    .replace(/\bX'([0-9a-f\s]*)'/gi, (_m, hex: string) => `from_hex('${hex.replace(/\s/g, '')}')`)
}

const SKIP: Array<[RegExp, string]> = [
  [/^CREATE\s+SCHEMA\b/i, 'CREATE SCHEMA'],
  [/^ALTER\s+TABLE\s+\S+\s+EXECUTE\s+optimize\b/i, 'OPTIMIZE (rewrites files, same rows)'],
  [/^ALTER\s+TABLE\s+\S+\s+EXECUTE\s+expire_snapshots\b/i, 'expire_snapshots (metadata only)'],
  [/^ALTER\s+TABLE\s+\S+\s+SET\s+PROPERTIES\s+partitioning\b/i, 'partitioning change (same rows)'],
  [/^SET\s+SESSION\b/i, 'session property'],
  [/^SELECT\b[\s\S]*\$files/i, 'query on the $files metadata table'],
]

/** Translate a create.sql to DuckDB, naming the created table `target`; throws when a statement has no translation. */
export function translateScript(sql: string, target: string): TranslatedScript {
  const statements: string[] = []
  const skipped: string[] = []
  let table: string | undefined
  for (const stmt of splitSql(sql)) {
    const skip = SKIP.find(([re]) => re.test(stmt))
    if (skip) {
      skipped.push(skip[1])
      continue
    }
    const create = /^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)\s*\(/i.exec(stmt)
    if (create) {
      table = create[1]!
      const cols = balanced(stmt, create[0].length - 1)
      // table properties (Trino WITH (…), Spark USING … TBLPROPERTIES (…)) do not change the rows
      statements.push(`CREATE OR REPLACE TABLE ${ident(target)} ${translateTypes(cols)}`)
      continue
    }
    const dml = /^(INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+([\w.]+)/i.exec(stmt)
    if (!dml || !table || dml[2]!.toLowerCase() !== table.toLowerCase()) throw new Error(`no DuckDB translation for: ${stmt.slice(0, 100)}`)
    statements.push(`${dml[1]} ${ident(target)}${translateLiterals(translateTypes(stmt.slice(dml[0].length)))}`)
  }
  if (!table) throw new Error('the script creates no table')
  return { table, statements, skipped }
}

/** Rows a table is declared to hold in MANIFEST.md's `expected` column ("N rows", "16 − 6 = 10 rows", "1 row total"). */
export function declaredRowCount(expected: string): number | undefined {
  const eq = /=\s*(\d+)/.exec(expected)
  if (eq) return Number(eq[1])
  const m = /(\d+) rows?\b/.exec(expected)
  return m ? Number(m[1]) : undefined
}

type Verdict = Pick<RecordOutcome, 'status' | 'detail'>
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

async function rows(c: DuckDBConnection, sql: string): Promise<string[][]> {
  return (await c.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? 'NULL' : String(v))))
}

async function compareTables(c: DuckDBConnection, expected: string, actual: string): Promise<Verdict> {
  const cols = async (t: string): Promise<string[][]> => rows(c, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`)
  const [want, got] = [await cols(expected), await cols(actual)]
  const names = (x: string[][]): string => x.map((r) => r[0]!.toLowerCase()).join(', ')
  if (names(want) !== names(got)) return { status: 'fail', detail: `columns: script ${names(want)}; floe ${names(got)}` }
  const types = want.flatMap((r, i) => (r[1] === got[i]![1] ? [] : [`${r[0]}: script ${r[1]}, floe ${got[i]![1]}`]))
  if (types.length) return { status: 'fail', detail: `column types differ: ${types.join('; ')}` }
  const list = want.map((r) => ident(r[0]!)).join(', ')
  const diff = async (a: string, b: string): Promise<string[][]> => rows(c, `SELECT * FROM (SELECT ${list} FROM ${ident(a)} EXCEPT ALL SELECT ${list} FROM ${ident(b)}) LIMIT 10`)
  const missing = await diff(expected, actual)
  const extra = await diff(actual, expected)
  const n = Number((await rows(c, `SELECT count(*) FROM ${ident(expected)}`))[0]![0])
  if (!missing.length && !extra.length) return { status: 'pass', detail: `${n} row(s) equal as multisets` }
  return { status: 'fail', detail: `script rows missing from floe: ${JSON.stringify(missing)}; floe rows not in script: ${JSON.stringify(extra)}` }
}

async function metadataOnly(t: CorpusTable): Promise<Verdict> {
  const meta = readFileSync(await corpusMetadataFile(t), 'utf8')
  const lists = [...meta.matchAll(/"manifest-list"\s*:\s*"([^"]+)"/g)].map((m) => basename(m[1]!))
  try {
    const n = (await (await openCorpusTable(t)).scan().toArray()).length
    return { status: 'fail', detail: `expected a typed error (manifest lists are absent), floe returned ${n} row(s)` }
  } catch (e) {
    if (!(e instanceof FloeError)) return { status: 'fail', detail: `untyped error: ${message(e)}` }
    const named = lists.find((l) => e.message.includes(l) || String(e.context.file ?? '').includes(l))
    return named
      ? { status: 'pass', detail: `${e.code} naming ${named}` }
      : { status: 'fail', detail: `${e.code} does not name a missing manifest list (${lists.join(', ')}): ${message(e)}` }
  }
}

async function floeTable(c: DuckDBConnection, t: CorpusTable, name: string): Promise<number> {
  const scan = (await openCorpusTable(t)).scan()
  const data = await scan.toArray()
  await loadRows(c, name, selectFields(scan.schema, new Set(scan.projectedIds())).fields, data)
  return data.length
}

/** Check one iceberg-cxx table: its create.sql replayed in DuckDB, else the MANIFEST row count; metadata-only fixtures must fail typed. */
export async function runCxxExpected(c: DuckDBConnection, table: CorpusTable): Promise<RecordOutcome[]> {
  const script = join(table.path, 'create.sql')
  const file = `iceberg-cxx/${table.dir}/create.sql`
  if (/metadata-only fixture/.test(table.features)) return [{ file: `iceberg-cxx/${table.dir}`, line: 0, ...(await metadataOnly(table)) }]
  const id = table.dir.replace(/\W+/g, '_')
  if (!existsSync(script)) {
    const want = declaredRowCount(table.expected)
    if (want === undefined) return [{ file: 'MANIFEST.md', line: 0, status: 'not-applicable', detail: `${table.dir}: no create.sql and no declared row count` }]
    try {
      const n = (await (await openCorpusTable(table)).scan().toArray()).length
      const status = n === want ? 'pass' : 'fail'
      return [{ file: 'MANIFEST.md', line: 0, status, detail: `${table.dir}: no create.sql; MANIFEST declares ${want} row(s), floe read ${n}` }]
    } catch (e) {
      return [{ file: 'MANIFEST.md', line: 0, status: 'fail', detail: `${table.dir}: floe failed: ${message(e)}` }]
    }
  }
  const text = readFileSync(script, 'utf8')
  const line = text.split('\n').findIndex((l) => /^\s*CREATE\s+TABLE/i.test(l)) + 1
  let translated: TranslatedScript
  try {
    translated = translateScript(text, `cxx_expected_${id}`)
    await c.run("SET TimeZone = 'UTC'") // Trino/Spark sessions of these scripts ran in UTC
    for (const s of translated.statements) await c.run(s)
  } catch (e) {
    return [{ file, line, status: 'not-applicable', detail: `create.sql has no DuckDB translation: ${message(e)}` }]
  }
  try {
    await floeTable(c, table, `cxx_floe_${id}`)
  } catch (e) {
    return [{ file, line, status: 'fail', detail: `floe failed: ${message(e)}` }]
  }
  const v = await compareTables(c, `cxx_expected_${id}`, `cxx_floe_${id}`)
  const skipped = translated.skipped.length ? ` (skipped: ${translated.skipped.join(', ')})` : ''
  return [{ file, line, status: v.status, detail: v.detail + skipped }]
}
