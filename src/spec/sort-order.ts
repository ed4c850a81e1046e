// Spec §Sorting: sort orders.
import type { Transform } from './transform.js'

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
