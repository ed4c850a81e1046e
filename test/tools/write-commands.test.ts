// The write-side CLI end to end on real files, through a filesystem and a SQLite catalog: create, append
// (CSV, JSON lines, Parquet), overwrite, delete, refs, properties and catalog administration.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject, type JsonValue } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const json = (s: string): JsonObject => parseJson(s) as JsonObject
const lines = (s: string): JsonObject[] => s.trim().split('\n').filter(Boolean).map((l) => parseJson(l) as JsonObject)
const ids = (rows: JsonObject[]): JsonValue[] => rows.map((r) => r.id!).sort((a, b) => (BigInt(a as bigint) < BigInt(b as bigint) ? -1 : 1))

async function ok(...argv: string[]): Promise<string> {
  const r = await floe(...argv)
  if (r.code !== 0) throw new Error(`floe ${argv.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

const SCHEMA = 'id bigint not null, ts timestamptz, name string, amount decimal(10,2)'

for (const kind of ['file', 'sqlite'] as const) {
  describe(`CLI writes through the ${kind} catalog`, () => {
    const dir = tempDir('floe-cli-')
    const C = ['--catalog', kind === 'file' ? `file:${join(dir, 'wh')}` : `sqlite:${join(dir, 'cat.db')}?warehouse=${join(dir, 'wh')}`]

    it('creates, appends CSV and JSON lines, deletes both ways, overwrites and time-travels', async () => {
      expect(json(await ok('create-namespace', 'db', '--property', 'owner=ops', ...C))).toEqual({ namespace: 'db', properties: { owner: 'ops' } })
      const created = json(await ok('create', 'db.events', '--schema', SCHEMA, '--partition-by', 'day(ts), bucket(4, id)', '--sort-by', 'id desc', '--property', 'commit.retry.num-retries=9', ...C))
      expect((created.partitionSpec as JsonObject).fields).toHaveLength(2)
      expect((created.properties as JsonObject)['commit.retry.num-retries']).toBe('9')
      expect(json(await ok('list', 'db', ...C))).toEqual(['db.events'])
      expect(json(await ok('namespaces', ...C))).toEqual(['db'])

      const csv = join(dir, 'in.csv')
      writeFileSync(csv, 'id,ts,name,amount\n1,2024-01-01T10:00:00Z,a,1.50\n2,2024-01-02T11:00:00Z,b,2.25\n9007199254740993,1969-12-31T23:00:00Z,,\n')
      const a1 = json(await ok('append', 'db.events', csv, ...C))
      expect(a1.operation).toBe('append')
      expect((a1.summary as JsonObject)['added-records']).toBe('3')
      const jl = join(dir, 'in.jsonl')
      writeFileSync(jl, '{"id":4,"ts":"2024-01-01T12:00:00+00:00","name":"d","amount":"4.00"}\n{"id":5,"ts":null,"name":"e","amount":null}\n')
      const a2 = json(await ok('append', 'db.events', jl, ...C))
      expect(a2.parentSnapshotId).toBe(a1.snapshotId)
      expect(ids(lines(await ok('scan', 'db.events', ...C)))).toEqual([1n, 2n, 4n, 5n, 9007199254740993n].map((x) => (x < 2n ** 31n ? Number(x) : x)))

      const d1 = json(await ok('delete', 'db.events', '--filter', 'id = 2', '--mode', 'merge-on-read', ...C))
      expect(d1.operation).toBe('delete')
      const d2 = json(await ok('delete', 'db.events', '--filter', "name = 'a'", '--mode', 'copy-on-write', ...C))
      expect(['delete', 'overwrite']).toContain(d2.operation)
      expect(ids(lines(await ok('scan', 'db.events', ...C)))).toEqual([4, 5, 9007199254740993n])

      const repl = join(dir, 'repl.jsonl')
      writeFileSync(repl, '{"id":40,"ts":"2024-01-01T13:00:00+00:00","name":"x","amount":"0.01"}\n')
      const o1 = json(await ok('overwrite', 'db.events', repl, '--filter', "ts >= '2024-01-01T00:00:00+00:00' and ts < '2024-01-02T00:00:00+00:00'", ...C))
      expect(o1.operation).toBe('overwrite')
      expect(ids(lines(await ok('scan', 'db.events', ...C)))).toEqual([5, 40, 9007199254740993n])
      const dyn = join(dir, 'dyn.jsonl')
      writeFileSync(dyn, '{"id":40,"ts":"2024-01-01T14:00:00+00:00","name":"y","amount":"0.02"}\n')
      await ok('overwrite', 'db.events', dyn, '--dynamic', ...C)
      const after = lines(await ok('scan', 'db.events', ...C))
      expect(after.find((r) => r.id === 40)!.name).toBe('y') // same (day, bucket) partition replaced

      // time travel back to the first append gives its rows exactly
      const back = lines(await ok('scan', 'db.events', '--snapshot-id', String(a1.snapshotId), ...C))
      expect(ids(back)).toEqual([1, 2, 9007199254740993n])
    })

    it('manages refs: tag, branch, write to a branch, fast-forward, cherry-pick and rollback', async () => {
      await ok('create', 'db.refs', '--schema', 'id int not null, v string', ...C)
      const f = join(dir, 'r.jsonl')
      writeFileSync(f, '{"id":1,"v":"a"}\n')
      const s1 = json(await ok('append', 'db.refs', f, ...C))
      const tag = json(await ok('create-tag', 'db.refs', 'v1', '--max-ref-age-ms', '86400000', ...C))
      expect((tag.refs as JsonObject).v1).toEqual({ snapshotId: s1.snapshotId, type: 'tag', maxRefAgeMs: 86400000 })
      await ok('create-branch', 'db.refs', 'dev', '--min-snapshots-to-keep', '3', ...C)
      writeFileSync(f, '{"id":2,"v":"b"}\n')
      const onDev = json(await ok('append', 'db.refs', f, '--branch', 'dev', ...C))
      expect(onDev.branch).toBe('dev')
      expect(lines(await ok('scan', 'db.refs', ...C)).map((r) => r.id)).toEqual([1])
      expect(lines(await ok('scan', 'db.refs', '--ref', 'dev', ...C)).map((r) => r.id).sort()).toEqual([1, 2])
      const ff = json(await ok('fast-forward', 'db.refs', 'main', 'dev', ...C))
      expect(ff.currentSnapshotId).toBe(onDev.snapshotId)
      const rb = json(await ok('rollback-to-snapshot', 'db.refs', String(s1.snapshotId), ...C))
      expect(rb.currentSnapshotId).toBe(s1.snapshotId)
      const cp = json(await ok('cherry-pick', 'db.refs', String(onDev.snapshotId), ...C))
      expect(cp.currentSnapshotId ?? cp.snapshotId).toBeDefined()
      expect(lines(await ok('scan', 'db.refs', ...C)).map((r) => r.id).sort()).toEqual([1, 2])
      const sc = json(await ok('set-current-snapshot', 'db.refs', String(s1.snapshotId), ...C))
      expect(sc.currentSnapshotId).toBe(s1.snapshotId)
      const now = Date.now() + 1000
      const rt = json(await ok('rollback-to-timestamp', 'db.refs', String(now), ...C))
      expect(rt.currentSnapshotId).toBe(s1.snapshotId) // s1 is the newest ancestor of s1 before now
      expect(Object.keys(json(await ok('drop-tag', 'db.refs', 'v1', ...C)).refs as JsonObject)).not.toContain('v1')
      expect(Object.keys(json(await ok('drop-branch', 'db.refs', 'dev', ...C)).refs as JsonObject)).toEqual(['main'])
      const bad = await floe('drop-branch', 'db.refs', 'main', ...C)
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/VALIDATION: Cannot remove the main branch/)
    })

    it('sets and unsets properties, registers, renames and drops tables', async () => {
      await ok('create', 'db.props', '--schema', '{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":"long"}]}', '--format-version', '1', ...C)
      const set = json(await ok('set-properties', 'db.props', 'a=1', 'b=2', ...C))
      expect((set.properties as JsonObject).a).toBe('1')
      const unset = json(await ok('unset-properties', 'db.props', 'a', ...C))
      expect((unset.properties as JsonObject).a).toBeUndefined()
      expect((unset.properties as JsonObject).b).toBe('2')
      const meta = (json(await ok('describe', 'db.props', ...C)).metadataLocation as string)
      const reg = json(await ok('register-table', 'db.copy', meta, ...C))
      // SQL catalogs point at the file; a filesystem warehouse adopts a copy as the new table's v1
      if (kind === 'sqlite') expect(reg.metadataLocation).toBe(meta)
      else expect(reg.metadataLocation).toBe(join(dir, 'wh', 'db', 'copy', 'metadata', 'v1.metadata.json'))
      expect(json(await ok('describe', 'db.copy', ...C)).properties).toEqual(unset.properties)
      if (kind === 'sqlite') {
        await ok('rename-table', 'db.copy', 'db.copy2', ...C)
        expect(json(await ok('list', 'db', ...C))).toContain('db.copy2')
        await ok('drop-table', 'db.copy2', ...C)
      } else {
        const r = await floe('rename-table', 'db.copy', 'db.copy2', ...C)
        expect(r.code).toBe(1)
        expect(r.stderr).toMatch(/UNSUPPORTED/)
      }
      const purged = json(await ok('drop-table', 'db.props', '--purge', ...C))
      // every file the table had is counted as deleted, and none was left behind
      expect(purged.deletedFiles).toBeGreaterThan(0)
      expect(purged.undeletedFiles).toEqual([])
      expect(purged.unreadableFiles).toEqual([])
      expect(json(await ok('list', 'db', ...C))).not.toContain('db.props')
    })

    it('rejects bad input with typed errors and commits nothing', async () => {
      await ok('create', 'db.strict', '--schema', 'id int not null, d date', ...C)
      const bad = join(dir, 'bad.csv')
      writeFileSync(bad, 'id,d\n1,2024-01-01\n,2024-01-02\n')
      const r = await floe('append', 'db.strict', bad, ...C)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/INVALID_DATA/)
      expect(r.stderr).toContain('bad.csv')
      expect(r.stderr).toMatch(/row 2/)
      expect(r.stderr).toMatch(/\bid\b/)
      expect(lines(await ok('snapshots', 'db.strict', ...C))).toEqual([])
      expect((await floe('create', 'db.bad', '--schema', 'x nosuchtype', ...C)).stderr).toMatch(/INVALID_ARGUMENT: Unknown type/)
      expect((await floe('create', 'db.bad', '--schema', 'x int', '--partition-by', 'bucket(4, y)', ...C)).stderr).toMatch(/Unknown column y/)
      expect((await floe('overwrite', 'db.strict', bad, ...C)).stderr).toMatch(/exactly one of --filter/)
      expect((await floe('append', 'nope.none', bad, ...C)).stderr).toMatch(/NOT_FOUND/)
      expect((await floe('append', join(dir, 'wh'), bad, ...C)).stderr).toMatch(/is a path/)
    })

    it('names the input file and its own row in partition-value errors, for several inputs and sorted tables', async () => {
      // truncate(10, d) of decimal(1,0) -9 is -10, which decimal(1,0) cannot hold: the row is refused while writing
      const a = join(dir, 'pa.csv')
      const b = join(dir, 'pb.jsonl')
      const c = join(dir, 'pc.csv')
      writeFileSync(a, 'd,s\n1,a\n2,b\n')
      writeFileSync(b, '{"d":3,"s":"c"}\n{"d":4,"s":"d"}\n{"d":-9,"s":"e"}\n')
      writeFileSync(c, 'd,s\n3,c\nx,d\n')
      await ok('create', 'db.trunc', '--schema', 'd decimal(1,0), s string', '--partition-by', 'truncate(10, d)', ...C)
      await ok('create', 'db.truncsorted', '--schema', 'd decimal(1,0), s string', '--partition-by', 'truncate(10, d)', '--sort-by', 's', ...C)
      for (const table of ['db.trunc', 'db.truncsorted'])
        for (const args of [[b], [a, b], [a, a, b], ['--dynamic', a, b]]) {
          const cmd = args[0] === '--dynamic' ? ['overwrite', table, ...args.slice(1), '--dynamic'] : ['append', table, ...args]
          const r = await floe(...cmd, ...C)
          expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(1)
          expect(r.stderr).toContain(`INVALID_DATA: Invalid data in ${b} row 3: Cannot partition column d: truncate[10] of -9 is -10`)
          // coercion errors name the file and row too (read before the rows are written)
          expect((await floe(...cmd.map((x) => (x === b ? c : x)), ...C)).stderr).toContain(`Invalid data in ${c} row 2 column d`)
        }
      expect(lines(await ok('snapshots', 'db.trunc', ...C))).toEqual([])
      expect(lines(await ok('snapshots', 'db.truncsorted', ...C))).toEqual([])
      // good rows from several files are all written
      await ok('append', 'db.truncsorted', a, a, ...C)
      expect(lines(await ok('scan', 'db.truncsorted', ...C))).toHaveLength(4)
    })
  })
}
