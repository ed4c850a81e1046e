// Random programs of schema changes (add, drop, rename, widen, move), partition spec changes and appends of
// real Parquet data on a memory-catalog table, checked against a simple model after every step: the scan
// returns the model's rows projected through the current schema, failures are typed and change nothing,
// and the metadata invariants hold (ids never reused, last ids monotone, identifier fields valid, the
// default spec binds to the current schema, partition field ids unique across specs and reused).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../src/errors.js'
import { specProblems } from '../../src/spec/partition-spec.js'
import { highestFieldId, identifierFieldProblems, schema } from '../../src/spec/schema.js'
import { currentSchema, defaultSpec, type TableMetadata } from '../../src/spec/table-metadata.js'
import { transformToString } from '../../src/spec/transform.js'
import { T, field, type PrimitiveType, type Value } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'
import type { Transaction } from '../../src/transaction/transaction.js'
import { writeDataFiles } from '../../src/write/data-writer.js'
import { catalogTable } from '../unit/transaction/evolution-fixtures.js'
import { Model, rng, valueOf, widened, type Op, type Outcome } from './evolution-model.js'

const runs = Number(process.env.FC_NUM_RUNS ?? 40)
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const TYPES: PrimitiveType[] = [T.int, T.long, T.float, T.double, T.string, T.decimal(9, 2)]
const START = schema([field(1, 'id', T.long, { required: true }), field(2, 'a', T.int), field(3, 'b', T.float), field(4, 'c', T.string), field(5, 'd', T.decimal(9, 2))], 0, [1])

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('add' as const), name: fc.constantFrom(...NAMES), type: fc.constantFrom(...TYPES), withDefault: fc.boolean(), seed: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('drop' as const), col: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), col: fc.nat(), name: fc.constantFrom(...NAMES) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('widen' as const), col: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('move' as const), col: fc.nat(), ref: fc.nat(), kind: fc.constantFrom('first' as const, 'before' as const, 'after' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('addPartition' as const), col: fc.nat(), transform: fc.constantFrom('identity' as const, 'bucket[4]' as const, 'truncate[3]' as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('removePartition' as const), field: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('append' as const), rows: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }), weight: 3 },
)

/** Column indexes are taken modulo the current column count. */
function normalise(o: Op, cols: number): Op {
  const m = (i: number): number => i % cols
  switch (o.op) {
    case 'drop':
    case 'widen':
      return { ...o, col: m(o.col) }
    case 'rename':
    case 'addPartition':
      return { ...o, col: m(o.col) }
    case 'move':
      return { ...o, col: m(o.col), ref: m(o.ref) }
    default:
      return o
  }
}

/** The transaction edit for a schema or spec step (by current names, as a user would write it). */
function edit(tx: Transaction, o: Op, model: Model): Transaction {
  const name = (i: number): string => model.cols[i]!.name
  switch (o.op) {
    case 'add':
      return tx.updateSchema((u) => u.addColumn(o.name, o.type, o.withDefault && model.formatVersion >= 3 ? { initialDefault: defaultFor(o) } : {}))
    case 'drop':
      return tx.updateSchema((u) => u.deleteColumn(name(o.col)))
    case 'rename':
      return tx.updateSchema((u) => u.renameColumn(name(o.col), o.name))
    case 'widen': {
      const to = { int: T.long, float: T.double }[model.cols[o.col]!.type.kind as 'int' | 'float']
      const t = model.cols[o.col]!.type
      return tx.updateSchema((u) => u.updateColumn(name(o.col), to ?? (t.kind === 'decimal' ? T.decimal(t.precision + 3, t.scale) : t)))
    }
    case 'move':
      return tx.updateSchema((u) => (o.kind === 'first' ? u.moveFirst(name(o.col)) : o.kind === 'before' ? u.moveBefore(name(o.col), name(o.ref)) : u.moveAfter(name(o.col), name(o.ref))))
    case 'addPartition':
      return tx.updateSpec((s) => s.addField({ transform: o.transform, source: name(o.col) }))
    case 'removePartition': {
      const live = model.spec.filter((f) => f.transform.kind !== 'void')
      return tx.updateSpec((s) => s.removeField(live[o.field % live.length]!.name))
    }
    case 'append':
      return tx
  }
}

// the default value the model picks for an add step (same PRNG stream)
const defaultFor = (o: Op & { op: 'add' }): Value => valueOf(o.type, rng(o.seed))

function checkInvariants(t: Table, before: TableMetadata, model: Model): void {
  const m = t.metadata
  const s = currentSchema(m)
  expect(m.lastColumnId).toBeGreaterThanOrEqual(before.lastColumnId)
  for (const x of m.schemas) expect(highestFieldId(x)).toBeLessThanOrEqual(m.lastColumnId)
  // the current schema is exactly the model's columns: ids are never reused for another column
  expect(s.fields.map((f) => [f.id, f.name, JSON.stringify(f.type), f.initialDefault ?? null])).toEqual(
    model.cols.map((c) => [c.id, c.name, JSON.stringify(c.type), c.initial === null ? null : c.type.kind === 'long' && typeof c.initial === 'number' ? BigInt(c.initial) : c.initial]),
  )
  expect(m.lastColumnId).toBe(model.lastColumnId)
  expect(s.identifierFieldIds).toEqual([1])
  expect(identifierFieldProblems(s)).toEqual([])
  expect(specProblems(defaultSpec(m), s)).toEqual([])
  expect(defaultSpec(m).fields).toEqual(model.spec)
  expect(m.specs.map((x) => x.fields)).toEqual(model.specs)
  expect(m.lastPartitionId).toBe(model.lastPartitionId)
  const byId = new Map<number, string>()
  const bySource = new Map<string, number>()
  for (const f of m.specs.flatMap((x) => x.fields)) {
    const what = `${f.sourceId}|${transformToString(f.transform)}`
    const seen = byId.get(f.fieldId)
    // one partition field id means one source and transform (v1 may replace the transform by void)
    if (seen !== undefined && seen !== what) expect(m.formatVersion === 1 && (what.endsWith('|void') || seen.endsWith('|void')) && seen.split('|')[0] === what.split('|')[0]).toBe(true)
    byId.set(f.fieldId, seen ?? what)
    expect(f.fieldId).toBeLessThanOrEqual(m.lastPartitionId)
    // v2+: equivalent fields share their id across specs
    if (m.formatVersion >= 2) {
      const id = bySource.get(what)
      if (id !== undefined) expect(f.fieldId).toBe(id)
      bySource.set(what, f.fieldId)
    }
  }
}

async function run(formatVersion: 1 | 2 | 3, ops: readonly Op[]): Promise<void> {
  const { table } = await catalogTable({ schema: START, formatVersion }, 17)
  const model = new Model(formatVersion, START.fields.map((f) => ({ id: f.id, name: f.name, type: f.type as PrimitiveType, initial: null })), 1)
  let t = table
  for (const raw of ops) {
    const o = normalise(raw, model.cols.length)
    const before = t.metadata
    if (o.op === 'append') {
      const rows = model.newRows(o.rows, o.seed)
      t = await t.append(await writeDataFiles(t.env, { metadata: t.metadata }, rows))
    } else {
      if (o.op === 'widen' && !widened(model.cols[o.col]!.type)) continue
      if (o.op === 'removePartition' && model.spec.every((f) => f.transform.kind === 'void')) continue
      let error: unknown
      let tx: Transaction | undefined
      try {
        tx = edit(t.transaction(), o, model) // edits are validated as they are made
      } catch (e) {
        error = e
      }
      const expected: Outcome = model.step(o) // the model changes only when the step succeeds
      let next: Table | undefined
      if (!error) {
        try {
          next = await tx!.commit()
        } catch (e) {
          error = e
        }
      }
      if (expected === 'fail') {
        expect(error, `${JSON.stringify(o)} should fail`).toBeInstanceOf(ValidationError)
        expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
        continue
      }
      if (error) throw error
      if (expected === 'noop') expect(next!.metadataLocation).toBe(t.metadataLocation)
      t = next!
    }
    t = await t.refresh() // read the committed metadata file back, as any reader would
    checkInvariants(t, before, model)
    const key = model.cols.find((c) => c.id === 1)!.name
    const byKey = (x: Record<string, unknown>, y: Record<string, unknown>): number => Number((x[key] as bigint) - (y[key] as bigint))
    expect((await t.scan().toArray()).sort(byKey)).toEqual(model.expectedRows().sort(byKey))
  }
}

describe('evolution model', () => {
  for (const v of [1, 2, 3] as const) {
    it(`v${v}: random schema/spec changes and appends read back as the model says`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), (ops) => run(v, ops)),
        { numRuns: runs },
      )
    })
  }
})
