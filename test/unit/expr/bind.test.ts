import { describe, expect, it } from 'vitest'
import { bind, exprToString, resolveColumn, unbind } from '../../../src/expr/bind.js'
import {
  and,
  equal,
  greaterThan,
  greaterThanOrEqual,
  isIn,
  isNaN,
  isNull,
  lessThan,
  lessThanOrEqual,
  not,
  notEqual,
  notIn,
  notNaN,
  notNull,
  or,
  startsWith,
  type BoundExpression,
  type Expression,
} from '../../../src/expr/expression.js'
import { isFloeError } from '../../../src/errors.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { uuidToBytes } from '../../../src/spec/values.js'

const S = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'data', T.string),
  field(3, 'ts', T.timestamptz),
  field(4, 'location', T.struct([field(5, 'lat', T.double, { required: true }), field(6, 'lon', T.float)]), { required: true }),
  field(7, 'a.b', T.int),
  field(8, 'a', T.struct([field(9, 'b', T.string)])),
  field(10, 'price', T.decimal(9, 2)),
  field(11, 'tags', T.list(12, T.struct([field(13, 'k', T.string)]))),
  field(14, 'props', T.map(15, T.string, 16, T.int)),
  field(17, 'n', T.int),
  field(18, 'd', T.date),
  field(19, 't', T.time),
  field(20, 'local', T.timestamp),
  field(21, 'nanos', T.timestamptzNs),
  field(22, 'u', T.uuid),
  field(23, 'f', T.fixed(2)),
  field(24, 'bin', T.binary),
  field(25, 'Mixed', T.int),
  field(26, 'opt', T.struct([field(27, 'req', T.int, { required: true })])),
  field(28, 'nothing', T.unknown),
  field(29, 'flag', T.boolean),
])

function code(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return isFloeError(e) ? `${e.code}: ${e.message}` : String(e)
  }
  return undefined
}

const lit = (e: BoundExpression): unknown => (e.kind === 'literal' ? e.value : e.kind === 'set' ? e.values : e.kind)

describe('column resolution', () => {
  it('resolves top-level, dotted nested names and prefers a column whose own name has the dot', () => {
    expect(resolveColumn(S, 'location.lat').field.id).toBe(5)
    expect(resolveColumn(S, 'a.b').field.id).toBe(7)
    expect(bind(S, equal('a.b', 1))).toMatchObject({ term: { fieldId: 7, name: 'a.b', type: T.int } })
  })

  it('matches case-insensitively when asked, and keeps the schema spelling', () => {
    expect(bind(S, equal('MIXED', 1), false)).toMatchObject({ term: { fieldId: 25, name: 'Mixed' } })
    expect(bind(S, equal('Location.LAT', 1), false)).toMatchObject({ term: { fieldId: 5, name: 'location.lat' } })
    expect(code(() => bind(S, equal('MIXED', 1)))).toMatch(/INVALID_ARGUMENT: Cannot find column 'MIXED'.*did you mean: Mixed/)
  })

  it('names close matches when a column is missing', () => {
    expect(code(() => bind(S, equal('dat', 'x')))).toMatch(/Cannot find column 'dat' in schema 0 \(did you mean: data/)
  })

  it('rejects nested types and fields inside lists and maps', () => {
    expect(code(() => bind(S, isNull('location')))).toMatch(/INVALID_ARGUMENT: Cannot filter on column 'location' of type struct/)
    expect(code(() => bind(S, isNull('tags')))).toMatch(/of type list/)
    expect(code(() => bind(S, equal('tags.element.k', 'x')))).toMatch(/inside a list \(tags\)/)
    expect(code(() => bind(S, equal('props.value', 1)))).toMatch(/inside a map \(props\)/)
  })
})

describe('unary predicates', () => {
  it('folds null tests on never-null columns only (every parent struct required)', () => {
    expect(bind(S, isNull('id'))).toEqual({ kind: 'false' })
    expect(bind(S, notNull('id'))).toEqual({ kind: 'true' })
    expect(bind(S, isNull('location.lat'))).toEqual({ kind: 'false' })
    expect(bind(S, isNull('opt.req'))).toMatchObject({ kind: 'unary', op: 'isNull' })
    expect(bind(S, not(isNull('id')))).toEqual({ kind: 'true' })
  })

  it('treats the unknown type as always null', () => {
    expect(bind(S, isNull('nothing'))).toEqual({ kind: 'true' })
    expect(bind(S, notNull('nothing'))).toEqual({ kind: 'false' })
  })

  it('allows NaN tests only on float and double', () => {
    expect(bind(S, isNaN('location.lon'))).toMatchObject({ op: 'isNaN', term: { fieldId: 6 } })
    expect(code(() => bind(S, isNaN('n')))).toMatch(/INVALID_ARGUMENT: isNaN cannot be used with non-floating-point column 'n'/)
  })
})

describe('literal conversion', () => {
  it('folds int literals outside the int range (Java aboveMax/belowMin) to what they mean for non-null rows', () => {
    expect(bind(S, lessThan('n', 2 ** 31))).toMatchObject({ kind: 'unary', op: 'notNull', term: { fieldId: 17 } })
    expect(bind(S, greaterThanOrEqual('n', -(2 ** 31) - 1))).toMatchObject({ kind: 'unary', op: 'notNull' })
    expect(bind(S, greaterThan('n', 2 ** 31))).toEqual({ kind: 'false' })
    expect(bind(S, notEqual('n', -(2 ** 31) - 1))).toEqual({ kind: 'true' })
    expect(bind(S, equal('n', 2n ** 40n))).toEqual({ kind: 'false' })
    expect(bind(S, isIn('n', [2 ** 40, 3]))).toMatchObject({ kind: 'literal', op: 'eq', value: 3 })
    expect(bind(S, isIn('n', [2 ** 40]))).toEqual({ kind: 'false' })
    expect(bind(S, notIn('n', [2 ** 40]))).toEqual({ kind: 'true' })
    expect(bind(S, lessThan('id', 2n ** 63n))).toEqual({ kind: 'true' }) // required: notNull folds to true
  })

  it('converts numbers, bigints and numeric text to the column representation', () => {
    expect(lit(bind(S, equal('id', 5)))).toBe(5n)
    expect(lit(bind(S, equal('id', '5')))).toBe(5n)
    expect(lit(bind(S, equal('n', 7n)))).toBe(7)
    expect(lit(bind(S, equal('location.lon', 0.1)))).toBe(Math.fround(0.1))
    expect(bind(S, lessThan('location.lon', 1e39))).toMatchObject({ kind: 'literal', op: 'lt', value: Infinity })
    expect(code(() => bind(S, equal('n', 1.5)))).toMatch(/INVALID_ARGUMENT: Invalid value for conversion to type int of column 'n'/)
    expect(code(() => bind(S, equal('data', 5)))).toMatch(/type string/)
  })

  it('rescales decimals exactly and compares a literal finer than the scale by value', () => {
    expect(lit(bind(S, equal('price', '14.2')))).toBe(1420n)
    expect(lit(bind(S, equal('price', 14.25)))).toBe(1425n)
    expect(lit(bind(S, equal('price', 3n)))).toBe(300n)
    expect(lit(bind(S, equal('price', '1.500')))).toBe(150n)
    expect(bind(S, equal('price', '1.505'))).toEqual({ kind: 'false' })
    expect(bind(S, notEqual('price', '1.505'))).toEqual({ kind: 'true' })
    expect(bind(S, lessThan('price', '10.005'))).toMatchObject({ op: 'ltEq', value: 1000n })
    expect(bind(S, lessThan('price', 10.005))).toMatchObject({ op: 'ltEq', value: 1000n })
    expect(bind(S, greaterThan('price', '-10.005'))).toMatchObject({ op: 'gtEq', value: -1000n })
    expect(bind(S, lessThanOrEqual('price', '-0.001'))).toMatchObject({ op: 'ltEq', value: -1n })
    expect(bind(S, greaterThanOrEqual('price', '1e-30'))).toMatchObject({ op: 'gtEq', value: 1n })
    expect(bind(S, isIn('price', ['1.505', '1.5', '2e-9']))).toMatchObject({ op: 'eq', value: 150n })
    expect(bind(S, notIn('price', ['1.505']))).toEqual({ kind: 'true' })
    expect(bind(S, lessThan('price', '10000000'))).toMatchObject({ kind: 'unary', op: 'notNull' })
    expect(bind(S, greaterThan('price', '9999999.995'))).toEqual({ kind: 'false' })
    expect(bind(S, lessThan('price', '9999999.995'))).toMatchObject({ op: 'ltEq', value: 999999999n })
    expect(bind(S, lessThan('price', '1e999999999'))).toMatchObject({ kind: 'unary', op: 'notNull' })
  })

  it('parses ISO text for date, time and timestamps as Java does', () => {
    expect(lit(bind(S, equal('d', '2017-11-16')))).toBe(17486)
    expect(lit(bind(S, equal('t', '22:31:08')))).toBe(81068000000n)
    expect(lit(bind(S, equal('ts', '2017-11-16T14:31:08-08:00')))).toBe(1510871468000000n)
    expect(lit(bind(S, equal('ts', '2017-11-16')))).toBe(1510790400000000n)
    expect(lit(bind(S, equal('local', '2017-11-16T22:31:08')))).toBe(1510871468000000n)
    expect(lit(bind(S, equal('local', '2017-11-16T22:31:08Z')))).toBe(1510871468000000n)
    expect(lit(bind(S, equal('nanos', '2017-11-16T22:31:08.000001001+00:00')))).toBe(1510871468000001001n)
    expect(code(() => bind(S, equal('ts', '2017-11-16T22:31:08')))).toMatch(/needs a zone offset/)
    expect(code(() => bind(S, equal('local', '2017-11-16T22:31:08+01:00')))).toMatch(/non-UTC offset/)
    expect(code(() => bind(S, equal('d', '2017-13-01')))).toMatch(/INVALID_ARGUMENT/)
  })

  it('converts Date objects to the column unit', () => {
    const when = new Date(Date.UTC(2017, 10, 16, 22, 31, 8))
    expect(lit(bind(S, equal('ts', when)))).toBe(1510871468000000n)
    expect(lit(bind(S, equal('nanos', when)))).toBe(1510871468000000000n)
    expect(lit(bind(S, equal('d', new Date(Date.UTC(2017, 10, 16)))))).toBe(17486)
    expect(code(() => bind(S, equal('d', when)))).toMatch(/INVALID_ARGUMENT: .*column 'd'.*midnight UTC/)
  })

  it("reads integers in the column's own unit (floe's value representation: µs, ns for *_ns)", () => {
    expect(lit(bind(S, equal('nanos', 1510871468000001001n)))).toBe(1510871468000001001n)
    expect(lit(bind(S, equal('local', 1510871468000001n)))).toBe(1510871468000001n)
    expect(bind(S, lessThan('nanos', 2n ** 63n))).toMatchObject({ kind: 'unary', op: 'notNull' })
    expect(bind(S, greaterThan('nanos', -(2n ** 63n) - 1n))).toMatchObject({ kind: 'unary', op: 'notNull' })
    expect(unbind(bind(S, equal('nanos', 1510871468000001001n)))).toMatchObject({ value: '2017-11-16T22:31:08.000001001+00:00' })
    // a Date beyond the nanosecond range folds like any out-of-range literal
    expect(bind(S, equal('nanos', new Date('2300-01-01T00:00:00Z')))).toEqual({ kind: 'false' })
    expect(bind(S, lessThan('nanos', new Date('2300-01-01T00:00:00Z')))).toMatchObject({ kind: 'unary', op: 'notNull' })
  })

  it('binds the printed form of a Date back to the same day on a date column, and nothing looser', () => {
    const e = equal('d', new Date('2017-11-16T00:00:00Z'))
    expect(exprToString(e)).toBe("d = '2017-11-16T00:00:00.000Z'")
    expect(bind(S, parseFilter(exprToString(e)))).toEqual(bind(S, e))
    expect(lit(bind(S, equal('d', '2017-11-16T00:00:00+00:00')))).toBe(17486)
    expect(lit(bind(S, equal('d', '2017-11-16T00:00')))).toBe(17486)
    expect(lit(bind(S, equal('d', '-0001-01-01T00:00:00Z')))).toBe(lit(bind(S, equal('d', '-0001-01-01'))))
    expect(code(() => bind(S, equal('d', '2017-11-16T00:00:00.001Z')))).toMatch(/midnight UTC/)
    expect(code(() => bind(S, equal('d', '2017-11-16T00:00:00+01:00')))).toMatch(/midnight UTC/)
    expect(code(() => bind(S, equal('d', '2017-11-31')))).toMatch(/Invalid ISO-8601 date/)
    expect(code(() => bind(S, equal('d', '2017-11-16T25:00:00Z')))).toMatch(/INVALID_ARGUMENT/)
  })

  it('takes uuid text or 16 bytes, hex text or bytes for fixed and binary', () => {
    const u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'
    expect(lit(bind(S, equal('u', u)))).toEqual(uuidToBytes(u))
    expect(lit(bind(S, equal('f', 'ABcd')))).toEqual(Uint8Array.of(0xab, 0xcd))
    expect(code(() => bind(S, equal('f', Uint8Array.of(1))))).toMatch(/expected 2 bytes/)
    expect(lit(bind(S, equal('bin', Uint8Array.of(1, 2, 3))))).toEqual(Uint8Array.of(1, 2, 3))
    expect(code(() => bind(S, equal('u', 'nope')))).toMatch(/expected a UUID string/)
  })

  it('checks startsWith needs a string column and prefix', () => {
    expect(bind(S, startsWith('data', 'ab'))).toMatchObject({ op: 'startsWith', value: 'ab' })
    expect(code(() => bind(S, startsWith('n', '1')))).toMatch(/startsWith needs a string column/)
  })

  it('refuses NaN literals (Java Literals.from, PyIceberg) naming the column and the NaN tests', () => {
    for (const e of [equal('location.lon', NaN), notEqual('location.lon', NaN), isIn('location.lon', [NaN, 1]), notIn('location.lon', [NaN]), lessThan('location.lon', NaN)])
      expect(code(() => bind(S, e))).toMatch(/INVALID_ARGUMENT: Invalid literal NaN for column 'location.lon': use 'location.lon is nan' or 'location.lon is not nan'/)
    // the string 'NaN' converts to NaN on float columns and is refused the same way
    expect(code(() => bind(S, equal('location.lon', 'NaN')))).toMatch(/Invalid literal NaN/)
    expect(code(() => bind(S, equal('n', NaN)))).toMatch(/INVALID_ARGUMENT/)
    // the NaN tests themselves still bind, unbind and re-bind as NaN tests
    const b = bind(S, or(isNaN('location.lon'), notNaN('location.lon')))
    expect(bind(S, unbind(b))).toEqual(b)
    expect(unbind(bind(S, isNaN('location.lon')))).toEqual(isNaN('location.lon'))
  })

  it('sorts and de-duplicates set values, collapsing one value to eq/notEq', () => {
    expect(bind(S, isIn('data', ['b', 'a', 'b']))).toMatchObject({ kind: 'set', op: 'in', values: ['a', 'b'] })
    expect(bind(S, notIn('id', [3, 3n]))).toMatchObject({ kind: 'literal', op: 'notEq', value: 3n })
    expect(bind(S, isIn('data', []))).toEqual({ kind: 'false' })
  })
})

describe('unbind and text form', () => {
  it('unbinds to full names and literals that bind back to the same values', () => {
    const e: Expression = and(
      greaterThan('ts', '2024-01-01T10:00:00.5+02:00'),
      isIn('price', ['1.5', 2]),
      lessThanOrEqual('t', '23:59:59.999999'),
      equal('u', 'F79C3E09-677C-4BBD-A479-3F349CB785E7'),
      equal('A.B', 1),
    )
    const b = bind(S, e, false)
    const u = unbind(b)
    expect(bind(S, u)).toEqual(b)
    expect(exprToString(b)).toBe(
      "ts > '2024-01-01T08:00:00.5+00:00' and price in ('1.50', '2.00') and t <= '23:59:59.999999'" +
        " and u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7' and a.b = 1",
    )
  })

  it('prints the minimum of parentheses that keeps the tree', () => {
    const x = equal('x', 1)
    const y = equal('y', 2)
    const z = equal('z', 3)
    expect(exprToString({ kind: 'and', left: { kind: 'or', left: x, right: y }, right: z })).toBe('(x = 1 or y = 2) and z = 3')
    expect(exprToString({ kind: 'or', left: x, right: { kind: 'and', left: y, right: z } })).toBe('x = 1 or y = 2 and z = 3')
    // a chain prints flat when the parser rebuilds that shape (a balanced tree), else keeps its grouping
    expect(exprToString({ kind: 'and', left: x, right: { kind: 'and', left: y, right: z } })).toBe('x = 1 and y = 2 and z = 3')
    expect(exprToString({ kind: 'and', left: { kind: 'and', left: x, right: y }, right: z })).toBe('(x = 1 and y = 2) and z = 3')
    expect(exprToString(not({ kind: 'or', left: x, right: isNull('weird name') }))).toBe('not (x = 1 or "weird name" is null)')
    expect(exprToString(startsWith('s', "50%'s\\x"))).toBe("s like '50\\%''s\\x%'")
    expect(exprToString(equal('b', Uint8Array.of(0, 255)))).toBe("b = X'00FF'")
    expect(exprToString(equal('n', -0))).toBe('n = -0.0')
    expect(exprToString(equal('n', 2 ** 60))).toBe('n = 1152921504606847000.0')
  })
})
