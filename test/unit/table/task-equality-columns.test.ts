// A task is self-contained: when an equality delete compares a column the read schema no longer has (dropped
// since the delete was written), the task carries that column, so `readTask` with nothing but the task (in a
// worker, or after structuredClone) applies the delete exactly as the scan does.
import { describe, expect, it } from 'vitest'
import { parseColumns } from '../../../src/spec/ddl.js'
import { readTask } from '../../../src/table/read.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'

describe('tasks carry the equality columns their deletes need', () => {
  it('an equality delete on a dropped column applies through readTask alone', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint, kind string, s struct<x: int, y: string>'), formatVersion: 2 })
    t = await t.appendRows([
      { id: 1n, kind: 'ok', s: { x: 1, y: 'a' } },
      { id: 2n, kind: 'spam', s: { x: 2, y: 'b' } },
      { id: 3n, kind: 'ok', s: { x: 3, y: 'c' } },
    ])
    const kindId = t.schema().fields.find((f) => f.name === 'kind')!.id
    const yId = t.schema().fields.find((f) => f.name === 's')!
    const sy = yId.type.kind === 'struct' ? yId.type.fields.find((f) => f.name === 'y')!.id : -1
    const [byKind] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: null, kind: 'spam', s: null }])
    const [byY] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: null, kind: null, s: { x: null, y: 'c' } }])
    t = await t.transaction().rowDelta({ addDeletes: [{ ...byKind!, content: 'equality-deletes', equalityIds: [kindId] }, { ...byY!, content: 'equality-deletes', equalityIds: [sy] }] }).commit()
    t = await t.transaction().updateSchema((u) => u.deleteColumn('kind').deleteColumn('s.y')).commit()
    const scan = t.scan()
    const expected = await scan.toArray()
    expect(expected).toEqual([{ id: 1n, s: { x: 1 } }])
    const [task] = await scan.planFiles()
    expect(task!.equalityColumns?.fields.map((f) => f.name).sort()).toEqual(['kind', 's'])
    const alone = structuredClone(task!)
    const rows: unknown[] = []
    for await (const r of readTask(t.env, alone)) rows.push(r)
    expect(rows).toEqual(expected)
  })

  it('tasks whose deletes need no dropped column carry none', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint, kind string'), formatVersion: 2 })
    t = await t.appendRows([{ id: 1n, kind: 'a' }, { id: 2n, kind: 'b' }])
    const [eq] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: 2n, kind: null }])
    t = await t.transaction().rowDelta({ addDeletes: [{ ...eq!, content: 'equality-deletes', equalityIds: [1] }] }).commit()
    const [task] = await t.scan().planFiles()
    expect(task!.deletes).toHaveLength(1)
    expect('equalityColumns' in task!).toBe(false)
  })
})
