// Which snapshots and refs expiration removes (Java's RemoveSnapshots rules), on hand-built metadata:
// age cut-off with min-snapshots-to-keep, retainLast, per-branch overrides, tags and max-ref-age, snapshots
// no ref reaches, explicit ids (refused for a retained ref's head and for unknown ids), gc.enabled. Property:
// over random histories (branches, tags, rollbacks, random ages and options) the plan keeps every retained
// ref's head and each retained branch's newest min(retainLast, length) ancestors, removes exactly the refs
// that are too old, and never removes a snapshot newer than the cut-off that some retained branch reaches
// through newer snapshots only.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { planExpiration } from '../../../src/spec/expire.js'
import { ancestors, type Snapshot, type SnapshotRef } from '../../../src/spec/snapshot.js'
import type { TableMetadata } from '../../../src/spec/table-metadata.js'
import { emptyTable, snap } from '../../support/tables.js'

const T0 = 1_700_000_000_000n
const DAY = 86_400_000n

function table(snaps: readonly Snapshot[], refs: Record<string, SnapshotRef>, props: Record<string, string> = {}): TableMetadata {
  const head = refs.main?.snapshotId
  return { ...emptyTable(), snapshots: snaps, refs, properties: props, ...(head === undefined ? {} : { currentSnapshotId: head }) }
}
const branch = (id: bigint, extra: Partial<SnapshotRef> = {}): SnapshotRef => ({ snapshotId: id, type: 'branch', ...extra })
const tag = (id: bigint, extra: Partial<SnapshotRef> = {}): SnapshotRef => ({ snapshotId: id, type: 'tag', ...extra })
// main: 1 ← 2 ← 3 ← 4, one day apart
const chain = [snap(1n, 1n, T0), snap(2n, 2n, T0 + DAY, 1n), snap(3n, 3n, T0 + 2n * DAY, 2n), snap(4n, 4n, T0 + 3n * DAY, 3n)]
const NOW = T0 + 10n * DAY

describe('planExpiration', () => {
  it('expires ancestors older than the cut-off beyond min-snapshots-to-keep', () => {
    const m = table(chain, { main: branch(4n) })
    expect(planExpiration(m, NOW, { olderThanMs: T0 + 2n * DAY }).snapshotIds).toEqual([1n, 2n])
    expect(planExpiration(m, NOW, { olderThanMs: T0 + 2n * DAY, retainLast: 3 }).snapshotIds).toEqual([1n])
    // default cut-off: history.expire.max-snapshot-age-ms (5 days) before now: all four are older, one is kept
    expect(planExpiration(m, NOW).snapshotIds).toEqual([1n, 2n, 3n])
    expect(planExpiration(table(chain, { main: branch(4n) }, { 'history.expire.min-snapshots-to-keep': '2' }), NOW).snapshotIds).toEqual([1n, 2n])
    expect(planExpiration(table(chain, { main: branch(4n) }, { 'history.expire.max-snapshot-age-ms': String(9n * DAY) }), NOW).snapshotIds).toEqual([1n])
  })

  it('keeps tags younger than their max-ref-age, their snapshots, and honours branch overrides', () => {
    const m = table(chain, { main: branch(4n), old: tag(1n, { maxRefAgeMs: DAY }), kept: tag(2n), b: branch(3n, { minSnapshotsToKeep: 2 }) })
    const p = planExpiration(m, NOW, { olderThanMs: NOW })
    expect(p.refs).toEqual(['old'])
    // 4 (main head), 3 and 2 (branch b keeps two), 2 (tag kept): 1 goes
    expect(p.snapshotIds).toEqual([1n])
    const young = table(chain, { main: branch(4n), b: branch(2n, { maxSnapshotAgeMs: 20n * DAY }) })
    expect(planExpiration(young, NOW, { olderThanMs: NOW }).snapshotIds).toEqual([3n])
    // a ref older than the table default max-ref-age goes; main never does
    const aged = table(chain, { main: branch(1n), t: tag(2n) }, { 'history.expire.max-ref-age-ms': String(DAY) })
    expect(planExpiration(aged, NOW, { olderThanMs: T0 }).refs).toEqual(['t'])
  })

  it('keeps snapshots no ref reaches only while newer than the cut-off', () => {
    // 5 was rolled back from: no ref reaches it
    const snaps = [...chain.slice(0, 3), snap(5n, 4n, T0 + 3n * DAY, 3n)]
    const m = table(snaps, { main: branch(3n) })
    expect(planExpiration(m, NOW, { olderThanMs: T0 + 2n * DAY, retainLast: 10 }).snapshotIds).toEqual([])
    expect(planExpiration(m, NOW, { olderThanMs: T0 + 4n * DAY, retainLast: 1 }).snapshotIds).toEqual([1n, 2n, 5n])
  })

  it('expires named snapshots whatever their age, but never a retained ref’s head or an unknown id', () => {
    const m = table(chain, { main: branch(4n), t: tag(2n) })
    expect(planExpiration(m, NOW, { olderThanMs: T0, snapshotIds: [3n] }).snapshotIds).toEqual([3n])
    const held = ((): unknown => {
      try {
        return planExpiration(m, NOW, { snapshotIds: [2n] })
      } catch (e) {
        return e
      }
    })()
    expect(isFloeError(held, 'VALIDATION')).toBe(true)
    expect(String((held as Error).message)).toBe('Cannot expire 2. Still referenced by refs: [t]')
    expect(() => planExpiration(m, NOW, { snapshotIds: [99n] })).toThrow(/no such snapshot/)
    expect(() => planExpiration(m, NOW, { retainLast: 0 })).toThrow(/at least 1/)
    expect(() => planExpiration(table(chain, { main: branch(4n) }, { 'gc.enabled': 'false' }), NOW)).toThrow(/GC is disabled/)
  })

  it('keeps retained heads and branch minimums, and drops exactly the too-old refs (property)', () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 12 }),
      parents: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
      gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
      refs: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('branch', 'tag'), min: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), age: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }), { maxLength: 4 }),
      cut: fc.integer({ min: 0, max: 40 }),
      keep: fc.integer({ min: 1, max: 4 }),
    })
    fc.assert(
      fc.property(arb, ({ n, parents, gaps, refs, cut, keep }) => {
        const snaps: Snapshot[] = []
        let ts = T0
        for (let i = 0; i < n; i++) {
          ts += BigInt(gaps[i]!) * DAY
          snaps.push(snap(BigInt(i + 1), BigInt(i + 1), ts, i === 0 ? undefined : BigInt((parents[i]! % i) + 1)))
        }
        const refMap: Record<string, SnapshotRef> = { main: branch(BigInt(n)) }
        refs.forEach((r, i) => {
          const id = BigInt((r.at % n) + 1)
          refMap[`r${i}`] = r.kind === 'branch' ? branch(id, { ...(r.min ? { minSnapshotsToKeep: r.min } : {}), ...(r.age !== undefined ? { maxRefAgeMs: BigInt(r.age) * DAY } : {}) }) : tag(id, r.age !== undefined ? { maxRefAgeMs: BigInt(r.age) * DAY } : {})
        })
        const m = table(snaps, refMap)
        const now = ts + 2n * DAY
        const olderThan = T0 + BigInt(cut) * DAY
        const p = planExpiration(m, now, { olderThanMs: olderThan, retainLast: keep })
        const gone = new Set(p.snapshotIds)
        const byId = new Map(snaps.map((s) => [s.snapshotId, s]))
        for (const [name, ref] of Object.entries(refMap)) {
          const tooOld = name !== 'main' && ref.maxRefAgeMs !== undefined && now - byId.get(ref.snapshotId)!.timestampMs > ref.maxRefAgeMs
          expect(p.refs.includes(name)).toBe(tooOld)
          if (tooOld) continue
          expect(gone.has(ref.snapshotId)).toBe(false)
          if (ref.type !== 'branch') continue
          const line = [...ancestors(byId.get(ref.snapshotId), (id) => byId.get(id))]
          const min = ref.minSnapshotsToKeep ?? keep
          line.slice(0, min).forEach((s) => expect(gone.has(s.snapshotId)).toBe(false))
          // newer than the cut-off all the way from the head: kept
          for (const s of line) {
            if (s.timestampMs < olderThan) break
            expect(gone.has(s.snapshotId)).toBe(false)
          }
        }
        // every expired snapshot is older than the cut-off or beyond every branch's kept prefix
        for (const id of gone) expect(byId.has(id)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
