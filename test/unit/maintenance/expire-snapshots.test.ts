// Snapshot expiration on real tables: one commit removes what Java's retention rules expire (a tag keeps
// its snapshot, main keeps its head), retained snapshots read exactly as before, and the cleanup deletes
// every file only expired snapshots reached: afterwards orphan detection finds no data, delete, manifest or
// manifest-list file left over. A dry run commits and deletes nothing but reports the same; without cleanup
// the same files become orphans; a concurrent commit is retried over and kept. Refusals: gc.enabled=false,
// tables without a catalog. Property: random histories (v2 and v3, copy-on-write and merge-on-read, tags)
// and random retention keep every retained snapshot's rows and leave no unreferenced file but metadata JSON.
import fc from 'fast-check'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { LocalFileIO, localPath } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { ExpiredFiles } from '../../../src/maintenance/expire-snapshots.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { Table } from '../../../src/table/table.js'
import { tempDir } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'part', T.int, { required: true })])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'part', transform: Transforms.identity }] }
const rowsOf = (ids: readonly number[]): Array<{ id: bigint; part: number }> => ids.map((i) => ({ id: BigInt(i), part: i % 3 }))
const FUTURE = BigInt(Date.now()) + 86_400_000n

async function rowsAt(t: Table, snapshotId: bigint): Promise<bigint[]> {
  const rows = await t.scan({ snapshot: { snapshotId } }).toArray()
  return rows.map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
async function history(t: Table): Promise<Map<bigint, bigint[]>> {
  const out = new Map<bigint, bigint[]>()
  for (const s of t.snapshots()) out.set(s.snapshotId, await rowsAt(t, s.snapshotId))
  return out
}
const allFiles = (f: ExpiredFiles): string[] => [...f.dataFiles, ...f.positionDeleteFiles, ...f.equalityDeleteFiles, ...f.manifests, ...f.manifestLists, ...f.statisticsFiles]

/** A filesystem table: s1 append (tagged keep), s2 append, s3 merge-on-read delete, s4 overwrite part 0, s5 append. */
async function fsHistory(props: Record<string, string> = {}): Promise<{ t: Table; ids: bigint[] }> {
  const cat = new FileSystemCatalog(testEnv(new LocalFileIO(), 5, BigInt(Date.now())), join(tempDir('floe-expire-'), 'wh'))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: props })
  t = await t.appendRows(rowsOf([1, 2, 3, 4, 5, 6]))
  t = await t.transaction().manageSnapshots((m) => void m.createTag('keep', t.currentSnapshot()!.snapshotId)).commit()
  t = await t.appendRows(rowsOf([7, 8, 9]))
  t = await t.deleteRows('id = 2 or id = 5', { mode: 'merge-on-read' })
  t = await t.overwriteRows(rowsOf([30, 33]), 'part = 0')
  t = await t.appendRows(rowsOf([40]))
  return { t, ids: t.snapshots().map((s) => s.snapshotId) }
}

/** Files under the table folder that no metadata references, apart from metadata JSON files. */
async function leftovers(t: Table): Promise<string[]> {
  const r = await t.removeOrphanFiles({ dryRun: true, olderThanMs: FUTURE })
  return r.orphanFiles.filter((p) => !p.endsWith('.metadata.json'))
}

describe('expireSnapshots', () => {
  it('expires by age past the tag and main head, keeps retained reads exact, and deletes exactly the unreachable files', async () => {
    const { t, ids } = await fsHistory()
    const [s1, s2, s3, s4, s5] = ids as [bigint, bigint, bigint, bigint, bigint]
    const before = await history(t)
    const cut = t.snapshots().find((s) => s.snapshotId === s5)!.timestampMs

    const dry = await t.expireSnapshots({ olderThanMs: cut, dryRun: true })
    expect(dry.expiredSnapshotIds).toEqual([s2, s3, s4])
    expect(dry.dryRun).toBe(true)
    expect((await t.refresh()).snapshots()).toHaveLength(5)
    const planned = allFiles(dry.files)
    expect(dry.files.manifestLists).toHaveLength(3)
    // s2's part-0 file (id 9) was overwritten by s4 and the tag keeps only s1; s3's delete files stay live
    expect(dry.files.dataFiles).toHaveLength(1)
    expect(dry.files.positionDeleteFiles).toEqual([])
    for (const p of planned) expect(existsSync(localPath(p))).toBe(true)

    const res = await t.expireSnapshots({ olderThanMs: cut })
    expect(res.expiredSnapshotIds).toEqual([s2, s3, s4])
    expect(res.removedRefs).toEqual([])
    expect(allFiles(res.files)).toEqual(planned)
    expect(res.undeleted).toEqual([])
    for (const p of planned) expect(existsSync(localPath(p))).toBe(false)
    const after = await t.refresh()
    expect(after.snapshots().map((s) => s.snapshotId)).toEqual([s1, s5])
    expect(await rowsAt(after, s1)).toEqual(before.get(s1))
    expect(await rowsAt(after, s5)).toEqual(before.get(s5))
    const gone = await (async () => after.scan({ snapshot: { snapshotId: s3 } }).toArray())().catch((e: unknown) => e)
    expect(isFloeError(gone, 'NOT_FOUND')).toBe(true)
    expect(await leftovers(after)).toEqual([])
  })

  it('deletes a v3 deletion vector another one replaced, once no retained snapshot reads it', async () => {
    const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 4))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t', formatVersion: 3 })
    t = await t.appendRows(rowsOf([1, 4, 7, 2]))
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    const first = (await t.scan().planFiles()).flatMap((f) => f.deletes.map((d) => d.filePath))
    expect(first).toHaveLength(1)
    t = await t.deleteRows('id = 4', { mode: 'merge-on-read' })
    const res = await t.expireSnapshots({ olderThanMs: t.currentSnapshot()!.timestampMs })
    expect(res.expiredSnapshotIds).toHaveLength(2)
    expect(res.files.positionDeleteFiles).toEqual(first)
    expect(await t.env.io.stat(first[0]!)).toBeUndefined()
    expect((await res.table.scan().toArray()).map((r) => r.id).sort()).toEqual([2n, 7n])
    expect(await leftovers(res.table)).toEqual([])
  })

  it('without cleanup only edits the metadata: the same files are then orphans', async () => {
    const { t, ids } = await fsHistory()
    const cut = t.snapshots().find((s) => s.snapshotId === ids[4])!.timestampMs
    const planned = allFiles((await t.expireSnapshots({ olderThanMs: cut, dryRun: true })).files)
    const res = await t.expireSnapshots({ olderThanMs: cut, cleanExpiredFiles: false })
    expect(res.expiredSnapshotIds).toHaveLength(3)
    expect(allFiles(res.files)).toEqual([])
    for (const p of planned) expect(existsSync(localPath(p))).toBe(true)
    expect((await leftovers(res.table)).map(localPath).sort()).toEqual(planned.map(localPath).sort())
  })

  it('retries over a concurrent commit and keeps what it added', async () => {
    const { t } = await fsHistory()
    const concurrent = await t.appendRows(rowsOf([50, 51]))
    const added = (await concurrent.scan({ filter: 'id >= 50' }).planFiles()).map((f) => f.file.filePath)
    const res = await t.expireSnapshots({ olderThanMs: FUTURE })
    expect(res.table.currentSnapshot()!.snapshotId).toBe(concurrent.currentSnapshot()!.snapshotId)
    expect(res.expiredSnapshotIds).not.toContain(concurrent.currentSnapshot()!.snapshotId)
    for (const p of added) expect(existsSync(localPath(p))).toBe(true)
    expect((await res.table.scan().toArray()).map((r) => r.id).sort((a, b) => (a! < b! ? -1 : 1))).toEqual((await concurrent.scan().toArray()).map((r) => r.id).sort((a, b) => (a! < b! ? -1 : 1)))
    expect(await leftovers(res.table)).toEqual([])
  })

  it('with cleanExpiredMetadata also removes the specs and schemas only expired snapshots used', async () => {
    const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 8))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t' })
    t = await t.appendRows(rowsOf([1, 2, 3]))
    t = await t.transaction().updateSchema((u) => void u.addColumn('note', T.string)).commit()
    t = await t.transaction().updateSpec((u) => void u.removeField('part')).commit()
    t = await t.overwriteRows([{ id: 7n, part: 1, note: 'x' }], 'true')
    // the overwrite's own list still holds the spec-0 manifest of its deleted entries (Java counts it too)
    expect((await t.expireSnapshots({ olderThanMs: FUTURE, cleanExpiredMetadata: true, dryRun: true })).removedSpecIds).toEqual([])
    t = await t.appendRows([{ id: 8n, part: 2, note: 'y' }])
    expect(t.metadata.specs.map((s) => s.specId)).toEqual([0, 1])
    expect(t.metadata.schemas.map((s) => s.schemaId)).toEqual([0, 1])
    const rows = await t.scan().toArray()
    const plain = await t.expireSnapshots({ olderThanMs: FUTURE, dryRun: true })
    expect(plain).toMatchObject({ removedSpecIds: [], removedSchemaIds: [] })
    const dry = await t.expireSnapshots({ olderThanMs: FUTURE, cleanExpiredMetadata: true, dryRun: true })
    expect(dry).toMatchObject({ removedSpecIds: [0], removedSchemaIds: [0] })
    const res = await t.expireSnapshots({ olderThanMs: FUTURE, cleanExpiredMetadata: true })
    expect(res).toMatchObject({ removedSpecIds: [0], removedSchemaIds: [0] })
    expect(res.table.metadata.specs.map((s) => s.specId)).toEqual([1])
    expect(res.table.metadata.schemas.map((s) => s.schemaId)).toEqual([1])
    expect(await res.table.scan().toArray()).toEqual(rows)
    expect(await leftovers(res.table)).toEqual([])
  })

  it('reports removed refs named like Object.prototype members', async () => {
    const { t, ids } = await fsHistory()
    const tagged = await t.transaction().manageSnapshots((m) => void m.createTag('toString', ids[1]!, 1n)).commit()
    const res = await tagged.expireSnapshots({ olderThanMs: FUTURE })
    expect(res.removedRefs).toEqual(['toString'])
    expect(Object.keys(res.table.metadata.refs).sort()).toEqual(['keep', 'main'])
  })

  it('is refused with gc.enabled=false and on tables without a catalog', async () => {
    const { t } = await fsHistory({ 'gc.enabled': 'false' })
    const e = await t.expireSnapshots({ olderThanMs: FUTURE }).catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect((await t.refresh()).snapshots()).toHaveLength(5)
    const loose = await Table.load(t.env, t.metadataLocation)
    expect(isFloeError(await loose.expireSnapshots({ olderThanMs: FUTURE }).catch((x: unknown) => x), 'INVALID_ARGUMENT')).toBe(true)
  })
})

describe('expireSnapshots over random histories (property)', () => {
  it('keeps every retained snapshot’s rows and leaves no unreferenced file but metadata JSON', async () => {
    const OP = fc.oneof(
      fc.record({ op: fc.constant('append' as const), ids: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }) }),
      fc.record({ op: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 40 }), mode: fc.constantFrom('copy-on-write' as const, 'merge-on-read' as const) }),
      fc.record({ op: fc.constant('overwrite' as const), part: fc.integer({ min: 0, max: 2 }), ids: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }) }),
      fc.record({ op: fc.constant('tag' as const) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(OP, { minLength: 3, maxLength: 8 }), fc.constantFrom(2, 3), fc.nat(), fc.integer({ min: 1, max: 3 }), async (ops, formatVersion, cutAt, retainLast) => {
        let now = 1
        const io = new MemoryFileIO(() => now++)
        const cat = new MemoryCatalog(testEnv(io, 11))
        await cat.createNamespace('db')
        let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t', formatVersion })
        let tags = 0
        for (const o of ops) {
          if (o.op === 'append') t = await t.appendRows(rowsOf(o.ids))
          else if (o.op === 'delete') t = await t.deleteRows(`id = ${o.id}`, { mode: o.mode })
          else if (o.op === 'overwrite') t = await t.overwriteRows(rowsOf(o.ids.map((i) => i - (i % 3) + o.part)), `part = ${o.part}`)
          else if (t.currentSnapshot()) t = await t.transaction().manageSnapshots((m) => void m.createTag(`tag${tags++}`, t.currentSnapshot()!.snapshotId)).commit()
        }
        const before = await history(t)
        const snaps = t.snapshots()
        const cut = snaps.length ? snaps[cutAt % snaps.length]!.timestampMs : 0n
        const res = await t.expireSnapshots({ olderThanMs: cut, retainLast })
        const after = res.table
        expect(after.snapshots().map((s) => s.snapshotId).sort()).toEqual([...before.keys()].filter((id) => !res.expiredSnapshotIds.includes(id)).sort())
        for (const s of after.snapshots()) expect(await rowsAt(after, s.snapshotId)).toEqual(before.get(s.snapshotId))
        expect(await leftovers(after)).toEqual([])
      }),
      { numRuns: 40 },
    )
  })
})
