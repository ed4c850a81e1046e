// LocalFileIO's folder capability on a real temp folder: listing the folders directly in a folder (empty
// ones included, files and deeper levels not), and removing a folder only when it is empty.
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LocalFileIO, foldersToSync } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { RemappingFileIO } from '../../../src/io/remap.js'

const temp = (): string => mkdtempSync(join(tmpdir(), 'floe-folders-'))

describe('LocalFileIO folders', () => {
  it('lists the folders directly in a folder, sorted, including empty ones and links to folders', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'b', 'deeper'), { recursive: true })
    mkdirSync(join(dir, 'a'))
    writeFileSync(join(dir, 'file.txt'), 'x')
    symlinkSync(join(dir, 'a'), join(dir, 'c-link'))
    symlinkSync(join(dir, 'file.txt'), join(dir, 'd-link'))
    const io = new LocalFileIO()
    expect(await io.listFolders(dir)).toEqual(['a', 'b', 'c-link'])
    expect(await io.listFolders(pathToFileURL(dir).href)).toEqual(['a', 'b', 'c-link'])
    expect(await io.listFolders(join(dir, 'a'))).toEqual([])
    expect(await io.listFolders(join(dir, 'missing'))).toBeUndefined()
    expect(await io.listFolders(join(dir, 'file.txt'))).toBeUndefined()
  })

  it('removes a folder only when it is empty', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'empty'))
    mkdirSync(join(dir, 'full', 'child'), { recursive: true })
    writeFileSync(join(dir, 'file.txt'), 'x')
    const io = new LocalFileIO()
    expect(await io.removeFolder(join(dir, 'empty'))).toBe(true)
    expect(existsSync(join(dir, 'empty'))).toBe(false)
    expect(await io.removeFolder(join(dir, 'empty'))).toBe(false) // already absent
    expect(await io.removeFolder(join(dir, 'full'))).toBe(false)
    expect(existsSync(join(dir, 'full', 'child'))).toBe(true)
    expect(await io.removeFolder(join(dir, 'file.txt'))).toBe(false)
    expect(existsSync(join(dir, 'file.txt'))).toBe(true)
  })

  it('lists exactly the folders made, never files (property)', async () => {
    const io = new LocalFileIO()
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z0-9 é_-]{1,8}$/), fc.boolean()), { selector: ([n]) => n, maxLength: 6 }), async (entries) => {
        const dir = temp()
        for (const [n, folder] of entries) (folder ? mkdirSync : (p: string) => writeFileSync(p, n))(join(dir, n))
        const folders = entries
          .filter(([, f]) => f)
          .map(([n]) => n)
          .sort()
        expect(await io.listFolders(dir)).toEqual(folders)
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 50) },
    )
  })
})

describe('RemappingFileIO folder capability', () => {
  it('passes listFolders/removeFolder through the mapping, and has neither when the wrapped FileIO lacks them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'floe-remap-folders-'))
    mkdirSync(join(root, 'ns', 'a'), { recursive: true })
    const io = new RemappingFileIO(new LocalFileIO(), [{ from: 's3://b/wh/', to: `${root}/` }])
    expect(await io.listFolders!('s3://b/wh/ns')).toEqual(['a'])
    expect(await io.removeFolder!('s3://b/wh/ns/a')).toBe(true)
    expect(existsSync(join(root, 'ns', 'a'))).toBe(false)
    const mem = new RemappingFileIO(new MemoryFileIO(), [])
    expect(mem.listFolders).toBeUndefined()
    expect(mem.removeFolder).toBeUndefined()
  })
})

describe('LocalFileIO folders made for a durable write', () => {
  it('syncs the parent of every folder mkdir -p made (the file folder itself is synced for the file)', () => {
    expect(foldersToSync('/w/t/data/a=1', '/w/t/data/a=1/b=2/c=3')).toEqual(['/w/t/data/a=1/b=2', '/w/t/data/a=1', '/w/t/data'])
    expect(foldersToSync('/w/t/data/a=1', '/w/t/data/a=1')).toEqual(['/w/t/data'])
    // nothing made by this call: another writer made the folder, its parent is synced in case it has not been
    expect(foldersToSync(undefined, '/w/t/data/a=1')).toEqual(['/w/t/data'])
  })

  it('property: the folders synced are exactly the parents of the folders made', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9=_-]{1,6}$/), { minLength: 1, maxLength: 6 }), fc.nat(5), (names, k) => {
        const existing = Math.min(k, names.length - 1)
        const dir = '/root/' + names.join('/')
        const first = '/root/' + names.slice(0, existing + 1).join('/')
        const made = names.slice(existing).map((_, i) => '/root/' + names.slice(0, existing + 1 + i).join('/'))
        const parents = made.map((m) => m.slice(0, m.lastIndexOf('/')))
        expect(new Set(foldersToSync(first, dir))).toEqual(new Set(parents))
      }),
    )
  })

  it('durable direct, staged and streamed writes into folders that do not exist yet land whole', async () => {
    const dir = temp()
    const io = new LocalFileIO()
    const bytes = new Uint8Array([1, 2, 3])
    await io.write(join(dir, 'a', 'b=1', 'c=2', 'direct.bin'), bytes, { durable: true, direct: true })
    await io.write(join(dir, 'd', 'e', 'staged.bin'), bytes, { durable: true })
    const out = await io.createOutput(join(dir, 'f', 'g', 'h', 'streamed.bin'), { durable: true })
    await out.write(bytes)
    await out.close()
    for (const p of ['a/b=1/c=2/direct.bin', 'd/e/staged.bin', 'f/g/h/streamed.bin']) expect([...(await io.read(join(dir, p)))]).toEqual([1, 2, 3])
  })
})
