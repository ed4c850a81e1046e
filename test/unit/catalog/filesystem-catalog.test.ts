// The file-system catalog on warehouses Java's HadoopCatalog also writes: bare namespace folders, old gzip
// metadata names, path-based table rules, and any name that is one safe folder name.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { checkPathSafe, isPathSafe } from '../../../src/catalog/identifier.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, NotFoundError } from '../../../src/errors.js'
import { LocalFileIO, localPath } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'
import { fakeFile, tempDir } from '../../support/catalogs.js'

function fresh(): { dir: string; wh: string; catalog: FileSystemCatalog } {
  const dir = tempDir('floe-fscat-')
  const wh = join(dir, 'warehouse')
  return { dir, wh, catalog: new FileSystemCatalog(defaultEnv(new LocalFileIO()), wh) }
}

describe('file-system catalog namespaces', () => {
  it('takes a folder without a marker (Java HadoopCatalog makes bare folders) as a namespace', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    mkdirSync(join(wh, 'javadb'))
    cpSync(join(wh, 'db', 't'), join(wh, 'javadb', 'jt'), { recursive: true })
    mkdirSync(join(wh, 'javadb', 'inner', 'deeper'), { recursive: true })
    cpSync(join(wh, 'db', 't'), join(wh, 'javadb', 'inner', 'deeper', 'x'), { recursive: true })
    expect(await catalog.namespaceExists('javadb')).toBe(true)
    expect(await catalog.namespaceExists('javadb.inner')).toBe(true)
    expect(await catalog.listNamespaces()).toEqual([['db'], ['javadb']])
    expect(await catalog.listNamespaces('javadb')).toEqual([['javadb', 'inner']])
    expect(await catalog.listTables('javadb')).toEqual([{ namespace: ['javadb'], name: 'jt' }])
    expect(await catalog.loadNamespaceProperties('javadb')).toEqual({})
    await catalog.createTable('javadb.new', { schema: SIMPLE_SCHEMA })
    expect((await catalog.listTables('javadb')).map((t) => t.name)).toEqual(['jt', 'new'])
    await expect(catalog.createNamespace('javadb')).rejects.toBeInstanceOf(AlreadyExistsError)
    // properties on a bare folder write floe's marker
    await catalog.updateNamespaceProperties('javadb', { owner: 'me' })
    expect(await catalog.loadNamespaceProperties('javadb')).toEqual({ owner: 'me' })
  })

  it('never takes a table folder, or a folder inside one, for a namespace', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('db')
    await (await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })).append([fakeFile('/x/a.parquet')])
    expect(await catalog.namespaceExists('db.t')).toBe(false)
    expect(await catalog.namespaceExists('db.t.metadata')).toBe(false)
    expect(await catalog.listNamespaces('db')).toEqual([])
    await expect(catalog.listNamespaces('db.t')).rejects.toBeInstanceOf(NotFoundError)
    await expect(catalog.createNamespace('db.t')).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(catalog.createNamespace('db.t.inner')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // what a drop without purge leaves (manifests) is neither a table nor a namespace, and keeps db non-empty
    await catalog.dropTable('db.t')
    expect(await catalog.listTables('db')).toEqual([])
    expect(await catalog.listNamespaces('db')).toEqual([])
    await expect(catalog.dropNamespace('db')).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it("drops a Java-written table with Hadoop's checksum files, leaving no folder that looks like a namespace", async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const meta = join(wh, 'db', 't', 'metadata')
    for (const f of ['.v1.metadata.json.crc', '.version-hint.text.crc']) writeFileSync(join(meta, f), 'crc')
    await catalog.dropTable('db.t')
    expect(existsSync(join(wh, 'db', 't'))).toBe(false)
    expect(await catalog.listNamespaces('db')).toEqual([])
    await catalog.dropNamespace('db')
  })

  it('drops a namespace only when its folder holds nothing but the marker', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    writeFileSync(join(wh, 'db', 'notes.txt'), 'x')
    await expect(catalog.dropNamespace('db')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('notes.txt') })
    expect(await catalog.namespaceExists('db')).toBe(true)
  })
})

describe('file-system catalog tables', () => {
  it('finds an old-style vN.metadata.json.gz after a stale hint, so the next commit takes vN+1', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    const g = await catalog.createTable('db.g', { schema: SIMPLE_SCHEMA, properties: { 'write.metadata.compression-codec': 'gzip' } })
    const ops = catalog.operations({ namespace: ['db'], name: 'g' })
    const s2 = await ops.commit(g.state, applyUpdates(g.metadata, [{ action: 'set-properties', updates: { a: '2' } }], g.metadata.lastUpdatedMs + 1n))
    const old = s2.metadataLocation.replace('v2.gz.metadata.json', 'v2.metadata.json.gz')
    renameSync(s2.metadataLocation, old)
    writeFileSync(join(wh, 'db', 'g', 'metadata', 'version-hint.text'), '1')
    const current = (await ops.refresh())!
    expect(current.metadataLocation).toBe(old)
    await expect(ops.commit(g.state, applyUpdates(g.metadata, [{ action: 'set-properties', updates: { b: '1' } }], g.metadata.lastUpdatedMs + 2n))).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' })
    const s3 = await ops.commit(current, applyUpdates(current.metadata, [{ action: 'set-properties', updates: { b: '3' } }], current.metadata.lastUpdatedMs + 1n))
    expect(s3.metadataLocation).toMatch(/\/v3\.gz\.metadata\.json$/)
    expect(readdirSync(join(wh, 'db', 'g', 'metadata')).filter((f) => f.startsWith('v2'))).toEqual(['v2.metadata.json.gz'])
  })

  it('refuses a custom location and write.metadata.path, at creation and in later commits (Java)', async () => {
    const { dir, wh, catalog } = fresh()
    await catalog.createNamespace('db')
    await expect(catalog.createTable('db.c', { schema: SIMPLE_SCHEMA, location: join(dir, 'elsewhere') })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(catalog.createTable('db.m', { schema: SIMPLE_SCHEMA, properties: { 'write.metadata.path': join(dir, 'meta') } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(existsSync(join(wh, 'db', 'c'))).toBe(false)
    expect(existsSync(join(wh, 'db', 'm'))).toBe(false)
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false)
    const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA, location: `${join(wh, 'db', 't')}/` }) // its own folder is fine
    await expect(t.transaction().setProperties({ 'write.metadata.path': join(dir, 'meta') }).commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const ops = catalog.operations({ namespace: ['db'], name: 't' })
    await expect(ops.commit(t.state, { ...t.metadata, location: join(dir, 'moved'), lastUpdatedMs: t.metadata.lastUpdatedMs + 1n })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((await catalog.loadTable('db.t')).metadataLocation).toBe(t.metadataLocation)
  })

  it('accepts any single safe folder name: spaces, accents, other scripts', async () => {
    const { wh, catalog } = fresh()
    for (const ns of ['my db', 'événements', '数据']) {
      await catalog.createNamespace([ns])
      const id = { namespace: [ns], name: 'Tëst table' }
      await expect(catalog.loadTable({ namespace: [ns], name: 'missing ü' })).rejects.toBeInstanceOf(NotFoundError)
      await catalog.createTable(id, { schema: SIMPLE_SCHEMA })
      expect(await catalog.listTables([ns])).toEqual([id])
      expect(existsSync(join(wh, ns, 'Tëst table', 'metadata', 'v1.metadata.json'))).toBe(true)
    }
    expect((await catalog.listNamespaces()).map((n) => n[0]).sort()).toEqual(['my db', 'événements', '数据'].sort())
  })

  it('refuses names that are not one folder name', async () => {
    const { catalog } = fresh()
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'nul\u0000', 'tab\t']) {
      await expect(catalog.createNamespace([bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(catalog.loadTable({ namespace: ['db'], name: bad })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    }
    const uri = new FileSystemCatalog(defaultEnv(new MemoryFileIO()), 'file:///tmp/wh')
    for (const bad of ['%2e%2e', 'a?b', 'a#b']) await expect(uri.createNamespace([bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('keeps every accepted name inside the warehouse (property)', () => {
    const root = resolve('/warehouse/root')
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('.', '/', '\\', 'a', ' ', 'é', '\u0000', '%', '?', '#', '2', 'e'), maxLength: 4 }), { minLength: 1, maxLength: 3 }), (parts) => {
        let ok = true
        try {
          checkPathSafe(parts, 'test')
        } catch {
          ok = false
        }
        expect(ok).toBe(parts.every((p) => isPathSafe(p)))
        if (!ok) return
        const rel = relative(root, resolve(root, ...parts))
        expect(rel === '..' || rel.startsWith('../') || isAbsolute(rel)).toBe(false)
        expect(rel.split('/')).toHaveLength(parts.length)
        // under a URI warehouse, URL parsing must not undo the check either (the catalog always appends a file name)
        if (parts.every((p) => isPathSafe(p, true))) expect(localPath(`file://${root}/${parts.join('/')}/f`)).toBe(join(root, ...parts, 'f'))
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    )
  })
})
