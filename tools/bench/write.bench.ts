// B5: write 1M rows × 5 columns (long id, string with 100 distinct values, double, timestamptz, int) to one
// Parquet file, snappy. floe's writeDataFiles (coercion, metrics, file naming, FileIO write included) vs
// hyparquet-writer alone on the same columns and layout, vs DuckDB `COPY … TO parquet` of the same data
// generated in SQL, and parquetjs-lite 0.8.7 once when it is installed (devDependency, never used by src/).
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { testEnv } from '../../src/env.js'
import type { FileIO } from '../../src/io/file-io.js'
import type { Row } from '../../src/parquet/codec.js'
import { parquetWriteSchema } from '../../src/parquet/parquet-write-schema.js'
import { newTableMetadata } from '../../src/spec/new-table.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { interleave, report } from './harness.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'category', T.string),
  field(3, 'amount', T.double),
  field(4, 'ts', T.timestamptz),
  field(5, 'qty', T.int),
])
const TS0 = 1_700_000_000_000_000n

/** The benchmark columns, generated the same way as the DuckDB SQL below. */
export function benchColumns(n: number): { id: bigint[]; category: string[]; amount: number[]; ts: bigint[]; qty: number[] } {
  const cats = Array.from({ length: 100 }, (_, i) => `cat_${i}`)
  const id = new Array<bigint>(n)
  const category = new Array<string>(n)
  const amount = new Array<number>(n)
  const ts = new Array<bigint>(n)
  const qty = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(i)
    category[i] = cats[i % 100]!
    amount[i] = ((i * 7919) % 100000) / 100
    ts[i] = TS0 + BigInt(i) * 1_000_000n
    qty[i] = i % 1000
  }
  return { id, category, amount, ts, qty }
}

const duckSql = (n: number, file: string): string =>
  `COPY (SELECT range AS id, 'cat_' || (range % 100) AS category, ((range * 7919) % 100000) / 100.0 AS amount, ` +
  `make_timestamptz(${TS0}::BIGINT + range * 1000000) AS ts, (range % 1000)::INTEGER AS qty FROM range(${n})) ` +
  `TO '${file}' (FORMAT parquet, COMPRESSION snappy)`

// A FileIO that keeps written bytes without copying them (MemoryFileIO copies; the reference writes nowhere).
function sink(): FileIO {
  const files = new Map<string, Uint8Array>()
  return {
    read: async (p) => files.get(p)!,
    stat: async (p) => (files.has(p) ? { path: p, size: files.get(p)!.length } : undefined),
    write: async (p, d) => void files.set(p, d),
    delete: async (p) => void files.delete(p),
  }
}

interface LiteModule {
  ParquetSchema: new (def: Record<string, { type: string; compression?: string }>) => unknown
  ParquetWriter: { openFile(schema: unknown, path: string, opts: { rowGroupSize: number }): Promise<{ appendRow(r: object): Promise<void>; close(): Promise<void> }> }
}

function loadLite(): LiteModule | undefined {
  try {
    return createRequire(import.meta.url)('parquetjs-lite') as LiteModule
  } catch {
    return undefined
  }
}

/** Run the benchmark and return its markdown report and the ratio to hyparquet-writer. */
export async function run(): Promise<{ text: string; ratio: number }> {
  const n = Number(process.env.FLOE_BENCH_ROWS ?? 1_000_000)
  const rounds = Number(process.env.FLOE_BENCH_ROUNDS ?? 5)
  const dir = mkdtempSync(join(tmpdir(), 'floe-bench-write-'))
  const cols = benchColumns(n)
  const rows: Row[] = new Array<Row>(n)
  for (let i = 0; i < n; i++) rows[i] = { id: cols.id[i]!, category: cols.category[i]!, amount: cols.amount[i]!, ts: cols.ts[i]!, qty: cols.qty[i]! }
  const md = newTableMetadata(
    { schema: SCHEMA, location: 'mem://bench/t', properties: { 'write.parquet.compression-codec': 'snappy' } },
    '00000000-0000-4000-8000-000000000000',
    1_700_000_000_000n,
  )
  const elements = parquetWriteSchema(SCHEMA).elements
  const db = await DuckDBInstance.create(':memory:')
  const duck = await db.connect()
  await duck.run('SET threads = 1')
  const sizes = new Map<string, number>()
  try {
    const medians = await interleave(
      [
        {
          name: 'hyparquet-writer alone (columns, same layout)',
          run: () => {
            const buf = parquetWriteBuffer({
              schema: elements as unknown as NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>,
              columnData: [
                { name: 'id', data: cols.id },
                { name: 'category', data: cols.category },
                { name: 'amount', data: cols.amount },
                { name: 'ts', data: cols.ts },
                { name: 'qty', data: cols.qty },
              ],
              codec: 'SNAPPY',
              rowGroupSize: n,
            })
            sizes.set('hyparquet-writer', buf.byteLength)
          },
        },
        {
          name: 'floe writeDataFiles (rows, coercion + metrics)',
          run: async () => {
            const [f] = await writeDataFiles(testEnv(sink()), { metadata: md }, rows, { operationId: 'bench' })
            sizes.set('floe', Number(f!.fileSizeInBytes))
          },
        },
        {
          name: 'DuckDB COPY (generated in SQL, 1 thread)',
          run: async () => {
            const file = join(dir, 'duck.parquet')
            rmSync(file, { force: true })
            await duck.run(duckSql(n, file))
            sizes.set('DuckDB', statSync(file).size)
          },
        },
      ],
      rounds,
      1,
    )
    const lite = loadLite()
    if (lite) {
      const file = join(dir, 'lite.parquet')
      const def = { type: 'INT64', compression: 'SNAPPY' }
      const schemaLite = new lite.ParquetSchema({
        id: def,
        category: { type: 'UTF8', compression: 'SNAPPY' },
        amount: { type: 'DOUBLE', compression: 'SNAPPY' },
        ts: { type: 'TIMESTAMP_MICROS', compression: 'SNAPPY' },
        qty: { type: 'INT32', compression: 'SNAPPY' },
      })
      const t = performance.now()
      const w = await lite.ParquetWriter.openFile(schemaLite, file, { rowGroupSize: 100_000 })
      for (let i = 0; i < n; i++) await w.appendRow({ id: i, category: cols.category[i], amount: cols.amount[i], ts: Number(cols.ts[i]), qty: cols.qty[i] })
      await w.close()
      medians.set('parquetjs-lite 0.8.7 (appendRow, one run)', performance.now() - t)
      sizes.set('parquetjs-lite', statSync(file).size)
    }
    const hyp = medians.get('hyparquet-writer alone (columns, same layout)')!
    const ours = medians.get('floe writeDataFiles (rows, coercion + metrics)')!
    const ddb = medians.get('DuckDB COPY (generated in SQL, 1 thread)')!
    const ratio = ours / hyp
    const bytes = [...sizes].map(([k, v]) => `${k} ${v} B (${(v / n).toFixed(2)} B/row)`).join(', ')
    const text =
      `${report(`B5 write: ${n.toLocaleString('en-US')} rows × 5 columns, snappy, one file`, medians, 'hyparquet-writer alone (columns, same layout)')}\n\n` +
      `file sizes: ${bytes}\n\nwrite: ratio ${ratio.toFixed(2)} vs hyparquet-writer, ${(ours / ddb).toFixed(2)} vs DuckDB (goal ≤ 1.15 vs hyparquet-writer)`
    return { text, ratio }
  } finally {
    duck.closeSync()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
