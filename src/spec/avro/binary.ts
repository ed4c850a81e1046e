// Avro binary encoding primitives: a bounds-checked reader (every read fails with INVALID_AVRO instead of
// running past the end) and the few writers the container header needs.
import { anchorShape } from '../shape-anchor.js'
import { FloeError } from '../../errors.js'

const MAX_SAFE = Number.MAX_SAFE_INTEGER
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** Throw INVALID_AVRO naming the file. */
export function avroError(message: string, file?: string, field?: string): never {
  const context = file === undefined ? (field === undefined ? undefined : { field }) : field === undefined ? { file } : { file, field }
  throw new FloeError('INVALID_AVRO', message, context ? { context } : {})
}

let anchored = false

/** Cursor over Avro binary data; stateful, so a class. All reads are bounds-checked. */
export class AvroReader {
  pos: number
  readonly buf: Uint8Array
  readonly end: number
  readonly file: string | undefined
  private readonly view: DataView

  constructor(buf: Uint8Array, pos = 0, end = buf.length, file?: string) {
    // a plain Uint8Array view (Buffer#slice would alias instead of copying)
    this.buf = Buffer.isBuffer(buf) ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf
    this.pos = pos
    this.end = end
    this.file = file
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    if (!anchored) {
      // an empty reader made like the first real one keeps the class's hidden class alive (see shape-anchor)
      anchored = true
      anchorShape('avro-reader', new AvroReader(new Uint8Array(0), 0, 0, file))
    }
  }

  /** Throw INVALID_AVRO for this data. */
  fail(message: string): never {
    return avroError(message, this.file)
  }

  /** Bytes left before the end of this view. */
  remaining(): number {
    return this.end - this.pos
  }

  private eof(): never {
    return this.fail('Truncated Avro data: unexpected end of block')
  }

  /** Zig-zag varint int (32-bit). */
  int(): number {
    const buf = this.buf
    let pos = this.pos
    if (pos >= this.end) this.eof()
    let b = buf[pos++]!
    let u = b & 0x7f
    if (b >= 0x80) {
      let shift = 7
      do {
        if (pos >= this.end) this.eof()
        b = buf[pos++]!
        if (shift === 28) {
          if (b > 0x0f) this.fail('Invalid Avro int: varint longer than 32 bits')
          u += b * 268435456
          break
        }
        u |= (b & 0x7f) << shift
        shift += 7
      } while (b >= 0x80)
    }
    this.pos = pos
    return (u >>> 1) ^ -(u & 1)
  }

  /** Zig-zag varint long as an exact bigint. */
  long(): bigint {
    const buf = this.buf
    let pos = this.pos
    if (pos >= this.end) this.eof()
    let b = buf[pos++]!
    if (b < 0x80) {
      this.pos = pos
      return BigInt((b >>> 1) ^ -(b & 1))
    }
    let n = b & 0x7f
    let mul = 128
    // 7 bytes = 49 bits: exact in a double
    for (let i = 1; i < 7; i++) {
      if (pos >= this.end) this.eof()
      b = buf[pos++]!
      n += (b & 0x7f) * mul
      if (b < 0x80) {
        this.pos = pos
        return BigInt(n % 2 === 0 ? n / 2 : -(n + 1) / 2)
      }
      mul *= 128
    }
    // Up to 10 bytes. The 10th may carry more than the single bit int64 needs: such values (written by
    // fastavro for ids above 2^63 - 1, seen in the corpus) are returned exactly, never wrapped.
    let u = BigInt(n)
    let shift = 49n
    for (;;) {
      if (pos >= this.end) this.eof()
      b = buf[pos++]!
      u |= BigInt(b & 0x7f) << shift
      if (b < 0x80) break
      if (shift === 63n) this.fail('Invalid Avro long: varint longer than 10 bytes')
      shift += 7n
    }
    this.pos = pos
    return (u >> 1n) ^ -(u & 1n)
  }

  /** Zig-zag varint long as a number; fails when it is not exactly representable (used for counts and lengths). */
  longNumber(): number {
    const buf = this.buf
    let pos = this.pos
    if (pos >= this.end) this.eof()
    let b = buf[pos++]!
    let n = b & 0x7f
    let mul = 128
    while (b >= 0x80) {
      if (pos >= this.end) this.eof()
      b = buf[pos++]!
      n += (b & 0x7f) * mul
      mul *= 128
      if (n > MAX_SAFE || mul > 2 ** 63) {
        this.pos = pos
        this.fail('Avro length or count out of range')
      }
    }
    this.pos = pos
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2
  }

  /** Skip one varint (int or long). */
  skipVarint(): void {
    const buf = this.buf
    let pos = this.pos
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) this.eof()
      if (buf[pos++]! < 0x80) {
        this.pos = pos
        return
      }
    }
    this.fail('Invalid Avro varint: longer than 10 bytes')
  }

  /** Boolean: one byte 0 or 1. */
  boolean(): boolean {
    if (this.pos >= this.end) this.eof()
    const b = this.buf[this.pos++]!
    if (b > 1) this.fail(`Invalid Avro boolean byte ${b}`)
    return b === 1
  }

  /** IEEE float, 4 bytes little-endian. */
  float(): number {
    if (this.pos + 4 > this.end) this.eof()
    const v = this.view.getFloat32(this.pos, true)
    this.pos += 4
    return v
  }

  /** IEEE double, 8 bytes little-endian. */
  double(): number {
    if (this.pos + 8 > this.end) this.eof()
    const v = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return v
  }

  /** Length prefix of bytes/string, checked against the remaining data. */
  private length(): number {
    const n = this.longNumber()
    if (n < 0) this.fail(`Invalid Avro length ${n}`)
    if (n > this.end - this.pos) this.eof()
    return n
  }

  /** Avro bytes, copied (the result does not alias the input). */
  bytes(): Uint8Array {
    const n = this.length()
    const start = this.pos
    this.pos += n
    return this.buf.slice(start, start + n)
  }

  /** Skip an Avro bytes or string value. */
  skipBytes(): void {
    const n = this.length()
    this.pos += n
  }

  /** Avro string (UTF-8; invalid sequences become U+FFFD). */
  string(): string {
    const n = this.length()
    const start = this.pos
    this.pos += n
    const buf = this.buf
    if (n < 32) {
      // short ASCII fast path: avoids the TextDecoder call overhead
      let s = ''
      for (let i = start; i < start + n; i++) {
        const c = buf[i]!
        if (c >= 0x80) return utf8.decode(buf.subarray(start, start + n))
        s += String.fromCharCode(c)
      }
      return s
    }
    return utf8.decode(buf.subarray(start, start + n))
  }

  /** Fixed-size bytes, copied. */
  fixed(size: number): Uint8Array {
    if (size > this.end - this.pos) this.eof()
    const start = this.pos
    this.pos += size
    return this.buf.slice(start, start + size)
  }

  /** Skip `n` bytes. */
  skip(n: number): void {
    if (n > this.end - this.pos) this.eof()
    this.pos += n
  }
}

/** Append the zig-zag varint encoding of `v` (an int or long) to `out`. */
export function writeVarint(out: number[], v: bigint | number): void {
  let u = BigInt(v)
  u = u < 0n ? (-u << 1n) - 1n : u << 1n
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80)
    u >>= 7n
  }
  out.push(Number(u))
}

/** Encode an Avro long/int value to bytes. */
export function varintBytes(v: bigint | number): Uint8Array {
  const out: number[] = []
  writeVarint(out, v)
  return Uint8Array.from(out)
}

/** Encode Avro bytes (length prefix + data). */
export function avroBytes(data: Uint8Array): Uint8Array[] {
  return [varintBytes(data.length), data]
}

/** Concatenate byte chunks into one Uint8Array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let pos = 0
  for (const c of chunks) {
    out.set(c, pos)
    pos += c.length
  }
  return out
}

/** True when both byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
