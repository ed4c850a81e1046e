// Reading files without field ids through `schema.name-mapping.default`: the mapping applies as written even
// when entries lack children; only a mapping that contradicts the schema's structure falls back to the names.
import { describe, expect, it } from 'vitest'
import { NAME_MAPPING_PROPERTY } from '../../../src/spec/properties.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'
import { writeParquet, type ColumnIn, type SchemaEl } from '../parquet/parquet-files.js'

/** A table of `s` with `mapping` whose one data file is `bytes` (written without field ids). */
async function tableWithFile(s: Schema, mapping: string, bytes: Uint8Array, rows: number): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  let t = await c.createTable('db.t', { schema: s, formatVersion: 2, properties: { [NAME_MAPPING_PROPERTY]: mapping } })
  const filePath = `${t.metadata.location}/data/no-ids.parquet`
  await t.env.io.write(filePath, bytes)
  t = await t.append([{ content: 'data', filePath, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: BigInt(rows), fileSizeInBytes: BigInt(bytes.length) }])
  return t
}

const file = (els: readonly SchemaEl[], cols: readonly ColumnIn[]): Uint8Array => writeParquet([{ name: 'hive_schema', num_children: cols.length }, ...els], cols)

describe('name mapping on read', () => {
  const s = schema([
    field(1, 'id', T.long),
    field(2, 'name', T.string),
    field(3, 'tags', T.list(5, T.string)),
    field(4, 'attrs', T.map(6, T.string, 7, T.int)),
  ])
  const bytes = file(
    [
      { name: 'ID', type: 'INT64', repetition_type: 'OPTIONAL' },
      { name: 'name_old', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    [
      { name: 'ID', data: [1n, 2n] },
      { name: 'name_old', data: ['a', null] },
    ],
  )
  const aliases = '{"field-id":1,"names":["id","ID"]},{"field-id":2,"names":["name","name_old"]}'

  it('keeps every alias when list and map entries have no element/key/value children', async () => {
    for (const rest of ['{"field-id":3,"names":["tags"]}', '{"field-id":4,"names":["attrs"]}', '{"field-id":3,"names":["tags"]},{"field-id":4,"names":["attrs"],"fields":[{"field-id":7,"names":["value"]}]}']) {
      const t = await tableWithFile(s, `[${aliases},${rest}]`, bytes, 2)
      expect(await t.scan().toArray()).toEqual([
        { id: 1n, name: 'a', tags: null, attrs: null },
        { id: 2n, name: null, tags: null, attrs: null },
      ])
    }
  })

  it('reads by the schema names when the mapping ids contradict the schema (depth-first ids, as Impala writes)', async () => {
    // the schema numbers a=1, b=2, c=3, b.x=4 (breadth-first); the mapping numbers a=1, b=2, b.x=3, c=4
    const nested = schema([field(1, 'a', T.int), field(2, 'b', T.struct([field(4, 'x', T.int)])), field(3, 'c', T.string)])
    const impala = '[{"field-id":1,"names":["a"]},{"field-id":2,"names":["b"],"fields":[{"field-id":3,"names":["x"]}]},{"field-id":4,"names":["c"]}]'
    const f = file(
      [
        { name: 'a', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'b', repetition_type: 'OPTIONAL', num_children: 1 },
        { name: 'x', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'c', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      [
        { name: 'a', data: [1, 2] },
        { name: 'b', data: [{ x: 10 }, null] },
        { name: 'c', data: ['u', 'v'] },
      ],
    )
    const t = await tableWithFile(nested, impala, f, 2)
    expect(await t.scan().toArray()).toEqual([
      { a: 1, b: { x: 10 }, c: 'u' },
      { a: 2, b: null, c: 'v' },
    ])
  })
})
