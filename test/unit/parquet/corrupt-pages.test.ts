// Damaged Parquet files fail with INVALID_PARQUET naming the file, before anything is sized by a damaged
// field: the RLE / bit-packed hybrid decoder never writes past its output and always consumes input (hyparquet's
// grew a JS array to 2^31 entries, a fatal V8 error, and looped forever on a bit-width-0 run); page headers are
// checked before hyparquet trusts them (a DATA_PAGE_V2 header without level lengths looped forever, a huge
// uncompressed size allocated gigabytes); the footer must be consistent (a row group whose num_rows became 0
// was skipped silently, a schema tree that lost elements read their columns as null, a chunk typed otherwise
// than its schema column decoded other values); a page whose stored CRC-32 (parquet-java writes one) does
// not match its bytes is refused; and a scan refuses a data file holding other than its manifest
// record_count rows.
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { ByteWriter } from 'hyparquet-writer'
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import { parseColumns } from '../../../src/index.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { pageCrcStats } from '../../../src/parquet/hyparquet-pages.js'
import { readHybrid } from '../../../src/parquet/rle-hybrid.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { corpusPath } from '../../support/corpus.js'
import { uncompressedCopy } from '../../support/corrupt-scan-worker.js'
import { errorOf, patchFooter, readAll, writeParquet } from './parquet-files.js'

const FILE = 'damaged.parquet'

type Ints = Map<string, { at: number; len: number; value: number }>

/** Integer fields of a thrift compact struct at `at` (a page header, a footer), by field-id path (`.8.6`, `.2[0].5`). */
function thriftInts(b: Uint8Array, at: number, path = '', out: Ints = new Map()): { fields: Ints; end: number } {
  const varint = (p: number): { v: number; len: number } => {
    let v = 0
    for (let i = p, shift = 0; ; i++, shift += 7) {
      v += (b[i]! & 0x7f) * 2 ** shift
      if (!(b[i]! & 0x80)) return { v, len: i + 1 - p }
    }
  }
  const element = (p: number, type: number, where: string): number => {
    if (type === 1 || type === 2) return p
    if (type === 3) return p + 1
    if (type === 7) return p + 8
    if (type >= 4 && type <= 6) {
      const { v, len } = varint(p)
      out.set(where, { at: p, len, value: v % 2 ? -(v + 1) / 2 : v / 2 })
      return p + len
    }
    if (type === 8) {
      const { v, len } = varint(p)
      return p + len + v
    }
    if (type === 12) return thriftInts(b, p, where, out).end
    if (type === 9) {
      let n = b[p]! >> 4
      const et = b[p++]! & 0x0f
      if (n === 15) {
        const r = varint(p)
        n = r.v
        p += r.len
      }
      for (let i = 0; i < n; i++) p = et === 1 || et === 2 ? p + 1 : element(p, et, `${where}[${i}]`)
      return p
    }
    throw new Error(`thrift type ${type}`)
  }
  let p = at
  let id = 0
  for (;;) {
    const byte = b[p++]!
    if ((byte & 0x0f) === 0) return { fields: out, end: p }
    id += byte >> 4
    p = element(p, byte & 0x0f, `${path}.${id}`)
  }
}

/** The footer's integer fields. */
function footerInts(b: Uint8Array): Ints {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(b.length - 8, true)
  return thriftInts(b, b.length - 8 - len).fields
}

/** `b` with the varint at `f` replaced by the zigzag varint of `v` (the file grows or shrinks). */
function setVarint(b: Uint8Array, f: { at: number; len: number }, v: number): Uint8Array {
  let z = v < 0 ? -2 * v - 1 : 2 * v
  const bytes: number[] = []
  do {
    const low = z % 128
    z = Math.floor(z / 128)
    bytes.push(z ? low | 0x80 : low)
  } while (z)
  return Uint8Array.from([...b.subarray(0, f.at), ...bytes, ...b.subarray(f.at + f.len)])
}

/** 100 rows: a required long and an optional string (DATA_PAGE_V2 pages, one per column). */
function file(codec: 'SNAPPY' | 'UNCOMPRESSED' = 'SNAPPY'): Uint8Array {
  return writeParquet(
    [
      { name: 'table', num_children: 2 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 },
      { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 2 },
    ],
    [
      { name: 'id', data: Array.from({ length: 100 }, (_, i) => BigInt(i)) },
      { name: 's', data: Array.from({ length: 100 }, (_, i) => (i % 10 ? `v${i}` : null)) },
    ],
    { codec },
  )
}
const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)])

/** Offset of the first page of column `k` in row group 0 (from the footer). */
function pageOffset(b: Uint8Array, k: number, patch?: (at: number) => void): number {
  let at = -1
  patchFooter(b, (md) => {
    const m = md.row_groups[0]!.columns[k]!.meta_data!
    at = Number(m.dictionary_page_offset ?? m.data_page_offset)
    patch?.(at)
  })
  return at
}

async function invalidParquet(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  const e = await errorOf(readAll(bytes, { schema: SCHEMA }, FILE))
  expect(e).toBeInstanceOf(FloeError)
  expect((e as FloeError).code).toBe('INVALID_PARQUET')
  expect((e as FloeError).context.file).toBe(FILE)
  expect((e as FloeError).message).toMatch(pattern)
}

/** One bit-packed run of `values` (padded to groups of 8), LSB first, for any width up to 32. */
function bitPacked(values: readonly number[], width: number): Uint8Array {
  const groups = Math.ceil(values.length / 8)
  const out = new Uint8Array(1 + groups * width)
  out[0] = (groups << 1) | 1
  values.forEach((v, i) => {
    for (let k = 0; k < width; k++) if (Math.floor(v / 2 ** k) % 2) out[1 + ((i * width + k) >> 3)]! |= 1 << ((i * width + k) & 7)
  })
  return out
}

describe('readHybrid', () => {
  it('decodes what hyparquet-writer encodes (RLE and bit-packed runs, bit widths 1-24)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.array(fc.nat(), { maxLength: 300 }), fc.boolean(), (width, raw, runs) => {
        const values = raw.map((v, i) => (runs ? Math.floor(i / 20) * 7919 : v) % 2 ** width)
        const w = new ByteWriter()
        writeRleBitPackedHybrid(w, values, width)
        const bytes = new Uint8Array(w.getBuffer())
        const out = new Uint32Array(values.length)
        readHybrid(bytes, 0, bytes.length, width, out)
        expect([...out]).toEqual(values)
      }),
    )
  })

  it('decodes bit-packed runs of widths 25-32 (hyparquet-writer packs them wrongly)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 25, max: 32 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (width, raw) => {
        const values = raw.map((v) => (v * 65537) % 2 ** width)
        const out = new Uint32Array(values.length)
        const bytes = bitPacked(values, width)
        readHybrid(bytes, 0, bytes.length, width, out)
        expect([...out]).toEqual(values)
      }),
    )
  })

  it('a run longer than the output fills the output only; a bit-width-0 run of 2^33 values ends at once', () => {
    const out = new Uint16Array(4)
    // RLE run header 2^32 - 2 (count 2^31 - 1) of value 1
    expect(readHybrid(Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0x0f, 0x01), 0, 6, 1, out, 1)).toBe(6)
    expect([...out]).toEqual([1, 1, 1, 1])
    const zeros = new Uint32Array(5).fill(9)
    readHybrid(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), 0, 5, 0, zeros)
    expect([...zeros]).toEqual([0, 0, 0, 0, 0])
  })

  it('fails on input that ends early, a varint past 32 bits, a level above its maximum, a bad bit width', () => {
    expect(() => readHybrid(Uint8Array.of(0x04, 0x01), 0, 2, 1, new Uint16Array(3), 1)).toThrow(/end after 2 of 3/)
    expect(() => readHybrid(Uint8Array.of(0x03, 0xff), 0, 2, 2, new Uint16Array(8), 3)).toThrow(/end after 0 of 8/)
    expect(() => readHybrid(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10, 0), 0, 6, 1, new Uint16Array(1))).toThrow(/too long/)
    expect(() => readHybrid(Uint8Array.of(0x02, 0x03), 0, 2, 2, new Uint16Array(1), 2)).toThrow(/exceeds the maximum 2/)
    expect(() => readHybrid(Uint8Array.of(0x02, 0x03), 0, 2, 33, new Uint32Array(1))).toThrow(/bit width 33/)
  })
})

describe('damaged pages fail with INVALID_PARQUET naming the file', () => {
  it('the files read intact', async () => {
    for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) expect(await readAll(file(codec), { schema: SCHEMA }, FILE)).toHaveLength(100)
  })

  it('a DATA_PAGE_V2 header without its repetition_levels_byte_length (hyparquet looped forever)', async () => {
    const b = file()
    const at = pageOffset(b, 1)
    const rep = thriftInts(b, at).fields.get('.8.6')!
    const bad = b.slice()
    bad[rep.at - 1] = (bad[rep.at - 1]! & 0x0f) | 0x90 // field id delta 1 -> 9: field 6 becomes an unknown field 14
    await invalidParquet(bad, /column s: invalid DATA_PAGE_V2 page header: level lengths undefined/)
  })

  it('an uncompressed_page_size no codec can reach is refused before anything is allocated', async () => {
    const b = file()
    const at = pageOffset(b, 0)
    const size = thriftInts(b, at).fields.get('.2')!
    const grown = setVarint(b, size, 2 ** 31 - 1)
    // the header grew: so does the chunk, so that the page still fits
    const bad = patchFooter(grown, (md) => {
      const m = md.row_groups[0]!.columns[0]!.meta_data!
      m.total_compressed_size += BigInt(grown.length - b.length)
    })
    await invalidParquet(bad, /uncompressed_page_size 2147483647 is impossible for \d+ bytes of SNAPPY/)
  })

  it('a page claiming more values than its column chunk has left', async () => {
    const b = file('UNCOMPRESSED')
    const at = pageOffset(b, 0)
    const n = thriftInts(b, at).fields.get('.8.1')!
    expect(n.value).toBe(100)
    await invalidParquet(setVarint(b, n, 101).slice(), /num_values 101 exceeds the 100 values left/)
  })

  it('an RLE run header of 2^31 values in the definition levels (hyparquet aborted the process)', async () => {
    const b = file('UNCOMPRESSED')
    const at = pageOffset(b, 1)
    const bad = b.slice()
    bad.set([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x01], thriftInts(b, at).end)
    // the run fills the 100 levels with 1 (defined): the header's 10 nulls disagree
    await invalidParquet(bad, /column s: num_nulls is 10, the definition levels hold 0/)
  })

  it('the same in a DATA_PAGE (v1) of an engine-written file', async () => {
    // Spark 3.5 / Iceberg 1.8 data file, pages stored uncompressed: id is an optional INT32 with 4 rows
    const b = uncompressedCopy(readFileSync(corpusPath('duckdb-iceberg/data/persistent/equality_deletes/warehouse/mydb/mytable/data/00000-9-8b7ad7ff-1bf1-4522-9b6b-da181d84a8d6-0-00001.parquet')))
    const s = schema([field(1, 'id', T.int)])
    expect(await readAll(b, { schema: s }, FILE)).toHaveLength(4)
    const levels = thriftInts(b, pageOffset(b, 0)).end + 4 // after the 4-byte length of the definition levels
    const bad = b.slice()
    bad.set([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x01], levels)
    const e = await errorOf(readAll(bad, { schema: s }, FILE))
    expect((e as FloeError).code).toBe('INVALID_PARQUET')
    expect((e as FloeError).message).toMatch(/column id: encoded values end after 0 of 4/)
  })
})

describe('page checksums', () => {
  // Spark 3.5 / Iceberg 1.8 data file: parquet-java stores a CRC-32 of every page as written
  const SPARK = 'duckdb-iceberg/data/persistent/equality_deletes/warehouse/mydb/mytable/data/00000-9-8b7ad7ff-1bf1-4522-9b6b-da181d84a8d6-0-00001.parquet'
  const s = schema([field(1, 'id', T.int)])

  it('are verified: a file read intact checks them, and any byte changed in a page fails naming the file', async () => {
    const b = new Uint8Array(readFileSync(corpusPath(SPARK)))
    const before = pageCrcStats().checked
    expect(await readAll(b, { schema: s }, FILE)).toHaveLength(4)
    expect(pageCrcStats().checked).toBeGreaterThan(before)
    // every byte of the first page's stored bytes (after its header), flipped in turn
    const at = pageOffset(b, 0)
    const header = thriftInts(b, at)
    const size = header.fields.get('.3')!.value
    expect(header.fields.has('.4')).toBe(true)
    for (let i = header.end; i < header.end + size; i++) {
      const bad = b.slice()
      bad[i] = bad[i]! ^ 0x10
      const e = await errorOf(readAll(bad, { schema: s }, FILE))
      expect((e as FloeError).code).toBe('INVALID_PARQUET')
      expect((e as FloeError).context.file).toBe(FILE)
      expect((e as FloeError).message).toMatch(/column id: page at offset \d+ fails its CRC-32 checksum/)
    }
  })
})

describe('footer row counts must agree with the column chunks', () => {
  it('a row group whose num_rows became 0 is not skipped silently', async () => {
    await invalidParquet(patchFooter(file(), (md) => void (md.row_groups[0]!.num_rows = 0n)), /Row group 0 has num_rows 0 but its column chunks hold values/)
  })

  it('the file num_rows must be the sum of its row groups', async () => {
    await invalidParquet(patchFooter(file(), (md) => void (md.num_rows = 99n)), /Footer num_rows 99 differs from the 100 rows of its row groups/)
  })

  it('a flat column chunk must hold one value per row', async () => {
    const bad = patchFooter(file(), (md) => {
      md.num_rows = 2n ** 40n
      md.row_groups[0]!.num_rows = 2n ** 40n
    })
    await invalidParquet(bad, /column id holds 100 values for 1099511627776 rows/)
  })

  it('the schema tree must span every schema element (a damaged num_children dropped columns, read as null)', async () => {
    const b = file()
    const bad = b.slice()
    const children = footerInts(b).get('.2[0].5')! // FileMetaData.schema[0].num_children: 2 (one varint byte)
    expect(children.value).toBe(2)
    bad[children.at] = 2 // zigzag 1
    await invalidParquet(bad, /the schema tree holds 2 of 3 schema elements/)
  })

  it("a column chunk's physical type must be the schema's (pages would decode as other values)", async () => {
    await invalidParquet(patchFooter(file(), (md) => void (md.row_groups[0]!.columns[1]!.meta_data!.type = 'INT32')), /column chunk s: physical type INT32 does not match the schema's BYTE_ARRAY/)
  })

  it('every row group holds one column chunk per leaf column', async () => {
    await invalidParquet(patchFooter(file(), (md) => void md.row_groups[0]!.columns.pop()), /Row group 0 has 1 column chunks for 2 leaf columns/)
  })

  it('an empty row group (no rows, no values) is still skipped', async () => {
    const empty = writeParquet([{ name: 'table', num_children: 1 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 }], [{ name: 'id', data: [] }])
    expect(await readAll(empty, { schema: schema([field(1, 'id', T.long, { required: true })]) }, FILE)).toEqual([])
  })
})

describe('a scan checks the rows of each data file against its record_count', () => {
  it('a data file holding fewer rows than its manifest entry says fails the scan with INVALID_DATA', async () => {
    const io = new MemoryFileIO()
    const c = new MemoryCatalog(testEnv(io, 7))
    await c.createNamespace('db')
    const t = await (await c.createTable('db.t', { schema: parseColumns('id bigint') })).appendRows([{ id: 1n }, { id: 2n }, { id: 3n }])
    const other = await (await c.createTable('db.u', { schema: parseColumns('id bigint') })).appendRows([{ id: 1n }, { id: 2n }])
    const path = (await t.scan().planFiles())[0]!.file.filePath
    expect(await t.scan().toArray()).toHaveLength(3)
    io.files.set(path, io.files.get((await other.scan().planFiles())[0]!.file.filePath)!)
    const e = await errorOf(t.scan().toArray())
    expect((e as FloeError).code).toBe('INVALID_DATA')
    expect((e as FloeError).context.file).toBe(path)
    expect((e as FloeError).message).toContain(`Data file ${path} holds 2 rows, its manifest entry says record_count 3`)
  })
})
