// Iceberg ↔ Avro schema conversion: Java conventions, name sanitising, manifest schemas equal Java's bytes.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../../src/errors.js'
import { parseAvroSchema } from '../../../../src/spec/avro/avro-node.js'
import { avroToIceberg, indexAvroFieldIds, isValidAvroName, sanitizeAvroName, structToAvro, typeToAvro } from '../../../../src/spec/avro/avro-schema.js'
import { manifestEntryAvroSchema, manifestEntrySchema, manifestListAvroSchema, manifestListSchema } from '../../../../src/spec/avro/manifest-schemas.js'
import { readOcfHeader } from '../../../../src/spec/avro/ocf.js'
import { stringifyJson } from '../../../../src/spec/json/lossless.js'
import { schemaToJson } from '../../../../src/spec/json/schema-json.js'
import { T, field, type StructType } from '../../../../src/spec/types.js'
import { corpusPath } from '../../../support/corpus.js'

describe('name sanitising (Java AvroSchemaUtil rules, ASCII grammar)', () => {
  it.each([
    ['valid_name', 'valid_name'],
    ['Breed Name', 'Breed_x20Name'],
    ['1st', '_1st'],
    ['a.b', 'a_x2Eb'],
    ['a-b', 'a_x2Db'],
    ['__happy__', '__happy__'],
    ['émile', '_xE9mile'], // Java keeps Unicode letters; floe keeps to the Avro spec's ASCII grammar
    ['aé', 'a_xE9'],
    ['$x', '_x24x'],
    ['a😀', 'a_xD83D_xDE00'],
  ])('%s → %s', (name, expected) => {
    expect(sanitizeAvroName(name)).toBe(expected)
    expect(isValidAvroName(name)).toBe(name === expected)
  })

  it('keeps the original name in iceberg-field-name before field-id', () => {
    const avro = structToAvro(T.struct([field(1, 'Breed Name', T.string)]), 'table')
    expect(stringifyJson(avro)).toBe('{"type":"record","name":"table","fields":[{"name":"Breed_x20Name","type":["null","string"],"default":null,"iceberg-field-name":"Breed Name","field-id":1}]}')
  })
})

describe('Avro field names that collide after sanitising (Java: Schema.createRecord throws "Duplicate field")', () => {
  const refusal = (fn: () => unknown): FloeError => {
    try {
      fn()
    } catch (e) {
      expect(e).toBeInstanceOf(FloeError)
      return e as FloeError
    }
    throw new Error('expected an error')
  }

  it.each([
    ['a-b', 'a_x2Db', 'a_x2Db'],
    ['1x', '_1x', '_1x'],
    ['_1x', '1x', '_1x'],
    ['a b', 'a_x20b', 'a_x20b'],
  ])('%s and %s both become %s: UNSUPPORTED naming both columns and the Avro name', (a, b, avroName) => {
    const e = refusal(() => structToAvro(T.struct([field(1, 'id', T.long), field(2, a, T.int), field(3, b, T.string)]), 'table'))
    expect(e.code).toBe('UNSUPPORTED')
    expect(e.message).toContain(`columns ${a} and ${b} both become Avro field name ${avroName}`)
    expect(e.context).toMatchObject({ field: b, avroName })
  })

  it('names nested columns by their path (struct fields, list elements, map values, partition tuples); distinct names pass', () => {
    const dup = T.struct([field(10, 'a-b', T.int), field(11, 'a_x2Db', T.int)])
    expect(refusal(() => structToAvro(T.struct([field(1, 's', dup)]), 'table')).message).toContain('columns s.a-b and s.a_x2Db both become')
    expect(refusal(() => structToAvro(T.struct([field(1, 'l', T.list(2, dup))]), 'table')).message).toContain('columns l.element.a-b and l.element.a_x2Db')
    expect(refusal(() => structToAvro(T.struct([field(1, 'm', T.map(2, T.int, 3, dup))]), 'table')).message).toContain('columns m.value.a-b and m.value.a_x2Db')
    expect(refusal(() => typeToAvro(dup, 1)).message).toContain('columns a-b and a_x2Db')
    // manifests convert the partition struct the same way (Java's manifest writer fails alike)
    const partition = T.struct([field(1000, 'a-b', T.int), field(1001, 'a_x2Db', T.int)])
    const e = refusal(() => manifestEntryAvroSchema(2, partition))
    expect(e.code).toBe('UNSUPPORTED')
    expect(e.message).toContain('columns data_file.partition.a-b and data_file.partition.a_x2Db both become Avro field name a_x2Db')
    // names that stay distinct, and one name in different records, are fine
    const s = T.struct([field(1, 'a-b', T.int), field(2, 'a_b', T.int), field(3, 'x', T.struct([field(4, 'a-b', T.int)])), field(5, 'A_x2Db', T.int)])
    const avro = structToAvro(s, 'table') as unknown as { fields: { name: string }[] }
    expect(avro.fields.map((f) => f.name)).toEqual(['a_x2Db', 'a_b', 'x', 'A_x2Db'])
    expect(avroToIceberg(parseAvroSchema(structToAvro(s, 'table')))).toEqual(s)
  })
})

describe('Iceberg → Avro', () => {
  it('maps every primitive as Java does', () => {
    const cases: [Parameters<typeof typeToAvro>[0], unknown][] = [
      [T.boolean, 'boolean'],
      [T.int, 'int'],
      [T.long, 'long'],
      [T.float, 'float'],
      [T.double, 'double'],
      [T.string, 'string'],
      [T.binary, 'bytes'],
      [T.unknown, 'null'],
      [T.date, { type: 'int', logicalType: 'date' }],
      [T.time, { type: 'long', logicalType: 'time-micros' }],
      [T.timestamp, { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false }],
      [T.timestamptz, { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true }],
      [T.timestampNs, { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': false }],
      [T.timestamptzNs, { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': true }],
      [T.uuid, { type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' }],
      [T.fixed(11), { type: 'fixed', name: 'fixed_11', size: 11 }],
      [T.decimal(9, 2), { type: 'fixed', name: 'decimal_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 }],
      [T.decimal(38, 10), { type: 'fixed', name: 'decimal_38_10', size: 16, logicalType: 'decimal', precision: 38, scale: 10 }],
    ]
    for (const [t, avro] of cases) expect(typeToAvro(t)).toEqual(avro)
  })

  it('names records r<id>, lists carry element-id, maps by key type', () => {
    const s = T.struct([
      field(1, 'pt', T.struct([field(2, 'x', T.double, { required: true })]), { required: true }),
      field(3, 'tags', T.list(4, T.string, false)),
      field(5, 'props', T.map(6, T.string, 7, T.long, true), { required: true }),
      field(8, 'counts', T.map(9, T.int, 10, T.long, false), { required: true }),
    ])
    expect(structToAvro(s, 'table')).toEqual({
      type: 'record',
      name: 'table',
      fields: [
        { name: 'pt', type: { type: 'record', name: 'r1', fields: [{ name: 'x', type: 'double', 'field-id': 2 }] }, 'field-id': 1 },
        { name: 'tags', type: ['null', { type: 'array', items: ['null', 'string'], 'element-id': 4 }], default: null, 'field-id': 3 },
        { name: 'props', type: { type: 'map', values: 'long', 'key-id': 6, 'value-id': 7 }, 'field-id': 5 },
        {
          name: 'counts',
          type: {
            type: 'array',
            items: { type: 'record', name: 'k9_v10', fields: [{ name: 'key', type: 'int', 'field-id': 9 }, { name: 'value', type: ['null', 'long'], default: null, 'field-id': 10 }] },
            logicalType: 'map',
          },
          'field-id': 8,
        },
      ],
    })
  })

  it('references repeated named fixed types by name (valid Avro, as Java writes it)', () => {
    const s = T.struct([field(1, 'a', T.uuid), field(2, 'b', T.uuid), field(3, 'c', T.decimal(9, 2)), field(4, 'd', T.decimal(9, 2))])
    const json = structToAvro(s, 'p')
    const avro = json as unknown as { fields: { type: unknown }[] }
    expect(avro.fields[1]!.type).toEqual(['null', 'uuid_fixed'])
    expect(avro.fields[3]!.type).toEqual(['null', 'decimal_9_2'])
    expect(avroToIceberg(parseAvroSchema(json))).toEqual(s)
  })

  it('round-trips a nested struct through Avro and back', () => {
    const s: StructType = T.struct([
      field(1, 'id', T.long, { required: true, doc: 'the id' }),
      field(2, 'Odd Name', T.timestamptz),
      field(3, 'l', T.list(4, T.struct([field(5, 'x', T.fixed(3), { required: true })]), true)),
      field(6, 'm', T.map(7, T.uuid, 8, T.list(9, T.date, false), false)),
      field(10, 's', T.map(11, T.string, 12, T.decimal(20, 4), true)),
      field(13, 'ns', T.timestampNs, { required: true }),
    ])
    expect(avroToIceberg(parseAvroSchema(structToAvro(s, 'table')))).toEqual(s)
  })

  it('indexes a writer schema by field id', () => {
    const idx = indexAvroFieldIds(parseAvroSchema(manifestEntryAvroSchema(2, T.struct([field(1000, 'p', T.int)]))))
    expect(idx.get(0)!.path).toBe('status')
    expect(idx.get(100)!.path).toBe('data_file.file_path')
    expect(idx.get(1000)!.path).toBe('data_file.partition.p')
    expect(idx.get(118)!.path).toBe('data_file.column_sizes.element.value')
  })
})

describe('manifest schemas are byte-identical to Java-written files', () => {
  const header = (p: string): ReturnType<typeof readOcfHeader> => readOcfHeader(readFileSync(corpusPath(p)))
  const unpartitioned = T.struct([])
  const cases = [
    ['v1 manifest (Iceberg 1.10, identity partition)', 'duckdb-iceberg/data/persistent/iceberg_v1_deprecated/default/legacy_v1/metadata/d65f86b0-b799-467f-b1f4-9c697e4c4fc7-m0.avro', 1, T.struct([field(1000, 'category', T.string)])],
    ['v2 manifest (Iceberg 1.8.1)', 'icebird/test/files/hyperparam-iceberg/java/bunnies/metadata/583a45a0-7389-4d71-9305-ac3a8725c38b-m0.avro', 2, unpartitioned],
    ['v3 manifest (Iceberg 1.10.1)', 'impala/testdata/data/iceberg_test/iceberg_v3/iceberg_v3_row_lineage/metadata/7411e291-ddc0-4c54-9e25-75ef7878df0d-m0.avro', 3, unpartitioned],
  ] as const
  for (const [name, path, v, p] of cases)
    it(name, () => {
      const h = header(path)
      expect(stringifyJson(manifestEntryAvroSchema(v, p))).toBe(h.schemaText)
      expect(stringifyJson(schemaToJson(manifestEntrySchema(v, p)))).toBe(h.metadata.get('iceberg.schema'))
    })

  const lists = [
    ['v1 list', 'duckdb-iceberg/data/persistent/iceberg_v1_deprecated/default/legacy_v1/metadata/snap-2456114553637229296-1-d65f86b0-b799-467f-b1f4-9c697e4c4fc7.avro', 1],
    ['v2 list', 'icebird/test/files/hyperparam-iceberg/java/bunnies/metadata/snap-4951213507629824583-1-583a45a0-7389-4d71-9305-ac3a8725c38b.avro', 2],
    ['v3 list', 'impala/testdata/data/iceberg_test/iceberg_v3/iceberg_v3_row_lineage/metadata/snap-5398841822738664432-1-7411e291-ddc0-4c54-9e25-75ef7878df0d.avro', 3],
  ] as const
  for (const [name, path, v] of lists)
    it(name, () => {
      const h = header(path)
      expect(stringifyJson(manifestListAvroSchema(v))).toBe(h.schemaText)
      expect(stringifyJson(schemaToJson(manifestListSchema(v)))).toBe(h.metadata.get('iceberg.schema'))
    })

  it('partition struct r102 for 13 identity types equals Trino/Java output', () => {
    const h = header('iceberg-cxx/tests/tables/identity_partitioning/metadata/bfd02a62-ed9d-4ab0-83a0-992b76310fe4-m0.avro')
    const types = [T.boolean, T.int, T.long, T.float, T.double, T.decimal(9, 2), T.date, T.time, T.timestamp, T.timestamptz, T.string, T.uuid, T.binary]
    const names = ['col_bool', 'col_int', 'col_long', 'col_float', 'col_double', 'col_decimal', 'col_date', 'col_time', 'col_timestamp', 'col_timestamptz', 'col_string', 'col_uuid', 'col_varbinary']
    const p = T.struct(types.map((t, i) => field(1000 + i, names[i]!, t)))
    // Iceberg 1.7 (Trino 471) predates referenced_data_file: compare the partition field itself
    const partitionOf = (text: string): string => {
      const start = text.indexOf('{"name":"partition"')
      return text.slice(start, text.indexOf('"field-id":102}', start))
    }
    expect(partitionOf(stringifyJson(manifestEntryAvroSchema(2, p)))).toBe(partitionOf(h.schemaText))
    expect(partitionOf(h.schemaText)).toContain('decimal_9_2')
  })
})
