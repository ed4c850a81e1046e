import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeDeletionVector, readDeletionVector } from '../../../src/deletes/deletion-vector.js'
import { deletionVectorBlob, puffinWithDeletionVectors } from '../../../src/deletes/dv-write.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { readPuffinFooter } from '../../../src/puffin/puffin.js'
import { corpusPath } from '../../support/corpus.js'

const GOLDEN = 'apache-iceberg/core/src/test/resources/org/apache/iceberg/deletes'

describe('deletion vector writing', () => {
  it('produces the bytes Java produces for array-container vectors', () => {
    expect(Buffer.from(deletionVectorBlob([1, 3, 5, 7, 9]))).toEqual(readFileSync(corpusPath(GOLDEN, 'small-alternating-values-position-index.bin')))
    expect(Buffer.from(deletionVectorBlob([100, 101, 2147483747, 2147483748]))).toEqual(readFileSync(corpusPath(GOLDEN, 'small-and-large-values-position-index.bin')))
    expect(Buffer.from(deletionVectorBlob([]))).toEqual(readFileSync(corpusPath(GOLDEN, 'empty-position-index.bin')))
  })

  it('round-trips any position set through the reader (array and bitmap containers, keys above 2^32)', () => {
    const positions = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 6000 }).map((a) => a.sort((x, y) => x - y))
    fc.assert(
      fc.property(positions, (ps) => {
        const set = decodeDeletionVector(deletionVectorBlob(ps))
        expect([...set]).toEqual(ps)
        expect(set.size).toBe(ps.length)
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 60) },
    )
    const dense = Array.from({ length: 5000 }, (_, i) => i * 3) // > 4096 in one container: bitmap
    expect([...decodeDeletionVector(deletionVectorBlob(dense))]).toEqual(dense)
  })

  it('writes Puffin files whose blobs the reader finds by offset and by footer', async () => {
    const { bytes, vectors } = puffinWithDeletionVectors([
      { referencedDataFile: 's3://b/a.parquet', positions: [0, 2, 4] },
      { referencedDataFile: 's3://b/b.parquet', positions: [7] },
    ])
    const footer = readPuffinFooter(bytes)
    expect(footer.blobs.map((b) => [b.type, b.properties['referenced-data-file'], b.properties.cardinality])).toEqual([
      ['deletion-vector-v1', 's3://b/a.parquet', '3'],
      ['deletion-vector-v1', 's3://b/b.parquet', '1'],
    ])
    const second = await readDeletionVector(bytesSource(bytes, 'x.puffin'), { contentOffset: vectors[1]!.contentOffset, contentSizeInBytes: vectors[1]!.contentSizeInBytes })
    expect([...second]).toEqual([7])
    const byFooter = await readDeletionVector(bytesSource(bytes, 'x.puffin'), { referencedDataFile: 's3://b/a.parquet' })
    expect([...byFooter]).toEqual([0, 2, 4])
  })
})

describe('Puffin created-by', () => {
  it('names floe and its version, as the Puffin spec recommends', async () => {
    const { FLOE_VERSION } = await import('../../../src/version.js')
    const { bytes } = puffinWithDeletionVectors([{ referencedDataFile: 's3://b/d.parquet', positions: [1, 5] }])
    const footer = readPuffinFooter(bytes, 'dv.puffin')
    expect(footer.properties['created-by']).toBe(`floe ${FLOE_VERSION}`)
  })
})
