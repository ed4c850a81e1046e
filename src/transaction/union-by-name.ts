// Java UnionByNameVisitor: the changes that evolve an existing schema into the union of itself and another
// schema, matched by name (children before parents, so nested additions get ids before their parents').
import { ValidationError } from '../errors.js'
import type { Schema } from '../spec/schema.js'
import { isNested, isPrimitive, isPromotionAllowed, typeToString, type IcebergType, type NestedField, type PrimitiveType } from '../spec/types.js'
import { valueEquals } from '../spec/values.js'
import { lookupFields, TABLE_ROOT_ID, type SchemaLookup } from './schema-changes.js'

/** The UpdateSchema operations the visitor uses. */
export interface UnionTarget {
  addColumn(parent: string | null, name: string, type: IcebergType, opts?: { doc?: string; initialDefault?: NestedField['initialDefault']; writeDefault?: NestedField['writeDefault'] }): unknown
  makeColumnOptional(name: string): unknown
  updateColumn(name: string, newType: PrimitiveType): unknown
  updateColumnDoc(name: string, doc: string | undefined): unknown
  updateColumnDefault(name: string, value: NonNullable<NestedField['writeDefault']>): unknown
  readonly base: { readonly formatVersion: number }
}

const element = (t: IcebergType & { kind: 'list' }): NestedField => ({ id: t.elementId, name: 'element', required: t.elementRequired, type: t.element })
const key = (t: IcebergType & { kind: 'map' }): NestedField => ({ id: t.keyId, name: 'key', required: true, type: t.key })
const value = (t: IcebergType & { kind: 'map' }): NestedField => ({ id: t.valueId, name: 'value', required: t.valueRequired, type: t.value })

/** Record on `api` the changes that make `existing` a union of itself and `incoming` (fields matched by name). */
export function unionByName(api: UnionTarget, existing: Schema, incoming: Schema, caseSensitive: boolean): void {
  const l = lookupFields(existing.fields)
  const version = api.base.formatVersion
  const partnerIn = (fields: readonly NestedField[], name: string): NestedField | undefined =>
    caseSensitive ? fields.find((f) => f.name === name) : fields.find((f) => f.name.toLowerCase() === name.toLowerCase())

  const visitStruct = (fields: readonly NestedField[], partnerId: number): void => {
    const partnerType = partnerId === TABLE_ROOT_ID ? undefined : l.byId.get(partnerId)!.type
    const partnerFields = partnerId === TABLE_ROOT_ID ? existing.fields : partnerType?.kind === 'struct' ? partnerType.fields : []
    const partners = fields.map((f) => partnerIn(partnerFields, f.name))
    fields.forEach((f, i) => {
      const p = partners[i]
      if (p) visitType(f.type, p)
    })
    fields.forEach((f, i) => {
      const p = partners[i]
      if (!p) addColumn(api, l, partnerId, f)
      else updateColumn(api, l, f, p, version)
    })
  }
  const visitType = (t: IcebergType, partner: NestedField): void => {
    const pt = partner.type
    if (t.kind === 'struct' && pt.kind === 'struct') visitStruct(t.fields, partner.id)
    else if (t.kind === 'list' && pt.kind === 'list') {
      visitType(t.element, element(pt))
      updateColumn(api, l, element(t), element(pt), version)
    } else if (t.kind === 'map' && pt.kind === 'map') {
      visitType(t.key, key(pt))
      visitType(t.value, value(pt))
      updateColumn(api, l, key(t), key(pt), version)
      updateColumn(api, l, value(t), value(pt), version)
    }
  }
  visitStruct(incoming.fields, TABLE_ROOT_ID)
}

function addColumn(api: UnionTarget, l: SchemaLookup, parentId: number, f: NestedField): void {
  const parent = parentId === TABLE_ROOT_ID ? null : l.names.get(parentId)!
  api.addColumn(parent, f.name, f.type, {
    ...(f.doc === undefined ? {} : { doc: f.doc }),
    ...(f.initialDefault === undefined ? {} : { initialDefault: f.initialDefault }),
    writeDefault: f.writeDefault ?? null,
  })
}

function updateColumn(api: UnionTarget, l: SchemaLookup, f: NestedField, existing: NestedField, version: number): void {
  const name = l.names.get(existing.id)!
  if (!f.required && existing.required) api.makeColumnOptional(name)
  if (!ignorableTypeUpdate(existing.type, f.type, version)) {
    if (!isPrimitive(f.type))
      throw new ValidationError(`Cannot change column type: ${name}: ${typeToString(existing.type)} -> ${typeToString(f.type)}`, { context: { field: name } })
    api.updateColumn(name, f.type)
  }
  if (f.doc !== undefined && f.doc !== existing.doc) api.updateColumnDoc(name, f.doc)
  if (f.writeDefault !== undefined && f.writeDefault !== null && !(existing.writeDefault !== undefined && existing.writeDefault !== null && valueEquals(f.type, existing.writeDefault, f.writeDefault)))
    api.updateColumnDefault(name, f.writeDefault)
}

// A narrower incoming type is kept as is (long stays long for an incoming int); nested kinds must match.
function ignorableTypeUpdate(existing: IcebergType, incoming: IcebergType, version: number): boolean {
  if (isPrimitive(existing)) return isPrimitive(incoming) && isPromotionAllowed(incoming, existing, version)
  return isNested(incoming) && incoming.kind === existing.kind
}
