// truncate[W] on int/long wraps around for the values just above the type's minimum (Java's arithmetic,
// which floe's transform reproduces): projections, partition pruning and residuals must stay sound for the
// partition holding those values.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import { compileExpression, rowEvaluator } from '../../../src/expr/eval-row.js'
import { partitionEvaluator } from '../../../src/expr/eval-partition.js'
import { manifestEvaluator } from '../../../src/expr/eval-manifest.js'
import type { ManifestFile } from '../../../src/spec/manifest.js'
import { toBinary } from '../../../src/spec/single-value.js'
import type { BoundExpression, BoundPredicate, LiteralOp, SetOp } from '../../../src/expr/expression.js'
import * as E from '../../../src/expr/expression.js'
import {
  projectInclusive,
  projectInclusiveExpression,
  projectStrict,
  projectStrictExpression,
  type ProjectionTarget,
} from '../../../src/expr/project.js'
import { residualEvaluator } from '../../../src/expr/residual.js'
import { exprToString } from '../../../src/expr/format.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { field, T, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { compileValueTest } from '../../../src/expr/value-test.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 500) }
const INT_MIN = -(2 ** 31)
const INT_MAX = 2 ** 31 - 1
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

const widthArb = fc.oneof(
  fc.constantFrom(1, 2, 3, 7, 10, 16, 100, 1000, 2 ** 30, INT_MAX - 1, INT_MAX),
  fc.integer({ min: 1, max: 50 }),
  fc.integer({ min: 1, max: INT_MAX }),
)

// Values clustered where the wrap and the order break: the minimum (plus a few widths), the maximum, zero.
function valueArb(type: 'int' | 'long', width: number): fc.Arbitrary<Value> {
  const offset = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: width + 3 }), fc.integer({ min: width - 3, max: 2 * width + 3 }))
  if (type === 'int') {
    const clamp = (n: number): number => Math.max(INT_MIN, Math.min(INT_MAX, n))
    return fc.oneof(
      offset.map((o) => clamp(INT_MIN + o)),
      offset.map((o) => clamp(INT_MAX - o)),
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: INT_MIN, max: INT_MAX }),
    )
  }
  const clamp = (n: bigint): bigint => (n < LONG_MIN ? LONG_MIN : n > LONG_MAX ? LONG_MAX : n)
  return fc.oneof(
    offset.map((o) => clamp(LONG_MIN + BigInt(o))),
    offset.map((o) => clamp(LONG_MAX - BigInt(o))),
    fc.bigInt({ min: -1000n, max: 1000n }),
    fc.bigInt({ min: LONG_MIN, max: LONG_MAX }),
  )
}

const LITERAL_OPS: LiteralOp[] = ['lt', 'ltEq', 'gt', 'gtEq', 'eq', 'notEq']
const SET_OPS: SetOp[] = ['in', 'notIn']

interface Case {
  readonly type: PrimitiveType
  readonly width: number
  readonly pred: BoundPredicate
  readonly row: Value
}

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom<'int' | 'long'>('int', 'long'), widthArb)
  .chain(([kind, width]) => {
    const type = kind === 'int' ? T.int : T.long
    const term = { fieldId: 1, name: 'x', type }
    const v = valueArb(kind, width)
    const pred: fc.Arbitrary<BoundPredicate> = fc.oneof(
      fc.tuple(fc.constantFrom(...LITERAL_OPS), v).map(([op, value]): BoundPredicate => ({ kind: 'literal', op, term, value })),
      fc.tuple(fc.constantFrom(...SET_OPS), fc.array(v, { minLength: 2, maxLength: 4 })).map(([op, values]): BoundPredicate => ({ kind: 'set', op, term, values })),
      fc.constantFrom<BoundPredicate>({ kind: 'unary', op: 'isNull', term }, { kind: 'unary', op: 'notNull', term }),
    )
    return fc.record({ type: fc.constant(type), width: fc.constant(width), pred, row: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 9, arbitrary: v }) })
  })

const target = (width: number): ProjectionTarget => ({ fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(width), sourceId: 1 })
const holds = (e: BoundExpression, v: Value): boolean => compileExpression<Value>(e, compileValueTest)(v)
const partitionOf = (c: Case): Value => (c.row === null ? null : applyTransform(Transforms.truncate(c.width), c.type, c.row))

// A manifest whose only data file has partition value `part`.
function manifestOf(type: PrimitiveType, part: Value): ManifestFile {
  const bounds = part === null ? {} : { lowerBound: toBinary(type, part), upperBound: toBinary(type, part) }
  return {
    manifestPath: 'mem://m.avro',
    manifestLength: 1n,
    partitionSpecId: 0,
    content: 'data',
    sequenceNumber: 1n,
    minSequenceNumber: 1n,
    addedSnapshotId: 1n,
    partitions: [{ containsNull: part === null, containsNan: false, ...bounds }],
  }
}

describe('truncate projection near the int/long minimum', () => {
  it('inclusive projection never excludes a partition holding a matching value', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        if (!holds(c.pred, c.row)) return
        const part = partitionOf(c)
        const single = projectInclusive(c.pred, target(c.width))
        const expr = projectInclusiveExpression(c.pred, target(c.width))
        if (single) expect(holds(single, part)).toBe(true)
        if (expr) expect(holds(expr, part)).toBe(true)
      }),
      runs,
    )
  })

  it('strict projection never includes a partition holding a non-matching value', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        if (holds(c.pred, c.row)) return
        const part = partitionOf(c)
        const single = projectStrict(c.pred, target(c.width))
        const expr = projectStrictExpression(c.pred, target(c.width))
        if (single) expect(holds(single, part)).toBe(false)
        if (expr) expect(holds(expr, part)).toBe(false)
      }),
      runs,
    )
  })

  it('partition and manifest pruning keep the file and the residual is exact, for rows anywhere in the range', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = schema([field(1, 'x', c.type)])
        const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(c.width) }] }
        const filter = c.pred as BoundExpression
        const row = { x: c.row }
        const matches = rowEvaluator(s, filter)(row)
        if (matches) expect(partitionEvaluator(spec, filter)([partitionOf(c)])).toBe(true)
        if (matches) expect(manifestEvaluator(spec, filter)(manifestOf(c.type, partitionOf(c)))).toBe(true)
        const residual = bind(s, residualEvaluator(spec, filter)([partitionOf(c)]))
        expect(rowEvaluator(s, residual)(row)).toBe(matches)
      }),
      runs,
    )
  })
})

describe('truncate projection examples', () => {
  const s = schema([field(1, 'x', T.int)])
  const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(10) }] }
  const wrapped = applyTransform(Transforms.truncate(10), T.int, INT_MIN)

  it('keeps the partition of the wrapped minimum (the auditor repro)', () => {
    expect(wrapped).toBe(2147483646)
    expect(partitionEvaluator(spec, bind(s, E.greaterThanOrEqual('x', INT_MIN)))([0])).toBe(true)
    expect(residualEvaluator(spec, bind(s, E.lessThan('x', INT_MIN)))([0])).not.toEqual({ kind: 'true' })
    // x < 0 matches the row x = MIN, which lives in the wrapped partition
    expect(partitionEvaluator(spec, bind(s, E.lessThan('x', 0)))([wrapped])).toBe(true)
    // x > 5 does not hold for x = MIN, so the wrapped partition's residual cannot be true
    expect(exprToString(residualEvaluator(spec, bind(s, E.greaterThan('x', 5)))([wrapped]))).toBe('x > 5')
  })

  it('still prunes ranges, adding or excluding the wrapped partition', () => {
    const lt = bind(s, E.lessThan('x', 100)) as BoundPredicate
    expect(projectInclusive(lt, target(10))).toBeUndefined()
    expect(exprToString(projectInclusiveExpression(lt, target(10))!)).toBe('x_trunc <= 90 or x_trunc = 2147483646')
    expect(partitionEvaluator(spec, lt)([1000])).toBe(false)
    expect(partitionEvaluator(spec, lt)([90])).toBe(true)
    const gt = bind(s, E.greaterThan('x', 100)) as BoundPredicate
    expect(exprToString(projectStrictExpression(gt, target(10))!)).toBe('x_trunc > 100 and x_trunc != 2147483646')
    expect(exprToString(residualEvaluator(spec, gt)([110]))).toBe('true')
    // widths dividing 2^31 never wrap: Java's single predicates are unchanged
    expect(projectInclusive(lt, target(16))).toMatchObject({ op: 'ltEq', value: 96 })
  })

  it('gives up where the bound itself wraps', () => {
    const ge = bind(s, E.greaterThanOrEqual('x', INT_MIN + 1)) as BoundPredicate
    expect(projectInclusiveExpression(ge, target(10))).toBeUndefined()
    const le = bind(s, E.lessThanOrEqual('x', INT_MIN + 1)) as BoundPredicate
    expect(projectStrictExpression(le, target(10))).toBeUndefined()
    expect(projectInclusive(le, target(10))).toMatchObject({ op: 'ltEq', value: wrapped })
  })
})

// A long column promoted from int keeps the partitions its int-era rows were written to: truncate[W] of int
// put the values [-2^31, -2^31 + W - r) into partition 2^31 - r, which the long transform never produces.
describe('truncate projection on a long column promoted from int', () => {
  const promotedArb = widthArb.chain((width) => {
    const term = { fieldId: 1, name: 'x', type: T.long }
    const rowArb = (valueArb('int', width) as fc.Arbitrary<number>).map((n) => BigInt(n))
    const lit = fc.oneof(rowArb, valueArb('long', width) as fc.Arbitrary<bigint>)
    const pred: fc.Arbitrary<BoundPredicate> = fc.oneof(
      fc.tuple(fc.constantFrom(...LITERAL_OPS), lit).map(([op, value]): BoundPredicate => ({ kind: 'literal', op, term, value })),
      fc.tuple(fc.constantFrom(...SET_OPS), fc.array(lit, { minLength: 2, maxLength: 4 })).map(([op, values]): BoundPredicate => ({ kind: 'set', op, term, values })),
    )
    return fc.record({ width: fc.constant(width), pred, row: rowArb })
  })
  // the partition value the row got while the column was an int, read as a long
  const intEraPartition = (width: number, row: bigint): bigint => BigInt(applyTransform(Transforms.truncate(width), T.int, Number(row)) as number)

  it('pruning keeps the int-era partition of a matching row, and its residual is exact', () => {
    fc.assert(
      fc.property(promotedArb, ({ width, pred, row }) => {
        const s = schema([field(1, 'x', T.long)])
        const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(width) }] }
        const part = intEraPartition(width, row)
        const matches = rowEvaluator(s, pred)({ x: row })
        const inclusive = projectInclusiveExpression(pred, target(width))
        const strict = projectStrictExpression(pred, target(width))
        if (matches) {
          expect(partitionEvaluator(spec, pred)([part])).toBe(true)
          expect(manifestEvaluator(spec, pred)(manifestOf(T.long, part))).toBe(true)
          if (inclusive) expect(holds(inclusive, part)).toBe(true)
        } else if (strict) expect(holds(strict, part)).toBe(false)
        const residual = bind(s, residualEvaluator(spec, pred)([part]))
        expect(rowEvaluator(s, residual)({ x: row })).toBe(matches)
      }),
      runs,
    )
  })

  it('finds the int minimum after the promotion (the review repro)', () => {
    const s = schema([field(1, 'x', T.long)])
    const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(10) }] }
    const old = intEraPartition(10, BigInt(INT_MIN))
    expect(old).toBe(2147483646n)
    for (const f of [E.equal('x', BigInt(INT_MIN)), E.lessThan('x', 0n), E.lessThanOrEqual('x', -2147483645n), E.isIn('x', [BigInt(INT_MIN), 5n])])
      expect(partitionEvaluator(spec, bind(s, f))([old])).toBe(true)
    // x > -5 does not hold for the int-era minimum: its residual must not be decided true
    expect(exprToString(residualEvaluator(spec, bind(s, E.greaterThan('x', -5n)))([old]))).toBe('x > -5')
    // the int-era wrap covers every value below the first multiple of W, not just -2^31 (W = 26: 24 values)
    const spec26: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_trunc', transform: Transforms.truncate(26) }] }
    const old26 = intEraPartition(26, -2147483645n)
    expect(old26).toBe(intEraPartition(26, BigInt(INT_MIN)))
    expect(partitionEvaluator(spec26, bind(s, E.isIn('x', [0n, -2147483645n])))([old26])).toBe(true)
    expect(partitionEvaluator(spec26, bind(s, E.equal('x', -2147483625n)))([old26])).toBe(true)
    expect(partitionEvaluator(spec26, bind(s, E.equal('x', -2147483624n)))([old26])).toBe(false)
    // a long-only partition far from the int range is still pruned
    expect(partitionEvaluator(spec, bind(s, E.equal('x', BigInt(INT_MIN))))([1000n])).toBe(false)
  })
})
