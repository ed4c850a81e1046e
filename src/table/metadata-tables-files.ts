// Java's file-level metadata tables (manifests, files, entries, partitions) for one snapshot.
import type { FileIO } from '../io/file-io.js'
import type { Row } from '../parquet/codec.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { partitionToHumanString } from '../spec/partition-path.js'
import { partitionType, type PartitionSpec } from '../spec/partition-spec.js'
import { fromBinary } from '../spec/single-value.js'
import type { Snapshot } from '../spec/snapshot.js'
import { schemaForSnapshot, specById, type TableMetadata } from '../spec/table-metadata.js'
import type { PrimitiveType, StructValue, Value } from '../spec/types.js'
import { partitionKey } from './delete-index.js'
import { mapLimit, snapshotManifests } from './scan-plan.js'

const CONTENT_CODE = { data: 0, 'position-deletes': 1, 'equality-deletes': 2 } as const
const STATUS_CODE = { existing: 0, added: 1, deleted: 2 } as const

function partitionTypes(m: TableMetadata, spec: PartitionSpec, s: Snapshot): PrimitiveType[] {
  try {
    return partitionType(spec, schemaForSnapshot(m, s)).fields.map((f) => f.type as PrimitiveType)
  } catch {
    return spec.fields.map(() => ({ kind: 'string' }))
  }
}

/** `manifests`: the manifest-list entries of a snapshot, with partition summaries as human strings. */
export async function manifestsTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  if (!s) return []
  const list = await snapshotManifests(io, m, s)
  return list.map((mf: ManifestFile) => {
    const spec = specById(m, mf.partitionSpecId)
    const types = spec ? partitionTypes(m, spec, s) : []
    const isData = mf.content === 'data'
    const human = (i: number, b: Uint8Array | undefined): Value => {
      const t = types[i]
      const f = spec?.fields[i]
      if (b === undefined || !t || !f) return null
      try {
        return partitionToHumanString(f.transform, t, fromBinary(t, b))
      } catch {
        return Buffer.from(b).toString('hex')
      }
    }
    return {
      content: mf.content === 'data' ? 0 : 1,
      path: mf.manifestPath,
      length: mf.manifestLength,
      partition_spec_id: mf.partitionSpecId,
      added_snapshot_id: mf.addedSnapshotId,
      added_data_files_count: isData ? (mf.addedFilesCount ?? null) : 0,
      existing_data_files_count: isData ? (mf.existingFilesCount ?? null) : 0,
      deleted_data_files_count: isData ? (mf.deletedFilesCount ?? null) : 0,
      added_delete_files_count: isData ? 0 : (mf.addedFilesCount ?? null),
      existing_delete_files_count: isData ? 0 : (mf.existingFilesCount ?? null),
      deleted_delete_files_count: isData ? 0 : (mf.deletedFilesCount ?? null),
      partition_summaries: (mf.partitions ?? []).map((p, i) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan ?? null,
        lower_bound: human(i, p.lowerBound),
        upper_bound: human(i, p.upperBound),
      })),
    }
  })
}

/** Every entry of every manifest of a snapshot, with the manifest it came from. */
export async function snapshotEntries(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Array<{ manifest: ManifestFile; entry: ManifestEntry }>> {
  if (!s) return []
  const schema = schemaForSnapshot(m, s)
  const list = await snapshotManifests(io, m, s)
  const per = await mapLimit(list, 8, async (mf) => {
    const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema, formatVersion: m.formatVersion })
    return r.entries.map((entry) => ({ manifest: mf, entry }))
  })
  return per.flat()
}

function partitionStruct(spec: PartitionSpec | undefined, values: readonly Value[]): StructValue {
  const o: Record<string, Value> = {}
  spec?.fields.forEach((f, i) => (o[f.name] = values[i] ?? null))
  return o
}

/** One `files` row for a data or delete file. */
export function fileRow(m: TableMetadata, f: DataFile): Row {
  return {
    content: CONTENT_CODE[f.content],
    file_path: f.filePath,
    file_format: f.fileFormat,
    spec_id: f.specId,
    partition: partitionStruct(specById(m, f.specId), f.partition),
    record_count: f.recordCount,
    file_size_in_bytes: f.fileSizeInBytes,
    column_sizes: f.columnSizes ?? null,
    value_counts: f.valueCounts ?? null,
    null_value_counts: f.nullValueCounts ?? null,
    nan_value_counts: f.nanValueCounts ?? null,
    lower_bounds: f.lowerBounds ?? null,
    upper_bounds: f.upperBounds ?? null,
    key_metadata: f.keyMetadata ?? null,
    split_offsets: f.splitOffsets ? [...f.splitOffsets] : null,
    equality_ids: f.equalityIds ? [...f.equalityIds] : null,
    sort_order_id: f.sortOrderId ?? null,
    referenced_data_file: f.referencedDataFile ?? null,
  }
}

/** `files` (all live files), `data_files` or `delete_files` of a snapshot. */
export async function filesTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined, which: 'all' | 'data' | 'deletes' = 'all'): Promise<Row[]> {
  const entries = await snapshotEntries(io, m, s)
  return entries
    .filter(({ entry }) => entry.status !== 'deleted')
    .filter(({ entry }) => which === 'all' || (which === 'data') === (entry.dataFile.content === 'data'))
    .map(({ entry }) => fileRow(m, entry.dataFile))
}

/** `entries`: every manifest entry of a snapshot, DELETED ones included. */
export async function entriesTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  const entries = await snapshotEntries(io, m, s)
  return entries.map(({ entry }) => ({
    status: STATUS_CODE[entry.status],
    snapshot_id: entry.snapshotId ?? null,
    sequence_number: entry.sequenceNumber ?? null,
    file_sequence_number: entry.fileSequenceNumber ?? null,
    data_file: fileRow(m, entry.dataFile),
  }))
}

/** `partitions`: per (spec, partition) the record, file and delete counts of the live files. */
export async function partitionsTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  const entries = await snapshotEntries(io, m, s)
  const groups = new Map<string, Record<string, Value>>()
  for (const { entry } of entries) {
    if (entry.status === 'deleted') continue
    const f = entry.dataFile
    const key = partitionKey(f.specId, f.partition)
    let g = groups.get(key)
    if (!g) {
      g = {
        partition: partitionStruct(specById(m, f.specId), f.partition),
        spec_id: f.specId,
        record_count: 0n,
        file_count: 0,
        total_data_file_size_in_bytes: 0n,
        position_delete_record_count: 0n,
        position_delete_file_count: 0,
        equality_delete_record_count: 0n,
        equality_delete_file_count: 0,
        last_updated_at: null,
        last_updated_snapshot_id: null,
      }
      groups.set(key, g)
    }
    if (f.content === 'data') {
      g.record_count = (g.record_count as bigint) + f.recordCount
      g.file_count = (g.file_count as number) + 1
      g.total_data_file_size_in_bytes = (g.total_data_file_size_in_bytes as bigint) + f.fileSizeInBytes
    } else if (f.content === 'position-deletes') {
      g.position_delete_record_count = (g.position_delete_record_count as bigint) + f.recordCount
      g.position_delete_file_count = (g.position_delete_file_count as number) + 1
    } else {
      g.equality_delete_record_count = (g.equality_delete_record_count as bigint) + f.recordCount
      g.equality_delete_file_count = (g.equality_delete_file_count as number) + 1
    }
    const snap = entry.snapshotId === undefined ? undefined : m.snapshots.find((x) => x.snapshotId === entry.snapshotId)
    if (snap && (g.last_updated_at === null || (g.last_updated_at as bigint) < snap.timestampMs * 1000n)) {
      g.last_updated_at = snap.timestampMs * 1000n
      g.last_updated_snapshot_id = snap.snapshotId
    }
  }
  return [...groups.values()]
}
