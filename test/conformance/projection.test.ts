// Predicate projection vectors: inclusive and strict projection through each transform.
import { describe, expect, it } from 'vitest'
import type { BoundPredicate, LiteralOp, PredicateOp, SetOp, UnaryOp } from '../../src/expr/expression.js'
import { projectInclusive, projectInclusiveExpression, projectStrict, projectStrictExpression } from '../../src/expr/project.js'
import type { BoundExpression } from '../../src/expr/expression.js'
import type { JsonValue } from '../../src/spec/json/lossless.js'
import { fromJsonValue } from '../../src/spec/single-value.js'
import { parseTransform, resultType } from '../../src/spec/transform.js'
import { applyTransform, partitionToHumanString } from '../../src/spec/transform-apply.js'
import type { Transform } from '../../src/spec/transform.js'
import type { PrimitiveType } from '../../src/spec/types.js'
import { entries, loadVectors, primitiveOf } from './vectors.js'

const file = loadVectors('projection.json')
const UNARY = new Set<PredicateOp>(['isNull', 'notNull', 'isNaN', 'notNaN'])
const SET = new Set<PredicateOp>(['in', 'notIn'])

function predicate(type: PrimitiveType, op: PredicateOp, e: { value?: JsonValue; values?: JsonValue }): BoundPredicate {
  const term = { fieldId: 1, name: 'col', type }
  if (UNARY.has(op)) return { kind: 'unary', op: op as UnaryOp, term }
  if (SET.has(op)) return { kind: 'set', op: op as SetOp, term, values: (e.values as JsonValue[]).map((v) => fromJsonValue(type, v)) }
  return { kind: 'literal', op: op as LiteralOp, term, value: fromJsonValue(type, e.value!) }
}

// [op, ...human values] of a projected predicate, the form the vectors use.
function describeProjection(t: Transform, source: PrimitiveType, p: BoundPredicate | undefined): JsonValue {
  if (p === undefined) return null
  expect(p.term).toEqual({ fieldId: 1000, name: 'part', type: resultType(t, source) })
  const human = (v: Parameters<typeof partitionToHumanString>[2]): string => partitionToHumanString(t, p.term.type, v)
  switch (p.kind) {
    case 'unary':
      return [p.op]
    case 'literal':
      return [p.op, human(p.value)]
    case 'set':
      return [p.op, ...p.values.map(human)]
  }
}

describe('projection vectors', () => {
  const cases = entries(file, 'cases')
  it.each(cases.map((e) => [`${String(e.type)} ${String(e.transform)} ${String(e.op)} ${JSON.stringify(e.value ?? e.values ?? '')}`, e] as const))(
    '%s',
    (_, e) => {
      const type = primitiveOf(e.type)
      const t = parseTransform(e.transform as string)
      const pred = predicate(type, e.op as PredicateOp, e)
      const target = { fieldId: 1000, name: 'part', transform: t, sourceId: 1 }
      expect(describeProjection(t, type, projectInclusive(pred, target)), 'inclusive').toEqual(e.inclusive)
      expect(describeProjection(t, type, projectStrict(pred, target)), 'strict').toEqual(e.strict)
      // where floe gives up on one predicate (truncate near the int/long minimum), its expression form is
      // Java's predicate plus the wrapped partition: `or part = T(MIN)` (inclusive), `and part != T(MIN)` (strict)
      const wrapped = (): string => partitionToHumanString(t, resultType(t, type), applyTransform(t, type, type.kind === 'long' ? -(2n ** 63n) : -(2 ** 31)))
      // a long column may have been an int: its expression form also names the int-era wrapped partition
      // 2^31 - r (r = -2^31 mod W), the outermost term
      const intEra = (x: BoundExpression | undefined, kind: 'or' | 'and', op: string): BoundExpression | undefined => {
        if (type.kind !== 'long' || t.kind !== 'truncate' || x?.kind !== kind) return x
        const w = BigInt(t.width)
        const intWrapped = 2n ** 31n - ((((-(2n ** 31n)) % w) + w) % w)
        expect(x.right).toMatchObject({ op, value: intWrapped })
        return x.left
      }
      const withWrapped = (e0: BoundExpression | undefined, kind: 'or' | 'and', op: string): JsonValue => {
        const x = intEra(e0, kind, op)
        return x?.kind === kind ? [describeProjection(t, type, x.left as BoundPredicate), describeProjection(t, type, x.right as BoundPredicate)] : ['unexpected', x?.kind ?? 'none', op]
      }
      if (e.java_inclusive !== undefined) expect(withWrapped(projectInclusiveExpression(pred, target), 'or', 'eq')).toEqual([e.java_inclusive, ['eq', wrapped()]])
      if (e.java_strict !== undefined) expect(withWrapped(projectStrictExpression(pred, target), 'and', 'notEq')).toEqual([e.java_strict, ['notEq', wrapped()]])
    },
  )

  it('projects nothing for a predicate on another column', () => {
    const type = primitiveOf('int')
    const pred = predicate(type, 'eq', { value: 34 })
    expect(projectInclusive(pred, { fieldId: 1000, name: 'part', transform: parseTransform('identity'), sourceId: 2 })).toBeUndefined()
  })
})
