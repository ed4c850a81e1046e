// Spec §Scan Planning (delete application): combine deletion vectors, position deletes and equality deletes
// that apply to one data file into `isDeleted(position, row)`. Planning has already chosen the delete files
// (sequence numbers, partitions); this module only loads and applies them.
import { FloeError, UnsupportedError } from '../errors.js'
import type { FileIO } from '../io/file-io.js'
import { fileSource } from '../parquet/byte-source.js'
import type { ByteSource, ParquetReader, Row } from '../parquet/codec.js'
import { readerForFormat } from '../avro-data/reader-for-format.js'
import type { DataFile } from '../spec/manifest.js'
import type { Schema } from '../spec/schema.js'
import type { FileScanTask } from '../table/task.js'
import { readDeletionVector, type PositionSet } from './deletion-vector.js'
import { equalityMatcher, readEqualityDeletes, type EqualityDeleteSet, type EqualityMatcher } from './equality-deletes.js'
import { readPositionDeletes, schemelessPath } from './position-deletes.js'

/** Decides which rows of one data file are deleted. */
export interface DeleteFilter {
  /** False when nothing applies (callers can skip the per-row test). */
  readonly hasDeletes: boolean
  /** Field ids the rows passed to `isDeleted` must carry (equality columns). */
  readonly equalityFieldIds: readonly number[]
  /** True when the row at file `position` is deleted by position, or `row` matches an equality delete. */
  isDeleted(position: number, row: Row): boolean
  /** Position-only test (deletion vectors and position deletes). */
  isDeletedPosition(position: number): boolean
}

/** Combine already-loaded position sets and equality matchers. */
export function deleteFilter(positions: readonly PositionSet[] = [], equality: readonly EqualityMatcher[] = []): DeleteFilter {
  const pos = positions.filter((p) => p.size > 0)
  const eq = [...equality]
  const byPosition =
    pos.length === 0 ? (): boolean => false : pos.length === 1 ? (p: number): boolean => pos[0]!.has(p) : (p: number): boolean => pos.some((s) => s.has(p))
  return {
    hasDeletes: pos.length > 0 || eq.length > 0,
    equalityFieldIds: [...new Set(eq.flatMap((m) => m.fieldIds))],
    isDeletedPosition: byPosition,
    isDeleted: eq.length === 0 ? (p) => byPosition(p) : (p, row) => byPosition(p) || eq.some((m) => m.matches(row)),
  }
}

/** How to open and interpret the delete files of one data file. */
export interface LoadDeletesOptions {
  /** Open a delete file (e.g. `fileSource(io, path)` with location remapping). */
  readonly open: (path: string) => Promise<ByteSource>
  /** Table schemas for equality column types: the current (or snapshot) schema first, then older ones. */
  readonly schemas: readonly Schema[]
  /** The projection of the rows that will be passed to `isDeleted` (must hold the equality columns). */
  readonly dataSchema: Schema
  readonly reader?: ParquetReader
  readonly signal?: AbortSignal
  /** Read deletion vectors stored as bare blobs instead of Puffin files (legacy writers); default false. */
  readonly allowBareDeletionVectors?: boolean
  /**
   * Share position delete files between data files: each file is read once, completely, and kept here by
   * path (a scan passes one map for all its tasks). Without it only the rows of this data file are kept.
   */
  readonly positionDeleteCache?: Map<string, Promise<ReadonlyMap<string, PositionSet>>>
}

/** Positions for `dataFilePath` in a whole-file read: exact path first, then the schemeless form. */
function positionsFor(all: ReadonlyMap<string, PositionSet>, dataFilePath: string): PositionSet | undefined {
  const exact = all.get(dataFilePath)
  if (exact) return exact
  const want = schemelessPath(dataFilePath)
  for (const [path, set] of all) if (schemelessPath(path) === want) return set
  return undefined
}

/** Load every delete file that applies to the data file at `dataFilePath` and build its filter. */
export async function loadDeletes(dataFilePath: string, deletes: readonly DataFile[], opts: LoadDeletesOptions): Promise<DeleteFilter> {
  const positions: PositionSet[] = []
  const sets = new Map<string, { ids: readonly number[]; keys: Set<string>; set?: EqualityDeleteSet }>()
  for (const d of deletes) {
    const file = d.filePath
    if (d.content === 'data') throw new FloeError('INVALID_ARGUMENT', `${file} is a data file, not a delete file`, { context: { file } })
    if (d.content === 'position-deletes' && d.fileFormat === 'PUFFIN') {
      const dv = await readDeletionVector(await opts.open(file), {
        ...(d.contentOffset === undefined ? {} : { contentOffset: d.contentOffset }),
        ...(d.contentSizeInBytes === undefined ? {} : { contentSizeInBytes: d.contentSizeInBytes }),
        referencedDataFile: d.referencedDataFile ?? dataFilePath,
        allowBareBlob: opts.allowBareDeletionVectors ?? false,
      })
      if (BigInt(dv.size) !== d.recordCount)
        throw new FloeError('INVALID_DATA', `Deletion vector cardinality ${dv.size} differs from record_count ${d.recordCount}`, { context: { file } })
      positions.push(dv)
      continue
    }
    const reader = readerForFormat(d.fileFormat, opts.reader)
    if (!reader) throw new UnsupportedError(`${d.fileFormat} delete files are not supported`, { context: { file } })
    const common = { reader, ...(opts.signal ? { signal: opts.signal } : {}) }
    if (d.content === 'position-deletes') {
      const cache = opts.positionDeleteCache
      let set: PositionSet | undefined
      if (cache) {
        let whole = cache.get(file)
        if (!whole) {
          whole = opts.open(file).then((src) => readPositionDeletes(src, common))
          cache.set(file, whole)
          whole.catch(() => cache.delete(file))
        }
        set = positionsFor(await whole, dataFilePath)
      } else set = (await readPositionDeletes(await opts.open(file), { dataFiles: [dataFilePath], ...common })).get(dataFilePath)
      if (set) positions.push(set)
      continue
    }
    const ids = d.equalityIds ?? []
    const key = ids.join(',')
    let entry = sets.get(key)
    if (!entry) sets.set(key, (entry = { ids, keys: new Set() }))
    entry.set = await readEqualityDeletes(await opts.open(file), ids, opts.schemas, common, entry.keys)
  }
  const matchers = [...sets.values()].filter((e) => e.set && e.keys.size > 0).map((e) => equalityMatcher(e.set!, opts.dataSchema))
  return deleteFilter(positions, matchers)
}

/** Extra choices for {@link loadDeleteFilter}. */
export interface TaskDeleteOptions {
  readonly reader?: ParquetReader
  /** Older table schemas, for equality columns dropped from the task schema. */
  readonly olderSchemas?: readonly Schema[]
  readonly allowBareDeletionVectors?: boolean
  /** See {@link LoadDeletesOptions.positionDeleteCache}. */
  readonly positionDeleteCache?: LoadDeletesOptions['positionDeleteCache']
}

/**
 * Load the delete files of a scan task through `io`. Rows later passed to `isDeleted` must be projected from
 * `task.schema` (any subset that holds `equalityFieldIds`, with the same names).
 */
export function loadDeleteFilter(
  io: FileIO,
  task: Pick<FileScanTask, 'file' | 'deletes' | 'schema'>,
  signal?: AbortSignal,
  options: TaskDeleteOptions = {},
): Promise<DeleteFilter> {
  if (task.deletes.length === 0) return Promise.resolve(deleteFilter())
  return loadDeletes(task.file.filePath, task.deletes, {
    open: (path) => fileSource(io, path),
    schemas: [task.schema, ...(options.olderSchemas ?? [])],
    dataSchema: task.schema,
    ...(options.reader ? { reader: options.reader } : {}),
    ...(signal ? { signal } : {}),
    ...(options.allowBareDeletionVectors === undefined ? {} : { allowBareDeletionVectors: options.allowBareDeletionVectors }),
    ...(options.positionDeleteCache ? { positionDeleteCache: options.positionDeleteCache } : {}),
  })
}
