// Merge-on-read deletes that match only whole files commit a metadata-only delete (Spark's `delete`
// operation), and in v3 the deletion vectors of the removed files go with them; a dynamic overwrite with
// no rows commits nothing.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'cat', transform: Transforms.identity }] }
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: BigInt(i), cat: ['a', 'b', 'c'][i % 3]! }))

async function table(formatVersion: FormatVersion): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion })
}

describe.each([2, 3] as const)('metadata-only merge-on-read delete (v%i)', (v) => {
  it('removes whole partitions as a delete snapshot, with their delete files when v3', async () => {
    let t = await (await table(v)).appendRows(rows(30))
    // a row-level delete first, so partition a's file carries a DV (v3) or a position delete file (v2)
    t = await t.deleteRows('id = 0', { mode: 'merge-on-read' })
    // a row delta that only adds delete files (Java BaseRowDelta.operation)
    expect(t.currentSnapshot()!.summary.operation).toBe('delete')
    expect(Number(t.currentSnapshot()!.summary['added-delete-files'])).toBe(1)
    t = await t.deleteRows("cat = 'a'", { mode: 'merge-on-read' })
    expect(t.currentSnapshot()!.summary.operation).toBe('delete')
    const left = (await t.scan().toArray()).map((r) => r.id as bigint)
    const want = rows(30).filter((r) => r.cat !== 'a').map((r) => r.id)
    expect(left.sort((a, b) => (a < b ? -1 : 1))).toEqual(want)
    const liveData = new Set((await t.scan().planFiles()).map((task) => task.file.filePath))
    const deletes = (await t.scan({ includeColumnStats: true }).planFiles()).flatMap((task) => task.deletes)
    // no delete file still attached refers to a removed data file
    for (const d of deletes) if (d.referencedDataFile) expect(liveData.has(d.referencedDataFile)).toBe(true)
    if (v === 3) expect(Number(t.currentSnapshot()!.summary['removed-delete-files'] ?? '0')).toBeGreaterThan(0)
  })
})

describe('dynamic overwrite', () => {
  it('commits nothing when no rows are given', async () => {
    const t = await (await table(2)).appendRows(rows(6))
    const same = await t.overwritePartitions([])
    expect(same.currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId)
    expect(same.metadata.snapshots.length).toBe(t.metadata.snapshots.length)
  })
})
