// The snapshot `operation` each file-changing update records, from what was requested (Java
// BaseOverwriteFiles.operation, BaseRowDelta.operation, StreamingDelete, BaseReplacePartitions, BaseRewriteFiles):
// a requested removal counts even when it matches nothing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alwaysFalse, equal, type Expression } from '../../../src/expr/expression.js'
import type { Operation } from '../../../src/spec/snapshot.js'
import type { Table } from '../../../src/table/table.js'
import { df, posDel, table } from './ops-fixtures.js'

const opOf = (t: Table): Operation => t.currentSnapshot()!.summary.operation

describe('operation', () => {
  it('overwrite: a filter matching nothing still counts as a removal', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.transaction().overwrite({ filter: equal('p', 9), addFiles: [df('/d/n.parquet', 9)] }).commit()
    expect(opOf(t)).toBe('overwrite')
    t = await t.transaction().overwrite({ filter: equal('p', 7) }).commit()
    expect(opOf(t)).toBe('delete')
    t = await t.transaction().overwrite({ addFiles: [df('/d/m.parquet', 2)] }).commit()
    expect(opOf(t)).toBe('append')
    t = await t.transaction().overwrite({ filter: alwaysFalse, addFiles: [df('/d/k.parquet', 2)] }).commit()
    expect(opOf(t)).toBe('append')
    t = await t.transaction().overwrite({}).commit()
    expect(opOf(t)).toBe('overwrite')
  })

  it('row delta: data only is an append, removals only an overwrite, deletes without data a delete', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [], addData: [df('/d/n.parquet', 1)] }).commit()
    expect(opOf(t)).toBe('append')
    t = await t.transaction().rowDelta({ addDeletes: [], removeData: [df('/d/n.parquet', 1)] }).commit()
    expect(opOf(t)).toBe('overwrite')
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)] }).commit()
    expect(opOf(t)).toBe('delete')
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d2.parquet', '/d/a.parquet', 1)], removeDeletes: [posDel('/d/d1.parquet', '/d/a.parquet', 1)] }).commit()
    expect(opOf(t)).toBe('delete')
    t = await t.transaction().rowDelta({ addDeletes: [], removeDeletes: [posDel('/d/d2.parquet', '/d/a.parquet', 1)] }).commit()
    expect(opOf(t)).toBe('overwrite')
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/d3.parquet', '/d/b.parquet', 2)], addData: [df('/d/c.parquet', 2)] }).commit()
    expect(opOf(t)).toBe('overwrite')
  })

  it('delete is always a delete, replace partitions an overwrite, rewrite a replace', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1)])
    expect(opOf(await t.transaction().delete({ filter: equal('p', 5) }).commit())).toBe('delete')
    expect(opOf(await t.transaction().replacePartitions([df('/d/r.parquet', 4)]).commit())).toBe('overwrite')
    expect(opOf(await (await t.refresh()).transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit())).toBe('replace')
  })

  it('property: overwrite and row delta follow Java whatever is requested', async () => {
    const base = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const filters: Record<string, Expression | undefined> = { none: undefined, matching: equal('p', 1), nothing: equal('p', 8), false: alwaysFalse }
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom('none', 'matching', 'nothing', 'false'), fc.boolean(), async (adds, filterName, removesFile) => {
        const filter = filters[filterName]
        const t = await base.transaction().overwrite({ ...(filter ? { filter } : {}), ...(adds ? { addFiles: [df('/d/new.parquet', 1)] } : {}), ...(removesFile ? { deleteFiles: [df('/d/b.parquet', 2)] } : {}) }).commit()
        const deletes = removesFile || filterName === 'matching' || filterName === 'nothing'
        expect(opOf(t)).toBe(deletes && !adds ? 'delete' : adds && !deletes ? 'append' : 'overwrite')
        await t.transaction().manageSnapshots((m) => m.rollbackTo(base.currentSnapshot()!.snapshotId)).commit()
      }),
      { numRuns: 24 },
    )
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), fc.boolean(), async (addsData, addsDeletes, removesData) => {
        const cur = await base.refresh()
        const t = await cur
          .transaction()
          .rowDelta({
            addDeletes: addsDeletes ? [posDel('/d/pd.parquet', '/d/a.parquet', 1)] : [],
            ...(addsData ? { addData: [df('/d/new.parquet', 1)] } : {}),
            ...(removesData ? { removeData: [df('/d/b.parquet', 2)] } : {}),
          })
          .commit()
        expect(opOf(t)).toBe(addsData && !addsDeletes && !removesData ? 'append' : addsDeletes && !addsData ? 'delete' : 'overwrite')
        await t.transaction().manageSnapshots((m) => m.rollbackTo(base.currentSnapshot()!.snapshotId)).commit()
      }),
      { numRuns: 16 },
    )
  })
})
