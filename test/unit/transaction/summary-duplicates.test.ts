// Summary details of Java's SnapshotSummary: a manifest listing one file twice (appended twice, then merged)
// loses both entries on a delete, but the second counts as `deleted-duplicate-files`, not as a removed file
// (ManifestFilterManager's per-manifest file set); a caller's summary property may not name a computed key
// (Java's map builder fails such a commit).
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }
const df = (path: string, p = 1): DataFile => ({ content: 'data', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 10n, fileSizeInBytes: 100n })

async function table() {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 17))
  await cat.createNamespace('db')
  return cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion: 2, properties: { 'commit.manifest.min-count-to-merge': '2', 'write.summary.partition-limit': '10' } })
}

describe('snapshot summaries: duplicate deletes and computed keys', () => {
  it('a file listed twice in one manifest is removed once and counted once as a duplicate', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet')])
    t = await t.append([df('/d/a.parquet')])
    t = await t.append([df('/d/c.parquet')], { merge: true })
    expect(t.currentSnapshot()!.summary['total-data-files']).toBe('3')
    t = await t.transaction().delete({ files: [df('/d/a.parquet')] }).commit()
    const s = t.currentSnapshot()!.summary
    const keys = Object.keys(s)
    expect(s['deleted-data-files']).toBe('1')
    expect(s['deleted-records']).toBe('10')
    expect(s['removed-files-size']).toBe('100')
    expect(s['deleted-duplicate-files']).toBe('1')
    expect(s['partitions.p=1']).toBe('deleted-data-files=1,deleted-records=10,removed-files-size=100')
    // after the metric keys, before changed-partition-count (Java's build order)
    expect(keys.indexOf('deleted-duplicate-files')).toBe(keys.indexOf('removed-files-size') + 1)
    expect(keys.indexOf('changed-partition-count')).toBe(keys.indexOf('deleted-duplicate-files') + 1)
    // totals move by the files counted (Java's totals, like its counts, skip the duplicate)
    expect([s['total-data-files'], s['total-records']]).toEqual(['2', '20'])
    // both entries are gone from the table
    expect((await t.scan().planFiles()).map((x) => x.file.filePath)).toEqual(['/d/c.parquet'])
  })

  it('a delete touching no duplicate writes no deleted-duplicate-files key', async () => {
    let t = await table()
    t = await t.append([df('/d/a.parquet'), df('/d/b.parquet')])
    t = await t.transaction().delete({ files: [df('/d/a.parquet')] }).commit()
    expect('deleted-duplicate-files' in t.currentSnapshot()!.summary).toBe(false)
  })

  it('computed keys this commit does not compute may be set, as Java accepts them', async () => {
    const t = await (await table()).append([df('/d/a.parquet', 2)], { summary: { 'deleted-duplicate-files': '5', 'partitions.note': 'x' } })
    expect(t.currentSnapshot()!.summary['deleted-duplicate-files']).toBe('5')
    expect(t.currentSnapshot()!.summary['partitions.note']).toBe('x')
  })

  it.each(['added-records', 'removed-dvs', 'total-records', 'changed-partition-count', 'partitions.p=1', 'partition-summaries-included', 'operation'])(
    'a caller summary property named %s is refused and nothing commits',
    async (key) => {
      const t = await table()
      const err = await t.append([df('/d/a.parquet')], { summary: { [key]: '1' } }).catch((e: unknown) => e)
      expect(isFloeError(err) && err.code).toBe('INVALID_ARGUMENT')
      expect(String((err as Error).message)).toContain(key)
      expect((await t.refresh()).currentSnapshot()).toBeUndefined()
    },
  )

  it('other caller summary properties are kept', async () => {
    const t = await (await table()).append([df('/d/a.parquet')], { summary: { 'spark.app.id': 'x', 'my-key': 'y' } })
    expect([t.currentSnapshot()!.summary['spark.app.id'], t.currentSnapshot()!.summary['my-key']]).toEqual(['x', 'y'])
  })
})
