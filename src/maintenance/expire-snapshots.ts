// Snapshot expiration (Java's ExpireSnapshots / RemoveSnapshots): commit the removal of old snapshots and
// refs through the table's catalog (re-planned on the fresh base on every retry), then delete the files
// only the expired snapshots reached: their manifest lists, manifests no retained snapshot lists, data and
// delete files no retained manifest holds live, and their statistics files. The files are judged against the
// committed version (Java's reachable-file cleanup); if any retained manifest cannot be read, no data or
// delete file and no manifest is deleted. A dry run commits nothing and reports what would go.
import { mapLimit, snapshotManifests } from '../table/scan-plan.js'
import type { PurgeFailure } from '../catalog/purge.js'
import { throwIfAborted } from '../abort.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import { applyUpdates } from '../spec/apply-updates.js'
import { checkExpireOptions, planExpiration, type ExpireOptions } from '../spec/expire.js'
import type { ManifestFile } from '../spec/manifest.js'
import type { Snapshot } from '../spec/snapshot.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { TableUpdate } from '../spec/updates.js'
import type { FileIO } from '../io/file-io.js'
import type { ChangeSet, CommitContext, PendingUpdate } from '../transaction/pending-update.js'
import { Transaction } from '../transaction/transaction.js'
import type { Table } from '../table/table.js'

/** Options of {@link expireSnapshots}. */
export interface ExpireSnapshotsOptions extends ExpireOptions {
  /** Delete the files only expired snapshots reached (default true; false only removes them from the metadata). */
  readonly cleanExpiredFiles?: boolean
  /**
   * Also remove partition specs and schemas no retained snapshot uses (Java's `cleanExpiredMetadata`): specs
   * no retained manifest was written with and schemas no retained snapshot names; the default spec and
   * current schema always stay, and a retained snapshot without a schema id keeps every schema.
   */
  readonly cleanExpiredMetadata?: boolean
  /** Plan only: commit nothing, delete nothing, report what would be expired and deleted. */
  readonly dryRun?: boolean
  readonly signal?: AbortSignal
}

/** Files deleted (or, on a dry run, to delete), by kind. */
export interface ExpiredFiles {
  readonly dataFiles: readonly string[]
  readonly positionDeleteFiles: readonly string[]
  readonly equalityDeleteFiles: readonly string[]
  readonly manifests: readonly string[]
  readonly manifestLists: readonly string[]
  readonly statisticsFiles: readonly string[]
}

/** What an expiration did. */
export interface ExpireSnapshotsResult {
  /** The table after the commit (the loaded one on a dry run or when nothing expired). */
  readonly table: Table
  readonly expiredSnapshotIds: readonly bigint[]
  readonly removedRefs: readonly string[]
  /** Partition specs and schemas removed with `cleanExpiredMetadata`. */
  readonly removedSpecIds: readonly number[]
  readonly removedSchemaIds: readonly number[]
  /** The files deleted, or that a dry run would delete. */
  readonly files: ExpiredFiles
  /** Files whose delete failed: left in place (orphan removal can take them later). */
  readonly undeleted: readonly PurgeFailure[]
  /** Manifest lists or manifests that could not be read: deletion of what depends on them was skipped. */
  readonly unreadable: readonly PurgeFailure[]
  readonly dryRun: boolean
}

const DELETE_CONCURRENCY = 16

async function removalUpdates(io: FileIO, m: TableMetadata, nowMs: bigint, opts: ExpireSnapshotsOptions): Promise<TableUpdate[]> {
  const plan = planExpiration(m, nowMs, opts)
  const updates: TableUpdate[] = [
    ...plan.refs.map((refName): TableUpdate => ({ action: 'remove-snapshot-ref', refName })),
    ...(plan.snapshotIds.length ? [{ action: 'remove-snapshots', snapshotIds: plan.snapshotIds } as TableUpdate] : []),
  ]
  if (!opts.cleanExpiredMetadata) return updates
  // Java's cleanExpiredMetadata: specs and schemas the retained snapshots still use
  const gone = new Set(plan.snapshotIds)
  const retained = m.snapshots.filter((s) => !gone.has(s.snapshotId))
  const specs = new Set([m.defaultSpecId])
  const lists = await mapLimit(retained, 8, (s) => snapshotManifests(io, m, s))
  for (const list of lists) for (const mf of list) specs.add(mf.partitionSpecId)
  const removeSpecs = m.specs.map((s) => s.specId).filter((id) => !specs.has(id))
  if (removeSpecs.length) updates.push({ action: 'remove-partition-specs', specIds: removeSpecs })
  if (retained.every((s) => s.schemaId !== undefined)) {
    const schemas = new Set([m.currentSchemaId, ...retained.map((s) => s.schemaId!)])
    const removeSchemas = m.schemas.map((s) => s.schemaId).filter((id) => !schemas.has(id))
    if (removeSchemas.length) updates.push({ action: 'remove-schemas', schemaIds: removeSchemas })
  }
  return updates
}

// The removal as a pending update: planned again on each attempt's base, which it remembers for the cleanup.
class ExpireUpdate implements PendingUpdate {
  readonly kind = 'expire-snapshots'
  lastBase: TableMetadata | undefined
  constructor(
    private readonly nowMs: bigint,
    private readonly opts: ExpireSnapshotsOptions,
  ) {}
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    this.lastBase = m
    return { updates: await removalUpdates(ctx.io, m, this.nowMs, this.opts), requirements: [] }
  }
}

/**
 * Expire snapshots of a catalog table: Java's retention (table properties `history.expire.*`, per-ref
 * `min-snapshots-to-keep`, `max-snapshot-age-ms`, `max-ref-age-ms`; `olderThanMs`, `retainLast` and
 * `snapshotIds` override), one commit with retries, then the cleanup of files only expired snapshots reached.
 */
export async function expireSnapshots(table: Table, opts: ExpireSnapshotsOptions = {}): Promise<ExpireSnapshotsResult> {
  checkExpireOptions(opts)
  const nowMs = table.env.now()
  const io = table.env.io
  const signal = opts.signal
  if (opts.dryRun) {
    const before = table.metadata
    const updates = await removalUpdates(io, before, nowMs, opts)
    const after = updates.length ? applyUpdates(before, updates, before.lastUpdatedMs) : before
    const c = opts.cleanExpiredFiles === false ? emptyCleanup() : await cleanupPlan(io, before, after, signal)
    return { table, ...expiredOf(before, after), files: c.files, undeleted: [], unreadable: c.unreadable, dryRun: true }
  }
  const update = new ExpireUpdate(nowMs, opts)
  const next = await new Transaction(table).add(update).commit(signal)
  const before = update.lastBase ?? table.metadata
  const after = next.metadata
  const expired = expiredOf(before, after)
  if (opts.cleanExpiredFiles === false || expired.expiredSnapshotIds.length === 0) {
    return { table: next, ...expired, files: emptyCleanup().files, undeleted: [], unreadable: [], dryRun: false }
  }
  // the commit has landed: from here on a failure only leaves files behind
  const c = await cleanupPlan(io, before, after, signal)
  const undeleted: PurgeFailure[] = []
  const f = c.files
  for (const group of [[...f.dataFiles, ...f.positionDeleteFiles, ...f.equalityDeleteFiles], f.manifests, f.manifestLists, f.statisticsFiles]) {
    throwIfAborted(signal)
    await mapLimit(group, DELETE_CONCURRENCY, async (path) => {
      try {
        await io.delete(path)
      } catch (error) {
        undeleted.push({ path, error })
      }
    })
  }
  return { table: next, ...expired, files: f, undeleted, unreadable: c.unreadable, dryRun: false }
}

function expiredOf(before: TableMetadata, after: TableMetadata): { expiredSnapshotIds: bigint[]; removedRefs: string[]; removedSpecIds: number[]; removedSchemaIds: number[] } {
  const kept = new Set(after.snapshots.map((s) => s.snapshotId))
  const specs = new Set(after.specs.map((s) => s.specId))
  const schemas = new Set(after.schemas.map((s) => s.schemaId))
  return {
    expiredSnapshotIds: before.snapshots.map((s) => s.snapshotId).filter((id) => !kept.has(id)),
    removedRefs: Object.keys(before.refs).filter((r) => !Object.hasOwn(after.refs, r)),
    removedSpecIds: before.specs.map((s) => s.specId).filter((id) => !specs.has(id)),
    removedSchemaIds: before.schemas.map((s) => s.schemaId).filter((id) => !schemas.has(id)),
  }
}

function emptyCleanup(): { files: ExpiredFiles; unreadable: PurgeFailure[] } {
  return { files: { dataFiles: [], positionDeleteFiles: [], equalityDeleteFiles: [], manifests: [], manifestLists: [], statisticsFiles: [] }, unreadable: [] }
}

/** The files only the snapshots in `before` but not in `after` reach. */
async function cleanupPlan(io: FileIO, before: TableMetadata, after: TableMetadata, signal: AbortSignal | undefined): Promise<{ files: ExpiredFiles; unreadable: PurgeFailure[] }> {
  const keptIds = new Set(after.snapshots.map((s) => s.snapshotId))
  const expired = before.snapshots.filter((s) => !keptIds.has(s.snapshotId))
  const out = emptyCleanup()
  if (expired.length === 0) return out
  const unreadable = out.unreadable
  const manifestLists = expired.flatMap((s) => (s.manifestList ? [s.manifestList] : []))
  const keptStats = new Set([...after.statistics, ...after.partitionStatistics].map((s) => s.statisticsPath))
  const expiredIds = new Set(expired.map((s) => s.snapshotId))
  const statisticsFiles = [...before.statistics, ...before.partitionStatistics].filter((s) => expiredIds.has(s.snapshotId) && !keptStats.has(s.statisticsPath)).map((s) => s.statisticsPath)

  // manifests the expired snapshots list, and those the retained ones do
  const readLists = async (m: TableMetadata, snaps: readonly Snapshot[]): Promise<Map<string, ManifestFile> | undefined> => {
    const found = new Map<string, ManifestFile>()
    let ok = true
    await mapLimit(snaps, 8, async (s) => {
      throwIfAborted(signal)
      try {
        for (const mf of await snapshotManifests(io, m, s)) found.set(mf.manifestPath, mf)
      } catch (error) {
        ok = false
        unreadable.push({ path: s.manifestList ?? `snapshot ${s.snapshotId}`, error })
      }
    })
    return ok ? found : undefined
  }
  const candidates = (await readLists(before, expired)) ?? new Map<string, ManifestFile>()
  const retained = await readLists(after, after.snapshots)
  if (!retained) {
    // what the retained snapshots still need is unknown: delete only what belongs to expired snapshots alone
    return { files: { ...out.files, manifestLists, statisticsFiles }, unreadable }
  }
  const manifests = [...candidates.values()].filter((mf) => !retained.has(mf.manifestPath))

  // live files of the manifests to delete, minus live files of every retained manifest
  const live = async (m: TableMetadata, mfs: readonly ManifestFile[], onFile: (path: string, content: string) => void): Promise<boolean> => {
    let ok = true
    await mapLimit(mfs, 8, async (mf) => {
      throwIfAborted(signal)
      try {
        const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, formatVersion: m.formatVersion })
        for (const e of r.entries) if (e.status !== 'deleted') onFile(e.dataFile.filePath, e.dataFile.content)
      } catch (error) {
        ok = false
        unreadable.push({ path: mf.manifestPath, error })
      }
    })
    return ok
  }
  const content = new Map<string, string>()
  const candidatesOk = await live(before, manifests, (p, kind) => void content.set(p, kind))
  const retainedOk = content.size === 0 || (await live(after, [...retained.values()], (p) => void content.delete(p)))
  if (!retainedOk) return { files: { ...out.files, manifestLists, statisticsFiles }, unreadable }
  const of = (kind: string): string[] => [...content].filter(([, k]) => k === kind).map(([p]) => p).sort()
  return {
    files: {
      dataFiles: of('data'),
      positionDeleteFiles: of('position-deletes'),
      equalityDeleteFiles: of('equality-deletes'),
      // a manifest whose entries could not all be read is kept: its files were not judged
      manifests: candidatesOk ? manifests.map((mf) => mf.manifestPath).sort() : manifests.filter((mf) => !unreadable.some((u) => u.path === mf.manifestPath)).map((mf) => mf.manifestPath).sort(),
      manifestLists: manifestLists.sort(),
      statisticsFiles: statisticsFiles.sort(),
    },
    unreadable,
  }
}
