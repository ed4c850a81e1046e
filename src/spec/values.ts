// Spec §Primitive Types and §Sort Orders: ordering and equality of in-memory values, plus the byte/text
// helpers every codec shares (UTF-8, uuid, hex, base64, decimal text and two's-complement bytes).
import { InvalidArgumentError } from '../errors.js'
import type { IcebergType, MapValue, PrimitiveType, StructValue, Value } from './types.js'

const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as with any UTF-8 encoder). */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s)
}

/** Decode UTF-8 strictly; malformed input throws INVALID_ARGUMENT. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes)
  } catch (e) {
    throw new InvalidArgumentError('Invalid UTF-8 bytes', { cause: e })
  }
}

/** Number of Unicode code points in a string. */
export function codePointCount(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

/** The first `n` code points of `s` (never splits a surrogate pair). */
export function truncateCodePoints(s: string, n: number): string {
  let i = 0
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i)
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1
  }
  return i >= s.length ? s : s.slice(0, i)
}

// Code point at i as UTF-8 would see it: lone surrogates encode as U+FFFD.
function utf8CodePoint(s: string, i: number): number {
  const c = s.codePointAt(i)!
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c
}

/** Compare strings by their UTF-8 bytes (= code point order), not by UTF-16 units like JS `<`. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i === n) return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1
  const x = a.charCodeAt(i)
  const y = b.charCodeAt(i)
  if ((x & 0xf800) !== 0xd800 && (y & 0xf800) !== 0xd800) return x < y ? -1 : 1
  // surrogates involved: restart at the code point containing i and compare code point by code point
  let j = i > 0 && (a.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i
  while (j < a.length && j < b.length) {
    const p = utf8CodePoint(a, j)
    const q = utf8CodePoint(b, j)
    if (p !== q) return p < q ? -1 : 1
    j += a.codePointAt(j)! > 0xffff ? 2 : 1
  }
  return j < a.length ? 1 : j < b.length ? -1 : 0
}

/** Unsigned lexicographic comparison of byte arrays. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const scratch = new DataView(new ArrayBuffer(8))

/** True for NaN with the sign bit set. */
export function isNegativeNaN(x: number): boolean {
  if (!Number.isNaN(x)) return false
  scratch.setFloat64(0, x)
  return (scratch.getUint8(0) & 0x80) !== 0
}

/** Total order on floats: −NaN < −∞ < … < −0 < 0 < … < ∞ < NaN (spec §Sort Orders). */
export function compareFloats(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) {
    if (a !== 0) return 0
    const na = Object.is(a, -0)
    return na === Object.is(b, -0) ? 0 : na ? -1 : 1
  }
  const an = Number.isNaN(a)
  const bn = Number.isNaN(b)
  const rank = (x: number, nan: boolean): number => (nan ? (isNegativeNaN(x) ? -1 : 1) : 0)
  const ra = rank(a, an)
  const rb = rank(b, bn)
  return ra === rb ? 0 : ra < rb ? -1 : 1
}

const cmp = <T extends number | bigint | boolean>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Compare two values of a primitive type in Iceberg order: numbers/bigints numerically (decimals by
 * unscaled value at the type's scale), strings by UTF-8 bytes, binary/fixed/uuid unsigned bytes, floats by
 * the total order of {@link compareFloats}, false < true. Null sorts before every non-null value.
 */
export function compareValues(type: PrimitiveType, a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  switch (type.kind) {
    case 'boolean':
      return cmp(expect(a, 'boolean', type), expect(b, 'boolean', type))
    case 'int':
    case 'date':
      return cmp(expect(a, 'number', type), expect(b, 'number', type))
    case 'float':
    case 'double':
      return compareFloats(expect(a, 'number', type), expect(b, 'number', type))
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
    case 'decimal':
      return cmp(expect(a, 'bigint', type), expect(b, 'bigint', type))
    case 'string':
      return compareStrings(expect(a, 'string', type), expect(b, 'string', type))
    case 'uuid':
    case 'fixed':
    case 'binary':
      return compareBytes(expectBytes(a, type), expectBytes(b, type))
    default:
      throw new InvalidArgumentError(`Values of type ${type.kind} have no order`)
  }
}

type TypeOfName = { boolean: boolean; number: number; bigint: bigint; string: string }

function expect<K extends keyof TypeOfName>(v: Value, t: K, type: PrimitiveType): TypeOfName[K] {
  if (typeof v !== t) throw new InvalidArgumentError(`Expected a ${t} for ${type.kind}, got ${describeValue(v)}`)
  return v as TypeOfName[K]
}

function expectBytes(v: Value, type: PrimitiveType): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new InvalidArgumentError(`Expected a Uint8Array for ${type.kind}, got ${describeValue(v)}`)
  return v
}

/** Short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null'
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
  if (Array.isArray(v)) return 'array'
  if (v instanceof Map) return 'Map'
  if (typeof v === 'bigint') return `bigint ${v}`
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`
  if (typeof v === 'object') return 'object'
  return `${typeof v} ${String(v)}`
}

/**
 * Equality of values of any type: primitives by {@link compareValues} (so floats compare by their total
 * order: −0 ≠ 0 and NaN = NaN), lists element-wise, maps as sets of entries, structs by field id.
 */
export function valueEquals(type: IcebergType, a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b
  switch (type.kind) {
    case 'list': {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
      const xs = a as readonly Value[]
      const ys = b as readonly Value[]
      return xs.every((x, i) => valueEquals(type.element, x, ys[i]!))
    }
    case 'map': {
      if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false
      const bm = b as MapValue
      for (const [k, v] of a as MapValue) {
        let found = false
        for (const [k2, v2] of bm) {
          if (valueEquals(type.key, k, k2)) {
            found = valueEquals(type.value, v, v2)
            break
          }
        }
        if (!found) return false
      }
      return true
    }
    case 'struct': {
      const sa = a as StructValue
      const sb = b as StructValue
      return type.fields.every((f) => valueEquals(f.type, sa[String(f.id)] ?? null, sb[String(f.id)] ?? null))
    }
    case 'variant':
    case 'unknown':
    case 'geometry':
    case 'geography':
      return a === b
    default:
      return compareValues(type, a, b) === 0
  }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** 16 big-endian bytes of a canonical uuid string (either case). */
export function uuidToBytes(s: string): Uint8Array {
  if (!UUID.test(s)) throw new InvalidArgumentError(`Invalid UUID string: ${JSON.stringify(s)}`)
  return hexToBytes(s.replace(/-/g, ''))
}

/** Lower-case canonical string of a 16-byte uuid. */
export function uuidToString(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new InvalidArgumentError(`A UUID has 16 bytes, got ${bytes.length}`)
  const h = bytesToHex(bytes)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

const HEX = '0123456789abcdef'
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Lower-case hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!
  return s
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Bytes of a hex string (either case, even length); throws INVALID_ARGUMENT otherwise. */
export function hexToBytes(s: string): Uint8Array {
  if (s.length % 2 !== 0) throw new InvalidArgumentError(`Hex string has odd length: ${JSON.stringify(s)}`)
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(s.charCodeAt(2 * i))
    const lo = hexDigit(s.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) throw new InvalidArgumentError(`Invalid hex string: ${JSON.stringify(s)}`)
    out[i] = (hi << 4) | lo
  }
  return out
}

/**
 * Bytes of standard base64 text (RFC 4648 alphabet, padding optional but correct when present), or undefined
 * when the text is not base64 or not its canonical form (nonzero unused bits), so no two texts give one value
 * and no character is skipped silently.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--
  const core = text.slice(0, end)
  const pad = text.length - end
  if (!/^[A-Za-z0-9+/]*$/.test(core) || core.length % 4 === 1) return undefined
  if (pad > 0 && (text.length % 4 !== 0 || pad !== (4 - (core.length % 4)) % 4)) return undefined
  const bytes = new Uint8Array(Math.floor((core.length * 3) / 4))
  let acc = 0
  let bits = 0
  let at = 0
  for (let i = 0; i < core.length; i++) {
    acc = ((acc << 6) | B64.indexOf(core[i]!)) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes[at++] = (acc >> bits) & 0xff
    }
  }
  // canonical: re-encoding gives the same characters (the unused low bits of the last one are zero)
  return bytesToBase64(bytes).replace(/=+$/, '') === core ? bytes : undefined
}

/** Standard base64 (with padding) of bytes, as Java's `Base64.getEncoder()` prints it. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += B64[n >> 18]! + B64[(n >> 12) & 63]!
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '='
    out += i + 2 < bytes.length ? B64[n & 63]! : '='
  }
  return out
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** A decimal as unscaled value and scale (value = unscaled × 10^−scale), like Java's BigDecimal. */
export interface DecimalParts {
  readonly unscaled: bigint
  readonly scale: number
}

/** Parse decimal text in Java `BigDecimal` syntax (`14.20`, `-0.5`, `2E+20`, `1.23e-4`); scale as written. */
export function parseDecimal(s: string): DecimalParts {
  const m = DECIMAL_TEXT.exec(s)
  const int = m?.[2] ?? ''
  const frac = m?.[3] ?? ''
  if (!m || int.length + frac.length === 0) throw new InvalidArgumentError(`Invalid decimal: ${JSON.stringify(s)}`)
  const exp = m[4] === undefined ? 0 : Number(m[4])
  if (!Number.isSafeInteger(exp)) throw new InvalidArgumentError(`Invalid decimal exponent: ${JSON.stringify(s)}`)
  return { unscaled: BigInt(`${m[1]}${int}${frac}`), scale: frac.length - exp }
}

/** Unscaled value of decimal text that must carry exactly `scale` (the JSON single-value rule). */
export function decimalFromString(s: string, scale: number): bigint {
  const d = parseDecimal(s)
  if (d.scale !== scale) throw new InvalidArgumentError(`Decimal ${JSON.stringify(s)} has scale ${d.scale}, expected ${scale}`)
  return d.unscaled
}

/** JSON single-value text of a decimal: plain with exactly `scale` fraction digits; scientific if scale < 0. */
export function decimalToString(unscaled: bigint, scale: number): string {
  if (scale < 0) return decimalToJavaString(unscaled, scale)
  const neg = unscaled < 0n
  const digits = (neg ? -unscaled : unscaled).toString()
  if (scale === 0) return neg ? `-${digits}` : digits
  const padded = digits.padStart(scale + 1, '0')
  const text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`
  return neg ? `-${text}` : text
}

/** Java `BigDecimal.toString()`: plain unless scale < 0 or the adjusted exponent is below −6. */
export function decimalToJavaString(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n
  const coeff = (neg ? -unscaled : unscaled).toString()
  const adjusted = -scale + (coeff.length - 1)
  if (scale >= 0 && adjusted >= -6) return decimalToString(unscaled, scale)
  const mant = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff
  return `${neg ? '-' : ''}${mant}E${adjusted > 0 ? '+' : ''}${adjusted}`
}

/** Whether an unscaled value has at most `precision` digits. */
export function decimalFitsPrecision(unscaled: bigint, precision: number): boolean {
  const limit = 10n ** BigInt(precision)
  return unscaled < limit && unscaled > -limit
}

/** Minimal-length two's-complement big-endian bytes of an unscaled decimal (Java `BigInteger.toByteArray`). */
export function decimalToBytes(unscaled: bigint): Uint8Array {
  let n = 1
  while (BigInt.asIntN(8 * n, unscaled) !== unscaled) n++
  const out = new Uint8Array(n)
  let v = unscaled
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** Unscaled value of two's-complement big-endian bytes of any length ≥ 1. */
export function decimalFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new InvalidArgumentError('A decimal needs at least one byte')
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return BigInt.asIntN(8 * bytes.length, v)
}
