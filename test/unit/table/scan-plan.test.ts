// Planning decodes column stats only when a filter can use them and keeps them in tasks only on request
// (Java's SCAN_COLUMNS / includeColumnStats), so large plans stay light.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T } from '../../../src/spec/types.js'
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { snapshotManifests } from '../../../src/table/scan-plan.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { makeCatalog } from '../../support/catalogs.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { FloeError } from '../../../src/errors.js'

describe('column stats in planning', () => {
  it('are skipped without a filter, used then dropped with one, and kept with includeColumnStats', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)]) })
    for (let i = 0; i < 4; i++) t = await t.appendRows(Array.from({ length: 5 }, (_, j) => ({ id: BigInt(i * 10 + j), s: `v${i}` })))
    const plain = await t.scan().planFiles()
    expect(plain).toHaveLength(4)
    for (const task of plain) expect([task.file.lowerBounds, task.file.valueCounts, task.file.columnSizes]).toEqual([undefined, undefined, undefined])
    const filtered = t.scan({ filter: 'id >= 20' })
    const tasks = await filtered.planFiles()
    expect(tasks).toHaveLength(2) // metrics pruned the files of ids 0–19
    expect(filtered.stats.dataFilesSkipped).toBe(2)
    expect(tasks.every((x) => x.file.lowerBounds === undefined)).toBe(true)
    const full = await t.scan({ filter: 'id >= 20', includeColumnStats: true }).planFiles()
    expect(full.every((x) => x.file.lowerBounds?.get(1) instanceof Uint8Array && x.file.valueCounts?.get(1) === 5n)).toBe(true)
    // the skipping decoder reads the same entries as the full one, minus the stats
    const mf = (await snapshotManifests(t.env.io, t.metadata, t.currentSnapshot()!))[0]!
    const bytes = await t.env.io.read(mf.manifestPath)
    const a = readManifest(bytes, { manifest: mf, specs: t.metadata.specs })
    const b = readManifest(bytes, { manifest: mf, specs: t.metadata.specs, skipStats: true })
    expect(b.entries.map((e) => ({ ...e, dataFile: { ...e.dataFile } }))).toEqual(
      a.entries.map((e) => {
        const { columnSizes: _a, valueCounts: _b, nullValueCounts: _c, nanValueCounts: _d, lowerBounds: _e, upperBounds: _f, ...rest } = e.dataFile
        return { ...e, dataFile: rest }
      }),
    )
    // a filter's columns only: other keys are skipped while decoding
    const only = readManifest(bytes, { manifest: mf, specs: t.metadata.specs, statsColumns: new Set([2]) })
    for (const [i, e] of only.entries.entries()) {
      expect([...e.dataFile.lowerBounds!.keys()]).toEqual([2])
      expect(e.dataFile.lowerBounds!.get(2)).toEqual(a.entries[i]!.dataFile.lowerBounds!.get(2))
      expect([...e.dataFile.valueCounts!.keys()]).toEqual([2])
    }
  })

  it('are not decoded for filters on identity partitions, unless a spec lacks that identity field', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const sch = schema([field(1, 'p', T.long, { required: true }), field(2, 'v', T.long)])
    let t = await c.createTable('db.t', { schema: sch })
    // unpartitioned files first: only their stats can prune p = 3
    for (const p of [1n, 3n]) t = await t.appendRows(Array.from({ length: 3 }, (_, j) => ({ p, v: BigInt(j) })))
    let scan = t.scan({ filter: 'p = 3' })
    expect((await scan.toArray()).map((r) => r.p)).toEqual([3n, 3n, 3n])
    expect([scan.stats.columnStats, scan.stats.dataFilesSkipped]).toEqual([[1], 1])
    t = await t.transaction().updateSpec((u) => void u.addField({ transform: Transforms.identity, source: 'p' })).commit()
    for (const p of [2n, 3n]) t = await t.appendRows(Array.from({ length: 3 }, (_, j) => ({ p, v: BigInt(10 + j) })))
    // old files still come from the unpartitioned spec: p's stats are decoded and prune them
    scan = t.scan({ filter: 'p = 3' })
    expect((await scan.toArray()).map((r) => r.v as bigint).sort((a, b) => (a < b ? -1 : 1))).toEqual([0n, 1n, 2n, 10n, 11n, 12n])
    expect([scan.stats.columnStats, scan.stats.dataFilesSkipped, scan.stats.manifestsSkipped]).toEqual([[1], 1, 1]) // p = 2's manifest is pruned whole
    // once every live file is partitioned by identity(p), the partition tuples decide and no stats are read
    const fresh = await c.createTable('db.u', { schema: sch, spec: { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'p', transform: Transforms.identity }] } })
    let u = fresh
    for (const p of [1n, 2n, 3n]) u = await u.appendRows(Array.from({ length: 3 }, (_, j) => ({ p, v: BigInt(j) })))
    scan = u.scan({ filter: 'p = 3 or p in (5, 6)' })
    expect((await scan.toArray()).map((r) => r.p)).toEqual([3n, 3n, 3n])
    expect([scan.stats.columnStats, scan.stats.manifestsSkipped]).toEqual(['none', 2]) // partition summaries prune p = 1 and 2
    // a filter that also names another column decodes only that column's stats
    scan = u.scan({ filter: 'p = 3 and v > 1' })
    expect((await scan.toArray()).map((r) => r.v)).toEqual([2n])
    expect(scan.stats.columnStats).toEqual([2])
  })
})

describe('plans sharing one filter', () => {
  it('give the same tasks on every plan, per case sensitivity, schema and table version', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'p', T.long, { required: true }), field(2, 'v', T.long)]), spec: { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'p', transform: Transforms.identity }] } })
    for (const p of [1n, 2n, 3n]) t = await t.appendRows([{ p, v: p * 10n }])
    const filter = parseFilter('P = 2')
    const insensitive = t.scan({ filter, caseSensitive: false })
    const first = await insensitive.planFiles()
    const again = await insensitive.planFiles()
    expect(first.map((x) => x.file.partition)).toEqual([[2n]])
    expect(again).toEqual(first)
    expect(insensitive.stats.manifestsSkipped).toBe(2)
    // the same expression object, case-sensitive: binding fails instead of reusing the other binding
    await expect(t.scan({ filter, caseSensitive: true }).planFiles()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // a newer version of the table plans its own files with the same expression
    const u = await t.appendRows([{ p: 2n, v: 21n }])
    expect((await u.scan({ filter, caseSensitive: false }).toArray()).map((r) => r.v).sort()).toEqual([20n, 21n])
    // after a column rename the expression binds against the new schema
    const w = await u.transaction().updateSchema((s) => void s.renameColumn('p', 'q')).commit()
    await expect(w.scan({ filter, caseSensitive: false }).planFiles()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((await w.scan({ filter: 'Q = 2', caseSensitive: false }).toArray()).map((r) => r.v).sort()).toEqual([20n, 21n])
  })
})

describe('manifest lists across plans', () => {
  it('are read once per table version and FileIO; a failed read is not kept', async () => {
    const io = new MemoryFileIO()
    const c = makeCatalog('memory', testEnv(io, 3))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true })]) })
    for (let i = 0; i < 3; i++) t = await t.appendRows([{ id: BigInt(i) }])
    const list = t.currentSnapshot()!.manifestList!
    const reads: string[] = []
    let failNext = true
    io.beforeOp = (op, path) => {
      if (op !== 'read' || path !== list) return
      reads.push(path)
      if (failNext) {
        failNext = false
        throw new FloeError('IO', `injected failure reading ${path}`, { context: { file: path } })
      }
    }
    // the first read fails and is not remembered; the next plan reads the list again
    await expect(t.scan().planFiles()).rejects.toMatchObject({ code: 'IO' })
    expect((await t.scan().planFiles()).map((x) => x.file.recordCount)).toEqual([1n, 1n, 1n])
    expect(reads).toHaveLength(2)
    // later plans of the same version (any filter) use the entries already read, even once the file is gone
    expect(await t.scan({ filter: 'id = 1' }).toArray()).toEqual([{ id: 1n }])
    io.files.delete(list)
    expect((await t.scan().toArray()).map((r) => r.id).sort()).toEqual([0n, 1n, 2n])
    expect(reads).toHaveLength(2)
    // a table loaded again is another version object: it reads the list, and a missing list names the file
    const fresh = await c.loadTable('db.t')
    await expect(fresh.scan().planFiles()).rejects.toMatchObject({ code: 'NOT_FOUND', context: { file: list } })
  })
})
