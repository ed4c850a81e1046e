// Spec §Column Projection / Name Mapping: `schema.name-mapping.default` for data files without field ids.
import type { IcebergType, NestedField } from './types.js'
import type { Schema } from './schema.js'
import { arr, at, int, jsonRoot, obj, opt, str, type JsonPath } from './json/json-read.js'
import { parseJson, stringifyJson, type JsonObject, type JsonValue } from './json/lossless.js'

/** One mapping entry: aliases for a field id, with nested mappings for struct, list and map children. */
export interface MappedField {
  readonly fieldId?: number
  readonly names: readonly string[]
  readonly fields?: readonly MappedField[]
}

/** A name mapping: the top-level entries. */
export type NameMapping = readonly MappedField[]

/** Parse name-mapping JSON (the property value); errors name the property. */
export function parseNameMapping(text: string, file = 'schema.name-mapping.default'): NameMapping {
  const p = jsonRoot(file)
  return fieldsFromJson(parseJson(text, file), p)
}

function fieldsFromJson(v: JsonValue | undefined, p: JsonPath): MappedField[] {
  return arr(v, p).map((x, i) => {
    const q = at(p, i)
    const o = obj(x, q)
    const f: { -readonly [K in keyof MappedField]: MappedField[K] } = {
      names: (opt.arr(o.names, at(q, 'names')) ?? []).map((n, j) => str(n, at(at(q, 'names'), j))),
    }
    const id = o['field-id'] === undefined || o['field-id'] === null ? undefined : int(o['field-id'], at(q, 'field-id'))
    if (id !== undefined) f.fieldId = id
    if (o.fields !== undefined && o.fields !== null) f.fields = fieldsFromJson(o.fields, at(q, 'fields'))
    return f
  })
}

/** Serialise a name mapping (Java key order: field-id, names, fields). */
export function nameMappingToJson(m: NameMapping): string {
  const conv = (fs: readonly MappedField[]): JsonObject[] =>
    fs.map((f) => {
      const o: JsonObject = {}
      if (f.fieldId !== undefined) o['field-id'] = f.fieldId
      o.names = [...f.names]
      if (f.fields && f.fields.length) o.fields = conv(f.fields)
      return o
    })
  return stringifyJson(conv(m))
}

/** Generate the mapping Java's `MappingUtil.create` builds: every field by its current name. */
export function createNameMapping(s: Schema): NameMapping {
  const ofType = (t: IcebergType): MappedField[] | undefined => {
    switch (t.kind) {
      case 'struct':
        return t.fields.map(ofField)
      case 'list':
        return [withChildren({ fieldId: t.elementId, names: ['element'] }, ofType(t.element))]
      case 'map':
        return [withChildren({ fieldId: t.keyId, names: ['key'] }, ofType(t.key)), withChildren({ fieldId: t.valueId, names: ['value'] }, ofType(t.value))]
      default:
        return undefined
    }
  }
  const ofField = (f: NestedField): MappedField => withChildren({ fieldId: f.id, names: [f.name] }, ofType(f.type))
  return s.fields.map(ofField)
}

function withChildren(f: MappedField, children: MappedField[] | undefined): MappedField {
  return children && children.length ? { ...f, fields: children } : f
}

/** Lookup structure: find the mapped field for a path of physical names (`['location', 'lat']`). */
export interface NameMappingIndex {
  find(path: readonly string[]): MappedField | undefined
}

const SEP = '\u0001'

/** Index a mapping by name path; every alias of every level is indexed. */
export function indexNameMapping(m: NameMapping): NameMappingIndex {
  const byPath = new Map<string, MappedField>()
  const walk = (fs: readonly MappedField[], prefix: string): void => {
    for (const f of fs) {
      for (const n of f.names) {
        const key = prefix ? `${prefix}${SEP}${n}` : n
        byPath.set(key, f)
        if (f.fields) walk(f.fields, key)
      }
    }
  }
  walk(m, '')
  return { find: (path) => byPath.get(path.join(SEP)) }
}

/**
 * False when the mapping contradicts the schema's structure, as Impala's do (ids assigned depth-first over a
 * schema whose ids were assigned breadth-first): an entry whose id the schema knows sits under another parent
 * there, or plays another role (`element`, `key`, `value`), or has children its type cannot have. Missing
 * entries or children never contradict: Java applies a mapping as written and unmapped columns get no id.
 */
export function nameMappingMatchesSchema(m: NameMapping, s: Schema): boolean {
  // every schema id with its type and the id of the field it is nested in (null: top level)
  const known = new Map<number, { readonly type: IcebergType; readonly parent: number | null }>()
  const collect = (t: IcebergType, parent: number | null): void => {
    const add = (id: number, type: IcebergType): void => (known.set(id, { type, parent }), collect(type, id))
    if (t.kind === 'struct') for (const f of t.fields) add(f.id, f.type)
    else if (t.kind === 'list') add(t.elementId, t.element)
    else if (t.kind === 'map') (add(t.keyId, t.key), add(t.valueId, t.value))
  }
  collect({ kind: 'struct', fields: s.fields }, null)
  // `parent` is the id of the enclosing mapping entry (null: top level, undefined: an entry without id)
  const ok = (f: MappedField, parent: number | null | undefined): boolean => {
    const k = f.fieldId === undefined ? undefined : known.get(f.fieldId)
    const kids = f.fields ?? []
    if (k) {
      if (parent !== undefined && k.parent !== parent) return false
      if (kids.length && !childrenFit(k.type, kids)) return false
    }
    return kids.every((c) => ok(c, f.fieldId))
  }
  return m.every((f) => ok(f, null))
}

/** Whether the mapping children present under a field of type `t` can belong to it. */
function childrenFit(t: IcebergType, kids: readonly MappedField[]): boolean {
  const role = (name: string, id: number): boolean => kids.every((c) => !c.names.includes(name) || c.fieldId === undefined || c.fieldId === id)
  const names = new Set(kids.flatMap((c) => c.names))
  switch (t.kind) {
    case 'list':
      return names.has('element') && role('element', t.elementId)
    case 'map':
      return (names.has('key') || names.has('value')) && role('key', t.keyId) && role('value', t.valueId)
    case 'struct':
      return !names.has('element') || t.fields.some((x) => x.name === 'element')
    default:
      return false
  }
}
