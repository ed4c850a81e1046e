// Spec §Equality Delete Files: read the `equality_ids` columns of a delete file (by field id; other columns are
// ignored; renamed columns resolve by id; type promotions apply) into a key set, and match data rows against it:
// a row is deleted when it equals some delete row on every equality column (null matches null).
import { FloeError, InvalidArgumentError } from '../errors.js'
import type { ByteSource, ParquetReader, Row } from '../parquet/codec.js'
import { hyparquetReader } from '../parquet/hyparquet-reader.js'
import { findField, indexSchema, schema, selectFields, type Schema } from '../spec/schema.js'
import type { NestedField, PrimitiveType, Value } from '../spec/types.js'
import { bytesToHex, describeValue } from '../spec/values.js'

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

/** The schema that projects `ids` from the first schema holding all of them (else top-level fields from any). */
function equalityProjection(ids: readonly number[], schemas: readonly Schema[], file: string): { projection: Schema; fields: NestedField[] } {
  const all = schemas.find((s) => ids.every((id) => findField(s, id)))
  if (all) return { projection: selectFields(all, new Set(ids)), fields: ids.map((id) => findField(all, id)!) }
  const fields = ids.map((id) => {
    for (const s of schemas) {
      const f = s.fields.find((x) => x.id === id)
      if (f) return f
    }
    throw new FloeError('INVALID_METADATA', `Equality field id ${id} is not in any table schema`, { context: { file, field: String(id) } })
  })
  return { projection: schema(fields), fields }
}

/** Options for reading equality delete files. */
export interface EqualityDeleteOptions {
  readonly reader?: ParquetReader
  readonly signal?: AbortSignal
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
  for await (const batch of reader.readBatches(source, { schema: projection, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    for (const row of batch.rows) {
      for (let i = 0; i < get.length; i++) values[i] = get[i]!(row)
      keys.add(equalityKey(fields, values))
    }
  }
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
