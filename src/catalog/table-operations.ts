// The commit seam (Java TableOperations): read the current version, swap it atomically for a new one.
import type { FileIO } from '../io/file-io.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { TableState } from '../table/load.js'

/**
 * One table's pointer. `commit(base, next)` must make `next` current only if `base` is still current
 * (undefined base = create). It throws CommitConflictError when the base is stale (safe to refresh and
 * retry) and CommitStateUnknownError when it cannot tell whether the swap happened (then nothing may be
 * cleaned up). After a successful swap it must not fail.
 */
export interface TableOperations {
  readonly io: FileIO
  /** True when `commit` honours `opts.ready`; for other implementations the commit loop waits for the writes first. */
  readonly waitsForReady?: boolean
  /** The current version, or undefined when the table does not exist. */
  refresh(): Promise<TableState | undefined>
  /**
   * Write `next` as a new metadata file and swap the pointer from `base` to it. With `opts.ready`, the swap
   * MUST wait for it (the files `next` references are still being written); if it rejects, nothing is
   * swapped and commit rejects with its reason. The metadata file may be staged meanwhile.
   */
  commit(base: TableState | undefined, next: TableMetadata, opts?: CommitOptions): Promise<TableState>
}

/** Options of {@link TableOperations.commit}. */
export interface CommitOptions {
  /** Settles when every file the new metadata references is durable; the swap happens only after it resolves. */
  readonly ready?: Promise<unknown>
}
