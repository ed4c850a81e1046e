// Compacting delete files (Java RewriteFiles.addFile(DeleteFile, long)): a new delete file given with an explicit
// data sequence number keeps applying to exactly the data files the replaced one did, instead of taking the new
// snapshot's number and reaching rows appended after the original delete.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { Table } from '../../../src/table/table.js'
import { df, entriesOf, eqDel, live, manifestsOf, table } from './ops-fixtures.js'

/** A v2 position delete file scoped only by partition (it may hold deletes for any file of the partition). */
function partitionPosDel(path: string, p = 1): DataFile {
  return { content: 'position-deletes', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 1n, fileSizeInBytes: 10n }
}

/** The live delete entries of the current snapshot: path -> [data sequence number, file sequence number]. */
async function deleteSequences(t: Table): Promise<Record<string, [bigint | undefined, bigint | undefined]>> {
  const out: Record<string, [bigint | undefined, bigint | undefined]> = {}
  for (const mf of await manifestsOf(t)) if (mf.content === 'deletes') for (const e of await entriesOf(t, mf)) if (e.status !== 'deleted') out[e.dataFile.filePath] = [e.sequenceNumber, e.fileSequenceNumber]
  return out
}

/** a (seq 1), the equality or position delete `del` (seq 2), then b appended after it (seq 3). */
async function history(del: DataFile): Promise<Table> {
  let t = await (await table(2)).append([df('/d/a.parquet', 1)])
  t = await t.transaction().rowDelta({ addDeletes: [del] }).commit()
  return t.append([df('/d/b.parquet', 1)])
}

describe('rewrite: added delete files with an explicit data sequence number', () => {
  it('a compacted equality delete keeps the replaced one’s sequence number and does not reach later rows', async () => {
    let t = await history(eqDel('/e/eq1.parquet', 1))
    expect(await live(t)).toEqual({ '/d/a.parquet': ['/e/eq1.parquet'], '/d/b.parquet': [] })
    t = await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [eqDel('/e/eq1.parquet', 1)], addDeletes: [{ file: eqDel('/e/eq2.parquet', 1), dataSequenceNumber: 2n }] }).commit()
    expect(t.currentSnapshot()!.sequenceNumber).toBe(4n)
    expect(await live(t)).toEqual({ '/d/a.parquet': ['/e/eq2.parquet'], '/d/b.parquet': [] })
    // explicit data sequence number, file sequence number of the commit
    expect(await deleteSequences(t)).toEqual({ '/e/eq2.parquet': [2n, 4n] })
    // the new delete manifest's minimum sequence number counts the older explicit one
    const added = (await manifestsOf(t)).find((mf) => mf.content === 'deletes' && mf.addedSnapshotId === t.currentSnapshot()!.snapshotId && mf.addedFilesCount === 1)!
    expect([added.sequenceNumber, added.minSequenceNumber]).toEqual([4n, 2n])
  })

  it('a compacted partition-scoped position delete keeps its sequence number', async () => {
    let t = await history(partitionPosDel('/e/pos1.parquet'))
    expect(await live(t)).toEqual({ '/d/a.parquet': ['/e/pos1.parquet'], '/d/b.parquet': [] })
    t = await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [partitionPosDel('/e/pos1.parquet')], addDeletes: [{ file: partitionPosDel('/e/pos2.parquet'), dataSequenceNumber: 2n }] }).commit()
    expect(await live(t)).toEqual({ '/d/a.parquet': ['/e/pos2.parquet'], '/d/b.parquet': [] })
  })

  it('a delete file given as is still gets the new snapshot’s sequence number (the existing API)', async () => {
    let t = await history(eqDel('/e/eq1.parquet', 1))
    t = await t
      .transaction()
      .rewrite({ removeData: [], addData: [], removeDeletes: [eqDel('/e/eq1.parquet', 1)], addDeletes: [eqDel('/e/eq2.parquet', 1), { file: eqDel('/e/eq3.parquet', 1), dataSequenceNumber: 2n }] })
      .commit()
    expect(await deleteSequences(t)).toEqual({ '/e/eq2.parquet': [4n, 4n], '/e/eq3.parquet': [2n, 4n] })
    expect(await live(t)).toEqual({ '/d/a.parquet': ['/e/eq2.parquet', '/e/eq3.parquet'], '/d/b.parquet': ['/e/eq2.parquet'] })
  })

  it('a delete file given twice is added once, with the first one’s sequence number', async () => {
    let t = await history(eqDel('/e/eq1.parquet', 1))
    t = await t
      .transaction()
      .rewrite({ removeData: [], addData: [], removeDeletes: [eqDel('/e/eq1.parquet', 1)], addDeletes: [{ file: eqDel('/e/eq2.parquet', 1), dataSequenceNumber: 2n }, eqDel('/e/eq2.parquet', 1)] })
      .commit()
    expect(await deleteSequences(t)).toEqual({ '/e/eq2.parquet': [2n, 4n] })
  })

  it('the sequence number survives a retry after a concurrent commit', async () => {
    const t = await history(eqDel('/e/eq1.parquet', 1))
    const stale = t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [eqDel('/e/eq1.parquet', 1)], addDeletes: [{ file: eqDel('/e/eq2.parquet', 1), dataSequenceNumber: 2n }] })
    await t.append([df('/d/c.parquet', 1)])
    const after = await stale.commit()
    expect(after.currentSnapshot()!.sequenceNumber).toBe(5n)
    expect(await deleteSequences(after)).toEqual({ '/e/eq2.parquet': [2n, 5n] })
    expect(await live(after)).toEqual({ '/d/a.parquet': ['/e/eq2.parquet'], '/d/b.parquet': [], '/d/c.parquet': [] })
  })

  it('a delete file’s sequence number does not relax validation: new equality deletes for replaced data still conflict', async () => {
    // as Java, equality deletes are ignored only when the new data files keep a sequence number
    const t = await (await table(2)).append([df('/d/a.parquet', 1)])
    const base = await t.transaction().rowDelta({ addDeletes: [eqDel('/e/eq1.parquet', 1)] }).commit()
    const rewrite = { removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)], removeDeletes: [eqDel('/e/eq1.parquet', 1)], addDeletes: [{ file: eqDel('/e/eq2.parquet', 1), dataSequenceNumber: 2n }] }
    const stale = base.transaction().rewrite(rewrite)
    const keeping = base.transaction().rewrite({ ...rewrite, dataSequenceNumber: 2n })
    await base.transaction().rowDelta({ addDeletes: [eqDel('/e/new.parquet', 1)] }).commit()
    const e = await stale.commit().then(
      () => expect.fail('expected a conflict'),
      (x: unknown) => x,
    )
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/found new delete for replaced data file: \/d\/a\.parquet/)
    const kept = await keeping.commit()
    expect(await live(kept)).toEqual({ '/d/a2.parquet': ['/e/new.parquet'] })
  })

  it('property: compacting one delete file with its own sequence number leaves every data file with the same deletes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('append', 'eq', 'pos'), { minLength: 2, maxLength: 7 }), fc.nat(), async (ops, pick) => {
        let t = await (await table(2)).append([df('/d/0.parquet', 1)])
        const deletes: Array<{ file: DataFile; seq: bigint }> = []
        for (const [i, op] of ops.entries()) {
          if (op === 'append') t = await t.append([df(`/d/${i + 1}.parquet`, 1)])
          else {
            const file = op === 'eq' ? eqDel(`/e/${i + 1}.parquet`, 1) : partitionPosDel(`/e/${i + 1}.parquet`)
            t = await t.transaction().rowDelta({ addDeletes: [file] }).commit()
            deletes.push({ file, seq: t.currentSnapshot()!.sequenceNumber })
          }
        }
        fc.pre(deletes.length > 0)
        const { file, seq } = deletes[pick % deletes.length]!
        const compacted = { ...file, filePath: '/e/compacted.parquet' }
        const before = await live(t)
        const expected = Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.map((p) => (p === file.filePath ? compacted.filePath : p)).sort()]))
        t = await t.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [file], addDeletes: [{ file: compacted, dataSequenceNumber: seq }] }).commit()
        expect(await live(t)).toEqual(expected)
      }),
      { numRuns: 15 },
    )
  })
})
