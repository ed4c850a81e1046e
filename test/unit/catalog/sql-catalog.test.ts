// The SQL catalog against databases Java's JdbcCatalog and PyIceberg's SqlCatalog also use: older ("v0")
// databases without `iceberg_type`, view rows, rows without a namespace, nested namespaces, races.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { openCatalog } from '../../../src/catalog/open.js'
import { SqlCatalog } from '../../../src/catalog/sql.js'
import { openSqlite, type SqlDriver } from '../../../src/catalog/sql-driver.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, FloeError, NotFoundError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'
import { tempDir } from '../../support/catalogs.js'

// iceberg_tables as Java's JdbcCatalog creates it by default and PyIceberg before views: no iceberg_type
const V0_TABLES = `CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL,
  table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000),
  PRIMARY KEY (catalog_name, table_namespace, table_name))`
const V0_PROPS = `CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL,
  property_key VARCHAR(255), property_value VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))`

function fresh(): { dir: string; file: string; db: SqlDriver; catalog: SqlCatalog } {
  const dir = tempDir('floe-sqlcat-')
  const file = join(dir, 'catalog.db')
  const db = openSqlite(file)
  return { dir, file, db, catalog: new SqlCatalog(defaultEnv(new LocalFileIO()), db, join(dir, 'warehouse')) }
}

async function columns(db: SqlDriver): Promise<string[]> {
  return (await db.all('PRAGMA table_info(iceberg_tables)')).map((r) => String(r.name))
}

describe('SQL catalog on a v0 database (no iceberg_type column)', () => {
  async function v0(): Promise<{ dir: string; file: string; db: SqlDriver }> {
    const dir = tempDir('floe-sqlv0-')
    const file = join(dir, 'catalog.db')
    const db = openSqlite(file)
    await db.exec(V0_TABLES)
    await db.exec(V0_PROPS)
    return { dir, file, db }
  }

  it('lists, loads, creates, commits, renames and drops tables without touching the schema', async () => {
    const { dir, db } = await v0()
    const catalog = new SqlCatalog(defaultEnv(new LocalFileIO()), db, join(dir, 'warehouse'))
    await catalog.createNamespace('db')
    let t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    t = await t.transaction().setProperties({ a: '1' }).commit()
    expect(await catalog.listTables('db')).toEqual([{ namespace: ['db'], name: 't' }])
    expect((await catalog.loadTable('db.t')).metadata.properties.a).toBe('1')
    // a row another v0 client wrote
    await db.run("INSERT INTO iceberg_tables VALUES ('default', 'db', 'other', ?, NULL)", [t.metadataLocation])
    expect((await catalog.listTables('db')).map((x) => x.name)).toEqual(['other', 't'])
    await catalog.renameTable('db.other', 'db.moved')
    await catalog.dropTable('db.moved')
    await expect(catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })).rejects.toBeInstanceOf(AlreadyExistsError)
    expect((await db.all("SELECT table_name, previous_metadata_location FROM iceberg_tables WHERE table_name = 't'"))[0]!.previous_metadata_location).toBeTruthy()
    expect(await columns(db)).not.toContain('iceberg_type')
  })

  it('adds iceberg_type only when asked (schemaVersion v1, or schema-version=v1 in the catalog spec)', async () => {
    const { dir, file, db } = await v0()
    await new SqlCatalog(defaultEnv(new LocalFileIO()), db, join(dir, 'warehouse')).listNamespaces()
    expect(await columns(db)).not.toContain('iceberg_type')
    const migrated = openCatalog(`sqlite:${file}?warehouse=${join(dir, 'warehouse')}&schema-version=v1`, defaultEnv(new LocalFileIO()))
    await migrated.createNamespace('db')
    await migrated.createTable('db.t', { schema: SIMPLE_SCHEMA })
    expect(await columns(db)).toContain('iceberg_type')
    expect((await db.all('SELECT iceberg_type FROM iceberg_tables'))[0]!.iceberg_type).toBe('TABLE')
    expect(() => openCatalog(`sqlite:${file}?schema-version=v2`, defaultEnv(new LocalFileIO()))).toThrow(/schema-version/)
    // a misspelt, repeated or empty parameter is refused rather than ignored
    expect(() => openCatalog(`sqlite:${file}?warehose=/tmp/x`, defaultEnv(new LocalFileIO()))).toThrow(/Unknown sqlite: catalog parameter "warehose"/)
    expect(() => openCatalog(`sqlite:${file}?warehouse=`, defaultEnv(new LocalFileIO()))).toThrow(/parameter warehouse needs one non-empty value/)
    expect(() => openCatalog(`sqlite:${file}?name=a&name=b`, defaultEnv(new LocalFileIO()))).toThrow(/parameter name needs one non-empty value/)
  })

  it('puts new tables in the warehouse folder next to the database when the spec names none', async () => {
    const dir = tempDir('floe-sqlwh-')
    const c = openCatalog(`sqlite:${join(dir, 'cat.db')}`, defaultEnv(new LocalFileIO()))
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: SIMPLE_SCHEMA })
    expect(t.metadata.location).toBe(`${join(dir, 'warehouse')}/db/t`)
  })

  it('takes paths as written (no URL decoding) and reads PyIceberg’s SQLAlchemy form as SQLAlchemy does', async () => {
    const dir = tempDir('floe-sqluri-')
    const env = defaultEnv(new LocalFileIO())
    // `+` and `%20` are characters of the folder and file names, not encodings
    const c = openCatalog(`sqlite:${join(dir, 'my%20cat.db')}?warehouse=${join(dir, 'a+b')}`, env)
    await c.createNamespace('db')
    expect((await c.createTable('db.t', { schema: SIMPLE_SCHEMA })).metadata.location).toBe(`${join(dir, 'a+b')}/db/t`)
    expect(existsSync(join(dir, 'my%20cat.db'))).toBe(true)
    // sqlite:///rel.db is relative to the working directory, sqlite:////abs.db absolute (SQLAlchemy's URLs)
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      const rel = openCatalog('sqlite:///rel.db?warehouse=wh', env)
      await rel.createNamespace('db')
      expect(existsSync(join(dir, 'rel.db'))).toBe(true)
    } finally {
      process.chdir(cwd)
    }
    const abs = openCatalog(`sqlite:///${join(dir, 'abs.db')}?warehouse=${join(dir, 'wh')}`, env)
    await abs.createNamespace('db')
    expect(existsSync(join(dir, 'abs.db'))).toBe(true)
    // an in-memory database or a host would silently be another (empty) catalog
    for (const spec of ['sqlite::memory:', 'sqlite://', 'sqlite://host/x.db', 'sqlite:file:x.db?mode=memory'])
      expect(() => openCatalog(spec, env), spec).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

describe('SQL catalog namespaces', () => {
  it('counts a namespace that only has children as existing (Java JdbcUtil, PyIceberg)', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('a.b')
    expect(await catalog.namespaceExists('a')).toBe(true)
    await expect(catalog.createNamespace('a')).rejects.toBeInstanceOf(AlreadyExistsError)
    expect(await catalog.listNamespaces()).toEqual([['a']])
    expect(await catalog.listNamespaces('a')).toEqual([['a', 'b']])
    expect(await catalog.listTables('a')).toEqual([])
  })

  it('matches names with LIKE wildcards and other cases literally', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('a_b.c')
    await catalog.createNamespace('x%.y')
    await catalog.createNamespace('Up.z')
    expect(await catalog.namespaceExists('a_b')).toBe(true)
    expect(await catalog.namespaceExists('axb')).toBe(false)
    expect(await catalog.namespaceExists('x%')).toBe(true)
    expect(await catalog.namespaceExists('xyz')).toBe(false)
    expect(await catalog.namespaceExists('up')).toBe(false)
    await expect(catalog.listNamespaces('axb')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('exists exactly when a created namespace is it or below it (property, against a model)', async () => {
    const level = fc.stringMatching(/^[aA_%!b]{1,3}$/)
    const ns = fc.array(level, { minLength: 1, maxLength: 3 })
    const created = fc.uniqueArray(ns, { minLength: 1, maxLength: 5, selector: (n) => n.join('.') })
    // half the probes are a leading part of a created namespace, the others anything
    const cases = created.chain((c) => fc.tuple(fc.constant(c), fc.oneof(ns, fc.constantFrom(...c).chain((n) => fc.integer({ min: 1, max: n.length }).map((k) => n.slice(0, k))))))
    await fc.assert(
      fc.asyncProperty(cases, async ([made, probe]) => {
        const { catalog, db } = fresh()
        const exists = (done: readonly (readonly string[])[], n: readonly string[]): boolean => done.some((d) => d.length >= n.length && n.every((x, i) => d[i] === x))
        for (let i = 0; i < made.length; i++) {
          const creating = catalog.createNamespace(made[i]!)
          // a namespace below which another was created exists already
          if (exists(made.slice(0, i), made[i]!)) await expect(creating).rejects.toBeInstanceOf(AlreadyExistsError)
          else await creating
        }
        expect(await catalog.namespaceExists(probe)).toBe(exists(made, probe))
        await db.close()
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 40) },
    )
  })

  it('refuses to drop a namespace holding a view', async () => {
    const { catalog, db } = fresh()
    await catalog.createNamespace('db')
    await db.run("INSERT INTO iceberg_tables VALUES ('default', 'db', 'v', '/x/00000-a.metadata.json', NULL, 'VIEW')")
    expect(await catalog.listTables('db')).toEqual([])
    await expect(catalog.dropNamespace('db')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('view') })
    expect(await catalog.namespaceExists('db')).toBe(true)
  })

  it('skips rows of tables without a namespace (Java allows them) when listing', async () => {
    const { catalog, db } = fresh()
    await catalog.createNamespace('db')
    await db.run("INSERT INTO iceberg_tables VALUES ('default', '', 'javatbl', '/x/00000-a.metadata.json', NULL, 'TABLE')")
    expect(await catalog.listNamespaces()).toEqual([['db']])
  })

  it('keeps the reserved exists property out of reach', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('db', { owner: 'me' })
    await expect(catalog.updateNamespaceProperties('db', { exists: 'false' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(catalog.createNamespace('db2', { exists: 'no' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(await catalog.loadNamespaceProperties('db')).toEqual({ owner: 'me' })
  })

  it('updates namespace properties all or nothing (one transaction, as PyIceberg)', async () => {
    const { db, catalog } = fresh()
    await catalog.createNamespace('db', { a: '1', b: '1' })
    // a real SQLite failure on the last statement of the update
    await db.exec("CREATE TRIGGER no_boom BEFORE INSERT ON iceberg_namespace_properties WHEN NEW.property_key = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END")
    await expect(catalog.updateNamespaceProperties('db', { b: '2', c: '3', boom: 'x' }, ['a'])).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('boom refused') })
    expect(await catalog.loadNamespaceProperties('db')).toEqual({ a: '1', b: '1' })
    await catalog.updateNamespaceProperties('db', { b: '2', c: '3' }, ['a'])
    expect(await catalog.loadNamespaceProperties('db')).toEqual({ b: '2', c: '3' })
  })

  it("places new tables under the namespace's location property, else <warehouse>/<levels>/<table>", async () => {
    const { dir, catalog } = fresh()
    await catalog.createNamespace('db', { location: `${dir}/custom/` })
    await catalog.createNamespace('a.b')
    expect((await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })).metadata.location).toBe(`${dir}/custom/t`)
    expect((await catalog.createTable('a.b.t', { schema: SIMPLE_SCHEMA })).metadata.location).toBe(`${dir}/warehouse/a/b/t`)
    expect((await catalog.createTable('a.b.u', { schema: SIMPLE_SCHEMA, location: `${dir}/mine` })).metadata.location).toBe(`${dir}/mine`)
  })
})

describe('SQL catalog name collisions and races', () => {
  it('refuses a name a view holds with AlreadyExistsError for create, register and rename', async () => {
    const { catalog, db } = fresh()
    await catalog.createNamespace('db')
    const t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA })
    await db.run("INSERT INTO iceberg_tables VALUES ('default', 'db', 'v', '/x/00000-a.metadata.json', NULL, 'VIEW')")
    expect(await catalog.tableExists('db.v')).toBe(false)
    for (const attempt of [
      () => catalog.createTable('db.v', { schema: SIMPLE_SCHEMA }),
      () => catalog.registerTable('db.v', t.metadataLocation),
      () => catalog.renameTable('db.t', 'db.v'),
    ]) {
      const e = await attempt().catch((x: unknown) => x)
      expect(e).toBeInstanceOf(AlreadyExistsError)
      expect((e as Error).message).toMatch(/view/i)
    }
    expect(await catalog.tableExists('db.t')).toBe(true)
  })

  it('turns a create that loses the insert race into AlreadyExistsError, not a retryable conflict', async () => {
    const { dir, file } = fresh()
    const env = defaultEnv(new LocalFileIO())
    const a = new SqlCatalog(env, openSqlite(file), join(dir, 'warehouse'))
    const b = new SqlCatalog(env, openSqlite(file), join(dir, 'warehouse'))
    await a.createNamespace('db')
    const results = await Promise.allSettled([a.createTable('db.race', { schema: SIMPLE_SCHEMA }), b.createTable('db.race', { schema: SIMPLE_SCHEMA })])
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(lost).toHaveLength(1)
    expect(lost[0]!.reason).toBeInstanceOf(AlreadyExistsError)
  })

  it('reports NOT_FOUND when the table is dropped between the checks of a rename and its UPDATE', async () => {
    const { dir, file, db } = fresh()
    const env = defaultEnv(new LocalFileIO())
    let beforeRename: (() => Promise<void>) | undefined
    const hooked: SqlDriver = {
      ...db,
      run: async (sql, params) => {
        if (beforeRename && sql.startsWith('UPDATE iceberg_tables SET table_namespace')) {
          const h = beforeRename
          beforeRename = undefined
          await h()
        }
        return db.run(sql, params)
      },
    }
    const catalog = new SqlCatalog(env, hooked, join(dir, 'warehouse'))
    const other = new SqlCatalog(env, openSqlite(file), join(dir, 'warehouse'))
    await catalog.createNamespace('db')
    await catalog.createTable('db.a', { schema: SIMPLE_SCHEMA })
    beforeRename = async () => void (await other.dropTable('db.a'))
    await expect(catalog.renameTable('db.a', 'db.b')).rejects.toBeInstanceOf(NotFoundError)
    expect(await catalog.tableExists('db.b')).toBe(false)
  })

  it('throws only FloeErrors, also for a database it cannot use', async () => {
    const dir = tempDir('floe-sqlbad-')
    const db = openSqlite(join(dir, 'c.db'))
    await db.exec('CREATE TABLE iceberg_tables (x INTEGER)') // not a catalog table
    const catalog = new SqlCatalog(defaultEnv(new MemoryFileIO()), db, join(dir, 'warehouse'))
    const e = await catalog.listNamespaces().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FloeError)
  })
})
