// Read-time type promotion of single values (int→long, float→double, decimal widening, v3 date→timestamp).
import { FloeError } from '../errors.js'
import type { IcebergType, Value } from '../spec/types.js'

const MICROS_PER_DAY = 86_400_000_000n

function days(v: number, unit: bigint, to: IcebergType): bigint {
  const x = BigInt(v) * unit
  if (x < -(2n ** 63n) || x >= 2n ** 63n) throw new FloeError('INVALID_DATA', `Date ${v} (days) is out of range of ${to.kind} (64 bits)`)
  return x
}

/** Convert a value written under an older (narrower) type to its representation under `to`. */
export function promoteValue(v: Value, to: IcebergType): Value {
  if (v === null) return null
  switch (to.kind) {
    case 'long':
    case 'time':
      return typeof v === 'number' ? BigInt(v) : v
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'number' ? days(v, MICROS_PER_DAY, to) : v
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return typeof v === 'number' ? days(v, MICROS_PER_DAY * 1000n, to) : v
    case 'decimal':
      return typeof v === 'number' ? BigInt(v) : v
    default:
      return v
  }
}
