// Row-filter text read the way PyIceberg's parser reads it (pyiceberg/expressions/parser.py), printed so
// PyIceberg reads it back, and literals bound the way Java's Literals convert them.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { bind, unbind } from '../../../src/expr/bind.js'
import { rowEvaluator } from '../../../src/expr/eval-row.js'
import {
  and,
  equal,
  greaterThan,
  greaterThanOrEqual,
  isIn,
  isNull,
  lessThan,
  lessThanOrEqual,
  not,
  notEqual,
  NumberText,
  or,
  startsWith,
  type BoundExpression,
  type Expression,
} from '../../../src/expr/expression.js'
import { exprToString } from '../../../src/expr/format.js'
import { convertLiteral, valueToLiteral } from '../../../src/expr/literal.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'

function error(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    if (isFloeError(e)) return `${e.code}: ${e.message}`
    throw e
  }
  throw new Error('no error')
}

// depth of an and/or tree
function depth(e: Expression | BoundExpression): number {
  if (e.kind === 'and' || e.kind === 'or') return 1 + Math.max(depth(e.left), depth(e.right))
  if (e.kind === 'not') return 1 + depth(e.child)
  return 0
}

describe('numbers', () => {
  it('read a leading-dot number right after a keyword', () => {
    expect(parseFilter('x between .5 and 1')).toEqual(and(greaterThanOrEqual('x', 0.5), lessThanOrEqual('x', 1)))
    expect(parseFilter('x between 0 and .5')).toEqual(and(greaterThanOrEqual('x', 0), lessThanOrEqual('x', 0.5)))
    expect(parseFilter('a = 1 and .5 < b')).toEqual(and(equal('a', 1), greaterThan('b', 0.5)))
    expect(parseFilter('a = 1 or .5 = b')).toEqual(or(equal('a', 1), equal('b', 0.5)))
    expect(parseFilter('not .5 < a')).toEqual(not(greaterThan('a', 0.5)))
    expect(parseFilter('a in (.5, -.25)')).toEqual(isIn('a', [0.5, -0.25]))
  })

  it('read the integer -0 as 0 and -0.0 as the double -0', () => {
    const e = parseFilter('d > -0')
    expect(e).toEqual(greaterThan('d', 0))
    expect(Object.is((e as { value: unknown }).value, 0)).toBe(true)
    expect(Object.is((parseFilter('d = -0.0') as { value: unknown }).value, -0)).toBe(true)
    const s = schema([field(1, 'd', T.double)])
    expect(rowEvaluator(s, bind(s, parseFilter('d > -0')))({ d: 0 })).toBe(false)
    expect(rowEvaluator(s, bind(s, parseFilter('d = -0')))({ d: 0 })).toBe(true)
  })

  it('keep text a double cannot hold as exact number text, and integral text as a bigint', () => {
    expect(parseFilter('a = 0.1000000000000000000001')).toEqual(equal('a', new NumberText('0.1000000000000000000001')))
    expect(parseFilter('a = 12345678901234567890.5')).toEqual(equal('a', new NumberText('12345678901234567890.5')))
    expect(parseFilter('a = 1.00000000000000000001e-30')).toEqual(equal('a', new NumberText(`0.${'0'.repeat(29)}100000000000000000001`)))
    expect(parseFilter('a = 1e400')).toEqual(equal('a', 10n ** 400n))
    expect(parseFilter('a = 12345678901234567890.000')).toEqual(equal('a', 12345678901234567890n))
    expect(parseFilter('a = 1e5000')).toEqual(equal('a', new NumberText('1e5000')))
    // what a double holds exactly stays a number
    expect(parseFilter('a = 0.1')).toEqual(equal('a', 0.1))
  })

  it('bind exact number text to numeric, decimal and time columns and refuse it on the others, naming the column', () => {
    const s = schema([
      field(1, 'dec', T.decimal(38, 22)),
      field(2, 'd', T.double),
      field(3, 'l', T.long),
      field(4, 's', T.string),
      field(5, 'u', T.uuid),
      field(6, 'b', T.binary),
      field(7, 'f', T.boolean),
      field(8, 'ts', T.timestamp),
    ])
    expect(bind(s, parseFilter('dec = 0.1000000000000000000001'))).toMatchObject({ op: 'eq', value: 1000000000000000000001n })
    expect(bind(s, parseFilter('d < 0.1000000000000000000001'))).toMatchObject({ op: 'lt', value: 0.1 })
    expect(bind(s, parseFilter('l = 1e400'))).toEqual({ kind: 'false' })
    expect(bind(s, parseFilter('l < 1e5000'))).toMatchObject({ kind: 'unary', op: 'notNull' })
    // a fraction on an integer column is an error, as for any number with a fraction (Java has no such conversion)
    expect(error(() => bind(s, parseFilter('l = 12345678901234567890.5')))).toMatch(/column 'l': number 12345678901234567890\.5/)
    expect(bind(s, parseFilter('d > 1e5000'))).toMatchObject({ op: 'eq', value: Infinity })
    for (const c of ['s', 'u', 'b', 'f', 'ts'])
      expect(error(() => bind(s, parseFilter(`${c} = 0.1000000000000000000001`)))).toMatch(
        new RegExp(`^INVALID_ARGUMENT: Invalid value for conversion to type \\w+ of column '${c}': number 0\\.1000000000000000000001`),
      )
    expect(error(() => bind(s, parseFilter('s = 12345678901234567890.5')))).toMatch(/column 's': number 12345678901234567890\.5/)
  })

  it('print as plain decimals PyIceberg reads, and exact number text unquoted', () => {
    expect(exprToString(equal('x', 1e-7))).toBe('x = 0.0000001')
    expect(exprToString(equal('x', 1e21))).toBe('x = 1000000000000000000000.0')
    expect(exprToString(equal('x', 2.5e-8))).toBe('x = 0.000000025')
    expect(exprToString(equal('x', new NumberText('0.1000000000000000000001')))).toBe('x = 0.1000000000000000000001')
    expect(exprToString(isIn('x', [1, 2.5, -3]))).toBe('x in (1.0, 2.5, -3.0)')
    expect(exprToString(isIn('x', [1, 2]))).toBe('x in (1, 2)')
    for (const v of [1e-7, 1e21, 5e-324, Number.MAX_VALUE, -1.5e300, 2 ** 60, 0.1 + 0.2]) {
      const text = exprToString(equal('x', v))
      expect(text).not.toMatch(/e/i)
      expect(parseFilter(text)).toEqual(equal('x', v))
    }
  })

  it('print non-finite numbers so that they read back as numbers', () => {
    for (const v of [Infinity, -Infinity, NaN]) {
      const back = parseFilter(exprToString(greaterThan('x', v)))
      expect(back).toEqual(greaterThan('x', v))
      expect(typeof (back as { value: unknown }).value).toBe('number')
    }
    expect(exprToString(isIn('x', [-Infinity, 1]))).toBe('x in (-Infinity, 1)')
    // a bound float filter folded to ±Infinity keeps its type through the text form
    const s = schema([field(1, 'f', T.float)])
    const b = bind(s, lessThan('f', 1e39))
    expect(b).toMatchObject({ op: 'lt', value: Infinity })
    expect(parseFilter(exprToString(b))).toEqual(lessThan('f', Infinity))
  })
})

describe('long and / or chains', () => {
  it('parse into balanced trees that bind, format, evaluate and plan at 20,000 terms', async () => {
    const n = 20_000
    const text = Array.from({ length: n }, (_, i) => `id = ${i}`).join(' or ')
    const e = parseFilter(text)
    expect(depth(e)).toBe(Math.ceil(Math.log2(n)))
    const s = schema([field(1, 'id', T.long, { required: true })])
    const b = bind(s, e)
    expect(depth(b)).toBeLessThanOrEqual(15)
    expect(exprToString(e)).toBe(text)
    expect(bind(s, parseFilter(exprToString(b)))).toEqual(b)
    expect(bind(s, unbind(b))).toEqual(b)
    const ev = rowEvaluator(s, b)
    expect([ev({ id: 19_999n }), ev({ id: 20_000n })]).toEqual([true, false])
    const ands = parseFilter(Array.from({ length: n }, (_, i) => `id != ${i}`).join(' and '))
    expect(rowEvaluator(s, bind(s, ands))({ id: 20_000n })).toBe(true)

    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: s })
    t = await t.appendRows([{ id: 5n }])
    t = await t.appendRows([{ id: 50_000n }])
    const scan = t.scan({ filter: text })
    expect((await scan.toArray()).map((r) => r.id)).toEqual([5n])
    expect(scan.stats.dataFilesSkipped).toBe(1)
  })

  it('come from the and / or builders as balanced trees too', () => {
    const terms = Array.from({ length: 20_000 }, (_, i) => equal('id', i))
    expect(depth(or(...terms))).toBe(15)
    expect(depth(and(...terms))).toBe(15)
    const [a, b, c] = terms as [Expression, Expression, Expression]
    expect(and(a, b, c)).toEqual({ kind: 'and', left: a, right: { kind: 'and', left: b, right: c } })
  })

  it('print with the grouping the tree has', () => {
    const [a, b, c, d] = [equal('a', 1), equal('b', 2), equal('c', 3), equal('d', 4)]
    const shapes: Expression[] = [
      { kind: 'and', left: { kind: 'and', left: a, right: b }, right: c },
      { kind: 'and', left: a, right: { kind: 'and', left: b, right: c } },
      { kind: 'or', left: { kind: 'or', left: { kind: 'or', left: a, right: b }, right: c }, right: d },
      { kind: 'or', left: { kind: 'or', left: a, right: b }, right: { kind: 'or', left: c, right: d } },
    ]
    for (const e of shapes) expect(parseFilter(exprToString(e))).toEqual(e)
    expect(exprToString(shapes[3]!)).toBe('a = 1 or b = 2 or c = 3 or d = 4')
  })
})

describe('keywords as column names', () => {
  it('are columns where a column tail follows them, as in PyIceberg', () => {
    expect(parseFilter('null = 1')).toEqual(equal('null', 1))
    expect(parseFilter('in = 1')).toEqual(equal('in', 1))
    expect(parseFilter('is is null')).toEqual(isNull('is'))
    expect(parseFilter("like like 'a%'")).toEqual(startsWith('like', 'a'))
    expect(parseFilter('nan = 1')).toEqual(equal('nan', 1))
    expect(parseFilter('not = 1')).toEqual(equal('not', 1))
    expect(parseFilter('and = 1 or or = 2')).toEqual(or(equal('and', 1), equal('or', 2)))
    expect(parseFilter('between between 1 and 2')).toEqual(and(greaterThanOrEqual('between', 1), lessThanOrEqual('between', 2)))
    expect(parseFilter('not.a = 1')).toEqual(equal('not.a', 1))
    // true/false: a column when compared with a literal, else the literal compared with a column
    expect(parseFilter('true = 1')).toEqual(equal('true', 1))
    expect(parseFilter('true = true')).toEqual(equal('true', true))
    expect(parseFilter('true = x')).toEqual(equal('x', true))
    expect(parseFilter('1 = true')).toEqual(equal('true', 1))
    expect(parseFilter('true = NaN')).toEqual(equal('NaN', true))
    expect(parseFilter('Infinity = NaN')).toEqual(equal('Infinity', NaN))
    expect(parseFilter('Infinity < x')).toEqual(greaterThan('x', Infinity))
    expect(parseFilter('true is null')).toEqual(isNull('true'))
    expect(parseFilter('true')).toEqual({ kind: 'true' })
  })

  it('read a leading not as negation when what follows parses, else as a column (PyIceberg order)', () => {
    expect(parseFilter('not in (1)')).toEqual(isIn('not', [1]))
    expect(parseFilter('not not in (1)')).toEqual(not(isIn('not', [1])))
    expect(parseFilter('not is null')).toEqual(isNull('not'))
    expect(parseFilter("not like 'a'")).toEqual(equal('not', 'a'))
    expect(parseFilter('not a = 1')).toEqual(not(equal('a', 1)))
    expect(parseFilter('not between 1 and 2')).toEqual(and(greaterThanOrEqual('not', 1), lessThanOrEqual('not', 2)))
    expect(parseFilter('null not in (1)')).toEqual({ kind: 'set', op: 'notIn', term: { name: 'null' }, values: [1] })
  })

  it('say to quote the name where they cannot be a column', () => {
    expect(error(() => parseFilter('a = 1 and null'))).toMatch(/expected a column name, found 'null' \(quote a column named like a keyword: "null"\)/)
    expect(error(() => parseFilter('in (1)'))).toMatch(/quote a column named like a keyword/)
  })
})

describe('backslashes, as PyIceberg reads them', () => {
  it('keep a backslash and the character after it in strings, so \\\' does not end one', () => {
    expect(parseFilter("a = 'it\\'s'")).toEqual(equal('a', "it\\'s"))
    expect(parseFilter("a = 'x\\\\'")).toEqual(equal('a', 'x\\\\'))
    expect(parseFilter("a = 'it''s'")).toEqual(equal('a', "it's"))
    expect(parseFilter("a = '\\''''")).toEqual(equal('a', "\\''"))
    // floe's E'…' form: \\ is a backslash, \' a quote
    expect(parseFilter("a = E'x\\\\'")).toEqual(equal('a', 'x\\'))
    expect(parseFilter("a = E'it\\'s'")).toEqual(equal('a', "it's"))
  })

  it('treat only \\% as an escape in LIKE patterns', () => {
    expect(parseFilter("a like 'a\\\\b%'")).toEqual(startsWith('a', 'a\\\\b'))
    expect(parseFilter("a like 'a\\\\%'")).toEqual(equal('a', 'a\\%'))
    expect(parseFilter("a like '50\\%%'")).toEqual(startsWith('a', '50%'))
    expect(parseFilter("a like 'a\\b'")).toEqual(equal('a', 'a\\b'))
    expect(error(() => parseFilter("a like 'a%b'"))).toMatch(/only a trailing '%' wildcard/)
  })

  it('read a backslash in "…" as a quote', () => {
    expect(parseFilter('"a\\b" = 1')).toEqual(equal('a"b', 1))
  })

  it('print strings, patterns and names in PyIceberg form where it has one, else in floe form', () => {
    expect(exprToString(equal('s', "it\\'s"))).toBe("s = 'it\\'s'")
    expect(exprToString(equal('s', 'x\\'))).toBe("s = E'x\\\\'")
    expect(exprToString(startsWith('s', 'a\\b'))).toBe("s like 'a\\b%'")
    expect(exprToString(startsWith('s', '50%'))).toBe("s like '50\\%%'")
    expect(exprToString(startsWith('s', 'a\\'))).toBe("s like E'a\\\\\\\\%'")
    expect(exprToString(notEqual('x.y z', 1))).toBe('x."y z" != 1')
    expect(exprToString(equal('a"b.null', 1))).toBe('"a\\b"."null" = 1')
    expect(exprToString(equal('a\\b', 1))).toBe('`a\\b` = 1')
    for (const e of [equal('s', 'x\\'), startsWith('s', 'a\\'), startsWith('s', '\\%\\'), equal('a\\b', 1), equal('a"b.null', 1)])
      expect(parseFilter(exprToString(e))).toEqual(e)
  })
})

describe('literals on time columns finer than the column', () => {
  const s = schema([field(1, 'ts', T.timestamp), field(2, 'tm', T.time), field(3, 'tz', T.timestamptz)])
  const at10 = 1704103200000000n // 2024-01-01T10:00:00
  const ten = 36000000000n // 10:00:00

  it('compare by value: = is false, < and > use the neighbouring microseconds', () => {
    const row = { ts: at10, tm: ten, tz: at10 }
    const cases: [string, boolean][] = [
      ["ts < '2024-01-01T10:00:00.0000001'", true],
      ["ts <= '2024-01-01T10:00:00.0000001'", true],
      ["ts = '2024-01-01T10:00:00.0000001'", false],
      ["ts != '2024-01-01T10:00:00.0000001'", true],
      ["ts > '2024-01-01T09:59:59.9999999'", true],
      ["ts >= '2024-01-01T10:00:00.0000001'", false],
      ["ts in ('2024-01-01T10:00:00.0000001', '2024-01-01T10:00:00')", true],
      ["tm < '10:00:00.0000001'", true],
      ["tm = '10:00:00.0000001'", false],
      ["tm > '09:59:59.9999999'", true],
      ["tm >= '10:00:00.0000001'", false],
      ["tz > '2024-01-01T10:00:00.000000001+00:00'", false],
    ]
    for (const [f, want] of cases) expect([f, rowEvaluator(s, bind(s, parseFilter(f)))(row)]).toEqual([f, want])
    expect(bind(s, parseFilter("ts < '2024-01-01T10:00:00.0000001'"))).toMatchObject({ op: 'ltEq', value: at10 })
    expect(bind(s, parseFilter("ts > '2024-01-01T10:00:00.0000001'"))).toMatchObject({ op: 'gtEq', value: at10 + 1n })
    expect(bind(s, parseFilter("tm > '23:59:59.9999999'"))).toEqual({ kind: 'false' })
    // whole microseconds stay exact
    expect(bind(s, parseFilter("ts = '2024-01-01T10:00:00.000001000'"))).toMatchObject({ op: 'eq', value: at10 + 1n })
  })
})

describe('timestamp_ns integers', () => {
  it('are nanoseconds, and valueToLiteral gives back a literal that re-binds exactly', () => {
    const type = T.timestampNs
    for (const v of [1_700_000_000_000_000_001n, 1000n, -(2n ** 63n), 2n ** 63n - 1n]) {
      expect(convertLiteral(type, v, 'c')).toEqual({ value: v })
      expect(convertLiteral(type, valueToLiteral(type, v), 'c')).toEqual({ value: v })
    }
  })
})

describe('byte literals', () => {
  it('are read wherever a literal may appear', () => {
    expect(parseFilter("b between X'00' and X'ff'")).toEqual(and(greaterThanOrEqual('b', Uint8Array.of(0)), lessThanOrEqual('b', Uint8Array.of(255))))
    expect(parseFilter("X'01' < b")).toEqual(greaterThan('b', Uint8Array.of(1)))
  })
})
