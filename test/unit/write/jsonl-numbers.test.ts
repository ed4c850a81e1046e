// JSON-lines numbers are read from the literal's text for the column's type: decimals exact (a bare integer
// is the value, never the unscaled digits), integer columns take the exact integer, floats round once to
// 32 bits; scan's encoding (NaN/±Infinity strings, base64 bytes, {key, value} map entries) reads back.
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { rowCoercer } from '../../../src/write/coerce.js'
import { exactInteger, float32FromText, jsonlRows } from '../../../src/write/input.js'

const S = schema([
  field(1, 'dec', T.decimal(20, 2)),
  field(2, 'l', T.long),
  field(3, 'i', T.int),
  field(4, 'f', T.float),
  field(5, 'd', T.double),
  field(6, 'ts', T.timestamp),
  field(7, 'st', T.struct([field(8, 'dec', T.decimal(5, 1))])),
  field(9, 'xs', T.list(10, T.decimal(4, 2))),
  field(11, 'm', T.map(12, T.long, 13, T.decimal(6, 3))),
  field(14, 'raw', T.binary),
  field(15, 'v', T.variant),
])

/** One JSON line through the CLI path: jsonlRows then the coercer. */
function load(line: string): Record<string, unknown> {
  const rows = jsonlRows(line, S, 'in.jsonl')
  return rowCoercer(S, 'in.jsonl')(rows[0], 1) as Record<string, unknown>
}

function thrown(f: () => unknown): FloeError {
  try {
    f()
  } catch (e) {
    if (e instanceof FloeError) return e
    throw e
  }
  throw new Error('expected an error')
}

describe('JSON-lines decimals', () => {
  it('a JSON number is the decimal it spells, whatever its size', () => {
    const cases: [string, bigint][] = [
      ['5', 500n],
      ['5.0', 500n],
      ['-0.5', -50n],
      ['9007199254740993', 900719925474099300n],
      ['9007199254740993.0', 900719925474099300n],
      ['12345678901234567.89', 1234567890123456789n],
      ['-12345678901234567.89', -1234567890123456789n],
      ['1.5e3', 150000n],
      ['1234567E-2', 1234567n],
      ['"12345678901234567.89"', 1234567890123456789n],
      ['"12.34"', 1234n],
    ]
    for (const [text, unscaled] of cases) expect(load(`{"dec": ${text}}`).dec, text).toBe(unscaled)
  })

  it('nested decimals (struct member, list element, map value) are exact too', () => {
    const r = load('{"st": {"dec": 1234.5}, "xs": [12.34, 0.1], "m": [{"key": 9007199254740993, "value": 123.456}]}')
    expect(r.st).toEqual({ dec: 12345n })
    expect(r.xs).toEqual([1234n, 10n])
    expect(r.m).toEqual(new Map([[9007199254740993n, 123456n]]))
  })

  it('more fraction digits than the scale is INVALID_DATA naming the file, row and column, as for strings', () => {
    for (const text of ['1.234', '"1.234"', '12345678901234567.891']) {
      const e = thrown(() => load(`{"dec": ${text}}`))
      expect(e.code).toBe('INVALID_DATA')
      expect(e.context).toMatchObject({ file: 'in.jsonl', row: 1, field: 'dec' })
      expect(e.message).toMatch(/in\.jsonl row 1 column dec: .*more than 2 fraction digits/)
    }
    const nested = thrown(() => load('{"st": {"dec": 1.25}}'))
    expect(nested.context).toMatchObject({ file: 'in.jsonl', row: 1, field: 'st.dec' })
    expect(thrown(() => load('{"dec": 1e18}')).message).toMatch(/more than 20 digits/)
  })
})

describe('JSON-lines integers, floats and scan encodings', () => {
  it('integer columns take the exact integer of the literal; a fraction is INVALID_DATA', () => {
    expect(load('{"l": 9007199254740993.0}').l).toBe(9007199254740993n)
    expect(load('{"l": 1e2, "i": 2.0E1}')).toMatchObject({ l: 100n, i: 20 })
    expect(load('{"l": -9223372036854775808}').l).toBe(-9223372036854775808n)
    expect(Object.is(load('{"i": -0}').i, 0)).toBe(true)
    for (const line of ['{"l": 1.0000000000000001}', '{"i": 1.5}', '{"l": 1e-2}']) {
      const e = thrown(() => load(line))
      expect(e.code).toBe('INVALID_DATA')
      expect(e.message).toMatch(/in\.jsonl row 1 column [il]: expected an integer/)
    }
    expect(thrown(() => load('{"l": 9223372036854775808}')).message).toMatch(/column l: expected a 64-bit/)
    expect(thrown(() => load('{"l": 1e400}')).message).toMatch(/column l: 1e400 is out of range for long/)
  })

  it('a JSON integer for a timestamp is µs since the epoch, whatever its digit count', () => {
    expect(load('{"ts": 1}').ts).toBe(1n)
    expect(load('{"ts": 1700000000000000}').ts).toBe(1700000000000000n)
  })

  it('float columns round the literal once to 32 bits; NaN and ±Infinity strings read back', () => {
    expect(load('{"f": 0.1}').f).toBe(Math.fround(0.1))
    // just above the halfway point between 1 and the next float: a double lands exactly on it
    expect(load('{"f": 1.0000000596046447753906251}').f).toBe(1 + 2 ** -23)
    expect(load('{"d": 0.1, "f": "NaN"}')).toMatchObject({ d: 0.1, f: Number.NaN })
    expect(load('{"d": "-Infinity", "f": "Infinity"}')).toMatchObject({ d: -Infinity, f: Infinity })
    expect(thrown(() => load('{"d": "nan"}')).message).toMatch(/column d: expected a number/)
  })

  it('bytes and variants come from base64; unknown keys are refused when the file is read, also in structs', () => {
    const r = load('{"raw": "AQI=", "v": {"metadata": "AQAA", "value": "DA=="}}')
    expect(r.raw).toEqual(new Uint8Array([1, 2]))
    expect(r.v).toEqual({ metadata: new Uint8Array([1, 0, 0]), value: new Uint8Array([12]) })
    expect(thrown(() => load('{"nope": 1}')).message).toMatch(/column nope: no such column/)
    expect(thrown(() => jsonlRows('{"st": {"dec": 1, "nope": 2}}', S, 'in.jsonl')).message).toMatch(/in\.jsonl row 1 column st\.nope: no such column/)
    expect(thrown(() => load('{"st": {"nope": 2}}')).message).toMatch(/column st\.nope: no such column/)
  })

  it('a key named twice (map object or entries, struct, row) is INVALID_DATA naming the column, not the last value kept', () => {
    const ms = parseColumns('id bigint, m map<string, int>, n map<bigint, string>, st struct<a: int>')
    const cases: Array<[string, RegExp]> = [
      ['{"m": {"a": 1, "a": 2}}', /row 1 column m: the map has the key "a" more than once/],
      ['{"n": [{"key": 1, "value": "x"}, {"key": 1, "value": "y"}]}', /row 1 column n: the map has the key 1 more than once/],
      ['{"n": [{"key": 12345678901234567, "value": "x"}, {"key": 12345678901234567.0, "value": "y"}]}', /column n: the map has the key 12345678901234567 more than once/],
      ['{"st": {"a": 1, "a": 2}}', /row 1 column st: the struct has the key "a" more than once/],
      ['{"id": 1, "id": 2}', /row 1 column id: the row names this column more than once/],
    ]
    for (const [line, message] of cases) {
      const e = thrown(() => rowCoercer(ms, 'in.jsonl')(jsonlRows(line, ms, 'in.jsonl')[0], 1))
      expect([e.code, e.message], line).toEqual(['INVALID_DATA', expect.stringMatching(message)])
    }
    // distinct keys, and the same key in two different maps, are fine
    expect(jsonlRows('{"m": {"a": 1, "b": 2}, "n": [{"key": 1, "value": "x"}, {"key": 2, "value": "y"}]}', ms, 'in.jsonl')[0]!.m).toEqual(new Map([['a', 1], ['b', 2]]))
  })

  it('columns without a numeric type see numbers as parseJson reads them; bad JSON is INVALID_JSON with its line', () => {
    const s = parseColumns('id bigint, name string')
    expect(jsonlRows('{"name": 5}', s, 'a.jsonl')).toEqual([{ name: 5 }])
    expect(thrown(() => jsonlRows('{"name": 5, "x": 12345678901234567}', s, 'a.jsonl')).message).toMatch(/column x: no such column/)
    for (const bad of ['{"id": 01}', '{"id": 1,}', '{"name": "\\x"}', '{"id": -}', '{"id": 1} 2', '{"name": "a\tb"}']) {
      const e = thrown(() => jsonlRows(`\n${bad}\n`, s, 'a.jsonl'))
      expect(e.code, bad).toBe('INVALID_JSON')
      expect(e.message, bad).toMatch(/a\.jsonl line 2/)
    }
    // a key named like an Object.prototype member is an own key, not the prototype's
    const proto = parseColumns('__proto__ int, toString int')
    expect(Object.keys(jsonlRows('{"__proto__": 1, "toString": 2}', proto, 'a.jsonl')[0]!)).toEqual(['__proto__', 'toString'])
  })
})

describe('exact number text helpers', () => {
  it('exactInteger: integers in any notation, undefined for fractions and absurd exponents', () => {
    expect(exactInteger('1.2300e2')).toBe(123n)
    expect(exactInteger('-0.0')).toBe(0n)
    expect(exactInteger('0e999999999')).toBe(0n)
    expect(exactInteger('1e-999999999')).toBeUndefined()
    expect(exactInteger('1e999999999')).toBeUndefined()
    expect(exactInteger('12.5')).toBeUndefined()
  })

  it('float32FromText: ties to even, overflow and underflow like Float.parseFloat', () => {
    expect(float32FromText('1.000000059604644775390625')).toBe(1)
    expect(float32FromText('1.0000001788139343261718750')).toBe(1 + 2 ** -22)
    expect(float32FromText('-1.0000000596046447753906251')).toBe(-(1 + 2 ** -23))
    // halfway between the largest float and 2^128 rounds to Infinity; just below stays finite
    expect(float32FromText('340282356779733661637539395458142568448')).toBe(Infinity)
    expect(float32FromText('340282356779733661637539395458142568447.9')).toBe(3.4028234663852886e38)
    // half the smallest subnormal rounds to 0 (even); a hair above rounds up to it
    const halfSubnormal = '7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46'
    expect(float32FromText(halfSubnormal)).toBe(0)
    expect(float32FromText(halfSubnormal.replace('e-46', '1e-46'))).toBe(2 ** -149)
    expect(Object.is(float32FromText('-0'), -0)).toBe(true)
    expect(float32FromText('1e39')).toBe(Infinity)
  })
})
