// Which columns a scan returns: names (dotted for nested fields, any metadata column) resolved to field ids.
import { InvalidArgumentError } from '../errors.js'
import { resolveColumn } from '../expr/bind.js'
import { metadataColumnIdByName } from '../spec/metadata-columns.js'
import { findFieldByName, indexSchema, type Schema } from '../spec/schema.js'

/**
 * Field ids of the selected columns, in selection order (every top-level column without a selection);
 * metadata columns by their reserved ids. A table column wins over a metadata column of the same name;
 * among table columns an exact match wins over a case-insensitive one, and two case-insensitive matches
 * are ambiguous (as for filters). An unknown name is INVALID_ARGUMENT naming it.
 */
export function selectedIds(schema: Schema, select: readonly string[] | undefined, caseSensitive: boolean): number[] {
  if (!select) return schema.fields.map((f) => f.id)
  return select.map((name) => {
    const lower = name.toLowerCase()
    const inTable = caseSensitive ? findFieldByName(schema, name) !== undefined : [...indexSchema(schema).byName.keys()].some((k) => k.toLowerCase() === lower)
    const meta = inTable ? undefined : metadataColumnIdByName(name, caseSensitive)
    if (meta !== undefined) return meta
    if (!inTable) throw new InvalidArgumentError(`Cannot find column ${name} in the table schema (columns: ${schema.fields.map((c) => c.name).join(', ')})`, { context: { field: name } })
    return resolveColumn(schema, name, caseSensitive).field.id
  })
}
