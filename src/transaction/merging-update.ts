// One composable snapshot update for every operation that adds and removes files (Java MergingSnapshotProducer,
// without the inheritance): delete, overwrite, replace partitions, row delta, rewrite.
import { InvalidArgumentError, ValidationError } from '../errors.js'
import { alwaysTrue } from '../expr/expression.js'
import type { DataFile, ManifestContent, ManifestEntry } from '../spec/manifest.js'
import { isUnpartitioned } from '../spec/partition-spec.js'
import type { Operation, Snapshot } from '../spec/snapshot.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { snapshotManifests } from '../table/scan-plan.js'
import { bySpec, writeAddedManifests } from './append.js'
import { isDV, validationHistory } from './conflicts.js'
import { checkAddedFiles, checkOneDVPerDataFile, sharedLiveDVCache } from './file-checks.js'
import { deleteFileKey, filterManifests, hasLiveFiles, removesData, removesDeletes, type FilterCacheEntry, type RemovalCriteria } from './manifest-filter.js'
import { mergeManifests, type ListedManifest } from './manifest-merge.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'
import { branchHead, produceSnapshot, ProducerIdentity, replacedManifests } from './snapshot-producer.js'

/** What was requested of a file-changing operation, from which it picks its snapshot operation (as Java). */
export interface RequestedChanges {
  /** Data files are added (after de-duplication). */
  readonly addsData: boolean
  /** Delete files are added (after de-duplication). */
  readonly addsDeletes: boolean
  /** A removal of data files was requested (by path, filter or partition), whether or not it matched any. */
  readonly deletesData: boolean
  /** A removal of delete files was requested (by key, filter or partition). */
  readonly deletesDeletes: boolean
}

/** Everything a file-changing operation may do. */
export interface FileChanges {
  readonly kind: string
  readonly branch: string
  /** The snapshot operation, from what was requested. */
  readonly operation: (c: RequestedChanges) => Operation
  readonly addData?: readonly DataFile[]
  readonly addDeletes?: readonly AddedDelete[]
  readonly remove?: RemovalCriteria
  /**
   * Dynamic overwrite: also remove every live data and delete file in the partitions the added data files go
   * to; when the added files' spec is unpartitioned, everything (Java BaseReplacePartitions).
   */
  readonly replaceAddedPartitions?: boolean
  /** Paths (data files) and delete-file keys that must still be live and get removed (else "Missing required files to delete"). */
  readonly requireRemoved?: ReadonlySet<string>
  /** Explicit data sequence number for the added data files (rewrites keeping the starting sequence number). */
  readonly dataSequenceNumber?: bigint
  /** Validation window start; default: the branch head when the transaction started. */
  readonly startSnapshotId?: bigint | null
  /**
   * Also validate the snapshots this transaction's earlier operations produced (by default they are left out
   * of the window): cherry-pick must see them, since it replaces only the picked snapshot's files.
   */
  readonly validateOwnSnapshots?: boolean
  /** Conflict validation over the window (snapshots newest first; the transaction's own earlier snapshots left out). */
  readonly validate?: (m: TableMetadata, history: readonly Snapshot[], ctx: CommitContext) => Promise<void>
  readonly summary?: Readonly<Record<string, string>>
}

/** A delete file added with an explicit data sequence number (a compaction keeping the rewritten deletes' number). */
export interface SequencedDelete {
  readonly file: DataFile
  readonly dataSequenceNumber: bigint
}

/** A delete file to add: as is (its data sequence number is the new snapshot's), or with an explicit one. */
export type AddedDelete = DataFile | SequencedDelete

/** The delete file and its explicit data sequence number, if any. */
export function addedDeleteFile(d: AddedDelete): { file: DataFile; dataSequenceNumber?: bigint } {
  return 'file' in d ? { file: d.file, dataSequenceNumber: d.dataSequenceNumber } : { file: d }
}

/** Java DeleteFileSet identity: location, and for deletion vectors the blob's offset and length. */
function deleteIdentity(f: DataFile): string {
  return `${f.filePath}#${f.contentOffset ?? ''}#${f.contentSizeInBytes ?? ''}`
}

/**
 * Added files as Java keeps them: data files de-duplicated by location (first wins, first-row id cleared so
 * row ids are assigned by this commit), delete files by location and DV blob (first wins, with its explicit
 * data sequence number if it has one). Two different deletion vectors for one data file are refused (they
 * would make the table unreadable).
 */
export function dedupeAdded(data: readonly DataFile[], added: readonly AddedDelete[]): { data: DataFile[]; deletes: DataFile[]; deleteSequence: Map<DataFile, bigint> } {
  const byPath = new Map<string, DataFile>()
  for (const f of data) {
    if (byPath.has(f.filePath)) continue
    if (f.firstRowId === undefined) byPath.set(f.filePath, f)
    else {
      const { firstRowId: _dropped, ...rest } = f
      byPath.set(f.filePath, rest)
    }
  }
  const byKey = new Map<string, DataFile>()
  const dvFor = new Map<string, DataFile>()
  const deleteSequence = new Map<DataFile, bigint>()
  for (const d of added) {
    const { file: f, dataSequenceNumber } = addedDeleteFile(d)
    const key = deleteIdentity(f)
    if (byKey.has(key)) continue
    if (f.content === 'position-deletes' && isDV(f) && f.referencedDataFile !== undefined) {
      const other = dvFor.get(f.referencedDataFile)
      if (other)
        throw new InvalidArgumentError(`Two deletion vectors for data file ${f.referencedDataFile} in one commit: ${other.filePath} (offset ${other.contentOffset}) and ${f.filePath} (offset ${f.contentOffset})`, {
          context: { file: f.filePath },
        })
      dvFor.set(f.referencedDataFile, f)
    }
    byKey.set(key, f)
    if (dataSequenceNumber !== undefined) deleteSequence.set(f, dataSequenceNumber)
  }
  return { data: [...byPath.values()], deletes: [...byKey.values()], deleteSequence }
}

/** A snapshot-producing update that adds and removes files, re-applied on every retry. */
export class FileChangeUpdate implements PendingUpdate {
  readonly kind: string
  private readonly identity = new ProducerIdentity()
  private added: NewManifest[] | undefined
  private readonly filterCache = new Map<string, FilterCacheEntry>()
  private readonly addData: DataFile[]
  private readonly addDeletes: DataFile[]
  /** Explicit data sequence numbers of added delete files (the others get the new snapshot's). */
  private readonly deleteSequence: Map<DataFile, bigint>
  /** The parent's live deletion vectors read for the one-DV-per-data-file check, by manifest path (kept across attempts). */

  constructor(private readonly c: FileChanges) {
    this.kind = c.kind
    const { data, deletes, deleteSequence } = dedupeAdded(c.addData ?? [], c.addDeletes ?? [])
    this.addData = data
    this.addDeletes = deletes
    this.deleteSequence = deleteSequence
  }

  /** The removal criteria for metadata `m` (dynamic overwrite adds the partitions, or everything, of the added data). */
  private criteria(m: TableMetadata): RemovalCriteria {
    const base = this.c.remove ?? {}
    if (!this.c.replaceAddedPartitions || !this.addData.length) return base
    const partitions = new Set([...(base.partitions ?? []), ...this.addData.map((f) => partitionKey(f.specId, f.partition))])
    const spec = specById(m, this.addData[0]!.specId)
    if (!spec) throw new InvalidArgumentError(`File ${this.addData[0]!.filePath} uses partition spec ${this.addData[0]!.specId}, which the table does not have`)
    return { ...base, partitions, ...(isUnpartitioned(spec) ? { filter: alwaysTrue } : {}) }
  }

  /** Validate against concurrent commits, filter the parent's manifests, add new ones, produce the snapshot. */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const c = this.c
    checkAddedFiles(m.formatVersion, this.addData, this.addDeletes)
    const parent = branchHead(m, c.branch)
    const start = c.startSnapshotId === undefined ? branchHead(ctx.start.metadata, c.branch)?.snapshotId : (c.startSnapshotId ?? undefined)
    if (c.validate) {
      // snapshots that earlier updates of this transaction produced in this attempt (absent from the base it
      // started from) are what this update builds on, not concurrent changes: only other writers' count
      const history = validationHistory(m, start, parent)
      const committed = new Set(ctx.base.metadata.snapshots.map((s) => s.snapshotId))
      await c.validate(m, c.validateOwnSnapshots ? history : history.filter((s) => committed.has(s.snapshotId)), ctx)
    }
    const snapshotId = this.identity.snapshotId(m, ctx)
    const next = (): string => this.identity.nextManifestPath(m, ctx)
    const addData = this.addData
    const addDeletes = this.addDeletes
    const criteria = this.criteria(m)
    const parentManifests = parent ? await snapshotManifests(ctx.io, m, parent) : []
    const hasRemoval = removesData(criteria) || removesDeletes(criteria)
    const filtered = hasRemoval
      ? await filterManifests(m, ctx, parentManifests, criteria, snapshotId, next, this.filterCache, (f) => partitionKey(f.specId, f.partition), addData.length ? c.dataSequenceNumber : undefined)
      : { written: [], removed: [], duplicates: 0, listed: parentManifests.map((k): ListedManifest => ({ kind: 'kept', m: k })) }
    if (c.requireRemoved) {
      const got = new Set(filtered.removed.map((f) => (f.content === 'data' ? f.filePath : deleteFileKey(f))))
      const missing = [...c.requireRemoved].filter((p) => !got.has(p))
      if (missing.length) throw new ValidationError(`Missing required files to delete: ${missing.slice(0, 10).join(', ')}`)
    }
    // at most one deletion vector per data file in the new snapshot: judged on this attempt's parent, after
    // the removals, before the added files' manifests are written
    const dvs = addDeletes.filter(isDV)
    if (dvs.length)
      await checkOneDVPerDataFile({
        metadata: m,
        parent,
        parentManifests,
        startSnapshotId: start,
        committed: new Set(ctx.base.metadata.snapshots.map((s) => s.snapshotId)),
        added: dvs,
        removed: filtered.removed,
        io: ctx.io,
        // shared by every commit through the table's storage: manifests never change once written
        cache: sharedLiveDVCache(ctx.env.io),
      })
    if (!this.added) {
      const dataSeq = c.dataSequenceNumber
      const data = dataSeq === undefined ? await writeAddedManifests(m, ctx, addData, snapshotId, next) : await this.withSequence(m, ctx, addData, 'data', () => dataSeq, snapshotId, next)
      const deletes = this.deleteSequence.size
        ? await this.withSequence(m, ctx, addDeletes, 'deletes', (f) => this.deleteSequence.get(f), snapshotId, next)
        : await writeAddedManifests(m, ctx, addDeletes, snapshotId, next)
      this.added = [...data, ...deletes]
    }
    for (const w of this.added) ctx.track(w.file.manifestPath)
    // Java's list: new data manifests, the parent's data manifests (rewritten ones in place), then the same for
    // delete manifests; parent manifests without live files are dropped
    const ofContent = (x: ListedManifest): string => (x.kind === 'new' ? x.m.file.content : x.m.content)
    const listed: ListedManifest[] = []
    for (const content of ['data', 'deletes']) {
      for (const w of this.added) if (w.file.content === content) listed.push({ kind: 'new', m: w })
      for (const x of filtered.listed) if (ofContent(x) === content && (x.kind === 'new' || hasLiveFiles(x.m))) listed.push(x)
    }
    // Java's MergingSnapshotProducer merges for every file-changing operation (commit.manifest.* rules); the
    // update's own manifests are read without inheritance, so explicit sequence numbers survive the merge
    const manifests = await mergeManifests(m, ctx, listed, snapshotId, next)
    return produceSnapshot(m, ctx, this.identity, c.branch, {
      operation: c.operation({ addsData: addData.length > 0, addsDeletes: addDeletes.length > 0, deletesData: removesData(criteria), deletesDeletes: removesDeletes(criteria) }),
      listed: manifests,
      added: [...addData, ...addDeletes],
      removed: filtered.removed,
      duplicates: filtered.duplicates,
      replacedManifests: replacedManifests(parentManifests, manifests),
      ...(c.summary ? { extraSummary: c.summary } : {}),
    })
  }

  /** Manifests of ADDED entries (one per spec) carrying the explicit data sequence numbers `seqOf` gives; the rest inherit the snapshot's. */
  private async withSequence(
    m: TableMetadata,
    ctx: CommitContext,
    files: readonly DataFile[],
    content: ManifestContent,
    seqOf: (f: DataFile) => bigint | undefined,
    snapshotId: bigint,
    next: () => string,
  ): Promise<NewManifest[]> {
    const out: NewManifest[] = []
    for (const [specId, group] of bySpec(files)) {
      const spec = specById(m, specId)
      if (!spec) throw new InvalidArgumentError(`File ${group[0]!.filePath} uses partition spec ${specId}, which the table does not have`)
      const entries: ManifestEntry[] = group.map((f) => {
        const seq = seqOf(f)
        return { status: 'added', snapshotId, ...(seq === undefined ? {} : { sequenceNumber: seq }), dataFile: f }
      })
      out.push(await writeNewManifest(ctx, m, next(), spec, currentSchema(m), content, entries, snapshotId))
    }
    return out
  }
}
