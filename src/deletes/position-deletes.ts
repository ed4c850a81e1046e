// Spec §Position Delete Files: read (file_path, pos) rows from Parquet into one sorted position set per data
// file. Columns resolve by reserved field id (by name for files without ids); the optional `row` column is
// never read, and rows whose file_path is NULL are ignored (seen in Impala fixtures). A file without the
// file_path or pos column, or with a negative position, fails (Java: "Missing required field", and its
// position bitmap refuses positions < 0) instead of deleting nothing.
import { FloeError } from '../errors.js'
import type { ByteSource, ParquetReader, RowGroupInfo } from '../parquet/codec.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import type { NameMapping } from '../spec/name-mapping.js'
import { schema } from '../spec/schema.js'
import { T, field } from '../spec/types.js'
import { compareStrings } from '../spec/values.js'
import type { PositionSet } from './deletion-vector.js'

/** Reserved field id of `file_path` in position delete files. */
export const DELETE_FILE_PATH_ID = 2147483546
/** Reserved field id of `pos` in position delete files. */
export const DELETE_POS_ID = 2147483545
/** Reserved field id of the deprecated `row` struct in position delete files. */
export const DELETE_ROW_ID = 2147483544

// What a column the file lacks reads as (readers fill a missing column with its initial default): values no
// stored row can hold (a path with a NUL, a position below 0), so a file without the column is told from one
// whose values are NULL
const MISSING_PATH = '\u0000missing file_path'
const MISSING_POS = -(2n ** 63n)

// optional on read: Impala fixtures hold NULL paths, which are skipped
const PROJECTION = schema([
  field(DELETE_FILE_PATH_ID, 'file_path', T.string, { initialDefault: MISSING_PATH }),
  field(DELETE_POS_ID, 'pos', T.long, { initialDefault: MISSING_POS }),
])
const NAMES: NameMapping = [
  { fieldId: DELETE_FILE_PATH_ID, names: ['file_path'] },
  { fieldId: DELETE_POS_ID, names: ['pos'] },
]

function search(a: Float64Array, x: number): boolean {
  let lo = 0
  let hi = a.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = a[mid]!
    if (v < x) lo = mid + 1
    else if (v > x) hi = mid - 1
    else return true
  }
  return false
}

/** A PositionSet over positions (sorted and de-duplicated here). */
export function sortedPositionSet(positions: Iterable<number>): PositionSet {
  const a = Float64Array.from(positions).sort()
  let n = 0
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[n - 1]) a[n++] = a[i]!
  const sorted = a.subarray(0, n)
  return {
    has: (pos) => search(sorted, pos),
    size: n,
    [Symbol.iterator]: () => sorted[Symbol.iterator](),
  }
}

/** Options for reading position delete files. */
export interface PositionDeleteOptions {
  /** Keep only deletes for these data file paths (all when omitted); results are keyed by these paths. */
  readonly dataFiles?: Iterable<string>
  /**
   * Match `file_path` exactly only. By default a path that matches no requested data file exactly also matches
   * the one requested path naming the same file with a `scheme://authority` (or `file:`) prefix that only one of
   * the two has: tables whose metadata was relocated (e.g. `hdfs://nn:8020/wh/t/…` rewritten to `/wh/t/…`) keep
   * the old form inside their delete files. Two paths that both have a scheme must be equal.
   */
  readonly exactPaths?: boolean
  readonly reader?: ParquetReader
  readonly signal?: AbortSignal
  /**
   * The file's manifest record_count: a file holding fewer rows fails with INVALID_DATA (it lost deletes, and
   * applying the rest would bring deleted rows back). More rows are read as they are (files patched after
   * their commit exist, and engines trust the file).
   */
  readonly recordCount?: bigint
}

/** Fail when a delete file holds fewer rows than its manifest entry says (see PositionDeleteOptions.recordCount). */
export function checkDeleteRowCount(file: string, rows: number, recordCount: bigint | undefined): void {
  if (recordCount !== undefined && BigInt(rows) < recordCount)
    throw new FloeError('INVALID_DATA', `Delete file ${file} holds ${rows} rows, its manifest entry says record_count ${recordCount}`, { context: { file } })
}

/** A location without its `scheme://authority` or `file:` prefix (`hdfs://nn:8020/a/b` → `/a/b`). */
export function schemelessPath(location: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/.exec(location)
  if (m) return location.slice(m[0].length)
  return location.startsWith('file:') ? location.slice('file:'.length) : location
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/

/**
 * True when `a` and `b` name the same file up to a `scheme://authority` prefix that exactly one of them has
 * (`hdfs://nn/wh/f` and `/wh/f`); never for two different schemes, hosts or buckets.
 */
export function sameFileLoosely(a: string, b: string): boolean {
  if (a === b) return true
  return SCHEME.test(a) !== SCHEME.test(b) && schemelessPath(a) === schemelessPath(b)
}

/** Requested paths by schemeless form, for the loose match: only forms one requested path has, by scheme-ness. */
function looseIndex(wanted: ReadonlySet<string>): (path: string) => string | undefined {
  const byForm = new Map<string, string[]>()
  for (const p of wanted) {
    const k = schemelessPath(p)
    const l = byForm.get(k)
    if (l) l.push(p)
    else byForm.set(k, [p])
  }
  return (path) => {
    const hits = (byForm.get(schemelessPath(path)) ?? []).filter((p) => sameFileLoosely(p, path))
    return hits.length === 1 ? hits[0] : undefined
  }
}

/** Read a position delete file into sorted position sets keyed by data file path. */
export async function readPositionDeletes(source: ByteSource, opts: PositionDeleteOptions = {}): Promise<Map<string, PositionSet>> {
  const wanted = opts.dataFiles === undefined ? undefined : new Set(opts.dataFiles)
  const loose = wanted && !opts.exactPaths ? looseIndex(wanted) : undefined
  const sortedWanted = wanted && [...wanted].sort(compareStrings)
  // rows of the file, pruned row groups included (for the record_count check)
  let rows = 0
  // rows are sorted by file_path, so footer bounds let whole row groups be skipped (exact matching only:
  // a relocated path sorts elsewhere)
  const rowGroupFilter = sortedWanted && opts.exactPaths
    ? (g: RowGroupInfo): boolean => {
        const s = g.columns.get(DELETE_FILE_PATH_ID)
        if (typeof s?.min !== 'string' || typeof s.max !== 'string') return true
        const { min, max } = s
        const keep = sortedWanted.some((p) => compareStrings(p, min) >= 0 && compareStrings(p, max) <= 0)
        if (!keep) rows += g.rowCount
        return keep
      }
    : undefined
  const byFile = new Map<string, number[]>()
  const reader = opts.reader ?? hyparquetReader
  for await (const batch of reader.readBatches(source, {
    schema: PROJECTION,
    nameMapping: NAMES,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(rowGroupFilter ? { rowGroupFilter } : {}),
  })) {
    let lastPath: string | undefined
    let list: number[] | undefined
    rows += batch.rows.length
    for (const row of batch.rows) {
      const path = row.file_path
      const pos = row.pos
      if (path === MISSING_PATH || pos === MISSING_POS)
        throw new FloeError('INVALID_DATA', `Position delete file ${source.path} has no ${path === MISSING_PATH ? 'file_path' : 'pos'} column (field id ${path === MISSING_PATH ? DELETE_FILE_PATH_ID : DELETE_POS_ID})`, {
          context: { file: source.path, field: path === MISSING_PATH ? 'file_path' : 'pos' },
        })
      if (typeof path !== 'string' || typeof pos !== 'bigint') continue
      if (pos < 0n) throw new FloeError('INVALID_DATA', `Position delete file ${source.path} holds a negative position ${pos}`, { context: { file: source.path, field: 'pos' } })
      if (path !== lastPath) {
        lastPath = path
        const key = !wanted || wanted.has(path) ? path : loose?.(path)
        list = key === undefined ? undefined : byFile.get(key)
        if (!list && key !== undefined) byFile.set(key, (list = []))
      }
      list?.push(Number(pos))
    }
  }
  checkDeleteRowCount(source.path, rows, opts.recordCount)
  const out = new Map<string, PositionSet>()
  for (const [path, positions] of byFile) out.set(path, sortedPositionSet(positions))
  return out
}
