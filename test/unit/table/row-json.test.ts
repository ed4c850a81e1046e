// The JSON encoding of rows (floe scan's jsonl, csv and table output): every value exact, including the sign
// of -0.0 and keys named `__proto__` (struct fields and map keys that come from data).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJson, stringifyJson } from '../../../src/spec/json/lossless.js'
import { T, field } from '../../../src/spec/types.js'
import { rowToJson, valueToJson, valueToText } from '../../../src/table/row-json.js'
import type { Row } from '../../../src/parquet/codec.js'

describe('row JSON', () => {
  it('keeps -0.0 for float and double, in JSON and in text', () => {
    const fields = [field(1, 'd', T.double), field(2, 'f', T.float), field(3, 'l', T.list(4, T.double))]
    const json = stringifyJson(rowToJson(fields, { d: -0, f: -0, l: [-0, 0] }))
    expect(json).toBe('{"d":-0.0,"f":-0.0,"l":[-0.0,0]}')
    const back = parseJson(json) as { d: number; l: number[] }
    expect([Object.is(back.d, -0), Object.is(back.l[0], -0), Object.is(back.l[1], 0)]).toEqual([true, true, true])
    expect([valueToText(T.double, -0), valueToText(T.double, 0), valueToText(T.list(4, T.double), [-0, 1])]).toEqual(['-0.0', '0', '[-0.0,1]'])
    // an int has no negative zero
    expect([stringifyJson(valueToJson(T.int, -0)), valueToText(T.int, -0)]).toEqual(['0', '0'])
  })

  it('keeps struct fields and map keys named __proto__ as own keys', () => {
    const st = T.struct([field(2, '__proto__', T.int), field(3, 'b', T.int)])
    const fields = [field(1, 'st', st), field(4, 'm', T.map(5, T.string, 6, T.int)), field(7, '__proto__', T.string)]
    const row: Row = {}
    const stv: Record<string, unknown> = {}
    Object.defineProperty(stv, '__proto__', { value: 5, enumerable: true, writable: true, configurable: true })
    stv.b = 6
    Object.defineProperty(row, '__proto__', { value: 'top', enumerable: true, writable: true, configurable: true })
    row.st = stv as Row
    row.m = new Map<string, number>([['__proto__', 7], ['a', 2]])
    expect(stringifyJson(rowToJson(fields, row))).toBe('{"st":{"__proto__":5,"b":6},"m":{"__proto__":7,"a":2},"__proto__":"top"}')
    // a row without the field gives no key (not the inherited prototype)
    expect(stringifyJson(rowToJson([field(7, '__proto__', T.string)], {}))).toBe('{}')
  })

  it('round-trips doubles exactly through stringifyJson and parseJson (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })), (xs) => {
        // (the lossless parser gives integers of 16+ digits as bigint; a double column coerces them back exactly)
        const back = (parseJson(stringifyJson(valueToJson(T.list(1, T.double), xs))) as (number | bigint)[]).map(Number)
        expect(back.length).toBe(xs.length)
        xs.forEach((x, i) => expect(Object.is(back[i], x)).toBe(true))
      }),
    )
  })
})
