// A row delta's removed data files are validated like the files its delete files reference: a concurrent
// compaction or overwrite that already replaced one fails the delta (VALIDATION, not retried) instead of
// committing a removal that no longer removes anything while the rows live on in the replacement.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import { schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'
import { df, live, posDel, table } from './ops-fixtures.js'

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected the commit to fail'),
    (e: unknown) => e,
  )
}

describe('row delta: removed data files must still exist', () => {
  it('a removed file that a concurrent rewrite replaced fails the delta (even without validateDeletedFiles)', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1)])
    const stale = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/b.parquet', 1)], removeData: [df('/d/a.parquet', 1)], validateDeletedFiles: false })
    await t.transaction().rewrite({ removeData: [df('/d/a.parquet', 1)], addData: [df('/d/a2.parquet', 1)] }).commit()
    const e = await failure(stale.commit())
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((e as Error).message).toMatch(/Cannot commit, missing data files: \/d\/a\.parquet/)
    expect(await live(await t.refresh())).toEqual({ '/d/a2.parquet': [], '/d/b.parquet': [] })
  })

  it('a removed file that a concurrent overwrite replaced fails the delta', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const stale = t.transaction().rowDelta({ addDeletes: [], removeData: [df('/d/a.parquet', 1)], validateDeletedFiles: false, isolation: 'snapshot' })
    await t.transaction().overwrite({ deleteFiles: [df('/d/a.parquet', 1)], addFiles: [df('/d/a2.parquet', 1)] }).commit()
    await expect(stale.commit()).rejects.toThrow(/missing data files: \/d\/a\.parquet/)
  })

  it('a removed file a concurrent delete snapshot removed: fine without validateDeletedFiles (the rows are gone), a conflict with it', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 2)])
    const lenient = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/b.parquet', 2)], removeData: [df('/d/a.parquet', 1)], validateDeletedFiles: false })
    const strict = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd2.parquet', '/d/b.parquet', 2)], removeData: [df('/d/a.parquet', 1)], validateNoConflictingDeleteFiles: false })
    await t.transaction().delete({ files: [df('/d/a.parquet', 1)] }).commit()
    expect(await live(await lenient.commit())).toEqual({ '/d/b.parquet': ['/d/pd.parquet'] })
    await expect(strict.commit()).rejects.toThrow(/missing data files: \/d\/a\.parquet/)
  })

  it('a concurrent append does not conflict with the removal (outside the conflict filter under serializable, anywhere under snapshot)', async () => {
    const t = await (await table(2)).append([df('/d/a.parquet', 1), df('/d/b.parquet', 1)])
    const serializable = t.transaction().rowDelta({ addDeletes: [posDel('/d/pd.parquet', '/d/b.parquet', 1)], removeData: [df('/d/a.parquet', 1)], conflictFilter: equal('p', 1), validateDeletedFiles: false })
    await t.append([df('/d/c.parquet', 2)])
    const t2 = await serializable.commit()
    expect(await live(t2)).toEqual({ '/d/b.parquet': ['/d/pd.parquet'], '/d/c.parquet': [] })
    const snapshotIso = t2.transaction().rowDelta({ addDeletes: [], removeData: [df('/d/b.parquet', 1)], isolation: 'snapshot', validateDeletedFiles: false })
    await t2.append([df('/d/d.parquet', 1)])
    expect(Object.keys(await live(await snapshotIso.commit())).sort()).toEqual(['/d/c.parquet', '/d/d.parquet'])
  })
})

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'v', T.int)])

async function morTable(formatVersion: FormatVersion): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, formatVersion, properties: { 'write.delete.mode': 'merge-on-read', 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
}
const ids = async (t: Table): Promise<number[]> => (await t.scan().toArray()).map((r) => Number(r.id)).sort((a, b) => a - b)

describe.each([2, 3] as const)('merge-on-read DELETE racing a concurrent change (v%i)', (fv) => {
  /** File A fully matches `v = 1`, file B only partly: the delete removes A and writes a delete for B. */
  async function setup(): Promise<{ t: Table; a: Awaited<ReturnType<typeof writeDataFiles>> }> {
    const t0 = await morTable(fv)
    const a = await writeDataFiles(t0.env, { metadata: t0.metadata }, [
      { id: 1n, v: 1 },
      { id: 2n, v: 1 },
    ])
    const b = await writeDataFiles(t0.env, { metadata: t0.metadata }, [
      { id: 3n, v: 1 },
      { id: 4n, v: 2 },
    ])
    return { t: await t0.append([...a, ...b]), a }
  }

  it('a concurrent compaction of the fully matched file fails the stale delete; re-running it deletes every matching row', async () => {
    const { t, a } = await setup()
    const a2 = await writeDataFiles(t.env, { metadata: t.metadata }, [
      { id: 1n, v: 1 },
      { id: 2n, v: 1 },
    ])
    const compacted = await t.transaction().rewrite({ removeData: a, addData: a2 }).commit()
    const e = await failure(t.deleteRows('v = 1'))
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect(await ids(await compacted.refresh())).toEqual([1, 2, 3, 4]) // nothing committed
    expect(await ids(await (await compacted.refresh()).deleteRows('v = 1'))).toEqual([4])
  })

  it('a concurrent append of other rows does not conflict', async () => {
    const { t } = await setup()
    await t.appendRows([{ id: 5n, v: 5 }])
    const after = await t.deleteRows('v = 1')
    expect(await ids(after)).toEqual([4, 5])
  })
})
