// The row-lineage property: on a v3 table, a random history of appends, copy-on-write and merge-on-read
// deletes, overwrites by filter and dynamic overwrites never changes the `_row_id` and
// `_last_updated_sequence_number` of a row it keeps, gives every new row a fresh id (at least the table's
// next-row-id before the commit, unique in the table) and the commit's sequence number, and time travel to any
// snapshot returns the lineage that snapshot had.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { testEnv } from '../../src/env.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import { Transforms } from '../../src/spec/transform.js'
import { field, T } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPECS: Record<string, PartitionSpec> = {
  none: { specId: 0, fields: [] },
  p: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] },
  bucket: { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'id_bucket', transform: Transforms.bucket(2) }] },
}

/** A filter the model can evaluate: `id < k`, `p = k`, or `id % m = r` written as an IN list. */
type F = { kind: 'lt'; k: number } | { kind: 'p'; k: number } | { kind: 'in'; ids: number[] }
const filterArb: fc.Arbitrary<F> = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((k): F => ({ kind: 'lt', k })),
  fc.integer({ min: 0, max: 2 }).map((k): F => ({ kind: 'p', k })),
  fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }).map((ids): F => ({ kind: 'in', ids })),
)
const text = (f: F): string => (f.kind === 'lt' ? `id < ${f.k}` : f.kind === 'p' ? `p = ${f.k}` : `id in (${f.ids.join(', ')})`)
const holds = (f: F, id: bigint, p: number): boolean => (f.kind === 'lt' ? id < BigInt(f.k) : f.kind === 'p' ? p === f.k : f.ids.includes(Number(id)))

type Op =
  | { op: 'append'; rows: number }
  | { op: 'delete'; f: F; mode: 'copy-on-write' | 'merge-on-read' }
  | { op: 'overwrite'; f: F; rows: number }
  | { op: 'dynamic'; rows: number }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }).map((rows): Op => ({ op: 'append', rows })) },
  { weight: 3, arbitrary: fc.tuple(filterArb, fc.constantFrom<'copy-on-write' | 'merge-on-read'>('copy-on-write', 'merge-on-read')).map(([f, mode]): Op => ({ op: 'delete', f, mode })) },
  { weight: 1, arbitrary: fc.tuple(filterArb, fc.integer({ min: 0, max: 3 })).map(([f, rows]): Op => ({ op: 'overwrite', f, rows })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((rows): Op => ({ op: 'dynamic', rows })) },
)

interface Lineage {
  readonly p: number
  readonly rowId: bigint
  readonly seq: bigint
}

async function read(t: Table, snapshotId?: bigint): Promise<Map<bigint, Lineage>> {
  const rows = await t.scan({ select: ['id', 'p', '_row_id', '_last_updated_sequence_number'], ...(snapshotId === undefined ? {} : { snapshot: { snapshotId } }) }).toArray()
  const out = new Map<bigint, Lineage>()
  for (const r of rows) {
    expect(typeof r._row_id).toBe('bigint')
    expect(typeof r._last_updated_sequence_number).toBe('bigint')
    out.set(r.id as bigint, { p: r.p as number, rowId: r._row_id as bigint, seq: r._last_updated_sequence_number as bigint })
  }
  expect(new Set([...out.values()].map((l) => l.rowId)).size).toBe(out.size) // row ids are unique
  return out
}

describe('row lineage (property)', () => {
  it('kept rows keep (_row_id, _last_updated_sequence_number); new rows get fresh ids and the commit’s sequence number', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('none', 'p', 'bucket'), fc.array(opArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 10_000 }), async (specName, ops, seed) => {
        const catalog = new MemoryCatalog(testEnv(new MemoryFileIO(), seed))
        await catalog.createNamespace('db')
        let t = await catalog.createTable('db.t', { schema: SCHEMA, spec: SPECS[specName]!, formatVersion: 3 })
        let model = new Map<bigint, Lineage>()
        let nextId = 0
        const fresh = (n: number) => Array.from({ length: n }, () => ({ id: BigInt(nextId), p: nextId++ % 3 }))
        const history: Array<{ id: bigint; rows: Map<bigint, Lineage> }> = []
        for (const o of ops) {
          const before = t.currentSnapshot()?.snapshotId
          const nextRowId = t.metadata.nextRowId ?? 0n
          let added: { id: bigint; p: number }[] = []
          let kept: Map<bigint, Lineage>
          if (o.op === 'append') {
            added = fresh(o.rows)
            t = await t.appendRows(added)
            kept = model
          } else if (o.op === 'delete') {
            t = await t.deleteRows(text(o.f), { mode: o.mode })
            kept = new Map([...model].filter(([id, l]) => !holds(o.f, id, l.p)))
          } else if (o.op === 'overwrite') {
            added = fresh(o.rows)
            t = await t.overwriteRows(added, text(o.f))
            kept = new Map([...model].filter(([id, l]) => !holds(o.f, id, l.p)))
          } else {
            added = fresh(o.rows)
            t = await t.overwritePartitions(added)
            // which rows a dynamic overwrite replaces is the ACID property's concern: here, whatever stayed keeps its lineage
            const stayed = new Set((await t.scan({ select: ['id'] }).toArray()).map((r) => r.id as bigint))
            kept = new Map([...model].filter(([id]) => stayed.has(id)))
          }
          const got = await read(t)
          expect([...got.keys()].sort()).toEqual([...kept.keys(), ...added.map((r) => r.id)].sort())
          // rows the commit kept: lineage unchanged, whether their file was kept, masked by a delete or rewritten
          for (const [id, l] of kept) expect(got.get(id)).toEqual(l)
          // new rows: ids from the commit's fresh range, the commit's sequence number
          for (const r of added) {
            const seq = t.currentSnapshot()!.sequenceNumber
            const l = got.get(r.id)!
            expect(l.rowId >= nextRowId && l.rowId < t.metadata.nextRowId!).toBe(true)
            expect(l.seq).toBe(seq)
          }
          model = got
          const cur = t.currentSnapshot()?.snapshotId
          if (cur !== undefined && cur !== before) history.push({ id: cur, rows: got })
        }
        for (const h of history) expect(await read(t, h.id)).toEqual(h.rows)
      }),
      {
        numRuns: 100,
        // always include a partial copy-on-write delete across two files
        examples: [['none', [{ op: 'append', rows: 5 }, { op: 'append', rows: 3 }, { op: 'delete', f: { kind: 'in', ids: [1, 6] }, mode: 'copy-on-write' }, { op: 'append', rows: 2 }], 7]],
      },
    )
  }, 300_000)
})
