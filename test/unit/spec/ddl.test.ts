// DDL text forms: column lists, partition lists and sort lists.
import { describe, expect, it } from 'vitest'
import { parseColumns, parsePartitionSpec, parseSortOrder, parseTransformTerm } from '../../../src/spec/ddl.js'
import { typeToString } from '../../../src/spec/types.js'

describe('parseColumns', () => {
  it('parses primitive, aliased and nested types, not null and comments', () => {
    const s = parseColumns("id bigint not null, `ts` timestamptz comment 'event time', amount decimal(10,2), tags array<string>, attrs map<string, int>, loc struct<lat: double, lon: double>, raw bytes, f fixed[4]")
    expect(s.fields.map((f) => [f.name, typeToString(f.type), f.required])).toEqual([
      ['id', 'long', true],
      ['ts', 'timestamptz', false],
      ['amount', 'decimal(10, 2)', false],
      ['tags', 'list<string>', false],
      ['attrs', 'map<string, int>', false],
      ['loc', 'struct<10: lat: optional double, 11: lon: optional double>', false],
      ['raw', 'binary', false],
      ['f', 'fixed[4]', false],
    ])
    expect(s.fields[1]!.doc).toBe('event time')
    const ids = new Set<number>()
    const walk = (t: unknown): void => JSON.stringify(t, (k, v) => (k === 'id' || k === 'elementId' || k === 'keyId' || k === 'valueId' ? (ids.add(v as number), v) : v)) as unknown as void
    walk(s.fields)
    expect(ids.size).toBe(13) // every field, element, key and value id is distinct
  })

  it('rejects unknown types, malformed columns and empty lists with INVALID_ARGUMENT', () => {
    expect(() => parseColumns('x nosuch')).toThrow(/Unknown type "nosuch"/)
    expect(() => parseColumns('justname')).toThrow(/expected "name type"/)
    expect(() => parseColumns(' , ')).toThrow(/at least one column/)
    expect(() => parseColumns('m map<string>')).toThrow(/key and a value/)
  })
})

describe('partition and sort lists', () => {
  const schema = parseColumns('id bigint, ts timestamptz, name string')
  it('parses transforms with Java default names', () => {
    const spec = parsePartitionSpec(schema, 'day(ts), bucket(16, id), truncate(4, name), name')
    expect(spec.fields.map((f) => [f.name, f.fieldId, f.sourceId])).toEqual([
      ['ts_day', 1000, 2],
      ['id_bucket', 1001, 1],
      ['name_trunc', 1002, 3],
      ['name', 1003, 3],
    ])
    expect(parseTransformTerm(schema, 'hour(ts)').transform).toEqual({ kind: 'hour' })
    expect(() => parsePartitionSpec(schema, 'bucket(4, nope)')).toThrow(/Unknown column nope/)
    expect(() => parsePartitionSpec(schema, 'frobnicate(ts)')).toThrow(/Unknown transform frobnicate/)
  })

  it('parses sort directions and null orders with the defaults Java uses', () => {
    const o = parseSortOrder(schema, 'id desc, name asc nulls last, day(ts)')
    expect(o.fields.map((f) => [f.sourceId, f.direction, f.nullOrder, f.transform.kind])).toEqual([
      [1, 'desc', 'nulls-last', 'identity'],
      [3, 'asc', 'nulls-last', 'identity'],
      [2, 'asc', 'nulls-first', 'day'],
    ])
  })
})
