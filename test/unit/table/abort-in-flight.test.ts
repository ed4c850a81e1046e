// An abort does not wait for an I/O call in flight: planning and reading reject with ABORTED as soon as the
// signal fires, even when the FileIO takes seconds to answer (an object-store GET), and nothing is committed.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { Table } from '../../../src/table/table.js'

// reads and stats wait `delay` ms once `slow` is set
function slowIO(inner: FileIO): { io: FileIO; slow: (ms: number) => void } {
  let delay = 0
  const wait = async <T>(p: () => Promise<T>): Promise<T> => {
    if (delay) await new Promise((r) => setTimeout(r, delay))
    return p()
  }
  const io: FileIO = Object.assign(Object.create(inner) as FileIO, {
    read: (path: string, range?: { start: number; end?: number }) => wait(() => inner.read(path, range)),
    stat: (path: string) => wait(() => inner.stat(path)),
  })
  return { io, slow: (ms) => void (delay = ms) }
}

describe('aborting while a FileIO call is in flight', () => {
  it('planFiles and rows reject with ABORTED promptly', async () => {
    const s = slowIO(new MemoryFileIO())
    const c = new MemoryCatalog(testEnv(s.io, 5))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint, s string'), formatVersion: 2 })
    t = await t.appendRows([{ id: 1n, s: 'a' }])
    // a fresh handle, so no manifest list is cached from the write
    const fresh = await Table.load(t.env, t.metadataLocation!)
    s.slow(3000)
    const runs: Array<(signal: AbortSignal) => Promise<unknown>> = [
      (signal) => fresh.scan().planFiles(signal),
      async (signal) => {
        for await (const _ of fresh.scan().rows(signal)) void _
      },
    ]
    for (const run of runs) {
      const ac = new AbortController()
      const t0 = performance.now()
      setTimeout(() => ac.abort(), 50)
      await expect(run(ac.signal)).rejects.toMatchObject({ code: 'ABORTED' })
      expect(performance.now() - t0).toBeLessThan(1500)
    }
  })

  it('a task read aborts while its data file read is in flight', async () => {
    const s = slowIO(new MemoryFileIO())
    const c = new MemoryCatalog(testEnv(s.io, 5))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint'), formatVersion: 2 })
    t = await t.appendRows([{ id: 1n }])
    const [task] = await t.scan().planFiles()
    s.slow(3000)
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 50)
    const { readTask } = await import('../../../src/table/read.js')
    const t0 = performance.now()
    await expect((async () => {
      for await (const _ of readTask(t.env, task!, ac.signal)) void _
    })()).rejects.toMatchObject({ code: 'ABORTED' })
    expect(performance.now() - t0).toBeLessThan(1500)
  })
})
