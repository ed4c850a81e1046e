// hyparquetReader on files written here with hyparquet-writer (field ids on every column, nested included):
// promotions, timestamp units, INT96, missing columns, nested projection, legacy list layouts, positions,
// row-group pruning, name mapping, and typed errors.
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { DEFAULT_BATCH_SIZE, hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import type { RowGroupInfo } from '../../../src/parquet/codec.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { errorOf, patchFooter, readAll, readBatchesOf, writeParquet, type SchemaEl } from './parquet-files.js'

const root = (n: number): SchemaEl => ({ name: 'table', num_children: n })

describe('hyparquetReader: flat columns and promotions', () => {
  const file = writeParquet(
    [
      root(6),
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 },
      { name: 'i', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 2 },
      { name: 'f', type: 'FLOAT', repetition_type: 'OPTIONAL', field_id: 3 },
      { name: 'd', type: 'INT32', converted_type: 'DECIMAL', precision: 5, scale: 2, repetition_type: 'OPTIONAL', field_id: 4 },
      { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL', field_id: 5 },
      { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 6 },
    ],
    [
      { name: 'id', data: [9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n] },
      { name: 'i', data: [1, null, -2147483648] },
      { name: 'f', data: [1.5, -0, null] },
      { name: 'd', data: [12345n, null, -99999n] },
      { name: 'day', data: [0, -1, null] },
      { name: 's', data: ['héllo ☃ 🐇', null, ''] },
    ],
  )

  it('reads longs exactly beyond 2^53 and keeps the file values as floe values', async () => {
    const s = schema([
      field(1, 'id', T.long, { required: true }),
      field(2, 'i', T.int),
      field(3, 'f', T.float),
      field(4, 'd', T.decimal(5, 2)),
      field(5, 'day', T.date),
      field(6, 's', T.string),
    ])
    expect(await readAll(file, { schema: s })).toEqual([
      { id: 9007199254740993n, i: 1, f: 1.5, d: 12345n, day: 0, s: 'héllo ☃ 🐇' },
      { id: -(2n ** 63n), i: null, f: -0, d: null, day: -1, s: null },
      { id: 2n ** 63n - 1n, i: -2147483648, f: null, d: -99999n, day: null, s: '' },
    ])
  })

  it('applies int→long, float→double, decimal widening and v3 date→timestamp(_ns) promotions', async () => {
    const s = schema([field(2, 'i', T.long), field(3, 'f', T.double), field(4, 'd', T.decimal(20, 2)), field(5, 'day', T.timestamp)])
    expect(await readAll(file, { schema: s })).toEqual([
      { i: 1n, f: 1.5, d: 12345n, day: 0n },
      { i: null, f: -0, d: null, day: -86_400_000_000n },
      { i: -2147483648n, f: null, d: -99999n, day: null },
    ])
    const ns = await readAll(file, { schema: schema([field(5, 'day', T.timestampNs)]) })
    expect(ns.map((r) => r.day)).toEqual([0n, -86_400_000_000_000n, null])
  })

  it('resolves by field id only: renamed and reordered columns, names ignored', async () => {
    const s = schema([field(6, 'text', T.string), field(1, 'key', T.long), field(99, 'i', T.int)])
    const rows = await readAll(file, { schema: s })
    expect(rows[0]).toEqual({ text: 'héllo ☃ 🐇', key: 9007199254740993n, i: null })
    expect(Object.keys(rows[0]!)).toEqual(['text', 'key', 'i'])
  })

  it('rejects incompatible types with INVALID_DATA naming the file and column', async () => {
    for (const [f, what] of [
      [field(6, 's', T.long), 'long'],
      [field(4, 'd', T.decimal(9, 3)), 'scale'],
      [field(4, 'd', T.decimal(4, 2)), 'precision'],
      [field(1, 'id', T.int), 'int'],
      [field(3, 'f', T.struct([field(7, 'x', T.int)])), 'primitive'],
    ] as const) {
      const e = await errorOf(readAll(file, { schema: schema([f]) }, 'bad.parquet'))
      expect(e, what).toBeInstanceOf(FloeError)
      expect((e as FloeError).code).toBe('INVALID_DATA')
      expect((e as FloeError).context).toMatchObject({ file: 'bad.parquet', field: f.name })
    }
  })
})

describe('hyparquetReader: timestamp units and legacy INT96', () => {
  const int96 = (nanosOfDay: bigint, julianDay: number): Uint8Array => {
    const b = new Uint8Array(12)
    const v = new DataView(b.buffer)
    v.setBigUint64(0, nanosOfDay, true)
    v.setInt32(8, julianDay, true)
    return b
  }
  const written = writeParquet(
    [
      root(4),
      { name: 'ms', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type: 'OPTIONAL', field_id: 1 },
      { name: 'ns', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }, repetition_type: 'OPTIONAL', field_id: 2 },
      { name: 't', type: 'INT32', converted_type: 'TIME_MILLIS', repetition_type: 'OPTIONAL', field_id: 3 },
      { name: 'legacy', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 12, repetition_type: 'OPTIONAL', field_id: 4 },
    ],
    [
      { name: 'ms', data: [1_700_000_000_123n, -1n, null] },
      { name: 'ns', data: [1_700_000_000_123_456_789n, -1_500n, null] },
      { name: 't', data: [45_296_123, 0, null] },
      // 2440588 = 1970-01-01; 2440587 + 1 ns before midnight = 1969-12-31T23:59:59.999999999
      { name: 'legacy', data: [int96(1_000_001n, 2_440_588), int96(86_399_999_999_999n, 2_440_587), null], encoding: 'PLAIN' },
    ],
    { statistics: false },
  )
  const file = patchFooter(written, (md) => {
    const el = md.schema[4]!
    el.type = 'INT96'
    delete el.type_length
    for (const rg of md.row_groups) rg.columns[3]!.meta_data!.type = 'INT96'
  })

  it('converts MILLIS and NANOS to µs (floored) or keeps ns, TIME_MILLIS to µs, INT96 to µs or ns', async () => {
    const us = await readAll(file, {
      schema: schema([field(1, 'ms', T.timestamptz), field(2, 'ns', T.timestamp), field(3, 't', T.time), field(4, 'legacy', T.timestamp)]),
    })
    expect(us).toEqual([
      { ms: 1_700_000_000_123_000n, ns: 1_700_000_000_123_456n, t: 45_296_123_000n, legacy: 1_000n },
      { ms: -1_000n, ns: -2n, t: 0n, legacy: -1n },
      { ms: null, ns: null, t: null, legacy: null },
    ])
    const ns = await readAll(file, { schema: schema([field(1, 'ms', T.timestamptzNs), field(2, 'ns', T.timestampNs), field(4, 'legacy', T.timestampNs)]) })
    expect(ns).toEqual([
      { ms: 1_700_000_000_123_000_000n, ns: 1_700_000_000_123_456_789n, legacy: 1_000_001n },
      { ms: -1_000_000n, ns: -1_500n, legacy: -1n },
      { ms: null, ns: null, legacy: null },
    ])
  })
})

describe('hyparquetReader: columns missing from the file', () => {
  const file = writeParquet([root(1), { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 }], [{ name: 'id', data: [1n, 2n] }])

  it('fills constants first, then initial defaults (struct defaults from sub-fields), else null', async () => {
    const s = schema([
      field(1, 'id', T.long, { required: true }),
      field(10, 'part', T.string, { required: true }),
      field(11, 'added', T.long, { required: true, initialDefault: -(2n ** 63n) }),
      field(12, 'maybe', T.double),
      field(13, 'nested', T.struct([field(14, 'a', T.string, { initialDefault: 'x' }), field(15, 'b', T.int)]), { initialDefault: {} }),
      field(16, 'nullPart', T.int, { required: true }),
    ])
    const constants = new Map<number, null | string>([
      [10, 'p=1'],
      [16, null],
    ])
    expect(await readAll(file, { schema: s, constants })).toEqual([
      { id: 1n, part: 'p=1', added: -(2n ** 63n), maybe: null, nested: { a: 'x', b: null }, nullPart: null },
      { id: 2n, part: 'p=1', added: -(2n ** 63n), maybe: null, nested: { a: 'x', b: null }, nullPart: null },
    ])
  })

  it('reads a required column with neither constant nor default as null (liberal, as DuckDB)', async () => {
    const rows = await readAll(file, { schema: schema([field(20, 'must', T.int, { required: true })]) }, 'f.parquet')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.must === null)).toBe(true)
  })

  it('provides _pos and exact positions across row groups and batches', async () => {
    const n = 35
    const f = writeParquet([root(1), { name: 'v', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 1 }], [{ name: 'v', data: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i)) }], {
      rowGroupSize: 10,
    })
    const batches = await readBatchesOf(f, { schema: schema([field(2147483645, '_pos', T.long), field(1, 'v', T.int)]), batchSize: 4 })
    expect(batches.map((b) => b.start)).toEqual([0, 4, 8, 10, 14, 18, 20, 24, 28, 30, 34])
    const rows = batches.flatMap((b) => b.rows)
    expect(rows).toEqual(Array.from({ length: n }, (_, i) => ({ _pos: BigInt(i), v: i % 7 === 0 ? null : i })))
    expect(DEFAULT_BATCH_SIZE).toBeGreaterThan(1000)
  })
})

describe('hyparquetReader: files without field ids', () => {
  const file = writeParquet(
    [
      { name: 'hive_schema', num_children: 3 },
      { name: 'ID', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'loc', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'lat', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      { name: 'tags', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'bag', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'array_element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    [
      { name: 'ID', data: [7, null] },
      { name: 'loc', data: [{ lat: 1.25 }, null] },
      { name: 'tags', data: [['a', 'b'], []] },
    ],
  )
  const s = schema([field(1, 'id', T.long), field(3, 'location', T.struct([field(4, 'latitude', T.double)])), field(5, 'tags', T.list(6, T.string))])

  it('maps physical names through the name mapping (aliases; list elements as `element`)', async () => {
    const nameMapping = [
      { fieldId: 1, names: ['id', 'ID'] },
      { fieldId: 3, names: ['location', 'loc'], fields: [{ fieldId: 4, names: ['latitude', 'lat'] }] },
      { fieldId: 5, names: ['tags'], fields: [{ fieldId: 6, names: ['element'] }] },
    ]
    expect(await readAll(file, { schema: s, nameMapping })).toEqual([
      { id: 7n, location: { latitude: 1.25 }, tags: ['a', 'b'] },
      { id: null, location: null, tags: [] },
    ])
  })

  it('without a mapping assigns top-level fallback ids by position (Java addFallbackIds), never by name', async () => {
    // position 1 = ID, 2 = loc, 3 = tags: field 1 resolves; ids 3 and 5 have no top-level column at those positions
    const byPosition = schema([field(1, 'id', T.long), field(2, 'location', T.struct([field(4, 'latitude', T.double)]))])
    const rows = await readAll(file, { schema: byPosition }, 'hive/000000_0')
    expect(rows.map((r) => r.id)).toEqual([7n, null])
    // nested children get no fallback ids, so the struct's field is missing (null)
    expect(rows.map((r) => r.location)).toEqual([{ latitude: null }, null])
    // constants alone need no mapping
    expect(await readAll(file, { schema: schema([field(9, 'p', T.int)]), constants: new Map([[9, 3]]) })).toEqual([{ p: 3 }, { p: 3 }])
  })
})

describe('hyparquetReader: row groups, codecs, cancellation', () => {
  const n = 100
  const file = writeParquet(
    [
      root(2),
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 },
      { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 2 },
    ],
    [
      { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(i)) },
      { name: 'name', data: Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`) },
    ],
    { rowGroupSize: 25 },
  )
  const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'name', T.string)])

  it('prunes row groups with footer statistics as floe values, keeping positions exact', async () => {
    const seen: RowGroupInfo[] = []
    const batches = await readBatchesOf(file, {
      schema: s,
      rowGroupFilter: (g) => {
        seen.push(g)
        const st = g.columns.get(1)!
        return (st.max as bigint) >= 40n && (st.min as bigint) < 80n
      },
    })
    expect(seen.map((g) => [g.index, g.start, g.rowCount])).toEqual([
      [0, 0, 25],
      [1, 25, 25],
      [2, 50, 25],
      [3, 75, 25],
    ])
    expect(seen[1]!.columns.get(2)).toMatchObject({ min: 'n025', max: 'n049', nullCount: 0n, valueCount: 25n })
    expect(batches.map((b) => b.start)).toEqual([25, 50, 75])
    for (const b of batches) b.rows.forEach((r, i) => expect(r.id).toBe(BigInt(b.start + i)))
  })

  it('reads gzip-compressed and uncompressed pages', async () => {
    for (const codec of ['UNCOMPRESSED', 'GZIP'] as const) {
      const { parquetWriteBuffer } = await import('hyparquet-writer')
      const buf = parquetWriteBuffer({
        codec,
        compressors: { GZIP: (b: Uint8Array) => gzipSync(b) },
        schema: [root(1), { name: 'x', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 1 }] as never,
        columnData: [{ name: 'x', data: [1, null, 3] }],
      })
      expect(await readAll(new Uint8Array(buf), { schema: schema([field(1, 'x', T.int)]) })).toEqual([{ x: 1 }, { x: null }, { x: 3 }])
    }
  })

  it('honours an abort signal with ABORTED, before and during a read', async () => {
    const ac = new AbortController()
    ac.abort()
    const e = await errorOf(readAll(file, { schema: s, signal: ac.signal }))
    expect((e as FloeError).code).toBe('ABORTED')
    const mid = new AbortController()
    const starts: number[] = []
    const e2 = await errorOf(
      (async () => {
        for await (const b of hyparquetReader.readBatches(bytesSource(file, 'abort.parquet'), { schema: s, signal: mid.signal, batchSize: 10 })) {
          starts.push(b.start)
          if (b.start === 20) mid.abort()
        }
      })(),
    )
    expect(starts).toEqual([0, 10, 20])
    expect((e2 as FloeError).code).toBe('ABORTED')
    expect((e2 as FloeError).context.file).toBe('abort.parquet')
  })
})
