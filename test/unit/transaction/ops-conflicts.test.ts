// Which concurrent snapshots each validation looks at (Java MergingSnapshotProducer): added data in append and
// overwrite; removed data in overwrite, replace and delete (delete skipped when a row delta does not validate
// deleted files); added delete files in overwrite and delete only; added DVs also in replace.
import { describe, expect, it } from 'vitest'
import { equal } from '../../../src/expr/expression.js'
import { df, dv, eqDel, live, posDel, table } from './ops-fixtures.js'

const ISOLATIONS = ['serializable', 'snapshot'] as const

describe('row delta validation', () => {
  it.each(ISOLATIONS)('%s: a concurrent whole-file delete of an unrelated file does not conflict', async (isolation) => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const tx = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)], isolation })
    await t.transaction().delete({ files: [df('/d/b.parquet', 2)] }).commit()
    expect(await live(await tx.commit())).toEqual({ '/d/a.parquet': ['/d/pd.parquet'] })
  })

  it('delete files added by a concurrent replace (rewrite of deletes) do not conflict; those of a row delta do', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)] }).commit()
    const afterReplace = t.transaction().rowDelta({ addDeletes: [posDel('/d/d3.parquet', '/d/b.parquet', 2)] })
    await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)], addDeletes: [posDel('/d/d2.parquet', '/d/a.parquet', 1)] }).commit()
    expect(await live(await afterReplace.commit())).toEqual({ '/d/a.parquet': ['/d/d2.parquet'], '/d/b.parquet': ['/d/d3.parquet'] })
    const t2 = await t.refresh()
    const afterDelta = t2.transaction().rowDelta({ addDeletes: [posDel('/d/d5.parquet', '/d/b.parquet', 2)] })
    const relaxed = t2.transaction().rowDelta({ addDeletes: [posDel('/d/d6.parquet', '/d/b.parquet', 2)], validateNoConflictingDeleteFiles: false })
    await t2.transaction().rowDelta({ addDeletes: [posDel('/d/d4.parquet', '/d/a.parquet', 1)] }).commit()
    await expect(afterDelta.commit()).rejects.toThrow(/Found new conflicting delete files that can apply to records matching true: \/d\/d4\.parquet/)
    expect((await live(await relaxed.commit()))['/d/b.parquet']).toEqual(['/d/d3.parquet', '/d/d6.parquet'])
  })

  it('a referenced data file removed by a concurrent delete conflicts unless deleted files are not validated; a replace always does', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1)])
    const strict = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)] })
    const lenient = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)], validateDeletedFiles: false })
    const t1 = await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    await expect(strict.commit()).rejects.toThrow(/Cannot commit, missing data files: \/d\/a\.parquet/)
    expect(Object.keys(await live(await lenient.commit()))).toEqual(['/d/b.parquet'])
    const t2 = await t1.refresh()
    const afterRewrite = t2.transaction().rowDelta({ addDeletes: [posDel('/d/pd-b.parquet', '/d/b.parquet', 1)], validateDeletedFiles: false })
    await t2.transaction().rewrite({ removeData: [df('/d/b.parquet', 1)], addData: [df('/d/b2.parquet', 1)] }).commit()
    await expect(afterRewrite.commit()).rejects.toThrow(/missing data files: \/d\/b\.parquet/)
  })

  it('a removed referenced file outside the conflict filter does not count', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const tx = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)], conflictFilter: equal('p', 2), isolation: 'snapshot' })
    await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    expect(Object.keys(await live(await tx.commit()))).toEqual(['/d/b.parquet'])
  })

  it('refuses to remove a data file that its new delete files reference', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1)])
    await expect(t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)], removeData: [df('/d/a.parquet', 1)] }).commit()).rejects.toThrow(
      /Cannot delete data files \/d\/a\.parquet that are referenced by new delete files/,
    )
  })

  it('v3: a DV for the same data file added concurrently, even by a replace, conflicts', async () => {
    let t = await (await table(3)).append([df('/d/a.parquet', 1, 100n), df('/d/b.parquet', 1, 100n)])
    t = await t.transaction().rowDelta({ addDeletes: [dv('/d/v0.puffin', '/d/a.parquet', 1, 4n)] }).commit()
    const same = t.transaction().rowDelta({ addDeletes: [dv('/d/v1.puffin', '/d/a.parquet', 1, 4n, 2n)], removeDeletes: [dv('/d/v0.puffin', '/d/a.parquet', 1, 4n)], isolation: 'snapshot' })
    const other = t.transaction().rowDelta({ addDeletes: [dv('/d/v2.puffin', '/d/b.parquet', 1, 4n)], isolation: 'snapshot', validateNoConflictingDeleteFiles: false })
    await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [dv('/d/v0.puffin', '/d/a.parquet', 1, 4n)], addDeletes: [dv('/d/v0b.puffin', '/d/a.parquet', 1, 4n)] }).commit()
    await expect(same.commit()).rejects.toThrow(/Found concurrently added DV for \/d\/a\.parquet: \/d\/v0b\.puffin/)
    expect(await live(await other.commit())).toEqual({ '/d/a.parquet': ['/d/v0b.puffin'], '/d/b.parquet': ['/d/v2.puffin'] })
  })
})

describe('overwrite validation', () => {
  it.each(ISOLATIONS)('%s: a concurrent compaction (replace) of a file matching the filter conflicts', async (isolation) => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const tx = t.transaction().overwrite({ filter: equal('p', 1), addFiles: [df('/d/n.parquet', 1)], isolation })
    await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit()
    await expect(tx.commit()).rejects.toThrow(/Found conflicting deleted files that can contain records matching p = 1: \/d\/a\.parquet/)
  })

  it('removing files: new deletes for them conflict when a row delta added them, not when a replace did', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)] }).commit()
    const afterReplace = t.transaction().overwrite({ deleteFiles: [df('/d/a.parquet', 1)], addFiles: [df('/d/a-new.parquet', 1)] })
    await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)], addDeletes: [posDel('/d/d2.parquet', '/d/a.parquet', 1)] }).commit()
    const r = await afterReplace.commit()
    expect(Object.keys(await live(r)).sort()).toEqual(['/d/a-new.parquet', '/d/b.parquet'])
    const afterDelta = r.transaction().overwrite({ deleteFiles: [df('/d/b.parquet', 2)], isolation: 'snapshot' })
    await r.transaction().rowDelta({ addDeletes: [posDel('/d/d3.parquet', '/d/b.parquet', 2)] }).commit()
    await expect(afterDelta.commit()).rejects.toThrow(/Cannot commit, found new delete for replaced data file: \/d\/b\.parquet/)
  })

  it('an overwrite that only adds files does not validate deletes', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1)])
    const tx = t.transaction().overwrite({ addFiles: [df('/d/n.parquet', 2)], isolation: 'snapshot' })
    await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)] }).commit()
    expect(await live(await tx.commit())).toEqual({ '/d/a.parquet': ['/d/pd.parquet'], '/d/n.parquet': [] })
  })
})

describe('rewrite validation', () => {
  it('new position deletes for a rewritten file conflict when added by a row delta, not by a replace', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)] }).commit()
    const compactA = t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] })
    await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)], addDeletes: [posDel('/d/d2.parquet', '/d/a.parquet', 1)] }).commit()
    expect(Object.keys(await live(await compactA.commit())).sort()).toEqual(['/d/a2.parquet', '/d/b.parquet'])
    const t2 = await t.refresh()
    const compactB = t2.transaction().rewrite({ removeData: [df('/d/b.parquet', 1)], addData: [df('/d/b2.parquet', 1)] })
    await t2.transaction().rowDelta({ addDeletes: [posDel('/d/d3.parquet', '/d/b.parquet', 1)] }).commit()
    await expect(compactB.commit()).rejects.toThrow(/found new delete for replaced data file: \/d\/b\.parquet/)
  })

  it('equality deletes are ignored when the rewrite keeps the starting sequence number', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1)])
    const start = t.currentSnapshot()!.sequenceNumber
    const keeping = t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)], dataSequenceNumber: start })
    const fresh = t.transaction().rewrite({ removeData: [df('/d/b.parquet', 1)], addData: [df('/d/b2.parquet', 1)] })
    await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet', 1)] }).commit()
    const r = await keeping.commit()
    expect((await live(r))['/d/a2.parquet']).toEqual(['/d/eq.parquet'])
    await expect(fresh.commit()).rejects.toThrow(/found new delete for replaced data file: \/d\/b\.parquet/)
  })
})
