// `npm run bench`: run every benchmark (each prints its ratio to a reference measured side by side).
// Pass names to run a subset: `npm run bench -- json-parse`. With several, each runs in a fresh process.
import { spawnSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

const BENCHES: Record<string, () => Promise<{ run: () => Promise<{ text: string }> }>> = {
  'json-parse': () => import('./json-parse.bench.js'),
  'manifest-decode': () => import('./manifest-decode.bench.js'),
  'scan-read': () => import('./scan-read.bench.js'),
  plan: () => import('./plan.bench.js'),
  scan: () => import('./scan.bench.js'),
  'time-travel': () => import('./time-travel.bench.js'),
  commit: () => import('./commit.bench.js'),
  'append-many': () => import('./append-many.bench.js'),
  writers: () => import('./writers.bench.js'),
  write: () => import('./write.bench.js'),
}

const wanted = process.argv.slice(2)
const names = wanted.length ? wanted : Object.keys(BENCHES)
const child = process.env.FLOE_BENCH_CHILD === '1'
if (!child) {
  console.log(`# floe benchmarks — ${new Date().toISOString()}`)
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`)
}
for (const name of names) {
  const load = BENCHES[name]
  if (!load) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`)
    process.exitCode = 2
    continue
  }
  if (!child && names.length > 1) {
    // each benchmark in a fresh process: no heap left over from the previous one (its contenders still run
    // side by side in one process)
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { stdio: 'inherit', env: { ...process.env, FLOE_BENCH_CHILD: '1' } })
    if (r.status !== 0) process.exitCode = r.status ?? 1
    continue
  }
  const mod = await load()
  console.log((await mod.run()).text)
  console.log()
}
