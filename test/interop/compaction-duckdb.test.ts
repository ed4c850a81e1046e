// Compacted tables read by an independent reader: after rewriteDataFiles on a filesystem table with small
// files, position deletes (v2) or deletion vectors (v3) and an equality delete, the head snapshot needs no
// delete file, and DuckDB reading its data files by field id returns exactly the rows floe's scan returns,
// which are the rows before compaction.
import type { DuckDBConnection } from '@duckdb/node-api'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO, localPath } from '../../src/io/local.js'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { T, field } from '../../src/spec/types.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { tempDir } from '../support/catalogs.js'
import { duckdb } from '../support/corpus/duckdb.js'
import { canonical, duckFileRows } from '../support/floe-written.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'part', T.int), field(3, 'v', T.string), field(4, 'x', T.double)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'part', transform: Transforms.identity }] }
const rowsOf = (ids: readonly number[]): Array<Record<string, unknown>> => ids.map((i) => ({ id: BigInt(i), part: i % 3, v: `v${i}`, x: i / 4 }))
const key = (r: unknown): string => JSON.stringify(r)

let conn: DuckDBConnection
beforeAll(async () => {
  conn = await duckdb()
})
afterAll(() => conn.closeSync())

describe('DuckDB reads compacted files', () => {
  for (const v of [2, 3] as const) {
    it(`v${v}: the compacted head needs no delete file and DuckDB reads its rows exactly`, async () => {
      const cat = new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(tempDir('floe-compact-duck-'), 'wh'))
      await cat.createNamespace('db')
      let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion: v })
      for (let k = 0; k < 5; k++) t = await t.appendRows(rowsOf([k * 10, k * 10 + 1, k * 10 + 2, k * 10 + 3]))
      t = await t.deleteRows('id = 1 or id = 12 or id = 23', { mode: 'merge-on-read' })
      const [eq] = await writeDataFiles(t.env, { metadata: t.metadata }, rowsOf([30]), { sort: false })
      t = await t.transaction().rowDelta({ addDeletes: [{ ...eq!, content: 'equality-deletes', equalityIds: [1] }] }).commit()
      const before = canonical(SCHEMA, await t.scan().toArray()).map(key).sort()
      expect(before).toHaveLength(16)
      const res = await t.rewriteDataFiles({ minInputFiles: 2 })
      expect(res.groups.length).toBeGreaterThan(0)
      const tasks = await res.table.scan().planFiles()
      expect(tasks.every((x) => x.deletes.length === 0)).toBe(true)
      const viaFloe = canonical(SCHEMA, await res.table.scan().toArray()).map(key).sort()
      const viaDuck: string[] = []
      for (const task of tasks) for (const r of canonical(SCHEMA, await duckFileRows(conn, localPath(task.file.filePath), SCHEMA))) viaDuck.push(key({ ...(r as object), _pos: undefined })) // row order aside
      expect(viaFloe).toEqual(before)
      expect(viaDuck.sort()).toEqual(viaFloe)
    })
  }
})
