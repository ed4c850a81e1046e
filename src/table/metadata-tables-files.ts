// Java's file-level metadata tables (manifests, files, entries, partitions) for one snapshot. Partitions are
// shown in the table-wide partition type (metadata-tables-partition.ts), and file rows carry
// `readable_metrics` (metadata-tables-metrics.ts); the all_* forms are in metadata-tables-all.ts.
import type { FileIO } from '../io/file-io.js'
import type { Row } from '../parquet/codec.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import { wellDefinedSplitOffsets, type DataFile, type ManifestEntry, type ManifestFile } from '../spec/manifest.js'
import { partitionToHumanString } from '../spec/partition-path.js'
import { partitionFieldType, type PartitionSpec } from '../spec/partition-spec.js'
import { lastKnownTypes } from '../spec/last-known-types.js'
import { findField, type Schema } from '../spec/schema.js'
import { fromBinary } from '../spec/single-value.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSchema, schemaForSnapshot, snapshotById, specById, type TableMetadata } from '../spec/table-metadata.js'
import { type PrimitiveType, type StructType, type Value } from '../spec/types.js'
import { partitionKey } from './delete-index.js'
import { readableMetrics, READABLE_METRICS } from './metadata-tables-metrics.js'
import { coercePartition, tablePartitionType } from './metadata-tables-partition.js'
import { mapLimit, snapshotManifests } from './scan-plan.js'

const CONTENT_CODE = { data: 0, 'position-deletes': 1, 'equality-deletes': 2 } as const
const STATUS_CODE = { existing: 0, added: 1, deleted: 2 } as const

/** A manifest entry with the manifest-list entry it was read through. */
export interface ListedEntry {
  readonly manifest: ManifestFile
  readonly entry: ManifestEntry
}

/** Result types of a spec's fields under the current schema (undefined where none can be found). */
function specFieldTypes(m: TableMetadata, spec: PartitionSpec): Array<PrimitiveType | undefined> {
  const schema = currentSchema(m)
  const fallback = spec.fields.some((f) => !findField(schema, f.sourceId)) ? lastKnownTypes(m.schemas) : undefined
  return spec.fields.map((f) => {
    try {
      return partitionFieldType(f, schema, fallback)
    } catch {
      return undefined
    }
  })
}

/** Java's summary bound text: the transform's human string of the decoded bound, `null` when absent. */
function summaryBound(spec: PartitionSpec | undefined, types: ReadonlyArray<PrimitiveType | undefined>, i: number, b: Uint8Array | undefined): string {
  const f = spec?.fields[i]
  const t = types[i]
  if (b === undefined || !f || !t) return 'null'
  try {
    return partitionToHumanString(f.transform, t, fromBinary(t, b))
  } catch {
    return Buffer.from(b).toString('hex')
  }
}

/** The columns `manifests` and `all_manifests` share, for one manifest-list entry. */
export function manifestRow(m: TableMetadata, mf: ManifestFile): Row {
  const spec = specById(m, mf.partitionSpecId)
  const types = spec ? specFieldTypes(m, spec) : []
  const isData = mf.content === 'data'
  return {
    content: isData ? 0 : 1,
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
    partition_summaries:
      mf.partitions?.map((p, i) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan ?? null,
        lower_bound: summaryBound(spec, types, i, p.lowerBound),
        upper_bound: summaryBound(spec, types, i, p.upperBound),
      })) ?? null,
  }
}

/** `manifests`: the manifest-list entries of a snapshot, with partition summaries as human strings. */
export async function manifestsTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  if (!s) return []
  return (await snapshotManifests(io, m, s)).map((mf) => manifestRow(m, mf))
}

/** Every entry of the given manifests (read with `schemaOf(manifest)`), in manifest order. */
export async function readListedEntries(io: FileIO, m: TableMetadata, manifests: readonly ManifestFile[], schemaOf: (mf: ManifestFile) => Schema): Promise<ListedEntry[]> {
  const per = await mapLimit(manifests, 8, async (mf) => {
    const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema: schemaOf(mf), formatVersion: m.formatVersion })
    return r.entries.map((entry) => ({ manifest: mf, entry }))
  })
  return per.flat()
}

/** Every entry of every manifest of a snapshot, with the manifest it came from. */
export async function snapshotEntries(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<ListedEntry[]> {
  if (!s) return []
  const schema = schemaForSnapshot(m, s)
  return readListedEntries(io, m, await snapshotManifests(io, m, s), () => schema)
}

/** Builds file-level rows of one table: the table partition type and the current schema are computed once. */
export class FileRows {
  private readonly partitionType: StructType
  private readonly dataSchema: Schema

  constructor(private readonly m: TableMetadata) {
    this.partitionType = tablePartitionType(m)
    this.dataSchema = currentSchema(m)
  }

  /** The data file struct (Java DataFile.getType order); `partition` only when the table partition type has fields. */
  dataFile(f: DataFile): Row {
    const row: Row = {
      content: CONTENT_CODE[f.content],
      file_path: f.filePath,
      file_format: f.fileFormat,
      spec_id: f.specId,
    }
    if (this.partitionType.fields.length > 0) row.partition = coercePartition(this.partitionType, specById(this.m, f.specId), f.partition).value
    return Object.assign(row, {
      record_count: f.recordCount,
      file_size_in_bytes: f.fileSizeInBytes,
      column_sizes: f.columnSizes ?? null,
      value_counts: f.valueCounts ?? null,
      null_value_counts: f.nullValueCounts ?? null,
      nan_value_counts: f.nanValueCounts ?? null,
      lower_bounds: f.lowerBounds ?? null,
      upper_bounds: f.upperBounds ?? null,
      key_metadata: f.keyMetadata ?? null,
      // Java's BaseFile.splitOffsets(): an empty or corrupt list (last offset past the file) reads as null
      split_offsets: wellDefinedSplitOffsets(f)?.slice() ?? null,
      equality_ids: f.equalityIds ? [...f.equalityIds] : null,
      sort_order_id: f.sortOrderId ?? null,
      first_row_id: f.firstRowId ?? null,
      referenced_data_file: f.referencedDataFile ?? null,
      content_offset: f.contentOffset ?? null,
      content_size_in_bytes: f.contentSizeInBytes ?? null,
    })
  }

  /** A `files` row: the data file struct followed by `readable_metrics`. */
  file(f: DataFile): Row {
    return { ...this.dataFile(f), [READABLE_METRICS]: readableMetrics(this.dataSchema, f) }
  }

  /** An `entries` row: status, snapshot id, sequence numbers, the data file struct, `readable_metrics`. */
  entry(e: ManifestEntry): Row {
    return {
      status: STATUS_CODE[e.status],
      snapshot_id: e.snapshotId ?? null,
      sequence_number: e.sequenceNumber ?? null,
      file_sequence_number: e.fileSequenceNumber ?? null,
      data_file: this.dataFile(e.dataFile),
      [READABLE_METRICS]: readableMetrics(this.dataSchema, e.dataFile),
    }
  }
}

/** Which files a files table lists: all, data files only, or delete files only. */
export type FileKind = 'all' | 'data' | 'deletes'

/** The `files` rows of the live entries of `kind` among `entries`. */
export function liveFileRows(m: TableMetadata, entries: readonly ListedEntry[], kind: FileKind): Row[] {
  const rows = new FileRows(m)
  return entries
    .filter(({ entry }) => entry.status !== 'deleted')
    .filter(({ entry }) => kind === 'all' || (kind === 'data') === (entry.dataFile.content === 'data'))
    .map(({ entry }) => rows.file(entry.dataFile))
}

/** `files` (all live files), `data_files` or `delete_files` of a snapshot. */
export async function filesTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined, which: FileKind = 'all'): Promise<Row[]> {
  return liveFileRows(m, await snapshotEntries(io, m, s), which)
}

/** `entries`: every manifest entry of a snapshot, DELETED ones included. */
export async function entriesTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  const rows = new FileRows(m)
  return (await snapshotEntries(io, m, s)).map(({ entry }) => rows.entry(entry))
}

interface PartitionGroup {
  readonly partition: Value
  specId: number
  recordCount: bigint
  fileCount: number
  dataSize: bigint
  posRecords: bigint
  posFiles: number
  eqRecords: bigint
  eqFiles: number
  lastUpdatedAt: bigint | null
  lastUpdatedSnapshotId: bigint | null
}

/**
 * `partitions`: per partition of the table partition type, the record, file and delete counts of the live
 * files. Files whose specs define a different number of its fields stay apart even when the values match
 * (as in Java). `spec_id` is the spec of the file added by the newest snapshot (0 when no file's snapshot is
 * known). An unpartitioned table gives one row without `partition` and `spec_id`.
 */
export async function partitionsTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined): Promise<Row[]> {
  const ptype = tablePartitionType(m)
  const entries = await snapshotEntries(io, m, s)
  const groups = new Map<string, PartitionGroup>()
  for (const { entry } of entries) {
    if (entry.status === 'deleted') continue
    const f = entry.dataFile
    const { value, present } = coercePartition(ptype, specById(m, f.specId), f.partition)
    // the count of fields the spec defines is part of the key, like the spec id is for partitionKey
    const key = partitionKey(present, ptype.fields.map((x) => value[x.name] ?? null))
    let g = groups.get(key)
    if (!g) {
      g = { partition: value, specId: 0, recordCount: 0n, fileCount: 0, dataSize: 0n, posRecords: 0n, posFiles: 0, eqRecords: 0n, eqFiles: 0, lastUpdatedAt: null, lastUpdatedSnapshotId: null }
      groups.set(key, g)
    }
    const snap = entry.snapshotId === undefined ? undefined : snapshotById(m, entry.snapshotId)
    if (snap) {
      const at = snap.timestampMs * 1000n
      if (g.lastUpdatedAt === null || at > g.lastUpdatedAt) {
        g.specId = f.specId
        g.lastUpdatedAt = at
        g.lastUpdatedSnapshotId = snap.snapshotId
      }
    }
    if (f.content === 'data') {
      g.recordCount += f.recordCount
      g.fileCount += 1
      g.dataSize += f.fileSizeInBytes
    } else if (f.content === 'position-deletes') {
      g.posRecords += f.recordCount
      g.posFiles += 1
    } else {
      g.eqRecords += f.recordCount
      g.eqFiles += 1
    }
  }
  return [...groups.values()].map((g) => ({
    ...(ptype.fields.length > 0 ? { partition: g.partition, spec_id: g.specId } : {}),
    record_count: g.recordCount,
    file_count: g.fileCount,
    total_data_file_size_in_bytes: g.dataSize,
    position_delete_record_count: g.posRecords,
    position_delete_file_count: g.posFiles,
    equality_delete_record_count: g.eqRecords,
    equality_delete_file_count: g.eqFiles,
    last_updated_at: g.lastUpdatedAt,
    last_updated_snapshot_id: g.lastUpdatedSnapshotId,
  }))
}
