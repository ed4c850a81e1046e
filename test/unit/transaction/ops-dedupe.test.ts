// Added files are sets, as in Java (DataFileSet by location, DeleteFileSet by location and DV blob): a file
// given twice is added and counted once; two different DVs for one data file are refused.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import type { Table } from '../../../src/table/table.js'
import { df, dv, entriesOf, live, manifestsOf, posDel, table } from './ops-fixtures.js'

async function addedEntries(t: Table): Promise<string[]> {
  const out: string[] = []
  const id = t.currentSnapshot()!.snapshotId
  for (const mf of await manifestsOf(t)) for (const e of await entriesOf(t, mf)) if (e.status === 'added' && e.snapshotId === id) out.push(e.dataFile.filePath + (e.dataFile.contentOffset === undefined ? '' : `#${e.dataFile.contentOffset}`))
  return out.sort()
}

describe('added files are de-duplicated', () => {
  it('a data file given twice to an overwrite, a row delta or a dynamic overwrite is added once', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.transaction().overwrite({ filter: equal('p', 1), addFiles: [df('/d/o.parquet', 1), df('/d/o.parquet', 1, 99n)] }).commit()
    expect(await addedEntries(t)).toEqual(['/d/o.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-data-files': '1', 'added-records': '10', 'total-data-files': '1' })
    t = await t.transaction().rowDelta({ addDeletes: [], addData: [df('/d/r.parquet', 2), df('/d/r.parquet', 2)] }).commit()
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-data-files': '1', 'total-data-files': '2' })
    t = await t.transaction().replacePartitions([df('/d/p.parquet', 2), df('/d/p.parquet', 2)]).commit()
    expect(Object.keys(await live(t)).sort()).toEqual(['/d/o.parquet', '/d/p.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-data-files': '1', 'total-data-files': '2' })
  })

  it('a delete file given twice is added once', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet'), posDel('/d/pd.parquet', '/d/a.parquet')] }).commit()
    expect(await addedEntries(t)).toEqual(['/d/pd.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-delete-files': '1', 'added-position-deletes': '1', 'total-delete-files': '1' })
  })

  it('v3: the same DV twice is one; DVs of one Puffin file for different data files are distinct; two DVs for one data file are refused', async () => {
    let t = await (await table(3)).append([df('/d/a.parquet', 1, 100n), df('/d/b.parquet', 1, 100n)])
    t = await t.transaction().rowDelta({ addDeletes: [dv('/d/x.puffin', '/d/a.parquet', 1, 4n), dv('/d/x.puffin', '/d/a.parquet', 1, 4n), dv('/d/x.puffin', '/d/b.parquet', 1, 44n)] }).commit()
    expect(await addedEntries(t)).toEqual(['/d/x.puffin#4', '/d/x.puffin#44'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-dvs': '2', 'total-delete-files': '2' })
    const twice = (): unknown => t.transaction().rowDelta({ addDeletes: [dv('/d/y.puffin', '/d/a.parquet', 1, 4n), dv('/d/z.puffin', '/d/a.parquet', 1, 4n)] })
    expect(twice).toThrow(InvalidArgumentError)
    expect(twice).toThrow(/Two deletion vectors for data file \/d\/a\.parquet/)
  })
})
