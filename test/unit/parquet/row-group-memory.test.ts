// The memory budget of buffered rows: a writer encodes a row group once its rows reach its share of the
// budget, writers that share one budget split it, and the rows read back the same however they were grouped.
import { parquetMetadata } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import type { Row } from '../../../src/parquet/codec.js'
import { IcebergParquetWriter, RowGroupMemory } from '../../../src/parquet/hyparquet-writer.js'
import { parseColumns } from '../../../src/spec/ddl.js'

const schema = parseColumns('id bigint, name string')
const MiB = 1024 * 1024
const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(i), name: `name-${i % 977}` }))

// Row-group sizes (in rows) of a Parquet file, and its rows read back.
async function layout(bytes: Uint8Array): Promise<{ groups: number[]; rows: Row[] }> {
  const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
  const rows: Row[] = []
  for await (const b of hyparquetReader.readBatches(bytesSource(bytes), { schema })) rows.push(...b.rows)
  return { groups: md.row_groups.map((g) => Number(g.num_rows)), rows }
}

describe('row-group memory budget', () => {
  it('encodes a row group once the buffered rows reach the budget, and the rows read back exactly', async () => {
    const input = rowsOf(120_000)
    const write = async (memory: RowGroupMemory): Promise<Uint8Array> => {
      const w = await IcebergParquetWriter.open(schema, { codec: 'uncompressed', memory })
      for (const r of input) w.write(r)
      return w.finish().bytes
    }
    const roomy = await layout(await write(new RowGroupMemory(1024 * MiB)))
    const tight = await layout(await write(new RowGroupMemory(4 * MiB)))
    expect(roomy.groups).toEqual([input.length])
    expect(tight.groups.length).toBeGreaterThan(1)
    expect(tight.groups.reduce((a, b) => a + b, 0)).toBe(input.length)
    // the groups before the last are of one size: each hit the same budget
    expect(new Set(tight.groups.slice(0, -1)).size).toBe(1)
    expect(tight.rows).toEqual(input)
    expect(roomy.rows).toEqual(input)
  })

  it('splits one budget between the writers open on it, and a writer that finishes gives its share back', async () => {
    const input = rowsOf(60_000)
    const pool = new RowGroupMemory(4 * MiB)
    const solo = await IcebergParquetWriter.open(schema, { codec: 'uncompressed', memory: new RowGroupMemory(4 * MiB) })
    const a = await IcebergParquetWriter.open(schema, { codec: 'uncompressed', memory: pool })
    const b = await IcebergParquetWriter.open(schema, { codec: 'uncompressed', memory: pool })
    expect(pool.share()).toBe(2 * MiB)
    for (const r of input) {
      solo.write(r)
      a.write(r)
      b.write(r)
    }
    const [s, x] = [await layout(solo.finish().bytes), await layout(a.finish().bytes)]
    expect(pool.share()).toBe(4 * MiB)
    const y = await layout(b.finish().bytes)
    // sharing halves the rows per group
    expect(x.groups.length).toBeGreaterThan(s.groups.length)
    expect(Math.abs(x.groups[0]! * 2 - s.groups[0]!)).toBeLessThanOrEqual(512)
    expect(y.groups).toEqual(x.groups)
    for (const f of [s, x, y]) expect(f.rows).toEqual(input)
  })

  it('never shares below 256 KiB, however many writers are open', () => {
    const pool = new RowGroupMemory(8 * MiB)
    for (let i = 0; i < 100; i++) pool.join(1)
    expect(pool.share()).toBe(256 * 1024)
  })

  it('counts the elements of nested values: list-heavy rows make smaller row groups than flat rows of the same plain size', async () => {
    const nested = parseColumns('id bigint, tags array<string>')
    const flat = parseColumns('id bigint, tags string')
    const tags = Array.from({ length: 40 }, (_, i) => `t${i % 10}`)
    // the flat row's string has the plain size of the 40 tags (their text plus 4 bytes each)
    const text = 'x'.repeat(tags.reduce((a, t) => a + t.length + 4, 0) - 4)
    const groups = async (s: typeof nested, make: (i: number) => Row): Promise<number[]> => {
      const w = await IcebergParquetWriter.open(s, { codec: 'uncompressed', memory: new RowGroupMemory(4 * MiB) })
      for (let i = 0; i < 40_000; i++) w.write(make(i))
      const bytes = w.finish().bytes
      return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).row_groups.map((g) => Number(g.num_rows))
    }
    const n = await groups(nested, (i) => ({ id: BigInt(i), tags }))
    const f = await groups(flat, (i) => ({ id: BigInt(i), tags: text }))
    expect(n.length).toBeGreaterThan(1)
    // 40 elements of 16 B and a 32 B array beyond the plain bytes: several times fewer rows per group
    expect(n[0]! * 3).toBeLessThan(f[0]!)
  })

  it('still encodes at write.parquet.row-group-size-bytes when that comes first', async () => {
    const input = rowsOf(20_000)
    const w = await IcebergParquetWriter.open(schema, { codec: 'uncompressed', rowGroupSizeBytes: 64 * 1024, memory: new RowGroupMemory(1024 * MiB) })
    for (const r of input) w.write(r)
    const f = await layout(w.finish().bytes)
    expect(f.groups.length).toBeGreaterThan(1)
    expect(f.rows).toEqual(input)
  })
})
