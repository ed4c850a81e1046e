// The memory catalog follows Java's InMemoryCatalog for nested namespaces.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { NotFoundError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'

describe('memory catalog namespaces', () => {
  it('lists a level only implied by a deeper namespace, yet does not count it as created (Java InMemoryCatalog)', async () => {
    const c = new MemoryCatalog(testEnv(new MemoryFileIO(), 3))
    await c.createNamespace('a.b')
    await c.createNamespace('a.b.c')
    await c.createNamespace('z')
    expect(await c.listNamespaces()).toEqual([['a'], ['z']])
    expect(await c.listNamespaces('a')).toEqual([['a', 'b']])
    expect(await c.listNamespaces('a.b')).toEqual([['a', 'b', 'c']])
    expect(await c.listNamespaces('a.b.c')).toEqual([])
    await expect(c.listNamespaces('a.x')).rejects.toBeInstanceOf(NotFoundError)
    expect(await c.namespaceExists('a')).toBe(false)
    await expect(c.listTables('a')).rejects.toBeInstanceOf(NotFoundError)
    await c.createNamespace('a')
    await expect(c.dropNamespace('a')).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('keeps a table named "x.y" apart from table y of namespace db.x', async () => {
    const c = new MemoryCatalog(testEnv(new MemoryFileIO(), 4))
    await c.createNamespace('db')
    await c.createNamespace('db.x')
    const dotted = await c.createTable({ namespace: ['db'], name: 'x.y' }, { schema: SIMPLE_SCHEMA })
    const nested = await c.createTable({ namespace: ['db', 'x'], name: 'y' }, { schema: SIMPLE_SCHEMA })
    expect(dotted.metadata.tableUuid).not.toBe(nested.metadata.tableUuid)
    expect(await c.listTables('db')).toEqual([{ namespace: ['db'], name: 'x.y' }])
    expect(await c.listTables('db.x')).toEqual([{ namespace: ['db', 'x'], name: 'y' }])
    await c.renameTable({ namespace: ['db'], name: 'x.y' }, { namespace: ['db'], name: 'z' })
    expect((await c.loadTable('db.x.y')).metadata.tableUuid).toBe(nested.metadata.tableUuid)
    expect((await c.loadTable('db.z')).metadata.tableUuid).toBe(dotted.metadata.tableUuid)
  })
})
