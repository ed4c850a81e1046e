// Incremental append scan (Java IncrementalAppendScan): only the files appended between two snapshots.
import type { Env } from '../env.js'
import { InvalidArgumentError, NotFoundError } from '../errors.js'
import { partitionEvaluator } from '../expr/eval-partition.js'
import { alwaysTrue, referencedIds, type Expression } from '../expr/expression.js'
import { parseFilter } from '../expr/parse.js'
import { residualFor } from '../expr/residual.js'
import type { Row } from '../parquet/codec.js'
import { projectWithMetadataColumns } from '../spec/metadata-columns.js'
import { NAME_MAPPING_PROPERTY } from '../spec/properties.js'
import type { Schema } from '../spec/schema.js'
import { ancestors, isAncestorOf, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, currentSnapshot, refByName, snapshotById, specById, type TableMetadata } from '../spec/table-metadata.js'
import type { TableState } from './load.js'
import { bindScanFilter, dataFileEvaluator, partitionResidual } from './metadata-filter.js'
import { projectedPartitionType } from './metadata-tables-partition.js'
import { selectedIds } from './projection.js'
import { readTask } from './read.js'
import { liveEntries, mapLimit, snapshotManifests, withoutStats } from './scan-plan.js'
import type { ManifestFile } from '../spec/manifest.js'
import type { FileScanTask } from './task.js'
import { throwIfAborted, untilAborted } from '../abort.js'

/** Manifest lists and manifests read at once (as a table scan's default). */
const CONCURRENCY = 8

/** The window of an incremental scan. */
export interface IncrementalOptions {
  /**
   * Start of the window (omit to start at the oldest ancestor of the end). Exclusive by default: files
   * appended after this snapshot, which may have expired as long as an ancestor of the end has it as parent.
   */
  readonly fromSnapshotId?: bigint
  /** Make `fromSnapshotId` inclusive (Java `fromSnapshotInclusive`): it must be an ancestor of the end, and its own appends are read. */
  readonly fromSnapshotInclusive?: boolean
  /** The start as a tag (Java `fromSnapshotExclusive(ref)` / `fromSnapshotInclusive(ref)`); not with `fromSnapshotId`. */
  readonly fromRef?: string
  /** Inclusive end (default: the head of `branch`, else the current snapshot). */
  readonly toSnapshotId?: bigint
  /** The end as a tag (Java `toSnapshot(ref)`); not with `toSnapshotId`. */
  readonly toRef?: string
  /** Scan a branch's lineage (Java `useBranch`): its head is the default end, and an explicit end must be on it. */
  readonly branch?: string
  /** A filter expression or filter text (PyIceberg's row-filter syntax, as `scan`). */
  readonly filter?: Expression | string
  /** Columns to return, as `scan`'s `select` (metadata columns included); default every top-level column. */
  readonly select?: readonly string[]
  readonly caseSensitive?: boolean
  /** Keep column stats on the planned data files (Java includeColumnStats); dropped by default. */
  readonly includeColumnStats?: boolean
}

/** The id of a tag (Java's incremental scans take only tags as snapshot refs). */
function tagId(m: TableMetadata, name: string): bigint {
  const ref = refByName(m, name)
  if (!ref) throw new NotFoundError(`Cannot find ref ${name}`)
  if (ref.type !== 'tag') throw new InvalidArgumentError(`Ref ${name} is not a tag`, { context: { field: name } })
  return ref.snapshotId
}

const INCREMENTAL_OPTION_KEYS: ReadonlySet<string> = new Set(['fromSnapshotId', 'fromSnapshotInclusive', 'fromRef', 'toSnapshotId', 'toRef', 'branch', 'filter', 'select', 'caseSensitive', 'includeColumnStats'])

// Java's builder methods cannot be misspelt; an option floe does not know (Java's `fromSnapshotExclusive`,
// `useBranch`) would be ignored and read the whole history, so it is refused, as are ids that are not bigints
function checkIncrementalOptions(o: IncrementalOptions): void {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`Incremental scan options must be an object, got ${o === null ? 'null' : typeof o}`)
  for (const k of Object.keys(o))
    if (!INCREMENTAL_OPTION_KEYS.has(k)) throw new InvalidArgumentError(`Unknown incremental scan option ${k} (known: ${[...INCREMENTAL_OPTION_KEYS].join(', ')})`, { context: { field: k } })
  for (const k of ['fromSnapshotId', 'toSnapshotId'] as const) {
    const v: unknown = o[k]
    if (v !== undefined && typeof v !== 'bigint') throw new InvalidArgumentError(`Incremental scan option ${k} must be a bigint snapshot id, got ${typeof v} ${String(v)}`, { context: { field: k } })
  }
  for (const k of ['fromRef', 'toRef', 'branch'] as const) {
    const v: unknown = o[k]
    if (v !== undefined && typeof v !== 'string') throw new InvalidArgumentError(`Incremental scan option ${k} must be a ref name, got ${typeof v}`, { context: { field: k } })
  }
  if (o.fromSnapshotInclusive !== undefined && typeof o.fromSnapshotInclusive !== 'boolean')
    throw new InvalidArgumentError(`Incremental scan option fromSnapshotInclusive must be a boolean`, { context: { field: 'fromSnapshotInclusive' } })
  if (o.fromSnapshotInclusive !== undefined && o.fromSnapshotId === undefined && o.fromRef === undefined)
    throw new InvalidArgumentError('fromSnapshotInclusive needs a start (fromSnapshotId or fromRef)', { context: { field: 'fromSnapshotInclusive' } })
}

/** Reads only what `append` snapshots in (from, to] added, like Glue job bookmarks. */
export class IncrementalAppendScan {
  readonly options: IncrementalOptions
  constructor(
    readonly env: Env,
    readonly table: TableState,
    options: IncrementalOptions = {},
  ) {
    checkIncrementalOptions(options)
    this.options = options
  }

  /**
   * The append snapshots in the window, oldest first. INVALID_ARGUMENT when the start does not precede the
   * end in its lineage (an exclusive start equal to the end included); NOT_FOUND for an unknown end snapshot
   * or inclusive start.
   */
  snapshots(): Snapshot[] {
    const m = this.table.metadata
    const o = this.options
    if (o.fromSnapshotId !== undefined && o.fromRef !== undefined) throw new InvalidArgumentError('Give the start as fromSnapshotId or fromRef, not both', { context: { field: 'fromRef' } })
    if (o.toSnapshotId !== undefined && o.toRef !== undefined) throw new InvalidArgumentError('Give the end as toSnapshotId or toRef, not both', { context: { field: 'toRef' } })
    const from = o.fromRef !== undefined ? tagId(m, o.fromRef) : o.fromSnapshotId
    const toSnapshotId = o.toRef !== undefined ? tagId(m, o.toRef) : o.toSnapshotId
    const fromSnapshotInclusive = o.fromSnapshotInclusive
    const byId = (id: bigint): Snapshot | undefined => snapshotById(m, id)
    let head = currentSnapshot(m)
    if (o.branch !== undefined) {
      const ref = refByName(m, o.branch)
      if (!ref) throw new NotFoundError(`Cannot find ref ${o.branch}`)
      if (ref.type !== 'branch') throw new InvalidArgumentError(`Ref ${o.branch} is not a branch`, { context: { field: 'branch' } })
      head = byId(ref.snapshotId)
    }
    if (toSnapshotId !== undefined && !byId(toSnapshotId)) throw new NotFoundError(`Cannot find end snapshot ${toSnapshotId}`)
    if (toSnapshotId !== undefined && o.branch !== undefined && !(head && isAncestorOf(head, toSnapshotId, byId)))
      throw new InvalidArgumentError(`End snapshot ${toSnapshotId} is not a valid snapshot on branch ${o.branch}`, { context: { field: 'toSnapshotId' } })
    const start = from !== undefined && fromSnapshotInclusive ? byId(from) : undefined
    if (from !== undefined && fromSnapshotInclusive && !start) throw new NotFoundError(`Cannot find starting snapshot ${from}`)
    const to = toSnapshotId === undefined ? head : byId(toSnapshotId)
    if (!to) {
      if (from !== undefined) throw new InvalidArgumentError(`Cannot scan appends since snapshot ${from}: the table has no current snapshot`)
      return []
    }
    // the walk from `to` stops before `stop` (exclusive); undefined walks the whole lineage
    let stop: bigint | undefined
    if (from === undefined) stop = undefined
    else if (start) {
      if (!isAncestorOf(to, from, byId)) throw new InvalidArgumentError(`Starting snapshot (inclusive) ${from} is not an ancestor of end snapshot ${to.snapshotId}`)
      stop = start.parentSnapshotId
    } else {
      // the start itself may be expired: it only has to be the parent of some ancestor of the end
      if (!isParentAncestorOf(to, from, byId)) throw new InvalidArgumentError(`Starting snapshot (exclusive) ${from} is not a parent ancestor of end snapshot ${to.snapshotId}`)
      stop = from
    }
    const chain: Snapshot[] = []
    for (const s of ancestors(to, byId)) {
      if (s.snapshotId === stop) break
      chain.push(s)
    }
    return chain.reverse().filter((s) => s.summary.operation === 'append')
  }

  /** The schema rows are read with: the table's current schema, as Java's incremental scans use. */
  get schema(): Schema {
    return currentSchema(this.table.metadata)
  }

  /** Field ids of the selected columns, in selection order; metadata columns by their reserved ids. */
  projectedIds(): number[] {
    return selectedIds(this.schema, this.options.select, this.options.caseSensitive ?? true)
  }

  /** The schema of the rows this scan returns (selected table columns in schema order, then metadata columns). */
  projectedSchema(): Schema {
    const ids = this.projectedIds()
    return projectWithMetadataColumns(this.schema, ids, projectedPartitionType(this.table.metadata, ids))
  }

  /** Tasks for the files those snapshots added (column stats only with `includeColumnStats`). */
  async planFiles(signal?: AbortSignal): Promise<FileScanTask[]> {
    throwIfAborted(signal)
    const m = this.table.metadata
    const snaps = this.snapshots()
    const ids = new Set(snaps.map((s) => s.snapshotId))
    const schema = this.schema
    const caseSensitive = this.options.caseSensitive ?? true
    const raw = this.options.filter ?? alwaysTrue
    const { filter, partitionFilter } = bindScanFilter(m, schema, typeof raw === 'string' ? parseFilter(raw) : raw, caseSensitive)
    const metrics = dataFileEvaluator(schema, filter)
    const nameMapping = m.properties[NAME_MAPPING_PROPERTY]
    const projectedIds = this.projectedIds()
    const partitionType = projectedPartitionType(m, projectedIds)
    const keepStats = this.options.includeColumnStats === true
    // stats are decoded only for the filter's columns, unless the tasks keep them
    const statsColumns: 'all' | 'none' | ReadonlySet<number> = keepStats ? 'all' : filter.kind === 'true' ? 'none' : referencedIds(filter)
    const tasks: FileScanTask[] = []
    // the window's manifest lists, then the data manifests its snapshots added (each once, in snapshot and
    // list order), read with several in flight as a table scan reads them
    const lists = await mapLimit(snaps, CONCURRENCY, (s) => untilAborted(snapshotManifests(this.env.io, m, s), signal))
    const seen = new Set<string>()
    const added: ManifestFile[] = []
    for (const mf of lists.flat()) {
      if (mf.content !== 'data' || !ids.has(mf.addedSnapshotId) || seen.has(mf.manifestPath)) continue
      seen.add(mf.manifestPath)
      added.push(mf)
    }
    const entries = await mapLimit(added, CONCURRENCY, (mf) => {
      throwIfAborted(signal)
      return liveEntries(this.env.io, m, mf, schema, statsColumns, signal)
    })
    for (const [i, mf] of added.entries()) {
      const spec = specById(m, mf.partitionSpecId)!
      const partOk = partitionEvaluator(spec, filter)
      for (const e of entries[i]!) {
        if (e.status !== 'added' || e.snapshotId === undefined || !ids.has(e.snapshotId)) continue
        if (!partOk(e.dataFile.partition) || !metrics(e.dataFile)) continue
        const residual = partitionFilter ? partitionResidual(partitionFilter, spec, e.dataFile) : residualFor(spec, filter, e.dataFile.partition)
        if (residual === undefined) continue
        tasks.push({
          file: keepStats ? e.dataFile : withoutStats(e.dataFile),
          dataSequenceNumber: e.sequenceNumber ?? 0n,
          deletes: [],
          spec,
          schema,
          projectedIds,
          residual,
          caseSensitive,
          ...(nameMapping === undefined ? {} : { nameMapping }),
          ...(partitionType === undefined ? {} : { partitionType }),
        })
      }
    }
    return tasks
  }

  /** The appended rows (`onTask` is told each task before its rows come). */
  async *rows(signal?: AbortSignal, onTask?: (task: FileScanTask) => void): AsyncIterable<Row> {
    for (const t of await this.planFiles(signal)) {
      onTask?.(t)
      yield* readTask(this.env, t, signal)
    }
  }
}

/** True when some ancestor of `end` (itself included) has `parentId` as its parent, even if that parent expired. */
function isParentAncestorOf(end: Snapshot, parentId: bigint, byId: (id: bigint) => Snapshot | undefined): boolean {
  for (const s of ancestors(end, byId)) if (s.parentSnapshotId === parentId) return true
  return false
}
