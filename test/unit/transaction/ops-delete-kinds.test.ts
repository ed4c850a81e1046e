// Delete-file kinds allowed per format version (Java MergingSnapshotProducer.validateDeleteFileForVersion):
// none in v1, Parquet/Avro/ORC position deletes but no deletion vectors in v2, only deletion vectors for
// position deletes in v3; equality deletes from v2 on.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../../src/errors.js'
import { df, dv, eqDel, live, posDel, table, upgradeToV3 } from './ops-fixtures.js'

describe('delete file kind per format version', () => {
  it('v1 refuses any delete file, naming it', async () => {
    const t = await (await table(1)).append([df('/d/a.parquet')])
    const err = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet')] }).commit().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as Error).message).toMatch(/Deletes are supported in format v2 and above: \/d\/pd\.parquet/)
  })

  it('v2 refuses a deletion vector and keeps the table as it was', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet')])
    const before = t.currentSnapshot()!.snapshotId
    const err = await t.transaction().rowDelta({ addDeletes: [dv('/d/dv.puffin', '/d/a.parquet')] }).commit().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidArgumentError)
    expect((err as InvalidArgumentError).code).toBe('INVALID_ARGUMENT')
    expect((err as Error).message).toMatch(/Must not use DVs for position deletes in v2: \/d\/dv\.puffin/)
    expect((await t.refresh()).currentSnapshot()!.snapshotId).toBe(before)
  })

  it('v3 refuses a Parquet position delete file, in a row delta and in a rewrite', async () => {
    let t = await (await table(3)).append([df('/d/a.parquet')])
    await expect(t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet')] }).commit()).rejects.toThrow(/Must use DVs for position deletes in v3: \/d\/pd\.parquet/)
    t = await t.transaction().rowDelta({ addDeletes: [dv('/d/dv.puffin', '/d/a.parquet')] }).commit()
    await expect(t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [dv('/d/dv.puffin', '/d/a.parquet')], addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet')] }).commit()).rejects.toThrow(
      /Must use DVs for position deletes in v3/,
    )
  })

  it('accepts what each version allows: position files and equality deletes in v2, DVs and equality deletes in v3', async () => {
    const v2 = await (await (await table(2)).append([df('/d/a.parquet')])).transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet'), eqDel('/d/eq.parquet')] }).commit()
    expect(await live(v2)).toEqual({ '/d/a.parquet': ['/d/eq.parquet', '/d/pd.parquet'] })
    const v3 = await (await (await table(3)).append([df('/d/a.parquet')])).transaction().rowDelta({ addDeletes: [dv('/d/dv.puffin', '/d/a.parquet'), eqDel('/d/eq.parquet')] }).commit()
    expect(await live(v3)).toEqual({ '/d/a.parquet': ['/d/dv.puffin', '/d/eq.parquet'] })
  })

  it('checks again against the table it commits to: a concurrent upgrade to v3 fails a v2 position delete', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet')])
    const tx = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet')] })
    await upgradeToV3(t)
    await expect(tx.commit()).rejects.toThrow(/Must use DVs for position deletes in v3/)
  })
})
