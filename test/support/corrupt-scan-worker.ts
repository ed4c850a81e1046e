// Child process for test/property/data-file-corruption.prop.test.ts: builds small tables (floe-written in memory,
// plus engine-written corpus tables read in place), maps the layout of every data, delete and deletion-vector
// file (magic, footer and its length, page headers and their integer fields, page data, Puffin blobs, Avro
// header and blocks), applies a mutation described by the test to one file and scans the table with floe. The
// test runs this in its own process (node --import tsx, a capped heap) so that a synchronous hang can be killed
// and a runaway allocation or a V8 abort ends this process instead of the test's. Started with
// FLOE_CORRUPT_SCAN=1 and an IPC channel; the other exports are for repro scripts.
import { parquetHeader } from 'hyparquet/src/column.js'
import { decompressPage } from 'hyparquet/src/datapage.js'
import { compressors as hyCompressors } from 'hyparquet-compressors'
import { ByteWriter } from 'hyparquet-writer'
import { writePageHeader } from 'hyparquet-writer/src/datapage.js'
import { writeMetadata } from 'hyparquet-writer/src/metadata.js'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { scanToArrowTable } from '../../src/arrow/scan.js'
import { readerForFormat } from '../../src/avro-data/reader-for-format.js'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { testEnv } from '../../src/env.js'
import { isFloeError, NotFoundError } from '../../src/errors.js'
import type { FileIO, FileStat } from '../../src/io/file-io.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import { fileSource } from '../../src/parquet/byte-source.js'
import { readParquetFooter } from '../../src/parquet/footer.js'
import { chunkRange } from '../../src/parquet/hyparquet-pages.js'
import { readOcfHeader } from '../../src/spec/avro/ocf.js'
import type { DataFile } from '../../src/spec/manifest.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { Table } from '../../src/table/table.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { corpusTables } from './corpus/manifest.js'
import { openCorpusTable } from './corpus/open.js'

// ------------------------------------------------------------------------------------------------ protocol

/** Parts of a file a byte mutation can aim at. */
export const REGION_KINDS = ['magic', 'footer-len', 'footer', 'page-header', 'page-data', 'blob', 'header', 'block'] as const
export type RegionKind = (typeof REGION_KINDS)[number]

/** Where an integer field lives: a thrift varint of the footer or of a page header, or a fixed-width field. */
export const INT_KINDS = ['footer', 'page-header', 'fixed'] as const
export type IntKind = (typeof INT_KINDS)[number]

/** One edit. Indexes are taken modulo what the file has, so any generated value applies to any file. */
export type Mutation =
  | { readonly op: 'flip' | 'set' | 'insert' | 'delete'; readonly kind: RegionKind; readonly region: number; readonly at: number; readonly byte: number }
  | { readonly op: 'int'; readonly where: IntKind; readonly field: number; readonly value: number }
  | { readonly op: 'truncate'; readonly at: number }
  /** Truncate where a region (a page, an Avro block, the footer) starts: the file then ends on a boundary. */
  | { readonly op: 'cut'; readonly kind: RegionKind; readonly region: number }
  | { readonly op: 'missing' }

/** A file the test can corrupt, with the region and integer-field kinds it has. */
export interface TargetInfo {
  readonly label: string
  readonly path: string
  readonly content: string
  readonly format: string
  readonly size: number
  readonly kinds: readonly RegionKind[]
  readonly intKinds: readonly IntKind[]
}

/**
 * What one corrupted scan did. `typed`: a FloeError naming the file; `same`: the scan returned the original
 * rows; `changed`: other rows, with the row count of the mutated file read alone next to its record_count;
 * `bad`: what the property forbids outright (an untyped error, an error not naming the file, a slow scan).
 */
export type Outcome =
  | { readonly kind: 'typed'; readonly code: string; readonly message: string }
  | { readonly kind: 'same' }
  | { readonly kind: 'changed'; readonly rows: number; readonly baseRows: number; readonly fileRows?: number; readonly recordCount: number }
  | { readonly kind: 'bad'; readonly why: string }

export type Request = { readonly t: 'case'; readonly id: number; readonly target: number; readonly mutations: readonly Mutation[]; readonly arrow: boolean }
export type Reply =
  | { readonly t: 'ready'; readonly targets: readonly TargetInfo[] }
  | {
      readonly t: 'result'
      readonly id: number
      readonly outcome: Outcome
      readonly note: string
      readonly ms: number
      readonly heapMb: number
      /** ArrayBuffer memory right after the case (garbage included). */
      readonly externalMb: number
      /** How much the process's peak resident memory rose during the case. */
      readonly rssGrowthMb: number
    }
  | { readonly t: 'fatal'; readonly message: string }

// ------------------------------------------------------------------------------------------------ layouts

export interface Region {
  readonly kind: RegionKind
  readonly start: number
  readonly end: number
}

export interface IntField {
  readonly at: number
  readonly len: number
  readonly value: bigint
  /** varint: a zigzag thrift integer or an unsigned length; fixed: little- or big-endian bytes. */
  readonly enc: 'zigzag' | 'uvarint' | 'le' | 'be'
  readonly where: IntKind
}

export interface Layout {
  readonly regions: readonly Region[]
  readonly ints: readonly IntField[]
}

function readVarint(b: Uint8Array, at: number): { v: bigint; len: number } {
  let v = 0n
  let shift = 0n
  for (let i = at; i < b.length; i++) {
    v |= BigInt(b[i]! & 0x7f) << shift
    if (!(b[i]! & 0x80)) return { v, len: i + 1 - at }
    shift += 7n
  }
  throw new Error(`varint at ${at} runs past the end`)
}

const unzigzag = (z: bigint): bigint => (z >> 1n) ^ -(z & 1n)

/** Walk a thrift compact struct at `at`, recording integer and length fields; returns the offset after STOP. */
function walkStruct(b: Uint8Array, at: number, where: IntKind, out: IntField[]): number {
  let p = at
  for (;;) {
    const byte = b[p++]!
    const type = byte & 0x0f
    if (type === 0) return p
    if (byte >> 4 === 0) p += readVarint(b, p).len
    p = walkElement(b, p, type, where, out)
  }
}

function walkElement(b: Uint8Array, at: number, type: number, where: IntKind, out: IntField[]): number {
  switch (type) {
    case 1:
    case 2:
      return at
    case 3:
      return at + 1
    case 4:
    case 5:
    case 6: {
      const { v, len } = readVarint(b, at)
      out.push({ at, len, value: unzigzag(v), enc: 'zigzag', where })
      return at + len
    }
    case 7:
      return at + 8
    case 8: {
      const { v, len } = readVarint(b, at)
      out.push({ at, len, value: v, enc: 'uvarint', where })
      return at + len + Number(v)
    }
    case 9:
    case 10: {
      const h = b[at]!
      const et = h & 0x0f
      let n = h >> 4
      let p = at + 1
      if (n === 15) {
        const r = readVarint(b, p)
        out.push({ at: p, len: r.len, value: r.v, enc: 'uvarint', where })
        n = Number(r.v)
        p += r.len
      }
      for (let i = 0; i < n; i++) p = et === 1 || et === 2 ? p + 1 : walkElement(b, p, et, where, out)
      return p
    }
    case 12:
      return walkStruct(b, at, where, out)
    default:
      throw new Error(`thrift type ${type} at ${at}`)
  }
}

/** Parquet: both magics, the footer and its length, and per page its header (with its fields) and data. */
function parquetLayout(b: Uint8Array): Layout {
  const n = b.length
  const footerLen = new DataView(b.buffer, b.byteOffset, n).getUint32(n - 8, true)
  const start = n - 8 - footerLen
  const regions: Region[] = [
    { kind: 'magic', start: 0, end: 4 },
    { kind: 'magic', start: n - 4, end: n },
    { kind: 'footer-len', start: n - 8, end: n - 4 },
    { kind: 'footer', start, end: n - 8 },
  ]
  const ints: IntField[] = [{ at: n - 8, len: 4, value: BigInt(footerLen), enc: 'le', where: 'fixed' }]
  walkStruct(b, start, 'footer', ints)
  for (const rg of readParquetFooter(b).row_groups)
    for (const c of rg.columns) {
      const range = chunkRange(c.meta_data!)
      for (let p = range.start; p < range.end; ) {
        const fields: IntField[] = []
        const dataStart = walkStruct(b, p, 'page-header', fields)
        ints.push(...fields)
        regions.push({ kind: 'page-header', start: p, end: dataStart })
        // compressed_page_size is field 3, the third integer of a page header
        const size = Number(fields[2]?.value ?? 0n)
        regions.push({ kind: 'page-data', start: dataStart, end: Math.min(range.end, dataStart + size) })
        p = dataStart + Math.max(1, size)
      }
    }
  return { regions, ints }
}

/** Puffin: magics, the JSON footer and its size, and each deletion-vector blob with its length and Roaring counts. */
function puffinLayout(b: Uint8Array, blobs: readonly { offset: number; size: number }[]): Layout {
  const n = b.length
  const view = new DataView(b.buffer, b.byteOffset, n)
  const payload = view.getInt32(n - 12, true)
  const regions: Region[] = [
    { kind: 'magic', start: 0, end: 4 },
    { kind: 'magic', start: n - 4, end: n },
    { kind: 'footer-len', start: n - 12, end: n - 8 },
    { kind: 'footer', start: n - 16 - payload, end: n - 12 },
  ]
  const ints: IntField[] = [{ at: n - 12, len: 4, value: BigInt(payload), enc: 'le', where: 'fixed' }]
  for (const { offset, size } of blobs) {
    regions.push({ kind: 'blob', start: offset, end: offset + size })
    // blob length (BE), bitmap count (LE 64), and the container count of the first 32-bit bitmap
    ints.push({ at: offset, len: 4, value: BigInt(view.getUint32(offset, false)), enc: 'be', where: 'fixed' })
    ints.push({ at: offset + 8, len: 8, value: view.getBigUint64(offset + 8, true), enc: 'le', where: 'fixed' })
    if (size >= 28) ints.push({ at: offset + 24, len: 4, value: BigInt(view.getUint32(offset + 24, true)), enc: 'le', where: 'fixed' })
  }
  return { regions, ints }
}

/** Avro: the magic, the header (metadata with the schema, sync marker), and each block with its count and size varints. */
function avroLayout(b: Uint8Array): Layout {
  const { dataOffset } = readOcfHeader(b)
  const regions: Region[] = [
    { kind: 'magic', start: 0, end: 4 },
    { kind: 'header', start: 4, end: dataOffset },
  ]
  const ints: IntField[] = []
  for (let p = dataOffset; p < b.length; ) {
    const count = readVarint(b, p)
    const size = readVarint(b, p + count.len)
    ints.push({ at: p, len: count.len, value: unzigzag(count.v), enc: 'zigzag', where: 'fixed' })
    ints.push({ at: p + count.len, len: size.len, value: unzigzag(size.v), enc: 'zigzag', where: 'fixed' })
    const end = p + count.len + size.len + Number(unzigzag(size.v)) + 16
    regions.push({ kind: 'block', start: p, end: Math.min(end, b.length) })
    p = end
  }
  return { regions, ints }
}

/**
 * The same file with every page stored UNCOMPRESSED (v1 pages stay v1): engine-written files compress their
 * pages, so random edits to page data mostly break the codec; uncompressed copies let them reach the level and
 * value decoders of DATA_PAGE (v1) pages, which Spark, Trino and Java write. Page indexes are dropped.
 */
export function uncompressedCopy(b: Uint8Array): Uint8Array {
  const md = readParquetFooter(b)
  const out = new ByteWriter()
  out.appendBytes(b.subarray(0, 4))
  for (const rg of md.row_groups) {
    let groupStart: number | undefined
    for (const c of rg.columns) {
      const m = c.meta_data!
      const range = chunkRange(m)
      const start = out.offset
      groupStart ??= start
      let dictionary: number | undefined
      let firstData: number | undefined
      for (let p = range.start; p < range.end; ) {
        const reader = { view: new DataView(b.buffer, b.byteOffset, b.byteLength), offset: p }
        const h = parquetHeader(reader)
        const raw = b.subarray(reader.offset, reader.offset + h.compressed_page_size)
        p = reader.offset + h.compressed_page_size
        let page: Uint8Array
        if (h.type === 'DATA_PAGE_V2') {
          const v2 = h.data_page_header_v2!
          const levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length
          const values = v2.is_compressed === false ? raw.subarray(levels) : decompressPage(raw.subarray(levels), h.uncompressed_page_size - levels, m.codec, hyCompressors)
          page = new Uint8Array(levels + values.length)
          page.set(raw.subarray(0, levels))
          page.set(values, levels)
          h.data_page_header_v2 = { ...v2, is_compressed: false }
        } else page = decompressPage(raw, h.uncompressed_page_size, m.codec, hyCompressors)
        if (h.type === 'DICTIONARY_PAGE') dictionary ??= out.offset
        else firstData ??= out.offset
        // without the page checksum (it covered the compressed bytes): edits must reach the decoders
        const { crc: _crc, ...header } = h
        writePageHeader(out, { ...header, compressed_page_size: page.length, uncompressed_page_size: page.length } as unknown as Parameters<typeof writePageHeader>[1])
        out.appendBytes(page)
      }
      m.codec = 'UNCOMPRESSED'
      m.total_compressed_size = m.total_uncompressed_size = BigInt(out.offset - start)
      m.data_page_offset = BigInt(firstData ?? start)
      if (dictionary === undefined) delete m.dictionary_page_offset
      else m.dictionary_page_offset = BigInt(dictionary)
      delete m.index_page_offset
      delete m.bloom_filter_offset
      delete m.bloom_filter_length
      c.file_offset = BigInt(start)
      delete c.offset_index_offset
      delete c.offset_index_length
      delete c.column_index_offset
      delete c.column_index_length
    }
    rg.file_offset = BigInt(groupStart ?? out.offset)
    rg.total_compressed_size = BigInt(out.offset - (groupStart ?? out.offset))
  }
  const footer = new ByteWriter()
  writeMetadata(footer, md as unknown as Parameters<typeof writeMetadata>[1])
  out.appendBytes(new Uint8Array(footer.getBuffer()))
  out.appendUint32(footer.offset)
  out.appendBytes(Uint8Array.of(0x50, 0x41, 0x52, 0x31))
  return new Uint8Array(out.getBuffer())
}

// ------------------------------------------------------------------------------------------------ mutations

/** Replacement values for an integer field: boundaries, off-by-one, and far too large (allocation bait). */
function intValue(old: bigint, k: number): bigint {
  const table = [0n, 1n, -1n, old + 1n, old - 1n, old * 2n, old + 4096n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n + old, 2n ** 40n, 2n ** 62n, -(2n ** 62n), 2n ** 27n]
  return table[k % table.length]!
}

function varintBytes(v: bigint): number[] {
  let z = BigInt.asUintN(64, v)
  const out: number[] = []
  do {
    let x = Number(z & 0x7fn)
    z >>= 7n
    if (z) x |= 0x80
    out.push(x)
  } while (z)
  return out
}

function encodeInt(f: IntField, v: bigint): number[] {
  if (f.enc === 'zigzag') return varintBytes((v << 1n) ^ (v < 0n ? -1n : 0n))
  if (f.enc === 'uvarint') return varintBytes(v)
  const out: number[] = []
  const u = BigInt.asUintN(8 * f.len, v)
  for (let i = 0; i < f.len; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn))
  return f.enc === 'le' ? out : out.reverse()
}

function pick<T>(all: readonly T[], i: number): T | undefined {
  return all.length ? all[i % all.length] : undefined
}

/** Apply `ms` in order (positions refer to the original layout); a footer field that changes size keeps the footer length right. */
export function applyMutations(src: Uint8Array, layout: Layout, ms: readonly Mutation[]): { bytes: Uint8Array | null; note: string } {
  let b = Array.from(src)
  const notes: string[] = []
  for (const m of ms) {
    if (m.op === 'missing') return { bytes: null, note: 'missing' }
    if (m.op === 'truncate') {
      const n = m.at % (b.length + 1)
      b = b.slice(0, n)
      notes.push(`truncate@${n}`)
    } else if (m.op === 'cut') {
      const pool = layout.regions.filter((r) => r.kind === m.kind)
      const r = pick(pool.length ? pool : layout.regions, m.region)
      if (!r) continue
      b = b.slice(0, Math.min(b.length, r.start))
      notes.push(`cut@${r.start} (${r.kind} start)`)
    } else if (m.op === 'int') {
      const pool = layout.ints.filter((f) => f.where === m.where)
      const f = pick(pool.length ? pool : layout.ints, m.field)
      if (!f || f.at + f.len > b.length) continue
      const v = intValue(f.value, m.value)
      const rep = encodeInt(f, v)
      b.splice(f.at, f.len, ...rep)
      const delta = rep.length - f.len
      if (f.where === 'footer' && delta !== 0 && b.length >= 8) {
        const n = b.length
        const len = (b[n - 8]! | (b[n - 7]! << 8) | (b[n - 6]! << 16) | (b[n - 5]! << 24)) + delta
        for (let i = 0; i < 4; i++) b[n - 8 + i] = (len >>> (8 * i)) & 0xff
      }
      notes.push(`int(${f.where}@${f.at}: ${f.value} -> ${v})`)
    } else {
      const pool = layout.regions.filter((r) => r.kind === m.kind && r.end > r.start)
      const r = pick(pool.length ? pool : layout.regions.filter((x) => x.end > x.start), m.region)
      if (!r || b.length === 0) continue
      const i = Math.min(b.length - 1, r.start + (m.at % (r.end - r.start)))
      if (m.op === 'flip') b[i] = b[i]! ^ (1 << (m.byte & 7))
      else if (m.op === 'set') b[i] = m.byte
      else if (m.op === 'insert') b.splice(i, 0, m.byte)
      else b.splice(i, 1)
      notes.push(`${m.op}(${r.kind}@${i}${m.op === 'delete' ? '' : `, ${m.op === 'flip' ? `bit ${m.byte & 7}` : m.byte}`})`)
    }
  }
  return { bytes: Uint8Array.from(b), note: notes.join(' ') }
}

// ------------------------------------------------------------------------------------------------ overlay FileIO

/** Serves `overrides` (bytes, or null for a missing file) in place of the wrapped FileIO's objects; read only. */
class OverlayFileIO implements FileIO {
  readonly overrides = new Map<string, Uint8Array | null>()
  constructor(
    private readonly inner: FileIO,
    /** Files served in place of the wrapped ones for the life of the table (uncompressed copies). */
    readonly base = new Map<string, Uint8Array>(),
  ) {}
  private get(path: string): Uint8Array | null | undefined {
    return this.overrides.has(path) ? this.overrides.get(path) : this.base.get(path)
  }
  async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    const o = this.get(path)
    if (o === undefined) return this.inner.read(path, range)
    if (o === null) throw new NotFoundError(`File does not exist: ${path}`, { context: { file: path } })
    return range ? o.slice(range.start, range.end ?? o.length) : o.slice()
  }
  async stat(path: string): Promise<FileStat | undefined> {
    const o = this.get(path)
    if (o === undefined) return this.inner.stat(path)
    return o === null ? undefined : { path, size: o.length }
  }
  write(): Promise<void> {
    return Promise.reject(new Error('read only'))
  }
  delete(): Promise<void> {
    return Promise.reject(new Error('read only'))
  }
}

// ------------------------------------------------------------------------------------------------ tables

/** Flat columns of most types (a low-cardinality string for dictionary pages) and list, map and struct columns. */
const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'cat', T.string),
  field(3, 'price', T.double),
  field(4, 'qty', T.int),
  field(5, 'dec', T.decimal(10, 2)),
  field(6, 'dt', T.date),
  field(7, 'ts', T.timestamptz),
  field(8, 'flag', T.boolean),
  field(9, 'bin', T.binary),
  field(10, 'tags', T.list(11, T.string)),
  field(12, 'attrs', T.map(13, T.string, 14, T.int)),
  field(15, 'pt', T.struct([field(16, 'x', T.double), field(17, 'y', T.float)])),
  field(18, 'u', T.uuid),
])

function rowsFrom(from: number, n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  for (let i = from; i < from + n; i++)
    out.push({
      id: BigInt(i),
      cat: ['alpha', 'beta', 'gamma', null][i % 4],
      price: i * 1.25,
      qty: i % 7 === 0 ? null : i * 3,
      dec: BigInt(i * 101),
      dt: 19000 + i,
      ts: 1_700_000_000_000_000n + BigInt(i) * 1_000_000n,
      flag: i % 3 === 0,
      bin: i % 5 === 0 ? null : Uint8Array.of(i & 255, 1, 2),
      tags: i % 6 === 0 ? null : [`t${i % 3}`, 'u'],
      attrs: new Map([[`k${i % 2}`, i]]),
      pt: i % 9 === 0 ? null : { x: i / 2, y: i / 4 },
      u: Uint8Array.from({ length: 16 }, (_, k) => (i * 7 + k) & 255),
    })
  return out
}

/** The floe-written tables: v2 with Parquet or Avro position deletes and an equality delete, v3 with a DV, Avro data files. */
const FLOE_TABLES: readonly { name: string; version: 2 | 3; props: Record<string, string> }[] = [
  { name: 'v2_zstd', version: 2, props: {} },
  { name: 'v2_snappy_avro_deletes', version: 2, props: { 'write.parquet.compression-codec': 'snappy', 'write.delete.format.default': 'avro' } },
  { name: 'v2_gzip', version: 2, props: { 'write.parquet.compression-codec': 'gzip' } },
  // several row groups and pages per column chunk
  { name: 'v2_plain_small_groups', version: 2, props: { 'write.parquet.compression-codec': 'uncompressed', 'write.parquet.row-group-size-bytes': '600', 'write.parquet.page-size-bytes': '128' } },
  { name: 'v3_zstd_dv', version: 3, props: {} },
  // Avro data files (Java's write.format.default=avro): deflate blocks, and uncompressed so that edits reach the decoder
  { name: 'v2_avro_data_deflate', version: 2, props: { 'write.format.default': 'avro' } },
  { name: 'v3_avro_data_plain', version: 3, props: { 'write.format.default': 'avro', 'write.avro.compression-codec': 'uncompressed' } },
]

async function floeTable(spec: (typeof FLOE_TABLES)[number]): Promise<Table> {
  const c = new MemoryCatalog(testEnv(new MemoryFileIO(), 7))
  await c.createNamespace('db')
  let t = await c.createTable(`db.${spec.name}`, { schema: SCHEMA, formatVersion: spec.version, properties: spec.props })
  t = await t.appendRows(rowsFrom(0, 40))
  t = await t.appendRows(rowsFrom(40, 30))
  t = await t.deleteRows('id = 3 or id = 45', { mode: 'merge-on-read' })
  if (spec.version === 2) {
    const [f] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: 10n }, { id: 50n }, { id: 999n }], { sort: false })
    t = await t.transaction().rowDelta({ addDeletes: [{ ...f!, content: 'equality-deletes', equalityIds: [1] }] }).commit()
  }
  return t
}

/** Engine-written tables read in place (Spark, Trino, Iceberg-Java): position deletes, equality deletes, DVs. */
const CORPUS_TABLES = [
  'impala:testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_delete_positional',
  'impala:testdata/data/iceberg_test/iceberg_v3/iceberg_v3_deletion_vectors',
  'duckdb-iceberg:data/persistent/equality_deletes/warehouse/mydb/mytable',
  'iceberg-cxx:tests/tables/deletion_vectors',
  'iceberg-cxx:tests/tables/granular_deletes',
  'icebird:test/files/hyperparam-iceberg/java/bunnies',
]

/** Corpus tables whose Parquet files are also fuzzed as uncompressed copies (Spark + Java, Java, Trino). */
const UNCOMPRESSED_COPIES = [
  'duckdb-iceberg:data/persistent/equality_deletes/warehouse/mydb/mytable',
  'icebird:test/files/hyperparam-iceberg/java/bunnies',
  'iceberg-cxx:tests/tables/granular_deletes',
]

// ------------------------------------------------------------------------------------------------ targets

export interface Target {
  readonly info: TargetInfo
  readonly table: Table
  readonly io: OverlayFileIO
  readonly file: DataFile
  readonly bytes: Uint8Array
  readonly layout: Layout
  readonly baseline: string
  readonly baseRows: number
}

function canonical(rows: readonly Record<string, unknown>[]): string {
  const text = (r: Record<string, unknown>): string =>
    JSON.stringify(r, (_k, v: unknown) =>
      typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? `x${Buffer.from(v).toString('hex')}` : v instanceof Map ? { map: [...(v as Map<unknown, unknown>)] } : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    )
  return rows.map(text).sort().join('\n')
}

/** The data, delete and DV files of a table's current snapshot as targets; `uncompressed`: Parquet files served as uncompressed copies. */
async function targetsOf(label: string, loaded: Table, uncompressed = false): Promise<Target[]> {
  const io = new OverlayFileIO(loaded.env.io)
  const table = new Table({ ...loaded.env, io }, loaded.state, loaded.name)
  const tasks = await table.scan().planFiles()
  const files = new Map<string, DataFile[]>()
  for (const task of tasks) for (const f of [task.file, ...task.deletes]) files.set(f.filePath, [...(files.get(f.filePath) ?? []).filter((g) => g !== f), f])
  if (uncompressed) for (const [path, [f]] of files) if (f!.fileFormat === 'PARQUET') io.base.set(path, uncompressedCopy(await io.read(path)))
  const rows = await table.scan().toArray()
  const out: Target[] = []
  for (const [path, entries] of files) {
    const file = entries[0]!
    const bytes = await io.read(path)
    const layout =
      file.fileFormat === 'PARQUET'
        ? parquetLayout(bytes)
        : file.fileFormat === 'PUFFIN'
          ? puffinLayout(bytes, entries.filter((e) => e.contentOffset !== undefined).map((e) => ({ offset: Number(e.contentOffset), size: Number(e.contentSizeInBytes) })))
          : avroLayout(bytes)
    const kinds = REGION_KINDS.filter((k) => layout.regions.some((r) => r.kind === k && r.end > r.start))
    const intKinds = INT_KINDS.filter((k) => layout.ints.some((f) => f.where === k))
    out.push({
      info: { label: `${label} ${file.content} ${file.fileFormat} ${path.split('/').pop()}`, path, content: file.content, format: file.fileFormat, size: bytes.length, kinds, intKinds },
      table,
      io,
      file,
      bytes,
      layout,
      baseline: canonical(rows),
      baseRows: rows.length,
    })
  }
  return out
}

/** Every target file of every table (exported for repro scripts). */
export async function buildTargets(): Promise<Target[]> {
  const out: Target[] = []
  for (const spec of FLOE_TABLES) out.push(...(await targetsOf(`floe ${spec.name}`, await floeTable(spec))))
  const all = corpusTables()
  for (const key of CORPUS_TABLES) {
    const [source, dir] = key.split(':') as [string, string]
    const ct = all.find((t) => t.source === source && t.dir === dir)
    if (!ct) throw new Error(`corpus table ${key} is not in MANIFEST.md`)
    out.push(...(await targetsOf(`${source} ${dir.split('/').pop()}`, await openCorpusTable(ct))))
  }
  // engine-written v1 pages, uncompressed so that edits reach their levels and values
  for (const key of UNCOMPRESSED_COPIES) {
    const [source, dir] = key.split(':') as [string, string]
    const ct = all.find((t) => t.source === source && t.dir === dir)!
    const base = await openCorpusTable(ct)
    const expected = await targetsOf('check', base)
    const copies = await targetsOf(`${source} ${dir.split('/').pop()} uncompressed`, base, true)
    if (copies[0]!.baseline !== expected[0]!.baseline) throw new Error(`the uncompressed copies of ${key} read other rows`)
    out.push(...copies.filter((t) => t.info.format === 'PARQUET'))
  }
  return out
}

// ------------------------------------------------------------------------------------------------ one case

/** Rows the mutated file yields read alone by floe's reader for its format (no projection, no deletes). */
async function rowsOfFile(t: Target): Promise<number | undefined> {
  const reader = readerForFormat(t.file.fileFormat)
  if (!reader) return undefined
  let n = 0
  for await (const b of reader.readBatches(await fileSource(t.table.env.io, t.info.path), { schema: schema([]) })) n += b.rows.length
  return n
}

async function runCase(t: Target, ms: readonly Mutation[], arrow: boolean, slowMs: number): Promise<{ outcome: Outcome; note: string; ms: number }> {
  const { bytes, note } = applyMutations(t.bytes, t.layout, ms)
  t.io.overrides.set(t.info.path, bytes)
  const started = performance.now()
  const elapsed = (): number => performance.now() - started
  try {
    const rows = await t.table.scan().toArray()
    if (arrow) await scanToArrowTable(t.table.scan())
    const text = canonical(rows)
    if (elapsed() > slowMs) return { outcome: { kind: 'bad', why: `slow scan: ${elapsed().toFixed(0)} ms` }, note, ms: elapsed() }
    if (text === t.baseline) return { outcome: { kind: 'same' }, note, ms: elapsed() }
    let fileRows: number | undefined
    try {
      fileRows = await rowsOfFile(t)
    } catch {
      fileRows = undefined
    }
    return { outcome: { kind: 'changed', rows: rows.length, baseRows: t.baseRows, ...(fileRows === undefined ? {} : { fileRows }), recordCount: Number(t.file.recordCount) }, note, ms: elapsed() }
  } catch (e) {
    const ms = elapsed()
    if (!isFloeError(e)) return { outcome: { kind: 'bad', why: `untyped ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}` }, note, ms }
    const names = e.message.includes(t.info.path) || e.context.file === t.info.path
    if (!names) return { outcome: { kind: 'bad', why: `FloeError ${e.code} does not name ${t.info.path}: ${e.message} ${JSON.stringify(e.context)}` }, note, ms }
    if (ms > slowMs) return { outcome: { kind: 'bad', why: `slow failure: ${ms.toFixed(0)} ms (${e.code})` }, note, ms }
    return { outcome: { kind: 'typed', code: e.code, message: e.message }, note, ms }
  } finally {
    t.io.overrides.delete(t.info.path)
  }
}

// ------------------------------------------------------------------------------------------------ process loop

if (process.env.FLOE_CORRUPT_SCAN === '1' && process.send) {
  const send = (r: Reply): void => void process.send!(r)
  const slowMs = Number(process.env.FLOE_CORRUPT_SLOW_MS ?? 2000)
  const externalCapMb = Number(process.env.FLOE_CORRUPT_EXTERNAL_MB ?? 256)
  // ArrayBuffers a case allocated are still counted right after it (garbage, not yet collected); past the cap
  // the case is reported and a collection clears them, so the next case is measured from a clean state
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  buildTargets().then(
    (targets) => {
      send({ t: 'ready', targets: targets.map((t) => t.info) })
      process.on('message', (req: Request) => {
        const t = targets[req.target % targets.length]!
        const peak = process.resourceUsage().maxRSS
        runCase(t, req.mutations, req.arrow, slowMs).then(
          ({ outcome, note, ms }) => {
            const h = getHeapStatistics()
            const rssGrowthMb = (process.resourceUsage().maxRSS - peak) / 1024
            if (h.external_memory > externalCapMb * 2 ** 20) gc()
            send({ t: 'result', id: req.id, outcome, note, ms, heapMb: h.used_heap_size / 2 ** 20, externalMb: h.external_memory / 2 ** 20, rssGrowthMb })
          },
          (e: unknown) => send({ t: 'fatal', message: String(e instanceof Error ? e.stack : e) }),
        )
      })
    },
    (e: unknown) => send({ t: 'fatal', message: String(e instanceof Error ? e.stack : e) }),
  )
}
