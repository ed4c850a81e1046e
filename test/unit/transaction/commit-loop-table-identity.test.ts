// The commit loop only ever re-applies updates to the table they were made for: a table dropped and re-created
// under the same name (another uuid) fails the stale commit as VALIDATION, a table dropped meanwhile as
// NOT_FOUND, and a refresh that fails surfaces its error — each deleting every file the attempts wrote.
import { describe, expect, it } from 'vitest'
import type { Catalog } from '../../../src/catalog/catalog.js'
import type { TableOperations } from '../../../src/catalog/table-operations.js'
import { CommitConflictError, FloeError, isFloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Table } from '../../../src/table/table.js'
import { fakeFile, makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'v', T.int)])
const PROPS = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' }

/** Every file under the locations of these tables. */
async function filesOf(...tables: Table[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (const t of tables) for await (const s of t.env.io.list!(t.metadata.location)) out.add(s.path)
  return out
}

async function rejection(p: Promise<unknown>): Promise<FloeError> {
  const e = await p.then(
    () => expect.fail('expected the commit to fail'),
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(FloeError)
  return e as FloeError
}

async function fresh(kind: 'memory' | 'sqlite'): Promise<{ cat: Catalog; t: Table }> {
  const cat = makeCatalog(kind)
  await cat.createNamespace('db')
  const t = await (await cat.createTable('db.t', { schema: SCHEMA, properties: PROPS })).append([fakeFile('/d/old.parquet')])
  return { cat, t }
}

describe.each(['memory', 'sqlite'] as const)('a table dropped and re-created under the same name (%s catalog)', (kind) => {
  it.each([false, true])('a stale writer fails as VALIDATION and leaves the new table and its files alone (new table has a commit: %s)', async (newCommits) => {
    const { cat, t: stale } = await fresh(kind)
    await cat.dropTable('db.t')
    let neu = await cat.createTable('db.t', { schema: SCHEMA, properties: PROPS })
    if (newCommits) neu = await neu.append([fakeFile('/d/new.parquet')])
    const before = await filesOf(stale, neu)
    const e = await rejection(stale.append([fakeFile('/d/stale.parquet')]))
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect(e.retryable).toBe(false)
    expect(e.message).toContain(`Table UUID does not match: current=${stale.metadata.tableUuid} != refreshed=${neu.metadata.tableUuid}`)
    const now = await cat.loadTable('db.t')
    expect(now.metadataLocation).toBe(neu.metadataLocation)
    expect((await now.scan().planFiles()).map((x) => x.file.filePath)).toEqual(newCommits ? ['/d/new.parquet'] : [])
    expect([...(await filesOf(stale, now))].filter((p) => !before.has(p))).toEqual([])
  })
})

describe('a table dropped during the commit', () => {
  it.each(['memory', 'sqlite'] as const)('%s: NOT_FOUND, and the attempt deletes the manifests and list it wrote', async (kind) => {
    const { cat, t } = await fresh(kind)
    await cat.dropTable('db.t') // without purge: the old files stay, only the pointer goes
    const before = await filesOf(t)
    const e = await rejection(t.append([fakeFile('/d/late.parquet')]))
    expect(isFloeError(e, 'NOT_FOUND')).toBe(true)
    expect([...(await filesOf(t))].filter((p) => !before.has(p))).toEqual([])
  })

  it('a refresh that fails after a conflict surfaces its error and deletes what the attempts wrote', async () => {
    const { t } = await fresh('memory')
    const ops = t.ops!
    const broken: TableOperations = {
      io: ops.io,
      refresh: () => Promise.reject(new FloeError('IO', 'Injected refresh failure')),
      commit: () => Promise.reject(new CommitConflictError('Injected conflict')),
    }
    const before = await filesOf(t)
    const e = await rejection(new Table(t.env, t.state, t.name, broken).append([fakeFile('/d/x.parquet')]))
    expect(e.message).toBe('Injected refresh failure')
    expect([...(await filesOf(t))].filter((p) => !before.has(p))).toEqual([])
  })
})
