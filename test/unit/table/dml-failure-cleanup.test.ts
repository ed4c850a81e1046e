// Row-level writes that fail before their commit delete every file they wrote (also a file whose write was
// rejected after it landed, which a FileIO may do), leave the table at its last committed state, and stop at
// the caller's AbortSignal even while a commit waits to retry.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { reachableFiles } from '../../../src/catalog/purge.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { Table } from '../../../src/table/table.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

/** A memory FileIO whose `n`-th write fails, before it lands or (`landed`) after. */
function failingWrites(inner: MemoryFileIO): { io: FileIO; failAt: (n: number, landed: boolean) => void; writes: () => number } {
  let count = 0
  let target = 0
  let after = false
  const io = new Proxy(inner, {
    get(t, prop, recv) {
      if (prop !== 'write') {
        const v = Reflect.get(t, prop, recv) as unknown
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v
      }
      return async (path: string, data: Uint8Array, opts?: object) => {
        count++
        if (count === target && !after) throw new FloeError('IO', `injected failure of write ${path}`)
        await t.write(path, data, opts)
        if (count === target && after) throw new FloeError('IO', `injected failure after write ${path}`)
      }
    },
  })
  return {
    io,
    failAt: (n, landed) => {
      count = 0
      target = n
      after = landed
    },
    writes: () => count,
  }
}

async function setup(formatVersion: 2 | 3): Promise<{ mem: MemoryFileIO; f: ReturnType<typeof failingWrites>; cat: MemoryCatalog; t: Table }> {
  const mem = new MemoryFileIO()
  const f = failingWrites(mem)
  const cat = new MemoryCatalog(testEnv(f.io, 5))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion, properties: { 'commit.retry.num-retries': '0' } })
  t = await t.appendRows([1, 2, 3, 4, 5, 6].map((i) => ({ id: BigInt(i), p: i % 3 })))
  return { mem, f, cat, t }
}

describe('row-level writes that fail before their commit', () => {
  it('property: a merge-on-read delete whose k-th write fails (before or after landing) leaves no file behind and the table as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.integer({ min: 1, max: 12 }), fc.boolean(), async (v, k, landed) => {
        const { mem, f, cat, t } = await setup(v)
        const before = new Set(mem.files.keys())
        f.failAt(k, landed)
        let failed = false
        try {
          await t.deleteRows('id in (1, 2, 5)', { mode: 'merge-on-read' })
        } catch (e) {
          if (!(e instanceof FloeError)) throw e
          failed = true
        }
        f.failAt(0, false)
        const after = await cat.loadTable('db.t')
        const ids = (await after.scan().toArray()).map((r) => Number(r.id)).sort()
        if (failed) {
          expect(after.metadataLocation).toBe(t.metadataLocation)
          expect(ids).toEqual([1, 2, 3, 4, 5, 6])
          // exactly the files there were before: nothing deleted, nothing left over
          expect(new Set(mem.files.keys())).toEqual(before)
        } else {
          expect(ids).toEqual([3, 4, 6])
          const reachable = await reachableFiles(mem, after.state)
          for (const p of before) expect(mem.files.has(p)).toBe(true)
          expect([...reachable.content].every((p) => mem.files.has(p))).toBe(true)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('an AbortSignal fired during a row-level write\'s commit stops it before a retry, committing nothing', async () => {
    const mem = new MemoryFileIO()
    const ac = new AbortController()
    let hook: (() => Promise<void>) | undefined
    // when the append writes its manifest list, the caller aborts and another writer commits first
    const io = new Proxy(mem, {
      get(t, prop, recv) {
        if (prop === 'write')
          return async (path: string, data: Uint8Array, opts?: object) => {
            if (hook && /\/snap-[^/]*\.avro$/.test(path)) {
              const h = hook
              hook = undefined
              await h()
            }
            return t.write(path, data, opts)
          }
        const v = Reflect.get(t, prop, recv) as unknown
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v
      },
    })
    const cat = new MemoryCatalog(testEnv(io, 5))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
    t = await t.appendRows([{ id: 1n, p: 1 }])
    hook = async () => {
      ac.abort()
      await (await cat.loadTable('db.t')).transaction().setProperties({ bump: '1' }).commit()
    }
    await expect(t.appendRows([{ id: 7n, p: 1 }], { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    const after = await cat.loadTable('db.t')
    expect(after.metadata.properties.bump).toBe('1')
    expect((await after.scan().toArray()).map((r) => r.id)).toEqual([1n])
  })

  it('a metadata file whose write is rejected after it landed is removed when no swap was tried', async () => {
    const { mem, f, cat, t } = await setup(2)
    // count the writes of one append, then fail its last one (the metadata file) after it lands
    const probe = await cat.loadTable('db.t')
    f.failAt(0, false)
    await probe.transaction().setProperties({ probe: '1' }).commit()
    const writes = f.writes()
    const now = await cat.loadTable('db.t')
    const before = new Set(mem.files.keys())
    f.failAt(writes, true)
    await expect(now.transaction().setProperties({ k: 'v' }).commit()).rejects.toMatchObject({ code: 'IO' })
    f.failAt(0, false)
    expect((await cat.loadTable('db.t')).metadataLocation).toBe(now.metadataLocation)
    expect(new Set(mem.files.keys())).toEqual(before)
    expect(t.metadataLocation).not.toBe(now.metadataLocation)
  })
})
