// The v3 variant binary encoding (Parquet VariantEncoding: a metadata dictionary of key names plus a
// self-describing value), decoded to JSON: objects and arrays as they are, strings, booleans and numbers as
// such (int64 and decimals exact), temporal values and uuids as the ISO strings floe prints for columns,
// binary as base64.
import { InvalidArgumentError } from '../errors.js'
import { floatJson, RawJson, type JsonValue } from './json/lossless.js'
import { setOwn } from './own.js'
import { daysToIsoDate, microsToIsoTime, microsToIsoTimestamp, nanosToIsoTimestamp } from './temporal.js'
import { bytesToBase64, decimalToString, uuidToString } from './values.js'

/** A variant value as floe reads it: the two binaries of the encoding. */
export interface VariantBytes {
  readonly metadata: Uint8Array
  readonly value: Uint8Array
}

/** JSON for a variant: plain JSON values, with RawJson for numbers that need their exact text (decimals, floats). */
export type VariantJson = JsonValue | RawJson | VariantJson[] | { [key: string]: VariantJson }

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function bad(message: string): never {
  throw new InvalidArgumentError(`Invalid variant: ${message}`, { context: { field: 'variant' } })
}

/** Little-endian unsigned integer of `size` (1–4) bytes at `at`. */
function uint(b: Uint8Array, at: number, size: number): number {
  if (at + size > b.length) bad(`${size}-byte integer at ${at} past the end (${b.length} bytes)`)
  let n = 0
  for (let i = size - 1; i >= 0; i--) n = n * 256 + b[at + i]!
  return n
}

/** The key names of a metadata dictionary, decoded when first used. */
function dictionary(m: Uint8Array): (id: number) => string {
  if (m.length === 0) bad('empty metadata')
  const header = m[0]!
  if ((header & 0x0f) !== 1) bad(`metadata version ${header & 0x0f} (only 1 is defined)`)
  const size = ((header >> 6) & 0x03) + 1
  const count = uint(m, 1, size)
  const offsets = 1 + size
  const strings = offsets + (count + 1) * size
  if (strings > m.length) bad(`metadata of ${count} keys does not fit in ${m.length} bytes`)
  const keys = new Map<number, string>()
  return (id) => {
    let k = keys.get(id)
    if (k !== undefined) return k
    if (id >= count) bad(`object field id ${id} is not in the metadata dictionary (${count} keys)`)
    const start = strings + uint(m, offsets + id * size, size)
    const end = strings + uint(m, offsets + (id + 1) * size, size)
    if (end < start || end > m.length) bad(`metadata key ${id} out of range`)
    keys.set(id, (k = utf8.decode(m.subarray(start, end))))
    return k
  }
}

function view(b: Uint8Array, at: number, n: number): DataView {
  if (at + n > b.length) bad(`${n} bytes at ${at} past the end (${b.length} bytes)`)
  return new DataView(b.buffer, b.byteOffset + at, n)
}

/** Little-endian two's-complement integer of `n` bytes. */
function signed(b: Uint8Array, at: number, n: number): bigint {
  if (at + n > b.length) bad(`${n}-byte integer at ${at} past the end`)
  let x = 0n
  for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[at + i]!)
  return BigInt.asIntN(n * 8, x)
}

/** The shortest decimal text that reads back as the same float32. */
function float32Text(x: number): RawJson | string {
  if (!Number.isFinite(x)) return String(x)
  for (let p = 1; p <= 9; p++) {
    const t = x.toPrecision(p)
    if (Math.fround(Number(t)) === x) return floatJson(Number(t))
  }
  return floatJson(x)
}

function primitive(b: Uint8Array, at: number, id: number): VariantJson {
  const body = at + 1
  switch (id) {
    case 0:
      return null
    case 1:
      return true
    case 2:
      return false
    case 3:
      return Number(signed(b, body, 1))
    case 4:
      return Number(signed(b, body, 2))
    case 5:
      return Number(signed(b, body, 4))
    case 6:
      return signed(b, body, 8)
    case 7: {
      const x = view(b, body, 8).getFloat64(0, true)
      return Number.isFinite(x) ? floatJson(x) : String(x)
    }
    case 8:
    case 9:
    case 10: {
      const width = id === 8 ? 4 : id === 9 ? 8 : 16
      const scale = uint(b, body, 1)
      if (scale > 38) bad(`decimal scale ${scale}`)
      return new RawJson(decimalToString(signed(b, body + 1, width), scale))
    }
    case 11:
      return daysToIsoDate(Number(signed(b, body, 4)))
    case 12:
      return microsToIsoTimestamp(signed(b, body, 8), { zone: true })
    case 13:
      return microsToIsoTimestamp(signed(b, body, 8), { zone: false })
    case 14:
      return float32Text(view(b, body, 4).getFloat32(0, true))
    case 15:
    case 16: {
      const n = uint(b, body, 4)
      if (body + 4 + n > b.length) bad(`${id === 15 ? 'binary' : 'string'} of ${n} bytes past the end`)
      const bytes = b.subarray(body + 4, body + 4 + n)
      return id === 15 ? bytesToBase64(bytes) : utf8.decode(bytes)
    }
    case 17:
      return microsToIsoTime(signed(b, body, 8))
    case 18:
      return nanosToIsoTimestamp(signed(b, body, 8), { zone: true })
    case 19:
      return nanosToIsoTimestamp(signed(b, body, 8), { zone: false })
    case 20:
      if (body + 16 > b.length) bad('uuid past the end')
      return uuidToString(b.subarray(body, body + 16))
    default:
      return bad(`unknown primitive type ${id}`)
  }
}

/** Decoding state: the key lookup, and how many values are left before the output would outgrow the input. */
interface Ctx {
  readonly key: (id: number) => string
  budget: number
}

function decode(b: Uint8Array, at: number, ctx: Ctx, depth: number): VariantJson {
  if (at >= b.length) bad(`value at ${at} past the end (${b.length} bytes)`)
  if (depth > 512) bad('nested too deeply')
  // every value takes at least one byte of its own: more values than bytes means offsets that share values
  if (--ctx.budget < 0) bad('more values than bytes (offsets point at shared values)')
  const head = b[at]!
  const basic = head & 0x03
  const header = head >> 2
  switch (basic) {
    case 0:
      return primitive(b, at, header)
    case 1: {
      if (at + 1 + header > b.length) bad('short string past the end')
      return utf8.decode(b.subarray(at + 1, at + 1 + header))
    }
    case 2: {
      const offsetSize = (header & 0x03) + 1
      const idSize = ((header >> 2) & 0x03) + 1
      const large = (header >> 4) & 0x01
      const countSize = large ? 4 : 1
      const n = uint(b, at + 1, countSize)
      const ids = at + 1 + countSize
      const offsets = ids + n * idSize
      const values = offsets + (n + 1) * offsetSize
      if (values > b.length) bad(`object of ${n} fields does not fit in ${b.length - at} bytes`)
      const last = uint(b, offsets + n * offsetSize, offsetSize)
      if (values + last > b.length) bad(`object values (${last} bytes) past the end`)
      const out: { [key: string]: VariantJson } = {}
      for (let i = 0; i < n; i++) {
        const key = ctx.key(uint(b, ids + i * idSize, idSize))
        if (Object.hasOwn(out, key)) bad(`object has two fields named ${JSON.stringify(key)}`)
        const off = uint(b, offsets + i * offsetSize, offsetSize)
        if (off >= last) bad(`object field ${JSON.stringify(key)} at offset ${off} past its values (${last} bytes)`)
        setOwn(out, key, decode(b.subarray(0, values + last), values + off, ctx, depth + 1))
      }
      return out
    }
    default: {
      const offsetSize = (header & 0x03) + 1
      const large = (header >> 2) & 0x01
      const countSize = large ? 4 : 1
      const n = uint(b, at + 1, countSize)
      const offsets = at + 1 + countSize
      const values = offsets + (n + 1) * offsetSize
      if (values > b.length) bad(`array of ${n} elements does not fit in ${b.length - at} bytes`)
      const out = new Array<VariantJson>(n)
      let start = uint(b, offsets, offsetSize)
      for (let i = 0; i < n; i++) {
        const end = uint(b, offsets + (i + 1) * offsetSize, offsetSize)
        // each element is its own slice of the values: offsets increase and stay within the bytes
        if (end <= start || values + end > b.length) bad(`array element ${i} spans [${start}, ${end}) outside its values`)
        out[i] = decode(b.subarray(0, values + end), values + start, ctx, depth + 1)
        start = end
      }
      return out
    }
  }
}

/** A variant as JSON (INVALID_ARGUMENT for a malformed encoding). */
export function variantToJson(v: VariantBytes): VariantJson {
  try {
    return decode(v.value, 0, { key: dictionary(v.metadata), budget: v.value.length }, 0)
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.message.startsWith('Invalid variant')) throw e
    // bad UTF-8 (TextDecoder), an out-of-range date or time from the temporal formatters
    throw new InvalidArgumentError(`Invalid variant: ${e instanceof Error ? e.message : String(e)}`, { cause: e, context: { field: 'variant' } })
  }
}
