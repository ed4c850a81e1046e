// A v1 manifest list may leave a manifest's counts out; after an upgrade, floe's next v2+/v3 list carries
// that manifest with counts taken from its entries, and v3 row ids leave room for its rows.
import { describe, expect, it } from 'vitest'
import { readManifestList, writeManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import type { ManifestFile } from '../../../src/spec/manifest.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { dataFile, manifestsOf, newTable } from './producer-fixtures.js'

/** Rewrite the current snapshot's v1 manifest list in place with every optional count left out. */
async function stripCounts(t: Table): Promise<void> {
  const s = t.currentSnapshot()!
  const list = readManifestList(await t.env.io.read(s.manifestList!))
  const bare = list.manifests.map((mf): ManifestFile => {
    const { addedFilesCount: _a, existingFilesCount: _b, deletedFilesCount: _c, addedRowsCount: _d, existingRowsCount: _e, deletedRowsCount: _f, ...rest } = mf
    return rest
  })
  await t.env.io.write(s.manifestList!, writeManifestList(bare, { formatVersion: 1, snapshotId: s.snapshotId, ...(s.parentSnapshotId === undefined ? {} : { parentSnapshotId: s.parentSnapshotId }) }), { overwrite: true })
}

async function upgrade(t: Table, formatVersion: FormatVersion): Promise<Table> {
  return t
    .transaction()
    .add({ kind: 'upgrade', apply: async () => ({ updates: [{ action: 'upgrade-format-version', formatVersion }], requirements: [] }) })
    .commit()
}

describe('manifests without counts in an upgraded v1 table', () => {
  it.each([2, 3] as const)('are listed in v%i with the counts of their entries', async (v) => {
    let t = await (await newTable(1)).append([dataFile('/d/a.parquet', [1], 3n), dataFile('/d/b.parquet', [1], 4n)])
    t = await t.append([dataFile('/d/c.parquet', [2], 5n)])
    await stripCounts(t)
    const stripped = await manifestsOf(t)
    expect(stripped.every((mf) => mf.addedFilesCount === undefined && mf.existingRowsCount === undefined)).toBe(true)
    t = await upgrade(t, v)
    t = await t.append([dataFile('/d/d.parquet', [2], 6n)])
    const listed = await manifestsOf(t)
    expect(listed).toHaveLength(3)
    const byFiles = listed.map((mf) => [mf.addedFilesCount, mf.existingFilesCount, mf.deletedFilesCount, mf.addedRowsCount, mf.existingRowsCount, mf.deletedRowsCount])
    expect(byFiles).toEqual([
      [1, 0, 0, 6n, 0n, 0n],
      [1, 0, 0, 5n, 0n, 0n],
      [2, 0, 0, 7n, 0n, 0n],
    ])
    const rows = (await t.scan().planFiles()).reduce((n, x) => n + x.file.recordCount, 0n)
    expect(rows).toBe(18n)
    if (v === 3) {
      // row ids: each data manifest gets a range as long as its rows, without overlaps
      const ranges = listed.map((mf) => [mf.firstRowId!, mf.firstRowId! + mf.addedRowsCount! + mf.existingRowsCount!] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1))
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThanOrEqual(ranges[i - 1]![1])
      expect(t.metadata.nextRowId).toBe(18n)
    }
  })
})
