// Filter properties over random tables, rows, specs and filters: the row evaluator agrees with an
// independent oracle; partition and manifest pruning never drop a file holding a matching row; residuals
// are exact per partition; filters survive the text form and unbind/bind round trips.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError, type FloeError } from '../../src/errors.js'
import { bind, exprToString, unbind } from '../../src/expr/bind.js'
import type { BoundExpression } from '../../src/expr/expression.js'
import { manifestEvaluator } from '../../src/expr/eval-manifest.js'
import { partitionEvaluator } from '../../src/expr/eval-partition.js'
import { rowEvaluator } from '../../src/expr/eval-row.js'
import { convertLiteral, valueToLiteral } from '../../src/expr/literal.js'
import { parseFilter } from '../../src/expr/parse.js'
import { residualEvaluator } from '../../src/expr/residual.js'
import type { Row } from '../../src/parquet/codec.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import type { Value } from '../../src/spec/types.js'
import { primitiveTypeArb } from './arbitraries/types.js'
import { nonNullValueArb } from './arbitraries/values.js'
import { manifestOf } from './arbitraries/expr-metrics.js'
import {
  filterArb,
  oracleEval,
  partitionOf,
  rowsArb,
  specArb,
  tableArb,
  tupleKey,
  unboundExprArb,
  type Table,
} from './arbitraries/expr.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) }

interface Case {
  readonly table: Table
  readonly rows: Row[]
  readonly spec: PartitionSpec
  readonly filter: BoundExpression
}

const caseArb: fc.Arbitrary<Case> = tableArb.chain((table) =>
  rowsArb(table, { maxRows: 8 }).chain((rows) =>
    fc.record({ table: fc.constant(table), rows: fc.constant(rows), spec: specArb(table), filter: filterArb(table, rows) }),
  ),
)

// Rows grouped into files by partition tuple.
function filesOf(c: Case): { tuple: Value[]; rows: Row[] }[] {
  const files = new Map<string, { tuple: Value[]; rows: Row[] }>()
  for (const row of c.rows) {
    const tuple = partitionOf(c.table, c.spec, row)
    const key = tupleKey(tuple)
    const f = files.get(key)
    if (f) f.rows.push(row)
    else files.set(key, { tuple, rows: [row] })
  }
  return [...files.values()]
}

describe('row evaluator', () => {
  it('agrees with the reference semantics', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const ev = rowEvaluator(c.table.schema, c.filter)
        for (const row of c.rows) expect(ev(row)).toBe(oracleEval(c.table, c.filter, row))
      }),
      runs,
    )
  })
})

describe('partition pruning', () => {
  it('never rejects a file or manifest holding a matching row', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), fc.boolean(), (c, nanKnown, uuidSigned) => {
        const matches = rowEvaluator(c.table.schema, c.filter)
        const partition = partitionEvaluator(c.spec, c.filter)
        const manifest = manifestEvaluator(c.spec, c.filter)
        const files = filesOf(c)
        for (const f of files) {
          if (f.rows.some(matches)) {
            expect(partition(f.tuple)).toBe(true)
            expect(manifest(manifestOf(c.table, c.spec, [f.tuple], nanKnown, uuidSigned))).toBe(true)
          }
        }
        if (c.rows.some(matches))
          expect(
            manifest(
              manifestOf(
                c.table,
                c.spec,
                files.map((f) => f.tuple),
                nanKnown,
                uuidSigned,
              ),
            ),
          ).toBe(true)
      }),
      runs,
    )
  })
})

describe('residuals', () => {
  it('decide each row of the partition exactly as the filter does', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const matches = rowEvaluator(c.table.schema, c.filter)
        const residuals = residualEvaluator(c.spec, c.filter)
        for (const row of c.rows) {
          const residual = residuals(partitionOf(c.table, c.spec, row))
          const bound = bind(c.table.schema, residual)
          expect(rowEvaluator(c.table.schema, bound)(row)).toBe(matches(row))
        }
      }),
      runs,
    )
  })
})

describe('text form and binding', () => {
  it('parseFilter(exprToString(e)) rebuilds e', () => {
    fc.assert(
      fc.property(unboundExprArb(), (e) => {
        expect(parseFilter(exprToString(e))).toEqual(e)
      }),
      runs,
    )
  })

  it('bind(unbind(b)) is canonical and survives the text form', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const canonical = bind(c.table.schema, unbind(c.filter))
        expect(bind(c.table.schema, unbind(canonical))).toEqual(canonical)
        expect(bind(c.table.schema, parseFilter(exprToString(canonical)))).toEqual(canonical)
        // binding keeps the meaning
        const before = rowEvaluator(c.table.schema, c.filter)
        const after = rowEvaluator(c.table.schema, canonical)
        for (const row of c.rows) expect(after(row)).toBe(before(row))
      }),
      runs,
    )
  })

  it('valueToLiteral gives a literal that converts back to the same value, for every type and value', () => {
    const arb = primitiveTypeArb.chain((type) => fc.tuple(fc.constant(type), nonNullValueArb(type)))
    fc.assert(
      fc.property(arb, ([type, v]) => {
        fc.pre(!(typeof v === 'number' && Number.isNaN(v)))
        const lit = valueToLiteral(type, v)
        expect(convertLiteral(type, lit, 'c')).toEqual({ value: v })
        // and through the text form
        const text = parseFilter(`c = ${exprToString({ kind: 'literal', op: 'eq', term: { name: 'c' }, value: lit }).slice(4)}`)
        expect(text.kind === 'literal' && convertLiteral(type, text.value, 'c')).toEqual({ value: v })
      }),
      runs,
    )
  })

  it('parses arbitrary text or fails with INVALID_ARGUMENT and a position', () => {
    const token = fc.constantFrom(
      ...['a', 'b.c', '"q d"', '`t`', 'and', 'or', 'not', 'is', 'null', 'nan', 'in', 'like', 'true', '(', ')', ',', '=', '<>', '<='],
      ...['>', "'s'", "'x%'", '1', '-2.5', '1e3', "X'0a'", '.', '%', "'", '"', '!', ' '],
      ...['between', '.5', 'Infinity', '-Infinity', 'NaN', "E'a\\\\'", "'a\\'", '\\', '1e99999999999999999', '0.10000000000000000000001'],
    )
    fc.assert(
      fc.property(fc.oneof(fc.array(token, { maxLength: 12 }).map((ts) => ts.join(' ')), fc.string({ maxLength: 30 })), (text) => {
        try {
          parseFilter(text)
        } catch (e) {
          expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true)
          expect(typeof (e as FloeError).context.position).toBe('number')
        }
      }),
      runs,
    )
  })

  it('binds arbitrary expressions to a schema or fails with INVALID_ARGUMENT', () => {
    const arb = tableArb.chain((table) => {
      const names = fc.oneof(fc.constantFrom(...table.columns.map((c) => c.ref.name), 's', 'C0', 'nope'), fc.string({ maxLength: 3 }))
      return fc.tuple(fc.constant(table), unboundExprArb(2, names))
    })
    fc.assert(
      fc.property(arb, fc.boolean(), ([table, e], caseSensitive) => {
        try {
          bind(table.schema, e, caseSensitive)
        } catch (err) {
          expect(isFloeError(err, 'INVALID_ARGUMENT')).toBe(true)
        }
      }),
      runs,
    )
  })
})
