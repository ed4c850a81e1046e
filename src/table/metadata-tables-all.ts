// Java's all_* metadata tables: the same rows as manifests/files/entries, over every snapshot the table
// metadata still lists. `all_manifests` has one row per (snapshot, manifest); the file and entry tables
// read each distinct manifest (by path) once, so a file kept by several manifests appears once per manifest.
import type { FileIO } from '../io/file-io.js'
import type { Row } from '../parquet/codec.js'
import type { ManifestFile } from '../spec/manifest.js'
import type { Schema } from '../spec/schema.js'
import { schemaForSnapshot, type TableMetadata } from '../spec/table-metadata.js'
import { FileRows, liveFileRows, manifestRow, readListedEntries, type FileKind, type ListedEntry } from './metadata-tables-files.js'
import { mapLimit, snapshotManifests } from './scan-plan.js'

/** `all_manifests`: every snapshot's manifests, with `reference_snapshot_id` and `key_metadata`. */
export async function allManifestsTable(io: FileIO, m: TableMetadata): Promise<Row[]> {
  const lists = await mapLimit(m.snapshots, 8, (s) => snapshotManifests(io, m, s))
  return m.snapshots.flatMap((s, i) =>
    lists[i]!.map((mf) => ({ ...manifestRow(m, mf), reference_snapshot_id: s.snapshotId, key_metadata: mf.keyMetadata ?? null })),
  )
}

/** The distinct manifests (by path) of every snapshot of `kind`, each with the schema of the first snapshot listing it. */
async function reachableManifests(io: FileIO, m: TableMetadata, kind: FileKind): Promise<Array<{ manifest: ManifestFile; schema: Schema }>> {
  const lists = await mapLimit(m.snapshots, 8, (s) => snapshotManifests(io, m, s))
  const seen = new Map<string, { manifest: ManifestFile; schema: Schema }>()
  m.snapshots.forEach((s, i) => {
    for (const mf of lists[i]!) {
      if (kind === 'data' && mf.content !== 'data') continue
      if (kind === 'deletes' && mf.content !== 'deletes') continue
      if (!seen.has(mf.manifestPath)) seen.set(mf.manifestPath, { manifest: mf, schema: schemaForSnapshot(m, s) })
    }
  })
  return [...seen.values()]
}

async function reachableEntries(io: FileIO, m: TableMetadata, kind: FileKind): Promise<ListedEntry[]> {
  const manifests = await reachableManifests(io, m, kind)
  const schemas = new Map(manifests.map((x) => [x.manifest, x.schema]))
  return readListedEntries(
    io,
    m,
    manifests.map((x) => x.manifest),
    (mf) => schemas.get(mf)!,
  )
}

/** `all_files` (data and delete), `all_data_files` or `all_delete_files`: live entries of every reachable manifest. */
export async function allFilesTable(io: FileIO, m: TableMetadata, which: FileKind = 'all'): Promise<Row[]> {
  return liveFileRows(m, await reachableEntries(io, m, which), which)
}

/** `all_entries`: every entry (deleted ones included) of every reachable manifest. */
export async function allEntriesTable(io: FileIO, m: TableMetadata): Promise<Row[]> {
  const rows = new FileRows(m)
  return (await reachableEntries(io, m, 'all')).map(({ entry }) => rows.entry(entry))
}
