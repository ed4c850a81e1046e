// `floe snapshots|history|refs|manifests|files|data-files|delete-files|entries|partitions|metadata-log <table>`.
import { parseArgs } from 'node:util'
import { resolveReadPoint } from '../../src/table/time-travel.js'
import { historyTable, metadataLogEntriesTable, refsTable, snapshotsTable } from '../../src/table/metadata-tables.js'
import { entriesTable, filesTable, manifestsTable, partitionsTable } from '../../src/table/metadata-tables-files.js'
import type { Table } from '../../src/table/table.js'
import type { Row } from '../../src/parquet/codec.js'
import { toPlain, type CliIO, type Command } from '../cli-io.js'
import { chooseFormat, writePlainRows } from '../output.js'
import { openTable, SNAPSHOT_OPTIONS, snapshotSelector, TABLE_OPTIONS } from '../table-args.js'

type Producer = (t: Table, sel: ReturnType<typeof snapshotSelector>) => Promise<Row[]> | Row[]

const snap = (t: Table, sel: ReturnType<typeof snapshotSelector>): ReturnType<typeof resolveReadPoint>['snapshot'] => resolveReadPoint(t.metadata, sel).snapshot

const TABLES: Record<string, { summary: string; rows: Producer; perSnapshot: boolean }> = {
  snapshots: { summary: 'metadata table: every snapshot', rows: (t) => snapshotsTable(t.metadata), perSnapshot: false },
  history: { summary: 'metadata table: the snapshot log (when each snapshot became current)', rows: (t) => historyTable(t.metadata), perSnapshot: false },
  refs: { summary: 'metadata table: branches and tags', rows: (t) => refsTable(t.metadata), perSnapshot: false },
  'metadata-log': { summary: 'metadata table: previous and current metadata files', rows: (t) => metadataLogEntriesTable(t.metadata, t.metadataLocation), perSnapshot: false },
  manifests: { summary: 'metadata table: manifests of a snapshot', rows: (t, s) => manifestsTable(t.env.io, t.metadata, snap(t, s)), perSnapshot: true },
  files: { summary: 'metadata table: live data and delete files of a snapshot', rows: (t, s) => filesTable(t.env.io, t.metadata, snap(t, s)), perSnapshot: true },
  'data-files': { summary: 'metadata table: live data files of a snapshot', rows: (t, s) => filesTable(t.env.io, t.metadata, snap(t, s), 'data'), perSnapshot: true },
  'delete-files': { summary: 'metadata table: live delete files of a snapshot', rows: (t, s) => filesTable(t.env.io, t.metadata, snap(t, s), 'deletes'), perSnapshot: true },
  entries: { summary: 'metadata table: manifest entries of a snapshot (deleted ones too)', rows: (t, s) => entriesTable(t.env.io, t.metadata, snap(t, s)), perSnapshot: true },
  partitions: { summary: 'metadata table: record and file counts per partition', rows: (t, s) => partitionsTable(t.env.io, t.metadata, snap(t, s)), perSnapshot: true },
}

/** One command per metadata table. */
export const metadataTableCommands: Command[] = Object.entries(TABLES).map(([name, def]) => ({
  name,
  summary: def.summary,
  usage: `floe ${name} <table>${def.perSnapshot ? ' [--snapshot-id N | --as-of T | --ref NAME]' : ''} [--format jsonl|csv|table] [--remap from=to]... [--catalog C]`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...TABLE_OPTIONS, ...SNAPSHOT_OPTIONS, format: { type: 'string' } } })
    const t = await openTable(positionals[0], values)
    const rows = await def.rows(t, snapshotSelector(values))
    writePlainRows(io, rows.map((r) => toPlain(r) as Record<string, unknown>), chooseFormat(values.format, io))
    return 0
  },
}))
