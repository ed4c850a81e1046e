// The same behaviour from every catalog (Java CatalogTests, in spirit): namespaces, tables, commits.
import { existsSync, rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AlreadyExistsError, CommitConflictError, FloeError, NotFoundError, isFloeError } from '../../../src/errors.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { localPath } from '../../../src/io/local.js'
import { SIMPLE_SCHEMA, DAY_SPEC } from '../../support/tables.js'
import { CATALOG_KINDS, fakeFile, makeCatalog } from '../../support/catalogs.js'

describe.each(CATALOG_KINDS)('%s catalog', (kind) => {
  it('creates, lists, updates and drops namespaces', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db', { owner: 'me' })
    await c.createNamespace('db2')
    await expect(c.createNamespace('db')).rejects.toBeInstanceOf(AlreadyExistsError)
    expect((await c.listNamespaces()).map((n) => n.join('.')).sort()).toEqual(['db', 'db2'])
    expect(await c.loadNamespaceProperties('db')).toEqual({ owner: 'me' })
    await c.updateNamespaceProperties('db', { a: '1' }, ['owner'])
    expect(await c.loadNamespaceProperties('db')).toEqual({ a: '1' })
    await c.dropNamespace('db2')
    expect(await c.namespaceExists('db2')).toBe(false)
    await expect(c.loadNamespaceProperties('nope')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('lists namespaces and tables in UTF-8 byte order, level by level', async () => {
    const c = makeCatalog(kind)
    // UTF-16 order puts U+1F600 (a surrogate pair) before U+FF21; UTF-8 bytes put it after
    const names = ['\u{1F600}', '\uFF21', 'z', 'a', 'a.\u{1F600}', 'a.\uFF21', 'a.b']
    for (const n of names) await c.createNamespace(n.split('.'))
    expect((await c.listNamespaces()).map((n) => n.join('.'))).toEqual(['a', 'z', '\uFF21', '\u{1F600}'])
    expect((await c.listNamespaces('a')).map((n) => n.join('.'))).toEqual(['a.b', 'a.\uFF21', 'a.\u{1F600}'])
    for (const t of ['\u{1F600}', '\uFF21', 'b']) await c.createTable(['z', t].join('.'), { schema: SIMPLE_SCHEMA })
    expect((await c.listTables('z')).map((x) => x.name)).toEqual(['b', '\uFF21', '\u{1F600}'])
  })

  it('creates and loads tables with fresh ids; refuses duplicates and unknown namespaces', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.events', { schema: SIMPLE_SCHEMA, spec: DAY_SPEC, properties: { owner: 'me' } })
    expect(t.metadata.formatVersion).toBe(2)
    expect(t.metadata.properties.owner).toBe('me')
    await expect(c.createTable('db.events', { schema: SIMPLE_SCHEMA })).rejects.toBeInstanceOf(AlreadyExistsError)
    await expect(c.createTable('nope.events', { schema: SIMPLE_SCHEMA })).rejects.toBeInstanceOf(NotFoundError)
    const loaded = await c.loadTable('db.events')
    expect(loaded.metadata).toEqual(t.metadata)
    expect((await c.listTables('db')).map((x) => x.name)).toEqual(['events'])
    await expect(c.loadTable('db.missing')).rejects.toBeInstanceOf(NotFoundError)
    await expect(c.dropNamespace('db')).rejects.toBeInstanceOf(FloeError)
  })

  it('commits a new version only on the current base; a stale base is a retryable conflict', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const ops = c.operations({ namespace: ['db'], name: 't' })
    const v1 = await ops.commit(t.state, applyUpdates(t.metadata, [{ action: 'set-properties', updates: { v: '1' } }], t.metadata.lastUpdatedMs + 1n))
    expect(v1.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([t.metadataLocation])
    let err: unknown
    try {
      await ops.commit(t.state, applyUpdates(t.metadata, [{ action: 'set-properties', updates: { v: 'stale' } }], t.metadata.lastUpdatedMs + 2n))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(CommitConflictError)
    expect((err as CommitConflictError).retryable).toBe(true)
    expect((await ops.refresh())!.metadata.properties.v).toBe('1')
    // metadata that breaks the spec is refused before anything is written
    await expect(ops.commit(v1, applyUpdates(v1.metadata, [{ action: 'set-properties', updates: { v: '2' } }], 1n))).rejects.toMatchObject({ code: 'INVALID_METADATA' })
    expect((await ops.refresh())!.metadataLocation).toBe(v1.metadataLocation)
  })

  it('swaps only after `ready` resolves; a rejected `ready` swaps nothing and leaves no metadata file', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const ops = c.operations({ namespace: ['db'], name: 't' })
    const metadataFiles = async (): Promise<string[]> => {
      const out: string[] = []
      for await (const f of c.env.io.list!(`${t.metadata.location}/metadata`)) out.push(f.path)
      return out
    }
    const before = await metadataFiles()
    let open!: () => void
    const next = applyUpdates(t.metadata, [{ action: 'set-properties', updates: { v: '1' } }], t.metadata.lastUpdatedMs + 1n)
    const committing = ops.commit(t.state, next, { ready: new Promise<void>((r) => (open = r)) })
    await new Promise((r) => setTimeout(r, 30))
    expect((await ops.refresh())!.metadataLocation).toBe(t.metadataLocation) // still the old version
    open()
    const v1 = await committing
    expect((await ops.refresh())!.metadataLocation).toBe(v1.metadataLocation)
    expect(v1.metadata.properties.v).toBe('1')

    const reason = new FloeError('IO', 'a manifest write failed')
    const files = await metadataFiles()
    const failing = ops.commit(v1, applyUpdates(v1.metadata, [{ action: 'set-properties', updates: { v: '2' } }], v1.metadata.lastUpdatedMs + 1n), { ready: Promise.reject(reason) })
    await expect(failing).rejects.toBe(reason)
    expect((await ops.refresh())!.metadataLocation).toBe(v1.metadataLocation)
    expect(await metadataFiles()).toEqual(files)
    expect(files.length).toBeGreaterThan(before.length)
  })

  it('appends through a transaction and time-travels back', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t0 = await c.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const t1 = await t0.append([fakeFile('/x/a.parquet')])
    const t2 = await t1.append([fakeFile('/x/b.parquet')])
    const reloaded = await c.loadTable('db.t')
    expect(reloaded.metadata.snapshots).toHaveLength(2)
    expect((await reloaded.scan().planFiles()).map((f) => f.file.filePath).sort()).toEqual(['/x/a.parquet', '/x/b.parquet'])
    const back = await reloaded.scan({ snapshot: { snapshotId: t1.currentSnapshot()!.snapshotId } }).planFiles()
    expect(back.map((f) => f.file.filePath)).toEqual(['/x/a.parquet'])
    expect(t2.currentSnapshot()!.sequenceNumber).toBe(2n)
  })

  it('renames where it can, registers existing metadata, drops with purge', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await (await c.createTable('db.t', { schema: SIMPLE_SCHEMA })).append([fakeFile('/x/a.parquet')])
    if (kind === 'filesystem') {
      await expect(c.renameTable('db.t', 'db.u')).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    } else {
      await c.renameTable('db.t', 'db.u')
      expect(await c.tableExists('db.t')).toBe(false)
      expect((await c.loadTable('db.u')).metadata.tableUuid).toBe(t.metadata.tableUuid)
    }
    const name = kind === 'filesystem' ? 'db.t' : 'db.u'
    await c.registerTable('db.copy', t.metadataLocation)
    expect((await c.loadTable('db.copy')).currentSnapshot()?.snapshotId).toBe(t.currentSnapshot()?.snapshotId)
    const list = t.currentSnapshot()!.manifestList!
    await c.dropTable(name, { purge: true })
    expect(await c.tableExists(name)).toBe(false)
    if (kind !== 'memory') expect(existsSync(localPath(list))).toBe(false)
    else expect(await c.env.io.stat(list)).toBeUndefined()
  })

  it('trims the metadata log to write.metadata.previous-versions-max, deleting trimmed files only when enabled', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    for (const [name, del] of [['keep', 'false'], ['drop', 'true']] as const) {
      let t = await c.createTable(`db.${name}`, { schema: SIMPLE_SCHEMA, properties: { 'write.metadata.previous-versions-max': '2', 'write.metadata.delete-after-commit.enabled': del } })
      const locations = [t.metadataLocation]
      for (let i = 0; i < 4; i++) {
        t = await t.transaction().setProperties({ n: String(i) }).commit()
        locations.push(t.metadataLocation)
      }
      // Java keeps the newest `max` previous files in the log
      expect(t.metadata.metadataLog.map((e) => e.metadataFile)).toEqual(locations.slice(-3, -1))
      const exists = await Promise.all(locations.slice(0, -3).map(async (l) => (await c.env.io.stat(l)) !== undefined))
      expect(exists.every((e) => e === (del === 'false'))).toBe(true)
      for (const l of locations.slice(-3)) expect(await c.env.io.stat(l)).toBeDefined()
      expect((await c.loadTable(`db.${name}`)).metadata.properties.n).toBe('3')
    }
  })

  it('lists children only of an existing parent and refuses to drop a namespace with a child', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('p')
    await c.createNamespace('p.c')
    await expect(c.listNamespaces('nope')).rejects.toBeInstanceOf(NotFoundError)
    await expect(c.listNamespaces('p.nope')).rejects.toBeInstanceOf(NotFoundError)
    expect(await c.listNamespaces('p')).toEqual([['p', 'c']])
    await expect(c.dropNamespace('p')).rejects.toMatchObject({ code: 'VALIDATION' })
    expect(await c.namespaceExists('p.c')).toBe(true)
    await c.dropNamespace('p.c')
    await c.dropNamespace('p')
    expect(await c.namespaceExists('p')).toBe(false)
  })

  it('keeps the levels of a table name holding a dot apart from a deeper namespace', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const dotted = { namespace: ['db'], name: 'x.y' }
    await c.createTable(dotted, { schema: SIMPLE_SCHEMA })
    expect(await c.listTables('db')).toEqual([dotted])
    expect(await c.tableExists(dotted)).toBe(true)
    expect(await c.tableExists({ namespace: ['db', 'x'], name: 'y' })).toBe(false)
    expect((await c.loadTable(dotted)).metadata.schemas).toHaveLength(1)
  })

  it('puts a new table at <warehouse>/<level>/…/<table>', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('a.b')
    const t = await c.createTable('a.b.t', { schema: SIMPLE_SCHEMA })
    expect(t.metadata.location).toMatch(/\/warehouse\/a\/b\/t$/)
  })

  it('never brings a dropped table back through a commit on a stale base', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: SIMPLE_SCHEMA })
    const ops = c.operations({ namespace: ['db'], name: 't' })
    await c.dropTable('db.t')
    const stale = ops.commit(t.state, applyUpdates(t.metadata, [{ action: 'set-properties', updates: { a: '1' } }], t.metadata.lastUpdatedMs + 1n))
    await expect(stale).rejects.toBeInstanceOf(CommitConflictError)
    expect(await c.tableExists('db.t')).toBe(false)
    await expect(t.transaction().setProperties({ b: '2' }).commit()).rejects.toBeInstanceOf(NotFoundError)
    expect(await c.tableExists('db.t')).toBe(false)
  })

  it('lets exactly one of two concurrent creates win; the other finds the name taken', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const results = await Promise.allSettled([c.createTable('db.race', { schema: SIMPLE_SCHEMA }), c.createTable('db.race', { schema: SIMPLE_SCHEMA })])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toBeInstanceOf(AlreadyExistsError)
    expect(await c.listTables('db')).toEqual([{ namespace: ['db'], name: 'race' }])
  })

  it('renaming a table to itself changes nothing (Java); the file-system catalog renames nothing', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.x', { schema: SIMPLE_SCHEMA })
    if (kind === 'filesystem') await expect(c.renameTable('db.x', 'db.x')).rejects.toSatisfy((e: unknown) => isFloeError(e, 'UNSUPPORTED'))
    else await c.renameTable('db.x', 'db.x')
    expect((await c.loadTable('db.x')).metadataLocation).toBe(t.metadataLocation)
  })

  it('checks, renames and drops a table whose metadata file is gone (purge skipped, as Java)', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    if (kind === 'filesystem') {
      // the file-system catalog has no pointer besides the metadata files: without them there is no table
      const t = await c.createTable('db.a', { schema: SIMPLE_SCHEMA })
      rmSync(localPath(t.metadataLocation))
      expect(await c.tableExists('db.a')).toBe(false)
      await expect(c.loadTable('db.a')).rejects.toBeInstanceOf(NotFoundError)
      await c.createTable('db.a', { schema: SIMPLE_SCHEMA })
      expect(await c.tableExists('db.a')).toBe(true)
      return
    }
    const gone = async (name: string): Promise<void> => {
      const t = await c.createTable(name, { schema: SIMPLE_SCHEMA })
      if (kind === 'memory') await c.env.io.delete(t.metadataLocation)
      else rmSync(localPath(t.metadataLocation))
    }
    await gone('db.a')
    expect(await c.tableExists('db.a')).toBe(true)
    await expect(c.loadTable('db.a')).rejects.toBeInstanceOf(NotFoundError)
    await expect(c.createTable('db.a', { schema: SIMPLE_SCHEMA })).rejects.toBeInstanceOf(AlreadyExistsError)
    await c.renameTable('db.a', 'db.b')
    expect(await c.tableExists('db.b')).toBe(true)
    await c.dropTable('db.b')
    expect(await c.tableExists('db.b')).toBe(false)
    await gone('db.c')
    await c.dropTable('db.c', { purge: true })
    expect(await c.tableExists('db.c')).toBe(false)
    await expect(c.dropTable('db.c')).rejects.toBeInstanceOf(NotFoundError)
  })
})
