import { describe, expect, it } from 'vitest'
import { addPreviousMetadataFile, applyUpdates, LAST_ADDED } from '../../../src/spec/apply-updates.js'
import { InvalidArgumentError, ValidationError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { currentSnapshot } from '../../../src/spec/table-metadata.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import { emptyTable, SIMPLE_SCHEMA, snap } from '../../support/tables.js'

const NOW = 1_800_000_000_000n
const A = 7342794868382145167n
const B = 7342794868382145168n
const C = 9123372036854775807n

describe('applyUpdates', () => {
  it('adds a snapshot and moves main, logging the snapshot time', () => {
    const base = emptyTable()
    const m = applyUpdates(base, [
      { action: 'add-snapshot', snapshot: snap(A, 1n, 1_700_000_000_500n) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
    ], NOW)
    expect(m.currentSnapshotId).toBe(A)
    expect(m.lastSequenceNumber).toBe(1n)
    expect(m.snapshotLog).toEqual([{ timestampMs: 1_700_000_000_500n, snapshotId: A }])
    expect(m.lastUpdatedMs).toBe(1_700_000_000_500n)
    expect(currentSnapshot(m)?.snapshotId).toBe(A)
    expect(base.snapshots).toHaveLength(0) // pure
  })

  it('rejects a sequence number that does not advance, and a duplicate snapshot id', () => {
    const m = applyUpdates(emptyTable(), [{ action: 'add-snapshot', snapshot: snap(A, 1n, 1n) }], NOW)
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(B, 1n, 2n, A) }], NOW)).toThrow(ValidationError)
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(A, 2n, 2n) }], NOW)).toThrow(/already exists/)
  })

  it('logs a rollback at the time of change and drops intermediate snapshots from the log', () => {
    let m = applyUpdates(emptyTable(), [
      { action: 'add-snapshot', snapshot: snap(A, 1n, 100n) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
    ], NOW)
    // one transaction adds B then C: only C reaches the log
    m = applyUpdates(m, [
      { action: 'add-snapshot', snapshot: snap(B, 2n, 200n, A) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: B, type: 'branch' } },
      { action: 'add-snapshot', snapshot: snap(C, 3n, 300n, B) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: C, type: 'branch' } },
    ], NOW)
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([A, C])
    const rolled = applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } }], NOW)
    expect(rolled.snapshotLog.at(-1)).toEqual({ timestampMs: NOW, snapshotId: A })
    expect(rolled.lastUpdatedMs).toBe(NOW)
  })

  it('removing a snapshot drops its refs and every earlier log entry', () => {
    let m = applyUpdates(emptyTable(), [
      { action: 'add-snapshot', snapshot: snap(A, 1n, 100n) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
      { action: 'set-snapshot-ref', refName: 'tag1', ref: { snapshotId: A, type: 'tag' } },
    ], NOW)
    m = applyUpdates(m, [
      { action: 'add-snapshot', snapshot: snap(B, 2n, 200n, A) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: B, type: 'branch' } },
    ], NOW)
    const r = applyUpdates(m, [{ action: 'remove-snapshots', snapshotIds: [A] }], NOW)
    expect(r.refs.tag1).toBeUndefined()
    expect(r.refs.main?.snapshotId).toBe(B)
    expect(r.snapshotLog.map((e) => e.snapshotId)).toEqual([B])
    const gone = applyUpdates(m, [{ action: 'remove-snapshot-ref', refName: 'main' }], NOW)
    expect(gone.currentSnapshotId).toBeUndefined()
  })

  it('refuses a ref with invalid retention, but carries invalid settings it already had', () => {
    const m = applyUpdates(emptyTable(), [
      { action: 'add-snapshot', snapshot: snap(A, 1n, 100n) },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch' } },
      { action: 'add-snapshot', snapshot: snap(B, 2n, 200n, A) },
    ], NOW)
    expect(() => applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'b', ref: { snapshotId: A, type: 'branch', minSnapshotsToKeep: 0 } }], NOW)).toThrow(InvalidArgumentError)
    expect(() => applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 't', ref: { snapshotId: A, type: 'tag', maxRefAgeMs: -1n } }], NOW)).toThrow(/max-ref-age-ms for tag t/)
    expect(() => applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'branch', maxSnapshotAgeMs: 0n } }], NOW)).toThrow(/max-snapshot-age-ms for branch main/)
    // metadata read from a file written elsewhere: moving the branch keeps its settings as they were
    const legacy = { ...m, refs: { ...m.refs, old: { snapshotId: A, type: 'branch' as const, minSnapshotsToKeep: 0, maxRefAgeMs: 0n } } }
    const moved = applyUpdates(legacy, [{ action: 'set-snapshot-ref', refName: 'old', ref: { ...legacy.refs.old, snapshotId: B } }], NOW)
    expect(moved.refs.old).toEqual({ snapshotId: B, type: 'branch', minSnapshotsToKeep: 0, maxRefAgeMs: 0n })
    expect(() => applyUpdates(legacy, [{ action: 'set-snapshot-ref', refName: 'old', ref: { ...legacy.refs.old, minSnapshotsToKeep: -1 } }], NOW)).toThrow(/min-snapshots-to-keep for branch old/)
  })

  it('refuses refs to unknown snapshots and tags named main', () => {
    expect(() => applyUpdates(emptyTable(), [{ action: 'set-snapshot-ref', refName: 'x', ref: { snapshotId: A, type: 'tag' } }], NOW)).toThrow(/unknown snapshot/)
    const m = applyUpdates(emptyTable(), [{ action: 'add-snapshot', snapshot: snap(A, 1n, 1n) }], NOW)
    expect(() => applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: A, type: 'tag' } }], NOW)).toThrow(/main must be a branch/)
  })

  it('adds schemas with fresh ids, reuses identical ones, and tracks last-column-id', () => {
    const base = emptyTable()
    const evolved = schema([...SIMPLE_SCHEMA.fields, field(4, 'extra', T.int)], 0)
    const m = applyUpdates(base, [{ action: 'add-schema', schema: evolved }, { action: 'set-current-schema', schemaId: LAST_ADDED }], NOW)
    expect(m.currentSchemaId).toBe(1)
    expect(m.lastColumnId).toBe(4)
    const again = applyUpdates(m, [{ action: 'add-schema', schema: { ...evolved, schemaId: 7 } }, { action: 'set-current-schema', schemaId: LAST_ADDED }], NOW)
    expect(again.schemas).toHaveLength(2)
    expect(again.currentSchemaId).toBe(1)
    expect(() => applyUpdates(base, [{ action: 'set-current-schema', schemaId: 5 }], NOW)).toThrow(/unknown schema/)
    expect(() => applyUpdates(base, [{ action: 'set-current-schema', schemaId: LAST_ADDED }], NOW)).toThrow(/no schema has been added/)
  })

  it('adds specs, checks them against the schema, and keeps v1 ids sequential', () => {
    const base = emptyTable()
    const spec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(16) }] }
    const m = applyUpdates(base, [{ action: 'add-spec', spec }, { action: 'set-default-spec', specId: LAST_ADDED }], NOW)
    expect(m.defaultSpecId).toBe(1)
    expect(m.lastPartitionId).toBe(1001)
    const bad = { specId: 0, fields: [{ sourceId: 2, fieldId: 1001, name: 'd_year', transform: Transforms.year }] }
    expect(() => applyUpdates(base, [{ action: 'add-spec', spec: bad }], NOW)).toThrow(/cannot transform/)
    expect(() => applyUpdates(emptyTable(1), [{ action: 'add-spec', spec }], NOW)).toThrow(/sequential/)
  })

  it('adds sort orders (id 0 stays unsorted) and sets properties', () => {
    const order = { orderId: 9, fields: [{ sourceId: 1, transform: Transforms.identity, direction: 'asc' as const, nullOrder: 'nulls-first' as const }] }
    const m = applyUpdates(emptyTable(), [
      { action: 'add-sort-order', sortOrder: order },
      { action: 'set-default-sort-order', sortOrderId: LAST_ADDED },
      { action: 'set-properties', updates: { a: '1', b: '2' } },
      { action: 'remove-properties', removals: ['a'] },
    ], NOW)
    expect(m.defaultSortOrderId).toBe(1)
    expect(m.properties.b).toBe('2')
    expect(m.properties.a).toBeUndefined()
  })

  it('assigns row ids in v3 and refuses to go backwards', () => {
    const base = emptyTable(3)
    const m = applyUpdates(base, [{ action: 'add-snapshot', snapshot: snap(A, 1n, 1n, undefined, { firstRowId: 0n, addedRows: 30n }) }], NOW)
    expect(m.nextRowId).toBe(30n)
    expect(() =>
      applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(B, 2n, 2n, A, { firstRowId: 10n, addedRows: 1n }) }], NOW),
    ).toThrow(/behind table next-row-id/)
  })

  it('upgrades but never downgrades the format version', () => {
    const m = applyUpdates(emptyTable(1), [{ action: 'upgrade-format-version', formatVersion: 3 }], NOW)
    expect(m.formatVersion).toBe(3)
    expect(m.nextRowId).toBe(0n)
    expect(() => applyUpdates(m, [{ action: 'upgrade-format-version', formatVersion: 2 }], NOW)).toThrow(/downgrade/)
  })

  it('keeps the metadata log within previous-versions-max', () => {
    let m = emptyTable()
    const trimmedAll: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = addPreviousMetadataFile(m, { file: `v${i}.metadata.json`, lastUpdatedMs: BigInt(i) }, 3)
      m = r.metadata
      trimmedAll.push(...r.trimmed.map((e) => e.metadataFile))
    }
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(['v2.metadata.json', 'v3.metadata.json', 'v4.metadata.json'])
    expect(trimmedAll).toEqual(['v0.metadata.json', 'v1.metadata.json'])
  })
})
