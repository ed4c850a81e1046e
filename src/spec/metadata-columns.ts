// Spec §Reserved Field IDs and §Row Lineage: the metadata columns a scan can return next to a table's own
// columns, and the schema a v3 writer uses when it copies rows together with their lineage.
import { ValidationError } from '../errors.js'
import { schema as makeSchema, selectFields, type Schema } from './schema.js'
import { T, field, type NestedField } from './types.js'

/** `_pos` (2147483645): the row's 0-based position in its data file. */
export const ROW_POSITION: NestedField = field(2147483645, '_pos', T.long, { required: true })

/** `_row_id` (2147483540, v3 row lineage): the id stored in the data file, else the file's first_row_id + `_pos`. */
export const ROW_ID: NestedField = field(2147483540, '_row_id', T.long)

/** `_last_updated_sequence_number` (2147483539, v3 row lineage): the stored value, else the file's data sequence number. */
export const LAST_UPDATED_SEQUENCE_NUMBER: NestedField = field(2147483539, '_last_updated_sequence_number', T.long)

/** The metadata columns floe can read; a scan returns those selected after the table columns, in selection order. */
export const METADATA_COLUMNS: readonly NestedField[] = [ROW_POSITION, ROW_ID, LAST_UPDATED_SEQUENCE_NUMBER]

const byId = new Map(METADATA_COLUMNS.map((f) => [f.id, f]))

/** The metadata column with this reserved field id, or undefined. */
export function metadataColumnById(id: number): NestedField | undefined {
  return byId.get(id)
}

/** The metadata column with this name (exact, or ignoring case), or undefined. */
export function metadataColumnByName(name: string, caseSensitive = true): NestedField | undefined {
  const want = caseSensitive ? name : name.toLowerCase()
  return METADATA_COLUMNS.find((f) => (caseSensitive ? f.name : f.name.toLowerCase()) === want)
}

/** True for a reserved id of a metadata column floe can read. */
export function isMetadataColumnId(id: number): boolean {
  return byId.has(id)
}

/**
 * The schema of rows projected by `ids` from `schema`: the selected table fields (schema order, nested
 * selections keep their parents), then the metadata columns among `ids` in their order, once each.
 */
export function projectWithMetadataColumns(schema: Schema, ids: readonly number[]): Schema {
  const table = selectFields(schema, new Set(ids))
  const meta = [...new Set(ids)].flatMap((id) => byId.get(id) ?? [])
  return meta.length ? { ...table, fields: [...table.fields, ...meta] } : table
}

/** The row-lineage columns a v3 writer stores, as optional longs with their reserved ids. */
export const ROW_LINEAGE_FIELDS: readonly NestedField[] = [ROW_ID, LAST_UPDATED_SEQUENCE_NUMBER]

/**
 * `schema` with `_row_id` and `_last_updated_sequence_number` appended (same schema id): what a v3 writer
 * writes when it moves existing rows to a new file, so they keep their lineage. A top-level column that
 * already uses one of the two names is a VALIDATION error (Java's joined schema would hold the name twice).
 */
export function schemaWithRowLineage(schema: Schema): Schema {
  const clash = schema.fields.find((f) => ROW_LINEAGE_FIELDS.some((r) => r.name === f.name))
  if (clash) throw new ValidationError(`Cannot add row lineage columns to schema ${schema.schemaId}: column ${clash.name} (id ${clash.id}) has the name of a reserved row-lineage column`, { context: { field: clash.name } })
  return makeSchema([...schema.fields, ...ROW_LINEAGE_FIELDS], schema.schemaId, schema.identifierFieldIds)
}
