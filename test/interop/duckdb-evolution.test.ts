// After schema evolution (rename, add, drop, promote int→long and float→double, widen a decimal) and a spec
// change, DuckDB reading each of floe's Parquet files by field id, with the CURRENT schema, gives the same
// rows as floe's read of that file: old files resolve renamed columns by id, lack added ones (null), and
// widen promoted ones.
import type { DuckDBConnection } from '@duckdb/node-api'
import { beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { field, T } from '../../src/spec/types.js'
import { readTask } from '../../src/table/read.js'
import { duckdb } from '../support/corpus/duckdb.js'
import { canonical, duckFileRows } from '../support/floe-written.js'
import { makeCatalog } from '../support/catalogs.js'

let c: DuckDBConnection
beforeAll(async () => {
  c = await duckdb()
})

const BEFORE = schema([field(1, 'id', T.int, { required: true }), field(2, 'name', T.string), field(3, 'score', T.float), field(4, 'price', T.decimal(9, 2)), field(5, 'gone', T.string), field(6, 'cat', T.string)])

describe('DuckDB agrees with floe after evolution', () => {
  it.each([2, 3] as const)('v%i: every data file, old and new, read by field id under the current schema', async (formatVersion) => {
    const cat = makeCatalog('filesystem')
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: BEFORE, spec: { specId: 0, fields: [{ sourceId: 6, fieldId: 1000, name: 'cat', transform: Transforms.identity }] }, formatVersion })
    t = await t.appendRows([
      { id: 1, name: 'a', score: 1.5, price: '12.34', gone: 'x', cat: 'p' },
      { id: -2147483648, name: null, score: Number.NaN, price: '-0.01', gone: null, cat: 'q' },
    ])
    t = await t
      .transaction()
      .updateSchema((u) =>
        u
          .renameColumn('name', 'label')
          .updateColumn('id', T.long)
          .updateColumn('score', T.double)
          .updateColumn('price', T.decimal(18, 2))
          .deleteColumn('gone')
          .addColumn('extra', T.long)
          .moveFirst('extra'),
      )
      .updateSpec((s) => s.addField({ transform: Transforms.bucket(4), source: 'id' }))
      .commit()
    t = await t.appendRows([{ id: 9007199254740993n, label: 'b', score: 0.1, price: '9999999999999999.99', cat: 'p', extra: -5n }])
    const current = t.schema()
    expect(current.fields.map((f) => f.name)).toEqual(['extra', 'id', 'label', 'score', 'price', 'cat'])
    const tasks = await t.scan().planFiles()
    expect(new Set(tasks.map((x) => x.file.specId)).size).toBe(2) // files under both specs
    let rows = 0
    for (const task of tasks) {
      const duck = (await duckFileRows(c, task.file.filePath, current)).map(({ _pos, ...r }) => r)
      const mine = []
      for await (const r of readTask(t.env, task)) mine.push(r)
      expect(canonical(current, duck)).toEqual(canonical(current, mine))
      rows += mine.length
    }
    expect(rows).toBe(3)
    const all = await t.scan().toArray()
    expect(all.find((r) => r.id === -2147483648n)).toMatchObject({ extra: null, label: null, price: -1n })
    expect(all.find((r) => r.id === 1n)).toMatchObject({ label: 'a', score: 1.5, price: 1234n, extra: null })
  })
})
