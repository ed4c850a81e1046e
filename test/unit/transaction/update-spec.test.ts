// UpdatePartitionSpec, ported from Java TestUpdatePartitionSpec (v1 and v2 expectations), plus field-id
// reuse across specs, validation against the schema, and commits through transactions.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../src/errors.js'
import type { PartitionField, PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { Transforms, type Transform } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { UpdatePartitionSpec } from '../../../src/transaction/update-spec.js'
import { fakeFile } from '../../support/catalogs.js'
import { catalogTable, expectInvalid, metadataOf } from './evolution-fixtures.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'ts', T.timestamptz, { required: true }), field(3, 'category', T.string, { required: true }), field(4, 'data', T.string)])
const pf = (sourceId: number, fieldId: number, name: string, transform: Transform): PartitionField => ({ sourceId, fieldId, name, transform })
const UNPARTITIONED: PartitionSpec = { specId: 0, fields: [] }
const PARTITIONED: PartitionSpec = { specId: 0, fields: [pf(3, 1000, 'category', Transforms.identity), pf(2, 1001, 'ts_day', Transforms.day), pf(1, 1002, 'shard', Transforms.bucket(16))] }
const VOID = Transforms.void

const md = (v: FormatVersion, spec: PartitionSpec): TableMetadata => metadataOf(SCHEMA, { formatVersion: v, spec })
const upd = (v: FormatVersion, spec: PartitionSpec = PARTITIONED): UpdatePartitionSpec => new UpdatePartitionSpec(md(v, spec))
/** Apply one update to a metadata value the way a commit does (so that the next update sees older specs). */
const chain = (m: TableMetadata, edit: (u: UpdatePartitionSpec) => void): TableMetadata => {
  const u = new UpdatePartitionSpec(m)
  edit(u)
  const spec = { ...u.result(), specId: m.specs.length }
  return { ...m, specs: [...m.specs, spec], defaultSpecId: spec.specId, lastPartitionId: Math.max(m.lastPartitionId, ...spec.fields.map((f) => f.fieldId)) }
}

describe.each([1, 2] as const)('UpdatePartitionSpec v%i', (v) => {
  it('adds identity, time, bucket and truncate fields with Java evolution names', () => {
    expect(upd(v, UNPARTITIONED).addField('category').result().fields).toEqual([pf(3, 1000, 'category', Transforms.identity)])
    expect(upd(v, UNPARTITIONED).addField({ transform: 'identity', source: 'category' }).result().fields).toEqual([pf(3, 1000, 'category', Transforms.identity)])
    for (const t of ['year', 'month', 'day', 'hour'] as const) expect(upd(v, UNPARTITIONED).addField({ transform: t, source: 'ts' }).result().fields).toEqual([pf(2, 1000, `ts_${t}`, Transforms[t])])
    expect(upd(v, UNPARTITIONED).addField(Transforms.bucket(16), 'id').result().fields).toEqual([pf(1, 1000, 'id_bucket_16', Transforms.bucket(16))])
    expect(upd(v, UNPARTITIONED).addField({ transform: 'truncate[4]', source: 'data' }).result().fields).toEqual([pf(4, 1000, 'data_trunc_4', Transforms.truncate(4))])
    expect(upd(v, UNPARTITIONED).addField({ transform: Transforms.bucket(16), source: 'id' }, 'shard').result().fields).toEqual([pf(1, 1000, 'shard', Transforms.bucket(16))])
    expect(upd(v).addField(Transforms.truncate(4), 'data').result().fields).toEqual([...PARTITIONED.fields, pf(4, 1003, 'data_trunc_4', Transforms.truncate(4))])
    const multi = upd(v, UNPARTITIONED).addField('category').addField({ transform: 'day', source: 'ts' }).addField(Transforms.bucket(16), 'id', 'shard').addField(Transforms.truncate(4), 'data', 'prefix').result()
    expect(multi.fields).toEqual([...PARTITIONED.fields, pf(4, 1003, 'prefix', Transforms.truncate(4))])
  })

  it('allows hour next to an existing day and several bucket counts', () => {
    const byDay = chain(md(v, UNPARTITIONED), (u) => u.addField({ transform: 'day', source: 'ts' }))
    expect(new UpdatePartitionSpec(byDay).addField({ transform: 'hour', source: 'ts' }).result().fields).toEqual([pf(2, 1000, 'ts_day', Transforms.day), pf(2, 1001, 'ts_hour', Transforms.hour)])
    const b16 = chain(md(v, UNPARTITIONED), (u) => u.addField(Transforms.bucket(16), 'id'))
    expect(new UpdatePartitionSpec(b16).addField(Transforms.bucket(8), 'id').result().fields).toEqual([pf(1, 1000, 'id_bucket_16', Transforms.bucket(16)), pf(1, 1001, 'id_bucket_8', Transforms.bucket(8))])
  })

  it('removes by name or equivalent term: v1 keeps a void field, v2 drops it', () => {
    const expectRemoved = (spec: PartitionSpec, i: number): void => {
      const kept = PARTITIONED.fields.map((f, j) => (j === i ? { ...f, transform: VOID } : f))
      expect(spec.fields).toEqual(v === 1 ? kept : PARTITIONED.fields.filter((_, j) => j !== i))
    }
    expectRemoved(upd(v).removeField('category').result(), 0)
    expectRemoved(upd(v).removeField('shard').result(), 2)
    expectRemoved(upd(v).removeField({ transform: 'identity', source: 'category' }).result(), 0)
    expectRemoved(upd(v).removeField({ transform: 'day', source: 'ts' }).result(), 1)
    expectRemoved(upd(v).removeField(Transforms.bucket(16), 'id').result(), 2)
  })

  it('renames, and mixes renames, removals and additions (Java testMultipleChanges)', () => {
    expect(upd(v).renameField('shard', 'id_bucket').result().fields[2]).toEqual(pf(1, 1002, 'id_bucket', Transforms.bucket(16)))
    const r = upd(v).renameField('shard', 'id_bucket').removeField({ transform: 'day', source: 'ts' }).addField(Transforms.truncate(4), 'data', 'prefix').result()
    const day = v === 1 ? [pf(2, 1001, 'ts_day', VOID)] : []
    expect(r.fields).toEqual([pf(3, 1000, 'category', Transforms.identity), ...day, pf(1, 1002, 'id_bucket', Transforms.bucket(16)), pf(4, 1003, 'prefix', Transforms.truncate(4))])
  })

  it('re-adding a removed field restores it; a different name makes a new spec', () => {
    expect(upd(v).removeField('shard').addField(Transforms.bucket(16), 'id', 'shard').result().fields).toEqual(PARTITIONED.fields)
    expect(upd(v).removeField('shard').addField(Transforms.bucket(16), 'id').result().fields).toEqual(PARTITIONED.fields)
    const renamed = upd(v).removeField('shard').addField(Transforms.bucket(16), 'id', 'new_shard').result()
    expect(renamed.fields.map((f) => `${f.name}=${f.transform.kind}`)).toEqual(['category=identity', 'ts_day=day', 'new_shard=bucket'])
  })

  it('v1 renames void fields out of the way; v2 recycles ids of removed fields', () => {
    let m = chain(md(v, UNPARTITIONED), (u) => u.addField({ transform: 'day', source: 'ts' }, 'ts_date'))
    m = chain(m, (u) => u.removeField({ transform: 'day', source: 'ts' }))
    m = chain(m, (u) => u.addField({ transform: 'day', source: 'ts' }, 'ts_date'))
    m = chain(m, (u) => u.removeField({ transform: 'day', source: 'ts' }))
    m = chain(m, (u) => u.addField({ transform: 'month', source: 'ts' }))
    const last = new UpdatePartitionSpec(m).renameField('ts_month', 'ts_date').result()
    if (v === 1) {
      expect(last.fields.map((f) => f.transform.kind)).toEqual(['void', 'void', 'month'])
      expect(last.fields[0]!.name).toMatch(/^ts_date(?:_\d+)+$/)
      expect(last.fields[1]!.name).toMatch(/^ts_date(?:_\d+)+$/)
      expect(last.fields[2]!.name).toBe('ts_date')
      expect(last.fields.map((f) => f.fieldId)).toEqual([1000, 1001, 1002])
    } else {
      expect(last.fields).toEqual([pf(2, 1001, 'ts_date', Transforms.month)])
    }
    const month = { specId: 0, fields: [pf(2, 1000, 'ts_transformed', Transforms.month)] }
    const swapped = upd(v, month).removeField('ts_transformed').addField({ transform: 'day', source: 'ts' }, 'ts_transformed').result()
    if (v === 1) expect(swapped.fields).toEqual([pf(2, 1000, 'ts_transformed_1000', VOID), pf(2, 1001, 'ts_transformed', Transforms.day)])
    else expect(swapped.fields).toEqual([pf(2, 1001, 'ts_transformed', Transforms.day)])
  })

  it('refuses duplicates, redundant time fields, unknown fields and conflicting edits', () => {
    expectInvalid(() => upd(v).addField(Transforms.truncate(4), 'data', 'prefix').removeField('prefix'), 'Cannot delete newly added field')
    expectInvalid(() => upd(v).addField(Transforms.truncate(4), 'data', 'prefix').removeField(Transforms.truncate(4), 'data'), 'Cannot delete newly added field')
    expectInvalid(() => upd(v).addField(Transforms.truncate(4), 'data', 'prefix').addField(Transforms.truncate(4), 'data'), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v).addField(Transforms.truncate(4), 'data', 'prefix').addField(Transforms.truncate(6), 'data', 'prefix'), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v, UNPARTITIONED).addField({ transform: 'day', source: 'ts' }).addField({ transform: 'hour', source: 'ts' }), 'Cannot add redundant partition field')
    expectInvalid(() => upd(v).addField({ transform: 'hour', source: 'ts' }).addField({ transform: 'month', source: 'ts' }), 'Cannot add redundant partition')
    expectInvalid(() => upd(v).addField('category'), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v).addField({ transform: 'identity', source: 'category' }), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v).addField(Transforms.bucket(16), 'id'), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v).addField(Transforms.bucket(16), 'id', 'b16'), 'Cannot add duplicate partition field')
    expectInvalid(() => upd(v).addField(Transforms.bucket(8), 'id', 'shard'), 'Cannot add duplicate partition field name: shard')
    expectInvalid(() => upd(v).addField('data', ''), 'Cannot use empty partition name')
    expectInvalid(() => upd(v).removeField('moon'), 'Cannot find partition field to remove: moon')
    expectInvalid(() => upd(v).removeField({ transform: 'hour', source: 'ts' }), 'Cannot find partition field to remove')
    expectInvalid(() => upd(v).renameField('shake', 'seal'), 'Cannot find partition field to rename: shake')
    expectInvalid(() => upd(v).addField(Transforms.truncate(4), 'data', 'data_trunc').renameField('data_trunc', 'prefix'), 'Cannot rename newly added partition field: data_trunc')
    expectInvalid(() => upd(v).renameField('shard', 'id_bucket').removeField(Transforms.bucket(16), 'id'), 'Cannot rename and delete partition field: shard')
    expectInvalid(() => upd(v).removeField(Transforms.bucket(16), 'id').renameField('shard', 'id_bucket'), 'Cannot delete and rename partition field: shard')
    expectInvalid(() => upd(v).renameField('shard', 'category').result(), 'Cannot use partition name more than once: category')
  })

  it('validates sources and transforms against the current schema', () => {
    const nested = schema([field(1, 'id', T.long, { required: true }), field(2, 'tags', T.list(3, T.string)), field(4, 's', T.struct([field(5, 'x', T.int)])), field(6, 'f', T.double)])
    const u = (): UpdatePartitionSpec => new UpdatePartitionSpec(metadataOf(nested, { formatVersion: v }))
    expectInvalid(() => u().addField('nope'), "Cannot find field 'nope'")
    expectInvalid(() => u().addField('tags.element'), 'nested in a list or map')
    expectInvalid(() => u().addField('s'), 'Cannot partition by non-primitive source field s')
    expectInvalid(() => u().addField({ transform: 'day', source: 'id' }), 'Invalid source type long for transform: day')
    expectInvalid(() => u().addField(Transforms.bucket(4), 'f'), 'Invalid source type double for transform: bucket[4]')
    expectInvalid(() => u().addField({ transform: 'zorder', source: 'id' }), 'unknown transform zorder')
    expectInvalid(() => u().addField({ transform: 'bucket[0]', source: 'id' }), 'Invalid partition transform')
    expectInvalid(() => u().addField(Transforms.bucket(4), 'id', 'f').result(), 'Cannot create identity partition sourced from different field in schema: f')
    expect(u().addField('s.x').result().fields).toEqual([pf(5, 1000, 's.x', Transforms.identity)])
    expect(u().caseSensitive(false).addField('ID').result().fields).toEqual([pf(1, 1000, 'id', Transforms.identity)])
    const unknown = { specId: 0, fields: [pf(1, 1000, 'z', { kind: 'unknown', name: 'zorder' })] }
    expectInvalid(() => new UpdatePartitionSpec(metadataOf(nested, { formatVersion: v, spec: unknown })), 'Cannot update partition spec with unknown transform')
  })
})

describe('UpdatePartitionSpec: ids across specs and commits', () => {
  it('v2 reuses the id of an equivalent field of any older spec; new fields get last-partition-id + 1', () => {
    let m = chain(md(2, UNPARTITIONED), (u) => u.addField(Transforms.bucket(16), 'id', 'shard').addField('category'))
    m = chain(m, (u) => u.removeField('shard').removeField('category'))
    m = chain(m, (u) => u.addField({ transform: 'day', source: 'ts' }))
    expect(m.lastPartitionId).toBe(1002)
    const again = new UpdatePartitionSpec(m).addField(Transforms.bucket(16), 'id').addField('category', 'cat').result()
    expect(again.fields).toEqual([pf(2, 1002, 'ts_day', Transforms.day), pf(1, 1000, 'shard', Transforms.bucket(16)), pf(3, 1003, 'cat', Transforms.identity)])
  })

  it('commits add-spec + set-default-spec, reuses equal specs, commits nothing for no change', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: { specId: 0, fields: [pf(3, 1000, 'category', Transforms.identity)] } })
    const u = new UpdatePartitionSpec(table.metadata).addField(Transforms.bucket(16), 'id')
    expect(u.changes(table.metadata)).toEqual({
      updates: [{ action: 'add-spec', spec: u.result() }, { action: 'set-default-spec', specId: -1 }],
      requirements: [{ type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 1000 }, { type: 'assert-default-spec-id', defaultSpecId: 0 }],
    })
    const t1 = await table.append([fakeFile('/d/a.parquet', ['x'])])
    const t2 = await t1.transaction().updateSpec((s) => s.addField(Transforms.bucket(16), 'id')).commit()
    expect(t2.metadata.defaultSpecId).toBe(1)
    expect(t2.metadata.lastPartitionId).toBe(1001)
    expect(t2.spec().fields).toEqual([pf(3, 1000, 'category', Transforms.identity), pf(1, 1001, 'id_bucket_16', Transforms.bucket(16))])
    const t3 = await t2.append([fakeFile('/d/b.parquet', ['y', 3], 10n, 1)])
    expect((await t3.scan().planFiles()).map((f) => f.file.specId).sort()).toEqual([0, 1])
    const t4 = await t3.transaction().updateSpec((s) => s.removeField('id_bucket_16')).commit()
    expect(t4.metadata.defaultSpecId).toBe(0)
    expect(t4.metadata.specs.length).toBe(2)
    const t5 = await t4.transaction().updateSpec((s) => s.renameField('category', 'category')).commit()
    expect(t5.metadataLocation).toBe(t4.metadataLocation)
  })

  it('a failed edit leaves the table unchanged; a stale base fails', async () => {
    const { table } = await catalogTable({ schema: SCHEMA })
    expectInvalid(() => table.transaction().updateSpec((s) => s.addField({ transform: 'day', source: 'id' })), 'Invalid source type long for transform: day')
    expect((await table.refresh()).metadata).toEqual(table.metadata)
    const mine = table.transaction().updateSpec((s) => s.addField('category'))
    await table.transaction().updateSpec((s) => s.addField(Transforms.bucket(4), 'id')).commit()
    const e = await mine.commit().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ValidationError)
    expect((e as Error).message).toMatch(/partition spec update: the table changed concurrently/)
    expect((await table.refresh()).spec().fields.map((f) => f.name)).toEqual(['id_bucket_4'])
  })

  it('v1 commits keep sequential ids with void fields', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: { specId: 0, fields: [pf(3, 1000, 'category', Transforms.identity)] }, formatVersion: 1 })
    const t = await table.transaction().updateSpec((s) => s.removeField('category').addField({ transform: 'day', source: 'ts' })).commit()
    expect(t.spec().fields).toEqual([pf(3, 1000, 'category', VOID), pf(2, 1001, 'ts_day', Transforms.day)])
    const t2 = await t.transaction().updateSchema((u) => u.deleteColumn('category')).commit()
    expect(t2.schema().fields.map((f) => f.name)).toEqual(['id', 'ts', 'data'])
  })

  it('v1: after a void field\'s source column is dropped, rows still append and read (the field types as unknown)', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, spec: { specId: 0, fields: [pf(3, 1000, 'category', Transforms.identity)] }, formatVersion: 1 })
    let t = await table.appendRows([{ id: 1n, ts: 0n, category: 'a', data: 'x' }])
    t = await t.transaction().updateSpec((s) => s.removeField('category')).commit()
    t = await t.appendRows([{ id: 3n, ts: 2n, category: 'c', data: 'z' }]) // a void field typed string in this manifest
    t = await t.transaction().updateSchema((u) => u.deleteColumn('category')).commit()
    t = await t.appendRows([{ id: 2n, ts: 1n, data: 'y' }])
    const rows = (await t.scan().toArray()).sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))
    expect(rows).toEqual([
      { id: 1n, ts: 0n, data: 'x' },
      { id: 2n, ts: 1n, data: 'y' },
      { id: 3n, ts: 2n, data: 'z' },
    ])
    const files = await t.scan().planFiles()
    expect(files.find((f) => f.file.specId === t.spec().specId)!.file.partition).toEqual([null])
  })
})
