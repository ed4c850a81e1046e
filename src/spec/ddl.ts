// Text forms users type: a column list (`id bigint not null, ts timestamptz`), a partition list
// (`day(ts), bucket(16, id)`) and a sort list (`id desc nulls last`), parsed into floe values (the grammar
// is in ddl-parser.ts); columns are looked up exactly, else case-insensitively when only one matches.
import { InvalidArgumentError } from '../errors.js'
import type { Token } from './ddl-lexer.js'
import { Parser } from './ddl-parser.js'
import type { PartitionField, PartitionSpec } from './partition-spec.js'
import { fieldName, lookupFields, type Schema } from './schema.js'
import type { SortField, SortOrder } from './sort-order.js'
import { defaultPartitionName, transformToString, type Transform } from './transform.js'
import type { IcebergType } from './types.js'

// ---------------------------------------------------------------------------------------------------------
// Column lookup

/** The field id for a column path: the exact full name, else the only case-insensitive match. */
function resolve(schema: Schema, path: readonly string[], at: Token, p: Parser): number {
  const l = lookupFields(schema.fields)
  const name = path.join('.')
  const exact = l.byName.get(name)
  if (exact !== undefined) return exact
  const lower = name.toLowerCase()
  const ids = [...new Set([...l.byName].filter(([k]) => k.toLowerCase() === lower).map(([, id]) => id))]
  if (ids.length === 1) return ids[0]!
  if (ids.length > 1) p.refuse(`Ambiguous column ${name}: it matches ${ids.map((id) => l.names.get(id)!).join(', ')} when case is ignored`, at)
  return p.refuse(`Unknown column ${name} (columns: ${schema.fields.map((x) => x.name).join(', ')})`, at)
}

const TIME_KINDS: ReadonlySet<string> = new Set(['year', 'month', 'day', 'hour'])

// ---------------------------------------------------------------------------------------------------------
// Public entry points

/**
 * Parse a column list: `name type [not null] [comment '…']`, comma-separated. Names may be quoted with
 * backticks or double quotes (a doubled quote inside stands for one); ids are provisional (unique, assigned
 * in order) and are reassigned when the table is created.
 */
export function parseColumns(text: string): Schema {
  if (/^[\s,]*$/.test(text)) throw new InvalidArgumentError('A schema needs at least one column')
  const p = new Parser(text, 'column list')
  const fields = p.commaList(() => p.column(false), 'a column')
  return { schemaId: 0, fields, identifierFieldIds: [] }
}

/** Parse a column type as written after a column name: the type, whether `not null` follows and the `comment '…'`. */
export function parseColumnType(text: string): { type: IcebergType; required: boolean; doc?: string } {
  const p = new Parser(text, 'type')
  const t = p.typedColumn()
  p.expectEnd('the end of the type (not null and comment may follow it)')
  return t
}

/** Parse a dotted column path into its names: `st.x` is [st, x]; a quoted part keeps its dots (`` `a.b` `` is [a.b]). */
export function parseColumnPath(text: string): string[] {
  const p = new Parser(text, 'column name')
  const path = p.path()
  p.expectEnd('"." or the end of the column name')
  return path
}

/** Parse one transform term without looking up its column: the transform and the column path as typed. */
export function parseUnboundTerm(text: string): { transform: Transform; path: string[] } {
  const p = new Parser(text, 'transform term')
  const { transform, path } = p.term()
  p.expectEnd('the end of the term')
  return { transform, path: [...path] }
}

/**
 * Parse one transform term over `schema`: `day(ts)` (or `days(ts)`), `bucket(16, id)` (or `bucket(id, 16)`),
 * `truncate(4, name)`, `identity(x)` or a bare column. The column matches exactly, else case-insensitively
 * when only one column matches; `sourceName` is the column's full name in the schema.
 */
export function parseTransformTerm(schema: Schema, term: string): { transform: Transform; sourceId: number; sourceName: string } {
  const p = new Parser(term, 'transform term')
  const t = p.term()
  p.expectEnd('the end of the term')
  const sourceId = resolve(schema, t.path, t.at, p)
  return { transform: t.transform, sourceId, sourceName: fieldName(schema, sourceId)! }
}

/**
 * Parse a partition list into a spec over `schema` (field ids 1000, 1001, …) with Java's default names built
 * from the columns' full names; like Java's PartitionSpec.Builder, a name used twice or a second time
 * transform (or identity) of the same column is INVALID_ARGUMENT.
 */
export function parsePartitionSpec(schema: Schema, text: string): PartitionSpec {
  const p = new Parser(text, 'partition list')
  const terms = p.commaList(() => p.term(), 'a partition term')
  const names = new Set<string>()
  const dedup = new Map<string, PartitionField>()
  const describe = (f: PartitionField): string => `${f.fieldId}: ${f.name}: ${transformToString(f.transform)}(${f.sourceId})`
  const fields = terms.map((t, i): PartitionField => {
    const sourceId = resolve(schema, t.path, t.at, p)
    const name = defaultPartitionName(t.transform, fieldName(schema, sourceId)!)
    const field: PartitionField = { sourceId, fieldId: 1000 + i, name, transform: t.transform }
    if (names.has(name)) p.refuse(`Cannot use partition name more than once: ${name}`, t.at)
    names.add(name)
    const kind = TIME_KINDS.has(t.transform.kind) ? 'time' : t.transform.kind === 'identity' ? 'identity' : undefined
    if (kind) {
      const key = `${sourceId}|${kind}`
      const other = dedup.get(key)
      if (other) p.refuse(`Cannot add redundant partition: ${describe(other)} conflicts with ${describe(field)}`, t.at)
      dedup.set(key, field)
    }
    return field
  })
  return { specId: 0, fields }
}

/** Parse a sort list: `id desc nulls last, day(ts)` (asc and nulls-first for asc / nulls-last for desc by default). */
export function parseSortOrder(schema: Schema, text: string): SortOrder {
  const p = new Parser(text, 'sort list')
  const items = p.commaList(() => p.sortItem(), 'a sort term')
  const fields: SortField[] = items.map((t) => ({ sourceId: resolve(schema, t.path, t.at, p), transform: t.transform, direction: t.direction, nullOrder: t.nullOrder }))
  return { orderId: fields.length ? 1 : 0, fields }
}
