// Partition fields may outlive their source column (dropped after the field left the spec): their values
// are still typed by the type the column last had.
import type { Schema } from './schema.js'
import { isPrimitive, type PrimitiveType, type StructType } from './types.js'

// metadata's schema lists never change: computed once per list (every manifest read of a plan asks)
const cache = new WeakMap<readonly Schema[], ReadonlyMap<number, PrimitiveType>>()

/** The last type each primitive column had in any of `schemas` (later schemas win), by field id. */
export function lastKnownTypes(schemas: readonly Schema[]): ReadonlyMap<number, PrimitiveType> {
  const hit = cache.get(schemas)
  if (hit) return hit
  const out = new Map<number, PrimitiveType>()
  const visit = (fields: StructType['fields']): void => {
    for (const f of fields) {
      if (isPrimitive(f.type)) out.set(f.id, f.type)
      else if (f.type.kind === 'struct') visit(f.type.fields)
    }
  }
  for (const s of schemas) visit(s.fields)
  cache.set(schemas, out)
  return out
}
