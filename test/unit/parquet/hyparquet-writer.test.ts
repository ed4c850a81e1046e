// The Parquet writer: every primitive type plus nested struct/list/map round-trips exactly through floe's
// reader in every codec; the footer has Java's layout (root `table`, field ids on every element, type
// mapping, `iceberg.schema`), row groups stream with split offsets and chunk sizes; codec parsing.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import {
  IcebergParquetWriter,
  parquetOptionsFromProperties,
  parseParquetCodec,
  writeParquet,
  writeParquetFile,
  type ParquetCodec,
} from '../../../src/parquet/hyparquet-writer.js'
import { parquetWriteSchema } from '../../../src/parquet/parquet-write-schema.js'
import { parseJson } from '../../../src/spec/json/lossless.js'
import { schemaToJson } from '../../../src/spec/json/schema-json.js'
import { indexSchema, schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { ALL_TYPES, allTypesRows, canonRows } from '../write/write-fixtures.js'
import { errorOf, readAll } from './parquet-files.js'

const CODECS: readonly ParquetCodec[] = ['zstd', 'snappy', 'gzip', 'uncompressed']

describe('IcebergParquetWriter: round trip through hyparquetReader', () => {
  for (const codec of CODECS) {
    it(`writes every type and reads it back exactly (${codec})`, async () => {
      const rows = allTypesRows()
      const r = await writeParquet(ALL_TYPES, rows, { codec })
      expect(r.rowCount).toBe(rows.length)
      const back = await readAll(r.bytes, { schema: ALL_TYPES })
      expect(canonRows(ALL_TYPES, back)).toEqual(canonRows(ALL_TYPES, rows))
      const md = readParquetFooter(r.bytes)
      const want = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', uncompressed: 'UNCOMPRESSED' }[codec]
      for (const c of md.row_groups[0]!.columns) expect(c.meta_data?.codec).toBe(want)
    })
  }

  it('streams many row groups (rows released per group) with split offsets and column sizes from the chunks', async () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'name', T.string), field(3, 'xs', T.list(4, T.int))])
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: BigInt(i), name: i % 7 ? `n${i}` : null, xs: i % 3 ? [i, null] : [] }))
    const seen: number[] = []
    const w = await IcebergParquetWriter.open(s, { codec: 'snappy', rowGroupSizeBytes: 20_000, onRowGroup: (cols, n) => seen.push(n, cols.length) })
    for (const r of rows) w.write(r)
    const res = w.finish()
    const md = readParquetFooter(res.bytes)
    expect(md.row_groups.length).toBeGreaterThan(3)
    expect(seen.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0)).toBe(5000)
    expect(res.splitOffsets).toEqual(md.row_groups.map((g) => g.columns[0]!.meta_data!.dictionary_page_offset ?? g.columns[0]!.meta_data!.data_page_offset))
    expect(res.splitOffsets[0]).toBe(4n)
    const sizes = new Map<number, bigint>()
    for (const g of md.row_groups) {
      g.columns.forEach((c, j) => {
        const id = [1, 2, 4][j]!
        sizes.set(id, (sizes.get(id) ?? 0n) + c.meta_data!.total_compressed_size)
      })
    }
    expect(res.columnSizes).toEqual(sizes)
    expect(canonRows(s, await readAll(res.bytes, { schema: s }))).toEqual(canonRows(s, rows))
  })

  it('writes an empty file (no row groups) that reads back as no rows', async () => {
    const r = await writeParquet(ALL_TYPES, [])
    expect(readParquetFooter(r.bytes).row_groups).toEqual([])
    expect(await readAll(r.bytes, { schema: ALL_TYPES })).toEqual([])
  })
})

describe('Parquet schema: Java layout', () => {
  const r = writeParquet(ALL_TYPES, allTypesRows(), { codec: 'snappy' })

  it('names the root `table` and puts a field id on every element except the repeated list/key_value groups', async () => {
    const md = readParquetFooter((await r).bytes)
    expect(md.schema[0]!.name).toBe('table')
    const withoutId = md.schema.slice(1).filter((e) => e.field_id === undefined).map((e) => e.name)
    expect(new Set(withoutId)).toEqual(new Set(['list', 'key_value']))
    const ids = md.schema.map((e) => e.field_id).filter((x): x is number => x !== undefined)
    expect(new Set(ids)).toEqual(new Set(indexSchema(ALL_TYPES).byId.keys()))
  })

  it('stores the Iceberg schema JSON under iceberg.schema and a parseable created_by', async () => {
    const md = readParquetFooter((await r).bytes)
    const kv = md.key_value_metadata?.find((k) => k.key === 'iceberg.schema')
    expect(parseJson(kv!.value!)).toEqual(parseJson(JSON.stringify(schemaToJson(ALL_TYPES))))
    expect(md.created_by).toMatch(/^floe version \S+ \(build .*\)$/)
  })

  it('maps types like Java TypeToMessageType', () => {
    const els = new Map(parquetWriteSchema(ALL_TYPES).elements.map((e) => [e.field_id, e]))
    const el = (id: number) => els.get(id)!
    expect(el(1)).toMatchObject({ type: 'BOOLEAN', repetition_type: 'REQUIRED' })
    expect(el(2)).toMatchObject({ type: 'INT32', repetition_type: 'OPTIONAL' })
    expect(el(6)).toMatchObject({ type: 'INT32', converted_type: 'DECIMAL', precision: 9, scale: 2 })
    expect(el(7)).toMatchObject({ type: 'INT64', converted_type: 'DECIMAL', precision: 18, scale: 4 })
    expect(el(8)).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', precision: 38 })
    expect(el(9)).toMatchObject({ type: 'INT32', logical_type: { type: 'DATE' } })
    expect(el(10)).toMatchObject({ type: 'INT64', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' } })
    expect(el(11)).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } })
    expect(el(12)).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } })
    expect(el(13)).toMatchObject({ logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } })
    expect(el(14)).toMatchObject({ logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } })
    expect(el(15)).toMatchObject({ type: 'BYTE_ARRAY', logical_type: { type: 'STRING' } })
    expect(el(16)).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' } })
    expect(el(17)).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 3 })
    expect(el(18)).toEqual({ name: 'bin', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', field_id: 18 })
    expect(el(24)).toMatchObject({ converted_type: 'LIST', num_children: 1 })
    expect(el(25)).toMatchObject({ name: 'element', repetition_type: 'OPTIONAL' })
    expect(el(27)).toMatchObject({ name: 'element', repetition_type: 'REQUIRED', num_children: 2 })
    expect(el(30)).toMatchObject({ converted_type: 'MAP', num_children: 1 })
    expect(el(31)).toMatchObject({ name: 'key', repetition_type: 'REQUIRED' })
    expect(el(36)).toMatchObject({ name: 'value', repetition_type: 'REQUIRED' })
    expect(el(37)!.name).toBe('weird_x20name_x21')
  })

  it('gives leaves their full Iceberg names and marks list/map members as repeated', () => {
    const leaves = parquetWriteSchema(ALL_TYPES).leaves
    expect(leaves.find((l) => l.fieldId === 22)).toMatchObject({ name: 'st.inner.x', repeated: false, structPath: ['st', 'inner', 'x'], path: ['st', 'inner', 'x'] })
    expect(leaves.find((l) => l.fieldId === 28)).toMatchObject({ name: 'pts.element.k', repeated: true, path: ['pts', 'list', 'element', 'k'] })
    expect(leaves.find((l) => l.fieldId === 33)).toMatchObject({ name: 'm.value.element', repeated: true, path: ['m', 'key_value', 'value', 'list', 'element'] })
  })

  it('omits unknown columns, sanitises nested names and refuses variant', async () => {
    const s = schema([
      field(1, 'id', T.int),
      field(2, 'gone', T.unknown),
      field(3, 'st', T.struct([field(4, '1st', T.string), field(5, 'nothing', T.unknown)])),
    ])
    const layout = parquetWriteSchema(s)
    expect(layout.elements.map((e) => e.name)).toEqual(['table', 'id', 'st', '_1st'])
    const r2 = await writeParquet(s, [{ id: 1, gone: null, st: { '1st': 'a', nothing: null } }])
    expect(await readAll(r2.bytes, { schema: s })).toEqual([{ id: 1, gone: null, st: { '1st': 'a', nothing: null } }])
    const e = await errorOf(writeParquet(schema([field(1, 'v', T.variant)]), []))
    expect(isFloeError(e, 'UNSUPPORTED')).toBe(true)
  })
})

describe('codecs and options', () => {
  it('parses write.parquet.compression-codec like Java (case-insensitive, none = uncompressed)', () => {
    expect(parseParquetCodec('ZSTD')).toBe('zstd')
    expect(parseParquetCodec('Snappy')).toBe('snappy')
    expect(parseParquetCodec('none')).toBe('uncompressed')
    expect(() => parseParquetCodec('lz4')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    expect(() => parseParquetCodec('zip')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('reads codec, level, row-group, page and dictionary sizes from table properties', () => {
    expect(parquetOptionsFromProperties({})).toEqual({ codec: 'zstd', rowGroupSizeBytes: 134217728, pageSizeBytes: 1048576, dictSizeBytes: 2097152 })
    expect(
      parquetOptionsFromProperties({
        'write.parquet.compression-codec': 'gzip',
        'write.parquet.compression-level': '9',
        'write.parquet.row-group-size-bytes': '1000',
        'write.parquet.page-size-bytes': '100',
      }),
    ).toMatchObject({ codec: 'gzip', compressionLevel: 9, rowGroupSizeBytes: 1000, pageSizeBytes: 100 })
    expect(() => parquetOptionsFromProperties({ 'write.parquet.row-group-size-bytes': 'big' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('writes through FileIO create-if-absent', async () => {
    const io = new MemoryFileIO()
    const s = schema([field(1, 'id', T.long, { required: true })])
    const res = await writeParquetFile(io, 'mem://t/a.parquet', s, [{ id: 1n }])
    expect(io.files.get('mem://t/a.parquet')).toEqual(res.bytes)
    const e = await errorOf(writeParquetFile(io, 'mem://t/a.parquet', s, [{ id: 2n }]))
    expect(isFloeError(e, 'ALREADY_EXISTS')).toBe(true)
  })

  it('reports values the encoder rejects as INVALID_DATA naming the file', async () => {
    const s = schema([field(1, 'st', T.struct([field(2, 'a', T.int, { required: true })]))])
    const e = await errorOf(writeParquet(s, [{ st: { a: null } }], { file: 'x.parquet' }))
    expect(isFloeError(e, 'INVALID_DATA')).toBe(true)
    expect((e as Error).message).toContain('x.parquet')
  })
})
