// Dynamic partition overwrite (Java BaseReplacePartitions): the added files replace every data and delete
// file of their partitions; under an unpartitioned spec they replace everything; validation looks at exactly
// the replaced partitions (or everything when unpartitioned).
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../../src/errors.js'
import { Transforms } from '../../../src/spec/transform.js'
import { df, eqDel, live, liveDeletes, posDel, table } from './ops-fixtures.js'

describe('replacePartitions', () => {
  it('drops the delete files of the replaced partitions and counts them in the summary', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd-a.parquet', '/d/a.parquet', 1), eqDel('/d/eq-1.parquet', 1), posDel('/d/pd-b.parquet', '/d/b.parquet', 2)] }).commit()
    t = await t.transaction().replacePartitions([df('/d/new.parquet', 1)]).commit()
    expect(await live(t)).toEqual({ '/d/b.parquet': ['/d/pd-b.parquet'], '/d/new.parquet': [] })
    expect(await liveDeletes(t)).toEqual(['/d/pd-b.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({
      operation: 'overwrite',
      'replace-partitions': 'true',
      'deleted-data-files': '1',
      'removed-delete-files': '2',
      'removed-position-delete-files': '1',
      'removed-equality-delete-files': '1',
      'total-delete-files': '1',
      'total-data-files': '2',
    })
  })

  it('replaces all data, under every earlier spec, when the written spec is unpartitioned', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq-2.parquet', 2)] }).commit()
    t = await t.transaction().updateSpec((s) => s.removeField('p')).commit()
    const spec = t.metadata.defaultSpecId
    t = await t.append([df('/d/c.parquet', null, 10n, { specId: spec })])
    t = await t.transaction().replacePartitions([df('/d/new.parquet', null, 5n, { specId: spec })]).commit()
    expect(await live(t)).toEqual({ '/d/new.parquet': [] })
    expect(await liveDeletes(t)).toEqual([])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'deleted-data-files': '3', 'removed-delete-files': '1', 'total-records': '5' })
  })

  it('validates everything when the written spec is unpartitioned: a concurrent append under an old spec conflicts', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.transaction().updateSpec((s) => s.removeField('p')).commit()
    const spec = t.metadata.defaultSpecId
    const stale = t.transaction().replacePartitions([df('/d/new.parquet', null, 5n, { specId: spec })])
    await t.append([df('/d/late.parquet', 3)])
    await expect(stale.commit()).rejects.toThrow(/Found conflicting files that can contain records matching true: \/d\/late\.parquet/)
  })

  it('validates exactly the replaced partitions: a file of the same tuple under another spec does not conflict', async () => {
    let t = await table(2, {}, false)
    t = await t.append([df('/d/old.parquet', null)])
    t = await t.transaction().updateSpec((s) => s.addField(Transforms.identity, 'p')).commit()
    const spec = t.metadata.defaultSpecId
    const tx = t.transaction().replacePartitions([df('/d/new.parquet', 1, 10n, { specId: spec })])
    await t.append([df('/d/late-unpartitioned.parquet', null)])
    const done = await tx.commit()
    expect(Object.keys(await live(done)).sort()).toEqual(['/d/late-unpartitioned.parquet', '/d/new.parquet', '/d/old.parquet'])
  })

  it('fails when a concurrent compaction removed a file of a replaced partition, but not when it only rewrote delete files', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)] }).commit()
    const overDeletes = t.transaction().replacePartitions([df('/d/n1.parquet', 1)], { isolation: 'snapshot' })
    await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)], addDeletes: [posDel('/d/pd2.parquet', '/d/a.parquet', 1)] }).commit()
    const r = await overDeletes.commit()
    expect(await live(r)).toEqual({ '/d/b.parquet': [], '/d/n1.parquet': [] })
    const t2 = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const stale = t2.transaction().replacePartitions([df('/d/n2.parquet', 1)], { isolation: 'snapshot' })
    await t2.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a-compacted.parquet', 1)] }).commit()
    await expect(stale.commit()).rejects.toThrow(/Found conflicting deleted files that can apply to records matching partitions .*: \/d\/a\.parquet/)
  })

  it('fails under snapshot isolation when a concurrent row delta added deletes in a replaced partition', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const stale = t.transaction().replacePartitions([df('/d/n.parquet', 1)], { isolation: 'snapshot' })
    const other = t.transaction().replacePartitions([df('/d/m.parquet', 2)], { isolation: 'snapshot' })
    await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)] }).commit()
    await expect(stale.commit()).rejects.toThrow(/Found new conflicting delete files .*\/d\/pd\.parquet/)
    expect(Object.keys(await live(await other.commit())).sort()).toEqual(['/d/a.parquet', '/d/m.parquet'])
  })

  it('needs added files, all of one spec', async () => {
    const t = await table(2)
    expect(() => t.transaction().replacePartitions([])).toThrow(InvalidArgumentError)
    expect(() => t.transaction().replacePartitions([df('/d/a.parquet', 1), df('/d/b.parquet', null, 10n, { specId: 1 })])).toThrow(/different partition specs/)
  })
})
