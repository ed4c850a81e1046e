// A writer process for crash tests: `node --import tsx crash-worker.ts <catalog> <table> <json>`, json {worker, run, seed}.
// It runs seeded random operations on the rows of its own partitions (worker w owns parts 10w..10w+2, ids
// run*1e6 + w*1e5 + i, columns named w<w>_…) until it is killed, and keeps its own model of those rows. It
// prints one JSON line per step, so that a test can tell which commits landed:
//   {"t":"ready","snapshotId","state"}          the state it read at start (its rows and columns)
//   {"t":"intent","n","op","after"}             before operation n starts: the state once it lands
//   {"t":"commit","n","snapshotId","metadataLocation"}  after operation n landed
//   {"t":"failed","n","code","message"}         operation n failed (the state stays as it was)
// A state is {"rows":[{id:"<bigint>",worker,part,v,…own columns}],"columns":[own added columns]}.
import type { Catalog } from '../../src/catalog/catalog.js'
import { openCatalog } from '../../src/catalog/open.js'
import { defaultEnv, seededRandom } from '../../src/env.js'
import { CommitStateUnknownError, FloeError } from '../../src/errors.js'
import { parseFilter } from '../../src/expr/parse.js'
import { LocalFileIO } from '../../src/io/local.js'
import { T } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import { writeDataFiles } from '../../src/write/data-writer.js'

/** One row of the table as the model holds it (own added columns only when set). */
export interface ModelRow {
  readonly id: bigint
  readonly worker: number
  readonly part: number
  readonly v: number
  readonly [column: string]: bigint | number | string
}

/** What a worker owns in the table: its rows and the columns it added. */
export interface ModelState {
  readonly rows: readonly ModelRow[]
  readonly columns: readonly string[]
}

/** A state as printed: ids as decimal strings. */
export interface WireState {
  readonly rows: ReadonlyArray<Record<string, number | string>>
  readonly columns: readonly string[]
}

/** One line the worker prints. */
export type WorkerLine =
  | { readonly t: 'ready'; readonly snapshotId: string | null; readonly state: WireState }
  | { readonly t: 'intent'; readonly n: number; readonly op: string; readonly after: WireState }
  | { readonly t: 'commit'; readonly n: number; readonly snapshotId: string | null; readonly metadataLocation: string }
  | { readonly t: 'failed'; readonly n: number; readonly code: string; readonly message: string }

/** The partitions worker `w` writes to. */
export const partsOf = (w: number): number[] => [w * 10, w * 10 + 1, w * 10 + 2]

/** The seeded generator of test environments (mulberry32), in [0, 1). */
export const seeded: (seed: number) => () => number = seededRandom


const toWire = (s: ModelState): WireState => ({ rows: s.rows.map((r) => ({ ...r, id: String(r.id) })), columns: [...s.columns] })

/** A printed state back as a model (ids as bigints). */
export const fromWire = (s: WireState): ModelState => ({ rows: s.rows.map((r) => ({ ...r, id: BigInt(r.id as string) }) as ModelRow), columns: [...s.columns] })

async function main(): Promise<void> {
  const [spec, name, json] = process.argv.slice(2)
  const job = JSON.parse(json!) as { worker: number; run: number; seed: number }
  const w = job.worker
  const parts = partsOf(w)
  const prefix = `w${w}_`
  const rand = seeded(job.seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)]!
  const catalog: Catalog = openCatalog(spec!, defaultEnv(new LocalFileIO()))
  const emit = (line: WorkerLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`)

  // the starting state: this worker's rows and columns as the table holds them
  let t: Table = await catalog.loadTable(name!)
  const columns = t
    .schema()
    .fields.map((f) => f.name)
    .filter((n) => n.startsWith(prefix))
  const own = (r: Record<string, unknown>): ModelRow => {
    const row: Record<string, bigint | number | string> = {}
    for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined && (['id', 'worker', 'part', 'v'].includes(k) || k.startsWith(prefix))) row[k] = v as bigint | number | string
    return row as ModelRow
  }
  let state: ModelState = { rows: (await t.scan({ filter: `worker = ${w}` }).toArray()).map(own), columns }
  emit({ t: 'ready', snapshotId: t.currentSnapshot() ? String(t.currentSnapshot()!.snapshotId) : null, state: toWire(state) })

  let next = 0
  const newRow = (part: number): ModelRow => {
    const id = BigInt(job.run) * 1_000_000n + BigInt(w) * 100_000n + BigInt(next++)
    const row: Record<string, bigint | number | string> = { id, worker: w, part, v: int(0, 99) }
    for (const c of state.columns) if (rand() < 0.5) row[c] = `${c}:${id}`
    return row as ModelRow
  }
  const newRows = (k: number, part?: number): ModelRow[] => Array.from({ length: k }, () => newRow(part ?? pick(parts)))
  // a delete filter over this worker's rows only, as text and as a predicate
  const deleteFilter = (): [string, (r: ModelRow) => boolean] => {
    const kind = int(0, 2)
    if (kind === 0 && state.rows.length) {
      const id = pick(state.rows).id
      // the worker term keeps other writers' files out of the conflict check: their id bounds may span this id
      return [`worker = ${w} and id = ${id}`, (r) => r.id === id]
    }
    if (kind === 1) {
      const k = int(0, 30)
      return [`worker = ${w} and v < ${k}`, (r) => r.v < k]
    }
    const p = pick(parts)
    const k = int(40, 110)
    return [`part = ${p} and v >= ${k}`, (r) => r.part === p && r.v >= k]
  }

  for (let n = 0; ; n++) {
    t = await catalog.loadTable(name!)
    const size = state.rows.length
    const weights: Array<[string, number]> = [
      ['append', size > 80 ? 5 : 30],
      ['delete-cow', 12],
      ['delete-mor', 12],
      ['overwrite-rows', 10],
      ['overwrite-partitions', 8],
      ['transaction', 8],
      ['add-column', state.columns.length < 3 ? 3 : 0],
    ]
    let roll = rand() * weights.reduce((a, [, x]) => a + x, 0)
    const op = weights.find(([, x]) => (roll -= x) < 0)?.[0] ?? 'append'
    let after: ModelState
    let run: () => Promise<Table>
    let desc = op
    switch (op) {
      case 'append': {
        const rows = newRows(int(1, 5))
        after = { ...state, rows: [...state.rows, ...rows] }
        run = () => t.appendRows(rows)
        break
      }
      case 'delete-cow':
      case 'delete-mor': {
        const [filter, matches] = deleteFilter()
        desc = `${op} ${filter}`
        after = { ...state, rows: state.rows.filter((r) => !matches(r)) }
        run = () => t.deleteRows(filter, { mode: op === 'delete-cow' ? 'copy-on-write' : 'merge-on-read' })
        break
      }
      case 'overwrite-rows': {
        // the rows of one partition with a small v get v + 100, and one new row joins
        const p = pick(parts)
        const k = int(10, 60)
        const matches = (r: ModelRow): boolean => r.part === p && r.v < k
        const rows = [...state.rows.filter(matches).map((r) => ({ ...r, v: r.v + 100 })), newRow(p)]
        desc = `${op} part = ${p} and v < ${k}`
        after = { ...state, rows: [...state.rows.filter((r) => !matches(r)), ...rows] }
        run = () => t.overwriteRows(rows, `part = ${p} and v < ${k}`)
        break
      }
      case 'overwrite-partitions': {
        const rows = [...newRows(int(1, 3), pick(parts)), ...(rand() < 0.3 ? newRows(1) : [])]
        const replaced = new Set(rows.map((r) => r.part))
        desc = `${op} ${[...replaced].join(',')}`
        after = { ...state, rows: [...state.rows.filter((r) => !replaced.has(r.part)), ...rows] }
        run = () => t.overwritePartitions(rows)
        break
      }
      case 'transaction': {
        // one commit of three updates: drop a partition's files, append new rows, set a property
        const p = pick(parts)
        const rows = newRows(int(1, 3))
        desc = `${op} drop part ${p}`
        after = { ...state, rows: [...state.rows.filter((r) => r.part !== p), ...rows] }
        run = async () => {
          const files = await writeDataFiles(t.env, { metadata: t.metadata }, rows)
          try {
            return await t
              .transaction()
              .delete({ filter: parseFilter(`part = ${p}`) })
              .append(files)
              .setProperties({ [`crash.w${w}.n`]: String(n) })
              .commit()
          } catch (e) {
            if (!(e instanceof CommitStateUnknownError)) for (const f of files) await t.env.io.delete(f.filePath).catch(() => undefined)
            throw e
          }
        }
        break
      }
      default: {
        const column = `${prefix}c${state.columns.length}`
        desc = `${op} ${column}`
        after = { ...state, columns: [...state.columns, column] }
        run = () =>
          t
            .transaction()
            .updateSchema((u) => u.addColumn(column, T.string))
            .commit()
      }
    }
    emit({ t: 'intent', n, op: desc, after: toWire(after) })
    try {
      const done = await run()
      // now and then a pause before reporting: a kill there leaves a commit that landed unreported
      if (rand() < 0.25) await new Promise((r) => setTimeout(r, int(1, 15)))
      emit({ t: 'commit', n, snapshotId: done.currentSnapshot() ? String(done.currentSnapshot()!.snapshotId) : null, metadataLocation: done.metadataLocation })
      state = after
    } catch (e) {
      emit({ t: 'failed', n, code: e instanceof FloeError ? e.code : 'UNKNOWN', message: e instanceof Error ? e.message : String(e) })
      if (e instanceof CommitStateUnknownError) process.exit(3) // the model no longer knows the state
    }
  }
}

// imported by the test for its types and helpers; run only as a script
if (process.argv[1]?.endsWith('crash-worker.ts')) await main()
