// `floe snapshots|history|refs|metadata-log|manifests|files|data-files|delete-files|entries|partitions|
// position-deletes|all-manifests|all-files|all-data-files|all-delete-files|all-entries <table>`: Java's metadata tables,
// printed with scan's encoding of each column type.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import { resolveReadPoint } from '../../src/table/time-travel.js'
import { readMetadataTable } from '../../src/table/metadata-tables-read.js'
import type { MetadataTableName } from '../../src/table/metadata-tables.js'
import { atMostPositionals, type CliIO, type Command } from '../cli-io.js'
import { chooseFormat, writeRows } from '../output.js'
import { CATALOG_USAGE, openTable, SNAPSHOT_OPTIONS, snapshotSelector, TABLE_OPTIONS } from '../table-args.js'

// CLI name → Java metadata table name, what it shows, and whether a snapshot can be chosen
const TABLES: Record<string, { table: MetadataTableName; summary: string; perSnapshot: boolean }> = {
  snapshots: { table: 'snapshots', summary: 'metadata table: every snapshot', perSnapshot: false },
  history: { table: 'history', summary: 'metadata table: the snapshot log (when each snapshot became current)', perSnapshot: false },
  refs: { table: 'refs', summary: 'metadata table: branches and tags', perSnapshot: false },
  'metadata-log': { table: 'metadata_log_entries', summary: 'metadata table: previous and current metadata files', perSnapshot: false },
  manifests: { table: 'manifests', summary: 'metadata table: manifests of a snapshot', perSnapshot: true },
  files: { table: 'files', summary: 'metadata table: live data and delete files of a snapshot', perSnapshot: true },
  'data-files': { table: 'data_files', summary: 'metadata table: live data files of a snapshot', perSnapshot: true },
  'delete-files': { table: 'delete_files', summary: 'metadata table: live delete files of a snapshot', perSnapshot: true },
  entries: { table: 'entries', summary: 'metadata table: manifest entries of a snapshot (deleted ones too)', perSnapshot: true },
  partitions: { table: 'partitions', summary: 'metadata table: record and file counts per partition', perSnapshot: true },
  'position-deletes': { table: 'position_deletes', summary: 'metadata table: every deleted position of a snapshot (delete files and DVs)', perSnapshot: true },
  'all-manifests': { table: 'all_manifests', summary: 'metadata table: manifests of every snapshot', perSnapshot: false },
  'all-files': { table: 'all_files', summary: 'metadata table: data and delete files of every snapshot', perSnapshot: false },
  'all-data-files': { table: 'all_data_files', summary: 'metadata table: data files of every snapshot', perSnapshot: false },
  'all-delete-files': { table: 'all_delete_files', summary: 'metadata table: delete files of every snapshot', perSnapshot: false },
  'all-entries': { table: 'all_entries', summary: 'metadata table: manifest entries of every snapshot', perSnapshot: false },
}

/** One command per metadata table. */
export const metadataTableCommands: Command[] = Object.entries(TABLES).map(([name, def]) => ({
  name,
  summary: def.summary,
  usage: `floe ${name} <table>${def.perSnapshot ? ' [--snapshot-id N | --as-of T | --ref NAME]' : ''} [--format jsonl|csv|table] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...TABLE_OPTIONS, ...SNAPSHOT_OPTIONS, format: { type: 'string' } } })
    atMostPositionals(positionals, 1, this.usage)
    // checked before the values are read, so the error says the option does not apply rather than what is wrong with its value
    if (!def.perSnapshot && (values['snapshot-id'] ?? values['as-of'] ?? values.ref) !== undefined)
      throw new InvalidArgumentError(`floe ${name} shows ${def.table.startsWith('all_') ? 'every snapshot' : 'table-level metadata'}; --snapshot-id, --as-of and --ref do not apply`)
    const sel = snapshotSelector(values)
    const t = await openTable(positionals[0], values)
    const snapshot = def.perSnapshot ? resolveReadPoint(t.metadata, sel).snapshot : undefined
    const { schema, rows } = await readMetadataTable({ io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }, def.table, snapshot ? { snapshot } : {})
    // typed by the metadata table's schema, so every value is printed as `floe scan` prints that type
    await writeRows(io, schema.fields, rows, chooseFormat(values.format, io))
    return 0
  },
}))
