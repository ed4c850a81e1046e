// LocalFileIO on a real temp folder: create-if-absent through link(2), staged writes published only after
// `publishAfter`, and many durable writes in one folder at once (their folder syncs are grouped).
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AlreadyExistsError, FloeError, NotFoundError } from '../../../src/errors.js'
import { LocalFileIO, localPath } from '../../../src/io/local.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const temp = (): string => mkdtempSync(join(tmpdir(), 'floe-local-'))
/** A promise and the functions that settle it. */
function gate(): { promise: Promise<void>; open: () => void; fail: (e: unknown) => void } {
  let open!: () => void
  let fail!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    open = res
    fail = rej
  })
  return { promise, open, fail }
}
const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('LocalFileIO', () => {
  it('creates only if absent, replaces with overwrite, and leaves no temporary files', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'a', 'v1.metadata.json') // the folder is created on demand
    await io.write(p, bytes('one'), { durable: true })
    await expect(io.write(p, bytes('two'))).rejects.toBeInstanceOf(AlreadyExistsError)
    expect(text(await io.read(p))).toBe('one')
    await io.write(p, bytes('three'), { overwrite: true })
    expect(text(await io.read(p))).toBe('three')
    expect(text(await io.read(p, { start: 1, end: 3 }))).toBe('hr')
    expect(readdirSync(join(dir, 'a'))).toEqual(['v1.metadata.json'])
    await expect(io.read(join(dir, 'missing'))).rejects.toBeInstanceOf(NotFoundError)
  })

  it('writes new unreferenced files in place with direct, still only if absent', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'data', 'm0.avro') // the folder is created on demand
    await io.write(p, bytes('manifest'), { durable: true, direct: true })
    expect(readFileSync(p, 'utf8')).toBe('manifest')
    await expect(io.write(p, bytes('other'), { durable: true, direct: true })).rejects.toBeInstanceOf(AlreadyExistsError)
    expect(readFileSync(p, 'utf8')).toBe('manifest') // the existing file is neither replaced nor removed
    expect(readdirSync(join(dir, 'data'))).toEqual(['m0.avro'])
    // a folder where the file should go: the create fails and nothing is left behind
    writeFileSync(join(dir, 'plain'), 'x')
    await expect(io.write(join(dir, 'plain', 'm1.avro'), bytes('m'), { direct: true })).rejects.toBeInstanceOf(FloeError)
    expect(readdirSync(dir).sort()).toEqual(['data', 'plain'])
    // with overwrite or publishAfter, direct is ignored: the write stays atomic
    await io.write(p, bytes('replaced'), { overwrite: true, direct: true })
    expect(readFileSync(p, 'utf8')).toBe('replaced')
  })

  it('publishes a staged write only after publishAfter resolves', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'v2.metadata.json')
    const g = gate()
    const w = io.write(p, bytes('staged'), { durable: true, publishAfter: g.promise })
    await tick()
    expect(existsSync(p)).toBe(false) // staged, not visible
    g.open()
    await w
    expect(readFileSync(p, 'utf8')).toBe('staged')
    expect(readdirSync(dir)).toEqual(['v2.metadata.json'])
  })

  it('publishes nothing when publishAfter rejects, and rejects with its reason unchanged', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const reason = new FloeError('IO', 'the manifest write failed')
    for (const overwrite of [false, true]) {
      const p = join(dir, overwrite ? 'version-hint.text' : 'v3.metadata.json')
      if (overwrite) writeFileSync(p, '2')
      const g = gate()
      const w = io.write(p, bytes('3'), { overwrite, durable: true, publishAfter: g.promise })
      await tick()
      g.fail(reason)
      await expect(w).rejects.toBe(reason)
    }
    expect(existsSync(join(dir, 'v3.metadata.json'))).toBe(false)
    expect(readFileSync(join(dir, 'version-hint.text'), 'utf8')).toBe('2') // the replaced file is untouched
    expect(readdirSync(dir)).toEqual(['version-hint.text']) // no temporary file left
  })

  it('a staged create still fails with AlreadyExistsError when the name is taken by the time it publishes', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const p = join(dir, 'v4.metadata.json')
    const g = gate()
    const w = io.write(p, bytes('mine'), { durable: true, publishAfter: g.promise })
    await io.write(p, bytes('theirs'), { durable: true }) // a concurrent committer wins meanwhile
    g.open()
    await expect(w).rejects.toBeInstanceOf(AlreadyExistsError)
    expect(readFileSync(p, 'utf8')).toBe('theirs')
    expect(readdirSync(dir)).toEqual(['v4.metadata.json'])
  })

  it('completes many concurrent durable writes in one folder (grouped folder syncs), each exactly once', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const n = 40
    await Promise.all(Array.from({ length: n }, (_, i) => io.write(join(dir, `m${i}.avro`), bytes(`m${i}`), { durable: true })))
    const names = readdirSync(dir).sort()
    expect(names).toEqual(Array.from({ length: n }, (_, i) => `m${i}.avro`).sort())
    for (let i = 0; i < n; i++) expect(readFileSync(join(dir, `m${i}.avro`), 'utf8')).toBe(`m${i}`)
    // and a later round in the same folder still syncs (the group state does not stick)
    await Promise.all([0, 1, 2].map((i) => io.write(join(dir, `later${i}`), bytes('x'), { durable: true })))
    expect(readdirSync(dir).length).toBe(n + 3)
  })
})

describe('LocalFileIO whole-file reads', () => {
  it('return exactly the bytes on disk for every size around the first-read boundary (property)', async () => {
    const fc = (await import('fast-check')).default
    const dir = temp()
    const io = new LocalFileIO()
    const K = 64 * 1024
    const sizes = fc.oneof(fc.constantFrom(0, 1, K / 4, K / 4 + 1, K - 1, K, K + 1, 2 * K, 3 * K + 7), fc.integer({ min: 0, max: 4 * K }))
    let n = 0
    await fc.assert(
      fc.asyncProperty(sizes, fc.integer({ min: 0, max: 255 }), async (size, seed) => {
        const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff)
        const path = join(dir, `f${n++}`)
        writeFileSync(path, data)
        const got = await io.read(path)
        expect(got.byteLength).toBe(size)
        expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true)
        // a ranged read of the same file agrees
        expect(Buffer.from(await io.read(path, { start: Math.floor(size / 3) })).equals(Buffer.from(data.subarray(Math.floor(size / 3))))).toBe(true)
      }),
      { numRuns: 60 },
    )
  })

  it('do not pin a 64 KiB buffer for a small file, and fail with NotFoundError naming a missing one', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    writeFileSync(join(dir, 'small'), 'hello')
    const got = await io.read(join(dir, 'small'))
    expect([text(got), got.buffer.byteLength]).toEqual(['hello', 5])
    const missing = join(dir, 'nope')
    await expect(io.read(missing)).rejects.toBeInstanceOf(NotFoundError)
    await expect(io.read(missing)).rejects.toMatchObject({ code: 'NOT_FOUND', context: { file: missing } })
  })
})

describe('LocalFileIO whole-file reads of pipes', () => {
  it('read a FIFO to its end, short or longer than the first read', async () => {
    const { execFileSync } = await import('node:child_process')
    const { writeFile } = await import('node:fs/promises')
    const dir = temp()
    const io = new LocalFileIO()
    for (const size of [10, 200_000]) {
      const fifo = join(dir, `fifo${size}`)
      execFileSync('mkfifo', [fifo])
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff)
      const writing = writeFile(fifo, data) // opens once the reader does
      const got = await io.read(fifo)
      await writing
      expect(got.byteLength).toBe(size)
      expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true)
    }
  })
})

describe('local paths and listing spellings', () => {
  it('takes the path of a file: URI literally, as Hadoop and PyIceberg do', () => {
    expect(localPath('file:/t/s=10%3A00/f.parquet')).toBe('/t/s=10%3A00/f.parquet')
    expect(localPath('file:///t/a%2520b/f#1')).toBe('/t/a%2520b/f#1')
    expect(localPath('/t/./x/../y')).toBe('/t/y')
  })

  it('lists files in the prefix’s own spelling, so each listed name opens the file listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-list-'))
    const io = new LocalFileIO()
    for (const name of ['a%3Ab/f1', 'x/f#2', 'y z/f3']) {
      const p = join(dir, 't', name)
      await io.write(p, new Uint8Array([1]))
    }
    for (const prefix of [`file:${dir}/t`, `file://${dir}/t/`, join(dir, 't'), `${dir}/./t`]) {
      const listed: string[] = []
      for await (const s of io.list(prefix)) listed.push(s.path)
      const base = prefix.replace(/\/+$/, '')
      expect(listed).toEqual([`${base}/a%3Ab/f1`, `${base}/x/f#2`, `${base}/y z/f3`])
      for (const p of listed) expect((await io.read(p)).length).toBe(1)
    }
  })
})
