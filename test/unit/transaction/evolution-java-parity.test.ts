// Table creation and evolution refuse (or accept) exactly what Java does: format-version as a property,
// schemas/specs/orders Java's builders reject, write defaults in every version, property validation, spec
// reuse, and Java's JSON shapes for v1 refs, initial sort orders and snapshot summaries.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { InvalidArgumentError } from '../../../src/errors.js'
import { writeTableMetadataJson } from '../../../src/spec/json/metadata-write.js'
import { snapshotToJson } from '../../../src/spec/json/snapshot-json.js'
import { newTableMetadata } from '../../../src/spec/new-table.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { Snapshot } from '../../../src/spec/snapshot.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { UpdateSchema } from '../../../src/transaction/update-schema.js'
import { catalogTable, expectInvalid, metadataOf, thrown } from './evolution-fixtures.js'

const S = schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string)])
const create = (req: Partial<Parameters<typeof newTableMetadata>[0]> & { schema: Schema }) => newTableMetadata({ location: 'memory://t', ...req }, 'u', 1n)
const asc = (sourceId: number, transform = Transforms.identity) => ({ orderId: 1, fields: [{ sourceId, transform, direction: 'asc' as const, nullOrder: 'nulls-first' as const }] })
const spec = (sourceId: number, name: string, transform = Transforms.identity) => ({ specId: 0, fields: [{ sourceId, fieldId: 1000, name, transform }] })

describe('format-version property', () => {
  it('picks the version at create time and is not stored; a conflicting explicit version is refused', () => {
    for (const v of [1, 2, 3] as const) {
      const m = create({ schema: S, properties: { 'format-version': String(v), owner: 'me' } })
      expect(m.formatVersion).toBe(v)
      expect(m.properties).toEqual({ 'write.parquet.compression-codec': 'zstd', owner: 'me' })
    }
    expect(create({ schema: S, formatVersion: 3, properties: { 'format-version': '3' } }).formatVersion).toBe(3)
    expect(thrown(() => create({ schema: S, formatVersion: 2, properties: { 'format-version': '3' } }))).toBeInstanceOf(InvalidArgumentError)
    for (const bad of ['4', '0', 'x', '2.5']) expect(thrown(() => create({ schema: S, properties: { 'format-version': bad } }))).toBeInstanceOf(InvalidArgumentError)
  })

  it('setProperties upgrades the table; the same version is a no-op and a downgrade is refused', async () => {
    const { table } = await catalogTable({ schema: S, formatVersion: 1 })
    const t2 = await table.transaction().setProperties({ 'format-version': '2', owner: 'me' }).commit()
    expect(t2.metadata.formatVersion).toBe(2)
    expect(t2.metadata.properties['format-version']).toBeUndefined()
    expect(t2.metadata.properties.owner).toBe('me')
    const same = await t2.transaction().setProperties({ 'format-version': '2' }).commit()
    expect(same.metadata.formatVersion).toBe(2)
    const t3 = await same.transaction().setProperties({ 'format-version': '3' }).commit()
    expect(t3.metadata.formatVersion).toBe(3)
    expect(t3.metadata.nextRowId).toBe(0n)
    const e = await t3.transaction().setProperties({ 'format-version': '2' }).commit().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toContain('Cannot downgrade v3 table to v2')
    expect(thrown(() => t3.transaction().setProperties({ uuid: 'x' }))).toBeInstanceOf(InvalidArgumentError)
  })
})

describe('schemas Java refuses at creation', () => {
  it('duplicate and dotted-clash names, v3-only types and initial defaults before v3, required unknown', () => {
    expectInvalid(() => create({ schema: schema([field(1, 'a', T.int), field(2, 'a', T.string)]) }), 'multiple fields for name a')
    expectInvalid(() => create({ schema: schema([field(1, 'a', T.struct([field(2, 'b', T.int)])), field(3, 'a.b', T.string)]) }), 'multiple fields for name a.b')
    for (const t of [T.timestampNs, T.variant, T.unknown]) {
      expectInvalid(() => create({ schema: schema([field(1, 'a', t)]), formatVersion: 2 }), 'is not supported until v3')
      expect(create({ schema: schema([field(1, 'a', t)]), formatVersion: 3 }).formatVersion).toBe(3)
    }
    expectInvalid(() => create({ schema: schema([field(1, 'a', T.int, { initialDefault: 1 })]), formatVersion: 2 }), 'Invalid initial default for a')
    expect(create({ schema: schema([field(1, 'a', T.int, { writeDefault: 1 })]), formatVersion: 1 }).schemas[0]!.fields[0]!.writeDefault).toBe(1)
    expectInvalid(() => create({ schema: schema([field(1, 'u', T.unknown, { required: true })]), formatVersion: 3 }), 'Cannot create required field with unknown type: u')
    expectInvalid(() => create({ schema: schema([field(1, 'l', T.list(2, T.unknown, true))]), formatVersion: 3 }), 'unknown type: l.element')
  })
})

describe('specs and sort orders Java refuses at creation', () => {
  const N = schema([field(1, 'id', T.long, { required: true }), field(2, 'pts', T.list(3, T.struct([field(4, 'x', T.int)]), false)), field(5, 's', T.struct([field(6, 'a', T.int)])), field(7, 'c', T.string)])
  it('refuses empty names, names of other columns, sources inside lists; allows an identity named like its source', () => {
    expectInvalid(() => create({ schema: N, spec: spec(1, '', Transforms.bucket(2)) }), 'Cannot use empty partition name')
    expectInvalid(() => create({ schema: N, spec: spec(1, 'c', Transforms.bucket(4)) }), 'sourced from different field in schema: c')
    expectInvalid(() => create({ schema: N, spec: spec(4, 'x') }), 'Invalid partition field parent')
    expect(create({ schema: N, spec: spec(7, 'c') }).specs[0]!.fields[0]!.name).toBe('c')
  })
  it('refuses sort transforms that cannot apply and sources that are not primitives outside lists', () => {
    expectInvalid(() => create({ schema: N, sortOrder: asc(5, Transforms.bucket(3)) }), 'Cannot sort by non-primitive source field')
    expectInvalid(() => create({ schema: N, sortOrder: asc(1, Transforms.day) }), 'Invalid source type long for transform: day')
    expectInvalid(() => create({ schema: N, sortOrder: asc(4) }), 'nested in a list or map')
  })
  it('a sorted table starts with only its order (id 1), as Java writes it', () => {
    const m = create({ schema: N, sortOrder: { ...asc(7), orderId: 7 } })
    expect(m.sortOrders.map((o) => o.orderId)).toEqual([1])
    expect(m.defaultSortOrderId).toBe(1)
    expect(writeTableMetadataJson(m)).toContain('"sort-orders":[{"order-id":1,')
    expect(create({ schema: N }).sortOrders).toEqual([{ orderId: 0, fields: [] }])
  })
})

describe('schema evolution checks Java runs on the new schema', () => {
  it('requireColumn on an unknown column is refused even with incompatible changes allowed', () => {
    const u = new UpdateSchema(metadataOf(schema([field(1, 'id', T.long, { required: true }), field(2, 'u', T.unknown)]), { formatVersion: 3 }))
    expectInvalid(() => u.allowIncompatibleChanges().requireColumn('u'), 'Cannot create required field with unknown type: u')
  })
  it('renames and additions that make a dotted name clash are refused', () => {
    const m = metadataOf(schema([field(1, 'a', T.struct([field(2, 'b', T.int)])), field(3, 'c', T.string)]))
    expectInvalid(() => new UpdateSchema(m).renameColumn('c', 'a.b').result(), 'multiple fields for name a.b')
    const m2 = metadataOf(schema([field(1, 'a.b', T.int), field(3, 'c', T.string)]))
    expectInvalid(() => new UpdateSchema(m2).addColumn('a', T.struct([field(1, 'b', T.long)])).result(), 'multiple fields for name a.b')
    expect(new UpdateSchema(m).renameColumn('c', 'a_b').result().fields[1]!.name).toBe('a_b')
  })
  it('write defaults are allowed in v1 and v2 (updateColumnDefault and unionByNameWith); initial defaults are not', async () => {
    for (const v of [1, 2] as const) {
      const m = metadataOf(schema([field(1, 'a', T.int, { required: true }), field(2, 'data', T.string)]), { formatVersion: v })
      expect(new UpdateSchema(m).updateColumnDefault('data', 'x').result().fields[1]!.writeDefault).toBe('x')
      const u = new UpdateSchema(m).unionByNameWith(schema([field(1, 'a', T.int, { required: true, writeDefault: 35 })])).result()
      expect(u.fields[0]!.writeDefault).toBe(35)
      expect(new UpdateSchema(m).addColumn('w', T.int, { initialDefault: null, writeDefault: 4 }).result().fields[2]!.writeDefault).toBe(4)
      expectInvalid(() => new UpdateSchema(m).addColumn('i', T.int, { initialDefault: 4 }), 'Invalid initial default for i')
    }
    const { table } = await catalogTable({ schema: S, formatVersion: 2 })
    const t = await table.transaction().updateSchema((u) => u.updateColumnDefault('data', 'dflt')).commit()
    expect(writeTableMetadataJson(t.metadata)).toContain('"write-default":"dflt"')
    expect((await table.refresh()).schema().fields[1]!.writeDefault).toBe('dflt')
  })
})

describe('property validation', () => {
  it('metrics columns must exist (create and setProperties); commit retry settings must be non-negative integers', async () => {
    expectInvalid(() => create({ schema: S, properties: { 'write.metadata.metrics.column.nope': 'full' } }), 'could not find column nope')
    expect(create({ schema: S, properties: { 'write.metadata.metrics.column.data': 'full' } }).properties['write.metadata.metrics.column.data']).toBe('full')
    for (const key of ['commit.retry.num-retries', 'commit.retry.min-wait-ms', 'commit.retry.max-wait-ms', 'commit.retry.total-timeout-ms']) {
      expectInvalid(() => create({ schema: S, properties: { [key]: '-1' } }), 'non negative')
      expectInvalid(() => create({ schema: S, properties: { [key]: 'abc' } }), 'integer value')
    }
    const { table } = await catalogTable({ schema: S })
    const e = await table.transaction().setProperties({ 'write.metadata.metrics.column.nope': 'full' }).commit().catch((x: unknown) => x)
    expect((e as Error).message).toContain('could not find column nope')
    const ok = await table.transaction().setProperties({ 'write.metadata.metrics.column.id': 'counts' }).commit()
    expect(ok.metadata.properties['write.metadata.metrics.column.id']).toBe('counts')
  })
})

describe('spec reuse', () => {
  it('a new spec compatible with an older one (same sources, transforms, names) reuses it, whatever its field ids', async () => {
    const { table } = await catalogTable({ schema: S, formatVersion: 2, spec: spec(2, 'x') })
    let t = await table.transaction().updateSpec((s) => s.removeField('x')).commit()
    t = await t.transaction().updateSpec((s) => s.addField('data', 'y')).commit()
    t = await t.transaction().updateSpec((s) => s.renameField('y', 'x')).commit()
    expect(t.metadata.specs.map((s) => s.specId)).toEqual([0, 1, 2])
    expect(t.metadata.defaultSpecId).toBe(0)
    expect(t.metadata.specs[0]!.fields[0]!.fieldId).toBe(1000)
    expect(t.metadata.lastPartitionId).toBe(1001)
  })
})

describe('metadata JSON shapes', () => {
  it('v1 metadata always writes refs, main included', async () => {
    const { table } = await catalogTable({ schema: S, formatVersion: 1 })
    expect(writeTableMetadataJson(table.metadata)).toContain('"refs":{}')
    const t = await table.appendRows([{ id: 1n }])
    expect(writeTableMetadataJson(t.metadata)).toContain(`"refs":{"main":{"snapshot-id":${t.metadata.currentSnapshotId},"type":"branch"}}`)
  })
  it('snapshot summaries write operation first, then the other entries in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z-]{0,8}$/).filter((k) => k !== 'operation'), { maxLength: 6 }), fc.nat(6), (keys, at) => {
        const entries: [string, string][] = keys.map((k) => [k, 'v'])
        entries.splice(Math.min(at, entries.length), 0, ['operation', 'append'])
        const snap = { snapshotId: 1n, timestampMs: 2n, sequenceNumber: 1n, summary: Object.fromEntries(entries), manifestList: 'l' } as unknown as Snapshot
        expect(Object.keys(snapshotToJson(snap, true).summary as object)).toEqual(['operation', ...keys])
      }),
    )
  })
})
