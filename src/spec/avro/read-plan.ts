// Compile readers that decode a writer-schema node straight into the in-memory representation of an
// expected Iceberg type (schema resolution by field id, with the promotions Iceberg allows). Plans are
// built once per writer schema; decoding never builds intermediate generic records.
import { FloeError, InvalidMetadataError } from '../../errors.js'
import type { IcebergType, PrimitiveType, Value } from '../types.js'
import { primitiveToString, typeToString } from '../types.js'
import type { AvroReader } from './binary.js'
import { skipperFor } from './avro-generic.js'
import { blockCount, minEncodedSize, optionOf, unionIndex, type AvroNode, type Reader } from './avro-node.js'

/** Where a reader is compiled (for error messages): the file and the field path. */
export interface PlanSite {
  readonly file?: string
  readonly field: string
  /** Reads records as structs instead of the id-keyed objects manifests use (data rows: keyed by name, with defaults). */
  readonly struct?: (node: AvroNode, expected: Extract<IcebergType, { kind: 'struct' }>, site: PlanSite) => Reader<Value>
}

/** Throw INVALID_METADATA: the writer schema cannot be read as the expected Iceberg type. */
export function incompatible(site: PlanSite, node: AvroNode, expected: IcebergType | string): never {
  const exp = typeof expected === 'string' ? expected : typeToString(expected)
  const ctx = site.file === undefined ? { field: site.field } : { file: site.file, field: site.field }
  throw new InvalidMetadataError(`Cannot read Avro ${describe(node)} as ${exp} for field ${site.field}`, { context: ctx })
}

function describe(node: AvroNode): string {
  if (node.kind === 'union') return `union[${node.branches.map(describe).join(', ')}]`
  if (node.kind === 'record' || node.kind === 'fixed' || node.kind === 'enum') return `${node.kind} ${node.name}`
  return 'logicalType' in node && node.logicalType ? `${node.kind} (${node.logicalType})` : node.kind
}

/** Decode a minimal two's-complement big-endian integer (decimal unscaled value). */
export function decimalFromBytes(b: Uint8Array): bigint {
  const n = b.length
  if (n === 0) return 0n
  if (n <= 6) {
    let v = 0
    for (let i = 0; i < n; i++) v = v * 256 + b[i]!
    if (b[0]! & 0x80) v -= 2 ** (8 * n)
    return BigInt(v)
  }
  let v = 0n
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[i]!)
  if (b[0]! & 0x80) v -= 1n << BigInt(8 * n)
  return v
}

const HEX = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/

function uuidFromString(s: string, r: AvroReader): Uint8Array {
  if (!HEX.test(s)) r.fail(`Invalid UUID string ${JSON.stringify(s)}`)
  const h = s.replace(/-/g, '')
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

const MICROS_PER_DAY = 86_400_000_000n
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** A date or coarser time scaled to the column's unit; beyond 64 bits the read fails (the spec's promotion rule). */
function scaled(v: bigint, factor: bigint, r: AvroReader): bigint {
  const x = v * factor
  if (x < -(2n ** 63n) || x >= 2n ** 63n)
    throw new FloeError('INVALID_DATA', `Stored value ${v} is out of range of its column's type in 64 bits (× ${factor})${r.file === undefined ? '' : ` in ${r.file}`}`, r.file === undefined ? {} : { context: { file: r.file } })
  return x
}

function toInt32(v: bigint, r: AvroReader): number {
  if (v < -2147483648n || v > 2147483647n) r.fail(`Value ${v} does not fit in an int`)
  return Number(v)
}

/** The unit of an Avro long's time logical type. */
const LONG_TIME_UNITS: Record<string, 'ms' | 'us' | 'ns'> = {
  'timestamp-millis': 'ms',
  'local-timestamp-millis': 'ms',
  'timestamp-micros': 'us',
  'local-timestamp-micros': 'us',
  'time-micros': 'us',
  'timestamp-nanos': 'ns',
  'local-timestamp-nanos': 'ns',
}
// what a value in each unit is multiplied by for microsecond and nanosecond columns
const MICROS_FACTOR: Record<'ms' | 'us', bigint> = { ms: 1000n, us: 1n }
const NANOS_FACTOR: Record<'ms' | 'us' | 'ns', bigint> = { ms: 1_000_000n, us: 1000n, ns: 1n }

/** A reader for a non-union primitive writer node as the expected primitive type, or undefined. */
function primitiveReader(node: AvroNode, t: PrimitiveType): Reader<Value> | undefined {
  const k = t.kind
  switch (node.kind) {
    case 'boolean':
      return k === 'boolean' ? (r) => r.boolean() : undefined
    case 'int':
      switch (k) {
        case 'int':
        case 'date':
        case 'float':
        case 'double':
          return (r) => r.int()
        case 'long':
        case 'decimal':
          return (r) => BigInt(r.int())
        case 'time':
          // time-millis (Hive and other Avro writers): to microseconds, as floe's Parquet reader does
          return node.logicalType === 'time-millis' ? (r) => BigInt(r.int()) * 1000n : (r) => BigInt(r.int())
        case 'timestamp':
        case 'timestamptz':
          // v3 promotion date → timestamp: days to microseconds
          return node.logicalType === 'date' ? (r) => scaled(BigInt(r.int()), MICROS_PER_DAY, r) : (r) => BigInt(r.int())
        case 'timestamp_ns':
        case 'timestamptz_ns':
          return node.logicalType === 'date' ? (r) => scaled(BigInt(r.int()), MICROS_PER_DAY * 1000n, r) : (r) => BigInt(r.int())
        default:
          return undefined
      }
    case 'long': {
      // timestamps in another unit than the column's (Hive writes timestamp-millis): scaled, as Java does
      const unit = LONG_TIME_UNITS[node.logicalType ?? '']
      switch (k) {
        case 'time':
        case 'timestamp':
        case 'timestamptz': {
          if (unit === 'ns') return undefined // never narrowed: nanoseconds do not fit a microsecond column exactly
          const f = unit === undefined ? 1n : MICROS_FACTOR[unit]
          return f === 1n ? (r) => r.long() : (r) => scaled(r.long(), f, r)
        }
        case 'timestamp_ns':
        case 'timestamptz_ns': {
          const f = unit === undefined ? 1n : NANOS_FACTOR[unit]
          return f === 1n ? (r) => r.long() : (r) => scaled(r.long(), f, r)
        }
        case 'long':
        case 'decimal':
          return (r) => r.long()
        case 'int':
        case 'date':
          return (r) => toInt32(r.long(), r)
        case 'double':
          return (r) => Number(r.long())
        default:
          return undefined
      }
    }
    case 'float':
      return k === 'float' || k === 'double' ? (r) => r.float() : undefined
    case 'double':
      return k === 'double' || k === 'float' ? (r) => r.double() : undefined
    case 'string':
      if (k === 'string') return (r) => r.string()
      if (k === 'uuid') return (r) => uuidFromString(r.string(), r)
      return undefined
    case 'enum': {
      if (k !== 'string') return undefined
      const symbols = node.symbols
      return (r) => {
        const i = r.int()
        if (i < 0 || i >= symbols.length) r.fail(`Invalid Avro enum index ${i}`)
        return symbols[i]!
      }
    }
    case 'bytes':
      switch (k) {
        case 'binary':
        case 'fixed':
        case 'uuid':
        case 'geometry':
        case 'geography':
          return (r) => r.bytes()
        case 'decimal':
          return (r) => decimalFromBytes(r.bytes())
        case 'string':
          return (r) => UTF8.decode(r.bytes())
        default:
          return undefined
      }
    case 'fixed': {
      const size = node.size
      switch (k) {
        case 'binary':
        case 'fixed':
        case 'uuid':
          return (r) => r.fixed(size)
        case 'decimal':
          return (r) => decimalFromBytes(r.fixed(size))
        default:
          return undefined
      }
    }
    default:
      return undefined
  }
}

/**
 * Compile a reader for `node` (a writer schema node) producing values of `expected`; nullable unions
 * yield null. Fails at compile time (INVALID_METADATA) when no conversion exists.
 */
export function readerAs(node: AvroNode, expected: IcebergType, site: PlanSite): Reader<Value> {
  if (node.kind === 'null') return () => null
  if (node.kind === 'union') {
    const inner = optionOf(node)
    if (inner) {
      const read = readerAs(inner, expected, site)
      const nullIndex = node.branches[0]!.kind === 'null' ? 0 : 1
      return (r) => (unionIndex(r, 2) === nullIndex ? null : read(r))
    }
    const parts: (Reader<Value> | undefined)[] = node.branches.map((b) => {
      try {
        return readerAs(b, expected, site)
      } catch {
        return undefined
      }
    })
    if (parts.every((p) => p === undefined)) incompatible(site, node, expected)
    return (r) => {
      const i = unionIndex(r, parts.length)
      const p = parts[i]
      if (!p) return r.fail(`Avro union branch ${i} cannot be read as ${typeToString(expected)} (field ${site.field})`)
      return p(r)
    }
  }
  switch (expected.kind) {
    case 'list':
      return listReader(node, expected.element, site) ?? incompatible(site, node, expected)
    case 'map':
      return mapReader(node, expected, site) ?? incompatible(site, node, expected)
    case 'struct': {
      if (node.kind !== 'record') return incompatible(site, node, expected)
      if (site.struct) return site.struct(node, expected, site)
      const steps = node.fields.map((f, i) => {
        const target = expected.fields.find((x) => x.id === (f.fieldId ?? -1)) ?? expected.fields.find((x) => x.name === f.name)
        return target ? { key: String(target.id), read: readerAs(f.type, target.type, { ...site, field: `${site.field}.${f.name}` }) } : { key: undefined, read: skipToNull(node.fields[i]!.type) }
      })
      return (r) => {
        const o: Record<string, Value> = {}
        for (const s of steps) {
          const v = s.read(r)
          if (s.key !== undefined) o[s.key] = v as Value
        }
        return o
      }
    }
    case 'variant':
      return variantReader(node) ?? incompatible(site, node, expected)
    default:
      return primitiveReader(node, expected) ?? incompatible(site, node, primitiveToString(expected))
  }
}

/** A v3 variant as Java writes it in Avro: a record of `metadata` and `value` bytes (in either order), read as { metadata, value }. */
function variantReader(node: AvroNode): Reader<Value> | undefined {
  if (node.kind !== 'record' || node.fields.length !== 2) return undefined
  const names = node.fields.map((f) => f.name)
  if (!names.includes('metadata') || !names.includes('value') || node.fields.some((f) => f.type.kind !== 'bytes')) return undefined
  const metadataFirst = names[0] === 'metadata'
  return (r) => {
    const a = r.bytes()
    const b = r.bytes()
    return metadataFirst ? { metadata: a, value: b } : { metadata: b, value: a }
  }
}

/** Reader that consumes one value of `node` and returns null (skips unmatched fields). */
export function skipToNull(node: AvroNode): Reader<Value> {
  const skip = skipperFor(node)
  return (r) => {
    skip(r)
    return null
  }
}

/** Array of `element` values; null items are kept as null. */
function listReader(node: AvroNode, element: IcebergType, site: PlanSite): Reader<Value> | undefined {
  if (node.kind !== 'array') return undefined
  const item = readerAs(node.items, element, { ...site, field: `${site.field}.element` })
  const min = minEncodedSize(node.items)
  return (r) => {
    const out: Value[] = []
    for (let n = blockCount(r, min); n > 0; n = blockCount(r, min)) for (let i = 0; i < n; i++) out.push(item(r))
    return out
  }
}

/** Identify the key and value fields of a map entry record: by field id, then name, then position. */
export function keyValueFields(rec: AvroNode, keyId: number, valueId: number): { key: number; value: number } | undefined {
  if (rec.kind !== 'record' || rec.fields.length < 2) return undefined
  const fs = rec.fields
  let key = fs.findIndex((f) => f.fieldId === keyId)
  let value = fs.findIndex((f) => f.fieldId === valueId)
  if (key < 0) key = fs.findIndex((f) => f.name === 'key')
  if (value < 0) value = fs.findIndex((f) => f.name === 'value')
  if (key < 0 && value < 0 && fs.length === 2) return { key: 0, value: 1 }
  if (key < 0 || value < 0 || key === value) return undefined
  return { key, value }
}

/** A Map reader over either the array-of-key/value-records form or an Avro string-keyed map. */
function mapReader(node: AvroNode, t: Extract<IcebergType, { kind: 'map' }>, site: PlanSite): Reader<Value> | undefined {
  if (node.kind === 'map') {
    const value = readerAs(node.values, t.value, { ...site, field: `${site.field}.value` })
    const keyOf = mapKeyConverter(t.key)
    if (!keyOf) return undefined
    const min = 1 + minEncodedSize(node.values)
    return (r) => {
      const out = new Map<Value, Value>()
      for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
        for (let i = 0; i < n; i++) {
          const k = keyOf(r.string(), r)
          out.set(k, value(r))
        }
      return out
    }
  }
  if (node.kind !== 'array') return undefined
  const itemNode = node.items
  const nullable = optionOf(itemNode)
  const rec = nullable ?? itemNode
  const kv = keyValueFields(rec, t.keyId, t.valueId)
  if (!kv || rec.kind !== 'record') return undefined
  const nullIndex = nullable ? (itemNode.kind === 'union' && itemNode.branches[0]!.kind === 'null' ? 0 : 1) : -1
  const steps = rec.fields.map((f, i): { role: 0 | 1 | 2; read: Reader<Value> } => {
    if (i === kv.key) return { role: 0, read: readerAs(f.type, t.key, { ...site, field: `${site.field}.key` }) }
    if (i === kv.value) return { role: 1, read: readerAs(f.type, t.value, { ...site, field: `${site.field}.value` }) }
    return { role: 2, read: skipToNull(f.type) }
  })
  const min = minEncodedSize(itemNode)
  // fast path: the Java layout [key, value] with no extra fields
  if (steps.length === 2 && kv.key === 0 && nullIndex < 0) {
    const readKey = steps[0]!.read
    const readValue = steps[1]!.read
    return (r) => {
      const out = new Map<Value, Value>()
      for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
        for (let i = 0; i < n; i++) {
          const k = readKey(r)
          const v = readValue(r)
          if (k !== null) out.set(k, v)
        }
      return out
    }
  }
  return (r) => {
    const out = new Map<Value, Value>()
    for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
      for (let i = 0; i < n; i++) {
        if (nullIndex >= 0 && unionIndex(r, 2) === nullIndex) continue
        let k: Value = null
        let v: Value = null
        for (const s of steps) {
          const x = s.read(r)
          if (s.role === 0) k = x
          else if (s.role === 1) v = x
        }
        if (k !== null) out.set(k, v)
      }
    return out
  }
}

function mapKeyConverter(key: IcebergType): ((s: string, r: AvroReader) => Value) | undefined {
  switch (key.kind) {
    case 'string':
      return (s) => s
    case 'int':
      return (s, r) => {
        if (!/^-?\d+$/.test(s)) r.fail(`Invalid int map key ${JSON.stringify(s)}`)
        return toInt32(BigInt(s), r)
      }
    case 'long':
      return (s, r) => {
        if (!/^-?\d+$/.test(s)) r.fail(`Invalid long map key ${JSON.stringify(s)}`)
        return BigInt(s)
      }
    default:
      return undefined
  }
}

/**
 * A reader of an Iceberg stats map (`map<int, long>` / `map<int, binary>`, Avro array of key/value records)
 * that materialises only the keys in `keep`; other values are skipped without allocating.
 */
export function statsMapReader(node: AvroNode, t: Extract<IcebergType, { kind: 'map' }>, site: PlanSite, keep: ReadonlySet<number>): Reader<Value> {
  const inner = optionOf(node)
  if (inner) {
    const read = statsMapReader(inner, t, site, keep)
    const nullIndex = node.kind === 'union' && node.branches[0]!.kind === 'null' ? 0 : 1
    return (r) => (unionIndex(r, 2) === nullIndex ? null : read(r))
  }
  const kv = node.kind === 'array' ? keyValueFields(node.items, t.keyId, t.valueId) : undefined
  if (node.kind !== 'array' || !kv || kv.key !== 0 || node.items.kind !== 'record' || node.items.fields.length !== 2) {
    // any other layout: decode fully, then keep the wanted keys
    const full = readerAs(node, t, site)
    return (r) => {
      const m = full(r) as Map<number, Value> | null
      if (m === null) return null
      for (const k of [...m.keys()]) if (!keep.has(k)) m.delete(k)
      return m
    }
  }
  const fields = node.items.fields
  const readKey = readerAs(fields[0]!.type, t.key, { ...site, field: `${site.field}.key` })
  const readValue = readerAs(fields[1]!.type, t.value, { ...site, field: `${site.field}.value` })
  const skipValue = skipToNull(fields[1]!.type)
  const min = minEncodedSize(node.items)
  return (r) => {
    const out = new Map<Value, Value>()
    for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
      for (let i = 0; i < n; i++) {
        const k = readKey(r)
        if (k !== null && keep.has(k as number)) out.set(k, readValue(r))
        else skipValue(r)
      }
    return out
  }
}
