// `readable_metrics` of the file metadata tables (Java MetricsUtil): per leaf column of the current schema,
// a struct of its size, value/null/NaN counts and its lower/upper bounds decoded to the column's type.
import { wrapError } from '../errors.js'
import type { DataFile } from '../spec/manifest.js'
import type { Schema } from '../spec/schema.js'
import { fromBinary } from '../spec/single-value.js'
import type { IcebergType, NestedField, PrimitiveType, StructValue, Value } from '../spec/types.js'

/** Name of the readable metrics column. */
export const READABLE_METRICS = 'readable_metrics'

const COUNT_METRICS = ['column_size', 'value_count', 'null_value_count', 'nan_value_count'] as const

/** A leaf column: full dotted name (`s.a`, `l.element`, `m.key`), id and type. */
interface Leaf {
  readonly name: string
  readonly id: number
  readonly type: PrimitiveType
}

// Java calls a type primitive unless it is a struct, list, map or variant
const isLeafType = (t: IcebergType): t is PrimitiveType => t.kind !== 'struct' && t.kind !== 'list' && t.kind !== 'map' && t.kind !== 'variant'

/** Every named field of a schema in the order Java's name index adds them (children before parents). */
function postOrder(schema: Schema): Array<{ name: string; id: number; type: IcebergType }> {
  const out: Array<{ name: string; id: number; type: IcebergType }> = []
  const visit = (t: IcebergType, prefix: string): void => {
    if (t.kind === 'struct') {
      for (const f of t.fields) {
        const name = prefix ? `${prefix}.${f.name}` : f.name
        visit(f.type, name)
        out.push({ name, id: f.id, type: f.type })
      }
    } else if (t.kind === 'list') {
      visit(t.element, `${prefix}.element`)
      out.push({ name: `${prefix}.element`, id: t.elementId, type: t.element })
    } else if (t.kind === 'map') {
      visit(t.key, `${prefix}.key`)
      visit(t.value, `${prefix}.value`)
      out.push({ name: `${prefix}.key`, id: t.keyId, type: t.key }, { name: `${prefix}.value`, id: t.valueId, type: t.value })
    }
  }
  visit({ kind: 'struct', fields: schema.fields }, '')
  return out
}

/** Java's `String.hashCode`. */
function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/**
 * Leaf columns in the order Java visits them when numbering the readable metrics fields: the iteration
 * order of a default `java.util.HashMap` keyed by full name (bucket of the spread hash at the final
 * capacity, then insertion order within a bucket).
 */
function leavesInJavaOrder(schema: Schema): Leaf[] {
  const all = postOrder(schema)
  let capacity = 16
  while (all.length > capacity * 0.75) capacity *= 2
  const bucket = (name: string): number => {
    const h = javaStringHash(name)
    return (h ^ (h >>> 16)) & (capacity - 1)
  }
  return all
    .map((f, i) => ({ f, i, b: bucket(f.name) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .flatMap(({ f }) => (isLeafType(f.type) ? [{ name: f.name, id: f.id, type: f.type }] : []))
}

const byNameCache = new WeakMap<Schema, Leaf[]>()

/** Leaf columns sorted by full name, the order of the readable metrics struct (cached per schema). */
function leavesByName(schema: Schema): Leaf[] {
  let leaves = byNameCache.get(schema)
  if (!leaves) {
    leaves = postOrder(schema)
      .flatMap((f) => (isLeafType(f.type) ? [{ name: f.name, id: f.id, type: f.type }] : []))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    byNameCache.set(schema, leaves)
  }
  return leaves
}

/**
 * The `readable_metrics` column for a metadata table whose other fields use ids up to `highestId`: one
 * optional struct per leaf column of `dataSchema` (sorted by name), ids numbered after `highestId` as Java
 * numbers them.
 */
export function readableMetricsField(dataSchema: Schema, highestId: number): NestedField {
  let next = highestId
  const columns: NestedField[] = leavesInJavaOrder(dataSchema).map((leaf) => {
    const id = ++next
    const metric = (name: string, type: IcebergType): NestedField => ({ id: ++next, name, required: false, type })
    const fields = [...COUNT_METRICS.map((name) => metric(name, { kind: 'long' })), metric('lower_bound', leaf.type), metric('upper_bound', leaf.type)]
    return { id, name: leaf.name, required: false, type: { kind: 'struct', fields } }
  })
  columns.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { id: ++next, name: READABLE_METRICS, required: false, type: { kind: 'struct', fields: columns } }
}

/** Decode one bound to the column's type (null when absent, or when the type keeps no comparable single value). */
function bound(leaf: Leaf, bytes: Uint8Array | undefined, which: string, f: DataFile): Value {
  if (bytes === undefined) return null
  if (leaf.type.kind === 'unknown' || leaf.type.kind === 'geometry' || leaf.type.kind === 'geography') return null
  try {
    return fromBinary(leaf.type, bytes)
  } catch (e) {
    throw wrapError(e, 'INVALID_METADATA', `Cannot decode the ${which} of column ${leaf.name} in ${f.filePath}`, { file: f.filePath, field: leaf.name })
  }
}

/** The `readable_metrics` value of one file: its metrics per leaf column of `dataSchema`, by column name. */
export function readableMetrics(dataSchema: Schema, f: DataFile): StructValue {
  const out: Record<string, Value> = {}
  for (const leaf of leavesByName(dataSchema)) {
    out[leaf.name] = {
      column_size: f.columnSizes?.get(leaf.id) ?? null,
      value_count: f.valueCounts?.get(leaf.id) ?? null,
      null_value_count: f.nullValueCounts?.get(leaf.id) ?? null,
      nan_value_count: f.nanValueCounts?.get(leaf.id) ?? null,
      lower_bound: bound(leaf, f.lowerBounds?.get(leaf.id), 'lower bound', f),
      upper_bound: bound(leaf, f.upperBounds?.get(leaf.id), 'upper bound', f),
    }
  }
  return out
}
