// snapshotIdAsOf (Java SnapshotUtil.nullableSnapshotIdAsOfTime): the entry with the greatest timestamp ≤ t,
// the first listed on ties, on logs in any order (clock skew between writers).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { snapshotIdAsOf } from '../../../src/spec/snapshot.js'

describe('snapshotIdAsOf', () => {
  it('does not assume the log is sorted and keeps the first entry on equal timestamps', () => {
    const log = [
      { timestampMs: 1010n, snapshotId: 2n },
      { timestampMs: 1000n, snapshotId: 1n },
      { timestampMs: 1020n, snapshotId: 3n },
      { timestampMs: 1020n, snapshotId: 4n },
    ]
    expect(snapshotIdAsOf(log, 1015n)).toBe(2n)
    expect(snapshotIdAsOf(log, 1020n)).toBe(3n)
    expect(snapshotIdAsOf(log, 999n)).toBeUndefined()
  })

  it('agrees with a sort-based model on random logs', () => {
    const entry = fc.record({ timestampMs: fc.bigInt({ min: 0n, max: 50n }), snapshotId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }) })
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), fc.bigInt({ min: -1n, max: 51n }), (log, t) => {
        // model: stable sort by timestamp descending, first entry not after t
        const sorted = log.map((e, i) => ({ e, i })).sort((a, b) => (a.e.timestampMs === b.e.timestampMs ? a.i - b.i : a.e.timestampMs > b.e.timestampMs ? -1 : 1))
        const want = sorted.find((x) => x.e.timestampMs <= t)?.e.snapshotId
        expect(snapshotIdAsOf(log, t)).toBe(want)
      }),
    )
  })
})
