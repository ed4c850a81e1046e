// Incremental append scan (Java IncrementalAppendScan): only the files appended between two snapshots.
import type { Env } from '../env.js'
import { InvalidArgumentError, NotFoundError } from '../errors.js'
import { partitionEvaluator } from '../expr/eval-partition.js'
import { alwaysTrue, type Expression } from '../expr/expression.js'
import { residualFor } from '../expr/residual.js'
import type { Row } from '../parquet/codec.js'
import { NAME_MAPPING_PROPERTY } from '../spec/properties.js'
import { ancestors, isAncestorOf, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, currentSnapshot, snapshotById, specById } from '../spec/table-metadata.js'
import type { TableState } from './load.js'
import { bindScanFilter, dataFileEvaluator, partitionResidual } from './metadata-filter.js'
import { readTask } from './read.js'
import { liveEntries, snapshotManifests } from './scan-plan.js'
import type { FileScanTask } from './task.js'

/** The window of an incremental scan. */
export interface IncrementalOptions {
  /**
   * Start of the window (omit to start at the oldest ancestor of the end). Exclusive by default: files
   * appended after this snapshot, which may have expired as long as an ancestor of the end has it as parent.
   */
  readonly fromSnapshotId?: bigint
  /** Make `fromSnapshotId` inclusive (Java `fromSnapshotInclusive`): it must be an ancestor of the end, and its own appends are read. */
  readonly fromSnapshotInclusive?: boolean
  /** Inclusive end (default: the current snapshot). */
  readonly toSnapshotId?: bigint
  readonly filter?: Expression
  readonly caseSensitive?: boolean
}

/** Reads only what `append` snapshots in (from, to] added, like Glue job bookmarks. */
export class IncrementalAppendScan {
  constructor(
    readonly env: Env,
    readonly table: TableState,
    readonly options: IncrementalOptions,
  ) {}

  /**
   * The append snapshots in the window, oldest first. INVALID_ARGUMENT when the start does not precede the
   * end in its lineage (an exclusive start equal to the end included); NOT_FOUND for an unknown end snapshot
   * or inclusive start.
   */
  snapshots(): Snapshot[] {
    const m = this.table.metadata
    const { fromSnapshotId: from, toSnapshotId, fromSnapshotInclusive } = this.options
    const byId = (id: bigint): Snapshot | undefined => snapshotById(m, id)
    if (toSnapshotId !== undefined && !byId(toSnapshotId)) throw new NotFoundError(`Cannot find end snapshot ${toSnapshotId}`)
    const start = from !== undefined && fromSnapshotInclusive ? byId(from) : undefined
    if (from !== undefined && fromSnapshotInclusive && !start) throw new NotFoundError(`Cannot find starting snapshot ${from}`)
    const to = toSnapshotId === undefined ? currentSnapshot(m) : byId(toSnapshotId)
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

  /** Tasks for the files those snapshots added. */
  async planFiles(): Promise<FileScanTask[]> {
    const m = this.table.metadata
    const snaps = this.snapshots()
    const ids = new Set(snaps.map((s) => s.snapshotId))
    const schema = currentSchema(m)
    const caseSensitive = this.options.caseSensitive ?? true
    const { filter, partitionFilter } = bindScanFilter(m, schema, this.options.filter ?? alwaysTrue, caseSensitive)
    const metrics = dataFileEvaluator(schema, filter)
    const nameMapping = m.properties[NAME_MAPPING_PROPERTY]
    const tasks: FileScanTask[] = []
    const seen = new Set<string>()
    for (const s of snaps) {
      for (const mf of await snapshotManifests(this.env.io, m, s)) {
        if (mf.content !== 'data' || !ids.has(mf.addedSnapshotId) || seen.has(mf.manifestPath)) continue
        seen.add(mf.manifestPath)
        const spec = specById(m, mf.partitionSpecId)!
        const partOk = partitionEvaluator(spec, filter)
        for (const e of await liveEntries(this.env.io, m, mf, schema)) {
          if (e.status !== 'added' || e.snapshotId === undefined || !ids.has(e.snapshotId)) continue
          if (!partOk(e.dataFile.partition) || !metrics(e.dataFile)) continue
          const residual = partitionFilter ? partitionResidual(partitionFilter, spec, e.dataFile) : residualFor(spec, filter, e.dataFile.partition)
          if (residual === undefined) continue
          tasks.push({
            file: e.dataFile,
            dataSequenceNumber: e.sequenceNumber ?? 0n,
            deletes: [],
            spec,
            schema,
            projectedIds: schema.fields.map((f) => f.id),
            residual,
            caseSensitive,
            ...(nameMapping === undefined ? {} : { nameMapping }),
          })
        }
      }
    }
    return tasks
  }

  /** The appended rows. */
  async *rows(signal?: AbortSignal): AsyncIterable<Row> {
    for (const t of await this.planFiles()) yield* readTask(this.env, t, signal)
  }
}

/** True when some ancestor of `end` (itself included) has `parentId` as its parent, even if that parent expired. */
function isParentAncestorOf(end: Snapshot, parentId: bigint, byId: (id: bigint) => Snapshot | undefined): boolean {
  for (const s of ancestors(end, byId)) if (s.parentSnapshotId === parentId) return true
  return false
}
