// Spec §Sorting: sort orders.
import { ValidationError } from '../errors.js'
import { insideListOrMap, lookupFields, type Schema } from './schema.js'
import { canTransform, transformToString, type Transform } from './transform.js'
import { isPrimitive, typeToString } from './types.js'

/** asc or desc. */
export type SortDirection = 'asc' | 'desc'
/** Where nulls sort. */
export type NullOrder = 'nulls-first' | 'nulls-last'

/** One sort key: a transform of a source column with direction and null order. */
export interface SortField {
  readonly sourceId: number
  readonly sourceIds?: readonly number[]
  readonly transform: Transform
  readonly direction: SortDirection
  readonly nullOrder: NullOrder
}

/** A sort order; id 0 is reserved for "unsorted". */
export interface SortOrder {
  readonly orderId: number
  readonly fields: readonly SortField[]
}

/** The unsorted order (id 0, no fields). */
export const unsorted: SortOrder = Object.freeze({ orderId: 0, fields: Object.freeze([]) })

/** True when the order has no fields. */
export function isUnsorted(o: SortOrder): boolean {
  return o.fields.length === 0
}

/** Java SortOrder.checkCompatibility: every source exists, is a primitive outside lists and maps, and the transform applies. */
export function checkSortOrder(order: SortOrder, schema: Schema): void {
  const l = lookupFields(schema.fields)
  for (const f of order.fields) {
    const src = l.byId.get(f.sourceId)
    const what = `${transformToString(f.transform)}(${f.sourceId}) ${f.direction} ${f.nullOrder}`
    if (!src) throw new ValidationError(`Cannot find source column for sort field: ${what}`)
    const name = l.names.get(f.sourceId)!
    if (!isPrimitive(src.type)) throw new ValidationError(`Cannot sort by non-primitive source field: ${typeToString(src.type)} (column ${name})`, { context: { field: name } })
    if (insideListOrMap(l, f.sourceId)) throw new ValidationError(`Cannot sort by ${name}: it is nested in a list or map`, { context: { field: name } })
    if (!canTransform(f.transform, src.type))
      throw new ValidationError(`Invalid source type ${typeToString(src.type)} for transform: ${transformToString(f.transform)} (column ${name})`, { context: { field: name } })
  }
}
