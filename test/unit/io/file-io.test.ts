// writePublishedAfter: staged by FileIOs that can (stagesWrites), otherwise written only after the promise,
// and never written when it rejects. Real files for the staging FileIO, a plain recording FileIO otherwise.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { writePublishedAfter, type FileIO, type WriteOptions } from '../../../src/io/file-io.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { RemappingFileIO } from '../../../src/io/remap.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A FileIO written before `publishAfter` existed: it records what it is asked and writes at once. */
function legacyIo(): { io: FileIO; calls: { path: string; opts: WriteOptions | undefined; at: number }[] } {
  const mem = new MemoryFileIO()
  const calls: { path: string; opts: WriteOptions | undefined; at: number }[] = []
  return {
    calls,
    io: {
      read: (p, r) => mem.read(p, r),
      stat: (p) => mem.stat(p),
      delete: (p) => mem.delete(p),
      write: async (p, d, o) => {
        calls.push({ path: p, opts: o, at: performance.now() })
        await mem.write(p, d, { ...(o?.overwrite ? { overwrite: true } : {}) }) // ignores publishAfter
      },
    },
  }
}

describe('writePublishedAfter', () => {
  it('waits for the promise before writing through a FileIO that does not stage, and never writes when it rejects', async () => {
    const { io, calls } = legacyIo()
    let resolvedAt = 0
    const after = new Promise<void>((r) =>
      setTimeout(() => {
        resolvedAt = performance.now()
        r()
      }, 20),
    )
    await writePublishedAfter(io, '/t/v1.metadata.json', bytes('1'), after, { durable: true })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.at).toBeGreaterThanOrEqual(resolvedAt)
    expect(calls[0]!.opts).toEqual({ durable: true }) // no publishAfter handed to a FileIO that would ignore it
    const reason = new FloeError('IO', 'manifest write failed')
    await expect(writePublishedAfter(io, '/t/v2.metadata.json', bytes('2'), Promise.reject(reason))).rejects.toBe(reason)
    expect(calls).toHaveLength(1)
    expect(await io.stat('/t/v2.metadata.json')).toBeUndefined()
  })

  it('hands the promise to FileIOs that stage (local, memory, and remapping over them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-publish-'))
    expect(new LocalFileIO().stagesWrites).toBe(true)
    expect(new MemoryFileIO().stagesWrites).toBe(true)
    expect(new RemappingFileIO(new LocalFileIO(), []).stagesWrites).toBe(true)
    expect(new RemappingFileIO(legacyIo().io, []).stagesWrites).toBe(false)
    const io = new RemappingFileIO(new LocalFileIO(), [{ from: 's3://b/', to: `${dir}/` }])
    let open!: () => void
    const w = writePublishedAfter(io, 's3://b/v1.metadata.json', bytes('x'), new Promise<void>((r) => (open = r)), { durable: true })
    await new Promise((r) => setTimeout(r, 20))
    expect(existsSync(join(dir, 'v1.metadata.json'))).toBe(false)
    open()
    await w
    expect(existsSync(join(dir, 'v1.metadata.json'))).toBe(true)
  })
})
