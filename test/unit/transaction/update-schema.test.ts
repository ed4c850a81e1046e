// UpdateSchema builder semantics, ported from Java TestSchemaUpdate: the resulting schema of valid edits
// (ids, names, types, nullability, docs, defaults, order, identifier fields) and the error of every invalid one.
import { describe, expect, it } from 'vitest'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { T, field, type IcebergType, type NestedField, type PrimitiveType } from '../../../src/spec/types.js'
import { UpdateSchema } from '../../../src/transaction/update-schema.js'
import { lookupFields } from '../../../src/transaction/schema-changes.js'
import { JAVA_SCHEMA, expectInvalid, metadataOf } from './evolution-fixtures.js'

const update = (s: Schema = JAVA_SCHEMA, lastColumnId = 23, formatVersion: FormatVersion = 2): UpdateSchema =>
  new UpdateSchema(metadataOf(s, { lastColumnId, formatVersion }))
const ids = (s: { fields: readonly NestedField[] }): number[] => [...lookupFields(s.fields).byId.keys()].sort((a, b) => a - b)

describe('UpdateSchema: deletes, renames and type updates', () => {
  it('no changes gives the same fields', () => {
    expect(update().result().fields).toEqual(JAVA_SCHEMA.fields)
  })

  it('deletes any column with everything nested in it (case-insensitively too)', () => {
    for (const name of ['id', 'data', 'preferences', 'preferences.feature1', 'preferences.feature2', 'locations', 'locations.lat', 'locations.long', 'points', 'points.x', 'points.y', 'doubles', 'properties']) {
      const l = lookupFields(JAVA_SCHEMA.fields)
      const victim = l.byId.get(l.byName.get(name)!)!
      const gone = new Set([victim.id, ...[...l.byId.keys()].filter((id) => { for (let p = l.parents.get(id); p !== undefined; p = l.parents.get(p)) if (p === victim.id) return true; return false })])
      const expected = ids(JAVA_SCHEMA).filter((id) => !gone.has(id))
      expect(ids(update().deleteColumn(name).result())).toEqual(expected)
      expect(ids(update().caseSensitive(false).deleteColumn(name.toUpperCase()).result())).toEqual(expected)
    }
  })

  it('promotes int→long, float→double and widens decimals, keeping doc and nullability', () => {
    const s = update().updateColumn('id', T.long).updateColumn('locations.lat', T.double).updateColumn('locations.long', T.double).result()
    const l = lookupFields(s.fields)
    expect(l.byId.get(1)).toEqual(field(1, 'id', T.long, { required: true }))
    expect(l.byId.get(12)).toEqual(field(12, 'lat', T.double, { required: true }))
    expect(l.byId.get(13)!.type).toEqual(T.double)
    const d = update(schema([field(1, 'd', T.decimal(9, 2), { doc: 'amount' })]), 1).updateColumn('d', T.decimal(18, 2)).result()
    expect(d.fields).toEqual([field(1, 'd', T.decimal(18, 2), { doc: 'amount' })])
    const ci = update().caseSensitive(false).updateColumn('ID', T.long).updateColumn('Locations.Lat', T.double).result()
    expect(lookupFields(ci.fields).byId.get(12)!.type).toEqual(T.double)
  })

  it('refuses every other primitive change (Java testUpdateFailure), v3 adds date→timestamp and unknown→any', () => {
    const prims: PrimitiveType[] = [T.boolean, T.int, T.long, T.float, T.double, T.date, T.time, T.timestamptz, T.timestamp, T.string, T.uuid, T.binary, T.fixed(3), T.fixed(4), T.decimal(9, 2), T.decimal(9, 3), T.decimal(18, 2), { kind: 'geometry', crs: 'OGC:CRS84' }]
    const str = (t: PrimitiveType): string => JSON.stringify(t)
    const allowed2 = new Set([[T.int, T.long], [T.float, T.double], [T.decimal(9, 2), T.decimal(18, 2)]].map(([a, b]) => str(a!) + str(b!)))
    const allowed3 = new Set([...allowed2, str(T.date) + str(T.timestamp)])
    for (const [v, allowed] of [[2, allowed2], [3, allowed3]] as const) {
      for (const from of prims) {
        for (const to of prims) {
          const u = update(schema([field(1, 'col', from, { required: true })]), 1, v)
          if (str(from) === str(to) || allowed.has(str(from) + str(to))) {
            expect(u.updateColumn('col', to).result().fields).toEqual([field(1, 'col', to, { required: true })])
          } else {
            expectInvalid(() => u.updateColumn('col', to), `Cannot change column type: col: `)
          }
        }
      }
    }
    const unk = update(schema([field(1, 'u', T.unknown)]), 1, 3).updateColumn('u', T.string).result()
    expect(unk.fields).toEqual([field(1, 'u', T.string)])
    expect(update(schema([field(1, 'd', T.date)]), 1, 3).updateColumn('d', T.timestampNs).result().fields[0]!.type).toEqual(T.timestampNs)
    expectInvalid(() => update(schema([field(1, 'd', T.date)]), 1, 3).updateColumn('d', T.timestamptz), 'date -> timestamptz')
    expectInvalid(() => update(schema([field(1, 'u', T.unknown)]), 1, 2).updateColumn('u', T.string), 'unknown -> string')
    expectInvalid(() => update().updateColumn('preferences', T.long), 'Cannot change column type: preferences: struct<')
  })

  it('renames keep ids; nested, dotted and case-insensitive names work', () => {
    const s = update().renameColumn('data', 'json').renameColumn('preferences', 'options').renameColumn('preferences.feature2', 'newfeature').renameColumn('locations.lat', 'latitude').renameColumn('points.x', 'X').renameColumn('points.y', 'y.y').result()
    const l = lookupFields(s.fields)
    expect(['json', 'options', 'options.newfeature', 'locations.value.latitude', 'points.element.X', 'points.element.y.y'].map((n) => l.byName.get(n))).toEqual([2, 3, 9, 12, 15, 16])
    const ci = update().caseSensitive(false).renameColumn('Data', 'json').renameColumn('PREFERENCES.Feature2', 'newfeature').result()
    expect(lookupFields(ci.fields).byName.get('preferences.newfeature')).toBe(9)
    expectInvalid(() => update().renameColumn('points.element', 'item'), 'Cannot rename a list element or map key/value')
  })

  it('Java testMixedChanges', () => {
    const s = update()
      .addColumn('toplevel', T.decimal(9, 2))
      .addColumn('locations', 'alt', T.float)
      .addColumn('points', 'z', T.long)
      .addColumn('points', 't.t', T.long, { doc: "name with '.'" })
      .renameColumn('data', 'json')
      .renameColumn('preferences', 'options')
      .renameColumn('preferences.feature2', 'newfeature')
      .renameColumn('locations.lat', 'latitude')
      .renameColumn('points.x', 'X')
      .renameColumn('points.y', 'y.y')
      .updateColumn('id', T.long, 'unique id')
      .updateColumn('locations.lat', T.double)
      .updateColumnDoc('locations.lat', 'latitude')
      .deleteColumn('locations.long')
      .deleteColumn('properties')
      .makeColumnOptional('points.x')
      .allowIncompatibleChanges()
      .requireColumn('data')
      .addColumn('locations', 'description', T.string, { required: true, doc: 'Location description' })
      .result()
    expect(s.fields).toEqual([
      field(1, 'id', T.long, { required: true, doc: 'unique id' }),
      field(2, 'json', T.string, { required: true }),
      field(3, 'options', T.struct([field(8, 'feature1', T.boolean, { required: true }), field(9, 'newfeature', T.boolean)]), { doc: 'struct of named boolean options' }),
      field(4, 'locations', T.map(10, (JAVA_SCHEMA.fields[3]!.type as { key: IcebergType }).key, 11, T.struct([field(12, 'latitude', T.double, { required: true, doc: 'latitude' }), field(25, 'alt', T.float), field(28, 'description', T.string, { required: true, doc: 'Location description' })]), true), { required: true, doc: 'map of address to coordinate' }),
      field(5, 'points', T.list(14, T.struct([field(15, 'X', T.long), field(16, 'y.y', T.long, { required: true }), field(26, 'z', T.long), field(27, 't.t', T.long, { doc: "name with '.'" })])), { doc: '2-D cartesian points' }),
      field(6, 'doubles', T.list(17, T.double, true), { required: true }),
      field(24, 'toplevel', T.decimal(9, 2)),
    ])
    expect(update().addColumn('a', T.int).newLastColumnId).toBe(24)
  })

  it('refuses conflicting and missing-column edits', () => {
    expectInvalid(() => update().deleteColumn('col'), 'Cannot delete missing column: col')
    expectInvalid(() => update().addColumn('col', T.int).deleteColumn('col'), 'Cannot delete missing column: col')
    expectInvalid(() => update().addColumn('preferences', 'feature3', T.int).deleteColumn('preferences'), 'Cannot delete a column that has additions: preferences')
    expectInvalid(() => update().addColumn('points', 'z', T.int).deleteColumn('points'), 'Cannot delete a column that has additions: points')
    expectInvalid(() => update().renameColumn('col', 'fail'), 'Cannot rename missing column: col')
    expectInvalid(() => update().renameColumn('id', 'col').deleteColumn('id'), 'Cannot delete a column that has updates: id')
    expectInvalid(() => update().renameColumn('id', 'col').deleteColumn('col'), 'Cannot delete missing column: col')
    expectInvalid(() => update().deleteColumn('id').renameColumn('id', 'identifier'), 'Cannot rename a column that will be deleted: id')
    expectInvalid(() => update().updateColumn('col', T.date), 'Cannot update missing column: col')
    expectInvalid(() => update().updateColumnDoc('col', 'description'), 'Cannot update missing column: col')
    expectInvalid(() => update().updateColumn('id', T.long).deleteColumn('id'), 'Cannot delete a column that has updates: id')
    expectInvalid(() => update().deleteColumn('id').updateColumn('id', T.long), 'Cannot update a column that will be deleted: id')
    expectInvalid(() => update(schema([field(1, 'i', T.int, { required: true })]), 3).deleteColumn('i').updateColumnDoc('i', 'a value'), 'Cannot update a column that will be deleted: i')
    expectInvalid(() => update().deleteColumn('locations.key').result(), 'Cannot delete map keys')
    expectInvalid(() => update().deleteColumn('locations.value').result(), 'Cannot delete value type from map')
    expectInvalid(() => update().deleteColumn('doubles.element').result(), 'Cannot delete element type from list')
    expectInvalid(() => update().addColumn('locations.key', 'address_line_2', T.string).result(), 'Cannot add fields to map keys')
    expectInvalid(() => update().updateColumn('locations.key.zip', T.long).result(), 'Cannot alter map keys')
    expectInvalid(() => update(schema([field(1, 'm', T.map(2, T.int, 3, T.double), { required: true })]), 3).updateColumn('m.key', T.long).result(), 'Cannot update map keys: map<int, double>')
    expectInvalid(() => update().renameColumn('data', 'id').result(), 'multiple fields for name id')
  })

  it('updates added columns (type and doc) and deletes-then-re-adds with a fresh id', () => {
    const base = schema([field(1, 'i', T.int, { required: true })])
    expect(update(base, 1).addColumn('value', T.int).updateColumn('value', T.long).result().fields).toEqual([base.fields[0], field(2, 'value', T.long)])
    expect(update(base, 1).addColumn('value', T.long).updateColumnDoc('value', 'a value').result().fields).toEqual([base.fields[0], field(2, 'value', T.long, { doc: 'a value' })])
    expect(update(base, 1).deleteColumn('i').addColumn('i', T.int).result().fields).toEqual([field(2, 'i', T.int)])
    const nested = update().deleteColumn('preferences.feature1').addColumn('preferences', 'feature1', T.boolean).result()
    expect(nested.fields[2]!.type).toEqual(T.struct([field(9, 'feature2', T.boolean), field(24, 'feature1', T.boolean)]))
  })
})

describe('UpdateSchema: additions', () => {
  it('adds top-level, map-value, list-element and dotted-name columns with ids from last-column-id (Java testAddFields)', () => {
    const s = update().addColumn('toplevel', T.decimal(9, 2)).addColumn('locations', 'alt', T.float).addColumn('points', 'z', T.long).addColumn('points', 't.t', T.long).result()
    const l = lookupFields(s.fields)
    expect(['toplevel', 'locations.value.alt', 'points.element.z', 'points.element.t.t'].map((n) => l.byName.get(n))).toEqual([24, 25, 26, 27])
    expect(s.fields.at(-1)).toEqual(field(24, 'toplevel', T.decimal(9, 2)))
    expectInvalid(() => update().addColumn('preferences.booleans', T.boolean), 'Cannot add column with ambiguous name: preferences.booleans')
    expectInvalid(() => update().addColumn('preferences', 'feature1', T.boolean), 'Cannot add column, name already exists: preferences.feature1')
    expectInvalid(() => update().addColumn('preferences', T.boolean), 'Cannot add column, name already exists: preferences')
    expectInvalid(() => update().addColumn('nope', 'x', T.int), 'Cannot find parent struct: nope')
    expectInvalid(() => update().addColumn('data', 'x', T.int), 'Cannot add to non-struct column: data: string')
    expectInvalid(() => update().addColumn('doubles', 'x', T.int), 'Cannot add to non-struct column: doubles: double')
    expectInvalid(() => update().deleteColumn('preferences').addColumn('preferences', 'x', T.int), 'Cannot add to a column that will be deleted: preferences')
    expectInvalid(() => update().addColumn('x', T.int).addColumn('x', T.long), 'Cannot add column, name already exists: x')
    expectInvalid(() => update().caseSensitive(false).addColumn('DATA', T.int), 'Cannot add column, name already exists: DATA')
    expectInvalid(() => update().caseSensitive(false).allowIncompatibleChanges().addColumn('x', T.int).addColumn('X', T.int), 'name already exists: X')
    expect(lookupFields(update().addColumn('DATA', T.int).result().fields).byName.get('DATA')).toBe(24)
  })

  it('gives a whole nested type fresh ids in Java order (struct, map of structs, list of structs)', () => {
    const base = schema([field(1, 'id', T.int, { required: true })])
    const struct = T.struct([field(1, 'lat', T.int, { required: true }), field(2, 'long', T.int)])
    expect(update(base, 1).addColumn('location', struct).result().fields[1]).toEqual(field(2, 'location', T.struct([field(3, 'lat', T.int, { required: true }), field(4, 'long', T.int)])))
    const key = T.struct([field(20, 'address', T.string, { required: true }), field(21, 'city', T.string, { required: true }), field(22, 'state', T.string, { required: true }), field(23, 'zip', T.int, { required: true })])
    const map = T.map(1, key, 2, T.struct([field(9, 'lat', T.int, { required: true }), field(8, 'long', T.int)]))
    expect(update(base, 1).addColumn('locations', map).result().fields[1]).toEqual(
      field(2, 'locations', T.map(3, T.struct([field(5, 'address', T.string, { required: true }), field(6, 'city', T.string, { required: true }), field(7, 'state', T.string, { required: true }), field(8, 'zip', T.int, { required: true })]), 4, T.struct([field(9, 'lat', T.int, { required: true }), field(10, 'long', T.int)]))),
    )
    const list = T.list(1, T.struct([field(9, 'lat', T.int, { required: true }), field(8, 'long', T.int)]))
    expect(update(base, 1).addColumn('locations', list).result().fields[1]).toEqual(field(2, 'locations', T.list(3, T.struct([field(4, 'lat', T.int, { required: true }), field(5, 'long', T.int)]))))
  })

  it('required columns need a default (v3) unless incompatible changes are allowed', () => {
    const base = schema([field(1, 'id', T.int, { required: true })])
    expectInvalid(() => update(base, 1).addColumn('data', T.string, { required: true }), 'Incompatible change: cannot add required column without a default value: data')
    expect(update(base, 1).allowIncompatibleChanges().addColumn('data', T.string, { required: true }).result().fields[1]).toEqual(field(2, 'data', T.string, { required: true }))
    const v3 = update(base, 1, 3).addColumn('data', T.string, { required: true, doc: 'description', initialDefault: 'unknown' }).result()
    expect(v3.fields[1]).toEqual(field(2, 'data', T.string, { required: true, doc: 'description', initialDefault: 'unknown', writeDefault: 'unknown' }))
    expectInvalid(() => update(base, 1, 3).addColumn('data', T.string, { required: true, writeDefault: 'w' }), 'cannot add required column without a default value')
    expectInvalid(() => update(base, 1, 2).addColumn('data', T.string, { initialDefault: 'x' }), 'Invalid initial default for data: non-null default (string "x") is not supported until v3')
    expectInvalid(() => update(base, 1, 2).addColumn('ts', T.timestampNs).result(), 'Invalid type for ts: timestamp_ns is not supported until v3')
    expectInvalid(() => update(base, 1, 3).addColumn('n', T.int, { initialDefault: 'nope' }), 'Invalid initial default for n')
    expectInvalid(() => update(base, 1, 3).addColumn('n', T.long, { initialDefault: 5 }), 'Invalid initial default for n')
    expect(update(base, 1, 3).addColumn('n', T.long, { initialDefault: 5n, writeDefault: 7n }).result().fields[1]).toEqual(field(2, 'n', T.long, { initialDefault: 5n, writeDefault: 7n }))
    expect(update(base, 1, 3).addColumn('s', T.struct([field(0, 'a', T.int)]), { initialDefault: {} }).result().fields[1]!.initialDefault).toEqual({})
    expectInvalid(() => update(base, 1, 3).addColumn('s', T.struct([field(0, 'a', T.int)]), { initialDefault: { 3: 1 } }), 'struct default must be null or an empty struct')
  })

  it('write defaults (v3): updateColumnDefault sets only the write default; unknown columns stay optional with null defaults', () => {
    const base = schema([field(1, 'id', T.int)])
    expect(update(base, 1, 3).addColumn('data', T.string).updateColumnDefault('data', 'unknown').result().fields[1]).toEqual(field(2, 'data', T.string, { writeDefault: 'unknown' }))
    expectInvalid(() => update(base, 1, 3).addColumn('data', T.string).updateColumnDefault('data', 'unknown').requireColumn('data'), 'Cannot change column nullability: data: optional -> required')
    expect(update(base, 1, 3).addColumn('data', T.string, { initialDefault: 'unknown' }).requireColumn('data').result().fields[1]).toEqual(field(2, 'data', T.string, { required: true, initialDefault: 'unknown', writeDefault: 'unknown' }))
    // write defaults need no v3 (Java Schema.checkCompatibility only checks initial defaults)
    expect(update(base, 1, 2).updateColumnDefault('id', 3).result().fields[0]).toEqual(field(1, 'id', T.int, { writeDefault: 3 }))
    expectInvalid(() => update(base, 1, 3).updateColumnDefault('col', 3), 'Cannot update missing column: col')
    expect(update(base, 1, 3).addColumn('unk', T.unknown).result().fields[1]).toEqual(field(2, 'unk', T.unknown))
    expectInvalid(() => update(base, 1, 3).allowIncompatibleChanges().addColumn('unk', T.unknown, { initialDefault: 'string!' }), 'Cannot cast default value to unknown')
    expectInvalid(() => update(base, 1, 3).allowIncompatibleChanges().addColumn('unk', T.unknown, { required: true }), 'Cannot create required field with unknown type: unk')
    const promoted = update(schema([field(1, 'n', T.int, { initialDefault: 4, writeDefault: 5 })]), 1, 3).updateColumn('n', T.long).result()
    expect(promoted.fields[0]).toEqual(field(1, 'n', T.long, { initialDefault: 4n, writeDefault: 5n }))
    // defaults some writers put into v2 tables do not block unrelated evolution of those columns
    const pyiceberg = schema([field(1, 'n', T.int, { initialDefault: 4 })])
    expect(update(pyiceberg, 1, 2).renameColumn('n', 'm').result().fields).toEqual([field(1, 'm', T.int, { initialDefault: 4 })])
  })

  it('nullability: optional is always allowed, required only when provably safe or forced', () => {
    const opt = schema([field(1, 'id', T.int)])
    const req = schema([field(1, 'id', T.int, { required: true })])
    expect(update(req, 1).makeColumnOptional('id').result().fields).toEqual(opt.fields)
    expectInvalid(() => update(opt, 1).requireColumn('id'), 'Cannot change column nullability: id: optional -> required')
    expect(update(req, 1).requireColumn('id').result().fields).toEqual(req.fields)
    expect(update(opt, 1).allowIncompatibleChanges().requireColumn('id').result().fields).toEqual(req.fields)
    expect(update(opt, 1).caseSensitive(false).allowIncompatibleChanges().requireColumn('ID').result().fields).toEqual(req.fields)
    const el = update().makeColumnOptional('doubles.element').result()
    expect(el.fields[5]!.type).toEqual(T.list(17, T.double, false))
    expect(update().allowIncompatibleChanges().requireColumn('properties.value').result().fields[6]!.type).toEqual(T.map(18, T.string, 19, T.string, true))
    expectInvalid(() => update().makeColumnOptional('locations.key').result(), 'Cannot update map keys')
  })
})
