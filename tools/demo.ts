// `npm run demo`: an end-to-end tour of floe on an embedded warehouse in a local temporary folder (no
// server): create a hidden-partitioned table, append rows, scan with pruning, delete (merge-on-read), time
// travel, write to a branch, tag, roll back, and inspect the metadata floe wrote. Everything goes through
// the public API; the equivalent CLI commands are printed alongside.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { defaultEnv, FileSystemCatalog, parseColumns, parsePartitionSpec, parseSortOrder, type Table } from '../src/index.js'
import { inspectBytes } from '../src/inspect.js'
import { stringifyJson } from '../src/spec/json/lossless.js'
import { rowToJson } from '../src/table/row-json.js'
import { snapshotsTable } from '../src/table/metadata-tables.js'
import { printJson, processIO } from './cli-io.js'

const out = (s: string): void => processIO.out(s)
const say = (s: string, cli?: string): void => out(`\n== ${s}${cli ? `\n   $ floe ${cli}` : ''}`)
const root = await mkdtemp(join(tmpdir(), 'floe-demo-'))
const warehouse = join(root, 'warehouse')
const C = `--catalog file:${warehouse}`
const catalog = new FileSystemCatalog(defaultEnv(), warehouse)
const rows = async (t: Table, opts: Parameters<Table['scan']>[0] = {}): Promise<void> => {
  const s = t.scan(opts)
  for await (const r of s.rows()) out(`   ${stringifyJson(rowToJson(s.schema.fields, r))}`)
}
const count = async (t: Table, opts: Parameters<Table['scan']>[0] = {}): Promise<number> => (await t.scan(opts).toArray()).length
const summary = (t: Table, keys: string[]): string => keys.map((k) => `${k}=${t.currentSnapshot()?.summary[k] ?? '-'}`).join(' ')
out(`warehouse: ${warehouse}`)

// 1. A table with hidden partitioning: users write rows; floe derives day(ts) and bucket(4, id).
say('create a table partitioned by day(ts), bucket(4, id), sorted by id', `create db.events --schema 'id bigint not null, kind string, ts timestamptz, amount decimal(10,2)' --partition-by 'day(ts), bucket(4, id)' --sort-by id ${C}`)
await catalog.createNamespace('db')
const columns = parseColumns('id bigint not null, kind string, ts timestamptz, amount decimal(10,2)')
let t = await catalog.createTable('db.events', { schema: columns, spec: parsePartitionSpec(columns, 'day(ts), bucket(4, id)'), sortOrder: parseSortOrder(columns, 'id'), formatVersion: 2 })
out(`   ${t.metadataLocation}`)

// 2. Append rows: a 64-bit id above 2^53 and a timestamp before 1970 stay exact.
say('append rows (one commit)', `append db.events events.jsonl ${C}`)
t = await t.appendRows([
  { id: 7342794868382145167n, kind: 'click', ts: '2024-01-01T10:00:00Z', amount: '1.50' },
  { id: 2n, kind: 'view', ts: '2024-01-01T11:30:00Z', amount: '0.25' },
  { id: 10n, kind: 'spam', ts: '2024-01-01T11:45:00Z', amount: '0.01' },
  { id: 3n, kind: 'spam', ts: '2024-01-02T08:00:00Z', amount: null },
  { id: 4n, kind: 'click', ts: '2024-01-03T09:15:00Z', amount: '12.00' },
  { id: 5n, kind: 'spam', ts: '1969-12-31T23:59:59Z', amount: null },
])
const first = t.currentSnapshot()!.snapshotId
out(`   snapshot ${first}: ${summary(t, ['operation', 'added-data-files', 'added-records', 'changed-partition-count'])}`)
for (const task of await t.scan().planFiles()) out(`   ${relative(warehouse, task.file.filePath)}`)
await rows(t)

// 3. Scan with a filter: partition and column-metric pruning skip files without reading them.
const filter = "ts >= '2024-01-02T00:00:00+00:00' and kind <> 'view'"
say(`scan with a filter: ${filter}`, `scan db.events --filter "${filter}" ${C}`)
const planned = await t.scan({ filter }).planFiles()
out(`   planned ${planned.length} of ${(await t.scan().planFiles()).length} data files`)
await rows(t, { filter })

// 4. Delete rows merge-on-read: files that only hold matches are dropped in metadata; where a file also
//    holds other rows, a position-delete file marks the deleted ones and no data is rewritten.
say("delete kind = 'spam' (merge-on-read)", `delete db.events --filter "kind = 'spam'" --mode merge-on-read ${C}`)
t = await t.deleteRows("kind = 'spam'", { mode: 'merge-on-read' })
out(`   ${summary(t, ['operation', 'added-delete-files', 'added-position-deletes', 'total-records', 'total-position-deletes'])}`)
out(`   rows now: ${await count(t)}`)
// rows a delete file marks are still in their data files, and the `_deleted` metadata column shows them
// (files that held only deleted rows were dropped whole, so they are no longer scanned)
say('rows the delete file marks: filter on the _deleted metadata column', `scan db.events --filter "_deleted = true" --columns id,kind,_file ${C}`)
for (const r of await t.scan({ filter: '_deleted = true', select: ['id', 'kind', '_file'] }).toArray())
  out(`   id=${String(r.id)} kind=${String(r.kind)} file=${relative(warehouse, String(r._file))}`)

// 5. Time travel: the first snapshot still has every row.
say(`time travel to snapshot ${first}`, `scan db.events --snapshot-id ${first} ${C}`)
out(`   rows then: ${await count(t, { snapshot: { snapshotId: first } })}`)

// 6. Branches: write to 'audit' without touching main, then fast-forward main.
say("branch 'audit', append on it, then fast-forward main", `create-branch db.events audit ${C} && floe append db.events more.csv --branch audit ${C} && floe fast-forward db.events main audit ${C}`)
t = await t.transaction().manageSnapshots((m) => m.createBranch('audit')).commit()
t = await t.appendRows([{ id: 6n, kind: 'click', ts: '2024-01-04T12:00:00Z', amount: '3.00' }], { branch: 'audit' })
out(`   main: ${await count(t)} rows, audit: ${await count(t, { snapshot: { ref: 'audit' } })} rows`)
t = await t.transaction().manageSnapshots((m) => m.fastForward('main', 'audit')).commit()
out(`   after fast-forward, main: ${await count(t)} rows`)

// 7. Tag the current state, then roll main back to the first snapshot; the tag keeps the newer one.
say(`tag 'v1', then roll back to ${first}`, `create-tag db.events v1 ${C} && floe rollback-to-snapshot db.events ${first} ${C}`)
const head = t.currentSnapshot()!.snapshotId
t = await t.transaction().manageSnapshots((m) => m.createTag('v1', head)).commit()
t = await t.transaction().manageSnapshots((m) => m.rollbackTo(first)).commit()
out(`   main: ${await count(t)} rows; tag v1: ${await count(t, { snapshot: { ref: 'v1' } })} rows`)

// 8. History, as the snapshots metadata table.
say('snapshots', `snapshots db.events ${C}`)
for (const s of snapshotsTable(t.metadata)) out(`   ${stringifyJson({ snapshot_id: s.snapshot_id, parent_id: s.parent_id, operation: s.operation })}`)

// 9. The metadata file floe committed: valid Iceberg, 64-bit ids exact.
say(`inspect ${relative(warehouse, t.metadataLocation)}`, `inspect ${t.metadataLocation}`)
const { content } = inspectBytes(await catalog.env.io.read(t.metadataLocation), t.metadataLocation)
const m = content as Record<string, unknown>
printJson(processIO, { 'format-version': m['format-version'], 'current-snapshot-id': m['current-snapshot-id'], refs: m.refs, 'default-spec-id': m['default-spec-id'], 'partition-specs': m['partition-specs'] })
say(`done; the warehouse is in ${warehouse}`, `list db ${C}`)
