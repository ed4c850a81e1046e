// Which columns a scan returns: names (dotted for nested fields, any metadata column) resolved to field ids.
import { InvalidArgumentError } from '../errors.js'
import { resolveColumn } from '../expr/bind.js'
import { metadataColumnIdByName } from '../spec/metadata-columns.js'
import { findByName, findFieldByName, indexSchema, lookupFields, type Schema } from '../spec/schema.js'

/**
 * Field ids of the selected columns, in selection order (every top-level column without a selection);
 * metadata columns by their reserved ids. A table column wins over a metadata column of the same name;
 * among table columns an exact match wins over a case-insensitive one, and two case-insensitive matches
 * are ambiguous (as for filters). Fields inside lists and maps are named in full (`points.element.x`) or by
 * Java's short names (`points.x`). An unknown name is INVALID_ARGUMENT naming it.
 */
export function selectedIds(schema: Schema, select: readonly string[] | undefined, caseSensitive: boolean): number[] {
  if (!select) return schema.fields.map((f) => f.id)
  return select.map((name) => {
    const lower = name.toLowerCase()
    const inTable = caseSensitive ? findFieldByName(schema, name) !== undefined : [...indexSchema(schema).byName.keys()].some((k) => k.toLowerCase() === lower)
    const meta = inTable ? undefined : metadataColumnIdByName(name, caseSensitive)
    if (meta !== undefined) return meta
    // Java's short names: a field of a list element or map value struct without the `element`/`value` step
    const short = inTable ? undefined : findByName(lookupFields(schema.fields), name, caseSensitive)
    if (short) return short.id
    if (!inTable) throw new InvalidArgumentError(`Cannot find column ${name} in the table schema (columns: ${schema.fields.map((c) => c.name).join(', ')})`, { context: { field: name } })
    return resolveColumn(schema, name, caseSensitive).field.id
  })
}
