// Spec §Equality Delete Files: read the `equality_ids` columns of a delete file (by field id; other columns are
// ignored; renamed columns resolve by id; type promotions apply) into a key set, and match data rows against it:
// a row is deleted when it equals some delete row on every equality column (null matches null).
import { FloeError, InvalidArgumentError } from '../errors.js'
import type { ByteSource, ParquetReader, Row } from '../parquet/codec.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { findField, indexSchema, schema, selectFields, type Schema } from '../spec/schema.js'
import type { NestedField, PrimitiveType, Value } from '../spec/types.js'
import { bytesToHex, describeValue } from '../spec/values.js'
import { checkDeleteRowCount } from './position-deletes.js'

/** The distinct equality keys of one or more delete files sharing the same `equality_ids`. */
export interface EqualityDeleteSet {
  readonly fieldIds: readonly number[]
  /** Table fields (types) of the equality columns, in `fieldIds` order. */
  readonly fields: readonly NestedField[]
  /** Encoded keys (see {@link equalityKey}). */
  readonly keys: ReadonlySet<string>
}

/** Tests data rows against an equality delete set. */
export interface EqualityMatcher {
  readonly fieldIds: readonly number[]
  /** True when `row` equals some delete row on every equality column. */
  matches(row: Row): boolean
}

const SEP = '\u0001'

/**
 * Encode one value of a primitive type so that equal keys ⇔ equal values under floe value equality:
 * exact bigints, floats by their total-order identity (−0 ≠ 0, NaN = NaN), strings quoted, bytes as hex.
 */
export function equalityKeyPart(type: PrimitiveType, v: Value): string {
  if (v === null) return 'N'
  switch (typeof v) {
    case 'bigint':
      return `${v}`
    case 'number':
      return (type.kind === 'float' || type.kind === 'double') && Object.is(v, -0) ? '-0' : `${v}`
    case 'boolean':
      return v ? 'T' : 'F'
    case 'string':
      return JSON.stringify(v)
    default:
      if (v instanceof Uint8Array) return `x${bytesToHex(v)}`
      throw new InvalidArgumentError(`Equality delete column of type ${type.kind} cannot hold ${describeValue(v)}`)
  }
}

/** The key of a tuple of equality values. */
export function equalityKey(fields: readonly NestedField[], values: readonly Value[]): string {
  let k = ''
  for (let i = 0; i < fields.length; i++) {
    if (i) k += SEP
    k += equalityKeyPart(fields[i]!.type as PrimitiveType, values[i] ?? null)
  }
  return k
}

/** Accessor of a (possibly nested) field of a row projected with `s`, by field id. */
function accessor(s: Schema, id: number): (row: Row) => Value {
  const idx = indexSchema(s)
  const entry = idx.byId.get(id)
  if (!entry) throw new InvalidArgumentError(`Equality field id ${id} is not in the projected schema; project it to apply equality deletes`)
  const names: string[] = []
  for (const pid of entry.parentIds) {
    const p = idx.byId.get(pid)!.field
    if (p.type.kind !== 'struct') throw new InvalidArgumentError(`Equality field ${entry.name} is nested in a ${p.type.kind}`)
    names.push(p.name)
  }
  names.push(entry.field.name)
  if (names.length === 1) {
    const n = names[0]!
    return (row) => row[n] ?? null
  }
  return (row) => {
    let v: Value = row as Value
    for (const n of names) {
      if (v === null || typeof v !== 'object') return null
      v = (v as Row)[n] ?? null
    }
    return v
  }
}

/** `schemas` in lookup order: the first (the read schema) first, then the others newest (highest schema id) first. */
function lookupOrder(schemas: readonly Schema[]): Schema[] {
  const [first, ...rest] = schemas
  return first ? [first, ...[...rest].sort((a, b) => b.schemaId - a.schemaId)] : []
}

/** A name not yet used by `fields` (a column dropped and re-added under its old name keeps both apart). */
function freeName(fields: readonly NestedField[], name: string, id: number): string {
  let n = name
  for (let i = 0; fields.some((f) => f.name === n); i++) n = `${name}#${id}${i ? `.${i}` : ''}`
  return n
}

/** Merge the single-path field `add` into `fields`: structs with the same id are merged child by child. */
function mergeField(fields: readonly NestedField[], add: NestedField): NestedField[] {
  const i = fields.findIndex((f) => f.id === add.id)
  if (i < 0) return [...fields, { ...add, name: freeName(fields, add.name, add.id) }]
  const have = fields[i]!
  if (have.type.kind !== 'struct' || add.type.kind !== 'struct') return [...fields]
  const kids = add.type.fields.reduce((acc: readonly NestedField[], k) => mergeField(acc, k), have.type.fields)
  const out = [...fields]
  out[i] = { ...have, type: { kind: 'struct', fields: kids } }
  return out
}

/**
 * `base` extended with the equality columns it lacks (dropped since the delete was written), each taken from
 * the newest schema of `schemas` holding it, as Java's delete filter looks a field up in the current schema and
 * then the older ones. An added column whose name `base` already uses gets a free name (`name#id`); columns
 * resolve by id when reading, so the name only keys the rows.
 */
export function withEqualityColumns(base: Schema, ids: Iterable<number>, schemas: readonly Schema[], file?: string): Schema {
  const missing = [...new Set(ids)].filter((id) => !findField(base, id))
  if (missing.length === 0) return base
  const order = lookupOrder(schemas)
  let fields: readonly NestedField[] = base.fields
  for (const id of missing) {
    const from = order.find((s) => findField(s, id))
    if (!from) throw new FloeError('INVALID_METADATA', `Equality field id ${id} is not in any table schema`, { context: { ...(file ? { file } : {}), field: String(id) } })
    for (const f of selectFields(from, new Set([id])).fields) fields = mergeField(fields, f)
  }
  return { ...base, fields }
}

/** The schema that projects `ids`: from the first schema where it holds them, else each from the newest schema holding it. */
function equalityProjection(ids: readonly number[], schemas: readonly Schema[], file: string): { projection: Schema; fields: NestedField[] } {
  const full = withEqualityColumns(schemas[0] ?? schema([]), ids, schemas, file)
  return { projection: selectFields(full, new Set(ids)), fields: ids.map((id) => findField(full, id)!) }
}

/** Options for reading equality delete files. */
export interface EqualityDeleteOptions {
  readonly reader?: ParquetReader
  readonly signal?: AbortSignal
  /** The file's manifest record_count: fewer rows fail with INVALID_DATA (see PositionDeleteOptions.recordCount). */
  readonly recordCount?: bigint
}

/**
 * Read an equality delete file. `schemas` give the equality columns' types: the current schema first, then
 * older ones (a dropped column still applies). Keys are added to `into` when given (files with equal ids).
 */
export async function readEqualityDeletes(
  source: ByteSource,
  equalityIds: readonly number[],
  schemas: Schema | readonly Schema[],
  opts: EqualityDeleteOptions = {},
  into?: Set<string>,
): Promise<EqualityDeleteSet> {
  const file = source.path
  if (equalityIds.length === 0) throw new FloeError('INVALID_METADATA', 'Equality delete file has no equality_ids', { context: { file } })
  const list = Array.isArray(schemas) ? (schemas as readonly Schema[]) : [schemas as Schema]
  const { projection, fields } = equalityProjection(equalityIds, list, file)
  for (const f of fields) {
    if (f.type.kind === 'struct' || f.type.kind === 'list' || f.type.kind === 'map')
      throw new FloeError('INVALID_METADATA', `Equality field ${f.name} must be a primitive, not ${f.type.kind}`, { context: { file, field: f.name } })
  }
  const get = equalityIds.map((id) => accessor(projection, id))
  const keys = into ?? new Set<string>()
  const values = new Array<Value>(get.length)
  const reader = opts.reader ?? hyparquetReader
  let rows = 0
  for await (const batch of reader.readBatches(source, { schema: projection, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    rows += batch.rows.length
    for (const row of batch.rows) {
      for (let i = 0; i < get.length; i++) values[i] = get[i]!(row)
      keys.add(equalityKey(fields, values))
    }
  }
  checkDeleteRowCount(file, rows, opts.recordCount)
  return { fieldIds: [...equalityIds], fields, keys }
}

/** A matcher for data rows projected with `dataSchema` (which must hold every equality column, by id). */
export function equalityMatcher(set: EqualityDeleteSet, dataSchema: Schema): EqualityMatcher {
  const get = set.fieldIds.map((id) => accessor(dataSchema, id))
  const types = set.fields.map((f) => f.type as PrimitiveType)
  const keys = set.keys
  if (get.length === 1) {
    const g = get[0]!
    const t = types[0]!
    return { fieldIds: set.fieldIds, matches: (row) => keys.has(equalityKeyPart(t, g(row))) }
  }
  return {
    fieldIds: set.fieldIds,
    matches: (row) => {
      let k = ''
      for (let i = 0; i < get.length; i++) {
        if (i) k += SEP
        k += equalityKeyPart(types[i]!, get[i]!(row))
      }
      return keys.has(k)
    },
  }
}
