// Incremental append scans as a Java Scan: column selection (metadata columns too), text filters, branches
// and tags as window ends (Java useBranch / toSnapshot(tag) / fromSnapshot*(tag)), and column stats dropped
// from tasks unless asked for. Options are checked as the table scan's are (Java's builder methods cannot be
// misspelt); manifests are read several at a time.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readTask } from '../../../src/table/read.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string), field(3, 'payload', T.string)])

async function history(): Promise<{ t: Table; s1: bigint; s2: bigint; audit: bigint }> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  let t = await c.createTable('db.t', { schema: SCHEMA, formatVersion: 2 })
  t = await t.appendRows([{ id: 1n, cat: 'a', payload: 'x' }])
  const s1 = t.currentSnapshot()!.snapshotId
  t = await t.transaction().manageSnapshots((m) => m.createBranch('audit', s1).createTag('t1', s1)).commit()
  t = await t.appendRows([{ id: 2n, cat: 'b', payload: 'y' }], { branch: 'audit' })
  const audit = t.metadata.refs.audit!.snapshotId
  t = await t.appendRows([{ id: 3n, cat: 'a', payload: 'z' }, { id: 4n, cat: 'c', payload: 'w' }])
  const s2 = t.currentSnapshot()!.snapshotId
  t = await t.transaction().manageSnapshots((m) => m.createTag('t2', s2)).commit()
  return { t, s1, s2, audit }
}

const rows = async (it: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> => {
  const out: Record<string, unknown>[] = []
  for await (const r of it) out.push(r)
  return out.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1))
}

describe('incremental append scan options', () => {
  it('selects columns, metadata columns included, and takes filter text', async () => {
    const { t, s1 } = await history()
    const scan = t.incrementalAppendScan({ fromSnapshotId: s1, select: ['id', '_file'], filter: "cat = 'a'" })
    const got = await rows(scan.rows())
    expect(got.map((r) => Object.keys(r))).toEqual([['id', '_file']])
    expect(got[0]!.id).toBe(3n)
    expect(String(got[0]!._file)).toMatch(/\.parquet$/)
    expect(scan.projectedSchema().fields.map((f) => f.name)).toEqual(['id', '_file'])
    const bad = await t.incrementalAppendScan({ fromSnapshotId: s1, filter: 'cat = ' }).planFiles().catch((e: unknown) => e)
    expect(isFloeError(bad) && bad.code).toBe('INVALID_ARGUMENT')
  })

  it('reads a branch lineage, and tags as window ends', async () => {
    const { t, s1, s2, audit } = await history()
    expect((await rows(t.incrementalAppendScan({ fromSnapshotId: s1, branch: 'audit' }).rows())).map((r) => r.id)).toEqual([2n])
    expect((await rows(t.incrementalAppendScan({ fromRef: 't1', toRef: 't2' }).rows())).map((r) => r.id)).toEqual([3n, 4n])
    expect((await rows(t.incrementalAppendScan({ fromRef: 't1', fromSnapshotInclusive: true, toRef: 't2' }).rows())).map((r) => r.id)).toEqual([1n, 3n, 4n])
    expect((await rows(t.incrementalAppendScan({ fromSnapshotId: s1, toSnapshotId: audit, branch: 'audit' }).rows())).map((r) => r.id)).toEqual([2n])
    const code = (o: Parameters<Table['incrementalAppendScan']>[0]): string | undefined => {
      try {
        t.incrementalAppendScan(o).snapshots()
      } catch (e) {
        return isFloeError(e) ? e.code : 'not a FloeError'
      }
      return undefined
    }
    expect(code({ fromSnapshotId: s1, toSnapshotId: s2, branch: 'audit' })).toBe('INVALID_ARGUMENT') // end not on the branch
    expect(code({ branch: 't1' })).toBe('INVALID_ARGUMENT') // a tag is not a branch
    expect(code({ toRef: 'audit' })).toBe('INVALID_ARGUMENT') // a branch is not a tag
    expect(code({ fromRef: 'nope' })).toBe('NOT_FOUND')
    expect(code({ fromRef: 't1', fromSnapshotId: s1 })).toBe('INVALID_ARGUMENT')
    expect(code({ toRef: 't2', toSnapshotId: s2 })).toBe('INVALID_ARGUMENT')
  })

  it('drops column stats from tasks unless includeColumnStats', async () => {
    const { t, s1 } = await history()
    const [plain] = await t.incrementalAppendScan({ fromSnapshotId: s1 }).planFiles()
    expect(plain!.file.lowerBounds).toBeUndefined()
    expect(plain!.file.valueCounts).toBeUndefined()
    const [full] = await t.incrementalAppendScan({ fromSnapshotId: s1, includeColumnStats: true }).planFiles()
    expect(full!.file.lowerBounds?.size).toBeGreaterThan(0)
  })

  it('refuses options it does not know, ids that are not bigints and an inclusive flag without a start', async () => {
    const { t, s1, s2 } = await history()
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ fromSnapshotExclusive: s1 }, 'fromSnapshotExclusive'], // Java's builder name: would read the whole history
      [{ fromSnapshotId: s1, toSnapshot: s2 }, 'toSnapshot'],
      [{ useBranch: 'audit' }, 'useBranch'],
      [{ limit: 1 }, 'limit'],
      [{ fromSnapshotInclusive: true }, 'fromSnapshotInclusive'],
      [{ fromSnapshotId: Number(s1) }, 'fromSnapshotId'],
      [{ toSnapshotId: String(s2) }, 'toSnapshotId'],
      [{ branch: 7 }, 'branch'],
    ]
    for (const [opts, field] of bad) {
      let err: unknown
      try {
        t.incrementalAppendScan(opts as never)
      } catch (e) {
        err = e
      }
      expect(isFloeError(err) && err.code === 'INVALID_ARGUMENT' && err.message.includes(field), JSON.stringify(opts, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(true)
    }
    expect(() => t.incrementalAppendScan(null as never)).toThrow(/must be an object/)
  })

  it('with no options reads every append of the current lineage (Java newIncrementalAppendScan)', async () => {
    const { t } = await history()
    expect((await rows(t.incrementalAppendScan().rows())).map((r) => r.id)).toEqual([1n, 3n, 4n])
  })

  it('reads the window’s manifest lists and manifests several at a time, tasks in snapshot order', async () => {
    class SlowIO extends MemoryFileIO {
      inFlight = 0
      maxInFlight = 0
      override async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
        this.inFlight++
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
        try {
          await new Promise((r) => setTimeout(r, 2))
          return await super.read(path, range)
        } finally {
          this.inFlight--
        }
      }
    }
    const io = new SlowIO()
    const c = new MemoryCatalog(testEnv(io, 7))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA, formatVersion: 2 })
    for (let i = 0; i < 12; i++) t = await t.appendRows([{ id: BigInt(i), cat: 'a', payload: 'p' }])
    io.maxInFlight = 0
    const tasks = await t.incrementalAppendScan().planFiles()
    expect(io.maxInFlight).toBeGreaterThan(1)
    const got: bigint[] = []
    for (const task of tasks) for await (const r of readTask(t.env, task)) got.push(r.id as bigint)
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i)))
  })
})
