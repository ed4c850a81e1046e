// Avro object containers: header and blocks, codecs, BigInt longs, attribute-preserving headers, typed errors.
import { compress as snappyCompress } from 'snappyjs'
import { crc32, deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../../src/errors.js'
import { concatBytes, varintBytes } from '../../../../src/spec/avro/binary.js'
import { readOcf, readOcfBlocks, readOcfHeader, writeOcf } from '../../../../src/spec/avro/ocf.js'
import { parseJson, stringifyJson, type JsonValue } from '../../../../src/spec/json/lossless.js'

const SCHEMA = {
  type: 'record',
  name: 'r',
  fields: [
    { name: 'id', type: 'long', 'field-id': 1 },
    { name: 'name', type: 'string', 'field-id': 2 },
  ],
}
const RECORDS = Array.from({ length: 50 }, (_, i) => ({ id: BigInt(i) * 1000000007n, name: `name-${i % 7}` }))
const SYNC = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1)
/** RECORDS' single null-codec block compressed with `zstd -19` (real encoder output, not a raw block). */
const ZSTD_BLOCK =
  '28b52ffd647401c50a005413000c6e616d652d308ea8d6b907319cd0acf30e32aaf882ad1633b8a0d9e61d34c6c8afa02535d4f085da2c36e298dc933430f0c0b2cd3b31fee8888743328c91dfc04a339ab9b5fa5134a8e18bb45935b689e2ed6036c4b1b8a76830d2d98ee16f31e081e59a7732eea9bbd47e33fcd1918e86018afae7c78d0198a2be819501a6ca94bb9c01b4f2eaf4a301c29ac1aeab01d0c297e8b201deeaeda1ba01ec92c4dbc101faba9a95c90188e3f0ced001968bc788d801a4b39dc2df01b2dbf3fbe601c083cab5ee01ceaba0eff501dcd3f6a8fd01eafbcce28402f8a3a39c8c0286ccf9d5930294f4cf8f9b02a29ca6c9a202b0c4fc82aa02beecd2bcb102cc94a9f6b802dabcffafc002e8e4d5e9c702f68caca3cf0284b582ddd60292ddd896de02a085afd0e502aead858aed020c6e616d652d3030a810f6b31bb093d20110641f3dcd327add81dbd61ab2452c0000047020573605222766dc'

const enc = new TextEncoder()
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)))

/** Assemble a container by hand: header with `meta`, then blocks (count, payload) each followed by `sync`. */
function container(meta: Record<string, string>, blocks: { count: number; data: Uint8Array }[], sync = SYNC, blockSync = sync): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x4f, 0x62, 0x6a, 0x01), varintBytes(Object.keys(meta).length)]
  for (const [k, v] of Object.entries(meta)) {
    const kb = enc.encode(k)
    const vb = enc.encode(v)
    parts.push(varintBytes(kb.length), kb, varintBytes(vb.length), vb)
  }
  parts.push(varintBytes(0), sync)
  for (const b of blocks) parts.push(varintBytes(b.count), varintBytes(b.data.length), b.data, blockSync)
  return concatBytes(parts)
}

function rawBlock(): Uint8Array {
  const b = writeOcf(SCHEMA, RECORDS, { codec: 'null' })
  return readOcfBlocks(b, readOcfHeader(b))[0]!.data
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

describe('writeOcf / readOcf', () => {
  it('round-trips records with exact 63-bit longs, both codecs', () => {
    const big = [{ id: 2n ** 62n + 3n, name: 'x' }, { id: -(2n ** 63n), name: 'é' }, { id: 2n ** 63n - 1n, name: '' }]
    for (const codec of ['null', 'deflate'] as const) {
      const bytes = writeOcf(SCHEMA, big, { codec })
      const { header, records } = readOcf(bytes)
      expect(header.codec).toBe(codec)
      expect(records).toEqual(big)
    }
  })

  it('writes the raw schema verbatim so Iceberg attributes survive', () => {
    const schema: JsonValue = {
      type: 'record',
      name: 'manifest_entry',
      fields: [
        { name: 'a', type: { type: 'array', items: 'long', 'element-id': 133 }, 'field-id': 132 },
        {
          name: 'm',
          type: { type: 'array', items: { type: 'record', name: 'k1_v2', fields: [{ name: 'key', type: 'int', 'field-id': 1 }, { name: 'value', type: 'bytes', 'field-id': 2 }] }, logicalType: 'map' },
          'field-id': 3,
        },
        { name: 's', type: { type: 'map', values: 'long', 'key-id': 4, 'value-id': 5 }, 'field-id': 6 },
        { name: 'x_x20y', type: ['null', { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true }], default: null, 'iceberg-field-name': 'x y', 'field-id': 7 },
      ],
    }
    const bytes = writeOcf(schema, [{ a: [1n], m: [{ key: 1, value: Buffer.from([9]) }], s: { k: 5n }, x_x20y: 3n }], { metadata: { 'format-version': '2' } })
    const h = readOcfHeader(bytes)
    expect(h.schemaText).toBe(stringifyJson(schema))
    expect(parseJson(h.schemaText)).toEqual(schema)
    expect(h.metadata.get('format-version')).toBe('2')
    expect(h.metadata.get('avro.codec')).toBe('deflate')
    const rec = readOcf(bytes).records[0] as Record<string, unknown>
    expect(rec.a).toEqual([1n])
    expect(rec.m).toEqual([{ key: 1, value: Uint8Array.of(9) }])
    expect(rec.s).toEqual(new Map([['k', 5n]]))
    expect(rec.x_x20y).toBe(3n)
  })

  it('uses the given sync marker, or a deterministic one derived from the content', () => {
    const a = writeOcf(SCHEMA, RECORDS)
    expect(writeOcf(SCHEMA, RECORDS)).toEqual(a)
    expect(writeOcf(SCHEMA, RECORDS.slice(1))).not.toEqual(a)
    expect(readOcfHeader(writeOcf(SCHEMA, RECORDS, { syncMarker: SYNC })).sync).toEqual(SYNC)
    expectCode(() => writeOcf(SCHEMA, RECORDS, { syncMarker: new Uint8Array(3) }), 'INVALID_ARGUMENT')
  })

  it('splits large inputs into several blocks', () => {
    const bytes = writeOcf(SCHEMA, RECORDS, { blockBytes: 64 })
    const blocks = readOcfBlocks(bytes, readOcfHeader(bytes))
    expect(blocks.length).toBeGreaterThan(5)
    expect(blocks.reduce((n, b) => n + b.count, 0)).toBe(50)
    expect(readOcf(bytes).records).toEqual(RECORDS)
  })

  it('writes an empty container that reads back with no records', () => {
    expect(readOcf(writeOcf(SCHEMA, [])).records).toEqual([])
  })

  it('rejects values that do not fit the schema with INVALID_ARGUMENT naming the record', () => {
    const e = expectCode(() => writeOcf(SCHEMA, [{ id: 1, name: 'x' }]), 'INVALID_ARGUMENT')
    expect(e.message).toContain('record 0')
    expectCode(() => writeOcf(SCHEMA, [{ id: 2n ** 64n, name: 'x' }]), 'INVALID_ARGUMENT')
  })
})

describe('codecs', () => {
  const meta = (codec: string): Record<string, string> => ({ 'avro.schema': JSON.stringify(SCHEMA), 'avro.codec': codec })

  it('reads deflate blocks', () => {
    const data = rawBlock()
    expect(readOcf(container(meta('deflate'), [{ count: 50, data: deflateRawSync(data) }])).records).toEqual(RECORDS)
  })

  it('reads snappy blocks and checks the big-endian CRC-32', () => {
    const data = rawBlock()
    const crc = crc32(data)
    const body = concatBytes([snappyCompress(data), Uint8Array.of(crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255)])
    expect(readOcf(container(meta('snappy'), [{ count: 50, data: body }])).records).toEqual(RECORDS)
    const bad = body.slice()
    bad[bad.length - 1]! ^= 1
    expect(expectCode(() => readOcf(container(meta('snappy'), [{ count: 50, data: bad }])), 'INVALID_AVRO').message).toMatch(/checksum/)
  })

  it('reads zstandard blocks (real encoder output and a raw-block frame)', () => {
    expect(readOcf(container(meta('zstandard'), [{ count: 50, data: hex(ZSTD_BLOCK) }])).records).toEqual(RECORDS)
    const data = rawBlock()
    // frame: magic, descriptor (single segment, 2-byte content size), one raw last block
    const size = data.length
    const frame = concatBytes([Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x60, (size - 256) & 255, (size - 256) >> 8), Uint8Array.of((1 | (size << 3)) & 255, ((size << 3) >> 8) & 255, (size << 3) >> 16), data])
    expect(readOcf(container(meta('zstandard'), [{ count: 50, data: frame }])).records).toEqual(RECORDS)
  })

  it('reports unknown codecs as UNSUPPORTED', () => {
    expectCode(() => readOcfHeader(container(meta('lzma'), [])), 'UNSUPPORTED')
  })

  it('caps decompressed block size', () => {
    const zeros = deflateRawSync(new Uint8Array(1 << 20))
    expectCode(() => readOcf(container(meta('deflate'), [{ count: 1, data: zeros }]), { maxBlockBytes: 1024 }), 'INVALID_AVRO')
  })
})

describe('typed errors', () => {
  const good = writeOcf(SCHEMA, RECORDS, { codec: 'null', syncMarker: SYNC })

  it('empty, short and foreign files are INVALID_AVRO naming the file', () => {
    expect(expectCode(() => readOcf(new Uint8Array(0), { file: 'empty.avro' }), 'INVALID_AVRO').message).toContain('empty.avro')
    expectCode(() => readOcf(Uint8Array.of(0x4f, 0x62)), 'INVALID_AVRO')
    expectCode(() => readOcf(enc.encode('PAR1 not avro at all')), 'INVALID_AVRO')
  })

  it('an AGS1 (encrypted) file is UNSUPPORTED', () => {
    expectCode(() => readOcf(concatBytes([enc.encode('AGS1'), new Uint8Array(40)])), 'UNSUPPORTED')
  })

  it('every truncation of a valid file fails typed or yields a prefix of the records', () => {
    for (let n = 0; n < good.length; n++) {
      try {
        const { records } = readOcf(good.subarray(0, n))
        expect(RECORDS.slice(0, records.length)).toEqual(records)
      } catch (e) {
        expect(e).toBeInstanceOf(FloeError)
        expect((e as FloeError).code).toBe('INVALID_AVRO')
      }
    }
  })

  it('a wrong sync marker after a block is INVALID_AVRO', () => {
    const m = { 'avro.schema': JSON.stringify(SCHEMA) }
    const bad = container(m, [{ count: 50, data: rawBlock() }], SYNC, new Uint8Array(16))
    expect(expectCode(() => readOcf(bad), 'INVALID_AVRO').message).toMatch(/sync/)
  })

  it('block counts that cannot fit the block fail fast instead of looping', () => {
    const m = { 'avro.schema': JSON.stringify({ type: 'record', name: 'n', fields: [{ name: 'a', type: { type: 'array', items: 'null' } }] }) }
    // one record whose array claims 2^40 null items (zero bytes each)
    const data = concatBytes([varintBytes(2 ** 40), varintBytes(0)])
    expectCode(() => readOcf(container(m, [{ count: 1, data }])), 'INVALID_AVRO')
    expectCode(() => readOcf(container({ 'avro.schema': JSON.stringify(SCHEMA) }, [{ count: 1e12, data: rawBlock() }])), 'INVALID_AVRO')
  })

  it('blocks of records that encode to zero bytes may hold any count (Java and avsc read them)', () => {
    const m = { 'avro.schema': JSON.stringify({ type: 'record', name: 'table', fields: [{ name: 'u', type: 'null', 'field-id': 1 }] }) }
    const empty = new Uint8Array(0)
    const got = readOcf(container(m, [{ count: 1_200_000, data: empty }, { count: 0, data: empty }, { count: 3, data: empty }]))
    expect(got.records.length).toBe(1_200_003)
    expect(got.records[1_200_002]).toEqual({ u: null })
    // such a block is still consumed exactly
    expectCode(() => readOcf(container(m, [{ count: 1_200_000, data: Uint8Array.of(0) }])), 'INVALID_AVRO')
  })

  it('trailing bytes after the declared records are INVALID_AVRO', () => {
    expectCode(() => readOcf(container({ 'avro.schema': JSON.stringify(SCHEMA) }, [{ count: 49, data: rawBlock() }])), 'INVALID_AVRO')
  })

  it('a header without avro.schema or with an invalid schema is INVALID_AVRO', () => {
    expectCode(() => readOcf(container({ 'avro.codec': 'null' }, [])), 'INVALID_AVRO')
    expectCode(() => readOcf(container({ 'avro.schema': '{"type":"record","name":"x","fields":[{"name":"a","type":"nope"}]}' }, [])), 'INVALID_AVRO')
    expectCode(() => readOcf(container({ 'avro.schema': '{not json' }, [])), 'INVALID_AVRO')
    expectCode(() => readOcf(container({ 'avro.schema': '{"type":"record","name":"x","fields":[{"name":"a","type":["null","x"]}]}' }, [])), 'INVALID_AVRO')
  })

  it('longs beyond int64 written by fastavro are read exactly, not wrapped', () => {
    const u = 9876543210123456789n
    let z = u << 1n
    const bytes: number[] = []
    while (z >= 0x80n) {
      bytes.push(Number(z & 0x7fn) | 0x80)
      z >>= 7n
    }
    bytes.push(Number(z))
    const m = { 'avro.schema': '"long"' }
    expect(readOcf(container(m, [{ count: 1, data: Uint8Array.from(bytes) }])).records).toEqual([u])
  })
})
