// REST catalog spec: metadata changes as TableUpdate values guarded by TableRequirement values.
import { CommitConflictError, InvalidArgumentError } from '../errors.js'
import type { PartitionSpec } from './partition-spec.js'
import type { Schema } from './schema.js'
import type { Snapshot, SnapshotRef } from './snapshot.js'
import type { SortOrder } from './sort-order.js'
import { refByName, snapshotForRef, type FormatVersion, type PartitionStatisticsFile, type StatisticsFile, type TableMetadata } from './table-metadata.js'

/** A metadata change, named as in the REST catalog spec; applied only by `applyUpdates`. */
export type TableUpdate =
  | { readonly action: 'assign-uuid'; readonly uuid: string }
  | { readonly action: 'upgrade-format-version'; readonly formatVersion: FormatVersion }
  | { readonly action: 'add-schema'; readonly schema: Schema; readonly lastColumnId?: number }
  | { readonly action: 'set-current-schema'; readonly schemaId: number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec }
  | { readonly action: 'set-default-spec'; readonly specId: number }
  | { readonly action: 'add-sort-order'; readonly sortOrder: SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly sortOrderId: number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | { readonly action: 'remove-snapshots'; readonly snapshotIds: readonly bigint[] }
  | { readonly action: 'set-snapshot-ref'; readonly refName: string; readonly ref: SnapshotRef }
  | { readonly action: 'remove-snapshot-ref'; readonly refName: string }
  | { readonly action: 'set-location'; readonly location: string }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] }
  | { readonly action: 'set-statistics'; readonly statistics: StatisticsFile }
  | { readonly action: 'remove-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'set-partition-statistics'; readonly partitionStatistics: PartitionStatisticsFile }
  | { readonly action: 'remove-partition-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'remove-partition-specs'; readonly specIds: readonly number[] }
  | { readonly action: 'remove-schemas'; readonly schemaIds: readonly number[] }

/** A precondition on the base metadata, named as in the REST catalog spec. */
export type TableRequirement =
  | { readonly type: 'assert-create' }
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly snapshotId: bigint | null }
  | { readonly type: 'assert-last-assigned-field-id'; readonly lastAssignedFieldId: number }
  | { readonly type: 'assert-current-schema-id'; readonly currentSchemaId: number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly lastAssignedPartitionId: number }
  | { readonly type: 'assert-default-spec-id'; readonly defaultSpecId: number }
  | { readonly type: 'assert-default-sort-order-id'; readonly defaultSortOrderId: number }

/** Throw CommitConflictError (retryable) when a requirement does not hold for `base` (undefined = table absent). */
export function checkRequirements(base: TableMetadata | undefined, reqs: readonly TableRequirement[]): void {
  for (const r of reqs) {
    const fail = (why: string): never => {
      throw new CommitConflictError(`Requirement failed: ${r.type}: ${why}`, { context: { requirement: r.type } })
    }
    if (r.type === 'assert-create') {
      if (base) fail('table already exists')
      continue
    }
    if (!base) fail('table does not exist')
    const m = base as TableMetadata
    switch (r.type) {
      case 'assert-table-uuid':
        if (m.tableUuid !== r.uuid) fail(`table uuid is ${m.tableUuid}, expected ${r.uuid}`)
        break
      case 'assert-ref-snapshot-id': {
        const ref = refByName(m, r.ref)
        const actual = ref ? ref.snapshotId : r.ref === 'main' ? (snapshotForRef(m, 'main')?.snapshotId ?? null) : null
        if (actual !== r.snapshotId) fail(`ref ${r.ref} is at ${actual ?? 'nothing'}, expected ${r.snapshotId ?? 'nothing'}`)
        break
      }
      case 'assert-last-assigned-field-id':
        if (m.lastColumnId !== r.lastAssignedFieldId) fail(`last column id is ${m.lastColumnId}, expected ${r.lastAssignedFieldId}`)
        break
      case 'assert-current-schema-id':
        if (m.currentSchemaId !== r.currentSchemaId) fail(`current schema id is ${m.currentSchemaId}, expected ${r.currentSchemaId}`)
        break
      case 'assert-last-assigned-partition-id':
        if (m.lastPartitionId !== r.lastAssignedPartitionId) fail(`last partition id is ${m.lastPartitionId}, expected ${r.lastAssignedPartitionId}`)
        break
      case 'assert-default-spec-id':
        if (m.defaultSpecId !== r.defaultSpecId) fail(`default spec id is ${m.defaultSpecId}, expected ${r.defaultSpecId}`)
        break
      case 'assert-default-sort-order-id':
        if (m.defaultSortOrderId !== r.defaultSortOrderId) fail(`default sort order id is ${m.defaultSortOrderId}, expected ${r.defaultSortOrderId}`)
        break
    }
  }
}

type Retention = Pick<SnapshotRef, 'minSnapshotsToKeep' | 'maxSnapshotAgeMs' | 'maxRefAgeMs'> & { readonly type?: SnapshotRef['type'] }

const INT_MAX = 2 ** 31 - 1
const LONG_MAX = 2n ** 63n - 1n

/**
 * Throw InvalidArgumentError unless the retention settings of ref `name` are ones the spec (and Java's
 * SnapshotRef builder) accepts: each is a positive int/long, and tags take no snapshot retention (checked
 * when `type` is given). Settings equal to those of `existing` (the ref as it is now) are not re-checked, so
 * a table written with bad values by another tool can still be committed to.
 */
export function checkRefRetention(name: string, ref: Retention, existing?: Retention): void {
  const isNew = (k: 'minSnapshotsToKeep' | 'maxSnapshotAgeMs' | 'maxRefAgeMs'): boolean =>
    ref[k] !== undefined && (existing === undefined || existing.type !== ref.type || existing[k] !== ref[k])
  const bad = (field: string, why: string): never => {
    throw new InvalidArgumentError(`Invalid ${field} for ${ref.type ?? 'ref'} ${name}: ${why}`, { context: { field, ref: name } })
  }
  const positiveLong = (field: string, v: unknown): void => {
    if (typeof v !== 'bigint') bad(field, `must be a bigint, got ${typeof v}`)
    else if (v <= 0n || v > LONG_MAX) bad(field, `must be greater than 0 (and fit a long), got ${v}`)
  }
  if (ref.type === 'tag') {
    if (isNew('minSnapshotsToKeep')) bad('min-snapshots-to-keep', 'tags do not take it (branches only)')
    if (isNew('maxSnapshotAgeMs')) bad('max-snapshot-age-ms', 'tags do not take it (branches only)')
  }
  if (isNew('minSnapshotsToKeep')) {
    const v = ref.minSnapshotsToKeep as unknown
    if (typeof v !== 'number') bad('min-snapshots-to-keep', `must be a number, got ${typeof v}`)
    else if (!Number.isInteger(v) || v <= 0 || v > INT_MAX) bad('min-snapshots-to-keep', `must be an integer greater than 0 (and fit an int), got ${v}`)
  }
  if (isNew('maxSnapshotAgeMs')) positiveLong('max-snapshot-age-ms', ref.maxSnapshotAgeMs)
  if (isNew('maxRefAgeMs')) positiveLong('max-ref-age-ms', ref.maxRefAgeMs)
}
