// Spec §Table Metadata: the consistency rules Java checks when metadata is loaded or built.
import { InvalidMetadataError } from '../../errors.js'
import { MAIN_BRANCH } from '../snapshot.js'
import { snapshotById, type TableMetadata } from '../table-metadata.js'

/** Java tolerates this much clock skew between log entries (one minute). */
export const ONE_MINUTE_MS = 60_000n

/** Throw INVALID_METADATA naming the field when `m` breaks a spec rule; returns `m` for chaining. */
export function validateMetadata(m: TableMetadata, file?: string): TableMetadata {
  const fail = (field: string, message: string): never => {
    throw new InvalidMetadataError(message, { context: file === undefined ? { field } : { file, field } })
  }
  const unique = (ids: readonly number[], field: string): void => {
    const seen = new Set<number>()
    for (const id of ids) {
      if (seen.has(id)) fail(field, `duplicate id ${id} in ${field}`)
      seen.add(id)
    }
  }
  unique(m.schemas.map((s) => s.schemaId), 'schemas')
  unique(m.specs.map((s) => s.specId), 'partition-specs')
  unique(m.sortOrders.map((s) => s.orderId), 'sort-orders')
  if (!m.schemas.some((s) => s.schemaId === m.currentSchemaId))
    fail('current-schema-id', `Cannot find schema with current-schema-id=${m.currentSchemaId} from schemas`)
  if (!m.specs.some((s) => s.specId === m.defaultSpecId)) fail('default-spec-id', `Cannot find spec with default-spec-id=${m.defaultSpecId} from partition-specs`)
  if (!m.sortOrders.some((o) => o.orderId === m.defaultSortOrderId))
    fail('default-sort-order-id', `Cannot find sort order with default-sort-order-id=${m.defaultSortOrderId} from sort-orders`)

  const ids = new Set<bigint>()
  for (const s of m.snapshots) {
    if (ids.has(s.snapshotId)) fail('snapshots', `duplicate snapshot id ${s.snapshotId}`)
    ids.add(s.snapshotId)
    if (m.formatVersion === 1 && s.sequenceNumber !== 0n) fail('snapshots', `v1 snapshot ${s.snapshotId} has sequence number ${s.sequenceNumber}`)
    if (s.sequenceNumber > m.lastSequenceNumber)
      fail('last-sequence-number', `snapshot ${s.snapshotId} has sequence number ${s.sequenceNumber} > last-sequence-number ${m.lastSequenceNumber}`)
  }
  if (m.currentSnapshotId !== undefined && !snapshotById(m, m.currentSnapshotId))
    fail('current-snapshot-id', `Cannot find current snapshot ${m.currentSnapshotId} in snapshots`)

  for (const [name, ref] of Object.entries(m.refs)) {
    if (!snapshotById(m, ref.snapshotId)) fail(`refs.${name}`, `ref ${name} points to unknown snapshot ${ref.snapshotId}`)
  }
  const main = m.refs[MAIN_BRANCH]
  if (main) {
    if (main.type !== 'branch') fail('refs.main', 'main must be a branch')
    if (m.currentSnapshotId === undefined) fail('refs.main', 'main ref exists but current-snapshot-id is not set')
    if (main.snapshotId !== m.currentSnapshotId) fail('current-snapshot-id', `current-snapshot-id ${m.currentSnapshotId} does not match main branch ${main.snapshotId}`)
  }

  const ordered = (times: readonly bigint[], field: string): void => {
    for (let i = 1; i < times.length; i++) {
      if (times[i]! < times[i - 1]! - ONE_MINUTE_MS) fail(field, `${field} is not in timestamp order`)
    }
    const last = times[times.length - 1]
    if (last !== undefined && m.lastUpdatedMs < last - ONE_MINUTE_MS) fail('last-updated-ms', `last-updated-ms precedes the last ${field} entry`)
  }
  ordered(m.snapshotLog.map((e) => e.timestampMs), 'snapshot-log')
  ordered(m.metadataLog.map((e) => e.timestampMs), 'metadata-log')
  if (m.formatVersion >= 3 && m.nextRowId !== undefined && m.nextRowId < 0n) fail('next-row-id', 'next-row-id must not be negative')
  return m
}
