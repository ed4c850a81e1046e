import {
  Binary,
  DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  DurationMicrosecond,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float16,
  Int16,
  Int32,
  Int8,
  LargeBinary,
  LargeUtf8,
  List,
  Map_,
  Null,
  Schema as ArrowSchema,
  Struct,
  TimeMillisecond,
  TimeNanosecond,
  TimestampMicrosecond,
  TimestampSecond,
  TimeUnit,
  Uint32,
  Uint64,
  Utf8,
  tableFromIPC,
  tableToIPC,
  Table,
} from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import {
  EXTENSION_NAME_KEY,
  FIELD_ID_KEY,
  UUID_EXTENSION,
  arrowFieldId,
  arrowSchemaToIceberg,
  icebergFieldToArrow,
  icebergSchemaToArrow,
  icebergTypeToArrow,
} from '../../../src/arrow/schema.js'
import { isFloeError } from '../../../src/errors.js'
import { indexSchema, schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType } from '../../../src/spec/types.js'
import { ALL_TYPES, walkFields } from './fixtures.js'

const md = (id: number): Map<string, string> => new Map([[FIELD_ID_KEY, String(id)]])
const byPath = (s: ArrowSchema): Map<string, Field> => new Map(walkFields(s.fields).map((e) => [e.path, e.field]))

function expectCode(fn: () => unknown, code: string, field?: string): void {
  try {
    fn()
  } catch (e) {
    expect(isFloeError(e), String(e)).toBe(true)
    expect((e as { code: string }).code).toBe(code)
    if (field !== undefined) expect((e as { context: { field?: string } }).context.field).toBe(field)
    return
  }
  throw new Error('expected an error')
}

describe('icebergSchemaToArrow', () => {
  const arrow = icebergSchemaToArrow(ALL_TYPES)
  const f = byPath(arrow)

  it('maps every primitive type to the agreed Arrow type', () => {
    const type = (p: string): DataType => f.get(p)!.type
    expect(DataType.isBool(type('b'))).toBe(true)
    expect(type('i')).toMatchObject({ bitWidth: 32, isSigned: true })
    expect(type('l')).toMatchObject({ bitWidth: 64, isSigned: true })
    expect(String(type('f'))).toBe('Float32')
    expect(String(type('d'))).toBe('Float64')
    expect(type('dec38')).toMatchObject({ scale: 10, precision: 38, bitWidth: 128 })
    expect(type('date')).toBeInstanceOf(DateDay)
    expect(type('time')).toMatchObject({ unit: TimeUnit.MICROSECOND, bitWidth: 64 })
    expect(type('ts')).toMatchObject({ unit: TimeUnit.MICROSECOND })
    expect((type('ts') as TimestampMicrosecond).timezone ?? null).toBeNull()
    expect(type('tstz')).toMatchObject({ unit: TimeUnit.MICROSECOND, timezone: 'UTC' })
    expect(type('ts_ns')).toMatchObject({ unit: TimeUnit.NANOSECOND })
    expect((type('ts_ns') as TimestampMicrosecond).timezone ?? null).toBeNull()
    expect(type('tstz_ns')).toMatchObject({ unit: TimeUnit.NANOSECOND, timezone: 'UTC' })
    expect(type('s')).toBeInstanceOf(Utf8)
    expect(type('u')).toMatchObject({ byteWidth: 16 })
    expect(f.get('u')!.metadata.get(EXTENSION_NAME_KEY)).toBe(UUID_EXTENSION)
    expect(type('fx')).toMatchObject({ byteWidth: 3 })
    expect(f.get('fx')!.metadata.has(EXTENSION_NAME_KEY)).toBe(false)
    expect(type('bin')).toBeInstanceOf(Binary)
    expect(DataType.isStruct(type('st'))).toBe(true)
    expect(DataType.isList(type('li'))).toBe(true)
    expect(DataType.isMap(type('m'))).toBe(true)
    expect(String(arrow)).toContain('mm: Map<{key:Int32, value:List<FixedSizeBinary[16]>}>')
  })

  it('puts PARQUET:field_id on every field, nested ones included (map entries structs have no Iceberg id)', () => {
    const expected = new Map([...indexSchema(ALL_TYPES).byName].map(([name, e]) => [name, e.field.id]))
    const seen = new Map<string, number>()
    for (const { path, field: af } of walkFields(arrow.fields)) {
      if (af.name === 'entries' && DataType.isStruct(af.type)) {
        expect(af.metadata.has(FIELD_ID_KEY)).toBe(false)
        continue
      }
      seen.set(path.replace(/\.entries\./g, '.'), arrowFieldId(af)!)
    }
    expect(seen).toEqual(expected)
    expect(seen.size).toBe(39)
  })

  it('sets nullability from required (map keys never null, list element requiredness kept)', () => {
    expect(f.get('id')!.nullable).toBe(false)
    expect(f.get('b')!.nullable).toBe(true)
    expect(f.get('st.a')!.nullable).toBe(false)
    expect(f.get('st.inner.y')!.nullable).toBe(false)
    expect(f.get('li.element')!.nullable).toBe(true)
    expect(f.get('lst.element')!.nullable).toBe(false)
    expect(f.get('m.entries')!.nullable).toBe(false)
    expect(f.get('m.entries.key')!.nullable).toBe(false)
    expect(f.get('m.entries.value')!.nullable).toBe(true)
    expect(f.get('mm')!.nullable).toBe(false)
    expect(f.get('id')!.metadata.get('doc')).toBe('row id')
  })

  it('round-trips to the same Iceberg schema, docs included', () => {
    expect(arrowSchemaToIceberg(arrow)).toEqual(ALL_TYPES)
    expect(arrowSchemaToIceberg(arrow, { schemaId: 7 }).schemaId).toBe(7)
  })

  it('keeps field ids at every level through IPC', () => {
    const back = tableFromIPC(tableToIPC(new Table(arrow))).schema
    expect(walkFields(back.fields).map((e) => [e.path, e.field.metadata.get(FIELD_ID_KEY)])).toEqual(
      walkFields(arrow.fields).map((e) => [e.path, e.field.metadata.get(FIELD_ID_KEY)]),
    )
    expect(arrowSchemaToIceberg(back)).toEqual(ALL_TYPES)
  })

  it('maps unknown to Null and rejects types without an Arrow mapping, naming the column', () => {
    expect(icebergTypeToArrow(T.unknown)).toBeInstanceOf(Null)
    const nested = schema([field(1, 's', T.struct([field(2, 'g', { kind: 'geometry', crs: 'OGC:CRS84' })]))])
    expectCode(() => icebergSchemaToArrow(nested), 'UNSUPPORTED', 's.g')
    expectCode(() => icebergFieldToArrow(field(1, 'l', T.list(2, { kind: 'geography', crs: 'OGC:CRS84', algorithm: 'spherical' }))), 'UNSUPPORTED', 'l.element')
  })

  it('maps variant to the arrow.parquet.variant storage struct and back, anywhere in the schema', () => {
    const s = schema([field(1, 'v', T.variant, { required: true }), field(2, 'l', T.list(3, T.variant)), field(4, 's', T.struct([field(5, 'w', T.variant)]))])
    const arrow = icebergSchemaToArrow(s)
    const v = arrow.fields[0]!
    expect([String(v.type), v.nullable, v.metadata.get(EXTENSION_NAME_KEY), v.metadata.get(FIELD_ID_KEY)]).toEqual(['Struct<{metadata:Binary, value:Binary}>', false, 'arrow.parquet.variant', '1'])
    expect((v.type as Struct).children.map((c) => [c.name, c.nullable, c.metadata.size])).toEqual([
      ['metadata', false, 0],
      ['value', true, 0],
    ])
    expect((arrow.fields[1]!.type as List).children[0]!.metadata.get(EXTENSION_NAME_KEY)).toBe('arrow.parquet.variant')
    expect(arrowSchemaToIceberg(arrow)).toEqual(s)
    // a tagged field whose storage is not that struct is refused, naming it
    const bad = new ArrowSchema([new Field('x', new Struct([new Field('metadata', new Binary(), false), new Field('typed_value', new Int32(), true)]), true, new Map([[EXTENSION_NAME_KEY, 'arrow.parquet.variant']]))])
    expectCode(() => arrowSchemaToIceberg(bad), 'UNSUPPORTED', 'x')
  })
})

describe('arrowSchemaToIceberg', () => {
  const nested = (withIds: boolean): ArrowSchema => {
    const m = (id: number): Map<string, string> | null => (withIds ? md(id) : null)
    const entries = new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false, m(7)), new Field('value', new Int32(), true, m(8))]), false)
    return new ArrowSchema([
      new Field('a', new Int32(), false, m(1)),
      new Field('b', new Struct([new Field('c', new Int32(), true, m(4)), new Field('d', new List(new Field('element', new Int32(), true, m(6))), true, m(5))]), true, m(2)),
      new Field('e', new Map_(entries), true, m(3)),
    ])
  }

  it('assigns fresh ids by position like Iceberg assignFreshIds: struct fields first, then children', () => {
    expect(arrowSchemaToIceberg(nested(false))).toEqual(arrowSchemaToIceberg(nested(true)))
    const s = arrowSchemaToIceberg(nested(false))
    expect(s.fields.map((x) => x.id)).toEqual([1, 2, 3])
    expect(s.fields[2]!.type).toEqual(T.map(7, T.string, 8, T.int, false))
  })

  it('gives fields without an id fresh ids above the highest id present', () => {
    const s = arrowSchemaToIceberg(
      new ArrowSchema([new Field('x', new Int32(), true), new Field('y', new Int32(), true, md(10)), new Field('z', new List(new Field('element', new Utf8(), true)), true)]),
    )
    expect(s.fields.map((x) => x.id)).toEqual([11, 10, 12])
    expect(s.fields[2]!.type).toEqual(T.list(13, T.string, false))
  })

  it('rejects duplicate and malformed ids with INVALID_ARGUMENT naming the column', () => {
    expectCode(() => arrowSchemaToIceberg(new ArrowSchema([new Field('x', new Int32(), true, md(1)), new Field('y', new Struct([new Field('z', new Int32(), true, md(1))]), true, md(2))])), 'INVALID_ARGUMENT', 'y.z')
    expectCode(() => arrowSchemaToIceberg(new ArrowSchema([new Field('x', new Int32(), true, new Map([[FIELD_ID_KEY, 'one']]))])), 'INVALID_ARGUMENT', 'x')
  })

  it('maps other Arrow types to the exact Iceberg type', () => {
    const cases: [DataType, IcebergType, Map<string, string>?][] = [
      [new Int8(), T.int],
      [new Int16(), T.int],
      [new Uint32(), T.long],
      [new LargeUtf8(), T.string],
      [new LargeBinary(), T.binary],
      [new DateMillisecond(), T.date],
      [new TimeMillisecond(), T.time],
      [new TimestampSecond('Europe/Paris'), T.timestamptz],
      [new TimestampMicrosecond(''), T.timestamp],
      [new Dictionary(new Utf8(), new Int32()), T.string],
      [new FixedSizeBinary(16), T.fixed(16)],
      [new FixedSizeBinary(16), T.uuid, new Map([[EXTENSION_NAME_KEY, UUID_EXTENSION]])],
      [new Null(), T.unknown],
      [new Decimal(-2, 5, 128), T.decimal(5, -2)],
      [new FixedSizeList(2, new Field('element', new Int32(), false)), T.list(2, T.int, true)],
    ]
    for (const [t, want, meta] of cases) {
      const s = arrowSchemaToIceberg(new ArrowSchema([new Field('c', t, true, meta ?? md(1))]))
      expect(s.fields[0]!.type, String(t)).toEqual(want)
    }
  })

  it('maps Float16 to float, which holds each of its values exactly', () => {
    expect(arrowSchemaToIceberg(new ArrowSchema([new Field('h', new Float16(), true, md(1))])).fields[0]!.type).toEqual({ kind: 'float' })
  })

  it('rejects Arrow types without an exact Iceberg type with UNSUPPORTED naming the column', () => {
    for (const t of [new Uint64(), new TimeNanosecond(), new DurationMicrosecond(), new Decimal(0, 60, 256)]) {
      const s = new ArrowSchema([new Field('outer', new Struct([new Field('c', t)]))])
      expectCode(() => arrowSchemaToIceberg(s), 'UNSUPPORTED', 'outer.c')
    }
  })
})
