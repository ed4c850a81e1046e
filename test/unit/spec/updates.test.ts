import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CommitConflictError, isFloeError } from '../../../src/errors.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import type { SnapshotRef } from '../../../src/spec/snapshot.js'
import { checkRefRetention, checkRequirements, type TableRequirement } from '../../../src/spec/updates.js'
import { emptyTable, snap } from '../../support/tables.js'

describe('checkRequirements', () => {
  const base = applyUpdates(emptyTable(), [
    { action: 'add-snapshot', snapshot: snap(5n, 1n, 1n) },
    { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 5n, type: 'branch' } },
  ], 2n)

  const holds: TableRequirement[] = [
    { type: 'assert-table-uuid', uuid: base.tableUuid! },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 5n },
    { type: 'assert-ref-snapshot-id', ref: 'dev', snapshotId: null },
    { type: 'assert-last-assigned-field-id', lastAssignedFieldId: base.lastColumnId },
    { type: 'assert-current-schema-id', currentSchemaId: base.currentSchemaId },
    { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: base.lastPartitionId },
    { type: 'assert-default-spec-id', defaultSpecId: base.defaultSpecId },
    { type: 'assert-default-sort-order-id', defaultSortOrderId: base.defaultSortOrderId },
  ]

  it('passes when every requirement holds', () => {
    expect(() => checkRequirements(base, holds)).not.toThrow()
    expect(() => checkRequirements(undefined, [{ type: 'assert-create' }])).not.toThrow()
  })

  const broken: TableRequirement[] = [
    { type: 'assert-create' },
    { type: 'assert-table-uuid', uuid: 'other' },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 6n },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null },
    { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 99 },
    { type: 'assert-current-schema-id', currentSchemaId: 3 },
    { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 1 },
    { type: 'assert-default-spec-id', defaultSpecId: 4 },
    { type: 'assert-default-sort-order-id', defaultSortOrderId: 4 },
  ]
  it.each(broken.map((r) => [r.type, r]))('%s fails with a retryable conflict', (_t, r) => {
    let err: unknown
    try {
      checkRequirements(base, [r])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CommitConflictError)
    expect((err as CommitConflictError).retryable).toBe(true)
    expect((err as CommitConflictError).message).toContain(r.type)
  })

  it('fails every non-create requirement on a missing table', () => {
    expect(() => checkRequirements(undefined, [{ type: 'assert-current-schema-id', currentSchemaId: 0 }])).toThrow(CommitConflictError)
  })
})

describe('checkRefRetention (Java SnapshotRef builder rules)', () => {
  type Retention = Omit<SnapshotRef, 'snapshotId'>
  const valid = (r: Retention): boolean =>
    (r.minSnapshotsToKeep === undefined || (r.type === 'branch' && Number.isInteger(r.minSnapshotsToKeep) && r.minSnapshotsToKeep > 0 && r.minSnapshotsToKeep < 2 ** 31)) &&
    (r.maxSnapshotAgeMs === undefined || (r.type === 'branch' && r.maxSnapshotAgeMs > 0n && r.maxSnapshotAgeMs < 2n ** 63n)) &&
    (r.maxRefAgeMs === undefined || (r.maxRefAgeMs > 0n && r.maxRefAgeMs < 2n ** 63n))
  const retention = fc.record(
    {
      type: fc.constantFrom('branch' as const, 'tag' as const),
      minSnapshotsToKeep: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31, 1.5)),
      maxSnapshotAgeMs: fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.constantFrom(2n ** 63n - 1n, 2n ** 63n)),
      maxRefAgeMs: fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.constantFrom(2n ** 63n - 1n, 2n ** 63n)),
    },
    { requiredKeys: ['type'] },
  )
  const outcome = (run: () => void): 'ok' | 'invalid' => {
    try {
      run()
      return 'ok'
    } catch (e) {
      if (!isFloeError(e, 'INVALID_ARGUMENT')) throw e
      return 'invalid'
    }
  }

  it('property: accepts exactly the positive settings a ref of that type may carry', () => {
    fc.assert(
      fc.property(retention, (r) => {
        expect(outcome(() => checkRefRetention('r', r))).toBe(valid(r) ? 'ok' : 'invalid')
      }),
    )
  })

  it('property: settings equal to the existing ref are never re-checked (files from other writers stay usable)', () => {
    fc.assert(
      fc.property(retention, (r) => {
        expect(outcome(() => checkRefRetention('r', r, r))).toBe('ok')
      }),
    )
  })

  it('names the ref and the field', () => {
    expect(() => checkRefRetention('audit', { type: 'branch', maxSnapshotAgeMs: 0n })).toThrow(/max-snapshot-age-ms for branch audit/)
    expect(() => checkRefRetention('v1', { type: 'tag', minSnapshotsToKeep: 1 })).toThrow(/min-snapshots-to-keep for tag v1/)
    // a branch turned into a tag: its branch retention is new for the tag
    expect(() => checkRefRetention('x', { type: 'tag', minSnapshotsToKeep: 1 }, { type: 'branch', minSnapshotsToKeep: 1 })).toThrow(/tag x/)
  })
})
