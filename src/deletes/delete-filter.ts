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
import { equalityMatcher, readEqualityDeletes, withEqualityColumns, type EqualityDeleteSet, type EqualityMatcher } from './equality-deletes.js'
import { readPositionDeletes, sameFileLoosely } from './position-deletes.js'

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
  /**
   * The projection of the rows that will be passed to `isDeleted`: it must hold the equality columns, except
   * those no longer in it, which are added as {@link withEqualityColumns} adds them (so read rows that way).
   */
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

/**
 * Positions for `dataFilePath` in a whole-file read: the exact path, else the one path that names the same file
 * with a `scheme://authority` prefix only one of them has (see {@link sameFileLoosely}).
 */
function positionsFor(all: ReadonlyMap<string, PositionSet>, dataFilePath: string): PositionSet | undefined {
  const exact = all.get(dataFilePath)
  if (exact) return exact
  let hit: PositionSet | undefined
  for (const [path, set] of all) {
    if (!sameFileLoosely(path, dataFilePath)) continue
    if (hit) return undefined // ambiguous: no exact evidence which one is meant
    hit = set
  }
  return hit
}

/** The equality field ids of `deletes`. */
export function equalityIdsOf(deletes: readonly DataFile[]): number[] {
  return [...new Set(deletes.flatMap((d) => (d.content === 'equality-deletes' ? (d.equalityIds ?? []) : [])))]
}

/** Load every delete file that applies to the data file at `dataFilePath` and build its filter. */
export async function loadDeletes(dataFilePath: string, deletes: readonly DataFile[], opts: LoadDeletesOptions): Promise<DeleteFilter> {
  const positions: PositionSet[] = []
  const sets = new Map<string, { ids: readonly number[]; keys: Set<string>; set?: EqualityDeleteSet }>()
  for (const d of deletes) {
    const file = d.filePath
    if (d.content === 'data') throw new FloeError('INVALID_ARGUMENT', `${file} is a data file, not a delete file`, { context: { file } })
    if (d.fileFormat === 'PUFFIN') {
      // every Puffin delete file is a deletion vector, which names its one data file (Java validateDV)
      if (d.content !== 'position-deletes')
        throw new FloeError('INVALID_METADATA', `Puffin delete file ${file} must hold position deletes (a deletion vector), not ${d.content}`, { context: { file } })
      if (d.referencedDataFile === undefined)
        throw new FloeError('INVALID_METADATA', `Deletion vector ${file} has no referenced_data_file`, { context: { file } })
      if (d.referencedDataFile !== dataFilePath)
        throw new FloeError('INVALID_METADATA', `Deletion vector ${file} references ${d.referencedDataFile}, not ${dataFilePath}`, { context: { file } })
      const dv = await readDeletionVector(await opts.open(file), {
        ...(d.contentOffset === undefined ? {} : { contentOffset: d.contentOffset }),
        ...(d.contentSizeInBytes === undefined ? {} : { contentSizeInBytes: d.contentSizeInBytes }),
        referencedDataFile: d.referencedDataFile,
        allowBareBlob: opts.allowBareDeletionVectors ?? false,
      })
      if (BigInt(dv.size) !== d.recordCount)
        throw new FloeError('INVALID_DATA', `Deletion vector cardinality ${dv.size} differs from record_count ${d.recordCount}`, { context: { file } })
      positions.push(dv)
      continue
    }
    const reader = readerForFormat(d.fileFormat, opts.reader)
    if (!reader) throw new UnsupportedError(`${d.fileFormat} delete files are not supported`, { context: { file } })
    // a delete file that lost rows fails rather than applying what is left
    const common = { reader, recordCount: d.recordCount, ...(opts.signal ? { signal: opts.signal } : {}) }
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
  // equality columns dropped from the data schema are read from the data file by id (readTask adds them)
  const dataSchema = sets.size ? withEqualityColumns(opts.dataSchema, [...sets.values()].flatMap((e) => e.ids), opts.schemas, dataFilePath) : opts.dataSchema
  const matchers = [...sets.values()].filter((e) => e.set && e.keys.size > 0).map((e) => equalityMatcher(e.set!, dataSchema))
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
  task: Pick<FileScanTask, 'file' | 'deletes' | 'schema' | 'equalityColumns'>,
  signal?: AbortSignal,
  options: TaskDeleteOptions = {},
): Promise<DeleteFilter> {
  if (task.deletes.length === 0) return Promise.resolve(deleteFilter())
  return loadDeletes(task.file.filePath, task.deletes, {
    open: (path) => fileSource(io, path, signal),
    schemas: [task.schema, ...(task.equalityColumns ? [task.equalityColumns] : []), ...(options.olderSchemas ?? [])],
    dataSchema: task.schema,
    ...(options.reader ? { reader: options.reader } : {}),
    ...(signal ? { signal } : {}),
    ...(options.allowBareDeletionVectors === undefined ? {} : { allowBareDeletionVectors: options.allowBareDeletionVectors }),
    ...(options.positionDeleteCache ? { positionDeleteCache: options.positionDeleteCache } : {}),
  })
}
