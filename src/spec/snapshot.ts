// Spec §Snapshots and §Snapshot References: snapshots, refs, summaries and history lookups.

/** Snapshot summary `operation` values. */
export type Operation = 'append' | 'replace' | 'overwrite' | 'delete'

/** Snapshot summary: `operation` plus string metrics and engine keys. */
export interface Summary {
  readonly operation: Operation
  readonly [key: string]: string
}

/** A snapshot: the table state after one commit. */
export interface Snapshot {
  readonly snapshotId: bigint
  readonly parentSnapshotId?: bigint
  /** Data sequence number; 0 for v1 tables. */
  readonly sequenceNumber: bigint
  readonly timestampMs: bigint
  /** Manifest list location (v2+ always; v1 may instead list manifests inline). */
  readonly manifestList?: string
  /** v1 only: manifest locations listed inline instead of a manifest list. */
  readonly manifests?: readonly string[]
  readonly summary: Summary
  /**
   * Set when the metadata had no summary (`absent`) or an empty one (`empty`), as v1 allows: Java then reads
   * no operation and writes no summary back; floe reads `overwrite` for its own logic, but writes none either.
   */
  readonly summaryForm?: 'absent' | 'empty'
  readonly schemaId?: number
  /** v3 row lineage: first row id assigned by this snapshot. */
  readonly firstRowId?: bigint
  /** v3 row lineage: upper bound of row ids assigned by this snapshot. */
  readonly addedRows?: bigint
  /** v3 encryption key id for the manifest list. */
  readonly keyId?: string
}

/** The operation a snapshot reports, as Java does: null when it was read without a summary or with an empty one. */
export function reportedOperation(s: Snapshot): Operation | null {
  return s.summaryForm === undefined ? s.summary.operation : null
}

/** The summary a snapshot reports, as Java does: null when it had none or an empty one (SnapshotParser), else with its operation. */
export function reportedSummary(s: Snapshot): Summary | null {
  return s.summaryForm === undefined ? s.summary : null
}

/** branch or tag. */
export type RefType = 'branch' | 'tag'

/** A named reference to a snapshot with retention settings. */
export interface SnapshotRef {
  readonly snapshotId: bigint
  readonly type: RefType
  readonly minSnapshotsToKeep?: number
  readonly maxSnapshotAgeMs?: bigint
  readonly maxRefAgeMs?: bigint
}

/** The name of the main branch. */
export const MAIN_BRANCH = 'main'

/** One `snapshot-log` entry. */
export interface SnapshotLogEntry {
  readonly timestampMs: bigint
  readonly snapshotId: bigint
}

/** One `metadata-log` entry. */
export interface MetadataLogEntry {
  readonly timestampMs: bigint
  readonly metadataFile: string
}

/** Walk parents from `start` (inclusive); stops at a missing parent. */
export function* ancestors(start: Snapshot | undefined, byId: (id: bigint) => Snapshot | undefined): Generator<Snapshot> {
  const seen = new Set<bigint>()
  let s = start
  while (s && !seen.has(s.snapshotId)) {
    seen.add(s.snapshotId)
    yield s
    s = s.parentSnapshotId === undefined ? undefined : byId(s.parentSnapshotId)
  }
}

/** True when `ancestorId` is `snapshot` itself or one of its ancestors. */
export function isAncestorOf(snapshot: Snapshot | undefined, ancestorId: bigint, byId: (id: bigint) => Snapshot | undefined): boolean {
  for (const s of ancestors(snapshot, byId)) if (s.snapshotId === ancestorId) return true
  return false
}

/**
 * Java `SnapshotUtil.snapshotIdAsOfTime`: the snapshot-log entry with the greatest timestamp ≤ `ts`, the
 * earliest-listed one on ties, without assuming the log is sorted (writers' clocks may skew it); undefined
 * when no entry is old enough.
 */
export function snapshotIdAsOf(log: readonly SnapshotLogEntry[], ts: bigint): bigint | undefined {
  let found: SnapshotLogEntry | undefined
  for (const e of log) if (e.timestampMs <= ts && (found === undefined || e.timestampMs > found.timestampMs)) found = e
  return found?.snapshotId
}
