// hyparquet-writer dictionary-encodes through a Map, whose keys treat -0 and +0 as one value: a column
// chunk holding both would read back with one sign for all of them. Iceberg keeps the sign (Java's
// Double.compare orders -0.0 before 0.0, and bounds and partition values distinguish them), so such chunks
// are written PLAIN instead.
import type { IcebergType } from '../spec/types.js'

/** True when the type holds a float or double anywhere (nested fields included). */
export function holdsFloats(t: IcebergType): boolean {
  switch (t.kind) {
    case 'float':
    case 'double':
      return true
    case 'struct':
      return t.fields.some((f) => holdsFloats(f.type))
    case 'list':
      return holdsFloats(t.element)
    case 'map':
      return holdsFloats(t.key) || holdsFloats(t.value)
    default:
      return false
  }
}

/** True when any number in `v` (arrays, plain objects and Maps walked) is negative zero. */
export function hasNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return v === 0 && 1 / v < 0
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasNegativeZero(v[i])) return true
    return false
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (hasNegativeZero(k) || hasNegativeZero(x)) return true
    return false
  }
  for (const k in v) if (hasNegativeZero((v as Record<string, unknown>)[k])) return true
  return false
}
