// Constant columns (initial defaults, identity-partition values, per-file metadata columns) give every row its
// own copy of a mutable value, so changing one row's value leaves the others and the schema untouched.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { constantColumn, constantProducer, copyValue } from '../../../src/parquet/constant-values.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type StructValue, type Value } from '../../../src/spec/types.js'
import { readAll, writeParquet, type SchemaEl } from './parquet-files.js'

const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.bigInt(),
    fc.string(),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.string({ maxLength: 3 }), tie('v')), { maxLength: 3 }).map((kv) => new Map<Value, Value>(kv)),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('v'), { maxKeys: 3 }).map((o) => o as StructValue),
  ),
})).v

/** Every object reachable from `v` (bytes, arrays, maps, structs). */
function objects(v: Value, out = new Set<object>()): Set<object> {
  if (v === null || typeof v !== 'object') return out
  out.add(v)
  if (v instanceof Uint8Array) return out
  if (Array.isArray(v)) for (const x of v as readonly Value[]) objects(x, out)
  else if (v instanceof Map) for (const [k, x] of v) (objects(k, out), objects(x, out))
  else for (const x of Object.values(v as StructValue)) objects(x, out)
  return out
}

describe('constant values', () => {
  it('copies are equal and share no mutable object with the original (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const c = copyValue(v)
        expect(c).toEqual(v)
        const mine = objects(v)
        for (const o of objects(c)) expect(mine.has(o)).toBe(false)
        // the column and the producer give equal, independent values per row
        const col = constantColumn(v, 3)
        expect(col).toEqual([v, v, v])
        const produce = constantProducer(v)
        const a = produce()
        const b = produce()
        expect([a, b]).toEqual([v, v])
        if (v !== null && typeof v === 'object') expect(new Set([col[0], col[1], col[2], a, b, v]).size).toBe(6)
      }),
    )
  })

  it('an initial default read for a column the file lacks is a fresh value in every row, top-level and nested', async () => {
    const file = writeParquet(
      [{ name: 'table', num_children: 2 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 }, { name: 's', repetition_type: 'OPTIONAL', num_children: 1, field_id: 2 }, { name: 'a', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 3 }] as SchemaEl[],
      [
        { name: 'id', data: [1n, 2n, 3n] },
        { name: 's', data: [{ a: 1 }, { a: 2 }, { a: 3 }] },
      ],
    )
    const dflt = new Uint8Array(16).fill(1)
    const nested = Uint8Array.of(5, 6)
    const s = schema([field(1, 'id', T.long), field(4, 'u', T.uuid, { initialDefault: dflt }), field(2, 's', T.struct([field(3, 'a', T.int), field(5, 'b', T.binary, { initialDefault: nested })]))])
    const rows = await readAll(file, { schema: s })
    expect(rows.map((r) => r.u)).toEqual([dflt, dflt, dflt])
    ;(rows[0]!.u as Uint8Array)[0] = 99
    ;((rows[0]!.s as StructValue).b as Uint8Array)[0] = 99
    expect([rows[1]!.u, dflt, (rows[1]!.s as StructValue).b, nested]).toEqual([new Uint8Array(16).fill(1), new Uint8Array(16).fill(1), Uint8Array.of(5, 6), Uint8Array.of(5, 6)])
    // a constant given by the caller (identity-partition value) is copied too
    const part = Uint8Array.of(7, 7)
    const withConst = await readAll(file, { schema: schema([field(1, 'id', T.long), field(9, 'p', T.binary)]), constants: new Map([[9, part]]) })
    ;(withConst[0]!.p as Uint8Array)[0] = 0
    expect([withConst[1]!.p, part]).toEqual([Uint8Array.of(7, 7), Uint8Array.of(7, 7)])
  })
})
