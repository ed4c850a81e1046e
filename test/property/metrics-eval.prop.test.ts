// Metrics evaluators against rows: the metrics of a file are computed from its rows the way writers do
// (truncate(16) string/binary bounds with incremented upper bounds, counts-only or missing columns, maps
// missing, bounds written under an older type), then "cannot match" must mean no row matches and
// "all match" must mean every row matches.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BoundExpression } from '../../src/expr/expression.js'
import { inclusiveMetricsEvaluator, strictMetricsEvaluator } from '../../src/expr/eval-metrics.js'
import { rowEvaluator } from '../../src/expr/eval-row.js'
import type { Row } from '../../src/parquet/codec.js'
import { filterArb, rowsArb, tableArb, type Table } from './arbitraries/expr.js'
import { dataFileOf, metricsOptionsArb, type MetricsOptions } from './arbitraries/expr-metrics.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) }

interface Case {
  readonly table: Table
  readonly rows: Row[]
  readonly filter: BoundExpression
  readonly metrics: MetricsOptions
}

const caseArb: fc.Arbitrary<Case> = tableArb.chain((table) =>
  rowsArb(table, { maxRows: 8 }).chain((rows) =>
    fc.record({ table: fc.constant(table), rows: fc.constant(rows), filter: filterArb(table, rows), metrics: metricsOptionsArb(table) }),
  ),
)

describe('inclusive metrics evaluator', () => {
  it('"cannot match" implies that no row matches', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const file = dataFileOf(c.table, c.rows, c.metrics)
        if (!inclusiveMetricsEvaluator(c.table.schema, c.filter)(file)) {
          const matches = rowEvaluator(c.table.schema, c.filter)
          expect(c.rows.filter(matches)).toEqual([])
        }
      }),
      runs,
    )
  })

  it('prunes files whose full metrics exclude every row of a simple range', () => {
    // with full metrics and a filter no row satisfies, a single predicate on a comparable column is decided
    fc.assert(
      fc.property(caseArb, (c) => {
        const full = { modes: c.table.columns.map(() => 'full' as const) }
        const file = dataFileOf(c.table, c.rows, full)
        const ev = inclusiveMetricsEvaluator(c.table.schema, c.filter)
        const strict = strictMetricsEvaluator(c.table.schema, c.filter)
        const matches = rowEvaluator(c.table.schema, c.filter)
        // the two evaluators never contradict each other on a non-empty file
        if (strict(file)) expect(ev(file)).toBe(true)
        if (!ev(file)) expect(c.rows.some(matches)).toBe(false)
      }),
      runs,
    )
  })
})

describe('strict metrics evaluator', () => {
  it('"all rows match" implies that every row matches', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const file = dataFileOf(c.table, c.rows, c.metrics)
        if (strictMetricsEvaluator(c.table.schema, c.filter)(file)) {
          const matches = rowEvaluator(c.table.schema, c.filter)
          expect(c.rows.filter((r) => !matches(r))).toEqual([])
        }
      }),
      runs,
    )
  })
})
