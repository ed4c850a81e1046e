// Merge append's manifest list as Java's MergeAppend / ManifestMergeManager builds it: end-first bin packing
// with a look-back of one, min-count applied only to the bin holding the newest manifest, spec groups highest
// id first, data manifests before delete manifests, parent manifests with nothing live dropped.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ManifestFile } from '../../../src/spec/manifest.js'
import { Transforms } from '../../../src/spec/transform.js'
import { packEnd, planMergeGroup } from '../../../src/transaction/manifest-merge.js'
import type { Table } from '../../../src/table/table.js'
import { dataFile, entriesOf, manifestsOf, newTable } from './producer-fixtures.js'

// ---- a reference model of Java's algorithm, written from its description ----

/** Java's packing iterator over `items` with a look-back of `lookback` open bins (largest-bin-first off). */
function modelPack(items: readonly number[], target: bigint, lookback: number, weight: (i: number) => bigint): number[][] {
  const open: Array<{ items: number[]; w: bigint }> = []
  const closed: number[][] = []
  for (const it of items) {
    const w = weight(it)
    const bin = open.find((b) => b.w + w <= target)
    if (bin) {
      bin.items.push(it)
      bin.w += w
      continue
    }
    open.push({ items: [it], w })
    if (open.length > lookback) closed.push(open.shift()!.items)
  }
  for (const b of open) closed.push(b.items)
  return closed
}

/** Java's packEnd: pack the reversed list, then reverse the bins and each bin. */
function modelPackEnd(items: readonly number[], target: bigint, weight: (i: number) => bigint): number[][] {
  return modelPack([...items].reverse(), target, 1, weight)
    .reverse()
    .map((b) => [...b].reverse())
}

/** Java's mergeGroup: what each bin becomes (kept manifests, or one merged manifest). */
function modelMergeGroup(group: readonly number[], first: number, target: bigint, minCount: number, weight: (i: number) => bigint): Array<{ merge: boolean; bin: number[] }> {
  return modelPackEnd(group, target, weight).map((bin) => {
    if (bin.length === 1) return { merge: false, bin }
    if (bin.includes(first) && bin.length < minCount) return { merge: false, bin }
    return { merge: true, bin }
  })
}

describe('merge planning matches the reference model of Java', () => {
  it('property: packEnd and the merge plan equal the model for any sizes, target and min-count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 2000n }), { maxLength: 40 }),
        fc.bigInt({ min: 1n, max: 5000n }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (sizes, target, minCount, firstInGroup) => {
          const ids = sizes.map((_s, i) => i)
          const weight = (i: number): bigint => sizes[i]!
          const bins = packEnd(ids, weight, target)
          expect(bins).toEqual(modelPackEnd(ids, target, weight))
          expect(bins.flat()).toEqual(ids) // never reorders
          for (const b of bins) if (b.length > 1) expect(b.reduce((a, i) => a + sizes[i]!, 0n) <= target).toBe(true)
          const first = firstInGroup ? 0 : -1 // -1: the newest manifest is in another spec's group
          expect(planMergeGroup(ids, first, weight, target, minCount)).toEqual(modelMergeGroup(ids, first, target, minCount, weight))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('packs from the end: the under-filled bin is the newest one', () => {
    expect(packEnd([1, 2, 3, 4, 5], (x) => BigInt(x), 7n)).toEqual([[1, 2], [3, 4], [5]])
    expect(packEnd([5, 5, 5], () => 5n, 10n)).toEqual([[5], [5, 5]])
    expect(packEnd([9, 1], (x) => BigInt(x), 5n)).toEqual([[9], [1]])
  })
})

// ---- end to end through a table ----

const shape = (m: ManifestFile): [number | undefined, number | undefined] => [m.addedFilesCount, m.existingFilesCount]

async function appends(t: Table, n: number, prefix = 'k'): Promise<Table> {
  for (let i = 0; i < n; i++) t = await t.append([dataFile(`/d/${prefix}${i}.parquet`, [1])])
  return t
}

describe('merge append manifest lists', () => {
  it('min-count applies only to the bin with the new manifest; older full bins merge', async () => {
    let t = await appends(await newTable(2, { 'commit.manifest.min-count-to-merge': '3' }), 3)
    const before = await manifestsOf(t) // [k2, k1, k0]
    const len = before[0]!.manifestLength
    t = await t.transaction().setProperties({ 'commit.manifest.target-size-bytes': String(len * 2n + len / 2n) }).commit()
    t = await t.transaction().append([dataFile('/d/new.parquet', [1])], { merge: true }).commit()
    const after = await manifestsOf(t)
    // bins from the end: [k1, k0] (merged), then [new, k2] (2 < min-count 3: kept as they are)
    expect(after.map(shape)).toEqual([
      [1, 0],
      [1, 0],
      [0, 2],
    ])
    expect(after[1]!.manifestPath).toBe(before[0]!.manifestPath)
    expect((await entriesOf(t, after[2]!)).map((e) => e.dataFile.filePath)).toEqual(['/d/k1.parquet', '/d/k0.parquet'])
    expect((await t.scan().planFiles()).length).toBe(4)
  })

  it('with the default min-count, older manifests still merge when not in the new manifest’s bin', async () => {
    let t = await appends(await newTable(2), 2)
    const len = (await manifestsOf(t))[0]!.manifestLength
    t = await t.transaction().setProperties({ 'commit.manifest.target-size-bytes': String(len * 2n + len / 2n) }).commit()
    t = await t.transaction().append([dataFile('/d/new.parquet', [1])], { merge: true }).commit()
    expect((await manifestsOf(t)).map(shape)).toEqual([
      [1, 0],
      [0, 2],
    ])
  })

  it('the bin with the new manifest merges once it reaches min-count', async () => {
    let t = await appends(await newTable(2, { 'commit.manifest.min-count-to-merge': '2' }), 1)
    t = await t.transaction().append([dataFile('/d/new.parquet', [1])], { merge: true }).commit()
    const after = await manifestsOf(t)
    expect(after.map(shape)).toEqual([[1, 1]])
    expect((await entriesOf(t, after[0]!)).map((e) => [e.status, e.dataFile.filePath])).toEqual([
      ['added', '/d/new.parquet'],
      ['existing', '/d/k0.parquet'],
    ])
  })

  it('lists data manifests (highest spec first) before delete manifests, and drops parent manifests with nothing live', async () => {
    let t = await newTable(2)
    t = await t.append([dataFile('/d/a1.parquet', [1])])
    const del = { content: 'position-deletes' as const, filePath: '/d/del.parquet', fileFormat: 'PARQUET' as const, specId: 0, partition: [1], recordCount: 1n, fileSizeInBytes: 10n, referencedDataFile: '/d/a1.parquet' }
    t = await t.transaction().rowDelta({ addDeletes: [del] }).commit()
    t = await t.append([dataFile('/d/a2.parquet', [1])])
    t = await t.append([dataFile('/d/gone.parquet', [1])])
    t = await t.transaction().delete({ files: [dataFile('/d/gone.parquet', [1])] }).commit()
    t = await t.transaction().updateSpec((s) => s.addField(Transforms.bucket(4), 'id')).commit()
    const spec1 = (p: number): ReturnType<typeof dataFile> => ({ ...dataFile(`/d/s1-${p}.parquet`, [1, p]), specId: 1 })
    t = await t.append([spec1(0)])
    const parent = await manifestsOf(t)
    // the parent lists a manifest that holds only a DELETED entry
    expect(parent.some((m) => m.content === 'data' && m.addedFilesCount === 0 && m.existingFilesCount === 0 && m.deletedFilesCount === 1)).toBe(true)
    const firstDelete = parent.findIndex((m) => m.content === 'deletes')
    t = await t.transaction().append([spec1(1)], { merge: true }).commit()
    const list = await manifestsOf(t)
    // spec 1: [new, s1-0] is the new manifest's bin, under min-count 100: kept; spec 0: [a2, a1] merged;
    // the manifest holding only the deleted entry is gone; then the delete manifest
    expect(list.map((m) => [m.partitionSpecId, m.content, ...shape(m)])).toEqual([
      [1, 'data', 1, 0],
      [1, 'data', 1, 0],
      [0, 'data', 0, 2],
      [0, 'deletes', 1, 0],
    ])
    expect(list[1]!.manifestPath).toBe(parent[0]!.manifestPath)
    expect(list[3]!.manifestPath).toBe(parent[firstDelete]!.manifestPath)
    expect((await t.scan().planFiles()).map((x) => x.file.filePath).sort()).toEqual(['/d/a1.parquet', '/d/a2.parquet', '/d/s1-0.parquet', '/d/s1-1.parquet'])
  })

  it('with merging disabled, a merge append still lists data before deletes and drops dead manifests', async () => {
    let t = await newTable(2, { 'commit.manifest-merge.enabled': 'false' })
    t = await t.append([dataFile('/d/a.parquet', [1])])
    const del = { content: 'position-deletes' as const, filePath: '/d/del.parquet', fileFormat: 'PARQUET' as const, specId: 0, partition: [1], recordCount: 1n, fileSizeInBytes: 10n, referencedDataFile: '/d/a.parquet' }
    t = await t.transaction().rowDelta({ addDeletes: [del] }).commit()
    t = await t.append([dataFile('/d/gone.parquet', [1])])
    t = await t.transaction().delete({ files: [dataFile('/d/gone.parquet', [1])] }).commit()
    t = await t.transaction().append([dataFile('/d/b.parquet', [1])], { merge: true }).commit()
    expect((await manifestsOf(t)).map((m) => [m.content, ...shape(m)])).toEqual([
      ['data', 1, 0],
      ['data', 1, 0],
      ['deletes', 1, 0],
    ])
  })
})

describe('manifests merged away', () => {
  it('leave no orphan: every manifest file on disk is listed by some snapshot', async () => {
    let t = await newTable(2, { 'commit.manifest.min-count-to-merge': '2' })
    for (const p of [1, 2, 3]) t = await t.append([dataFile(`/d/${p}.parquet`, [p])])
    t = await t.transaction().append([dataFile('/d/4.parquet', [4])], { merge: true }).commit()
    t = await t.transaction().delete({ files: [dataFile('/d/2.parquet', [2])] }).commit()
    expect((await manifestsOf(t)).length).toBeLessThan(4) // merging happened
    const listed = new Set<string>()
    for (const s of t.snapshots()) for (const mf of await manifestsOf(t, s)) listed.add(mf.manifestPath)
    const onDisk: string[] = []
    for await (const f of t.env.io.list!(`${t.metadata.location}/metadata/`)) if (f.path.endsWith('.avro') && !f.path.includes('/snap-')) onDisk.push(f.path)
    expect(onDisk.sort()).toEqual([...listed].sort())
  })
})
