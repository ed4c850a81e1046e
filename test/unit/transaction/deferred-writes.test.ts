// A commit attempt's writes overlap, but reads of a file being written wait for it, and flush reports the
// first failed write (the commit loop flushes before its commit point). Real files in a temp folder.
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { DeferredWrites } from '../../../src/transaction/deferred-writes.js'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('DeferredWrites', () => {
  it('overlaps durable writes, and reads, stats and flush wait for them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-deferred-'))
    const io = new DeferredWrites(new LocalFileIO())
    const paths = Array.from({ length: 5 }, (_, i) => join(dir, `m${i}.avro`))
    for (const [i, p] of paths.entries()) await io.write(p, bytes(`manifest ${i}`), { durable: true })
    expect(new TextDecoder().decode(await io.read(paths[3]!))).toBe('manifest 3')
    expect((await io.stat(paths[4]!))?.size).toBe('manifest 4'.length)
    await io.flush()
    expect(paths.every((p) => existsSync(p))).toBe(true)
    const listed: string[] = []
    for await (const f of io.list!(dir)) listed.push(f.path)
    expect(listed).toEqual(paths)
  })

  it('reports a failed write at flush (and on reading that file), never silently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-deferred-'))
    writeFileSync(join(dir, 'plain'), 'x') // a file where a folder is needed: the write must fail
    const io = new DeferredWrites(new LocalFileIO())
    const bad = join(dir, 'plain', 'm0.avro')
    const good = join(dir, 'm1.avro')
    await io.write(bad, bytes('a'), { durable: true })
    await io.write(good, bytes('b'), { durable: true })
    await expect(io.read(bad)).rejects.toMatchObject({ code: 'IO' })
    const err = await io.flush().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(FloeError)
    expect((err as FloeError).message).toContain(bad)
    await io.settle() // settles without throwing
    expect(existsSync(good)).toBe(true)
  })

  it('does not defer replacing writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-deferred-'))
    const io = new DeferredWrites(new LocalFileIO())
    const p = join(dir, 'version-hint.text')
    await io.write(p, bytes('1'), { overwrite: true })
    expect(existsSync(p)).toBe(true)
  })
})
