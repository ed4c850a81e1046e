// Operation semantics and Java's conflict-validation matrix on a memory catalog with metadata-only files.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { ValidationError } from '../../../src/errors.js'
import { equal, greaterThanOrEqual } from '../../../src/expr/expression.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function table(formatVersion: FormatVersion = 2, props: Record<string, string> = {}): Promise<Table> {
  const cat = new MemoryCatalog(testEnv(new MemoryFileIO(), 11))
  await cat.createNamespace('db')
  return cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion, properties: { 'commit.retry.min-wait-ms': '1', ...props } })
}

const paths = async (t: Table): Promise<string[]> => (await t.scan().planFiles()).map((x) => x.file.filePath).sort()
const withStats = (f: DataFile, lo: bigint, hi: bigint): DataFile => {
  const b = (v: bigint): Uint8Array => {
    const x = new Uint8Array(8)
    new DataView(x.buffer).setBigInt64(0, v, true)
    return x
  }
  return { ...f, valueCounts: new Map([[1, f.recordCount]]), nullValueCounts: new Map([[1, 0n]]), lowerBounds: new Map([[1, b(lo)]]), upperBounds: new Map([[1, b(hi)]]) }
}
const posDelete = (path: string, target: string, p: number): DataFile => ({ content: 'position-deletes', filePath: path, fileFormat: 'PARQUET', specId: 0, partition: [p], recordCount: 1n, fileSizeInBytes: 10n, referencedDataFile: target })

describe('operations', () => {
  it('delete by filter drops whole files and refuses a partial match', async () => {
    let t = await table()
    t = await t.append([withStats(fakeFile('/d/1.parquet', [1]), 0n, 9n), withStats(fakeFile('/d/2.parquet', [2]), 10n, 19n), withStats(fakeFile('/d/3.parquet', [2]), 20n, 29n)])
    const t1 = await t.transaction().delete({ filter: greaterThanOrEqual('id', 20n) }).commit()
    expect(await paths(t1)).toEqual(['/d/1.parquet', '/d/2.parquet'])
    expect(t1.currentSnapshot()!.summary).toMatchObject({ operation: 'delete', 'deleted-data-files': '1', 'deleted-records': '10', 'total-data-files': '2', 'total-records': '20' })
    await expect(t1.transaction().delete({ filter: greaterThanOrEqual('id', 5n) }).commit()).rejects.toThrow(/some, but not all, rows match/)
    const t2 = await t1.transaction().delete({ filter: equal('p', 1) }).commit()
    expect(await paths(t2)).toEqual(['/d/2.parquet'])
  })

  it('delete by path requires the file to be live', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1])])
    await expect(t.transaction().delete({ files: [fakeFile('/d/nope.parquet', [1])] }).commit()).rejects.toThrow(/Missing required files to delete/)
  })

  it('replace partitions swaps whole partitions and validates under serializable', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [2])])
    const stale = t.transaction().replacePartitions([fakeFile('/d/3.parquet', [1])])
    const raced = await t.append([fakeFile('/d/4.parquet', [1])])
    await expect(stale.commit()).rejects.toBeInstanceOf(ValidationError)
    const ok = await raced.transaction().replacePartitions([fakeFile('/d/5.parquet', [1])]).commit()
    expect(await paths(ok)).toEqual(['/d/2.parquet', '/d/5.parquet'])
    expect(ok.currentSnapshot()!.summary['replace-partitions']).toBe('true')
    // a concurrent append to another partition does not conflict
    const t2 = ok.transaction().replacePartitions([fakeFile('/d/6.parquet', [2])])
    await ok.append([fakeFile('/d/7.parquet', [3])])
    expect(await paths(await t2.commit())).toEqual(['/d/5.parquet', '/d/6.parquet', '/d/7.parquet'])
  })

  it('overwrite: serializable fails on concurrent matching appends, snapshot isolation allows them', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1])])
    const ser = t.transaction().overwrite({ filter: equal('p', 1), addFiles: [fakeFile('/d/2.parquet', [1])] })
    const snap = t.transaction().overwrite({ filter: equal('p', 1), addFiles: [fakeFile('/d/3.parquet', [1])], isolation: 'snapshot' })
    await t.append([fakeFile('/d/4.parquet', [1])])
    await expect(ser.commit()).rejects.toThrow(/Found conflicting files/)
    const r = await snap.commit()
    expect(await paths(r)).toEqual(['/d/3.parquet'])
  })

  it('row delta adds position deletes; a concurrently removed target data file fails validation', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [2])])
    const t1 = await t.transaction().rowDelta({ addDeletes: [posDelete('/d/del-1.parquet', '/d/1.parquet', 1)] }).commit()
    expect(t1.currentSnapshot()!.summary).toMatchObject({ operation: 'delete', 'added-position-delete-files': '1', 'added-position-deletes': '1' })
    const tasks = await t1.scan().planFiles()
    expect(tasks.find((x) => x.file.filePath === '/d/1.parquet')!.deletes.map((d) => d.filePath)).toEqual(['/d/del-1.parquet'])
    expect(tasks.find((x) => x.file.filePath === '/d/2.parquet')!.deletes).toEqual([])
    const delta = t1.transaction().rowDelta({ addDeletes: [posDelete('/d/del-2.parquet', '/d/2.parquet', 2)] })
    await t1.transaction().delete({ files: [fakeFile('/d/2.parquet', [2])] }).commit()
    await expect(delta.commit()).rejects.toThrow(/missing data files/)
  })

  it('rewrite replaces files, keeps rows, and fails when new deletes target the replaced files', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [1])])
    const compact = t.transaction().rewrite({ removeData: [fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [1])], addData: [fakeFile('/d/c.parquet', [1], 20n)] })
    await t.transaction().rowDelta({ addDeletes: [posDelete('/d/del.parquet', '/d/1.parquet', 1)] }).commit()
    await expect(compact.commit()).rejects.toThrow(/found new delete for replaced data file: \/d\/1.parquet/)
    const t2 = await (await t.refresh()).transaction().rewrite({ removeData: [fakeFile('/d/2.parquet', [1])], addData: [fakeFile('/d/c2.parquet', [1])], dataSequenceNumber: 1n }).commit()
    expect(t2.currentSnapshot()!.summary.operation).toBe('replace')
    expect(t2.currentSnapshot()!.summary['total-records']).toBe('20')
    const c2 = (await t2.scan().planFiles()).find((x) => x.file.filePath === '/d/c2.parquet')!
    expect(c2.dataSequenceNumber).toBe(1n) // kept the starting sequence number
  })

  it('merge append packs manifests once min-count-to-merge is reached', async () => {
    let t = await table(2, { 'commit.manifest.min-count-to-merge': '3' })
    for (let i = 0; i < 5; i++) t = await t.transaction().append([fakeFile(`/d/${i}.parquet`, [1])], { merge: true }).commit()
    const list = await t.env.io.read(t.currentSnapshot()!.manifestList!)
    const { readManifestList } = await import('../../../src/spec/avro/manifest-list-codec.js')
    expect(readManifestList(list).manifests.length).toBeLessThan(3)
    expect((await paths(t)).length).toBe(5)
  })

  it('writes to branches, tags, rolls back, fast-forwards and cherry-picks', async () => {
    const t = await (await table()).append([fakeFile('/d/1.parquet', [1])])
    const first = t.currentSnapshot()!.snapshotId
    const dev = await t.transaction().manageSnapshots((m) => m.createBranch('dev')).commit()
    const onDev = await dev.transaction().onBranch('dev').append([fakeFile('/d/dev.parquet', [2])]).commit()
    expect(await paths(onDev)).toEqual(['/d/1.parquet'])
    expect((await onDev.scan({ snapshot: { ref: 'dev' } }).planFiles()).map((x) => x.file.filePath).sort()).toEqual(['/d/1.parquet', '/d/dev.parquet'])
    const ff = await onDev.transaction().manageSnapshots((m) => m.fastForward('main', 'dev')).commit()
    expect(await paths(ff)).toEqual(['/d/1.parquet', '/d/dev.parquet'])
    const rb = await ff.transaction().manageSnapshots((m) => m.rollbackTo(first).createTag('v1', first)).commit()
    expect(await paths(rb)).toEqual(['/d/1.parquet'])
    expect(rb.metadata.refs.v1).toMatchObject({ type: 'tag', snapshotId: first })
    const devHead = rb.metadata.refs.dev!.snapshotId
    const t3 = await rb.append([fakeFile('/d/2.parquet', [3])])
    const picked = await t3.transaction().cherryPick(devHead).commit()
    expect(await paths(picked)).toEqual(['/d/1.parquet', '/d/2.parquet', '/d/dev.parquet'])
    expect(picked.currentSnapshot()!.summary['source-snapshot-id']).toBe(String(devHead))
    await expect(rb.transaction().manageSnapshots((m) => m.rollbackTo(devHead)).commit()).rejects.toThrow(/not an ancestor/)
  })

  it('assigns v3 row lineage and keeps v1 sequence numbers at zero', async () => {
    const v3 = await (await table(3)).append([fakeFile('/d/1.parquet', [1], 10n), fakeFile('/d/2.parquet', [2], 5n)])
    expect(v3.currentSnapshot()).toMatchObject({ firstRowId: 0n, addedRows: 15n })
    expect(v3.metadata.nextRowId).toBe(15n)
    const v3b = await v3.append([fakeFile('/d/3.parquet', [1], 7n)])
    expect(v3b.currentSnapshot()).toMatchObject({ firstRowId: 15n, addedRows: 7n })
    const tasks = await v3b.scan().planFiles()
    expect(tasks.map((x) => [x.file.filePath, x.file.firstRowId]).sort()).toEqual([
      ['/d/1.parquet', 0n],
      ['/d/2.parquet', 10n],
      ['/d/3.parquet', 15n],
    ])
    const v1 = await (await (await table(1)).append([fakeFile('/d/1.parquet', [1])])).append([fakeFile('/d/2.parquet', [1])])
    expect(v1.metadata.snapshots.map((s) => s.sequenceNumber)).toEqual([0n, 0n])
    expect((await paths(v1)).length).toBe(2)
  })
})
