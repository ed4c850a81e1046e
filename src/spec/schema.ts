// Spec §Schemas: schema objects with id and name indexes and identifier fields.
import { InvalidArgumentError } from '../errors.js'
import { typeToString, type IcebergType, type NestedField, type StructType } from './types.js'

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

/**
 * Keep only the given top-level or nested field ids (and their parents), preserving order: Java's
 * `Schema.select` (PruneColumns with full types). A selected field keeps its whole type; a struct keeps the
 * fields selected in it; a list or map whose element or value struct has a field selected keeps that
 * pruned struct, and a selected element, key or value (or a field inside a map key) keeps the whole list or map.
 */
export function selectFields(s: Schema, ids: ReadonlySet<number>): Schema {
  const pruneType = (t: IcebergType): IcebergType | undefined => {
    switch (t.kind) {
      case 'struct': {
        const kids = t.fields.map(keep).filter((x): x is NestedField => x !== undefined)
        return kids.length ? { kind: 'struct', fields: kids } : undefined
      }
      case 'list': {
        if (ids.has(t.elementId)) return t
        const element = pruneType(t.element)
        return element && { ...t, element }
      }
      case 'map': {
        if (ids.has(t.valueId) || ids.has(t.keyId)) return t
        const value = pruneType(t.value)
        if (value) return { ...t, value }
        return pruneType(t.key) ? t : undefined
      }
      default:
        return undefined
    }
  }
  const keep = (f: NestedField): NestedField | undefined => {
    if (ids.has(f.id)) return f
    const type = pruneType(f.type)
    return type && { ...f, type }
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

/** Lookups over a schema the way Java's Schema resolves names. */
export interface SchemaLookup {
  /** Every field by id, including `element`, `key` and `value` pseudo-fields of lists and maps. */
  readonly byId: ReadonlyMap<number, NestedField>
  /** Full dotted name by id (`points.element.x`). */
  readonly names: ReadonlyMap<number, string>
  /** Parent field id by id (a list/map column for its element/key/value). */
  readonly parents: ReadonlyMap<number, number>
  /** Full names plus Java's short names (`points.x` for a struct element) by id. */
  readonly byName: ReadonlyMap<string, number>
  /** Lower-cased names by id (first wins). */
  readonly byLowerName: ReadonlyMap<string, number>
  /** Full names held by more than one field (`a.b` as a column next to struct `a` with `b`); Java refuses such schemas. */
  readonly duplicateNames: readonly string[]
}

const pseudo = (id: number, name: string, required: boolean, type: IcebergType): NestedField => ({ id, name, required, type })

/** Index fields by id, full name and Java short name (list element / map value structs may be skipped in names). */
export function lookupFields(fields: readonly NestedField[]): SchemaLookup {
  const byId = new Map<number, NestedField>()
  const names = new Map<number, string>()
  const parents = new Map<number, number>()
  const full = new Map<string, number>()
  const short = new Map<string, number>()
  const duplicateNames: string[] = []
  const add = (f: NestedField, fullPath: readonly string[], shortPath: readonly string[], parent: number | undefined): void => {
    byId.set(f.id, f)
    const name = fullPath.join('.')
    names.set(f.id, name)
    if (full.has(name)) duplicateNames.push(name)
    full.set(name, f.id)
    const s = shortPath.join('.')
    if (!short.has(s)) short.set(s, f.id)
    if (parent !== undefined) parents.set(f.id, parent)
    walk(f.type, fullPath, shortPath, f.id)
  }
  const walk = (t: IcebergType, fullPath: readonly string[], shortPath: readonly string[], owner: number | undefined): void => {
    switch (t.kind) {
      case 'struct':
        for (const c of t.fields) add(c, [...fullPath, c.name], [...shortPath, c.name], owner)
        break
      case 'list':
        addChild(pseudo(t.elementId, 'element', t.elementRequired, t.element), fullPath, shortPath, owner!)
        break
      case 'map':
        add(pseudo(t.keyId, 'key', true, t.key), [...fullPath, 'key'], [...shortPath, 'key'], owner)
        addChild(pseudo(t.valueId, 'value', t.valueRequired, t.value), fullPath, shortPath, owner!)
        break
      default:
        break
    }
  }
  // an element/value struct's fields are also reachable without the `element`/`value` step
  const addChild = (f: NestedField, fullPath: readonly string[], shortPath: readonly string[], owner: number): void => {
    const fp = [...fullPath, f.name]
    byId.set(f.id, f)
    names.set(f.id, fp.join('.'))
    if (full.has(fp.join('.'))) duplicateNames.push(fp.join('.'))
    full.set(fp.join('.'), f.id)
    parents.set(f.id, owner)
    walk(f.type, fp, f.type.kind === 'struct' ? shortPath : [...shortPath, f.name], f.id)
  }
  for (const f of fields) add(f, [f.name], [f.name], undefined)
  const byName = new Map(full)
  for (const [k, v] of short) if (!byName.has(k)) byName.set(k, v)
  const byLowerName = new Map<string, number>()
  for (const [k, v] of byName) if (!byLowerName.has(k.toLowerCase())) byLowerName.set(k.toLowerCase(), v)
  return { byId, names, parents, byName, byLowerName, duplicateNames }
}

/** Resolve a (dotted) name, case-sensitively or not. */
export function findByName(l: SchemaLookup, name: string, caseSensitive: boolean): NestedField | undefined {
  const id = caseSensitive ? l.byName.get(name) : l.byLowerName.get(name.toLowerCase())
  return id === undefined ? undefined : l.byId.get(id)
}

/** True when `id` sits (at any depth) inside a list or a map. */
export function insideListOrMap(l: SchemaLookup, id: number): boolean {
  for (let p = l.parents.get(id); p !== undefined; p = l.parents.get(p)) {
    const k = l.byId.get(p)?.type.kind
    if (k === 'list' || k === 'map') return true
  }
  return false
}

/** Types a table needs format version 3 for (Java `Schema.MIN_FORMAT_VERSIONS`). */
export const V3_ONLY_TYPES: ReadonlySet<string> = new Set(['unknown', 'timestamp_ns', 'timestamptz_ns', 'variant', 'geometry', 'geography'])

/** Structural problems Java's Schema constructor refuses: one full name for two fields, and required fields of the unknown type. */
export function schemaShapeProblems(l: SchemaLookup): string[] {
  const problems = [...new Set(l.duplicateNames)].map((n) => `multiple fields for name ${n}`)
  for (const [id, f] of l.byId) {
    if (f.required && f.type.kind === 'unknown') problems.push(`Cannot create required field with unknown type: ${l.names.get(id)}`)
  }
  return problems
}

/**
 * Everything Java refuses in a schema given to a table of `formatVersion` at creation: the shape problems
 * above plus Java `Schema.checkCompatibility` (v3-only types, non-null initial defaults before v3; write
 * defaults are allowed in every version).
 */
export function schemaProblems(s: Schema, formatVersion: number): string[] {
  const l = lookupFields(s.fields)
  const problems = schemaShapeProblems(l)
  if (formatVersion >= 3) return problems
  for (const [id, f] of l.byId) {
    const name = l.names.get(id)!
    if (V3_ONLY_TYPES.has(f.type.kind)) problems.push(`Invalid type for ${name}: ${typeToString(f.type)} is not supported until v3`)
    if (f.initialDefault !== undefined && f.initialDefault !== null) problems.push(`Invalid initial default for ${name}: non-null default is not supported until v3`)
  }
  return problems
}
