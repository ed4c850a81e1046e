// The Avro data-file writer (Java's write.format.default=avro): every type round-trips through floe's reader
// and, independently, avsc's container decoder; the header carries Java's Avro schema (field ids, logical
// types, maps) and `iceberg.schema`; blocks stay bounded; every codec Java names is written; and
// writeDataFiles / writePositionDeletes choose the format, codec and file names from the table properties.
import { describe, expect, it } from 'vitest'
import { avroDataCodec, avroDeleteCodec } from '../../../src/avro-data/avro-codec.js'
import { AVRO_BLOCK_BYTES, AvroDataWriter, writeAvroData } from '../../../src/avro-data/avro-data-writer.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Row } from '../../../src/parquet/codec.js'
import { structToAvro } from '../../../src/spec/avro/avro-schema.js'
import { readOcfBlocks, readOcfHeader } from '../../../src/spec/avro/ocf.js'
import { schemaToJson } from '../../../src/spec/json/schema-json.js'
import { stringifyJson } from '../../../src/spec/json/lossless.js'
import { schema } from '../../../src/spec/schema.js'
import { currentSchema } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type Value } from '../../../src/spec/types.js'
import { uuidToBytes } from '../../../src/spec/values.js'
import { dataFileFormat, deleteFileFormat, POSITION_DELETE_SCHEMA, writeDataFiles, writePositionDeletes } from '../../../src/write/data-writer.js'
import { dataFileName } from '../../../src/write/location.js'
import { ALL_TYPES, allTypesRows, canonRows, tableOf } from '../write/write-fixtures.js'
import { avscForm, avscRecords, readBack } from './avro-written.js'

const CODECS = [{ codec: 'null' }, { codec: 'deflate', level: 9 }, { codec: 'deflate', level: 1 }, { codec: 'snappy' }, { codec: 'zstandard', level: 1 }, { codec: 'zstandard', level: 19 }] as const

const big = (n: number): Row[] => {
  const base = allTypesRows()
  return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, l: BigInt(i) }))
}

/** Decimals of several widths (1 to 16 fixed bytes) with their extremes, and temporal edge values. */
const EDGES = schema([
  field(1, 'd1', T.decimal(1, 0)),
  field(2, 'd2', T.decimal(2, 1), { required: true }),
  field(3, 'd9', T.decimal(9, 9)),
  field(4, 'd10', T.decimal(10, 2)),
  field(5, 'd15', T.decimal(15, 3)),
  field(6, 'd16', T.decimal(16, 0)),
  field(7, 'd18', T.decimal(18, 6)),
  field(8, 'd19', T.decimal(19, 0)),
  field(9, 'd28', T.decimal(28, 10)),
  field(10, 'd38', T.decimal(38, 0)),
  field(11, 'day', T.date),
  field(12, 'tsn', T.timestampNs),
  field(13, 'tstzn', T.timestamptzNs, { required: true }),
  field(14, 'u', T.uuid, { required: true }),
])
const nines = (p: number): bigint => 10n ** BigInt(p) - 1n
const edgeRows = (): Row[] => [
  { d1: 9n, d2: -99n, d9: nines(9), d10: -nines(10), d15: nines(15), d16: -nines(16), d18: nines(18), d19: -nines(19), d28: nines(28), d38: -nines(38), day: -719162, tsn: -(2n ** 63n), tstzn: 2n ** 63n - 1n, u: uuidToBytes('00000000-0000-0000-0000-000000000000') },
  { d1: -9n, d2: 99n, d9: -nines(9), d10: nines(10), d15: -nines(15), d16: nines(16), d18: -nines(18), d19: nines(19), d28: -nines(28), d38: nines(38), day: -1, tsn: -1n, tstzn: -1_000_000_000n, u: uuidToBytes('ffffffff-ffff-ffff-ffff-ffffffffffff') },
  { d1: 0n, d2: 0n, d9: -1n, d10: 1n, d15: -128n, d16: 127n, d18: -129n, d19: 128n, d28: -(2n ** 63n), d38: 2n ** 64n, day: -25567, tsn: 1n, tstzn: 0n, u: uuidToBytes('12345678-9abc-4def-8123-456789abcdef') },
  { d1: null, d2: -1n, d9: null, d10: null, d15: null, d16: null, d18: null, d19: null, d28: null, d38: null, day: null, tsn: null, tstzn: 1_700_000_000_123_456_789n, u: uuidToBytes('c0ffee00-0000-4000-8000-000000000001') },
]

/** Lists of maps of lists, maps with struct values and non-string keys of several types. */
const NESTED = schema([
  field(1, 'id', T.int, { required: true }),
  field(2, 'lm', T.list(3, T.map(4, T.long, 5, T.list(6, T.string)), true)),
  field(7, 'ms', T.map(8, T.string, 9, T.struct([field(10, 'a', T.decimal(5, 2)), field(11, 'b', T.list(12, T.boolean, true), { required: true })]), true), { required: true }),
  field(13, 'mu', T.map(14, T.uuid, 15, T.date)),
  field(16, 'md', T.map(17, T.date, 18, T.fixed(2), true)),
  field(19, 'deep', T.struct([field(20, 's', T.struct([field(21, 't', T.struct([field(22, 'x', T.timestamptz)]))]))])),
])
const m = <K extends Value>(...e: [K, Value][]): Map<Value, Value> => new Map(e)
const nestedRows = (): Row[] => [
  {
    id: 1,
    lm: [m([1n, ['a', null]], [-2n, []], [3n, null]), m()],
    ms: m(['x', { a: -12345n, b: [true, false] }], ['', { a: null, b: [] }]),
    mu: m([uuidToBytes('00000000-0000-4000-8000-000000000000'), -1], [uuidToBytes('00000000-0000-4000-8000-000000000001'), null]),
    md: m([-1, Uint8Array.of(1, 2)], [0, Uint8Array.of(0, 0)]),
    deep: { s: { t: { x: -1n } } },
  },
  { id: 2, lm: null, ms: m(), mu: null, md: m(), deep: { s: { t: null } } },
  { id: 3, lm: [], ms: m(['only', { a: 99999n, b: [false] }]), mu: m(), md: null, deep: null },
]

describe('AvroDataWriter', () => {
  it.each(CODECS)('round-trips every primitive and nested type with codec %o, read by floe and by avsc', async (codec) => {
    const rows = allTypesRows()
    const { bytes, rowCount } = await writeAvroData(ALL_TYPES, rows, { codec, blockBytes: 200 })
    expect(rowCount).toBe(rows.length)
    expect(canonRows(ALL_TYPES, await readBack(bytes, ALL_TYPES))).toEqual(canonRows(ALL_TYPES, rows))
    expect(await avscRecords(bytes)).toEqual(avscForm(ALL_TYPES, rows))
    expect(readOcfHeader(bytes).codec).toBe(codec.codec)
  })

  it('round-trips decimals of 1 to 16 bytes at their limits, pre-1970 dates, ns timestamps, uuids and nulls', async () => {
    const rows = edgeRows()
    const { bytes } = await writeAvroData(EDGES, rows)
    expect(canonRows(EDGES, await readBack(bytes, EDGES))).toEqual(canonRows(EDGES, rows))
    expect(await avscRecords(bytes)).toEqual(avscForm(EDGES, rows))
    // each decimal is a fixed of Java's width
    const fields = (readOcfHeader(bytes).schemaJson as { fields: { name: string; type: unknown }[] }).fields
    const size = (name: string): unknown => {
      const t = fields.find((f) => f.name === name)!.type
      const inner = Array.isArray(t) ? t[1] : t
      return (inner as { size?: number }).size
    }
    expect(['d1', 'd2', 'd9', 'd10', 'd15', 'd16', 'd18', 'd19', 'd28', 'd38'].map(size)).toEqual([1, 1, 4, 5, 7, 7, 8, 9, 12, 16])
  })

  it('round-trips nested lists, maps (string and non-string keys) and structs', async () => {
    const rows = nestedRows()
    const { bytes } = await writeAvroData(NESTED, rows, { blockBytes: 1 })
    expect(canonRows(NESTED, await readBack(bytes, NESTED))).toEqual(canonRows(NESTED, rows))
    expect(await avscRecords(bytes)).toEqual(avscForm(NESTED, rows))
  })

  it('round-trips strings and bytes of every length class (one- and two-byte lengths, ASCII and not)', async () => {
    const s = schema([field(1, 's', T.string, { required: true }), field(2, 'o', T.string), field(3, 'b', T.binary)])
    const texts = [0, 1, 63, 64, 65, 127, 128, 129, 8191, 8192, 20_000].flatMap((n) => ['x'.repeat(n), 'é'.repeat(n), `${'a'.repeat(Math.max(0, n - 1))}😀`])
    const rows: Row[] = texts.map((t, i) => ({ s: t, o: i % 2 ? t : null, b: new TextEncoder().encode(t) }))
    const { bytes } = await writeAvroData(s, rows, { blockBytes: 1000 })
    expect(await readBack(bytes, s)).toEqual(rows)
    expect(await avscRecords(bytes)).toEqual(avscForm(s, rows))
  })

  it('writes variant and unknown columns as Java does (a metadata/value record; Avro null)', async () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'v', T.variant), field(3, 'nothing', T.unknown)])
    const rows: Row[] = [
      { id: 1n, v: { metadata: Uint8Array.of(1, 0, 0), value: Uint8Array.of(12, 7) }, nothing: null },
      { id: 2n, v: null, nothing: null },
    ]
    const { bytes } = await writeAvroData(s, rows)
    expect(await readBack(bytes, s)).toEqual(rows)
    const json = readOcfHeader(bytes).schemaText
    expect(json).toContain('{"name":"v","type":["null",{"type":"record","name":"r2","fields":[{"name":"metadata","type":"bytes"},{"name":"value","type":"bytes"}],"logicalType":"variant"}],"default":null,"field-id":2}')
    expect(json).toContain('{"name":"nothing","type":"null","default":null,"field-id":3}')
  })

  it('gives a map value of type unknown no default, as Java (its schema is plain null, not a null union)', async () => {
    const s = schema([field(1, 'm', T.map(2, T.int, 3, T.unknown)), field(4, 'sm', T.map(5, T.string, 6, T.unknown))])
    const rows: Row[] = [{ m: new Map<Value, Value>([[1, null], [2, null]]), sm: new Map<Value, Value>([['a', null]]) }, { m: null, sm: null }]
    const { bytes } = await writeAvroData(s, rows)
    expect(readOcfHeader(bytes).schemaText).toBe(
      '{"type":"record","name":"table","fields":[' +
        '{"name":"m","type":["null",{"type":"array","items":{"type":"record","name":"k2_v3","fields":[{"name":"key","type":"int","field-id":2},{"name":"value","type":"null","field-id":3}]},"logicalType":"map"}],"default":null,"field-id":1},' +
        '{"name":"sm","type":["null",{"type":"map","values":"null","key-id":5,"value-id":6}],"default":null,"field-id":4}]}',
    )
    expect(await readBack(bytes, s)).toEqual(rows)
  })

  it("writes Java's Avro schema (AvroSchemaUtil.convert) and iceberg.schema into the header, in Java's order", async () => {
    const s = schema(
      [
        field(1, 'id', T.long, { required: true }),
        field(2, 'data', T.string, { doc: 'the data' }),
        field(3, 'dec', T.decimal(9, 2)),
        field(4, 'dec2', T.decimal(9, 2), { required: true }),
        field(5, 'u', T.uuid),
        field(6, 'ts', T.timestamp),
        field(7, 'tsn', T.timestamptzNs, { required: true }),
        field(8, 'd', T.date),
        field(9, 't', T.time),
        field(10, 'tags', T.list(11, T.string)),
        field(12, 'props', T.map(13, T.string, 14, T.long, true), { required: true }),
        field(15, 'pos', T.map(16, T.int, 17, T.struct([field(18, 'x', T.double, { required: true })]))),
        field(19, '1st col', T.int),
        field(20, 'fx', T.fixed(4), { required: true }),
      ],
      7,
    )
    const { bytes } = await writeAvroData(s, [])
    const header = readOcfHeader(bytes)
    expect([...header.metadata.keys()]).toEqual(['avro.schema', 'avro.codec', 'iceberg.schema'])
    expect(header.metadata.get('iceberg.schema')).toBe(stringifyJson(schemaToJson(s)))
    expect(header.metadata.get('avro.codec')).toBe('deflate')
    // what Java's Avro Schema#toString gives for AvroSchemaUtil.convert(schema, "table")
    expect(header.schemaText).toBe(
      '{"type":"record","name":"table","fields":[' +
        '{"name":"id","type":"long","field-id":1},' +
        '{"name":"data","type":["null","string"],"doc":"the data","default":null,"field-id":2},' +
        '{"name":"dec","type":["null",{"type":"fixed","name":"decimal_9_2","size":4,"logicalType":"decimal","precision":9,"scale":2}],"default":null,"field-id":3},' +
        '{"name":"dec2","type":"decimal_9_2","field-id":4},' +
        '{"name":"u","type":["null",{"type":"fixed","name":"uuid_fixed","size":16,"logicalType":"uuid"}],"default":null,"field-id":5},' +
        '{"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-micros","adjust-to-utc":false}],"default":null,"field-id":6},' +
        '{"name":"tsn","type":{"type":"long","logicalType":"timestamp-nanos","adjust-to-utc":true},"field-id":7},' +
        '{"name":"d","type":["null",{"type":"int","logicalType":"date"}],"default":null,"field-id":8},' +
        '{"name":"t","type":["null",{"type":"long","logicalType":"time-micros"}],"default":null,"field-id":9},' +
        '{"name":"tags","type":["null",{"type":"array","items":["null","string"],"element-id":11}],"default":null,"field-id":10},' +
        '{"name":"props","type":{"type":"map","values":"long","key-id":13,"value-id":14},"field-id":12},' +
        '{"name":"pos","type":["null",{"type":"array","items":{"type":"record","name":"k16_v17","fields":[{"name":"key","type":"int","field-id":16},{"name":"value","type":["null",{"type":"record","name":"r17","fields":[{"name":"x","type":"double","field-id":18}]}],"default":null,"field-id":17}]},"logicalType":"map"}],"default":null,"field-id":15},' +
        '{"name":"_1st_x20col","type":["null","int"],"default":null,"iceberg-field-name":"1st col","field-id":19},' +
        '{"name":"fx","type":{"type":"fixed","name":"fixed_4","size":4},"field-id":20}]}',
    )
    expect(header.schemaText).toBe(stringifyJson(structToAvro(s, 'table')))
    // an empty file is a header and no block
    expect(readOcfBlocks(bytes, header)).toEqual([])
  })

  it('gives every field, element, key and value its Iceberg id in the header schema', async () => {
    const { bytes } = await writeAvroData(ALL_TYPES, allTypesRows())
    const ids = new Set<number>()
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk)
      if (v === null || typeof v !== 'object') return
      for (const [k, x] of Object.entries(v)) {
        if (k === 'field-id' || k === 'element-id' || k === 'key-id' || k === 'value-id') ids.add(Number(x))
        walk(x)
      }
    }
    walk(JSON.parse(readOcfHeader(bytes).schemaText))
    const expected = new Set<number>()
    const collect = (t: Parameters<typeof structToAvro>[0]): void =>
      t.fields.forEach((f) => {
        expected.add(f.id)
        const visit = (x: typeof f.type): void => {
          if (x.kind === 'struct') collect(x)
          if (x.kind === 'list') (expected.add(x.elementId), visit(x.element))
          if (x.kind === 'map') (expected.add(x.keyId), expected.add(x.valueId), visit(x.key), visit(x.value))
        }
        visit(f.type)
      })
    collect(ALL_TYPES)
    expect(ids).toEqual(expected)
  })

  it('writes blocks of about 64 000 encoded bytes (Java sync interval), never more than one row past it', async () => {
    const rows = big(3000)
    const w = await AvroDataWriter.open(ALL_TYPES, { codec: { codec: 'null' } })
    for (const r of rows) w.write(r)
    expect(w.rowCount).toBe(3000)
    const { bytes } = w.finish()
    const blocks = readOcfBlocks(bytes, readOcfHeader(bytes))
    expect(blocks.length).toBeGreaterThan(3)
    expect(blocks.reduce((a, b) => a + b.count, 0)).toBe(3000)
    for (const b of blocks.slice(0, -1)) {
      expect(b.data.length).toBeGreaterThanOrEqual(AVRO_BLOCK_BYTES)
      expect(b.data.length).toBeLessThan(AVRO_BLOCK_BYTES + 400)
    }
    expect(canonRows(ALL_TYPES, await readBack(bytes, ALL_TYPES))).toEqual(canonRows(ALL_TYPES, rows))
  })

  it('reports a length that grows with every row and equals the file size once finished', async () => {
    const w = await AvroDataWriter.open(ALL_TYPES, { blockBytes: 500 })
    let last = w.length
    for (const r of big(40)) {
      w.write(r)
      expect(w.length).toBeGreaterThan(last)
      last = w.length
    }
    const { bytes } = w.finish()
    expect(w.length).toBe(bytes.length)
    expect(() => w.write(big(1)[0]!)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('refuses a null in a required column with INVALID_DATA naming the field, keeping the rows before it', async () => {
    const w = await AvroDataWriter.open(NESTED, { file: 'x.avro' })
    w.write(nestedRows()[0]!)
    let err: unknown
    try {
      w.write({ ...nestedRows()[1]!, ms: null })
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'INVALID_DATA', context: { field: 'ms', file: 'x.avro', row: 2 } })
    const { bytes } = w.finish()
    expect(canonRows(NESTED, await readBack(bytes, NESTED))).toEqual(canonRows(NESTED, nestedRows().slice(0, 1)))
  })
})

describe('Avro codec from table properties (Java Avro.WriteBuilder contexts)', () => {
  it('maps Java codec names case-insensitively, with Java default levels', () => {
    expect(avroDataCodec({})).toEqual({ codec: 'deflate', level: 9 })
    expect(avroDataCodec({ 'write.avro.compression-codec': 'GZip', 'write.avro.compression-level': '3' })).toEqual({ codec: 'deflate', level: 3 })
    expect(avroDataCodec({ 'write.avro.compression-codec': 'uncompressed' })).toEqual({ codec: 'null' })
    expect(avroDataCodec({ 'write.avro.compression-codec': 'SNAPPY', 'write.avro.compression-level': 'ignored' })).toEqual({ codec: 'snappy' })
    expect(avroDataCodec({ 'write.avro.compression-codec': 'zstd' })).toEqual({ codec: 'zstandard', level: 1 })
    expect(avroDataCodec({ 'write.avro.compression-codec': 'zstd', 'write.avro.compression-level': '-5' })).toEqual({ codec: 'zstandard', level: -5 })
  })

  it('refuses unknown codecs and bad levels with INVALID_ARGUMENT naming the property', () => {
    for (const codec of ['none', 'lz4', 'deflate', 'brotli', ' gzip', ''])
      expect(() => avroDataCodec({ 'write.avro.compression-codec': codec })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { field: 'write.avro.compression-codec' } }))
    for (const level of ['high', '1.5', '', '10', '-2'])
      expect(() => avroDataCodec({ 'write.avro.compression-level': level })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { field: 'write.avro.compression-level' } }))
    expect(() => avroDeleteCodec({ 'write.delete.avro.compression-codec': 'lzo' })).toThrow(expect.objectContaining({ context: { field: 'write.delete.avro.compression-codec' } }))
  })

  it("parses levels as Java's Integer.parseInt: any number of leading zeros, a sign, the int range", () => {
    const gzip = (level: string): unknown => avroDataCodec({ 'write.avro.compression-codec': 'gzip', 'write.avro.compression-level': level })
    const zstd = (level: string): unknown => avroDataCodec({ 'write.avro.compression-codec': 'zstd', 'write.avro.compression-level': level })
    expect(gzip('000000000005')).toEqual({ codec: 'deflate', level: 5 })
    expect(gzip('+00000000000000000007')).toEqual({ codec: 'deflate', level: 7 })
    expect(gzip('-000000000001')).toEqual({ codec: 'deflate', level: -1 })
    expect(zstd('00000000000000000000022')).toEqual({ codec: 'zstandard', level: 22 })
    expect(zstd('-2147483648')).toEqual({ codec: 'zstandard', level: -2147483648 })
    expect(avroDeleteCodec({ 'write.delete.avro.compression-codec': 'gzip', 'write.delete.avro.compression-level': '0000000000003' })).toEqual({ codec: 'deflate', level: 3 })
    for (const level of ['2147483648', '-2147483649', '00000000002147483648', ' 5', '5 ', '0x5', '1e0', '+', '--1'])
      expect(() => zstd(level), level).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { field: 'write.avro.compression-level' } }))
  })

  it('delete files use write.delete.avro.* when the codec is set, else the data codec and level', () => {
    expect(avroDeleteCodec({ 'write.avro.compression-codec': 'zstd', 'write.avro.compression-level': '7' })).toEqual({ codec: 'zstandard', level: 7 })
    expect(avroDeleteCodec({ 'write.avro.compression-level': '7', 'write.delete.avro.compression-codec': 'zstd' })).toEqual({ codec: 'zstandard', level: 1 })
    expect(avroDeleteCodec({ 'write.delete.avro.compression-codec': 'gzip', 'write.delete.avro.compression-level': '2' })).toEqual({ codec: 'deflate', level: 2 })
    // Java builds the data context first: a bad data codec fails delete writes too
    expect(() => avroDeleteCodec({ 'write.avro.compression-codec': 'bad', 'write.delete.avro.compression-codec': 'snappy' })).toThrow(expect.objectContaining({ context: { field: 'write.avro.compression-codec' } }))
  })
})

describe('writeDataFiles and writePositionDeletes in Avro', () => {
  const EVENTS = schema([field(1, 'id', T.long, { required: true }), field(2, 'day', T.date), field(3, 'cat', T.string)])
  const spec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'day_day', transform: Transforms.identity }] }
  const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(i), day: i % 7 === 0 ? null : (i % 3) - 2, cat: `c${i % 5}` }))

  it('pick the format from write.format.default and write.delete.format.default (falling back to it)', () => {
    expect(dataFileFormat({})).toBe('PARQUET')
    expect(dataFileFormat({ 'write.format.default': 'AvRo' })).toBe('AVRO')
    expect(deleteFileFormat({ 'write.format.default': 'avro' })).toBe('AVRO')
    expect(deleteFileFormat({ 'write.format.default': 'avro', 'write.delete.format.default': 'parquet' })).toBe('PARQUET')
    expect(deleteFileFormat({ 'write.delete.format.default': 'avro' })).toBe('AVRO')
    expect(() => dataFileFormat({ 'write.format.default': 'orc' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', context: { field: 'write.format.default' } }))
    expect(() => dataFileFormat({ 'write.format.default': 'csv' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { field: 'write.format.default' } }))
    expect(() => dataFileFormat({ 'write.format.default': 'csv' })).toThrow(/"csv"/)
    expect(() => deleteFileFormat({ 'write.delete.format.default': 'ORC' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', context: { field: 'write.delete.format.default' } }))
    expect(dataFileName(0, 1n, 'op', 2, undefined, 'AVRO')).toBe('00000-1-op-00002.avro')
    expect(dataFileName(0, 1n, 'op', 1, 'deletes', 'AVRO')).toBe('00000-1-op-00001-deletes.avro')
  })

  it('write partitioned .avro data files carrying only the record count, read back exactly', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec, properties: { 'write.format.default': 'avro', 'write.avro.compression-codec': 'zstd' } })
    const input = rows(50)
    const files = await writeDataFiles(testEnv(io), { metadata: md }, input, { operationId: 'op' })
    expect(files.length).toBe(4) // days -2, -1, 0 and null
    const s = currentSchema(md)
    const got: Row[] = []
    for (const f of files) {
      expect(f.fileFormat).toBe('AVRO')
      expect(f.filePath).toMatch(/^s3:\/\/bucket\/db\/tbl\/data\/day_day=[^/]+\/00000-0-op-0000\d\.avro$/)
      expect(Object.keys(f).sort()).toEqual(['content', 'fileFormat', 'filePath', 'fileSizeInBytes', 'partition', 'recordCount', 'sortOrderId', 'specId'])
      expect(f.sortOrderId).toBe(0) // unsorted, as Java's DataFiles.Builder labels it
      const bytes = io.files.get(f.filePath)!
      expect(f.fileSizeInBytes).toBe(BigInt(bytes.length))
      expect(readOcfHeader(bytes).codec).toBe('zstandard')
      const back = await readBack(bytes, s)
      expect(BigInt(back.length)).toBe(f.recordCount)
      for (const r of back) expect(r.day).toBe(f.partition[0])
      got.push(...back)
    }
    const byId = (a: Row, b: Row): number => Number((a.id as bigint) - (b.id as bigint))
    expect(got.sort(byId)).toEqual(input)
  })

  it('roll Avro files at write.target-file-size-bytes', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(ALL_TYPES, { formatVersion: 3, properties: { 'write.format.default': 'avro', 'write.target-file-size-bytes': '30000', 'write.avro.compression-codec': 'uncompressed' } })
    const input = big(2000)
    const files = await writeDataFiles(testEnv(io), { metadata: md }, input, { operationId: 'op' })
    expect(files.length).toBeGreaterThan(3)
    const s = currentSchema(md)
    const got: Row[] = []
    files.forEach((f, i) => {
      expect(f.filePath.endsWith(`-0000${i + 1}.avro`) || f.filePath.endsWith(`-000${i + 1}.avro`)).toBe(true)
      // a file closes at the first row that takes it past the target
      if (i < files.length - 1) expect(Number(f.fileSizeInBytes)).toBeGreaterThanOrEqual(30000)
      expect(Number(f.fileSizeInBytes)).toBeLessThan(30000 + 1000)
    })
    for (const f of files) got.push(...(await readBack(io.files.get(f.filePath)!, s)))
    expect(canonRows(s, got)).toEqual(canonRows(s, input))
  })

  it('write v2 position deletes as Avro with delete-type in the header and the record count', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec, formatVersion: 2, properties: { 'write.format.default': 'avro', 'write.delete.avro.compression-codec': 'snappy' } })
    const dataPath = 's3://bucket/db/tbl/data/day_day=-1/a.avro'
    const f = await writePositionDeletes(testEnv(io), { metadata: md }, [{ filePath: dataPath, pos: 5 }, { filePath: dataPath, pos: 1n }, { filePath: dataPath, pos: 5n }], { partition: [-1], operationId: 'op' })
    expect(f).toEqual({
      content: 'position-deletes',
      filePath: 's3://bucket/db/tbl/data/day_day=1969-12-31/00000-0-op-00001-deletes.avro',
      fileFormat: 'AVRO',
      specId: 0,
      partition: [-1],
      recordCount: 2n,
      fileSizeInBytes: BigInt(io.files.get(f.filePath)!.length),
      referencedDataFile: dataPath,
    })
    const bytes = io.files.get(f.filePath)!
    const header = readOcfHeader(bytes)
    expect([...header.metadata.keys()]).toEqual(['avro.schema', 'avro.codec', 'delete-type', 'iceberg.schema'])
    expect(header.metadata.get('delete-type')).toBe('position')
    expect(header.codec).toBe('snappy')
    expect(header.schemaText).toBe(
      '{"type":"record","name":"table","fields":[{"name":"file_path","type":"string","doc":"Path of a file in which a deleted row is stored","field-id":2147483546},{"name":"pos","type":"long","doc":"Ordinal position of a deleted row in the data file","field-id":2147483545}]}',
    )
    expect(await readBack(bytes, POSITION_DELETE_SCHEMA)).toEqual([{ file_path: dataPath, pos: 1n }, { file_path: dataPath, pos: 5n }])
    expect(await avscRecords(bytes)).toEqual([{ file_path: dataPath, pos: 1n }, { file_path: dataPath, pos: 5n }])
    // two data files: no referenced data file
    const two = await writePositionDeletes(testEnv(io), { metadata: md }, [{ filePath: dataPath, pos: 0 }, { filePath: `${dataPath}2`, pos: 0 }], { partition: [-1], operationId: 'op2' })
    expect(two.referencedDataFile).toBeUndefined()
    expect(two.recordCount).toBe(2n)
  })

  it('keep Parquet when only the delete format says avro for data, and vice versa', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec, formatVersion: 2, properties: { 'write.delete.format.default': 'avro' } })
    const [data] = await writeDataFiles(testEnv(io), { metadata: md }, rows(3).slice(1, 2), { operationId: 'op' })
    expect(data!.fileFormat).toBe('PARQUET')
    expect(data!.filePath.endsWith('.parquet')).toBe(true)
    const del = await writePositionDeletes(testEnv(io), { metadata: md }, [{ filePath: data!.filePath, pos: 0 }], { partition: data!.partition, operationId: 'op' })
    expect(del.fileFormat).toBe('AVRO')
    const md2 = tableOf(EVENTS, { spec, formatVersion: 2, properties: { 'write.format.default': 'avro', 'write.delete.format.default': 'parquet' } })
    const del2 = await writePositionDeletes(testEnv(io), { metadata: md2 }, [{ filePath: data!.filePath, pos: 0 }], { partition: data!.partition, operationId: 'op3' })
    expect(del2.fileFormat).toBe('PARQUET')
    expect(del2.filePath.endsWith('-deletes.parquet')).toBe(true)
  })

  it('refuse bad format and codec properties, and colliding Avro names, before storing anything', async () => {
    const io = new MemoryFileIO()
    for (const [props, code, key] of [
      [{ 'write.format.default': 'orc' }, 'UNSUPPORTED', 'write.format.default'],
      [{ 'write.format.default': 'json' }, 'INVALID_ARGUMENT', 'write.format.default'],
      [{ 'write.format.default': 'avro', 'write.avro.compression-codec': 'lz4' }, 'INVALID_ARGUMENT', 'write.avro.compression-codec'],
      [{ 'write.format.default': 'avro', 'write.avro.compression-level': 'max' }, 'INVALID_ARGUMENT', 'write.avro.compression-level'],
    ] as const) {
      const md = tableOf(EVENTS, { properties: props })
      await expect(writeDataFiles(testEnv(io), { metadata: md }, rows(3))).rejects.toMatchObject({ code, context: { field: key } })
    }
    // columns whose Avro names collide after sanitising (Java's Avro.WriteBuilder fails before creating the file)
    for (const [a, b] of [['a-b', 'a_x2Db'], ['1x', '_1x']] as const) {
      const md = tableOf(schema([field(1, a, T.int), field(2, b, T.string)]), { properties: { 'write.format.default': 'avro' } })
      await expect(writeDataFiles(testEnv(io), { metadata: md }, [{ [a]: 1, [b]: 'x' }])).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining(`columns ${a} and ${b}`) })
    }
    const md = tableOf(EVENTS, { formatVersion: 2, properties: { 'write.delete.format.default': 'puffin' } })
    await expect(writePositionDeletes(testEnv(io), { metadata: md }, [{ filePath: 'a', pos: 0 }])).rejects.toMatchObject({ code: 'UNSUPPORTED', context: { field: 'write.delete.format.default' } })
    expect(io.files.size).toBe(0)
  })
})

describe('AvroDataWriter header and sync marker', () => {
  it('refuses reserved avro.* metadata keys and draws a fresh random sync marker per file', async () => {
    const s = schema([field(1, 'id', T.long, { required: true })])
    const e = await AvroDataWriter.open(s, { metadata: { 'avro.codec': 'null' }, file: 'x.avro' }).catch((x: unknown) => x)
    expect(isFloeError(e) && e.code).toBe('INVALID_ARGUMENT')
    const sync = async (): Promise<string> => {
      const w = await AvroDataWriter.open(s, { file: 'same.avro' })
      w.write({ id: 1n })
      const bytes = w.finish().bytes
      return Buffer.from(bytes.subarray(bytes.length - 16)).toString('hex')
    }
    const [a, b] = [await sync(), await sync()]
    expect(a).not.toBe(b)
  })
})
