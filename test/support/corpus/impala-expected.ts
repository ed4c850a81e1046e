// Run Impala's expected answers (QueryTest/*.test) against floe: each corpus table a query reads is loaded
// from floe's scan into DuckDB (TIMESTAMPTZ shown as a local TIMESTAMP, as Impala does), the table
// references are rewritten, DuckDB evaluates the query, and the rows are compared with ---- RESULTS.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { FloeError } from '../../../src/errors.js'
import type { IcebergType } from '../../../src/spec/types.js'
import type { SnapshotSelector } from '../../../src/table/time-travel.js'
import { CORPUS } from '../corpus.js'
import { walkFiles } from '../files.js'
import type { RecordOutcome } from './duckdb-expected.js'
import { duckColumnNames, ident, loadRows } from './duckdb.js'
import type { CorpusTable } from './manifest.js'
import { openCorpusTable } from './open.js'

const EXPECTED_DIR = join(CORPUS, 'impala', '_expected')

/** One test case of an Impala .test file. */
export interface ImpalaCase {
  readonly line: number
  readonly query: string // comment lines removed
  /** Expected rows (comments and blank lines removed); undefined when there is no RESULTS section. */
  readonly results?: string[]
  readonly verifier?: string // VERIFY_IS_EQUAL (default), _EQUAL_SORTED, _SUBSET, _SUPERSET, _NOT_IN
  readonly types?: string[]
  readonly catch?: string[] // the error Impala expects
}

/** Every Impala expected-answer file. */
export function impalaTestFiles(): string[] {
  return walkFiles(EXPECTED_DIR, (p) => p.endsWith('.test'))
}

/** Parse the `====`-separated cases of an Impala .test file (`---- QUERY`, `---- RESULTS[: VERIFIER]`, `---- TYPES`, `---- CATCH`). */
export function parseImpalaTest(text: string): ImpalaCase[] {
  const out: ImpalaCase[] = []
  let cur: { -readonly [K in keyof ImpalaCase]: ImpalaCase[K] } | undefined
  let section: string | undefined
  let buf: string[] = []
  const flush = (): void => {
    if (cur && section === 'QUERY') cur.query = buf.filter((l) => !l.trim().startsWith('#')).join('\n').trim()
    if (cur && section === 'RESULTS') cur.results = buf.filter((l) => l.trim() !== '' && !l.startsWith('#'))
    if (cur && section === 'TYPES') cur.types = buf.join(',').split(',').map((t) => t.trim().toUpperCase()).filter(Boolean)
    if (cur && section === 'CATCH') cur.catch = buf.filter((l) => l.trim() !== '')
    buf = []
  }
  const lines = text.replace(/\r/g, '').split('\n')
  lines.forEach((raw, i) => {
    const h = /^---- ([A-Z_]+)(?::\s*(\S+))?/.exec(raw)
    if (/^====/.test(raw) || h?.[1] === 'QUERY') {
      flush()
      if (cur) out.push(cur)
      cur = h ? { line: i + 1, query: '' } : undefined
      section = h ? 'QUERY' : undefined
    } else if (h) {
      flush()
      section = h[1]
      if (cur && h[1] === 'RESULTS' && h[2]) cur.verifier = h[2].toUpperCase()
    } else buf.push(raw)
  })
  flush()
  if (cur) out.push(cur)
  return out
}

/** A token: word (backquoted identifiers included), string literal or punctuation, with its character range. */
type Tok = { readonly k: 'w' | 'str' | 'p'; readonly t: string; readonly s: number; readonly e: number; readonly quoted?: string }

function tokenize(sql: string): Tok[] {
  const out: Tok[] = []
  const re = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`|[\w$]+|./g
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const t = m[0]
    const at = { s: m.index, e: m.index + t.length }
    if (/^(\s|--|\/\*)/.test(t)) continue
    if (t[0] === "'" || t[0] === '"') out.push({ k: 'str', t: t.slice(1, -1), quoted: t[0], ...at })
    else if (t[0] === '`') out.push({ k: 'w', t: t.slice(1, -1), quoted: '`', ...at })
    else out.push({ k: /^[\w$]/.test(t) ? 'w' : 'p', t, ...at })
  }
  return out
}

/** Split SQL into statements on `;` outside quotes and comments. */
export function splitStatements(sql: string): string[] {
  const cuts = [-1, ...tokenize(sql).flatMap((t) => (t.k === 'p' && t.t === ';' ? [t.s] : [])), sql.length]
  return cuts.slice(1).map((c, i) => sql.slice(cuts[i]! + 1, c).trim()).filter(Boolean)
}

/** A table reference in a FROM list, with Impala time travel and alias. */
export interface TableRef {
  readonly parts: string[]
  /** Character range of the name and its FOR SYSTEM_… clause (the alias is kept as written). */
  readonly s: number
  readonly e: number
  readonly alias?: string
  readonly version?: string
  readonly time?: string
}

const STOP = new Set('WHERE GROUP ORDER LIMIT HAVING UNION EXCEPT MINUS INTERSECT JOIN INNER LEFT RIGHT FULL CROSS OUTER SEMI ANTI ON USING FOR STRAIGHT_JOIN OFFSET WINDOW SELECT AS'.split(' '))
const END_FROM = new Set('WHERE GROUP ORDER LIMIT HAVING UNION EXCEPT MINUS INTERSECT ON USING SELECT'.split(' '))
const up = (t: Tok | undefined): string => (t?.k === 'w' && !t.quoted ? t.t.toUpperCase() : '')

/** The table references of a query: names after FROM/JOIN and after commas of a FROM list. */
export function tableRefs(sql: string): TableRef[] {
  const toks = tokenize(sql)
  const refs: TableRef[] = []
  const inFrom = new Set<number>()
  let depth = 0
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!
    if (t.t === '(' && t.k === 'p') depth++
    else if (t.t === ')' && t.k === 'p') inFrom.delete(depth--)
    else if (END_FROM.has(up(t))) inFrom.delete(depth)
    const starts = up(t) === 'FROM' || up(t) === 'JOIN' || (t.k === 'p' && t.t === ',' && inFrom.has(depth))
    if (starts) inFrom.add(depth)
    if (!starts || toks[i + 1]?.k !== 'w') continue
    let j = i + 1
    const parts = [toks[j]!.t]
    while (toks[j + 1]?.t === '.' && toks[j + 2]?.k === 'w') parts.push(toks[(j += 2)]!.t)
    let e = toks[j]!.e
    const ref: { -readonly [K in keyof TableRef]: TableRef[K] } = { parts, s: toks[i + 1]!.s, e }
    const kind = up(toks[j + 2])
    if (up(toks[j + 1]) === 'FOR' && (kind === 'SYSTEM_VERSION' || kind === 'SYSTEM_TIME') && up(toks[j + 4]) === 'OF') {
      let k = j + 5
      for (let d = 0; k < toks.length; k++) {
        const x = toks[k]!
        if (x.t === '(' && x.k === 'p') d++
        else if (x.t === ')' && x.k === 'p' && d-- === 0) break
        else if (d === 0 && ((x.k === 'p' && (x.t === ',' || x.t === ';')) || (STOP.has(up(x)) && k > j + 5))) break
      }
      const expr = sql.slice(toks[j + 5]!.s, toks[k - 1]!.e).trim()
      if (kind === 'SYSTEM_VERSION') ref.version = expr
      else ref.time = expr
      j = k - 1
      e = toks[j]!.e
    }
    ref.e = e
    if (up(toks[j + 1]) === 'AS' && toks[j + 2]?.k === 'w') ref.alias = toks[j + 2]!.t
    else if (toks[j + 1]?.k === 'w' && !STOP.has(up(toks[j + 1]))) ref.alias = toks[j + 1]!.t
    refs.push(ref)
  }
  return refs
}

/** Impala table name → corpus table: a folder's last component, and Impala's `<name>_external` tables over it. */
export function impalaTableNames(tables: readonly CorpusTable[]): Map<string, CorpusTable> {
  const pairs = tables.filter((t) => t.source === 'impala').map((t) => [t.dir.split('/').pop()!.toLowerCase(), t] as const)
  return new Map(pairs.flatMap(([n, t]) => [[n, t] as const, [`${n}_external`, t] as const]))
}

function resolve(parts: readonly string[], names: Map<string, CorpusTable>): { table?: CorpusTable; name: string; rest: string[] } {
  const i = parts.findIndex((p) => names.has(p.toLowerCase()))
  if (i < 0) return { name: parts.join('.'), rest: [] }
  return { table: names.get(parts[i]!.toLowerCase())!, name: parts[i]!, rest: parts.slice(i + 1) }
}

/** Corpus tables named anywhere in the SQL (dotted names outside string literals). */
export function mentionedTables(sql: string, names: Map<string, CorpusTable>): CorpusTable[] {
  return [...new Set(tokenize(sql).flatMap((t) => (t.k === 'w' && names.has(t.t.toLowerCase()) ? [names.get(t.t.toLowerCase())!] : [])))]
}

const JAVA_FMT: Array<[RegExp, string]> = [[/yyyy/g, '%Y'], [/MM/g, '%m'], [/dd/g, '%d'], [/HH/g, '%H'], [/mm/g, '%M'], [/ss/g, '%S']]

/** Translate Impala SQL to DuckDB: table refs replaced, `…` identifiers, "…" strings, MINUS, to_timestamp(s, fmt). */
export function translateImpala(sql: string, replace: ReadonlyMap<number, { readonly e: number; readonly text: string }> = new Map()): string {
  let out = ''
  let at = 0
  for (const t of tokenize(sql)) {
    if (t.s < at) continue
    out += sql.slice(at, t.s)
    const r = replace.get(t.s)
    if (r) {
      out += r.text
      at = r.e
      continue
    }
    if (t.k === 'w' && t.quoted) out += ident(t.t)
    else if (t.k === 'str' && t.quoted === '"') out += `'${t.t.replace(/\\"/g, '"').replace(/'/g, "''")}'`
    else if (up(t) === 'MINUS') out += 'EXCEPT'
    else out += sql.slice(t.s, t.e)
    at = t.e
  }
  out += sql.slice(at)
  return out.replace(/\bto_timestamp\(\s*('[^']*')\s*,\s*'([^']*)'\s*\)/gi, (_m, s: string, f: string) => `strptime(${s}, '${JAVA_FMT.reduce((x, [re, to]) => x.replace(re, to), f)}')`)
}

/** Split one Impala result line into cells ('…' strings may hold commas). */
export function impalaCells(line: string): string[] {
  const out: string[] = []
  let rest = line
  for (;;) {
    const m = /^'([\s\S]*?)'(?=,|$)/.exec(rest) ?? /^([^,]*)/.exec(rest)!
    out.push(m[0])
    rest = rest.slice(m[0].length)
    if (!rest.startsWith(',')) return out
    rest = rest.slice(1)
  }
}

const isStringType = (t: string | undefined): boolean => t !== undefined && /^(STRING|VARCHAR|CHAR)/.test(t)
const TS = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)?$/
const NUM = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** Impala cell (as written in RESULTS) → comparable text: quotes dropped, unquoted NULL → null ('NULL' stays text). */
export function canonExpected(cell: string): string | null {
  if (cell === 'NULL') return null
  return cell.length >= 2 && cell.startsWith("'") && cell.endsWith("'") ? cell.slice(1, -1) : cell
}

/** Whether an actual cell equals an expected one (timestamps to any fraction width, numbers with 1e-6 relative tolerance). */
export function sameCell(got: string | null, want: string | null): boolean {
  if (got === null || want === null) return got === want
  if (got === want) return true
  const a = TS.exec(got)
  const b = TS.exec(want)
  if (a && b) return a[1] === b[1] && (a[2] ?? '').replace(/\.?0+$/, '') === (b[2] ?? '').replace(/\.?0+$/, '')
  if (NUM.test(got) && NUM.test(want)) {
    if (/^-?\d+$/.test(got) && /^-?\d+$/.test(want)) return BigInt(got) === BigInt(want)
    const x = Number(got)
    const y = Number(want)
    return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y))
  }
  return false
}

const sameRow = (a: readonly (string | null)[], b: readonly (string | null)[]): boolean => a.length === b.length && a.every((c, i) => sameCell(c, b[i]!))

/** Rows of `a` without a partner in `b` (multiset matching). */
function unmatched(a: readonly (string | null)[][], b: readonly (string | null)[][]): (string | null)[][] {
  const used = new Set<number>()
  return a.filter((r) => {
    const i = b.findIndex((x, k) => !used.has(k) && sameRow(r, x))
    if (i >= 0) used.add(i)
    return i < 0
  })
}

/** Compare actual rows with a case's RESULTS under its verifier; undefined when they agree, else the reason. */
export function compareImpala(cs: ImpalaCase, actual: readonly (string | null)[][]): string | undefined {
  const want = (cs.results ?? []).map((l) => impalaCells(l).map(canonExpected))
  // Impala prints a NULL in a STRING column as 'NULL'
  const got = actual.map((r) => r.map((c, j) => (c === null && isStringType(cs.types?.[j]) ? 'NULL' : c)))
  const show = (rows: readonly unknown[]): string => JSON.stringify(rows.slice(0, 8)).slice(0, 500) + (rows.length > 8 ? ` … (${rows.length} rows)` : '')
  const v = cs.verifier ?? 'VERIFY_IS_EQUAL'
  const missing = unmatched(want, got)
  const extra = unmatched(got, want)
  if (v === 'VERIFY_IS_SUBSET') return missing.length ? `expected rows missing: ${show(missing)}` : undefined
  if (v === 'VERIFY_IS_SUPERSET') return extra.length ? `unexpected rows: ${show(extra)}` : undefined
  if (v === 'VERIFY_IS_NOT_IN') return want.some((w) => got.some((g) => sameRow(g, w))) ? `forbidden rows present in ${show(got)}` : undefined
  const ordered = /order\s+by\b/i.test(cs.query) && v !== 'VERIFY_IS_EQUAL_SORTED'
  if (missing.length || extra.length) return `expected ${want.length} row(s), got ${got.length}; missing ${show(missing)}; unexpected ${show(extra)}`
  const at = ordered ? want.findIndex((w, i) => !sameRow(got[i]!, w)) : -1
  return at < 0 ? undefined : `same rows, different order: row ${at} expected ${show([want[at]])} got ${show([got[at]])}`
}

const KIND: Array<[RegExp, string]> = [
  [/^(show|describe)\b/i, 'SHOW/DESCRIBE: catalog metadata, not a table read'],
  [/^compute\b/i, 'COMPUTE STATS: not a table read'],
  [/^(insert|update|delete|merge|upsert|alter|optimize|load|truncate|drop|create|refresh|invalidate)\b/i, 'DDL/DML: outside a read'],
]
const MOD = /^(?:insert\s+(?:into|overwrite)(?:\s+table)?|delete\s+from|update|merge\s+into|alter\s+table|optimize\s+table|truncate(?:\s+table)?|drop\s+table(?:\s+if\s+exists)?|load\s+data\s+inpath\s+'[^']*'(?:\s+overwrite)?\s+into\s+table)\s+([\w.`$]+)/i
const IMPALA_ONLY: Array<[RegExp, string]> = [
  [/\b(input__file__name|file__position|iceberg__\w+|_file_row_id|_file_last_updated_sequence_number)\b/i, 'Impala virtual column (not part of a table scan)'],
  [/\brand\s*\(/i, 'rand(seed): Impala-specific random sequence'],
  [/\/\*\s*\+|\bstraight_join\b|\[\s*(shuffle|broadcast|noshuffle)\s*\]/i, 'Impala join hint'],
]
// Iceberg's v3 row-lineage metadata columns: floe's scan returns them when selected by name
const LINEAGE = /\b(_row_id|_last_updated_sequence_number)\b/i
const LINEAGE_COLUMNS = ['_row_id', '_last_updated_sequence_number']
const META_TABLES = new Set(['files', 'data_files', 'delete_files', 'all_files', 'refs', 'history', 'snapshots', 'manifests', 'all_manifests', 'partitions', 'entries', 'all_entries', 'metadata_log_entries', 'position_deletes'])
const containsVariant = (t: IcebergType): boolean => JSON.stringify(t).includes('"kind":"variant"')
type Loaded = { readonly view: string; readonly variantColumns: string[] }

/** Drop leading/trailing select items that read virtual columns, and the same RESULTS/TYPES columns; undefined when none does or that is not sound. */
export function dropVirtualItems(sql: string, cs: ImpalaCase): { sql: string; cs: ImpalaCase } | undefined {
  const toks = tokenize(sql)
  let d = 0
  const top = toks.map((t) => (t.k === 'p' && t.t === '(' ? d++ : t.k === 'p' && t.t === ')' ? --d : d) === 0)
  const from = toks.findIndex((t, i) => up(t) === 'FROM' && top[i])
  if (up(toks[0]) !== 'SELECT' || from < 0 || /^\s*select\s+distinct\b|\bgroup\s+by\b/i.test(sql)) return undefined
  const cuts = [toks[0]!.e, ...toks.slice(1, from).flatMap((t, i) => (t.k === 'p' && t.t === ',' && top[i + 1] ? [t.s] : [])), toks[from]!.s]
  const items = cuts.slice(1).map((c, i) => sql.slice(cuts[i]! + (i ? 1 : 0), c))
  const virtual = items.map((x) => IMPALA_ONLY[0]![0].test(x))
  if (!virtual.some(Boolean)) return undefined
  const lead = virtual.indexOf(false)
  const trail = virtual.length - 1 - virtual.lastIndexOf(false)
  if (lead < 0 || virtual.slice(lead, virtual.length - trail).some(Boolean)) return undefined
  const keep = <T>(xs: readonly T[]): T[] => xs.slice(lead, xs.length - trail)
  const results = cs.results?.map((l) => keep(impalaCells(l)).join(','))
  const narrowed = { ...cs, ...(results ? { results } : {}), ...(cs.types ? { types: keep(cs.types) } : {}) }
  return { sql: `SELECT ${keep(items).map((x) => x.trim()).join(', ')} ${sql.slice(toks[from]!.s)}`, cs: narrowed }
}

/** Load a table's scan into DuckDB; with `lineage`, floe's `_row_id` and `_last_updated_sequence_number` columns are selected too. */
async function load(c: DuckDBConnection, t: CorpusTable, sel: SnapshotSelector | undefined, cache: Map<string, Loaded>, lineage = false): Promise<Loaded> {
  const key = `${t.path}@${sel ? JSON.stringify(sel, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : 'current'}${lineage ? '+lineage' : ''}`
  if (cache.has(key)) return cache.get(key)!
  const table = await openCorpusTable(t)
  const own = table.scan(sel ? { snapshot: sel } : {}).schema.fields.map((f) => f.name)
  const select = lineage ? [...own, ...LINEAGE_COLUMNS.filter((n) => !own.includes(n))] : undefined
  const scan = table.scan({ ...(sel ? { snapshot: sel } : {}), ...(select ? { select } : {}) })
  const rows = await scan.toArray()
  const fields = scan.projectedSchema().fields
  const name = `impala_${cache.size}`
  await loadRows(c, name, fields, rows)
  const cols = duckColumnNames(fields)
  const tz = cols.filter((_n, i) => fields[i]!.type.kind === 'timestamptz' || fields[i]!.type.kind === 'timestamptz_ns')
  // Impala reads TIMESTAMPTZ as a TIMESTAMP in the session time zone; the cast happens at query time
  const star = tz.length ? `* REPLACE (${tz.map((n) => `CAST(${ident(n)} AS TIMESTAMP) AS ${ident(n)}`).join(', ')})` : '*'
  await c.run(`CREATE OR REPLACE VIEW ${ident(`${name}_v`)} AS SELECT ${star} FROM ${ident(name)}`)
  const out = { view: `${name}_v`, variantColumns: cols.filter((_n, i) => containsVariant(fields[i]!.type)) }
  cache.set(key, out)
  return out
}

type Verdict = Pick<RecordOutcome, 'status' | 'detail'>
const na = (detail: string): Verdict => ({ status: 'not-applicable', detail })
const fail = (detail: string): Verdict => ({ status: 'fail', detail })
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

async function runCase(c: DuckDBConnection, names: Map<string, CorpusTable>, cs: ImpalaCase, tz: string, modified: ReadonlyMap<CorpusTable, number>, cache: Map<string, Loaded>): Promise<Verdict> {
  const stmts = splitStatements(cs.query).filter((s) => !/^set\s/i.test(s))
  for (const t of mentionedTables(cs.query, names)) if (modified.has(t)) return na(`${t.dir.split('/').pop()} was changed by the DDL/DML case at line ${modified.get(t)} of this file`)
  const other = stmts.find((s) => !/^(select|with|values|\()/i.test(s))
  if (other) return na(`${KIND.find(([re]) => re.test(other))?.[1] ?? 'not a query'}: ${other.split(/\s+/).slice(0, 3).join(' ')}`)
  if (stmts.length !== 1) return na('several queries in one case')
  if (cs.catch) return na(`Impala expects an error (Impala-specific restriction): ${cs.catch.join(' ').slice(0, 120)}`)
  if (!cs.results) return na('no RESULTS section')
  const narrowed = IMPALA_ONLY[0]![0].test(stmts[0]!) ? dropVirtualItems(stmts[0]!, cs) : undefined
  if ((narrowed?.cs ?? cs).results!.some((l) => /(^|,)(row_)?regex:/.test(l))) return na('expected rows are regular expressions (file paths, sizes)')
  const sql = narrowed?.sql ?? stmts[0]!
  const only = IMPALA_ONLY.find(([re]) => re.test(sql))
  if (only) return na(only[1])
  // a lineage column read next to `*` would widen the star's expansion: Impala hides those columns from `*`
  const lineage = LINEAGE.test(sql)
  if (lineage && /(^|[\s,.])\*\s*(,|from\b)/i.test(sql)) return na('reads row-lineage columns next to select *, which Impala does not expand to them')
  const ctes = new Set([...sql.matchAll(/(?:\bwith|,)\s+(\w+)\s+as\s*\(/gi)].map((m) => m[1]!.toLowerCase()))
  const refs = tableRefs(sql).filter((r) => !(r.parts.length === 1 && ctes.has(r.parts[0]!.toLowerCase())))
  const aliases = new Set(refs.map((r) => r.alias?.toLowerCase()))
  await c.run(`SET TimeZone = '${tz.replace(/'/g, "''")}'`)
  const resolved = refs.map((r) => ({ r, ...resolve(r.parts, names) }))
  for (const { r, table, rest } of resolved) {
    if (!table) return na(aliases.has(r.parts[0]!.toLowerCase()) ? `Impala nested-collection reference ${r.parts.join('.')}` : `reads ${r.parts.join('.')}, not a corpus table`)
    if (rest.length) return na(META_TABLES.has(rest[0]!.toLowerCase()) ? `Iceberg metadata table ${rest.join('.')}` : `Impala nested-collection reference ${r.parts.join('.')}`)
  }
  if (!refs.length) return na('no table reference found in the FROM clause')
  const replace = new Map<number, { e: number; text: string }>()
  for (const { r, table, name } of resolved) {
    let sel: SnapshotSelector | undefined
    if (r.version !== undefined) sel = { snapshotId: BigInt(r.version) }
    if (r.time !== undefined) {
      const q = await c.runAndReadAll(`SELECT epoch_ms(CAST((${translateImpala(r.time)}) AS TIMESTAMPTZ))`)
      sel = { asOfTimestampMs: BigInt(String(q.getRows()[0]![0])) }
    }
    let l: Loaded
    try {
      l = await load(c, table!, sel, cache, lineage)
    } catch (e) {
      if (e instanceof FloeError && e.code === 'UNSUPPORTED' && /\bORC\b/.test(e.message)) return na(`ORC data files (floe reads Parquet and Avro): ${message(e)}`)
      return fail(`floe could not scan ${name}${r.version ? ` at snapshot ${r.version}` : r.time ? ` as of ${r.time}` : ''}: ${message(e)}`)
    }
    const variant = l.variantColumns.find((v) => new RegExp(`\\b${v}\\b`, 'i').test(sql)) ?? (l.variantColumns.length && /(^|[\s,.])\*\s*(,|from\b)/i.test(sql) ? l.variantColumns[0] : undefined)
    if (variant) return na(`reads variant column ${variant}: Impala prints time, timestamps and uuids in variants its own way (test/unit/spec/variant.test.ts compares the JSON)`)
    replace.set(r.s, { e: r.e, text: r.alias ? ident(l.view) : `${ident(l.view)} AS ${ident(name)}` })
  }
  const translated = translateImpala(sql, replace)
  let got: (string | null)[][]
  try {
    got = (await c.runAndReadAll(translated)).getRows().map((row) => row.map((v) => (v === null ? null : String(v))))
  } catch (e) {
    const m = message(e)
    if (/Referenced column .* not found/i.test(m)) return fail(`a column is missing from floe's scan: ${m} (SQL: ${translated})`)
    return na(`DuckDB cannot run the translated Impala SQL: ${m}`)
  }
  const diff = compareImpala(narrowed?.cs ?? cs, got)
  const note = narrowed ? ' (virtual-column select items left out)' : ''
  return diff ? fail(diff + note) : { status: 'pass', detail: `${got.length} row(s)${note}` }
}

/** Run every Impala expected answer that reads `table` (cases on other tables only feed SET / DDL state). */
export async function runImpalaExpected(c: DuckDBConnection, tables: readonly CorpusTable[], table: CorpusTable): Promise<RecordOutcome[]> {
  const names = impalaTableNames(tables)
  const cache = new Map<string, Loaded>()
  const out: RecordOutcome[] = []
  try {
    for (const file of impalaTestFiles()) {
      const name = file.slice(EXPECTED_DIR.length + 1)
      let tz = 'UTC'
      const modified = new Map<CorpusTable, number>()
      for (const cs of parseImpalaTest(readFileSync(file, 'utf8'))) {
        const stmts = splitStatements(cs.query)
        for (const s of stmts) tz = /^set\s+timezone\s*=\s*['"]?([^'";]+)/i.exec(s)?.[1]?.trim() ?? tz
        if (mentionedTables(cs.query, names).includes(table)) out.push({ file: name, line: cs.line, ...(await runCase(c, names, cs, tz, modified, cache)) })
        // statements that change a table (and do not expect an error) make later answers on it unreachable
        if (!cs.catch)
          for (const s of stmts) {
            const t = MOD.exec(s)?.[1]
            const hit = t ? resolve(t.replace(/`/g, '').split('.'), names).table : undefined
            if (hit && !modified.has(hit)) modified.set(hit, cs.line)
          }
      }
    }
  } finally {
    await c.run("SET TimeZone = 'UTC'")
  }
  return out
}
