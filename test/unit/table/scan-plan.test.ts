// Planning decodes column stats only when a filter can use them and keeps them in tasks only on request
// (Java's SCAN_COLUMNS / includeColumnStats), so large plans stay light.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { snapshotManifests } from '../../../src/table/scan-plan.js'
import { makeCatalog } from '../../support/catalogs.js'

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
})
