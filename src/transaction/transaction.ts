// Transaction: collect pending updates, commit them in one atomic metadata swap.
import { InvalidArgumentError } from '../errors.js'
import { applyUpdates } from '../spec/apply-updates.js'
import type { DataFile } from '../spec/manifest.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import { checkRequirements, type TableUpdate } from '../spec/updates.js'
import { DEFAULT_BRANCH } from './snapshot-producer.js'
import { AppendFiles } from './append.js'
import { commitUpdates, type CommitResult } from './commit-loop.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'
import { UpdateProperties } from './update-properties.js'
import { deleteFiles, overwriteFiles, replacePartitions, rewriteFiles, rowDelta, type DeleteFilesOptions, type OverwriteFilesOptions, type ReplacePartitionsOptions, type RewriteFilesOptions, type RowDeltaOptions } from './operations.js'
import { ManageSnapshots } from './manage-snapshots.js'
import { CherryPick } from './cherry-pick.js'
import { Table } from '../table/table.js'
import { evolvedMetadata, ReplaceSortOrder, UpdatePartitionSpec, UpdateSchema, type ReplaceSortOrderOptions, type UpdateSchemaOptions, type UpdateSpecOptions } from './evolution-api.js'

/** Options shared by snapshot-producing operations. */
export interface SnapshotOptions {
  /** Extra summary entries (Java `snapshot-property.*` passthrough). */
  readonly summary?: Readonly<Record<string, string>>
}

/**
 * All updates of a transaction as one metadata change (Java carries a transaction's changes through one
 * TableMetadata builder): each update still sees the metadata the earlier ones produce and has its
 * requirements checked there, but the metadata is rebuilt from the attempt's base in one application, so
 * history is judged over the whole change (a snapshot that main moved past inside it never enters the
 * snapshot log).
 */
class WholeTransaction implements PendingUpdate {
  /** `update-properties` when every update is one (the commit loop then reads retry settings leniently). */
  readonly kind: string

  constructor(private readonly updates: readonly PendingUpdate[]) {
    this.kind = updates.every((u) => u.kind === 'update-properties') ? 'update-properties' : 'transaction'
  }

  /** Apply every update in order on top of `m`; returns their updates together (requirements already checked). */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const all: TableUpdate[] = []
    let cur = m
    for (const [i, u] of this.updates.entries()) {
      const cs = await u.apply(cur, ctx)
      checkRequirements(cur, cs.requirements)
      all.push(...cs.updates)
      // the last update's result is rebuilt by the commit loop from `all`
      if (i < this.updates.length - 1) cur = applyUpdates(cur, cs.updates, ctx.env.now())
    }
    return { updates: all, requirements: [] }
  }
}

/** A set of changes to one table, committed atomically with retries (serializable by default). */
export class Transaction {
  private readonly updates: PendingUpdate[] = []
  private branch = DEFAULT_BRANCH
  private committed = false

  constructor(readonly table: Table) {
    if (!table.ops) throw new InvalidArgumentError('This table was not loaded through a catalog, so it cannot be committed to')
  }

  /** Commit snapshot-producing operations to `branch` instead of main. */
  onBranch(branch: string): this {
    this.branch = branch
    return this
  }

  /** The branch snapshot-producing operations commit to. */
  get targetBranch(): string {
    return this.branch
  }

  /** Add any pending update (the extension point for all operations). */
  add(u: PendingUpdate): this {
    this.updates.push(u)
    return this
  }

  /** Fast append (one new manifest per spec); `merge` packs small manifests like Java's MergeAppend. */
  append(files: readonly DataFile[], opts: SnapshotOptions & { readonly merge?: boolean } = {}): this {
    return this.add(new AppendFiles(files, { branch: this.branch, merge: opts.merge ?? false, ...(opts.summary ? { summary: opts.summary } : {}) }))
  }

  /** Delete whole files by path and/or every file fully covered by a filter (partial matches fail). */
  delete(opts: DeleteFilesOptions): this {
    return this.add(deleteFiles(this.branch, opts))
  }

  /** Overwrite: remove files (by path or fully-matching filter) and add files, with conflict validation. */
  overwrite(opts: OverwriteFilesOptions): this {
    return this.add(overwriteFiles(this.branch, opts))
  }

  /** Dynamic partition overwrite: `files` replace every live data file in their partitions. */
  replacePartitions(files: readonly DataFile[], opts: ReplacePartitionsOptions = {}): this {
    return this.add(replacePartitions(this.branch, files, opts))
  }

  /** Row delta: add delete files (merge-on-read) and data files. */
  rowDelta(opts: RowDeltaOptions): this {
    return this.add(rowDelta(this.branch, opts))
  }

  /** Rewrite files (compaction): replace files without changing the rows. */
  rewrite(opts: RewriteFilesOptions): this {
    return this.add(rewriteFiles(this.branch, opts))
  }

  /** Branch, tag, rollback, cherry-pick and fast-forward operations. */
  manageSnapshots(edit: (m: ManageSnapshots) => void): this {
    const ms = new ManageSnapshots()
    edit(ms)
    return this.add(ms)
  }

  /** Apply the changes of another snapshot (e.g. a WAP branch commit) onto main. */
  cherryPick(snapshotId: bigint): this {
    return this.add(new CherryPick(snapshotId))
  }

  /** Set and remove table properties. */
  setProperties(set: Readonly<Record<string, string>>, remove: readonly string[] = []): this {
    return this.add(new UpdateProperties(set, remove))
  }

  /** Evolve the schema (Java UpdateSchema); edits are checked as made, against the schema earlier evolutions here produce. */
  updateSchema(edit: (u: UpdateSchema) => void, opts: UpdateSchemaOptions = {}): this {
    const u = new UpdateSchema(evolvedMetadata(this.table.metadata, this.updates), opts)
    edit(u)
    return this.add(u.seal())
  }

  /** Evolve the default partition spec (Java UpdatePartitionSpec); the new spec becomes the default. */
  updateSpec(edit: (u: UpdatePartitionSpec) => void, opts: UpdateSpecOptions = {}): this {
    const u = new UpdatePartitionSpec(evolvedMetadata(this.table.metadata, this.updates), opts)
    edit(u)
    return this.add(u.seal())
  }

  /** Replace the default sort order (Java ReplaceSortOrder); an edit that adds no keys makes the table unsorted. */
  replaceSortOrder(edit: (o: ReplaceSortOrder) => void, opts: ReplaceSortOrderOptions = {}): this {
    const o = new ReplaceSortOrder(evolvedMetadata(this.table.metadata, this.updates), opts)
    edit(o)
    return this.add(o.seal())
  }

  /** Commit every update in one metadata swap; returns the new table version. */
  async commit(signal?: AbortSignal): Promise<Table> {
    return (await this.commitWithResult(signal)).table
  }

  /** Commit and also report the attempts it took. */
  async commitWithResult(signal?: AbortSignal): Promise<{ table: Table; result: CommitResult }> {
    if (this.committed) throw new InvalidArgumentError('A transaction commits once; start a new one from the returned table')
    this.committed = true
    const t = this.table
    // nothing to commit: the table as it was loaded (Java's commitSimpleTransaction returns at once)
    if (!this.updates.length) return { table: t, result: { state: t.state, attempts: 0 } }
    const updates = this.updates.length > 1 ? [new WholeTransaction(this.updates)] : this.updates
    const result = await commitUpdates(t.env, t.ops!, t.state, updates, signal)
    return { table: new Table(t.env, result.state, t.name, t.ops), result }
  }
}
