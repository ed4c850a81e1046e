// An incremental append scan reads as Arrow like a table scan: the appended rows in RecordBatches of the
// scan's projected schema, exact longs, metadata columns included.
import { describe, expect, it } from 'vitest'
import { arrowTableToRows } from '../../../src/arrow/batches.js'
import { scanProjectedSchema, scanToArrowTable } from '../../../src/arrow/scan.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { makeCatalog } from '../../support/catalogs.js'

describe('Arrow output of an incremental append scan', () => {
  it('gives exactly the rows the incremental scan gives', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint, kind string'), formatVersion: 2 })
    t = await t.appendRows([{ id: 1n, kind: 'a' }])
    const from = t.currentSnapshot()!.snapshotId
    t = await t.appendRows([{ id: 9007199254740993n, kind: 'b' }, { id: 3n, kind: 'c' }])
    const inc = t.incrementalAppendScan({ fromSnapshotId: from, select: ['id', '_file'] })
    const expected = []
    for await (const r of inc.rows()) expected.push(r)
    const arrow = await scanToArrowTable(inc)
    expect(arrow.numRows).toBe(2)
    expect(arrowTableToRows(arrow)).toEqual(expected)
    expect(arrow.schema.fields.map((f) => f.name)).toEqual(scanProjectedSchema(inc).fields.map((f) => f.name))
    expect(expected.map((r) => r.id)).toEqual([9007199254740993n, 3n])
  })
})
