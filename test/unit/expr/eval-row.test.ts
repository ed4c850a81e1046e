import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import type { Expression } from '../../../src/expr/expression.js'
import { accessorFor, evalRow, rowEvaluator } from '../../../src/expr/eval-row.js'
import { parseFilter } from '../../../src/expr/parse.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'

const S = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'name', T.string),
  field(3, 'x', T.double),
  field(4, 'loc', T.struct([field(5, 'lat', T.double), field(6, 'inner', T.struct([field(7, 'v', T.int)]))])),
  field(8, 'b', T.binary),
  field(9, 'tags', T.list(10, T.string)),
])

const matches = (filter: string | Expression, row: Row): boolean =>
  evalRow(S, bind(S, typeof filter === 'string' ? parseFilter(filter) : filter), row)

describe('row evaluator', () => {
  it('reads nested struct fields, a null parent reads as null', () => {
    const row: Row = { id: 1n, loc: { lat: 1.5, inner: { v: 7 } } }
    expect(accessorFor(S, 7)(row)).toBe(7)
    expect(accessorFor(S, 7)({ id: 1n, loc: { lat: 1, inner: null } })).toBeNull()
    expect(accessorFor(S, 5)({ id: 1n, loc: null })).toBeNull()
    expect(accessorFor(S, 2)({ id: 1n })).toBeNull()
    expect(() => accessorFor(S, 10)).toThrow(/inside a list/)
    expect(matches('loc.inner.v = 7 and loc.lat > 1', row)).toBe(true)
    expect(matches('loc.inner.v is null', { id: 1n, loc: null })).toBe(true)
  })

  it('gives null only to isNull and the negated forms', () => {
    const row: Row = { id: 1n, name: null, x: null }
    for (const f of ["name < 'a'", "name <= 'a'", "name > 'a'", "name >= 'a'", "name = 'a'", "name in ('a', 'b')", "name like 'a%'", 'name is not null', 'x is nan'])
      expect(matches(f, row), f).toBe(false)
    for (const f of ["name != 'a'", "name not in ('a', 'b')", "name not like 'a%'", 'name is null', 'x is not nan']) expect(matches(f, row), f).toBe(true)
  })

  it('evaluates NOT as the pushed-down negation (a null is in neither x < 5 nor x >= 5)', () => {
    const row: Row = { id: 1n, x: null }
    expect(matches('x < 5', row)).toBe(false)
    expect(matches('not x < 5', row)).toBe(false)
    expect(matches('not x = 5', row)).toBe(true)
    expect(matches('not (x < 5 or x is null)', row)).toBe(false)
    expect(matches('not (x < 5 and x is not null)', row)).toBe(true)
  })

  it('matches NaN only with isNaN, notEq and notIn', () => {
    const row: Row = { id: 1n, x: NaN }
    expect(matches('x is nan', row)).toBe(true)
    expect(matches('x != 1', row)).toBe(true)
    expect(matches('x not in (1, 2)', row)).toBe(true)
    for (const f of ['x < 1', 'x > 1', 'x >= 1', 'x <= 1', 'not x < 1', 'x = 1', 'x in (1, 2)']) expect(matches(f, row), f).toBe(false)
  })

  it('orders floats totally (-0 < 0) and strings by UTF-8 bytes', () => {
    expect(matches('x = 0.0', { id: 1n, x: -0 })).toBe(false)
    expect(matches('x < 0.0', { id: 1n, x: -0 })).toBe(true)
    expect(matches('x in (0.0, 1.0)', { id: 1n, x: -0 })).toBe(false)
    expect(matches('x in (-0.0, 1.0)', { id: 1n, x: -0 })).toBe(true)
    // U+FFFF sorts before U+1F600 in UTF-8 (and code points), after it in UTF-16 units
    expect(matches("name < '😀'", { id: 1n, name: '\uFFFF' })).toBe(true)
    expect(matches("name like 'ab%'", { id: 1n, name: 'abc' })).toBe(true)
  })

  it('compares bytes unsigned and bigints exactly', () => {
    expect(matches("b > X'7F'", { id: 1n, b: Uint8Array.of(0x80) })).toBe(true)
    expect(matches("b in (X'01', X'0203')", { id: 1n, b: Uint8Array.of(2, 3) })).toBe(true)
    expect(matches('id = 9007199254740993', { id: 9007199254740993n })).toBe(true)
    expect(matches('id = 9007199254740992', { id: 9007199254740993n })).toBe(false)
  })

  it('compiles once and evaluates many rows', () => {
    const ev = rowEvaluator(S, bind(S, parseFilter("id >= 2 and name like 'a%'")))
    const rows: Row[] = [{ id: 1n, name: 'ab' }, { id: 2n, name: 'ab' }, { id: 3n, name: 'b' }, { id: 4n, name: 'a' }]
    expect(rows.filter(ev).map((r) => r.id)).toEqual([2n, 4n])
  })
})
