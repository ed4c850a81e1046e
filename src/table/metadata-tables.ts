// Java's metadata tables (snapshots, history, refs, metadata_log_entries) as rows; file-level ones are in
// metadata-tables-files.ts and metadata-tables-all.ts, their schemas in metadata-tables-schemas.ts, and
// metadata-tables-read.ts selects a table by name.
import type { Row } from '../parquet/codec.js'
import { ancestors, reportedOperation, snapshotIdAsOf } from '../spec/snapshot.js'
import { currentSnapshot, snapshotById, type TableMetadata } from '../spec/table-metadata.js'

/** Names of every metadata table floe serves. */
export const METADATA_TABLES = [
  'snapshots',
  'history',
  'refs',
  'manifests',
  'files',
  'data_files',
  'delete_files',
  'entries',
  'partitions',
  'metadata_log_entries',
  'position_deletes',
  'all_manifests',
  'all_files',
  'all_data_files',
  'all_delete_files',
  'all_entries',
] as const
/** One metadata table name. */
export type MetadataTableName = (typeof METADATA_TABLES)[number]

/** Epoch milliseconds as a timestamptz value (µs). */
const tsMicros = (ms: bigint): bigint => ms * 1000n

/** `snapshots`: one row per snapshot (committed_at, snapshot_id, parent_id, operation, manifest_list, summary). */
export function snapshotsTable(m: TableMetadata): Row[] {
  return m.snapshots.map((s) => ({
    committed_at: tsMicros(s.timestampMs),
    snapshot_id: s.snapshotId,
    parent_id: s.parentSnapshotId ?? null,
    // a snapshot written without a summary, or with an empty one, has no operation and no summary (Java's
    // SnapshotParser reads a summary only from a non-empty object)
    operation: reportedOperation(s),
    manifest_list: s.manifestList ?? null,
    summary: s.summaryForm !== undefined ? null : new Map(Object.entries(s.summary).filter(([k]) => k !== 'operation')),
  }))
}

/** `history`: one row per snapshot-log entry (made_current_at, snapshot_id, parent_id, is_current_ancestor). */
export function historyTable(m: TableMetadata): Row[] {
  const byId = (id: bigint): ReturnType<typeof snapshotById> => snapshotById(m, id)
  const current = new Set([...ancestors(currentSnapshot(m), byId)].map((s) => s.snapshotId))
  return m.snapshotLog.map((e) => ({
    made_current_at: tsMicros(e.timestampMs),
    snapshot_id: e.snapshotId,
    parent_id: byId(e.snapshotId)?.parentSnapshotId ?? null,
    is_current_ancestor: current.has(e.snapshotId),
  }))
}

/** `refs`: one row per branch or tag. */
export function refsTable(m: TableMetadata): Row[] {
  return Object.entries(m.refs).map(([name, r]) => ({
    name,
    type: r.type.toUpperCase(),
    snapshot_id: r.snapshotId,
    max_reference_age_in_ms: r.maxRefAgeMs ?? null,
    min_snapshots_to_keep: r.minSnapshotsToKeep ?? null,
    max_snapshot_age_in_ms: r.maxSnapshotAgeMs ?? null,
  }))
}

/**
 * `metadata_log_entries`: the previous metadata files and the current one, each with the snapshot that was
 * current at that time (from the snapshot log), its schema id and sequence number.
 */
export function metadataLogEntriesTable(m: TableMetadata, currentLocation: string): Row[] {
  const entries = [...m.metadataLog, { timestampMs: m.lastUpdatedMs, metadataFile: currentLocation }]
  return entries.map((e) => {
    const id = snapshotIdAsOf(m.snapshotLog, e.timestampMs)
    const s = id === undefined ? undefined : snapshotById(m, id)
    return {
      timestamp: tsMicros(e.timestampMs),
      file: e.metadataFile,
      latest_snapshot_id: id ?? null,
      latest_schema_id: s?.schemaId ?? null,
      latest_sequence_number: s ? s.sequenceNumber : null,
    }
  })
}
