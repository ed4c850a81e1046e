// Cherry-pick as Java's CherryPickOperation: the published snapshot keeps the picked operation and adds only
// source-snapshot-id and published-wap-id to the summary; it is a merging snapshot (commit.manifest.* rules);
// a dynamic overwrite is re-applied as its data-file changes (adds, and removals that must still be live),
// failing only when main added data to its partitions since its parent.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import type { Table } from '../../../src/table/table.js'
import { df, eqDel, live, liveDeletes, manifestsOf, posDel, table } from './ops-fixtures.js'
import { FLOE_BUILD } from '../../../src/version.js'

/** Main holds /d/base.parquet (p=1) and /d/x.parquet (p=2); branch `wap` stages a dynamic overwrite of p=1. */
async function stagedOverwrite(props: Record<string, string> = {}): Promise<{ t: Table; staged: bigint }> {
  let t = await (await table(2, props)).append([df('/d/base.parquet', 1), df('/d/x.parquet', 2)])
  t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
  t = await t.transaction().onBranch('wap').replacePartitions([df('/d/new.parquet', 1)], { summary: { 'wap.id': 'w1' } }).commit()
  return { t, staged: t.metadata.refs.wap!.snapshotId }
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => expect.fail('expected the pick to fail'),
    (err: unknown) => err,
  )
  expect(isFloeError(e, 'VALIDATION')).toBe(true)
  return e as Error
}

describe('cherry-pick summary (Java CherryPickOperation)', () => {
  it('a picked dynamic overwrite: the overwrite operation, source-snapshot-id and published-wap-id, no replace-partitions or wap.id', async () => {
    const { t, staged } = await stagedOverwrite()
    const moved = await t.append([df('/d/other.parquet', 3)]) // not a fast-forward
    const picked = await moved.transaction().cherryPick(staged).commit()
    const s = picked.currentSnapshot()!
    expect(s.snapshotId).not.toBe(staged)
    expect(s.summary).toEqual({
      operation: 'overwrite',
      'source-snapshot-id': String(staged),
      'published-wap-id': 'w1',
      'added-data-files': '1',
      'deleted-data-files': '1',
      'added-records': '10',
      'deleted-records': '10',
      'added-files-size': '100',
      'removed-files-size': '100',
      'changed-partition-count': '1',
      'total-records': '30',
      'total-files-size': '300',
      'total-data-files': '3',
      'total-delete-files': '0',
      'total-position-deletes': '0',
      'total-equality-deletes': '0',
      'manifests-created': '2',
      'manifests-kept': '1',
      'manifests-replaced': '1',
      'iceberg-version': FLOE_BUILD,
    })
    expect(Object.keys(await live(picked)).sort()).toEqual(['/d/new.parquet', '/d/other.parquet', '/d/x.parquet'])
  })

  it('a picked append: the append operation with the two keys only', async () => {
    let t = await (await table(2)).append([df('/d/base.parquet', 1)])
    t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
    t = await t.append([df('/d/staged.parquet', 1)], { branch: 'wap', summary: { 'wap.id': 'w2', 'custom-key': 'x' } })
    const staged = t.metadata.refs.wap!.snapshotId
    t = await t.append([df('/d/other.parquet', 2)])
    const s = (await t.transaction().cherryPick(staged).commit()).currentSnapshot()!
    expect(s.summary.operation).toBe('append')
    expect(s.summary['source-snapshot-id']).toBe(String(staged))
    expect(s.summary['published-wap-id']).toBe('w2')
    expect(s.summary['wap.id']).toBeUndefined()
    expect(s.summary['custom-key']).toBeUndefined()
  })

  it('a fast-forward publishes the staged snapshot itself, its summary untouched', async () => {
    const { t, staged } = await stagedOverwrite()
    const before = t.metadata.snapshots.length
    const picked = await t.transaction().cherryPick(staged).commit()
    expect(picked.currentSnapshot()!.snapshotId).toBe(staged)
    expect(picked.metadata.snapshots).toHaveLength(before)
    expect(picked.currentSnapshot()!.summary).toEqual(t.metadata.snapshots.find((s) => s.snapshotId === staged)!.summary)
  })
})

describe('cherry-pick is a merging snapshot', () => {
  async function pickAppend(props: Record<string, string>): Promise<Table> {
    let t = await (await table(2, props)).append([df('/d/base.parquet', 1)])
    t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
    t = await t.append([df('/d/staged.parquet', 1)], { branch: 'wap' })
    const staged = t.metadata.refs.wap!.snapshotId
    t = await t.append([df('/d/other.parquet', 2)])
    return t.transaction().cherryPick(staged).commit()
  }

  it('merges manifests once commit.manifest.min-count-to-merge is reached', async () => {
    const t = await pickAppend({ 'commit.manifest.min-count-to-merge': '2' })
    const manifests = await manifestsOf(t)
    expect(manifests).toHaveLength(1)
    expect(manifests[0]).toMatchObject({ addedFilesCount: 1, existingFilesCount: 2 })
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'manifests-created': '1', 'manifests-kept': '0', 'manifests-replaced': '2' })
    expect(Object.keys(await live(t)).sort()).toEqual(['/d/base.parquet', '/d/other.parquet', '/d/staged.parquet'])
  })

  it('does not merge with commit.manifest-merge.enabled=false', async () => {
    const t = await pickAppend({ 'commit.manifest.min-count-to-merge': '2', 'commit.manifest-merge.enabled': 'false' })
    expect(await manifestsOf(t)).toHaveLength(3)
  })

  it('merges a picked dynamic overwrite too', async () => {
    const { t, staged } = await stagedOverwrite({ 'commit.manifest.min-count-to-merge': '2' })
    const moved = await t.append([df('/d/other.parquet', 3)])
    const picked = await moved.transaction().cherryPick(staged).commit()
    expect(await manifestsOf(picked)).toHaveLength(1)
  })
})

describe('picking a dynamic overwrite copies its data-file changes', () => {
  it('keeps the delete files of the replaced partitions (Java removes only the data files the overwrite removed)', async () => {
    let t = await (await table(2)).append([df('/d/base.parquet', 1), df('/d/x.parquet', 2)])
    t = await t.transaction().rowDelta({ addDeletes: [eqDel('/d/eq.parquet', 1)] }).commit()
    t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
    t = await t.transaction().onBranch('wap').replacePartitions([df('/d/new.parquet', 1)]).commit()
    const staged = t.metadata.refs.wap!.snapshotId
    t = await t.append([df('/d/other.parquet', 3)])
    const picked = await t.transaction().cherryPick(staged).commit()
    expect(await liveDeletes(picked)).toEqual(['/d/eq.parquet'])
    expect(await live(picked)).toEqual({ '/d/new.parquet': [], '/d/other.parquet': [], '/d/x.parquet': [] })
    expect(picked.currentSnapshot()!.summary['removed-delete-files']).toBeUndefined()
  })

  it('a delete file added on main to a replaced partition does not block the pick', async () => {
    const { t, staged } = await stagedOverwrite()
    const moved = await t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/base.parquet', 1)] }).commit()
    const picked = await moved.transaction().cherryPick(staged).commit()
    expect(Object.keys(await live(picked)).sort()).toEqual(['/d/new.parquet', '/d/x.parquet'])
  })

  it('data added to a replaced partition on main since the parent, by any operation, fails the pick', async () => {
    const { t, staged } = await stagedOverwrite()
    const appended = await t.append([df('/d/late.parquet', 1)])
    expect((await failure(appended.transaction().cherryPick(staged).commit())).message).toMatch(/partition .* was changed by snapshot .*\/d\/late\.parquet/)
  })

  it('a compaction of another partition does not block the pick', async () => {
    const { t, staged } = await stagedOverwrite()
    const compacted = await t.transaction().rewrite({ removeData: [df('/d/x.parquet', 2)], addData: [df('/d/x2.parquet', 2)] }).commit()
    expect(Object.keys(await live(await compacted.transaction().cherryPick(staged).commit())).sort()).toEqual(['/d/new.parquet', '/d/x2.parquet'])
  })

  it('a compaction of a replaced partition fails the pick', async () => {
    const { t, staged } = await stagedOverwrite()
    const compacted = await t.transaction().rewrite({ removeData: [df('/d/base.parquet', 1)], addData: [df('/d/base2.parquet', 1)] }).commit()
    expect((await failure(compacted.transaction().cherryPick(staged).commit())).message).toMatch(/\/d\/base2\.parquet/)
  })

  it('a data file the overwrite removed that main already deleted fails the pick', async () => {
    const { t, staged } = await stagedOverwrite()
    const deleted = await t.transaction().delete({ files: [df('/d/base.parquet', 1)] }).commit()
    expect((await failure(deleted.transaction().cherryPick(staged).commit())).message).toMatch(/Missing required files to delete: \/d\/base\.parquet/)
  })

  // the transaction's own snapshots are left out of other validations, but a pick must see them: it replaces
  // only the picked snapshot's files, so data added to the partition earlier in the transaction would survive
  it('refuses to pick a dynamic overwrite after an append to its partition in the same transaction', async () => {
    let t = await table()
    t = await t.append([df('/d/old.parquet', 1)])
    t = await t.transaction().onBranch('b').replacePartitions([df('/d/new.parquet', 1)]).commit()
    const staged = t.metadata.refs.b!.snapshotId
    await expect(t.transaction().append([df('/d/x.parquet', 1)]).cherryPick(staged).commit()).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('/d/x.parquet') })
    expect(await live(t)).toEqual(await live(await t.refresh()))
  })
})
