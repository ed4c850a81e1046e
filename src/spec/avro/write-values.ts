// Convert model values to the values avsc encodes (bigint longs, Buffers for bytes/fixed, key/value
// arrays for int-keyed maps), validating them so a bad value fails with INVALID_ARGUMENT naming the field.
import { InvalidArgumentError } from '../../errors.js'
import { decimalRequiredBytes, primitiveToString, type PrimitiveType, type Value } from '../types.js'
import { asBuffer } from './ocf-write.js'

/**
 * Where a value is written (for error messages). Validators take the site plus an optional sub-field
 * name and only build the full path when they fail, so the hot write path allocates nothing for it.
 */
export interface WriteSite {
  readonly file?: string
  readonly field: string
}

/** Throw INVALID_ARGUMENT for a value that cannot be written to `site` (sub-field `name`). */
export function badValue(site: WriteSite, message: string, name?: string): never {
  const field = name === undefined ? site.field : `${site.field}.${name}`
  const context = site.file === undefined ? { field } : { file: site.file, field }
  throw new InvalidArgumentError(`${message} (field ${field})`, { context })
}

const INT_MIN = -2147483648
const INT_MAX = 2147483647
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/** Require a 32-bit integer number. */
export function intValue(v: unknown, site: WriteSite, name?: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) badValue(site, `expected a 32-bit integer, got ${describe(v)}`, name)
  return v
}

/** Require a bigint in the int64 range. */
export function longValue(v: unknown, site: WriteSite, name?: string): bigint {
  if (typeof v !== 'bigint' || v < LONG_MIN || v > LONG_MAX) badValue(site, `expected a 64-bit bigint, got ${describe(v)}`, name)
  return v
}

/** Optional variants: undefined/null → null. */
export const optional = {
  int: (v: unknown, site: WriteSite, name?: string): number | null => (v === undefined || v === null ? null : intValue(v, site, name)),
  long: (v: unknown, site: WriteSite, name?: string): bigint | null => (v === undefined || v === null ? null : longValue(v, site, name)),
  bytes: (v: unknown, site: WriteSite, name?: string): Buffer | null => (v === undefined || v === null ? null : bytesValue(v, site, name)),
  string: (v: unknown, site: WriteSite, name?: string): string | null => (v === undefined || v === null ? null : stringValue(v, site, name)),
}

/** Require a string. */
export function stringValue(v: unknown, site: WriteSite, name?: string): string {
  if (typeof v !== 'string') badValue(site, `expected a string, got ${describe(v)}`, name)
  return v
}

/** Require bytes; returned as a Buffer view (no copy). */
export function bytesValue(v: unknown, site: WriteSite, name?: string, length?: number): Buffer {
  if (!(v instanceof Uint8Array)) badValue(site, `expected a Uint8Array, got ${describe(v)}`, name)
  if (length !== undefined && v.length !== length) badValue(site, `expected ${length} bytes, got ${v.length}`, name)
  return asBuffer(v)
}

/** Require bytes, returned as they are (for non-union `bytes` fields: the writer takes any Uint8Array). */
export function bytesView(v: unknown, site: WriteSite, name?: string): Uint8Array {
  if (!(v instanceof Uint8Array)) badValue(site, `expected a Uint8Array, got ${describe(v)}`, name)
  return v
}

/** Two's-complement big-endian encoding of `v` in exactly `size` bytes (decimal as Avro fixed). */
export function decimalToFixed(v: bigint, size: number, site: WriteSite, name?: string): Buffer {
  const bits = BigInt(size * 8)
  const min = -(1n << (bits - 1n))
  const max = (1n << (bits - 1n)) - 1n
  if (v < min || v > max) badValue(site, `decimal unscaled value ${v} does not fit in ${size} bytes`, name)
  let u = v < 0n ? (1n << bits) + v : v
  const out = Buffer.alloc(size)
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn)
    u >>= 8n
  }
  return out
}

/** Convert one partition value of `type` (null allowed) to its avsc form. */
export function primitiveToAvsc(type: PrimitiveType, v: Value, site: WriteSite, name?: string): unknown {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'boolean':
      if (typeof v !== 'boolean') badValue(site, `expected a boolean, got ${describe(v)}`, name)
      return v
    case 'int':
    case 'date':
      return intValue(v, site, name)
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longValue(v, site, name)
    case 'float':
    case 'double':
      if (typeof v !== 'number') badValue(site, `expected a number, got ${describe(v)}`, name)
      return v
    case 'string':
      return stringValue(v, site, name)
    case 'binary':
    case 'geometry':
    case 'geography':
      return bytesValue(v, site, name)
    case 'uuid':
      return bytesValue(v, site, name, 16)
    case 'fixed':
      return bytesValue(v, site, name, type.length)
    case 'decimal':
      if (typeof v !== 'bigint') badValue(site, `expected an unscaled bigint for ${primitiveToString(type)}, got ${describe(v)}`, name)
      return decimalToFixed(v, decimalRequiredBytes(type.precision), site, name)
    case 'unknown':
      return badValue(site, 'unknown-typed values must be null', name)
    case 'variant':
      return badValue(site, 'variant values cannot be partition values', name)
  }
}

/** An int-keyed map as the Avro key/value record array (null when absent). */
export function kvArray<V>(
  m: ReadonlyMap<number, V> | undefined,
  site: WriteSite,
  name: string,
  value: (v: V, s: WriteSite, name?: string) => unknown,
): { key: number; value: unknown }[] | null {
  if (m === undefined) return null
  if (!(m instanceof Map)) badValue(site, `expected a Map, got ${describe(m)}`, name)
  const out: { key: number; value: unknown }[] = []
  m.forEach((v: V, k: number) => {
    out.push({ key: intValue(k, site, name), value: value(v, site, name) })
  })
  return out
}

/** A short description of a value for messages (bigint-safe). */
export function describe(v: unknown): string {
  if (v === null) return 'null'
  if (v === undefined) return 'undefined'
  if (typeof v === 'bigint') return `${v}n`
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : v instanceof Map ? 'a Map' : 'an object'
  return String(v)
}
