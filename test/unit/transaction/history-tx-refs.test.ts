// Ref operations in a transaction apply to the transaction's own current metadata (Java BaseTransaction):
// a ref moved by an earlier operation of the same transaction is not a concurrent change, while a ref that
// another writer moved since the transaction started still fails.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError, ValidationError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

async function table(): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 4))
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: SCHEMA, formatVersion: 2, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  return t.append([fakeFile('/d/a.parquet')])
}

const paths = async (t: Table): Promise<string[]> => (await t.scan().planFiles()).map((x) => x.file.filePath).sort()

describe('ref operations after the transaction moved the ref', () => {
  it('append then setRetention(main) commits, on the appended snapshot', async () => {
    const t = await table()
    const x = await t.transaction().append([fakeFile('/d/b.parquet')]).manageSnapshots((m) => m.setRetention('main', { minSnapshotsToKeep: 5 })).commit()
    const head = x.currentSnapshot()!
    expect(head.parentSnapshotId).toBe(t.currentSnapshot()!.snapshotId)
    expect(x.metadata.refs.main).toEqual({ snapshotId: head.snapshotId, type: 'branch', minSnapshotsToKeep: 5 })
    expect(await paths(x)).toEqual(['/d/a.parquet', '/d/b.parquet'])
  })

  it('append then createBranch and replaceRef(main) see the appended head', async () => {
    const t = await table()
    const s0 = t.currentSnapshot()!.snapshotId
    const x = await t
      .transaction()
      .append([fakeFile('/d/b.parquet')])
      .manageSnapshots((m) => m.createBranch('dev').replaceRef('main', s0))
      .commit()
    const appended = x.metadata.refs.dev!.snapshotId
    expect(appended).not.toBe(s0)
    expect(x.metadata.snapshots.find((s) => s.snapshotId === appended)!.parentSnapshotId).toBe(s0)
    expect(x.currentSnapshot()!.snapshotId).toBe(s0)
  })

  it('still rejects a ref operation when another writer moved the ref since the transaction started', async () => {
    const t = await table()
    await t.append([fakeFile('/d/other.parquet')]) // t is stale now
    const only = await t.transaction().manageSnapshots((m) => m.setRetention('main', { minSnapshotsToKeep: 2 })).commit().catch((e: unknown) => e)
    expect(only).toBeInstanceOf(ValidationError)
    expect((only as Error).message).toMatch(/Ref main changed concurrently/)
    // with the transaction's own append first: the retry sees the other writer's commit and fails the same way
    const both = await t.transaction().append([fakeFile('/d/b.parquet')]).manageSnapshots((m) => m.setRetention('main', { minSnapshotsToKeep: 2 })).commit().catch((e: unknown) => e)
    expect(isFloeError(both, 'VALIDATION')).toBe(true)
    expect((both as Error).message).toMatch(/Ref main changed concurrently/)
    const now = await t.refresh()
    expect(now.metadata.refs.main!.minSnapshotsToKeep).toBeUndefined()
    expect(await paths(now)).toEqual(['/d/a.parquet', '/d/other.parquet'])
  })

  it('a concurrent change to another ref does not block it', async () => {
    let t = await table()
    t = await t.transaction().manageSnapshots((m) => m.createBranch('side')).commit()
    await t.append([fakeFile('/d/side.parquet')], { branch: 'side' }) // another writer moves side
    const x = await t.transaction().append([fakeFile('/d/b.parquet')]).manageSnapshots((m) => m.setRetention('main', { minSnapshotsToKeep: 3 })).commit()
    expect(x.metadata.refs.main!.minSnapshotsToKeep).toBe(3)
    expect(x.metadata.refs.main!.snapshotId).toBe(x.currentSnapshot()!.snapshotId)
    expect(await paths(x)).toEqual(['/d/a.parquet', '/d/b.parquet'])
  })
})
