// The one commit loop: re-apply every pending update to the fresh base, swap through TableOperations,
// retry conflicts with exponential backoff and jitter, and never clean up after an unknown outcome.
import type { Env } from '../env.js'
import { CommitConflictError, CommitStateUnknownError, FloeError, NotFoundError, ValidationError } from '../errors.js'
import type { TableOperations } from '../catalog/table-operations.js'
import { applyUpdates } from '../spec/apply-updates.js'
import { retryPolicy, type RetryPolicy } from '../spec/properties.js'
import { checkRequirements } from '../spec/updates.js'
import type { TableState } from '../table/load.js'
import { DeferredWrites } from './deferred-writes.js'
import type { CommitContext, PendingUpdate } from './pending-update.js'

/** How a commit went: the new state and how many attempts it took. */
export interface CommitResult {
  readonly state: TableState
  readonly attempts: number
}

/**
 * The attempt's own writes (manifests, lists) failed while the catalog waited for them. Wrapped so that no
 * catalog mistakes it for a failure of its metadata write (an ALREADY_EXISTS there means a conflict, and a
 * retry would reuse a manifest that was never written); the loop rethrows the original error.
 */
class AttemptWritesFailed extends FloeError {
  constructor(readonly reason: unknown) {
    super(reason instanceof FloeError ? reason.code : 'IO', `A file of this commit could not be written: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason })
  }
}

/** Backoff before retry `n` (1-based): a random 50–100 % of min·2^(n−1), capped at max ("equal jitter"). */
export function backoffMs(policy: RetryPolicy, n: number, random: () => number): number {
  const cap = Math.min(policy.maxWaitMs, policy.minWaitMs * 2 ** Math.min(30, n - 1))
  return Math.round(cap * (0.5 + random() * 0.5))
}

async function deleteAll(ops: TableOperations, paths: Iterable<string>): Promise<void> {
  for (const p of paths) await ops.io.delete(p).catch(() => undefined)
}

/**
 * Commit `updates` on top of `start`. Each attempt refreshes (after the first), re-applies every update,
 * checks requirements and swaps. Updates that change nothing commit nothing (no new metadata version) once
 * the catalog confirms that the base is current. Conflicts retry per `commit.retry.*`; a validation error is not retried, and
 * neither is a table that was dropped (NOT_FOUND) or dropped and re-created under the name (VALIDATION, the
 * table uuid changed) meanwhile. Files written by attempts that did not land are deleted, except after an
 * unknown outcome.
 */
export async function commitUpdates(env: Env, ops: TableOperations, start: TableState, updates: readonly PendingUpdate[], signal?: AbortSignal): Promise<CommitResult> {
  // a commit of property changes only reads a corrupt retry setting as its default, so it can repair it (Java)
  const policy = retryPolicy(start.metadata.properties, updates.length > 0 && updates.every((u) => u.kind === 'update-properties'))
  const began = env.now()
  const tracked: Set<string>[] = []
  let base = start
  for (let attempt = 1; ; attempt++) {
    const mine = new Set<string>()
    const obsolete = new Set<string>()
    tracked.push(mine)
    const io = new DeferredWrites(ops.io)
    const ctx: CommitContext = { env, io, attempt, base, start, track: (p) => void mine.add(p), obsolete: (p) => void obsolete.add(p) }
    try {
      if (signal?.aborted) throw new FloeError('ABORTED', 'The commit was aborted', { cause: signal.reason })
      let m = base.metadata
      for (const u of updates) {
        const cs = await u.apply(m, ctx)
        checkRequirements(m, cs.requirements)
        m = applyUpdates(m, cs.updates, env.now())
      }
      if (m === base.metadata) {
        await io.flush()
        // nothing to commit, provided `base` is still the table's version: updates that change nothing on a
        // stale view may change the current table (Java judges them on the version it refreshed to), so a
        // table that moved meanwhile is handled like a conflict, re-applying the updates to it
        const now = await ops.refresh()
        if (!now) throw new NotFoundError('The table was dropped during the commit')
        if (now.metadataLocation === base.metadataLocation) return { state: base, attempts: attempt }
        throw new CommitConflictError(`Nothing to commit on ${base.metadataLocation}, but the table has moved on to ${now.metadataLocation}`)
      }
      // every manifest and list is durable before the commit point; the metadata file is staged meanwhile
      // when the catalog can wait for them itself
      let state: TableState
      if (ops.waitsForReady) {
        const ready = io.flush().catch((e: unknown) => {
          throw new AttemptWritesFailed(e)
        })
        ready.catch(() => undefined) // observed here: a commit that fails first must not leave it unhandled
        state = await ops.commit(base, m, { ready })
      } else {
        await io.flush()
        state = await ops.commit(base, m)
      }
      // files of losing attempts that the committed version does not use, and this attempt's own files it
      // merged away
      const keep = new Set([...mine].filter((p) => !obsolete.has(p)))
      await deleteAll(ops, [...new Set([...tracked.flatMap((s) => [...s]), ...obsolete])].filter((p) => !keep.has(p)))
      return { state, attempts: attempt }
    } catch (caught) {
      await io.settle() // no write of this attempt may land after its cleanup
      for (const p of io.foreign) for (const s of tracked) s.delete(p) // existed before: not ours to delete
      if (caught instanceof CommitStateUnknownError) throw caught // nothing may be cleaned up
      // a failed write of this attempt outranks what the catalog said (say, a conflict it found first): a
      // retry would reuse a manifest that was never written
      const e = io.writeFailure?.error ?? (caught instanceof AttemptWritesFailed ? caught.reason : caught)
      const retry = e instanceof CommitConflictError && attempt <= policy.numRetries && Number(env.now() - began) < policy.totalTimeoutMs
      if (!retry) throw await cleanedUp(ops, tracked, e)
      await env.sleep(backoffMs(policy, attempt, env.random))
      // every attempt so far definitely failed, so whatever ends the loop here cleans up like any other failure
      let fresh: TableState | undefined
      try {
        fresh = await ops.refresh()
      } catch (refreshFailed) {
        throw await cleanedUp(ops, tracked, refreshFailed)
      }
      if (!fresh) throw await cleanedUp(ops, tracked, new NotFoundError('The table was dropped during the commit'))
      const was = base.metadata.tableUuid
      const now = fresh.metadata.tableUuid
      // dropped and re-created under the same name: the updates were meant for the old table (Java checks the
      // uuid on refresh); re-applying them to another table would be wrong whatever they are
      if (was !== undefined && now !== undefined && was !== now)
        throw await cleanedUp(ops, tracked, new ValidationError(`Table UUID does not match: current=${was} != refreshed=${now}`, { context: { field: 'table-uuid', file: fresh.metadataLocation } }))
      base = fresh
    }
  }
}

/** Delete every file the attempts wrote (all of them definitely failed) and hand back `e` to throw. */
async function cleanedUp(ops: TableOperations, tracked: readonly Set<string>[], e: unknown): Promise<unknown> {
  await deleteAll(ops, new Set(tracked.flatMap((s) => [...s])))
  return e
}
