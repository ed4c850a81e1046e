// Checked accessors from the loose `Value` union to the representation a type requires (design §5.4):
// int/date → int32 number, long/time/timestamps → int64 bigint, decimal → unscaled bigint, bytes → Uint8Array.
import { InvalidArgumentError } from '../errors.js'
import { primitiveToString, type DecimalType, type PrimitiveType, type Value } from './types.js'
import { decimalFitsPrecision, describeValue } from './values.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function invalid(type: PrimitiveType, v: Value, detail = ''): never {
  throw new InvalidArgumentError(`Invalid ${primitiveToString(type)} value: ${describeValue(v)}${detail}`)
}

/** True for an integral number in the signed 32-bit range. */
export function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647
}

/** True for a bigint in the signed 64-bit range. */
export function isInt64(v: unknown): v is bigint {
  return typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX
}

/** An int or date value (int32 number). */
export function int32Of(type: PrimitiveType, v: Value): number {
  return isInt32(v) ? v : invalid(type, v, ' (expected a 32-bit integer number)')
}

/** A long, time or timestamp value (int64 bigint). */
export function int64Of(type: PrimitiveType, v: Value): bigint {
  return isInt64(v) ? v : invalid(type, v, ' (expected a 64-bit bigint)')
}

/** A float or double value. */
export function numberOf(type: PrimitiveType, v: Value): number {
  return typeof v === 'number' ? v : invalid(type, v, ' (expected a number)')
}

/** A boolean value. */
export function booleanOf(type: PrimitiveType, v: Value): boolean {
  return typeof v === 'boolean' ? v : invalid(type, v, ' (expected a boolean)')
}

/** A string value. */
export function stringOf(type: PrimitiveType, v: Value): string {
  return typeof v === 'string' ? v : invalid(type, v, ' (expected a string)')
}

/** A uuid/fixed/binary value; `length` is enforced when given. */
export function bytesOf(type: PrimitiveType, v: Value, length?: number): Uint8Array {
  if (!(v instanceof Uint8Array)) return invalid(type, v, ' (expected a Uint8Array)')
  if (length !== undefined && v.length !== length) return invalid(type, v, ` (expected ${length} bytes)`)
  return v
}

/** A decimal's unscaled bigint, checked against the precision. */
export function decimalOf(type: DecimalType, v: Value): bigint {
  if (typeof v !== 'bigint') return invalid(type, v, ' (expected an unscaled bigint)')
  if (!decimalFitsPrecision(v, type.precision)) return invalid(type, v, ` (more than ${type.precision} digits)`)
  return v
}
