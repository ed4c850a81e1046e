// A small reader for DuckDB sqllogictest files (the duckdb-iceberg expected answers).
import { readFileSync } from 'node:fs'

/** One record of a .test file. */
export type LogicRecord =
  | { readonly kind: 'statement'; readonly expectError: boolean; readonly sql: string; readonly line: number }
  | { readonly kind: 'query'; readonly types: string; readonly sort: 'nosort' | 'rowsort' | 'valuesort'; readonly sql: string; readonly expected: string[][]; readonly line: number }

/** Parse a sqllogictest file into statements and queries (mode skip … unskip sections are dropped). */
export function parseLogicTest(path: string): LogicRecord[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const out: LogicRecord[] = []
  let skipping = false
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!.trim()
    const start = i + 1
    i++
    if (line === 'mode skip') {
      skipping = true
      continue
    }
    if (line === 'mode unskip') {
      skipping = false
      continue
    }
    const stmt = /^statement (ok|error)/.exec(line)
    const query = /^query (\S+)(?:\s+(nosort|rowsort|valuesort))?/.exec(line)
    if (!stmt && !query) continue
    const sql: string[] = []
    while (i < lines.length && lines[i]!.trim() !== '' && lines[i]!.trim() !== '----') sql.push(lines[i++]!)
    let expected: string[][] = []
    if (i < lines.length && lines[i]!.trim() === '----') {
      i++
      const res: string[] = []
      while (i < lines.length && lines[i]!.trim() !== '') res.push(lines[i++]!)
      expected = res.map((r) => r.split('\t'))
    }
    if (skipping) continue
    if (stmt) out.push({ kind: 'statement', expectError: stmt[1] === 'error', sql: sql.join('\n'), line: start })
    else out.push({ kind: 'query', types: query![1]!, sort: (query![2] as 'nosort' | 'rowsort' | 'valuesort' | undefined) ?? 'nosort', sql: sql.join('\n'), expected, line: start })
  }
  return out
}

/** One `iceberg_scan(...)` call found in SQL. */
export interface ScanCall {
  readonly text: string
  readonly path: string
  readonly args: Readonly<Record<string, string>>
}

/** Find `iceberg_scan('path', k => v, k = v …)` calls (case-insensitive). */
export function findScanCalls(sql: string): ScanCall[] {
  const out: ScanCall[] = []
  const re = /iceberg_scan\(\s*'([^']*)'((?:\s*,\s*[a-z_]+\s*(?:=>|=)\s*(?:'[^']*'|[^,)]+))*)\s*\)/gi
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const args: Record<string, string> = {}
    const argRe = /([a-z_]+)\s*(?:=>|=)\s*('[^']*'|[^,)]+)/gi
    for (let a = argRe.exec(m[2] ?? ''); a; a = argRe.exec(m[2] ?? '')) args[a[1]!.toLowerCase()] = a[2]!.trim().replace(/^'|'$/g, '')
    out.push({ text: m[0], path: m[1]!, args })
  }
  return out
}

/** Compare a DuckDB result (as text cells) with the expected cells of a query record. */
export function sameResult(rec: Extract<LogicRecord, { kind: 'query' }>, got: string[][]): boolean {
  let a = got.map((r) => [...r])
  let b = rec.expected.map((r) => [...r])
  if (rec.sort === 'rowsort') {
    const key = (r: string[]): string => r.join('\t')
    a = a.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))
    b = b.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0))
  } else if (rec.sort === 'valuesort') {
    a = [a.flat().sort()]
    b = [b.flat().sort()]
  }
  if (a.length !== b.length) return false
  return a.every((r, i) => r.length === b[i]!.length && r.every((cell, j) => sameCell(cell, b[i]![j]!, rec.types[j])))
}

function sameCell(got: string, want: string, type: string | undefined): boolean {
  if (got === want) return true
  // the runner prints booleans in an integer column as 1/0
  if (type === 'I' && (got === 'true' || got === 'false')) return (got === 'true' ? '1' : '0') === want
  if (type === 'R' || /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(want)) {
    const x = Number(got)
    const y = Number(want)
    if (Number.isFinite(x) && Number.isFinite(y)) return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y))
  }
  return false
}
