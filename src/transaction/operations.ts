// The file-changing operations, each a FileChangeUpdate configured with Java's operation and validation rules.
import { InvalidArgumentError, ValidationError } from '../errors.js'
import { alwaysTrue, type Expression } from '../expr/expression.js'
import { exprToString } from '../expr/format.js'
import type { DataFile } from '../spec/manifest.js'
import { isUnpartitioned } from '../spec/partition-spec.js'
import { specById } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { scopedDataFile } from '../deletes/file-scoped.js'
import {
  isDV,
  validateAddedDataFiles,
  validateAddedDVs,
  validateDataFilesExist,
  validateDeletedDataFiles,
  validateNoNewDeleteFiles,
  validateNoNewDeletesForDataFiles,
  type ConflictScope,
  type IsolationLevel,
} from './conflicts.js'
import { addedDeleteFile, FileChangeUpdate, type AddedDelete } from './merging-update.js'
import { deleteFileKey } from './manifest-filter.js'
import { branchHead } from './snapshot-producer.js'

/** Options every validated operation takes. */
export interface ValidationOptions {
  /** serializable (default) also fails on concurrently added data; snapshot only on concurrent deletes. */
  readonly isolation?: IsolationLevel
  /** Validate from this snapshot (the one a DML read); default: the branch head when the transaction started. */
  readonly fromSnapshotId?: bigint | null
  /** Rows this operation read: concurrent changes matching it conflict (default: the operation's own filter, else everything). */
  readonly conflictFilter?: Expression
}

const start = (o: ValidationOptions): { startSnapshotId?: bigint | null } => (o.fromSnapshotId === undefined ? {} : { startSnapshotId: o.fromSnapshotId })
const serializable = (o: ValidationOptions): boolean => (o.isolation ?? 'serializable') === 'serializable'

/** Options of a whole-file delete (`Transaction.delete`). */
export interface DeleteFilesOptions {
  readonly files?: readonly DataFile[]
  readonly filter?: Expression
  readonly caseSensitive?: boolean
  readonly summary?: Record<string, string>
}

/** Delete whole files: by path (each must still be live) and/or every file fully covered by `filter`. */
export function deleteFiles(branch: string, opts: DeleteFilesOptions): FileChangeUpdate {
  const paths = new Set((opts.files ?? []).map((f) => f.filePath))
  if (!paths.size && !opts.filter) throw new InvalidArgumentError('delete needs files or a filter')
  return new FileChangeUpdate({
    kind: 'delete',
    branch,
    operation: () => 'delete',
    remove: { ...(paths.size ? { paths } : {}), ...(opts.filter ? { filter: opts.filter } : {}), ...(opts.caseSensitive === undefined ? {} : { caseSensitive: opts.caseSensitive }) },
    ...(paths.size ? { requireRemoved: paths } : {}),
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}

/** Options of an overwrite (`Transaction.overwrite`). */
export interface OverwriteFilesOptions extends ValidationOptions {
  readonly filter?: Expression
  readonly deleteFiles?: readonly DataFile[]
  readonly addFiles?: readonly DataFile[]
  readonly summary?: Record<string, string>
}

/**
 * Overwrite (Java OverwriteFiles, as Spark's copy-on-write commits it): remove files (by path and/or fully
 * matching filter), add files. Serializable isolation fails on concurrently added data in the conflict filter;
 * both levels fail on concurrent deletes: new delete files or removed data files matching the filter, and new
 * deletes for the files removed here.
 */
export function overwriteFiles(branch: string, opts: OverwriteFilesOptions): FileChangeUpdate {
  const deleted = opts.deleteFiles ?? []
  const paths = new Set(deleted.map((f) => f.filePath))
  const rowFilter = opts.filter && opts.filter.kind !== 'false' ? opts.filter : undefined
  const dataConflict = opts.conflictFilter ?? (rowFilter && !paths.size ? rowFilter : alwaysTrue)
  return new FileChangeUpdate({
    kind: 'overwrite',
    branch,
    operation: ({ addsData, deletesData }) => (deletesData && !addsData ? 'delete' : addsData && !deletesData ? 'append' : 'overwrite'),
    addData: opts.addFiles ?? [],
    remove: { ...(paths.size ? { paths } : {}), ...(opts.filter ? { filter: opts.filter } : {}) },
    ...(paths.size ? { requireRemoved: paths } : {}),
    ...start(opts),
    validate: async (m, history, ctx) => {
      if (serializable(opts)) await validateAddedDataFiles(ctx.io, m, history, { filter: dataConflict }, exprToString(dataConflict))
      if (rowFilter) {
        const f = opts.conflictFilter ?? rowFilter
        await validateNoNewDeleteFiles(ctx.io, m, history, { filter: f }, exprToString(f))
        await validateDeletedDataFiles(ctx.io, m, history, { filter: f }, exprToString(f))
      }
      if (deleted.length) await validateNoNewDeletesForDataFiles(ctx.io, m, history, deleted, opts.conflictFilter ? { filter: opts.conflictFilter } : {})
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}

/**
 * Options of a dynamic partition overwrite (`Transaction.replacePartitions`): the conflicts it checks are
 * scoped by the partitions it replaces, so it takes no conflict filter (Java's ReplacePartitions).
 */
export interface ReplacePartitionsOptions extends Pick<ValidationOptions, 'isolation' | 'fromSnapshotId'> {
  readonly summary?: Record<string, string>
}

/**
 * Dynamic partition overwrite (Java ReplacePartitions): the added files, all of one spec, replace every data
 * and delete file in their partitions — everything when that spec is unpartitioned.
 */
export function replacePartitions(branch: string, files: readonly DataFile[], opts: ReplacePartitionsOptions = {}): FileChangeUpdate {
  if (!files.length) throw new InvalidArgumentError('Cannot determine partition specs: no data files have been added')
  const specId = files[0]!.specId
  if (files.some((f) => f.specId !== specId)) throw new InvalidArgumentError('Cannot replace partitions: data files with different partition specs have been added')
  const parts = new Set(files.map((f) => partitionKey(f.specId, f.partition)))
  return new FileChangeUpdate({
    kind: 'replace-partitions',
    branch,
    operation: () => 'overwrite',
    addData: files,
    replaceAddedPartitions: true,
    ...start(opts),
    validate: async (m, history, ctx) => {
      const spec = specById(m, specId)
      const scope: ConflictScope = spec && isUnpartitioned(spec) ? { filter: alwaysTrue } : { partitions: parts }
      const what = 'filter' in scope ? 'true' : `partitions ${[...parts].slice(0, 10).join(', ')}`
      if (serializable(opts)) await validateAddedDataFiles(ctx.io, m, history, scope, what)
      await validateDeletedDataFiles(ctx.io, m, history, scope, what)
      await validateNoNewDeleteFiles(ctx.io, m, history, scope, what)
    },
    summary: { 'replace-partitions': 'true', ...(opts.summary ?? {}) },
  })
}

/** Options of a row delta (`Transaction.rowDelta`). */
export interface RowDeltaOptions extends ValidationOptions {
  readonly addDeletes: readonly DataFile[]
  readonly addData?: readonly DataFile[]
  readonly removeData?: readonly DataFile[]
  /** Delete files replaced by the new ones (a new DV absorbs the data file's older DV). */
  readonly removeDeletes?: readonly DataFile[]
  /**
   * Paths of data files the added deletes apply to that must still be live at commit (Java
   * validateDataFilesExist): needed for position delete files that cover several data files.
   */
  readonly referencedDataFiles?: readonly string[] | ReadonlySet<string>
  /** Referenced data files removed by concurrent delete snapshots also conflict (Java validateDeletedFiles; default true). */
  readonly validateDeletedFiles?: boolean
  /** Concurrent delete files in the conflict filter conflict (Java validateNoConflictingDeleteFiles; default true). */
  readonly validateNoConflictingDeleteFiles?: boolean
  readonly summary?: Record<string, string>
}

/**
 * Row delta (Java RowDelta, merge-on-read DML): add delete files and data files, remove data and delete files.
 * Referenced data files are those listed in `referencedDataFiles` plus each position delete's own data file
 * (its referenced_data_file, or the one path its file_path bounds name).
 * Validation follows Spark's UPDATE/MERGE by default: referenced and removed data files must still exist
 * (removed by no overwrite, replace or delete), no new delete files in the conflict filter, no new deletes for
 * removed data files, no concurrent DV for the same data file, and under serializable no new data in the
 * conflict filter. Spark's DELETE turns off `validateDeletedFiles` (a concurrent delete snapshot may remove
 * those files: their rows are gone either way) and `validateNoConflictingDeleteFiles`.
 */
export function rowDelta(branch: string, opts: RowDeltaOptions): FileChangeUpdate {
  const referenced = new Set<string>(opts.referencedDataFiles ?? [])
  const dvTargets = new Set<string>()
  for (const d of opts.addDeletes) {
    if (d.content === 'data') throw new InvalidArgumentError(`rowDelta addDeletes takes delete files; ${d.filePath} is a data file`)
    const target = scopedDataFile(d)
    if (target !== undefined) referenced.add(target)
    if (d.content === 'position-deletes' && isDV(d) && d.referencedDataFile) dvTargets.add(d.referencedDataFile)
  }
  const removeData = opts.removeData ?? []
  const removePaths = new Set(removeData.map((f) => f.filePath))
  const deleteKeys = new Set((opts.removeDeletes ?? []).map(deleteFileKey))
  const conflict = opts.conflictFilter ?? alwaysTrue
  const what = exprToString(conflict)
  const validateDeletes = opts.validateDeletedFiles ?? true
  const validateNewDeletes = opts.validateNoConflictingDeleteFiles ?? true
  return new FileChangeUpdate({
    kind: 'row-delta',
    branch,
    operation: ({ addsData, addsDeletes, deletesData }) => (addsData && !addsDeletes && !deletesData ? 'append' : addsDeletes && !addsData ? 'delete' : 'overwrite'),
    addDeletes: opts.addDeletes,
    addData: opts.addData ?? [],
    ...(removePaths.size || deleteKeys.size ? { remove: { ...(removePaths.size ? { paths: removePaths } : {}), ...(deleteKeys.size ? { deleteKeys } : {}) } } : {}),
    // Java fails on missing files to remove only with validateDeletedFiles
    ...((removePaths.size || deleteKeys.size) && validateDeletes ? { requireRemoved: new Set([...removePaths, ...deleteKeys]) } : {}),
    ...start(opts),
    validate: async (m, history, ctx) => {
      if (!branchHead(m, branch)) return
      // the data files removed here are checked like the referenced ones (Spark's position deltas reference
      // every file they touch): a concurrent compaction or overwrite that already replaced one moved its rows
      // to files this delta knows nothing about, so committing would silently keep them
      await validateDataFilesExist(ctx.io, m, history, new Set([...referenced, ...removePaths]), { skipDeletes: !validateDeletes, filter: conflict })
      if (serializable(opts)) await validateAddedDataFiles(ctx.io, m, history, { filter: conflict }, what)
      if (validateNewDeletes) {
        if (removeData.length) await validateNoNewDeletesForDataFiles(ctx.io, m, history, removeData, { filter: conflict })
        await validateNoNewDeleteFiles(ctx.io, m, history, { filter: conflict }, what)
      }
      const both = [...removePaths].filter((p) => referenced.has(p))
      if (both.length) throw new ValidationError(`Cannot delete data files ${both.slice(0, 10).join(', ')} that are referenced by new delete files`)
      await validateAddedDVs(ctx.io, m, history, dvTargets, conflict)
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}

/**
 * Options of a rewrite (`Transaction.rewrite`, the compaction primitive). As Java's RewriteFiles, a rewrite
 * always validates (missing files, new deletes for the files it replaces) and has no isolation level or
 * conflict filter; only where validation starts may be given.
 */
export interface RewriteFilesOptions extends Pick<ValidationOptions, 'fromSnapshotId'> {
  readonly removeData: readonly DataFile[]
  readonly addData: readonly DataFile[]
  readonly removeDeletes?: readonly DataFile[]
  /**
   * New delete files; one given as `{ file, dataSequenceNumber }` keeps that data sequence number (the highest
   * of the delete files it replaces), the others get the new snapshot's.
   */
  readonly addDeletes?: readonly AddedDelete[]
  /** Data sequence number of the new data files (not delete files): keep the starting one so newer equality deletes still apply. */
  readonly dataSequenceNumber?: bigint
  readonly summary?: Record<string, string>
}

/**
 * Rewrite files (Java RewriteFiles, compaction): replace data and/or delete files without changing the table's
 * rows. Fails when a delete file added since the start (by an overwrite or delete) applies to a replaced
 * data file; equality deletes are ignored when the new data files keep the starting sequence number. A new
 * delete file may carry its own data sequence number (`{ file, dataSequenceNumber }`, Java
 * `addFile(DeleteFile, long)`): compacted deletes then keep applying to exactly the rows the replaced ones did.
 */
export function rewriteFiles(branch: string, opts: RewriteFilesOptions): FileChangeUpdate {
  const removeDeletes = opts.removeDeletes ?? []
  const addDeletes = opts.addDeletes ?? []
  if (!opts.removeData.length && !removeDeletes.length) throw new InvalidArgumentError('Files to delete cannot be empty')
  if (!opts.removeData.length && opts.addData.length) throw new InvalidArgumentError("Data files to add must be empty because there's no data file to be rewritten")
  if (!removeDeletes.length && addDeletes.length) throw new InvalidArgumentError("Delete files to add must be empty because there's no delete file to be rewritten")
  for (const d of addDeletes) {
    const f = addedDeleteFile(d).file
    if (f.content === 'data') throw new InvalidArgumentError(`rewrite addDeletes takes delete files; ${f.filePath} is a data file`)
  }
  const paths = new Set(opts.removeData.map((f) => f.filePath))
  const deleteKeys = new Set(removeDeletes.map(deleteFileKey))
  return new FileChangeUpdate({
    kind: 'rewrite',
    branch,
    operation: () => 'replace',
    addData: opts.addData,
    addDeletes,
    remove: { paths, deleteKeys },
    requireRemoved: new Set([...paths, ...deleteKeys]),
    ...(opts.dataSequenceNumber === undefined ? {} : { dataSequenceNumber: opts.dataSequenceNumber }),
    ...start(opts),
    validate: async (m, history, ctx) => {
      await validateNoNewDeletesForDataFiles(ctx.io, m, history, opts.removeData, { ignoreEquality: opts.dataSequenceNumber !== undefined })
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}
