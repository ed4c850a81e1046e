// Text forms users type: a column list (`id bigint not null, ts timestamptz`), a partition list
// (`day(ts), bucket(16, id)`) and a sort list (`id desc nulls last`), parsed into floe values.
import { InvalidArgumentError } from '../errors.js'
import type { PartitionField, PartitionSpec } from './partition-spec.js'
import { findFieldByName, type Schema } from './schema.js'
import { parsePrimitiveType } from './json/schema-json.js'
import type { NullOrder, SortDirection, SortField, SortOrder } from './sort-order.js'
import { defaultPartitionName, parseTransform, type Transform } from './transform.js'
import type { IcebergType, NestedField } from './types.js'

const ALIASES: Record<string, string> = {
  bigint: 'long',
  integer: 'int',
  smallint: 'int',
  tinyint: 'int',
  real: 'float',
  bool: 'boolean',
  text: 'string',
  varchar: 'string',
  char: 'string',
  bytes: 'binary',
  blob: 'binary',
  varbinary: 'binary',
  timestamp_ntz: 'timestamp',
  timestamp_ltz: 'timestamptz',
}

/** Split on `sep` at nesting depth 0 (brackets of all kinds). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if ('(<['.includes(ch)) depth++
    if (')>]'.includes(ch)) depth--
    if (ch === sep && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur.trim()) out.push(cur)
  return out.map((x) => x.trim()).filter(Boolean)
}

function unquote(name: string): string {
  const m = /^`(.*)`$|^"(.*)"$/.exec(name)
  return m ? (m[1] ?? m[2]!) : name
}

/** Parse a column list; ids are provisional (1, 2, …) and are reassigned when the table is created. */
export function parseColumns(text: string): Schema {
  let next = 0
  const parseType = (s: string): IcebergType => {
    const t = s.trim()
    const lower = t.toLowerCase()
    const nested = /^(struct|list|array|map)\s*<([\s\S]*)>$/i.exec(t)
    if (nested) {
      const kind = nested[1]!.toLowerCase()
      const inner = nested[2]!
      if (kind === 'struct') return { kind: 'struct', fields: splitTop(inner, ',').map((c) => column(c, ':')) }
      if (kind === 'list' || kind === 'array') {
        const elementId = ++next
        return { kind: 'list', elementId, element: parseType(inner), elementRequired: false }
      }
      const [k, v] = splitTop(inner, ',')
      if (!k || !v) throw new InvalidArgumentError(`map needs a key and a value type: ${t}`)
      const keyId = ++next
      const valueId = ++next
      return { kind: 'map', keyId, key: parseType(k), valueId, value: parseType(v), valueRequired: false }
    }
    const base = lower.replace(/\(.*$/, '').replace(/\[.*$/, '')
    const alias = ALIASES[base]
    const canonical = alias ? alias + t.slice(base.length).replace(/^\(\d+\)$/, '') : t
    try {
      return parsePrimitiveType(alias === 'string' || alias === 'binary' ? alias : canonical)
    } catch {
      throw new InvalidArgumentError(`Unknown type ${JSON.stringify(t)}`)
    }
  }
  const column = (def: string, sep = ' '): NestedField => {
    const d = def.trim()
    const m = sep === ':' ? /^(`[^`]+`|"[^"]+"|[^\s:]+)\s*:\s*([\s\S]+)$/.exec(d) : /^(`[^`]+`|"[^"]+"|\S+)\s+([\s\S]+)$/.exec(d)
    if (!m) throw new InvalidArgumentError(`Cannot parse column definition ${JSON.stringify(d)}: expected "name type"`)
    let rest = m[2]!.trim()
    let required = false
    let doc: string | undefined
    const comment = /\s+comment\s+'((?:[^']|'')*)'\s*$/i.exec(rest)
    if (comment) {
      doc = comment[1]!.replace(/''/g, "'")
      rest = rest.slice(0, comment.index).trim()
    }
    if (/\s+not\s+null$/i.test(rest)) {
      required = true
      rest = rest.replace(/\s+not\s+null$/i, '')
    }
    const id = ++next
    return { id, name: unquote(m[1]!), required, type: parseType(rest), ...(doc === undefined ? {} : { doc }) }
  }
  const fields = splitTop(text, ',').map((c) => column(c))
  if (!fields.length) throw new InvalidArgumentError('A schema needs at least one column')
  return { schemaId: 0, fields, identifierFieldIds: [] }
}

function sourceOf(schema: Schema, name: string): number {
  const f = findFieldByName(schema, unquote(name.trim()), false)
  if (!f) throw new InvalidArgumentError(`Unknown column ${name.trim()} (columns: ${schema.fields.map((x) => x.name).join(', ')})`)
  return f.id
}

/** Parse one transform term: `day(ts)`, `bucket(16, id)`, `truncate(4, name)`, `identity(x)` or a bare column. */
export function parseTransformTerm(schema: Schema, term: string): { transform: Transform; sourceId: number; sourceName: string } {
  const t = term.trim()
  const m = /^(\w+)\s*\(\s*(?:(\d+)\s*,\s*)?([^()]+?)\s*\)$/.exec(t)
  if (!m) return { transform: { kind: 'identity' }, sourceId: sourceOf(schema, t), sourceName: unquote(t) }
  const fn = m[1]!.toLowerCase()
  const arg = m[2]
  const transform = parseTransform(arg === undefined ? fn : `${fn}[${arg}]`)
  if (transform.kind === 'unknown') throw new InvalidArgumentError(`Unknown transform ${fn}`)
  return { transform, sourceId: sourceOf(schema, m[3]!), sourceName: unquote(m[3]!.trim()) }
}

/** Parse a partition list into a spec over `schema` (field ids 1000, 1001, …; Java's default names). */
export function parsePartitionSpec(schema: Schema, text: string): PartitionSpec {
  const fields: PartitionField[] = splitTop(text, ',').map((term, i) => {
    const { transform, sourceId, sourceName } = parseTransformTerm(schema, term)
    return { sourceId, fieldId: 1000 + i, name: defaultPartitionName(transform, sourceName), transform }
  })
  return { specId: 0, fields }
}

/** Parse a sort list: `id desc nulls last, day(ts)` (asc and nulls-first for asc / nulls-last for desc by default). */
export function parseSortOrder(schema: Schema, text: string): SortOrder {
  const fields: SortField[] = splitTop(text, ',').map((part) => {
    const m = /^(.*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(part.trim())!
    const { transform, sourceId } = parseTransformTerm(schema, m[1]!)
    const direction = (m[2]?.toLowerCase() ?? 'asc') as SortDirection
    const nulls = m[3]?.toLowerCase() ?? (direction === 'asc' ? 'first' : 'last')
    return { sourceId, transform, direction, nullOrder: `nulls-${nulls}` as NullOrder }
  })
  return { orderId: 1, fields }
}
