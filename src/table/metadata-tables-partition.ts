// The partition struct shared by every row of a metadata table (Java Partitioning.partitionType): one
// optional field per partition field id that any spec ever used, as long as its source column is still in
// the current schema, ordered by field id and named as in the newest spec that has it. Each file's own
// partition tuple is re-shaped into it by field id (PartitionUtil.coercePartition); absent fields are null.
import { setOwn } from '../spec/own.js'
import { ValidationError } from '../errors.js'
import { PARTITION_COLUMN_ID } from '../spec/metadata-columns.js'
import type { PartitionValues } from '../spec/manifest.js'
import { partitionFieldType, type PartitionField, type PartitionSpec } from '../spec/partition-spec.js'
import { findField } from '../spec/schema.js'
import { currentSchema, type TableMetadata } from '../spec/table-metadata.js'
import { transformToString } from '../spec/transform.js'
import type { NestedField, PrimitiveType, StructType, StructValue, Value } from '../spec/types.js'

const isVoid = (f: PartitionField): boolean => f.transform.kind === 'void'

/** Two partition fields with one id describe the same thing (a void transform matches any transform). */
function compatible(a: PartitionField, b: PartitionField): boolean {
  return a.fieldId === b.fieldId && a.sourceId === b.sourceId && (isVoid(a) || isVoid(b) || transformToString(a.transform) === transformToString(b.transform))
}

/**
 * The table-wide partition type of metadata tables (`files`, `entries`, `partitions`, …). Throws VALIDATION
 * when a spec holds an unknown transform, when one field id is used for incompatible fields, or when two
 * fields end up with one name (Java rejects all three when building the metadata table schema).
 */
export function tablePartitionType(m: TableMetadata): StructType {
  const schema = currentSchema(m)
  const unknown = m.specs.flatMap((s) => s.fields).filter((f) => f.transform.kind === 'unknown')
  if (unknown.length > 0)
    throw new ValidationError(`Cannot build the table partition type: unknown transforms ${unknown.map((f) => `${f.name} (${transformToString(f.transform)})`).join(', ')}`)
  const picked = new Map<number, { field: PartitionField; name: string; type: PrimitiveType }>()
  const newestFirst = [...m.specs].sort((a, b) => b.specId - a.specId)
  for (const spec of newestFirst) {
    for (const f of spec.fields) {
      if (!findField(schema, f.sourceId)) continue // source column dropped: the field is left out
      const seen = picked.get(f.fieldId)
      if (!seen) {
        picked.set(f.fieldId, { field: f, name: f.name, type: partitionFieldType(f, schema) })
        continue
      }
      if (!compatible(f, seen.field))
        throw new ValidationError(`Conflicting partition fields with id ${f.fieldId}: ${f.name} (${transformToString(f.transform)} of ${f.sourceId}) and ${seen.field.name} (${transformToString(seen.field.transform)} of ${seen.field.sourceId})`)
      // a v1 table replaces a dropped field by a void one: keep the real transform's type, the newest name
      if (isVoid(seen.field) && !isVoid(f)) picked.set(f.fieldId, { field: f, name: seen.name, type: partitionFieldType(f, schema) })
    }
  }
  const fields: NestedField[] = [...picked.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, p]) => ({ id, name: p.name, required: false, type: p.type }))
  const names = new Set<string>()
  for (const f of fields) {
    if (names.has(f.name)) throw new ValidationError(`Cannot build the table partition type: two partition fields are named ${f.name}`)
    names.add(f.name)
  }
  return { kind: 'struct', fields }
}

/** The table partition type when `ids` projects the `_partition` metadata column, else undefined. */
export function projectedPartitionType(m: TableMetadata, ids: readonly number[]): StructType | undefined {
  return ids.includes(PARTITION_COLUMN_ID) ? tablePartitionType(m) : undefined
}

/** A file's partition in the table partition type, and how many of its fields the file's spec has. */
export interface CoercedPartition {
  readonly value: StructValue
  /** Fields of the table partition type that the file's spec defines (Java keeps partitions apart by this count). */
  readonly present: number
}

/** Widen a partition value read with an older type (int → long) to the table partition field type. */
function widen(type: NestedField['type'], v: Value): Value {
  if (typeof v === 'number' && type.kind === 'long' && Number.isInteger(v)) return BigInt(v)
  return v
}

/** Re-shape a file's partition tuple (positional in its spec) into the table partition type, keyed by name. */
export function coercePartition(type: StructType, spec: PartitionSpec | undefined, values: PartitionValues): CoercedPartition {
  const byId = new Map<number, Value>()
  spec?.fields.forEach((f, i) => byId.set(f.fieldId, values[i] ?? null))
  const out: Record<string, Value> = {}
  let present = 0
  for (const f of type.fields) {
    if (byId.has(f.id)) present++
    setOwn(out, f.name, widen(f.type, byId.get(f.id) ?? null))
  }
  return { value: out, present }
}
