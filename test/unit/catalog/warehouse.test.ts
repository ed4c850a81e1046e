// A relative local warehouse given to a catalog's constructor becomes absolute (as Hadoop qualifies a Path),
// so table locations and metadata pointers do not depend on the working directory of a later reader.
import { isAbsolute, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { SqlCatalog } from '../../../src/catalog/sql.js'
import { openSqlite } from '../../../src/catalog/sql-driver.js'
import { absoluteWarehouse } from '../../../src/catalog/warehouse.js'
import { defaultEnv } from '../../../src/env.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { Table } from '../../../src/table/table.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { tempDir } from '../../support/catalogs.js'

describe('catalog warehouse locations', () => {
  it('keeps URIs and absolute paths, and resolves relative paths against the working directory', () => {
    expect(absoluteWarehouse('s3://bucket/wh')).toBe('s3://bucket/wh')
    expect(absoluteWarehouse('file:/tmp/wh')).toBe('file:/tmp/wh')
    expect(absoluteWarehouse('/tmp/wh')).toBe('/tmp/wh')
    expect(absoluteWarehouse('./wh')).toBe(resolve('wh'))
  })

  it('stores absolute locations for tables of a catalog opened with a relative warehouse', async () => {
    const dir = tempDir()
    const env = defaultEnv(new LocalFileIO())
    const rel = relative(process.cwd(), join(dir, 'fs-wh'))
    expect(isAbsolute(rel)).toBe(false)
    const fs = new FileSystemCatalog(env, rel)
    await fs.createNamespace('db')
    const a = await (await fs.createTable('db.t', { schema: parseColumns('id bigint') })).appendRows([{ id: 1n }])
    expect(a.metadata.location).toBe(join(dir, 'fs-wh', 'db', 't'))
    expect(a.currentSnapshot()!.manifestList!.startsWith(join(dir, 'fs-wh', 'db', 't', 'metadata'))).toBe(true)
    // the folder opens by its absolute path, whatever the working directory
    expect((await (await Table.load(env, join(dir, 'fs-wh', 'db', 't'))).scan().toArray())).toEqual([{ id: 1n }])

    const sql = new SqlCatalog(env, openSqlite(join(dir, 'c.db')), relative(process.cwd(), join(dir, 'sql-wh')))
    await sql.createNamespace('db')
    const b = await (await sql.createTable('db.t', { schema: parseColumns('id bigint') })).appendRows([{ id: 2n }])
    expect(b.metadata.location).toBe(join(dir, 'sql-wh', 'db', 't'))
    expect(isAbsolute(b.metadataLocation!)).toBe(true)
  })
})
