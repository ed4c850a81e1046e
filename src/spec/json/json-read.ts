// Typed accessors over parsed JSON that fail with INVALID_METADATA naming the file and the key path.
import { InvalidMetadataError } from '../../errors.js'
import { jsonLong, type JsonObject, type JsonValue, type LongTable } from './lossless.js'

/**
 * Where a JSON value came from: the file and the key path inside it (for error messages), built lazily
 * as a parent chain so that reading a large document allocates no path strings.
 */
export interface JsonPath {
  readonly file?: string | undefined
  /** Exact digits of the document's long literals (from parseJsonLossless). */
  readonly longs?: LongTable | undefined
  readonly parent?: JsonPath | undefined
  readonly key?: string | number | undefined
}

/** The root path of a document. */
export function jsonRoot(file?: string, longs?: LongTable): JsonPath {
  return { file, longs, parent: undefined, key: undefined }
}

/** Extend a path with a key or index. */
export function at(p: JsonPath, key: string | number): JsonPath {
  return { file: p.file, longs: p.longs, parent: p, key }
}

/** The dotted key path (`snapshots[3].summary`) of `p`. */
export function pathString(p: JsonPath): string {
  const keys: Array<string | number> = []
  for (let q: JsonPath | undefined = p; q && q.key !== undefined; q = q.parent) keys.push(q.key)
  let out = ''
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!
    out = typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${k}` : k
  }
  return out
}

/** Throw INVALID_METADATA for the value at `p`. */
export function invalid(p: JsonPath, message: string): never {
  const field = pathString(p)
  throw new InvalidMetadataError(`${message} (field '${field}')`, { context: p.file === undefined ? { field } : { file: p.file, field } })
}

/** Require a JSON object. */
export function obj(v: JsonValue | undefined, p: JsonPath): JsonObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) invalid(p, 'expected a JSON object')
  return v
}

/** Require a JSON array. */
export function arr(v: JsonValue | undefined, p: JsonPath): JsonValue[] {
  if (!Array.isArray(v)) invalid(p, 'expected a JSON array')
  return v
}

/** Require a string. */
export function str(v: JsonValue | undefined, p: JsonPath): string {
  if (typeof v !== 'string') invalid(p, v === undefined ? 'missing required string' : 'expected a string')
  return v
}

/** Require a boolean. */
export function bool(v: JsonValue | undefined, p: JsonPath): boolean {
  if (typeof v !== 'boolean') invalid(p, v === undefined ? 'missing required boolean' : 'expected a boolean')
  return v
}

/** Require a 32-bit integer. */
export function int(v: JsonValue | undefined, p: JsonPath): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v
  return invalid(p, v === undefined ? 'missing required integer' : 'expected a 32-bit integer')
}

/** Require a 64-bit integer (exact, as bigint). */
export function long(v: JsonValue | undefined, p: JsonPath): bigint {
  const l = jsonLong(v, p.longs)
  if (l === undefined) invalid(p, v === undefined ? 'missing required long' : 'expected an integer')
  return l
}

/** Optional variants: undefined (or JSON null) passes through. */
export const opt = {
  str: (v: JsonValue | undefined, p: JsonPath): string | undefined => (v === undefined || v === null ? undefined : str(v, p)),
  int: (v: JsonValue | undefined, p: JsonPath): number | undefined => (v === undefined || v === null ? undefined : int(v, p)),
  long: (v: JsonValue | undefined, p: JsonPath): bigint | undefined => (v === undefined || v === null ? undefined : long(v, p)),
  bool: (v: JsonValue | undefined, p: JsonPath): boolean | undefined => (v === undefined || v === null ? undefined : bool(v, p)),
  arr: (v: JsonValue | undefined, p: JsonPath): JsonValue[] | undefined => (v === undefined || v === null ? undefined : arr(v, p)),
  obj: (v: JsonValue | undefined, p: JsonPath): JsonObject | undefined => (v === undefined || v === null ? undefined : obj(v, p)),
}

/** A string→string map (properties, summaries); non-string values are stringified as Java would. */
export function stringMap(v: JsonValue | undefined, p: JsonPath): Record<string, string> {
  const o = obj(v, p)
  // entries + fromEntries define own properties, so a key such as `__proto__` stays a plain key
  const out: Array<[string, string]> = []
  for (const k of Object.keys(o)) {
    const x = o[k]!
    if (typeof x === 'string') out.push([k, x])
    else if (typeof x === 'number' || typeof x === 'bigint') out.push([k, String(jsonLong(x, p.longs) ?? x)])
    else if (typeof x === 'boolean') out.push([k, String(x)])
    else if (x === null) continue
    else invalid(at(p, k), 'expected a string value')
  }
  return Object.fromEntries(out)
}
