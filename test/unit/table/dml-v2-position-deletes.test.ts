// v2 merge-on-read deletes as Spark writes them at its default file granularity: the new position-delete
// file of a data file also holds the positions of that file's earlier file-scoped delete files and replaces
// them, so deletes do not pile up; a file covering several data files stays. A data file of an old spec
// whose partition source column was dropped still gets its delete file. With write.delete.granularity =
// partition, one delete file per partition and earlier delete files stay (Spark's SparkPositionDeltaWrite).
import { describe, expect, it } from 'vitest'
import { parseColumns, parsePartitionSpec } from '../../../src/spec/ddl.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

async function table(columns = 'id bigint not null, kind string', partitionBy?: string, properties: Record<string, string> = {}): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  const schema = parseColumns(columns)
  return c.createTable('db.t', { schema, ...(partitionBy ? { spec: parsePartitionSpec(schema, partitionBy) } : {}), formatVersion: 2, properties: { 'write.delete.mode': 'merge-on-read', ...properties } })
}
const ids = async (t: Table): Promise<bigint[]> => (await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))
const liveDeletes = async (t: Table): Promise<DataFile[]> => (await t.scan().planFiles()).flatMap((x) => x.deletes)

describe('v2 merge-on-read position deletes', () => {
  it('each delete replaces the data file’s earlier file-scoped delete file with one holding every position', async () => {
    let t = await table()
    t = await t.appendRows([0, 1, 2, 3, 4].map((i) => ({ id: BigInt(i), kind: 'x' })))
    for (const id of [1, 2, 3]) {
      t = await t.deleteRows(`id = ${id}`)
      const live = await liveDeletes(t)
      expect(live).toHaveLength(1)
      expect(live[0]!.recordCount).toBe(BigInt(id))
    }
    const s = t.currentSnapshot()!.summary
    expect([s['added-position-delete-files'], s['removed-position-delete-files'], s['added-position-deletes'], s['removed-position-deletes']]).toEqual(['1', '1', '3', '2'])
    expect([s['total-delete-files'], s['total-position-deletes']]).toEqual(['1', '3'])
    expect(await ids(t)).toEqual([0n, 4n])
    // time travel still sees each intermediate state
    const history = t.metadata.snapshots.map((x) => x.snapshotId)
    const at = async (i: number): Promise<number> => (await t.scan({ snapshot: { snapshotId: history[i]! } }).toArray()).length
    expect([await at(0), await at(1), await at(2), await at(3)]).toEqual([5, 4, 3, 2])
  })

  it('a delete file written for several data files stays live beside the new one', async () => {
    let t = await table()
    t = await t.appendRows([{ id: 0n, kind: 'a' }, { id: 1n, kind: 'a' }])
    t = await t.appendRows([{ id: 2n, kind: 'b' }, { id: 3n, kind: 'b' }])
    // one delete file covering both data files, as another writer at partition granularity would add
    const { writePositionDeletes } = await import('../../../src/write/data-writer.js')
    const [a, b] = (await t.scan().planFiles()).map((x) => x.file.filePath)
    const shared = await writePositionDeletes(t.env, { metadata: t.metadata }, [{ filePath: a!, pos: 0n }, { filePath: b!, pos: 0n }])
    t = await t.transaction().rowDelta({ addDeletes: [shared] }).commit()
    expect(shared.referencedDataFile).toBeUndefined()
    t = await t.deleteRows('id = 1')
    const live = await liveDeletes(t)
    expect(new Set(live.map((d) => d.filePath)).has(shared.filePath)).toBe(true)
    // the shared file deleted ids 0 and 2, the new file id 1
    expect(await ids(t)).toEqual([3n])
  })

  it('a data file of an old spec whose partition source was dropped gets its delete file', async () => {
    let t = await table('id bigint not null, kind string, cat string', 'cat')
    t = await t.appendRows([1, 2, 3].map((i) => ({ id: BigInt(i), kind: 'k', cat: `c${i % 2}` })))
    t = await t.transaction().updateSpec((u) => u.removeField('cat').addField('kind')).commit()
    t = await t.transaction().updateSchema((u) => u.deleteColumn('cat')).commit()
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    expect(await ids(t)).toEqual([2n, 3n])
    const d = (await liveDeletes(t))[0]!
    expect(d.filePath).toContain('/cat=c1/')
  })

  describe('write.delete.granularity = partition (Spark writes one delete file per partition, earlier ones kept)', () => {
    it('one delete file per partition, covering each of its data files; earlier delete files stay live', async () => {
      let t = await table('id bigint not null, kind string', 'kind', { 'write.delete.granularity': 'Partition' })
      t = await t.appendRows([{ id: 0n, kind: 'a' }, { id: 1n, kind: 'a' }, { id: 2n, kind: 'b' }, { id: 6n, kind: 'b' }])
      t = await t.appendRows([{ id: 3n, kind: 'a' }, { id: 7n, kind: 'a' }, { id: 4n, kind: 'b' }, { id: 5n, kind: 'b' }])
      expect(await t.scan().planFiles()).toHaveLength(4)
      t = await t.deleteRows('id in (0, 3, 4)')
      let live = new Map((await liveDeletes(t)).map((d) => [d.filePath, d]))
      expect(live.size).toBe(2)
      const byKind = new Map([...live.values()].map((d) => [d.partition[0], d]))
      // partition a: ids 0 and 3 sit in two data files, so the file names neither as its only target
      expect(byKind.get('a')!.recordCount).toBe(2n)
      expect(byKind.get('a')!.referencedDataFile).toBeUndefined()
      expect(byKind.get('b')!.recordCount).toBe(1n)
      expect(t.currentSnapshot()!.summary['added-position-delete-files']).toBe('2')
      expect(await ids(t)).toEqual([1n, 2n, 5n, 6n, 7n])
      const first = new Set(live.keys())
      t = await t.deleteRows('id = 1')
      live = new Map((await liveDeletes(t)).map((d) => [d.filePath, d]))
      // nothing rewritten: the earlier partition-a file is still live beside the new one
      expect([...first].every((p) => live.has(p))).toBe(true)
      expect(live.size).toBe(3)
      expect(t.currentSnapshot()!.summary['removed-position-delete-files']).toBeUndefined()
      expect(await ids(t)).toEqual([2n, 5n, 6n, 7n])
    })

    it('file granularity (any case) keeps one file per data file; an unknown value is refused before anything is written', async () => {
      let t = await table('id bigint not null, kind string', 'kind', { 'write.delete.granularity': 'FILE' })
      t = await t.appendRows([{ id: 0n, kind: 'a' }, { id: 8n, kind: 'a' }])
      t = await t.appendRows([{ id: 1n, kind: 'a' }, { id: 9n, kind: 'a' }])
      t = await t.deleteRows('id in (0, 1)')
      expect((await liveDeletes(t)).every((d) => d.referencedDataFile !== undefined)).toBe(true)
      expect(new Set((await liveDeletes(t)).map((d) => d.filePath)).size).toBe(2)
      const bad = await t.transaction().setProperties({ 'write.delete.granularity': 'row' }).commit()
      const head = bad.currentSnapshot()!.snapshotId
      await bad.appendRows([{ id: 2n, kind: 'a' }, { id: 3n, kind: 'a' }]).then(async (u) => {
        await expect(u.deleteRows('id = 2')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('write.delete.granularity') })
        expect((await u.refresh()).currentSnapshot()!.snapshotId).toBe(u.currentSnapshot()!.snapshotId)
      })
      expect(head).toBe(bad.currentSnapshot()!.snapshotId)
    })
  })
})
