// A constant column (identity-partition value, initial default, metadata column) repeats one value for every
// row. Mutable values (bytes, lists, maps, structs) are copied per row, so a caller changing one row's value
// changes neither the other rows nor the schema default or manifest tuple it came from.
import { setOwn } from '../spec/own.js'
import type { MapValue, StructValue, Value } from '../spec/types.js'

/** True when `v` holds nothing a caller could change in place. */
function immutable(v: Value): boolean {
  return v === null || typeof v !== 'object'
}

/** A deep copy of a value (bytes, lists, maps and structs copied; scalars shared). */
export function copyValue(v: Value): Value {
  if (immutable(v)) return v
  if (v instanceof Uint8Array) return v.slice()
  if (Array.isArray(v)) return (v as readonly Value[]).map(copyValue)
  if (v instanceof Map) return new Map([...(v as MapValue)].map(([k, x]) => [copyValue(k), copyValue(x)]))
  const out: Record<string, Value> = {}
  for (const [k, x] of Object.entries(v as StructValue)) setOwn(out, k, copyValue(x))
  return out as StructValue
}

/** A producer of the constant for one row: the value itself when immutable, else a fresh copy each call. */
export function constantProducer(v: Value): () => Value {
  return immutable(v) ? () => v : () => copyValue(v)
}

/** `rows` values of the constant, each row its own copy when the value is mutable. */
export function constantColumn(v: Value, rows: number): Value[] {
  if (immutable(v)) return new Array<Value>(rows).fill(v)
  const out = new Array<Value>(rows)
  for (let i = 0; i < rows; i++) out[i] = copyValue(v)
  return out
}
