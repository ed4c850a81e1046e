// Compaction (bin-pack rewrite) on real tables: many small files per partition become one per partition in a
// `replace` commit; the table reads the same at the head and at every earlier snapshot, file-scoped position
// deletes and DVs of rewritten files are dropped, v3 rows keep their `_row_id`. Concurrency: an equality
// delete committed after the rewrite was planned still applies to the compacted rows (the new files keep the
// starting sequence number); a position delete on a rewritten file fails the rewrite with VALIDATION, leaving
// the table as the other writer left it and no file behind; with partial progress only that group fails. A
// dry run reports the groups and commits nothing.
// Property: random histories (v2 and v3, both delete modes) and random options read the same afterwards.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'part', T.int), field(3, 'v', T.string)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'part', transform: Transforms.identity }] }
const rowsOf = (ids: readonly number[]): Array<{ id: bigint; part: number; v: string }> => ids.map((i) => ({ id: BigInt(i), part: i % 3, v: `v${i}` }))
const sortIds = (rows: readonly Record<string, unknown>[]): bigint[] => rows.map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

async function history(t: Table): Promise<Map<bigint, bigint[]>> {
  const out = new Map<bigint, bigint[]>()
  for (const s of t.snapshots()) out.set(s.snapshotId, sortIds(await t.scan({ snapshot: { snapshotId: s.snapshotId } }).toArray()))
  return out
}

async function smallFiles(formatVersion: 2 | 3, io = new MemoryFileIO()): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(io, 21))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t', formatVersion })
  for (let k = 0; k < 6; k++) t = await t.appendRows(rowsOf([k * 10, k * 10 + 1, k * 10 + 2, k * 10 + 4]))
  t = await t.deleteRows('id = 1 or id = 22', { mode: 'merge-on-read' })
  t = await t.deleteRows('id = 30', { mode: 'copy-on-write' })
  return t
}

describe('rewriteDataFiles', () => {
  for (const v of [2, 3] as const) {
    it(`compacts small files per partition; every snapshot reads the same (v${v})`, async () => {
      const t = await smallFiles(v)
      const before = await history(t)
      const lineage = v === 3 ? (await t.scan({ select: ['id', '_row_id'] }).toArray()).map((r) => `${r.id}:${r._row_id}`).sort() : []
      const filesBefore = (await t.scan().planFiles()).length
      const dry = await t.rewriteDataFiles({ minInputFiles: 2, dryRun: true })
      expect(dry.groups).toHaveLength(3)
      // a filter selects the files that may hold matching rows: one partition here
      expect((await t.rewriteDataFiles({ minInputFiles: 2, filter: 'part = 1', dryRun: true })).groups.map((g) => g.partition)).toEqual([[1]])
      expect(dry.rewrittenDataFiles).toBe(filesBefore)
      expect((await t.refresh()).snapshots()).toHaveLength(t.snapshots().length)

      const res = await t.rewriteDataFiles({ minInputFiles: 2 })
      const after = res.table
      expect(after.currentSnapshot()!.summary.operation).toBe('replace')
      expect(res.rewrittenDataFiles).toBe(filesBefore)
      expect(res.addedDataFiles).toBe(3)
      expect(res.removedDeleteFiles).toBeGreaterThan(0)
      const tasks = await after.scan().planFiles()
      expect(tasks).toHaveLength(3)
      expect(tasks.every((x) => x.deletes.length === 0)).toBe(true)
      expect(sortIds(await after.scan().toArray())).toEqual(before.get(t.currentSnapshot()!.snapshotId))
      for (const [id, rows] of before) expect(sortIds(await after.scan({ snapshot: { snapshotId: id } }).toArray())).toEqual(rows)
      if (v === 3) expect((await after.scan({ select: ['id', '_row_id'] }).toArray()).map((r) => `${r.id}:${r._row_id}`).sort()).toEqual(lineage)
      // already compact: nothing to do
      const again = await after.rewriteDataFiles({ minInputFiles: 2 })
      expect(again.groups).toEqual([])
      expect(again.table.snapshots()).toHaveLength(after.snapshots().length)
    })
  }

  it('keeps the starting sequence number: an equality delete committed meanwhile still applies', async () => {
    const t0 = await smallFiles(2)
    const [eq] = await writeDataFiles(t0.env, { metadata: t0.metadata }, rowsOf([12]), { sort: false })
    const t1 = await t0.transaction().rowDelta({ addDeletes: [{ ...eq!, content: 'equality-deletes', equalityIds: [1] }] }).commit()
    const want = sortIds(await t1.scan().toArray())
    expect(want).not.toContain(12n)
    // t0 is stale: the rewrite planned on it retries over the equality delete and keeps it in force
    const res = await t0.rewriteDataFiles({ minInputFiles: 2 })
    expect(sortIds(await res.table.scan().toArray())).toEqual(want)
  })

  it('fails with VALIDATION when a rewritten file got a position delete meanwhile, and leaves nothing behind', async () => {
    const io = new MemoryFileIO()
    const t0 = await smallFiles(2, io)
    const t1 = await t0.deleteRows('id = 41', { mode: 'merge-on-read' })
    const filesBefore = new Set(io.files.keys())
    const e = await t0.rewriteDataFiles({ minInputFiles: 2 }).catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    const now = await t1.refresh()
    expect(now.currentSnapshot()!.snapshotId).toBe(t1.currentSnapshot()!.snapshotId)
    // only metadata the failed attempts wrote remains new (their manifests are cleaned by the commit loop)
    const added = [...io.files.keys()].filter((k) => !filesBefore.has(k) && k.endsWith('.parquet'))
    expect(added).toEqual([])
  })

  it('with partial progress commits the groups in several commits, and a failed one leaves the others committed', async () => {
    const io = new MemoryFileIO()
    const t0 = await smallFiles(2, io)
    const before = sortIds(await t0.scan().toArray())
    const res = await t0.rewriteDataFiles({ minInputFiles: 2, partialProgress: true, partialProgressMaxCommits: 3 })
    expect(res.commits).toBe(3)
    expect(res.failedGroups).toEqual([])
    expect(res.table.snapshots().slice(-3).map((x) => x.summary.operation)).toEqual(['replace', 'replace', 'replace'])
    expect(sortIds(await res.table.scan().toArray())).toEqual(before)
    // a position delete on a file of partition 2 lands after planning: only that group fails
    const t1 = await smallFiles(2)
    const t2 = await t1.deleteRows('id = 41', { mode: 'merge-on-read' })
    const part = await t1.rewriteDataFiles({ minInputFiles: 2, partialProgress: true })
    expect(part.commits).toBe(2)
    expect(part.failedGroups.map((f) => f.group.partition)).toEqual([[2]])
    expect(isFloeError(part.failedGroups[0]!.error, 'VALIDATION')).toBe(true)
    expect(sortIds(await part.table.scan().toArray())).toEqual(sortIds(await t2.scan().toArray()))
    expect((await part.table.scan().planFiles()).filter((x) => x.file.partition[0] !== 2)).toHaveLength(2)
  })

  it('checks options as Java does: sizes min < target < max, min and the delete threshold may be 0', async () => {
    const t = await smallFiles(2)
    for (const bad of [{ minInputFiles: 0 }, { targetFileSizeBytes: -1 }, { minFileSizeBytes: 10, targetFileSizeBytes: 5 }, { minFileSizeBytes: 5, targetFileSizeBytes: 5 }, { maxFileSizeBytes: 5, targetFileSizeBytes: 5 }, { deleteRatioThreshold: 0 }, { deleteRatioThreshold: 1.5 }]) {
      expect(isFloeError(await t.rewriteDataFiles(bad).catch((x: unknown) => x), 'INVALID_ARGUMENT'), JSON.stringify(bad)).toBe(true)
    }
    // min 0: no file is too small (only the fully deleted one, by its delete ratio); a delete threshold of 0
    // makes every file a candidate (Java's rule)
    expect((await t.rewriteDataFiles({ minFileSizeBytes: 0, dryRun: true })).groups.map((g) => g.files.length)).toEqual([1])
    expect((await t.rewriteDataFiles({ minFileSizeBytes: 0, deleteFileThreshold: 0, dryRun: true })).groups).toHaveLength(3)
  })

  it('rewrites a file whose file-scoped deletes cover at least 30 % of its rows, even alone (Java’s delete ratio)', async () => {
    const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 3))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, location: 'mem://w/t', formatVersion: 3 })
    t = await t.appendRows(rowsOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    const size = Number((await t.scan().planFiles())[0]!.file.fileSizeInBytes)
    const sized = { targetFileSizeBytes: size, minFileSizeBytes: size - 1, maxFileSizeBytes: size + 1 }
    t = await t.deleteRows('id <= 2', { mode: 'merge-on-read' })
    expect((await t.rewriteDataFiles({ ...sized, dryRun: true })).groups).toEqual([])
    t = await t.deleteRows('id = 3', { mode: 'merge-on-read' })
    expect((await t.rewriteDataFiles({ ...sized, deleteRatioThreshold: 0.5, dryRun: true })).groups).toEqual([])
    const res = await t.rewriteDataFiles(sized)
    expect(res.groups).toHaveLength(1)
    expect(res.removedDeleteFiles).toBe(1)
    expect(sortIds(await res.table.scan().toArray())).toEqual([4n, 5n, 6n, 7n, 8n, 9n, 10n])
    expect((await res.table.scan().planFiles()).every((x) => x.deletes.length === 0)).toBe(true)
  })

  it('groups the files of older specs together, rewritten into the current spec', async () => {
    const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 4))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t' })
    t = await t.appendRows(rowsOf([0, 1, 2, 3, 4, 5]))
    t = await t.transaction().updateSpec((u) => void u.removeField('part').addField(Transforms.bucket(2), 'id', 'b')).commit()
    t = await t.appendRows(rowsOf([6, 7]))
    const dry = await t.rewriteDataFiles({ minInputFiles: 2, dryRun: true })
    expect(dry.groups.map((g) => [g.specId, g.files.length])).toContainEqual([-1, 3])
    const res = await t.rewriteDataFiles({ minInputFiles: 2 })
    expect(sortIds(await res.table.scan().toArray())).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n])
    expect((await res.table.scan().planFiles()).every((x) => x.file.specId === res.table.metadata.defaultSpecId)).toBe(true)
  })
})

describe('rewriteDataFiles over random histories (property)', () => {
  it('reads the same at the head and at every snapshot, lineage included', async () => {
    const OP = fc.oneof(
      fc.record({ op: fc.constant('append' as const), ids: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 5 }) }),
      fc.record({ op: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 50 }), mode: fc.constantFrom('copy-on-write' as const, 'merge-on-read' as const) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(OP, { minLength: 1, maxLength: 7 }), fc.constantFrom(2 as const, 3 as const), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (ops, v, minInputFiles, rewriteAll) => {
        const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 5))
        await cat.createNamespace('db')
        let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t', formatVersion: v })
        for (const o of ops) t = o.op === 'append' ? await t.appendRows(rowsOf(o.ids)) : await t.deleteRows(`id = ${o.id}`, { mode: o.mode })
        const before = await history(t)
        const lineage = v === 3 && t.currentSnapshot() ? (await t.scan({ select: ['id', '_row_id'] }).toArray()).map((r) => `${r.id}:${r._row_id}`).sort() : []
        const res = await t.rewriteDataFiles({ minInputFiles, rewriteAll })
        const after = res.table
        for (const [id, rows] of before) expect(sortIds(await after.scan({ snapshot: { snapshotId: id } }).toArray())).toEqual(rows)
        if (t.currentSnapshot()) expect(sortIds(await after.scan().toArray())).toEqual(before.get(t.currentSnapshot()!.snapshotId))
        if (lineage.length) expect((await after.scan({ select: ['id', '_row_id'] }).toArray()).map((r) => `${r.id}:${r._row_id}`).sort()).toEqual(lineage)
        if (res.groups.length) expect(after.currentSnapshot()!.summary.operation).toBe('replace')
      }),
      { numRuns: 30 },
    )
  })
})
