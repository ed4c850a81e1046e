// Spec §Snapshot References and Java SnapshotUtil: which snapshot (and schema) a read uses.
import { InvalidArgumentError, NotFoundError } from '../errors.js'
import type { Schema } from '../spec/schema.js'
import { snapshotIdAsOf, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, currentSnapshot, refByName, schemaForSnapshot, snapshotById, type TableMetadata } from '../spec/table-metadata.js'

/** How a read picks its snapshot: by id, by ref (branch or tag), or as of a time (epoch ms); exactly one. */
export type SnapshotSelector =
  | { readonly snapshotId: bigint; readonly ref?: never; readonly asOfTimestampMs?: never }
  | { readonly ref: string; readonly snapshotId?: never; readonly asOfTimestampMs?: never }
  | { readonly asOfTimestampMs: bigint; readonly snapshotId?: never; readonly ref?: never }

const SELECTOR_KEYS = ['snapshotId', 'ref', 'asOfTimestampMs'] as const

/** The snapshot and schema a read uses; `snapshot` is undefined for an empty table. */
export interface ReadPoint {
  readonly snapshot: Snapshot | undefined
  readonly schema: Schema
}

/** Format epoch milliseconds for messages (ISO, UTC). */
function fmt(ms: bigint): string {
  const d = new Date(Number(ms))
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString()
}

/**
 * Resolve a selector (Java semantics): as-of-time uses the snapshot log, picking the latest entry at or
 * before the time; a tag or snapshot-id read uses that snapshot's schema; a branch read uses the
 * table's current schema. Unknown ids/refs and times before the first snapshot throw NOT_FOUND.
 */
export function resolveReadPoint(m: TableMetadata, sel?: SnapshotSelector): ReadPoint {
  if (sel) {
    // Java's SnapshotScan refuses a second read point ("Cannot override ref, already set snapshot id=…")
    const given = SELECTOR_KEYS.filter((k) => (sel as Record<string, unknown>)[k] !== undefined)
    if (given.length !== 1) throw new InvalidArgumentError(`A snapshot selector takes exactly one of ${SELECTOR_KEYS.join(', ')}; got ${given.length ? given.join(' and ') : 'none'}`, { context: { field: 'snapshot' } })
  }
  // main, even on a table without snapshots, is the current state (Java's useRef("main") plans nothing then)
  if (!sel || (sel.ref === 'main' && !refByName(m, 'main'))) {
    const s = currentSnapshot(m)
    return { snapshot: s, schema: currentSchema(m) }
  }
  if (sel.snapshotId !== undefined) {
    const s = snapshotById(m, sel.snapshotId)
    if (!s) throw new NotFoundError(`Cannot find snapshot with id ${sel.snapshotId}`)
    return { snapshot: s, schema: schemaForSnapshot(m, s) }
  }
  if (sel.ref !== undefined) {
    const ref = refByName(m, sel.ref)
    if (!ref) throw new NotFoundError(`Cannot find ref ${sel.ref} (refs: ${Object.keys(m.refs).join(', ') || 'none'})`)
    const s = snapshotById(m, ref.snapshotId)
    if (!s) throw new NotFoundError(`Ref ${sel.ref} points to missing snapshot ${ref.snapshotId}`)
    return { snapshot: s, schema: ref.type === 'branch' ? currentSchema(m) : schemaForSnapshot(m, s) }
  }
  if (typeof sel.asOfTimestampMs !== 'bigint') throw new InvalidArgumentError('asOfTimestampMs must be a bigint of epoch milliseconds')
  const id = snapshotIdAsOf(m.snapshotLog, sel.asOfTimestampMs)
  if (id === undefined) throw new NotFoundError(`Cannot find a snapshot older than ${fmt(sel.asOfTimestampMs)}`)
  const s = snapshotById(m, id)
  if (!s) throw new NotFoundError(`Snapshot ${id} from the snapshot log no longer exists`)
  return { snapshot: s, schema: schemaForSnapshot(m, s) }
}
