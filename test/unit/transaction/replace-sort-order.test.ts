// ReplaceSortOrder: binding sort keys (Java SortOrder.Builder defaults and checks), order ids (0 = unsorted,
// identical orders reused), commits through transactions, rebasing on retry like Java's BaseReplaceSortOrder.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import type { NullOrder, SortField } from '../../../src/spec/sort-order.js'
import { Transforms, type Transform } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { ReplaceSortOrder } from '../../../src/transaction/replace-sort-order.js'
import { catalogTable, expectInvalid, metadataOf } from './evolution-fixtures.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'ts', T.timestamptz),
  field(3, 'data', T.string),
  field(4, 's', T.struct([field(5, 'x', T.int)])),
  field(6, 'tags', T.list(7, T.string)),
  field(8, 'v', T.variant),
])
const sf = (sourceId: number, transform: Transform, direction: 'asc' | 'desc', nullOrder: NullOrder): SortField => ({ sourceId, transform, direction, nullOrder })
const order = (): ReplaceSortOrder => new ReplaceSortOrder(metadataOf(SCHEMA, { formatVersion: 3 }))

describe('ReplaceSortOrder', () => {
  it('binds columns and transforms with Java default null orders', () => {
    expect(order().asc('id').desc('data').result()).toEqual({ orderId: 1, fields: [sf(1, Transforms.identity, 'asc', 'nulls-first'), sf(3, Transforms.identity, 'desc', 'nulls-last')] })
    expect(order().asc('id', 'nulls-last').desc('data', 'nulls-first').result().fields.map((f) => f.nullOrder)).toEqual(['nulls-last', 'nulls-first'])
    const t = order().asc(Transforms.bucket(8), 'id').desc({ transform: 'day', source: 'ts' }, 'nulls-first').asc({ transform: Transforms.truncate(3), source: 'data' }).asc('s.x').result()
    expect(t.fields).toEqual([sf(1, Transforms.bucket(8), 'asc', 'nulls-first'), sf(2, Transforms.day, 'desc', 'nulls-first'), sf(3, Transforms.truncate(3), 'asc', 'nulls-first'), sf(5, Transforms.identity, 'asc', 'nulls-first')])
    expect(order().caseSensitive(false).asc('ID').result().fields).toEqual([sf(1, Transforms.identity, 'asc', 'nulls-first')])
    expect(order().result()).toEqual({ orderId: 0, fields: [] })
  })

  it('refuses keys that do not bind', () => {
    expectInvalid(() => order().asc('nope'), "Cannot find field 'nope'")
    expectInvalid(() => order().asc('ID'), "Cannot find field 'ID'")
    expectInvalid(() => order().asc('s'), 'Cannot sort by non-primitive source field s')
    expectInvalid(() => order().asc('tags.element'), 'nested in a list or map')
    expectInvalid(() => order().asc('v'), 'Cannot sort by non-primitive source field v')
    expectInvalid(() => order().asc({ transform: 'hour', source: 'id' }), 'Invalid source type long for transform: hour')
    expectInvalid(() => order().asc({ transform: 'zorder', source: 'id' }), 'unknown transform zorder')
    expectInvalid(() => order().asc('id', 'nulls-middle' as NullOrder), 'Invalid null order nulls-middle')
  })

  it('commits add-sort-order + set-default-sort-order; unsorted is id 0; identical orders are reused; no change commits nothing', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, formatVersion: 3 })
    const o = new ReplaceSortOrder(table.metadata).desc('id')
    expect(o.changes(table.metadata)).toEqual({
      updates: [{ action: 'add-sort-order', sortOrder: o.result() }, { action: 'set-default-sort-order', sortOrderId: -1 }],
      requirements: [{ type: 'assert-default-sort-order-id', defaultSortOrderId: 0 }],
    })
    const t1 = await table.transaction().replaceSortOrder((s) => s.desc('id').asc('data')).commit()
    expect(t1.metadata.defaultSortOrderId).toBe(1)
    expect(t1.metadata.sortOrders.find((x) => x.orderId === 1)!.fields).toEqual([sf(1, Transforms.identity, 'desc', 'nulls-last'), sf(3, Transforms.identity, 'asc', 'nulls-first')])
    const t2 = await t1.transaction().replaceSortOrder(() => undefined).commit()
    expect(t2.metadata.defaultSortOrderId).toBe(0)
    expect(t2.metadata.sortOrders.map((x) => x.orderId)).toEqual([0, 1])
    const t3 = await t2.transaction().replaceSortOrder((s) => s.desc('id').asc('data')).commit()
    expect(t3.metadata.defaultSortOrderId).toBe(1)
    expect(t3.metadata.sortOrders.length).toBe(2)
    const t4 = await t3.transaction().replaceSortOrder((s) => s.asc(Transforms.bucket(4), 'id')).commit()
    expect(t4.metadata.defaultSortOrderId).toBe(2)
    const same = await t4.transaction().replaceSortOrder((s) => s.asc(Transforms.bucket(4), 'id')).commit()
    expect(same.metadataLocation).toBe(t4.metadataLocation)
  })

  it('a failed edit leaves the table unchanged; the order binds to the schema earlier edits produce', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, formatVersion: 3 })
    expectInvalid(() => table.transaction().replaceSortOrder((s) => s.asc('nope')), "Cannot find field 'nope'")
    expect((await table.refresh()).metadata).toEqual(table.metadata)
    const t = await table.transaction().updateSchema((u) => u.addColumn('added', T.date)).replaceSortOrder((s) => s.asc({ transform: 'month', source: 'added' })).commit()
    expect(t.metadata.sortOrders.find((o) => o.orderId === t.metadata.defaultSortOrderId)!.fields).toEqual([sf(9, Transforms.month, 'asc', 'nulls-first')])
  })

  it('rebases on a concurrent change (Java retries) but fails when its column was dropped meanwhile', async () => {
    const { table } = await catalogTable({ schema: SCHEMA, formatVersion: 3 })
    const mine = table.transaction().replaceSortOrder((s) => s.asc('data'))
    await table.transaction().updateSchema((u) => u.renameColumn('data', 'payload')).commit()
    const t = await mine.commit()
    expect(t.metadata.sortOrders.at(-1)!.fields).toEqual([sf(3, Transforms.identity, 'asc', 'nulls-first')])
    const stale = t.transaction().replaceSortOrder((s) => s.asc('ts'))
    await t.transaction().updateSchema((u) => u.deleteColumn('ts')).commit()
    const e = await stale.commit().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ValidationError)
    expect((e as Error).message).toContain('Cannot find source column for sort field')
  })
})
