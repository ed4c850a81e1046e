// Committing schema updates through transactions on a memory catalog: the metadata changes and requirements,
// schema reuse, no-op updates, failures that leave the table untouched, stale bases, partition and sort
// sources, name-mapping upkeep, and reads of data written before and after evolution.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../src/errors.js'
import { parseNameMapping } from '../../../src/spec/name-mapping.js'
import { schema } from '../../../src/spec/schema.js'
import { currentSchema } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { UpdateSchema } from '../../../src/transaction/update-schema.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { catalogTable, expectInvalid, metadataOf } from './evolution-fixtures.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'n', T.int), field(3, 'day', T.date), field(4, 'name', T.string)], 0, [1])
const SPEC = { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'day', transform: Transforms.identity }] }

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  return expect.fail('expected a rejection')
}

/** Expect an edit to throw ValidationError and the table (reloaded) to be exactly as before. */
async function refusedAndUnchanged(t: Table, edit: (u: UpdateSchema) => void, message: string): Promise<void> {
  expectInvalid(() => t.transaction().updateSchema(edit), message)
  const again = await t.refresh()
  expect(again.metadataLocation).toBe(t.metadataLocation)
  expect(again.metadata).toEqual(t.metadata)
}

describe('UpdateSchema commits', () => {
  it('adds a schema, makes it current and grows last-column-id; requirements pin the base', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    const u = new UpdateSchema(table.metadata).addColumn('extra', T.string).renameColumn('n', 'count')
    const cs = u.changes(table.metadata)
    expect(cs.updates.slice(0, 2)).toEqual([{ action: 'add-schema', schema: u.result(), lastColumnId: 5 }, { action: 'set-current-schema', schemaId: -1 }])
    expect(cs.requirements).toEqual([{ type: 'assert-current-schema-id', currentSchemaId: 0 }, { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 4 }])
    const t1 = await table.transaction().updateSchema((s) => s.addColumn('extra', T.string).renameColumn('n', 'count')).commit()
    expect(t1.metadata.schemas.map((s) => s.schemaId)).toEqual([0, 1])
    expect(t1.metadata.currentSchemaId).toBe(1)
    expect(t1.metadata.lastColumnId).toBe(5)
    expect(t1.schema().fields.map((f) => `${f.id}:${f.name}`)).toEqual(['1:id', '2:count', '3:day', '4:name', '5:extra'])
    expect(t1.schema().identifierFieldIds).toEqual([1])
    // renaming back yields schema 0 again: it is reused, not duplicated; ids are never reused
    const t2 = await t1.transaction().updateSchema((s) => s.renameColumn('count', 'n').deleteColumn('extra')).commit()
    expect(t2.metadata.currentSchemaId).toBe(0)
    expect(t2.metadata.schemas.length).toBe(2)
    expect(t2.metadata.lastColumnId).toBe(5)
    const t3 = await t2.transaction().updateSchema((s) => s.addColumn('extra', T.string)).commit()
    expect(t3.schema().fields.at(-1)!.id).toBe(6)
  })

  // applyUpdates compares defaults as Java's NestedField.equals does, so a default-only change is a new schema.
  it('commits a write-default change (v3)', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, formatVersion: 3 })
    const t = await table.transaction().updateSchema((u) => u.updateColumnDefault('n', 5)).commit()
    expect(t.schema().fields[1]).toEqual(field(2, 'n', T.int, { writeDefault: 5 }))
  })

  it('a no-op update commits nothing', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    const t1 = await table.transaction().updateSchema((s) => s.updateColumn('id', T.long).makeColumnOptional('n').moveFirst('id')).commit()
    expect(t1.metadataLocation).toBe(table.metadataLocation)
  })

  it('every invalid edit throws ValidationError and leaves the table unchanged', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: SPEC, sortOrder: { orderId: 1, fields: [{ sourceId: 4, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }] }, formatVersion: 3 })
    const cases: [(u: UpdateSchema) => void, string][] = [
      [(u) => u.updateColumn('name', T.long), 'Cannot change column type: name: string -> long'],
      [(u) => u.addColumn('x', T.int, { required: true }), 'cannot add required column without a default value: x'],
      [(u) => u.addColumn('nope', 'x', T.int), 'Cannot find parent struct: nope'],
      [(u) => u.addColumn('name', T.int), 'Cannot add column, name already exists: name'],
      [(u) => u.deleteColumn('id'), 'Cannot delete identifier field 1: id'],
      [(u) => u.requireColumn('n'), 'Cannot change column nullability: n: optional -> required'],
      [(u) => u.addColumn('x', T.int).deleteColumn('x'), 'Cannot delete missing column: x'],
      [(u) => u.renameColumn('n', 'name'), 'multiple fields for name name'],
      [(u) => u.deleteColumn('day'), 'Cannot delete column day: it is the source of partition field day (identity) of the current partition spec 0'],
      [(u) => u.deleteColumn('name'), 'Cannot delete column name: it is a source of the current sort order 1'],
      [(u) => u.updateColumn('day', T.timestamp), 'Cannot change column type: day: date -> timestamp: partition field day (identity) of spec 0 would change value'],
      [(u) => u.moveBefore('id', 'nope'), 'Cannot move id before missing column: nope'],
      [(u) => u.setIdentifierFields(['n']), 'Cannot add field n as an identifier field: not a required field'],
    ]
    for (const [edit, message] of cases) await refusedAndUnchanged(table, edit, message)
  })

  it('promotion of a date partition source is fine when the transform keeps its values (day)', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'day_day', transform: Transforms.day }] }, formatVersion: 3 })
    const t1 = await table.transaction().updateSchema((u) => u.updateColumn('day', T.timestamp)).commit()
    expect(t1.schema().fields[2]!.type).toEqual(T.timestamp)
  })

  it('a source column of an older (non-default) spec may be deleted', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: SPEC })
    const t1 = await table.transaction().updateSpec((s) => s.removeField('day')).updateSchema((u) => u.deleteColumn('day')).commit()
    expect(t1.schema().fields.map((f) => f.name)).toEqual(['id', 'n', 'name'])
    expect(t1.metadata.specs.length).toBe(2)
  })

  it('a stale base fails (Java does not rebase schema updates) and the concurrent change survives', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    const mine = table.transaction().updateSchema((u) => u.addColumn('mine', T.string))
    const theirs = await table.transaction().updateSchema((u) => u.addColumn('theirs', T.string)).commit()
    const e = await rejected(mine.commit())
    expect(e).toBeInstanceOf(ValidationError)
    expect((e as ValidationError).message).toMatch(/changed concurrently/)
    const now = await table.refresh()
    expect(now.metadataLocation).toBe(theirs.metadataLocation)
    expect(now.schema().fields.map((f) => f.name)).toEqual(['id', 'n', 'day', 'name', 'theirs'])
  })

  it('a concurrent append does not invalidate a schema update (the schema did not change)', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    const mine = table.transaction().updateSchema((u) => u.addColumn('mine', T.string))
    await table.append([{ content: 'data', filePath: '/d/1.parquet', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 1n, fileSizeInBytes: 10n }])
    const { table: t, result } = await mine.commitWithResult()
    expect(result.attempts).toBe(2)
    expect(t.schema().fields.at(-1)!.name).toBe('mine')
    expect(t.currentSnapshot()).toBeDefined()
  })

  it('later edits of a transaction see earlier ones; the builder is sealed once added', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    let kept: UpdateSchema | undefined
    const tx = table
      .transaction()
      .updateSchema((u) => {
        kept = u.addColumn('region', T.string)
      })
      .updateSpec((s) => s.addField('region'))
      .updateSchema((u) => u.renameColumn('region', 'area'))
    expectInvalid(() => kept!.addColumn('late', T.int), 'already added to a transaction')
    expectInvalid(() => tx.updateSchema((u) => u.deleteColumn('area')), 'Cannot delete column area: it is the source of partition field region')
    const t = await tx.commit()
    expect(t.schema().fields.at(-1)).toEqual(field(5, 'area', T.string))
    expect(t.spec().fields).toEqual([{ sourceId: 5, fieldId: 1000, name: 'region', transform: Transforms.identity }])
    expect(t.metadata.schemas.length).toBe(3)
  })

  it('keeps the name mapping and column-scoped properties in step (Java applyChangesToMetadata)', async () => {
    const mapping = JSON.stringify([{ 'field-id': 1, names: ['id'] }, { 'field-id': 2, names: ['n', 'num'] }, { 'field-id': 3, names: ['day'] }, { 'field-id': 4, names: ['name'] }])
    const props = { 'schema.name-mapping.default': mapping, 'write.metadata.metrics.column.n': 'full', 'write.parquet.bloom-filter-enabled.column.name': 'true', 'write.metadata.metrics.column.id': 'counts' }
    const { table } = await catalogTable({ schema: SCHEMA, properties: props })
    const t = await table.transaction().updateSchema((u) => u.renameColumn('n', 'count').deleteColumn('name').addColumn('num', T.string)).commit()
    const m = parseNameMapping(t.metadata.properties['schema.name-mapping.default']!)
    expect(m).toEqual([
      { fieldId: 1, names: ['id'] },
      { fieldId: 2, names: ['n', 'count'] },
      { fieldId: 3, names: ['day'] },
      { fieldId: 4, names: ['name'] },
      { fieldId: 5, names: ['num'] },
    ])
    expect(t.metadata.properties['write.metadata.metrics.column.count']).toBe('full')
    expect(t.metadata.properties['write.metadata.metrics.column.n']).toBeUndefined()
    expect(t.metadata.properties['write.parquet.bloom-filter-enabled.column.name']).toBeUndefined()
    expect(t.metadata.properties['write.metadata.metrics.column.id']).toBe('counts')
  })

  it('re-validates at commit time against the table it lands on', () => {
    const md = metadataOf(SCHEMA)
    const u = new UpdateSchema(md).deleteColumn('day')
    const withSpec = { ...md, specs: [SPEC], lastPartitionId: 1000 }
    expectInvalid(() => u.changes(withSpec), 'it is the source of partition field day')
    expectInvalid(() => u.changes({ ...md, lastColumnId: 9 }), 'changed concurrently')
  })
})

describe('reads after schema evolution (real Parquet data)', () => {
  it('renamed, dropped, added (initial default), promoted and re-added columns read by field id', async () => {
    const { table } = await catalogTable({ schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'n', T.int), field(3, 'f', T.float), field(4, 'gone', T.string)]), formatVersion: 3 })
    const write = async (t: Table, rows: Record<string, unknown>[]): Promise<Table> => t.append(await writeDataFiles(t.env, { metadata: t.metadata }, rows))
    let t = await write(table, [
      { id: 1n, n: 10, f: 1.5, gone: 'a' },
      { id: 2n, n: null, f: null, gone: 'b' },
    ])
    t = await t
      .transaction()
      .updateSchema((u) =>
        u
          .renameColumn('n', 'num')
          .updateColumn('n', T.long)
          .updateColumn('f', T.double)
          .deleteColumn('gone')
          .addColumn('tag', T.string, { initialDefault: 'old', writeDefault: 'new' })
          .addColumn('opt', T.int)
          .moveFirst('tag'),
      )
      .commit()
    t = await write(t, [{ id: 3n, num: 2n ** 40n, f: 0.1, tag: 'x', opt: 7 }])
    t = await t.transaction().updateSchema((u) => u.addColumn('gone', T.string)).commit()
    t = await t.refresh() // from the metadata file, as any reader sees it
    const rows = (await t.scan().toArray()).sort((a, b) => Number((a.id as bigint) - (b.id as bigint)))
    expect(currentSchema(t.metadata).fields.map((f) => f.name)).toEqual(['tag', 'id', 'num', 'f', 'opt', 'gone'])
    expect(currentSchema(t.metadata).fields[0]).toEqual(field(5, 'tag', T.string, { initialDefault: 'old', writeDefault: 'new' }))
    expect(rows).toEqual([
      { tag: 'old', id: 1n, num: 10n, f: 1.5, opt: null, gone: null },
      { tag: 'old', id: 2n, num: null, f: null, opt: null, gone: null },
      { tag: 'x', id: 3n, num: 2n ** 40n, f: 0.1, opt: 7, gone: null },
    ])
  })

  it('stores defaults as the column type holds them: a float default rounded to 32 bits, an int -0 as 0, out-of-range floats refused', async () => {
    const { cat, table } = await catalogTable({ schema: schema([field(1, 'id', T.long)]), formatVersion: 3 })
    let t = await table.appendRows([{ id: 1n }])
    t = await t.transaction().updateSchema((u) => void u.addColumn('f', T.float, { initialDefault: 0.1 }).addColumn('i', T.int, { initialDefault: -0 })).commit()
    const [f, i] = t.schema().fields.slice(1)
    expect([f!.initialDefault, f!.writeDefault]).toEqual([Math.fround(0.1), Math.fround(0.1)])
    expect(Object.is(i!.initialDefault, 0)).toBe(true)
    // the committed table and a reload read the same values, rows and Arrow alike, and filters find them
    t = await t.appendRows([{ id: 2n, f: 0.1, i: 0 }])
    const reloaded = await cat.loadTable('db.t')
    const rowsOf = async (x: Table): Promise<unknown[]> => (await x.scan().toArray()).sort((a, b) => Number(a.id) - Number(b.id))
    expect(await rowsOf(t)).toEqual(await rowsOf(reloaded))
    expect((await rowsOf(t)).map((r) => (r as { f: number }).f)).toEqual([Math.fround(0.1), Math.fround(0.1)])
    expect(await t.scan({ filter: 'f = 0.1' }).toArray()).toHaveLength(2)
    const { scanToArrowTable } = await import('../../../src/arrow/index.js')
    const arrow = await scanToArrowTable(t.scan())
    expect(arrow.getChild('f')!.toArray()).toEqual(Float32Array.from([Math.fround(0.1), Math.fround(0.1)]))
    // setting the same default again (as a double) changes nothing
    expect((await t.transaction().updateSchema((u) => void u.updateColumnDefault('f', 0.1)).commit()).metadataLocation).toBe(t.metadataLocation)
    await refusedAndUnchanged(t, (u) => void u.addColumn('big', T.float, { initialDefault: 1e40 }), 'out of the 32-bit float range')
  })
})
