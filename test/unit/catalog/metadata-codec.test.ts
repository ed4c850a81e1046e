// write.metadata.compression-codec as Java's TableMetadataParser.Codec.fromName reads it: none or gzip in any
// case; any other value fails the commit (Java cannot commit to such a table), leaving the table as it was.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { CATALOG_KINDS, makeCatalog } from '../../support/catalogs.js'

const S = schema([field(1, 'id', T.long)])

describe.each(CATALOG_KINDS)('write.metadata.compression-codec (%s catalog)', (kind) => {
  it('writes gzip metadata for GZIP, refuses an unknown codec when creating or setting it', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    await expect(c.createTable('db.bad', { schema: S, properties: { 'write.metadata.compression-codec': 'zstd' } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      context: { field: 'write.metadata.compression-codec' },
    })
    expect(await c.tableExists('db.bad')).toBe(false)
    const t = await c.createTable('db.t', { schema: S, properties: { 'write.metadata.compression-codec': 'GZIP' } })
    expect(t.metadataLocation).toMatch(/\.gz\.metadata\.json$/)
    await expect(t.transaction().setProperties({ 'write.metadata.compression-codec': 'gz' }).commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const again = await c.loadTable('db.t')
    expect(again.metadataLocation).toBe(t.metadataLocation)
    const plain = await again.transaction().setProperties({ 'write.metadata.compression-codec': 'none' }).commit()
    expect(plain.metadataLocation).toMatch(/[^z]\.metadata\.json$/)
    if (kind !== 'memory') expect(readdirSync(plain.metadataLocation.replace(/\/[^/]*$/, '')).filter((n) => n.endsWith('.metadata.json')).length).toBe(2)
  })
})
