import { describe, expect, it } from 'vitest'
import type { BoundPredicate, BoundReference } from '../../../src/expr/expression.js'
import { projectInclusive, projectStrict, type ProjectionTarget } from '../../../src/expr/project.js'
import { parseTransform, Transforms, type Transform } from '../../../src/spec/transform.js'
import { T, type PrimitiveType, type Value } from '../../../src/spec/types.js'

const col = (type: PrimitiveType): BoundReference => ({ fieldId: 7, name: 'col', type })
const target = (transform: Transform): ProjectionTarget => ({ fieldId: 1000, name: 'p', transform, sourceId: 7 })
const lit = (type: PrimitiveType, op: 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'eq' | 'notEq' | 'startsWith' | 'notStartsWith', value: Value): BoundPredicate => ({
  kind: 'literal',
  op,
  term: col(type),
  value,
})

describe('projection output', () => {
  it('targets the partition field with the transform result type', () => {
    const p = projectInclusive(lit(T.timestamp, 'eq', 0n), target(Transforms.day))
    expect(p).toEqual({ kind: 'literal', op: 'eq', term: { fieldId: 1000, name: 'p', type: T.date }, value: 0 })
    const b = projectInclusive(lit(T.string, 'eq', 'iceberg'), target(Transforms.bucket(16)))
    expect(b).toEqual({ kind: 'literal', op: 'eq', term: { fieldId: 1000, name: 'p', type: T.int }, value: 9 })
  })

  it('de-duplicates and sorts set values, collapsing single values to eq/notEq', () => {
    const set: BoundPredicate = { kind: 'set', op: 'in', term: col(T.int), values: [125, 99, 101, 120] }
    expect(projectInclusive(set, target(Transforms.truncate(10)))).toMatchObject({ kind: 'set', op: 'in', values: [90, 100, 120] })
    const one: BoundPredicate = { kind: 'set', op: 'notIn', term: col(T.int), values: [101, 109] }
    expect(projectStrict(one, target(Transforms.truncate(10)))).toMatchObject({ kind: 'literal', op: 'notEq', value: 100 })
  })

  it('projects nothing for other columns, void, unknown and inapplicable transforms', () => {
    const p = lit(T.int, 'eq', 1)
    expect(projectInclusive(p, { ...target(Transforms.identity), sourceId: 8 })).toBeUndefined()
    expect(projectInclusive(p, { fieldId: 1000, name: 'p', transform: Transforms.identity })).toBeDefined()
    expect(projectInclusive(p, target(Transforms.void))).toBeUndefined()
    expect(projectStrict(p, target(parseTransform('zorder')))).toBeUndefined()
    expect(projectInclusive(p, target(Transforms.day))).toBeUndefined()
  })
})

describe('unary predicates', () => {
  it('keeps null tests for every transform and NaN tests only for identity', () => {
    const isNull: BoundPredicate = { kind: 'unary', op: 'isNull', term: col(T.long) }
    for (const t of [Transforms.identity, Transforms.bucket(4), Transforms.truncate(3)]) {
      expect(projectInclusive(isNull, target(t))).toMatchObject({ kind: 'unary', op: 'isNull' })
      expect(projectStrict(isNull, target(t))).toMatchObject({ kind: 'unary', op: 'isNull' })
    }
    const ts: BoundPredicate = { kind: 'unary', op: 'notNull', term: col(T.timestamptz) }
    expect(projectStrict(ts, target(Transforms.hour))).toMatchObject({ op: 'notNull', term: { type: T.int } })
    const nan: BoundPredicate = { kind: 'unary', op: 'isNaN', term: col(T.double) }
    expect(projectInclusive(nan, target(Transforms.identity))).toMatchObject({ op: 'isNaN' })
  })
})

describe('boundaries', () => {
  it('gives no projection when the adjacent source value leaves the type range', () => {
    expect(projectInclusive(lit(T.int, 'lt', -2147483648), target(Transforms.truncate(10)))).toBeUndefined()
    expect(projectStrict(lit(T.int, 'ltEq', 2147483647), target(Transforms.truncate(10)))).toBeUndefined()
    expect(projectInclusive(lit(T.long, 'gt', 2n ** 63n - 1n), target(Transforms.truncate(10)))).toBeUndefined()
    expect(projectInclusive(lit(T.timestamp, 'gt', 2n ** 63n - 1n), target(Transforms.day))).toBeUndefined()
    expect(projectInclusive(lit(T.decimal(3, 0), 'gt', 999n), target(Transforms.truncate(10)))).toBeUndefined()
    expect(projectInclusive(lit(T.decimal(3, 0), 'gtEq', 999n), target(Transforms.truncate(10)))).toMatchObject({ op: 'gtEq', value: 990n })
  })

  it('truncates strings by code points when comparing prefix lengths', () => {
    // '😀😀' is 2 code points but 4 UTF-16 units: with width 2 it equals its own truncation.
    expect(projectInclusive(lit(T.string, 'startsWith', '😀😀'), target(Transforms.truncate(2)))).toMatchObject({ op: 'eq', value: '😀😀' })
    expect(projectInclusive(lit(T.string, 'startsWith', '😀😀😀'), target(Transforms.truncate(2)))).toMatchObject({
      op: 'startsWith',
      value: '😀😀',
    })
    expect(projectStrict(lit(T.string, 'notStartsWith', '😀😀😀'), target(Transforms.truncate(2)))).toMatchObject({
      op: 'notStartsWith',
      value: '😀😀',
    })
  })

  it('does not project startsWith on non-string columns', () => {
    expect(projectInclusive(lit(T.binary, 'startsWith', Uint8Array.of(1)), target(Transforms.truncate(2)))).toBeUndefined()
    expect(projectInclusive(lit(T.int, 'startsWith', 1), target(Transforms.truncate(2)))).toBeUndefined()
  })

  it('widens pre-1970 temporal projections but not date → day', () => {
    expect(projectInclusive(lit(T.date, 'eq', -1), target(Transforms.day))).toMatchObject({ op: 'eq', value: -1 })
    expect(projectInclusive(lit(T.timestamp, 'eq', -1n), target(Transforms.day))).toMatchObject({ op: 'in', values: [-1, 0] })
    expect(projectStrict(lit(T.date, 'gt', -5), target(Transforms.day))).toMatchObject({ op: 'gt', value: -5 })
    expect(projectStrict(lit(T.timestamp, 'gt', 0n), target(Transforms.day))).toMatchObject({ op: 'gt', value: 1 })
  })
})
