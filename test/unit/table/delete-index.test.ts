// DeleteIndex (Java DeleteFileIndex): equality deletes written with a spec that has no non-void field are
// global, whatever its field count; partitioned ones stay within their spec and partition tuple.
import { describe, expect, it } from 'vitest'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { Transforms } from '../../../src/spec/transform.js'
import { DeleteIndex } from '../../../src/table/delete-index.js'

const voidSpec: PartitionSpec = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.void }] }
const identitySpec: PartitionSpec = { specId: 1, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

const data = (path: string, specId: number, partition: DataFile['partition']): DataFile => ({
  content: 'data',
  filePath: path,
  fileFormat: 'PARQUET',
  specId,
  partition,
  recordCount: 1n,
  fileSizeInBytes: 1n,
})
const eqDelete = (path: string, specId: number, partition: DataFile['partition']): DataFile => ({ ...data(path, specId, partition), content: 'equality-deletes', equalityIds: [1] })

describe('DeleteIndex', () => {
  it('applies equality deletes written with an all-void spec to data files of every spec and partition', () => {
    const index = new DeleteIndex()
    const del = eqDelete('eq.parquet', 0, [null])
    index.add({ file: del, sequenceNumber: 5n }, voidSpec)
    expect(index.forDataFile(data('a.parquet', 1, [7n]), 4n)).toEqual([del])
    expect(index.forDataFile(data('b.parquet', 0, [null]), 4n)).toEqual([del])
    // sequence-number rule unchanged: a data file of the same or a later sequence number is not affected
    expect(index.forDataFile(data('c.parquet', 1, [7n]), 5n)).toEqual([])
  })

  it('keeps equality deletes of a partitioned spec within their spec and partition', () => {
    const index = new DeleteIndex()
    const del = eqDelete('eq.parquet', 1, [7n])
    index.add({ file: del, sequenceNumber: 5n }, identitySpec)
    expect(index.forDataFile(data('a.parquet', 1, [7n]), 4n)).toEqual([del])
    expect(index.forDataFile(data('b.parquet', 1, [8n]), 4n)).toEqual([])
    expect(index.forDataFile(data('c.parquet', 0, [null]), 4n)).toEqual([])
  })
})
