// Manifest files: write/read per version, header keys, inheritance, partition typing, fallbacks, errors.
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../../src/errors.js'
import { readManifest, writeManifest } from '../../../../src/spec/avro/manifest-codec.js'
import { readOcfHeader, writeOcf } from '../../../../src/spec/avro/ocf.js'
import { parseJson, type JsonValue } from '../../../../src/spec/json/lossless.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../../src/spec/partition-spec.js'
import { schema } from '../../../../src/spec/schema.js'
import { Transforms } from '../../../../src/spec/transform.js'
import { T, field } from '../../../../src/spec/types.js'
import { dropFieldIds, reencode } from '../../../property/arbitraries/manifest.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'ts', T.timestamptz),
  field(3, 'price', T.decimal(20, 2)),
  field(4, 'key', T.uuid),
  field(5, 'name', T.string),
  field(6, 'd', T.date),
])
const SPEC: PartitionSpec = {
  specId: 3,
  fields: [
    { sourceId: 2, fieldId: 1000, name: 'ts_day', transform: Transforms.day },
    { sourceId: 3, fieldId: 1001, name: 'price', transform: Transforms.identity },
    { sourceId: 4, fieldId: 1002, name: 'key bucket', transform: Transforms.bucket(16) },
    { sourceId: 4, fieldId: 1003, name: 'key', transform: Transforms.identity },
    { sourceId: 5, fieldId: 1004, name: 'name', transform: Transforms.identity },
  ],
}
const UUID = Uint8Array.from({ length: 16 }, (_, i) => i * 11)

function file(i: number, extra: Partial<DataFile> = {}): DataFile {
  return {
    content: 'data',
    filePath: `s3://b/t/data/f${i}.parquet`,
    fileFormat: 'PARQUET',
    specId: 3,
    partition: [20150 + i, -12345678901234567890n, i, UUID, i % 2 ? null : `n${i}`],
    recordCount: BigInt(100 + i),
    fileSizeInBytes: 4096n,
    columnSizes: new Map([[1, 10n], [2, 20n]]),
    valueCounts: new Map([[1, 100n]]),
    nullValueCounts: new Map([[1, 0n]]),
    nanValueCounts: new Map(),
    lowerBounds: new Map([[1, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)]]),
    upperBounds: new Map([[1, Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0)]]),
    splitOffsets: [4n, 1000n],
    sortOrderId: 0,
    ...extra,
  }
}

const SID = 7342794868382145167n
const LIST_ENTRY: ManifestFile = {
  manifestPath: 's3://b/t/metadata/m0.avro',
  manifestLength: 1n,
  partitionSpecId: 3,
  content: 'data',
  sequenceNumber: 12n,
  minSequenceNumber: 5n,
  addedSnapshotId: 999n,
}

function expectCode(fn: () => unknown, code: string): FloeError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError)
    expect((e as FloeError).code).toBe(code)
    return e as FloeError
  }
  throw new Error('expected an error')
}

describe('writeManifest / readManifest', () => {
  it('round-trips v2 entries exactly, partition values typed from the spec', () => {
    const es: ManifestEntry[] = [
      { status: 'added', snapshotId: SID, sequenceNumber: 12n, fileSequenceNumber: 12n, dataFile: file(0) },
      { status: 'existing', snapshotId: 1n, sequenceNumber: 5n, fileSequenceNumber: 6n, dataFile: file(1, { keyMetadata: Uint8Array.of(1, 2) }) },
      { status: 'deleted', snapshotId: SID, sequenceNumber: 7n, fileSequenceNumber: 7n, dataFile: file(2) },
    ]
    const bytes = writeManifest(es, { formatVersion: 2, spec: SPEC, schema: SCHEMA })
    const m = readManifest(bytes)
    expect(m.entries).toEqual(es)
    expect(m.formatVersion).toBe(2)
    expect(m.content).toBe('data')
    expect(m.specId).toBe(3)
    expect(m.spec).toEqual(SPEC)
    expect(m.schema).toEqual(SCHEMA)
  })

  it('writes bounds from any Uint8Array: Buffers, and views into a larger buffer', () => {
    const big = Uint8Array.from({ length: 64 }, (_, i) => i)
    const lower = new Map<number, Uint8Array>([[1, big.subarray(8, 16)], [2, Buffer.from([9, 9])]])
    const upper = new Map<number, Uint8Array>([[1, new Uint8Array(big.buffer, 40, 8)], [2, Buffer.from('zz')]])
    const es: ManifestEntry[] = [{ status: 'added', snapshotId: SID, dataFile: { ...file(0), lowerBounds: lower, upperBounds: upper } }]
    const back = readManifest(writeManifest(es, { formatVersion: 2, spec: SPEC, schema: SCHEMA })).entries[0]!.dataFile
    expect([...back.lowerBounds!].map(([k, v]) => [k, [...v]])).toEqual([[1, [8, 9, 10, 11, 12, 13, 14, 15]], [2, [9, 9]]])
    expect([...back.upperBounds!].map(([k, v]) => [k, [...v]])).toEqual([[1, [40, 41, 42, 43, 44, 45, 46, 47]], [2, [122, 122]]])
  })

  it('writes Java header keys and a deflate container', () => {
    const bytes = writeManifest([], { formatVersion: 2, spec: SPEC, schema: SCHEMA, content: 'deletes' })
    const meta = readOcfHeader(bytes).metadata
    expect(meta.get('avro.codec')).toBe('deflate')
    expect(meta.get('format-version')).toBe('2')
    expect(meta.get('content')).toBe('deletes')
    expect(meta.get('partition-spec-id')).toBe('3')
    // the spec requires schema-id from v2 (Java leaves it out, PyIceberg writes it); v1 manifests go without
    expect(meta.get('schema-id')).toBe(String(SCHEMA.schemaId))
    expect(readOcfHeader(writeManifest([], { formatVersion: 1, spec: SPEC, schema: SCHEMA })).metadata.has('schema-id')).toBe(false)
    expect(parseJson(meta.get('partition-spec')!)).toEqual([
      { name: 'ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
      { name: 'price', transform: 'identity', 'source-id': 3, 'field-id': 1001 },
      { name: 'key bucket', transform: 'bucket[16]', 'source-id': 4, 'field-id': 1002 },
      { name: 'key', transform: 'identity', 'source-id': 4, 'field-id': 1003 },
      { name: 'name', transform: 'identity', 'source-id': 5, 'field-id': 1004 },
    ])
    expect((parseJson(meta.get('schema')!) as { fields: unknown[] }).fields).toHaveLength(6)
    const iceberg = parseJson(meta.get('iceberg.schema')!) as { fields: { id: number }[] }
    expect(iceberg.fields.map((f) => f.id)).toEqual([0, 1, 3, 4, 2])
    // the partition struct is r102 with sanitised names and decimal as fixed(9)
    const text = readOcfHeader(bytes).schemaText
    expect(text).toContain('"name":"r102"')
    expect(text).toContain('"name":"key_x20bucket","type":["null","int"],"default":null,"iceberg-field-name":"key bucket","field-id":1002')
    expect(text).toContain('{"type":"fixed","name":"decimal_20_2","size":9,"logicalType":"decimal","precision":20,"scale":2}')
    expect(readManifest(writeManifest([], { formatVersion: 2, spec: SPEC, schema: SCHEMA, codec: 'null' })).entries).toEqual([])
  })

  it('v3 keeps row-lineage and DV fields; v2 drops them', () => {
    const dv = file(0, { content: 'position-deletes', fileFormat: 'PUFFIN', referencedDataFile: 's3://b/t/data/f9.parquet', contentOffset: 4n, contentSizeInBytes: 40n, firstRowId: 77n })
    const e: ManifestEntry = { status: 'added', snapshotId: SID, dataFile: dv }
    expect(readManifest(writeManifest([e], { formatVersion: 3, spec: SPEC, schema: SCHEMA, content: 'deletes' })).entries).toEqual([e])
    const { contentOffset: _a, contentSizeInBytes: _b, firstRowId: _c, ...v2 } = dv
    expect(readManifest(writeManifest([e], { formatVersion: 2, spec: SPEC, schema: SCHEMA, content: 'deletes' })).entries).toEqual([{ ...e, dataFile: v2 }])
  })

  it('v1 manifests: block size written, content data and sequence numbers 0 on read', () => {
    const f = file(0)
    const bytes = writeManifest([{ status: 'added', snapshotId: SID, dataFile: f }], { formatVersion: 1, spec: SPEC, schema: SCHEMA })
    const meta = readOcfHeader(bytes).metadata
    expect(meta.get('format-version')).toBe('1')
    expect(meta.has('content')).toBe(false)
    const m = readManifest(bytes)
    expect(m.formatVersion).toBe(1)
    expect(m.entries).toEqual([{ status: 'added', snapshotId: SID, sequenceNumber: 0n, fileSequenceNumber: 0n, dataFile: { ...f, blockSizeInBytes: 67108864n } }])
  })

  it('applies inheritance from the manifest-list entry (FACTS §3)', () => {
    const es: ManifestEntry[] = [
      { status: 'added', dataFile: file(0) },
      { status: 'existing', sequenceNumber: 4n, dataFile: file(1) },
      { status: 'added', snapshotId: 5n, sequenceNumber: 3n, fileSequenceNumber: 11n, dataFile: file(2) },
      { status: 'deleted', sequenceNumber: 2n, dataFile: file(3) },
    ]
    const bytes = writeManifest(es, { formatVersion: 2, spec: SPEC, schema: SCHEMA })
    const raw = readManifest(bytes).entries
    expect(raw[0]!.snapshotId).toBeUndefined()
    expect(raw[0]!.sequenceNumber).toBeUndefined()
    const got = readManifest(bytes, { manifest: LIST_ENTRY }).entries
    expect(got.map((e) => [e.snapshotId, e.sequenceNumber, e.fileSequenceNumber])).toEqual([
      [999n, 12n, 12n],
      [999n, 4n, undefined],
      [5n, 3n, 11n],
      [999n, 2n, undefined],
    ])
    // a list sequence number of 0 (v1 manifests in an upgraded table) is inherited by every entry
    const zero = readManifest(bytes, { manifest: { ...LIST_ENTRY, sequenceNumber: 0n } }).entries
    expect(zero.map((e) => e.fileSequenceNumber)).toEqual([0n, 0n, 11n, 0n])
  })

  it('assigns first_row_id to live data files from the list entry (v3 row lineage)', () => {
    const es: ManifestEntry[] = [
      { status: 'added', dataFile: file(0, { recordCount: 10n }) },
      { status: 'deleted', sequenceNumber: 1n, dataFile: file(1, { recordCount: 1000n }) },
      { status: 'existing', sequenceNumber: 1n, dataFile: file(2, { recordCount: 5n, firstRowId: 3n }) },
      { status: 'added', dataFile: file(3, { recordCount: 7n }) },
    ]
    const bytes = writeManifest(es, { formatVersion: 3, spec: SPEC, schema: SCHEMA })
    const got = readManifest(bytes, { manifest: { ...LIST_ENTRY, firstRowId: 100n } }).entries
    expect(got.map((e) => e.dataFile.firstRowId)).toEqual([100n, undefined, 3n, 110n])
  })

  it('reads header-stripped files with the table specs and schema', () => {
    const es: ManifestEntry[] = [{ status: 'added', snapshotId: SID, sequenceNumber: 1n, fileSequenceNumber: 1n, dataFile: file(0) }]
    const stripped = reencode(writeManifest(es, { formatVersion: 2, spec: SPEC, schema: SCHEMA }))
    expect(readOcfHeader(stripped).metadata.has('schema')).toBe(false)
    const e = expectCode(() => readManifest(stripped, { file: 'stripped.avro' }), 'INVALID_METADATA')
    expect(e.message).toContain('stripped.avro')
    const m = readManifest(stripped, { specs: [SPEC], schema: SCHEMA, manifest: LIST_ENTRY, formatVersion: 2 })
    expect(m.entries).toEqual(es)
    expect(m.specId).toBe(3)
    expect(m.formatVersion).toBe(2)
    expect(m.schema).toEqual(SCHEMA)
    // without a format-version, it is inferred from the writer schema
    expect(readManifest(stripped, { specs: new Map([[3, SPEC]]), manifest: LIST_ENTRY }).formatVersion).toBe(2)
  })

  it('resolves fields by name when a writer left field ids out', () => {
    const es: ManifestEntry[] = [{ status: 'added', snapshotId: SID, sequenceNumber: 1n, fileSequenceNumber: 1n, dataFile: file(0) }]
    const noIds = reencode(writeManifest(es, { formatVersion: 2, spec: SPEC, schema: SCHEMA }), { keep: ['partition-spec', 'partition-spec-id', 'schema'], schema: dropFieldIds })
    expect(readOcfHeader(noIds).schemaText).not.toContain('field-id')
    expect(readManifest(noIds).entries).toEqual(es)
  })

  it('reads reordered, all-nullable, renamed layouts with extra fields (DuckDB / BigQuery style)', () => {
    const opt = (t: JsonValue): JsonValue => ['null', t]
    const kv = (name: string, v: string): JsonValue => opt({ type: 'array', logicalType: 'map', items: opt({ type: 'record', name, fields: [{ name: 'key', type: opt('int') }, { name: 'value', type: opt(v) }] }) })
    const schemaJson: JsonValue = {
      type: 'record',
      name: 'manifest_entry',
      fields: [
        {
          name: 'data_file',
          'field-id': 2,
          type: opt({
            type: 'record',
            name: 'data_file',
            fields: [
              { name: 'file_format', type: opt('string'), 'field-id': 101 },
              { name: 'extra', type: opt('string'), 'field-id': 9999 },
              { name: 'lower_bounds', type: kv('element0', 'bytes'), 'field-id': 125 },
              { name: 'record_count', type: opt('long'), 'field-id': 103 },
              { name: 'file_size_in_bytes', type: opt('long'), 'field-id': 104 },
              { name: 'value_counts', type: kv('element1', 'long'), 'field-id': 109 },
              { name: 'file_path', type: opt('string'), 'field-id': 100 },
              { name: 'partition', type: opt({ type: 'record', name: 'partition', fields: [{ name: 'p', type: opt('int'), 'field-id': 1000 }] }), 'field-id': 102 },
            ],
          }),
        },
        { name: 'status', type: opt('int'), 'field-id': 0 },
        { name: 'unknown_top', type: { type: 'map', values: 'long' }, 'field-id': 4242 },
      ],
    }
    const rec = {
      data_file: {
        file_format: 'parquet',
        extra: 'x',
        lower_bounds: [{ key: 1, value: Buffer.from([7]) }, null],
        record_count: 3n,
        file_size_in_bytes: 10n,
        value_counts: null,
        file_path: 'gs://b/f.parquet',
        partition: { p: 7 },
      },
      status: 1,
      unknown_top: { a: 1n },
    }
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'p', transform: Transforms.identity }] }
    const bytes = writeOcf(schemaJson, [rec], { codec: 'null' })
    const m = readManifest(bytes, { specs: [spec], schema: schema([field(1, 'p', T.long)]), manifest: { ...LIST_ENTRY, partitionSpecId: 0 } })
    expect(m.entries).toEqual([
      {
        status: 'added',
        snapshotId: 999n,
        sequenceNumber: 12n,
        fileSequenceNumber: 12n,
        dataFile: { content: 'data', filePath: 'gs://b/f.parquet', fileFormat: 'PARQUET', specId: 0, partition: [7n], recordCount: 3n, fileSizeInBytes: 10n, lowerBounds: new Map([[1, Uint8Array.of(7)]]) },
      },
    ])
  })

  it('decodes decimals written as bytes and promotes int partition values to long', () => {
    const schemaJson: JsonValue = {
      type: 'record',
      name: 'manifest_entry',
      fields: [
        { name: 'status', type: 'int', 'field-id': 0 },
        {
          name: 'data_file',
          'field-id': 2,
          type: {
            type: 'record',
            name: 'r2',
            fields: [
              { name: 'file_path', type: 'string', 'field-id': 100 },
              { name: 'file_format', type: 'string', 'field-id': 101 },
              {
                name: 'partition',
                'field-id': 102,
                type: {
                  type: 'record',
                  name: 'r102',
                  fields: [
                    { name: 'a', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 }, 'field-id': 1000 },
                    { name: 'b', type: 'int', 'field-id': 1001 },
                  ],
                },
              },
              { name: 'record_count', type: 'long', 'field-id': 103 },
              { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            ],
          },
        },
      ],
    }
    const spec: PartitionSpec = {
      specId: 0,
      fields: [
        { sourceId: 1, fieldId: 1000, name: 'a', transform: Transforms.identity },
        { sourceId: 2, fieldId: 1001, name: 'b', transform: Transforms.identity },
      ],
    }
    const table = schema([field(1, 'a', T.decimal(12, 2)), field(2, 'b', T.long)])
    const rec = { status: 1, data_file: { file_path: 'f', file_format: 'AVRO', partition: { a: Buffer.from([0xff, 0x38]), b: -5 }, record_count: 1n, file_size_in_bytes: 1n } }
    const m = readManifest(writeOcf(schemaJson, [rec]), { specs: [spec], schema: table })
    expect(m.entries[0]!.dataFile.partition).toEqual([-200n, -5n])
    expect(m.formatVersion).toBe(1)
    expect(m.entries[0]!.sequenceNumber).toBe(0n)
  })
})

describe('errors', () => {
  const ok = writeManifest([{ status: 'added', snapshotId: 1n, dataFile: file(0) }], { formatVersion: 2, spec: SPEC, schema: SCHEMA })

  it('rejects invalid entries on write with INVALID_ARGUMENT naming the field', () => {
    const w = (e: ManifestEntry, v: 1 | 2 | 3 = 2, content: 'data' | 'deletes' = 'data'): unknown => writeManifest([e], { formatVersion: v, spec: SPEC, schema: SCHEMA, content })
    expect(expectCode(() => w({ status: 'added', dataFile: file(0, { partition: [1] }) }), 'INVALID_ARGUMENT').message).toContain('partition')
    expect(expectCode(() => w({ status: 'existing', dataFile: file(0) }), 'INVALID_ARGUMENT').message).toContain('sequence_number')
    expect(expectCode(() => w({ status: 'added', dataFile: file(0, { specId: 9 }) }), 'INVALID_ARGUMENT').message).toContain('spec')
    expectCode(() => w({ status: 'added', dataFile: file(0) }, 2, 'deletes'), 'INVALID_ARGUMENT')
    expect(expectCode(() => w({ status: 'added', dataFile: file(0, { partition: [20150, 1.5, 1, UUID, null] }) }), 'INVALID_ARGUMENT').message).toContain('entries[0].data_file.partition.price')
    expectCode(() => w({ status: 'added', dataFile: file(0, { partition: [20150, 1n, 1, Uint8Array.of(1), null] }) }), 'INVALID_ARGUMENT')
    expectCode(() => w({ status: 'added', dataFile: file(0, { partition: [20150, 10n ** 30n, 1, UUID, null] }) }), 'INVALID_ARGUMENT')
    expectCode(() => w({ status: 'added', dataFile: file(0, { recordCount: 2n ** 63n }) }), 'INVALID_ARGUMENT')
    expectCode(() => writeManifest([], { formatVersion: 1, spec: SPEC, schema: SCHEMA, content: 'deletes' }), 'INVALID_ARGUMENT')
  })

  it('an unsupported format-version header is UNSUPPORTED_VERSION', () => {
    const h = readOcfHeader(ok)
    const bumped = reencode(ok, { keep: ['schema', 'partition-spec', 'partition-spec-id'] })
    expect(readManifest(bumped).entries).toHaveLength(1)
    const meta = new Map(h.metadata)
    meta.set('format-version', '4')
    const v4 = writeOcf(parseJson(h.schemaText), [], { metadata: new Map([...meta].filter(([k]) => !k.startsWith('avro.'))) })
    expectCode(() => readManifest(v4), 'UNSUPPORTED_VERSION')
  })

  it('a writer schema without required fields is INVALID_METADATA', () => {
    const s = { type: 'record', name: 'manifest_entry', fields: [{ name: 'status', type: 'int', 'field-id': 0 }] }
    expectCode(() => readManifest(writeOcf(s, [{ status: 1 }])), 'INVALID_METADATA')
  })

  it('an invalid status code or file format is INVALID_METADATA', () => {
    const s = parseJson(readOcfHeader(ok).schemaText)
    const m = readManifest(ok)
    const f = m.entries[0]!.dataFile
    const rec = (status: number, format: string): unknown => ({
      status,
      snapshot_id: null,
      sequence_number: null,
      file_sequence_number: null,
      data_file: {
        content: 0,
        file_path: f.filePath,
        file_format: format,
        partition: { ts_day: null, price: null, key_x20bucket: null, key: null, name: null },
        record_count: 1n,
        file_size_in_bytes: 1n,
        column_sizes: null,
        value_counts: null,
        null_value_counts: null,
        nan_value_counts: null,
        lower_bounds: null,
        upper_bounds: null,
        key_metadata: null,
        split_offsets: null,
        equality_ids: null,
        sort_order_id: null,
        referenced_data_file: null,
      },
    })
    const opts = { specs: [{ ...SPEC, specId: 0 }], file: 'bad.avro' }
    expect(readManifest(writeOcf(s, [rec(1, 'parquet')]), opts).entries[0]!.dataFile.fileFormat).toBe('PARQUET')
    expect(expectCode(() => readManifest(writeOcf(s, [rec(7, 'parquet')]), opts), 'INVALID_METADATA').message).toContain('bad.avro')
    expectCode(() => readManifest(writeOcf(s, [rec(1, 'csv')]), opts), 'INVALID_METADATA')
  })

  it('damaged bytes are INVALID_AVRO', () => {
    expectCode(() => readManifest(ok.subarray(0, ok.length - 3)), 'INVALID_AVRO')
  })
})

describe('manifest header schema', () => {
  const entry = (i: number): ManifestEntry => ({ status: 'added', snapshotId: SID, sequenceNumber: 1n, fileSequenceNumber: 1n, dataFile: file(i) })

  it('is parsed once per text: manifests with the same header share one schema object', () => {
    const a = readManifest(writeManifest([entry(1)], { formatVersion: 2, spec: SPEC, schema: SCHEMA }))
    const b = readManifest(writeManifest([entry(2), entry(3)], { formatVersion: 2, spec: SPEC, schema: SCHEMA }))
    expect(a.schema).toEqual(SCHEMA)
    expect(b.schema).toBe(a.schema)
    // another schema text gives its own schema
    const other = schema([...SCHEMA.fields, field(9, 'extra', T.string)], 1)
    expect(readManifest(writeManifest([entry(4)], { formatVersion: 2, spec: SPEC, schema: other })).schema).toEqual(other)
  })

  it('that floe cannot parse leaves the manifest readable, every time it is read', () => {
    const bytes = writeManifest([entry(1)], { formatVersion: 2, spec: SPEC, schema: SCHEMA })
    // the header's table schema starts with {"type":"struct"; turn it into invalid JSON of the same length
    const text = new TextDecoder('latin1').decode(bytes)
    const at = text.indexOf('{"type":"struct"')
    expect(at).toBeGreaterThan(0)
    const broken = bytes.slice()
    broken[at] = '['.charCodeAt(0)
    for (let i = 0; i < 2; i++) {
      const m = readManifest(broken, { specs: [SPEC], schema: SCHEMA })
      expect(m.entries.map((e) => e.dataFile.filePath)).toEqual([file(1).filePath])
      expect(m.schema).toBe(SCHEMA) // the caller's schema stands in
    }
  })
})
