// Spec §Partition Transforms and Appendix B: applying transforms to in-memory values (bucket hashing,
// truncation, temporal extraction, void) and building a file's partition tuple.
import { InvalidArgumentError, UnsupportedError } from '../errors.js'
import { murmur3BigInt, murmur3Bytes, murmur3Long, murmur3String } from './murmur3.js'
import type { PartitionSpec } from './partition-spec.js'
import { findField, type Schema } from './schema.js'
import {
  daysToMonths,
  daysToYears,
  microsToDays,
  microsToHours,
  microsToMonths,
  microsToYears,
  nanosToMicros,
} from './temporal.js'
import { canTransform, transformToString, type Transform } from './transform.js'
import { isPrimitive, primitiveToString, type PrimitiveType, type Value } from './types.js'
import { bytesOf, decimalOf, int32Of, int64Of, stringOf } from './value-check.js'
import { decimalToBytes, truncateCodePoints } from './values.js'

export { partitionPath, partitionToHumanString } from './partition-path.js'

/** Bucket of an already computed murmur3 hash: `(hash & Integer.MAX_VALUE) % n`. */
export function bucketOfHash(hash: number, n: number): number {
  return (hash & 0x7fffffff) % n
}

/** Fast path: bucket of an int/long/date/time value held in a number (no BigInt, no allocation). */
export function bucketNumber(v: number, n: number): number {
  return (murmur3Long(v) & 0x7fffffff) % n
}

/** Fast path: bucket of a long/time/timestamp value held in a bigint. */
export function bucketBigInt(v: bigint, n: number): number {
  return (murmur3BigInt(v) & 0x7fffffff) % n
}

/** The spec's 32-bit hash of a bucketable value (Appendix B), as a signed int. */
export function hashValue(source: PrimitiveType, v: Value): number {
  switch (source.kind) {
    case 'int':
    case 'date':
      return murmur3Long(int32Of(source, v))
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return murmur3BigInt(int64Of(source, v))
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return murmur3BigInt(nanosToMicros(int64Of(source, v)))
    case 'decimal':
      return murmur3Bytes(decimalToBytes(decimalOf(source, v)))
    case 'string':
      return murmur3String(stringOf(source, v))
    case 'uuid':
      return murmur3Bytes(bytesOf(source, v, 16))
    case 'fixed':
    case 'binary':
      return murmur3Bytes(bytesOf(source, v))
    default:
      throw new InvalidArgumentError(`Cannot bucket by type: ${primitiveToString(source)}`)
  }
}

/** Truncate an int32 like Java: `v − (((v % W) + W) % W)` in 32-bit arithmetic (wraps near the minimum). */
export function truncateInt(width: number, v: number): number {
  return (v - (((v % width) + width) % width)) | 0
}

/** Truncate a long like Java, in 64-bit arithmetic. */
export function truncateLong(width: number, v: bigint): bigint {
  const w = BigInt(width)
  return BigInt.asIntN(64, v - (((v % w) + w) % w))
}

/** Truncate an unscaled decimal by `width` unscaled units (W=50, scale 2: 10.65 → 10.50). */
export function truncateDecimal(width: number, unscaled: bigint): bigint {
  const w = BigInt(width)
  return unscaled - (((unscaled % w) + w) % w)
}

/** Truncate a transform's source value (int/long/decimal/string by code points/binary by bytes). */
export function truncateValue(source: PrimitiveType, width: number, v: Value): Value {
  switch (source.kind) {
    case 'int':
      return truncateInt(width, int32Of(source, v))
    case 'long':
      return truncateLong(width, int64Of(source, v))
    case 'decimal':
      return truncateDecimal(width, decimalOf(source, v))
    case 'string':
      return truncateCodePoints(stringOf(source, v), width)
    case 'binary': {
      const b = bytesOf(source, v)
      return b.length <= width ? b : b.slice(0, width)
    }
    default:
      throw new InvalidArgumentError(`Cannot truncate type: ${primitiveToString(source)}`)
  }
}

type Unit = 'year' | 'month' | 'day' | 'hour'

/** Year/month/day/hour ordinal of a date (days) or timestamp (µs or ns) value; always floors. */
export function temporalValue(unit: Unit, source: PrimitiveType, v: Value): number {
  if (source.kind === 'date') {
    const days = int32Of(source, v)
    if (unit === 'year') return daysToYears(days)
    if (unit === 'month') return daysToMonths(days)
    if (unit === 'day') return days
    throw new InvalidArgumentError('Cannot apply hour to a date')
  }
  let micros: bigint
  switch (source.kind) {
    case 'timestamp':
    case 'timestamptz':
      micros = int64Of(source, v)
      break
    case 'timestamp_ns':
    case 'timestamptz_ns':
      micros = nanosToMicros(int64Of(source, v))
      break
    default:
      throw new InvalidArgumentError(`Cannot apply ${unit} to type ${primitiveToString(source)}`)
  }
  switch (unit) {
    case 'year':
      return microsToYears(micros)
    case 'month':
      return microsToMonths(micros)
    case 'day':
      return microsToDays(micros)
    case 'hour':
      return microsToHours(micros) | 0 // Java casts the long hour count to int
  }
}

/**
 * Apply a transform to a value of the source type; null → null. Results: identity/truncate keep the
 * source representation, bucket/year/month/hour → int number, day → date number, void → null.
 * Throws INVALID_ARGUMENT when the transform cannot apply to the type, UNSUPPORTED for unknown transforms.
 */
export function applyTransform(t: Transform, source: PrimitiveType, v: Value): Value {
  if (t.kind === 'unknown') throw new UnsupportedError(`Cannot apply unknown transform ${t.name}`)
  if (!canTransform(t, source)) throw new InvalidArgumentError(`Cannot apply ${transformToString(t)} to type ${primitiveToString(source)}`)
  if (v === null || t.kind === 'void') return null
  switch (t.kind) {
    case 'identity':
      return v
    case 'bucket':
      return (hashValue(source, v) & 0x7fffffff) % t.n
    case 'truncate':
      return truncateValue(source, t.width, v)
    default:
      return temporalValue(t.kind, source, v)
  }
}

/**
 * The partition tuple of a row under `spec`: one value per spec field, in spec order, from the source
 * column value `getSourceValue(sourceId)`. Throws when a source column is missing or not primitive.
 */
export function partitionTuple(spec: PartitionSpec, schema: Schema, getSourceValue: (sourceId: number) => Value): Value[] {
  return spec.fields.map((f) => {
    if (f.transform.kind === 'void') return null
    const src = findField(schema, f.sourceId)
    if (!src || !isPrimitive(src.type))
      throw new InvalidArgumentError(`Partition field ${f.name}: source column ${f.sourceId} is not a primitive column of schema ${schema.schemaId}`)
    return applyTransform(f.transform, src.type, getSourceValue(f.sourceId))
  })
}
