// Writers sort within files by the table's sort order and record its id (Java's sort_order_id).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T } from '../../../src/spec/types.js'
import { readTask } from '../../../src/table/read.js'
import { sortComparator } from '../../../src/write/sort-rows.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string), field(3, 'score', T.double)])
const ORDER = {
  orderId: 1,
  fields: [
    { sourceId: 2, transform: Transforms.truncate(1), direction: 'asc' as const, nullOrder: 'nulls-last' as const },
    { sourceId: 3, transform: Transforms.identity, direction: 'desc' as const, nullOrder: 'nulls-first' as const },
    { sourceId: 1, transform: Transforms.identity, direction: 'asc' as const, nullOrder: 'nulls-first' as const },
  ],
}
const rowArb = fc.record({
  id: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  cat: fc.option(fc.constantFrom('a', 'ab', 'b', 'é', ''), { nil: null }),
  score: fc.option(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, -0, 0)), { nil: null }),
})

// Independent oracle: key tuples compared field by field.
function oracle(a: { id: bigint; cat: string | null; score: number | null }, b: typeof a): number {
  const ka = a.cat === null ? null : [...a.cat][0] ?? ''
  const kb = b.cat === null ? null : [...b.cat][0] ?? ''
  if (ka !== kb) {
    if (ka === null) return 1
    if (kb === null) return -1
    return Buffer.compare(Buffer.from(ka), Buffer.from(kb))
  }
  if (!Object.is(a.score, b.score)) {
    if (a.score === null) return -1
    if (b.score === null) return 1
    const rank = (x: number): number => (Number.isNaN(x) ? 3 : Object.is(x, -0) ? 1 : x === 0 ? 2 : 0)
    const c = a.score < b.score ? -1 : a.score > b.score ? 1 : rank(a.score) - rank(b.score)
    if (c !== 0) return -c
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

describe('sorting within files', () => {
  it('sortComparator agrees with an independent oracle (property)', () => {
    const cmp = sortComparator(SCHEMA, ORDER)
    fc.assert(
      fc.property(rowArb, rowArb, (a, b) => {
        expect(Math.sign(cmp(a, b))).toBe(Math.sign(oracle(a, b)))
      }),
      { numRuns: 2000 },
    )
  })

  it('appends write each file in the sort order and record its id; sort: false opts out', async () => {
    const c = makeCatalog('filesystem')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA, spec: { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'b', transform: Transforms.bucket(2) }] }, sortOrder: ORDER })
    const input = fc.sample(rowArb, { numRuns: 200, seed: 42 })
    t = await t.appendRows(input)
    const order = t.metadata.sortOrders.find((o) => o.orderId === t.metadata.defaultSortOrderId)!
    const cmp = sortComparator(t.schema(), order)
    const tasks = await t.scan().planFiles()
    expect(tasks.length).toBe(2)
    let total = 0
    for (const task of tasks) {
      expect(task.file.sortOrderId).toBe(order.orderId)
      const rows = []
      for await (const r of readTask(t.env, task)) rows.push(r)
      total += rows.length
      for (let i = 1; i < rows.length; i++) expect(cmp(rows[i - 1]!, rows[i]!)).toBeLessThanOrEqual(0)
    }
    expect(total).toBe(input.length)
    const { writeDataFiles } = await import('../../../src/write/data-writer.js')
    const raw = await writeDataFiles(t.env, { metadata: t.metadata }, input, { sort: false })
    // unsorted files are labelled 0, as Java's DataFiles.Builder does
    expect(raw.every((f) => f.sortOrderId === 0)).toBe(true)
    // a label must name one of the table's orders (Spark's output-sort-order-id check)
    await expect(writeDataFiles(t.env, { metadata: t.metadata }, input, { sortOrderId: 7 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    // an unsorted table's appends are labelled 0 too
    const c2 = makeCatalog('memory')
    await c2.createNamespace('db')
    const u = await (await c2.createTable('db.u', { schema: t.schema() })).appendRows(input.slice(0, 3))
    expect((await u.scan().planFiles()).map((x) => x.file.sortOrderId)).toEqual([0])
  })
})

describe('sorting in bounded runs', () => {
  it('sortedRuns: every run sorted and stable, within its budget, together exactly the input (property)', async () => {
    const { estimateValueBytes, sortedRuns } = await import('../../../src/write/sort-rows.js')
    const cmp = sortComparator(SCHEMA, ORDER)
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 80 }), fc.integer({ min: 1, max: 3000 }), async (input, budget) => {
        // tag rows with their input position to check stability and coverage
        const tagged = input.map((r, i) => ({ ...r, i }))
        const runs: (typeof tagged)[] = []
        for await (const run of sortedRuns(tagged, (x) => x as never, cmp, budget)) runs.push(run as unknown as typeof tagged)
        expect(runs.flat().map((r) => r.i).sort((a, b) => a - b)).toEqual(tagged.map((r) => r.i))
        let start = 0
        for (const run of runs) {
          expect(run.length).toBeGreaterThan(0)
          // a run is a consecutive slice of the input, closed as soon as it reaches the budget
          expect(run.map((r) => r.i).sort((a, b) => a - b)).toEqual(tagged.slice(start, start + run.length).map((r) => r.i))
          const bytes = tagged.slice(start, start + run.length).map((r) => estimateValueBytes(r))
          expect(bytes.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThan(budget)
          start += run.length
          for (let k = 1; k < run.length; k++) {
            const c = cmp(run[k - 1]!, run[k]!)
            expect(c).toBeLessThanOrEqual(0)
            if (c === 0) expect(run[k - 1]!.i).toBeLessThan(run[k]!.i)
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('a sorted write larger than its sort budget writes sorted files per run, with every row', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: SCHEMA, spec: { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'b', transform: Transforms.bucket(2) }] }, sortOrder: ORDER })
    const input = fc.sample(rowArb, { numRuns: 300, seed: 7 })
    const { writeDataFiles } = await import('../../../src/write/data-writer.js')
    const order = t.metadata.sortOrders.find((o) => o.orderId === t.metadata.defaultSortOrderId)!
    const cmp = sortComparator(t.schema(), order)
    const whole = await writeDataFiles(t.env, { metadata: t.metadata }, input)
    expect(whole.length).toBe(2) // one run: one file per bucket
    const files = await writeDataFiles(t.env, { metadata: t.metadata }, input, { sortRunBytes: 4000 })
    expect(files.length).toBeGreaterThan(2)
    const committed = await t.append(files)
    let total = 0
    for (const task of await committed.scan().planFiles()) {
      expect(task.file.sortOrderId).toBe(order.orderId)
      const rows = []
      for await (const r of readTask(committed.env, task)) rows.push(r)
      total += rows.length
      for (let i = 1; i < rows.length; i++) expect(cmp(rows[i - 1]!, rows[i]!)).toBeLessThanOrEqual(0)
    }
    expect(total).toBe(input.length)
  })
})
