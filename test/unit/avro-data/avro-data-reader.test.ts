// Files are written with the table's own schema (createTable assigns fresh field ids).
// Avro data files (Java's write.format.default=avro): rows of every type read back exactly by field id, across
// container blocks, with projection, evolution (defaults, promotions, renames), name mapping for files without
// ids, `_pos`, deletes, and Impala's Avro corpus table.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AVRO_EMPTY_RECORD_BATCH, avroDataReader, readAvroBatches } from '../../../src/avro-data/avro-data-reader.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { concatBytes, varintBytes } from '../../../src/spec/avro/binary.js'
import { readOcfHeader, writeOcf } from '../../../src/spec/avro/ocf.js'
import { readMetadataTable } from '../../../src/table/metadata-tables-read.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field, type Value } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { appendAvroFile, avroDataFileBytes } from '../../support/avro-data-files.js'
import { makeCatalog } from '../../support/catalogs.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'

/** Every type Iceberg stores in Avro, flat and nested. */
const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'b', T.boolean),
  field(3, 'i', T.int),
  field(4, 'f', T.float),
  field(5, 'd', T.double),
  field(6, 'dec', T.decimal(9, 2)),
  field(7, 'wide', T.decimal(30, 4)),
  field(8, 'day', T.date),
  field(9, 'tod', T.time),
  field(10, 'ts', T.timestamp),
  field(11, 'tstz', T.timestamptz),
  field(12, 's', T.string),
  field(13, 'u', T.uuid),
  field(14, 'fx', T.fixed(3)),
  field(15, 'bin', T.binary),
  field(16, 'l', T.list(17, T.int)),
  field(18, 'sm', T.map(19, T.string, 20, T.long)),
  field(21, 'im', T.map(22, T.int, 23, T.string)),
  field(24, 'st', T.struct([field(25, 'a', T.int), field(26, 'name with space', T.string)])),
  field(27, 'ls', T.list(28, T.struct([field(29, 'x', T.long, { required: true })]))),
])

const bytes = (n?: number): fc.Arbitrary<Uint8Array> => fc.uint8Array(n === undefined ? { maxLength: 6 } : { minLength: n, maxLength: n })
const maybe = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null })
const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })

const row = fc.record({
  id: long,
  b: maybe(fc.boolean()),
  i: maybe(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  f: maybe(fc.float({ noNaN: true })),
  d: maybe(fc.double()),
  dec: maybe(fc.bigInt({ min: -(10n ** 9n) + 1n, max: 10n ** 9n - 1n })),
  wide: maybe(fc.bigInt({ min: -(10n ** 30n) + 1n, max: 10n ** 30n - 1n })),
  day: maybe(fc.integer({ min: -100000, max: 100000 })),
  tod: maybe(fc.bigInt({ min: 0n, max: 86_399_999_999n })),
  ts: maybe(long),
  tstz: maybe(long),
  s: maybe(fc.string({ unit: 'binary', maxLength: 8 })),
  u: maybe(bytes(16)),
  fx: maybe(bytes(3)),
  bin: maybe(bytes()),
  l: maybe(fc.array(maybe(fc.integer({ min: -5, max: 5 })), { maxLength: 3 })),
  sm: maybe(fc.array(fc.tuple(fc.string({ maxLength: 3 }), maybe(long)), { maxLength: 3 }).map((es) => new Map(es))),
  im: maybe(fc.array(fc.tuple(fc.integer({ min: -9, max: 9 }), maybe(fc.string({ maxLength: 3 }))), { maxLength: 3 }).map((es) => new Map(es))),
  st: maybe(fc.record({ a: maybe(fc.integer({ min: -9, max: 9 })), 'name with space': maybe(fc.string({ maxLength: 3 })) })),
  ls: maybe(fc.array(fc.record({ x: long }), { maxLength: 2 })),
}) as fc.Arbitrary<Record<string, Value>>

async function table(s: Schema, props: Record<string, string> = {}): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: s, properties: { 'format-version': '3', ...props } })
}

const byId = (rows: readonly Record<string, unknown>[]): Record<string, unknown>[] => [...rows].sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : (a.id as bigint) > (b.id as bigint) ? 1 : 0))

describe('Avro data files', () => {
  it('read back every type exactly, across container blocks, with positions (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(row, { minLength: 1, maxLength: 25, selector: (r) => r.id }), fc.constantFrom(64, 100_000), async (rows, blockBytes) => {
        let t = await table(SCHEMA)
        t = await appendAvroFile(t, t.schema(), rows, 'f0', blockBytes)
        expect(byId(await t.scan().toArray())).toEqual(byId(rows))
        // `_pos` is the row's index in the file, whatever block it is in
        const pos = await t.scan({ select: ['id', '_pos'] }).toArray()
        expect(pos.map((r) => r._pos)).toEqual(rows.map((_, i) => BigInt(i)))
        expect(pos.map((r) => r.id)).toEqual(rows.map((r) => r.id))
      }),
      { numRuns: 25 },
    )
  })

  it('stream a file in windows smaller than its header and blocks, with the same rows and positions', async () => {
    const rows = fc.sample(row, { numRuns: 60, seed: 11 }).map((r, i) => ({ ...r, id: BigInt(i) }))
    const t = await table(SCHEMA)
    for (const blockBytes of [64, 1000]) {
      const data = avroDataFileBytes(t.schema(), rows, blockBytes)
      const whole: unknown[] = []
      for await (const b of readAvroBatches(bytesSource(data, 'w.avro'), { schema: t.schema() }, data.length + 1)) whole.push(b)
      for (const window of [1, 7, 100, 4096]) {
        const reads: number[] = []
        const source = { ...bytesSource(data, 'w.avro'), read: async (a: number, b: number) => (reads.push(b - a), data.slice(a, b)) }
        const got: unknown[] = []
        for await (const b of readAvroBatches(source, { schema: t.schema() }, window)) got.push(b)
        expect(got, `window ${window}`).toEqual(whole)
        // never the whole file at once: the header and each block are read on their own
        expect(Math.max(...reads), `window ${window}`).toBeLessThan(data.length)
      }
    }
  })

  it('fail at once on a file that is no Avro container, and on a source that returns short reads', async () => {
    const data = avroDataFileBytes(SCHEMA, [{ id: 1n }])
    const reads: number[] = []
    const notAvro = Uint8Array.from(data)
    notAvro[0] = 0x50 // 'P'
    const counting = { ...bytesSource(notAvro, 'p.avro'), read: async (a: number, b: number) => (reads.push(b - a), notAvro.slice(a, b)) }
    const run = async (src: typeof counting): Promise<unknown> => {
      try {
        for await (const _ of readAvroBatches(src, { schema: SCHEMA }, 16)) void _
      } catch (e) {
        return e
      }
      return undefined
    }
    expect(await run(counting)).toMatchObject({ code: 'INVALID_AVRO', context: { file: 'p.avro' } })
    expect(reads).toEqual([16])
    // a source that never returns more than 10 bytes: a typed error, not an endless retry
    const short = { ...bytesSource(data, 's.avro'), read: async (a: number, b: number) => data.slice(a, Math.min(b, a + 10)) }
    expect(await run(short)).toMatchObject({ code: 'INVALID_AVRO', context: { file: 's.avro' } })
  })

  it('project and filter by field id, with nested selections', async () => {
    const rows = fc.sample(row, { numRuns: 30, seed: 3 }).map((r, i) => ({ ...r, id: BigInt(i) }))
    let t = await table(SCHEMA)
    t = await appendAvroFile(t, t.schema(), rows, 'f0', 128)
    const got = await t.scan({ select: ['id', 'st.a', 's'], filter: 'id >= 10 and id < 20' }).toArray()
    expect(byId(got)).toEqual(rows.slice(10, 20).map((r: Record<string, Value>) => ({ id: r.id, s: r.s, st: r.st === null ? null : { a: (r.st as Record<string, Value>).a } })))
  })

  it('evolve: renamed and promoted columns, added columns with initial defaults, dropped columns skipped', async () => {
    const old = schema([field(1, 'id', T.int, { required: true }), field(2, 'x', T.float), field(3, 'gone', T.string), field(4, 'amount', T.decimal(9, 2))])
    let t = await table(old)
    t = await appendAvroFile(t, t.schema(), [{ id: 1, x: 1.5, gone: 'a', amount: 123n }, { id: 2, x: null, gone: null, amount: -5n }], 'old')
    t = await t
      .transaction()
      .updateSchema((u) =>
        void u
          .updateColumn('id', T.long)
          .updateColumn('x', T.double)
          .updateColumn('amount', T.decimal(12, 2))
          .renameColumn('x', 'ratio')
          .deleteColumn('gone')
          .addColumn('added', T.string, { initialDefault: 'dflt' })
          .addColumn('st', T.struct([field(0, 'k', T.int, { initialDefault: 7 })]), { initialDefault: {} }),
      )
      .commit()
    expect(byId(await t.scan().toArray())).toEqual([
      { id: 1n, ratio: 1.5, amount: 123n, added: 'dflt', st: { k: 7 } },
      { id: 2n, ratio: null, amount: -5n, added: 'dflt', st: { k: 7 } },
    ])
  })

  it('take field ids from the name mapping when the file has none (else from the column names)', async () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'city', T.string), field(3, 'p', T.struct([field(4, 'lat', T.double)]))])
    // an Avro file as a Hive-era writer made it: no field-id attributes, older column names
    const avroSchema = {
      type: 'record',
      name: 'hive',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'town', type: ['null', 'string'], default: null },
        { name: 'p', type: ['null', { type: 'record', name: 'pt', fields: [{ name: 'latitude', type: ['null', 'double'], default: null }] }], default: null },
      ],
    }
    const data = writeOcf(avroSchema, [{ id: 1n, town: 'Oslo', p: { latitude: 59.9 } }])
    const mapping = [
      { 'field-id': 1, names: ['id'] },
      { 'field-id': 2, names: ['city', 'town'] },
      { 'field-id': 3, names: ['p'], fields: [{ 'field-id': 4, names: ['lat', 'latitude'] }] },
    ]
    let t = await table(s, { 'schema.name-mapping.default': JSON.stringify(mapping) })
    const path = `${t.metadata.location}/data/hive.avro`
    await t.env.io.write(path, data)
    t = await t.append([{ content: 'data', filePath: path, fileFormat: 'AVRO', specId: 0, partition: [], recordCount: 1n, fileSizeInBytes: BigInt(data.length) }])
    expect(await t.scan().toArray()).toEqual([{ id: 1n, city: 'Oslo', p: { lat: 59.9 } }])
    // without a mapping, names that match the schema resolve, others read as null
    const plain = await table(s)
    const rows = []
    for await (const b of avroDataReader.readBatches(bytesSource(data, 'hive.avro'), { schema: plain.schema() })) rows.push(...b.rows)
    expect(rows).toEqual([{ id: 1n, city: null, p: { lat: null } }])
  })

  it('apply position and equality deletes, and merge-on-read deletes of Avro rows', async () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'v', T.string)])
    let t = await table(s, { 'format-version': '2' })
    t = await appendAvroFile(t, t.schema(), [0, 1, 2, 3, 4].map((i) => ({ id: BigInt(i), v: `v${i}` })), 'f0')
    t = await t.deleteRows('id in (1, 3)', { mode: 'merge-on-read' })
    expect(byId(await t.scan().toArray()).map((r) => r.id)).toEqual([0n, 2n, 4n])
    expect((await t.scan({ filter: '_deleted = true' }).toArray()).map((r) => r.id).sort()).toEqual([1n, 3n])
    // copy-on-write rewrites the Avro file's kept rows into Parquet
    t = await t.deleteRows('id = 0', { mode: 'copy-on-write' })
    expect(byId(await t.scan().toArray())).toEqual([
      { id: 2n, v: 'v2' },
      { id: 4n, v: 'v4' },
    ])
  })

  it('read Avro position and equality delete files', async () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 'v', T.string)])
    let t = await table(s, { 'format-version': '2' })
    t = await appendAvroFile(t, t.schema(), [0, 1, 2, 3, 4].map((i) => ({ id: BigInt(i), v: `v${i}` })), 'f0')
    const dataPath = (await t.scan().planFiles())[0]!.file.filePath
    // spec §Position Delete Files and §Equality Delete Files, as Avro (reserved ids 2147483546/2147483545)
    const posSchema = schema([field(2147483546, 'file_path', T.string, { required: true }), field(2147483545, 'pos', T.long, { required: true })])
    const posBytes = avroDataFileBytes(posSchema, [{ file_path: dataPath, pos: 1n }, { file_path: dataPath, pos: 3n }])
    const eqSchema = schema([field(t.schema().fields.find((f) => f.name === 'v')!.id, 'v', T.string)])
    const eqBytes = avroDataFileBytes(eqSchema, [{ v: 'v4' }])
    const loc = t.metadata.location
    await t.env.io.write(`${loc}/data/pos.avro`, posBytes)
    await t.env.io.write(`${loc}/data/eq.avro`, eqBytes)
    const common = { fileFormat: 'AVRO' as const, specId: 0, partition: [] }
    t = await t
      .transaction()
      .rowDelta({
        addDeletes: [
          { ...common, content: 'position-deletes', filePath: `${loc}/data/pos.avro`, recordCount: 2n, fileSizeInBytes: BigInt(posBytes.length) },
          { ...common, content: 'equality-deletes', filePath: `${loc}/data/eq.avro`, recordCount: 1n, fileSizeInBytes: BigInt(eqBytes.length), equalityIds: [eqSchema.fields[0]!.id] },
        ],
      })
      .commit()
    expect(byId(await t.scan().toArray()).map((r) => r.id)).toEqual([0n, 2n])
    // the position_deletes metadata table reads the Avro delete file too
    const pd = await readMetadataTable({ io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }, 'position_deletes')
    expect(pd.rows.map((r) => [r.file_path, r.pos])).toEqual([
      [dataPath, 1n],
      [dataPath, 3n],
    ])
  })

  it('scale millisecond timestamps and times (Hive writes them) to the column unit; read variants', async () => {
    const avsc = {
      type: 'record',
      name: 'hive',
      fields: [
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' }, 'field-id': 1 },
        { name: 'lts', type: { type: 'long', logicalType: 'local-timestamp-millis' }, 'field-id': 2 },
        { name: 'tm', type: { type: 'int', logicalType: 'time-millis' }, 'field-id': 3 },
        { name: 'us', type: { type: 'long', logicalType: 'timestamp-micros' }, 'field-id': 4 },
        { name: 'ns', type: { type: 'long', logicalType: 'timestamp-micros' }, 'field-id': 5 },
        { name: 'v', type: ['null', { type: 'record', name: 'r6', logicalType: 'variant', fields: [{ name: 'metadata', type: 'bytes' }, { name: 'value', type: 'bytes' }] }], 'field-id': 6 },
      ],
    }
    const data = writeOcf(avsc, [{ ts: 1_700_000_000_123n, lts: -1n, tm: 3_600_001, us: 5n, ns: 7n, v: { metadata: Buffer.from([1, 0, 0]), value: Buffer.from([12, 1]) } }])
    const read = schema([
      field(1, 'ts', T.timestamptz),
      field(2, 'lts', T.timestamp),
      field(3, 'tm', T.time),
      field(4, 'us', T.timestamp),
      field(5, 'ns', T.timestampNs),
      field(6, 'v', T.variant),
    ])
    const rows = []
    for await (const b of avroDataReader.readBatches(bytesSource(data, 'hive.avro'), { schema: read })) rows.push(...b.rows)
    expect(rows).toEqual([{ ts: 1_700_000_000_123_000n, lts: -1000n, tm: 3_600_001_000n, us: 5n, ns: 7000n, v: { metadata: Uint8Array.from([1, 0, 0]), value: Uint8Array.from([12, 1]) } }])
  })

  it('fail typed when a date or millisecond timestamp scaled to the column unit leaves the 64-bit range', async () => {
    const avsc = {
      type: 'record',
      name: 'r',
      fields: [
        { name: 'd', type: { type: 'int', logicalType: 'date' }, 'field-id': 1 },
        { name: 'ms', type: { type: 'long', logicalType: 'timestamp-millis' }, 'field-id': 2 },
      ],
    }
    const read = async (d: number, ms: bigint, sch: Schema): Promise<unknown> => {
      try {
        const rows = []
        for await (const b of avroDataReader.readBatches(bytesSource(writeOcf(avsc, [{ d, ms }]), 'big.avro'), { schema: sch })) rows.push(...b.rows)
        return rows
      } catch (e) {
        return e
      }
    }
    const us = schema([field(1, 'd', T.timestamp), field(2, 'ms', T.timestamp)])
    const ns = schema([field(1, 'd', T.timestampNs), field(2, 'ms', T.timestampNs)])
    // the last values that fit read exactly
    expect(await read(106_751_991, 9_223_372_036_854_775n, us)).toEqual([{ d: 106_751_991n * 86_400_000_000n, ms: 9_223_372_036_854_775_000n }])
    expect(await read(-106_751, -9_223_372_036_854n, ns)).toEqual([{ d: -106_751n * 86_400_000_000_000n, ms: -9_223_372_036_854_000_000n }])
    // one past fails, naming the file
    expect(await read(106_751_992, 0n, us)).toMatchObject({ code: 'INVALID_DATA', context: { file: 'big.avro' } })
    expect(await read(0, 9_223_372_036_854_776n, us)).toMatchObject({ code: 'INVALID_DATA', context: { file: 'big.avro' } })
    expect(await read(106_752, 0n, ns)).toMatchObject({ code: 'INVALID_DATA', context: { file: 'big.avro' } })
  })

  it('fail typed on damaged block counts and on columns stored as another type, naming the file', async () => {
    const avsc = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }, { name: 's', type: 'string', 'field-id': 2 }] }
    const good = writeOcf(avsc, [{ id: 1n, s: 'a' }, { id: 2n, s: 'b' }], { codec: 'null' })
    const read = schema([field(1, 'id', T.long), field(2, 's', T.string)])
    const run = async (bytes: Uint8Array, sch: Schema = read): Promise<unknown> => {
      try {
        for await (const _ of avroDataReader.readBatches(bytesSource(bytes, 'x.avro'), { schema: sch })) void _
        return undefined
      } catch (e) {
        return e
      }
    }
    expect(await run(good)).toBeUndefined()
    // the block's record count (one zig-zag varint byte for 2) replaced
    const h = readOcfHeader(good)
    const withCount = (varint: number[]): Uint8Array => Uint8Array.from([...good.subarray(0, h.dataOffset), ...varint, ...good.subarray(h.dataOffset + 1)])
    // 2^33 records (zig-zag varint), far more than the block holds; 1 record, leaving bytes unread; 3 records
    for (const varint of [[0x80, 0x80, 0x80, 0x80, 0x40], [2], [6]]) expect(await run(withCount(varint)), String(varint)).toMatchObject({ code: 'INVALID_AVRO', context: { file: 'x.avro' } })
    expect(await run(good, schema([field(1, 'id', T.long), field(2, 's', T.int)]))).toMatchObject({ code: 'INVALID_DATA', context: { file: 'x.avro', field: 's' } })
  })

  it('read blocks of more than 1,000,000 zero-byte records in bounded batches, with positions', async () => {
    // a v3 table of only `unknown` columns: every record encodes to no bytes, so a block's count is not bounded by its size
    const avsc = { type: 'record', name: 'table', fields: [{ name: 'u', type: 'null', 'field-id': 1 }] }
    const header = writeOcf(avsc, [], { codec: 'null' })
    const sync = readOcfHeader(header).sync
    const block = (count: number, data = new Uint8Array(0)): Uint8Array => concatBytes([varintBytes(count), varintBytes(data.length), data, sync])
    const file = concatBytes([header, block(1_100_000), block(0), block(5)])
    const read = schema([field(1, 'u', T.unknown), field(2147483645, '_pos', T.long, { required: true })])
    const sizes: number[] = []
    let next = 0
    for await (const b of readAvroBatches(bytesSource(file, 'u.avro'), { schema: read })) {
      expect(b.start).toBe(next)
      sizes.push(b.rows.length)
      b.rows.forEach((r, i) => {
        if (r.u !== null || r._pos !== BigInt(b.start + i)) throw new Error(`row ${b.start + i}`)
      })
      next += b.rows.length
    }
    expect(next).toBe(1_100_005)
    expect(Math.max(...sizes)).toBe(AVRO_EMPTY_RECORD_BATCH)
    // stopping early stops decoding (an abort between batches of one block is honoured)
    const ac = new AbortController()
    const seen: number[] = []
    const aborted = await (async () => {
      for await (const b of readAvroBatches(bytesSource(file, 'u.avro'), { schema: read, signal: ac.signal })) (seen.push(b.rows.length), ac.abort())
    })().catch((e: unknown) => e)
    expect(aborted).toMatchObject({ code: 'ABORTED' })
    expect(seen).toEqual([AVRO_EMPTY_RECORD_BATCH])
    // a zero-byte block must still be consumed exactly; a schema whose records take bytes keeps the count check
    const run = async (bytes: Uint8Array, sch: Schema = read): Promise<unknown> =>
      (async () => {
        for await (const _ of readAvroBatches(bytesSource(bytes, 'u.avro'), { schema: sch })) void _
      })().catch((e: unknown) => e)
    expect(await run(concatBytes([header, block(1_100_000, Uint8Array.of(0))]))).toMatchObject({ code: 'INVALID_AVRO', message: expect.stringMatching(/trailing/) })
    const longs = writeOcf({ type: 'record', name: 'table', fields: [{ name: 'id', type: 'long', 'field-id': 1 }] }, [], { codec: 'null' })
    const lsync = readOcfHeader(longs).sync
    expect(await run(concatBytes([longs, varintBytes(1_100_000), varintBytes(0), lsync]), schema([field(1, 'id', T.long)]))).toMatchObject({ code: 'INVALID_AVRO', message: expect.stringMatching(/cannot fit/) })
  })

  it('fail typed on a damaged file, naming it', async () => {
    const data = avroDataFileBytes(SCHEMA, [{ id: 1n }])
    const cut = data.slice(0, data.length - 20)
    const e = await (async () => {
      for await (const _ of avroDataReader.readBatches(bytesSource(cut, 'bad.avro'), { schema: SCHEMA })) void _
    })().catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'INVALID_AVRO', context: { file: 'bad.avro' } })
  })

  it("read Impala's Avro corpus table (v3 initial-default on a column added after the first file)", async () => {
    const ct = corpusTables().find((c) => c.dir.endsWith('iceberg_v3/iceberg_v3_default_value_avro'))!
    const t = await openCorpusTable(ct)
    const rows = await t.scan().toArray()
    // the answer of the Parquet twin table, read from its own files
    const twin = await openCorpusTable(corpusTables().find((c) => c.dir.endsWith('iceberg_v3/iceberg_v3_default_value'))!)
    const want = await twin.scan().toArray()
    const sort = (rs: readonly Record<string, unknown>[]): Record<string, unknown>[] => [...rs].sort((a, b) => (a.i as number) - (b.i as number))
    expect(sort(rows)).toEqual(sort(want))
    expect(sort(rows)).toEqual([
      { i: 1, j: -1 },
      { i: 2, j: 2 },
    ])
  })
})
