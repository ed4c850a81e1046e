// Files reachable from a table's metadata (for drop-with-purge and orphan cleanup).
import type { FileIO } from '../io/file-io.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import { boolProp } from '../spec/properties.js'
import type { TableState } from '../table/load.js'
import { mapLimit, snapshotManifests } from '../table/scan-plan.js'

/** Every file any snapshot or metadata version references: metadata files, manifest lists, manifests, data and delete files, statistics. */
export async function reachableFiles(io: FileIO, state: TableState): Promise<{ metadata: Set<string>; content: Set<string> }> {
  const m = state.metadata
  const metadata = new Set<string>([state.metadataLocation, ...m.metadataLog.map((e) => e.metadataFile)])
  const content = new Set<string>()
  for (const s of m.statistics) metadata.add(s.statisticsPath)
  for (const s of m.partitionStatistics) metadata.add(s.statisticsPath)
  const manifests = new Map<string, Awaited<ReturnType<typeof snapshotManifests>>[number]>()
  for (const s of m.snapshots) {
    if (s.manifestList) metadata.add(s.manifestList)
    try {
      for (const mf of await snapshotManifests(io, m, s)) manifests.set(mf.manifestPath, mf)
    } catch {
      // a snapshot whose manifest list is gone references nothing we can still find
    }
  }
  await mapLimit([...manifests.values()], 8, async (mf) => {
    metadata.add(mf.manifestPath)
    try {
      const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, formatVersion: m.formatVersion })
      for (const e of r.entries) content.add(e.dataFile.filePath)
    } catch {
      // unreadable manifest: its files cannot be enumerated
    }
  })
  return { metadata, content }
}

/** Delete a dropped table's files: metadata always, data and delete files only when gc.enabled is not false. */
export async function purgeTable(io: FileIO, state: TableState): Promise<void> {
  const { metadata, content } = await reachableFiles(io, state)
  if (boolProp(state.metadata.properties, 'gc.enabled')) await mapLimit([...content], 16, (f) => io.delete(f))
  await mapLimit([...metadata], 16, (f) => io.delete(f))
}
