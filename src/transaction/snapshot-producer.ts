// Shared by every snapshot-producing update: sequence numbers, row lineage, the manifest list, the summary,
// and the add-snapshot / set-ref changes (Java SnapshotProducer.apply, without inheritance).
import { InvalidArgumentError } from '../errors.js'
import { writeManifestList } from '../spec/avro/manifest-list-codec.js'
import type { DataFile, ManifestFile } from '../spec/manifest.js'
import { MAIN_BRANCH, type Operation, type Snapshot, type Summary } from '../spec/snapshot.js'
import { partitionPath } from '../spec/partition-path.js'
import { partitionType } from '../spec/partition-spec.js'
import { intProp } from '../spec/properties.js'
import { currentSchema, currentSnapshot, refByName, snapshotById, snapshotForRef, specById, type TableMetadata } from '../spec/table-metadata.js'
import { findField } from '../spec/schema.js'
import { isPrimitive, type PrimitiveType, type StructType } from '../spec/types.js'
import { metadataDir } from '../catalog/metadata-files.js'
import { assignSequence, manifestPath, type NewManifest } from './manifest-writer.js'
import { withKnownCounts } from './manifest-counts.js'
import { hasLiveFiles } from './manifest-filter.js'
import type { ListedManifest } from './manifest-merge.js'
import type { ChangeSet, CommitContext } from './pending-update.js'
import { buildSummary, type PartitionSummaryOptions } from './summary.js'

/** Identity of one snapshot-producing update, stable across retries (the snapshot id is an idempotency key). */
export class ProducerIdentity {
  private id: bigint | undefined
  private uuid: string | undefined

  /** The snapshot id: generated once, regenerated only if it collides with an existing snapshot. */
  snapshotId(m: TableMetadata, ctx: CommitContext): bigint {
    while (this.id === undefined || snapshotById(m, this.id)) this.id = ctx.env.snapshotId()
    return this.id
  }

  /** The commit uuid used in manifest and manifest-list names. */
  commitUuid(ctx: CommitContext): string {
    this.uuid ??= ctx.env.uuid()
    return this.uuid
  }

  private manifests = 0

  /** The next manifest path of this update (`<uuid>-m<N>.avro`; N never repeats across attempts). */
  nextManifestPath(m: TableMetadata, ctx: CommitContext): string {
    return manifestPath(m, this.commitUuid(ctx), this.manifests++)
  }
}

/** What a snapshot-producing update decided on for one attempt. */
export interface SnapshotChanges {
  readonly operation: Operation
  /** Manifests of the parent carried over unchanged (listed after the written ones). */
  readonly kept?: readonly ManifestFile[]
  /** Manifests written for this snapshot (listed first). */
  readonly written?: readonly NewManifest[]
  /** The whole manifest list in the update's own order (merge append); replaces `written` and `kept`. */
  readonly listed?: readonly ListedManifest[]
  /** Data and delete files added (for the summary). */
  readonly added: readonly DataFile[]
  /** Data and delete files removed (for the summary). */
  readonly removed: readonly DataFile[]
  /** Repeated live entries of removed files, deleted but not counted as files (Java `deleted-duplicate-files`). */
  readonly duplicates?: number
  readonly extraSummary?: Readonly<Record<string, string>>
  /** Parent manifests with live files that this snapshot no longer lists because it rewrote or merged them (Java `manifests-replaced`). */
  readonly replacedManifests?: number
}

/**
 * Java ≥ 1.11's manifest counts: manifests written by this snapshot, manifests of earlier snapshots listed
 * unchanged, and parent manifests replaced (rewritten by a filter or merged).
 */
export function manifestCounts(manifests: readonly ManifestFile[], snapshotId: bigint, replaced: number): Record<string, string> {
  let created = 0
  let kept = 0
  for (const mf of manifests) {
    if (mf.addedSnapshotId === snapshotId) created++
    else kept++
  }
  return { 'manifests-created': String(created), 'manifests-kept': String(kept), 'manifests-replaced': String(replaced) }
}

/** Parent manifests with live files that are missing from `listed` (replaced by a rewrite or a merge). */
export function replacedManifests(parent: readonly ManifestFile[], listed: readonly ListedManifest[]): number {
  const kept = new Set<string>()
  for (const x of listed) if (x.kind === 'kept') kept.add(x.m.manifestPath)
  return parent.filter((p) => hasLiveFiles(p) && !kept.has(p.manifestPath)).length
}

/** The snapshot a branch points to (its head), or undefined for an empty branch. */
export function branchHead(m: TableMetadata, branch: string): Snapshot | undefined {
  const ref = refByName(m, branch)
  if (ref && ref.type !== 'branch') throw new InvalidArgumentError(`${branch} is a tag; only branches can be committed to`)
  // Java SnapshotUtil.latestSnapshot: a branch that does not exist yet forks from the current snapshot
  return ref ? snapshotForRef(m, branch) : currentSnapshot(m)
}

/**
 * Write the manifest list and return the changes that add the snapshot and move `branch` to it.
 * New manifests get the new sequence number; in v3 every data manifest without a first row id gets one.
 */
export async function produceSnapshot(m: TableMetadata, ctx: CommitContext, identity: ProducerIdentity, branch: string, c: SnapshotChanges): Promise<ChangeSet> {
  const parent = branchHead(m, branch)
  const snapshotId = identity.snapshotId(m, ctx)
  const seq = m.formatVersion === 1 ? 0n : m.lastSequenceNumber + 1n
  const finish = (w: NewManifest): ManifestFile => (m.formatVersion === 1 ? { ...w.file, sequenceNumber: 0n, minSequenceNumber: 0n } : assignSequence(w, seq))
  // Java lists new manifests first, then the parent's kept ones, unless the update ordered them itself
  const listed: readonly ListedManifest[] = c.listed ?? [...(c.written ?? []).map((w): ListedManifest => ({ kind: 'new', m: w })), ...(c.kept ?? []).map((k): ListedManifest => ({ kind: 'kept', m: k }))]
  // a v1 list's manifests may lack counts, which v2+ lists require (and v3 row ids are reserved by)
  const manifests = await withKnownCounts(ctx, m, listed.map((x) => (x.kind === 'new' ? finish(x.m) : x.m)))
  let firstRowId: bigint | undefined
  let addedRows: bigint | undefined
  if (m.formatVersion >= 3) {
    // every data manifest without a first row id gets one, in list order: new ones, and after a v2→v3
    // upgrade the carried-over ones too (room for their existing and added rows)
    firstRowId = m.nextRowId ?? 0n
    let next = firstRowId
    for (let i = 0; i < manifests.length; i++) {
      const mf = manifests[i]!
      if (mf.content !== 'data' || mf.firstRowId !== undefined) continue
      manifests[i] = { ...mf, firstRowId: next }
      next += (mf.existingRowsCount ?? 0n) + (mf.addedRowsCount ?? 0n)
    }
    addedRows = next - firstRowId
  }
  const summary = withContext(buildSummary(c.operation, { added: c.added, removed: c.removed, ...(c.duplicates ? { duplicates: c.duplicates } : {}) }, parent, { ...c.extraSummary, ...manifestCounts(manifests, snapshotId, c.replacedManifests ?? 0) }, summaryPartitions(m)), ctx.env.context)
  checkReplaceRecords(summary)
  const listPath = `${metadataDir(m)}/snap-${snapshotId}-${ctx.attempt}-${identity.commitUuid(ctx)}.avro`
  const bytes = writeManifestList(manifests, {
    formatVersion: m.formatVersion,
    snapshotId,
    ...(parent ? { parentSnapshotId: parent.snapshotId } : {}),
    sequenceNumber: seq,
    ...(firstRowId !== undefined ? { firstRowId } : {}),
    file: listPath,
  })
  ctx.track(listPath)
  await ctx.io.write(listPath, bytes, { durable: true, direct: true })
  const snapshot: Snapshot = {
    snapshotId,
    ...(parent ? { parentSnapshotId: parent.snapshotId } : {}),
    sequenceNumber: seq,
    timestampMs: ctx.env.now(),
    manifestList: listPath,
    summary,
    schemaId: currentSchema(m).schemaId,
    ...(firstRowId !== undefined ? { firstRowId, addedRows: addedRows ?? 0n } : {}),
  }
  const existing = refByName(m, branch)
  return {
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', refName: branch, ref: { ...(existing ?? {}), snapshotId, type: 'branch' } },
    ],
    requirements: [{ type: 'assert-ref-snapshot-id', ref: branch, snapshotId: existing || branch === MAIN_BRANCH ? (parent?.snapshotId ?? null) : null }],
  }
}

/**
 * Java SnapshotProducer.apply: a `replace` snapshot must not add more data records than it removes (it may add
 * fewer: rows already deleted by delete files are dropped when rewritten). Judged on the summary's
 * `added-records` and `deleted-records`, a missing count being 0; an argument error, not retried.
 */
export function checkReplaceRecords(summary: Summary): void {
  if (summary.operation !== 'replace') return
  const count = (key: string): bigint => {
    const v = summary[key]
    return v !== undefined && /^[+-]?\d+$/.test(v) ? BigInt(v) : 0n
  }
  const added = count('added-records')
  const replaced = count('deleted-records')
  if (added > replaced) throw new InvalidArgumentError(`Invalid replace snapshot: it adds ${added} records but replaces only ${replaced} (added-records > deleted-records)`)
}

/** A summary with the environment's properties added last, as Java's SnapshotProducer adds EnvironmentContext (never over the operation). */
export function withContext(summary: Summary, context: Readonly<Record<string, string>> | undefined): Summary {
  if (!context) return summary
  const out: Record<string, string> = { ...summary }
  for (const [k, v] of Object.entries(context)) if (k !== 'operation') out[k] = v
  return out as Summary
}

/** Partition naming (Java's partition paths) and `write.summary.partition-limit` for the summary of a commit on `m`. */
export function summaryPartitions(m: TableMetadata): PartitionSummaryOptions {
  const schema = currentSchema(m)
  const types = new Map<number, StructType>()
  return {
    limit: intProp(m.properties, 'write.summary.partition-limit'),
    path: (f) => {
      const spec = specById(m, f.specId)
      if (!spec) throw new InvalidArgumentError(`File ${f.filePath} uses partition spec ${f.specId}, which the table does not have`)
      let type = types.get(spec.specId)
      if (!type) {
        // an older spec may name a column the current schema dropped: its last known type still names values
        const last = new Map<number, PrimitiveType>()
        for (const old of m.schemas)
          for (const pf of spec.fields) {
            const src = findField(old, pf.sourceId)
            if (src && isPrimitive(src.type)) last.set(pf.sourceId, src.type)
          }
        types.set(spec.specId, (type = partitionType(spec, schema, last)))
      }
      return partitionPath(spec, type, f.partition)
    },
  }
}

/** The default branch for commits. */
export const DEFAULT_BRANCH = MAIN_BRANCH
