// Removing snapshots cleans the snapshot log as Java's TableMetadata.Builder does: an entry whose snapshot
// no longer exists (removed now, or gone before) drops every entry before it, with itself, so that time
// travel never reads across a gap in the history.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import type { TableMetadata } from '../../../src/spec/table-metadata.js'
import { emptyTable, snap } from '../../support/tables.js'

const T0 = 1_700_000_000_000n
const NOW = 1_800_000_000_000n

/** A table whose main went through snapshots 1..n in order, one log entry each. */
function linear(n: number): TableMetadata {
  let m = emptyTable()
  for (let i = 1; i <= n; i++) {
    const id = BigInt(i)
    m = applyUpdates(
      m,
      [
        { action: 'add-snapshot', snapshot: snap(id, id, T0 + id, i > 1 ? id - 1n : undefined) },
        { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: id, type: 'branch' } },
      ],
      T0 + id,
    )
  }
  return m
}

const logIds = (m: TableMetadata): bigint[] => m.snapshotLog.map((e) => e.snapshotId)

describe('remove-snapshots and the snapshot log', () => {
  it('drops the entries up to the last one whose snapshot is gone, even one removed earlier by another tool', () => {
    const m = linear(4)
    // snapshot 2 was expired by a writer that left the log alone
    const stale: TableMetadata = { ...m, snapshots: m.snapshots.filter((s) => s.snapshotId !== 2n) }
    const next = applyUpdates(stale, [{ action: 'remove-snapshots', snapshotIds: [1n] }], NOW)
    expect(logIds(next)).toEqual([3n, 4n])
  })

  it('keeps the log whole when only snapshots absent from it are removed', () => {
    let m = linear(3)
    m = applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(9n, 4n, T0 + 9n, 3n) }, { action: 'set-snapshot-ref', refName: 'b', ref: { snapshotId: 9n, type: 'branch' } }], NOW)
    const next = applyUpdates(m, [{ action: 'remove-snapshots', snapshotIds: [9n] }], NOW)
    expect(logIds(next)).toEqual([1n, 2n, 3n])
    expect(Object.keys(next.refs)).toEqual(['main'])
  })

  it('property: the log keeps exactly the entries after the last one whose snapshot is gone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.subarray([...Array(n - 1).keys()].map((i) => BigInt(i + 1))), fc.subarray([...Array(n - 1).keys()].map((i) => BigInt(i + 1))))), ([n, goneBefore, removed]) => {
        const m = linear(n)
        const start: TableMetadata = { ...m, snapshots: m.snapshots.filter((s) => !goneBefore.includes(s.snapshotId)) }
        const next = applyUpdates(start, [{ action: 'remove-snapshots', snapshotIds: removed }], NOW)
        const actuallyRemoved = removed.filter((id) => !goneBefore.includes(id))
        if (actuallyRemoved.length === 0) {
          expect(next).toBe(start) // nothing removed: nothing changed
          return
        }
        const gone = new Set([...goneBefore, ...removed])
        const lastGone = Math.max(0, ...[...gone].map(Number))
        expect(logIds(next)).toEqual([...Array(n).keys()].map((i) => BigInt(i + 1)).filter((id) => Number(id) > lastGone))
      }),
    )
  })
})
