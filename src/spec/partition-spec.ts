// Spec §Partitioning: partition specs, their fields and the partition struct type.
import { InvalidMetadataError, ValidationError } from '../errors.js'
import { findByName, findField, lookupFields, type Schema } from './schema.js'
import { canTransform, resultType, transformToString, type Transform } from './transform.js'
import { isPrimitive, typeToString, type NestedField, type PrimitiveType, type StructType } from './types.js'

/** One partition field: a transform of a source column. */
export interface PartitionField {
  readonly sourceId: number
  /** v3 multi-argument transforms list every source; single-argument fields repeat `sourceId`. */
  readonly sourceIds?: readonly number[]
  readonly fieldId: number
  readonly name: string
  readonly transform: Transform
}

/** A partition spec: an id and an ordered list of fields. */
export interface PartitionSpec {
  readonly specId: number
  readonly fields: readonly PartitionField[]
}

/** The last partition field id of a table with no partition fields. */
export const UNPARTITIONED_LAST_ASSIGNED_ID = 999
/** Partition field ids start here. */
export const PARTITION_DATA_ID_START = 1000

/** The unpartitioned spec with id 0. */
export const unpartitioned: PartitionSpec = Object.freeze({ specId: 0, fields: Object.freeze([]) })

/** True when the spec has no fields, or only void fields (data is not split). */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => f.transform.kind === 'void')
}

/** Highest partition field id in a spec (999 when empty). */
export function lastAssignedFieldId(spec: PartitionSpec): number {
  return spec.fields.reduce((m, f) => Math.max(m, f.fieldId), UNPARTITIONED_LAST_ASSIGNED_ID)
}

/** Result type of one partition field under `schema`; unknown sources (dropped columns) read as their last type if given. */
export function partitionFieldType(f: PartitionField, schema: Schema, fallback?: ReadonlyMap<number, PrimitiveType>): PrimitiveType {
  const src = findField(schema, f.sourceId)
  if (src && isPrimitive(src.type)) return resultType(f.transform, src.type)
  const old = fallback?.get(f.sourceId)
  if (old) return resultType(f.transform, old)
  if (f.transform.kind === 'bucket' || f.transform.kind === 'year' || f.transform.kind === 'month' || f.transform.kind === 'hour')
    return resultType(f.transform, { kind: 'int' })
  if (f.transform.kind === 'day') return { kind: 'date' }
  // Java: a void field whose source column was dropped has the unknown type (its values are always null)
  if (f.transform.kind === 'void') return { kind: 'unknown' }
  throw new InvalidMetadataError(
    `Cannot find source column ${f.sourceId} for partition field ${f.name} (${transformToString(f.transform)}) in schema ${schema.schemaId}`,
    { context: { field: f.name } },
  )
}

/** The partition struct type (`r102`): one optional field per partition field, id = partition field id. */
export function partitionType(spec: PartitionSpec, schema: Schema, fallback?: ReadonlyMap<number, PrimitiveType>): StructType {
  const fields: NestedField[] = spec.fields.map((f) => ({
    id: f.fieldId,
    name: f.name,
    required: false,
    type: partitionFieldType(f, schema, fallback),
  }))
  return { kind: 'struct', fields }
}

/** Check a spec against a schema: sources exist, are primitive, not in list/map, and the transform applies. */
export function specProblems(spec: PartitionSpec, schema: Schema): string[] {
  const problems: string[] = []
  const names = new Set<string>()
  for (const f of spec.fields) {
    if (names.has(f.name)) problems.push(`duplicate partition field name ${f.name}`)
    names.add(f.name)
    if (f.transform.kind === 'unknown') continue
    const src = findField(schema, f.sourceId)
    if (!src) {
      if (f.transform.kind !== 'void') problems.push(`partition field ${f.name}: source column ${f.sourceId} not found`)
      continue
    }
    if (!canTransform(f.transform, src.type))
      problems.push(`partition field ${f.name}: ${transformToString(f.transform)} cannot transform ${src.name}`)
  }
  return problems
}

/** Same fields in the same order, field ids included (see `specCompatibleWith` for Java's reuse rule). */
export function specFieldsEqual(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!
      return f.sourceId === g.sourceId && f.fieldId === g.fieldId && f.name === g.name && transformToString(f.transform) === transformToString(g.transform)
    })
  )
}

/**
 * Java `PartitionSpec.compatibleWith`: same sources, transforms and names in the same order; partition field
 * ids are not compared. An added spec compatible with an existing one reuses that spec (and its ids).
 */
export function specCompatibleWith(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!
      return f.sourceId === g.sourceId && f.name === g.name && transformToString(f.transform) === transformToString(g.transform)
    })
  )
}

/** Java PartitionSpec.Builder checks: non-empty unique names, no name of another column, sources that bind. */
export function checkSpec(spec: PartitionSpec, schema: Schema): void {
  const l = lookupFields(schema.fields)
  const fail = (message: string, field?: string): never => {
    throw new ValidationError(message, field === undefined ? {} : { context: { field } })
  }
  const describe = (f: PartitionField): string => `${f.fieldId}: ${f.name}: ${transformToString(f.transform)}(${f.sourceId})`
  const names = new Set<string>()
  for (const f of spec.fields) {
    if (!f.name) fail(`Cannot use empty partition name: ${describe(f)}`)
    if (names.has(f.name)) fail(`Cannot use partition name more than once: ${f.name}`, f.name)
    names.add(f.name)
    const sourceExists = l.byId.has(f.sourceId)
    const named = findByName(l, f.name, true)
    if (sourceExists && named && named.id !== f.sourceId) fail(`Cannot create identity partition sourced from different field in schema: ${f.name}`, f.name)
    if (f.transform.kind === 'void') continue
    const src = l.byId.get(f.sourceId)
    if (!src) return fail(`Cannot find source column for partition field: ${describe(f)}`, f.name)
    if (!isPrimitive(src.type)) fail(`Cannot partition by non-primitive source field: ${typeToString(src.type)}`, f.name)
    if (!canTransform(f.transform, src.type)) fail(`Invalid source type ${typeToString(src.type)} for transform: ${transformToString(f.transform)}`, f.name)
    for (let p = l.parents.get(f.sourceId); p !== undefined; p = l.parents.get(p)) {
      const pt = l.byId.get(p)!.type
      if (pt.kind !== 'struct') fail(`Invalid partition field parent: ${typeToString(pt)}`, f.name)
    }
  }
}
