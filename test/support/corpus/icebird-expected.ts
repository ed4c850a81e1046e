// Check icebird's transcribed expected rows (icebird/_expected/EXPECTED.json) and what MANIFEST.md knows of
// the polars table against floe's scans, per metadata file and per `@snapshot <id>` time-travel point.
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { FloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import type { Schema } from '../../../src/spec/schema.js'
import { daysToIsoDate, microsToIsoTimestamp } from '../../../src/spec/temporal.js'
import type { IcebergType, Value } from '../../../src/spec/types.js'
import { decimalToString } from '../../../src/spec/values.js'
import { CORPUS } from '../corpus.js'
import type { RecordOutcome } from './duckdb-expected.js'
import type { CorpusTable } from './manifest.js'
import { corpusMetadataFile, openCorpusTable } from './open.js'

const EXPECTED_FILE = 'icebird/_expected/EXPECTED.json'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonRow = Record<string, Json>

/** A floe value as EXPECTED.json writes it: long → number, decimal → string, date → ISO date, timestamp → ISO text. */
export function jsonValue(v: Value | undefined, t: IcebergType): Json {
  if (v === null || v === undefined) return null
  switch (t.kind) {
    case 'long':
      return Number(v as bigint)
    case 'decimal':
      return decimalToString(v as bigint, t.scale)
    case 'date':
      return daysToIsoDate(v as number)
    case 'timestamp':
    case 'timestamptz':
      return microsToIsoTimestamp(v as bigint)
    case 'boolean':
    case 'int':
    case 'float':
    case 'double':
    case 'string':
      return v as Json
    default:
      return String(v)
  }
}

/** Whether a floe row equals an expected row: same column names, equal values (float compared as float32). */
export function rowMatches(schema: Schema, row: Row, want: JsonRow): boolean {
  const names = Object.keys(row)
  if (names.length !== Object.keys(want).length || !names.every((n) => n in want)) return false
  return schema.fields.every((f) => {
    if (!(f.name in want)) return true
    const got = jsonValue(row[f.name], f.type)
    const w = want[f.name]!
    if (f.type.kind === 'float' && typeof w === 'number' && typeof got === 'number') return Math.fround(w) === Math.fround(got)
    return got === w
  })
}

/** Whether `rows` and `want` are equal as multisets of rows. */
export function sameRowMultiset(schema: Schema, rows: readonly Row[], want: readonly JsonRow[]): boolean {
  const used = new Set<number>()
  return rows.length === want.length && want.every((w) => {
    const i = rows.findIndex((r, k) => !used.has(k) && rowMatches(schema, r, w))
    if (i >= 0) used.add(i)
    return i >= 0
  })
}

const show = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v)).slice(0, 400)

/** Check one expectation entry (row_count, first_row, row_index_N, contains, rows, rows_with_…, error) against a scan result. */
export function checkEntry(key: string, want: Json, schema: Schema, rows: readonly Row[]): Pick<RecordOutcome, 'status' | 'detail'> | undefined {
  const ok = (b: boolean, detail: string): Pick<RecordOutcome, 'status' | 'detail'> => ({ status: b ? 'pass' : 'fail', detail })
  const index = key === 'first_row' ? 0 : /^row_index_(\d+)$/.exec(key) ? Number(key.slice(10)) : undefined
  if (key === 'row_count') return ok(rows.length === want, `${key}: expected ${String(want)}, got ${rows.length}`)
  if (index !== undefined) {
    const w = want as JsonRow
    const at = rows.findIndex((r) => rowMatches(schema, r, w))
    return ok(at === index, `${key}: expected ${show(w)} at index ${index}, ${at < 0 ? `absent; row ${index} is ${show(rows[index])}` : `found at ${at}`}`)
  }
  if (key === 'contains') return ok(rows.some((r) => rowMatches(schema, r, want as JsonRow)), `contains ${show(want)}`)
  if (key === 'rows') return ok(sameRowMultiset(schema, rows, want as JsonRow[]), `rows: expected ${show(want)}, got ${show(rows)}`)
  if (key.startsWith('rows_with_')) {
    const list = want as JsonRow[]
    // the filter column is the one whose value every expected row shares and the key spells (spaces as _)
    const col = Object.keys(list[0] ?? {}).find((c) => list.every((r) => r[c] === list[0]![c]) && key.endsWith(String(list[0]![c]).replace(/ /g, '_')))
    if (!col) return { status: 'not-applicable', detail: `${key}: cannot tell the filter column` }
    const f = schema.fields.find((x) => x.name === col)
    const subset = rows.filter((r) => f && jsonValue(r[col], f.type) === list[0]![col])
    return ok(sameRowMultiset(schema, subset, list), `${key} (${col} = ${show(list[0]![col])}): expected ${show(list)}, got ${show(subset)}`)
  }
  return undefined
}

async function checkPoint(t: CorpusTable, file: string, point: string, entry: Record<string, Json>): Promise<RecordOutcome[]> {
  const [meta, snap] = point.split('@snapshot ')
  const where = [EXPECTED_FILE, t.dir.split('/').slice(-2).join('/'), point].filter(Boolean).join(' ')
  try {
    const table = await openCorpusTable(t, meta ? join(t.path, 'metadata', meta) : file)
    const scan = table.scan(snap ? { snapshot: { snapshotId: BigInt(snap.trim()) } } : {})
    const rows = await scan.toArray()
    if ('error' in entry) return [{ file: where, line: 0, status: 'fail', detail: `expected an error (${String(entry.error)}), floe read ${rows.length} row(s)` }]
    const out: RecordOutcome[] = []
    for (const [key, want] of Object.entries(entry)) {
      const v = checkEntry(key, want, scan.schema, rows)
      if (v) out.push({ file: where, line: 0, ...v })
    }
    if (typeof entry['last-sequence-number'] === 'number') {
      const seq = table.metadata.lastSequenceNumber
      out.push({ file: where, line: 0, status: seq === BigInt(entry['last-sequence-number']) ? 'pass' : 'fail', detail: `last-sequence-number: expected ${entry['last-sequence-number']}, got ${seq}` })
    }
    return out
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    if ('error' in entry) return [{ file: where, line: 0, status: e instanceof FloeError ? 'pass' : 'fail', detail: `${e instanceof FloeError ? e.code : 'untyped error'}: ${msg}` }]
    return [{ file: where, line: 0, status: 'fail', detail: `floe failed: ${msg}` }]
  }
}

/** The polars table: 3 rows (MANIFEST), `ts` a timestamp without zone partitioned by day; every row's day is a `ts_day=` data folder and every folder holds a row. */
export async function runPolarsExpected(t: CorpusTable): Promise<RecordOutcome[]> {
  const where = `MANIFEST.md polars ${basename(t.dir)}`
  try {
    const scan = (await openCorpusTable(t)).scan()
    const rows = await scan.toArray()
    const ts = scan.schema.fields.find((f) => f.name === 'ts')
    const days = readdirSync(join(t.path, 'data')).flatMap((d) => (/^ts_day=/.test(d) ? [d.slice(7)] : [])).sort()
    const rowDays = [...new Set(rows.map((r) => (typeof r.ts === 'bigint' ? microsToIsoTimestamp(r.ts).slice(0, 10) : String(r.ts))))].sort()
    return [
      { file: where, line: 0, status: rows.length === 3 ? 'pass' : 'fail', detail: `row count: expected 3, got ${rows.length}` },
      { file: where, line: 0, status: ts?.type.kind === 'timestamp' ? 'pass' : 'fail', detail: `ts type: expected timestamp (no zone), got ${ts?.type.kind}` },
      { file: where, line: 0, status: show(days) === show(rowDays) ? 'pass' : 'fail', detail: `days of ts: data folders ${show(days)}, rows ${show(rowDays)}` },
    ]
  } catch (e) {
    return [{ file: where, line: 0, status: 'fail', detail: `floe failed: ${e instanceof Error ? e.message : String(e)}` }]
  }
}

/** Check every EXPECTED.json entry of one icebird table (polars tables are routed to runPolarsExpected). */
export async function runIcebirdExpected(t: CorpusTable): Promise<RecordOutcome[]> {
  if (t.source === 'polars') return runPolarsExpected(t)
  const all = JSON.parse(readFileSync(join(CORPUS, EXPECTED_FILE), 'utf8')) as Record<string, Json>
  const spec = all[`icebird/${t.dir}`] as Record<string, Json> | undefined
  if (!spec) return [{ file: EXPECTED_FILE, line: 0, status: 'not-applicable', detail: `no entry for ${t.dir}` }]
  const out: RecordOutcome[] = []
  const current = await corpusMetadataFile(t)
  const byFile = spec.by_metadata_file as Record<string, Record<string, Json>> | undefined
  for (const [point, entry] of Object.entries(byFile ?? {})) out.push(...(await checkPoint(t, current, point, entry)))
  if (!byFile) out.push(...(await checkPoint(t, current, '', spec as Record<string, Json>)))
  if (typeof spec.current_metadata === 'string') {
    const stem = spec.current_metadata.split(' ')[0]!
    out.push({ file: `${EXPECTED_FILE} ${t.dir.split('/').slice(-2).join('/')}`, line: 0, status: basename(current).startsWith(stem) ? 'pass' : 'fail', detail: `current metadata: expected ${stem}, found ${basename(current)}` })
  }
  return out
}
