// Spec §Table Metadata: the normalised in-memory model of v1/v2/v3 metadata and its lookups.
import { InvalidMetadataError, NotFoundError } from '../errors.js'
import type { PartitionSpec } from './partition-spec.js'
import type { Schema } from './schema.js'
import { MAIN_BRANCH, type MetadataLogEntry, type Snapshot, type SnapshotLogEntry, type SnapshotRef } from './snapshot.js'
import type { SortOrder } from './sort-order.js'

/** Supported format versions. */
export type FormatVersion = 1 | 2 | 3
/** Highest format version floe reads. */
export const MAX_FORMAT_VERSION = 3

/** One blob described in a statistics file entry. */
export interface BlobMetadata {
  readonly type: string
  readonly snapshotId: bigint
  readonly sequenceNumber: bigint
  readonly fields: readonly number[]
  readonly properties?: Readonly<Record<string, string>>
}

/** A Puffin statistics file registered for a snapshot. */
export interface StatisticsFile {
  readonly snapshotId: bigint
  readonly statisticsPath: string
  readonly fileSizeInBytes: bigint
  readonly fileFooterSizeInBytes: bigint
  readonly keyMetadata?: string
  readonly blobMetadata: readonly BlobMetadata[]
}

/** A partition statistics file registered for a snapshot. */
export interface PartitionStatisticsFile {
  readonly snapshotId: bigint
  readonly statisticsPath: string
  readonly fileSizeInBytes: bigint
}

/** v3 encryption key entry (kept as read). */
export interface EncryptedKey {
  readonly keyId: string
  readonly encryptedKeyMetadata: string
  readonly encryptedById?: string
  readonly properties?: Readonly<Record<string, string>>
}

/** Table metadata, normalised across format versions (v1 defaults filled in). */
export interface TableMetadata {
  readonly formatVersion: FormatVersion
  readonly tableUuid?: string
  readonly location: string
  readonly lastSequenceNumber: bigint
  readonly lastUpdatedMs: bigint
  readonly lastColumnId: number
  readonly schemas: readonly Schema[]
  readonly currentSchemaId: number
  readonly specs: readonly PartitionSpec[]
  readonly defaultSpecId: number
  readonly lastPartitionId: number
  readonly sortOrders: readonly SortOrder[]
  readonly defaultSortOrderId: number
  readonly properties: Readonly<Record<string, string>>
  readonly currentSnapshotId?: bigint
  readonly snapshots: readonly Snapshot[]
  readonly refs: Readonly<Record<string, SnapshotRef>>
  readonly snapshotLog: readonly SnapshotLogEntry[]
  readonly metadataLog: readonly MetadataLogEntry[]
  readonly statistics: readonly StatisticsFile[]
  readonly partitionStatistics: readonly PartitionStatisticsFile[]
  /** v3 row lineage: next row id to assign. */
  readonly nextRowId?: bigint
  readonly encryptionKeys?: readonly EncryptedKey[]
}

const snapshotIndex = new WeakMap<TableMetadata, Map<bigint, Snapshot>>()

/** Snapshot by id (indexed once per metadata value). */
export function snapshotById(m: TableMetadata, id: bigint): Snapshot | undefined {
  let idx = snapshotIndex.get(m)
  if (!idx) {
    idx = new Map(m.snapshots.map((s) => [s.snapshotId, s]))
    snapshotIndex.set(m, idx)
  }
  return idx.get(id)
}

/** The current snapshot (main branch head), if any. */
export function currentSnapshot(m: TableMetadata): Snapshot | undefined {
  return m.currentSnapshotId === undefined ? undefined : snapshotById(m, m.currentSnapshotId)
}

/**
 * The ref called `name`, if the table has one. Only own keys count, so a ref name that is also an
 * Object.prototype member (`constructor`, `toString`, `__proto__`) is looked up like any other.
 */
export function refByName(m: Pick<TableMetadata, 'refs'>, name: string): SnapshotRef | undefined {
  return Object.hasOwn(m.refs, name) ? m.refs[name] : undefined
}

/** The snapshot a ref points to; `main` falls back to the current snapshot. */
export function snapshotForRef(m: TableMetadata, name: string): Snapshot | undefined {
  const ref = refByName(m, name)
  if (ref) return snapshotById(m, ref.snapshotId)
  return name === MAIN_BRANCH ? currentSnapshot(m) : undefined
}

/** Schema by id. */
export function schemaById(m: TableMetadata, id: number): Schema | undefined {
  return m.schemas.find((s) => s.schemaId === id)
}

/** The current schema. */
export function currentSchema(m: TableMetadata): Schema {
  const s = schemaById(m, m.currentSchemaId)
  if (!s) throw new InvalidMetadataError(`Cannot find schema with current-schema-id=${m.currentSchemaId} from schemas`, { context: { field: 'current-schema-id' } })
  return s
}

/** Partition spec by id. */
export function specById(m: TableMetadata, id: number): PartitionSpec | undefined {
  return m.specs.find((s) => s.specId === id)
}

/** The default partition spec. */
export function defaultSpec(m: TableMetadata): PartitionSpec {
  const s = specById(m, m.defaultSpecId)
  if (!s) throw new InvalidMetadataError(`Cannot find partition spec with default-spec-id=${m.defaultSpecId}`, { context: { field: 'default-spec-id' } })
  return s
}

/** Sort order by id. */
export function sortOrderById(m: TableMetadata, id: number): SortOrder | undefined {
  return m.sortOrders.find((o) => o.orderId === id)
}

/** The default sort order. */
export function defaultSortOrder(m: TableMetadata): SortOrder {
  const o = sortOrderById(m, m.defaultSortOrderId)
  if (!o) throw new InvalidMetadataError(`Cannot find sort order with default-sort-order-id=${m.defaultSortOrderId}`, { context: { field: 'default-sort-order-id' } })
  return o
}

/** Snapshot by id or a NotFoundError naming the id. */
export function requireSnapshot(m: TableMetadata, id: bigint): Snapshot {
  const s = snapshotById(m, id)
  if (!s) throw new NotFoundError(`Cannot find snapshot with id ${id}`)
  return s
}

/** The schema a snapshot was written with (falls back to the current schema). */
export function schemaForSnapshot(m: TableMetadata, s: Snapshot): Schema {
  return (s.schemaId !== undefined ? schemaById(m, s.schemaId) : undefined) ?? currentSchema(m)
}
