// A separate writer process for concurrency tests: `node --import tsx append-worker.ts <catalog> <table> <json>`.
// json: {"op":"append","worker":w,"commits":k,"rows":r} appends k commits of r rows (ids w*1e6 + commit*1e3 + i),
// or {"op":"delete","filter":"…","mode":"copy-on-write"}. Prints one JSON line per commit: {snapshotId, attempts}.
import { openCatalog } from '../../src/catalog/open.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'

const [spec, name, json] = process.argv.slice(2)
const job = JSON.parse(json!) as { op: 'append' | 'delete'; worker?: number; commits?: number; rows?: number; filter?: string; mode?: 'copy-on-write' | 'merge-on-read' }
const catalog = openCatalog(spec!, defaultEnv(new LocalFileIO()))

if (job.op === 'append') {
  for (let c = 0; c < job.commits!; c++) {
    const t = await catalog.loadTable(name!)
    const rows = Array.from({ length: job.rows! }, (_, i) => ({ id: BigInt(job.worker! * 1_000_000 + c * 1_000 + i), worker: job.worker!, part: i % 3 }))
    const next = await t.appendRows(rows)
    process.stdout.write(`${JSON.stringify({ snapshotId: String(next.currentSnapshot()!.snapshotId) })}\n`)
  }
} else {
  const t = await catalog.loadTable(name!)
  const next = await t.deleteRows(job.filter!, { mode: job.mode ?? 'copy-on-write' })
  process.stdout.write(`${JSON.stringify({ snapshotId: String(next.currentSnapshot()!.snapshotId) })}\n`)
}
