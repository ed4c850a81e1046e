// Cherry-pick never applies a snapshot's changes to main twice (Java CherryPickOperation.validateNonAncestor
// and WapUtil.validateWapPublish), on the first attempt and on retries.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError, ValidationError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { Table } from '../../../src/table/table.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function table(seed = 5): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), seed))
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion: 2, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  return t.append([fakeFile('/d/base.parquet', [1])])
}

const live = async (t: Table): Promise<string[]> => (await t.scan().planFiles()).map((x) => x.file.filePath).sort()

/** Stage an append on a new branch forked from main's head; returns the table and the staged snapshot id. */
async function stage(t: Table, branch: string, path: string, summary: Record<string, string> = {}): Promise<{ t: Table; id: bigint }> {
  let x = await t.transaction().manageSnapshots((m) => m.createBranch(branch)).commit()
  x = await x.append([fakeFile(path, [1])], { branch, summary })
  return { t: x, id: x.metadata.refs[branch]!.snapshotId }
}

async function rejection(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ValidationError)
  expect(isFloeError(e, 'VALIDATION')).toBe(true)
  return e as ValidationError
}

describe('cherry-pick applies a snapshot at most once', () => {
  it('rejects picking the same staged append a second time (source-snapshot-id of an ancestor)', async () => {
    const { t, id } = await stage(await table(), 'wap', '/d/staged.parquet')
    const moved = await t.append([fakeFile('/d/other.parquet', [2])]) // not a fast-forward any more
    const once = await moved.transaction().cherryPick(id).commit()
    expect(once.currentSnapshot()!.summary['source-snapshot-id']).toBe(String(id))
    const e = await rejection(once.transaction().cherryPick(id).commit())
    expect(e.message).toMatch(/already picked/)
    expect(e.message).toContain(String(once.currentSnapshot()!.snapshotId))
    const after = await once.refresh()
    expect(after.currentSnapshot()!.snapshotId).toBe(once.currentSnapshot()!.snapshotId)
    expect(await live(after)).toEqual(['/d/base.parquet', '/d/other.parquet', '/d/staged.parquet'])
  })

  it('rejects picking an ancestor of main, or main head itself', async () => {
    let t = await table()
    const first = t.currentSnapshot()!.snapshotId
    t = await t.append([fakeFile('/d/two.parquet', [2])])
    const head = t.currentSnapshot()!.snapshotId
    expect((await rejection(t.transaction().cherryPick(first).commit())).message).toMatch(/already an ancestor of main/)
    expect((await rejection(t.transaction().cherryPick(head).commit())).message).toMatch(/already an ancestor of main/)
    expect(await live(await t.refresh())).toEqual(['/d/base.parquet', '/d/two.parquet'])
  })

  it('rejects a second snapshot staged with a wap.id that was published by fast-forward', async () => {
    const t0 = await table()
    const m0 = t0.currentSnapshot()!.snapshotId
    let t = await t0.transaction().manageSnapshots((m) => m.createBranch('b1', m0).createBranch('b2', m0)).commit()
    t = await t.append([fakeFile('/d/w1.parquet', [1])], { branch: 'b1', summary: { 'wap.id': 'w' } })
    t = await t.append([fakeFile('/d/w2.parquet', [1])], { branch: 'b2', summary: { 'wap.id': 'w' } })
    const s1 = t.metadata.refs.b1!.snapshotId
    const s2 = t.metadata.refs.b2!.snapshotId
    t = await t.transaction().cherryPick(s1).commit()
    expect(t.currentSnapshot()!.snapshotId).toBe(s1) // fast-forward: main's head carries wap.id itself
    const e = await rejection(t.transaction().cherryPick(s2).commit())
    expect(e.message).toMatch(/wap\.id w was already published/)
    expect(await live(await t.refresh())).toEqual(['/d/base.parquet', '/d/w1.parquet'])
  })

  it('rejects a second snapshot with a wap.id published by a cherry-pick (published-wap-id)', async () => {
    let t = await table()
    const m0 = t.currentSnapshot()!.snapshotId
    t = await t.transaction().manageSnapshots((m) => m.createBranch('b1', m0).createBranch('b2', m0)).commit()
    t = await t.append([fakeFile('/d/w1.parquet', [1])], { branch: 'b1', summary: { 'wap.id': 'w' } })
    t = await t.append([fakeFile('/d/w2.parquet', [1])], { branch: 'b2', summary: { 'wap.id': 'w' } })
    t = await t.append([fakeFile('/d/main.parquet', [2])])
    t = await t.transaction().cherryPick(t.metadata.refs.b1!.snapshotId).commit()
    expect(t.currentSnapshot()!.summary['published-wap-id']).toBe('w')
    await rejection(t.transaction().cherryPick(t.metadata.refs.b2!.snapshotId).commit())
  })

  it('picks a staged dynamic overwrite whose partitions had delete files (they no longer apply to the picked files)', async () => {
    let t = await table()
    const eq: DataFile = { ...fakeFile('/d/eq.parquet', [1], 1n), content: 'equality-deletes', equalityIds: [1] }
    t = await t.transaction().rowDelta({ addDeletes: [eq] }).commit()
    t = await t.transaction().manageSnapshots((m) => m.createBranch('wap')).commit()
    t = await t.transaction().onBranch('wap').replacePartitions([fakeFile('/d/new.parquet', [1])]).commit()
    const staged = t.metadata.refs.wap!.snapshotId
    t = await t.append([fakeFile('/d/other.parquet', [2])]) // main moves on: not a fast-forward
    t = await t.transaction().cherryPick(staged).commit()
    expect(await live(t)).toEqual(['/d/new.parquet', '/d/other.parquet'])
    expect((await t.scan().planFiles()).flatMap((x) => x.deletes)).toEqual([])
    expect(t.currentSnapshot()!.summary['source-snapshot-id']).toBe(String(staged))
  })

  it('re-validates on retry: a concurrent identical pick makes the stale one fail, not duplicate', async () => {
    const { t, id } = await stage(await table(), 'wap', '/d/staged.parquet')
    const moved = await t.append([fakeFile('/d/other.parquet', [2])])
    const tx = moved.transaction().cherryPick(id)
    await moved.transaction().cherryPick(id).commit() // another writer picks it first
    await rejection(tx.commit())
    expect((await live(await moved.refresh())).filter((p) => p === '/d/staged.parquet')).toHaveLength(1)
  })

  it('property: any sequence of picks of staged appends leaves each staged file live at most once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 6 }), fc.boolean(), async (picks, moveMain) => {
        let t = await table()
        const staged: bigint[] = []
        for (let i = 0; i < 3; i++) {
          const s = await stage(t, `s${i}`, `/d/s${i}.parquet`, i === 2 ? { 'wap.id': 'dup' } : {})
          t = s.t
          staged.push(s.id)
        }
        if (moveMain) t = await t.append([fakeFile('/d/moved.parquet', [2])])
        for (const k of picks) {
          try {
            t = await t.transaction().cherryPick(staged[k]!).commit()
          } catch (e) {
            if (!isFloeError(e, 'VALIDATION')) throw e
          }
        }
        const files = await live(await t.refresh())
        for (let i = 0; i < 3; i++) expect(files.filter((p) => p === `/d/s${i}.parquet`).length).toBeLessThanOrEqual(1)
        expect(new Set(files).size).toBe(files.length)
      }),
      { numRuns: 12 },
    )
  })
})
