// What an engine embedding floe gets at the API edge: bad inputs are typed errors (unknown scan options, a
// bad limit, rows that are not iterable, something that is not a task, bad task ids in file names), and an
// AbortSignal reaches the incremental scan's planning and `Table.append`'s commit before any I/O.
import { describe, expect, it } from 'vitest'
import { arrowRows } from '../../../src/arrow/input.js'
import { isFloeError } from '../../../src/errors.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { readTask } from '../../../src/table/read.js'
import type { FileScanTask } from '../../../src/table/task.js'
import { dataFileName } from '../../../src/write/location.js'

function countingIO(inner: FileIO): { io: FileIO; calls: () => number } {
  let n = 0
  const io = new Proxy(inner, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown
      return typeof v === 'function' ? (...args: unknown[]) => (n++, (v as (...a: unknown[]) => unknown).apply(target, args)) : v
    },
  })
  return { io, calls: () => n }
}

async function table() {
  const mem = countingIO(new MemoryFileIO())
  const c = new MemoryCatalog(testEnv(mem.io, 3))
  await c.createNamespace('db')
  let t = await c.createTable('db.t', { schema: parseColumns('id bigint, s string'), formatVersion: 2 })
  t = await t.appendRows([{ id: 1n, s: 'a' }, { id: 2n, s: 'b' }, { id: 3n, s: 'c' }])
  return { t, calls: mem.calls }
}

const code = async (p: Promise<unknown> | (() => unknown)): Promise<string | undefined> => {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    return isFloeError(e) ? e.code : `untyped ${(e as Error).name}`
  }
  return undefined
}

describe('the API edge an engine sees', () => {
  it('refuses unknown scan options (a misspelt snapshot selector would read another version) and bad limits', async () => {
    const { t } = await table()
    expect(await code(() => t.scan({ snapshotId: 1n } as never))).toBe('INVALID_ARGUMENT')
    for (const limit of [Number.NaN, 1.5, -1, Number.POSITIVE_INFINITY]) expect(await code(() => t.scan({ limit }))).toBe('INVALID_ARGUMENT')
    expect(await t.scan({ limit: 2 }).toArray()).toHaveLength(2)
    expect(await t.scan({ limit: 0 }).toArray()).toHaveLength(0)
  })

  it('refuses rows that are not iterable, and Arrow input that is not Arrow', async () => {
    const { t } = await table()
    for (const bad of [42, null, 'rows', { id: 1n }]) expect(await code(t.appendRows(bad as never))).toBe('INVALID_ARGUMENT')
    expect(await code(() => arrowRows(42 as never))).toBe('INVALID_ARGUMENT')
    expect((await t.refresh()).metadata.snapshots).toHaveLength(1)
  })

  it('refuses something that is not a task, naming the part', async () => {
    const { t } = await table()
    const [task] = await t.scan().planFiles()
    const read = async (x: unknown): Promise<void> => {
      for await (const _ of readTask(t.env, x as FileScanTask)) void _
    }
    expect(await code(read({}))).toBe('INVALID_ARGUMENT')
    const { residual: _r, ...noResidual } = task!
    const err = await read(noResidual).catch((e: unknown) => e)
    expect(isFloeError(err) && err.context?.field).toBe('residual')
    expect(await code(read(task))).toBeUndefined()
  })

  it('an aborted signal stops the incremental scan and Table.append before any I/O', async () => {
    const { t, calls } = await table()
    const first = t.metadata.snapshots[0]!.snapshotId
    const t2 = await t.appendRows([{ id: 4n, s: 'd' }])
    const ac = new AbortController()
    ac.abort()
    const before = calls()
    const scan = t2.incrementalAppendScan({ fromSnapshotId: first })
    expect(await code(scan.planFiles(ac.signal))).toBe('ABORTED')
    expect(await code(async () => {
      for await (const _ of scan.rows(ac.signal)) void _
    })).toBe('ABORTED')
    const [f] = await t2.scan().planFiles()
    const mid = calls()
    expect(mid - before).toBeGreaterThan(0) // the plan above did read
    expect(await code(t2.append([{ ...f!.file, filePath: '/x/other.parquet' }], { signal: ac.signal }))).toBe('ABORTED')
    expect(calls()).toBe(mid)
    expect((await t2.scan().planFiles()).length).toBe(2)
  })

  it('file names take a 32-bit partition id and a 64-bit task id', () => {
    expect(dataFileName(1, 9223372036854775807n, 'op', 1)).toBe('00001-9223372036854775807-op-00001.parquet')
    for (const [p, t] of [[1.5, 0n], [2 ** 31, 0n], [0, 1n << 63n], [0, 1 as unknown as bigint]] as const) {
      let err: unknown
      try {
        dataFileName(p, t, 'op', 1)
      } catch (e) {
        err = e
      }
      expect(isFloeError(err) && err.code).toBe('INVALID_ARGUMENT')
    }
  })
})
