// Transactions as Java's BaseTransaction runs them: a format upgrade earlier in a transaction is seen by the
// schema and spec edits after it; a property-only commit can repair a corrupt commit.retry.* value
// (PropertiesUpdate reads them with propertyTryAsInt); an empty transaction commits nothing without looking
// at the catalog (commitSimpleTransaction returns when base == current).
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { parsePartitionSpec } from '../../../src/spec/ddl.js'
import { defaultSpec } from '../../../src/spec/table-metadata.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { CATALOG_KINDS, makeCatalog } from '../../support/catalogs.js'

const S = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string)])

describe.each(CATALOG_KINDS)('transactions as Java runs them (%s)', (kind) => {
  it('a format-version upgrade is seen by a later schema edit (v3 initial default) and spec edit (v2 drops fields)', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const a = await c.createTable('db.a', { schema: S, formatVersion: 2 })
    const a2 = await a.transaction().setProperties({ 'format-version': '3' }).updateSchema((u) => u.addColumn('z', T.int, { initialDefault: 5 })).commit()
    expect(a2.metadata.formatVersion).toBe(3)
    expect(a2.schema().fields.find((f) => f.name === 'z')?.initialDefault).toBe(5)
    const b = await c.createTable('db.b', { schema: S, spec: parsePartitionSpec(S, 'cat, bucket(4, id)'), formatVersion: 1 })
    const b2 = await b.transaction().setProperties({ 'format-version': '2' }).updateSpec((u) => u.removeField('cat')).commit()
    expect(b2.metadata.formatVersion).toBe(2)
    // v2 removes the field outright; v1 would have kept it as a void transform
    expect(defaultSpec(b2.metadata).fields.map((f) => [f.name, f.transform.kind])).toEqual([['id_bucket', 'bucket']])
  })

  it('a schema or spec edit built before a concurrent format upgrade fails validation', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: S, spec: parsePartitionSpec(S, 'cat'), formatVersion: 1 })
    const stale = t.transaction().updateSpec((u) => u.removeField('cat'))
    await t.transaction().setProperties({ 'format-version': '2' }).commit()
    const err = await stale.commit().catch((e: unknown) => e)
    expect(isFloeError(err) && err.code).toBe('VALIDATION')
    expect(String((err as Error).message)).toMatch(/format version 1 → 2/)
  })

  it('a corrupt commit.retry value can be repaired by a property change, while other commits refuse it', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: S, formatVersion: 2 })
    t = await t.transaction().setProperties({ 'commit.retry.num-retries': 'three' }).commit()
    const append = await t.appendRows([{ id: 1n, cat: 'a' }]).catch((e: unknown) => e)
    expect(isFloeError(append) && append.code).toBe('INVALID_ARGUMENT')
    t = await t.transaction().setProperties({ 'commit.retry.num-retries': '3' }).setProperties({ other: 'x' }).commit()
    expect(t.metadata.properties['commit.retry.num-retries']).toBe('3')
    t = await t.transaction().setProperties({ 'commit.retry.min-wait-ms': 'soon' }).commit()
    t = await t.transaction().setProperties({}, ['commit.retry.min-wait-ms']).commit()
    expect('commit.retry.min-wait-ms' in t.metadata.properties).toBe(false)
    t = await t.appendRows([{ id: 1n, cat: 'a' }])
    expect(t.currentSnapshot()?.summary['added-records']).toBe('1')
  })

  it('an empty transaction on a stale table commits nothing and does not conflict', async () => {
    const c = makeCatalog(kind)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: S, formatVersion: 2, properties: { 'commit.retry.num-retries': '0' } })
    await t.appendRows([{ id: 1n, cat: 'a' }])
    const { table, result } = await t.transaction().commitWithResult()
    expect(table.metadataLocation).toBe(t.metadataLocation)
    expect(result.attempts).toBe(0)
  })
})
