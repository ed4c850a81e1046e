// The file-changing operations, each a FileChangeUpdate configured with Java's operation and validation rules.
import { InvalidArgumentError } from '../errors.js'
import { alwaysTrue, type Expression } from '../expr/expression.js'
import { exprToString } from '../expr/format.js'
import type { DataFile } from '../spec/manifest.js'
import { partitionKey } from '../table/delete-index.js'
import { validateFilesExist, validateNoConflictingData, validateNoConflictingDeletes, validateNoNewDeletesFor, type IsolationLevel } from './conflicts.js'
import { FileChangeUpdate } from './merging-update.js'
import { deleteFileKey } from './manifest-filter.js'

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

/** Delete whole files: by path (each must still be live) and/or every file fully covered by `filter`. */
export function deleteFiles(branch: string, opts: { readonly files?: readonly DataFile[]; readonly filter?: Expression; readonly caseSensitive?: boolean; readonly summary?: Record<string, string> }): FileChangeUpdate {
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

/** Overwrite (Java OverwriteFiles): remove files (by path and/or fully-matching filter), add files, validate. */
export function overwriteFiles(
  branch: string,
  opts: ValidationOptions & { readonly filter?: Expression; readonly deleteFiles?: readonly DataFile[]; readonly addFiles?: readonly DataFile[]; readonly summary?: Record<string, string> },
): FileChangeUpdate {
  const paths = new Set((opts.deleteFiles ?? []).map((f) => f.filePath))
  const conflict = opts.conflictFilter ?? (paths.size ? alwaysTrue : (opts.filter ?? alwaysTrue))
  const what = exprToString(conflict)
  return new FileChangeUpdate({
    kind: 'overwrite',
    branch,
    operation: ({ addedData, removed }) => (addedData && !removed ? 'append' : !addedData && removed ? 'delete' : 'overwrite'),
    addData: opts.addFiles ?? [],
    remove: { ...(paths.size ? { paths } : {}), ...(opts.filter ? { filter: opts.filter } : {}) },
    ...(paths.size ? { requireRemoved: paths } : {}),
    ...start(opts),
    validate: async (m, history, ctx) => {
      if ((opts.isolation ?? 'serializable') === 'serializable') await validateNoConflictingData(ctx.io, m, history, { filter: conflict }, what)
      await validateNoConflictingDeletes(ctx.io, m, history, { filter: conflict }, what)
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}

/** Dynamic partition overwrite (Java ReplacePartitions): the added files replace everything in their partitions. */
export function replacePartitions(branch: string, files: readonly DataFile[], opts: ValidationOptions & { readonly summary?: Record<string, string> } = {}): FileChangeUpdate {
  const parts = new Set(files.map((f) => partitionKey(f.specId, f.partition)))
  return new FileChangeUpdate({
    kind: 'replace-partitions',
    branch,
    operation: () => 'overwrite',
    addData: files,
    replaceAddedPartitions: true,
    ...start(opts),
    validate: async (m, history, ctx) => {
      if ((opts.isolation ?? 'serializable') === 'serializable') await validateNoConflictingData(ctx.io, m, history, { partitions: parts }, 'the replaced partitions')
      await validateNoConflictingDeletes(ctx.io, m, history, { partitions: parts }, 'the replaced partitions')
    },
    summary: { 'replace-partitions': 'true', ...(opts.summary ?? {}) },
  })
}

/** Row delta (Java RowDelta, merge-on-read DML): add delete files (and data files); referenced data files must still exist. */
export function rowDelta(
  branch: string,
  opts: ValidationOptions & {
    readonly addDeletes: readonly DataFile[]
    readonly addData?: readonly DataFile[]
    readonly removeData?: readonly DataFile[]
    /** Delete files replaced by the new ones (a new DV absorbs the data file's older DV). */
    readonly removeDeletes?: readonly DataFile[]
    readonly summary?: Record<string, string>
  },
): FileChangeUpdate {
  const referenced = new Set<string>()
  for (const d of opts.addDeletes) {
    if (d.content === 'data') throw new InvalidArgumentError(`rowDelta addDeletes takes delete files; ${d.filePath} is a data file`)
    if (d.referencedDataFile) referenced.add(d.referencedDataFile)
  }
  const removePaths = new Set((opts.removeData ?? []).map((f) => f.filePath))
  const deleteKeys = new Set((opts.removeDeletes ?? []).map(deleteFileKey))
  const conflict = opts.conflictFilter ?? alwaysTrue
  const what = exprToString(conflict)
  return new FileChangeUpdate({
    kind: 'row-delta',
    branch,
    // Java: deletes without data are DELETE, anything with data OVERWRITE; removing whole files only removes rows too
    operation: ({ addedData }) => (addedData ? 'overwrite' : 'delete'),
    addDeletes: opts.addDeletes,
    addData: opts.addData ?? [],
    ...(removePaths.size || deleteKeys.size
      ? { remove: { ...(removePaths.size ? { paths: removePaths } : {}), ...(deleteKeys.size ? { deleteKeys } : {}) }, requireRemoved: new Set([...removePaths, ...deleteKeys]) }
      : {}),
    ...start(opts),
    validate: async (m, history, ctx) => {
      await validateFilesExist(ctx.io, m, history, new Set([...referenced, ...removePaths]))
      if ((opts.isolation ?? 'serializable') === 'serializable') await validateNoConflictingData(ctx.io, m, history, { filter: conflict }, what)
      await validateNoConflictingDeletes(ctx.io, m, history, { filter: conflict }, what)
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}

/** Rewrite files (Java RewriteFiles, compaction): replace data files without changing the table's rows. */
export function rewriteFiles(
  branch: string,
  opts: ValidationOptions & {
    readonly removeData: readonly DataFile[]
    readonly addData: readonly DataFile[]
    readonly removeDeletes?: readonly DataFile[]
    /** Keep the starting snapshot's sequence number on the new files, so newer equality deletes still apply. */
    readonly dataSequenceNumber?: bigint
    readonly summary?: Record<string, string>
  },
): FileChangeUpdate {
  if (!opts.removeData.length && !(opts.removeDeletes ?? []).length) throw new InvalidArgumentError('rewrite needs files to replace')
  const paths = new Set(opts.removeData.map((f) => f.filePath))
  const deleteKeys = new Set((opts.removeDeletes ?? []).map(deleteFileKey))
  return new FileChangeUpdate({
    kind: 'rewrite',
    branch,
    operation: () => 'replace',
    addData: opts.addData,
    remove: { paths, deleteKeys },
    requireRemoved: new Set([...paths, ...deleteKeys]),
    ...(opts.dataSequenceNumber === undefined ? {} : { dataSequenceNumber: opts.dataSequenceNumber }),
    ...start(opts),
    validate: async (m, history, ctx) => {
      await validateNoNewDeletesFor(ctx.io, m, history, opts.removeData, opts.dataSequenceNumber !== undefined)
    },
    ...(opts.summary ? { summary: opts.summary } : {}),
  })
}
