// Branches, tags and history moves (Java ManageSnapshots): create/drop/rename/replace refs, retention,
// rollback, set-current, fast-forward. Cherry-pick produces a snapshot and lives in cherry-pick.ts.
import { NotFoundError, ValidationError } from '../errors.js'
import { applyUpdates } from '../spec/apply-updates.js'
import { ancestors, isAncestorOf, MAIN_BRANCH, type Snapshot, type SnapshotRef } from '../spec/snapshot.js'
import { refByName, snapshotById, snapshotForRef, type TableMetadata } from '../spec/table-metadata.js'
import { checkRefRetention, type TableRequirement, type TableUpdate } from '../spec/updates.js'
import { AppendFiles } from './append.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'

/** What one operation may use while it is evaluated for an attempt. */
interface OpContext {
  readonly commit: CommitContext
  /**
   * True when the operations are first evaluated for a commit. Java resolves a rollback target and the
   * kind of an empty-table branch creation when the operation is called, so what an operation decides
   * then is kept on retries.
   */
  readonly first: boolean
  /** Fail (VALIDATION, not retried) if another writer moved `ref` since the transaction started; pin it. */
  stable(ref: string): void
  /** Pin `ref` at its value in the attempt's base (a requirement) without refusing a concurrent move. */
  pin(ref: string): void
}

type Op = (m: TableMetadata, o: OpContext) => TableUpdate[] | Promise<TableUpdate[]>

const byIdIn =
  (m: TableMetadata) =>
  (id: bigint): Snapshot | undefined =>
    snapshotById(m, id)

const need = (m: TableMetadata, id: bigint): Snapshot => {
  const s = snapshotById(m, id)
  if (!s) throw new NotFoundError(`Cannot find snapshot with id ${id}`)
  return s
}

const headOf = (m: TableMetadata, ref: string): bigint => {
  const s = snapshotForRef(m, ref)
  if (!s) throw new NotFoundError(`Ref ${ref} does not exist or has no snapshot`)
  return s.snapshotId
}

/** The snapshot id `ref` points to (main falls back to the current snapshot), or null. */
const refAt = (m: TableMetadata, ref: string): bigint | null => refByName(m, ref)?.snapshotId ?? (ref === MAIN_BRANCH ? (m.currentSnapshotId ?? null) : null)

/** The update that points main at `snapshotId`, keeping main's retention settings. */
const setMain = (m: TableMetadata, snapshotId: bigint): TableUpdate => ({
  action: 'set-snapshot-ref',
  refName: MAIN_BRANCH,
  ref: { ...(refByName(m, MAIN_BRANCH) ?? {}), snapshotId, type: 'branch' },
})

/**
 * Java SetSnapshotOperation.findLatestAncestorOlderThan: among all ancestors of main's head, the one with
 * the greatest timestamp strictly before `timestampMs` (not the first one found walking back: clocks may
 * skew, so a parent can be younger than its child). The newest such ancestor wins ties; like Java, a
 * snapshot whose timestamp is not positive is never chosen.
 */
function latestAncestorOlderThan(m: TableMetadata, timestampMs: bigint): Snapshot | undefined {
  let best: Snapshot | undefined
  let bestTs = 0n
  for (const s of ancestors(snapshotForRef(m, MAIN_BRANCH), byIdIn(m))) {
    if (s.timestampMs < timestampMs && s.timestampMs > bestTs) {
      best = s
      bestTs = s.timestampMs
    }
  }
  return best
}

/**
 * A batch of ref operations applied in order, atomically.
 *
 * Concurrency follows Java: an operation on refs (create, remove, rename, replace, fast-forward,
 * retention) fails with VALIDATION when another writer moved a ref it changes or reads (the `to` of a
 * fast-forward, the source of replaceBranch, main for createBranch without a snapshot id) since the
 * transaction started, so a retry never publishes a snapshot the caller did not see. rollbackTo,
 * rollbackToTime and setCurrentSnapshot are re-applied on the refreshed table instead (Java
 * SetSnapshotOperation): their target is resolved and checked on the first attempt, and on a retry
 * rollbackToTime only re-checks that its target is still an ancestor of main.
 */
export class ManageSnapshots implements PendingUpdate {
  readonly kind = 'manage-snapshots'
  private readonly ops: Op[] = []
  private evaluatedFor: CommitContext['start'] | undefined

  private push(op: Op): this {
    this.ops.push(op)
    return this
  }

  /**
   * Create a branch at a snapshot (default: main's head, which no other writer may move meanwhile);
   * retention settings must be positive. When main has no snapshot, the branch gets a new empty append
   * snapshot, as Java does.
   */
  createBranch(name: string, snapshotId?: bigint, retention: Omit<SnapshotRef, 'snapshotId' | 'type'> = {}): this {
    checkRefRetention(name, { ...retention, type: 'branch' })
    let emptyAppend: AppendFiles | undefined
    return this.push(async (m, o) => {
      o.stable(name)
      if (refByName(m, name)) throw new ValidationError(`Ref ${name} already exists`)
      const branch = (id: bigint): TableUpdate[] => [{ action: 'set-snapshot-ref', refName: name, ref: { ...retention, snapshotId: id, type: 'branch' } }]
      if (snapshotId !== undefined) {
        need(m, snapshotId)
        return branch(snapshotId)
      }
      if (o.first) emptyAppend = snapshotForRef(m, MAIN_BRANCH) ? undefined : new AppendFiles([], { branch: name, merge: false })
      if (!emptyAppend) {
        o.stable(MAIN_BRANCH)
        return branch(headOf(m, MAIN_BRANCH))
      }
      const cs = await emptyAppend.apply(m, o.commit)
      return cs.updates.map((u) => (u.action === 'set-snapshot-ref' && u.refName === name ? { ...u, ref: { ...retention, ...u.ref } } : u))
    })
  }

  /** Create a tag at a snapshot; `maxRefAgeMs`, when given, must be positive. */
  createTag(name: string, snapshotId: bigint, maxRefAgeMs?: bigint): this {
    checkRefRetention(name, { type: 'tag', ...(maxRefAgeMs === undefined ? {} : { maxRefAgeMs }) })
    return this.push((m, o) => {
      o.stable(name)
      if (refByName(m, name)) throw new ValidationError(`Ref ${name} already exists`)
      need(m, snapshotId)
      return [{ action: 'set-snapshot-ref', refName: name, ref: { snapshotId, type: 'tag', ...(maxRefAgeMs === undefined ? {} : { maxRefAgeMs }) } }]
    })
  }

  /** Drop a branch (never main). */
  removeBranch(name: string): this {
    return this.push((m, o) => {
      if (name === MAIN_BRANCH) throw new ValidationError('Cannot remove the main branch')
      o.stable(name)
      const r = refByName(m, name)
      if (!r) throw new NotFoundError(`Branch ${name} does not exist`)
      if (r.type !== 'branch') throw new ValidationError(`Ref ${name} is a tag, not a branch`)
      return [{ action: 'remove-snapshot-ref', refName: name }]
    })
  }

  /** Drop a tag. */
  removeTag(name: string): this {
    return this.push((m, o) => {
      o.stable(name)
      const r = refByName(m, name)
      if (!r) throw new NotFoundError(`Tag ${name} does not exist`)
      if (r.type !== 'tag') throw new ValidationError(`Ref ${name} is a branch, not a tag`)
      return [{ action: 'remove-snapshot-ref', refName: name }]
    })
  }

  /** Rename a branch (never main, never a tag) to a name no ref has; it keeps its snapshot and retention. */
  renameBranch(name: string, newName: string): this {
    return this.push((m, o) => {
      if (name === MAIN_BRANCH) throw new ValidationError('Cannot rename the main branch')
      o.stable(name)
      o.stable(newName)
      const r = refByName(m, name)
      if (!r) throw new NotFoundError(`Branch ${name} does not exist`)
      if (r.type !== 'branch') throw new ValidationError(`Ref ${name} is a tag, not a branch`)
      if (refAt(m, newName) !== null) throw new ValidationError(`Ref ${newName} already exists`)
      return [
        { action: 'remove-snapshot-ref', refName: name },
        { action: 'set-snapshot-ref', refName: newName, ref: r },
      ]
    })
  }

  /** Point an existing branch or tag at another snapshot. */
  replaceRef(name: string, snapshotId: bigint): this {
    return this.push((m, o) => {
      o.stable(name)
      const r = refByName(m, name) ?? (name === MAIN_BRANCH ? { snapshotId: headOf(m, name), type: 'branch' as const } : undefined)
      if (!r) throw new NotFoundError(`Ref ${name} does not exist`)
      need(m, snapshotId)
      return [{ action: 'set-snapshot-ref', refName: name, ref: { ...r, snapshotId } }]
    })
  }

  /**
   * Point `branch` at the snapshot of `source` (a branch or a tag), whether or not that is a fast-forward
   * (Java replaceBranch by ref name); a branch that does not exist yet is created there.
   */
  replaceBranch(branch: string, source: string): this {
    return this.push((m, o) => this.moveBranch(m, o, branch, source, false))
  }

  /**
   * Set a ref's retention (min snapshots and max snapshot age for branches, max ref age for any non-main
   * ref); each value must be positive (INVALID_ARGUMENT).
   */
  setRetention(name: string, retention: Omit<SnapshotRef, 'snapshotId' | 'type'>): this {
    checkRefRetention(name, retention) // values now; whether the ref type takes them once it is known
    return this.push((m, o) => {
      o.stable(name)
      const r = refByName(m, name)
      if (!r) throw new NotFoundError(`Ref ${name} does not exist`)
      const ref = { ...r, ...retention }
      checkRefRetention(name, ref, r) // a tag takes no snapshot retention
      return [{ action: 'set-snapshot-ref', refName: name, ref }]
    })
  }

  /**
   * Roll main back to an ancestor of its current snapshot (checked on the first attempt; a retry after a
   * concurrent commit to main sets main to the snapshot again, as Java does).
   */
  rollbackTo(snapshotId: bigint): this {
    return this.push((m, o) => {
      o.pin(MAIN_BRANCH)
      need(m, snapshotId)
      if (o.first && !isAncestorOf(snapshotForRef(m, MAIN_BRANCH), snapshotId, byIdIn(m)))
        throw new ValidationError(`Cannot roll back to snapshot ${snapshotId}: it is not an ancestor of the current snapshot`)
      return [setMain(m, snapshotId)]
    })
  }

  /**
   * Roll main back to the ancestor with the greatest timestamp strictly before `timestampMs` (Java
   * rollbackToTime). The target is found on the first attempt; a retry fails (VALIDATION) if a concurrent
   * change made it no longer an ancestor of main.
   */
  rollbackToTime(timestampMs: bigint): this {
    let target: bigint | undefined
    return this.push((m, o) => {
      o.pin(MAIN_BRANCH)
      if (o.first || target === undefined) {
        const s = latestAncestorOlderThan(m, timestampMs)
        if (!s) throw new NotFoundError(`Cannot roll back: no ancestor of the current snapshot is older than ${timestampMs}`)
        target = s.snapshotId
      } else if (!isAncestorOf(snapshotForRef(m, MAIN_BRANCH), target, byIdIn(m))) {
        throw new ValidationError(`Cannot roll back to snapshot ${target}: it is no longer an ancestor of the current snapshot`)
      }
      need(m, target)
      return [setMain(m, target)]
    })
  }

  /** Make any existing snapshot current (main), ancestor or not; re-applied after a concurrent commit to main. */
  setCurrentSnapshot(snapshotId: bigint): this {
    return this.push((m, o) => {
      o.pin(MAIN_BRANCH)
      need(m, snapshotId)
      return [setMain(m, snapshotId)]
    })
  }

  /** Move `branch` forward to the head of `to` (a branch or tag); the branch head must be an ancestor of it. */
  fastForward(branch: string, to: string): this {
    return this.push((m, o) => this.moveBranch(m, o, branch, to, true))
  }

  /** Java's replaceBranch(from, to, fastForward): a missing branch is created; no move when both agree. */
  private moveBranch(m: TableMetadata, o: OpContext, branch: string, source: string, fastForward: boolean): TableUpdate[] {
    o.stable(branch)
    o.stable(source)
    const target = snapshotForRef(m, source)
    if (!target) throw new NotFoundError(`Ref ${source} does not exist`)
    const r = refByName(m, branch) ?? (branch === MAIN_BRANCH && m.currentSnapshotId !== undefined ? { snapshotId: m.currentSnapshotId, type: 'branch' as const } : undefined)
    if (!r) return [{ action: 'set-snapshot-ref', refName: branch, ref: { snapshotId: target.snapshotId, type: 'branch' } }]
    if (r.type !== 'branch') throw new ValidationError(`Ref ${branch} is a tag; only branches can be ${fastForward ? 'fast-forwarded' : 'replaced'}`)
    if (r.snapshotId === target.snapshotId) return []
    if (fastForward && !isAncestorOf(target, r.snapshotId, byIdIn(m)))
      throw new ValidationError(`Cannot fast-forward ${branch} to ${source}: ${branch} (${r.snapshotId}) is not an ancestor of ${target.snapshotId}`)
    return [{ action: 'set-snapshot-ref', refName: branch, ref: { ...r, snapshotId: target.snapshotId } }]
  }

  /**
   * Apply the operations in order to `m`, which already holds the transaction's earlier updates (Java
   * BaseTransaction). Other writers' commits are what the attempt's base has beyond the transaction's
   * start; the transaction's own earlier updates (in `m` only) are meant to be built on. Requirements pin
   * every ref an operation changes or reads.
   */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    // the first evaluation of a commit resolves targets; it is the first attempt, or a later one when an
    // earlier update of the transaction failed its attempt before this one was reached
    const first = ctx.attempt === 1 || this.evaluatedFor !== ctx.start
    this.evaluatedFor = ctx.start
    const pinned = new Set<string>()
    const o: OpContext = {
      commit: ctx,
      first,
      stable: (ref) => {
        const then = refAt(ctx.start.metadata, ref)
        const now = refAt(ctx.base.metadata, ref)
        if (then !== now) throw new ValidationError(`Ref ${ref} changed concurrently (from ${then ?? 'nothing'} to ${now ?? 'nothing'}); reload and retry`, { context: { ref } })
        pinned.add(ref)
      },
      pin: (ref) => void pinned.add(ref),
    }
    const updates: TableUpdate[] = []
    let cur = m
    for (const op of this.ops) {
      const ups = await op(cur, o)
      cur = applyUpdates(cur, ups, ctx.env.now())
      updates.push(...ups)
    }
    const requirements: TableRequirement[] = [...pinned].map((ref) => ({ type: 'assert-ref-snapshot-id', ref, snapshotId: refAt(m, ref) }))
    return { updates, requirements }
  }
}
