// Deletion vectors in an operation's validation window are checked snapshot by snapshot (apache/iceberg#17764):
// a later snapshot replacing an earlier one's DV is no conflict for an unrelated file, new DVs for a replaced
// file are the usual new-delete conflict, and two DVs for one data file added by one snapshot are a conflict
// (VALIDATION), not corrupt metadata. A scan of a table that really holds two live DVs still reports INVALID_METADATA.
import { describe, expect, it } from 'vitest'
import { FloeError, isFloeError } from '../../../src/errors.js'
import type { Table } from '../../../src/table/table.js'
import { UncheckedDeletes } from '../../support/unchecked-deletes.js'
import { df, dv, table } from './ops-fixtures.js'

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected the operation to fail'),
    (e: unknown) => e,
  )
}

describe('conflict validation: two deletion vectors for one data file in the window', () => {
  it('a stale compaction after two merge-on-read deletes of the same file fails with VALIDATION (new deletes for it)', async () => {
    const start = await (await table(3)).appendRows([
      { id: 1n, p: 1 },
      { id: 2n, p: 1 },
      { id: 3n, p: 1 },
    ])
    const a = (await start.scan().planFiles())[0]!.file
    let t = await start.deleteRows('id = 1', { mode: 'merge-on-read' })
    t = await t.deleteRows('id = 2', { mode: 'merge-on-read' }) // its DV absorbs and replaces the first
    expect((await t.scan().planFiles())[0]!.deletes.length).toBe(1)
    const e = await failure(start.transaction().rewrite({ removeData: [a], addData: [{ ...a, filePath: a.filePath.replace('.parquet', '-compacted.parquet') }] }).commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as FloeError).retryable).toBe(false)
    expect((e as Error).message).toMatch(/found new delete for replaced data file: .*\.parquet/)
    expect((await t.refresh()).currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId)
  })

  async function twoLiveDVs(): Promise<{ start: Table; t: Table }> {
    const start = await (await table(3)).append([df('/d/a.parquet', 1)])
    let t = await start.transaction().rowDelta({ addDeletes: [dv('/del/1.puffin', '/d/a.parquet')] }).commit()
    // floe refuses a second live DV (INVALID_ARGUMENT); another engine's commit is simulated without the checks
    t = await t.transaction().add(new UncheckedDeletes([dv('/del/2.puffin', '/d/a.parquet')])).commit()
    return { start, t }
  }

  it('a stale overwrite of the file conflicts as with any new delete (VALIDATION)', async () => {
    const { start } = await twoLiveDVs()
    const e = await failure(start.transaction().overwrite({ deleteFiles: [df('/d/a.parquet', 1)], addFiles: [df('/d/a2.parquet', 1)], isolation: 'snapshot' }).commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/found new delete for replaced data file: \/d\/a\.parquet/)
  })

  it('two DVs for one data file added by one snapshot of the window are a conflict (VALIDATION)', async () => {
    const start = await (await table(3)).append([df('/d/a.parquet', 1)])
    await start.transaction().add(new UncheckedDeletes([dv('/del/1.puffin', '/d/a.parquet'), dv('/del/2.puffin', '/d/a.parquet')])).commit()
    const e = await failure(start.transaction().overwrite({ deleteFiles: [df('/d/a.parquet', 1)], addFiles: [df('/d/a2.parquet', 1)], isolation: 'snapshot' }).commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/two new deletion vectors for data file \/d\/a\.parquet/)
  })

  it('a copy-on-write rewrite of a file whose neighbour’s DV was replaced meanwhile commits (found by the crash test)', async () => {
    const start = await (await table(3)).appendRows([
      { id: 1n, p: 0 },
      { id: 2n, p: 0 },
      { id: 11n, p: 1 },
      { id: 12n, p: 1 },
      { id: 13n, p: 1 },
    ])
    // another writer: two merge-on-read deletes in partition 1, the second DV replacing the first
    let other = await start.deleteRows('id = 11', { mode: 'merge-on-read' })
    other = await other.deleteRows('id = 13', { mode: 'merge-on-read' })
    expect((await other.scan({ filter: 'p = 1' }).planFiles())[0]!.deletes).toHaveLength(1)
    // this writer still holds the table as it was before them
    const t = await start.deleteRows('id = 1', { mode: 'copy-on-write' })
    expect((await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))).toEqual([2n, 12n])
  })

  it('a scan of a table holding two live DVs for one file still reports corrupt metadata', async () => {
    const { t } = await twoLiveDVs()
    const e = await failure(t.scan().planFiles())
    expect(isFloeError(e, 'INVALID_METADATA')).toBe(true)
    expect((e as Error).message).toMatch(/two deletion vectors/)
  })

  it('one new DV for a replaced file is still the usual new-delete conflict', async () => {
    const start = await (await table(3)).append([df('/d/a.parquet', 1)])
    await start.transaction().rowDelta({ addDeletes: [dv('/del/1.puffin', '/d/a.parquet')] }).commit()
    const e = await failure(start.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/found new delete for replaced data file: \/d\/a\.parquet/)
  })
})
