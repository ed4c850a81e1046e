// A v3 metadata file must carry next-row-id (Java refuses one without it). floe reads such files liberally:
// without snapshots it is 0, with snapshots the end of the highest row-id range they assigned, so a commit
// on the table never hands out a row id already in use.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../../src/catalog/memory.js'
import { testEnv } from '../../../../src/env.js'
import { MemoryFileIO } from '../../../../src/io/memory.js'
import { parseJson, stringifyJson, type JsonObject } from '../../../../src/spec/json/lossless.js'
import { parseTableMetadata } from '../../../../src/spec/json/metadata-read.js'
import { parseColumns } from '../../../../src/spec/ddl.js'
import { Table } from '../../../../src/table/table.js'

describe('v3 metadata without next-row-id', () => {
  it('continues after the highest assigned row id, and row ids stay unique after the next append', async () => {
    const io = new MemoryFileIO()
    const c = new MemoryCatalog(testEnv(io, 3))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint'), formatVersion: 3 })
    t = await t.appendRows([1n, 2n, 3n].map((id) => ({ id })))
    t = await t.appendRows([4n].map((id) => ({ id })))
    const json = parseJson(new TextDecoder().decode(await io.read(t.metadataLocation!))) as JsonObject
    expect(String(json['next-row-id'])).toBe('4')
    delete json['next-row-id']
    const stripped = 'mem://stripped/metadata/v9.metadata.json'
    await io.write(stripped, new TextEncoder().encode(stringifyJson(json)))
    const m = parseTableMetadata(new TextDecoder().decode(await io.read(stripped)), stripped)
    expect(m.nextRowId).toBe(4n)
    // an append on top of it assigns fresh ids
    const loaded = await Table.load(testEnv(io, 4), stripped)
    const reg = await c.registerTable('db.again', stripped)
    const more = await reg.appendRows([5n, 6n].map((id) => ({ id })))
    const ids = (await more.scan({ select: ['id', '_row_id'] }).toArray()).map((r) => r._row_id as bigint)
    expect(new Set(ids).size).toBe(6)
    expect(loaded.metadata.nextRowId).toBe(4n)
  })

  it('is 0 for a v3 file without snapshots', () => {
    const text = stringifyJson({
      'format-version': 3,
      'table-uuid': '9c12d441-03fe-4693-9a96-a0705ddf69c1',
      location: 'mem://t',
      'last-sequence-number': 0,
      'last-updated-ms': 1,
      'last-column-id': 1,
      'current-schema-id': 0,
      schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] }],
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'last-partition-id': 999,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
    } as JsonObject)
    expect(parseTableMetadata(text, 'x.metadata.json').nextRowId).toBe(0n)
  })
})
