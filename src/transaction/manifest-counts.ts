// v1 manifest lists may leave a manifest's six file and row counts out (they are optional there), while v2+
// lists require them. A v1 table upgraded in place still lists such manifests; before they are carried into a
// v2+ list (and, in v3, before row ids are reserved for their rows) the counts are taken from the entries.
import { lastKnownTypes } from '../spec/last-known-types.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { ManifestFile } from '../spec/manifest.js'
import { currentSchema, type TableMetadata } from '../spec/table-metadata.js'
import type { CommitContext } from './pending-update.js'

/** True when any of the manifest's file or row counts is unknown. */
export function lacksCounts(mf: ManifestFile): boolean {
  return (
    mf.addedFilesCount === undefined ||
    mf.existingFilesCount === undefined ||
    mf.deletedFilesCount === undefined ||
    mf.addedRowsCount === undefined ||
    mf.existingRowsCount === undefined ||
    mf.deletedRowsCount === undefined
  )
}

/** The manifest with every count computed from its entries (by entry status, rows from record counts). */
export async function withCountedEntries(ctx: CommitContext, m: TableMetadata, mf: ManifestFile): Promise<ManifestFile> {
  const r = readManifest(await ctx.io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema: currentSchema(m), sourceTypes: lastKnownTypes(m.schemas), formatVersion: m.formatVersion })
  const files = { added: 0, existing: 0, deleted: 0 }
  const rows = { added: 0n, existing: 0n, deleted: 0n }
  for (const e of r.entries) {
    files[e.status]++
    rows[e.status] += e.dataFile.recordCount
  }
  return {
    ...mf,
    addedFilesCount: files.added,
    existingFilesCount: files.existing,
    deletedFilesCount: files.deleted,
    addedRowsCount: rows.added,
    existingRowsCount: rows.existing,
    deletedRowsCount: rows.deleted,
  }
}

/** `manifests` with the counts of any manifest lacking them filled in from its entries (v2+ lists only). */
export async function withKnownCounts(ctx: CommitContext, m: TableMetadata, manifests: readonly ManifestFile[]): Promise<ManifestFile[]> {
  if (m.formatVersion === 1 || !manifests.some(lacksCounts)) return [...manifests]
  return Promise.all(manifests.map((mf) => (lacksCounts(mf) ? withCountedEntries(ctx, m, mf) : mf)))
}
