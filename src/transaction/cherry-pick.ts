// Cherry-pick (Java CherryPickOperation): apply the changes of a snapshot (an append, or a dynamic partition
// overwrite) onto main; a snapshot whose parent is main's head is simply fast-forwarded to.
import { NotFoundError, ValidationError } from '../errors.js'
import { ancestors, MAIN_BRANCH } from '../spec/snapshot.js'
import { snapshotById, snapshotForRef, type TableMetadata } from '../spec/table-metadata.js'
import { AppendFiles } from './append.js'
import { snapshotChanges } from './conflicts.js'
import { replacePartitions } from './operations.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'

/** Cherry-pick one snapshot onto main. */
export class CherryPick implements PendingUpdate {
  readonly kind = 'cherry-pick'
  private inner: PendingUpdate | undefined

  constructor(private readonly snapshotId: bigint) {}

  /** Fast-forward, or re-apply the snapshot's added files as a new snapshot with `source-snapshot-id`. */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const s = snapshotById(m, this.snapshotId)
    if (!s) throw new NotFoundError(`Cannot cherry-pick unknown snapshot ${this.snapshotId}`)
    const head = snapshotForRef(m, MAIN_BRANCH)
    const wapId = s.summary['wap.id']
    if (wapId !== undefined) {
      for (const a of ancestors(head, (id) => snapshotById(m, id)))
        if (a.summary['published-wap-id'] === wapId) throw new ValidationError(`Duplicate request to cherry-pick wap id ${wapId}, which was already published`)
    }
    const extra: Record<string, string> = { 'source-snapshot-id': String(s.snapshotId), ...(wapId !== undefined ? { 'published-wap-id': wapId } : {}) }
    if (s.parentSnapshotId === head?.snapshotId || (head === undefined && s.parentSnapshotId === undefined)) {
      return { updates: [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...(m.refs.main ?? {}), snapshotId: s.snapshotId, type: 'branch' } }], requirements: [] }
    }
    if (!this.inner) {
      const { added, deleted } = await snapshotChanges(ctx.io, m, s)
      const data = added.filter((f) => f.content === 'data')
      if (s.summary.operation === 'append') this.inner = new AppendFiles(data, { branch: MAIN_BRANCH, merge: false, summary: extra })
      else if (s.summary.operation === 'overwrite' && s.summary['replace-partitions'] === 'true' && added.every((f) => f.content === 'data') && deleted.every((f) => f.content === 'data'))
        this.inner = replacePartitions(MAIN_BRANCH, data, { fromSnapshotId: s.parentSnapshotId ?? null, summary: extra })
      else throw new ValidationError(`Cannot cherry-pick snapshot ${s.snapshotId}: only appends and dynamic partition overwrites can be cherry-picked (operation ${s.summary.operation})`)
    }
    return this.inner.apply(m, ctx)
  }
}
