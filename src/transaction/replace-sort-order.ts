// Replace the default sort order (Java BaseReplaceSortOrder): sort keys are bound to the schema when they
// are added; like Java, a retry re-applies them to the refreshed table, checked against its current schema.
import { ValidationError } from '../errors.js'
import type { Schema } from '../spec/schema.js'
import { checkSortOrder, type NullOrder, type SortDirection, type SortField, type SortOrder } from '../spec/sort-order.js'
import { currentSchema, defaultSortOrder, type TableMetadata } from '../spec/table-metadata.js'
import { transformToString, type Transform } from '../spec/transform.js'

export { checkSortOrder } from '../spec/sort-order.js'
import { bindTerm, type EvolutionUpdate, type Term } from './evolution.js'
import type { ChangeSet, CommitContext } from './pending-update.js'

/** Options of a sort order replacement. */
export interface ReplaceSortOrderOptions {
  /** Resolve column names case-insensitively; default true. */
  readonly caseSensitive?: boolean
}

const NULL_ORDERS: ReadonlySet<string> = new Set(['nulls-first', 'nulls-last'])

/** A pending sort order replacement; no keys means unsorted (order id 0). Build it with Transaction.replaceSortOrder. */
export class ReplaceSortOrder implements EvolutionUpdate {
  readonly kind = 'replace-sort-order'
  private readonly schema: Schema
  private readonly fields: SortField[] = []
  private caseSensitiveNames: boolean
  private sealed = false

  constructor(
    /** The table version (with earlier evolutions of the transaction) the keys are bound to. */
    readonly base: TableMetadata,
    opts: ReplaceSortOrderOptions = {},
  ) {
    this.schema = currentSchema(base)
    this.caseSensitiveNames = opts.caseSensitive ?? true
  }

  /** Resolve column names case-sensitively (default) or not. */
  caseSensitive(caseSensitive: boolean): this {
    this.touch()
    this.caseSensitiveNames = caseSensitive
    return this
  }

  /** Sort ascending by a column or a transform of one; nulls first by default (Java). */
  asc(term: Term, nullOrder?: NullOrder): this
  /** Sort ascending by `transform(source)`. */
  asc(transform: Transform, source: string, nullOrder?: NullOrder): this
  asc(a: Term | Transform, b?: string, c?: NullOrder): this {
    return this.add('asc', a, b, c, 'nulls-first')
  }

  /** Sort descending by a column or a transform of one; nulls last by default (Java). */
  desc(term: Term, nullOrder?: NullOrder): this
  /** Sort descending by `transform(source)`. */
  desc(transform: Transform, source: string, nullOrder?: NullOrder): this
  desc(a: Term | Transform, b?: string, c?: NullOrder): this {
    return this.add('desc', a, b, c, 'nulls-last')
  }

  private add(direction: SortDirection, a: Term | Transform, b: string | undefined, c: NullOrder | undefined, dflt: NullOrder): this {
    this.touch()
    const isTransform = typeof a === 'object' && 'kind' in a
    const term: Term = isTransform ? { transform: a, source: b ?? '' } : a
    const nullOrder = (isTransform ? c : (b as NullOrder | undefined)) ?? dflt
    if (!NULL_ORDERS.has(nullOrder)) throw new ValidationError(`Invalid null order ${String(nullOrder)}: expected nulls-first or nulls-last`)
    const bound = bindTerm(this.schema, term, this.caseSensitiveNames, 'sort')
    this.fields.push({ sourceId: bound.sourceId, transform: bound.transform, direction, nullOrder })
    return this
  }

  /** The new order (order id assigned at commit; 0 when unsorted). */
  result(): SortOrder {
    return { orderId: this.fields.length ? 1 : 0, fields: [...this.fields] }
  }

  /** `add-sort-order` + `set-default-sort-order` (last added), re-validated against `m`'s current schema. */
  changes(m: TableMetadata): ChangeSet {
    this.sealed = true
    const order = this.result()
    checkSortOrder(order, currentSchema(m))
    const requirements: ChangeSet['requirements'] = [{ type: 'assert-default-sort-order-id', defaultSortOrderId: m.defaultSortOrderId }]
    if (sameFields(order, defaultSortOrder(m))) return { updates: [], requirements }
    return { updates: [{ action: 'add-sort-order', sortOrder: order }, { action: 'set-default-sort-order', sortOrderId: -1 }], requirements }
  }

  /** The commit-time changes. */
  async apply(m: TableMetadata, _ctx: CommitContext): Promise<ChangeSet> {
    return this.changes(m)
  }

  /** Seal the update (called when it joins a transaction); later edits throw. */
  seal(): this {
    this.sealed = true
    return this
  }

  private touch(): void {
    if (this.sealed) throw new ValidationError('This sort order replacement was already added to a transaction; start a new one to make more changes')
  }
}

function sameFields(a: SortOrder, b: SortOrder): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!
      return f.sourceId === g.sourceId && f.direction === g.direction && f.nullOrder === g.nullOrder && transformToString(f.transform) === transformToString(g.transform)
    })
  )
}
