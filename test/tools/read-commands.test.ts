// The read-side CLI on corpus tables: scan (jsonl/csv/table, filters, columns, time travel), plan, describe, metadata tables.
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { CORPUS } from '../support/corpus.js'
import { floe } from '../support/cli.js'

const DUCK = `${CORPUS}/duckdb-iceberg`
const REMAP = ['--remap', `data/persistent/=${DUCK}/data/persistent/`]
const EQ = `${DUCK}/data/persistent/equality_deletes/warehouse/mydb/mytable`
const BIGINT = `${DUCK}/data/persistent/partition_bigint`
// Impala table with two snapshots and position deletes (every manifest list of its history is present)
const POS = `${CORPUS}/impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_partitioned_position_deletes`
const POS_REMAP = ['--remap', `/test-warehouse/iceberg_test/hadoop_catalog/ice/iceberg_v2_partitioned_position_deletes=${POS}`]
const lines = (s: string): JsonObject[] => s.trim().split('\n').filter(Boolean).map((l) => parseJson(l) as JsonObject)

describe('floe scan', () => {
  it('writes JSON lines with exact longs by default when piped', async () => {
    const r = await floe('scan', BIGINT, ...REMAP)
    expect(r.code).toBe(0)
    const rows = lines(r.stdout)
    expect(rows.map((x) => x.partition_col).sort()).toEqual([-9223372036854775808n, 9223372036854775807n])
    expect(r.stdout).toContain('9223372036854775807')
  })

  it('applies deletes, filters, columns and limit', async () => {
    const all = lines((await floe('scan', EQ, ...REMAP)).stdout)
    expect(all.map((x) => x.id).sort()).toEqual([4, 5])
    const filtered = lines((await floe('scan', EQ, ...REMAP, '--filter', 'id > 4', '--columns', 'name')).stdout)
    expect(filtered).toEqual([{ name: 'e' }])
    expect(lines((await floe('scan', EQ, ...REMAP, '--limit', '1')).stdout)).toHaveLength(1)
    const csv = (await floe('scan', EQ, ...REMAP, '--format', 'csv', '--columns', 'id,bir')).stdout.trim().split('\n')
    expect(csv[0]).toBe('id,bir')
    expect(csv.slice(1).sort()).toEqual(['4,2025-01-04', '5,2025-01-05'])
    const table = (await floe('scan', EQ, ...REMAP, '--format', 'table')).stdout
    expect(table).toMatch(/\(2 rows\)/)
  })

  it('prints columns in the order --columns names them, metadata columns included', async () => {
    const csv = (await floe('scan', EQ, ...REMAP, '--format', 'csv', '--columns', 'bir,_pos,id')).stdout.trim().split('\n')
    expect(csv[0]).toBe('bir,_pos,id')
    const ci = (await floe('scan', EQ, ...REMAP, '--format', 'csv', '--case-insensitive', '--columns', 'BIR,Id')).stdout.trim().split('\n')
    expect(ci[0]).toBe('bir,id')
    const rows = lines((await floe('scan', EQ, ...REMAP, '--columns', 'name,id')).stdout)
    expect(Object.keys(rows[0]!)).toEqual(['name', 'id'])
  })

  it('time-travels by snapshot id and as-of time, with typed errors', async () => {
    const snaps = lines((await floe('snapshots', EQ, ...REMAP)).stdout)
    expect(snaps.length).toBe(6) // MANIFEST.md: 6 snapshots
    const first = snaps[0]!
    const r = await floe('scan', EQ, ...REMAP, '--snapshot-id', String(first.snapshot_id))
    expect(lines(r.stdout).length).toBe(4)
    const hist = lines((await floe('history', EQ, ...REMAP)).stdout)
    // history prints made_current_at as an ISO timestamptz, as scan prints timestamptz values
    const asOf = String(Date.parse(hist[0]!.made_current_at as string))
    expect(lines((await floe('scan', EQ, ...REMAP, '--as-of', asOf)).stdout).length).toBe(4)
    const before = await floe('scan', EQ, ...REMAP, '--as-of', '1000')
    expect(before.code).toBe(1)
    expect(before.stderr).toMatch(/^floe: NOT_FOUND: Cannot find a snapshot older than/)
    const bad = await floe('scan', EQ, ...REMAP, '--snapshot-id', '1', '--ref', 'main')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/INVALID_ARGUMENT/)
  })

  it('plans tasks with deletes attached and reports pruning on stderr', async () => {
    const r = await floe('plan', EQ, ...REMAP)
    const tasks = lines(r.stdout)
    expect(tasks.length).toBeGreaterThan(0)
    expect(tasks.some((t) => (t.deletes as unknown[]).length > 0)).toBe(true)
    expect(r.stderr).toMatch(/planned \d+ task\(s\)/)
  })

  it('plan --tasks prints whole tasks as task JSON that readTask reads back to the scan rows', async () => {
    const { taskFromJson } = await import('../../src/table/task-json.js')
    const { readTask } = await import('../../src/table/read.js')
    const { defaultEnv } = await import('../../src/env.js')
    const { LocalFileIO } = await import('../../src/io/local.js')
    const { RemappingFileIO } = await import('../../src/io/remap.js')
    const r = await floe('plan', EQ, '--tasks', ...REMAP)
    const tasks = r.stdout.split('\n').filter(Boolean).map((l, i) => taskFromJson(l, `line ${i + 1}`))
    expect(tasks.some((t) => t.deletes.some((d) => d.content === 'equality-deletes'))).toBe(true)
    const env = defaultEnv(new RemappingFileIO(new LocalFileIO(), [{ from: 'data/persistent/', to: `${DUCK}/data/persistent/` }]))
    let n = 0
    for (const t of tasks) for await (const _ of readTask(env, t)) n++
    const scanned = lines((await floe('scan', EQ, '--format', 'jsonl', ...REMAP)).stdout)
    expect(n).toBe(scanned.length)
  })

  it('describes the table and lists metadata tables', async () => {
    const d = parseJson((await floe('describe', EQ, ...REMAP)).stdout) as JsonObject
    expect(d.formatVersion).toBe(2)
    expect((d.schema as JsonObject).fields).toHaveLength(3)
    for (const cmd of ['refs', 'manifests', 'files', 'data-files', 'delete-files', 'entries', 'partitions', 'metadata-log']) {
      const r = await floe(cmd, EQ, ...REMAP)
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0)
      expect(lines(r.stdout).length, cmd).toBeGreaterThan(0)
    }
    const files = lines((await floe('delete-files', EQ, ...REMAP)).stdout)
    expect(files.every((f) => f.content === 2)).toBe(true)
  })

  it('lists the all_* tables over every snapshot and refuses a snapshot choice for them', async () => {
    const all = lines((await floe('all-files', POS, ...POS_REMAP)).stdout)
    const current = lines((await floe('files', POS, ...POS_REMAP)).stdout)
    // every file live in the current snapshot is among the files of all snapshots
    const allPaths = new Set(all.map((f) => f.file_path))
    expect(current.length).toBeGreaterThan(0)
    for (const f of current) expect(allPaths.has(f.file_path)).toBe(true)
    for (const cmd of ['all-manifests', 'all-data-files', 'all-delete-files', 'all-entries']) {
      const r = await floe(cmd, POS, ...POS_REMAP)
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0)
      expect(lines(r.stdout).length, cmd).toBeGreaterThan(0)
    }
    const refused = await floe('all-files', POS, '--snapshot-id', '1', ...POS_REMAP)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/^floe: INVALID_ARGUMENT/)
  })

  it('lists deleted positions with position-deletes', async () => {
    const r = await floe('position-deletes', POS, ...POS_REMAP)
    expect(r.code, r.stderr).toBe(0)
    const rows = lines(r.stdout)
    const deleteFiles = lines((await floe('delete-files', POS, ...POS_REMAP)).stdout)
    // one row per deleted position across the snapshot's position delete files
    const expected = deleteFiles.filter((f) => (f.content as number) === 1).reduce((a, f) => a + Number(f.record_count), 0)
    expect(expected).toBeGreaterThan(0)
    expect(rows.length).toBe(expected)
    // Impala's delete files name data files with a full hdfs:// URI, its manifests without the authority
    const bare = (p: unknown): string => String(p).replace(/^hdfs:\/\/[^/]+/, '')
    const dataFiles = new Set(lines((await floe('data-files', POS, ...POS_REMAP)).stdout).map((f) => bare(f.file_path)))
    for (const row of rows) expect(dataFiles.has(bare(row.file_path))).toBe(true)
  })

  it('reports missing tables on stderr with a code', async () => {
    const r = await floe('scan', '/no/such/table')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^floe: NOT_FOUND/)
  })
})
