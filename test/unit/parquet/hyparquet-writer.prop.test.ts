// Property: whatever the row sizes and the row-group size, the writer's buffering (chunks, batched size
// measurement, flushes) loses, duplicates or reorders no row, and every row group holds what it reports.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import { IcebergParquetWriter } from '../../../src/parquet/hyparquet-writer.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { readAll } from './parquet-files.js'

const S = schema([field(1, 'id', T.long, { required: true }), field(2, 'payload', T.string)])

describe('IcebergParquetWriter buffering (property)', () => {
  it('writes every row once, in order, for any row sizes and row-group size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 12_000 }), { minLength: 0, maxLength: 1500 }),
        fc.integer({ min: 1_000, max: 400_000 }),
        async (sizes, rowGroupSizeBytes) => {
          const rows = sizes.map((n, i) => ({ id: BigInt(i), payload: n % 5 === 0 ? null : 'x'.repeat(n) }))
          const w = await IcebergParquetWriter.open(S, { codec: 'uncompressed', rowGroupSizeBytes })
          for (const r of rows) w.write(r)
          const res = w.finish()
          expect(res.rowCount).toBe(rows.length)
          const groups = readParquetFooter(res.bytes).row_groups
          expect(groups.reduce((a, g) => a + Number(g.num_rows), 0)).toBe(rows.length)
          expect(res.splitOffsets.length).toBe(groups.length)
          const back = await readAll(res.bytes, { schema: S })
          expect(back.map((r) => r.id)).toEqual(rows.map((r) => r.id))
          expect(back.map((r) => (r.payload === null ? -1 : (r.payload as string).length))).toEqual(rows.map((r) => (r.payload === null ? -1 : r.payload.length)))
        },
      ),
      { numRuns: 40 },
    )
  })

  it('keeps every row when a row group fills within the first 256 rows (large rows, small groups)', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(i), payload: 'x'.repeat(10_000) }))
    const w = await IcebergParquetWriter.open(S, { codec: 'snappy', rowGroupSizeBytes: 1024 * 1024 })
    for (const r of rows) w.write(r)
    const res = w.finish()
    const groups = readParquetFooter(res.bytes).row_groups
    expect(groups.length).toBeGreaterThan(5)
    expect((await readAll(res.bytes, { schema: S })).map((r) => r.id)).toEqual(rows.map((r) => r.id))
  })
})
