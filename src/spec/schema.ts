// Spec §Schemas: schema objects with id and name indexes and identifier fields.
import { InvalidArgumentError } from '../errors.js'
import type { IcebergType, NestedField, StructType } from './types.js'

/** A table schema: a struct with a schema id and optional identifier fields. */
export interface Schema {
  readonly schemaId: number
  readonly fields: readonly NestedField[]
  readonly identifierFieldIds: readonly number[]
}

/** Build a schema value. */
export function schema(fields: readonly NestedField[], schemaId = 0, identifierFieldIds: readonly number[] = []): Schema {
  return { schemaId, fields, identifierFieldIds }
}

/** A schema seen as a struct type. */
export function asStruct(s: Schema): StructType {
  return { kind: 'struct', fields: s.fields }
}

/** An indexed field: the field, its full dotted name and the ids of its parents (outermost first). */
export interface IndexedField {
  readonly field: NestedField
  readonly name: string
  readonly parentIds: readonly number[]
}

/** Precomputed lookups for one schema. */
export interface SchemaIndex {
  readonly byId: ReadonlyMap<number, IndexedField>
  readonly byName: ReadonlyMap<string, IndexedField>
  readonly byLowerName: ReadonlyMap<string, IndexedField>
  readonly highestFieldId: number
}

const cache = new WeakMap<Schema, SchemaIndex>()

/** Index a schema by id and by full name (list elements are `a.element`, maps `m.key` / `m.value`); cached. */
export function indexSchema(s: Schema): SchemaIndex {
  const hit = cache.get(s)
  if (hit) return hit
  const byId = new Map<number, IndexedField>()
  const byName = new Map<string, IndexedField>()
  const byLowerName = new Map<string, IndexedField>()
  let highest = 0
  const add = (f: NestedField, name: string, parents: readonly number[]): void => {
    const entry: IndexedField = { field: f, name, parentIds: parents }
    byId.set(f.id, entry)
    byName.set(name, entry)
    const lower = name.toLowerCase()
    if (!byLowerName.has(lower)) byLowerName.set(lower, entry)
    if (f.id > highest) highest = f.id
    visitChildren(f.type, name, [...parents, f.id])
  }
  const visitChildren = (t: IcebergType, prefix: string, parents: readonly number[]): void => {
    switch (t.kind) {
      case 'struct':
        for (const c of t.fields) add(c, prefix ? `${prefix}.${c.name}` : c.name, parents)
        break
      case 'list':
        add({ id: t.elementId, name: 'element', required: t.elementRequired, type: t.element }, `${prefix}.element`, parents)
        break
      case 'map':
        add({ id: t.keyId, name: 'key', required: true, type: t.key }, `${prefix}.key`, parents)
        add({ id: t.valueId, name: 'value', required: t.valueRequired, type: t.value }, `${prefix}.value`, parents)
        break
      default:
        break
    }
  }
  for (const f of s.fields) add(f, f.name, [])
  const idx: SchemaIndex = { byId, byName, byLowerName, highestFieldId: highest }
  cache.set(s, idx)
  return idx
}

/** Find a field by id anywhere in the schema. */
export function findField(s: Schema, id: number): NestedField | undefined {
  return indexSchema(s).byId.get(id)?.field
}

/** Find a field by full dotted name; case-insensitive lookups match lower-cased names. */
export function findFieldByName(s: Schema, name: string, caseSensitive = true): NestedField | undefined {
  const idx = indexSchema(s)
  return (caseSensitive ? idx.byName.get(name) : idx.byLowerName.get(name.toLowerCase()))?.field
}

/** Full dotted name of a field id, or undefined. */
export function fieldName(s: Schema, id: number): string | undefined {
  return indexSchema(s).byId.get(id)?.name
}

/** Highest field id used anywhere in the schema (0 for an empty schema). */
export function highestFieldId(s: Schema): number {
  return indexSchema(s).highestFieldId
}

/** Throw unless the field id exists; used by callers that take ids from user input or metadata. */
export function requireField(s: Schema, id: number, what = 'field'): NestedField {
  const f = findField(s, id)
  if (!f) throw new InvalidArgumentError(`Cannot find ${what} with id ${id} in schema ${s.schemaId}`)
  return f
}

/** Keep only the given top-level or nested field ids (and their parents), preserving order. */
export function selectFields(s: Schema, ids: ReadonlySet<number>): Schema {
  const keep = (f: NestedField): NestedField | undefined => {
    if (ids.has(f.id)) return f
    if (f.type.kind === 'struct') {
      const kids = f.type.fields.map(keep).filter((x): x is NestedField => x !== undefined)
      if (kids.length) return { ...f, type: { kind: 'struct', fields: kids } }
    }
    return undefined
  }
  return { ...s, fields: s.fields.map(keep).filter((x): x is NestedField => x !== undefined) }
}

/** Validate identifier fields as the spec requires (primitive, required, not float/double, not in list/map or optional struct). */
export function identifierFieldProblems(s: Schema): string[] {
  const problems: string[] = []
  const idx = indexSchema(s)
  for (const id of s.identifierFieldIds) {
    const e = idx.byId.get(id)
    if (!e) {
      problems.push(`identifier field id ${id} does not exist`)
      continue
    }
    const f = e.field
    if (f.type.kind === 'struct' || f.type.kind === 'list' || f.type.kind === 'map')
      problems.push(`identifier field ${e.name} must be a primitive type`)
    if (f.type.kind === 'float' || f.type.kind === 'double') problems.push(`identifier field ${e.name} cannot be float or double`)
    if (!f.required) problems.push(`identifier field ${e.name} must be required`)
    for (const pid of e.parentIds) {
      const p = idx.byId.get(pid)!.field
      if (p.type.kind === 'list' || p.type.kind === 'map') problems.push(`identifier field ${e.name} cannot be nested in a list or map`)
      else if (!p.required) problems.push(`identifier field ${e.name} cannot be nested in an optional struct`)
    }
  }
  return problems
}
