// Signed zeros survive a Parquet round trip: hyparquet-writer's dictionary (a Map) would merge -0 and +0,
// so chunks holding a negative zero are written PLAIN (found by the scan-pruning property).
import { describe, expect, it } from 'vitest'
import { writeParquet } from '../../../src/parquet/hyparquet-writer.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import { hasNegativeZero, holdsFloats } from '../../../src/parquet/negative-zero.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { readAll } from './parquet-files.js'

const signs = (xs: unknown[]): string[] => xs.map((x) => (typeof x === 'number' && x === 0 ? (Object.is(x, -0) ? '-0' : '+0') : String(x)))

describe('negative zero in float and double columns', () => {
  it('reads back with its sign, top level and nested, and only such chunks give up the dictionary', async () => {
    const s = schema([
      field(1, 'd', T.double),
      field(2, 'f', T.float),
      field(3, 'st', T.struct([field(4, 'x', T.double)])),
      field(5, 'xs', T.list(6, T.double)),
      field(7, 'plain', T.double),
    ])
    const ds = Array.from({ length: 300 }, (_, i) => [-0, 0, -0, 0, 1.5, null][i % 6]!)
    const rows = ds.map((d, i) => ({ d, f: i % 2 ? -0 : 0, st: { x: i % 2 ? 0 : -0 }, xs: [d ?? 0, -0], plain: i % 3 }))
    const r = await writeParquet(s, rows, { codec: 'snappy' })
    const back = await readAll(r.bytes, { schema: s })
    expect(signs(back.map((x) => x.d))).toEqual(signs(ds))
    expect(signs(back.map((x) => x.f))).toEqual(signs(rows.map((x) => x.f)))
    expect(signs(back.map((x) => (x.st as { x: number }).x))).toEqual(signs(rows.map((x) => x.st.x)))
    expect(back.map((x) => signs(x.xs as number[]))).toEqual(rows.map((x) => signs(x.xs)))
    const encodings = readParquetFooter(r.bytes).row_groups[0]!.columns.map((c) => c.meta_data!.encodings)
    expect(encodings.slice(0, 4).every((e) => !e.includes('RLE_DICTIONARY'))).toBe(true)
    expect(encodings[4]).toContain('RLE_DICTIONARY') // no negative zero: the dictionary stays
  })

  it('detects negative zero and float-holding types', () => {
    expect([hasNegativeZero([1, 0, 2]), hasNegativeZero([1, -0]), hasNegativeZero({ a: [{ b: -0 }] }), hasNegativeZero(new Map([[1, -0]]))]).toEqual([false, true, true, true])
    expect([holdsFloats(T.long), holdsFloats(T.list(1, T.float)), holdsFloats(T.map(1, T.string, 2, T.struct([field(3, "z", T.double)])))]).toEqual([false, true, true])
  })
})
