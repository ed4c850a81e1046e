// FileIO.createOutput, objects written piece by piece: LocalFileIO on a real temp folder, MemoryFileIO and the
// remapping FileIO. Each is create-if-absent from the moment it is created (an existing object is
// AlreadyExistsError and stays as it was), may be seen partly written, holds every chunk in order once
// closed, and is gone after an abort (even when it was already removed). Errors are floe's typed errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AlreadyExistsError, FloeError, isFloeError } from '../../../src/errors.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { RemappingFileIO } from '../../../src/io/remap.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const dirs: string[] = []
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'floe-output-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Bytes 0..n-1 of a repeating pattern (a chunk whose offset in the file matters). */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff
  return b
}

/** What the FileIO under test stores, and a path for it. */
interface Subject {
  readonly io: FileIO
  path(name: string): string
  /** The stored bytes of `path`, or undefined when no object is there. */
  stored(path: string): Uint8Array | undefined
}

function local(): Subject {
  const dir = temp()
  return {
    io: new LocalFileIO(),
    path: (name) => join(dir, 'data', name), // the folder is created on demand
    stored: (p) => (existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined),
  }
}

function memory(): Subject {
  const io = new MemoryFileIO()
  return { io, path: (name) => `mem://t/data/${name}`, stored: (p) => io.files.get(p) }
}

describe.each([
  ['LocalFileIO', local],
  ['MemoryFileIO', memory],
])('%s createOutput', (_, subject) => {
  it('writes the chunks in order, the object complete after close; the caller may reuse a chunk once its write settles', async () => {
    const s = subject()
    const p = s.path('a.parquet')
    const out = await s.io.createOutput!(p, { durable: true })
    // the name is taken from creation on (the object may be seen partly written)
    expect(s.stored(p)).toBeDefined()
    const reused = pattern(4096, 4)
    const parts = [pattern(5, 1), pattern(3 * 1024 * 1024 + 7, 2), reused, new Uint8Array(0), pattern(1, 3)]
    const want = Buffer.concat(parts.map((c) => Buffer.from(c))) // copies, taken before any chunk changes
    for (const c of parts) {
      await out.write(c)
      // its write has settled: the object keeps what was written
      if (c === reused) reused.fill(0)
    }
    await out.close()
    expect(Buffer.from(s.stored(p)!).equals(want)).toBe(true)
    expect((await s.io.stat(p))?.size).toBe(want.length)
    expect(Buffer.from(await s.io.read(p)).equals(want)).toBe(true)
    // closed: abort does nothing, a further write or close is refused
    await out.abort()
    expect(s.stored(p)?.length).toBe(want.length)
    await expect(out.write(bytes('x'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(out.close()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('is create-if-absent: an existing object is AlreadyExistsError at creation and stays as it was', async () => {
    const s = subject()
    const p = s.path('taken.parquet')
    await s.io.write(p, bytes('theirs'))
    const e = await s.io.createOutput!(p, { durable: true }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AlreadyExistsError)
    expect((e as FloeError).context?.file).toBe(p)
    expect(text(s.stored(p)!)).toBe('theirs')
    // an output in progress holds its name against whole-object writes and other outputs
    const q = s.path('mine.parquet')
    const out = await s.io.createOutput!(q)
    await out.write(bytes('mine'))
    await expect(s.io.write(q, bytes('other'))).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(s.io.createOutput!(q)).rejects.toBeInstanceOf(AlreadyExistsError)
    await out.close()
    expect(text(s.stored(q)!)).toBe('mine')
  })

  it('abort removes the object, and is fine when it is already gone', async () => {
    const s = subject()
    const p = s.path('gone.parquet')
    const out = await s.io.createOutput!(p, { durable: true })
    await out.write(pattern(1000, 5))
    await out.abort()
    expect(s.stored(p)).toBeUndefined()
    expect(await s.io.stat(p)).toBeUndefined()
    await out.abort() // twice: nothing left to do
    await expect(out.write(bytes('x'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // removed by somebody else first: abort still resolves
    const q = s.path('removed.parquet')
    const out2 = await s.io.createOutput!(q)
    await out2.write(bytes('partial'))
    await s.io.delete(q)
    await out2.abort()
    expect(s.stored(q)).toBeUndefined()
    // the name is free again
    const out3 = await s.io.createOutput!(p)
    await out3.close()
    expect(s.stored(p)?.length).toBe(0)
  })
})

describe('LocalFileIO createOutput on disk', () => {
  it('writes in place under its own name (no temporary file) and creates missing folders', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'a', 'b', 'f.parquet')
    const out = await io.createOutput(p, { durable: true })
    await out.write(bytes('PAR1'))
    // partly written: visible with what was written so far
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['f.parquet'])
    expect(statSync(p).size).toBe(4)
    await out.write(bytes('rest'))
    await out.close()
    expect(readFileSync(p, 'utf8')).toBe('PAR1rest')
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['f.parquet'])
    // a file: URI names the same file
    const out2 = await io.createOutput(`file://${join(dir, 'a', 'g.parquet')}`)
    await out2.write(bytes('g'))
    await out2.close()
    expect(readFileSync(join(dir, 'a', 'g.parquet'), 'utf8')).toBe('g')
  })

  it('abort waits for a write still under way before it closes and removes the file', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'f.parquet')
    const out = await io.createOutput(p)
    const writing = out.write(pattern(16 * 1024 * 1024, 6)) // not awaited
    await out.abort()
    await writing // the write itself completed on its own descriptor
    expect(existsSync(p)).toBe(false)
  })

  it('fails with IO errors naming the path, and a failed close still aborts', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    writeFileSync(join(dir, 'plain'), 'x')
    const under = join(dir, 'plain', 'f.parquet') // a file where the folder should be
    const e = await io.createOutput(under).catch((x: unknown) => x)
    expect(isFloeError(e, 'IO')).toBe(true)
    expect((e as FloeError).message).toContain(under)
    expect((e as FloeError).context?.file).toBe(under)
    // a folder removed under an open output: the durable close cannot sync it, the error names the file, abort cleans up
    const p = join(dir, 'sub', 'f.parquet')
    const out = await io.createOutput(p, { durable: true })
    await out.write(bytes('data'))
    unlinkSync(p)
    rmSync(join(dir, 'sub'), { recursive: true })
    const c = await out.close().catch((x: unknown) => x)
    expect(c).toBeInstanceOf(FloeError)
    expect((c as FloeError).context?.file).toBe(p)
    await out.abort()
    expect(existsSync(join(dir, 'sub'))).toBe(false)
  })
})

describe('MemoryFileIO createOutput', () => {
  it('copies each chunk, runs the fault hook on create, write and close, and never replaces an object written over it', async () => {
    const io = new MemoryFileIO()
    const ops: string[] = []
    io.beforeOp = (op, path) => void ops.push(`${op} ${path}`)
    const out = await io.createOutput('/t/a')
    const chunk = bytes('abc')
    await out.write(chunk)
    chunk[0] = 0x7a
    expect(io.files.get('/t/a')?.length).toBe(0) // published only at close
    await out.close()
    expect(text(io.files.get('/t/a')!)).toBe('abc')
    expect(ops).toEqual(['write /t/a', 'write /t/a', 'write /t/a'])
    // an injected failure of a chunk write: the output can still be aborted, leaving nothing
    io.beforeOp = (op) => {
      if (op === 'write' && ops.push('x') === 5) throw new FloeError('IO', 'injected')
    }
    const b = await io.createOutput('/t/b')
    await expect(b.write(bytes('1'))).rejects.toMatchObject({ code: 'IO' })
    await b.abort()
    expect(io.files.has('/t/b')).toBe(false)
    io.beforeOp = undefined
    // overwritten by somebody while it was written: close refuses, abort leaves their object
    const c = await io.createOutput('/t/c')
    await c.write(bytes('mine'))
    await io.write('/t/c', bytes('theirs'), { overwrite: true })
    await expect(c.close()).rejects.toMatchObject({ code: 'IO' })
    await c.abort()
    expect(text(io.files.get('/t/c')!)).toBe('theirs')
  })
})

describe('RemappingFileIO createOutput', () => {
  it('writes at the mapped location, and exists only when the wrapped FileIO has it', async () => {
    const inner = new MemoryFileIO()
    const io = new RemappingFileIO(inner, [{ from: 's3://bucket/', to: '/local/' }])
    const out = await io.createOutput!('s3://bucket/t/data/f.parquet', { durable: true })
    await out.write(bytes('x'))
    await out.close()
    expect(text(inner.files.get('/local/t/data/f.parquet')!)).toBe('x')
    await expect(io.createOutput!('s3://bucket/t/data/f.parquet')).rejects.toBeInstanceOf(AlreadyExistsError)
    const plain: FileIO = { read: inner.read.bind(inner), stat: inner.stat.bind(inner), write: inner.write.bind(inner), delete: inner.delete.bind(inner) }
    expect(new RemappingFileIO(plain, []).createOutput).toBeUndefined()
  })
})
