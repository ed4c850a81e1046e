// Java's `position_deletes` metadata table: one row per deleted position of every live position delete file
// (Parquet files row by row, v3 deletion vectors position by position), with the delete file's partition in
// the table partition type, its spec id and path (and for v3 tables the DV's offset and size).
import type { FileIO } from '../io/file-io.js'
import { fileSource } from '../parquet/byte-source.js'
import type { ParquetReader, Row } from '../parquet/codec.js'
import { readerForFormat } from '../avro-data/reader-for-format.js'
import { readDeletionVector } from '../deletes/deletion-vector.js'
import { DELETE_FILE_PATH_ID, DELETE_POS_ID, DELETE_ROW_ID } from '../deletes/position-deletes.js'
import { UnsupportedError } from '../errors.js'
import type { DataFile } from '../spec/manifest.js'
import type { NameMapping } from '../spec/name-mapping.js'
import { schema } from '../spec/schema.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { T, field, type Value } from '../spec/types.js'
import { snapshotEntries } from './metadata-tables-files.js'
import { coercePartition, tablePartitionType } from './metadata-tables-partition.js'

/** Choices for reading `position_deletes`. */
export interface PositionDeletesOptions {
  /** Parquet implementation (default: floe's own reader). */
  readonly reader?: ParquetReader
  /** Open a delete file (default: `fileSource(io, path)`). */
  readonly open?: (path: string) => ReturnType<typeof fileSource>
  /** Accept deletion vectors stored as bare blobs rather than in Puffin files (legacy writers). */
  readonly allowBareDeletionVectors?: boolean
}

const NAMES: NameMapping = [
  { fieldId: DELETE_FILE_PATH_ID, names: ['file_path'] },
  { fieldId: DELETE_POS_ID, names: ['pos'] },
  { fieldId: DELETE_ROW_ID, names: ['row'] },
]

/** `position_deletes` of a snapshot: every deleted position of its live position delete files and deletion vectors. */
export async function positionDeletesTable(io: FileIO, m: TableMetadata, s: Snapshot | undefined, opts: PositionDeletesOptions = {}): Promise<Row[]> {
  const ptype = tablePartitionType(m)
  const v3 = m.formatVersion >= 3
  const open = opts.open ?? ((path: string) => fileSource(io, path))
  // the deprecated `row` column is read as a struct of the current schema (null when the file has none)
  const projection = schema([field(DELETE_FILE_PATH_ID, 'file_path', T.string), field(DELETE_POS_ID, 'pos', T.long), field(DELETE_ROW_ID, 'row', T.struct(currentSchema(m).fields))])
  const files = (await snapshotEntries(io, m, s)).filter(({ entry }) => entry.status !== 'deleted' && entry.dataFile.content === 'position-deletes').map(({ entry }) => entry.dataFile)
  const out: Row[] = []
  for (const f of files) {
    const tail = (dv: boolean): Row => ({
      ...(ptype.fields.length > 0 ? { partition: coercePartition(ptype, specById(m, f.specId), f.partition).value } : {}),
      spec_id: f.specId,
      delete_file_path: f.filePath,
      ...(v3 ? { content_offset: dv ? (f.contentOffset ?? null) : null, content_size_in_bytes: dv ? (f.contentSizeInBytes ?? null) : null } : {}),
    })
    if (f.fileFormat === 'PUFFIN') {
      const positions = await readDeletionVector(await open(f.filePath), dvLocation(f, opts.allowBareDeletionVectors ?? false))
      const rest = tail(true)
      for (const pos of positions) out.push({ file_path: f.referencedDataFile ?? null, pos: BigInt(pos), row: null, ...rest })
      continue
    }
    const fileReader = readerForFormat(f.fileFormat, opts.reader)
    if (!fileReader) throw new UnsupportedError(`${f.fileFormat} delete files are not supported`, { context: { file: f.filePath } })
    const rest = tail(false)
    for await (const batch of fileReader.readBatches(await open(f.filePath), { schema: projection, nameMapping: NAMES }))
      for (const r of batch.rows) out.push({ file_path: r.file_path ?? null, pos: (r.pos ?? null) as Value, row: r.row ?? null, ...rest })
  }
  return out
}

function dvLocation(f: DataFile, allowBareBlob: boolean): Parameters<typeof readDeletionVector>[1] {
  return {
    ...(f.contentOffset === undefined ? {} : { contentOffset: f.contentOffset }),
    ...(f.contentSizeInBytes === undefined ? {} : { contentSizeInBytes: f.contentSizeInBytes }),
    ...(f.referencedDataFile === undefined ? {} : { referencedDataFile: f.referencedDataFile }),
    allowBareBlob,
  }
}
