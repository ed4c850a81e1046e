// Avro binary encoding of floe values, compiled once per Iceberg type into closures that write straight
// into a growable buffer (no intermediate avsc objects). The layout is the one the Iceberg→Avro schema
// conversion describes: optional values as `["null", T]` unions, lists and maps (string-keyed or as key/value
// record arrays) as one counted block plus the end marker, decimals/uuid/fixed as fixed bytes, variants as
// a {metadata, value} record, unknown as Avro null (nothing written).
import { FloeError } from '../errors.js'
import { decimalRequiredBytes, type IcebergType, type NestedField, type StructValue, type Value, type VariantValue } from '../spec/types.js'

const SAFE = 2n ** 52n

/** A growable output buffer with the Avro primitive encodings. */
export class AvroSink {
  buf: Buffer
  pos = 0

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial)
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n))
    this.buf.copy(bigger, 0, 0, this.pos)
    this.buf = bigger
  }

  /** Zig-zag varint of a 32-bit int (also counts and union indexes given as numbers). */
  int(n: number): void {
    this.ensure(5)
    let z = ((n << 1) ^ (n >> 31)) >>> 0
    const b = this.buf
    let p = this.pos
    while (z >= 0x80) {
      b[p++] = (z & 0x7f) | 0x80
      z >>>= 7
    }
    b[p++] = z
    this.pos = p
  }

  /** Zig-zag varint of a 64-bit long. */
  long(v: bigint): void {
    this.ensure(10)
    const b = this.buf
    let p = this.pos
    if (v > -SAFE && v < SAFE) {
      const x = Number(v)
      let z = x >= 0 ? x * 2 : -x * 2 - 1
      while (z >= 0x80) {
        b[p++] = (z % 0x80) | 0x80
        z = Math.floor(z / 0x80)
      }
      b[p++] = z
    } else {
      let z = v >= 0n ? v << 1n : (-v << 1n) - 1n
      while (z >= 0x80n) {
        b[p++] = Number(z & 0x7fn) | 0x80
        z >>= 7n
      }
      b[p++] = Number(z)
    }
    this.pos = p
  }

  /** One raw byte. */
  byte(x: number): void {
    this.ensure(1)
    this.buf[this.pos++] = x
  }

  /** IEEE-754 single precision, little endian. */
  float(x: number): void {
    this.ensure(4)
    this.pos = this.buf.writeFloatLE(x, this.pos)
  }

  /** IEEE-754 double precision, little endian. */
  double(x: number): void {
    this.ensure(8)
    this.pos = this.buf.writeDoubleLE(x, this.pos)
  }

  /** Bytes as they are (Avro fixed). */
  raw(data: Uint8Array): void {
    this.ensure(data.length)
    this.buf.set(data, this.pos)
    this.pos += data.length
  }

  /** Length-prefixed bytes (Avro bytes). */
  bytes(data: Uint8Array): void {
    this.int(data.length)
    this.raw(data)
  }

  /** Length-prefixed UTF-8 (Avro string); short ASCII strings are copied without a separate length pass. */
  string(s: string): void {
    const n = s.length
    // below 64 the zig-zag length is one byte
    if (n < 64) {
      this.ensure(n + 1)
      const b = this.buf
      const start = this.pos + 1
      let i = 0
      for (; i < n; i++) {
        const c = s.charCodeAt(i)
        if (c >= 0x80) break
        b[start + i] = c
      }
      if (i === n) {
        b[this.pos] = n << 1
        this.pos = start + n
        return
      }
    }
    const len = Buffer.byteLength(s, 'utf8')
    this.int(len)
    this.ensure(len)
    this.pos += this.buf.write(s, this.pos, len, 'utf8')
  }
}

/** Writes one value of a compiled type. */
export type ValueEncoder = (v: Value, out: AvroSink) => void

// uuid and fixed: exactly `size` raw bytes
function fixedEncoder(size: number, path: string): ValueEncoder {
  return (v, out) => {
    const b = v as Uint8Array
    if (b.length !== size) throw new FloeError('INVALID_DATA', `Avro field ${path} holds ${size} bytes, got ${b.length}`, { context: { field: path } })
    out.raw(b)
  }
}

function missing(field: string): never {
  throw new FloeError('INVALID_DATA', `Cannot write a null value to required Avro field ${field}`, { context: { field } })
}

// Two's complement, big endian, in exactly `size` bytes (values come checked against their precision).
function decimalEncoder(size: number): ValueEncoder {
  if (size <= 6) {
    const span = 2 ** (size * 8)
    return (v, out) => {
      let u = Number(v as bigint)
      if (u < 0) u += span
      out.ensure(size)
      const b = out.buf
      for (let i = out.pos + size - 1; i >= out.pos; i--) {
        b[i] = u % 256
        u = Math.floor(u / 256)
      }
      out.pos += size
    }
  }
  const bits = size * 8
  return (v, out) => {
    let u = BigInt.asUintN(bits, v as bigint)
    out.ensure(size)
    const b = out.buf
    let i = out.pos + size - 1
    // four bytes per BigInt step
    for (; i >= out.pos + 3; i -= 4) {
      const w = Number(u & 0xffffffffn)
      b[i] = w & 0xff
      b[i - 1] = (w >>> 8) & 0xff
      b[i - 2] = (w >>> 16) & 0xff
      b[i - 3] = w >>> 24
      u >>= 32n
    }
    let w = Number(u & 0xffffffffn)
    for (; i >= out.pos; i--) {
      b[i] = w & 0xff
      w >>>= 8
    }
    out.pos += size
  }
}

/** The encoder of a value of `t` (`required`: no null union); `path` names the field in errors. */
export function valueEncoder(t: IcebergType, required: boolean, path: string): ValueEncoder {
  // unknown is Avro null whether optional or not: nothing is written
  if (t.kind === 'unknown') return () => undefined
  const inner = typeEncoder(t, path)
  if (required)
    return (v, out) => {
      if (v === null || v === undefined) missing(path)
      inner(v, out)
    }
  return (v, out) => {
    if (v === null || v === undefined) out.byte(0)
    else {
      out.byte(2) // union branch 1, zig-zag encoded
      inner(v, out)
    }
  }
}

function typeEncoder(t: IcebergType, path: string): ValueEncoder {
  switch (t.kind) {
    case 'boolean':
      return (v, out) => out.byte(v ? 1 : 0)
    case 'int':
    case 'date':
      return (v, out) => out.int(v as number)
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (v, out) => out.long(v as bigint)
    case 'float':
      return (v, out) => out.float(v as number)
    case 'double':
      return (v, out) => out.double(v as number)
    case 'string':
      return (v, out) => out.string(v as string)
    case 'binary':
    case 'geometry':
    case 'geography':
      return (v, out) => out.bytes(v as Uint8Array)
    case 'uuid':
      return fixedEncoder(16, path)
    case 'fixed':
      return fixedEncoder(t.length, path)
    case 'decimal':
      return decimalEncoder(decimalRequiredBytes(t.precision))
    case 'variant':
      return (v, out) => {
        const x = v as VariantValue
        out.bytes(x.metadata)
        out.bytes(x.value)
      }
    case 'unknown':
      return () => undefined
    case 'struct':
      return structEncoder(t.fields, path)
    // lists and maps: one block holding every item (its count first), then the zero end marker, as Java writes them
    case 'list': {
      const el = valueEncoder(t.element, t.elementRequired, `${path}.element`)
      return (v, out) => {
        const a = v as readonly Value[]
        const n = a.length
        if (n > 0) {
          out.int(n)
          for (let i = 0; i < n; i++) el(a[i]!, out)
        }
        out.byte(0)
      }
    }
    case 'map': {
      const key = valueEncoder(t.key, true, `${path}.key`)
      const val = valueEncoder(t.value, t.valueRequired, `${path}.value`)
      // a string-keyed Avro map entry and a key/value record are encoded alike: key, then value
      return (v, out) => {
        const m = v as ReadonlyMap<Value, Value>
        if (m.size > 0) {
          out.int(m.size)
          for (const [k, x] of m) {
            key(k, out)
            val(x, out)
          }
        }
        out.byte(0)
      }
    }
  }
}

/** The encoder of a struct (or a whole row) keyed by field name, fields in schema order. */
export function structEncoder(fields: readonly NestedField[], prefix?: string): ValueEncoder {
  const names = fields.map((f) => f.name)
  const encs = fields.map((f) => valueEncoder(f.type, f.required, prefix === undefined ? f.name : `${prefix}.${f.name}`))
  const n = fields.length
  return (v, out) => {
    const o = v as StructValue
    for (let i = 0; i < n; i++) {
      const name = names[i]!
      // a field named __proto__ is only ever an own property of a row
      encs[i]!(name === '__proto__' ? (Object.hasOwn(o, name) ? o[name]! : null) : o[name]!, out)
    }
  }
}
