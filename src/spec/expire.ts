// Which snapshots and refs snapshot expiration removes (Java's RemoveSnapshots), as a pure function of the
// table metadata, the time and the options. Retained: main and every other ref younger than its max-ref-age;
// every retained ref's snapshot; on each retained branch, ancestors while fewer than min-snapshots-to-keep are
// kept or the ancestor is newer than the branch's cut-off; snapshots no retained ref reaches that are newer
// than the table cut-off. Everything else is expired, plus explicitly named snapshots (never a retained ref's).
import { InvalidArgumentError, NotFoundError, ValidationError } from '../errors.js'
import { boolProp, longProp } from './properties.js'
import { MAIN_BRANCH, ancestors, type Snapshot, type SnapshotRef } from './snapshot.js'
import type { TableMetadata } from './table-metadata.js'

/** Options of snapshot expiration (Java's ExpireSnapshots builder). */
export interface ExpireOptions {
  /** Expire snapshots older than this (epoch ms); default now − `history.expire.max-snapshot-age-ms`. */
  readonly olderThanMs?: bigint
  /** Keep at least this many ancestors of each branch (≥ 1); default `history.expire.min-snapshots-to-keep`. */
  readonly retainLast?: number
  /** Snapshots to expire whatever their age (a snapshot a retained ref points at is refused). */
  readonly snapshotIds?: readonly bigint[]
}

/** What expiration removes from a table version. */
export interface ExpirePlan {
  /** Snapshot ids to remove, in metadata order. */
  readonly snapshotIds: readonly bigint[]
  /** Refs to remove (too old, or pointing at a missing snapshot). */
  readonly refs: readonly string[]
}

function intProp(m: TableMetadata, key: 'history.expire.min-snapshots-to-keep'): number {
  return Number(longProp(m.properties, key))
}

/** Check expiration options before any work (INVALID_ARGUMENT naming the option). */
export function checkExpireOptions(o: ExpireOptions): void {
  if (o.olderThanMs !== undefined && typeof o.olderThanMs !== 'bigint') throw new InvalidArgumentError(`olderThanMs must be a bigint (epoch milliseconds), got ${typeof o.olderThanMs}`)
  if (o.retainLast !== undefined && (!Number.isSafeInteger(o.retainLast) || o.retainLast < 1))
    throw new InvalidArgumentError(`Number of snapshots to retain must be at least 1, cannot be: ${String(o.retainLast)}`)
  if (o.snapshotIds !== undefined && (!Array.isArray(o.snapshotIds) || o.snapshotIds.some((id) => typeof id !== 'bigint')))
    throw new InvalidArgumentError('snapshotIds must be an array of bigint snapshot ids')
}

/**
 * The snapshots and refs expiration removes from `m` at time `nowMs`. `gc.enabled=false` is refused (the
 * files of expired snapshots could belong to other tables), as is expiring a retained ref's snapshot or a
 * snapshot the table does not have.
 */
export function planExpiration(m: TableMetadata, nowMs: bigint, o: ExpireOptions = {}): ExpirePlan {
  checkExpireOptions(o)
  if (!boolProp(m.properties, 'gc.enabled')) throw new ValidationError('Cannot expire snapshots: GC is disabled (deleting files may corrupt other tables)')
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]))
  const get = (id: bigint): Snapshot | undefined => byId.get(id)
  const olderThan = o.olderThanMs ?? nowMs - longProp(m.properties, 'history.expire.max-snapshot-age-ms')
  const minKeep = o.retainLast ?? intProp(m, 'history.expire.min-snapshots-to-keep')
  const maxRefAge = longProp(m.properties, 'history.expire.max-ref-age-ms')

  const retainedRefs = new Map<string, SnapshotRef>()
  for (const [name, ref] of Object.entries(m.refs)) {
    if (name === MAIN_BRANCH) {
      retainedRefs.set(name, ref)
      continue
    }
    const s = get(ref.snapshotId)
    if (s !== undefined && nowMs - s.timestampMs <= (ref.maxRefAgeMs ?? maxRefAge)) retainedRefs.set(name, ref)
  }
  const keep = new Set<bigint>()
  const refsAt = new Map<bigint, string[]>()
  for (const [name, ref] of retainedRefs) {
    keep.add(ref.snapshotId)
    refsAt.set(ref.snapshotId, [...(refsAt.get(ref.snapshotId) ?? []), name])
  }
  const explicit = new Set(o.snapshotIds ?? [])
  for (const id of explicit) {
    // Java ignores an unknown id; PyIceberg refuses it, which catches a mistyped id
    if (!byId.has(id)) throw new NotFoundError(`Cannot expire snapshot ${id}: the table has no such snapshot`)
    const names = refsAt.get(id)
    if (names) throw new ValidationError(`Cannot expire ${id}. Still referenced by refs: [${names.join(', ')}]`)
  }
  // each retained branch keeps its recent ancestors, and at least its minimum count
  const reached = new Set<bigint>()
  for (const ref of retainedRefs.values()) {
    if (ref.type !== 'branch') {
      reached.add(ref.snapshotId)
      continue
    }
    const cutoff = ref.maxSnapshotAgeMs === undefined ? olderThan : nowMs - ref.maxSnapshotAgeMs
    const min = ref.minSnapshotsToKeep ?? minKeep
    const kept = new Set<bigint>()
    let counting = true
    for (const a of ancestors(get(ref.snapshotId), get)) {
      reached.add(a.snapshotId)
      if (counting && (kept.size < min || a.timestampMs >= cutoff)) kept.add(a.snapshotId)
      else counting = false
    }
    for (const id of kept) keep.add(id)
  }
  // snapshots no retained ref reaches are kept while they are newer than the table cut-off
  for (const s of m.snapshots) if (!reached.has(s.snapshotId) && s.timestampMs >= olderThan) keep.add(s.snapshotId)
  return {
    snapshotIds: m.snapshots.map((s) => s.snapshotId).filter((id) => explicit.has(id) || !keep.has(id)),
    refs: Object.keys(m.refs).filter((name) => !retainedRefs.has(name)),
  }
}
