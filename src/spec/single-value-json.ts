// Spec Appendix D, JSON single-value serialization of primitive types (nested types: single-value.ts).
import { InvalidArgumentError, UnsupportedError } from '../errors.js'
import { jsonLong, type JsonValue } from './json/lossless.js'
import {
  daysToIsoDate,
  floorDiv,
  isoDateToDays,
  isoTimeToMicros,
  microsToIsoTime,
  microsToIsoTimestamp,
  nanosToIsoTimestamp,
  NANOS_PER_MICRO,
  parseIsoTimestamp,
} from './temporal.js'
import { primitiveToString, type PrimitiveType, type Value } from './types.js'
import { booleanOf, bytesOf, decimalOf, int32Of, int64Of, isInt32, isInt64, numberOf, stringOf } from './value-check.js'
import { bytesToHex, decimalFitsPrecision, decimalFromString, decimalToString, hexToBytes, uuidToBytes, uuidToString } from './values.js'
import { javaShortestFloat } from './java-float.js'

/** The decimal Java `Float.toString` prints for a float32 (shortest, closest, ties to even), as a number. */
export function shortestFloat(x: number): number {
  return javaShortestFloat(x)
}

function nonFinite(x: number): JsonValue {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'
}

/** JSON single value of a non-null primitive value. */
export function toJsonPrimitive(type: PrimitiveType, value: Value): JsonValue {
  switch (type.kind) {
    case 'boolean':
      return booleanOf(type, value)
    case 'int':
      return int32Of(type, value) | 0 // an int has no -0 (stringifyJson would write -0.0)
    case 'long':
      return int64Of(type, value)
    case 'float': {
      const x = numberOf(type, value)
      // a finite double beyond the float range would round to ±Infinity: refused, as Java's literal cast does
      if (Number.isFinite(x) && !Number.isFinite(Math.fround(x))) throw new InvalidArgumentError(`Invalid float value: ${x} (out of the 32-bit float range)`)
      return Number.isFinite(x) ? shortestFloat(x) : nonFinite(x)
    }
    case 'double': {
      const x = numberOf(type, value)
      return Number.isFinite(x) ? x : nonFinite(x)
    }
    case 'decimal':
      return decimalToString(decimalOf(type, value), type.scale)
    case 'date':
      return daysToIsoDate(int32Of(type, value))
    case 'time':
      return microsToIsoTime(int64Of(type, value))
    case 'timestamp':
    case 'timestamptz':
      return microsToIsoTimestamp(int64Of(type, value), { zone: type.kind === 'timestamptz' })
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return nanosToIsoTimestamp(int64Of(type, value), { zone: type.kind === 'timestamptz_ns' })
    case 'string':
      return stringOf(type, value)
    case 'uuid':
      return uuidToString(bytesOf(type, value, 16))
    case 'fixed':
      return bytesToHex(bytesOf(type, value, type.length))
    case 'binary':
      return bytesToHex(bytesOf(type, value))
    case 'unknown':
      throw new InvalidArgumentError(`A value of type unknown must be null, got ${String(value)}`)
    default:
      throw new UnsupportedError(`JSON single values of type ${primitiveToString(type)} are not supported (only null)`)
  }
}

function text(json: JsonValue, what: string): string {
  if (typeof json !== 'string') throw new InvalidArgumentError(`expected a JSON string for ${what}`)
  return json
}

function floatOf(json: JsonValue): number {
  if (typeof json === 'number') return json
  if (json === 'NaN') return NaN
  if (json === 'Infinity') return Infinity
  if (json === '-Infinity') return -Infinity
  const l = jsonLong(json)
  if (l !== undefined) return Number(l)
  throw new InvalidArgumentError('expected a JSON number')
}

function timestampOf(json: JsonValue, type: PrimitiveType, zoned: boolean, nanos: boolean): bigint {
  const parsed = parseIsoTimestamp(text(json, primitiveToString(type)))
  if (zoned && parsed.offsetSeconds !== 0) throw new InvalidArgumentError('the offset must be +00:00')
  if (!zoned && parsed.offsetSeconds !== undefined) throw new InvalidArgumentError('a timestamp without zone must not have an offset')
  const v = nanos ? parsed.epochNanos : floorDiv(parsed.epochNanos, NANOS_PER_MICRO)
  if (!isInt64(v)) throw new InvalidArgumentError('out of the 64-bit range')
  return v
}

/** In-memory value of a non-null JSON single value of a primitive type; throws INVALID_ARGUMENT (or UNSUPPORTED). */
export function fromJsonPrimitive(type: PrimitiveType, json: JsonValue): Value {
  switch (type.kind) {
    case 'boolean':
      if (typeof json !== 'boolean') throw new InvalidArgumentError('expected a JSON boolean')
      return json
    case 'int': {
      const l = jsonLong(json)
      const n = l === undefined ? undefined : Number(l)
      if (!isInt32(n)) throw new InvalidArgumentError('expected a 32-bit integer')
      return n
    }
    case 'long': {
      const l = jsonLong(json)
      if (!isInt64(l)) throw new InvalidArgumentError('expected a 64-bit integer')
      return l
    }
    case 'float':
      return Math.fround(floatOf(json))
    case 'double':
      return floatOf(json)
    case 'decimal': {
      const v = decimalFromString(text(json, 'decimal'), type.scale)
      if (!decimalFitsPrecision(v, type.precision)) throw new InvalidArgumentError(`more than ${type.precision} digits`)
      return v
    }
    case 'date': {
      const d = isoDateToDays(text(json, 'date'))
      if (!isInt32(d)) throw new InvalidArgumentError('date out of range')
      return d
    }
    case 'time':
      return isoTimeToMicros(text(json, 'time'))
    case 'timestamp':
      return timestampOf(json, type, false, false)
    case 'timestamptz':
      return timestampOf(json, type, true, false)
    case 'timestamp_ns':
      return timestampOf(json, type, false, true)
    case 'timestamptz_ns':
      return timestampOf(json, type, true, true)
    case 'string':
      return text(json, 'string')
    case 'uuid':
      return uuidToBytes(text(json, 'uuid'))
    case 'fixed': {
      const s = text(json, 'fixed')
      if (s.length !== 2 * type.length) throw new InvalidArgumentError(`expected ${2 * type.length} hex digits`)
      return hexToBytes(s)
    }
    case 'binary':
      return hexToBytes(text(json, 'binary'))
    case 'unknown':
      throw new InvalidArgumentError('a value of type unknown must be null')
    default:
      throw new UnsupportedError(`JSON single values of type ${primitiveToString(type)} are not supported (only null)`)
  }
}
