// Old delete files are dropped (Java dropDeleteFilesOlderThan) without changing any row: a random v2 history
// of appends, equality deletes, merge-on-read and copy-on-write deletes, overwrites and compactions reads the
// same rows as an in-memory model after every commit, and after every commit that removed a data file no
// live delete file is older than the oldest data file it kept from its parent (nor than the parent itself).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { testEnv } from '../../src/env.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { field, T } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { entriesOf, manifestsOf } from '../unit/transaction/ops-fixtures.js'

interface R {
  id: bigint
  p: number
}

type Op =
  | { kind: 'append'; ps: number[] }
  | { kind: 'eq-delete'; picks: number[] }
  | { kind: 'mor' | 'cow'; filter: Filter }
  | { kind: 'overwrite'; filter: Filter; ps: number[] }
  | { kind: 'compact'; keepSequence: boolean }

type Filter = { kind: 'id'; k: number } | { kind: 'p'; k: number } | { kind: 'lt'; k: number }

const holds = (f: Filter, r: R): boolean => (f.kind === 'id' ? r.id === BigInt(f.k) : f.kind === 'p' ? r.p === f.k : r.id < BigInt(f.k))
const text = (f: Filter): string => (f.kind === 'id' ? `id = ${f.k}` : f.kind === 'p' ? `p = ${f.k}` : `id < ${f.k}`)

const filterArb: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ kind: fc.constant('id' as const), k: fc.nat({ max: 30 }) }),
  fc.record({ kind: fc.constant('p' as const), k: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant('lt' as const), k: fc.nat({ max: 30 }) }),
)
const psArb = fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 5 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), ps: psArb }),
  fc.record({ kind: fc.constant('eq-delete' as const), picks: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('mor' as const), filter: filterArb }),
  fc.record({ kind: fc.constant('cow' as const), filter: filterArb }),
  fc.record({ kind: fc.constant('overwrite' as const), filter: filterArb, ps: psArb }),
  fc.record({ kind: fc.constant('compact' as const), keepSequence: fc.boolean() }),
)

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int, { required: true })])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function newTable(partitioned: boolean): Promise<Table> {
  const c = new MemoryCatalog(testEnv(new MemoryFileIO(), 5))
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, ...(partitioned ? { spec: SPEC } : {}), formatVersion: 2, properties: { 'write.delete.mode': 'merge-on-read' } })
}

const sorted = (rows: readonly R[]): string[] => rows.map((r) => `${r.id}/${r.p}`).sort()

/** Data sequence numbers of the live data files, by path, and of the live delete files. */
async function liveSequences(t: Table): Promise<{ data: Map<string, bigint>; deletes: bigint[] }> {
  const data = new Map<string, bigint>()
  const deletes: bigint[] = []
  if (!t.currentSnapshot()) return { data, deletes }
  for (const mf of await manifestsOf(t))
    for (const e of await entriesOf(t, mf)) {
      if (e.status === 'deleted') continue
      if (e.dataFile.content === 'data') data.set(e.dataFile.filePath, e.sequenceNumber!)
      else deletes.push(e.sequenceNumber!)
    }
  return { data, deletes }
}

async function apply(t: Table, op: Op, model: R[], next: () => bigint): Promise<{ t: Table; model: R[] }> {
  switch (op.kind) {
    case 'append': {
      const rows = op.ps.map((p) => ({ id: next(), p }))
      return { t: await t.appendRows(rows), model: [...model, ...rows] }
    }
    case 'eq-delete': {
      // an equality delete file on id (written like data, with each row's own partition)
      const gone = [...new Set(op.picks.map((i) => model[i % Math.max(model.length, 1)]).filter((r): r is R => r !== undefined))]
      if (!gone.length) return { t, model }
      const files = await writeDataFiles(t.env, { metadata: t.metadata }, gone)
      const deletes = files.map((f) => ({ ...f, content: 'equality-deletes' as const, equalityIds: [1] }))
      const ids = new Set(gone.map((r) => r.id))
      return { t: await t.transaction().rowDelta({ addDeletes: deletes }).commit(), model: model.filter((r) => !ids.has(r.id)) }
    }
    case 'mor':
    case 'cow':
      return { t: await t.deleteRows(text(op.filter), { mode: op.kind === 'mor' ? 'merge-on-read' : 'copy-on-write' }), model: model.filter((r) => !holds(op.filter, r)) }
    case 'overwrite': {
      const rows = op.ps.map((p) => ({ id: next(), p }))
      return { t: await t.overwriteRows(rows, text(op.filter)), model: [...model.filter((r) => !holds(op.filter, r)), ...rows] }
    }
    case 'compact': {
      // rewrite every live data file into new ones holding the rows as read (deletes applied)
      const tasks = await t.scan().planFiles()
      if (!tasks.length) return { t, model }
      const rows = (await t.scan().toArray()) as unknown as R[]
      const added = rows.length ? await writeDataFiles(t.env, { metadata: t.metadata }, rows) : []
      const seq = op.keepSequence ? { dataSequenceNumber: t.currentSnapshot()!.sequenceNumber } : {}
      return { t: await t.transaction().rewrite({ removeData: tasks.map((x) => x.file), addData: added, ...seq }).commit(), model }
    }
  }
}

describe('dropping delete files older than every data file', () => {
  it('property: rows always equal the model, and after a removal no kept delete file is older than the kept data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(opArb, { minLength: 1, maxLength: 9 }), async (partitioned, ops) => {
        let t = await newTable(partitioned)
        let model: R[] = []
        let n = 0n
        const next = (): bigint => n++
        for (const op of ops) {
          const before = await liveSequences(t)
          const parentSeq = t.currentSnapshot()?.sequenceNumber ?? 0n
          const parentId = t.currentSnapshot()?.snapshotId
          ;({ t, model } = await apply(t, op, model, next))
          expect(sorted((await t.scan().toArray()) as unknown as R[])).toEqual(sorted(model))
          const s = t.currentSnapshot()
          if (!s || s.snapshotId === parentId || Number(s.summary['deleted-data-files'] ?? '0') === 0) continue
          const after = await liveSequences(t)
          let min = parentSeq
          for (const [path, seq] of after.data) if (before.data.has(path) && seq < min) min = seq
          for (const d of after.deletes) if (d < s.sequenceNumber) expect(d).toBeGreaterThanOrEqual(min)
        }
      }),
      { numRuns: 40 },
    )
  }, 240_000)
})
