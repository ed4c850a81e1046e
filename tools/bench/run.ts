// `npm run bench`: run every benchmark (each prints its ratio to a reference measured side by side).
// Pass names to run a subset: `npm run bench -- json-parse`.
import { cpus, totalmem } from 'node:os'

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
console.log(`# floe benchmarks — ${new Date().toISOString()}`)
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`)
for (const name of names) {
  const load = BENCHES[name]
  if (!load) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`)
    process.exitCode = 2
    continue
  }
  const mod = await load()
  console.log((await mod.run()).text)
  console.log()
}
