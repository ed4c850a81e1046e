// Column, struct-field and map-key names come from data, so `__proto__` is an ordinary name: written, read,
// coerced and printed as an own key, never as the object's prototype.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { stringifyJson } from '../../../src/spec/json/lossless.js'
import { T, field } from '../../../src/spec/types.js'
import { rowToJson } from '../../../src/table/row-json.js'
import { makeCatalog } from '../../support/catalogs.js'
import { Field, Int32, Struct, Table as ArrowTable, vectorFromArray } from 'apache-arrow'
import { arrowRows } from '../../../src/arrow/input.js'

const own = (o: object, k: string): unknown => (Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : 'absent')

describe('__proto__ as a name', () => {
  it('round-trips as a column, a struct field and a map key, through rows and JSON', async () => {
    const c = makeCatalog('filesystem')
    await c.createNamespace('db')
    const sch = schema([
      field(1, 'id', T.long, { required: true }),
      field(2, '__proto__', T.string),
      field(3, 'st', T.struct([field(4, '__proto__', T.int), field(5, 'b', T.int)])),
      field(6, 'm', T.map(7, T.string, 8, T.int)),
    ])
    let t = await c.createTable('db.t', { schema: sch })
    // input rows parsed from JSON text, as the CLI reads jsonl: own __proto__ keys
    const input = JSON.parse('[{"id":1,"__proto__":"top","st":{"__proto__":5,"b":6},"m":{"__proto__":7,"a":2}},{"id":2,"st":{"b":9}}]') as Record<string, unknown>[]
    t = await t.appendRows(input.map((r) => ({ ...r, id: BigInt(r.id as number), ...(r.m ? { m: new Map(Object.entries(r.m)) } : {}) })))
    const rows = (await t.scan().toArray()).sort((a, b) => Number(a.id) - Number(b.id))
    expect([own(rows[0]!, '__proto__'), own(rows[0]!.st as object, '__proto__'), (rows[0]!.m as Map<string, number>).get('__proto__')]).toEqual(['top', 5, 7])
    // a row without the value has an own null, not the prototype; a struct without it reads null too
    expect([own(rows[1]!, '__proto__'), own(rows[1]!.st as object, '__proto__')]).toEqual([null, null])
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype)
    expect(stringifyJson(rowToJson(sch.fields, rows[0]!))).toBe('{"id":1,"__proto__":"top","st":{"__proto__":5,"b":6},"m":{"__proto__":7,"a":2}}')
    // projections keep it too
    const picked = await t.scan({ select: ['__proto__'], filter: 'id = 1' }).toArray()
    expect(picked.map((r) => own(r, '__proto__'))).toEqual(['top'])
  })
})

describe('__proto__ as a name, in constants, partitions and Arrow input', () => {
  it('keeps a struct default field, a _partition field and Arrow columns named __proto__', async () => {
    const { copyValue } = await import('../../../src/parquet/constant-values.js')
    const { Transforms } = await import('../../../src/spec/transform.js')
    // a copied constant struct keeps the key
    const st: Record<string, unknown> = {}
    Object.defineProperty(st, '__proto__', { value: 7, enumerable: true, writable: true, configurable: true })
    st.b = 8
    expect(Object.keys(copyValue(st as never) as object)).toEqual(['__proto__', 'b'])

    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', {
      schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'kind', T.string)]),
      spec: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'kind', transform: Transforms.identity }] },
      formatVersion: 3,
    })
    t = await t.appendRows([{ id: 1n, kind: 'a' }])
    // a struct column added with defaults, one sub-field named __proto__: old rows read the defaults
    t = await t.transaction().updateSchema((u) => void u.addColumn('s', T.struct([field(0, '__proto__', T.int, { initialDefault: 7 }), field(0, 'b', T.int, { initialDefault: 8 })]), { initialDefault: {} })).commit()
    const [row] = await t.scan({ select: ['id', 's'] }).toArray()
    expect([own(row!.s as object, '__proto__'), own(row!.s as object, 'b')]).toEqual([7, 8])
    // a partition field renamed __proto__ stays in _partition
    t = await t.transaction().updateSpec((u) => void u.renameField('kind', '__proto__')).commit()
    const [p] = await t.scan({ select: ['id', '_partition'] }).toArray()
    expect(own(p!._partition as object, '__proto__')).toBe('a')
    // Arrow input: a column and a struct child named __proto__
    const protoObj = (v: number, b: number): Record<string, number> => {
      const o: Record<string, number> = {}
      Object.defineProperty(o, '__proto__', { value: v, enumerable: true, writable: true, configurable: true })
      o.b = b
      return o
    }
    const at = new ArrowTable({
      id: vectorFromArray([2n]),
      ['__proto__']: vectorFromArray([9], new Int32()),
      st: vectorFromArray([protoObj(5, 6)], new Struct([new Field('__proto__', new Int32()), new Field('b', new Int32())])),
    } as never)
    let a2 = await c.createTable('db.a', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, '__proto__', T.int), field(3, 'st', T.struct([field(4, '__proto__', T.int), field(5, 'b', T.int)]))]) })
    a2 = await a2.appendRows(arrowRows(at))
    const [back] = await a2.scan().toArray()
    expect([own(back!, '__proto__'), own(back!.st as object, '__proto__'), own(back!.st as object, 'b')]).toEqual([9, 5, 6])
  })
})
