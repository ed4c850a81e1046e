// B5: write 1M rows × 5 columns (long id, string with 100 distinct values, double, timestamptz, int) to one
// Parquet file, snappy. floe's writeDataFiles (coercion, metrics, file naming, FileIO write included) vs
// hyparquet-writer alone on the same columns and layout (from plain arrays, the reference of the ratio, and
// from the typed arrays floe itself hands it for the double and int columns), vs DuckDB
// `COPY … TO parquet` of the same data generated in SQL, and parquetjs-lite 0.8.7 once when it is installed
// (devDependency, never used by src/).
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
import { median, type Contender } from './harness.js'

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

const HYP = 'hyparquet-writer alone (columns, same layout)'
const HYP_TYPED = 'hyparquet-writer alone (typed arrays where floe uses them)'
const FLOE = 'floe writeDataFiles (rows, coercion + metrics)'
const DUCK = 'DuckDB COPY (generated in SQL, 1 thread)'
const LITE = 'parquetjs-lite 0.8.7 (appendRow, one run)'

// Interleaved rounds (one warm-up) timing wall clock and process CPU time: on a shared 2-core machine the
// wall clock swings with other load, CPU time much less (DuckDB runs in-process, so its CPU counts too).
async function timeBoth(contenders: readonly Contender[], rounds: number): Promise<{ wall: Map<string, number>; cpu: Map<string, number> }> {
  const w = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  const u = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  for (let r = 0; r <= rounds; r++) {
    for (const c of contenders) {
      const t = performance.now()
      const c0 = process.cpuUsage()
      await c.run()
      const used = process.cpuUsage(c0)
      if (r === 0) continue
      w.get(c.name)!.push(performance.now() - t)
      u.get(c.name)!.push((used.user + used.system) / 1000)
    }
  }
  const med = (m: Map<string, number[]>): Map<string, number> => new Map([...m].map(([k, v]) => [k, median(v)]))
  return { wall: med(w), cpu: med(u) }
}

/** Run the benchmark and return its markdown report and the CPU-time ratio to hyparquet-writer. */
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
  // what floe hands hyparquet-writer: typed arrays for the flat double and int columns without nulls
  const typed = { amount: Float64Array.from(cols.amount), qty: Int32Array.from(cols.qty) }
  const hyparquetAlone = (columns: Record<keyof typeof cols, ArrayLike<unknown>>): Uint8Array =>
    new Uint8Array(
      parquetWriteBuffer({
        schema: elements as unknown as NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>,
        columnData: (['id', 'category', 'amount', 'ts', 'qty'] as const).map((name) => ({ name, data: columns[name] as unknown[] })),
        codec: 'SNAPPY',
        rowGroupSize: n,
        dictionarySize: 2 * 1024 * 1024, // floe passes write.parquet.dict-size-bytes
      }),
    )
  const db = await DuckDBInstance.create(':memory:')
  const duck = await db.connect()
  await duck.run('SET threads = 1')
  const sizes = new Map<string, number>()
  try {
    const { wall, cpu } = await timeBoth(
      [
        {
          name: HYP,
          run: () => void sizes.set('hyparquet-writer', hyparquetAlone(cols).byteLength),
        },
        {
          name: HYP_TYPED,
          run: () => void sizes.set('hyparquet-writer (typed)', hyparquetAlone({ ...cols, ...typed }).byteLength),
        },
        {
          name: FLOE,
          run: async () => {
            const [f] = await writeDataFiles(testEnv(sink()), { metadata: md }, rows, { operationId: 'bench' })
            sizes.set('floe', Number(f!.fileSizeInBytes))
          },
        },
        {
          name: DUCK,
          run: async () => {
            const file = join(dir, 'duck.parquet')
            rmSync(file, { force: true })
            await duck.run(duckSql(n, file))
            sizes.set('DuckDB', statSync(file).size)
          },
        },
      ],
      rounds,
    )
    const lite = loadLite()
    if (lite) {
      const file = join(dir, 'lite.parquet')
      const col = (type: string): { type: string; compression: string } => ({ type, compression: 'SNAPPY' })
      const schemaLite = new lite.ParquetSchema({ id: col('INT64'), category: col('UTF8'), amount: col('DOUBLE'), ts: col('TIMESTAMP_MICROS'), qty: col('INT32') })
      const t = performance.now()
      const c0 = process.cpuUsage()
      const w = await lite.ParquetWriter.openFile(schemaLite, file, { rowGroupSize: 100_000 })
      for (let i = 0; i < n; i++) await w.appendRow({ id: i, category: cols.category[i], amount: cols.amount[i], ts: Number(cols.ts[i]), qty: cols.qty[i] })
      await w.close()
      const c = process.cpuUsage(c0)
      wall.set(LITE, performance.now() - t)
      cpu.set(LITE, (c.user + c.system) / 1000)
      sizes.set('parquetjs-lite', statSync(file).size)
    }
    const ratioOf = (m: Map<string, number>, ref: string): number => m.get(FLOE)! / m.get(ref)!
    const ratio = ratioOf(cpu, HYP)
    const lines = [
      `## B5 write: ${n.toLocaleString('en-US')} rows × 5 columns, snappy, one file (medians of ${rounds}, interleaved)`,
      '| contender | wall ms | CPU ms | CPU ratio to hyparquet-writer |',
      '|---|---|---|---|',
      ...[...wall.keys()].map((k) => `| ${k} | ${wall.get(k)!.toFixed(0)} | ${cpu.get(k)!.toFixed(0)} | ${(cpu.get(k)! / cpu.get(HYP)!).toFixed(2)}× |`),
    ]
    const bytes = [...sizes].map(([k, v]) => `${k} ${v} B (${(v / n).toFixed(2)} B/row)`).join(', ')
    const text =
      `${lines.join('\n')}\n\nfile sizes: ${bytes}\n` +
      `wall-clock ratios (noisy on a shared machine): ${ratioOf(wall, HYP).toFixed(2)} vs hyparquet-writer, ${ratioOf(wall, DUCK).toFixed(2)} vs DuckDB\n\n` +
      `write: ratio ${ratio.toFixed(2)} vs hyparquet-writer, ${ratioOf(cpu, HYP_TYPED).toFixed(2)} vs hyparquet-writer on typed arrays, ` +
      `${ratioOf(cpu, DUCK).toFixed(2)} vs DuckDB (CPU time; goal ≤ 1.15 vs hyparquet-writer)`
    return { text, ratio }
  } finally {
    duck.closeSync()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
