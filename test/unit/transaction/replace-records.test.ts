// A `replace` snapshot may not add more data records than it removes (Java SnapshotProducer.apply refuses it
// with an argument error): a compaction must not invent rows. Other operations are not limited.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError, isFloeError } from '../../../src/errors.js'
import { df, eqDel, table } from './ops-fixtures.js'

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected the commit to fail'),
    (e: unknown) => e,
  )
}

describe('replace snapshots: added records may not exceed replaced records', () => {
  it('a rewrite that adds more records than it removes fails as an argument error, not retried, nothing committed', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1, 10n)])
    const e = await failure(t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1, 10n)], addData: [df('/d/b.parquet', 1, 1000n)] }).commit())
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true)
    expect((e as FloeError).retryable).toBe(false)
    expect((e as Error).message).toMatch(/adds 1000 records but replaces only 10/)
    const after = await t.refresh()
    expect(after.metadata.snapshots.length).toBe(1)
    expect(after.currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId)
  })

  it('as many or fewer records (rows already deleted are dropped) commit', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1, 10n), df('/d/b.parquet', 1, 10n)])
    t = await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1, 10n)], addData: [df('/d/a2.parquet', 1, 10n)] }).commit()
    expect(t.currentSnapshot()!.summary['added-records']).toBe('10')
    t = await t.transaction().rewrite({ removeData: [df('/d/b.parquet', 1, 10n)], addData: [df('/d/b2.parquet', 1, 7n)] }).commit()
    expect(t.currentSnapshot()!.summary['deleted-records']).toBe('10')
  })

  it('counts data records only: delete files removed alongside do not make room for more rows', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1, 10n)])
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/e/eq.parquet', 1, { recordCount: 100n })] }).commit()
    const e = await failure(
      t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1, 10n)], addData: [df('/d/a2.parquet', 1, 11n)], removeDeletes: [eqDel('/e/eq.parquet', 1, { recordCount: 100n })] }).commit(),
    )
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true)
    // a rewrite of delete files only adds and removes no data records
    t = await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [eqDel('/e/eq.parquet', 1, { recordCount: 100n })], addDeletes: [eqDel('/e/eq2.parquet', 1, { recordCount: 200n })] }).commit()
    expect(t.currentSnapshot()!.summary.operation).toBe('replace')
  })

  it('other operations may add more records than they remove', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1, 10n)])
    const t2 = await t.transaction().overwrite({ deleteFiles: [df('/d/a.parquet', 1, 10n)], addFiles: [df('/d/b.parquet', 1, 1000n)] }).commit()
    expect(t2.currentSnapshot()!.summary.operation).toBe('overwrite')
    expect(t2.currentSnapshot()!.summary['added-records']).toBe('1000')
  })

  it('property: a rewrite commits exactly when its added records do not exceed its removed records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.bigInt({ min: 0n, max: 50n }), { minLength: 1, maxLength: 3 }), fc.array(fc.bigInt({ min: 0n, max: 60n }), { maxLength: 3 }), async (removed, added) => {
        const old = removed.map((n, i) => df(`/d/old-${i}.parquet`, 1, n))
        const t = await (await table(2)).append(old)
        const r = await t
          .transaction()
          .rewrite({ removeData: old, addData: added.map((n, i) => df(`/d/new-${i}.parquet`, 1, n)) })
          .commit()
          .then(
            () => 'committed',
            (e: unknown) => (isFloeError(e, 'INVALID_ARGUMENT') ? 'refused' : `other: ${String(e)}`),
          )
        const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n)
        expect(r).toBe(sum(added) <= sum(removed) ? 'committed' : 'refused')
      }),
      { numRuns: 20 },
    )
  })
})
