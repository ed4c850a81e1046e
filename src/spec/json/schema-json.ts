// Spec Appendix C: JSON forms of types, schemas, partition specs and sort orders.
import { PARTITION_DATA_ID_START, type PartitionField, type PartitionSpec } from '../partition-spec.js'
import type { Schema } from '../schema.js'
import { fromJsonValue, toJsonValue } from '../single-value.js'
import type { NullOrder, SortDirection, SortField, SortOrder } from '../sort-order.js'
import { parseTransform, transformToString } from '../transform.js'
import { primitiveToString, type IcebergType, type NestedField, type PrimitiveType, type SimpleKind, type Value } from '../types.js'
import { arr, at, bool, int, invalid, jsonRoot, obj, opt, str, type JsonPath } from './json-read.js'
import { floatJson, restoreBigInts, type JsonObject, type JsonValue } from './lossless.js'

/** Iceberg primitive type names that take no arguments. */
export const SIMPLE_TYPE_NAMES: ReadonlySet<string> = new Set<SimpleKind>([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
  'unknown',
  'variant',
])
const FIXED = /^fixed\[\s*(\d+)\s*\]$/i
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/i
const GEOMETRY = /^geometry\s*(?:\(\s*([^)]*?)\s*\))?$/i
const GEOGRAPHY = /^geography\s*(?:\(\s*([^,)]*?)\s*(?:,\s*([^)]*?)\s*)?\))?$/i

/** Parse a primitive type string (`long`, `decimal(9, 2)`, `fixed[16]`, `geometry(srid:4326)`). */
export function parsePrimitiveType(s: string, p: JsonPath = at(jsonRoot(), 'type')): PrimitiveType {
  const t = s.trim()
  const lower = t.toLowerCase()
  if (SIMPLE_TYPE_NAMES.has(lower)) return { kind: lower as SimpleKind }
  const f = FIXED.exec(t)
  if (f) return { kind: 'fixed', length: Number(f[1]) }
  const d = DECIMAL.exec(t)
  if (d) {
    const precision = Number(d[1])
    const scale = Number(d[2])
    if (precision < 1 || precision > 38) invalid(p, `decimal precision must be 1..38: ${t}`)
    return { kind: 'decimal', precision, scale }
  }
  const g = GEOMETRY.exec(t)
  if (g) return { kind: 'geometry', crs: g[1] || 'OGC:CRS84' }
  const gg = GEOGRAPHY.exec(t)
  if (gg) return { kind: 'geography', crs: gg[1] || 'OGC:CRS84', algorithm: (gg[2] || 'spherical').toLowerCase() }
  return invalid(p, `Cannot parse type from json: ${JSON.stringify(s)}`)
}

/** Parse any type from its JSON form. */
export function typeFromJson(v: JsonValue | undefined, p: JsonPath): IcebergType {
  if (typeof v === 'string') return parsePrimitiveType(v, p)
  if (v === undefined) invalid(p, 'Cannot parse type from json: missing type')
  const o = obj(v, p)
  const kind = str(o.type, at(p, 'type'))
  switch (kind) {
    case 'struct':
      return { kind: 'struct', fields: arr(o.fields, at(p, 'fields')).map((f, i) => fieldFromJson(f, at(at(p, 'fields'), i))) }
    case 'list':
      return {
        kind: 'list',
        elementId: int(o['element-id'], at(p, 'element-id')),
        element: typeFromJson(o.element, at(p, 'element')),
        elementRequired: bool(o['element-required'], at(p, 'element-required')),
      }
    case 'map':
      return {
        kind: 'map',
        keyId: int(o['key-id'], at(p, 'key-id')),
        key: typeFromJson(o.key, at(p, 'key')),
        valueId: int(o['value-id'], at(p, 'value-id')),
        value: typeFromJson(o.value, at(p, 'value')),
        valueRequired: bool(o['value-required'], at(p, 'value-required')),
      }
    default:
      return invalid(at(p, 'type'), `Cannot parse type from json: unknown type ${JSON.stringify(kind)}`)
  }
}

/** Parse one struct field, including v3 defaults. */
export function fieldFromJson(v: JsonValue, p: JsonPath): NestedField {
  const o = obj(v, p)
  const type = typeFromJson(o.type, at(p, 'type'))
  const f: { -readonly [K in keyof NestedField]: NestedField[K] } = {
    id: int(o.id, at(p, 'id')),
    name: str(o.name, at(p, 'name')),
    required: bool(o.required, at(p, 'required')),
    type,
  }
  const doc = opt.str(o.doc, at(p, 'doc'))
  if (doc !== undefined) f.doc = doc
  if (o['initial-default'] !== undefined) f.initialDefault = defaultFromJson(type, o['initial-default'], at(p, 'initial-default'))
  if (o['write-default'] !== undefined) f.writeDefault = defaultFromJson(type, o['write-default'], at(p, 'write-default'))
  return f
}

function defaultFromJson(type: IcebergType, v: JsonValue, p: JsonPath): Value {
  try {
    return fromJsonValue(type, p.longs ? restoreBigInts(v, p.longs) : v)
  } catch (e) {
    return invalid(p, `invalid default value: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** Serialise a type to its JSON form. */
export function typeToJson(t: IcebergType): JsonValue {
  switch (t.kind) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(fieldToJson) }
    case 'list':
      return { type: 'list', 'element-id': t.elementId, element: typeToJson(t.element), 'element-required': t.elementRequired }
    case 'map':
      return {
        type: 'map',
        'key-id': t.keyId,
        key: typeToJson(t.key),
        'value-id': t.valueId,
        value: typeToJson(t.value),
        'value-required': t.valueRequired,
      }
    default:
      return primitiveToString(t)
  }
}

/** Serialise one field (Java key order: id, name, required, type, doc, initial-default, write-default). */
export function fieldToJson(f: NestedField): JsonObject {
  const o: JsonObject = { id: f.id, name: f.name, required: f.required, type: typeToJson(f.type) }
  if (f.doc !== undefined) o.doc = f.doc
  if (f.initialDefault !== undefined) o['initial-default'] = defaultToJson(f.type, f.initialDefault)
  if (f.writeDefault !== undefined) o['write-default'] = defaultToJson(f.type, f.writeDefault)
  return o
}

/** A default in JSON; floats and doubles keep a decimal point (`1.0`), which Java's parser requires. */
function defaultToJson(type: IcebergType, v: Value): JsonValue {
  const withFloats = (t: IcebergType, j: JsonValue): JsonValue => {
    if ((t.kind === 'float' || t.kind === 'double') && typeof j === 'number') return floatJson(j) as unknown as JsonValue
    if (t.kind === 'list' && Array.isArray(j)) return j.map((x) => withFloats(t.element, x))
    if (t.kind === 'map' && j && typeof j === 'object' && !Array.isArray(j) && typeof j !== 'bigint') {
      const o = j as JsonObject
      return { keys: (o.keys as JsonValue[]).map((x) => withFloats(t.key, x)), values: (o.values as JsonValue[]).map((x) => withFloats(t.value, x)) }
    }
    return j
  }
  return withFloats(type, toJsonValue(type, v))
}

/** Parse a schema object; `defaultId` is used when `schema-id` is absent (v1). */
export function schemaFromJson(v: JsonValue | undefined, p: JsonPath, defaultId = 0): Schema {
  const o = obj(v, p)
  if (o.type !== 'struct') invalid(at(p, 'type'), `Cannot parse type from json: a schema must have "type": "struct"`)
  const fields = arr(o.fields, at(p, 'fields')).map((f, i) => fieldFromJson(f, at(at(p, 'fields'), i)))
  const ids = opt.arr(o['identifier-field-ids'], at(p, 'identifier-field-ids')) ?? []
  return {
    schemaId: opt.int(o['schema-id'], at(p, 'schema-id')) ?? defaultId,
    fields,
    identifierFieldIds: ids.map((x, i) => int(x, at(at(p, 'identifier-field-ids'), i))),
  }
}

/** Serialise a schema (Java order: type, schema-id, identifier-field-ids, fields). */
export function schemaToJson(s: Schema): JsonObject {
  const o: JsonObject = { type: 'struct', 'schema-id': s.schemaId }
  if (s.identifierFieldIds.length) o['identifier-field-ids'] = [...s.identifierFieldIds]
  o.fields = s.fields.map(fieldToJson)
  return o
}

/** Parse partition fields; v1 fields without `field-id` get 1000, 1001, … by position. */
export function partitionFieldsFromJson(v: JsonValue | undefined, p: JsonPath): PartitionField[] {
  return arr(v, p).map((x, i) => {
    const fp = at(p, i)
    const o = obj(x, fp)
    const sourceIds = opt.arr(o['source-ids'], at(fp, 'source-ids'))?.map((y, j) => int(y, at(at(fp, 'source-ids'), j)))
    const sourceId = opt.int(o['source-id'], at(fp, 'source-id')) ?? sourceIds?.[0]
    if (sourceId === undefined) invalid(at(fp, 'source-id'), 'partition field needs source-id or source-ids')
    const f: { -readonly [K in keyof PartitionField]: PartitionField[K] } = {
      sourceId,
      fieldId: opt.int(o['field-id'], at(fp, 'field-id')) ?? PARTITION_DATA_ID_START + i,
      name: str(o.name, at(fp, 'name')),
      transform: parseTransform(str(o.transform, at(fp, 'transform'))),
    }
    if (sourceIds && sourceIds.length > 1) f.sourceIds = sourceIds
    return f
  })
}

/** Parse a full partition spec object. */
export function specFromJson(v: JsonValue | undefined, p: JsonPath): PartitionSpec {
  const o = obj(v, p)
  return { specId: int(o['spec-id'], at(p, 'spec-id')), fields: partitionFieldsFromJson(o.fields, at(p, 'fields')) }
}

/** Serialise partition fields (Java order: name, transform, source-id, field-id). */
export function partitionFieldsToJson(spec: PartitionSpec): JsonObject[] {
  return spec.fields.map((f) => {
    const o: JsonObject = { name: f.name, transform: transformToString(f.transform) }
    if (f.sourceIds && f.sourceIds.length > 1) o['source-ids'] = [...f.sourceIds]
    else o['source-id'] = f.sourceId
    o['field-id'] = f.fieldId
    return o
  })
}

/** Serialise a partition spec. */
export function specToJson(spec: PartitionSpec): JsonObject {
  return { 'spec-id': spec.specId, fields: partitionFieldsToJson(spec) }
}

/** Parse a sort order. */
export function sortOrderFromJson(v: JsonValue | undefined, p: JsonPath): SortOrder {
  const o = obj(v, p)
  const fields = arr(o.fields, at(p, 'fields')).map((x, i): SortField => {
    const fp = at(at(p, 'fields'), i)
    const f = obj(x, fp)
    const sourceIds = opt.arr(f['source-ids'], at(fp, 'source-ids'))?.map((y, j) => int(y, at(at(fp, 'source-ids'), j)))
    const sourceId = opt.int(f['source-id'], at(fp, 'source-id')) ?? sourceIds?.[0]
    if (sourceId === undefined) invalid(at(fp, 'source-id'), 'sort field needs source-id or source-ids')
    const direction = str(f.direction, at(fp, 'direction')).toLowerCase()
    if (direction !== 'asc' && direction !== 'desc') invalid(at(fp, 'direction'), `invalid sort direction ${direction}`)
    const nullOrder = str(f['null-order'], at(fp, 'null-order')).toLowerCase()
    if (nullOrder !== 'nulls-first' && nullOrder !== 'nulls-last') invalid(at(fp, 'null-order'), `invalid null order ${nullOrder}`)
    const out: { -readonly [K in keyof SortField]: SortField[K] } = {
      sourceId,
      transform: parseTransform(str(f.transform, at(fp, 'transform'))),
      direction: direction as SortDirection,
      nullOrder: nullOrder as NullOrder,
    }
    if (sourceIds && sourceIds.length > 1) out.sourceIds = sourceIds
    return out
  })
  return { orderId: int(o['order-id'], at(p, 'order-id')), fields }
}

/** Serialise a sort order (Java order: order-id, fields[transform, source-id, direction, null-order]). */
export function sortOrderToJson(o: SortOrder): JsonObject {
  return {
    'order-id': o.orderId,
    fields: o.fields.map((f) => {
      const j: JsonObject = { transform: transformToString(f.transform) }
      if (f.sourceIds && f.sourceIds.length > 1) j['source-ids'] = [...f.sourceIds]
      else j['source-id'] = f.sourceId
      j.direction = f.direction
      j['null-order'] = f.nullOrder
      return j
    }),
  }
}
