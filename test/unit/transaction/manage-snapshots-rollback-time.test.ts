// rollbackToTime picks, among all ancestors of main's head, the one with the greatest timestamp strictly
// before the time (Java SetSnapshotOperation): with writers whose clocks disagree a parent can be younger
// than its child, so the first old-enough ancestor met walking back is not necessarily the newest.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv, type Env } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Table } from '../../../src/table/table.js'
import { fakeFile } from '../../support/catalogs.js'
import { failedWith, REFS_SCHEMA, rejection } from './refs-fixtures.js'

const T = 1_800_000_000_000n

/** A table whose main has one append per timestamp (in order), each stamped exactly with it. */
async function history(times: readonly bigint[], seed = 3): Promise<{ t: Table; setClock: (ms: bigint) => void }> {
  let clock = T
  const env: Env = { ...testEnv(new MemoryFileIO(), seed), now: () => clock }
  const cat = new MemoryCatalog(env)
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: REFS_SCHEMA, formatVersion: 2 })
  for (const [i, ts] of times.entries()) {
    clock = ts
    t = await t.append([fakeFile(`/d/${i}.parquet`)])
  }
  return { t, setClock: (ms) => void (clock = ms) }
}

const chain = (t: Table): bigint[] => {
  const out: bigint[] = []
  for (let s = t.currentSnapshot(); s; s = s.parentSnapshotId === undefined ? undefined : t.metadata.snapshots.find((x) => x.snapshotId === s!.parentSnapshotId)) out.push(s.snapshotId)
  return out.reverse()
}

describe('rollbackToTime', () => {
  it('takes the newest ancestor older than the time, not the first one found walking back (clock skew)', async () => {
    const { t, setClock } = await history([T, T - 30_000n, T + 10n]) // the second writer's clock is 30 s behind
    const [s1, s2] = chain(t)
    setClock(T + 20n)
    const r = await t.transaction().manageSnapshots((m) => m.rollbackToTime(T + 5n)).commit()
    expect(r.currentSnapshot()!.snapshotId).toBe(s1)
    expect(r.currentSnapshot()!.snapshotId).not.toBe(s2)
  })

  it('is strict: an ancestor committed exactly at the time is not taken', async () => {
    const { t, setClock } = await history([T, T + 100n, T + 200n])
    const [s1] = chain(t)
    setClock(T + 300n)
    const r = await t.transaction().manageSnapshots((m) => m.rollbackToTime(T + 100n)).commit()
    expect(r.currentSnapshot()!.snapshotId).toBe(s1)
  })

  it('fails (NOT_FOUND) when no ancestor is older than the time', async () => {
    const { t } = await history([T, T + 1n])
    expect(failedWith(await rejection(t.transaction().manageSnapshots((m) => m.rollbackToTime(T)).commit()), 'NOT_FOUND', /older than/)).toBe(true)
  })

  it('property: the result is the ancestor with the greatest timestamp below the time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -29_000, max: 29_000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: -30_000, max: 30_000 }), async (offsets, at) => {
        const times = offsets.map((o) => T + BigInt(o))
        const { t, setClock } = await history(times)
        const ids = chain(t)
        const time = T + BigInt(at)
        let want: bigint | undefined
        let best = 0n
        // walked newest first, so the newest of equal timestamps wins, as in Java
        for (let j = times.length - 1; j >= 0; j--) if (times[j]! < time && times[j]! > best) [want, best] = [ids[j]!, times[j]!]
        setClock(T + 30_000n)
        const tx = t.transaction().manageSnapshots((m) => m.rollbackToTime(time))
        if (want === undefined) expect(failedWith(await rejection(tx.commit()), 'NOT_FOUND', /older than/)).toBe(true)
        else expect((await tx.commit()).currentSnapshot()!.snapshotId).toBe(want)
      }),
      { numRuns: 40 },
    )
  })
})
