// A change recomputed against the freshest base on every commit attempt (Java PendingUpdate, Rust TransactionAction).
import type { Env } from '../env.js'
import type { FileIO } from '../io/file-io.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { TableRequirement, TableUpdate } from '../spec/updates.js'
import type { TableState } from '../table/load.js'

/** What one attempt of one update contributes. */
export interface ChangeSet {
  readonly updates: readonly TableUpdate[]
  readonly requirements: readonly TableRequirement[]
}

/** What an update may use while computing its changes. */
export interface CommitContext {
  readonly env: Env
  readonly io: FileIO
  /** 1 for the first attempt. */
  readonly attempt: number
  /** The state this attempt builds on. */
  readonly base: TableState
  /** The state when the transaction started (the start of conflict-validation windows). */
  readonly start: TableState
  /** Record a file written by this attempt, so it is deleted if the attempt's work is not committed. */
  track(path: string): void
  /** Record a file of this update that the attempt no longer references (a manifest merged into another), so it is deleted once the attempt commits. */
  obsolete?(path: string): void
}

/** A change to a table: computes updates and requirements from the metadata it is applied to. */
export interface PendingUpdate {
  readonly kind: string
  /** Compute this update's changes on top of `metadata` (which already holds earlier updates of the transaction). */
  apply(metadata: TableMetadata, ctx: CommitContext): Promise<ChangeSet>
}
