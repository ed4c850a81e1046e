// Properties of files written out as they go. (1) An IcebergParquetWriter whose chunks are taken at random
// moments: the taken chunks then the tail are exactly the bytes `finish` returns for the same rows, and the
// size is their total. (2) writeDataFiles through a FileIO with createOutput stores, for random rows,
// partitioning, row-group and target file sizes, the same bytes and DataFiles as the whole-object path.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Row } from '../../../src/parquet/codec.js'
import { IcebergParquetWriter } from '../../../src/parquet/hyparquet-writer.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { tableOf } from './write-fixtures.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'name', T.string),
  field(3, 'amount', T.double),
  field(4, 'p', T.int),
  field(5, 'tags', T.list(6, T.string)),
])
const BY_P: PartitionSpec = { specId: 0, fields: [{ sourceId: 4, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

const ROW: fc.Arbitrary<Row> = fc.record({
  id: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  name: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  amount: fc.option(fc.oneof(fc.double({ noNaN: true }), fc.constant(Number.NaN)), { nil: null }),
  p: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  tags: fc.option(fc.array(fc.option(fc.string({ maxLength: 5 }), { nil: null }), { maxLength: 4 }), { nil: null }),
})

/** The same objects without the createOutput capability: the whole-object path. */
function wholeObjects(inner: MemoryFileIO): FileIO {
  return { read: (p, r) => inner.read(p, r), stat: (p) => inner.stat(p), write: (p, d, o) => inner.write(p, d, o), delete: (p) => inner.delete(p) }
}

// fixed inputs with several row groups and files, run besides the random ones so the coverage checks below
// never depend on what the random runs happened to generate
const BIG: readonly Row[][] = [1, 2, 3, 4, 5, 6].map((seed) => fc.sample(ROW, { numRuns: 1500, seed }))

describe('files written out as they go (properties)', () => {
  it('taken chunks then the tail are the bytes finish returns', async () => {
    let multi = 0
    await fc.assert(
      fc.asyncProperty(fc.array(ROW, { maxLength: 1500, size: 'max' }), fc.integer({ min: 64, max: 20_000 }), fc.array(fc.nat(), { maxLength: 8 }), async (rows, rowGroupSizeBytes, takes) => {
        const opts = { codec: 'snappy' as const, rowGroupSizeBytes }
        const whole = await IcebergParquetWriter.open(SCHEMA, opts)
        for (const r of rows) whole.write(r)
        const expected = whole.finish()
        const streamed = await IcebergParquetWriter.open(SCHEMA, opts)
        const at = new Set(takes.map((t) => t % (rows.length + 1)))
        const parts: Buffer[] = []
        // a chunk is valid until the writer runs again: copy it at once, as a FileIO would write it
        const take = (): void => void parts.push(...streamed.takeChunks().map((c) => Buffer.from(c)))
        rows.forEach((r, i) => {
          if (at.has(i) || streamed.chunksReady) take()
          streamed.write(r)
        })
        const end = streamed.finishTail()
        const bytes = Buffer.concat([...parts, ...end.tail.map((c) => Buffer.from(c))])
        expect(bytes.equals(Buffer.from(expected.bytes))).toBe(true)
        expect(end.size).toBe(expected.bytes.length)
        expect(end.splitOffsets).toEqual(expected.splitOffsets)
        expect(end.columnSizes).toEqual(expected.columnSizes)
        expect(end.rowCount).toBe(rows.length)
        if (parts.length > 1 && end.splitOffsets.length > 2) multi++
      }),
      { numRuns: 30, examples: BIG.map((rows, i): [Row[], number, number[]] => [rows, 1024 + 512 * i, [100, 700 + i]]) },
    )
    expect(multi).toBeGreaterThan(5) // many runs took several chunks of files with several row groups
  })

  it('writeDataFiles stores the same bytes and DataFiles through createOutput as through whole-object writes', async () => {
    let multi = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(ROW, { maxLength: 2000, size: 'max' }),
        fc.boolean(),
        fc.integer({ min: 256, max: 16_384 }),
        fc.integer({ min: 2_000, max: 200_000 }),
        fc.integer({ min: 1, max: 1000 }),
        async (rows, partitioned, rowGroup, target, seed) => {
          const md = tableOf(SCHEMA, {
            ...(partitioned ? { spec: BY_P } : {}),
            properties: { 'write.parquet.row-group-size-bytes': String(rowGroup), 'write.target-file-size-bytes': String(target), 'write.parquet.compression-codec': 'snappy' },
          })
          const streamedIo = new MemoryFileIO()
          const streamed = await writeDataFiles(testEnv(streamedIo, seed), { metadata: md }, rows)
          const wholeIo = new MemoryFileIO()
          const whole = await writeDataFiles(testEnv(wholeObjects(wholeIo), seed), { metadata: md }, rows)
          expect(streamed).toEqual(whole)
          expect([...streamedIo.files.keys()].sort()).toEqual([...wholeIo.files.keys()].sort())
          for (const [p, b] of wholeIo.files) expect(Buffer.from(streamedIo.files.get(p)!).equals(Buffer.from(b)), p).toBe(true)
          if (whole.length > 1 && whole.some((f) => f.splitOffsets!.length > 2)) multi++
        },
      ),
      { numRuns: 30, examples: BIG.map((rows, i): [Row[], boolean, number, number, number] => [rows, i % 2 === 0, 1024, 20_000, i + 1]) },
    )
    expect(multi).toBeGreaterThan(5) // many runs wrote several files, some with several row groups
  })
})
