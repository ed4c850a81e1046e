// The file-system catalog counts only Hadoop version files (`v<N>[.gz].metadata.json`, the old
// `v<N>.metadata.json.gz`) as table versions, as Java's HadoopTableOperations does: metastore-style names
// (`00000-<uuid>.metadata.json`, another catalog's table in the same warehouse) and Java's uncommitted
// temporary `<uuid>.metadata.json` never make a table, a current version or a commit number. A table may not
// take the folder of a namespace.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { hadoopVersion, versionFileNames } from '../../../src/catalog/hadoop-versions.js'
import { isPathSafe } from '../../../src/catalog/identifier.js'
import { SqlCatalog } from '../../../src/catalog/sql.js'
import { openSqlite } from '../../../src/catalog/sql-driver.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, NotFoundError } from '../../../src/errors.js'
import { LocalFileIO, localPath } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'
import { tempDir } from '../../support/catalogs.js'

const RUNS = Number(process.env.FC_NUM_RUNS ?? 300)

function fresh(): { dir: string; wh: string; catalog: FileSystemCatalog } {
  const dir = tempDir('floe-r22fs-')
  const wh = join(dir, 'warehouse')
  mkdirSync(wh)
  return { dir, wh, catalog: new FileSystemCatalog(defaultEnv(new LocalFileIO()), wh) }
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : [])

describe('Hadoop version file names', () => {
  it('reads the version of exactly the names Java writes and reads', () => {
    expect(hadoopVersion('v1.metadata.json')).toBe(1)
    expect(hadoopVersion('/w/db/t/metadata/v12.gz.metadata.json')).toBe(12)
    expect(hadoopVersion('s3://b/t/metadata/v3.metadata.json.gz')).toBe(3)
    expect(hadoopVersion('v2147483647.metadata.json')).toBe(2 ** 31 - 1)
    for (const other of [
      '00000-0f1e2d3c-aaaa-4bbb-8ccc-000000000000.metadata.json', // metastore naming
      '00012-x.gz.metadata.json',
      '20240517-9c1e-4b7a-8d2f-0a1b2c3d4e5f.metadata.json', // Java's temporary file, uncommitted
      'v0.metadata.json',
      'v01.metadata.json',
      'v+1.metadata.json',
      'v2147483648.metadata.json',
      'v1.zstd.metadata.json',
      'v1.metadata.json.crc',
      '.v1.metadata.json.crc',
      'v1-x.metadata.json',
      'version-hint.text',
      'v1.metadata.json/x',
    ])
      expect(hadoopVersion(other), other).toBeUndefined()
  })

  it('is defined exactly for the three names of a version (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.string({ unit: fc.constantFrom('v', '0', '1', '9', '.', 'gz', 'metadata', 'json', '-'), maxLength: 8 }), (v, name) => {
        for (const n of versionFileNames(v)) expect(hadoopVersion(n)).toBe(v)
        const got = hadoopVersion(name)
        if (got !== undefined) expect(versionFileNames(got)).toContain(name)
      }),
      { numRuns: RUNS },
    )
  })
})

describe('file-system catalog over a metastore-style table folder', () => {
  /** A SQL catalog whose warehouse is the file catalog's: its tables have only `<V>-<uuid>.metadata.json` names. */
  async function shared(): Promise<{ dir: string; wh: string; catalog: FileSystemCatalog; sql: SqlCatalog; sqlFiles: string[] }> {
    const { dir, wh, catalog } = fresh()
    const sql = new SqlCatalog(defaultEnv(new LocalFileIO()), openSqlite(join(dir, 'catalog.db')), wh)
    await sql.createNamespace('db')
    const t = await sql.createTable('db.t', { schema: SIMPLE_SCHEMA })
    await t.transaction().setProperties({ a: '1' }).commit()
    mkdirSync(join(wh, 'db'), { recursive: true })
    return { dir, wh, catalog, sql, sqlFiles: files(join(wh, 'db', 't', 'metadata')) }
  }

  it('is no table: not listed, not loadable, not droppable, and its files are never touched', async () => {
    const { wh, catalog, sql, sqlFiles } = await shared()
    expect(sqlFiles.filter((f) => f.endsWith('.metadata.json'))).toHaveLength(2)
    expect(await catalog.tableExists('db.t')).toBe(false)
    expect(await catalog.listTables('db')).toEqual([])
    await expect(catalog.loadTable('db.t')).rejects.toBeInstanceOf(NotFoundError)
    await expect(catalog.dropTable('db.t')).rejects.toBeInstanceOf(NotFoundError)
    await expect(catalog.dropTable('db.t', { purge: true })).rejects.toBeInstanceOf(NotFoundError)
    expect(files(join(wh, 'db', 't', 'metadata'))).toEqual(sqlFiles)
    expect((await sql.loadTable('db.t')).metadata.properties.a).toBe('1')
  })

  it('is no namespace either, and createNamespace says what is there', async () => {
    const { wh, catalog } = await shared()
    expect(await catalog.namespaceExists('db.t')).toBe(false)
    expect(await catalog.listNamespaces('db')).toEqual([])
    const e = await catalog.createNamespace('db.t').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AlreadyExistsError)
    expect((e as Error).message).not.toMatch(/a table exists/)
    expect((e as Error).message).toContain('a table that does not exist')
    expect((e as Error).message).toContain(join(wh, 'db', 't', 'metadata'))
  })

  it('can take a new table (as Java), which leaves the other table and its files alone, also when dropped', async () => {
    const { wh, catalog, sql, sqlFiles } = await shared()
    const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    expect(t.metadataLocation).toBe(join(wh, 'db', 't', 'metadata', 'v1.metadata.json'))
    expect(t.metadata.properties.a).toBeUndefined()
    const t2 = await t.transaction().setProperties({ mine: 'yes' }).commit()
    expect(t2.metadataLocation).toBe(join(wh, 'db', 't', 'metadata', 'v2.metadata.json'))
    expect(await catalog.listTables('db')).toEqual([{ namespace: ['db'], name: 't' }])
    await catalog.dropTable('db.t', { purge: true })
    expect(files(join(wh, 'db', 't', 'metadata'))).toEqual(sqlFiles)
    expect((await sql.loadTable('db.t')).metadata.properties.a).toBe('1')
  })

  it('refuses a commit whose base is a metastore-style file, writing nothing', async () => {
    const { wh, catalog, sql } = await shared()
    await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const foreign = (await sql.loadTable('db.t')).state
    const ops = catalog.operations({ namespace: ['db'], name: 't' })
    const before = files(join(wh, 'db', 't', 'metadata'))
    const next = applyUpdates(foreign.metadata, [{ action: 'set-properties', updates: { b: '2' } }], foreign.metadata.lastUpdatedMs + 1n)
    await expect(ops.commit(foreign, next)).rejects.toMatchObject({ code: 'COMMIT_CONFLICT' })
    expect(files(join(wh, 'db', 't', 'metadata'))).toEqual(before)
  })
})

describe('file-system catalog versions ignore other metadata names', () => {
  it("takes the highest v-file, not Java's uncommitted temporary file, and numbers the next commit after it", async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    const t = await (await catalog.createTable('db.j', { schema: SIMPLE_SCHEMA })).transaction().setProperties({ state: 'v2' }).commit()
    const md = join(wh, 'db', 'j', 'metadata')
    const pending = JSON.parse(readFileSync(t.metadataLocation, 'utf8')) as Record<string, unknown> & { properties: Record<string, string> }
    pending.properties.state = 'never committed'
    pending['last-updated-ms'] = (pending['last-updated-ms'] as number) + 10
    writeFileSync(join(md, '20240517-9c1e-4b7a-8d2f-0a1b2c3d4e5f.metadata.json'), JSON.stringify(pending))
    writeFileSync(join(md, '00007-0f1e2d3c-aaaa-4bbb-8ccc-000000000000.metadata.json'), JSON.stringify(pending))
    rmSync(join(md, 'version-hint.text'))
    const loaded = await catalog.loadTable('db.j')
    expect(loaded.metadataLocation).toBe(join(md, 'v2.metadata.json'))
    expect(loaded.metadata.properties.state).toBe('v2')
    const next = await loaded.transaction().setProperties({ x: '1' }).commit()
    expect(next.metadataLocation).toBe(join(md, 'v3.metadata.json'))
    // a hint that is not a version number is no version either
    writeFileSync(join(md, 'version-hint.text'), '00007-0f1e2d3c-aaaa-4bbb-8ccc-000000000000')
    expect((await catalog.loadTable('db.j')).metadataLocation).toBe(join(md, 'v3.metadata.json'))
    // the drop removes the version files and hint, and nothing it does not own
    await catalog.dropTable('db.j')
    expect(files(md).filter((f) => f.endsWith('.metadata.json'))).toEqual(['00007-0f1e2d3c-aaaa-4bbb-8ccc-000000000000.metadata.json', '20240517-9c1e-4b7a-8d2f-0a1b2c3d4e5f.metadata.json'])
    expect(await catalog.tableExists('db.j')).toBe(false)
  })

  it('sees a table in a metadata folder holding only an old-style v1.metadata.json.gz', async () => {
    const io = new MemoryFileIO()
    const catalog = new FileSystemCatalog(defaultEnv(io), 'memory://wh')
    await catalog.createNamespace('db')
    const t = await catalog.createTable('db.g', { schema: SIMPLE_SCHEMA, properties: { 'write.metadata.compression-codec': 'gzip' } })
    const old = t.metadataLocation.replace('v1.gz.metadata.json', 'v1.metadata.json.gz')
    io.files.set(old, io.files.get(t.metadataLocation)!)
    io.files.delete(t.metadataLocation)
    io.files.delete('memory://wh/db/g/metadata/version-hint.text')
    expect(await catalog.listTables('db')).toEqual([{ namespace: ['db'], name: 'g' }])
    expect((await catalog.loadTable('db.g')).metadataLocation).toBe(old)
  })
})

describe('file-system catalog: a table never takes the folder of a namespace', () => {
  it('refuses create and register over a namespace, empty or holding tables, naming it', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db.sub')
    const inner = await catalog.createTable('db.sub.t', { schema: SIMPLE_SCHEMA })
    await catalog.createNamespace('db.empty')
    await catalog.createNamespace('db.props', { owner: 'me' })
    mkdirSync(join(wh, 'db', 'bare')) // Java's bare namespace folder
    for (const name of ['db.sub', 'db.empty', 'db.props', 'db.bare']) {
      for (const attempt of [() => catalog.createTable(name, { schema: SIMPLE_SCHEMA }), () => catalog.registerTable(name, inner.metadataLocation)]) {
        const e = await attempt().catch((x: unknown) => x)
        expect(e, name).toBeInstanceOf(AlreadyExistsError)
        expect((e as Error).message).toContain(`namespace ${name} already exists`)
      }
      expect(await catalog.namespaceExists(name)).toBe(true)
      expect(existsSync(join(wh, ...name.split('.'), 'metadata'))).toBe(false)
    }
    expect(await catalog.listTables('db.sub')).toEqual([{ namespace: ['db', 'sub'], name: 't' }])
    expect(await catalog.listTables('db')).toEqual([])
    expect(await catalog.loadNamespaceProperties('db.props')).toEqual({ owner: 'me' })
  })

  it('still re-creates a table over what a drop without purge left', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('db')
    await (await catalog.createTable('db.p', { schema: SIMPLE_SCHEMA })).appendRows([{ id: 1n, data: 'a' }])
    await catalog.dropTable('db.p')
    expect(await catalog.tableExists('db.p')).toBe(false)
    const e = await catalog.createNamespace('db.p').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AlreadyExistsError)
    expect((e as Error).message).not.toMatch(/a table exists/)
    await expect(catalog.createNamespace('db.p.q')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('a table that does not exist') })
    const t = await catalog.createTable('db.p', { schema: SIMPLE_SCHEMA })
    expect(t.metadataLocation).toMatch(/\/db\/p\/metadata\/v1\.metadata\.json$/)
    await expect(catalog.createNamespace('db.p')).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('table db.p') })
  })
})

describe('file-system catalog names under a URI warehouse', () => {
  it("keeps a folder's own location (no file name after it) inside its folder: a trailing space is refused (property)", () => {
    const root = '/warehouse/root'
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', 'é', '.', '2'), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), (parts) => {
        if (!parts.every((p) => isPathSafe(p, true))) return
        expect(localPath(`file://${root}/${parts.join('/')}`)).toBe(join(root, ...parts))
      }),
      { numRuns: RUNS },
    )
  })

  it('refuses a table or namespace name ending in a space, instead of taking it for its parent folder', async () => {
    const dir = tempDir('floe-r22uri-')
    const catalog = new FileSystemCatalog(defaultEnv(new LocalFileIO()), `file://${dir}/wh`)
    await catalog.createNamespace('ns')
    await expect(catalog.createTable({ namespace: ['ns'], name: 't ' }, { schema: SIMPLE_SCHEMA })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('trailing space') })
    await expect(catalog.createNamespace(['ns', ' '])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const t = await catalog.createTable({ namespace: ['ns'], name: ' t' }, { schema: SIMPLE_SCHEMA }) // a leading space is kept
    expect(t.metadataLocation).toBe(`file://${dir}/wh/ns/ t/metadata/v1.metadata.json`)
  })
})
