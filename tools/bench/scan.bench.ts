// B6 filtered scan to JS (performance.md §3): 1M rows × 5 columns (long id, string category of 100 values,
// double amount, timestamptz ts, int qty) written by floe into a file-system-catalog table as 10 snappy files
// of 100k rows sorted by id (so file bounds can prune). `category = 'cat_7' and amount > 500` drained from
// floe's scan().rows() vs hyparquet alone reading the same files (parquetReadObjects, bigint timestamps, JS
// filter) and vs icebird 0.3.1 icebergRead through the fetch shim (+ the same JS filter); then the pruned query
// `id >= 500000 and id <= 510000` vs floe's own full scan. DuckDB on the same files is shown for the native gap.
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parquetReadObjects } from 'hyparquet'
import { icebergMetadata, icebergRead } from 'icebird'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { DataFile } from '../../src/spec/manifest.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { interleave, report } from './harness.js'
import { installFetchShim } from './icebird-shim.js'
import { rng, timedRuns } from './plan.bench.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'category', T.string),
  field(3, 'amount', T.double),
  field(4, 'ts', T.timestamptz),
  field(5, 'qty', T.int),
])
const TS0 = 1_700_000_000_000_000n
const FILTER = "category = 'cat_7' and amount > 500"
const PRUNED = 'id >= 500000 and id <= 510000'

type Rec = Record<string, unknown>
const keep = (r: Rec): boolean => r.category === 'cat_7' && (r.amount as number) > 500

/** A B6 table on disk: the Table handle and its data file paths. */
export interface ScanTable {
  readonly dir: string
  readonly table: Table
  readonly files: readonly string[]
  readonly bytes: number
}

/** Create the table and append `fileCount` files of `rows / fileCount` rows each (ids ascending). */
export async function buildScanTable(rows = 1_000_000, fileCount = 10, seed = 11): Promise<ScanTable> {
  const dir = mkdtempSync(join(tmpdir(), 'floe-b6-'))
  const env = defaultEnv(new LocalFileIO())
  const catalog = new FileSystemCatalog(env, join(dir, 'warehouse'))
  await catalog.createNamespace('bench')
  let table = await catalog.createTable('bench.events', { schema: SCHEMA, properties: { 'write.parquet.compression-codec': 'snappy' } })
  const next = rng(seed)
  const per = Math.ceil(rows / fileCount)
  const files: DataFile[] = []
  for (let f = 0; f < fileCount; f++) {
    const chunk: Rec[] = []
    for (let i = f * per; i < Math.min(rows, (f + 1) * per); i++)
      chunk.push({ id: BigInt(i), category: `cat_${Math.floor(next() * 100)}`, amount: Math.round(next() * 100_000) / 100, ts: TS0 + BigInt(i) * 1_000_000n, qty: Math.floor(next() * 1000) })
    files.push(...(await writeDataFiles(env, table, chunk, { taskId: BigInt(f) })))
  }
  table = await table.append(files)
  return { dir, table, files: files.map((f) => f.filePath), bytes: files.reduce((s, f) => s + Number(f.fileSizeInBytes), 0) }
}

async function drain(rows: AsyncIterable<unknown>): Promise<number> {
  let n = 0
  for await (const _ of rows) n++
  return n
}

const F = 'floe scan(filter).rows()'
const H = 'hyparquet parquetReadObjects + JS filter'
const I = 'icebird 0.3.1 icebergRead + JS filter (fetch shim)'
const D = 'DuckDB read_parquet WHERE … → getRowObjects (2 threads)'
const FULL = 'floe full scan rows() (no filter)'
const P = `floe pruned scan (${PRUNED})`

/** Run B6; returns the markdown report and the headline ratio (floe / hyparquet on the filtered query). */
export async function run(): Promise<{ text: string; ratio: number }> {
  const t0 = performance.now()
  const t = await buildScanTable()
  const buildMs = performance.now() - t0
  const restore = installFetchShim()
  const db = await DuckDBInstance.create(':memory:')
  const duck = await db.connect()
  try {
    const { table } = t
    const ib = await icebergMetadata({ tableUrl: table.metadata.location, metadataFileName: basename(table.metadataLocation) })
    const floe = (): Promise<number> => drain(table.scan({ filter: FILTER }).rows())
    const hyparquet = async (): Promise<number> => {
      let n = 0
      for (const path of t.files) {
        const buf = await readFile(path)
        const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
        const rows = (await parquetReadObjects({ file, parsers: { timestampFromMicroseconds: (v: bigint) => v } })) as Rec[]
        n += rows.filter(keep).length
      }
      return n
    }
    const icebird = async (): Promise<number> => ((await icebergRead({ tableUrl: table.metadata.location, metadata: ib })) as Rec[]).filter(keep).length
    const list = `[${t.files.map((f) => `'${f}'`).join(', ')}]`
    const duckdb = async (): Promise<number> => (await duck.runAndReadAll(`SELECT * FROM read_parquet(${list}) WHERE category = 'cat_7' AND amount > 500`)).getRowObjects().length
    const full = (): Promise<number> => drain(table.scan().rows())
    const prunedScan = table.scan({ filter: PRUNED })
    const pruned = (): Promise<number> => drain(prunedScan.rows())

    const counts = [await floe(), await hyparquet(), await icebird(), await duckdb()]
    if (new Set(counts).size !== 1) throw new Error(`filtered row counts differ: ${counts.join(', ')}`)
    const [nFull, nPruned] = [await full(), await pruned()]
    if (nFull !== 1_000_000 || nPruned !== 10_001) throw new Error(`full/pruned counts ${nFull}/${nPruned}`)

    const timed = timedRuns(
      [
        { name: H, run: hyparquet },
        { name: F, run: floe },
        { name: I, run: icebird },
        { name: D, run: duckdb },
        { name: FULL, run: full },
        { name: P, run: pruned },
      ],
      1,
    )
    const load0 = loadavg()[0]!
    await interleave(timed.contenders, 5, 1)
    const medians = timed.wall()
    const cpu = timed.cpu()
    const cr = (a: string, b: string): string => `CPU ratio ${(cpu.get(a)! / cpu.get(b)!).toFixed(2)}`
    const f = medians.get(F)!
    const ratio = f / medians.get(H)!
    const title = `B6 scan: 1,000,000 rows × 5 columns in ${t.files.length} files (${(t.bytes / 1e6).toFixed(1)} MB snappy, written by floe in ${(buildMs / 1000).toFixed(1)} s); \`${FILTER}\` → ${counts[0]} rows`
    const s = prunedScan.stats
    const text = [
      report(title, medians, H),
      '',
      report('same runs, process CPU time (ms, all threads)', cpu, H).replace(/^## /, '### '),
      '',
      `1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end (2 cores)`,
      `pruned scan stats: data files ${s.dataFilesTotal} (skipped ${s.dataFilesSkipped}); ${nPruned} rows`,
      `B6 filtered scan vs hyparquet: ratio ${ratio.toFixed(2)} (goal ≤ 1.20; ${cr(F, H)})`,
      `B6 filtered scan vs icebird: ratio ${(f / medians.get(I)!).toFixed(2)} (goal ≤ 0.80; ${cr(F, I)})`,
      `B6 pruned scan vs floe full scan: ratio ${(medians.get(P)! / medians.get(FULL)!).toFixed(2)} (goal ≤ 0.25; ${cr(P, FULL)})`,
      `B6 filtered scan vs DuckDB: ratio ${(f / medians.get(D)!).toFixed(2)} (no goal; the native gap; ${cr(F, D)})`,
    ].join('\n')
    return { text, ratio }
  } finally {
    duck.closeSync()
    restore()
    rmSync(t.dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)
