import { describe, expect, it } from 'vitest'
import { CommitConflictError } from '../../../src/errors.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { checkRequirements, type TableRequirement } from '../../../src/spec/updates.js'
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
