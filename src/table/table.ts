// The Table handle: one committed version of a table, immutable; reads go through scan().
import type { Env } from '../env.js'
import type { DataFile } from '../spec/manifest.js'
import { Transaction, type SnapshotOptions } from '../transaction/transaction.js'
import { appendRows, deleteRows, overwritePartitions, overwriteRows, type DeleteMode, type DmlOptions } from './dml.js'
import type { TableOperations } from '../catalog/table-operations.js'
import { NotFoundError } from '../errors.js'
import type { Expression } from '../expr/expression.js'
import { parseFilter } from '../expr/parse.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { Schema } from '../spec/schema.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSchema, currentSnapshot, defaultSpec, type TableMetadata } from '../spec/table-metadata.js'
import { loadTableState, type TableState } from './load.js'
import { TableScan, type ScanOptions } from './scan.js'
import { IncrementalAppendScan, type IncrementalOptions } from './incremental.js'
import { expireSnapshots, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from '../maintenance/expire-snapshots.js'
import { rewriteDataFiles, type RewriteDataFilesOptions, type RewriteDataFilesResult } from '../maintenance/rewrite-data-files.js'
import { removeOrphanFiles, type RemoveOrphanFilesOptions, type RemoveOrphanFilesResult } from '../maintenance/remove-orphan-files.js'

/** Scan options as callers write them: the filter may be an expression or row-filter text. */
export interface ScanRequest extends Omit<ScanOptions, 'filter'> {
  readonly filter?: Expression | string
}

/** An immutable handle on one table version. */
export class Table {
  constructor(
    readonly env: Env,
    readonly state: TableState,
    /** Catalog identifier, when loaded through a catalog. */
    readonly name?: string,
    /** The commit seam, when the table came from a catalog (needed to write). */
    readonly ops?: TableOperations,
  ) {}

  /** Load a table from a metadata file or a table folder (version-hint, else the highest version). */
  static async load(env: Env, location: string): Promise<Table> {
    return new Table(env, await loadTableState(env.io, location))
  }

  /** The table metadata. */
  get metadata(): TableMetadata {
    return this.state.metadata
  }

  /** The location of the current metadata file. */
  get metadataLocation(): string {
    return this.state.metadataLocation
  }

  /** The current schema. */
  schema(): Schema {
    return currentSchema(this.metadata)
  }

  /** The default partition spec. */
  spec(): PartitionSpec {
    return defaultSpec(this.metadata)
  }

  /** The current snapshot (undefined for an empty table). */
  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.metadata)
  }

  /** Every snapshot, oldest first. */
  snapshots(): readonly Snapshot[] {
    return this.metadata.snapshots
  }

  /** A scan of this table (current snapshot unless `snapshot` selects another). */
  scan(req: ScanRequest = {}): TableScan {
    const { filter: raw, ...rest } = req
    const filter = typeof raw === 'string' ? parseFilter(raw) : raw
    return new TableScan(this.env, this.state, { ...rest, ...(filter ? { filter } : {}) })
  }

  /** Files appended after `fromSnapshotId` (exclusive, or inclusive with `fromSnapshotInclusive`) up to `toSnapshotId` (inclusive, default current). */
  incrementalAppendScan(opts: IncrementalOptions = {}): IncrementalAppendScan {
    return new IncrementalAppendScan(this.env, this.state, opts)
  }

  /** Start a transaction (the table must come from a catalog). */
  transaction(): Transaction {
    return new Transaction(this)
  }

  /** Append data files in one commit (a fast append, as Java's newFastAppend; `merge: true` for a merge append). */
  async append(files: readonly DataFile[], opts: SnapshotOptions & { readonly merge?: boolean; readonly branch?: string; readonly signal?: AbortSignal } = {}): Promise<Table> {
    const tx = this.transaction()
    if (opts.branch) tx.onBranch(opts.branch)
    const { signal, ...rest } = opts
    return tx.append(files, rest).commit(signal)
  }

  /** Write rows (coerced to the current schema, partitioned by the default spec) and append them in one commit (a merge append, as Java's newAppend). */
  appendRows(rows: AsyncIterable<unknown> | Iterable<unknown>, opts: DmlOptions = {}): Promise<Table> {
    return appendRows(this, rows, opts)
  }

  /** Delete rows matching a filter (copy-on-write or merge-on-read, default `write.delete.mode`). */
  deleteRows(filter: Expression | string, opts: DmlOptions & { readonly mode?: DeleteMode; readonly signal?: AbortSignal } = {}): Promise<Table> {
    return deleteRows(this, filter, opts)
  }

  /** Replace the rows matching a filter by `rows`, in one commit. */
  overwriteRows(rows: AsyncIterable<unknown> | Iterable<unknown>, filter: Expression | string, opts: DmlOptions = {}): Promise<Table> {
    return overwriteRows(this, rows, filter, opts)
  }

  /** Dynamic partition overwrite: `rows` replace every partition they land in. */
  overwritePartitions(rows: AsyncIterable<unknown> | Iterable<unknown>, opts: DmlOptions = {}): Promise<Table> {
    return overwritePartitions(this, rows, opts)
  }

  /** Expire old snapshots and refs (Java's retention rules) in one commit, then delete the files only they reached. */
  expireSnapshots(opts: ExpireSnapshotsOptions = {}): Promise<ExpireSnapshotsResult> {
    return expireSnapshots(this, opts)
  }

  /** Compact data files (Java's bin-pack RewriteDataFiles): small, large or over-deleted files per partition rewritten at the target size in one commit. */
  rewriteDataFiles(opts: RewriteDataFilesOptions = {}): Promise<RewriteDataFilesResult> {
    return rewriteDataFiles(this, opts)
  }

  /** Delete (or with `dryRun` list) files under the table location that no metadata references and older than the cut-off (default three days). */
  async removeOrphanFiles(opts: Omit<RemoveOrphanFilesOptions, 'current'> = {}): Promise<RemoveOrphanFilesResult> {
    // a catalog table is judged against its current version, not the one this handle holds
    const t = this.ops ? await this.refresh() : this
    return removeOrphanFiles(this.env, t.state, { ...opts, current: this.ops !== undefined })
  }

  /** Re-read the current version (through the catalog when there is one, else from `location`). */
  async refresh(location?: string): Promise<Table> {
    if (this.ops) {
      const state = await this.ops.refresh()
      if (!state) throw new NotFoundError(`Table ${this.name ?? this.metadataLocation} no longer exists`)
      return new Table(this.env, state, this.name, this.ops)
    }
    return new Table(this.env, await loadTableState(this.env.io, location ?? this.metadataLocation), this.name)
  }
}
