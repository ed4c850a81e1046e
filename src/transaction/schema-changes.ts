// Pure pieces of schema evolution: Java's name index (full and short names), TypeUtil.assignFreshIds for
// added types, SchemaUpdate.ApplyChanges (deletes, updates, additions and moves applied to a struct tree),
// and the checks Java runs on the result (identifier fields, format-version compatibility, defaults).
import { ValidationError } from '../errors.js'
import { lookupFields, V3_ONLY_TYPES, type Schema, type SchemaLookup } from '../spec/schema.js'
import { toJsonValue } from '../spec/single-value.js'
import { defaultSortOrder, defaultSpec, type TableMetadata } from '../spec/table-metadata.js'
import { transformToString } from '../spec/transform.js'
import { isPrimitive, typeEquals, typeToString, type IcebergType, type NestedField, type Value } from '../spec/types.js'
import { describeValue, valueEquals } from '../spec/values.js'

export { findByName, insideListOrMap, lookupFields, type SchemaLookup } from '../spec/schema.js'

/** Parent id of top-level columns in the change maps (Java `TABLE_ROOT_ID`). */
export const TABLE_ROOT_ID = -1

/** A requested reorder inside one struct. */
export interface Move {
  readonly kind: 'first' | 'before' | 'after'
  readonly fieldId: number
  /** The column to move before or after. */
  readonly refId?: number
}

/** The accumulated changes of one schema update (Java SchemaUpdate's deletes/updates/parentToAddedIds/moves). */
export interface SchemaChanges {
  readonly deletes: ReadonlySet<number>
  /** Changed and added fields by id (the latest version of each). */
  readonly updates: ReadonlyMap<number, NestedField>
  /** Added field ids by parent id (TABLE_ROOT_ID, a struct column, a list element or a map value). */
  readonly adds: ReadonlyMap<number, readonly number[]>
  readonly moves: ReadonlyMap<number, readonly Move[]>
}

const pseudo = (id: number, name: string, required: boolean, type: IcebergType): NestedField => ({ id, name, required, type })

/** Give a type fresh ids in Java's order (a struct's fields first, then their children; list element; map key then value). */
export function assignFreshTypeIds(t: IcebergType, next: () => number): IcebergType {
  switch (t.kind) {
    case 'struct': {
      const ids = t.fields.map(() => next())
      return { kind: 'struct', fields: t.fields.map((f, i) => ({ ...f, id: ids[i]!, type: assignFreshTypeIds(f.type, next) })) }
    }
    case 'list': {
      const elementId = next()
      return { ...t, elementId, element: assignFreshTypeIds(t.element, next) }
    }
    case 'map': {
      const keyId = next()
      const valueId = next()
      return { ...t, keyId, valueId, key: assignFreshTypeIds(t.key, next), value: assignFreshTypeIds(t.value, next) }
    }
    default:
      return t
  }
}

const fail = (message: string, field?: string): never => {
  throw new ValidationError(message, field === undefined ? {} : { context: { field } })
}

/** Apply `c` to a struct's fields (Java ApplyChanges): deletes drop fields, updates replace them, adds append, then moves reorder. */
export function applyChanges(fields: readonly NestedField[], c: SchemaChanges): NestedField[] {
  const top = structFields(fields, c)
  return addAndMove(top, c, TABLE_ROOT_ID) ?? top
}

function structFields(fields: readonly NestedField[], c: SchemaChanges): NestedField[] {
  const out: NestedField[] = []
  for (const f of fields) {
    const t = fieldType(f, c)
    if (t === null) continue
    out.push({ ...(c.updates.get(f.id) ?? f), type: t })
  }
  return out
}

// The new type of a field, or null when it is deleted.
function fieldType(f: NestedField, c: SchemaChanges): IcebergType | null {
  if (c.deletes.has(f.id)) return null
  const u = c.updates.get(f.id)
  if (u && isPrimitive(f.type) && u.type !== f.type) return u.type
  const t = childType(f.type, c)
  if (t.kind !== 'struct') {
    if (c.adds.get(f.id)?.length) fail(`Cannot add fields to a ${t.kind}: ${typeToString(t)}`)
    if (c.moves.get(f.id)?.length) fail(`Cannot move fields in non-struct type: ${typeToString(t)}`)
    return t
  }
  const fs = addAndMove(t.fields, c, f.id)
  return fs ? { kind: 'struct', fields: fs } : t
}

function childType(t: IcebergType, c: SchemaChanges): IcebergType {
  switch (t.kind) {
    case 'struct':
      return { kind: 'struct', fields: structFields(t.fields, c) }
    case 'list': {
      const element = fieldType(pseudo(t.elementId, 'element', t.elementRequired, t.element), c)
      if (element === null) return fail(`Cannot delete element type from list: ${typeToString(t)}`)
      return { ...t, element, elementRequired: c.updates.get(t.elementId)?.required ?? t.elementRequired }
    }
    case 'map': {
      if (c.deletes.has(t.keyId)) fail(`Cannot delete map keys: ${typeToString(t)}`)
      if (c.updates.has(t.keyId)) fail(`Cannot update map keys: ${typeToString(t)}`)
      if (c.adds.has(t.keyId)) fail(`Cannot add fields to map keys: ${typeToString(t)}`)
      const key = fieldType(pseudo(t.keyId, 'key', true, t.key), c)
      if (key === null || !typeEquals(key, t.key)) fail(`Cannot alter map keys: ${typeToString(t)}`)
      const value = fieldType(pseudo(t.valueId, 'value', t.valueRequired, t.value), c)
      if (value === null) return fail(`Cannot delete value type from map: ${typeToString(t)}`)
      return { ...t, value, valueRequired: c.updates.get(t.valueId)?.required ?? t.valueRequired }
    }
    default:
      return t
  }
}

function addAndMove(fields: readonly NestedField[], c: SchemaChanges, parentId: number): NestedField[] | undefined {
  const added = (c.adds.get(parentId) ?? []).map((id) => c.updates.get(id)!)
  const moves = c.moves.get(parentId) ?? []
  if (!added.length && !moves.length) return undefined
  const out = [...fields, ...added]
  for (const m of moves) {
    const at = out.findIndex((f) => f.id === m.fieldId)
    if (at < 0) return fail(`Cannot move field ${m.fieldId}: it will be deleted`)
    const [moved] = out.splice(at, 1)
    if (m.kind === 'first') {
      out.unshift(moved!)
      continue
    }
    const ref = out.findIndex((f) => f.id === m.refId)
    if (ref < 0) return fail(`Cannot move field ${moved!.name} ${m.kind} field ${m.refId}: it will be deleted`)
    out.splice(m.kind === 'before' ? ref : ref + 1, 0, moved!)
  }
  return out
}

/** Check identifier fields as Java's Schema.validateIdentifierField does (messages match Java). */
export function checkIdentifierField(l: SchemaLookup, id: number): void {
  const f = l.byId.get(id)
  if (!f) return fail(`Cannot add fieldId ${id} as an identifier field: field does not exist`)
  const name = l.names.get(id)!
  if (!isPrimitive(f.type) || f.type.kind === 'variant') fail(`Cannot add field ${f.name} as an identifier field: not a primitive type field`, name)
  if (!f.required) fail(`Cannot add field ${f.name} as an identifier field: not a required field`, name)
  if (f.type.kind === 'float' || f.type.kind === 'double') fail(`Cannot add field ${f.name} as an identifier field: must not be float or double field`, name)
  const chain: number[] = []
  for (let p = l.parents.get(id); p !== undefined; p = l.parents.get(p)) chain.unshift(p)
  for (const p of chain) {
    const parent = l.byId.get(p)!
    if (parent.type.kind !== 'struct') fail(`Cannot add field ${f.name} as an identifier field: must not be nested in ${l.names.get(p)}: ${typeToString(parent.type)}`, name)
    if (!parent.required) fail(`Cannot add field ${f.name} as an identifier field: must not be nested in an optional field ${l.names.get(p)}`, name)
  }
}

const NULL_DEFAULT_TYPES = new Set(['unknown', 'variant', 'geometry', 'geography'])

/**
 * Types and initial defaults a table of `formatVersion` cannot hold (Java Schema.checkCompatibility), for the fields
 * in `ids`; initial defaults a field already had in `before` are tolerated (some writers put them into v2 tables).
 */
export function versionProblems(l: SchemaLookup, ids: Iterable<number>, formatVersion: number, before?: SchemaLookup): string[] {
  const problems: string[] = []
  if (formatVersion >= 3) return problems
  for (const id of ids) {
    const f = l.byId.get(id)
    if (!f) continue
    const name = l.names.get(id)
    if (V3_ONLY_TYPES.has(f.type.kind)) problems.push(`Invalid type for ${name}: ${typeToString(f.type)} is not supported until v3`)
    const was = before?.byId.get(id)
    if (f.initialDefault !== undefined && f.initialDefault !== null && was?.initialDefault !== f.initialDefault)
      problems.push(`Invalid initial default for ${name}: non-null default (${describeValue(f.initialDefault)}) is not supported until v3`)
  }
  return problems
}

/** Every field id in a type (the field's own nested ids, not the field itself). */
export function nestedIds(t: IcebergType): number[] {
  switch (t.kind) {
    case 'struct':
      return t.fields.flatMap((f) => [f.id, ...nestedIds(f.type)])
    case 'list':
      return [t.elementId, ...nestedIds(t.element)]
    case 'map':
      return [t.keyId, t.valueId, ...nestedIds(t.key), ...nestedIds(t.value)]
    default:
      return []
  }
}

/** Throw unless `v` is a valid default of `type` for column `name` (struct defaults are null or `{}`; unknown/variant/geo only null). */
export function checkDefault(name: string, type: IcebergType, v: Value | undefined, what: 'initial default' | 'write default'): void {
  if (v === undefined || v === null) return
  if (NULL_DEFAULT_TYPES.has(type.kind)) fail(`Cannot cast default value to ${type.kind}: ${describeValue(v)} (column ${name})`, name)
  if (type.kind === 'struct') {
    const empty = typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array) && Object.keys(v).length === 0
    if (!empty) fail(`Invalid ${what} for ${name}: a struct default must be null or an empty struct {}`, name)
    return
  }
  try {
    toJsonValue(type, v)
  } catch (e) {
    fail(`Invalid ${what} for ${name}: ${e instanceof Error ? e.message : String(e)}`, name)
  }
}

/**
 * A checked default as the column's type holds it (Java's `Literal.to(type)` when a field stores its
 * default): a float rounded to 32 bits, an int or date -0 as 0; other values unchanged.
 */
export function typedDefault<V extends Value | undefined>(type: IcebergType, v: V): V {
  if (typeof v !== 'number') return v
  if (type.kind === 'float') return Math.fround(v) as V
  if ((type.kind === 'int' || type.kind === 'date') && Object.is(v, -0)) return 0 as V
  return v
}

/** Throw when a struct (at any depth) holds two fields with the same name (or the same lower-cased name when `ignoreCase`). */
export function checkUniqueNames(fields: readonly NestedField[], ignoreCase = false, prefix = ''): void {
  const seen = new Map<string, string>()
  for (const f of fields) {
    const name = prefix + f.name
    const k = ignoreCase ? f.name.toLowerCase() : f.name
    const other = seen.get(k)
    if (other !== undefined) fail(other === f.name ? `Invalid schema: multiple fields for name ${name}` : `Invalid schema: ${prefix}${other} and ${name} collide when names are case-insensitive`, name)
    seen.set(k, f.name)
    checkTypeNames(f.type, name, ignoreCase)
  }
}

function checkTypeNames(t: IcebergType, prefix: string, ignoreCase: boolean): void {
  if (t.kind === 'struct') checkUniqueNames(t.fields, ignoreCase, `${prefix}.`)
  else if (t.kind === 'list') checkTypeNames(t.element, `${prefix}.element`, ignoreCase)
  else if (t.kind === 'map') (checkTypeNames(t.key, `${prefix}.key`, ignoreCase), checkTypeNames(t.value, `${prefix}.value`, ignoreCase))
}

/**
 * Check a new schema against the table it commits to: the default spec and sort order must still bind (Java
 * TableMetadata.Builder.build), and a promotion must not change identity or bucket partition values (date → timestamp).
 */
export function checkAgainstTable(m: TableMetadata, before: SchemaLookup, s: Schema, updates: ReadonlyMap<number, NestedField>): void {
  const l = lookupFields(s.fields)
  const name = (id: number): string => before.names.get(id) ?? String(id)
  const spec = defaultSpec(m)
  for (const pf of spec.fields) {
    if (pf.transform.kind === 'void' || pf.transform.kind === 'unknown') continue
    for (const id of pf.sourceIds ?? [pf.sourceId]) {
      if (!l.byId.has(id))
        fail(`Cannot delete column ${name(id)}: it is the source of partition field ${pf.name} (${transformToString(pf.transform)}) of the current partition spec ${spec.specId}; remove the partition field first`, name(id))
    }
  }
  for (const sf of defaultSortOrder(m).fields) {
    if (!l.byId.has(sf.sourceId)) fail(`Cannot delete column ${name(sf.sourceId)}: it is a source of the current sort order ${m.defaultSortOrderId}; replace the sort order first`, name(sf.sourceId))
  }
  for (const [id, u] of updates) {
    const old = before.byId.get(id)
    if (!old || old.type.kind !== 'date' || u.type.kind === 'date') continue
    for (const sp of m.specs) {
      const pf = sp.fields.find((x) => (x.sourceIds ?? [x.sourceId]).includes(id) && (x.transform.kind === 'identity' || x.transform.kind === 'bucket'))
      if (pf) fail(`Cannot change column type: ${name(id)}: date -> ${typeToString(u.type)}: partition field ${pf.name} (${transformToString(pf.transform)}) of spec ${sp.specId} would change value`, name(id))
    }
  }
}

/** Java's checks on an added column: unknown is never required; required needs both defaults (unless forced); initial defaults are v3; defaults are typed. */
export function checkNewColumn(name: string, type: IcebergType, required: boolean, initial: Value, write: Value, formatVersion: number, allowIncompatible: boolean): void {
  if (type.kind === 'unknown' && required) fail(`Cannot create required field with unknown type: ${name.slice(name.lastIndexOf('.') + 1)}`, name)
  if (required && (initial === null || write === null) && !allowIncompatible) fail(`Incompatible change: cannot add required column without a default value: ${name}`, name)
  // only the initial default needs v3; write defaults are allowed in every version (Java Schema.checkCompatibility)
  if (initial !== null && formatVersion < 3) fail(`Invalid initial default for ${name}: non-null default (${describeValue(initial)}) is not supported until v3`, name)
  checkDefault(name, type, initial, 'initial default')
  checkDefault(name, type, write, 'write default')
}

/** Throw when an identifier field (or a struct holding it) is deleted (Java: reset identifier fields to force it). */
export function checkIdentifierKept(l: SchemaLookup, deletes: ReadonlySet<number>, id: number): void {
  const f = l.byId.get(id)
  if (!f) return
  const name = l.names.get(id)!
  if (deletes.has(id)) fail(`Cannot delete identifier field ${id}: ${name}: ${typeToString(f.type)}. To force deletion, also call setIdentifierFields to update identifier fields.`, name)
  for (let p = l.parents.get(id); p !== undefined; p = l.parents.get(p)) {
    if (deletes.has(p)) fail(`Cannot delete field ${l.names.get(p)} as it will delete nested identifier field ${name}`, l.names.get(p))
  }
}

/** True when both field lists carry the same initial and write defaults at every depth (sameSchema ignores them). */
export function sameDefaults(a: readonly NestedField[], b: readonly NestedField[]): boolean {
  const lb = lookupFields(b).byId
  const same = (x: Value | undefined, y: Value | undefined, t: IcebergType): boolean =>
    x === undefined || x === null ? y === undefined || y === null : y !== undefined && y !== null && valueEquals(t, x, y)
  for (const [id, f] of lookupFields(a).byId) {
    const g = lb.get(id)
    if (!g || !same(f.initialDefault, g.initialDefault, f.type) || !same(f.writeDefault, g.writeDefault, f.type)) return false
  }
  return true
}
