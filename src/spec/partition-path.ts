// Java-compatible human strings of partition values (`Transform.toHumanString`) and data-file partition
// paths (`PartitionSpec.partitionToPath`): `ts_day=2017-11-16/id_bucket=3`, URL-encoded like Java.
import { InvalidArgumentError } from '../errors.js'
import type { PartitionSpec } from './partition-spec.js'
import { humanDay, humanHour, humanMonth, humanYear, microsToIsoTime, microsToIsoTimestamp, nanosToIsoTimestamp } from './temporal.js'
import type { Transform } from './transform.js'
import { isPrimitive, type PrimitiveType, type StructType, type StructValue, type Value } from './types.js'
import { booleanOf, bytesOf, decimalOf, int32Of, int64Of, numberOf, stringOf } from './value-check.js'
import { bytesToBase64, decimalToJavaString, uuidToString } from './values.js'
import { javaShortestDigits } from './java-float.js'

// Java Float/Double.toString layout of shortest round-trip digits: plain for 1e-3 ≤ |x| < 1e7, else d.dddE±n.
function javaFloating(x: number, isFloat: boolean): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const shortest = javaShortestDigits(x, isFloat)
  const digits = shortest.digits.replace(/0+$/, '') || '0'
  const exp = shortest.exp10 - 1
  const sign = x < 0 ? '-' : ''
  const ax = Math.abs(x)
  if (ax >= 1e-3 && ax < 1e7) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
      return `${sign}${int}.${digits.slice(exp + 1) || '0'}`
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`
}

/** Java `Double.toString` (JDK 19+ digits: shortest, closest, ties to even): `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`. */
export function javaDoubleToString(x: number): string {
  return javaFloating(x, false)
}

/** Java `Float.toString` (JDK 19+ digits) of a float32 value. */
export function javaFloatToString(x: number): string {
  return javaFloating(Math.fround(x), true)
}

/** Java `URLEncoder.encode(s, UTF_8)`: keeps `A-Za-z0-9.-*_`, space → `+`, all else %XX of UTF-8 bytes. */
export function javaUrlEncode(s: string): string {
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?')
  return encodeURIComponent(wellFormed)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/** Java's human string of an identity/truncate value of a primitive type (`Transform.toHumanString` default). */
export function valueToHumanString(type: PrimitiveType, v: Value): string {
  if (v === null) return 'null'
  switch (type.kind) {
    case 'date':
      return humanDay(int32Of(type, v))
    case 'time':
      return microsToIsoTime(int64Of(type, v), 'java-time')
    case 'timestamp':
    case 'timestamptz':
      return microsToIsoTimestamp(int64Of(type, v), { zone: type.kind === 'timestamptz', style: 'trim' })
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return nanosToIsoTimestamp(int64Of(type, v), { zone: type.kind === 'timestamptz_ns', style: 'trim' })
    case 'fixed':
    case 'binary':
      return bytesToBase64(bytesOf(type, v))
    case 'boolean':
      return String(booleanOf(type, v))
    case 'int':
      return String(int32Of(type, v))
    case 'long':
      return String(int64Of(type, v))
    case 'float':
      return javaFloatToString(numberOf(type, v))
    case 'double':
      return javaDoubleToString(numberOf(type, v))
    case 'decimal':
      return decimalToJavaString(decimalOf(type, v), type.scale)
    case 'string':
      return stringOf(type, v)
    case 'uuid':
      return uuidToString(bytesOf(type, v, 16))
    default:
      throw new InvalidArgumentError(`No human string for values of type ${type.kind}`)
  }
}

/**
 * Java `Transform.toHumanString(resultType, value)` of a partition value: year `2017`, month `2017-11`,
 * day `2017-11-16`, hour `2017-11-16-22`, bucket `3`, null and void → `null`, identity/truncate per type
 * (dates ISO, timestamps ISO with trimmed fraction, `+00:00` for tz, fixed/binary base64).
 */
export function partitionToHumanString(t: Transform, resultType: PrimitiveType, value: Value): string {
  if (value === null || t.kind === 'void') return 'null'
  const asInt = (): number => int32Of({ kind: 'int' }, value)
  switch (t.kind) {
    case 'year':
      return humanYear(asInt())
    case 'month':
      return humanMonth(asInt())
    case 'day':
      return humanDay(asInt())
    case 'hour':
      return humanHour(asInt())
    case 'bucket':
      return String(asInt())
    default:
      return valueToHumanString(resultType, value)
  }
}

/**
 * The Java data-file partition path `name=value/name=value` (names and values URL-encoded like Java).
 * `values` is the partition tuple, positional in spec order or keyed by partition field id.
 */
export function partitionPath(spec: PartitionSpec, partitionType: StructType, values: readonly Value[] | StructValue): string {
  return spec.fields
    .map((f, i) => {
      const pf = partitionType.fields[i]
      if (!pf || !isPrimitive(pf.type)) throw new InvalidArgumentError(`Partition type has no primitive field for ${f.name}`)
      const v = Array.isArray(values) ? (values as readonly Value[])[i] : (values as StructValue)[String(f.fieldId)]
      return `${javaUrlEncode(f.name)}=${javaUrlEncode(partitionToHumanString(f.transform, pf.type, v ?? null))}`
    })
    .join('/')
}
