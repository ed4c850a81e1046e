// Compaction by bin-packing (Java's RewriteDataFiles with its default bin-pack strategy): per partition, the
// data files that are too small, too large, carry too many delete files or too high a share of deleted rows
// are read (deletes applied) and written again as files of the target size, in one rewrite commit. The new files
// keep the starting snapshot's data sequence number, so equality deletes committed meanwhile still apply to
// them; position deletes and deletion vectors that named only rewritten files are dropped with them. v3 rows
// keep their lineage (`_row_id`, `_last_updated_sequence_number`). A commit that fails for good deletes the
// files it wrote; one whose outcome is unknown deletes nothing.
import { throwIfAborted } from '../abort.js'
import { CommitStateUnknownError, InvalidArgumentError, isFloeError } from '../errors.js'
import type { Expression } from '../expr/expression.js'
import { parseFilter } from '../expr/parse.js'
import type { DataFile } from '../spec/manifest.js'
import { schemaWithRowLineage } from '../spec/metadata-columns.js'
import { parseJavaLong } from '../spec/properties.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSchema, type TableMetadata } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { readTask } from '../table/read.js'
import type { FileScanTask } from '../table/task.js'
import type { Table } from '../table/table.js'
import { writeDataFiles } from '../write/data-writer.js'

/** Options of {@link rewriteDataFiles} (Java's bin-pack options). */
export interface RewriteDataFilesOptions {
  /** Size of the files written (default `write.target-file-size-bytes`). */
  readonly targetFileSizeBytes?: number
  /** Files below this are rewritten (default 75 % of the target). */
  readonly minFileSizeBytes?: number
  /** Files above this are rewritten (default 180 % of the target). */
  readonly maxFileSizeBytes?: number
  /** A partition's candidates are rewritten when there are at least this many (default 5), or more than a target's worth. */
  readonly minInputFiles?: number
  /** A file with at least this many delete files is rewritten (default: never for this reason). */
  readonly deleteFileThreshold?: number
  /** A file whose file-scoped deletes (DVs, position deletes naming only it) cover at least this share of its rows is rewritten (default 0.3, in (0, 1]). */
  readonly deleteRatioThreshold?: number
  /** Rewrite every selected file, whatever its size. */
  readonly rewriteAll?: boolean
  /** Only files that may hold matching rows (whole files are rewritten). */
  readonly filter?: Expression | string
  /** Commit the groups in several commits (Java's `partial-progress.enabled`): a batch that fails is reported, the others stay committed. */
  readonly partialProgress?: boolean
  /** With partial progress, at most this many commits (default 10, Java's `partial-progress.max-commits`). */
  readonly partialProgressMaxCommits?: number
  /** Plan only: report the groups, write and commit nothing. */
  readonly dryRun?: boolean
  readonly signal?: AbortSignal
}

/** One partition's files chosen for rewriting (files of older specs form one group: spec id −1, no partition). */
export interface RewriteGroup {
  readonly specId: number
  readonly partition: readonly unknown[]
  readonly files: readonly DataFile[]
  readonly bytes: bigint
}

/** What a compaction did (or, on a dry run, would do). */
export interface RewriteDataFilesResult {
  /** The table after the commit (the loaded one on a dry run or when nothing was rewritten). */
  readonly table: Table
  readonly groups: readonly RewriteGroup[]
  readonly rewrittenDataFiles: number
  readonly rewrittenBytes: bigint
  readonly addedDataFiles: number
  readonly addedBytes: bigint
  /** Position-delete files and deletion vectors dropped with the only data files they named. */
  readonly removedDeleteFiles: number
  /** How many rewrite commits landed. */
  readonly commits: number
  /** With partial progress: the groups whose commit failed (their files stay as they were), with the error. */
  readonly failedGroups: readonly { readonly group: RewriteGroup; readonly error: unknown }[]
  readonly dryRun: boolean
}

function checkCount(v: number | undefined, name: string, min: number): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${String(v)}`, { context: { field: name } })
}

// Java's SizeBasedFileRewritePlanner checks: sizes ≥ 0 (target > 0), min < target < max, counts ≥ 1 (threshold ≥ 0)
function sizes(m: TableMetadata, o: RewriteDataFilesOptions): { target: number; min: number; max: number } {
  checkCount(o.targetFileSizeBytes, 'targetFileSizeBytes', 1)
  checkCount(o.minFileSizeBytes, 'minFileSizeBytes', 0)
  checkCount(o.maxFileSizeBytes, 'maxFileSizeBytes', 1)
  checkCount(o.minInputFiles, 'minInputFiles', 1)
  checkCount(o.deleteFileThreshold, 'deleteFileThreshold', 0)
  const r = o.deleteRatioThreshold
  if (r !== undefined && !(typeof r === 'number' && r > 0 && r <= 1)) throw new InvalidArgumentError(`deleteRatioThreshold must be in (0, 1], got ${String(r)}`, { context: { field: 'deleteRatioThreshold' } })
  const prop = m.properties['write.target-file-size-bytes']
  const target = o.targetFileSizeBytes ?? (prop === undefined ? 536_870_912 : Number(parseJavaLong(prop) ?? 536_870_912n))
  const min = o.minFileSizeBytes ?? Math.floor(target * 0.75)
  const max = o.maxFileSizeBytes ?? Math.floor(target * 1.8)
  if (!(min < target && target < max)) throw new InvalidArgumentError(`File sizes must satisfy min (${min}) < target (${target}) < max (${max})`)
  return { target, min, max }
}

// Java's tooHighDeleteRatio: rows the file-scoped deletes remove (capped at the file's count) over its rows
function deleteRatio(t: FileScanTask): number {
  const rows = Number(t.file.recordCount)
  if (rows <= 0 || t.deletes.length === 0) return 0
  const deleted = t.deletes.filter((d) => d.content === 'position-deletes' && d.referencedDataFile !== undefined).reduce((n, d) => n + Number(d.recordCount), 0)
  return Math.min(deleted, rows) / rows
}

/** The groups a bin-pack rewrite of `tasks` would rewrite (Java's SizeBasedFileRewritePlanner rules). */
export function planRewriteGroups(m: TableMetadata, tasks: readonly FileScanTask[], o: RewriteDataFilesOptions = {}): RewriteGroup[] {
  const { target, min, max } = sizes(m, o)
  const minInputs = o.minInputFiles ?? 5
  const deletesAt = o.deleteFileThreshold ?? Number.POSITIVE_INFINITY
  const ratioAt = o.deleteRatioThreshold ?? 0.3
  const tooManyDeletes = (t: FileScanTask): boolean => t.deletes.length >= deletesAt
  const tooHighRatio = (t: FileScanTask): boolean => deleteRatio(t) >= ratioAt
  const candidate = (t: FileScanTask): boolean => {
    const size = Number(t.file.fileSizeInBytes)
    return Boolean(o.rewriteAll) || size < min || size > max || tooManyDeletes(t) || tooHighRatio(t)
  }
  // grouped by partition; files of older specs form one group, as Java groups them (their output partition
  // follows the current spec)
  const byPartition = new Map<string, FileScanTask[]>()
  for (const t of tasks) {
    if (!candidate(t)) continue
    const key = t.file.specId === m.defaultSpecId ? partitionKey(t.file.specId, t.file.partition) : 'older-specs'
    const list = byPartition.get(key)
    if (list) list.push(t)
    else byPartition.set(key, [t])
  }
  const groups: RewriteGroup[] = []
  for (const [key, list] of byPartition) {
    const bytes = list.reduce((n, t) => n + t.file.fileSizeInBytes, 0n)
    const n = list.length
    const rewrite = o.rewriteAll || (n > 1 && n >= minInputs) || (n > 1 && bytes > BigInt(target)) || bytes > BigInt(max) || list.some(tooManyDeletes) || list.some(tooHighRatio)
    const older = key === 'older-specs'
    if (rewrite) groups.push({ specId: older ? -1 : list[0]!.file.specId, partition: older ? [] : list[0]!.file.partition, files: list.map((t) => t.file), bytes })
  }
  return groups
}

/**
 * Compact a catalog table's data files (bin-pack): plan the groups on the current snapshot of main, read
 * their rows with deletes applied, write them at the target size, and commit one rewrite validated from the
 * starting snapshot (a concurrent delete on a rewritten file fails it with VALIDATION; appends are retried over).
 */
export async function rewriteDataFiles(table: Table, opts: RewriteDataFilesOptions = {}): Promise<RewriteDataFilesResult> {
  const m = table.metadata
  const { target } = sizes(m, opts)
  checkCount(opts.partialProgressMaxCommits, 'partialProgressMaxCommits', 1)
  const signal = opts.signal
  const start = table.currentSnapshot()
  const filter = typeof opts.filter === 'string' ? parseFilter(opts.filter) : opts.filter
  const tasks = start ? await table.scan(filter ? { filter } : {}).planFiles(signal) : []
  const groups = planRewriteGroups(m, tasks, opts)
  const empty = { table, groups, rewrittenDataFiles: 0, rewrittenBytes: 0n, addedDataFiles: 0, addedBytes: 0n, removedDeleteFiles: 0, commits: 0, failedGroups: [] }
  if (opts.dryRun || groups.length === 0 || !start) {
    const files = groups.flatMap((g) => g.files)
    return { ...empty, rewrittenDataFiles: opts.dryRun ? files.length : 0, rewrittenBytes: opts.dryRun ? files.reduce((n, f) => n + f.fileSizeInBytes, 0n) : 0n, dryRun: Boolean(opts.dryRun) }
  }
  // Java's partial progress: the groups spread over at most max-commits commits, each validated from the start
  const perCommit = opts.partialProgress ? Math.ceil(groups.length / (opts.partialProgressMaxCommits ?? 10)) : groups.length
  const batches: RewriteGroup[][] = []
  for (let i = 0; i < groups.length; i += perCommit) batches.push(groups.slice(i, i + perCommit))
  let current = table
  const totals = { rewrittenDataFiles: 0, rewrittenBytes: 0n, addedDataFiles: 0, addedBytes: 0n, removedDeleteFiles: 0, commits: 0 }
  const failedGroups: { group: RewriteGroup; error: unknown }[] = []
  for (const batch of batches) {
    try {
      const done = await rewriteBatch(current, m, start, tasks, batch, target, signal)
      current = done.table
      totals.rewrittenDataFiles += done.rewritten.length
      totals.rewrittenBytes += done.rewritten.reduce((n, f) => n + f.fileSizeInBytes, 0n)
      totals.addedDataFiles += done.added.length
      totals.addedBytes += done.added.reduce((n, f) => n + f.fileSizeInBytes, 0n)
      totals.removedDeleteFiles += done.removedDeletes
      totals.commits++
    } catch (e) {
      // without partial progress the one commit fails the call; with it, a failed batch is reported and the
      // others still commit (an abort or an unknown commit outcome stops the run)
      if (!opts.partialProgress || e instanceof CommitStateUnknownError || isFloeError(e, 'ABORTED')) throw e
      for (const group of batch) failedGroups.push({ group, error: e })
    }
  }
  return { table: current, groups, ...totals, failedGroups, dryRun: false }
}

// Read one batch's files (deletes applied), write them at the target size and commit one rewrite validated
// from the starting snapshot; a commit that fails for good deletes the files it wrote.
async function rewriteBatch(
  table: Table,
  m: TableMetadata,
  start: Snapshot,
  tasks: readonly FileScanTask[],
  batch: readonly RewriteGroup[],
  target: number,
  signal: AbortSignal | undefined,
): Promise<{ table: Table; rewritten: DataFile[]; added: DataFile[]; removedDeletes: number }> {
  const chosen = new Set(batch.flatMap((g) => g.files.map((f) => f.filePath)))
  const chosenTasks = tasks.filter((t) => chosen.has(t.file.filePath))
  const lineage = m.formatVersion >= 3
  const schema = currentSchema(m)
  const projectedIds = (lineage ? schemaWithRowLineage(schema) : schema).fields.map((f) => f.id)
  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    const readOpts = { olderSchemas: m.schemas, positionDeleteCache: new Map() }
    for (const t of chosenTasks) {
      throwIfAborted(signal)
      yield* readTask(table.env, { ...t, residual: { kind: 'true' }, projectedIds, schema }, signal, readOpts)
    }
  }
  const added = await writeDataFiles(table.env, { metadata: m }, rows(), { targetFileSizeBytes: target, ...(lineage ? { rowLineage: true } : {}), ...(signal ? { signal } : {}) })
  // delete files that name only rewritten data files go with them (a DV, or a file-scoped position delete)
  const removeDeletes = new Map<string, DataFile>()
  for (const t of chosenTasks)
    for (const d of t.deletes)
      if (d.content === 'position-deletes' && d.referencedDataFile !== undefined && chosen.has(d.referencedDataFile)) removeDeletes.set(`${d.filePath}#${String(d.contentOffset ?? '')}`, d)
  try {
    const next = await table
      .transaction()
      .rewrite({
        removeData: chosenTasks.map((t) => t.file),
        addData: added,
        ...(removeDeletes.size ? { removeDeletes: [...removeDeletes.values()] } : {}),
        fromSnapshotId: start.snapshotId,
        ...(m.formatVersion >= 2 ? { dataSequenceNumber: start.sequenceNumber } : {}),
      })
      .commit(signal)
    return { table: next, rewritten: chosenTasks.map((t) => t.file), added, removedDeletes: removeDeletes.size }
  } catch (e) {
    // the rewrite did not commit (its outcome is known): the files it wrote are nobody's
    if (!(e instanceof CommitStateUnknownError)) await Promise.all(added.map((f) => table.env.io.delete(f.filePath).catch(() => undefined)))
    throw e
  }
}
