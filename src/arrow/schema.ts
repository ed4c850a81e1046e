// Iceberg schema ⇄ Arrow schema. Every Arrow field carries its Iceberg id as `PARQUET:field_id` metadata
// (the key parquet-rs, parquet-wasm, pyarrow and PyIceberg use), so ids survive IPC and Parquet writers.
import {
  Binary,
  Bool,
  DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Null,
  Precision,
  Schema as ArrowSchema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  TimeUnit,
  Utf8,
} from 'apache-arrow'
import { InvalidArgumentError, UnsupportedError } from '../errors.js'
import { schema as icebergSchema, type Schema } from '../spec/schema.js'
import { typeToString, type IcebergType, type NestedField } from '../spec/types.js'

/** Arrow field-metadata key holding the Iceberg field id (decimal string). */
export const FIELD_ID_KEY = 'PARQUET:field_id'
/** Arrow field-metadata key holding an Iceberg field's doc (the key PyIceberg writes). */
export const FIELD_DOC_KEY = 'doc'
/** Arrow canonical extension-type key; uuid columns carry `arrow.uuid` on their FixedSizeBinary(16) field. */
export const EXTENSION_NAME_KEY = 'ARROW:extension:name'
/** Name of Arrow's canonical UUID extension type. */
export const UUID_EXTENSION = 'arrow.uuid'
/** Name of Arrow's canonical Parquet variant extension type (storage: struct of `metadata` and `value` binaries). */
export const VARIANT_EXTENSION = 'arrow.parquet.variant'

/** Child field name of list elements (the Parquet/Iceberg convention, not Arrow C++'s `item`). */
export const LIST_ELEMENT_NAME = 'element'
/** Field name of a map's entries struct. */
export const MAP_ENTRIES_NAME = 'entries'

function fieldMetadata(id: number, extra: ReadonlyArray<readonly [string, string]> = []): Map<string, string> {
  return new Map<string, string>([[FIELD_ID_KEY, String(id)], ...extra])
}

/**
 * The Arrow type of an Iceberg type. uuid → FixedSizeBinary(16) (the field is tagged `arrow.uuid`, the
 * canonical extension, so the reverse mapping restores uuid); timestamptz(_ns) → Timestamp with zone 'UTC';
 * v3 `unknown` → Null; v3 `variant` → Struct<metadata: Binary, value: Binary> (the binary encoding, its field
 * tagged `arrow.parquet.variant`). geometry and geography are UNSUPPORTED.
 */
export function icebergTypeToArrow(type: IcebergType, path = ''): DataType {
  switch (type.kind) {
    case 'boolean':
      return new Bool()
    case 'int':
      return new Int32()
    case 'long':
      return new Int64()
    case 'float':
      return new Float32()
    case 'double':
      return new Float64()
    case 'decimal':
      return new Decimal(type.scale, type.precision, 128)
    case 'date':
      return new DateDay()
    case 'time':
      return new TimeMicrosecond()
    case 'timestamp':
      return new TimestampMicrosecond()
    case 'timestamptz':
      return new TimestampMicrosecond('UTC')
    case 'timestamp_ns':
      return new TimestampNanosecond()
    case 'timestamptz_ns':
      return new TimestampNanosecond('UTC')
    case 'string':
      return new Utf8()
    case 'uuid':
      return new FixedSizeBinary(16)
    case 'fixed':
      return new FixedSizeBinary(type.length)
    case 'binary':
      return new Binary()
    case 'unknown':
      return new Null()
    case 'variant':
      return new Struct([new Field('metadata', new Binary(), false), new Field('value', new Binary(), true)])
    case 'struct':
      return new Struct(type.fields.map((f) => icebergFieldToArrow(f, path)))
    case 'list':
      return new List(arrowChild(LIST_ELEMENT_NAME, type.elementId, type.element, type.elementRequired, `${path}.element`))
    case 'map': {
      const key = arrowChild('key', type.keyId, type.key, true, `${path}.key`)
      const value = arrowChild('value', type.valueId, type.value, type.valueRequired, `${path}.value`)
      return new Map_(new Field(MAP_ENTRIES_NAME, new Struct<{ key: DataType; value: DataType }>([key, value]), false))
    }
    default:
      throw new UnsupportedError(`Column ${path || '(root)'} has Iceberg type ${typeToString(type)}, which has no Arrow mapping`, {
        context: { field: path },
      })
  }
}

/** The canonical Arrow extension type an Iceberg type maps to, if any. */
function extensionOf(type: IcebergType): string | undefined {
  return type.kind === 'uuid' ? UUID_EXTENSION : type.kind === 'variant' ? VARIANT_EXTENSION : undefined
}

function arrowChild(name: string, id: number, type: IcebergType, required: boolean, path: string): Field {
  const ext = extensionOf(type)
  const extra: [string, string][] = ext ? [[EXTENSION_NAME_KEY, ext]] : []
  return new Field(name, icebergTypeToArrow(type, path), !required, fieldMetadata(id, extra))
}

/** The Arrow field of an Iceberg field: id (and doc) in metadata, nullable unless required. */
export function icebergFieldToArrow(f: NestedField, parentPath = ''): Field {
  const path = parentPath ? `${parentPath}.${f.name}` : f.name
  const extra: [string, string][] = []
  if (f.doc) extra.push([FIELD_DOC_KEY, f.doc])
  const ext = extensionOf(f.type)
  if (ext) extra.push([EXTENSION_NAME_KEY, ext])
  return new Field(f.name, icebergTypeToArrow(f.type, path), !f.required, fieldMetadata(f.id, extra))
}

/** The Arrow schema of an Iceberg schema (columns in schema order; every field, nested ones included, has a field id). */
export function icebergSchemaToArrow(s: Schema): ArrowSchema {
  return new ArrowSchema(s.fields.map((f) => icebergFieldToArrow(f)))
}

/** The Iceberg field id stored in an Arrow field's metadata, or undefined when absent. */
export function arrowFieldId(f: Field, path = f.name): number | undefined {
  const raw = f.metadata.get(FIELD_ID_KEY)
  if (raw === undefined) return undefined
  const id = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(id) || id < 0)
    throw new InvalidArgumentError(`Column ${path} has an invalid ${FIELD_ID_KEY} ${JSON.stringify(raw)}`, { context: { field: path } })
  return id
}

/** Options for {@link arrowSchemaToIceberg}. */
export interface ArrowToIcebergOptions {
  /** Schema id of the result (default 0). */
  readonly schemaId?: number
}

/**
 * The Iceberg schema of an Arrow schema. Field ids come from `PARQUET:field_id` metadata where present;
 * fields without one get fresh ids above the highest id present (starting at 1), assigned by position in
 * the order Iceberg Java's `assignFreshIds` uses: all fields of a struct first, then their children
 * (list element, map key then value). Duplicate ids fail with INVALID_ARGUMENT; Arrow types without an
 * exact Iceberg counterpart (unsigned 64-bit, half floats, durations, intervals, unions, nanosecond time,
 * view types) fail with UNSUPPORTED naming the column.
 */
export function arrowSchemaToIceberg(s: ArrowSchema, opts: ArrowToIcebergOptions = {}): Schema {
  const seen = new Map<number, string>()
  collectIds(s.fields, '', seen)
  let next = Math.max(0, ...seen.keys()) + 1
  const idFor = (f: Field, path: string): number => arrowFieldId(f, path) ?? next++

  const convertFields = (fields: readonly Field[], parent: string): NestedField[] => {
    const ids = fields.map((f) => idFor(f, join(parent, f.name)))
    return fields.map((f, i) => {
      const path = join(parent, f.name)
      const doc = f.metadata.get(FIELD_DOC_KEY)
      const out: NestedField = { id: ids[i]!, name: f.name, required: !f.nullable, type: convertType(f, path) }
      return doc === undefined ? out : { ...out, doc }
    })
  }

  const convertType = (f: Field, path: string): IcebergType => {
    const t = valueTypeOf(f.type)
    if (f.metadata.get(EXTENSION_NAME_KEY) === VARIANT_EXTENSION) return variantOf(t, path)
    if (DataType.isStruct(t)) return { kind: 'struct', fields: convertFields(t.children, path) }
    if (DataType.isList(t) || DataType.isLargeList(t) || DataType.isFixedSizeList(t)) {
      const el = t.children[0]!
      const elementId = idFor(el, `${path}.element`)
      return { kind: 'list', elementId, element: convertType(el, `${path}.element`), elementRequired: !el.nullable }
    }
    if (DataType.isMap(t)) {
      const [key, value] = mapKeyValue(t, path)
      const keyId = idFor(key, `${path}.key`)
      const valueId = idFor(value, `${path}.value`)
      return {
        kind: 'map',
        keyId,
        key: convertType(key, `${path}.key`),
        valueId,
        value: convertType(value, `${path}.value`),
        valueRequired: !value.nullable,
      }
    }
    return arrowPrimitiveToIceberg(f, t, path)
  }

  return icebergSchema(convertFields(s.fields, ''), opts.schemaId ?? 0)
}

// A field tagged `arrow.parquet.variant` must store the unshredded variant struct (shredded `typed_value` is refused).
function variantOf(t: DataType, path: string): IcebergType {
  const names = DataType.isStruct(t) ? t.children.map((c) => c.name).sort() : []
  const binary = DataType.isStruct(t) && t.children.every((c) => DataType.isBinary(c.type) || DataType.isLargeBinary(c.type))
  if (names.join() !== 'metadata,value' || !binary)
    throw new UnsupportedError(`Column ${path} is a variant whose Arrow storage ${String(t)} is not Struct<metadata: Binary, value: Binary>`, { context: { field: path } })
  return { kind: 'variant' }
}

function join(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name
}

/** A dictionary-encoded type stands for its value type. */
function valueTypeOf(t: DataType): DataType {
  return DataType.isDictionary(t) ? valueTypeOf(t.dictionary) : t
}

// The key and value fields of an Arrow map type.
function mapKeyValue(t: Map_, path: string): [Field, Field] {
  const entries = t.children[0]?.type
  const key = entries?.children[0]
  const value = entries?.children[1]
  if (!key || !value) throw new InvalidArgumentError(`Map column ${path} has no key/value entries`, { context: { field: path } })
  return [key, value]
}

function collectIds(fields: readonly Field[], parent: string, seen: Map<number, string>): void {
  for (const f of fields) {
    const path = join(parent, f.name)
    const id = arrowFieldId(f, path)
    if (id !== undefined) {
      const other = seen.get(id)
      if (other !== undefined)
        throw new InvalidArgumentError(`Field id ${id} is used by both ${other} and ${path}`, { context: { field: path } })
      seen.set(id, path)
    }
    const t = valueTypeOf(f.type)
    if (DataType.isStruct(t)) collectIds(t.children, path, seen)
    else if (DataType.isList(t) || DataType.isLargeList(t) || DataType.isFixedSizeList(t)) collectIds(t.children, path, seen)
    else if (DataType.isMap(t)) collectIds(mapKeyValue(t, path), path, seen)
  }
}

function unsupported(t: DataType, path: string): never {
  throw new UnsupportedError(`Column ${path} has Arrow type ${String(t)}, which has no exact Iceberg type`, { context: { field: path } })
}

/** The Iceberg primitive of an Arrow primitive (`f` supplies the uuid extension tag). */
function arrowPrimitiveToIceberg(f: Field, t: DataType, path: string): IcebergType {
  if (DataType.isNull(t)) return { kind: 'unknown' }
  if (DataType.isBool(t)) return { kind: 'boolean' }
  if (DataType.isInt(t)) {
    if (t.bitWidth === 64) return t.isSigned ? { kind: 'long' } : unsupported(t, path)
    return t.bitWidth === 32 && !t.isSigned ? { kind: 'long' } : { kind: 'int' }
  }
  if (DataType.isFloat(t)) {
    // half precision widens exactly to float (as PyIceberg maps it)
    return t.precision === Precision.DOUBLE ? { kind: 'double' } : { kind: 'float' }
  }
  if (DataType.isDecimal(t)) {
    if (t.precision > 38 || t.precision < 1) unsupported(t, path)
    return { kind: 'decimal', precision: t.precision, scale: t.scale }
  }
  if (DataType.isDate(t)) return { kind: 'date' }
  if (DataType.isTime(t)) return t.unit === TimeUnit.NANOSECOND ? unsupported(t, path) : { kind: 'time' }
  if (DataType.isTimestamp(t)) {
    const tz = t.timezone !== null && t.timezone !== undefined && t.timezone !== ''
    if (t.unit === TimeUnit.NANOSECOND) return { kind: tz ? 'timestamptz_ns' : 'timestamp_ns' }
    return { kind: tz ? 'timestamptz' : 'timestamp' }
  }
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t)) return { kind: 'string' }
  if (DataType.isBinary(t) || DataType.isLargeBinary(t) || DataType.isBinaryView(t)) return { kind: 'binary' }
  if (DataType.isFixedSizeBinary(t)) {
    if (t.byteWidth === 16 && f.metadata.get(EXTENSION_NAME_KEY) === UUID_EXTENSION) return { kind: 'uuid' }
    return { kind: 'fixed', length: t.byteWidth }
  }
  return unsupported(t, path)
}
