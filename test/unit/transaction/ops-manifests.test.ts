// How file-changing updates filter and list manifests (Java ManifestFilterManager and MergingSnapshotProducer):
// the filter's residual per partition is judged on each file's metrics, delete files included; parent manifests
// without live files are dropped; data manifests are listed before delete manifests and merged per
// commit.manifest.* like a merge append.
import { describe, expect, it } from 'vitest'
import { alwaysTrue, and, equal, greaterThanOrEqual } from '../../../src/expr/expression.js'
import { df, entriesOf, eqDel, live, liveDeletes, manifestsOf, posDel, table, withIdStats } from './ops-fixtures.js'

describe('removal by filter', () => {
  it('removes delete files whose metrics show every row matches, keeps the others', async () => {
    let t = await (await table(2)).append([withIdStats(df('/d/a.parquet', 1), 0n, 9n), withIdStats(df('/d/b.parquet', 1), 10n, 19n)])
    t = await t.transaction().rowDelta({ addDeletes: [withIdStats(eqDel('/d/e15.parquet', 1), 15n, 15n), withIdStats(eqDel('/d/e3.parquet', 1), 3n, 3n), posDel('/d/pd.parquet', '/d/b.parquet', 1)] }).commit()
    t = await t.transaction().delete({ filter: greaterThanOrEqual('id', 10n) }).commit()
    expect(Object.keys(await live(t))).toEqual(['/d/a.parquet'])
    expect(await liveDeletes(t)).toEqual(['/d/e3.parquet', '/d/pd.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'deleted-data-files': '1', 'removed-delete-files': '1', 'removed-equality-delete-files': '1' })
  })

  it("judges the filter's residual for the file's partition: a file without partition-column stats can be fully matched", async () => {
    let t = await (await table(2)).append([withIdStats(df('/d/a.parquet', 1), 5n, 9n), withIdStats(df('/d/b.parquet', 2), 5n, 9n), withIdStats(df('/d/c.parquet', 1), 0n, 4n)])
    t = await t.transaction().delete({ filter: and(equal('p', 1), greaterThanOrEqual('id', 5n)) }).commit()
    expect(Object.keys(await live(t)).sort()).toEqual(['/d/b.parquet', '/d/c.parquet'])
  })

  it('keeps a file with no records, which cannot hold a matching row', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/empty.parquet', 1, 0n)])
    t = await t.transaction().delete({ filter: alwaysTrue }).commit()
    const liveData: string[] = []
    for (const mf of await manifestsOf(t)) for (const e of await entriesOf(t, mf)) if (e.status !== 'deleted') liveData.push(e.dataFile.filePath)
    expect(liveData).toEqual(['/d/empty.parquet'])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'deleted-data-files': '1', 'total-data-files': '1' })
  })
})

describe('manifest list', () => {
  it("drops the parent's manifests without live files, keeping this commit's own", async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.append([df('/d/b.parquet', 2)])
    t = await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    const dead = (await manifestsOf(t)).filter((m) => m.addedFilesCount === 0 && m.existingFilesCount === 0)
    expect(dead.map((m) => m.addedSnapshotId)).toEqual([t.currentSnapshot()!.snapshotId])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/b.parquet', 2)] }).commit()
    const list = await manifestsOf(t)
    expect(list.some((m) => m.manifestPath === dead[0]!.manifestPath)).toBe(false)
    expect(list.map((m) => m.content)).toEqual(['data', 'deletes'])
    expect(await live(t)).toEqual({ '/d/b.parquet': ['/d/pd.parquet'] })
  })

  it('lists data manifests before delete manifests, rewritten manifests in place', async () => {
    let t = await (await table(2)).append([df('/d/a.parquet', 1)])
    t = await t.append([df('/d/b.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/a.parquet', 1)] }).commit()
    const before = await manifestsOf(t)
    t = await t.transaction().overwrite({ deleteFiles: [df('/d/b.parquet', 2)], addFiles: [df('/d/c.parquet', 3)] }).commit()
    const after = await manifestsOf(t)
    const id = t.currentSnapshot()!.snapshotId
    expect(after.map((m) => [m.content, m.addedSnapshotId === id])).toEqual([
      ['data', true],
      ['data', true],
      ['data', false],
      ['deletes', false],
    ])
    expect(after[2]!.manifestPath).toBe(before[1]!.manifestPath)
    expect(after[3]!.manifestPath).toBe(before[2]!.manifestPath)
    expect((await entriesOf(t, after[1]!)).map((e) => [e.status, e.dataFile.filePath])).toEqual([['deleted', '/d/b.parquet']])
  })

  it('a row delta merges small manifests per commit.manifest.min-count-to-merge', async () => {
    let t = await table(2, { 'commit.manifest.min-count-to-merge': '3' })
    for (const p of [1, 2, 3]) t = await t.append([df(`/d/${p}.parquet`, p)])
    expect((await manifestsOf(t)).length).toBe(3)
    t = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/1.parquet', 1)] }).commit()
    const list = await manifestsOf(t)
    expect(list.map((m) => [m.content, m.addedFilesCount, m.existingFilesCount])).toEqual([
      ['data', 0, 3],
      ['deletes', 1, 0],
    ])
    expect(await live(t)).toEqual({ '/d/1.parquet': ['/d/pd.parquet'], '/d/2.parquet': [], '/d/3.parquet': [] })
  })

  it('a delete that rewrites a manifest merges it with the others, keeping its deleted entry', async () => {
    let t = await table(2, { 'commit.manifest.min-count-to-merge': '2' })
    for (const p of [1, 2, 3]) t = await t.append([df(`/d/${p}.parquet`, p)])
    expect((await manifestsOf(t)).length).toBe(3)
    t = await t.transaction().delete({ files: [df('/d/2.parquet', 2)] }).commit()
    const list = await manifestsOf(t)
    expect(list.map((m) => [m.content, m.addedFilesCount, m.existingFilesCount, m.deletedFilesCount])).toEqual([['data', 0, 2, 1]])
    const entries = await entriesOf(t, list[0]!)
    expect(entries.map((e) => [e.status, e.dataFile.filePath]).sort()).toEqual([
      ['deleted', '/d/2.parquet'],
      ['existing', '/d/1.parquet'],
      ['existing', '/d/3.parquet'],
    ])
    // the existing entries keep the sequence numbers their appends gave them
    expect(entries.filter((e) => e.status === 'existing').map((e) => e.sequenceNumber).sort()).toEqual([1n, 3n])
    expect(Object.keys(await live(t)).sort()).toEqual(['/d/1.parquet', '/d/3.parquet'])
  })

  it('a rewrite keeping the starting sequence number keeps it on a table that merges manifests', async () => {
    let t = await table(2, { 'commit.manifest.min-count-to-merge': '2' })
    for (const p of [1, 2, 3]) t = await t.append([df(`/d/${p}.parquet`, p)])
    const seq = t.currentSnapshot()!.sequenceNumber
    t = await t.transaction().rewrite({ removeData: [df('/d/1.parquet', 1)], addData: [df('/d/1c.parquet', 1)], dataSequenceNumber: seq }).commit()
    const task = (await t.scan().planFiles()).find((x) => x.file.filePath === '/d/1c.parquet')!
    expect(task.dataSequenceNumber).toBe(seq)
  })
})
