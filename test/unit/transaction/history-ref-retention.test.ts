// Ref retention settings are validated on write as Java's SnapshotRef builder does (each > 0; tags take no
// snapshot retention), so floe never writes refs Java cannot load; existing files still read and commit.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { InvalidArgumentError, isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readTableMetadata } from '../../../src/spec/json/metadata-read.js'
import { writeTableMetadata } from '../../../src/spec/json/metadata-write.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { ManageSnapshots } from '../../../src/transaction/manage-snapshots.js'
import type { Table } from '../../../src/table/table.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

async function setup(): Promise<{ cat: MemoryCatalog; t: Table }> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 9))
  await cat.createNamespace('db')
  const t = await (await cat.createTable('db.t', { schema: SCHEMA, formatVersion: 2 })).append([fakeFile('/d/a.parquet')])
  return { cat, t }
}

const table = async (): Promise<Table> => (await setup()).t

function invalid(run: () => unknown, ref: string, field: string): void {
  let err: unknown
  try {
    run()
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(InvalidArgumentError)
  expect(isFloeError(err, 'INVALID_ARGUMENT')).toBe(true)
  expect((err as Error).message).toContain(ref)
  expect((err as Error).message).toContain(field)
}

describe('ref retention on write', () => {
  it('rejects non-positive values when the edit is made, naming the ref and field', async () => {
    const t = await table()
    const id = t.currentSnapshot()!.snapshotId
    const cases: Array<[string, string, (m: ManageSnapshots) => void]> = [
      ['b0', 'min-snapshots-to-keep', (m) => m.createBranch('b0', id, { minSnapshotsToKeep: 0 })],
      ['b1', 'min-snapshots-to-keep', (m) => m.createBranch('b1', id, { minSnapshotsToKeep: 1.5 })],
      ['b2', 'max-snapshot-age-ms', (m) => m.createBranch('b2', id, { maxSnapshotAgeMs: -5n })],
      ['b3', 'max-ref-age-ms', (m) => m.createBranch('b3', id, { maxRefAgeMs: -1n })],
      ['t0', 'max-ref-age-ms', (m) => m.createTag('t0', id, 0n)],
      ['main', 'min-snapshots-to-keep', (m) => m.setRetention('main', { minSnapshotsToKeep: -2 })],
      ['main', 'max-snapshot-age-ms', (m) => m.setRetention('main', { maxSnapshotAgeMs: 0n })],
    ]
    for (const [ref, f, edit] of cases) invalid(() => t.transaction().manageSnapshots(edit), ref, f)
    expect(Object.keys((await t.refresh()).metadata.refs)).toEqual(['main'])
  })

  it('rejects snapshot retention on a tag', async () => {
    let t = await table()
    t = await t.transaction().manageSnapshots((m) => m.createTag('v1', t.currentSnapshot()!.snapshotId)).commit()
    await expect(t.transaction().manageSnapshots((m) => m.setRetention('v1', { minSnapshotsToKeep: 2 })).commit()).rejects.toSatisfy((e) => isFloeError(e, 'INVALID_ARGUMENT') && /v1/.test((e as Error).message))
    await expect(t.transaction().manageSnapshots((m) => m.setRetention('v1', { maxSnapshotAgeMs: 10n })).commit()).rejects.toThrow(/max-snapshot-age-ms for tag v1/)
    const ok = await t.transaction().manageSnapshots((m) => m.setRetention('v1', { maxRefAgeMs: 1000n })).commit()
    expect(ok.metadata.refs.v1).toEqual({ snapshotId: t.currentSnapshot()!.snapshotId, type: 'tag', maxRefAgeMs: 1000n })
  })

  it('writes positive values, which survive a reload', async () => {
    const t = await table()
    const id = t.currentSnapshot()!.snapshotId
    const x = await t
      .transaction()
      .manageSnapshots((m) => m.createBranch('b', id, { minSnapshotsToKeep: 1, maxSnapshotAgeMs: 1n, maxRefAgeMs: 86_400_000n }).createTag('v', id, 1n))
      .commit()
    const again = await x.refresh()
    expect(again.metadata.refs.b).toEqual({ snapshotId: id, type: 'branch', minSnapshotsToKeep: 1, maxSnapshotAgeMs: 1n, maxRefAgeMs: 86_400_000n })
    expect(again.metadata.refs.v).toEqual({ snapshotId: id, type: 'tag', maxRefAgeMs: 1n })
  })

  it('still reads metadata that holds invalid retention, and commits to such a branch keeping it as found', async () => {
    const { cat, t } = await setup()
    const id = t.currentSnapshot()!.snapshotId
    const bad = { ...t.metadata, refs: { ...t.metadata.refs, old: { snapshotId: id, type: 'branch' as const, minSnapshotsToKeep: 0, maxRefAgeMs: -1n } } }
    const read = readTableMetadata(writeTableMetadata(bad), 'bad.metadata.json')
    expect(read.refs.old).toEqual({ snapshotId: id, type: 'branch', minSnapshotsToKeep: 0, maxRefAgeMs: -1n })
    // a file written by another tool: appending to the branch carries its settings over unchanged
    const loc = `${t.metadata.location}/metadata/99999-legacy.metadata.json`
    await t.env.io.write(loc, writeTableMetadata(bad))
    const loaded = await cat.registerTable('db.legacy', loc)
    const next = await loaded.append([fakeFile('/d/b.parquet')], { branch: 'old' })
    expect(next.metadata.refs.old).toMatchObject({ minSnapshotsToKeep: 0, maxRefAgeMs: -1n })
    expect(next.metadata.refs.old!.snapshotId).not.toBe(id)
  })
})
