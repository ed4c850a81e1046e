// PyIceberg row-filter syntax floe also reads (`between`, backslash escapes in "…" identifiers) and the
// text round trip: exprToString output parses back to the same tree, and Date literals bind back to the
// same value.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { bind } from '../../../src/expr/bind.js'
import { and, equal, greaterThanOrEqual, lessThan, lessThanOrEqual, or, type Expression } from '../../../src/expr/expression.js'
import { exprToString } from '../../../src/expr/format.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { unboundExprArb } from '../../property/arbitraries/expr.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) }

function failure(text: string): string {
  try {
    parseFilter(text)
  } catch (e) {
    if (isFloeError(e, 'INVALID_ARGUMENT')) return e.message
    throw e
  }
  throw new Error(`parsed: ${text}`)
}

describe('between', () => {
  it('reads `x between a and b` as `x >= a and x <= b`, like PyIceberg', () => {
    expect(parseFilter('x between 1 and 5')).toEqual(and(greaterThanOrEqual('x', 1), lessThanOrEqual('x', 5)))
    expect(parseFilter('x BETWEEN 1 AND 5 and y = 2')).toEqual(and(and(greaterThanOrEqual('x', 1), lessThanOrEqual('x', 5)), equal('y', 2)))
    expect(parseFilter("d between '2025-05-10' and '2025-05-12'")).toEqual(
      and(greaterThanOrEqual('d', '2025-05-10'), lessThanOrEqual('d', '2025-05-12')),
    )
    expect(parseFilter('a.b between -1.5 and 2e3 or y < 1')).toEqual(
      or(and(greaterThanOrEqual('a.b', -1.5), lessThanOrEqual('a.b', 2000)), lessThan('y', 1)),
    )
    expect(parseFilter('not x between 1 and 3')).toEqual({ kind: 'not', child: and(greaterThanOrEqual('x', 1), lessThanOrEqual('x', 3)) })
    // a column may still be called between
    expect(parseFilter('between = 1')).toEqual(equal('between', 1))
  })

  it('rejects `not between` (PyIceberg has none) and a missing `and`', () => {
    expect(failure('x not between 1 and 3')).toMatch(/expected a comparison, 'is', 'in', 'like' or 'between' after column 'x', found 'between'/)
    expect(failure('x between 1 or 3')).toMatch(/expected 'and' in 'between', found 'or' at position 12/)
    expect(failure('x between 1')).toMatch(/expected 'and' in 'between', found end of input/)
    expect(failure('x between and 3')).toMatch(/expected a literal/)
  })

  it('binds like the two comparisons', () => {
    const s = schema([field(1, 'x', T.int)])
    expect(bind(s, parseFilter('x between 1 and 5'))).toEqual(bind(s, parseFilter('x >= 1 and x <= 5')))
  })
})

describe('quoted identifiers', () => {
  it('read a backslash as a quote, as PyIceberg does, and a doubled quote as one too', () => {
    expect(parseFilter('"a\\b" = 1')).toEqual(equal('a"b', 1))
    expect(parseFilter('"a\\" = 1')).toEqual(equal('a"', 1))
    expect(parseFilter('"a\\\\b" = 1')).toEqual(equal('a""b', 1))
    expect(parseFilter('"a""b" = 1')).toEqual(equal('a"b', 1))
    expect(parseFilter('`a\\b` = 1')).toEqual(equal('a\\b', 1))
    expect(parseFilter('"a.b" = 1')).toEqual(equal('a.b', 1))
    expect(parseFilter('"Foo Bar".c = 1')).toEqual(equal('Foo Bar.c', 1))
    // PyIceberg ends the name at `\"` too, so the last quote opens a name that never closes
    expect(failure('"a\\"b" = 1')).toMatch(/unterminated quoted identifier at position 5/)
    expect(failure('"a\\"b = 1')).toMatch(/after column 'a"', found 'b'/)
  })

  it('print so that they parse back, each dotted part quoted on its own', () => {
    for (const name of ['a"b', 'a\\', '\\', '\\"', 'a\\"b', '""', 'x.y z', 'between', 'and', 'a`b\\'])
      expect(parseFilter(exprToString(equal(name, 1)))).toEqual(equal(name, 1))
    expect(exprToString(equal('a"b', 1))).toBe('"a\\b" = 1')
    expect(exprToString(equal('x.y z', 1))).toBe('x."y z" = 1')
    expect(exprToString(equal('a\\"b', 1))).toBe('`a\\"b` = 1')
  })
})

describe('text round trip', () => {
  const names = fc.oneof(
    fc.constantFrom('a', 'b.c', 'between', 'and', 'a"b', 'a\\', '\\"', 'x y', 'a..b', 'é'),
    fc.string({ maxLength: 4, unit: fc.constantFrom('a', '"', '\\', '.', ' ', '`', "'") }),
  )

  it('parseFilter(exprToString(e)) rebuilds e, for column names with quotes, backslashes and dots', () => {
    fc.assert(
      fc.property(unboundExprArb(2, names), (e: Expression) => {
        expect(parseFilter(exprToString(e))).toEqual(e)
      }),
      runs,
    )
  })

  it('a Date literal prints as text that binds to the same value on date and timestamp columns', () => {
    const s = schema([field(1, 'd', T.date), field(2, 'ts', T.timestamptz), field(3, 'local', T.timestamp), field(4, 'ns', T.timestampNs)])
    const DAY = 86_400_000
    const MAX_DAYS = 100_000_000 // the range of a JS Date
    const dates = fc.integer({ min: -MAX_DAYS, max: MAX_DAYS }).map((d) => new Date(d * DAY))
    const instants = fc.integer({ min: -MAX_DAYS * DAY, max: MAX_DAYS * DAY }).map((ms) => new Date(ms))
    fc.assert(
      fc.property(dates, instants, (day, when) => {
        const e = equal('d', day)
        expect(bind(s, parseFilter(exprToString(e)))).toEqual(bind(s, e))
        for (const c of ['ts', 'local', 'ns']) {
          const t = equal(c, when)
          expect(bind(s, parseFilter(exprToString(t)))).toEqual(bind(s, t))
        }
        // a Date that is not a UTC midnight is rejected on a date column, in either form
        if (when.getTime() % DAY !== 0) {
          expect(() => bind(s, equal('d', when))).toThrow(/midnight UTC/)
          expect(() => bind(s, parseFilter(exprToString(equal('d', when))))).toThrow(/midnight UTC/)
        }
      }),
      runs,
    )
  })
})
