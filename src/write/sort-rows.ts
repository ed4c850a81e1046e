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

/** Estimated bytes of sort buffer per run of a sorted write (floe's bound; Java leaves sorting to the engine, which spills). */
export const DEFAULT_SORT_RUN_BYTES = 128 * 1024 * 1024

/** Rough heap size of a coerced value in bytes (bounds a sort buffer; not exact). */
export function estimateValueBytes(v: unknown): number {
  if (v === null || v === undefined) return 8
  switch (typeof v) {
    case 'string':
      return 16 + 2 * v.length
    case 'bigint':
      return 24
    case 'object': {
      if (v instanceof Uint8Array) return 64 + v.length
      if (Array.isArray(v)) {
        let n = 16
        for (const x of v) n += 8 + estimateValueBytes(x)
        return n
      }
      if (v instanceof Map) {
        let n = 64
        for (const [k, x] of v) n += 16 + estimateValueBytes(k) + estimateValueBytes(x)
        return n
      }
      let n = 32
      for (const k in v) n += 8 + estimateValueBytes((v as Record<string, unknown>)[k])
      return n
    }
    default:
      return 8
  }
}

/**
 * Coerced rows in sorted runs: rows are buffered until their estimated size reaches `runBytes`, and each run
 * is sorted (stably) and yielded, so a sorted write of any size holds one run at a time. Each run's files are
 * sorted; files of different runs may overlap in key range, as files of different Spark tasks do.
 * `each(n)` is called with every input row's 1-based number before it is coerced (abort checks).
 */
export async function* sortedRuns(rows: AsyncIterable<unknown> | Iterable<unknown>, coerce: (input: unknown, n: number) => Row, compare: (a: Row, b: Row) => number, runBytes: number, each?: (n: number) => void): AsyncGenerator<Row[]> {
  let run: Row[] = []
  let bytes = 0
  let n = 0
  for await (const input of rows) {
    each?.(++n)
    const row = coerce(input, n)
    run.push(row)
    bytes += estimateValueBytes(row)
    if (bytes >= runBytes) {
      yield run.sort(compare)
      run = []
      bytes = 0
    }
  }
  if (run.length > 0) yield run.sort(compare)
}
