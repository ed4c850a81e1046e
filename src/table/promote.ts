// Read-time type promotion of single values (int→long, float→double, decimal widening, v3 date→timestamp).
import type { IcebergType, Value } from '../spec/types.js'

const MICROS_PER_DAY = 86_400_000_000n

/** Convert a value written under an older (narrower) type to its representation under `to`. */
export function promoteValue(v: Value, to: IcebergType): Value {
  if (v === null) return null
  switch (to.kind) {
    case 'long':
    case 'time':
      return typeof v === 'number' ? BigInt(v) : v
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'number' ? BigInt(v) * MICROS_PER_DAY : v
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return typeof v === 'number' ? BigInt(v) * MICROS_PER_DAY * 1000n : v
    case 'decimal':
      return typeof v === 'number' ? BigInt(v) : v
    default:
      return v
  }
}
