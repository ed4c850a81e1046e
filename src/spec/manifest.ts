// Spec §Manifests: data and delete file descriptions, manifest entries and manifest-list entries.
import type { Value } from './types.js'

/** What a content file holds. */
export type FileContent = 'data' | 'position-deletes' | 'equality-deletes'
/** Numeric content codes used in Avro (0 data, 1 position deletes, 2 equality deletes). */
export const FILE_CONTENT_CODES: readonly FileContent[] = ['data', 'position-deletes', 'equality-deletes']

/** Data file formats, upper-case as Java writes them. */
export type FileFormat = 'PARQUET' | 'AVRO' | 'ORC' | 'PUFFIN'

/** Partition tuple values keyed by position in the manifest's spec. */
export type PartitionValues = readonly Value[]

/** A data or delete file as a manifest describes it (`data_file`, field 2). */
export interface DataFile {
  readonly content: FileContent
  readonly filePath: string
  readonly fileFormat: FileFormat
  /** Spec id of the manifest that holds this file (not stored in the file entry itself). */
  readonly specId: number
  readonly partition: PartitionValues
  readonly recordCount: bigint
  readonly fileSizeInBytes: bigint
  readonly columnSizes?: ReadonlyMap<number, bigint>
  readonly valueCounts?: ReadonlyMap<number, bigint>
  readonly nullValueCounts?: ReadonlyMap<number, bigint>
  readonly nanValueCounts?: ReadonlyMap<number, bigint>
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>
  readonly keyMetadata?: Uint8Array
  readonly splitOffsets?: readonly bigint[]
  readonly equalityIds?: readonly number[]
  readonly sortOrderId?: number
  readonly firstRowId?: bigint
  readonly referencedDataFile?: string
  readonly contentOffset?: bigint
  readonly contentSizeInBytes?: bigint
  /** v1 only; Java writes 64 MiB. */
  readonly blockSizeInBytes?: bigint
}

/** A file's split offsets as Java reports them: none when the list is empty or its last offset is not inside the file. */
export function wellDefinedSplitOffsets(f: DataFile): readonly bigint[] | undefined {
  const o = f.splitOffsets
  return o && o.length > 0 && o[o.length - 1]! < f.fileSizeInBytes ? o : undefined
}

/** Manifest entry status. */
export type EntryStatus = 'existing' | 'added' | 'deleted'
/** Numeric status codes (0 existing, 1 added, 2 deleted). */
export const ENTRY_STATUS_CODES: readonly EntryStatus[] = ['existing', 'added', 'deleted']

/** One manifest entry with inheritance already applied when read through a manifest list. */
export interface ManifestEntry {
  readonly status: EntryStatus
  /** Snapshot that added or deleted the file; undefined only when unassigned (inherit on read). */
  readonly snapshotId?: bigint
  /** Data sequence number; undefined when unassigned. */
  readonly sequenceNumber?: bigint
  /** File sequence number; undefined when unassigned. */
  readonly fileSequenceNumber?: bigint
  readonly dataFile: DataFile
}

/** Manifest content kind. */
export type ManifestContent = 'data' | 'deletes'

/** Partition field summary in a manifest-list entry (`r508`). */
export interface FieldSummary {
  readonly containsNull: boolean
  readonly containsNan?: boolean
  readonly lowerBound?: Uint8Array
  readonly upperBound?: Uint8Array
}

/** A manifest-list entry (`manifest_file`). Counts are undefined when an old writer left them out. */
export interface ManifestFile {
  readonly manifestPath: string
  readonly manifestLength: bigint
  readonly partitionSpecId: number
  readonly content: ManifestContent
  readonly sequenceNumber: bigint
  readonly minSequenceNumber: bigint
  readonly addedSnapshotId: bigint
  readonly addedFilesCount?: number
  readonly existingFilesCount?: number
  readonly deletedFilesCount?: number
  readonly addedRowsCount?: bigint
  readonly existingRowsCount?: bigint
  readonly deletedRowsCount?: bigint
  readonly partitions?: readonly FieldSummary[]
  readonly keyMetadata?: Uint8Array
  readonly firstRowId?: bigint
}

/** Normalise a file format string (case-insensitive on read). */
export function parseFileFormat(s: string): FileFormat | undefined {
  const u = s.toUpperCase()
  return u === 'PARQUET' || u === 'AVRO' || u === 'ORC' || u === 'PUFFIN' ? u : undefined
}
