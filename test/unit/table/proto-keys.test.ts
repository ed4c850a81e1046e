// Column, struct-field and map-key names come from data, so `__proto__` is an ordinary name: written, read,
// coerced and printed as an own key, never as the object's prototype.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { stringifyJson } from '../../../src/spec/json/lossless.js'
import { T, field } from '../../../src/spec/types.js'
import { rowToJson } from '../../../src/table/row-json.js'
import { makeCatalog } from '../../support/catalogs.js'

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
