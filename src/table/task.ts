// Spec §Scan Planning: the plain, serializable unit of read work that planning produces.
import type { Expression } from '../expr/expression.js'
import type { DataFile } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { Schema } from '../spec/schema.js'
import type { StructType } from '../spec/types.js'

/**
 * One data file to read, with everything needed to read it exactly: the delete files that apply (chosen by
 * sequence-number rules), its spec and partition, the residual filter, and the schema to project.
 * Plain data (structuredClone and postMessage keep it; `taskToJson`/`taskFromJson` give lossless text), so an
 * engine can ship tasks to workers and read them with its own Parquet reader.
 */
export interface FileScanTask {
  readonly file: DataFile
  /** Data sequence number of the data file (after inheritance). */
  readonly dataSequenceNumber: bigint
  /** Position deletes, deletion vectors and equality deletes that apply to `file`. */
  readonly deletes: readonly DataFile[]
  /** The spec the file was written with (its `partition` tuple follows this spec's fields). */
  readonly spec: PartitionSpec
  /** The table schema the read projects from (the snapshot's schema, or the current one for branches). */
  readonly schema: Schema
  /**
   * Field ids of the columns to return (top-level or nested), in selection order. Besides ids of `schema`,
   * it may hold the reserved ids of metadata columns (spec §Reserved Field IDs), which `schema` never
   * contains: 2147483646 `_file`, 2147483645 `_pos`, 2147483644 `_deleted`, 2147483643 `_spec_id`, 2147483642 `_partition` (typed by
   * `partitionType`), 2147483540 `_row_id` and 2147483539 `_last_updated_sequence_number`, the last two
   * computed from the file's stored columns, `file.firstRowId`, `dataSequenceNumber` and the row position
   * (see src/spec/metadata-columns.ts).
   */
  readonly projectedIds: readonly number[]
  /** The table-wide partition type of the `_partition` column; present when `projectedIds` holds it. */
  readonly partitionType?: StructType
  /** What is left of the scan filter after partition pruning; rows must still satisfy it. */
  readonly residual: Expression
  /**
   * The scan's filter names `_deleted` (2147483644): rows that `deletes` delete are kept, marked
   * `_deleted: true`, and tested by the residual like any other row (as when `projectedIds` holds `_deleted`).
   */
  readonly readsDeletedRows?: boolean
  /** Whether residual field names are matched case-sensitively. */
  readonly caseSensitive: boolean
  /** `schema.name-mapping.default` of the table, for files written without field ids. */
  readonly nameMapping?: string
  /**
   * Columns that equality deletes in `deletes` compare but `schema` no longer has (dropped since the deletes
   * were written), taken from the newest table schema holding each; present only then.
   */
  readonly equalityColumns?: Schema
}
