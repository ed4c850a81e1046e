// Branches, tags and history moves (Java ManageSnapshots): create/drop/replace refs, retention, rollback,
// set-current, fast-forward. Cherry-pick produces a snapshot and lives in cherry-pick.ts.
import { NotFoundError, ValidationError } from '../errors.js'
import { applyUpdates } from '../spec/apply-updates.js'
import { ancestors, isAncestorOf, MAIN_BRANCH, type Snapshot, type SnapshotRef } from '../spec/snapshot.js'
import { snapshotById, snapshotForRef, type TableMetadata } from '../spec/table-metadata.js'
import { checkRefRetention, type TableRequirement, type TableUpdate } from '../spec/updates.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'

type Op = (m: TableMetadata, now: bigint) => TableUpdate[]

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

/** A batch of ref operations applied in order, atomically. */
export class ManageSnapshots implements PendingUpdate {
  readonly kind = 'manage-snapshots'
  private readonly ops: Op[] = []
  private readonly touched = new Set<string>()

  private push(ref: string, op: Op): this {
    this.touched.add(ref)
    this.ops.push(op)
    return this
  }

  /** Create a branch at a snapshot (default: the current snapshot); retention settings must be positive. */
  createBranch(name: string, snapshotId?: bigint, retention: Omit<SnapshotRef, 'snapshotId' | 'type'> = {}): this {
    checkRefRetention(name, { ...retention, type: 'branch' })
    return this.push(name, (m) => {
      if (m.refs[name]) throw new ValidationError(`Ref ${name} already exists`)
      const id = snapshotId ?? headOf(m, MAIN_BRANCH)
      need(m, id)
      return [{ action: 'set-snapshot-ref', refName: name, ref: { ...retention, snapshotId: id, type: 'branch' } }]
    })
  }

  /** Create a tag at a snapshot; `maxRefAgeMs`, when given, must be positive. */
  createTag(name: string, snapshotId: bigint, maxRefAgeMs?: bigint): this {
    checkRefRetention(name, { type: 'tag', ...(maxRefAgeMs === undefined ? {} : { maxRefAgeMs }) })
    return this.push(name, (m) => {
      if (m.refs[name]) throw new ValidationError(`Ref ${name} already exists`)
      need(m, snapshotId)
      return [{ action: 'set-snapshot-ref', refName: name, ref: { snapshotId, type: 'tag', ...(maxRefAgeMs === undefined ? {} : { maxRefAgeMs }) } }]
    })
  }

  /** Drop a branch (never main). */
  removeBranch(name: string): this {
    return this.push(name, (m) => {
      if (name === MAIN_BRANCH) throw new ValidationError('Cannot remove the main branch')
      const r = m.refs[name]
      if (!r) throw new NotFoundError(`Branch ${name} does not exist`)
      if (r.type !== 'branch') throw new ValidationError(`Ref ${name} is a tag, not a branch`)
      return [{ action: 'remove-snapshot-ref', refName: name }]
    })
  }

  /** Drop a tag. */
  removeTag(name: string): this {
    return this.push(name, (m) => {
      const r = m.refs[name]
      if (!r) throw new NotFoundError(`Tag ${name} does not exist`)
      if (r.type !== 'tag') throw new ValidationError(`Ref ${name} is a branch, not a tag`)
      return [{ action: 'remove-snapshot-ref', refName: name }]
    })
  }

  /** Point an existing branch or tag at another snapshot. */
  replaceRef(name: string, snapshotId: bigint): this {
    return this.push(name, (m) => {
      const r = m.refs[name] ?? (name === MAIN_BRANCH ? { snapshotId: headOf(m, name), type: 'branch' as const } : undefined)
      if (!r) throw new NotFoundError(`Ref ${name} does not exist`)
      need(m, snapshotId)
      return [{ action: 'set-snapshot-ref', refName: name, ref: { ...r, snapshotId } }]
    })
  }

  /**
   * Set a ref's retention (min snapshots and max snapshot age for branches, max ref age for any non-main
   * ref); each value must be positive (INVALID_ARGUMENT).
   */
  setRetention(name: string, retention: Omit<SnapshotRef, 'snapshotId' | 'type'>): this {
    checkRefRetention(name, retention) // values now; whether the ref type takes them once it is known
    return this.push(name, (m) => {
      const r = m.refs[name]
      if (!r) throw new NotFoundError(`Ref ${name} does not exist`)
      const ref = { ...r, ...retention }
      checkRefRetention(name, ref, r) // a tag takes no snapshot retention
      return [{ action: 'set-snapshot-ref', refName: name, ref }]
    })
  }

  /** Roll main back to an ancestor of its current snapshot. */
  rollbackTo(snapshotId: bigint): this {
    return this.push(MAIN_BRANCH, (m) => {
      const cur = snapshotForRef(m, MAIN_BRANCH)
      need(m, snapshotId)
      if (!isAncestorOf(cur, snapshotId, (id) => snapshotById(m, id)))
        throw new ValidationError(`Cannot roll back to snapshot ${snapshotId}: it is not an ancestor of the current snapshot`)
      return [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...(m.refs.main ?? {}), snapshotId, type: 'branch' } }]
    })
  }

  /** Roll main back to the newest ancestor committed strictly before `timestampMs` (Java rollbackToTime). */
  rollbackToTime(timestampMs: bigint): this {
    return this.push(MAIN_BRANCH, (m) => {
      const cur = snapshotForRef(m, MAIN_BRANCH)
      let target: Snapshot | undefined
      for (const s of ancestors(cur, (id) => snapshotById(m, id))) {
        if (s.timestampMs < timestampMs) {
          target = s
          break
        }
      }
      if (!target) throw new NotFoundError(`Cannot roll back: no ancestor of the current snapshot is older than ${timestampMs}`)
      return [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...(m.refs.main ?? {}), snapshotId: target.snapshotId, type: 'branch' } }]
    })
  }

  /** Make any existing snapshot current (main), ancestor or not. */
  setCurrentSnapshot(snapshotId: bigint): this {
    return this.push(MAIN_BRANCH, (m) => {
      need(m, snapshotId)
      return [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...(m.refs.main ?? {}), snapshotId, type: 'branch' } }]
    })
  }

  /** Move `branch` forward to the head of `to`; the branch head must be an ancestor of it. */
  fastForward(branch: string, to: string): this {
    return this.push(branch, (m) => {
      const target = snapshotForRef(m, to)
      if (!target) throw new NotFoundError(`Ref ${to} does not exist`)
      const r = m.refs[branch] ?? (branch === MAIN_BRANCH && m.currentSnapshotId !== undefined ? { snapshotId: m.currentSnapshotId, type: 'branch' as const } : undefined)
      if (!r) return [{ action: 'set-snapshot-ref', refName: branch, ref: { snapshotId: target.snapshotId, type: 'branch' } }]
      if (r.type !== 'branch') throw new ValidationError(`Ref ${branch} is a tag; only branches can be fast-forwarded`)
      if (!isAncestorOf(target, r.snapshotId, (id) => snapshotById(m, id)))
        throw new ValidationError(`Cannot fast-forward ${branch} to ${to}: ${branch} (${r.snapshotId}) is not an ancestor of ${target.snapshotId}`)
      return [{ action: 'set-snapshot-ref', refName: branch, ref: { ...r, snapshotId: target.snapshotId } }]
    })
  }

  /**
   * Apply the operations in order to `m`, which already holds the transaction's earlier updates (Java
   * BaseTransaction). A touched ref that another writer moved since the transaction started fails validation
   * (never silently undo a concurrent commit); requirements pin every touched ref.
   */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const refAt = (md: TableMetadata, ref: string): bigint | null => md.refs[ref]?.snapshotId ?? (ref === MAIN_BRANCH ? (md.currentSnapshotId ?? null) : null)
    // other writers' commits are what the attempt's base has beyond the start; the transaction's own earlier
    // updates (in `m` only) are meant to be built on
    for (const ref of this.touched) {
      const then = refAt(ctx.start.metadata, ref)
      const now = refAt(ctx.base.metadata, ref)
      if (then !== now) throw new ValidationError(`Ref ${ref} changed concurrently (from ${then ?? 'nothing'} to ${now ?? 'nothing'}); reload and retry`)
    }
    const updates: TableUpdate[] = []
    let cur = m
    for (const op of this.ops) {
      const ups = op(cur, ctx.env.now())
      cur = applyUpdates(cur, ups, ctx.env.now())
      updates.push(...ups)
    }
    const requirements: TableRequirement[] = [...this.touched].map((ref) => ({ type: 'assert-ref-snapshot-id', ref, snapshotId: refAt(m, ref) }))
    return { updates, requirements }
  }
}
