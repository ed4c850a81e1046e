// Spec §Schemas and Data Types: Iceberg types as plain discriminated unions.

/** Primitive types with no parameters. */
export type SimpleKind =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timestamp_ns'
  | 'timestamptz_ns'
  | 'string'
  | 'uuid'
  | 'binary'
  | 'unknown'
  | 'variant'

/** A parameterless primitive (or the v3 `unknown`/`variant` types). */
export interface SimpleType {
  readonly kind: SimpleKind
}

/** decimal(P,S): unscaled bigint values, precision ≤ 38. */
export interface DecimalType {
  readonly kind: 'decimal'
  readonly precision: number
  readonly scale: number
}

/** fixed[L]: exactly L bytes. */
export interface FixedType {
  readonly kind: 'fixed'
  readonly length: number
}

/** v3 geometry(C). */
export interface GeometryType {
  readonly kind: 'geometry'
  readonly crs: string
}

/** v3 geography(C, A). */
export interface GeographyType {
  readonly kind: 'geography'
  readonly crs: string
  readonly algorithm: string
}

/** Any primitive type. */
export type PrimitiveType = SimpleType | DecimalType | FixedType | GeometryType | GeographyType

/** A struct field (also a schema's top-level column). */
export interface NestedField {
  readonly id: number
  readonly name: string
  readonly required: boolean
  readonly type: IcebergType
  readonly doc?: string
  /** v3 default for rows written before the field existed (internal value representation). */
  readonly initialDefault?: Value
  /** v3 default writers use when the field is not supplied. */
  readonly writeDefault?: Value
}

/** struct<...>. */
export interface StructType {
  readonly kind: 'struct'
  readonly fields: readonly NestedField[]
}

/** list<element>. */
export interface ListType {
  readonly kind: 'list'
  readonly elementId: number
  readonly element: IcebergType
  readonly elementRequired: boolean
}

/** map<key, value>; keys are always required. */
export interface MapType {
  readonly kind: 'map'
  readonly keyId: number
  readonly key: IcebergType
  readonly valueId: number
  readonly value: IcebergType
  readonly valueRequired: boolean
}

/** Any nested type. */
export type NestedType = StructType | ListType | MapType

/** Any Iceberg type. */
export type IcebergType = PrimitiveType | NestedType

/** A map value: keys and values in insertion order (keys may be any Iceberg value). */
export type MapValue = ReadonlyMap<Value, Value>

/** A struct value keyed by field name (public edge) or by field id as a string (internal). */
export interface StructValue {
  readonly [name: string]: Value
}

/** A v3 variant value in its binary encoding. */
export interface VariantValue {
  readonly metadata: Uint8Array
  readonly value: Uint8Array
}

/**
 * In-memory value of an Iceberg type: boolean; int/float/double/date → number; long/time/timestamp*
 * → bigint; decimal → unscaled bigint; string → string; uuid/fixed/binary → Uint8Array.
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly Value[]
  | MapValue
  | StructValue
  | VariantValue

const simple = (kind: SimpleKind): SimpleType => Object.freeze({ kind })

/** Ready-made type constants and constructors. */
export const T = {
  boolean: simple('boolean'),
  int: simple('int'),
  long: simple('long'),
  float: simple('float'),
  double: simple('double'),
  date: simple('date'),
  time: simple('time'),
  timestamp: simple('timestamp'),
  timestamptz: simple('timestamptz'),
  timestampNs: simple('timestamp_ns'),
  timestamptzNs: simple('timestamptz_ns'),
  string: simple('string'),
  uuid: simple('uuid'),
  binary: simple('binary'),
  unknown: simple('unknown'),
  variant: simple('variant'),
  decimal: (precision: number, scale: number): DecimalType => ({ kind: 'decimal', precision, scale }),
  fixed: (length: number): FixedType => ({ kind: 'fixed', length }),
  struct: (fields: readonly NestedField[]): StructType => ({ kind: 'struct', fields }),
  list: (elementId: number, element: IcebergType, elementRequired = false): ListType => ({
    kind: 'list',
    elementId,
    element,
    elementRequired,
  }),
  map: (keyId: number, key: IcebergType, valueId: number, value: IcebergType, valueRequired = false): MapType => ({
    kind: 'map',
    keyId,
    key,
    valueId,
    value,
    valueRequired,
  }),
} as const

/** Build a NestedField; optional by default. */
export function field(
  id: number,
  name: string,
  type: IcebergType,
  opts: { required?: boolean; doc?: string; initialDefault?: Value; writeDefault?: Value } = {},
): NestedField {
  const f: { -readonly [K in keyof NestedField]: NestedField[K] } = { id, name, required: opts.required ?? false, type }
  if (opts.doc !== undefined) f.doc = opts.doc
  if (opts.initialDefault !== undefined) f.initialDefault = opts.initialDefault
  if (opts.writeDefault !== undefined) f.writeDefault = opts.writeDefault
  return f
}

/** True for struct, list and map. */
export function isNested(t: IcebergType): t is NestedType {
  return t.kind === 'struct' || t.kind === 'list' || t.kind === 'map'
}

/** True for every non-nested type (variant included, which stores no single value). */
export function isPrimitive(t: IcebergType): t is PrimitiveType {
  return !isNested(t)
}

/** Canonical string form of a primitive type as Iceberg JSON writes it (`decimal(9, 2)`, `fixed[16]`). */
export function primitiveToString(t: PrimitiveType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision}, ${t.scale})`
    case 'fixed':
      return `fixed[${t.length}]`
    case 'geometry':
      return t.crs === 'OGC:CRS84' ? 'geometry' : `geometry(${t.crs})`
    case 'geography':
      if (t.crs === 'OGC:CRS84' && t.algorithm === 'spherical') return 'geography'
      return `geography(${t.crs}, ${t.algorithm})`
    default:
      return t.kind
  }
}

/** Human-readable form of any type, e.g. `list<struct<1: a: optional int>>` (for messages and describe). */
export function typeToString(t: IcebergType): string {
  switch (t.kind) {
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.id}: ${f.name}: ${f.required ? 'required' : 'optional'} ${typeToString(f.type)}`).join(', ')}>`
    case 'list':
      return `list<${typeToString(t.element)}>`
    case 'map':
      return `map<${typeToString(t.key)}, ${typeToString(t.value)}>`
    default:
      return primitiveToString(t)
  }
}

/** Structural type equality (field ids, names, requiredness and docs included for structs). */
export function typeEquals(a: IcebergType, b: IcebergType): boolean {
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'decimal':
      return a.precision === (b as DecimalType).precision && a.scale === (b as DecimalType).scale
    case 'fixed':
      return a.length === (b as FixedType).length
    case 'geometry':
      return a.crs === (b as GeometryType).crs
    case 'geography':
      return a.crs === (b as GeographyType).crs && a.algorithm === (b as GeographyType).algorithm
    case 'list': {
      const l = b as ListType
      return a.elementId === l.elementId && a.elementRequired === l.elementRequired && typeEquals(a.element, l.element)
    }
    case 'map': {
      const m = b as MapType
      return (
        a.keyId === m.keyId &&
        a.valueId === m.valueId &&
        a.valueRequired === m.valueRequired &&
        typeEquals(a.key, m.key) &&
        typeEquals(a.value, m.value)
      )
    }
    case 'struct': {
      const s = b as StructType
      return a.fields.length === s.fields.length && a.fields.every((f, i) => fieldEquals(f, s.fields[i]!))
    }
    default:
      return true
  }
}

/** Field equality: id, name, requiredness, type and doc (defaults are compared by the caller if needed). */
export function fieldEquals(a: NestedField, b: NestedField): boolean {
  return a.id === b.id && a.name === b.name && a.required === b.required && a.doc === b.doc && typeEquals(a.type, b.type)
}

/** Smallest number of bytes that holds any unscaled value of decimal precision `p` (spec minBytes). */
export function decimalRequiredBytes(precision: number): number {
  let bytes = 1
  const max = 10n ** BigInt(precision) - 1n
  while (2n ** BigInt(8 * bytes - 1) <= max) bytes++
  return bytes
}

/**
 * Whether a column of type `from` may be read as `to` (spec type promotion):
 * int→long, float→double, decimal(P,S)→decimal(P',S) with P'≥P, and v3 date→timestamp(_ns), unknown→any.
 */
export function isPromotionAllowed(from: IcebergType, to: IcebergType, formatVersion = 2): boolean {
  if (typeEquals(from, to)) return true
  if (from.kind === 'int' && to.kind === 'long') return true
  if (from.kind === 'float' && to.kind === 'double') return true
  if (from.kind === 'decimal' && to.kind === 'decimal') return to.scale === from.scale && to.precision >= from.precision
  if (formatVersion >= 3) {
    if (from.kind === 'unknown') return true
    if (from.kind === 'date' && (to.kind === 'timestamp' || to.kind === 'timestamp_ns')) return true
  }
  return false
}
