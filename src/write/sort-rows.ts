// Sorting rows within the files of one write by the table's sort order (Java's SortOrderComparators):
// each key is the transform of a source column, compared in Iceberg order with the field's direction and
// null order; NaN sorts as Iceberg orders floats.
import { UnsupportedError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { indexSchema, type Schema } from '../spec/schema.js'
import type { SortOrder } from '../spec/sort-order.js'
import { resultType, transformToString } from '../spec/transform.js'
import { applyTransform } from '../spec/transform-apply.js'
import { isPrimitive, type PrimitiveType, type Value } from '../spec/types.js'
import { compareValues } from '../spec/values.js'

/** A comparator of coerced rows for `order` over `schema` (sort keys on primitive columns only). */
export function sortComparator(schema: Schema, order: SortOrder): (a: Row, b: Row) => number {
  const idx = indexSchema(schema)
  const keys = order.fields.map((f) => {
    const e = idx.byId.get(f.sourceId)
    if (!e || !isPrimitive(e.field.type)) throw new UnsupportedError(`Cannot sort by ${transformToString(f.transform)}(${f.sourceId}): not a primitive column of the current schema`)
    const names = [...e.parentIds.map((id) => idx.byId.get(id)!.field.name), e.field.name]
    const source = e.field.type as PrimitiveType
    const type = resultType(f.transform, source) as PrimitiveType
    const get = (row: Row): Value => {
      let v: Value = row[names[0]!] ?? null
      for (let i = 1; i < names.length && v !== null; i++) v = (v as Readonly<Record<string, Value>>)[names[i]!] ?? null
      return applyTransform(f.transform, source, v)
    }
    return { get, type, sign: f.direction === 'asc' ? 1 : -1, nullsFirst: f.nullOrder === 'nulls-first' }
  })
  return (a, b) => {
    for (const k of keys) {
      const x = k.get(a)
      const y = k.get(b)
      if (x === null || y === null) {
        if (x === y) continue
        return (x === null) === k.nullsFirst ? -1 : 1
      }
      const c = compareValues(k.type, x, y)
      if (c !== 0) return k.sign * c
    }
    return 0
  }
}
