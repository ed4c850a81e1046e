// One append adds a file given twice only once (Java keeps an update's added data files in a set per spec keyed
// by location): one live entry, and the summary counts it once.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distinctDataFiles } from '../../../src/transaction/append.js'
import { dataFile, entriesOf, manifestsOf, newTable } from './producer-fixtures.js'

describe('append deduplicates its own files', () => {
  it('a file given twice in one fast append is one live entry, counted once', async () => {
    const t = await (await newTable()).append([dataFile('/d/a.parquet', [1], 10n), dataFile('/d/a.parquet', [1], 99n), dataFile('/d/b.parquet', [2])])
    const live = (await t.scan().planFiles()).map((x) => [x.file.filePath, x.file.recordCount])
    expect(live.sort()).toEqual([
      ['/d/a.parquet', 10n], // the first occurrence wins
      ['/d/b.parquet', 10n],
    ])
    expect(t.currentSnapshot()!.summary).toMatchObject({ 'added-data-files': '2', 'added-records': '20', 'total-data-files': '2', 'total-records': '20', 'added-files-size': '200' })
    const [mf] = await manifestsOf(t)
    expect(mf).toMatchObject({ addedFilesCount: 2, addedRowsCount: 20n })
  })

  it('a merge append and a transaction append deduplicate too', async () => {
    const t0 = await newTable(2, { 'commit.manifest.min-count-to-merge': '2' })
    const t1 = await t0.transaction().append([dataFile('/d/a.parquet'), dataFile('/d/a.parquet')], { merge: true }).commit()
    const t2 = await t1.transaction().append([dataFile('/d/b.parquet'), dataFile('/d/b.parquet')], { merge: true }).commit()
    const entries = (await Promise.all((await manifestsOf(t2)).map((m) => entriesOf(t2, m)))).flat()
    expect(entries.map((e) => e.dataFile.filePath).sort()).toEqual(['/d/a.parquet', '/d/b.parquet'])
    expect(t2.currentSnapshot()!.summary['total-data-files']).toBe('2')
  })

  it('the same path under two specs is two files (Java dedupes per spec)', () => {
    const a0 = dataFile('/d/a.parquet')
    const a1 = { ...dataFile('/d/a.parquet'), specId: 1 }
    expect(distinctDataFiles([a0, a1, a0])).toEqual([a0, a1])
  })

  it('property: distinct files keep first occurrences in order, one per (spec, path)', () => {
    const file = fc.record({ p: fc.integer({ min: 0, max: 5 }), spec: fc.integer({ min: 0, max: 1 }), n: fc.bigInt({ min: 1n, max: 9n }) })
    fc.assert(
      fc.property(fc.array(file, { maxLength: 30 }), (xs) => {
        const files = xs.map((x) => ({ ...dataFile(`/d/${x.p}.parquet`, [1], x.n), specId: x.spec }))
        const out = distinctDataFiles(files)
        const keys = out.map((f) => `${f.specId}:${f.filePath}`)
        expect(new Set(keys).size).toBe(keys.length)
        expect(new Set(keys)).toEqual(new Set(files.map((f) => `${f.specId}:${f.filePath}`)))
        for (const f of out) expect(files.find((g) => g.specId === f.specId && g.filePath === f.filePath)).toBe(f)
        const idx = out.map((f) => files.indexOf(f))
        expect(idx).toEqual([...idx].sort((a, b) => a - b))
      }),
    )
  })
})
