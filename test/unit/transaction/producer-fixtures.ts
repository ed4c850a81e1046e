// Shared setup of the snapshot-producer tests: a memory catalog table with metadata-only files, and readers of
// the manifest list and manifests a commit wrote.
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import type { Snapshot } from '../../../src/spec/snapshot.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'

export const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
export const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

/** A new table partitioned by identity(p), or unpartitioned. */
export async function newTable(formatVersion: FormatVersion = 2, props: Record<string, string> = {}, partitioned = true): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 5))
  await cat.createNamespace('db')
  return cat.createTable('db.t', {
    schema: SCHEMA,
    ...(partitioned ? { spec: SPEC } : {}),
    formatVersion,
    properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5', ...props },
  })
}

/** A metadata-only data file. */
export function dataFile(path: string, partition: DataFile['partition'] = [1], records = 10n, extra: Partial<DataFile> = {}): DataFile {
  return { content: 'data', filePath: path, fileFormat: 'PARQUET', specId: 0, partition, recordCount: records, fileSizeInBytes: 100n, ...extra }
}

/** The manifest list of a snapshot (default: the current one). */
export async function manifestsOf(t: Table, s: Snapshot = t.currentSnapshot()!): Promise<ManifestFile[]> {
  return [...readManifestList(await t.env.io.read(s.manifestList!), { file: s.manifestList! }).manifests]
}

/** The entries of one manifest: as a reader sees them (inherited values filled in), or `raw` as stored. */
export async function entriesOf(t: Table, mf: ManifestFile, raw = false): Promise<ManifestEntry[]> {
  const bytes = await t.env.io.read(mf.manifestPath)
  return [...readManifest(bytes, { file: mf.manifestPath, specs: t.metadata.specs, ...(raw ? {} : { manifest: mf }) }).entries]
}
