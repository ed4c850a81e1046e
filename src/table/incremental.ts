// Incremental append scan (Java IncrementalAppendScan): only the files appended between two snapshots.
import type { Env } from '../env.js'
import { InvalidArgumentError, NotFoundError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { inclusiveMetricsEvaluator } from '../expr/eval-metrics.js'
import { partitionEvaluator } from '../expr/eval-partition.js'
import { alwaysTrue, type Expression } from '../expr/expression.js'
import { residualFor } from '../expr/residual.js'
import type { Row } from '../parquet/codec.js'
import { NAME_MAPPING_PROPERTY } from '../spec/properties.js'
import { ancestors, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, currentSnapshot, snapshotById, specById } from '../spec/table-metadata.js'
import type { TableState } from './load.js'
import { readTask } from './read.js'
import { liveEntries, snapshotManifests } from './scan-plan.js'
import type { FileScanTask } from './task.js'

/** The window of an incremental scan. */
export interface IncrementalOptions {
  /** Exclusive start: files appended after this snapshot (omit to start at the first snapshot). */
  readonly fromSnapshotId?: bigint
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

  /** The append snapshots in the window, oldest first. */
  snapshots(): Snapshot[] {
    const m = this.table.metadata
    const to = this.options.toSnapshotId === undefined ? currentSnapshot(m) : snapshotById(m, this.options.toSnapshotId)
    if (!to) {
      if (this.options.toSnapshotId !== undefined) throw new NotFoundError(`Cannot find snapshot ${this.options.toSnapshotId}`)
      return []
    }
    const chain: Snapshot[] = []
    let reached = this.options.fromSnapshotId === undefined
    for (const s of ancestors(to, (id) => snapshotById(m, id))) {
      if (s.snapshotId === this.options.fromSnapshotId) {
        reached = true
        break
      }
      chain.push(s)
    }
    if (!reached) throw new InvalidArgumentError(`Starting snapshot ${this.options.fromSnapshotId} is not an ancestor of ${to.snapshotId}`)
    return chain.reverse().filter((s) => s.summary.operation === 'append')
  }

  /** Tasks for the files those snapshots added. */
  async planFiles(): Promise<FileScanTask[]> {
    const m = this.table.metadata
    const snaps = this.snapshots()
    const ids = new Set(snaps.map((s) => s.snapshotId))
    const schema = currentSchema(m)
    const caseSensitive = this.options.caseSensitive ?? true
    const filter = bind(schema, this.options.filter ?? alwaysTrue, caseSensitive)
    const metrics = inclusiveMetricsEvaluator(schema, filter)
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
          tasks.push({
            file: e.dataFile,
            dataSequenceNumber: e.sequenceNumber ?? 0n,
            deletes: [],
            spec,
            schema,
            projectedIds: schema.fields.map((f) => f.id),
            residual: residualFor(spec, filter, e.dataFile.partition),
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
