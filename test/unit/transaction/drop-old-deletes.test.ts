// Java's dropDeleteFilesOlderThan: every commit that filters the table's manifests also removes the delete
// files whose data sequence number is below that of every data file kept from the parent (or below the
// table's last sequence number when none is kept) — they can apply to no live row. They count as removed
// delete files in the summary. Commits that remove nothing read no manifest and keep them.
import { describe, expect, it } from 'vitest'
import { df, eqDel, liveDeletes, posDel, table } from './ops-fixtures.js'

describe('delete files older than every data file', () => {
  it('a compaction of every data file drops the older position and equality deletes, counted in the summary', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet'), df('/d/b.parquet')]) // seq 1
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pos.parquet', '/d/a.parquet')] }).commit() // seq 2
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet')] }).commit() // seq 3
    t = await t.append([df('/d/c.parquet')]) // seq 4
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet', '/d/pos.parquet'])
    t = await t.transaction().rewrite({ removeData: [df('/d/a.parquet'), df('/d/b.parquet'), df('/d/c.parquet')], addData: [df('/d/d.parquet', 1, 29n)] }).commit()
    expect(await liveDeletes(t)).toEqual([])
    const s = t.currentSnapshot()!.summary
    expect(s.operation).toBe('replace')
    expect(s['removed-delete-files']).toBe('2')
    expect(s['removed-position-delete-files']).toBe('1')
    expect(s['removed-equality-delete-files']).toBe('1')
    expect(s['removed-position-deletes']).toBe('1')
    expect(s['removed-equality-deletes']).toBe('1')
    expect(s['total-delete-files']).toBe('0')
  })

  it('keeps deletes as new as the oldest kept data file, or as the table when no data file is kept', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet')]) // seq 1
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet')] }).commit() // seq 2
    // every data file is replaced: the minimum is the table's last sequence number, 2, which eq.parquet is not below
    t = await t.transaction().rewrite({ removeData: [df('/d/a.parquet')], addData: [df('/d/a2.parquet')] }).commit() // seq 3
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet'])
    // commits that remove nothing read no manifest: an append and a delete-only row delta keep it
    t = await t.append([df('/d/b.parquet')]) // seq 4
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pos.parquet', '/d/b.parquet')] }).commit() // seq 5
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet', '/d/pos.parquet'])
    // the next removal sees the oldest kept data file at 3 (a2): eq.parquet (2) goes, pos.parquet (5) stays
    t = await t.transaction().delete({ files: [df('/d/b.parquet')] }).commit()
    expect(await liveDeletes(t)).toEqual(['/d/pos.parquet'])
    expect(t.currentSnapshot()!.summary['removed-equality-delete-files']).toBe('1')
  })

  it('an old data file still live keeps every delete newer than it, in any partition', async () => {
    let t = await table()
    t = await t.append([df('/d/old.parquet', 2)]) // seq 1, partition 2
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet', 1)] }).commit() // seq 2, partition 1
    t = await t.append([df('/d/a.parquet', 1)]) // seq 3
    t = await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet'])
    t = await t.transaction().delete({ files: [df('/d/old.parquet', 2)] }).commit()
    expect(await liveDeletes(t)).toEqual([])
  })

  it('a retry recomputes the minimum: a concurrent rewrite keeping an old sequence number keeps the delete', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet')]) // seq 1
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet')] }).commit() // seq 2
    t = await t.append([df('/d/b.parquet')]) // seq 3
    // on this state, removing a leaves b (3) as the oldest data file: the first attempt drops eq.parquet (2)
    const tx = t.transaction().rewrite({ removeData: [df('/d/a.parquet')], addData: [df('/d/a2.parquet')] })
    // meanwhile b is compacted keeping sequence number 1, so eq.parquet applies to b2
    await t.transaction().rewrite({ removeData: [df('/d/b.parquet')], addData: [df('/d/b2.parquet')], dataSequenceNumber: 1n }).commit()
    t = await tx.commit() // the retry sees b2 (1): eq.parquet must stay
    expect(t.currentSnapshot()!.summary['added-data-files']).toBe('1')
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet'])
    expect((await t.scan().planFiles()).map((x) => [x.file.filePath, x.deletes.map((d) => d.filePath)])).toEqual(
      expect.arrayContaining([['/d/b2.parquet', ['/d/eq.parquet']]]),
    )
  })

  // Java drops it (apache/iceberg#10962): floe counts the sequence number the rewrite gives its files
  it('a compaction keeping its starting sequence number keeps a delete committed meanwhile that still applies to its output', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet')]) // seq 1
    const compaction = t.transaction().rewrite({ removeData: [df('/d/a.parquet')], addData: [df('/d/a2.parquet')], dataSequenceNumber: 1n })
    let other = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet')] }).commit() // seq 2
    other = await other.append([df('/d/b.parquet')]) // seq 3
    t = await compaction.commit()
    expect(await liveDeletes(t)).toEqual(['/d/eq.parquet'])
    expect(t.currentSnapshot()!.summary['removed-equality-delete-files']).toBeUndefined()
    const a2 = (await t.scan().planFiles()).find((x) => x.file.filePath === '/d/a2.parquet')!
    expect(a2.dataSequenceNumber).toBe(1n)
    expect(a2.deletes.map((d) => d.filePath)).toEqual(['/d/eq.parquet'])
  })
})
