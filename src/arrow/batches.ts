// Rows ⇄ Arrow RecordBatch, exact both ways. Built column-wise with makeData (never with Arrow builders,
// which drop microseconds and reject bigint decimals); read from the underlying typed arrays (never with
// vector.get(), which returns timestamps as lossy float milliseconds).
import { setOwn } from '../spec/own.js'
import { DataType, DateUnit, makeData, Precision, RecordBatch, Struct, TimeUnit, type Data, type Field, type Int64, type Table } from 'apache-arrow'
import type { Schema as ArrowSchema } from 'apache-arrow'
import { FloeError, InvalidArgumentError, UnsupportedError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import type { Schema } from '../spec/schema.js'
import { primitiveToString, T, type IcebergType, type MapValue, type PrimitiveType, type StructValue, type Value } from '../spec/types.js'
import { booleanOf, bytesOf, decimalOf, int32Of, int64Of, numberOf, stringOf } from '../spec/value-check.js'
import { describeValue } from '../spec/values.js'
import { bytesToHex } from '../spec/values.js'
import { InvalidDataError, ScaledDecimal, TypedValue, UnitTime, UnitTimestamp, type TemporalUnit } from '../write/coerce.js'
import { icebergSchemaToArrow } from './schema.js'

/** A slot below a null struct/list/map parent: stored as null and never a "required" violation. */
const UNDER_NULL: unique symbol = Symbol('under-null')
type Cell = Value | undefined | typeof UNDER_NULL

const INT32_MAX = 2 ** 31 - 1
const arrowSchemas = new WeakMap<Schema, ArrowSchema>()

/**
 * Build one RecordBatch from rows keyed by column name (missing keys are null), with the Arrow schema of
 * {@link icebergSchemaToArrow}. Values must have floe's representation (long/time/timestamps bigint,
 * decimal unscaled bigint, date days, uuid/fixed/binary Uint8Array); a wrong value, or a null in a required
 * column, fails with INVALID_ARGUMENT naming the column.
 */
export function rowsToRecordBatch(schema: Schema, rows: readonly Row[]): RecordBatch {
  let arrow = arrowSchemas.get(schema)
  if (!arrow) arrowSchemas.set(schema, (arrow = icebergSchemaToArrow(schema)))
  const children = schema.fields.map((f, j) =>
    buildData(f.type, arrow.fields[j]!.type, rows.map((r) => r[f.name]), f.required, f.name),
  )
  const data = makeData({ type: new Struct(arrow.fields), length: rows.length, nullCount: 0, children })
  return new RecordBatch(arrow, data)
}

function isNull(c: Cell): c is null | undefined | typeof UNDER_NULL {
  return c === null || c === undefined || c === UNDER_NULL
}

function columnError(path: string, at: number, e: unknown): FloeError {
  if (e instanceof FloeError && e.context.field !== undefined) return e
  const msg = e instanceof Error ? e.message : String(e)
  return new InvalidArgumentError(`Column ${path}, value ${at}: ${msg}`, { cause: e, context: { field: path } })
}

type Valid = { nullBitmap?: Uint8Array; nullCount: number }

/** Validity bitmap of the cells (absent when none is null); throws on a null in a required slot. */
function validity(cells: readonly Cell[], required: boolean, path: string): Valid {
  let nulls = 0
  const bitmap = new Uint8Array((cells.length + 7) >> 3)
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]
    if (isNull(c)) {
      if (required && c !== UNDER_NULL)
        throw new InvalidArgumentError(`Column ${path} is required but value ${i} is null`, { context: { field: path } })
      nulls++
    } else bitmap[i >> 3]! |= 1 << (i & 7)
  }
  return nulls ? { nullBitmap: bitmap, nullCount: nulls } : { nullCount: 0 }
}

function buildData(type: IcebergType, arrowType: DataType, cells: readonly Cell[], required: boolean, path: string): Data {
  const n = cells.length
  const valid = validity(cells, required, path)
  switch (type.kind) {
    case 'struct': {
      const children = type.fields.map((f, j) => {
        const values = cells.map((c, i) => (isNull(c) ? UNDER_NULL : structOf(c, path, i)[f.name]))
        return buildData(f.type, arrowType.children[j]!.type, values, f.required, `${path}.${f.name}`)
      })
      return makeData({ type: arrowType as Struct, length: n, ...valid, children })
    }
    case 'list': {
      const offsets = new Int32Array(n + 1)
      const elements: Cell[] = []
      cells.forEach((c, i) => {
        if (!isNull(c)) {
          if (!Array.isArray(c)) throw columnError(path, i, new InvalidArgumentError(`expected an array, got ${describeValue(c)}`))
          for (const e of c as readonly Value[]) elements.push(e)
        }
        offsets[i + 1] = checkedOffset(elements.length, path)
      })
      const child = buildData(type.element, arrowType.children[0]!.type, elements, type.elementRequired, `${path}.element`)
      return makeData({ type: arrowType as DataType as never, length: n, ...valid, valueOffsets: offsets, child })
    }
    case 'map': {
      const offsets = new Int32Array(n + 1)
      const keys: Cell[] = []
      const values: Cell[] = []
      cells.forEach((c, i) => {
        if (!isNull(c)) {
          if (!(c instanceof Map)) throw columnError(path, i, new InvalidArgumentError(`expected a Map, got ${describeValue(c)}`))
          for (const [k, v] of c as MapValue) {
            keys.push(k)
            values.push(v)
          }
        }
        offsets[i + 1] = checkedOffset(keys.length, path)
      })
      const entriesType = arrowType.children[0]!.type as Struct
      const keyData = buildData(type.key, entriesType.children[0]!.type, keys, true, `${path}.key`)
      const valueData = buildData(type.value, entriesType.children[1]!.type, values, type.valueRequired, `${path}.value`)
      const child = makeData({ type: entriesType, length: keys.length, nullCount: 0, children: [keyData, valueData] })
      return makeData({ type: arrowType as DataType as never, length: n, ...valid, valueOffsets: offsets, child })
    }
    case 'variant': {
      // floe's variant value is its binary encoding, { metadata, value }: the children of the storage struct
      const parts = cells.map((c, i) => (isNull(c) ? undefined : variantOf(c, path, i)))
      const metadata = buildData(T.binary, arrowType.children[0]!.type, parts.map((p) => p?.metadata ?? UNDER_NULL), true, `${path}.metadata`)
      const value = buildData(T.binary, arrowType.children[1]!.type, parts.map((p) => (p ? p.value : UNDER_NULL)), false, `${path}.value`)
      return makeData({ type: arrowType as Struct, length: n, ...valid, children: [metadata, value] })
    }
    default: {
      let at = 0
      try {
        return buildPrimitive(type, arrowType, cells, valid, path, (i) => (at = i))
      } catch (e) {
        throw columnError(path, at, e)
      }
    }
  }
}

function structOf(c: Cell, path: string, i: number): StructValue {
  if (typeof c !== 'object' || c === null || Array.isArray(c) || c instanceof Map || c instanceof Uint8Array)
    throw columnError(path, i, new InvalidArgumentError(`expected a struct object, got ${describeValue(c)}`))
  return c as StructValue
}

function variantOf(c: Cell, path: string, i: number): { metadata: Uint8Array; value: Uint8Array | null } {
  const v = c as { metadata?: unknown; value?: unknown }
  if (typeof c !== 'object' || c === null || !(v.metadata instanceof Uint8Array) || !(v.value === null || v.value instanceof Uint8Array))
    throw columnError(path, i, new InvalidArgumentError(`expected a variant { metadata, value } of bytes, got ${describeValue(c as Value)}`))
  return { metadata: v.metadata, value: v.value }
}

function checkedOffset(n: number, path: string): number {
  if (n > INT32_MAX) throw new UnsupportedError(`Column ${path} needs offsets beyond 2^31-1 in one batch; use a smaller batch size`, { context: { field: path } })
  return n
}

function buildPrimitive(type: PrimitiveType, arrowType: DataType, cells: readonly Cell[], valid: Valid, path: string, mark: (i: number) => void): Data {
  const n = cells.length
  // makeData dispatches on the runtime type; its static overloads cannot be picked from a DataType union.
  const t = arrowType as DataType as never
  const each = (fn: (v: Value, i: number) => void): void => {
    for (let i = 0; i < n; i++) {
      const c = cells[i]
      if (!isNull(c)) {
        mark(i)
        fn(c, i)
      }
    }
  }
  switch (type.kind) {
    case 'boolean': {
      const bits = new Uint8Array((n + 7) >> 3)
      each((v, i) => {
        if (booleanOf(type, v)) bits[i >> 3]! |= 1 << (i & 7)
      })
      return makeData({ type: t, length: n, ...valid, data: bits })
    }
    case 'int':
    case 'date': {
      const data = new Int32Array(n)
      each((v, i) => (data[i] = int32Of(type, v)))
      return makeData({ type: t, length: n, ...valid, data })
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const data = new BigInt64Array(n)
      each((v, i) => (data[i] = int64Of(type, v)))
      // Int64, TimeMicrosecond and the timestamp types all store one BigInt64Array word per value.
      return makeData({ type: arrowType as Int64, length: n, ...valid, data })
    }
    case 'float':
    case 'double': {
      const data = type.kind === 'float' ? new Float32Array(n) : new Float64Array(n)
      each((v, i) => (data[i] = numberOf(type, v)))
      return makeData({ type: t, length: n, ...valid, data })
    }
    case 'decimal': {
      // 128-bit little-endian two's complement: low 64 bits, then high 64 bits.
      const words = new BigInt64Array(2 * n)
      each((v, i) => {
        const x = decimalOf(type, v)
        words[2 * i] = BigInt.asIntN(64, x)
        words[2 * i + 1] = BigInt.asIntN(64, x >> 64n)
      })
      return makeData({ type: t, length: n, ...valid, data: new Uint32Array(words.buffer) })
    }
    case 'uuid':
    case 'fixed': {
      const width = type.kind === 'fixed' ? type.length : 16
      const data = new Uint8Array(n * width)
      each((v, i) => data.set(bytesOf(type, v, width), i * width))
      return makeData({ type: t, length: n, ...valid, data })
    }
    case 'string':
    case 'binary': {
      const offsets = new Int32Array(n + 1)
      const encoder = new TextEncoder()
      let buf = new Uint8Array(Math.max(64, n * 8))
      let pos = 0
      const reserve = (extra: number): void => {
        if (pos + extra <= buf.length) return
        const next = new Uint8Array(Math.max(buf.length * 2, pos + extra))
        next.set(buf.subarray(0, pos))
        buf = next
      }
      for (let i = 0; i < n; i++) {
        const c = cells[i]
        if (!isNull(c)) {
          mark(i)
          if (type.kind === 'string') {
            const s = stringOf(type, c)
            reserve(s.length * 3)
            pos += encoder.encodeInto(s, buf.subarray(pos)).written
          } else {
            const b = bytesOf(type, c)
            reserve(b.length)
            buf.set(b, pos)
            pos += b.length
          }
        }
        offsets[i + 1] = checkedOffset(pos, path)
      }
      return makeData({ type: t, length: n, ...valid, valueOffsets: offsets, data: buf.subarray(0, pos) })
    }
    case 'unknown':
      each((v) => {
        throw new InvalidArgumentError(`unknown-typed columns hold only nulls, got ${describeValue(v)}`)
      })
      return makeData({ type: t, length: n })
    default:
      throw new UnsupportedError(`Iceberg type ${primitiveToString(type)} has no Arrow mapping`)
  }
}

/** The label Arrow input is named by in errors when the caller names no source. */
export const ARROW_INPUT_LABEL = 'Arrow input'

/**
 * Rows of a RecordBatch keyed by Arrow field name, values in floe's representation (exact int64; timestamps
 * in µs, or ns for Arrow nanoseconds; decimals unscaled at the Arrow type's scale). A value that cannot be
 * read as it is fails with INVALID_DATA naming the 1-based row of the batch and the column.
 */
export function recordBatchToRows(batch: RecordBatch): Row[] {
  return readRows(batch, false, ARROW_INPUT_LABEL, 1) as Row[]
}

/** A row of write input: floe values, or typed values the coercer converts (see {@link recordBatchToInputRows}). */
export interface InputRow {
  [name: string]: unknown
}

/**
 * Rows of a RecordBatch as write input for the coercer: like {@link recordBatchToRows}, except that
 * timestamps, times and decimals keep their Arrow unit, zone and scale ({@link UnitTimestamp},
 * {@link UnitTime}, {@link ScaledDecimal}), so they convert to the column's type exactly or fail. A value
 * that cannot be read fails with INVALID_DATA naming `source`, the row (`firstRow` is the 1-based number of
 * the batch's first row in the whole input) and the column.
 */
export function recordBatchToInputRows(batch: RecordBatch, source = ARROW_INPUT_LABEL, firstRow = 1): InputRow[] {
  return readRows(batch, true, source, firstRow)
}

function readRows(batch: RecordBatch, typed: boolean, source: string, firstRow: number): InputRow[] {
  if (batch.numRows === 0) return [] // arrow-js builds empty placeholder batches without column data
  const fields = batch.schema.fields
  const readers = fields.map((f, j) => {
    const data = batch.data.children[j]
    if (!data) throw new InvalidArgumentError(`Column ${f.name} has no data in the RecordBatch`, { context: { field: f.name } })
    return dataReader(data, f, f.name, typed)
  })
  const rows: InputRow[] = new Array<InputRow>(batch.numRows)
  let i = 0
  try {
    for (; i < batch.numRows; i++) {
      const row: InputRow = {}
      for (let j = 0; j < fields.length; j++) setOwn(row as Record<string, unknown>, fields[j]!.name, readers[j]!(i))
      rows[i] = row
    }
  } catch (e) {
    if (!(e instanceof ArrowValueError)) throw e
    const row = firstRow + i
    throw new InvalidDataError(`Invalid data in ${source} row ${row} column ${e.path}: ${e.why}`, { context: { file: source, row, field: e.path } })
  }
  return rows
}

/** Rows of every batch of an Arrow Table, in order (see {@link recordBatchToRows}; rows numbered across batches). */
export function arrowTableToRows(table: Table): Row[] {
  const out: Row[] = []
  for (const b of table.batches) for (const r of readRows(b, false, ARROW_INPUT_LABEL, out.length + 1) as Row[]) out.push(r)
  return out
}

// a floe Value, or (typed readers, for write input) a UnitTimestamp, UnitTime or ScaledDecimal within one
type Reader = (i: number) => unknown
// strict: Arrow Utf8 must be UTF-8, and a replaced byte would change the value silently
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const DAY_MS = 86_400_000n
const UNIT_TO_MICROS: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 1n }
const UNIT_NAMES: Record<number, TemporalUnit> = { [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'us', [TimeUnit.NANOSECOND]: 'ns' }

/** A reader of slot i of `data` (relative to its offset), nulls from the validity bitmap. */
function dataReader(data: Data, field: Field, path: string, typed: boolean): Reader {
  if (DataType.isNull(data.type)) return () => null
  const read = valueReader(data, field, path, typed)
  const bitmap = data.nullBitmap
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return read
  const off = data.offset
  return (i) => ((bitmap[(off + i) >> 3]! >> ((off + i) & 7)) & 1 ? read(i) : null)
}

function valueReader(data: Data, field: Field, path: string, typed: boolean): Reader {
  const t = data.type
  const values = data.values as ArrayLike<number | bigint> & { subarray(a: number, b: number): Uint8Array; slice(a: number, b: number): Uint8Array }
  const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined
  const start = (i: number): number => Number(offsets![i])
  if (DataType.isBool(t)) {
    const off = data.offset
    return (i) => (((values[(off + i) >> 3] as number) >> ((off + i) & 7)) & 1) === 1
  }
  if (DataType.isInt(t)) {
    if (t.bitWidth === 64 && !t.isSigned) return unsupportedType(t, path)
    if (t.bitWidth === 32 && !t.isSigned) return (i) => BigInt(values[i] as number)
    return (i) => values[i]!
  }
  // every half-precision value is exact as a float (and a double): decoded from its bits
  if (DataType.isFloat(t)) return t.precision === Precision.HALF ? (i) => halfToNumber(values[i] as number) : (i) => values[i]!
  if (DataType.isDecimal(t)) {
    const w = t.bitWidth / 32
    const bits = t.bitWidth
    const unscaled = (i: number): bigint => {
      let x = 0n
      for (let k = w - 1; k >= 0; k--) x = (x << 32n) | BigInt(values[i * w + k] as number)
      return BigInt.asIntN(bits, x)
    }
    if (!typed) return unscaled
    const scale = t.scale
    // the unscaled value alone would be read at the column's scale: 1.23 (scale 2) as 0.0123 in decimal(10,4)
    return (i) => new ScaledDecimal(unscaled(i), scale)
  }
  if (DataType.isDate(t)) {
    if (t.unit === DateUnit.DAY) return (i) => values[i]!
    return (i) => {
      const ms = BigInt(values[i]!)
      // Date64 holds whole days by definition; anything else would be cut to a different date
      if (ms % DAY_MS !== 0n) throw badValue(path, `Date64 value ${ms} ms is not a whole number of days`)
      return Number(ms / DAY_MS)
    }
  }
  if (typed && DataType.isTimestamp(t)) {
    // the unit and zone go to the coercer, which alone knows the column's unit (µs or ns) and kind
    const unit = UNIT_NAMES[t.unit]!
    const zone = t.timezone ? t.timezone : null
    return (i) => new UnitTimestamp(BigInt(values[i]!), unit, zone)
  }
  if (typed && DataType.isTime(t)) {
    const unit = UNIT_NAMES[t.unit]!
    return (i) => new UnitTime(BigInt(values[i]!), unit)
  }
  if (DataType.isTime(t) || DataType.isTimestamp(t)) {
    if (DataType.isTime(t) && t.unit === TimeUnit.NANOSECOND) return unsupportedType(t, path)
    const scale = UNIT_TO_MICROS[t.unit]!
    if (scale === 1n) return (i) => BigInt(values[i]!)
    return (i) => checkedInt64(BigInt(values[i]!) * scale, path)
  }
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t))
    return (i) => {
      try {
        return decoder.decode(values.subarray(start(i), start(i + 1)))
      } catch (e) {
        if (!(e instanceof TypeError)) throw e
        throw badValue(path, 'a Utf8 value is not valid UTF-8')
      }
    }
  if (DataType.isBinary(t) || DataType.isLargeBinary(t)) return (i) => values.slice(start(i), start(i + 1))
  if (DataType.isUtf8View(t) || DataType.isBinaryView(t)) {
    const bytes = viewReader(data, path)
    if (DataType.isBinaryView(t)) return (i) => bytes(i).slice()
    return (i) => {
      try {
        return decoder.decode(bytes(i))
      } catch (e) {
        if (!(e instanceof TypeError)) throw e
        throw badValue(path, 'a Utf8View value is not valid UTF-8')
      }
    }
  }
  if (DataType.isFixedSizeBinary(t)) {
    const w = t.byteWidth
    return (i) => values.slice(i * w, (i + 1) * w)
  }
  if (DataType.isStruct(t)) {
    const kids = t.children.map((f, j) => [f.name, dataReader(data.children[j]!, f, `${path}.${f.name}`, typed)] as const)
    return (i) => {
      const o: { [name: string]: unknown } = {}
      for (const [name, r] of kids) setOwn(o, name, r(i))
      return o
    }
  }
  if (DataType.isList(t) || DataType.isLargeList(t)) {
    const el = dataReader(data.children[0]!, t.children[0]!, `${path}.element`, typed)
    return (i) => {
      const out: unknown[] = []
      for (let k = start(i), end = start(i + 1); k < end; k++) out.push(el(k))
      return out
    }
  }
  if (DataType.isFixedSizeList(t)) {
    const el = dataReader(data.children[0]!, t.children[0]!, `${path}.element`, typed)
    const size = t.listSize
    return (i) => Array.from({ length: size }, (_, k) => el(i * size + k))
  }
  if (DataType.isMap(t)) {
    const entries = data.children[0]!
    const entryFields = t.children[0]!.type.children
    const key = dataReader(entries.children[0]!, entryFields[0]!, `${path}.key`, typed)
    const value = dataReader(entries.children[1]!, entryFields[1]!, `${path}.value`, typed)
    return (i) => {
      const m = new Map<unknown, unknown>()
      const seen = new Set<unknown>()
      for (let k = start(i), end = start(i + 1); k < end; k++) {
        const kv = key(k)
        // a map holds each key once: a repeated key (or -0 beside 0) would silently drop an entry. Write input
        // compares bytes and typed keys (fresh objects) by content too, as a map to write holds each key once
        // (the coercer checks compound keys); plain reading keeps equal byte keys as the distinct keys they are
        const id = !typed ? kv : kv instanceof Uint8Array ? `x${bytesToHex(kv)}` : kv instanceof TypedValue ? kv.toString() : kv
        if (seen.has(id)) throw badValue(path, `the map has the key ${describeKey(kv)} more than once`)
        seen.add(id)
        m.set(kv, value(k))
      }
      return m
    }
  }
  if (DataType.isDictionary(t)) {
    // entries are read when a row first uses them, so a bad entry fails naming that row
    const chunks = data.dictionary?.data ?? []
    const readers = chunks.map((chunk) => dataReader(chunk, field, path, typed))
    const starts: number[] = []
    let size = 0
    for (const chunk of chunks) {
      starts.push(size)
      size += chunk.length
    }
    const dict: unknown[] = new Array<unknown>(size)
    const read = new Uint8Array(size)
    return (i) => {
      const at = Number(values[i])
      if (!(at >= 0 && at < size)) throw badValue(path, `dictionary index ${at} is outside the dictionary (${size} entries)`)
      if (read[at] === 0) {
        let c = chunks.length - 1
        while (starts[c]! > at) c--
        dict[at] = readers[c]!(at - starts[c]!)
        read[at] = 1
      }
      return dict[at]
    }
  }
  return unsupportedType(t, path)
}

// Bytes of slot i of a Utf8View/BinaryView column: 16-byte views (length; up to 12 bytes inline, else a
// buffer index and offset into the variadic data buffers), checked to stay inside their buffer.
function viewReader(data: Data, path: string): (i: number) => Uint8Array {
  const views = data.values as Uint8Array
  const dv = new DataView(views.buffer, views.byteOffset, views.byteLength)
  const buffers = (data as { variadicBuffers?: readonly Uint8Array[] }).variadicBuffers ?? []
  return (i) => {
    const at = i * 16
    if (at + 16 > views.length) throw badValue(path, `view ${i} is outside the views buffer`)
    const size = dv.getInt32(at, true)
    if (size < 0) throw badValue(path, `view ${i} has a negative length`)
    if (size <= 12) return views.subarray(at + 4, at + 4 + size)
    const buf = buffers[dv.getInt32(at + 8, true)]
    const off = dv.getInt32(at + 12, true)
    if (!buf || off < 0 || off + size > buf.length) throw badValue(path, `view ${i} points outside its data buffers`)
    return buf.subarray(off, off + size)
  }
}

/** The number an IEEE 754 half-precision bit pattern holds (exact; NaN payloads are not kept). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exp = (bits >> 10) & 0x1f
  const frac = bits & 0x3ff
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : Number.NaN
  // subnormal: frac × 2^-24; normal: (1024 + frac) × 2^(exp - 25)
  return exp === 0 ? sign * frac * 2 ** -24 : sign * (1024 + frac) * 2 ** (exp - 25)
}

function checkedInt64(v: bigint, path: string): bigint {
  if (v !== BigInt.asIntN(64, v)) throw new InvalidArgumentError(`Column ${path}: ${v} µs does not fit in 64 bits`, { context: { field: path } })
  return v
}

// INVALID_DATA for an Arrow value that cannot be read as it is, naming the column; the row reader adds the
// source and row (see readRows).
class ArrowValueError extends InvalidDataError {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`Invalid Arrow data in column ${path}: ${why}`, { context: { field: path } })
  }
}

function badValue(path: string, why: string): FloeError {
  return new ArrowValueError(path, why)
}

// a map key for a message (long text and bytes clipped)
function describeKey(k: unknown): string {
  if (typeof k === 'bigint') return String(k)
  if (k instanceof Uint8Array) return `0x${bytesToHex(k.subarray(0, 20))}${k.length > 20 ? '...' : ''}`
  if (k instanceof TypedValue) return k.toString()
  if (typeof k === 'number' && Object.is(k, -0)) return '-0'
  if (typeof k === 'string') return JSON.stringify(k.length > 40 ? `${k.slice(0, 37)}...` : k)
  return JSON.stringify(k) ?? String(k)
}

function unsupportedType(t: DataType, path: string): never {
  throw new UnsupportedError(`Column ${path} has Arrow type ${String(t)}, which has no exact Iceberg value`, { context: { field: path } })
}
