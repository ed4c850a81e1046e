import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
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
  notEqual,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  startsWith,
  NumberText,
  type Expression,
} from '../../../src/expr/expression.js'
import { parseFilter } from '../../../src/expr/parse.js'

const not = (child: Expression): Expression => ({ kind: 'not', child })

function failure(text: string): { message: string; position: unknown } {
  try {
    parseFilter(text)
  } catch (e) {
    if (isFloeError(e, 'INVALID_ARGUMENT')) return { message: e.message, position: e.context.position }
    throw e
  }
  throw new Error(`parsed: ${text}`)
}

describe('parseFilter', () => {
  it('parses comparisons, sets and connectives', () => {
    expect(parseFilter("ts >= '2024-01-01' and id in (1,2)")).toEqual(and(greaterThanOrEqual('ts', '2024-01-01'), isIn('id', [1, 2])))
    expect(parseFilter('not (a = 1 or b is null)')).toEqual(not(or(equal('a', 1), isNull('b'))))
    expect(parseFilter('x is not null')).toEqual(notNull('x'))
    expect(parseFilter('x IS NaN or y is not nan')).toEqual(or(isNaN('x'), notNaN('y')))
    expect(parseFilter("c not in ('a', 'b')")).toEqual(notIn('c', ['a', 'b']))
  })

  it('accepts every comparison operator and flips a literal on the left', () => {
    expect(parseFilter('a = 1')).toEqual(equal('a', 1))
    expect(parseFilter('a == 1')).toEqual(equal('a', 1))
    expect(parseFilter('a != 1')).toEqual(notEqual('a', 1))
    expect(parseFilter('a <> 1')).toEqual(notEqual('a', 1))
    expect(parseFilter('a<1')).toEqual(lessThan('a', 1))
    expect(parseFilter('a <= -1')).toEqual(lessThanOrEqual('a', -1))
    expect(parseFilter('a > +1')).toEqual(greaterThan('a', 1))
    expect(parseFilter('5 < a')).toEqual(greaterThan('a', 5))
    expect(parseFilter("'x' >= a")).toEqual(lessThanOrEqual('a', 'x'))
  })

  it('binds not tighter than and, and tighter than or; chains form balanced trees (PyIceberg)', () => {
    const [a, b, c] = [equal('a', 1), equal('b', 2), equal('c', 3)]
    expect(parseFilter('a = 1 or b = 2 and c = 3')).toEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } })
    expect(parseFilter('a = 1 and b = 2 and c = 3')).toEqual({ kind: 'and', left: a, right: { kind: 'and', left: b, right: c } })
    expect(parseFilter('not a = 1 and b = 2')).toEqual({ kind: 'and', left: not(a), right: b })
    expect(parseFilter('not not a = 1')).toEqual(not(not(a)))
    expect(parseFilter('true and false')).toEqual({ kind: 'and', left: { kind: 'true' }, right: { kind: 'false' } })
  })

  it('turns LIKE with a trailing % into startsWith, without one into equality', () => {
    expect(parseFilter("s like 'abc%'")).toEqual(startsWith('s', 'abc'))
    expect(parseFilter("s not like 'abc%'")).toEqual(notStartsWith('s', 'abc'))
    expect(parseFilter("s LIKE 'abc'")).toEqual(equal('s', 'abc'))
    expect(parseFilter("s not like 'abc'")).toEqual(notEqual('s', 'abc'))
    expect(parseFilter("s like '50\\%%'")).toEqual(startsWith('s', '50%'))
    // PyIceberg: a '%' after a backslash is literal, `\%` becomes '%', nothing else is an escape
    expect(parseFilter("s like 'a\\\\%'")).toEqual(equal('s', 'a\\%'))
    expect(parseFilter("s like 'a\\\\b%'")).toEqual(startsWith('s', 'a\\\\b'))
    // floe's E'…' form escapes a backslash too (how a prefix ending in a backslash prints)
    expect(parseFilter("s like E'a\\\\\\\\%'")).toEqual(startsWith('s', 'a\\'))
    expect(parseFilter("s like 'it''s%'")).toEqual(startsWith('s', "it's"))
    expect(failure("s like 'a%b'").message).toMatch(/only a trailing '%' wildcard at position 7/)
  })

  it('reads quoted and dotted column names', () => {
    expect(parseFilter('location.lat > 1')).toEqual(greaterThan('location.lat', 1))
    expect(parseFilter('"weird name" = 1')).toEqual(equal('weird name', 1))
    expect(parseFilter('`a.b` = 1')).toEqual(equal('a.b', 1))
    expect(parseFilter('"x"."and" is null')).toEqual(isNull('x.and'))
    expect(parseFilter('"say ""hi""" = 1')).toEqual(equal('say "hi"', 1))
    expect(parseFilter('col_1$ = true')).toEqual(equal('col_1$', true))
  })

  it('reads numbers, bigints, decimals, booleans, strings and bytes', () => {
    expect(parseFilter('a = 9007199254740993')).toEqual(equal('a', 9007199254740993n))
    expect(parseFilter('a = -9223372036854775808')).toEqual(equal('a', -9223372036854775808n))
    expect(parseFilter('a = 1.5')).toEqual(equal('a', 1.5))
    expect(parseFilter('a = .5')).toEqual(equal('a', 0.5))
    expect(parseFilter('a = 1e-7')).toEqual(equal('a', 1e-7))
    expect(parseFilter('a = -0.0')).toEqual(equal('a', -0))
    // a double cannot hold this decimal exactly: it stays exact number text so a decimal column binds it exactly
    expect(parseFilter('a = 12345678901234567.89')).toEqual(equal('a', new NumberText('12345678901234567.89')))
    expect(parseFilter('a = FALSE')).toEqual(equal('a', false))
    expect(parseFilter("a = 'it''s'")).toEqual(equal('a', "it's"))
    expect(parseFilter("a = x'00ff'")).toEqual(equal('a', Uint8Array.of(0, 255)))
    expect(parseFilter("a in (X'01', x'02')")).toEqual(isIn('a', [Uint8Array.of(1), Uint8Array.of(2)]))
    // a column named x compared with a string is not a byte literal
    expect(parseFilter("x='ab' or (x='cd')")).toEqual(or(equal('x', 'ab'), equal('x', 'cd')))
    expect(parseFilter('a in ()')).toEqual(isIn('a', []))
  })

  it('reports syntax errors with their position', () => {
    expect(failure('a = 1 and')).toEqual({ message: expect.stringMatching(/expected a column name, found end of input at position 9/), position: 9 })
    expect(failure('a = ')).toMatchObject({ position: 4 })
    expect(failure("a = 'open").message).toMatch(/unterminated string at position 4/)
    expect(failure('a = 1)').message).toMatch(/unexpected '\)' at position 5/)
    expect(failure('(a = 1').message).toMatch(/expected '\)'/)
    expect(failure('a is maybe').message).toMatch(/expected 'null' or 'nan'/)
    expect(failure('a = null').message).toMatch(/use 'is null'/)
    expect(failure('and').message).toMatch(/expected a column name, found 'and' \(quote a column named like a keyword: "and"\) at position 0/)
    expect(failure('a = 1x').message).toMatch(/invalid number/)
    expect(failure('a # 1').message).toMatch(/unexpected character '#' at position 2/)
    expect(failure("a = X'0'").message).toMatch(/invalid hex/)
    expect(failure('   ').message).toMatch(/empty filter/)
  })
})
