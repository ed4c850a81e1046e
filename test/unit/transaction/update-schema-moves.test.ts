// UpdateSchema reordering, identifier fields and union by name (Java TestSchemaUpdate moves and identifier
// tests, TestSchemaUnionByFieldName).
import { describe, expect, it } from 'vitest'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { T, field, type NestedField } from '../../../src/spec/types.js'
import { UpdateSchema } from '../../../src/transaction/update-schema.js'
import { JAVA_SCHEMA, expectInvalid, metadataOf } from './evolution-fixtures.js'

const update = (s: Schema = JAVA_SCHEMA, lastColumnId = 23, formatVersion: FormatVersion = 2): UpdateSchema =>
  new UpdateSchema(metadataOf(s, { lastColumnId, formatVersion }))
const names = (fs: readonly NestedField[]): string[] => fs.map((f) => f.name)
const flat = schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string, { required: true }), field(3, 'ts', T.timestamptz)])
const nested = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'struct', T.struct([field(3, 'count', T.long, { required: true }), field(4, 'data', T.string, { required: true })]), { required: true }),
])
const inner = (s: Schema, i = 1): string[] => names((s.fields[i]!.type as { fields: readonly NestedField[] }).fields)

describe('UpdateSchema: moves', () => {
  it('moves top-level columns first, before and after (Java testMultipleMoves and friends)', () => {
    expect(names(update(flat, 3).moveFirst('data').result().fields)).toEqual(['data', 'id', 'ts'])
    expect(names(update(flat, 3).moveBefore('data', 'id').result().fields)).toEqual(['data', 'id', 'ts'])
    expect(names(update(flat, 3).moveAfter('id', 'ts').result().fields)).toEqual(['data', 'ts', 'id'])
    expect(names(update(flat, 3).moveAfter('ts', 'id').result().fields)).toEqual(['id', 'ts', 'data'])
    expect(names(update(flat, 3).moveBefore('ts', 'data').result().fields)).toEqual(['id', 'ts', 'data'])
    expect(names(update(flat, 3).moveFirst('ts').moveFirst('data').moveAfter('id', 'ts').result().fields)).toEqual(['data', 'ts', 'id'])
    expect(names(update(flat, 3).caseSensitive(false).moveFirst('DATA').result().fields)).toEqual(['data', 'id', 'ts'])
  })

  it('moves nested fields, list element struct fields and map value struct fields', () => {
    expect(inner(update(nested, 4).moveFirst('struct.data').result())).toEqual(['data', 'count'])
    expect(inner(update(nested, 4).moveBefore('struct.data', 'struct.count').result())).toEqual(['data', 'count'])
    expect(inner(update(nested, 4).moveAfter('struct.count', 'struct.data').result())).toEqual(['data', 'count'])
    const list = schema([field(1, 'id', T.long, { required: true }), field(2, 'list', T.list(6, T.struct([field(5, 'ts', T.timestamptz), field(3, 'count', T.long, { required: true }), field(4, 'data', T.string, { required: true })])), { required: true })])
    const moved = update(list, 6).moveBefore('list.ts', 'list.data').result()
    expect(names(((moved.fields[1]!.type as unknown as { element: { fields: NestedField[] } }).element.fields))).toEqual(['count', 'ts', 'data'])
    const map = schema([field(1, 'id', T.long, { required: true }), field(2, 'map', T.map(6, T.string, 7, T.struct([field(5, 'ts', T.timestamptz), field(3, 'count', T.long, { required: true }), field(4, 'data', T.string, { required: true })])), { required: true })])
    const mm = update(map, 7).moveBefore('map.ts', 'map.data').result()
    expect(names(((mm.fields[1]!.type as unknown as { value: { fields: NestedField[] } }).value.fields))).toEqual(['count', 'ts', 'data'])
  })

  it('moves added columns, also relative to other added columns and case-insensitively', () => {
    expect(names(update(flat, 3).addColumn('ts2', T.timestamptz).moveAfter('ts2', 'id').result().fields)).toEqual(['id', 'ts2', 'data', 'ts'])
    expect(names(update(flat, 3).addColumn('a', T.int).addColumn('b', T.int).moveAfter('b', 'id').moveAfter('a', 'b').result().fields)).toEqual(['id', 'b', 'a', 'data', 'ts'])
    expect(inner(update(nested, 4).addColumn('struct', 'ts', T.timestamptz).moveBefore('struct.ts', 'struct.count').result())).toEqual(['ts', 'count', 'data'])
    const ci = update(nested, 4).caseSensitive(false).addColumn('STRUCT', 'field2', T.int).moveFirst('STRUCT.FIELD2').result()
    expect(inner(ci)).toEqual(['field2', 'count', 'data'])
    const after = update(nested, 4).caseSensitive(false).addColumn('struct', 'f2', T.int).addColumn('STRUCT', 'f3', T.double).moveAfter('STRUCT.F3', 'struct.F2').result()
    expect(inner(after)).toEqual(['count', 'data', 'f2', 'f3'])
  })

  it('a deleted and re-added column moves as the new column (Java testMoveTopDeletedColumn*)', () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string, { required: true }), field(3, 'data_1', T.string, { required: true })])
    const r = update(s, 3).allowIncompatibleChanges().deleteColumn('id').addColumn('id', T.int, { required: true }).moveAfter('id', 'data').result()
    expect(r.fields).toEqual([field(2, 'data', T.string, { required: true }), field(4, 'id', T.int, { required: true }), field(3, 'data_1', T.string, { required: true })])
    const first = update(s, 3).allowIncompatibleChanges().deleteColumn('data_1').addColumn('data_1', T.int, { required: true }).moveFirst('data_1').result()
    expect(first.fields.map((f) => f.id)).toEqual([4, 1, 2])
  })

  it('refuses invalid moves', () => {
    expectInvalid(() => update(flat, 3).moveBefore('id', 'id'), 'Cannot move id before itself')
    expectInvalid(() => update(flat, 3).moveAfter('id', 'id'), 'Cannot move id after itself')
    expectInvalid(() => update(flat, 3).moveFirst('items'), 'Cannot move missing column: items')
    expectInvalid(() => update(flat, 3).moveBefore('items', 'id'), 'Cannot move missing column: items')
    expectInvalid(() => update(flat, 3).moveAfter('id', 'items'), 'Cannot move id after missing column: items')
    expectInvalid(() => update(flat, 3).moveBefore('ts', 'ts2').addColumn('ts2', T.timestamptz), 'Cannot move ts before missing column: ts2')
    expectInvalid(() => update().moveFirst('locations.key'), 'Cannot move fields in non-struct type: map<')
    expectInvalid(() => update().moveFirst('locations.value'), 'Cannot move fields in non-struct type')
    expectInvalid(() => update().moveFirst('doubles.element'), 'Cannot move fields in non-struct type: list<double>')
    expectInvalid(() => update(nested, 4).moveBefore('id', 'struct.count'), 'Cannot move field id to a different struct')
    expectInvalid(() => update(nested, 4).moveBefore('struct.count', 'id'), 'Cannot move field struct.count to a different struct')
    expectInvalid(() => update(flat, 3).deleteColumn('data').moveFirst('data'), 'Cannot move a column that will be deleted: data')
    expectInvalid(() => update(flat, 3).deleteColumn('data').moveAfter('id', 'data'), 'it will be deleted')
    expectInvalid(() => update(flat, 3).moveFirst('data').deleteColumn('data').result(), 'it will be deleted')
  })
})

describe('UpdateSchema: identifier fields', () => {
  it('sets existing, added, nested and dotted columns as identifier fields', () => {
    expect(update().setIdentifierFields(['id']).result().identifierFieldIds).toEqual([1])
    const inc = (u: UpdateSchema): UpdateSchema => u.allowIncompatibleChanges()
    expect(inc(update()).addColumn('new_field', T.string, { required: true }).setIdentifierFields(['id', 'new_field']).result().identifierFieldIds).toEqual([1, 24])
    expect(inc(update()).setIdentifierFields(['id', 'new_field']).addColumn('new_field', T.string, { required: true }).result().identifierFieldIds).toEqual([1, 24])
    const st = inc(update()).addColumn('new', T.struct([field(0, 'field', T.struct([field(0, 'nested', T.string, { required: true })]), { required: true })]), { required: true }).setIdentifierFields(['new.field.nested']).result()
    expect(st.identifierFieldIds).toEqual([26])
    expect(inc(update()).addColumn(null, 'dot.field', T.string, { required: true }).setIdentifierFields(['id', 'dot.field']).result().identifierFieldIds).toEqual([1, 24])
    expect(update().caseSensitive(false).setIdentifierFields(['ID']).result().identifierFieldIds).toEqual([1])
  })

  it('refuses fields that cannot identify rows (Java testSetIdentifierFieldsFails)', () => {
    expectInvalid(() => update().setIdentifierFields(['unknown']).result(), 'Cannot add field unknown as an identifier field: not found in current schema or added columns')
    expectInvalid(() => update().setIdentifierFields(['locations']).result(), 'Cannot add field locations as an identifier field: not a primitive type field')
    expectInvalid(() => update().setIdentifierFields(['data']).result(), 'Cannot add field data as an identifier field: not a required field')
    expectInvalid(() => update().setIdentifierFields(['locations.key.zip']).result(), 'Cannot add field zip as an identifier field: must not be nested in locations')
    expectInvalid(() => update().setIdentifierFields(['points.element.x']).result(), 'Cannot add field x as an identifier field: must not be nested in points')
    expectInvalid(() => update().allowIncompatibleChanges().addColumn('col_double', T.double, { required: true }).setIdentifierFields(['col_double']).result(), 'must not be float or double field')
    expectInvalid(() => update().allowIncompatibleChanges().addColumn('col_float', T.float, { required: true }).setIdentifierFields(['col_float']).result(), 'must not be float or double field')
    expectInvalid(() => update().setIdentifierFields(['preferences.feature1']).result(), 'Cannot add field feature1 as an identifier field: must not be nested in an optional field preferences')
    expectInvalid(() => update().setIdentifierFields(['id']).makeColumnOptional('id').result(), 'not a required field')
  })

  it('keeps identifier fields through renames and moves; deleting one needs setIdentifierFields', () => {
    const withId = schema(JAVA_SCHEMA.fields, 0, [1])
    expect(update(withId).renameColumn('id', 'id2').result().identifierFieldIds).toEqual([1])
    expect(update(withId).moveAfter('id', 'locations').result().identifierFieldIds).toEqual([1])
    expect(update(withId).caseSensitive(false).moveFirst('ID').result().identifierFieldIds).toEqual([1])
    expect(update(withId).setIdentifierFields(['id']).renameColumn('id', 'key').result().identifierFieldIds).toEqual([1])
    expect(update(withId).deleteColumn('id').setIdentifierFields([]).result().identifierFieldIds).toEqual([])
    expect(update(withId).setIdentifierFields([]).deleteColumn('id').result().identifierFieldIds).toEqual([])
    expectInvalid(() => update(withId).deleteColumn('id').result(), 'Cannot delete identifier field 1: id: int. To force deletion, also call setIdentifierFields to update identifier fields.')
    const out = schema([field(1, 'id', T.int, { required: true }), field(2, 'out', T.struct([field(3, 'nested', T.string, { required: true })]), { required: true })], 0, [3])
    expectInvalid(() => update(out, 3).deleteColumn('out').result(), 'Cannot delete field out as it will delete nested identifier field out.nested')
  })
})

describe('UpdateSchema: union by name', () => {
  const union = (current: Schema, incoming: Schema, last = 0, v: FormatVersion = 3): Schema => update(current, last, v).unionByNameWith(incoming).result()

  it('adds missing columns (any type, nested, with defaults) and keeps the incoming layout', () => {
    const prims = [T.string, T.time, T.timestamp, T.timestamptz, T.uuid, T.date, T.boolean, T.binary, T.double, T.int, T.fixed(10), T.decimal(10, 2), T.long, T.float, T.variant, T.unknown, T.timestampNs, T.timestamptzNs]
    const incoming = schema(prims.map((t, i) => field(i + 1, `c${i}`, t)))
    expect(union(schema([]), incoming).fields).toEqual(incoming.fields)
    const deep = schema([field(1, 's1', T.struct([field(2, 's2', T.struct([field(3, 's3', T.struct([field(4, 'aString', T.string)]))]))]))])
    expect(union(schema([]), deep).fields).toEqual(deep.fields)
    const maps = schema([field(1, 'm', T.map(2, T.string, 3, T.map(4, T.string, 5, T.list(6, T.string))))])
    expect(union(schema([]), maps).fields).toEqual(maps.fields)
    const withDefault = schema([field(1, 'test', T.long, { doc: 'description', initialDefault: 34n, writeDefault: 35n })])
    expect(union(schema([]), withDefault).fields).toEqual(withDefault.fields)
  })

  it('adds nested missing fields before top-level ones (Java post-order ids)', () => {
    const current = schema([field(1, 'map1', T.map(2, T.string, 3, T.list(4, T.struct([field(5, 'string1', T.string)]))))])
    const observed = schema([
      field(1, 'map1', T.map(2, T.string, 3, T.list(4, T.struct([field(5, 'string1', T.string), field(9, 'string2', T.string)])))),
      field(6, 'struct1', T.struct([field(7, 'd1', T.struct([field(8, 'd2', T.string)]))])),
    ])
    const r = union(current, observed, 5)
    expect(r.fields[0]!.type).toEqual(T.map(2, T.string, 3, T.list(4, T.struct([field(5, 'string1', T.string), field(6, 'string2', T.string)]))))
    expect(r.fields[1]).toEqual(field(7, 'struct1', T.struct([field(8, 'd1', T.struct([field(9, 'd2', T.string)]))])))
  })

  it('widens types, relaxes nullability and updates docs; narrower incoming types are ignored', () => {
    expect(union(schema([field(1, 'a', T.int, { required: true })]), schema([field(1, 'a', T.long)]), 1).fields).toEqual([field(1, 'a', T.long)])
    expect(union(schema([field(1, 'a', T.float)]), schema([field(1, 'a', T.double)]), 1).fields).toEqual([field(1, 'a', T.double)])
    expect(union(schema([field(1, 'a', T.double)]), schema([field(1, 'a', T.float)]), 1).fields).toEqual([field(1, 'a', T.double)])
    expect(union(schema([field(1, 'a', T.long)]), schema([field(1, 'a', T.int)]), 1).fields).toEqual([field(1, 'a', T.long)])
    expect(union(schema([field(1, 'a', T.decimal(20, 1))]), schema([field(1, 'a', T.decimal(10, 1))]), 1).fields).toEqual([field(1, 'a', T.decimal(20, 1))])
    expect(union(schema([field(1, 'a', T.decimal(10, 1))]), schema([field(1, 'a', T.decimal(20, 1))]), 1).fields).toEqual([field(1, 'a', T.decimal(20, 1))])
    expect(union(schema([field(1, 'aCol', T.int, { required: true })]), schema([field(1, 'aCol', T.int, { required: true, doc: 'description' })]), 1).fields).toEqual([field(1, 'aCol', T.int, { required: true, doc: 'description' })])
    const mirrored = schema([field(1, 'struct1', T.struct([field(2, 'string1', T.string)])), field(3, 'list1', T.list(4, T.string)), field(5, 'string2', T.string)])
    const a = schema([field(9, 'struct1', T.struct([field(8, 'string1', T.string)])), field(6, 'list1', T.list(7, T.string)), field(5, 'string2', T.string)])
    expect(union(a, mirrored, 9).fields).toEqual(a.fields)
    expect(update(schema([field(1, 'A', T.int)]), 1).caseSensitive(false).unionByNameWith(schema([field(1, 'a', T.long), field(2, 'B', T.int)])).result().fields).toEqual([field(1, 'A', T.long), field(2, 'B', T.int)])
  })

  it('refuses incompatible types, also in list elements and map keys/values', () => {
    expectInvalid(() => union(schema([field(1, 'aList', T.list(2, T.string))]), schema([field(1, 'aList', T.list(2, T.long))]), 2), 'Cannot change column type: aList.element: string -> long')
    expectInvalid(() => union(schema([field(1, 'aMap', T.map(2, T.string, 3, T.string))]), schema([field(1, 'aMap', T.map(2, T.string, 3, T.long))]), 3), 'Cannot change column type: aMap.value: string -> long')
    expectInvalid(() => union(schema([field(1, 'aMap', T.map(2, T.string, 3, T.string))]), schema([field(1, 'aMap', T.map(2, T.uuid, 3, T.string))]), 3), 'Cannot change column type: aMap.key: string -> uuid')
    expectInvalid(() => union(schema([field(1, 'aColumn', T.list(2, T.string))]), schema([field(1, 'aColumn', T.string)]), 2), 'Cannot change column type: aColumn: list<string> -> string')
    expectInvalid(() => union(schema([field(1, 'a', T.string)]), schema([field(1, 'a', T.struct([field(2, 'x', T.int)]))]), 1), 'Cannot change column type: a: string -> struct<')
  })
})
