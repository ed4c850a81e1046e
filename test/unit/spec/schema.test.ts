import { describe, expect, it } from 'vitest'
import { findField, findFieldByName, fieldName, highestFieldId, identifierFieldProblems, indexSchema, schema, selectFields } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'

const nested = schema(
  [
    field(1, 'id', T.long, { required: true }),
    field(2, 'location', T.struct([field(3, 'Lat', T.double), field(4, 'lon', T.double)])),
    field(5, 'tags', T.list(6, T.string)),
    field(7, 'props', T.map(8, T.string, 9, T.struct([field(10, 'v', T.int)]))),
    field(11, 'opt', T.struct([field(12, 'x', T.int, { required: true })])),
  ],
  3,
  [1],
)

describe('schema index', () => {
  it('indexes every id and full dotted name, lists and maps included', () => {
    const idx = indexSchema(nested)
    expect([...idx.byId.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(fieldName(nested, 3)).toBe('location.Lat')
    expect(fieldName(nested, 6)).toBe('tags.element')
    expect(fieldName(nested, 8)).toBe('props.key')
    expect(fieldName(nested, 10)).toBe('props.value.v')
    expect(findFieldByName(nested, 'location.lat')).toBeUndefined()
    expect(findFieldByName(nested, 'LOCATION.LAT', false)?.id).toBe(3)
    expect(findField(nested, 12)?.required).toBe(true)
    expect(highestFieldId(nested)).toBe(12)
    expect(idx.byId.get(12)?.parentIds).toEqual([11])
  })

  it('selects fields and keeps their parents', () => {
    const s = selectFields(nested, new Set([4, 1]))
    expect(s.fields.map((f) => f.name)).toEqual(['id', 'location'])
    expect((s.fields[1]!.type as unknown as { fields: unknown[] }).fields).toHaveLength(1)
  })

  it('checks identifier fields as the spec requires', () => {
    expect(identifierFieldProblems(nested)).toEqual([])
    const bad = { ...nested, identifierFieldIds: [3, 6, 12, 99] }
    const problems = identifierFieldProblems(bad).join('\n')
    expect(problems).toMatch(/location\.Lat cannot be float or double/)
    expect(problems).toMatch(/location\.Lat must be required/)
    expect(problems).toMatch(/tags\.element cannot be nested in a list or map/)
    expect(problems).toMatch(/opt\.x cannot be nested in an optional struct/)
    expect(problems).toMatch(/99 does not exist/)
  })
})
