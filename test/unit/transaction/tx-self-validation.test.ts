// Conflict validation inside one transaction: the snapshots that the transaction's own earlier updates
// produce are what later updates build on, never conflicts; commits of other writers in the window still are.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { Table } from '../../../src/table/table.js'
import type { Transaction } from '../../../src/transaction/transaction.js'
import { df, live, posDel, table } from './ops-fixtures.js'

/** A table with one data file in partition 1. */
const base = async (): Promise<Table> => (await table(2)).append([df('/d/old.parquet', 1)])

describe('a transaction does not conflict with itself', () => {
  it('append + overwrite replacing the file it read', async () => {
    const t = await base()
    const after = await t.transaction().append([df('/d/a.parquet', 2)]).overwrite({ deleteFiles: [df('/d/old.parquet', 1)], addFiles: [df('/d/b.parquet', 1)] }).commit()
    expect(await live(after)).toEqual({ '/d/a.parquet': [], '/d/b.parquet': [] })
  })

  it('append + dynamic overwrite of the same partition (the appended file is replaced too)', async () => {
    const t = await base()
    const after = await t.transaction().append([df('/d/a.parquet', 1)]).replacePartitions([df('/d/b.parquet', 1)]).commit()
    expect(await live(after)).toEqual({ '/d/b.parquet': [] })
  })

  it('append + row delta removing a file and adding a delete for another', async () => {
    const t = await (await base()).append([df('/d/keep.parquet', 1)])
    const after = await t
      .transaction()
      .append([df('/d/a.parquet', 2)])
      .rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/keep.parquet', 1)], removeData: [df('/d/old.parquet', 1)] })
      .commit()
    expect(await live(after)).toEqual({ '/d/a.parquet': [], '/d/keep.parquet': ['/d/pd.parquet'] })
  })
})

describe('a transaction still conflicts with other writers', () => {
  it('a concurrent append in the conflict filter fails it; the message names that file, not the transaction’s own', async () => {
    const t = await base()
    const tx = t.transaction().append([df('/d/mine.parquet', 1)]).overwrite({ deleteFiles: [df('/d/old.parquet', 1)], addFiles: [df('/d/b.parquet', 1)] })
    await t.append([df('/d/theirs.parquet', 1)])
    const e = await tx.commit().then(
      () => expect.fail('expected a conflict'),
      (err: unknown) => err,
    )
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/Found conflicting files .*\/d\/theirs\.parquet/)
    expect((e as Error).message).not.toContain('/d/mine.parquet')
    expect(Object.keys(await live(await t.refresh())).sort()).toEqual(['/d/old.parquet', '/d/theirs.parquet'])
  })

  it('a concurrent delete file for a removed data file fails a later row delta of the transaction', async () => {
    const t = await (await base()).append([df('/d/b.parquet', 2)])
    const tx = t.transaction().append([df('/d/mine.parquet', 2)]).rowDelta({ addDeletes: [], removeData: [df('/d/old.parquet', 1)] })
    await t.transaction().rowDelta({ addDeletes: [posDel('/d/theirs-pd.parquet', '/d/old.parquet', 1)] }).commit()
    await expect(tx.commit()).rejects.toThrow(/found new delete for replaced data file: \/d\/old\.parquet/)
  })

  it('a concurrent commit outside the conflict filter does not fail it (retried on the fresh base)', async () => {
    const t = await base()
    const tx = t
      .transaction()
      .append([df('/d/mine.parquet', 2)])
      .overwrite({ deleteFiles: [df('/d/old.parquet', 1)], addFiles: [df('/d/b.parquet', 1)], conflictFilter: equal('p', 1) })
    await t.append([df('/d/theirs.parquet', 3)])
    const { table: after, result } = await tx.commitWithResult()
    expect(result.attempts).toBe(2)
    expect(Object.keys(await live(after)).sort()).toEqual(['/d/b.parquet', '/d/mine.parquet', '/d/theirs.parquet'])
  })
})

/** One step of a random workload, resolved against the files live before it. */
type Step = { kind: 'append' | 'overwrite' | 'replace' | 'delta' | 'delete'; p: number; pick: number }

function build(steps: readonly Step[]): Array<(tx: Transaction) => Transaction> {
  const livePaths = new Map<string, number>([['/d/old.parquet', 1]])
  const out: Array<(tx: Transaction) => Transaction> = []
  steps.forEach((s, i) => {
    const fresh = df(`/d/f${i}.parquet`, s.p)
    const paths = [...livePaths.keys()]
    const victim = paths.length ? paths[s.pick % paths.length]! : undefined
    const victimFile = (): DataFile => df(victim!, livePaths.get(victim!)!)
    if (s.kind === 'append' || victim === undefined) {
      out.push((tx) => tx.append([fresh]))
      livePaths.set(fresh.filePath, s.p)
    } else if (s.kind === 'overwrite') {
      const v = victimFile()
      out.push((tx) => tx.overwrite({ deleteFiles: [v], addFiles: [fresh] }))
      livePaths.delete(victim)
      livePaths.set(fresh.filePath, s.p)
    } else if (s.kind === 'replace') {
      out.push((tx) => tx.replacePartitions([fresh]))
      for (const [path, p] of [...livePaths]) if (p === s.p) livePaths.delete(path)
      livePaths.set(fresh.filePath, s.p)
    } else if (s.kind === 'delta') {
      const v = victimFile()
      out.push((tx) => tx.rowDelta({ addDeletes: [], addData: [fresh], removeData: [v] }))
      livePaths.delete(victim)
      livePaths.set(fresh.filePath, s.p)
    } else {
      const v = victimFile()
      out.push((tx) => tx.delete({ files: [v] }))
      livePaths.delete(victim)
    }
  })
  return out
}

describe('property: without other writers, one transaction equals the same updates as separate commits', () => {
  it('same outcome and the same live files', async () => {
    const step = fc.record({ kind: fc.constantFrom('append', 'overwrite', 'replace', 'delta', 'delete'), p: fc.integer({ min: 1, max: 3 }), pick: fc.nat({ max: 7 }) }) as fc.Arbitrary<Step>
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), async (steps) => {
        const ops = build(steps)
        let separate = await base()
        for (const op of ops) separate = await op(separate.transaction()).commit()
        let tx = (await base()).transaction()
        for (const op of ops) tx = op(tx)
        const together = await tx.commit()
        expect(await live(together)).toEqual(await live(separate))
      }),
      { numRuns: 25 },
    )
  })
})
