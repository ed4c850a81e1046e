import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createNameMapping, indexNameMapping, nameMappingMatchesSchema, nameMappingToJson, parseNameMapping, type MappedField, type NameMapping } from '../../../src/spec/name-mapping.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType, type NestedField } from '../../../src/spec/types.js'
import { FloeError } from '../../../src/errors.js'

describe('name mapping', () => {
  it('parses the spec example and resolves aliases and nested paths', () => {
    const m = parseNameMapping('[{"field-id":1,"names":["id","record_id"]},{"field-id":3,"names":["location"],"fields":[{"field-id":4,"names":["latitude","lat"]}]}]')
    const idx = indexNameMapping(m)
    expect(idx.find(['record_id'])?.fieldId).toBe(1)
    expect(idx.find(['location', 'lat'])?.fieldId).toBe(4)
    expect(idx.find(['location', 'longitude'])).toBeUndefined()
    expect(idx.find(['lat'])).toBeUndefined()
  })

  it('keeps dots inside names', () => {
    const idx = indexNameMapping(parseNameMapping('[{"field-id":7,"names":["a.b"]}]'))
    expect(idx.find(['a.b'])?.fieldId).toBe(7)
    expect(idx.find(['a', 'b'])).toBeUndefined()
  })

  it('generates the mapping Java would, with element/key/value children, and round-trips it', () => {
    const s = schema([field(1, 'id', T.long), field(2, 'tags', T.list(3, T.string)), field(4, 'm', T.map(5, T.string, 6, T.struct([field(7, 'x', T.int)])))])
    const m = createNameMapping(s)
    const text = nameMappingToJson(m)
    expect(text).toBe(
      '[{"field-id":1,"names":["id"]},{"field-id":2,"names":["tags"],"fields":[{"field-id":3,"names":["element"]}]},{"field-id":4,"names":["m"],"fields":[{"field-id":5,"names":["key"]},{"field-id":6,"names":["value"],"fields":[{"field-id":7,"names":["x"]}]}]}]',
    )
    expect(parseNameMapping(text)).toEqual(m)
    expect(indexNameMapping(m).find(['m', 'value', 'x'])?.fieldId).toBe(7)
  })

  it('rejects malformed mappings with a typed error naming the property', () => {
    for (const bad of ['{', '{"names":[]}', '[{"field-id":"x","names":["a"]}]']) {
      expect(() => parseNameMapping(bad)).toThrow(FloeError)
      try {
        parseNameMapping(bad)
      } catch (e) {
        expect((e as FloeError).message).toContain('schema.name-mapping.default')
      }
    }
  })
})

/** The nesting of a schema without ids: ids are assigned afterwards, breadth-first (Iceberg) or depth-first (Impala). */
type Shape = { k: 'prim' } | { k: 'struct'; fields: Shape[] } | { k: 'list'; element: Shape } | { k: 'map'; value: Shape }

const shapes = fc.letrec<{ shape: Shape; fields: Shape[] }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Shape>({ k: 'prim' }),
    tie('fields').map((fields): Shape => ({ k: 'struct', fields })),
    tie('shape').map((element): Shape => ({ k: 'list', element })),
    tie('shape').map((value): Shape => ({ k: 'map', value })),
  ),
  fields: fc.array(tie('shape'), { minLength: 1, maxLength: 3 }),
})).fields

/** A schema of `top` with ids assigned breadth-first (all fields of a struct, then their children) or depth-first. */
function assign(top: readonly Shape[], order: 'breadth' | 'depth'): Schema {
  let next = 1
  const typeOf = (s: Shape): IcebergType => {
    switch (s.k) {
      case 'prim':
        return T.int
      case 'struct':
        return T.struct(fieldsOf(s.fields))
      case 'list': {
        const id = next++
        return T.list(id, typeOf(s.element))
      }
      case 'map': {
        const key = next++
        const value = next++
        return T.map(key, T.string, value, typeOf(s.value))
      }
    }
  }
  const fieldsOf = (fs: readonly Shape[]): NestedField[] => {
    if (order === 'depth') return fs.map((s, i) => ((id) => field(id, `f${i}`, typeOf(s)))(next++))
    const ids = fs.map(() => next++)
    return fs.map((s, i) => field(ids[i]!, `f${i}`, typeOf(s)))
  }
  return schema(fieldsOf(top))
}

/** Drop mapping entries and children where `keep` says so (a hand-written, incomplete mapping). */
function prune(m: NameMapping, keep: () => boolean): MappedField[] {
  return m.filter(() => keep()).map((f) => (f.fields && keep() ? { ...f, fields: prune(f.fields, keep) } : { fieldId: f.fieldId, names: f.names }) as MappedField)
}

describe('name mapping against the schema', () => {
  const s = schema([
    field(1, 'id', T.long),
    field(2, 'tags', T.list(5, T.string)),
    field(3, 'attrs', T.map(6, T.string, 7, T.struct([field(9, 'x', T.int)]))),
    field(4, 'loc', T.struct([field(8, 'lat', T.double)])),
  ])
  const ok = (json: string): boolean => nameMappingMatchesSchema(parseNameMapping(json), s)

  it('accepts entries without children (Java applies the mapping as written; unmapped columns get no id)', () => {
    expect(ok('[{"field-id":1,"names":["id","ID"]},{"field-id":2,"names":["tags"]},{"field-id":3,"names":["attrs"]},{"field-id":4,"names":["loc"]}]')).toBe(true)
    expect(ok('[{"field-id":3,"names":["attrs"],"fields":[{"field-id":7,"names":["value"]}]}]')).toBe(true)
    expect(ok('[{"field-id":2,"names":["tags"],"fields":[{"names":["element"]}]},{"names":["extra"]},{"field-id":99,"names":["gone"],"fields":[{"field-id":98,"names":["x"]}]}]')).toBe(true)
  })

  it('rejects children that exist and contradict the schema', () => {
    // a list whose only child is not its element, a map child that is neither key nor value, children of a primitive
    expect(ok('[{"field-id":2,"names":["tags"],"fields":[{"field-id":8,"names":["lat"]}]}]')).toBe(false)
    expect(ok('[{"field-id":3,"names":["attrs"],"fields":[{"names":["element"]}]}]')).toBe(false)
    expect(ok('[{"field-id":1,"names":["id"],"fields":[{"names":["x"]}]}]')).toBe(false)
    // key and value ids swapped; an element id that belongs to another list
    expect(ok('[{"field-id":3,"names":["attrs"],"fields":[{"field-id":7,"names":["key"]},{"field-id":6,"names":["value"]}]}]')).toBe(false)
    expect(ok('[{"field-id":2,"names":["tags"],"fields":[{"field-id":6,"names":["element"]}]}]')).toBe(false)
    // a known id under another parent: a nested field mapped at the top level, a top-level field nested
    expect(ok('[{"field-id":8,"names":["lat"]}]')).toBe(false)
    expect(ok('[{"field-id":4,"names":["loc"],"fields":[{"field-id":1,"names":["id"]}]}]')).toBe(false)
  })

  it('rejects depth-first (Impala) ids even where every shape agrees (a list of primitives before a primitive)', () => {
    // Iceberg: a=1, b=2, c=3, b.element=4; Impala: a=1, b=2, b.element=3, c=4
    const iceberg = schema([field(1, 'a', T.int), field(2, 'b', T.list(4, T.int)), field(3, 'c', T.int)])
    const impala = parseNameMapping('[{"field-id":1,"names":["a"]},{"field-id":2,"names":["b"],"fields":[{"field-id":3,"names":["element"]}]},{"field-id":4,"names":["c"]}]')
    expect(nameMappingMatchesSchema(impala, iceberg)).toBe(false)
  })

  it('accepts the generated mapping and any incomplete copy of it (property)', () => {
    fc.assert(
      fc.property(shapes, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (top, bits) => {
        const sc = assign(top, 'breadth')
        const full = createNameMapping(sc)
        expect(nameMappingMatchesSchema(full, sc)).toBe(true)
        let i = 0
        expect(nameMappingMatchesSchema(prune(full, () => bits[i++ % bits.length]!), sc)).toBe(true)
      }),
    )
  })

  it('rejects a depth-first mapping over a breadth-first schema exactly when the ids differ (property)', () => {
    fc.assert(
      fc.property(shapes, (top) => {
        const iceberg = assign(top, 'breadth')
        const impala = assign(top, 'depth')
        const same = JSON.stringify(iceberg) === JSON.stringify(impala)
        expect(nameMappingMatchesSchema(createNameMapping(impala), iceberg)).toBe(same)
      }),
    )
  })
})
