// The manifest (`manifest_entry`) and manifest-list (`manifest_file`) schemas per format version, as
// Iceberg structs in Java's field order with Java's docs, and their Avro forms (FACTS §7, §8).
import type { JsonObject } from '../json/lossless.js'
import type { Schema } from '../schema.js'
import type { FormatVersion } from '../table-metadata.js'
import { T, type IcebergType, type NestedField, type StructType } from '../types.js'
import { structToAvro } from './avro-schema.js'

function req(id: number, name: string, type: IcebergType, doc?: string): NestedField {
  return doc === undefined ? { id, name, required: true, type } : { id, name, required: true, type, doc }
}
function opt(id: number, name: string, type: IcebergType, doc?: string): NestedField {
  return doc === undefined ? { id, name, required: false, type } : { id, name, required: false, type, doc }
}

// ------------------------------------------------------------------------------------ data_file (r2)

const CONTENT = req(134, 'content', T.int, 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes')
const FILE_PATH = req(100, 'file_path', T.string, 'Location URI with FS scheme')
const FILE_FORMAT = req(101, 'file_format', T.string, 'File format name: avro, orc, or parquet')
const PARTITION_DOC = 'Partition data tuple, schema based on the partition spec'
const RECORD_COUNT = req(103, 'record_count', T.long, 'Number of records in the file')
const FILE_SIZE = req(104, 'file_size_in_bytes', T.long, 'Total file size in bytes')
const BLOCK_SIZE = req(105, 'block_size_in_bytes', T.long)
const COLUMN_SIZES = opt(108, 'column_sizes', T.map(117, T.int, 118, T.long, true), 'Map of column id to total size on disk')
const VALUE_COUNTS = opt(109, 'value_counts', T.map(119, T.int, 120, T.long, true), 'Map of column id to total count, including null and NaN')
const NULL_COUNTS = opt(110, 'null_value_counts', T.map(121, T.int, 122, T.long, true), 'Map of column id to null value count')
const NAN_COUNTS = opt(137, 'nan_value_counts', T.map(138, T.int, 139, T.long, true), 'Map of column id to number of NaN values in the column')
const LOWER = opt(125, 'lower_bounds', T.map(126, T.int, 127, T.binary, true), 'Map of column id to lower bound')
const UPPER = opt(128, 'upper_bounds', T.map(129, T.int, 130, T.binary, true), 'Map of column id to upper bound')
const KEY_METADATA = opt(131, 'key_metadata', T.binary, 'Encryption key metadata blob')
const SPLIT_OFFSETS = opt(132, 'split_offsets', T.list(133, T.long, true), 'Splittable offsets')
const EQUALITY_IDS = opt(135, 'equality_ids', T.list(136, T.int, true), 'Equality comparison field IDs')
const SORT_ORDER_ID = opt(140, 'sort_order_id', T.int, 'Sort order ID')
const FIRST_ROW_ID = opt(142, 'first_row_id', T.long, 'The first row ID assigned to the first row in the data file')
const REFERENCED_FILE = opt(143, 'referenced_data_file', T.string, 'Fully qualified location (URI with FS scheme) of a data file that all deletes reference')
const CONTENT_OFFSET = opt(144, 'content_offset', T.long, 'The offset in the file where the content starts')
const CONTENT_SIZE = opt(145, 'content_size_in_bytes', T.long, 'The length of referenced content stored in the file')

/** The `data_file` struct (field 2) for a format version, with `partition` typed by the spec. */
export function dataFileType(version: FormatVersion, partition: StructType): StructType {
  if (version === 1) {
    const p = req(102, 'partition', partition)
    return T.struct([FILE_PATH, FILE_FORMAT, p, RECORD_COUNT, FILE_SIZE, BLOCK_SIZE, COLUMN_SIZES, VALUE_COUNTS, NULL_COUNTS, NAN_COUNTS, LOWER, UPPER, KEY_METADATA, SPLIT_OFFSETS, SORT_ORDER_ID])
  }
  const p = req(102, 'partition', partition, PARTITION_DOC)
  const common = [CONTENT, FILE_PATH, FILE_FORMAT, p, RECORD_COUNT, FILE_SIZE, COLUMN_SIZES, VALUE_COUNTS, NULL_COUNTS, NAN_COUNTS, LOWER, UPPER, KEY_METADATA, SPLIT_OFFSETS, EQUALITY_IDS, SORT_ORDER_ID]
  if (version === 2) return T.struct([...common, REFERENCED_FILE])
  return T.struct([...common, FIRST_ROW_ID, REFERENCED_FILE, CONTENT_OFFSET, CONTENT_SIZE])
}

/** The `manifest_entry` struct for a format version (Java order: v1 0,1,2; v2+ 0,1,3,4,2). */
export function manifestEntryType(version: FormatVersion, partition: StructType): StructType {
  const status = req(0, 'status', T.int)
  const snapshotId = opt(1, 'snapshot_id', T.long)
  const dataFile = req(2, 'data_file', dataFileType(version, partition))
  if (version === 1) return T.struct([status, snapshotId, dataFile])
  return T.struct([status, snapshotId, opt(3, 'sequence_number', T.long), opt(4, 'file_sequence_number', T.long), dataFile])
}

/** The manifest entry as an Iceberg schema (what Java writes to the `iceberg.schema` header key). */
export function manifestEntrySchema(version: FormatVersion, partition: StructType): Schema {
  return { schemaId: 0, fields: manifestEntryType(version, partition).fields, identifierFieldIds: [] }
}

/** The Avro schema of a manifest file: record `manifest_entry`, `r2`, `r102`, … exactly as Java writes it. */
export function manifestEntryAvroSchema(version: FormatVersion, partition: StructType): JsonObject {
  return structToAvro(manifestEntryType(version, partition), 'manifest_entry')
}

// ---------------------------------------------------------------------------- manifest_file (list)

const SUMMARY = T.struct([
  req(509, 'contains_null', T.boolean, 'True if any file has a null partition value'),
  opt(518, 'contains_nan', T.boolean, 'True if any file has a nan partition value'),
  opt(510, 'lower_bound', T.binary, 'Partition lower bound for all files'),
  opt(511, 'upper_bound', T.binary, 'Partition upper bound for all files'),
])
const M_PATH = req(500, 'manifest_path', T.string, 'Location URI with FS scheme')
const M_LENGTH = req(501, 'manifest_length', T.long, 'Total file size in bytes')
const M_SPEC = req(502, 'partition_spec_id', T.int, 'Spec ID used to write')
const M_CONTENT = req(517, 'content', T.int, 'Contents of the manifest: 0=data, 1=deletes')
const M_SEQ = req(515, 'sequence_number', T.long, 'Sequence number when the manifest was added')
const M_MIN_SEQ = req(516, 'min_sequence_number', T.long, 'Lowest sequence number in the manifest')
const M_SNAPSHOT = req(503, 'added_snapshot_id', T.long, 'Snapshot ID that added the manifest')
const M_PARTITIONS = opt(507, 'partitions', T.list(508, SUMMARY, true), 'Summary for each partition')
const M_KEY = opt(519, 'key_metadata', T.binary, 'Encryption key metadata blob')
const M_FIRST_ROW = opt(520, 'first_row_id', T.long, 'Starting row ID to assign to new rows in ADDED data files')

function counts(required: boolean): NestedField[] {
  const f = required ? req : opt
  return [
    f(504, 'added_files_count', T.int, 'Added entry count'),
    f(505, 'existing_files_count', T.int, 'Existing entry count'),
    f(506, 'deleted_files_count', T.int, 'Deleted entry count'),
    f(512, 'added_rows_count', T.long, 'Added rows count'),
    f(513, 'existing_rows_count', T.long, 'Existing rows count'),
    f(514, 'deleted_rows_count', T.long, 'Deleted rows count'),
  ]
}

/** The `manifest_file` struct for a format version (Java field order, FACTS §7). */
export function manifestFileType(version: FormatVersion): StructType {
  if (version === 1) {
    const [a, e, d, ar, er, dr] = counts(false) as [NestedField, NestedField, NestedField, NestedField, NestedField, NestedField]
    return T.struct([M_PATH, M_LENGTH, M_SPEC, M_SNAPSHOT, a, e, d, M_PARTITIONS, ar, er, dr, M_KEY])
  }
  const v2 = [M_PATH, M_LENGTH, M_SPEC, M_CONTENT, M_SEQ, M_MIN_SEQ, M_SNAPSHOT, ...counts(true), M_PARTITIONS, M_KEY]
  return T.struct(version === 2 ? v2 : [...v2, M_FIRST_ROW])
}

/** The manifest-list schema as an Iceberg schema (for the `iceberg.schema` header key). */
export function manifestListSchema(version: FormatVersion): Schema {
  return { schemaId: 0, fields: manifestFileType(version).fields, identifierFieldIds: [] }
}

/** The Avro schema of a manifest list (record `manifest_file`, summaries `r508`). */
export function manifestListAvroSchema(version: FormatVersion): JsonObject {
  return structToAvro(manifestFileType(version), 'manifest_file')
}
