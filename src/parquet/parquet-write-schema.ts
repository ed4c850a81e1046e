// Iceberg schema → Parquet schema elements for writing, following Java's TypeToMessageType (FACTS §15.1):
// field ids on every element (list element, map key/value and struct children included), 3-level lists,
// `key_value` maps, decimals as INT32/INT64/FLBA by precision, TIMESTAMP(MICROS|NANOS, isAdjustedToUTC),
// uuid FLBA(16) UUID, root named `table`, names sanitised like Java's AvroSchemaUtil.makeCompatibleName.
import type { SchemaElement } from 'hyparquet'
import { UnsupportedError } from '../errors.js'
import { sanitizeAvroName } from '../spec/avro/avro-schema.js'
import type { Schema } from '../spec/schema.js'
import { decimalRequiredBytes, primitiveToString, type IcebergType, type NestedField, type PrimitiveType, type Value } from '../spec/types.js'

/** One primitive leaf column of the written file (column chunks come in this order within a row group). */
export interface WriteLeaf {
  readonly fieldId: number
  readonly type: PrimitiveType
  /** Full Iceberg name (`a.b`, `tags.element`, `m.key`). */
  readonly name: string
  /** Physical path below the root, as in `path_in_schema`. */
  readonly path: readonly string[]
  /** Inside a list or map: one row may hold many values. */
  readonly repeated: boolean
  /** Index of the top-level column the leaf belongs to. */
  readonly column: number
  /** Iceberg struct field names from the top-level value down to the leaf (only when not repeated). */
  readonly structPath: readonly string[]
}

/** One top-level column that is written (fields of type `unknown` are never written). */
export interface WriteColumn {
  readonly field: NestedField
  /** The Parquet name (sanitised). */
  readonly parquetName: string
  /** Values must be rebuilt before encoding (a nested name was sanitised or an `unknown` field dropped). */
  readonly reshape: boolean
}

/** The Parquet schema of an Iceberg schema plus the column and leaf layout the writer and metrics use. */
export interface ParquetWriteSchema {
  /** Preorder schema elements, root first. */
  readonly elements: SchemaElement[]
  readonly columns: readonly WriteColumn[]
  readonly leaves: readonly WriteLeaf[]
}

/** Root message name Java writes. */
export const PARQUET_ROOT_NAME = 'table'

const rep = (required: boolean): 'REQUIRED' | 'OPTIONAL' => (required ? 'REQUIRED' : 'OPTIONAL')

/** The Parquet element of a primitive type (Java TypeToMessageType.primitive); throws UNSUPPORTED for variant/geo. */
export function primitiveElement(t: PrimitiveType, name: string, required: boolean, fieldId: number): SchemaElement {
  const base = { name, repetition_type: rep(required), field_id: fieldId } as const
  switch (t.kind) {
    case 'boolean':
      return { ...base, type: 'BOOLEAN' }
    case 'int':
      return { ...base, type: 'INT32' }
    case 'long':
      return { ...base, type: 'INT64' }
    case 'float':
      return { ...base, type: 'FLOAT' }
    case 'double':
      return { ...base, type: 'DOUBLE' }
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } }
    case 'time':
      return { ...base, type: 'INT64', converted_type: 'TIME_MICROS', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' } }
    case 'timestamp':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } }
    case 'timestamptz':
      return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } }
    case 'timestamp_ns':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' } }
    case 'timestamptz_ns':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } }
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } }
    case 'binary':
      return { ...base, type: 'BYTE_ARRAY' }
    case 'uuid':
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' } }
    case 'fixed':
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: t.length }
    case 'decimal': {
      const dec = { converted_type: 'DECIMAL', precision: t.precision, scale: t.scale, logical_type: { type: 'DECIMAL', precision: t.precision, scale: t.scale } } as const
      if (t.precision <= 9) return { ...base, type: 'INT32', ...dec }
      if (t.precision <= 18) return { ...base, type: 'INT64', ...dec }
      return { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalRequiredBytes(t.precision), ...dec }
    }
    default:
      throw new UnsupportedError(`Cannot write ${primitiveToString(t)} values to Parquet (column ${name})`, { context: { field: name } })
  }
}

interface Builder {
  readonly elements: SchemaElement[]
  readonly leaves: WriteLeaf[]
  column: number
}

// Two written fields of one group may not get the same Parquet name (`a-b` and `a_x2Db` both sanitize to
// `a_x2Db`): the encoder takes values by name, so one column would be written with the other's values.
function claimName(seen: Map<string, string>, f: NestedField, icebergName: string): void {
  if (f.type.kind === 'unknown') return
  const name = sanitizeAvroName(f.name)
  const other = seen.get(name)
  if (other !== undefined)
    throw new UnsupportedError(`Cannot write Parquet: columns ${other} and ${icebergName} both become Parquet field name ${name}; rename one of them`, {
      context: { field: icebergName },
    })
  seen.set(name, icebergName)
}

// Emit the elements of one field (and its children); returns false when the field is not written (unknown).
function emitField(b: Builder, f: NestedField, icebergName: string, repeated: boolean, structPath: readonly string[]): boolean {
  const t = f.type
  if (t.kind === 'unknown') return false
  const name = sanitizeAvroName(f.name)
  switch (t.kind) {
    case 'struct': {
      const at = b.elements.length
      b.elements.push({ name, repetition_type: rep(f.required), num_children: 0, field_id: f.id })
      let n = 0
      const seen = new Map<string, string>()
      for (const c of t.fields) claimName(seen, c, `${icebergName}.${c.name}`)
      for (const c of t.fields) if (emitField(b, c, `${icebergName}.${c.name}`, repeated, [...structPath, c.name])) n++
      if (n === 0) throw new UnsupportedError(`Cannot write an empty struct to Parquet (column ${icebergName})`, { context: { field: icebergName } })
      b.elements[at]!.num_children = n
      return true
    }
    case 'list': {
      b.elements.push({ name, repetition_type: rep(f.required), num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' }, field_id: f.id })
      b.elements.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 })
      const element: NestedField = { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element }
      if (!emitField(b, element, `${icebergName}.element`, true, []))
        throw new UnsupportedError(`Cannot write a list of ${t.element.kind} to Parquet (column ${icebergName})`, { context: { field: icebergName } })
      return true
    }
    case 'map': {
      b.elements.push({ name, repetition_type: rep(f.required), num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' }, field_id: f.id })
      b.elements.push({ name: 'key_value', repetition_type: 'REPEATED', num_children: 2 })
      const key: NestedField = { id: t.keyId, name: 'key', required: true, type: t.key }
      const value: NestedField = { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value }
      if (!emitField(b, key, `${icebergName}.key`, true, []) || !emitField(b, value, `${icebergName}.value`, true, []))
        throw new UnsupportedError(`Cannot write a map with unknown keys or values to Parquet (column ${icebergName})`, { context: { field: icebergName } })
      return true
    }
    default:
      b.elements.push(primitiveElement(t, name, f.required, f.id))
      b.leaves.push({ fieldId: f.id, type: t, name: icebergName, path: [], repeated, column: b.column, structPath: repeated ? [] : structPath })
      return true
  }
}

// Whether values of a type must be rebuilt for the encoder: a struct somewhere inside renames or drops a field.
function needsReshape(t: IcebergType): boolean {
  switch (t.kind) {
    case 'struct':
      return t.fields.some((f) => f.type.kind === 'unknown' || sanitizeAvroName(f.name) !== f.name || needsReshape(f.type))
    case 'list':
      return needsReshape(t.element)
    case 'map':
      return needsReshape(t.key) || needsReshape(t.value)
    default:
      return false
  }
}

/** Build the Parquet schema of an Iceberg schema; throws UNSUPPORTED for types floe cannot write. */
export function parquetWriteSchema(schema: Schema, rootName = PARQUET_ROOT_NAME): ParquetWriteSchema {
  const b: Builder = { elements: [{ name: rootName, num_children: 0 }], leaves: [], column: 0 }
  const columns: WriteColumn[] = []
  const seen = new Map<string, string>()
  for (const f of schema.fields) {
    claimName(seen, f, f.name)
    b.column = columns.length
    const before = b.elements.length
    if (!emitField(b, f, f.name, false, [f.name])) continue
    columns.push({ field: f, parquetName: b.elements[before]!.name, reshape: needsReshape(f.type) })
  }
  if (columns.length === 0) throw new UnsupportedError('Cannot write a Parquet file without columns')
  b.elements[0]!.num_children = columns.length
  fillPaths(b.elements, b.leaves)
  return { elements: b.elements, columns, leaves: b.leaves }
}

// Physical leaf paths in preorder (the order hyparquet-writer emits column chunks).
function fillPaths(elements: readonly SchemaElement[], leaves: WriteLeaf[]): void {
  let i = 1
  let leaf = 0
  const walk = (prefix: readonly string[]): void => {
    const el = elements[i++]!
    const path = [...prefix, el.name]
    if (!el.num_children) {
      const l = leaves[leaf]!
      leaves[leaf++] = { ...l, path }
      return
    }
    for (let k = 0; k < el.num_children; k++) walk(path)
  }
  while (i < elements.length) walk([])
}

/** Rebuild a value of `type` into the shape the encoder reads: struct keys renamed to Parquet names, unknown fields dropped. */
export function toEncoderValue(type: IcebergType, v: Value): unknown {
  if (v === null || v === undefined) return v
  switch (type.kind) {
    case 'struct': {
      const src = v as Readonly<Record<string, Value>>
      const out: Record<string, unknown> = {}
      for (const f of type.fields) {
        if (f.type.kind === 'unknown') continue
        out[sanitizeAvroName(f.name)] = toEncoderValue(f.type, src[f.name] ?? null)
      }
      return out
    }
    case 'list':
      return (v as readonly Value[]).map((x) => toEncoderValue(type.element, x))
    case 'map': {
      const out = new Map<unknown, unknown>()
      for (const [k, x] of v as ReadonlyMap<Value, Value>) out.set(toEncoderValue(type.key, k), toEncoderValue(type.value, x))
      return out
    }
    default:
      return v
  }
}
