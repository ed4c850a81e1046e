// Identity-partition source columns read the partition value of the file's manifest entry, as Java's readers do
// (PartitionUtil.constantsMap), even when the file stores that column with other values.
import { describe, expect, it } from 'vitest'
import type { DataFile } from '../../../src/spec/manifest.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'

async function create(s: Schema, sourceId: number): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: s, spec: { specId: 0, fields: [{ sourceId, fieldId: 1000, name: 'part', transform: Transforms.identity }] }, formatVersion: 2 })
}

/** Write `rows` and commit the files under `partition` instead of the partition their rows route to. */
async function commitUnder(t: Table, rows: readonly object[], partition: DataFile['partition']): Promise<Table> {
  const files = await writeDataFiles(t.env, { metadata: t.metadata }, rows)
  return t.append(files.map((f) => ({ ...f, partition })))
}

describe('identity partition values on read', () => {
  const flat = schema([field(1, 'id', T.long), field(2, 'p', T.int)])

  it('replace the stored column with the partition value (a file committed under p=5 holding p=6)', async () => {
    const t = await commitUnder(await create(flat, 2), [{ id: 1n, p: 6 }], [5])
    expect(await t.scan().toArray()).toEqual([{ id: 1n, p: 5 }])
    expect(await t.scan({ select: ['p'] }).toArray()).toEqual([{ p: 5 }])
    // the residual of a filter on another column sees the partition value too
    expect(await t.scan({ filter: 'id = 1 and p = 5' }).toArray()).toEqual([{ id: 1n, p: 5 }])
    expect(await t.scan({ filter: 'p = 6' }).toArray()).toEqual([])
    expect(await t.scan({ select: ['id'], filter: 'p = 5' }).toArray()).toEqual([{ id: 1n }])
  })

  it('come from the spec of each file: files of an unpartitioned spec read their own values', async () => {
    let t = await commitUnder(await create(flat, 2), [{ id: 1n, p: 6 }], [5])
    t = await t.transaction().updateSpec((u) => u.removeField('part')).commit()
    t = await t.appendRows([{ id: 2n, p: 7 }])
    const rows = await t.scan().toArray()
    expect(rows.sort((a, b) => (a.id! < b.id! ? -1 : 1))).toEqual([
      { id: 1n, p: 5 },
      { id: 2n, p: 7 },
    ])
  })

  it('are promoted to the read type (int partition value read as long after int→long)', async () => {
    let t = await commitUnder(await create(flat, 2), [{ id: 1n, p: 6 }], [5])
    t = await t.transaction().updateSchema((u) => u.updateColumn('p', T.long)).commit()
    expect(await t.scan().toArray()).toEqual([{ id: 1n, p: 5n }])
  })

  it('apply to a source field nested in a struct', async () => {
    const nested = schema([field(1, 'id', T.long), field(2, 's', T.struct([field(3, 'p', T.int), field(4, 'q', T.string)]))])
    const t = await commitUnder(await create(nested, 3), [{ id: 1n, s: { p: 6, q: 'x' } }], [5])
    expect(await t.scan().toArray()).toEqual([{ id: 1n, s: { p: 5, q: 'x' } }])
  })

  it('keep a null partition value null', async () => {
    const t = await commitUnder(await create(flat, 2), [{ id: 1n, p: 6 }], [null])
    expect(await t.scan().toArray()).toEqual([{ id: 1n, p: null }])
  })
})
