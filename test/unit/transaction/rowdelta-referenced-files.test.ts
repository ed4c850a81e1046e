// Row delta `referencedDataFiles` (Java RowDelta.validateDataFilesExist): data files that the added deletes
// apply to but that no delete file names by itself (a v2 position delete file covering several data files)
// must still be live at commit; a concurrent compaction or overwrite that removed one fails the delta.
import { describe, expect, it } from 'vitest'
import { DELETE_FILE_PATH_ID } from '../../../src/deletes/position-deletes.js'
import { isFloeError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { Table } from '../../../src/table/table.js'
import { df, live, table } from './ops-fixtures.js'

/** A v2 position delete file that names no data file (it may hold deletes for several). */
function multiFilePosDel(path: string, p = 1, extra: Partial<DataFile> = {}): DataFile {
  return { content: 'position-deletes', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 2n, fileSizeInBytes: 10n, ...extra }
}

/** A position delete file limited to `target` only by its file_path bounds (writers before referenced_data_file). */
function boundsScopedPosDel(path: string, target: string, p = 1): DataFile {
  const b = new TextEncoder().encode(target)
  return multiFilePosDel(path, p, { recordCount: 1n, lowerBounds: new Map([[DELETE_FILE_PATH_ID, b]]), upperBounds: new Map([[DELETE_FILE_PATH_ID, b]]) })
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected the commit to fail'),
    (e: unknown) => e,
  )
}

async function twoFiles(): Promise<Table> {
  return (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1), df('/d/x.parquet', 2)])
}

describe('row delta: referencedDataFiles must still be live', () => {
  it('a concurrent compaction of the listed files fails the delta (VALIDATION), nothing is committed', async () => {
    const t = await twoFiles()
    const stale = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/ab.parquet')], referencedDataFiles: ['/d/a.parquet', '/d/b.parquet'] })
    const compacted = await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1), df('/d/b.parquet', 1)], addData: [df('/d/c.parquet', 1, 20n)] }).commit()
    const e = await failure(stale.commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/Cannot commit, missing data files: .*\/d\/a\.parquet/)
    expect((e as Error).message).toMatch(/\/d\/b\.parquet/)
    expect((await compacted.refresh()).currentSnapshot()!.snapshotId).toBe(compacted.currentSnapshot()!.snapshotId)
  })

  it('any iterable of paths is accepted, and files that are still live do not conflict', async () => {
    const t = await twoFiles()
    const stale = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/ab.parquet')], referencedDataFiles: new Set(['/d/a.parquet', '/d/b.parquet']) })
    await t.transaction().rewrite({ removeData: [df('/d/x.parquet', 2)], addData: [df('/d/x2.parquet', 2)] }).commit()
    expect(await live(await stale.commit())).toEqual({ '/d/a.parquet': ['/del/ab.parquet'], '/d/b.parquet': ['/del/ab.parquet'], '/d/x2.parquet': [] })
  })

  it('removals by delete snapshots count only with validateDeletedFiles (the default), as Java', async () => {
    const t = await twoFiles()
    const strict = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/s.parquet')], referencedDataFiles: ['/d/a.parquet', '/d/b.parquet'] })
    const lenient = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/l.parquet')], referencedDataFiles: ['/d/a.parquet', '/d/b.parquet'], validateDeletedFiles: false })
    await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    await expect(strict.commit()).rejects.toThrow(/missing data files: \/d\/a\.parquet/)
    expect(await live(await lenient.commit())).toEqual({ '/d/b.parquet': ['/del/l.parquet'], '/d/x.parquet': [] })
  })

  it('only the validation window counts: a file removed before the starting snapshot is not a conflict', async () => {
    const t = await twoFiles()
    const after = await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit()
    const r = await after.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/ab.parquet')], referencedDataFiles: ['/d/a.parquet'], fromSnapshotId: after.currentSnapshot()!.snapshotId }).commit()
    expect(r.currentSnapshot()!.summary.operation).toBe('delete')
  })

  it('the conflict filter narrows the removed files looked at', async () => {
    const t = await twoFiles()
    const outside = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/x.parquet', 2)], referencedDataFiles: ['/d/a.parquet', '/d/x.parquet'], conflictFilter: equal('p', 2) })
    const inside = t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/a.parquet', 1)], referencedDataFiles: ['/d/a.parquet'], conflictFilter: equal('p', 1) })
    await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit()
    await expect(inside.commit()).rejects.toThrow(/missing data files: \/d\/a\.parquet/)
    expect((await outside.commit()).currentSnapshot()!.summary.operation).toBe('delete')
  })

  it('a listed file may not also be removed by the same delta', async () => {
    const t = await twoFiles()
    const e = await failure(t.transaction().rowDelta({ addDeletes: [multiFilePosDel('/del/ab.parquet')], removeData: [df('/d/a.parquet', 1)], referencedDataFiles: ['/d/a.parquet', '/d/b.parquet'] }).commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/Cannot delete data files \/d\/a\.parquet that are referenced by new delete files/)
  })

  it('a position delete scoped to one file by its file_path bounds references that file without being listed', async () => {
    const t = await twoFiles()
    const stale = t.transaction().rowDelta({ addDeletes: [boundsScopedPosDel('/del/a.parquet', '/d/a.parquet')] })
    await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit()
    await expect(stale.commit()).rejects.toThrow(/missing data files: \/d\/a\.parquet/)
  })
})
