// Cherry-pick (Java CherryPickOperation): apply the changes of a snapshot (an append, or a dynamic partition
// overwrite) onto main; a snapshot whose parent is main's head is simply fast-forwarded to.
import { NotFoundError, ValidationError } from '../errors.js'
import { ancestors, MAIN_BRANCH, type Snapshot } from '../spec/snapshot.js'
import { snapshotById, snapshotForRef, type TableMetadata } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { snapshotChanges, validateNoDataAddedToPartitions } from './conflicts.js'
import { FileChangeUpdate } from './merging-update.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'

const mainAncestors = (m: TableMetadata): Snapshot[] => [...ancestors(snapshotForRef(m, MAIN_BRANCH), (id) => snapshotById(m, id))]

/**
 * Java WapUtil.validateWapPublish: a snapshot staged with a `wap.id` may be published once. Fails when an
 * ancestor of main was staged with the same id (published by fast-forward) or published it by cherry-pick.
 */
function checkWapNotPublished(m: TableMetadata, s: Snapshot): void {
  const wapId = s.summary['wap.id']
  if (wapId === undefined || wapId === '') return
  const by = mainAncestors(m).find((a) => a.summary['wap.id'] === wapId || a.summary['published-wap-id'] === wapId)
  if (by)
    throw new ValidationError(`Cannot cherry-pick snapshot ${s.snapshotId}: wap.id ${wapId} was already published by snapshot ${by.snapshotId} of main`, {
      context: { field: 'wap.id', snapshotId: String(s.snapshotId), publishedBy: String(by.snapshotId) },
    })
}

/**
 * Java CherryPickOperation.validateNonAncestor: the changes of a snapshot are never applied to main twice —
 * neither when it is already an ancestor of main nor when an ancestor was cherry-picked from it.
 */
function checkNotYetPicked(m: TableMetadata, s: Snapshot): void {
  const id = String(s.snapshotId)
  for (const a of mainAncestors(m)) {
    if (a.snapshotId === s.snapshotId) throw new ValidationError(`Cannot cherry-pick snapshot ${id}: it is already an ancestor of main`, { context: { snapshotId: id } })
    if (a.summary['source-snapshot-id'] === id)
      throw new ValidationError(`Cannot cherry-pick snapshot ${id}: it was already picked to create snapshot ${a.snapshotId} of main (source-snapshot-id)`, {
        context: { field: 'source-snapshot-id', snapshotId: id, pickedAs: String(a.snapshotId) },
      })
  }
}

const isDynamicOverwrite = (s: Snapshot): boolean => s.summary.operation === 'overwrite' && s.summary['replace-partitions'] === 'true'

/** Cherry-pick one snapshot onto main. */
export class CherryPick implements PendingUpdate {
  readonly kind = 'cherry-pick'
  private inner: PendingUpdate | undefined

  constructor(private readonly snapshotId: bigint) {}

  /**
   * Fast-forward, or re-apply the snapshot's data-file changes as a new snapshot of the same operation. Every
   * attempt re-validates against the metadata it is applied to (Java validates on each apply).
   */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const s = snapshotById(m, this.snapshotId)
    if (!s) throw new NotFoundError(`Cannot cherry-pick unknown snapshot ${this.snapshotId}`)
    const head = snapshotForRef(m, MAIN_BRANCH)
    const picksChanges = s.summary.operation === 'append' || isDynamicOverwrite(s)
    if (isDynamicOverwrite(s) && s.parentSnapshotId !== undefined && !mainAncestors(m).some((a) => a.snapshotId === s.parentSnapshotId))
      throw new ValidationError(`Cannot cherry-pick overwrite snapshot ${s.snapshotId}: its parent ${s.parentSnapshotId} is not an ancestor of main`)
    // only changes that are re-applied carry a wap id to publish (Java checks it for those operations alone)
    if (picksChanges) checkWapNotPublished(m, s)
    if (s.parentSnapshotId === head?.snapshotId || (head === undefined && s.parentSnapshotId === undefined)) {
      return { updates: [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...(m.refs.main ?? {}), snapshotId: s.snapshotId, type: 'branch' } }], requirements: [] }
    }
    if (!picksChanges)
      throw new ValidationError(`Cannot cherry-pick snapshot ${s.snapshotId}: only appends and dynamic partition overwrites can be cherry-picked (operation ${s.summary.operation})`)
    checkNotYetPicked(m, s)
    this.inner ??= await this.changesOf(m, ctx, s)
    return this.inner.apply(m, ctx)
  }

  /**
   * The picked snapshot's data-file changes as a merging update of its own operation, as Java copies them: the
   * added data files, and for a dynamic overwrite the data files it removed (each must still be live) — not
   * its partitions' delete files. The summary gains only `source-snapshot-id` and `published-wap-id`; manifests
   * merge under the `commit.manifest.*` rules like any other merging snapshot.
   */
  private async changesOf(m: TableMetadata, ctx: CommitContext, s: Snapshot): Promise<FileChangeUpdate> {
    const wapId = s.summary['wap.id']
    const summary: Record<string, string> = { 'source-snapshot-id': String(s.snapshotId), ...(wapId !== undefined ? { 'published-wap-id': wapId } : {}) }
    const { added, deleted } = await snapshotChanges(ctx.io, m, s)
    const addData = added.filter((f) => f.content === 'data')
    const operation = s.summary.operation
    if (operation === 'append') return new FileChangeUpdate({ kind: 'cherry-pick', branch: MAIN_BRANCH, operation: () => operation, addData, summary })
    const paths = new Set(deleted.filter((f) => f.content === 'data').map((f) => f.filePath))
    // Java validateReplacedPartitions: nothing added to the replaced partitions since the picked snapshot's parent
    const partitions = new Set(addData.map((f) => partitionKey(f.specId, f.partition)))
    return new FileChangeUpdate({
      kind: 'cherry-pick',
      branch: MAIN_BRANCH,
      operation: () => operation,
      addData,
      ...(paths.size ? { remove: { paths }, requireRemoved: paths } : {}),
      startSnapshotId: s.parentSnapshotId ?? null,
      validateOwnSnapshots: true,
      validate: (vm, history, vctx) => validateNoDataAddedToPartitions(vctx.io, vm, history, partitions, s.snapshotId),
      summary,
    })
  }
}
