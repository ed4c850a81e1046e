// Read a metadata table by its Java name: its schema (Java ids and types) and its rows.
import { InvalidArgumentError, UnsupportedError } from '../errors.js'
import type { FileIO } from '../io/file-io.js'
import type { ParquetReader, Row } from '../parquet/codec.js'
import type { Schema } from '../spec/schema.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSnapshot, type TableMetadata } from '../spec/table-metadata.js'
import { allEntriesTable, allFilesTable, allManifestsTable } from './metadata-tables-all.js'
import { entriesTable, filesTable, manifestsTable, partitionsTable } from './metadata-tables-files.js'
import { positionDeletesTable } from './metadata-tables-position-deletes.js'
import { metadataTableSchema } from './metadata-tables-schemas.js'
import { historyTable, METADATA_TABLES, metadataLogEntriesTable, refsTable, snapshotsTable, type MetadataTableName } from './metadata-tables.js'

/** The table a metadata table describes. */
export interface MetadataTableSource {
  readonly io: FileIO
  readonly metadata: TableMetadata
  /** Location of the current metadata file (the last `metadata_log_entries` row). */
  readonly metadataLocation: string
}

/** Which snapshot the per-snapshot tables read (default: the current one), and how delete files are read. */
export interface ReadMetadataTableOptions {
  /** Not allowed for the all_* tables, which read every snapshot (Java refuses too). */
  readonly snapshot?: Snapshot
  readonly reader?: ParquetReader
  /** `position_deletes`: read deletion vectors stored as bare blobs by legacy writers (as the scan option of that name). */
  readonly allowBareDeletionVectors?: boolean
}

/** A metadata table: its schema and rows keyed by column name. */
export interface MetadataTable {
  readonly name: MetadataTableName
  readonly schema: Schema
  readonly rows: Row[]
}

/** True when `name` is a metadata table floe serves (Java's lower-case names, e.g. `all_data_files`). */
export function isMetadataTableName(name: string): name is MetadataTableName {
  return (METADATA_TABLES as readonly string[]).includes(name)
}

/** The metadata table a name means, in any ASCII case (as Java's `MetadataTableType.from`), or undefined. */
export function metadataTableName(name: string): MetadataTableName | undefined {
  const lower = name.replace(/[A-Z]/g, (c) => c.toLowerCase())
  return isMetadataTableName(lower) ? lower : undefined
}

/** Read the metadata table `name` (any ASCII case) of `src`. */
export async function readMetadataTable(src: MetadataTableSource, tableName: string, opts: ReadMetadataTableOptions = {}): Promise<MetadataTable> {
  const name = metadataTableName(tableName)
  if (!name) throw new InvalidArgumentError(`Unknown metadata table ${tableName}; expected one of ${METADATA_TABLES.join(', ')}`)
  const { io, metadata: m } = src
  if (name.startsWith('all_') && opts.snapshot) throw new UnsupportedError(`Cannot select a snapshot for ${name}: it reads every snapshot`)
  const s = opts.snapshot ?? currentSnapshot(m)
  const rows = await rowsOf(name)
  return { name, schema: metadataTableSchema(name, m), rows }

  async function rowsOf(n: MetadataTableName): Promise<Row[]> {
    switch (n) {
      case 'snapshots':
        return snapshotsTable(m)
      case 'history':
        return historyTable(m)
      case 'refs':
        return refsTable(m)
      case 'metadata_log_entries':
        return metadataLogEntriesTable(m, src.metadataLocation)
      case 'manifests':
        return manifestsTable(io, m, s)
      case 'files':
        return filesTable(io, m, s, 'all')
      case 'data_files':
        return filesTable(io, m, s, 'data')
      case 'delete_files':
        return filesTable(io, m, s, 'deletes')
      case 'entries':
        return entriesTable(io, m, s)
      case 'partitions':
        return partitionsTable(io, m, s)
      case 'position_deletes':
        return positionDeletesTable(io, m, s, { ...(opts.reader ? { reader: opts.reader } : {}), ...(opts.allowBareDeletionVectors ? { allowBareDeletionVectors: true } : {}) })
      case 'all_manifests':
        return allManifestsTable(io, m)
      case 'all_files':
        return allFilesTable(io, m, 'all')
      case 'all_data_files':
        return allFilesTable(io, m, 'data')
      case 'all_delete_files':
        return allFilesTable(io, m, 'deletes')
      case 'all_entries':
        return allEntriesTable(io, m)
    }
  }
}
