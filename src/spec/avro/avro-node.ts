// A validated, resolved model of an Avro writer schema (parsed from the container header), and the
// guards every decoder uses (block counts checked against the remaining bytes, union indexes).
import { setOwn } from '../own.js'
import type { JsonObject, JsonValue } from '../json/lossless.js'
import { avroError, type AvroReader } from './binary.js'

/** Primitive Avro type names. */
export type AvroPrimitiveKind = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'

/** A primitive Avro type with its attributes (logicalType, adjust-to-utc, …). */
export interface AvroPrimitive {
  readonly kind: AvroPrimitiveKind
  readonly logicalType?: string
  readonly attrs: JsonObject
}
/** Avro fixed. */
export interface AvroFixed {
  readonly kind: 'fixed'
  readonly name: string
  readonly size: number
  readonly logicalType?: string
  readonly attrs: JsonObject
}
/** Avro enum. */
export interface AvroEnum {
  readonly kind: 'enum'
  readonly name: string
  readonly symbols: readonly string[]
  readonly attrs: JsonObject
}
/** Avro array (`element-id`, `logicalType: map` live in attrs). */
export interface AvroArray {
  readonly kind: 'array'
  readonly items: AvroNode
  readonly logicalType?: string
  readonly attrs: JsonObject
}
/** Avro map (`key-id`/`value-id` in attrs). */
export interface AvroMap {
  readonly kind: 'map'
  readonly values: AvroNode
  readonly attrs: JsonObject
}
/** Avro union. */
export interface AvroUnion {
  readonly kind: 'union'
  readonly branches: readonly AvroNode[]
}
/** One record field; `fieldId` is the Iceberg `field-id` attribute when present. */
export interface AvroField {
  readonly name: string
  readonly type: AvroNode
  readonly fieldId?: number
  readonly attrs: JsonObject
}
/** Avro record. */
export interface AvroRecord {
  readonly kind: 'record'
  readonly name: string
  readonly fields: readonly AvroField[]
  readonly logicalType?: string
  readonly attrs: JsonObject
}
/** Any resolved Avro type. */
export type AvroNode = AvroPrimitive | AvroFixed | AvroEnum | AvroArray | AvroMap | AvroUnion | AvroRecord

const PRIMITIVES: ReadonlySet<string> = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])
const MAX_DEPTH = 64
const MAX_FIXED = 0x7fffffff

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function attrsOf(o: JsonObject, skip: readonly string[]): JsonObject {
  const out: JsonObject = {}
  for (const k of Object.keys(o)) if (!skip.includes(k)) setOwn(out, k, o[k]!)
  return out
}

function intAttr(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^-?\d{1,10}$/.test(v)) return Number(v)
  return undefined
}

/** Parse and resolve an Avro schema (JSON), validating it; named types may be referenced by name. */
export function parseAvroSchema(json: JsonValue, file?: string): AvroNode {
  const named = new Map<string, AvroNode>()
  const pending = new Set<string>()
  const fail = (msg: string): never => avroError(`Invalid Avro schema: ${msg}`, file)

  const fullName = (name: string, ns: string | undefined): string => (name.includes('.') || !ns ? name : `${ns}.${name}`)
  const define = (name: string, ns: string | undefined, node: AvroNode): void => {
    const full = fullName(name, ns)
    if (named.has(full)) fail(`duplicate named type ${full}`)
    named.set(full, node)
    const short = full.slice(full.lastIndexOf('.') + 1)
    if (!named.has(short)) named.set(short, node)
  }
  const lookup = (name: string, ns: string | undefined): AvroNode => {
    const hit = named.get(fullName(name, ns)) ?? named.get(name)
    if (hit) return hit
    if (pending.has(fullName(name, ns)) || pending.has(name)) fail(`recursive type ${name} is not supported`)
    return fail(`unknown type ${JSON.stringify(name)}`)
  }

  const parse = (v: JsonValue | undefined, ns: string | undefined, depth: number): AvroNode => {
    if (depth > MAX_DEPTH) fail('nesting too deep')
    if (typeof v === 'string') return PRIMITIVES.has(v) ? { kind: v as AvroPrimitiveKind, attrs: {} } : lookup(v, ns)
    if (Array.isArray(v)) {
      if (v.length === 0) fail('empty union')
      return { kind: 'union', branches: v.map((b) => parse(b, ns, depth + 1)) }
    }
    if (!isObject(v)) return fail(`expected a type, got ${JSON.stringify(v)}`)
    const t = v.type
    const logicalType = typeof v.logicalType === 'string' ? v.logicalType : undefined
    if (typeof t !== 'string') {
      // `{"type": {...}}` / `{"type": [...]}`: a wrapped type (tolerated)
      return parse(t, ns, depth + 1)
    }
    if (PRIMITIVES.has(t)) {
      const attrs = attrsOf(v, ['type'])
      return logicalType === undefined ? { kind: t as AvroPrimitiveKind, attrs } : { kind: t as AvroPrimitiveKind, logicalType, attrs }
    }
    const space = typeof v.namespace === 'string' && v.namespace ? v.namespace : ns
    switch (t) {
      case 'record':
      case 'error': {
        const name = typeof v.name === 'string' ? v.name : ''
        const full = name ? fullName(name, space) : ''
        const innerNs = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : space
        if (!Array.isArray(v.fields)) fail(`record ${name || '(anonymous)'} has no fields array`)
        if (full) pending.add(full)
        const fields: AvroField[] = []
        const names = new Set<string>()
        for (const f of v.fields as JsonValue[]) {
          if (!isObject(f) || typeof f.name !== 'string') fail(`record ${name} has a field without a name`)
          const fo = f as JsonObject
          const fname = fo.name as string
          if (names.has(fname)) fail(`record ${name} has duplicate field ${fname}`)
          names.add(fname)
          const fieldId = intAttr(fo['field-id'])
          const field: AvroField = {
            name: fname,
            type: parse(fo.type, innerNs, depth + 1),
            attrs: attrsOf(fo, ['name', 'type']),
            ...(fieldId === undefined ? {} : { fieldId }),
          }
          fields.push(field)
        }
        if (full) pending.delete(full)
        const node: AvroRecord = {
          kind: 'record',
          name: full,
          fields,
          attrs: attrsOf(v, ['type', 'name', 'namespace', 'fields']),
          ...(logicalType === undefined ? {} : { logicalType }),
        }
        if (full) define(name, space, node)
        return node
      }
      case 'enum': {
        const name = typeof v.name === 'string' ? v.name : fail('enum without a name')
        if (!Array.isArray(v.symbols) || !v.symbols.every((s) => typeof s === 'string')) fail(`enum ${name} needs string symbols`)
        const node: AvroEnum = { kind: 'enum', name: fullName(name, space), symbols: v.symbols as string[], attrs: attrsOf(v, ['type', 'name', 'namespace', 'symbols']) }
        define(name, space, node)
        return node
      }
      case 'fixed': {
        const name = typeof v.name === 'string' ? v.name : fail('fixed without a name')
        const size = v.size
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FIXED) fail(`fixed ${name} has invalid size ${String(size)}`)
        const node: AvroFixed = {
          kind: 'fixed',
          name: fullName(name, space),
          size: size as number,
          attrs: attrsOf(v, ['type', 'name', 'namespace', 'size']),
          ...(logicalType === undefined ? {} : { logicalType }),
        }
        define(name, space, node)
        return node
      }
      case 'array': {
        const node: AvroArray = {
          kind: 'array',
          items: parse(v.items, space, depth + 1),
          attrs: attrsOf(v, ['type', 'items']),
          ...(logicalType === undefined ? {} : { logicalType }),
        }
        return node
      }
      case 'map':
        return { kind: 'map', values: parse(v.values, space, depth + 1), attrs: attrsOf(v, ['type', 'values']) }
      default:
        return lookup(t, space)
    }
  }
  return parse(json, undefined, 0)
}

/** The non-null branch of `["null", T]` / `[T, "null"]`, or undefined for any other node. */
export function optionOf(node: AvroNode): AvroNode | undefined {
  if (node.kind !== 'union' || node.branches.length !== 2) return undefined
  const [a, b] = node.branches as [AvroNode, AvroNode]
  if (a.kind === 'null' && b.kind !== 'null') return b
  if (b.kind === 'null' && a.kind !== 'null') return a
  return undefined
}

/** Strip a nullable union: `["null", T]` → T; other nodes unchanged. */
export function unwrapOption(node: AvroNode): AvroNode {
  return optionOf(node) ?? node
}

/** Smallest possible encoded size in bytes (used to bound item counts before looping). */
export function minEncodedSize(node: AvroNode, depth = 0): number {
  if (depth > MAX_DEPTH) return 0
  switch (node.kind) {
    case 'null':
      return 0
    case 'float':
      return 4
    case 'double':
      return 8
    case 'fixed':
      return node.size
    case 'record': {
      let n = 0
      for (const f of node.fields) n += minEncodedSize(f.type, depth + 1)
      return n
    }
    case 'union':
      return 1 + Math.min(...node.branches.map((b) => minEncodedSize(b, depth + 1)))
    default:
      return 1
  }
}

/** A compiled reader: decodes one value of a writer type. */
export type Reader<T> = (r: AvroReader) => T

/** Maximum number of items of zero encoded size accepted in one array or map block. */
export const MAX_EMPTY_ITEMS = 1 << 20

/**
 * Read an array/map block count and check it against the remaining data (`minItem` bytes at least per
 * item), so that corrupt counts fail instead of looping. Returns 0 at the end of the sequence.
 */
export function blockCount(r: AvroReader, minItem: number): number {
  let n = r.longNumber()
  if (n < 0) {
    n = -n
    const size = r.longNumber()
    if (size < 0 || size > r.remaining()) r.fail('Invalid Avro block size')
  }
  if (minItem > 0 ? n * minItem > r.remaining() : n > MAX_EMPTY_ITEMS) r.fail(`Invalid Avro block count ${n}`)
  return n
}

/** Read a union branch index and check it. */
export function unionIndex(r: AvroReader, branches: number): number {
  const i = r.int()
  if (i < 0 || i >= branches) r.fail(`Invalid Avro union branch ${i} (of ${branches})`)
  return i
}
