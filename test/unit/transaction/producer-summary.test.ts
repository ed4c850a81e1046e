// Snapshot summaries as Java's SnapshotSummary / SnapshotProducer write them: per-partition summaries under
// write.summary.partition-limit, deletion vectors sized by their blob, totals that would go negative omitted;
// and manifest-list partition summaries with contains_nan always set.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { equal } from '../../../src/expr/expression.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { parseTransform } from '../../../src/spec/transform.js'
import { schema } from '../../../src/spec/schema.js'
import type { Snapshot } from '../../../src/spec/snapshot.js'
import { T, field } from '../../../src/spec/types.js'
import { partitionSummaries } from '../../../src/transaction/manifest-writer.js'
import { summaryPartitions } from '../../../src/transaction/snapshot-producer.js'
import { buildSummary } from '../../../src/transaction/summary.js'
import { dataFile, manifestsOf, newTable } from './producer-fixtures.js'

const parentWith = (summary: Record<string, string>): Snapshot => ({ snapshotId: 1n, sequenceNumber: 1n, timestampMs: 0n, manifestList: 'x', summary: { operation: 'append', ...summary } })

const dv = (path: string, target: string, p: number, extra: Partial<DataFile> = {}): DataFile => ({
  content: 'position-deletes',
  filePath: path,
  fileFormat: 'PUFFIN',
  specId: 0,
  partition: [p],
  recordCount: 3n,
  fileSizeInBytes: 5000n,
  referencedDataFile: target,
  contentOffset: 4n,
  contentSizeInBytes: 40n,
  ...extra,
})

describe('partition summaries in the snapshot summary', () => {
  it('are written when the changed partitions are within write.summary.partition-limit', async () => {
    const t = await (await newTable(2, { 'write.summary.partition-limit': '10' })).append([
      dataFile('/d/a.parquet', [1], 10n),
      dataFile('/d/b.parquet', [2], 5n),
      dataFile('/d/c.parquet', [2], 7n, { fileSizeInBytes: 30n }),
    ])
    const s = t.currentSnapshot()!.summary
    expect(s).toMatchObject({
      'changed-partition-count': '2',
      'partition-summaries-included': 'true',
      'partitions.p=1': 'added-data-files=1,added-records=10,added-files-size=100',
      'partitions.p=2': 'added-data-files=2,added-records=12,added-files-size=130',
    })
  })

  it('are left out over the limit, and by default (limit 0)', async () => {
    const over = await (await newTable(2, { 'write.summary.partition-limit': '1' })).append([dataFile('/d/a.parquet', [1]), dataFile('/d/b.parquet', [2])])
    const byDefault = await (await newTable(2)).append([dataFile('/d/a.parquet', [1])])
    for (const s of [over.currentSnapshot()!.summary, byDefault.currentSnapshot()!.summary]) {
      expect(s['partition-summaries-included']).toBeUndefined()
      expect(Object.keys(s).filter((k) => k.startsWith('partitions.'))).toEqual([])
    }
    expect(over.currentSnapshot()!.summary['changed-partition-count']).toBe('2')
  })

  it('an unpartitioned change is counted and flagged, but has no per-partition key (its path is empty)', async () => {
    const t = await (await newTable(2, { 'write.summary.partition-limit': '5' }, false)).append([dataFile('/d/a.parquet', [])])
    const s = t.currentSnapshot()!.summary
    expect(s['changed-partition-count']).toBe('1')
    expect(s['partition-summaries-included']).toBe('true')
    expect(Object.keys(s).filter((k) => k.startsWith('partitions.'))).toEqual([])
  })

  it('name partitions by path, escaping and nulls as Java does, with removed-file keys in Java order', () => {
    const path = (f: DataFile): string => `p=${f.partition[0] === null ? 'null' : String(f.partition[0])}`
    const s = buildSummary(
      'overwrite',
      { added: [dataFile('/d/n.parquet', [null], 2n), dv('/d/dv.puffin', '/d/x.parquet', 3)], removed: [dataFile('/d/x.parquet', [3], 4n)] },
      undefined,
      {},
      { path, limit: 5 },
    )
    expect(s['partitions.p=null']).toBe('added-data-files=1,added-records=2,added-files-size=100')
    expect(s['partitions.p=3']).toBe('deleted-data-files=1,added-delete-files=1,added-dvs=1,deleted-records=4,added-files-size=40,removed-files-size=100,added-position-deletes=3')
  })
})

describe('partition paths of a commit', () => {
  it('name an older spec’s partitions by the dropped source column’s last type', async () => {
    let t = await newTable(2, { 'write.summary.partition-limit': '4' })
    t = await t.append([dataFile('/d/a.parquet', [1])])
    t = await t.transaction().updateSpec((s) => s.removeField('p')).commit()
    t = await t.transaction().updateSchema((u) => u.deleteColumn('p')).commit()
    const parts = summaryPartitions(t.metadata)
    expect(parts.limit).toBe(4)
    expect(parts.path(dataFile('/d/a.parquet', [7]))).toBe('p=7')
    expect(parts.path({ ...dataFile('/d/b.parquet', []), specId: 1 })).toBe('')
  })
})

describe('deletion vector sizes', () => {
  it('added, removed and total file sizes count a DV’s content size, not the Puffin file size', () => {
    const parent = parentWith({ 'total-files-size': '1000', 'total-delete-files': '1', 'total-position-deletes': '2', 'total-records': '10', 'total-data-files': '1' })
    const s = buildSummary('delete', { added: [dv('/d/new.puffin', '/d/a.parquet', 1)], removed: [dv('/d/old.puffin', '/d/a.parquet', 1, { contentSizeInBytes: 25n })] }, parent)
    expect(s).toMatchObject({ 'added-files-size': '40', 'removed-files-size': '25', 'total-files-size': '1015', 'added-dvs': '1', 'removed-dvs': '1' })
  })

  it('a position delete Parquet file counts its file size', () => {
    const pos: DataFile = { ...dv('/d/pos.parquet', '/d/a.parquet', 1), fileFormat: 'PARQUET' }
    expect(buildSummary('delete', { added: [pos], removed: [] }, undefined)['added-files-size']).toBe('5000')
  })
})

describe('totals', () => {
  it('a total that would become negative is omitted, the others still carried', () => {
    const s = buildSummary('delete', { added: [], removed: [dataFile('/d/a.parquet', [1], 10n)] }, parentWith({ 'total-records': '5', 'total-data-files': '1', 'total-files-size': '100' }))
    expect(s['total-records']).toBeUndefined()
    expect(s).toMatchObject({ 'total-data-files': '0', 'total-files-size': '0', 'deleted-records': '10' })
  })

  it('a negative or unparsable previous total is not carried forward', () => {
    const s = buildSummary('append', { added: [dataFile('/d/a.parquet', [1], 10n)], removed: [] }, parentWith({ 'total-records': '-3', 'total-data-files': 'x', 'total-files-size': '99999999999999999999' }))
    expect(s['total-records']).toBeUndefined()
    expect(s['total-data-files']).toBeUndefined()
    expect(s['total-files-size']).toBeUndefined()
  })

  it('property: a total is written exactly when previous + added − removed is a non-negative long', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -5n, max: 40n }), fc.array(fc.bigInt({ min: 1n, max: 9n }), { maxLength: 4 }), fc.array(fc.bigInt({ min: 1n, max: 9n }), { maxLength: 4 }), (prev, add, rem) => {
        const files = (xs: bigint[], tag: string): DataFile[] => xs.map((n, i) => dataFile(`/d/${tag}${i}.parquet`, [1], n))
        const s = buildSummary('overwrite', { added: files(add, 'a'), removed: files(rem, 'r') }, parentWith({ 'total-records': String(prev) }))
        const sum = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n)
        const next = prev + sum(add) - sum(rem)
        expect(s['total-records']).toBe(prev >= 0n && next >= 0n ? String(next) : undefined)
      }),
    )
  })
})

describe('manifest-list partition field summaries', () => {
  it('contains_nan is a boolean for every field type (false unless a NaN was seen)', () => {
    const s = schema([field(1, 'id', T.long), field(2, 'd', T.double), field(3, 's', T.string)])
    const spec = {
      specId: 0,
      fields: [
        { sourceId: 1, fieldId: 1000, name: 'id', transform: parseTransform('identity') },
        { sourceId: 2, fieldId: 1001, name: 'd', transform: parseTransform('identity') },
        { sourceId: 3, fieldId: 1002, name: 's', transform: parseTransform('truncate[2]') },
      ],
    }
    const files = [dataFile('/a', [1n, 1.5, 'ab']), dataFile('/b', [null, Number.NaN, null])]
    expect(partitionSummaries(spec, s, files).map((f) => [f.containsNull, f.containsNan])).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ])
  })

  it('a committed manifest list stores contains_nan=false for an int partition', async () => {
    const t = await (await newTable(2)).append([dataFile('/d/a.parquet', [1])])
    const [mf] = await manifestsOf(t)
    expect(mf!.partitions).toEqual([{ containsNull: false, containsNan: false, lowerBound: expect.any(Uint8Array), upperBound: expect.any(Uint8Array) }])
  })
})

describe('summary key order', () => {
  it('follows Java: properties, counts, changed-partition-count, partition summaries, totals', async () => {
    const t = await (await newTable(2, { 'write.summary.partition-limit': '3' })).transaction().append([dataFile('/d/a.parquet', [1])], { summary: { 'my.prop': 'x' } }).commit()
    expect(Object.keys(t.currentSnapshot()!.summary)).toEqual([
      'my.prop',
      'manifests-created',
      'manifests-kept',
      'manifests-replaced',
      'added-data-files',
      'added-records',
      'added-files-size',
      'changed-partition-count',
      'partition-summaries-included',
      'partitions.p=1',
      'total-records',
      'total-files-size',
      'total-data-files',
      'total-delete-files',
      'total-position-deletes',
      'total-equality-deletes',
      'operation',
      // Java adds its EnvironmentContext last
      'iceberg-version',
    ])
  })
})

// Java ≥ 1.11 (SnapshotProducer.buildManifestCountSummary): created = manifests whose added snapshot is the new
// one, kept = the other listed manifests, replaced = parent manifests a filter rewrote or a merge bin-packed.
describe('manifest counts in the summary', () => {
  const counts = (t: { currentSnapshot(): Snapshot | undefined }): [string, string, string] => {
    const s = t.currentSnapshot()!.summary
    return [s['manifests-created']!, s['manifests-kept']!, s['manifests-replaced']!]
  }

  it('agree with the manifest list after every operation of a random history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant('append' as const), fc.constant('merge' as const), fc.constant('delete' as const)), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (ops, merging) => {
          let t = await newTable(2, merging ? { 'commit.manifest.min-count-to-merge': '2' } : { 'commit.manifest-merge.enabled': 'false' })
          let n = 0
          for (const op of ops) {
            const before = t.currentSnapshot() ? await manifestsOf(t) : []
            const p = n % 3
            if (op === 'delete' && t.currentSnapshot()) t = await t.transaction().delete({ filter: equal('p', p) }).commit()
            else t = await t.transaction().append([dataFile(`/d/${n}.parquet`, [p])], { merge: op === 'merge' }).commit()
            n++
            const snap = t.currentSnapshot()!
            const after = await manifestsOf(t)
            const created = after.filter((m) => m.addedSnapshotId === snap.snapshotId).length
            const afterPaths = new Set(after.map((m) => m.manifestPath))
            const live = (m: (typeof before)[number]): boolean => (m.addedFilesCount ?? 1) > 0 || (m.existingFilesCount ?? 1) > 0
            const replaced = before.filter((m) => live(m) && !afterPaths.has(m.manifestPath)).length
            expect(counts(t)).toEqual([String(created), String(after.length - created), String(replaced)])
          }
        },
      ),
      { numRuns: 25 },
    )
  })

  it('a fast append creates one manifest and keeps the rest; a merge append replaces the parents it merges', async () => {
    let t = await newTable(2, { 'commit.manifest.min-count-to-merge': '3' })
    t = await t.transaction().append([dataFile('/d/a.parquet', [1])]).commit()
    t = await t.transaction().append([dataFile('/d/b.parquet', [2])]).commit()
    expect(counts(t)).toEqual(['1', '1', '0'])
    t = await t.transaction().append([dataFile('/d/c.parquet', [1])], { merge: true }).commit()
    expect((await manifestsOf(t)).length).toBe(1)
    expect(counts(t)).toEqual(['1', '0', '2'])
  })

  it('a delete that rewrites a parent manifest replaces it; an untouched one is kept', async () => {
    let t = await newTable(2, { 'commit.manifest-merge.enabled': 'false' })
    t = await t.transaction().append([dataFile('/d/a.parquet', [1]), dataFile('/d/b.parquet', [2])]).commit()
    t = await t.transaction().append([dataFile('/d/c.parquet', [3])]).commit()
    t = await t.transaction().delete({ filter: equal('p', 1) }).commit()
    expect(counts(t)).toEqual(['1', '1', '1'])
  })
})
