// What Java's SchemaUpdate.applyChangesToMetadata does besides the schema: keep the name mapping property
// in step (renames add a name, additions add entries; MappingUtil.update) and move or drop column-scoped
// properties of renamed and deleted columns (PropertyUtil.applySchemaChanges).
import { createNameMapping, nameMappingToJson, parseNameMapping, type MappedField, type NameMapping } from '../spec/name-mapping.js'
import { setOwn } from '../spec/own.js'
import { NAME_MAPPING_PROPERTY } from '../spec/properties.js'
import type { Schema } from '../spec/schema.js'
import type { NestedField } from '../spec/types.js'
import type { TableUpdate } from '../spec/updates.js'
import { lookupFields, TABLE_ROOT_ID, type SchemaChanges } from './schema-changes.js'

/** Column-scoped property prefixes Java rewrites on rename and drops on delete. */
export const COLUMN_PROPERTY_PREFIXES = ['write.metadata.metrics.column.', 'write.parquet.bloom-filter-enabled.column.', 'write.parquet.stats-enabled.column.'] as const

/** Java MappingUtil.update: renamed fields gain their new name, added fields get entries, reassigned names move. */
export function updateNameMapping(mapping: NameMapping, c: SchemaChanges): NameMapping {
  const mapped = (f: NestedField): MappedField => createNameMapping({ schemaId: 0, fields: [f], identifierFieldIds: [] })[0]!
  const withoutReassigned = (f: MappedField, assigned: ReadonlyMap<string, number>): MappedField => {
    const names = f.names.filter((n) => {
      const id = assigned.get(n)
      return id === undefined || id === f.fieldId
    })
    return names.length === f.names.length ? f : { ...f, names }
  }
  const addNew = (fs: readonly MappedField[] | undefined, parentId: number): readonly MappedField[] | undefined => {
    const toAdd = (c.adds.get(parentId) ?? []).map((id) => c.updates.get(id)!)
    if (!toAdd.length) return fs
    const fresh = toAdd.map(mapped)
    if (!fs || !fs.length) return fresh
    const assigned = new Map(toAdd.map((f) => [f.name, f.id] as const))
    return [...fs.map((f) => withoutReassigned(f, assigned)), ...fresh]
  }
  const visitField = (f: MappedField): MappedField => {
    const u = f.fieldId === undefined ? undefined : c.updates.get(f.fieldId)
    const names = u && !f.names.includes(u.name) ? [...f.names, u.name] : [...f.names]
    const nested = f.fields ? visitFields(f.fields) : undefined
    const kids = f.fieldId === undefined ? nested : addNew(nested, f.fieldId)
    const out: { -readonly [K in keyof MappedField]: MappedField[K] } = { names }
    if (f.fieldId !== undefined) out.fieldId = f.fieldId
    if (kids && kids.length) out.fields = kids
    return out
  }
  const visitFields = (fs: readonly MappedField[]): MappedField[] => {
    const results = fs.map(visitField)
    const assigned = new Map<string, number>()
    for (const r of results) {
      const u = r.fieldId === undefined ? undefined : c.updates.get(r.fieldId)
      if (u) assigned.set(u.name, u.id)
    }
    return results.map((r) => withoutReassigned(r, assigned))
  }
  return addNew(visitFields(mapping), TABLE_ROOT_ID) ?? []
}

/** Property updates that follow a schema change from `before` to `after` (name mapping, column-scoped keys). */
export function schemaSideEffects(props: Readonly<Record<string, string>>, before: Schema, after: Schema, c: SchemaChanges): TableUpdate[] {
  const set: Record<string, string> = {}
  const removals: string[] = []
  const mappingJson = props[NAME_MAPPING_PROPERTY]
  if (mappingJson !== undefined) {
    try {
      const updated = nameMappingToJson(updateNameMapping(parseNameMapping(mappingJson), c))
      if (updated !== mappingJson) set[NAME_MAPPING_PROPERTY] = updated
    } catch {
      // like Java: a broken mapping is left alone rather than failing the schema update
    }
  }
  const oldNames = lookupFields(before.fields).names
  const newNames = lookupFields(after.fields).names
  const deleted = new Set([...c.deletes].map((id) => oldNames.get(id)).filter((n): n is string => n !== undefined))
  const renamed = new Map<string, string>()
  for (const id of c.updates.keys()) {
    const from = oldNames.get(id)
    const to = newNames.get(id)
    if (from !== undefined && to !== undefined && from !== to) renamed.set(from, to)
  }
  if (deleted.size || renamed.size) {
    for (const [k, v] of Object.entries(props)) {
      const prefix = COLUMN_PROPERTY_PREFIXES.find((p) => k.startsWith(p))
      if (!prefix) continue
      const column = k.slice(prefix.length)
      const to = renamed.get(column)
      if (to !== undefined) {
        removals.push(k)
        setOwn(set, prefix + to, v)
      } else if (deleted.has(column)) removals.push(k)
    }
  }
  const updates: TableUpdate[] = []
  const finalRemovals = removals.filter((k) => !Object.hasOwn(set, k))
  if (Object.keys(set).length) updates.push({ action: 'set-properties', updates: set })
  if (finalRemovals.length) updates.push({ action: 'remove-properties', removals: finalRemovals })
  return updates
}
