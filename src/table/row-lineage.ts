// Spec §Row Lineage on read: a row's `_row_id` and `_last_updated_sequence_number`, from the values stored in
// its data file or inherited from the file (first_row_id + position, data sequence number). As Java's
// readers do, both are null for every row of a file without a first_row_id (v1/v2 files, files from before
// a v3 upgrade), even where the file stores values.
import { FloeError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { LAST_UPDATED_SEQUENCE_NUMBER, ROW_ID } from '../spec/metadata-columns.js'
import type { Value } from '../spec/types.js'

/** What inheritance needs from a data file: its first_row_id (after manifest inheritance) and data sequence number. */
export interface LineageOrigin {
  readonly firstRowId: bigint | undefined
  readonly dataSequenceNumber: bigint
  /** Named in errors. */
  readonly file: string
}

function stored(v: Value | undefined, column: string, origin: LineageOrigin): bigint | null {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v
  throw new FloeError('INVALID_DATA', `Column ${column} of ${origin.file} holds a ${typeof v}, not a long`, { context: { file: origin.file, field: column } })
}

/** `_row_id` of the row at file position `pos`: the stored id, else first_row_id + pos; null without a first_row_id. */
export function rowIdOf(storedId: Value | undefined, pos: number, origin: LineageOrigin): bigint | null {
  if (origin.firstRowId === undefined) return null
  return stored(storedId, ROW_ID.name, origin) ?? origin.firstRowId + BigInt(pos)
}

/** `_last_updated_sequence_number` of a row: the stored value, else the data sequence number; null without a first_row_id. */
export function lastUpdatedOf(storedSeq: Value | undefined, origin: LineageOrigin): bigint | null {
  if (origin.firstRowId === undefined) return null
  return stored(storedSeq, LAST_UPDATED_SEQUENCE_NUMBER.name, origin) ?? origin.dataSequenceNumber
}

/**
 * A step that replaces the raw lineage values a reader put into a row (the file's stored columns, null when
 * absent) by the values a scan returns, in place; undefined when neither column is wanted.
 */
export function lineageFiller(origin: LineageOrigin, ids: ReadonlySet<number>): ((row: Row, pos: number) => void) | undefined {
  const rowId = ids.has(ROW_ID.id)
  const seq = ids.has(LAST_UPDATED_SEQUENCE_NUMBER.id)
  if (!rowId && !seq) return undefined
  const R = ROW_ID.name
  const S = LAST_UPDATED_SEQUENCE_NUMBER.name
  return (row, pos) => {
    if (rowId) row[R] = rowIdOf(row[R], pos, origin)
    if (seq) row[S] = lastUpdatedOf(row[S], origin)
  }
}
