import { describe, expect, it } from 'vitest'
import { createNameMapping, indexNameMapping, nameMappingToJson, parseNameMapping } from '../../../src/spec/name-mapping.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
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
