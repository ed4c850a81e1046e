// A transaction is one metadata change: a snapshot it adds and then moves main past never enters the
// snapshot log (Java TableMetadata.Builder.updateSnapshotLog / intermediateSnapshotIdSet), on every attempt.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import type { Transaction } from '../../../src/transaction/transaction.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

async function table(seed = 3): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), seed))
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: SCHEMA, formatVersion: 2, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  return t.append([fakeFile('/d/a.parquet')])
}

const logIds = (t: Table): bigint[] => t.metadata.snapshotLog.map((e) => e.snapshotId)
const newSnapshots = (before: Table, after: Table): bigint[] =>
  after.metadata.snapshots.filter((s) => !before.metadata.snapshots.some((b) => b.snapshotId === s.snapshotId)).map((s) => s.snapshotId)

describe('snapshot log of a multi-operation transaction', () => {
  it('logs only the final snapshot of append + append', async () => {
    const t = await table()
    const s0 = t.currentSnapshot()!.snapshotId
    const x = await t.transaction().append([fakeFile('/d/b.parquet')]).append([fakeFile('/d/c.parquet')]).commit()
    const added = newSnapshots(t, x)
    expect(added).toHaveLength(2)
    const final = x.currentSnapshot()!
    expect(final.parentSnapshotId).toBe(added[0])
    expect(logIds(x)).toEqual([s0, final.snapshotId])
    expect(x.metadata.snapshotLog.at(-1)!.timestampMs).toBe(final.timestampMs)
    // the reloaded file says the same
    expect(logIds(await x.refresh())).toEqual([s0, final.snapshotId])
  })

  it('also on a retry after a concurrent commit', async () => {
    const t = await table()
    const s0 = t.currentSnapshot()!.snapshotId
    const other = await t.append([fakeFile('/d/other.parquet')]) // t is now stale
    const { table: x, result } = await t.transaction().append([fakeFile('/d/b.parquet')]).append([fakeFile('/d/c.parquet')]).commitWithResult()
    expect(result.attempts).toBe(2)
    expect(logIds(x)).toEqual([s0, other.currentSnapshot()!.snapshotId, x.currentSnapshot()!.snapshotId])
    expect(x.metadata.snapshots).toHaveLength(4)
  })

  it('drops a snapshot the same transaction rolls back from, keeping the rollback entry', async () => {
    const t = await table()
    const s0 = t.currentSnapshot()!.snapshotId
    const x = await t.transaction().append([fakeFile('/d/b.parquet')]).manageSnapshots((m) => m.rollbackTo(s0)).commit()
    expect(x.currentSnapshot()!.snapshotId).toBe(s0)
    expect(x.metadata.snapshots).toHaveLength(2)
    expect(logIds(x)).toEqual([s0, s0])
  })

  it('keeps a branch snapshot that the transaction then fast-forwards main to, at its own time', async () => {
    const t = await table()
    const s0 = t.currentSnapshot()!.snapshotId
    const x = await t.transaction().onBranch('b').append([fakeFile('/d/b.parquet')]).manageSnapshots((m) => m.fastForward('main', 'b')).commit()
    const head = x.currentSnapshot()!
    expect(head.snapshotId).toBe(x.metadata.refs.b!.snapshotId)
    expect(x.metadata.snapshotLog).toEqual([t.metadata.snapshotLog[0], { timestampMs: head.timestampMs, snapshotId: head.snapshotId }])
    expect(logIds(x)[0]).toBe(s0)
  })

  it('property: n appends (and property edits) in one transaction add exactly one log entry, the new head', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('append', 'props'), { minLength: 1, maxLength: 5 }), async (ops) => {
        const t = await table()
        let tx: Transaction = t.transaction()
        ops.forEach((op, i) => {
          tx = op === 'append' ? tx.append([fakeFile(`/d/f${i}.parquet`)]) : tx.setProperties({ [`k${i}`]: 'v' })
        })
        const x = await tx.commit()
        const appends = ops.filter((o) => o === 'append').length
        expect(newSnapshots(t, x)).toHaveLength(appends)
        expect(logIds(x)).toEqual(appends ? [...logIds(t), x.currentSnapshot()!.snapshotId] : logIds(t))
      }),
      { numRuns: 15 },
    )
  })
})
