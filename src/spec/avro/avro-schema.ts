// Iceberg type ↔ Avro schema, following the Java conventions (FACTS §8.4): `field-id` on every field,
// `["null", T]` + default null for optional, records named `r<fieldId>`, arrays with `element-id`,
// non-string-key maps as `k<keyId>_v<valueId>` record arrays with `logicalType: map`, decimal/uuid/fixed
// as named fixed types, sanitised names with `iceberg-field-name`. JSON key order matches Java's output.
import { InvalidMetadataError, UnsupportedError } from '../../errors.js'
import type { JsonObject, JsonValue } from '../json/lossless.js'
import { decimalRequiredBytes, type IcebergType, type NestedField, type PrimitiveType, type StructType } from '../types.js'
import { optionOf, type AvroField, type AvroNode } from './avro-node.js'

// Java accepts any Unicode letter or digit (Character.isLetter/isDigit); floe keeps to the Avro spec's
// ASCII name grammar so that every Avro library (avsc included) accepts the schema. ASCII names are
// sanitised exactly as Java does; non-ASCII letters become `_x<HEX>` where Java would keep them.
function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

/** Whether `name` is a valid Avro name (ASCII letter or `_`, then ASCII letters, digits, `_`). */
export function isValidAvroName(name: string): boolean {
  if (name.length === 0) return false
  const first = name.charAt(0)
  if (!(isLetter(first) || first === '_')) return false
  for (let i = 1; i < name.length; i++) {
    const c = name.charAt(i)
    if (!(isLetter(c) || isDigit(c) || c === '_')) return false
  }
  return true
}

function sanitizeChar(c: string): string {
  return isDigit(c) ? `_${c}` : `_x${c.charCodeAt(0).toString(16).toUpperCase()}`
}

/** Java's sanitising: leading digit `d` → `_d`, other invalid UTF-16 units → `_x<HEX>`; valid names unchanged. */
export function sanitizeAvroName(name: string): string {
  if (isValidAvroName(name)) return name
  let out = ''
  for (let i = 0; i < name.length; i++) {
    const c = name.charAt(i)
    const ok = i === 0 ? isLetter(c) || c === '_' : isLetter(c) || isDigit(c) || c === '_'
    out += ok ? c : sanitizeChar(c)
  }
  return out
}

/** Avro JSON for a primitive Iceberg type (named fixed types are deduplicated through `defined`). */
function primitiveToAvro(t: PrimitiveType, defined: Set<string>, fieldId: number | undefined): JsonValue {
  const named = (name: string, build: () => JsonObject): JsonValue => {
    if (defined.has(name)) return name
    defined.add(name)
    return build()
  }
  switch (t.kind) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return t.kind
    case 'binary':
    case 'geometry':
    case 'geography':
      return 'bytes'
    case 'unknown':
      return 'null'
    case 'date':
      return { type: 'int', logicalType: 'date' }
    case 'time':
      return { type: 'long', logicalType: 'time-micros' }
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': t.kind === 'timestamptz' }
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': t.kind === 'timestamptz_ns' }
    case 'uuid':
      return named('uuid_fixed', () => ({ type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' }))
    case 'fixed':
      return named(`fixed_${t.length}`, () => ({ type: 'fixed', name: `fixed_${t.length}`, size: t.length }))
    case 'decimal': {
      const name = `decimal_${t.precision}_${t.scale}`
      return named(name, () => ({
        type: 'fixed',
        name,
        size: decimalRequiredBytes(t.precision),
        logicalType: 'decimal',
        precision: t.precision,
        scale: t.scale,
      }))
    }
    case 'variant': {
      const name = fieldId === undefined ? 'variant' : `r${fieldId}`
      return named(name, () => ({
        type: 'record',
        name,
        fields: [
          { name: 'metadata', type: 'bytes' },
          { name: 'value', type: 'bytes' },
        ],
        logicalType: 'variant',
      }))
    }
  }
}

function option(t: JsonValue): JsonValue {
  if (t === 'null') return t
  return ['null', t]
}

// `path` is the dotted Iceberg name of the value being converted (list elements `.element`, map parts
// `.key`/`.value`), used to name the columns when two fields of one record get the same Avro name.
function typeToAvroJson(t: IcebergType, fieldId: number | undefined, defined: Set<string>, path: string, recordName?: string): JsonValue {
  switch (t.kind) {
    case 'struct':
      return structToAvroJson(t, recordName ?? (fieldId === undefined ? 'record' : `r${fieldId}`), defined, path)
    case 'list': {
      const el = typeToAvroJson(t.element, t.elementId, defined, join(path, 'element'))
      return { type: 'array', items: t.elementRequired ? el : option(el), 'element-id': t.elementId }
    }
    case 'map': {
      const key = typeToAvroJson(t.key, t.keyId, defined, join(path, 'key'))
      const value = typeToAvroJson(t.value, t.valueId, defined, join(path, 'value'))
      const v = t.valueRequired ? value : option(value)
      if (t.key.kind === 'string') return { type: 'map', values: v, 'key-id': t.keyId, 'value-id': t.valueId }
      const name = `k${t.keyId}_v${t.valueId}`
      defined.add(name)
      const valueField: JsonObject = { name: 'value', type: v }
      // Java gives the value a null default only when its schema is a ["null", T] union (not for unknown, plain null)
      if (!t.valueRequired && value !== 'null') valueField.default = null
      valueField['field-id'] = t.valueId
      return {
        type: 'array',
        items: { type: 'record', name, fields: [{ name: 'key', type: key, 'field-id': t.keyId }, valueField] },
        logicalType: 'map',
      }
    }
    default:
      return primitiveToAvro(t, defined, fieldId)
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`
}

/** One Avro field in Java's key order: name, type, doc, default, iceberg-field-name, field-id. */
function fieldToAvroJson(f: NestedField, defined: Set<string>, path: string): JsonObject {
  const valid = isValidAvroName(f.name)
  const inner = typeToAvroJson(f.type, f.id, defined, join(path, f.name))
  const o: JsonObject = { name: valid ? f.name : sanitizeAvroName(f.name), type: f.required ? inner : option(inner) }
  if (f.doc !== undefined) o.doc = f.doc
  if (!f.required) o.default = null
  if (!valid) o['iceberg-field-name'] = f.name
  o['field-id'] = f.id
  return o
}

// Sanitising can give two fields of one record the same Avro name (`a-b` and `a_x2Db`, `1x` and `_1x`); Avro
// forbids duplicate field names (Java's Schema.createRecord throws before any file exists), so fail here too.
function structToAvroJson(t: StructType, name: string, defined: Set<string>, path: string): JsonObject {
  defined.add(name)
  const owners = new Map<string, string>()
  const fields = t.fields.map((f) => {
    const o = fieldToAvroJson(f, defined, path)
    const avroName = o.name as string
    const other = owners.get(avroName)
    if (other !== undefined) {
      const a = join(path, other)
      const b = join(path, f.name)
      throw new UnsupportedError(`Cannot convert the schema to Avro: columns ${a} and ${b} both become Avro field name ${avroName}; rename one of them`, {
        context: { field: b, avroName },
      })
    }
    owners.set(avroName, f.name)
    return o
  })
  return { type: 'record', name, fields }
}

/** Convert an Iceberg struct (or schema fields) to an Avro record schema named `recordName` (UNSUPPORTED when two fields sanitise to one Avro name). */
export function structToAvro(t: StructType | { readonly fields: readonly NestedField[] }, recordName: string): JsonObject {
  return structToAvroJson({ kind: 'struct', fields: t.fields }, recordName, new Set(), '')
}

/** Convert any Iceberg type to its Avro schema (records get `r<fieldId>` names; pass the owning field id). */
export function typeToAvro(t: IcebergType, fieldId?: number): JsonValue {
  return typeToAvroJson(t, fieldId, new Set(), '')
}

// ---------------------------------------------------------------------------------------- Avro → Iceberg

/** The Iceberg field name of an Avro field (`iceberg-field-name` when sanitised). */
export function icebergName(f: AvroField): string {
  const orig = f.attrs['iceberg-field-name']
  return typeof orig === 'string' ? orig : f.name
}

function intAttr(o: JsonObject, key: string): number | undefined {
  const v = o[key]
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined
}

function isTrue(v: JsonValue | undefined): boolean {
  return v === true || v === 'true'
}

function missingId(what: string): never {
  throw new InvalidMetadataError(`Avro schema has no ${what}; cannot convert it to an Iceberg type`, { context: { field: what } })
}

/** The Iceberg primitive type an Avro node stands for (logical types honoured), or undefined. */
export function avroPrimitiveType(node: AvroNode): PrimitiveType | undefined {
  const lt = 'logicalType' in node ? node.logicalType : undefined
  switch (node.kind) {
    case 'boolean':
    case 'float':
    case 'double':
    case 'string':
      return { kind: node.kind }
    case 'int':
      return lt === 'date' ? { kind: 'date' } : { kind: 'int' }
    case 'long': {
      const utc = isTrue(node.attrs['adjust-to-utc'])
      if (lt === 'time-micros') return { kind: 'time' }
      if (lt === 'timestamp-micros' || lt === 'timestamp-millis') return { kind: utc ? 'timestamptz' : 'timestamp' }
      if (lt === 'local-timestamp-micros') return { kind: 'timestamp' }
      if (lt === 'timestamp-nanos') return { kind: utc ? 'timestamptz_ns' : 'timestamp_ns' }
      if (lt === 'local-timestamp-nanos') return { kind: 'timestamp_ns' }
      return { kind: 'long' }
    }
    case 'bytes':
      if (lt === 'decimal') return decimalOf(node.attrs)
      return { kind: 'binary' }
    case 'fixed':
      if (lt === 'decimal') return decimalOf(node.attrs)
      if (lt === 'uuid' && node.size === 16) return { kind: 'uuid' }
      return { kind: 'fixed', length: node.size }
    case 'null':
      return { kind: 'unknown' }
    default:
      return undefined
  }
}

function decimalOf(attrs: JsonObject): PrimitiveType {
  return { kind: 'decimal', precision: intAttr(attrs, 'precision') ?? 38, scale: intAttr(attrs, 'scale') ?? 0 }
}

/** Convert an Avro type written with Iceberg ids back to an Iceberg type (fails when ids are missing). */
export function avroToIceberg(node: AvroNode): IcebergType {
  const inner = optionOf(node) ?? node
  switch (inner.kind) {
    case 'record':
      if (inner.logicalType === 'variant') return { kind: 'variant' }
      return {
        kind: 'struct',
        fields: inner.fields.map((f) => {
          const id = f.fieldId ?? missingId(`field-id on ${f.name}`)
          const opt = optionOf(f.type) !== undefined || f.type.kind === 'null'
          const nf: { -readonly [K in keyof NestedField]: NestedField[K] } = { id, name: icebergName(f), required: !opt, type: avroToIceberg(f.type) }
          if (typeof f.attrs.doc === 'string') nf.doc = f.attrs.doc
          return nf
        }),
      }
    case 'array': {
      const items = inner.items
      const kv = optionOf(items) ?? items
      if (inner.logicalType === 'map' && kv.kind === 'record' && kv.fields.length === 2) {
        const [k, v] = kv.fields as [AvroField, AvroField]
        return {
          kind: 'map',
          keyId: k.fieldId ?? missingId('map key field-id'),
          key: avroToIceberg(k.type),
          valueId: v.fieldId ?? missingId('map value field-id'),
          value: avroToIceberg(v.type),
          valueRequired: optionOf(v.type) === undefined,
        }
      }
      return {
        kind: 'list',
        elementId: intAttr(inner.attrs, 'element-id') ?? missingId('element-id'),
        element: avroToIceberg(items),
        elementRequired: optionOf(items) === undefined,
      }
    }
    case 'map':
      return {
        kind: 'map',
        keyId: intAttr(inner.attrs, 'key-id') ?? missingId('key-id'),
        key: { kind: 'string' },
        valueId: intAttr(inner.attrs, 'value-id') ?? missingId('value-id'),
        value: avroToIceberg(inner.values),
        valueRequired: optionOf(inner.values) === undefined,
      }
    case 'union':
      throw new InvalidMetadataError('Avro unions other than ["null", T] have no Iceberg type')
    case 'enum':
      return { kind: 'string' }
    default:
      return avroPrimitiveType(inner) ?? missingId('known primitive')
  }
}

/** Where a field id lives in a writer schema: the Avro field and its dotted path of Avro names. */
export interface AvroFieldRef {
  readonly field: AvroField
  readonly path: string
}

/** Index every record field of a writer schema by its `field-id` (nested records, arrays, maps included). */
export function indexAvroFieldIds(root: AvroNode): Map<number, AvroFieldRef> {
  const out = new Map<number, AvroFieldRef>()
  const seen = new Set<AvroNode>()
  const visit = (node: AvroNode, prefix: string): void => {
    if (seen.has(node)) return
    seen.add(node)
    switch (node.kind) {
      case 'record':
        for (const f of node.fields) {
          const path = prefix ? `${prefix}.${f.name}` : f.name
          if (f.fieldId !== undefined && !out.has(f.fieldId)) out.set(f.fieldId, { field: f, path })
          visit(f.type, path)
        }
        break
      case 'union':
        for (const b of node.branches) visit(b, prefix)
        break
      case 'array':
        visit(node.items, `${prefix}.element`)
        break
      case 'map':
        visit(node.values, `${prefix}.value`)
        break
      default:
        break
    }
  }
  visit(root, '')
  return out
}
