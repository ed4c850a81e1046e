// Replace the default sort order (Java BaseReplaceSortOrder): sort keys are bound to the schema when they
// are added; like Java, a retry re-applies them to the refreshed table, checked against its current schema.
import { ValidationError } from '../errors.js'
import type { Schema } from '../spec/schema.js'
import type { NullOrder, SortDirection, SortField, SortOrder } from '../spec/sort-order.js'
import { currentSchema, defaultSortOrder, type TableMetadata } from '../spec/table-metadata.js'
import { canTransform, transformToString, type Transform } from '../spec/transform.js'
import { isPrimitive, typeToString } from '../spec/types.js'
import { bindTerm, type EvolutionUpdate, type Term } from './evolution.js'
import type { ChangeSet, CommitContext } from './pending-update.js'
import { insideListOrMap, lookupFields } from './schema-changes.js'

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
