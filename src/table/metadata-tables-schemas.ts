// Schemas of the metadata tables with Java's column names, types and field ids (the `*Table.java` schemas,
// DataFile.getType and ManifestEntry.getSchema), so rows can be typed and compared with other engines.
import { highestFieldId, schema, type Schema } from '../spec/schema.js'
import { currentSchema, type TableMetadata } from '../spec/table-metadata.js'
import { T, field, type IcebergType, type NestedField, type StructType } from '../spec/types.js'
import { readableMetricsField } from './metadata-tables-metrics.js'
import { tablePartitionType } from './metadata-tables-partition.js'
import type { MetadataTableName } from './metadata-tables.js'
import { dataFileType as manifestDataFileType } from '../spec/avro/manifest-schemas.js'

const req = (id: number, name: string, type: IcebergType): NestedField => field(id, name, type, { required: true })
const opt = (id: number, name: string, type: IcebergType): NestedField => field(id, name, type)
const longMap = (keyId: number, valueId: number): IcebergType => T.map(keyId, T.int, valueId, T.long, true)
const binaryMap = (keyId: number, valueId: number): IcebergType => T.map(keyId, T.int, valueId, T.binary, true)

/** Field id of `partition` in the data file struct. */
export const PARTITION_FIELD_ID = 102

/** Java DataFile.getType: the v3 data file struct; `partition` is left out when the partition type is empty. */
export function dataFileType(partitionType: StructType): StructType {
  const fields: NestedField[] = [
    opt(134, 'content', T.int),
    req(100, 'file_path', T.string),
    req(101, 'file_format', T.string),
    opt(141, 'spec_id', T.int),
    req(PARTITION_FIELD_ID, 'partition', partitionType),
    req(103, 'record_count', T.long),
    req(104, 'file_size_in_bytes', T.long),
    opt(108, 'column_sizes', longMap(117, 118)),
    opt(109, 'value_counts', longMap(119, 120)),
    opt(110, 'null_value_counts', longMap(121, 122)),
    opt(137, 'nan_value_counts', longMap(138, 139)),
    opt(125, 'lower_bounds', binaryMap(126, 127)),
    opt(128, 'upper_bounds', binaryMap(129, 130)),
    opt(131, 'key_metadata', T.binary),
    opt(132, 'split_offsets', T.list(133, T.long, true)),
    opt(135, 'equality_ids', T.list(136, T.int, true)),
    opt(140, 'sort_order_id', T.int),
    opt(142, 'first_row_id', T.long),
    opt(143, 'referenced_data_file', T.string),
    opt(144, 'content_offset', T.long),
    opt(145, 'content_size_in_bytes', T.long),
  ]
  // Java's DataFile fields carry docs (the manifest's, plus spec_id's); the files tables show them
  const docs = new Map<number, string>([[141, 'Partition spec ID']])
  for (const f of manifestDataFileType(3, partitionType).fields) if (f.doc !== undefined) docs.set(f.id, f.doc)
  const documented = fields.map((f) => (docs.has(f.id) ? { ...f, doc: docs.get(f.id)! } : f))
  return T.struct(partitionType.fields.length === 0 ? documented.filter((f) => f.id !== PARTITION_FIELD_ID) : documented)
}

/** Append `readable_metrics` (numbered after the schema's highest id) to a file-level schema. */
function withReadableMetrics(m: TableMetadata, fields: readonly NestedField[]): Schema {
  const base = schema(fields)
  return schema([...fields, readableMetricsField(currentSchema(m), highestFieldId(base))])
}

/** `files`, `data_files`, `delete_files` and their `all_*` forms: the data file struct plus readable metrics. */
export function filesTableSchema(m: TableMetadata): Schema {
  return withReadableMetrics(m, dataFileType(tablePartitionType(m)).fields)
}

/** `entries` and `all_entries`: status, snapshot id, sequence numbers, the data file, readable metrics. */
export function entriesTableSchema(m: TableMetadata): Schema {
  return withReadableMetrics(m, [
    req(0, 'status', T.int),
    opt(1, 'snapshot_id', T.long),
    opt(3, 'sequence_number', T.long),
    opt(4, 'file_sequence_number', T.long),
    req(2, 'data_file', dataFileType(tablePartitionType(m))),
  ])
}

const summaryElement = (nanRequired: boolean): StructType =>
  T.struct([
    req(10, 'contains_null', T.boolean),
    nanRequired ? req(11, 'contains_nan', T.boolean) : opt(11, 'contains_nan', T.boolean),
    opt(12, 'lower_bound', T.string),
    opt(13, 'upper_bound', T.string),
  ])

/** `manifests`: the manifest-list entries of one snapshot. */
export const MANIFESTS_SCHEMA: Schema = schema([
  req(14, 'content', T.int),
  req(1, 'path', T.string),
  req(2, 'length', T.long),
  req(3, 'partition_spec_id', T.int),
  req(4, 'added_snapshot_id', T.long),
  req(5, 'added_data_files_count', T.int),
  req(6, 'existing_data_files_count', T.int),
  req(7, 'deleted_data_files_count', T.int),
  req(15, 'added_delete_files_count', T.int),
  req(16, 'existing_delete_files_count', T.int),
  req(17, 'deleted_delete_files_count', T.int),
  req(8, 'partition_summaries', T.list(9, summaryElement(false), true)),
])

/** `all_manifests`: the manifests of every snapshot, with the snapshot that lists them. */
export const ALL_MANIFESTS_SCHEMA: Schema = schema([
  req(14, 'content', T.int),
  req(1, 'path', T.string),
  req(2, 'length', T.long),
  opt(3, 'partition_spec_id', T.int),
  opt(4, 'added_snapshot_id', T.long),
  opt(5, 'added_data_files_count', T.int),
  opt(6, 'existing_data_files_count', T.int),
  opt(7, 'deleted_data_files_count', T.int),
  req(15, 'added_delete_files_count', T.int),
  req(16, 'existing_delete_files_count', T.int),
  req(17, 'deleted_delete_files_count', T.int),
  opt(8, 'partition_summaries', T.list(9, summaryElement(true), true)),
  req(18, 'reference_snapshot_id', T.long),
  opt(19, 'key_metadata', T.binary),
])

/** `snapshots`. */
export const SNAPSHOTS_SCHEMA: Schema = schema([
  req(1, 'committed_at', T.timestamptz),
  req(2, 'snapshot_id', T.long),
  opt(3, 'parent_id', T.long),
  opt(4, 'operation', T.string),
  opt(5, 'manifest_list', T.string),
  opt(6, 'summary', T.map(7, T.string, 8, T.string, true)),
])

/** `history`. */
export const HISTORY_SCHEMA: Schema = schema([
  req(1, 'made_current_at', T.timestamptz),
  req(2, 'snapshot_id', T.long),
  opt(3, 'parent_id', T.long),
  req(4, 'is_current_ancestor', T.boolean),
])

/** `refs`. */
export const REFS_SCHEMA: Schema = schema([
  req(1, 'name', T.string),
  req(2, 'type', T.string),
  req(3, 'snapshot_id', T.long),
  opt(4, 'max_reference_age_in_ms', T.long),
  opt(5, 'min_snapshots_to_keep', T.int),
  opt(6, 'max_snapshot_age_in_ms', T.long),
])

/** `metadata_log_entries`. */
export const METADATA_LOG_ENTRIES_SCHEMA: Schema = schema([
  req(1, 'timestamp', T.timestamptz),
  req(2, 'file', T.string),
  opt(3, 'latest_snapshot_id', T.long),
  opt(4, 'latest_schema_id', T.int),
  opt(5, 'latest_sequence_number', T.long),
])

/** `partitions`; an unpartitioned table has neither `partition` nor `spec_id` (one aggregated row). */
export function partitionsTableSchema(m: TableMetadata): Schema {
  const ptype = tablePartitionType(m)
  const keyed = ptype.fields.length === 0 ? [] : [req(1, 'partition', ptype), req(4, 'spec_id', T.int)]
  return schema([
    ...keyed,
    req(2, 'record_count', T.long),
    req(3, 'file_count', T.int),
    req(11, 'total_data_file_size_in_bytes', T.long),
    req(5, 'position_delete_record_count', T.long),
    req(6, 'position_delete_file_count', T.int),
    req(7, 'equality_delete_record_count', T.long),
    req(8, 'equality_delete_file_count', T.int),
    opt(9, 'last_updated_at', T.timestamptz),
    opt(10, 'last_updated_snapshot_id', T.long),
  ])
}

/** Reserved ids of the `position_deletes` columns (Java MetadataColumns). */
export const POSITION_DELETES_IDS = {
  filePath: 2147483546,
  pos: 2147483545,
  row: 2147483544,
  partition: 2147483642,
  specId: 2147483643,
  deleteFilePath: 2147483646,
  contentOffset: 2147483641,
  contentSizeInBytes: 2147483640,
} as const

/** Every id used in a type, nested ones included. */
function collectIds(t: IcebergType, into: Set<number>): void {
  if (t.kind === 'struct')
    for (const f of t.fields) {
      into.add(f.id)
      collectIds(f.type, into)
    }
  else if (t.kind === 'list') {
    into.add(t.elementId)
    collectIds(t.element, into)
  } else if (t.kind === 'map') {
    into.add(t.keyId).add(t.valueId)
    collectIds(t.key, into)
    collectIds(t.value, into)
  }
}

/** Renumber ids the way Java's AssignIds walks a type: a struct's own fields first, then their types. */
function assignIds(t: IcebergType, idFor: (id: number) => number): IcebergType {
  if (t.kind === 'struct') {
    const ids = t.fields.map((f) => idFor(f.id))
    return T.struct(t.fields.map((f, i) => ({ ...f, id: ids[i]!, type: assignIds(f.type, idFor) })))
  }
  if (t.kind === 'list') {
    const elementId = idFor(t.elementId)
    return { ...t, elementId, element: assignIds(t.element, idFor) }
  }
  if (t.kind === 'map') {
    const keyId = idFor(t.keyId)
    const valueId = idFor(t.valueId)
    return { ...t, keyId, valueId, key: assignIds(t.key, idFor), value: assignIds(t.value, idFor) }
  }
  return t
}

/**
 * `position_deletes`: one row per deleted position (file_path, pos, row, partition, spec_id,
 * delete_file_path, and for v3 content_offset, content_size_in_bytes). As in Java, the partition field ids
 * are renumbered from 1 upwards, skipping every id used by a table schema or by these columns.
 */
export function positionDeletesTableSchema(m: TableMetadata): Schema {
  const ptype = tablePartitionType(m)
  const ids = POSITION_DELETES_IDS
  const columns: NestedField[] = [
    req(ids.filePath, 'file_path', T.string),
    req(ids.pos, 'pos', T.long),
    opt(ids.row, 'row', T.struct(currentSchema(m).fields)),
    req(ids.partition, 'partition', ptype),
    req(ids.specId, 'spec_id', T.int),
    req(ids.deleteFilePath, 'delete_file_path', T.string),
  ]
  if (m.formatVersion >= 3)
    columns.push(
      opt(ids.contentOffset, 'content_offset', T.long),
      opt(ids.contentSizeInBytes, 'content_size_in_bytes', T.long),
    )
  const used = new Set<number>()
  collectIds(T.struct(columns), used)
  for (const s of m.schemas) collectIds(T.struct(s.fields), used)
  const reassign = new Set(ptype.fields.map((f) => f.id))
  let next = 0
  const idFor = (id: number): number => {
    if (!reassign.has(id)) return id
    do next++
    while (used.has(next))
    return next
  }
  const renumbered = (assignIds(T.struct(columns), idFor) as StructType).fields
  return schema(ptype.fields.length === 0 ? renumbered.filter((f) => f.id !== ids.partition) : renumbered)
}

/** The schema of a metadata table of `m` (Java's column names, types and ids). */
export function metadataTableSchema(name: MetadataTableName, m: TableMetadata): Schema {
  switch (name) {
    case 'snapshots':
      return SNAPSHOTS_SCHEMA
    case 'history':
      return HISTORY_SCHEMA
    case 'refs':
      return REFS_SCHEMA
    case 'metadata_log_entries':
      return METADATA_LOG_ENTRIES_SCHEMA
    case 'manifests':
      return MANIFESTS_SCHEMA
    case 'all_manifests':
      return ALL_MANIFESTS_SCHEMA
    case 'files':
    case 'data_files':
    case 'delete_files':
    case 'all_files':
    case 'all_data_files':
    case 'all_delete_files':
      return filesTableSchema(m)
    case 'entries':
    case 'all_entries':
      return entriesTableSchema(m)
    case 'partitions':
      return partitionsTableSchema(m)
    case 'position_deletes':
      return positionDeletesTableSchema(m)
  }
}
