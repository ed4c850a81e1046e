// Scan read: 1M rows × 5 columns (long id, string category of 100 values, double amount, timestamptz ts,
// int qty) written with hyparquet-writer (snappy, field ids) in memory; floe's reader producing rows of floe
// values vs hyparquet's own parquetReadObjects of the same bytes (interleaved A/B, medians).
import { parquetReadObjects } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { bytesSource } from '../../src/parquet/byte-source.js'
import { hyparquetReader } from '../../src/parquet/hyparquet-reader.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { interleave, report } from './harness.js'

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TABLE = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'category', T.string),
  field(3, 'amount', T.double),
  field(4, 'ts', T.timestamptz),
  field(5, 'qty', T.int),
])

/** Write `rows` rows as one Parquet file (snappy, 100k-row groups, field ids on every column). */
export function buildFile(rows = 1_000_000, seed = 7): Uint8Array {
  const next = rng(seed)
  const id = new BigInt64Array(rows)
  const category = new Array<string>(rows)
  const amount = new Float64Array(rows)
  const ts = new BigInt64Array(rows)
  const qty = new Int32Array(rows)
  const cats = Array.from({ length: 100 }, (_, i) => `category-${String(i).padStart(3, '0')}`)
  const t0 = 1_700_000_000_000_000n
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(i) * 7919n + 4_000_000_000_000_000n
    category[i] = cats[Math.floor(next() * 100)]!
    amount[i] = Math.round(next() * 1e6) / 100
    ts[i] = t0 + BigInt(i) * 1_000_003n
    qty[i] = Math.floor(next() * 1000)
  }
  const buf = parquetWriteBuffer({
    codec: 'SNAPPY',
    rowGroupSize: 100_000,
    schema: [
      { name: 'table', num_children: 5 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 },
      { name: 'category', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL', field_id: 2 },
      { name: 'amount', type: 'DOUBLE', repetition_type: 'OPTIONAL', field_id: 3 },
      {
        name: 'ts',
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
        repetition_type: 'OPTIONAL',
        field_id: 4,
      },
      { name: 'qty', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 5 },
    ],
    columnData: [
      { name: 'id', data: id },
      { name: 'category', data: category },
      { name: 'amount', data: amount },
      { name: 'ts', data: ts },
      { name: 'qty', data: qty },
    ],
  })
  return new Uint8Array(buf)
}

/** Run the benchmark and return its markdown report and the headline ratio (floe / hyparquet). */
export async function run(rows = 1_000_000): Promise<{ text: string; ratio: number }> {
  const bytes = buildFile(rows)
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const floe = async (): Promise<number> => {
    let n = 0
    for await (const b of hyparquetReader.readBatches(bytesSource(bytes, 'bench.parquet'), { schema: TABLE })) n += b.rows.length
    return n
  }
  const hyparquet = async (): Promise<number> => (await parquetReadObjects({ file: ab })).length
  // the same with timestamps kept as bigint µs (no Date objects), closer to what floe produces
  const micros = (v: bigint): bigint => v
  const hyparquetBigint = async (): Promise<number> => (await parquetReadObjects({ file: ab, parsers: { timestampFromMicroseconds: micros } })).length
  if ((await floe()) !== rows || (await hyparquet()) !== rows || (await hyparquetBigint()) !== rows) throw new Error('row count mismatch')
  const H = 'hyparquet parquetReadObjects'
  const HB = 'hyparquet parquetReadObjects (bigint µs parsers)'
  const F = 'floe hyparquetReader rows'
  const medians = await interleave(
    [
      { name: H, run: hyparquet },
      { name: HB, run: hyparquetBigint },
      { name: F, run: floe },
    ],
    5,
    1,
  )
  const h = medians.get(H)!
  const f = medians.get(F)!
  const ratio = f / h
  const title = `Scan read: ${rows.toLocaleString('en-US')} rows × 5 columns (${(bytes.length / 1e6).toFixed(1)} MB snappy, 100k-row groups)`
  const text = `${report(title, medians, H)}\n\nscan-read: ratio ${ratio.toFixed(2)} (floe ${f.toFixed(0)} ms, hyparquet ${h.toFixed(0)} ms; vs bigint parsers ${(f / medians.get(HB)!).toFixed(2)}; goal ≤ 1.20)`
  return { text, ratio }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
