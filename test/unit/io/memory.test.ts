// MemoryFileIO: create-if-absent, fault hook, publishAfter (nothing visible before it resolves), write times.
import { describe, expect, it } from 'vitest'
import { AlreadyExistsError, FloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('MemoryFileIO', () => {
  it('creates only if absent and copies the bytes it stores', async () => {
    const io = new MemoryFileIO()
    const data = bytes('abc')
    await io.write('/t/a', data)
    data[0] = 0x7a
    expect(new TextDecoder().decode(await io.read('/t/a'))).toBe('abc')
    await expect(io.write('/t/a', bytes('x'))).rejects.toBeInstanceOf(AlreadyExistsError)
    await io.write('/t/a', bytes('x'), { overwrite: true })
    expect((await io.stat('/t/a'))?.size).toBe(1)
  })

  it('publishes after publishAfter resolves, and never when it rejects', async () => {
    const io = new MemoryFileIO()
    let open!: () => void
    const w = io.write('/t/v1', bytes('1'), { publishAfter: new Promise<void>((r) => (open = r)) })
    await new Promise((r) => setTimeout(r, 5))
    expect(await io.stat('/t/v1')).toBeUndefined()
    open()
    await w
    expect(await io.stat('/t/v1')).toBeDefined()
    const reason = new FloeError('IO', 'no')
    await expect(io.write('/t/v2', bytes('2'), { publishAfter: Promise.reject(reason) })).rejects.toBe(reason)
    expect(await io.stat('/t/v2')).toBeUndefined()
  })

  it('reports write times from its clock in stat and list; objects put into files directly have none', async () => {
    let now = 5
    const io = new MemoryFileIO(() => now)
    await io.write('/t/a', bytes('a'))
    now = 9
    const out = await io.createOutput('/t/b')
    await out.write(bytes('b'))
    now = 12
    await out.close()
    io.files.set('/t/c', bytes('c'))
    const listed = []
    for await (const s of io.list('/t/')) listed.push(s)
    expect(listed).toEqual([{ path: '/t/a', size: 1, mtimeMs: 5 }, { path: '/t/b', size: 1, mtimeMs: 12 }, { path: '/t/c', size: 1 }])
    expect(await io.stat('/t/a')).toEqual({ path: '/t/a', size: 1, mtimeMs: 5 })
    await io.delete('/t/a')
    expect(io.mtimes.has('/t/a')).toBe(false)
  })
})
