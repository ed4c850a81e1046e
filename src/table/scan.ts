// TableScan: plan tasks (no data read), then optionally read them into rows.
import type { Env } from '../env.js'
import { InvalidArgumentError } from '../errors.js'
import type { Expression } from '../expr/expression.js'
import type { Row } from '../parquet/codec.js'
import { projectWithMetadataColumns } from '../spec/metadata-columns.js'
import { projectedPartitionType } from './metadata-tables-partition.js'
import type { Schema } from '../spec/schema.js'
import { selectedIds } from './projection.js'
import type { Snapshot } from '../spec/snapshot.js'
import type { TableState } from './load.js'
import { readTask, type ReadTaskOptions } from './read.js'
import { planScan, type PlanStats } from './scan-plan.js'
import type { FileScanTask } from './task.js'
import { resolveReadPoint, type SnapshotSelector } from './time-travel.js'

/** What a scan reads. */
export interface ScanOptions {
  readonly filter?: Expression
  /**
   * Column names (dotted for nested fields) to return, in order; default every top-level column. Metadata
   * columns `_row_id`, `_last_updated_sequence_number` (v3 row lineage) and `_pos` are returned only when
   * named here, after the table's columns (a table column of the same name wins).
   */
  readonly select?: readonly string[]
  readonly caseSensitive?: boolean
  readonly snapshot?: SnapshotSelector
  /** Stop after this many rows. */
  readonly limit?: number
  /** Compatibility: read deletion vectors that old writers stored as bare blobs instead of Puffin files. */
  readonly allowBareDeletionVectors?: boolean
  /** Keep column stats (sizes, counts, bounds) on the planned data files (Java includeColumnStats). */
  readonly includeColumnStats?: boolean
}

const SCAN_OPTION_KEYS: ReadonlySet<string> = new Set(['filter', 'select', 'caseSensitive', 'snapshot', 'limit', 'allowBareDeletionVectors', 'includeColumnStats'])

// An option floe does not know (a misspelt `snapshotId` instead of `snapshot: { snapshotId }`) would be
// silently ignored and read another version; a limit must be a count.
function checkScanOptions(o: ScanOptions): void {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError(`Scan options must be an object, got ${o === null ? 'null' : typeof o}`)
  for (const k of Object.keys(o))
    if (!SCAN_OPTION_KEYS.has(k)) throw new InvalidArgumentError(`Unknown scan option ${k} (known: ${[...SCAN_OPTION_KEYS].join(', ')})`, { context: { field: k } })
  if (o.limit !== undefined && !(Number.isSafeInteger(o.limit) && o.limit >= 0))
    throw new InvalidArgumentError(`Scan limit must be a non-negative integer, got ${String(o.limit)}`, { context: { field: 'limit' } })
}

/** A planned read of one table version. */
export class TableScan {
  readonly snapshot: Snapshot | undefined
  readonly schema: Schema
  /** Pruning counters of the last planFiles call. */
  readonly stats: PlanStats = { manifestsTotal: 0, manifestsSkipped: 0, dataFilesTotal: 0, dataFilesSkipped: 0, deleteFiles: 0, columnStats: 'none' }

  constructor(
    readonly env: Env,
    readonly table: TableState,
    readonly options: ScanOptions = {},
  ) {
    checkScanOptions(options)
    const point = resolveReadPoint(table.metadata, options.snapshot)
    this.snapshot = point.snapshot
    this.schema = point.schema
  }

  /** Field ids of the selected columns, in selection order; metadata columns by their reserved ids. */
  projectedIds(): number[] {
    return selectedIds(this.schema, this.options.select, this.options.caseSensitive ?? true)
  }

  /**
   * The schema of the rows this scan returns: the selected table columns (schema order, nested selections
   * keep their parents) followed by the selected metadata columns in selection order.
   */
  projectedSchema(): Schema {
    const ids = this.projectedIds()
    return projectWithMetadataColumns(this.schema, ids, projectedPartitionType(this.table.metadata, ids))
  }

  /** Plan the scan: plain, serialisable tasks; no data file is opened. */
  async planFiles(signal?: AbortSignal): Promise<FileScanTask[]> {
    Object.assign(this.stats, { manifestsTotal: 0, manifestsSkipped: 0, dataFilesTotal: 0, dataFilesSkipped: 0, deleteFiles: 0, columnStats: 'none' })
    return planScan(
      this.env.io,
      this.table.metadata,
      this.snapshot,
      this.schema,
      // one literal shape for every scan (see planScan's anchor)
      {
        filter: this.options.filter,
        caseSensitive: this.options.caseSensitive,
        projectedIds: this.projectedIds(),
        includeColumnStats: this.options.includeColumnStats === true,
        signal,
      },
      this.stats,
    )
  }

  /**
   * Read every matching row (deletes applied, residual filter applied), as plain objects. `onTask` is told
   * each task before its rows come (the Arrow scan uses it to name the file behind a row it cannot convert).
   */
  async *rows(signal?: AbortSignal, onTask?: (task: FileScanTask) => void): AsyncIterable<Row> {
    const limit = this.options.limit ?? Number.POSITIVE_INFINITY
    if (limit <= 0) return
    let n = 0
    const opts: ReadTaskOptions = {
      olderSchemas: this.table.metadata.schemas,
      positionDeleteCache: new Map(),
      ...(this.options.allowBareDeletionVectors ? { allowBareDeletionVectors: true } : {}),
    }
    for (const task of await this.planFiles(signal)) {
      onTask?.(task)
      for await (const row of readTask(this.env, task, signal, opts)) {
        yield row
        if (++n >= limit) return
      }
    }
  }

  /** All rows in an array (convenience for small results). */
  async toArray(signal?: AbortSignal): Promise<Row[]> {
    const out: Row[] = []
    for await (const r of this.rows(signal)) out.push(r)
    return out
  }
}
