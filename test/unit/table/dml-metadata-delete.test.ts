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
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import type { DataFile } from '../../../src/spec/manifest.js'

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
    // the filter is committed too (Spark's deleteWhere): no delete file of partition a stays live, whatever it
    // refers to, and the summary totals agree
    expect(await liveDeleteFiles(t)).toEqual([])
    const s = t.currentSnapshot()!.summary
    expect(s['removed-delete-files']).toBe('1')
    expect(s['total-delete-files']).toBe('0')
    expect(s['total-position-deletes']).toBe('0')
  })

  it('drops the partition delete files even when older data elsewhere keeps the minimum sequence number low', async () => {
    // b and c were written with a (sequence 1), so dropping old deletes alone would keep a's delete file (2)
    let t = await (await table(v)).appendRows(rows(9))
    t = await t.deleteRows('id = 3', { mode: 'merge-on-read' })
    t = await t.deleteRows('id = 4', { mode: 'merge-on-read' }) // partition b
    t = await t.deleteRows("cat = 'a'", { mode: 'merge-on-read' })
    expect(t.currentSnapshot()!.summary.operation).toBe('delete')
    const left = await liveDeleteFiles(t)
    expect(left.map((d) => d.partition)).toEqual([['b']])
    expect(t.currentSnapshot()!.summary['total-delete-files']).toBe('1')
    expect((await t.scan().toArray()).map((r) => r.id).sort()).toEqual([1n, 2n, 5n, 7n, 8n])
  })

  it('keeps the files-only form when a planned file had no matching row, and the rows stay right', async () => {
    let t = await (await table(v)).appendRows(rows(9))
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' }) // partition b's file now has a delete for id 1
    // b's file is planned for id = 1 but holds no live match; a's file goes whole
    t = await t.deleteRows("id = 1 or cat = 'a'", { mode: 'merge-on-read' })
    expect(t.currentSnapshot()!.summary.operation).toBe('delete')
    expect((await liveDeleteFiles(t)).map((d) => d.partition)).toEqual([['b']])
    expect((await t.scan().toArray()).map((r) => r.id).sort()).toEqual([2n, 4n, 5n, 7n, 8n])
  })
})

/** Every live delete file of the current snapshot (from the manifests, not only those attached to live tasks). */
async function liveDeleteFiles(t: Table): Promise<DataFile[]> {
  const s = t.currentSnapshot()!
  const out: DataFile[] = []
  for (const mf of readManifestList(await t.env.io.read(s.manifestList!), { file: s.manifestList! }).manifests) {
    if (mf.content !== 'deletes') continue
    for (const e of readManifest(await t.env.io.read(mf.manifestPath), { file: mf.manifestPath, specs: t.metadata.specs, manifest: mf }).entries) if (e.status !== 'deleted') out.push(e.dataFile)
  }
  return out
}

describe('dynamic overwrite', () => {
  it('commits nothing when no rows are given', async () => {
    const t = await (await table(2)).appendRows(rows(6))
    const same = await t.overwritePartitions([])
    expect(same.currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId)
    expect(same.metadata.snapshots.length).toBe(t.metadata.snapshots.length)
  })
})
