// At most one deletion vector per data file in a snapshot (spec §Deletion Vectors; Java's DeleteFileIndex
// fails every scan otherwise): a commit adding a DV for a data file whose live DV it does not remove is
// refused against the state it is applied to — INVALID_ARGUMENT when that DV was there at the operation's
// start (or came from the same transaction), VALIDATION when another writer added it meanwhile, re-judged on
// every retry. The DVs are real: written by floe's merge-on-read deletes or by its Puffin DV writer.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { puffinWithDeletionVectors } from '../../../src/deletes/dv-write.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { snapshotManifests } from '../../../src/table/scan-plan.js'
import type { Table } from '../../../src/table/table.js'
import { SCHEMA, SPEC } from './ops-fixtures.js'

interface Setup {
  readonly io: MemoryFileIO
  readonly t: Table
  /** The data file of partition p = 1 (ids 1..4) and of p = 2 (ids 5..6). */
  readonly a: DataFile
  readonly b: DataFile
}

/** A v3 table partitioned by identity(p) with one data file per partition; `dvOnA` deletes id 1 merge-on-read (a real DV for a). */
async function setup(dvOnA = true): Promise<Setup> {
  const io = new MemoryFileIO()
  const cat = new MemoryCatalog(testEnv(io, 29))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion: 3, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  t = await t.appendRows([1, 2, 3, 4, 5, 6].map((i) => ({ id: BigInt(i), p: i <= 4 ? 1 : 2 })))
  if (dvOnA) t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
  const files = (await t.scan().planFiles()).map((x) => x.file)
  return { io, t, a: files.find((f) => f.partition[0] === 1)!, b: files.find((f) => f.partition[0] === 2)! }
}

/** Write a real deletion vector for `target` deleting `positions`, as an engine would before committing it. */
async function writeDV(t: Table, target: DataFile, positions: number[], name: string): Promise<DataFile> {
  const { bytes, vectors } = puffinWithDeletionVectors([{ referencedDataFile: target.filePath, positions }])
  const path = `${t.metadata.location}/data/${name}.puffin`
  await t.env.io.write(path, bytes)
  const v = vectors[0]!
  return {
    content: 'position-deletes',
    filePath: path,
    fileFormat: 'PUFFIN',
    specId: target.specId,
    partition: target.partition,
    recordCount: v.cardinality,
    fileSizeInBytes: BigInt(bytes.length),
    referencedDataFile: target.filePath,
    contentOffset: v.contentOffset,
    contentSizeInBytes: v.contentSizeInBytes,
  }
}

/** The live DV of data file `f` in the table's current snapshot (a scan fails if there are two). */
async function dvOf(t: Table, f: DataFile): Promise<readonly DataFile[]> {
  return (await t.scan().planFiles()).find((x) => x.file.filePath === f.filePath)!.deletes
}

async function ids(t: Table): Promise<number[]> {
  return (await t.scan().toArray()).map((r) => Number(r.id as bigint)).sort((x, y) => x - y)
}

/** The FloeError a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<FloeError> {
  const e = await p.then(
    () => expect.fail('expected the commit to be refused'),
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(FloeError)
  return e as FloeError
}

describe('one deletion vector per data file: a live DV the commit does not remove', () => {
  it('a second DV for a file whose DV was live at the start is INVALID_ARGUMENT; nothing is committed or left behind', async () => {
    const { io, t, a } = await setup()
    const [old] = await dvOf(t, a)
    expect(old!.fileFormat).toBe('PUFFIN')
    const dv = await writeDV(t, a, [1], 'second')
    const before = new Set(io.files.keys())
    const e = await failure(t.transaction().rowDelta({ addDeletes: [dv] }).commit())
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.retryable).toBe(false)
    expect(e.context).toMatchObject({ file: dv.filePath, field: 'referenced_data_file' })
    expect(e.message).toContain(dv.filePath)
    expect(e.message).toContain(a.filePath)
    expect(e.message).toContain(old!.filePath)
    expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
    expect(new Set(io.files.keys())).toEqual(before)
    expect(await dvOf(t, a)).toEqual([old])
    expect(await ids(t)).toEqual([2, 3, 4, 5, 6])
  })

  it('adding the live DV itself again is refused the same way', async () => {
    const { t, a } = await setup()
    const [old] = await dvOf(t, a)
    const e = await failure(t.transaction().rowDelta({ addDeletes: [old!] }).commit())
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.context.field).toBe('referenced_data_file')
  })

  it('a DV that replaces the live one in the same commit is accepted (row delta and compaction)', async () => {
    const { t, a } = await setup()
    const [old] = await dvOf(t, a)
    const merged = await writeDV(t, a, [0, 1], 'merged')
    const t2 = await t.transaction().rowDelta({ addDeletes: [merged], removeDeletes: [old!] }).commit()
    expect(await dvOf(t2, a)).toEqual([merged])
    expect(await ids(t2)).toEqual([3, 4, 5, 6])
    // a compaction rewriting the DV into another Puffin file, keeping its data sequence number
    const again = await writeDV(t2, a, [0, 1], 'compacted')
    const t3 = await t2.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [merged], addDeletes: [again] }).commit()
    expect(await dvOf(t3, a)).toEqual([again])
    expect(await ids(t3)).toEqual([3, 4, 5, 6])
  })

  it("floe's own merge-on-read deletes keep one DV per file", async () => {
    const { t, a } = await setup()
    const t2 = await (await t.deleteRows('id = 2', { mode: 'merge-on-read' })).deleteRows('id = 3', { mode: 'merge-on-read' })
    expect(await dvOf(t2, a)).toHaveLength(1)
    expect(await ids(t2)).toEqual([4, 5, 6])
  })

  it('a compaction that rewrites other deletes but adds a DV beside a live one is refused, and the manifest it rewrote is deleted', async () => {
    const { io, t, a, b } = await setup()
    const t2 = await t.deleteRows('id = 5', { mode: 'merge-on-read' }) // a DV for b, in its own delete manifest
    const [bOld] = await dvOf(t2, b)
    const bNew = await writeDV(t2, b, [0], 'b-compacted')
    const aNew = await writeDV(t2, a, [0, 1], 'a-beside')
    const before = new Set(io.files.keys())
    const e = await failure(t2.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [bOld!], addDeletes: [bNew, aNew] }).commit())
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.context).toMatchObject({ file: aNew.filePath, field: 'referenced_data_file' })
    expect(new Set(io.files.keys())).toEqual(before)
    expect((await t2.refresh()).metadataLocation).toBe(t2.metadataLocation)
  })

  it("a DV an earlier operation of the same transaction added is the caller's to replace: INVALID_ARGUMENT", async () => {
    const { t, b } = await setup()
    const first = await writeDV(t, b, [0], 'first')
    const second = await writeDV(t, b, [1], 'second')
    const e = await failure(t.transaction().rowDelta({ addDeletes: [first] }).rowDelta({ addDeletes: [second] }).commit())
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.context.file).toBe(second.filePath)
    expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
  })
})

describe('one deletion vector per data file: a DV another writer added', () => {
  it('found on the retry against the fresh table: VALIDATION, nothing committed, the attempts cleaned up', async () => {
    const { io, t: start, a } = await setup(false)
    const mine = await writeDV(start, a, [3], 'mine')
    // another writer deletes id 2 merge-on-read after this operation started: a DV for a
    const other = await start.deleteRows('id = 2', { mode: 'merge-on-read' })
    const [theirs] = await dvOf(other, a)
    const before = new Set(io.files.keys())
    // its conflict filter leaves partition 1 out, so only the one-DV rule sees the other writer's DV (the
    // first attempt, on the stale base, passes and loses the swap; the retry applies to the fresh table)
    const e = await failure(start.transaction().rowDelta({ addDeletes: [mine], conflictFilter: equal('p', 2) }).commit())
    expect(e.code).toBe('VALIDATION')
    expect(e.retryable).toBe(false)
    expect(e.message).toMatch(/concurrently added DV/)
    expect(e.message).toContain(theirs!.filePath)
    expect(e.message).toContain(mine.filePath)
    expect(e.context.file).toBe(theirs!.filePath)
    expect((await other.refresh()).metadataLocation).toBe(other.metadataLocation)
    expect(new Set(io.files.keys())).toEqual(before)
    expect(await ids(other)).toEqual([1, 3, 4, 5, 6])
  })

  it('inside the conflict filter the existing concurrent-DV validation still reports it (VALIDATION)', async () => {
    const { t: start, a } = await setup(false)
    const mine = await writeDV(start, a, [3], 'mine')
    await start.deleteRows('id = 2', { mode: 'merge-on-read' })
    // as floe's own merge-on-read delete commits it (no check for conflicting delete files)
    const e = await failure(start.transaction().rowDelta({ addDeletes: [mine], validateNoConflictingDeleteFiles: false }).commit())
    expect(e.code).toBe('VALIDATION')
    expect(e.message).toMatch(/^Found concurrently added DV for .*\.parquet: .*\.puffin \(offset \d+\)/)
  })

  it('a stale compaction adding a DV for a file another writer gave one meanwhile is VALIDATION', async () => {
    const { io, t: start, a, b } = await setup(false)
    const t1 = await start.deleteRows('id = 5', { mode: 'merge-on-read' })
    const [bOld] = await dvOf(t1, b)
    // the compaction starts from t1; another writer then deletes id 2 merge-on-read: a DV for a
    const other = await t1.deleteRows('id = 2', { mode: 'merge-on-read' })
    const bNew = await writeDV(t1, b, [0], 'b-compacted')
    const aNew = await writeDV(t1, a, [0], 'a-new')
    const before = new Set(io.files.keys())
    const e = await failure(t1.transaction().rewrite({ removeData: [], addData: [], removeDeletes: [bOld!], addDeletes: [bNew, aNew] }).commit())
    expect(e.code).toBe('VALIDATION')
    expect(e.message).toMatch(/concurrently added DV/)
    expect(e.message).toContain(aNew.filePath)
    expect((await other.refresh()).metadataLocation).toBe(other.metadataLocation)
    expect(new Set(io.files.keys())).toEqual(before)
  })
})

describe('one deletion vector per data file: what is read', () => {
  it('only delete manifests that may hold the new DV are read, and none when no DV is added', async () => {
    const { io, t, b } = await setup() // a's DV sits in a delete manifest of partition p = 1
    const deleteManifests = new Set<string>()
    for (const s of t.metadata.snapshots) for (const mf of await snapshotManifests(io, t.metadata, s)) if (mf.content === 'deletes') deleteManifests.add(mf.manifestPath)
    expect(deleteManifests.size).toBe(1)
    const reads: string[] = []
    io.beforeOp = (op, path) => void (op === 'read' && reads.push(path))
    const dv = await writeDV(t, b, [0], 'for-b')
    const t2 = await t.transaction().rowDelta({ addDeletes: [dv] }).commit()
    expect(reads.filter((p) => deleteManifests.has(p))).toEqual([])
    reads.length = 0
    await t2.transaction().rowDelta({ addDeletes: [], addData: [{ ...b, filePath: b.filePath.replace('.parquet', '-copy.parquet') }] }).commit()
    expect(reads.filter((p) => deleteManifests.has(p))).toEqual([])
    io.beforeOp = undefined
  })
})

describe('one deletion vector per data file: shared reads', () => {
  it('a later commit through the same storage does not read a delete manifest it already read', async () => {
    const { io, t: start } = await setup() // a's DV sits in a delete manifest of partition p = 1
    let t = await start.appendRows([{ id: 11n, p: 1 }])
    t = await t.appendRows([{ id: 12n, p: 1 }])
    const files = (await t.scan().planFiles()).map((x) => x.file).filter((f) => f.partition[0] === 1 && f.recordCount === 1n)
    expect(files.length).toBe(2)
    const [c, d] = files as [DataFile, DataFile]
    const reads: string[] = []
    io.beforeOp = (op, path) => void (op === 'read' && reads.push(path))
    const deletesOf = async (x: Table): Promise<Set<string>> => {
      const out = new Set<string>()
      for (const mf of await snapshotManifests(io, x.metadata, x.currentSnapshot()!)) if (mf.content === 'deletes') out.add(mf.manifestPath)
      return out
    }
    const before = await deletesOf(t)
    reads.length = 0
    const t2 = await t.transaction().rowDelta({ addDeletes: [await writeDV(t, c, [0], 'for-c')] }).commit()
    expect(reads.filter((p) => before.has(p)).length).toBeGreaterThan(0) // a's DV manifest may hold p = 1: read once
    const after = await deletesOf(t2)
    reads.length = 0
    await t2.transaction().rowDelta({ addDeletes: [await writeDV(t2, d, [0], 'for-d')] }).commit()
    // only the manifest the first commit wrote is new to the check; a's is not read again
    expect(reads.filter((p) => before.has(p))).toEqual([])
    expect(reads.filter((p) => after.has(p) && !before.has(p)).length).toBe(1)
    io.beforeOp = undefined
  })
})

describe('one deletion vector per data file: property', () => {
  it('any sequence of DV commits, with or without replacing the live DV, leaves at most one live DV per data file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ file: fc.constantFrom<'a' | 'b'>('a', 'b'), pos: fc.integer({ min: 0, max: 3 }), replace: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const s = await setup(false)
          let t = s.t
          // the model: the positions deleted per file, and whether the file has a live DV
          const model = new Map<string, Set<number>>()
          for (const [i, step] of steps.entries()) {
            const f = step.file === 'a' ? s.a : s.b
            const pos = step.pos % Number(f.recordCount)
            const live = await dvOf(t, f)
            const had = model.get(f.filePath)
            const positions = new Set(step.replace && had ? [...had, pos] : [pos])
            const dv = await writeDV(t, f, [...positions].sort((x, y) => x - y), `p${i}`)
            const tx = t.transaction().rowDelta({ addDeletes: [dv], ...(step.replace ? { removeDeletes: live } : {}) })
            if (live.length && !step.replace) {
              const e = await failure(tx.commit())
              expect(e.code).toBe('INVALID_ARGUMENT')
            } else {
              t = await tx.commit()
              model.set(f.filePath, positions)
            }
            for (const g of [s.a, s.b]) expect((await dvOf(t, g)).length).toBe(model.has(g.filePath) ? 1 : 0)
          }
          const deleted = [...model.values()].reduce((n, p) => n + p.size, 0)
          expect((await t.scan().toArray()).length).toBe(6 - deleted)
        },
      ),
      { numRuns: 30 },
    )
  })
})
