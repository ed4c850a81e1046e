// DeleteIndex refuses delete metadata that cannot be right, as Java's DeleteFileIndex does: two live deletion
// vectors for one data file, a DV whose data sequence number is lower than its data file's, a Puffin delete
// file without referenced_data_file, and a delete file scoped to one data file whose spec or partition tuple
// differs from that file's. Each is INVALID_METADATA naming the files.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { Transforms } from '../../../src/spec/transform.js'
import { DeleteIndex } from '../../../src/table/delete-index.js'

const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'g', transform: Transforms.identity }] }

const data = (path: string, partition: DataFile['partition'] = ['a'], specId = 0): DataFile => ({
  content: 'data',
  filePath: path,
  fileFormat: 'PARQUET',
  specId,
  partition,
  recordCount: 10n,
  fileSizeInBytes: 1n,
})
const dv = (path: string, target: string | undefined, partition: DataFile['partition'] = ['a'], specId = 0): DataFile => ({
  content: 'position-deletes',
  filePath: path,
  fileFormat: 'PUFFIN',
  specId,
  partition,
  recordCount: 1n,
  fileSizeInBytes: 100n,
  contentOffset: 4n,
  contentSizeInBytes: 40n,
  ...(target === undefined ? {} : { referencedDataFile: target }),
})
const scopedParquet = (path: string, target: string, partition: DataFile['partition']): DataFile => ({
  content: 'position-deletes',
  filePath: path,
  fileFormat: 'PARQUET',
  specId: 0,
  partition,
  recordCount: 1n,
  fileSizeInBytes: 1n,
  referencedDataFile: target,
})

function invalidMetadata(run: () => unknown, ...named: string[]): void {
  let err: unknown
  try {
    run()
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(FloeError)
  expect((err as FloeError).code).toBe('INVALID_METADATA')
  for (const n of named) expect((err as Error).message).toContain(n)
}

describe('DeleteIndex: corrupt deletion vectors', () => {
  it('two live DVs for one data file fail naming the data file and both DVs', () => {
    const index = new DeleteIndex()
    index.add({ file: dv('/t/dv1.puffin', '/t/a.parquet'), sequenceNumber: 2n }, spec)
    invalidMetadata(() => index.add({ file: dv('/t/dv2.puffin', '/t/a.parquet'), sequenceNumber: 3n }, spec), '/t/a.parquet', '/t/dv1.puffin', '/t/dv2.puffin')
  })

  it('DVs for different data files, even in one Puffin file, are fine', () => {
    const index = new DeleteIndex()
    const a = dv('/t/dv.puffin', '/t/a.parquet')
    const b = { ...dv('/t/dv.puffin', '/t/b.parquet'), contentOffset: 44n }
    index.add({ file: a, sequenceNumber: 2n }, spec)
    index.add({ file: b, sequenceNumber: 2n }, spec)
    expect(index.forDataFile(data('/t/a.parquet'), 1n)).toEqual([a])
    expect(index.forDataFile(data('/t/b.parquet'), 2n)).toEqual([b])
  })

  it('a DV older than its data file fails instead of being ignored', () => {
    const index = new DeleteIndex()
    index.add({ file: dv('/t/dv1.puffin', '/t/a.parquet'), sequenceNumber: 2n }, spec)
    invalidMetadata(() => index.forDataFile(data('/t/a.parquet'), 3n), '/t/a.parquet', '/t/dv1.puffin', 'sequence number 2')
  })

  it('a Puffin delete file without referenced_data_file is refused, not applied to its partition', () => {
    invalidMetadata(() => new DeleteIndex().add({ file: dv('/t/dv.puffin', undefined), sequenceNumber: 2n }, spec), '/t/dv.puffin', 'referenced_data_file')
  })
})

describe('DeleteIndex: file-scoped deletes in another partition', () => {
  it('a DV or scoped position delete file whose tuple differs from its data file fails', () => {
    for (const del of [dv('/t/dv.puffin', '/t/a.parquet', ['zzz']), scopedParquet('/t/del.parquet', '/t/a.parquet', ['zzz'])]) {
      const index = new DeleteIndex()
      index.add({ file: del, sequenceNumber: 2n }, spec)
      invalidMetadata(() => index.forDataFile(data('/t/a.parquet', ['a']), 1n), 'Mismatched partition tuples', '"zzz"', '"a"', del.filePath, '/t/a.parquet')
    }
  })

  it('a scoped delete of another spec fails', () => {
    const index = new DeleteIndex()
    index.add({ file: dv('/t/dv.puffin', '/t/a.parquet', [], 1), sequenceNumber: 2n }, undefined)
    invalidMetadata(() => index.forDataFile(data('/t/a.parquet', ['a'], 0), 1n), 'Mismatched partition specs (1, 0)')
  })

  it('property: a scoped delete applies exactly when its tuple equals the data file tuple, else fails', () => {
    const value = fc.oneof(fc.constant(null), fc.string({ maxLength: 3 }), fc.bigInt({ min: -3n, max: 3n }))
    fc.assert(
      fc.property(value, value, fc.boolean(), (dp, fp, puffin) => {
        const del = puffin ? dv('/t/dv.puffin', '/t/a.parquet', [dp]) : scopedParquet('/t/del.parquet', '/t/a.parquet', [dp])
        const index = new DeleteIndex()
        index.add({ file: del, sequenceNumber: 2n }, spec)
        const run = (): DataFile[] => index.forDataFile(data('/t/a.parquet', [fp]), 1n)
        if (dp === fp) expect(run()).toEqual([del])
        else invalidMetadata(run, 'metadata is corrupted')
      }),
    )
  })
})
