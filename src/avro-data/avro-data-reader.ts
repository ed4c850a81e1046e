// Avro data files (spec §Avro, Java's `write.format.default=avro`): rows read block by block from the
// container and resolved by Iceberg field id, as Parquet columns are. A file without field ids gets them from
// the table's name mapping, else from the read schema's own names (Java's ProjectionDatumReader does the same).
// The file is streamed: fetched in windows through the ByteSource, one decompressed block at a time.
// Missing fields read as their initial-default or null, constants (identity partition values, metadata
// columns) replace stored values, `_pos` is the row's position, and promotions (int→long, float→double,
// wider decimals) apply on read.
import { FloeError } from '../errors.js'
import type { ByteSource, ParquetReader, ReadRequest, Row, RowBatch } from '../parquet/codec.js'
import { constantProducer } from '../parquet/constant-values.js'
import { ROW_POSITION } from '../spec/metadata-columns.js'
import { AvroReader, avroError, bytesEqual } from '../spec/avro/binary.js'
import { skipperFor } from '../spec/avro/avro-generic.js'
import { minEncodedSize, type AvroField, type AvroNode, type Reader } from '../spec/avro/avro-node.js'
import { decompressBlock, DEFAULT_MAX_BLOCK_BYTES, readOcfHeader, withAvroErrors, type OcfBlock, type OcfHeader } from '../spec/avro/ocf.js'
import { readerAs, type PlanSite } from '../spec/avro/read-plan.js'
import { missingFieldValue, type ConstantLookup } from '../spec/missing-value.js'
import { createNameMapping, type MappedField, type NameMapping } from '../spec/name-mapping.js'
import { setOwn } from '../spec/own.js'
import type { NestedField, StructType, Value } from '../spec/types.js'

/** Reads Avro data files through the data-file seam (the ParquetReader interface: one batch per container block). */
export const avroDataReader: ParquetReader = { readBatches: (source, request) => readAvroBatches(source, request) }

/** Bytes fetched per read: a file is streamed block by block in windows of this size (a bigger block is read whole). */
export const AVRO_READ_WINDOW = 4 * 1024 * 1024

/** Rows per batch when a block's records encode to zero bytes (its count is then not bounded by its size). */
export const AVRO_EMPTY_RECORD_BATCH = 65_536

/** The rows of an Avro data file, one batch per container block (a block of zero-byte records in batches of {@link AVRO_EMPTY_RECORD_BATCH}), fetched `window` bytes at a time. */
export async function* readAvroBatches(source: ByteSource, request: ReadRequest, window = AVRO_READ_WINDOW): AsyncIterable<RowBatch> {
  const file = source.path
  const checkAbort = (): void => {
    if (request.signal?.aborted) throw new FloeError('ABORTED', `Read of ${file} was aborted`, { cause: request.signal.reason, context: { file } })
  }
  checkAbort()
  const { header, first } = await readHeader(source, window)
  const root = withIds(header.schema, request)
  if (root.kind !== 'record') throw new FloeError('INVALID_DATA', `Avro data file ${file} does not hold records (its schema is ${root.kind})`, { context: { file } })
  const row = compile(root, request, file)
  const min = minEncodedSize(root)
  let start = 0
  for await (const block of streamBlocks(source, header, first, window)) {
    checkAbort()
    // a damaged count fails here, before anything is allocated for it; records that encode to no bytes at all
    // (a schema of only `unknown` columns) bound nothing, so such a block may hold any count (the varint reader
    // keeps it a safe integer) and is read in batches of AVRO_EMPTY_RECORD_BATCH rows to keep memory bounded
    if (min > 0 && block.count * min > block.data.length) avroError(`Invalid Avro block: ${block.count} records cannot fit in ${block.data.length} bytes`, file)
    const r = new AvroReader(block.data, 0, block.data.length, file)
    let done = 0
    do {
      const n = Math.min(block.count - done, min > 0 ? block.count : AVRO_EMPTY_RECORD_BATCH)
      const rows = withAvroErrors(file, () => {
        const out = new Array<Row>(n)
        for (let i = 0; i < n; i++) out[i] = row(r, start + i)
        // a block must be consumed exactly
        if (done + n === block.count && r.pos !== r.end) avroError(`Invalid Avro block: ${r.end - r.pos} trailing bytes after ${block.count} records`, file)
        return out
      })
      yield { start, rows }
      start += n
      done += n
      if (done < block.count) checkAbort()
    } while (done < block.count)
  }
}

// The row reader; a column the file stores as a type it cannot be read as is bad data (INVALID_DATA, as for Parquet).
function compile(root: Extract<AvroNode, { kind: 'record' }>, request: ReadRequest, file: string): (r: AvroReader, pos: number) => Row {
  try {
    return withAvroErrors(file, () => rowReader(root, request, file))
  } catch (e) {
    if (e instanceof FloeError && e.code === 'INVALID_METADATA') throw new FloeError('INVALID_DATA', e.message, { cause: e, context: e.context })
    throw e
  }
}

/** The container header, from the first window, doubled until the header fits (a file's header is its schema). */
async function readHeader(source: ByteSource, window: number): Promise<{ header: OcfHeader; first: Uint8Array }> {
  for (let n = Math.max(1, window); ; n *= 2) {
    const want = Math.min(source.byteLength, n)
    const first = await source.read(0, want)
    // the whole file, or a source that returned less than asked: this attempt is the last
    if (want >= source.byteLength || first.length < want) return { header: readOcfHeader(first, source.path), first }
    try {
      return { header: readOcfHeader(first, source.path), first }
    } catch (e) {
      // a header cut short by the window fails to parse in many ways (INVALID_AVRO): read more; a file that
      // is no Avro container (bad magic) or that names an unknown codec or encryption (UNSUPPORTED) fails now
      if (!(e instanceof FloeError && e.code === 'INVALID_AVRO' && !/bad magic/.test(e.message))) throw e
    }
  }
}

/** The decompressed blocks of the data section, read window by window, every sync marker checked. */
async function* streamBlocks(source: ByteSource, header: OcfHeader, first: Uint8Array, window: number): AsyncIterable<OcfBlock> {
  const file = source.path
  const end = source.byteLength
  let buf = first
  let base = 0 // buf holds the file's bytes [base, base + buf.length)
  let pos = header.dataOffset
  // make the file's bytes [pos, pos + n) available in buf (up to the end of the file)
  const ensure = async (n: number): Promise<void> => {
    const want = Math.min(end, pos + n)
    if (pos >= base && want <= base + buf.length) return
    buf = await source.read(pos, Math.min(end, Math.max(want, pos + window)))
    base = pos
    if (buf.length < want - pos) avroError(`Truncated Avro file: ${want - pos} bytes needed at ${pos}, ${buf.length} read`, file)
  }
  while (pos < end) {
    await ensure(20) // two varints at most
    const r = new AvroReader(buf, pos - base, buf.length, file)
    const count = withAvroErrors(file, () => r.longNumber())
    const size = withAvroErrors(file, () => r.longNumber())
    if (count < 0 || size < 0) avroError(`Invalid Avro block header (count ${count}, size ${size})`, file)
    pos = base + r.pos
    if (pos + size > end) avroError(`Truncated Avro file: block of ${size} bytes but ${end - pos} left`, file)
    if (pos + size + 16 > end) avroError('Truncated Avro file: missing sync marker after block', file)
    await ensure(size + 16)
    const at = pos - base
    if (!bytesEqual(buf.subarray(at + size, at + size + 16), header.sync)) avroError('Invalid Avro file: sync marker mismatch', file)
    const raw = buf.subarray(at, at + size)
    pos += size + 16
    yield { count, data: decompressBlock(header.codec, raw, DEFAULT_MAX_BLOCK_BYTES, file) }
  }
}

/** How one output field of a struct is produced: from an Avro field (slot), or a default/constant. */
type Fill = () => Value

/** The Avro field of a record that holds Iceberg field `id`. */
function avroFieldFor(rec: Extract<AvroNode, { kind: 'record' }>, id: number): number {
  return rec.fields.findIndex((f) => f.fieldId === id)
}

// A struct reader over `rec` producing objects keyed by the target fields' names in their order; target
// fields the record lacks read as `fill(field)`; Avro fields no target wants are skipped.
function structReader(rec: Extract<AvroNode, { kind: 'record' }>, targets: readonly NestedField[], site: PlanSite, fill: (f: NestedField) => Fill | undefined, lookup: ConstantLookup): Reader<Value> {
  const slotOf = rec.fields.map(() => -1)
  const fills: (Fill | undefined)[] = targets.map((t) => fill(t))
  targets.forEach((t, j) => {
    if (fills[j]) return
    const i = avroFieldFor(rec, t.id)
    if (i >= 0) slotOf[i] = j
    else fills[j] = constantProducer(missingFieldValue(t, lookup))
  })
  const steps = rec.fields.map((f: AvroField, i) => {
    const j = slotOf[i]!
    if (j < 0) {
      const skip = skipperFor(f.type)
      return { slot: -1, read: (r: AvroReader): Value => (skip(r), null) }
    }
    return { slot: j, read: readerAs(f.type, targets[j]!.type, { ...site, field: site.field ? `${site.field}.${targets[j]!.name}` : targets[j]!.name }) }
  })
  const names = targets.map((t) => t.name)
  return (r) => {
    const values = new Array<Value>(targets.length)
    for (const s of steps) {
      const v = s.read(r)
      if (s.slot >= 0) values[s.slot] = v
    }
    const out: Record<string, Value> = {}
    for (let j = 0; j < names.length; j++) setOwn(out, names[j]!, fills[j] ? fills[j]!() : (values[j] ?? null))
    return out
  }
}

/** The row reader of a file: the read schema's fields (nested records as name-keyed structs), with constants at any depth and `_pos`. */
function rowReader(root: Extract<AvroNode, { kind: 'record' }>, request: ReadRequest, file: string): (r: AvroReader, pos: number) => Row {
  let position = 0
  const constants = request.constants
  const lookup: ConstantLookup = (id) => (constants?.has(id) ? { value: constants.get(id) ?? null } : undefined)
  const fill = (f: NestedField): Fill | undefined => {
    if (constants?.has(f.id)) return constantProducer(constants.get(f.id) ?? null)
    if (f.id === ROW_POSITION.id) return () => BigInt(position)
    return undefined
  }
  const nested = (node: AvroNode, expected: StructType, site: PlanSite): Reader<Value> => {
    if (node.kind !== 'record') throw new FloeError('INVALID_DATA', `Avro data file ${file}: field ${site.field} is not a record`, { context: { file, field: site.field } })
    return structReader(node, expected.fields, site, fill, lookup)
  }
  const site: PlanSite = { file, field: '', struct: nested }
  const read = structReader(root, request.schema.fields, site, fill, lookup)
  return (r, pos) => {
    position = pos
    return read(r) as Row
  }
}

// Field ids for a file written without them: from the name mapping, else from the read schema's names.
function withIds(node: AvroNode, request: ReadRequest): AvroNode {
  if (node.kind !== 'record' || hasIds(node)) return node
  const mapping: NameMapping = request.nameMapping ?? createNameMapping(request.schema)
  return annotate(node, mapping)
}

/** True when any record field anywhere in the schema carries a field id (Java's AvroSchemaUtil.hasIds). */
function hasIds(node: AvroNode): boolean {
  switch (node.kind) {
    case 'record':
      return node.fields.some((f) => f.fieldId !== undefined || hasIds(f.type))
    case 'union':
      return node.branches.some(hasIds)
    case 'array':
      return hasIds(node.items)
    case 'map':
      return hasIds(node.values)
    default:
      return false
  }
}

/** `node` with the ids of the mapped fields (records by field name; arrays by `element`, maps by `key`/`value`). */
function annotate(node: AvroNode, entries: readonly MappedField[] | undefined): AvroNode {
  const find = (name: string): MappedField | undefined => entries?.find((e) => e.names.includes(name))
  switch (node.kind) {
    case 'record':
      return {
        ...node,
        fields: node.fields.map((f) => {
          const m = find(f.name)
          const { fieldId: _unused, ...rest } = f
          return { ...rest, ...(m?.fieldId === undefined ? {} : { fieldId: m.fieldId }), type: annotate(f.type, m?.fields) }
        }),
      }
    case 'union':
      return { ...node, branches: node.branches.map((b) => annotate(b, entries)) }
    case 'array':
      return { ...node, items: annotate(node.items, find('element')?.fields ?? entries) }
    case 'map':
      return { ...node, values: annotate(node.values, find('value')?.fields) }
    default:
      return node
  }
}
