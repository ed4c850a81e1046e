// Arrow write input checked type by type (as PyIceberg and Spark check a DataFrame's schema): an Arrow column
// goes into a table column only when every value of its Arrow type has exactly one value of the column's type.
// A Float64 column is refused by a `float` column (rounding), an Int64 by `int` or `timestamp` (a range check
// or a guessed unit), Utf8 by `date` or `uuid` (text parsing). Widening is allowed (Int32 → long, Float32 →
// double, Float16 → float or double, FixedSizeBinary → binary), and so are the conversions the coercer makes exactly or refuses value by
// value: timestamp and time units, and decimals rescaled by value. Columns match by name, as the coercer
// matches rows; nullability is checked value by value (a nullable Arrow column without nulls fits a required
// column), but a required column the Arrow input lacks altogether is refused here. Arrow types without any
// exact Iceberg value (Uint64, list views, unions) are left to the reader, which refuses them as UNSUPPORTED.
import { DataType, Precision, type Field, type Schema as ArrowSchema } from 'apache-arrow'
import { typeToString, type IcebergType, type NestedField } from '../spec/types.js'
import type { Schema } from '../spec/schema.js'
import { InvalidDataError } from '../write/coerce.js'
import { EXTENSION_NAME_KEY, VARIANT_EXTENSION } from './schema.js'

/**
 * Check that every column of an Arrow schema can be written to the table schema: INVALID_DATA naming the
 * source and the column otherwise (a column the table lacks, a column named twice, a type that would change
 * values, or a required column without a write default that the Arrow input lacks, at any struct level).
 */
export function checkArrowInputSchema(arrow: ArrowSchema, schema: Schema, source: string): void {
  checkFields(arrow.fields, schema.fields, undefined, source)
}

function checkFields(arrowFields: readonly Field[], fields: readonly NestedField[], prefix: string | undefined, source: string): void {
  const byName = new Map(fields.map((f) => [f.name, f]))
  const seen = new Set<string>()
  for (const a of arrowFields) {
    const column = prefix === undefined ? a.name : `${prefix}.${a.name}`
    // two Arrow columns of one name would both land in one table column, the later winning silently
    if (seen.has(a.name)) throw mismatch(source, column, `the Arrow input has more than one column named ${JSON.stringify(a.name)}`)
    seen.add(a.name)
    const f = byName.get(a.name)
    if (!f) throw mismatch(source, column, 'no such column in the table schema')
    checkType(a, f.type, column, source, prefix === undefined)
  }
  // a required column the input lacks (and no write default fills) fails every row: refused up front, so that
  // input without rows (an empty overwrite) cannot pass either (as PyIceberg's schema compatibility check)
  for (const f of fields) {
    if (f.required && f.writeDefault === undefined && !seen.has(f.name))
      throw mismatch(source, prefix === undefined ? f.name : `${prefix}.${f.name}`, 'the column is required (and has no write default) but the Arrow input has no column of that name')
  }
}

/** Top-level Utf8 columns of `arrow` that go into binary columns of `schema` (written as their UTF-8 bytes). */
export function textColumnsForBinary(arrow: ArrowSchema, schema: Schema): string[] {
  const kinds = new Map(schema.fields.map((f) => [f.name, f.type.kind]))
  return arrow.fields.filter((a) => kinds.get(a.name) === 'binary' && isText(DataType.isDictionary(a.type) ? a.type.dictionary : a.type)).map((a) => a.name)
}

function isText(t: DataType): boolean {
  return DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isUtf8View(t)
}

function checkType(a: Field, t: IcebergType, column: string, source: string, top = false): void {
  const why = incompatibility(a, a.type, t, column, source, top)
  if (why !== undefined) throw mismatch(source, column, why)
}

// Why a value of Arrow type `at` cannot be written to `t` (undefined when it can, or when only the reader can tell).
function incompatibility(a: Field, at: DataType, t: IcebergType, column: string, source: string, top: boolean): string | undefined {
  const refuse = (): string => `Arrow type ${String(at)} cannot be written to a ${typeToString(t)} column (floe takes only Arrow types whose every value the column holds as it is); cast it in Arrow first`
  if (DataType.isNull(at)) return undefined // only nulls: checked value by value
  if (DataType.isDictionary(at)) return incompatibility(a, at.dictionary, t, column, source, top)
  if (DataType.isBool(at)) return t.kind === 'boolean' ? undefined : refuse()
  if (DataType.isInt(at)) {
    if (at.bitWidth === 64 && !at.isSigned) return undefined // the reader refuses Uint64 (UNSUPPORTED)
    const fitsInt = at.isSigned ? at.bitWidth <= 32 : at.bitWidth <= 16
    if (t.kind === 'long' || (t.kind === 'int' && fitsInt)) return undefined
    return refuse()
  }
  if (DataType.isFloat(at)) {
    if (t.kind === 'double' || (t.kind === 'float' && at.precision !== Precision.DOUBLE)) return undefined
    return refuse()
  }
  // decimals rescale by value: a nonzero dropped digit or too many digits fails the row
  if (DataType.isDecimal(at)) return t.kind === 'decimal' ? undefined : refuse()
  if (DataType.isDate(at)) return t.kind === 'date' ? undefined : refuse()
  // time units convert exactly or fail the row
  if (DataType.isTime(at)) return t.kind === 'time' ? undefined : refuse()
  if (DataType.isTimestamp(at)) {
    const zoned = at.timezone !== null && at.timezone !== undefined && at.timezone !== ''
    if (t.kind === 'timestamptz' || t.kind === 'timestamptz_ns') return zoned ? undefined : `a timestamp without zone cannot be written to a ${typeToString(t)} column (as in PyIceberg); give the Arrow type a zone, e.g. UTC`
    if (t.kind === 'timestamp' || t.kind === 'timestamp_ns') return zoned ? `a timestamp with zone ${at.timezone} cannot be written to a ${typeToString(t)} column (as in PyIceberg); write it to timestamptz, or drop the zone in Arrow` : undefined
    return refuse()
  }
  // text into a top-level binary column is written as its UTF-8 bytes (PyIceberg promotes string to binary)
  if (isText(at)) return t.kind === 'string' || (t.kind === 'binary' && top) ? undefined : refuse()
  if (DataType.isBinary(at) || DataType.isLargeBinary(at) || DataType.isBinaryView(at)) return t.kind === 'binary' || t.kind === 'geometry' || t.kind === 'geography' ? undefined : refuse()
  if (DataType.isFixedSizeBinary(at)) {
    if (t.kind === 'binary' || (t.kind === 'fixed' && t.length === at.byteWidth) || (t.kind === 'uuid' && at.byteWidth === 16)) return undefined
    return refuse()
  }
  if (DataType.isStruct(at)) {
    if (t.kind === 'variant') return isVariantStruct(a, at) ? undefined : refuse()
    if (t.kind !== 'struct') return refuse()
    checkFields(at.children, t.fields, column, source)
    return undefined
  }
  if (DataType.isList(at) || DataType.isLargeList(at) || DataType.isFixedSizeList(at)) {
    if (t.kind !== 'list') return refuse()
    const el = at.children[0]!
    checkType(el, t.element, `${column}.element`, source)
    return undefined
  }
  if (DataType.isMap(at)) {
    if (t.kind !== 'map') return refuse()
    const [key, value] = at.children[0]!.type.children as Field[]
    checkType(key!, t.key, `${column}.key`, source)
    checkType(value!, t.value, `${column}.value`, source)
    return undefined
  }
  // view types, unions, intervals, durations: the reader refuses them (UNSUPPORTED)
  return undefined
}

// A variant in Arrow: Struct<metadata: Binary, value: Binary>, tagged arrow.parquet.variant or not.
function isVariantStruct(a: Field, at: DataType): boolean {
  const tag = a.metadata.get(EXTENSION_NAME_KEY)
  if (tag !== undefined && tag !== VARIANT_EXTENSION) return false
  const names = at.children.map((c) => c.name).sort()
  return names.length === 2 && names[0] === 'metadata' && names[1] === 'value' && at.children.every((c) => DataType.isBinary(c.type) || DataType.isLargeBinary(c.type))
}

function mismatch(source: string, column: string, why: string): InvalidDataError {
  return new InvalidDataError(`Invalid data in ${source} column ${column}: ${why}`, { context: { file: source, field: column } })
}
