// Shared setup of the file-changing operation tests: a memory catalog table partitioned by identity(p) with
// metadata-only data and delete files, and readers of what a commit wrote.
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

/** A new table partitioned by identity(p) (or unpartitioned). */
export async function table(formatVersion: FormatVersion = 2, props: Record<string, string> = {}, partitioned = true): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 17))
  await cat.createNamespace('db')
  return cat.createTable('db.t', {
    schema: SCHEMA,
    ...(partitioned ? { spec: SPEC } : {}),
    formatVersion,
    properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5', ...props },
  })
}

/** A metadata-only data file in partition `p`. */
export function df(path: string, p: number | null = 1, records = 10n, extra: Partial<DataFile> = {}): DataFile {
  return { content: 'data', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: p === null ? [] : [p], recordCount: records, fileSizeInBytes: 100n, ...extra }
}

/** Little-endian bytes of a long (an Iceberg single-value bound). */
export function longBound(v: bigint): Uint8Array {
  const x = new Uint8Array(8)
  new DataView(x.buffer).setBigInt64(0, v, true)
  return x
}

/** `f` with exact statistics for column id: values in [lo, hi], no nulls. */
export function withIdStats(f: DataFile, lo: bigint, hi: bigint): DataFile {
  return { ...f, valueCounts: new Map([[1, f.recordCount]]), nullValueCounts: new Map([[1, 0n]]), lowerBounds: new Map([[1, longBound(lo)]]), upperBounds: new Map([[1, longBound(hi)]]) }
}

/** A Parquet position delete file for `target` (v2). */
export function posDel(path: string, target: string, p = 1): DataFile {
  return { content: 'position-deletes', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 1n, fileSizeInBytes: 10n, referencedDataFile: target }
}

/** A deletion vector for `target` at `offset` in Puffin file `path` (v3). */
export function dv(path: string, target: string, p = 1, offset = 4n, records = 1n): DataFile {
  return { content: 'position-deletes', filePath: path, fileFormat: 'PUFFIN', specId: 0, partition: [p], recordCount: records, fileSizeInBytes: 500n, referencedDataFile: target, contentOffset: offset, contentSizeInBytes: 40n }
}

/** An equality delete file on `id` in partition `p`. */
export function eqDel(path: string, p = 1, extra: Partial<DataFile> = {}): DataFile {
  return { content: 'equality-deletes', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 1n, fileSizeInBytes: 10n, equalityIds: [1], ...extra }
}

/** The manifest list of a snapshot (default: the current one). */
export async function manifestsOf(t: Table, s: Snapshot = t.currentSnapshot()!): Promise<ManifestFile[]> {
  return [...readManifestList(await t.env.io.read(s.manifestList!), { file: s.manifestList! }).manifests]
}

/** The entries of one manifest, inherited values filled in. */
export async function entriesOf(t: Table, mf: ManifestFile): Promise<ManifestEntry[]> {
  return [...readManifest(await t.env.io.read(mf.manifestPath), { file: mf.manifestPath, specs: t.metadata.specs, manifest: mf }).entries]
}

/** Live data files of the current snapshot, each with the paths of the delete files that apply to it. */
export async function live(t: Table): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const task of await t.scan().planFiles()) out[task.file.filePath] = task.deletes.map((d) => d.filePath).sort()
  return out
}

/** Paths of the live delete files of the current snapshot. */
export async function liveDeletes(t: Table): Promise<string[]> {
  const out: string[] = []
  for (const mf of await manifestsOf(t)) if (mf.content === 'deletes') for (const e of await entriesOf(t, mf)) if (e.status !== 'deleted') out.push(e.dataFile.filePath)
  return out.sort()
}

/** Upgrade a table to format v3 in its own commit. */
export async function upgradeToV3(t: Table): Promise<Table> {
  return t
    .transaction()
    .add({ kind: 'upgrade', apply: async () => ({ updates: [{ action: 'upgrade-format-version', formatVersion: 3 }], requirements: [] }) })
    .commit()
}
