// A FileIO that fails the k-th operation, for every k over a commit: the table stays at its last committed
// state (or the new one, if the swap happened), and no file a committed snapshot references is deleted.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { reachableFiles } from '../../../src/catalog/purge.js'
import { equal } from '../../../src/expr/expression.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { Table } from '../../../src/table/table.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

type Op = (t: Table) => Promise<Table>
const OPS: Record<string, Op> = {
  append: (t) => t.append([fakeFile('/d/new.parquet', [3])]),
  overwrite: (t) => t.transaction().overwrite({ filter: equal('p', 1), addFiles: [fakeFile('/d/o.parquet', [1])] }).commit(),
  'replace-partitions': (t) => t.transaction().replacePartitions([fakeFile('/d/r.parquet', [2])]).commit(),
  properties: (t) => t.transaction().setProperties({ k: 'v' }).commit(),
}

async function setup(): Promise<{ io: MemoryFileIO; cat: MemoryCatalog; t: Table }> {
  const io = new MemoryFileIO()
  const cat = new MemoryCatalog(testEnv(io, 5))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'commit.retry.num-retries': '0' } })
  t = await t.append([fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [2])])
  return { io, cat, t }
}

describe('fault injection', () => {
  it.each(Object.keys(OPS))('%s: failing the k-th I/O operation never corrupts the table', async (name) => {
    let k = 1
    for (; k < 200; k++) {
      const { io, cat, t } = await setup()
      const referenced = await reachableFiles(io, t.state)
      let n = 0
      io.beforeOp = (op, path) => {
        if (++n === k) throw new FloeError('IO', `injected failure of ${op} ${path}`)
      }
      let failed = false
      try {
        await OPS[name]!(t)
      } catch (e) {
        if (!(e instanceof FloeError)) throw e
        failed = true
      }
      io.beforeOp = undefined
      const after = await cat.loadTable('db.t')
      // the table is readable and at the old or the new version
      const plan = await after.scan().planFiles()
      expect(plan.length).toBeGreaterThan(0)
      if (failed) expect(after.metadataLocation).toBe(t.metadataLocation)
      // nothing the old committed version references was deleted
      for (const f of [...referenced.metadata]) expect(io.files.has(f), `${f} deleted (k=${k})`).toBe(true)
      if (!failed) break
    }
    expect(k).toBeGreaterThanOrEqual(2) // at least one injected failure was exercised before success
  })
})

const ROW_OPS: Record<string, Op> = {
  appendRows: (t) => t.appendRows([{ id: 10n, p: 3 }, { id: 11n, p: 1 }]),
  'delete copy-on-write': (t) => t.deleteRows('id = 1', { mode: 'copy-on-write' }),
  'delete merge-on-read': (t) => t.deleteRows('id = 1', { mode: 'merge-on-read' }),
  overwriteRows: (t) => t.overwriteRows([{ id: 20n, p: 2 }], 'p = 2'),
}

describe('fault injection on row-level writes (real Parquet)', () => {
  it.each(Object.keys(ROW_OPS))('%s: a failure at any I/O step keeps the last committed state and leaves no files behind', async (name) => {
    let k = 1
    for (; k < 400; k++) {
      const io = new MemoryFileIO()
      const cat = new MemoryCatalog(testEnv(io, 9))
      await cat.createNamespace('db')
      let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'commit.retry.num-retries': '0' } })
      t = await t.appendRows([{ id: 1n, p: 1 }, { id: 2n, p: 1 }, { id: 3n, p: 2 }])
      const before = new Set(io.files.keys())
      const referenced = await reachableFiles(io, t.state)
      const rowsBefore = (await t.scan().toArray()).length
      let n = 0
      io.beforeOp = (op, path) => {
        if (++n === k) throw new FloeError('IO', `injected failure of ${op} ${path}`)
      }
      let failed = false
      try {
        await ROW_OPS[name]!(t)
      } catch (e) {
        if (!(e instanceof FloeError)) throw e
        failed = true
      }
      io.beforeOp = undefined
      const after = await cat.loadTable('db.t')
      for (const f of [...referenced.metadata, ...referenced.content]) expect(io.files.has(f), `${f} deleted (k=${k})`).toBe(true)
      if (failed) {
        expect(after.metadataLocation).toBe(t.metadataLocation)
        expect((await after.scan().toArray()).length).toBe(rowsBefore)
        expect([...io.files.keys()].filter((f) => !before.has(f)), `leftovers after failing op ${k}`).toEqual([])
      }
      if (!failed) break
    }
    expect(k).toBeGreaterThanOrEqual(3)
  })
})
