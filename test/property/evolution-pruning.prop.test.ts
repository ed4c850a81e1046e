// Pruning across schema and partition evolution (real Parquet): rows written under a first spec and schema,
// then columns promoted (int→long, float→double, decimal precision widened) and the spec replaced by another,
// then more rows. A random filter over the evolved table never drops a matching row: old files are pruned
// with bounds written under the old types and partition tuples of the old spec.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { testEnv } from '../../src/env.js'
import { unbind } from '../../src/expr/bind.js'
import type { BoundExpression } from '../../src/expr/expression.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import type { Row } from '../../src/parquet/codec.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema as makeSchema } from '../../src/spec/schema.js'
import { transformToString } from '../../src/spec/transform.js'
import type { NestedField, PrimitiveType, Value } from '../../src/spec/types.js'
import { filterArb, oracleEval, readColumn, rowsArb, specArb, tableArb, tupleKey, type Column, type Table } from './arbitraries/expr.js'

const TIME = new Set(['year', 'month', 'day', 'hour'])

/** The widened type of a promotable column, else undefined. */
function widen(t: PrimitiveType): PrimitiveType | undefined {
  if (t.kind === 'int') return { kind: 'long' }
  if (t.kind === 'float') return { kind: 'double' }
  if (t.kind === 'decimal' && t.precision < 38) return { kind: 'decimal', precision: Math.min(38, t.precision + 9), scale: t.scale }
  return undefined
}

function promote(table: Table, mask: readonly boolean[]): { table: Table; changed: Map<number, PrimitiveType> } {
  const changed = new Map<number, PrimitiveType>()
  table.columns.forEach((c, i) => {
    const w = mask[i] ? widen(c.ref.type) : undefined
    if (w) changed.set(c.ref.fieldId, w)
  })
  const re = (f: NestedField): NestedField =>
    f.type.kind === 'struct' ? { ...f, type: { kind: 'struct', fields: f.type.fields.map(re) } } : changed.has(f.id) ? { ...f, type: changed.get(f.id)! } : f
  const columns: Column[] = table.columns.map((c) => (changed.has(c.ref.fieldId) ? { ...c, ref: { ...c.ref, type: changed.get(c.ref.fieldId)! } } : c))
  return { table: { schema: makeSchema(table.schema.fields.map(re)), columns }, changed }
}

/** An old row's values as the promoted types hold them (int numbers become bigint longs). */
function upgrade(table: Table, changed: ReadonlyMap<number, PrimitiveType>, row: Row): Row {
  const conv = (id: number, v: Value): Value => (v !== null && changed.get(id)?.kind === 'long' ? BigInt(v as number) : v)
  const out: Row = { ...row }
  for (const c of table.columns) {
    if (!changed.has(c.ref.fieldId)) continue
    if (c.path.length === 1) out[c.path[0]!] = conv(c.ref.fieldId, readColumn(row, c))
    else if (out.s) out.s = { ...(out.s as Record<string, Value>), [c.path[1]!]: conv(c.ref.fieldId, readColumn(row, c)) }
  }
  return out
}

// A null in a required struct child is only writable as a null (optional) struct.
function writable(table: Table, row: Row): Row {
  const s = table.schema.fields.find((f) => f.name === 's')
  const v = row.s as Record<string, unknown> | null | undefined
  if (!s || !v || s.type.kind !== 'struct') return row
  return s.type.fields.some((f) => f.required && (v[f.name] ?? null) === null) ? { ...row, s: null } : row
}

/** A spec that UpdatePartitionSpec accepts: no void, no duplicate (source, transform), one time transform per source. */
function addable(spec: PartitionSpec): PartitionSpec {
  const seen = new Set<string>()
  const timed = new Set<number>()
  const fields = spec.fields.filter((f) => {
    const key = `${f.sourceId}|${transformToString(f.transform)}`
    if (f.transform.kind === 'void' || seen.has(key) || (TIME.has(f.transform.kind) && timed.has(f.sourceId))) return false
    seen.add(key)
    if (TIME.has(f.transform.kind)) timed.add(f.sourceId)
    return true
  })
  return { ...spec, fields }
}

interface Case {
  readonly before: Table
  readonly after: Table
  readonly changed: Map<number, PrimitiveType>
  readonly spec1: PartitionSpec
  readonly spec2: PartitionSpec
  readonly rows1: Row[]
  readonly rows2: Row[]
  readonly filters: BoundExpression[]
}

const caseArb: fc.Arbitrary<Case> = tableArb.chain((before) =>
  fc
    .tuple(specArb(before).map(addable), rowsArb(before, { maxRows: 8 }).map((rs) => rs.map((r) => writable(before, r))), fc.array(fc.boolean(), { minLength: before.columns.length, maxLength: before.columns.length }))
    .chain(([spec1, rows1, mask]) => {
      const { table: after, changed } = promote(before, mask)
      return fc.tuple(specArb(after).map(addable), rowsArb(after, { maxRows: 8 }).map((rs) => rs.map((r) => writable(after, r)))).chain(([spec2, rows2]) => {
        const all = [...rows1.map((r) => upgrade(before, changed, r)), ...rows2]
        return fc.array(filterArb(after, all, 2), { minLength: 1, maxLength: 4 }).map((filters) => ({ before, after, changed, spec1, spec2, rows1, rows2, filters }))
      })
    }),
)

describe('pruning across schema and partition evolution (property, real Parquet)', () => {
  it('never drops a matching row', async () => {
    let evolvedSpecs = 0
    let promoted = 0
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 1000 }), async (c, seed) => {
        const catalog = new MemoryCatalog(testEnv(new MemoryFileIO(), seed))
        await catalog.createNamespace('db')
        let t = await catalog.createTable('db.t', { schema: c.before.schema, spec: c.spec1, formatVersion: 3 })
        t = await t.appendRows(c.rows1)
        const name = (id: number): string => c.after.columns.find((x) => x.ref.fieldId === id)!.ref.name
        const tx = t.transaction()
        if (c.changed.size) tx.updateSchema((u) => void [...c.changed].forEach(([id, type]) => u.updateColumn(name(id), type)))
        tx.updateSpec((u) => {
          for (const f of t.spec().fields) u.removeField(f.name)
          for (const f of c.spec2.fields) u.addField({ transform: f.transform, source: name(f.sourceId) })
        })
        t = await tx.commit()
        if (t.metadata.specs.length > 1) evolvedSpecs++
        if (c.changed.size) promoted++
        t = await t.appendRows(c.rows2)
        const all = [...c.rows1.map((r) => upgrade(c.before, c.changed, r)), ...c.rows2]
        const key = (r: Row): string => tupleKey(c.after.columns.map((col) => readColumn(r, col)))
        for (const f of c.filters) {
          const expected = all.filter((r) => oracleEval(c.after, f, r)).map(key).sort()
          const got = (await t.scan({ filter: unbind(f) }).toArray()).map(key).sort()
          expect(got).toEqual(expected)
        }
      }),
      { numRuns: 150 },
    )
    expect(evolvedSpecs).toBeGreaterThan(0)
    expect(promoted).toBeGreaterThan(0)
  }, 300_000)
})
