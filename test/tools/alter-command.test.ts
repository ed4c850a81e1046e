// `floe alter` end to end on a filesystem catalog: every schema, partition and sort-order change, reads
// across the evolution, and invalid changes rejected with typed errors and no new metadata.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const json = (s: string): JsonObject => parseJson(s) as JsonObject
const lines = (s: string): JsonObject[] => s.trim().split('\n').filter(Boolean).map((l) => parseJson(l) as JsonObject)
async function ok(...argv: string[]): Promise<string> {
  const r = await floe(...argv)
  if (r.code !== 0) throw new Error(`floe ${argv.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}
const names = (o: JsonObject): string[] => ((o.schema as JsonObject).fields as JsonObject[]).map((f) => f.name as string)

describe('floe alter', () => {
  const dir = tempDir('floe-alter-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('evolves columns, identifier fields, partitioning and sort order; old rows read through field ids', async () => {
    await ok('create-namespace', 'db', ...C)
    await ok('create', 'db.t', '--schema', 'id int not null, cat string, ts timestamptz', '--partition-by', 'cat', '--format-version', '3', ...C)
    const f = join(dir, 'a.jsonl')
    writeFileSync(f, '{"id":1,"cat":"a","ts":"2024-01-01T00:00:00+00:00"}\n{"id":2,"cat":"b","ts":"2024-01-02T00:00:00+00:00"}\n')
    await ok('append', 'db.t', f, ...C)

    let r = json(await ok('alter', 'db.t', 'add-column', 'score', 'double', '--doc', 'a score', '--after', 'id', ...C))
    expect(names(r)).toEqual(['id', 'score', 'cat', 'ts'])
    r = json(await ok('alter', 'db.t', 'add-column', 'region', 'string', '--required', '--default', 'eu', ...C))
    expect(((r.schema as JsonObject).fields as JsonObject[]).find((x) => x.name === 'region')).toMatchObject({ required: true, 'initial-default': 'eu' })
    r = json(await ok('alter', 'db.t', 'rename-column', 'cat', 'category', ...C))
    expect(names(r)).toContain('category')
    r = json(await ok('alter', 'db.t', 'update-column', 'id', '--type', 'bigint', ...C))
    expect(((r.schema as JsonObject).fields as JsonObject[])[0]).toMatchObject({ name: 'id', type: 'long' })
    r = json(await ok('alter', 'db.t', 'move-column', 'ts', '--first', ...C))
    expect(names(r)[0]).toBe('ts')
    r = json(await ok('alter', 'db.t', 'set-identifier-fields', 'id', ...C))
    expect((r.schema as JsonObject)['identifier-field-ids']).toEqual([1])
    r = json(await ok('alter', 'db.t', 'union-by-name', 'id bigint not null, note string', ...C))
    expect(names(r)).toContain('note')
    r = json(await ok('alter', 'db.t', 'drop-column', 'score', ...C))
    expect(names(r)).not.toContain('score')

    r = json(await ok('alter', 'db.t', 'add-partition-field', 'day(ts)', ...C))
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[]).map((x) => x.name)).toEqual(['cat', 'ts_day'])
    r = json(await ok('alter', 'db.t', 'rename-partition-field', 'ts_day', 'day', ...C))
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[]).map((x) => x.name)).toEqual(['cat', 'day'])
    r = json(await ok('alter', 'db.t', 'drop-partition-field', 'cat', ...C))
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[]).map((x) => x.name)).toEqual(['day'])
    r = json(await ok('alter', 'db.t', 'replace-sort-order', 'id desc nulls last', ...C))
    expect((r.sortOrder as JsonObject).fields).toEqual([{ transform: 'identity', 'source-id': 1, direction: 'desc', 'null-order': 'nulls-last' }])

    // new rows go to the new spec; old rows read under the new names with defaults for added columns
    writeFileSync(f, '{"id":3,"category":"c","ts":"2024-01-03T00:00:00+00:00","region":"us","note":"n"}\n')
    await ok('append', 'db.t', f, ...C)
    const rows = lines(await ok('scan', 'db.t', ...C)).sort((a, b) => Number(a.id) - Number(b.id))
    expect(rows.map((x) => [x.id, x.category, x.region, x.note ?? null])).toEqual([
      [1, 'a', 'eu', null],
      [2, 'b', 'eu', null],
      [3, 'c', 'us', 'n'],
    ])
    const files = lines(await ok('data-files', 'db.t', ...C))
    const specId = ((json(await ok('describe', 'db.t', ...C)).partitionSpec as JsonObject)['spec-id'] as number)
    expect(specId).toBeGreaterThan(0)
    expect(files.map((x) => x.spec_id).sort()).toEqual([0, 0, specId]) // old files keep spec 0, the new one uses the new default
    expect(lines(await ok('scan', 'db.t', '--filter', "ts >= '2024-01-02T00:00:00+00:00'", ...C)).map((x) => x.id).sort()).toEqual([2, 3])
  })

  it('nested sort sources, exact-case sources, dotted add-column names, type modifiers and time partition evolution', async () => {
    await ok('create', 'db.n', '--schema', 'id bigint, st struct<x: int>, a int, A long, ts timestamptz', '--partition-by', 'day(ts)', '--format-version', '3', ...C)
    const fields = (o: JsonObject): JsonObject[] => (o.schema as JsonObject).fields as JsonObject[]
    // a nested sort source binds by its full name
    let r = json(await ok('alter', 'db.n', 'replace-sort-order', 'st.x desc', ...C))
    expect((r.sortOrder as JsonObject).fields).toEqual([{ transform: 'identity', 'source-id': 6, direction: 'desc', 'null-order': 'nulls-last' }])
    // `A` is the column A, not a
    r = json(await ok('alter', 'db.n', 'replace-sort-order', 'A asc', ...C))
    expect(((r.sortOrder as JsonObject).fields as JsonObject[])[0]!['source-id']).toBe(4)
    r = json(await ok('alter', 'db.n', 'add-partition-field', 'truncate(2, A)', ...C))
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[])[1]).toMatchObject({ name: 'A_trunc_2', 'source-id': 4 })
    // day -> hour evolution stays allowed (only a new table's spec refuses redundant time partitions)
    r = json(await ok('alter', 'db.n', 'add-partition-field', 'hours(ts)', ...C))
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[]).map((f) => f.name)).toEqual(['ts_day', 'A_trunc_2', 'ts_hour'])
    // st.z adds z inside st; a quoted `st.z` is one top-level name
    r = json(await ok('alter', 'db.n', 'add-column', 'st.z', 'int', ...C))
    expect(fields(r).map((f) => f.name)).toEqual(['id', 'st', 'a', 'A', 'ts'])
    expect((((fields(r)[1]!.type as JsonObject).fields as JsonObject[]).map((f) => f.name))).toEqual(['x', 'z'])
    r = json(await ok('alter', 'db.n', 'add-column', '`st.w`', 'int', ...C))
    expect(fields(r).map((f) => f.name)).toEqual(['id', 'st', 'a', 'A', 'ts', 'st.w'])
    // with --parent a name quoted whole is unquoted, as without it; a dotted quoted path is refused there
    r = json(await ok('alter', 'db.n', 'add-column', '`c d`', 'int', '--parent', 'st', ...C))
    expect((((fields(r)[1]!.type as JsonObject).fields as JsonObject[]).map((f) => f.name))).toEqual(['x', 'z', 'c d'])
    expect((await floe('alter', 'db.n', 'add-column', '`e`.`f`', 'int', '--parent', 'st', ...C)).stderr).toMatch(/^floe: INVALID_ARGUMENT: With --parent/)
    // not null and comment in the type are --required and --doc
    const req = await floe('alter', 'db.n', 'add-column', 'k', 'int not null', ...C)
    expect(req.stderr).toMatch(/^floe: VALIDATION: .*cannot add required column without a default value: k/)
    r = json(await ok('alter', 'db.n', 'add-column', 'k', "int not null comment 'the k'", '--default', '7', ...C))
    expect(fields(r).find((f) => f.name === 'k')).toMatchObject({ required: true, doc: 'the k', 'initial-default': 7 })
    const upd = await floe('alter', 'db.n', 'update-column', 'a', '--type', 'long not null', ...C)
    expect(upd.stderr).toMatch(/^floe: INVALID_ARGUMENT: update-column --type takes a type only: use --required/)
    const doc = await floe('alter', 'db.n', 'update-column', 'a', '--type', "long comment 'x'", ...C)
    expect(doc.stderr).toMatch(/^floe: INVALID_ARGUMENT: update-column --type takes a type only: use --doc/)
    expect(fields(json(await ok('describe', 'db.n', ...C))).find((f) => f.name === 'a')).toMatchObject({ type: 'int', required: false })
  })

  it('rejects invalid changes with typed errors and leaves the metadata unchanged', async () => {
    await ok('create', 'db.v', '--schema', 'id int not null, s string, d decimal(9,2)', ...C)
    const before = json(await ok('describe', 'db.v', ...C)).metadataLocation
    const cases: Array<[string[], RegExp]> = [
      [['add-column', 'id', 'int'], /VALIDATION: .*already exists|VALIDATION: .*duplicate/i],
      [['add-column', 'r', 'int', '--required'], /VALIDATION: .*default/i],
      [['update-column', 's', '--type', 'int'], /VALIDATION: .*(cannot change|incompatible)/i],
      [['update-column', 'd', '--type', 'decimal(8,2)'], /VALIDATION/],
      [['drop-column', 'nope'], /VALIDATION|NOT_FOUND/],
      [['add-column', 'x', 'int', '--parent', 'nope'], /VALIDATION|NOT_FOUND/],
      [['rename-column', 's', 'id'], /VALIDATION/],
      [['drop-partition-field', 'nope'], /VALIDATION|NOT_FOUND/],
      [['add-partition-field', 'bucket(4, nope)'], /INVALID_ARGUMENT: Unknown column nope/],
      [['move-column', 'id'], /INVALID_ARGUMENT: move-column needs/],
      [['frobnicate'], /INVALID_ARGUMENT: alter needs a change/],
      [['add-column', 'e', 'map<int, string, double>'], /INVALID_ARGUMENT: map takes exactly a key and a value type/],
      [['add-column', 'e', 'int, f int'], /INVALID_ARGUMENT: Cannot parse type/],
      [['add-column', 'e', 'decimal(5,-1)'], /INVALID_ARGUMENT: Invalid decimal scale -1/],
    ]
    for (const [args, err] of cases) {
      const r = await floe('alter', 'db.v', ...args, ...C)
      expect(r.code, args.join(' ')).not.toBe(0)
      expect(r.stderr, args.join(' ')).toMatch(err)
    }
    await ok('alter', 'db.v', 'set-identifier-fields', 'id', ...C)
    const r = await floe('alter', 'db.v', 'drop-column', 'id', ...C)
    expect(r.stderr).toMatch(/VALIDATION: .*identifier/i)
    const after = json(await ok('describe', 'db.v', ...C))
    expect(((after.schema as JsonObject).fields as JsonObject[]).map((x) => x.name)).toEqual(['id', 's', 'd'])
    expect(after.metadataLocation).not.toBe(before) // only the identifier change committed
  })
})

describe('floe create', () => {
  const dir = tempDir('floe-create-ddl-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('refuses redundant time or identity partitions, as Java PartitionSpec.Builder does, and commits nothing', async () => {
    await ok('create-namespace', 'db', ...C)
    for (const [i, spec] of ['day(ts), hour(ts)', 'year(ts), month(ts)', 'ts, identity(ts)'].entries()) {
      const r = await floe('create', `db.r${i}`, '--schema', 'id bigint, ts timestamptz', '--partition-by', spec, ...C)
      expect(r.code, spec).toBe(2)
      expect(r.stderr, spec).toMatch(/^floe: INVALID_ARGUMENT: Cannot (add redundant partition|use partition name more than once)/)
      expect((await floe('describe', `db.r${i}`, ...C)).stderr).toMatch(/NOT_FOUND/)
    }
  })

  it('takes comments and quoted names holding commas and brackets, and names partitions by the schema', async () => {
    const r = json(await ok('create', 'db.q', '--schema', "`a,b` int comment 'x, (y) <z>', Ts timestamptz", '--partition-by', 'days(ts)', ...C))
    expect(((r.schema as JsonObject).fields as JsonObject[]).map((f) => [f.name, f.doc ?? null])).toEqual([
      ['a,b', 'x, (y) <z>'],
      ['Ts', null],
    ])
    expect(((r.partitionSpec as JsonObject).fields as JsonObject[]).map((f) => f.name)).toEqual(['Ts_day'])
  })
})
