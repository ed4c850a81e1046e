// Spec Appendix D: single-value binary serialization (bounds, partition summaries) and the JSON
// single-value form (defaults, REST). In-memory values follow design §5.4 (see types.ts `Value`).
import { InvalidArgumentError, InvalidMetadataError, UnsupportedError } from '../errors.js'
import { jsonLong, stringifyJson, type JsonObject, type JsonValue } from './json/lossless.js'
import { fromJsonPrimitive, toJsonPrimitive } from './single-value-json.js'
import { MICROS_PER_DAY } from './temporal.js'
import { primitiveToString, typeToString, type IcebergType, type PrimitiveType, type StructValue, type Value } from './types.js'
import { booleanOf, bytesOf, decimalOf, int32Of, int64Of, numberOf, stringOf } from './value-check.js'
import { decimalFitsPrecision, decimalFromBytes, decimalToBytes, describeValue, utf8Decode, utf8Encode } from './values.js'

const NANOS_PER_DAY = MICROS_PER_DAY * 1000n

function le(n: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(n)
  return { bytes, view: new DataView(bytes.buffer) }
}

/** Encode a primitive value in the binary single-value form (Appendix D); null is not encodable. */
export function toBinary(type: PrimitiveType, value: Value): Uint8Array {
  switch (type.kind) {
    case 'boolean':
      return Uint8Array.of(booleanOf(type, value) ? 1 : 0)
    case 'int':
    case 'date': {
      const { bytes, view } = le(4)
      view.setInt32(0, int32Of(type, value), true)
      return bytes
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const { bytes, view } = le(8)
      view.setBigInt64(0, int64Of(type, value), true)
      return bytes
    }
    case 'float': {
      const { bytes, view } = le(4)
      view.setFloat32(0, numberOf(type, value), true)
      return bytes
    }
    case 'double': {
      const { bytes, view } = le(8)
      view.setFloat64(0, numberOf(type, value), true)
      return bytes
    }
    case 'string':
      return utf8Encode(stringOf(type, value))
    case 'uuid':
      return bytesOf(type, value, 16).slice()
    case 'fixed':
      return bytesOf(type, value, type.length).slice()
    case 'binary':
      return bytesOf(type, value).slice()
    case 'decimal':
      return decimalToBytes(decimalOf(type, value))
    default:
      throw new UnsupportedError(`Binary single-value serialization is not supported for ${primitiveToString(type)}`)
  }
}

function badBytes(type: PrimitiveType, bytes: Uint8Array, expected: string): never {
  throw new InvalidMetadataError(`Cannot decode ${primitiveToString(type)} single value from ${bytes.length} bytes (expected ${expected})`)
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Decode a binary single value. Bounds written before a type promotion are accepted by length (spec
 * Appendix D table): long from 4 bytes (int), double from 4 bytes (float), timestamp/timestamp_ns from
 * 4 bytes (date days, converted to µs/ns), decimal from any length. Malformed input throws INVALID_METADATA.
 */
export function fromBinary(type: PrimitiveType, bytes: Uint8Array): Value {
  const n = bytes.length
  switch (type.kind) {
    case 'boolean':
      return n === 1 ? bytes[0] !== 0 : badBytes(type, bytes, '1')
    case 'int':
    case 'date':
      return n === 4 ? view(bytes).getInt32(0, true) : badBytes(type, bytes, '4')
    case 'long':
      if (n === 4) return BigInt(view(bytes).getInt32(0, true))
      return n === 8 ? view(bytes).getBigInt64(0, true) : badBytes(type, bytes, '8, or 4 for a promoted int')
    case 'timestamp':
    case 'timestamp_ns':
      if (n === 4) return BigInt(view(bytes).getInt32(0, true)) * (type.kind === 'timestamp' ? MICROS_PER_DAY : NANOS_PER_DAY)
      return n === 8 ? view(bytes).getBigInt64(0, true) : badBytes(type, bytes, '8, or 4 for a promoted date')
    case 'time':
    case 'timestamptz':
    case 'timestamptz_ns':
      return n === 8 ? view(bytes).getBigInt64(0, true) : badBytes(type, bytes, '8')
    case 'float':
      return n === 4 ? view(bytes).getFloat32(0, true) : badBytes(type, bytes, '4')
    case 'double':
      if (n === 4) return view(bytes).getFloat32(0, true)
      return n === 8 ? view(bytes).getFloat64(0, true) : badBytes(type, bytes, '8, or 4 for a promoted float')
    case 'string':
      try {
        return utf8Decode(bytes)
      } catch (e) {
        throw new InvalidMetadataError('Cannot decode string single value: invalid UTF-8', { cause: e })
      }
    case 'uuid':
      return n === 16 ? bytes.slice() : badBytes(type, bytes, '16')
    case 'fixed':
    case 'binary':
      return bytes.slice()
    case 'decimal': {
      if (n === 0) return badBytes(type, bytes, 'at least 1')
      const v = decimalFromBytes(bytes)
      if (!decimalFitsPrecision(v, type.precision))
        throw new InvalidMetadataError(`Decimal single value ${v} exceeds the precision of ${primitiveToString(type)}`)
      return v
    }
    default:
      throw new UnsupportedError(`Binary single-value serialization is not supported for ${primitiveToString(type)}`)
  }
}

/**
 * Encode a value in the JSON single-value form (defaults, REST). Choices where writers differ:
 * time/timestamps always carry 6 (µs) or 9 (ns) fraction digits like the spec examples; fixed/binary are
 * lower-case hex like the spec example (Java writes upper case; both read back); non-finite floats are
 * the strings `NaN`, `Infinity`, `-Infinity` (Jackson's quoted form); longs are bigint.
 */
export function toJsonValue(type: IcebergType, value: Value): JsonValue {
  if (value === null) return null
  switch (type.kind) {
    case 'list': {
      if (!Array.isArray(value)) throw new InvalidArgumentError(`Invalid ${typeToString(type)} value: ${describeValue(value)}`)
      return (value as readonly Value[]).map((v) => toJsonValue(type.element, v))
    }
    case 'map': {
      if (!(value instanceof Map)) throw new InvalidArgumentError(`Invalid ${typeToString(type)} value: ${describeValue(value)}`)
      const keys: JsonValue[] = []
      const values: JsonValue[] = []
      for (const [k, v] of value) {
        keys.push(toJsonValue(type.key, k))
        values.push(toJsonValue(type.value, v))
      }
      return { keys, values }
    }
    case 'struct': {
      if (!isStructValue(value)) throw new InvalidArgumentError(`Invalid ${typeToString(type)} value: ${describeValue(value)}`)
      const out: JsonObject = {}
      for (const f of type.fields) {
        const v = value[String(f.id)]
        if (v !== undefined && v !== null) out[String(f.id)] = toJsonValue(f.type, v)
      }
      return out
    }
    default:
      return toJsonPrimitive(type, value)
  }
}

function isStructValue(v: Value): v is StructValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array)
}

function badJson(type: IcebergType, json: JsonValue, why = ''): never {
  throw new InvalidMetadataError(`Cannot parse JSON single value as ${typeToString(type)}: ${describeJson(json)}${why}`)
}

function describeJson(json: JsonValue): string {
  const l = jsonLong(json)
  if (l !== undefined) return l.toString()
  try {
    const s = JSON.stringify(json)
    return s.length > 80 ? `${s.slice(0, 80)}…` : s
  } catch {
    return typeof json
  }
}

/**
 * Decode a JSON single value into the in-memory representation of `type`. Liberal where it is safe:
 * hex and uuid in either case, `Z` for a UTC offset, longs as number, bigint or lossless marker.
 * Invalid input throws INVALID_METADATA naming the type.
 */
export function fromJsonValue(type: IcebergType, json: JsonValue): Value {
  if (json === null) return null
  switch (type.kind) {
    case 'list':
      if (!Array.isArray(json)) return badJson(type, json, ' (expected an array)')
      return json.map((e) => fromJsonValue(type.element, e))
    case 'map': {
      const o = typeof json === 'object' && !Array.isArray(json) ? (json as JsonObject) : undefined
      const keys = o?.keys
      const values = o?.values
      if (!Array.isArray(keys) || !Array.isArray(values)) return badJson(type, json, ' (expected {"keys": [...], "values": [...]})')
      if (keys.length !== values.length) return badJson(type, json, ' (keys and values differ in length)')
      const m = new Map<Value, Value>()
      const seen = new Set<string>()
      keys.forEach((k, i) => {
        const key = fromJsonValue(type.key, k)
        const canonical = stringifyJson(toJsonValue(type.key, key))
        if (seen.has(canonical)) badJson(type, json, ` (duplicate key ${canonical})`)
        seen.add(canonical)
        m.set(key, fromJsonValue(type.value, values[i]!))
      })
      return m
    }
    case 'struct': {
      if (typeof json !== 'object' || Array.isArray(json)) return badJson(type, json, ' (expected an object keyed by field id)')
      const o = json as JsonObject
      const out: Record<string, Value> = {}
      for (const f of type.fields) {
        const k = String(f.id)
        if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = fromJsonValue(f.type, o[k]!)
      }
      return out
    }
    default:
      try {
        return fromJsonPrimitive(type, json)
      } catch (e) {
        if (e instanceof InvalidMetadataError || e instanceof UnsupportedError) throw e
        return badJson(type, json, e instanceof Error ? ` (${e.message})` : '')
      }
  }
}
