// What a field reads as where a data file does not store it (spec §Column Projection, v3 defaults).
import { setOwn } from './own.js'
import type { NestedField, StructValue, Value } from './types.js'

/** A constant standing in for a field id (an identity-partition value), when there is one. */
export type ConstantLookup = (id: number) => { readonly value: Value } | undefined

/**
 * The value of a field a file lacks: its constant when `constant` has one, else its initial-default (a
 * struct default, `{}`, takes its sub-fields' own values), else null. A required field without a default
 * reads as null too (DuckDB's behaviour; reading.md D-R1).
 */
export function missingFieldValue(f: NestedField, constant?: ConstantLookup): Value {
  const c = constant?.(f.id)
  if (c) return c.value
  const d = f.initialDefault
  if (f.type.kind === 'struct' && d !== undefined && d !== null) {
    const out: Record<string, Value> = {}
    for (const sub of f.type.fields) setOwn(out, sub.name, missingFieldValue(sub, constant))
    return out as StructValue
  }
  return d ?? null
}
