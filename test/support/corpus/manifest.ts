// Parse shared/corpus/MANIFEST.md: every table row with its source, folder and declared facts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CORPUS } from '../corpus.js'

/** One table listed in MANIFEST.md. */
export interface CorpusTable {
  /** Source folder under corpus/ (duckdb-iceberg, impala, iceberg-cxx, icebird, polars). */
  readonly source: string
  /** Table folder relative to the source folder. */
  readonly dir: string
  /** Absolute table folder. */
  readonly path: string
  readonly writtenBy: string
  readonly formatVersion: number
  readonly snapshots: number
  readonly deletes: string
  /** Σ record_count of live data files in the current snapshot (before deletes), when declared. */
  readonly currentRecords?: number
  readonly positionDeletes?: number
  readonly equalityDeletes?: number
  readonly locationPrefix: string
  readonly features: string
  readonly expected: string
}

const strip = (s: string): string => s.trim().replace(/^`|`$/g, '')

/** Every table row of every source section, in MANIFEST order. */
export function corpusTables(): CorpusTable[] {
  const text = readFileSync(join(CORPUS, 'MANIFEST.md'), 'utf8')
  const out: CorpusTable[] = []
  let source: string | undefined
  for (const line of text.split('\n')) {
    const h = /^## \S+ \(`corpus\/([^/`]+)\/`\)/.exec(line)
    if (h) {
      source = h[1]
      continue
    }
    if (/^## /.test(line)) source = undefined
    if (!source || !line.startsWith('| `')) continue
    const cells = line.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, ''))
    if (cells.length < 11) continue
    const [dir, writtenBy, fmt, snaps, , , deletes, counts, prefix, features, expected] = cells as [string, string, string, string, string, string, string, string, string, string, string]
    const c = counts.split('/').map((x) => Number(x))
    out.push({
      source,
      dir: strip(dir),
      path: join(CORPUS, source, strip(dir)),
      writtenBy,
      formatVersion: Number(fmt.replace('v', '')),
      snapshots: Number(snaps),
      deletes,
      ...(Number.isFinite(c[0]) ? { currentRecords: c[0]!, positionDeletes: c[1]!, equalityDeletes: c[2]! } : {}),
      locationPrefix: strip(prefix),
      features,
      expected,
    })
  }
  return out
}
