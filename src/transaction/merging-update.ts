// One composable snapshot update for every operation that adds and removes files (Java MergingSnapshotProducer,
// without the inheritance): delete, overwrite, replace partitions, row delta, rewrite.
import { ValidationError } from '../errors.js'
import type { DataFile, ManifestEntry } from '../spec/manifest.js'
import type { Operation, Snapshot } from '../spec/snapshot.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { snapshotManifests } from '../table/scan-plan.js'
import { bySpec, writeAddedManifests } from './append.js'
import { validationHistory } from './conflicts.js'
import { deleteFileKey, filterManifests, type RemovalCriteria } from './manifest-filter.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'
import { branchHead, produceSnapshot, ProducerIdentity } from './snapshot-producer.js'

/** Everything a file-changing operation may do. */
export interface FileChanges {
  readonly kind: string
  readonly branch: string
  /** The snapshot operation, from what actually changed. */
  readonly operation: (c: { addedData: boolean; addedDeletes: boolean; removed: boolean }) => Operation
  readonly addData?: readonly DataFile[]
  readonly addDeletes?: readonly DataFile[]
  readonly remove?: RemovalCriteria
  /** Dynamic overwrite: also remove every live data file in the partitions the added data files go to. */
  readonly replaceAddedPartitions?: boolean
  /** Paths that must still be live and get removed (else "Missing required files to delete"). */
  readonly requireRemoved?: ReadonlySet<string>
  /** Explicit data sequence number for the added data files (rewrites keeping the starting sequence number). */
  readonly dataSequenceNumber?: bigint
  /** Validation window start; default: the branch head when the transaction started. */
  readonly startSnapshotId?: bigint | null
  /** Conflict validation over the window (snapshots newest first). */
  readonly validate?: (m: TableMetadata, history: readonly Snapshot[], ctx: CommitContext) => Promise<void>
  readonly summary?: Readonly<Record<string, string>>
}

/** A snapshot-producing update that adds and removes files, re-applied on every retry. */
export class FileChangeUpdate implements PendingUpdate {
  readonly kind: string
  private readonly identity = new ProducerIdentity()
  private added: NewManifest[] | undefined
  private readonly filterCache = new Map<string, { written?: NewManifest; removed: DataFile[] }>()

  constructor(private readonly c: FileChanges) {
    this.kind = c.kind
  }

  /** Validate against concurrent commits, filter the parent's manifests, add new ones, produce the snapshot. */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const c = this.c
    const parent = branchHead(m, c.branch)
    if (c.validate) {
      const start = c.startSnapshotId === undefined ? branchHead(ctx.start.metadata, c.branch)?.snapshotId : (c.startSnapshotId ?? undefined)
      await c.validate(m, validationHistory(m, start, parent), ctx)
    }
    const snapshotId = this.identity.snapshotId(m, ctx)
    const next = (): string => this.identity.nextManifestPath(m, ctx)
    const addData = c.addData ?? []
    const addDeletes = c.addDeletes ?? []
    const partitions = c.replaceAddedPartitions ? new Set(addData.map((f) => partitionKey(f.specId, f.partition))) : undefined
    const criteria: RemovalCriteria = { ...(c.remove ?? {}), ...(partitions ? { partitions } : {}) }
    const parentManifests = parent ? await snapshotManifests(ctx.io, m, parent) : []
    const hasRemoval = Boolean(criteria.paths?.size || criteria.filter || criteria.partitions?.size || criteria.deleteKeys?.size)
    const filtered = hasRemoval
      ? await filterManifests(m, ctx, parentManifests, criteria, snapshotId, next, this.filterCache, (f) => partitionKey(f.specId, f.partition))
      : { kept: [...parentManifests], written: [], removed: [] }
    if (c.requireRemoved) {
      const got = new Set(filtered.removed.map((f) => (f.content === 'data' ? f.filePath : deleteFileKey(f))))
      const missing = [...c.requireRemoved].filter((p) => !got.has(p))
      if (missing.length) throw new ValidationError(`Missing required files to delete: ${missing.slice(0, 10).join(', ')}`)
    }
    if (!this.added) {
      const data = c.dataSequenceNumber === undefined ? await writeAddedManifests(m, ctx, addData, snapshotId, next) : await this.withSequence(m, ctx, addData, snapshotId, next)
      const deletes = await writeAddedManifests(m, ctx, addDeletes, snapshotId, next)
      this.added = [...data, ...deletes]
    }
    for (const w of this.added) ctx.track(w.file.manifestPath)
    const removedSomething = filtered.removed.length > 0
    return produceSnapshot(m, ctx, this.identity, c.branch, {
      operation: c.operation({ addedData: addData.length > 0, addedDeletes: addDeletes.length > 0, removed: removedSomething }),
      written: [...this.added, ...filtered.written],
      kept: filtered.kept,
      added: [...addData, ...addDeletes],
      removed: filtered.removed,
      ...(c.summary ? { extraSummary: c.summary } : {}),
    })
  }

  private async withSequence(m: TableMetadata, ctx: CommitContext, files: readonly DataFile[], snapshotId: bigint, next: () => string): Promise<NewManifest[]> {
    const out: NewManifest[] = []
    for (const [specId, group] of bySpec(files)) {
      const entries: ManifestEntry[] = group.map((f) => ({ status: 'added', snapshotId, sequenceNumber: this.c.dataSequenceNumber!, dataFile: f }))
      out.push(await writeNewManifest(ctx, m, next(), specById(m, specId)!, currentSchema(m), 'data', entries, snapshotId))
    }
    return out
  }
}
