// Namespaces as Java's HadoopCatalog makes them: `createNamespace` is a bare `mkdirs`, and a namespace is any
// folder that is not a table. Through LocalFileIO's folder listing, floe sees empty folders too, drops a
// namespace by removing its folder, and removes the folders a dropped table leaves empty (Java deletes the
// table folder), so none of them turns into a namespace. Without the capability nothing changes.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, NotFoundError } from '../../../src/errors.js'
import type { FileIO, FileStat, WriteOptions } from '../../../src/io/file-io.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { tempDir } from '../../support/catalogs.js'

const SCHEMA = parseColumns('id bigint, v int')

function fresh(io: FileIO = new LocalFileIO()): { wh: string; catalog: FileSystemCatalog } {
  const wh = join(tempDir('floe-fsjava-'), 'wh')
  mkdirSync(wh)
  return { wh, catalog: new FileSystemCatalog(defaultEnv(io), wh) }
}

/** LocalFileIO without the folder capability (as an object-store FileIO). */
class FilesOnlyIO implements FileIO {
  readonly stagesWrites = true
  private readonly inner = new LocalFileIO()
  read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    return this.inner.read(path, range)
  }
  stat(path: string): Promise<FileStat | undefined> {
    return this.inner.stat(path)
  }
  write(path: string, data: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.inner.write(path, data, opts)
  }
  delete(path: string): Promise<void> {
    return this.inner.delete(path)
  }
  list(prefix: string): AsyncIterable<FileStat> {
    return this.inner.list(prefix)
  }
}

/**
 * Java's `HadoopCatalog.isNamespace` on a folder: a folder whose `metadata/` holds no `*.metadata.json`
 * (what Java would see in a warehouse floe wrote).
 */
function javaSeesNamespace(dir: string): boolean {
  if (!existsSync(dir)) return false
  const meta = join(dir, 'metadata')
  return !(existsSync(meta) && readdirSync(meta).some((f) => f.endsWith('.metadata.json')))
}

describe('file-system catalog: namespaces made by Java (bare folders)', () => {
  it('sees empty folders as namespaces, at any depth', async () => {
    const { wh, catalog } = fresh()
    mkdirSync(join(wh, 'javans'))
    mkdirSync(join(wh, 'a', 'b'), { recursive: true })
    expect(await catalog.namespaceExists('javans')).toBe(true)
    expect(await catalog.namespaceExists('a')).toBe(true)
    expect(await catalog.namespaceExists('a.b')).toBe(true)
    expect(await catalog.namespaceExists('a.c')).toBe(false)
    expect(await catalog.listNamespaces()).toEqual([['a'], ['javans']])
    expect(await catalog.listNamespaces('a')).toEqual([['a', 'b']])
    expect(await catalog.listNamespaces('javans')).toEqual([])
    expect(await catalog.listTables('javans')).toEqual([])
    expect(await catalog.loadNamespaceProperties('a.b')).toEqual({})
    await expect(catalog.createNamespace('javans')).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(catalog.createNamespace('a.b')).rejects.toBeInstanceOf(AlreadyExistsError)
  })

  it('creates tables in them; a table folder is still no namespace', async () => {
    const { wh, catalog } = fresh()
    mkdirSync(join(wh, 'javans'))
    const t = await (await catalog.createTable('javans.t', { schema: SCHEMA })).appendRows([{ id: 1n, v: 1 }])
    expect(t.metadataLocation).toBe(join(wh, 'javans', 't', 'metadata', 'v2.metadata.json'))
    expect(await catalog.listTables('javans')).toEqual([{ namespace: ['javans'], name: 't' }])
    expect(await catalog.listNamespaces('javans')).toEqual([])
    expect(await catalog.namespaceExists('javans.t')).toBe(false)
    expect(await catalog.namespaceExists('javans.t.data')).toBe(false)
  })

  it('drops a namespace by removing its folder, and refuses while it holds an empty child folder', async () => {
    const { wh, catalog } = fresh()
    mkdirSync(join(wh, 'a', 'b'), { recursive: true })
    await expect(catalog.dropNamespace('a')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('1 namespace(s)') })
    await catalog.dropNamespace('a.b')
    expect(existsSync(join(wh, 'a', 'b'))).toBe(false)
    expect(await catalog.namespaceExists('a.b')).toBe(false)
    await catalog.dropNamespace('a')
    expect(existsSync(join(wh, 'a'))).toBe(false)
    expect(await catalog.listNamespaces()).toEqual([])
    await expect(catalog.dropNamespace('a')).rejects.toBeInstanceOf(NotFoundError)
    // a namespace floe made (marker file) goes with its folder too, so Java no longer sees it
    await catalog.createNamespace('mine', { owner: 'me' })
    expect(javaSeesNamespace(join(wh, 'mine'))).toBe(true)
    await catalog.dropNamespace('mine')
    expect(javaSeesNamespace(join(wh, 'mine'))).toBe(false)
  })

  it('removes the folders a dropped table leaves empty, so none of them becomes a namespace', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    await catalog.createTable('db.empty', { schema: SCHEMA }) // only metadata files: all go with the drop
    const purged = await (await catalog.createTable('db.purged', { schema: SCHEMA })).appendRows([{ id: 1n, v: 1 }])
    const kept = await (await catalog.createTable('db.kept', { schema: SCHEMA })).appendRows([{ id: 1n, v: 1 }])
    await catalog.dropTable('db.empty')
    await catalog.dropTable('db.purged', { purge: true })
    await catalog.dropTable('db.kept') // manifests and data stay (W-D7): the folder stays, as neither table nor namespace
    expect(existsSync(join(wh, 'db', 'empty'))).toBe(false)
    expect(existsSync(purged.metadata.location)).toBe(false)
    expect(existsSync(kept.metadata.location)).toBe(true)
    expect(await catalog.listNamespaces('db')).toEqual([])
    expect(await catalog.listTables('db')).toEqual([])
    expect(await catalog.namespaceExists('db.empty')).toBe(false)
    await catalog.createTable('db.empty', { schema: SCHEMA }) // the name is free again
  })

  it("makes a namespace without properties as Java does (a bare folder Java can drop), and a marker only for properties", async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace(['a', 'b'])
    // Java's HadoopCatalog.dropNamespace refuses a folder holding anything: floe's folder holds nothing
    expect(readdirSync(join(wh, 'a', 'b'))).toEqual([])
    expect(await catalog.namespaceExists(['a', 'b'])).toBe(true)
    expect(await catalog.listNamespaces('a')).toEqual([['a', 'b']])
    await expect(catalog.createNamespace(['a', 'b'])).rejects.toBeInstanceOf(AlreadyExistsError)
    // properties need the marker; removing the last one takes it away again, and the namespace stays
    await catalog.updateNamespaceProperties(['a', 'b'], { owner: 'x' })
    expect(readdirSync(join(wh, 'a', 'b'))).toEqual(['.namespace.json'])
    expect(await catalog.loadNamespaceProperties(['a', 'b'])).toEqual({ owner: 'x' })
    await catalog.updateNamespaceProperties(['a', 'b'], {}, ['owner'])
    expect(readdirSync(join(wh, 'a', 'b'))).toEqual([])
    expect(await catalog.loadNamespaceProperties(['a', 'b'])).toEqual({})
    expect(await catalog.namespaceExists(['a', 'b'])).toBe(true)
    // created with properties: the marker holds them
    await catalog.createNamespace('p', { k: 'v' })
    expect(readdirSync(join(wh, 'p'))).toEqual(['.namespace.json'])
    expect(await catalog.loadNamespaceProperties('p')).toEqual({ k: 'v' })
    await catalog.dropNamespace(['a', 'b'])
    expect(existsSync(join(wh, 'a', 'b'))).toBe(false)
  })

  it('makeFolder creates folders and their parents once, and refuses a file in the way (ALREADY_EXISTS)', async () => {
    const io = new LocalFileIO()
    const dir = join(tempDir('floe-mkdir-'), 'x', 'y')
    expect(await io.makeFolder(dir)).toBe(true)
    expect(await io.makeFolder(dir)).toBe(false)
    expect(await io.listFolders(join(dir, '..'))).toEqual(['y'])
    writeFileSync(join(dir, 'f'), 'x')
    await expect(io.makeFolder(join(dir, 'f'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    // concurrent creators, parents missing too: exactly one made it, every time
    for (let i = 0; i < 30; i++) {
      const other = join(dir, `p${i}`, 'q', 'r')
      expect((await Promise.all([1, 2, 3, 4].map(() => io.makeFolder(other)))).filter(Boolean).length).toBe(1)
    }
  })

  it('lets exactly one of several concurrent createNamespace calls win, with or without properties', async () => {
    for (let i = 0; i < 10; i++) {
      const { catalog } = fresh()
      const results = await Promise.allSettled([{}, { k: 'v' }, {}, { k: 'w' }, {}].map((p) => catalog.createNamespace(['x', `n${i}`], p)))
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1)
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AlreadyExistsError)
    }
  })

  it('leaves a catalog whose FileIO cannot list folders as it was: empty folders stay invisible', async () => {
    const { wh, catalog } = fresh(new FilesOnlyIO())
    mkdirSync(join(wh, 'javans'))
    expect(await catalog.namespaceExists('javans')).toBe(false)
    expect(await catalog.listNamespaces()).toEqual([])
    await catalog.createNamespace('javans') // writes the marker into the existing folder
    expect(await catalog.namespaceExists('javans')).toBe(true)
    await catalog.dropNamespace('javans')
    expect(await catalog.namespaceExists('javans')).toBe(false)
    expect(existsSync(join(wh, 'javans'))).toBe(true) // nothing removes folders without the capability
  })

  it('lists exactly the folders Java takes for namespaces: empty or not, never tables (property)', async () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd')
    // each folder in namespace `ns` is: empty, holding a file, a table, or holding an empty child folder
    const kind = fc.constantFrom('empty' as const, 'file' as const, 'table' as const, 'child' as const)
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, kind, { maxKeys: 4 }), async (layout) => {
        const { wh, catalog } = fresh()
        const ns = join(wh, 'ns')
        mkdirSync(ns)
        for (const [n, k] of Object.entries(layout)) {
          if (k === 'table') await catalog.createTable({ namespace: ['ns'], name: n }, { schema: SCHEMA })
          else mkdirSync(join(ns, n))
          if (k === 'file') writeFileSync(join(ns, n, 'notes.txt'), 'x')
          if (k === 'child') mkdirSync(join(ns, n, 'inner'))
        }
        const expected = Object.keys(layout)
          .filter((n) => javaSeesNamespace(join(ns, n)))
          .sort()
        expect(await catalog.listNamespaces('ns')).toEqual(expected.map((n) => ['ns', n]))
        for (const [n, k] of Object.entries(layout)) {
          expect(await catalog.namespaceExists(['ns', n])).toBe(k !== 'table')
          if (k === 'child') expect(await catalog.listNamespaces(['ns', n])).toEqual([['ns', n, 'inner']])
        }
        expect((await catalog.listTables('ns')).map((t) => t.name)).toEqual(Object.keys(layout).filter((n) => layout[n] === 'table').sort())
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 25) },
    )
  })
})
