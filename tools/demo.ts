// `npm run demo`: an end-to-end tour of floe on an embedded warehouse in a local temporary folder (no
// server): create a hidden-partitioned table, append rows, scan with pruning, delete (merge-on-read), time
// travel, write to a branch, tag, roll back, maintenance dry runs (snapshot expiration, orphan files), and
// inspect the metadata floe wrote. Everything goes through
// the public API; the equivalent CLI commands are printed alongside (the lines starting with `$`): run in
// order in an empty folder, they do the same to ./warehouse, the CLI's default catalog.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { defaultEnv, FileSystemCatalog, parseColumns, parsePartitionSpec, parseSortOrder, type Table } from '../src/index.js'
import { inspectBytes } from '../src/inspect.js'
import { stringifyJson } from '../src/spec/json/lossless.js'
import { rowToJson } from '../src/table/row-json.js'
import { snapshotsTable } from '../src/table/metadata-tables.js'
import { printJson, processIO } from './cli-io.js'

const out = (s: string): void => processIO.out(s)
/** A step's heading, then the shell commands that do the same with the CLI. */
const say = (s: string, ...shell: string[]): void => out([`\n== ${s}`, ...shell.map((c) => `   $ ${c}`)].join('\n'))
/** A path as one shell word. */
const word = (p: string): string => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", `'\\''`)}'`)
const root = await mkdtemp(join(tmpdir(), 'floe-demo-'))
const warehouse = join(root, 'warehouse')
const catalog = new FileSystemCatalog(defaultEnv(), warehouse)
const rows = async (t: Table, opts: Parameters<Table['scan']>[0] = {}): Promise<void> => {
  const s = t.scan(opts)
  for await (const r of s.rows()) out(`   ${stringifyJson(rowToJson(s.schema.fields, r))}`)
}
const count = async (t: Table, opts: Parameters<Table['scan']>[0] = {}): Promise<number> => (await t.scan(opts).toArray()).length
const summary = (t: Table, keys: string[]): string => keys.map((k) => `${k}=${t.currentSnapshot()?.summary[k] ?? '-'}`).join(' ')
out(`warehouse: ${warehouse}`)
out('lines starting with $ are the CLI equivalents: run in order in an empty folder, they build the same table in ./warehouse')

// 1. A table with hidden partitioning: users write rows; floe derives day(ts) and bucket(4, id).
say(
  'create a table partitioned by day(ts), bucket(4, id), sorted by id',
  'floe create-namespace db',
  "floe create db.events --schema 'id bigint not null, kind string, ts timestamptz, amount decimal(10,2)' --partition-by 'day(ts), bucket(4, id)' --sort-by id",
)
await catalog.createNamespace('db')
const columns = parseColumns('id bigint not null, kind string, ts timestamptz, amount decimal(10,2)')
let t = await catalog.createTable('db.events', { schema: columns, spec: parsePartitionSpec(columns, 'day(ts), bucket(4, id)'), sortOrder: parseSortOrder(columns, 'id'), formatVersion: 2 })
out(`   ${t.metadataLocation}`)

// 2. Append rows: a 64-bit id above 2^53 and a timestamp before 1970 stay exact.
// the same rows go to a JSON-lines file for the CLI equivalent (the long id stays exact there too)
const events = [
  { id: 7342794868382145167n, kind: 'click', ts: '2024-01-01T10:00:00Z', amount: '1.50' },
  { id: 2n, kind: 'view', ts: '2024-01-01T11:30:00Z', amount: '0.25' },
  { id: 10n, kind: 'spam', ts: '2024-01-01T11:45:00Z', amount: '0.01' },
  { id: 3n, kind: 'spam', ts: '2024-01-02T08:00:00Z', amount: null },
  { id: 4n, kind: 'click', ts: '2024-01-03T09:15:00Z', amount: '12.00' },
  { id: 5n, kind: 'spam', ts: '1969-12-31T23:59:59Z', amount: null },
]
const eventsFile = join(root, 'events.jsonl')
await writeFile(eventsFile, events.map((e) => `${stringifyJson(e)}\n`).join(''))
say(
  'append rows (one commit), and keep the new snapshot id',
  `floe append db.events ${word(eventsFile)}`,
  'first=$(floe history db.events --format csv | sed -n 2p | cut -d, -f2)',
)
t = await t.appendRows(events)
const first = t.currentSnapshot()!.snapshotId
out(`   snapshot ${first}: ${summary(t, ['operation', 'added-data-files', 'added-records', 'changed-partition-count'])}`)
for (const task of await t.scan().planFiles()) out(`   ${relative(warehouse, task.file.filePath)}`)
await rows(t)

// 3. Scan with a filter: partition and column-metric pruning skip files without reading them.
const filter = "ts >= '2024-01-02T00:00:00+00:00' and kind <> 'view'"
say(`scan with a filter: ${filter}`, `floe scan db.events --filter "${filter}"`)
const planned = await t.scan({ filter }).planFiles()
out(`   planned ${planned.length} of ${(await t.scan().planFiles()).length} data files`)
await rows(t, { filter })

// 4. Delete rows merge-on-read: files that only hold matches are dropped in metadata; where a file also
//    holds other rows, a position-delete file marks the deleted ones and no data is rewritten.
say("delete kind = 'spam' (merge-on-read)", `floe delete db.events --filter "kind = 'spam'" --mode merge-on-read`)
t = await t.deleteRows("kind = 'spam'", { mode: 'merge-on-read' })
out(`   ${summary(t, ['operation', 'added-delete-files', 'added-position-deletes', 'total-records', 'total-position-deletes'])}`)
out(`   rows now: ${await count(t)}`)
// rows a delete file marks are still in their data files, and the `_deleted` metadata column shows them
// (files that held only deleted rows were dropped whole, so they are no longer scanned)
say('rows the delete file marks: filter on the _deleted metadata column', 'floe scan db.events --filter "_deleted = true" --columns id,kind,_file')
for (const r of await t.scan({ filter: '_deleted = true', select: ['id', 'kind', '_file'] }).toArray())
  out(`   id=${String(r.id)} kind=${String(r.kind)} file=${relative(warehouse, String(r._file))}`)

// 5. Time travel: the first snapshot still has every row.
say(`time travel to snapshot ${first}`, 'floe scan db.events --snapshot-id "$first"')
out(`   rows then: ${await count(t, { snapshot: { snapshotId: first } })}`)

// 6. Branches: write to 'audit' without touching main, then fast-forward main.
const more = join(root, 'more.csv')
await writeFile(more, 'id,kind,ts,amount\n6,click,2024-01-04T12:00:00Z,3.00\n')
say(
  "branch 'audit', append on it, then fast-forward main",
  'floe create-branch db.events audit',
  `floe append db.events ${word(more)} --branch audit`,
  'floe fast-forward db.events main audit',
)
t = await t.transaction().manageSnapshots((m) => m.createBranch('audit')).commit()
t = await t.appendRows([{ id: 6n, kind: 'click', ts: '2024-01-04T12:00:00Z', amount: '3.00' }], { branch: 'audit' })
out(`   main: ${await count(t)} rows, audit: ${await count(t, { snapshot: { ref: 'audit' } })} rows`)
t = await t.transaction().manageSnapshots((m) => m.fastForward('main', 'audit')).commit()
out(`   after fast-forward, main: ${await count(t)} rows`)

// 7. Tag the current state, then roll main back to the first snapshot; the tag keeps the newer one.
say(`tag 'v1', then roll back to ${first}`, 'floe create-tag db.events v1', 'floe rollback-to-snapshot db.events "$first"')
const head = t.currentSnapshot()!.snapshotId
t = await t.transaction().manageSnapshots((m) => m.createTag('v1', head)).commit()
t = await t.transaction().manageSnapshots((m) => m.rollbackTo(first)).commit()
out(`   main: ${await count(t)} rows; tag v1: ${await count(t, { snapshot: { ref: 'v1' } })} rows`)

// 8. History, as the snapshots metadata table.
say('snapshots', 'floe snapshots db.events')
for (const s of snapshotsTable(t.metadata)) out(`   ${stringifyJson({ snapshot_id: s.snapshot_id, parent_id: s.parent_id, operation: s.operation })}`)

// 9. Maintenance, as dry runs (nothing changes): which snapshots expiration would remove now, keeping one
//    snapshot per branch (the tag and both branch heads stay), and which unreferenced files orphan removal
//    would delete (none: it only considers files older than three days, so writes in flight are safe).
say(
  'maintenance dry runs: expire snapshots older than now (keep 1 per branch), find orphan files',
  'floe expire-snapshots db.events --older-than "$(date +%s)999" --retain-last 1 --dry-run',
  'floe remove-orphan-files db.events --dry-run',
)
const exp = await t.expireSnapshots({ olderThanMs: BigInt(Date.now()) + 999n, retainLast: 1, dryRun: true })
out(`   would expire ${exp.expiredSnapshotIds.join(', ') || 'nothing'}, deleting ${exp.files.manifestLists.length} manifest list(s), ${exp.files.manifests.length} manifest(s), ${exp.files.dataFiles.length + exp.files.positionDeleteFiles.length} data/delete file(s)`)
const orphans = await t.removeOrphanFiles({ dryRun: true })
out(`   orphan files: ${orphans.orphanFiles.length} (of ${orphans.listedFiles} listed; ${orphans.tooRecent} younger than the 3-day cut-off)`)

// 10. The metadata file floe committed: valid Iceberg, 64-bit ids exact.
// the CLI's run makes the same commits, so its table is at the same metadata version under ./warehouse
const metadataFile = relative(warehouse, t.metadataLocation)
say(`inspect ${metadataFile}`, `floe inspect ${word(join('warehouse', metadataFile))}`)
const { content } = inspectBytes(await catalog.env.io.read(t.metadataLocation), t.metadataLocation)
const m = content as Record<string, unknown>
printJson(processIO, { 'format-version': m['format-version'], 'current-snapshot-id': m['current-snapshot-id'], refs: m.refs, 'default-spec-id': m['default-spec-id'], 'partition-specs': m['partition-specs'] })
say(`done; the warehouse is in ${warehouse}`, 'floe list db')
