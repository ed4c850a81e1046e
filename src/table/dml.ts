// Row-level writes: append rows, overwrite by filter or by partition, delete by filter — copy-on-write or
// merge-on-read (position deletes in v2, deletion vectors in v3) — each one commit, validated from the
// snapshot it read (Java's Spark write semantics, isolation from the table's write.*.isolation-level).
import { InvalidArgumentError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { exprToString } from '../expr/format.js'
import { strictMetricsEvaluator } from '../expr/eval-metrics-strict.js'
import { rowEvaluator } from '../expr/eval-row.js'
import { parseFilter } from '../expr/parse.js'
import type { Expression } from '../expr/expression.js'
import { sqlTrue } from '../expr/sql-true.js'
import type { DataFile, PartitionValues } from '../spec/manifest.js'
import { schemaWithRowLineage } from '../spec/metadata-columns.js'
import { prop } from '../spec/properties.js'
import { currentSchema, refByName } from '../spec/table-metadata.js'
import { writeDataFiles, writePositionDeletes, type PositionDelete } from '../write/data-writer.js'
import { loadDeleteFilter } from '../deletes/delete-filter.js'
import { scopedDataFile } from '../deletes/file-scoped.js'
import { puffinWithDeletionVectors } from '../deletes/dv-write.js'
import { dataFileName, locationProvider } from '../write/location.js'
import { CommitStateUnknownError } from '../errors.js'
import type { IsolationLevel } from '../transaction/conflicts.js'
import type { Transaction } from '../transaction/transaction.js'
import type { Table } from './table.js'
import { filterSchema, namesPartitionColumn } from './metadata-filter.js'
import type { Schema } from '../spec/schema.js'
import { POS_FIELD, readTask } from './read.js'
import type { FileScanTask } from './task.js'
import { partitionKey } from './delete-index.js'

/** How a row-level delete is written. */
export type DeleteMode = 'copy-on-write' | 'merge-on-read'

/** Options of row-level writes. */
export interface DmlOptions {
  readonly branch?: string
  readonly isolation?: IsolationLevel
  readonly summary?: Readonly<Record<string, string>>
  /** Named in data errors (an input file name). */
  readonly source?: string
  /** Abort the write (ABORTED; the files already written are deleted, nothing is committed). */
  readonly signal?: AbortSignal
}

// Rows are deleted or overwritten only where the filter is TRUE in SQL's sense (never where a null makes it unknown)
const toExpr = (f: Expression | string): Expression => sqlTrue(typeof f === 'string' ? parseFilter(f) : f)

/** A table property or option naming a level or mode, case-insensitive as Java's `fromName`; unknown values are refused. */
function choice<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const v = value.toLowerCase()
  const hit = allowed.find((a) => a === v)
  if (hit === undefined) throw new InvalidArgumentError(`Unknown ${what} ${value}; expected one of ${allowed.join(', ')}`, { context: { field: what } })
  return hit
}
const ISOLATION: readonly IsolationLevel[] = ['serializable', 'snapshot']
const isolationOf = (opt: IsolationLevel | undefined, m: Table['metadata'], property: 'write.update.isolation-level' | 'write.delete.isolation-level'): IsolationLevel => choice(opt ?? prop(m.properties, property), ISOLATION, property)

/** Run `build` in a transaction and commit (abortable by `signal`, also between retries); on a definite failure delete the files written for it. */
async function commitOrClean(table: Table, written: readonly string[], build: (tx: Transaction) => void, branch?: string, signal?: AbortSignal): Promise<Table> {
  const tx = table.transaction()
  if (branch) tx.onBranch(branch)
  build(tx)
  try {
    return await tx.commit(signal)
  } catch (e) {
    if (!(e instanceof CommitStateUnknownError)) for (const p of written) await table.env.io.delete(p).catch(() => undefined)
    throw e
  }
}

// Java's SnapshotProducer.targetBranch: a tag is never a write target, checked before any file is written or
// any early return (a delete matching nothing on a tag is refused too)
function notATag(table: Table, branch: string | undefined): void {
  if (branch !== undefined && refByName(table.metadata, branch)?.type === 'tag')
    throw new InvalidArgumentError(`${branch} is a tag; only branches can be committed to`, { context: { field: 'branch' } })
}

/**
 * Append rows (coerced to the current schema, routed by the default spec) in one commit: a merge append, as
 * Java's `Table.newAppend()` that Spark's writes use (manifests packed per `commit.manifest.*` unless
 * `commit.manifest-merge.enabled` is false).
 */
export async function appendRows(table: Table, rows: AsyncIterable<unknown> | Iterable<unknown>, opts: DmlOptions = {}): Promise<Table> {
  notATag(table, opts.branch)
  const files = await writeDataFiles(table.env, { metadata: table.metadata }, rows, { ...(opts.source ? { source: opts.source } : {}), ...(opts.signal ? { signal: opts.signal } : {}) })
  return commitOrClean(table, files.map((f) => f.filePath), (tx) => tx.append(files, { merge: true, ...(opts.summary ? { summary: opts.summary } : {}) }), opts.branch, opts.signal)
}

/** Dynamic partition overwrite: the rows replace every partition they land in. */
export async function overwritePartitions(table: Table, rows: AsyncIterable<unknown> | Iterable<unknown>, opts: DmlOptions = {}): Promise<Table> {
  notATag(table, opts.branch)
  const files = await writeDataFiles(table.env, { metadata: table.metadata }, rows, { ...(opts.source ? { source: opts.source } : {}), ...(opts.signal ? { signal: opts.signal } : {}) })
  // no rows replace no partition: nothing to commit (as Spark)
  if (files.length === 0) return table
  const isolation = isolationOf(opts.isolation, table.metadata, 'write.update.isolation-level')
  // a branch that does not exist yet forks from main's head (Java's SnapshotUtil.latestSnapshot): validate from there
  const start = ((opts.branch ? refByName(table.metadata, opts.branch)?.snapshotId : undefined) ?? table.currentSnapshot()?.snapshotId) ?? null
  return commitOrClean(table, files.map((f) => f.filePath), (tx) => tx.replacePartitions(files, { isolation, fromSnapshotId: start, ...(opts.summary ? { summary: opts.summary } : {}) }), opts.branch, opts.signal)
}

interface Rewrite {
  readonly remove: DataFile[]
  readonly add: DataFile[]
  readonly keepRows: number
}

/**
 * Copy-on-write: files fully matching are dropped; partly matching files are rewritten without the matching
 * rows. In v3 the kept rows are copied with their `_row_id` and `_last_updated_sequence_number` (spec §Row
 * Lineage: rows moved unmodified keep both), which the new files store in the reserved columns.
 */
async function copyOnWrite(table: Table, filter: Expression, tasks: readonly FileScanTask[], signal?: AbortSignal): Promise<Rewrite> {
  const schema = currentSchema(table.metadata)
  const lineage = table.metadata.formatVersion >= 3
  const projectedIds = (lineage ? schemaWithRowLineage(schema) : schema).fields.map((f) => f.id)
  const bound = bind(schema, filter)
  const strict = strictMetricsEvaluator(schema, bound)
  const matches = rowEvaluator(schema, bound)
  const remove: DataFile[] = []
  let keepRows = 0
  // the kept rows stream into the writer file by file: only one rewritten file's rows are held at a time
  // (a file's rows wait until it is known to hold a matching row)
  async function* keptRows(): AsyncGenerator<Record<string, unknown>> {
    for (const t of tasks) {
      if (t.residual.kind === 'true' || (t.deletes.length === 0 && strict(t.file))) {
        remove.push(t.file)
        continue
      }
      const kept: Record<string, unknown>[] = []
      let matched = 0
      for await (const row of readTask(table.env, { ...t, residual: { kind: 'true' }, projectedIds }, signal, { olderSchemas: table.metadata.schemas })) {
        if (matches(row)) matched++
        else kept.push(row)
      }
      // a file with no matching row is left alone (Spark and PyIceberg rewrite only files that change)
      if (matched === 0) continue
      remove.push(t.file)
      keepRows += kept.length
      yield* kept
    }
  }
  // no writer (and no operation id drawn from the Env) when nothing is kept
  const rows = keptRows()
  const first = await rows.next()
  if (first.done) return { remove, add: [], keepRows }
  async function* all(): AsyncGenerator<Record<string, unknown>> {
    yield first.value as Record<string, unknown>
    yield* rows
  }
  const add = await writeDataFiles(table.env, { metadata: table.metadata }, all(), { ...(lineage ? { rowLineage: true } : {}), ...(signal ? { signal } : {}) })
  return { remove, add, keepRows }
}

/** Row-level writes filter on table columns only (a scan may also filter on metadata columns): refuse others up front, saying so. */
function tableColumnsOnly(schema: Schema, filter: Expression): void {
  try {
    bind(schema, filter)
  } catch (e) {
    let metadataOnly = namesPartitionColumn(filter)
    try {
      bind(filterSchema(schema), filter)
      metadataOnly = true
    } catch {
      // not a metadata column either: the first error says what is wrong
    }
    if (metadataOnly) throw new InvalidArgumentError(`Row-level deletes and overwrites filter on table columns only; ${exprToString(filter)} names a metadata column`, { cause: e })
    throw e
  }
}

/** Delete the rows matching `filter`, copy-on-write or merge-on-read (default: `write.delete.mode`). */
export async function deleteRows(table: Table, filterIn: Expression | string, opts: DmlOptions & { readonly mode?: DeleteMode; readonly signal?: AbortSignal } = {}): Promise<Table> {
  notATag(table, opts.branch)
  const filter = toExpr(filterIn)
  const m = table.metadata
  tableColumnsOnly(currentSchema(m), filter)
  const mode = choice(opts.mode ?? prop(m.properties, 'write.delete.mode'), ['copy-on-write', 'merge-on-read'] as const, 'write.delete.mode')
  const isolation = isolationOf(opts.isolation, m, 'write.delete.isolation-level')
  const scan = table.scan({ filter, includeColumnStats: true, ...(opts.branch ? { snapshot: { ref: opts.branch } } : {}) })
  const tasks = await scan.planFiles(opts.signal)
  const start = scan.snapshot?.snapshotId ?? null
  if (tasks.length === 0) return table
  const common = { isolation, fromSnapshotId: start, conflictFilter: filter, ...(opts.summary ? { summary: opts.summary } : {}) }
  if (mode === 'copy-on-write' || m.formatVersion < 2) {
    const r = await copyOnWrite(table, filter, tasks, opts.signal)
    if (r.remove.length === 0) return table
    return commitOrClean(table, r.add.map((f) => f.filePath), (tx) => tx.overwrite({ deleteFiles: r.remove, addFiles: r.add, ...common }), opts.branch, opts.signal)
  }
  return mergeOnRead(table, filter, tasks, { ...common, ...(opts.branch ? { branch: opts.branch } : {}) }, opts.signal)
}

async function mergeOnRead(
  table: Table,
  filter: Expression,
  tasks: readonly FileScanTask[],
  common: { isolation: IsolationLevel; fromSnapshotId: bigint | null; conflictFilter: Expression; summary?: Readonly<Record<string, string>>; branch?: string },
  signal?: AbortSignal,
): Promise<Table> {
  const m = table.metadata
  const schema = currentSchema(m)
  const bound = bind(schema, filter)
  const strict = strictMetricsEvaluator(schema, bound)
  const removeData: DataFile[] = []
  const addDeletes: DataFile[] = []
  const removeDeletes: DataFile[] = []
  const written: string[] = []
  const vectors: Array<{ task: FileScanTask; positions: number[]; old: DataFile[] }> = []
  // `write.delete.granularity` as Spark reads it: file unless the table says partition (v2 only; v3 writes DVs)
  const granularity = choice(m.properties['write.delete.granularity'] ?? 'file', ['file', 'partition'] as const, 'write.delete.granularity')
  const byPartition = m.formatVersion === 2 && granularity === 'partition' ? new Map<string, { specId: number; partition: PartitionValues; deletes: PositionDelete[] }>() : undefined
  try {
    await writeDeletes()
  } catch (e) {
    // a definite failure before the commit: the delete files written so far are nobody's
    for (const p of written) await table.env.io.delete(p).catch(() => undefined)
    throw e
  }
  async function writeDeletes(): Promise<void> {
    for (const t of tasks) {
      if (t.residual.kind === 'true' || (t.deletes.length === 0 && strict(t.file))) {
        removeData.push(t.file)
        removeDeletes.push(...t.deletes.filter((d) => d.fileFormat === 'PUFFIN'))
        continue
      }
      const positions: number[] = []
      for await (const row of readTask(table.env, { ...t, projectedIds: schema.fields.map((f) => f.id) }, signal, { withPositions: true, olderSchemas: m.schemas })) positions.push(Number(row[POS_FIELD.name] as bigint))
      if (!positions.length) continue
      if (m.formatVersion >= 3) {
        // a new deletion vector absorbs the data file's older deletes
        const old = await loadDeleteFilter(table.env.io, t, signal, { olderSchemas: m.schemas })
        const all = new Set(positions)
        // the new DV replaces only deletes scoped to this one file (DVs, and Parquet files whose referenced
        // file or file_path bounds name only it); a position delete file covering several data files stays
        // (its other files still need it), as Java's BaseDVFileWriter keeps it
        const dvs = t.deletes.filter((d) => scopedDataFile(d) === t.file.filePath)
        for (let p = 0; p < Number(t.file.recordCount); p++) if (old.isDeletedPosition(p)) all.add(p)
        vectors.push({ task: t, positions: [...all].sort((a, b) => a - b), old: dvs })
      } else if (byPartition) {
        // partition granularity: one delete file per partition, earlier delete files left as they are (Spark
        // rewrites previous deletes only at file granularity)
        const key = partitionKey(t.file.specId, t.file.partition)
        let group = byPartition.get(key)
        if (!group) byPartition.set(key, (group = { specId: t.file.specId, partition: t.file.partition, deletes: [] }))
        for (const pos of positions) group.deletes.push({ filePath: t.file.filePath, pos })
      } else {
        // Spark's file-granularity delete (its default since Iceberg 1.8): the new position-delete file also
        // holds the positions of the data file's earlier file-scoped delete files, which it replaces; a file
        // covering several data files stays (they still need it)
        const scoped = t.deletes.filter((d) => d.content === 'position-deletes' && d.fileFormat !== 'PUFFIN' && scopedDataFile(d) === t.file.filePath)
        if (scoped.length) {
          const old = await loadDeleteFilter(table.env.io, { ...t, deletes: scoped }, signal, { olderSchemas: m.schemas })
          const all = new Set(positions)
          for (let p = 0; p < Number(t.file.recordCount); p++) if (old.isDeletedPosition(p)) all.add(p)
          positions.splice(0, positions.length, ...[...all].sort((a, b) => a - b))
          removeDeletes.push(...scoped)
        }
        const f = await writePositionDeletes(table.env, { metadata: m }, positions.map((pos) => ({ filePath: t.file.filePath, pos })), { specId: t.file.specId, partition: t.file.partition })
        written.push(f.filePath)
        addDeletes.push(f)
      }
    }
    for (const g of byPartition?.values() ?? []) {
      const f = await writePositionDeletes(table.env, { metadata: m }, g.deletes, { specId: g.specId, partition: g.partition })
      written.push(f.filePath)
      addDeletes.push(f)
    }
    if (vectors.length) {
      const { bytes, vectors: placed } = puffinWithDeletionVectors(vectors.map((v) => ({ referencedDataFile: v.task.file.filePath, positions: v.positions })))
      // named as Spark's delta writer names its DV files (OutputFileFactory with the `deletes` suffix)
      const path = locationProvider(m.location, m.properties).newDataLocation(dataFileName(0, 0n, table.env.uuid(), 1, 'deletes', 'PUFFIN'))
      // recorded before the write: a rejected write may still have published the file
      written.push(path)
      await table.env.io.write(path, bytes, { durable: true, direct: true })
      vectors.forEach((v, i) => {
        const p = placed[i]!
        addDeletes.push({
          content: 'position-deletes',
          filePath: path,
          fileFormat: 'PUFFIN',
          specId: v.task.file.specId,
          partition: v.task.file.partition,
          recordCount: p.cardinality,
          fileSizeInBytes: BigInt(bytes.length),
          referencedDataFile: v.task.file.filePath,
          contentOffset: p.contentOffset,
          contentSizeInBytes: p.contentSizeInBytes,
        })
        removeDeletes.push(...v.old)
      })
    }
  }
  if (!addDeletes.length && !removeData.length) return table
  // only whole files match (operation `delete`; v3 DVs of the removed files go with them). When every
  // planned file goes whole, this is Spark's metadata-only deleteWhere: the filter itself is committed and
  // judged again on the fresh table, so a concurrently added file it fully covers goes too, one it covers in
  // part fails, and delete files all of whose rows it covers (e.g. of a dropped partition) go as well. When
  // some planned file kept rows the filter would reach files that still need them, so the files go by name,
  // validated from the starting snapshot as Spark validates its row-level DELETE (a concurrent append of a
  // matching row conflicts under serializable isolation)
  if (!addDeletes.length) {
    if (removeData.length === tasks.length)
      return commitOrClean(table, written, (tx) => tx.delete({ files: removeData, filter, ...(common.summary ? { summary: { ...common.summary } } : {}) }), common.branch, signal)
    const { branch: _b, ...validation } = common
    return commitOrClean(table, written, (tx) => tx.overwrite({ deleteFiles: removeData, addFiles: [], ...validation }), common.branch, signal)
  }
  // Spark's DELETE validates neither concurrently deleted files nor conflicting delete files (only UPDATE and
  // MERGE do); concurrent DVs for the same data file still conflict
  return commitOrClean(
    table,
    written,
    (tx) => tx.rowDelta({ addDeletes, removeData, removeDeletes, validateDeletedFiles: false, validateNoConflictingDeleteFiles: false, ...common }),
    common.branch,
    signal,
  )
}

/** Overwrite by filter: delete the matching rows (copy-on-write) and add `rows`, in one commit. */
export async function overwriteRows(table: Table, rows: AsyncIterable<unknown> | Iterable<unknown>, filterIn: Expression | string, opts: DmlOptions = {}): Promise<Table> {
  notATag(table, opts.branch)
  const filter = toExpr(filterIn)
  tableColumnsOnly(currentSchema(table.metadata), filter)
  const isolation = isolationOf(opts.isolation, table.metadata, 'write.update.isolation-level')
  const scan = table.scan({ filter, includeColumnStats: true, ...(opts.branch ? { snapshot: { ref: opts.branch } } : {}) })
  const tasks = await scan.planFiles()
  const r = await copyOnWrite(table, filter, tasks, opts.signal)
  let added: DataFile[] = []
  try {
    added = await writeDataFiles(table.env, { metadata: table.metadata }, rows, { ...(opts.source ? { source: opts.source } : {}), ...(opts.signal ? { signal: opts.signal } : {}) })
  } catch (e) {
    for (const f of r.add) await table.env.io.delete(f.filePath).catch(() => undefined)
    throw e
  }
  const all = [...r.add, ...added]
  return commitOrClean(
    table,
    all.map((f) => f.filePath),
    (tx) => tx.overwrite({ deleteFiles: r.remove, addFiles: all, isolation, fromSnapshotId: scan.snapshot?.snapshotId ?? null, conflictFilter: filter, ...(opts.summary ? { summary: opts.summary } : {}) }),
    opts.branch,
    opts.signal,
  )
}
