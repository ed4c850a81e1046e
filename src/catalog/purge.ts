// Files reachable from a table's metadata (for drop-with-purge and orphan cleanup), and the purge itself.
import type { FileIO } from '../io/file-io.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import { boolProp } from '../spec/properties.js'
import type { TableState } from '../table/load.js'
import { mapLimit, snapshotManifests } from '../table/scan-plan.js'

/** A file a purge could not handle, and the error it met. */
export interface PurgeFailure {
  readonly path: string
  readonly error: unknown
}

/**
 * What a purge did. It never stops at a failure (as Java's CatalogUtil.dropTableData): every file it could
 * find was tried, and what could not be deleted or read is listed here and left behind.
 */
export interface PurgeResult {
  /** How many files were deleted (a file already gone counts as deleted). */
  readonly deleted: number
  /** Files that could not be deleted: they are left where they are. */
  readonly undeleted: readonly PurgeFailure[]
  /** Manifest lists and manifests that could not be read: the files they reference may be left as orphans. */
  readonly unreadable: readonly PurgeFailure[]
}

const DELETE_CONCURRENCY = 16

/**
 * Every file any snapshot or metadata version references: metadata files, manifest lists, manifests, data
 * and delete files, statistics. A manifest list or manifest that cannot be read is skipped (its own path is
 * still listed) and reported in `unreadable`. With `liveOnly`, content files come from live entries only
 * (Java's reachability for orphan removal: a file only a deleted entry names is unreferenced); a purge
 * takes every entry.
 */
export async function reachableFiles(io: FileIO, state: TableState, opts: { readonly liveOnly?: boolean } = {}): Promise<{ metadata: Set<string>; content: Set<string>; unreadable: PurgeFailure[] }> {
  const m = state.metadata
  const metadata = new Set<string>([state.metadataLocation, ...m.metadataLog.map((e) => e.metadataFile)])
  const content = new Set<string>()
  const unreadable: PurgeFailure[] = []
  for (const s of m.statistics) metadata.add(s.statisticsPath)
  for (const s of m.partitionStatistics) metadata.add(s.statisticsPath)
  const manifests = new Map<string, Awaited<ReturnType<typeof snapshotManifests>>[number]>()
  for (const s of m.snapshots) {
    if (s.manifestList) metadata.add(s.manifestList)
    try {
      for (const mf of await snapshotManifests(io, m, s)) manifests.set(mf.manifestPath, mf)
    } catch (error) {
      // a snapshot whose manifest list is gone or unreadable references nothing we can still find
      unreadable.push({ path: s.manifestList ?? `snapshot ${s.snapshotId}`, error })
    }
  }
  await mapLimit([...manifests.values()], 8, async (mf) => {
    metadata.add(mf.manifestPath)
    try {
      const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, formatVersion: m.formatVersion })
      for (const e of r.entries) if (!opts.liveOnly || e.status !== 'deleted') content.add(e.dataFile.filePath)
    } catch (error) {
      unreadable.push({ path: mf.manifestPath, error })
    }
  })
  return { metadata, content, unreadable }
}

/** Delete every path, `limit` at a time, continuing past failures; resolves once every delete has settled. */
async function deleteAll(io: FileIO, paths: readonly string[], limit: number, failed: PurgeFailure[]): Promise<number> {
  let deleted = 0
  await mapLimit(paths, limit, async (path) => {
    try {
      await io.delete(path)
      deleted++
    } catch (error) {
      failed.push({ path, error })
    }
  })
  return deleted
}

/**
 * Delete a dropped table's files: data and delete files first (only when gc.enabled is not false), then
 * manifests, manifest lists, statistics and old metadata files, and the current metadata file last, as Java
 * orders them. Failures never stop it; they are returned.
 */
export async function purgeTable(io: FileIO, state: TableState): Promise<PurgeResult> {
  const { metadata, content, unreadable } = await reachableFiles(io, state)
  const undeleted: PurgeFailure[] = []
  let deleted = 0
  if (boolProp(state.metadata.properties, 'gc.enabled')) deleted += await deleteAll(io, [...content], DELETE_CONCURRENCY, undeleted)
  metadata.delete(state.metadataLocation)
  deleted += await deleteAll(io, [...metadata], DELETE_CONCURRENCY, undeleted)
  deleted += await deleteAll(io, [state.metadataLocation], 1, undeleted)
  return { deleted, undeleted, unreadable }
}
