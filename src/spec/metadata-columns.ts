// Spec §Reserved Field IDs and §Row Lineage: the metadata columns a scan can return next to a table's own
// columns, and the schema a v3 writer uses when it copies rows together with their lineage. Their docs are
// Java's MetadataColumns docs, which reach the schemas written into data files.
import { InvalidArgumentError, ValidationError } from '../errors.js'
import { schema as makeSchema, selectFields, type Schema } from './schema.js'
import { T, field, type NestedField, type StructType } from './types.js'

/** `_file` (2147483646): the location of the data file the row comes from. */
export const FILE_PATH: NestedField = field(2147483646, '_file', T.string, { required: true, doc: 'Path of the file in which a row is stored' })

/** `_pos` (2147483645): the row's 0-based position in its data file. */
export const ROW_POSITION: NestedField = field(2147483645, '_pos', T.long, { required: true, doc: 'Ordinal position of a row in the source data file' })

/** `_deleted` (2147483644): whether a delete file deletes the row; selecting it returns deleted rows too, marked true (Java's IS_DELETED). */
export const IS_DELETED: NestedField = field(2147483644, '_deleted', T.boolean, { required: true, doc: 'Whether the row has been deleted' })

/** `_spec_id` (2147483643): the id of the partition spec the row's data file was written with. */
export const SPEC_ID: NestedField = field(2147483643, '_spec_id', T.int, { required: true, doc: 'Spec ID used to track the file containing a row' })

/** Reserved field id of `_partition`, whose struct type depends on the table (see {@link partitionColumn}). */
export const PARTITION_COLUMN_ID = 2147483642

/** Name of the `_partition` metadata column. */
export const PARTITION_COLUMN_NAME = '_partition'

/** `_partition` (2147483642): the row's partition in the table-wide partition type (every spec's fields; null where the file's spec lacks one). */
export function partitionColumn(type: StructType): NestedField {
  return field(PARTITION_COLUMN_ID, PARTITION_COLUMN_NAME, type, { doc: 'Partition to which a row belongs to' })
}

/** `_row_id` (2147483540, v3 row lineage): the id stored in the data file, else the file's first_row_id + `_pos`. */
export const ROW_ID: NestedField = field(2147483540, '_row_id', T.long, { doc: 'Implicit row ID that is automatically assigned' })

/** `_last_updated_sequence_number` (2147483539, v3 row lineage): the stored value, else the file's data sequence number. */
export const LAST_UPDATED_SEQUENCE_NUMBER: NestedField = field(2147483539, '_last_updated_sequence_number', T.long, { doc: 'Sequence number when the row was last updated' })

/** The metadata columns of a fixed type floe can read (`_partition` comes on top); a scan returns those selected after the table columns, in selection order. */
export const METADATA_COLUMNS: readonly NestedField[] = [FILE_PATH, ROW_POSITION, IS_DELETED, SPEC_ID, ROW_ID, LAST_UPDATED_SEQUENCE_NUMBER]

const byId = new Map(METADATA_COLUMNS.map((f) => [f.id, f]))

/** The metadata column with this reserved field id (`_partition` only when its table type is given), or undefined. */
export function metadataColumnById(id: number, partitionType?: StructType): NestedField | undefined {
  if (id === PARTITION_COLUMN_ID) return partitionType ? partitionColumn(partitionType) : undefined
  return byId.get(id)
}

/** The reserved field id of the metadata column with this name (exact, or ignoring case), `_partition` included; or undefined. */
export function metadataColumnIdByName(name: string, caseSensitive = true): number | undefined {
  const same = (a: string): boolean => (caseSensitive ? a === name : a.toLowerCase() === name.toLowerCase())
  if (same(PARTITION_COLUMN_NAME)) return PARTITION_COLUMN_ID
  return METADATA_COLUMNS.find((f) => same(f.name))?.id
}

/** The metadata column of a fixed type with this name (exact, or ignoring case), or undefined. */
export function metadataColumnByName(name: string, caseSensitive = true): NestedField | undefined {
  const id = metadataColumnIdByName(name, caseSensitive)
  return id === undefined ? undefined : byId.get(id)
}

/** True for a reserved id of a metadata column floe can read (`_partition` included). */
export function isMetadataColumnId(id: number): boolean {
  return byId.has(id) || id === PARTITION_COLUMN_ID
}

/**
 * The schema of rows projected by `ids` from `schema`: the selected table fields (schema order, nested
 * selections keep their parents), then the metadata columns among `ids` in their order, once each.
 * `partitionType` (the table partition type) is needed when `ids` holds `_partition`.
 */
export function projectWithMetadataColumns(schema: Schema, ids: readonly number[], partitionType?: StructType): Schema {
  const table = selectFields(schema, new Set(ids))
  const meta = [...new Set(ids)].flatMap((id) => {
    if (id === PARTITION_COLUMN_ID && !partitionType) throw new InvalidArgumentError('Projecting _partition needs the table partition type', { context: { field: PARTITION_COLUMN_NAME } })
    return metadataColumnById(id, partitionType) ?? []
  })
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
