import { describe, expect, it } from 'vitest'
import { FloeError, isFloeError } from '../../../src/errors.js'
import { parseJson, stringifyJson } from '../../../src/spec/json/lossless.js'
import { fromBinary, fromJsonValue, toBinary, toJsonValue } from '../../../src/spec/single-value.js'
import { field, T } from '../../../src/spec/types.js'
import { bytesToHex, hexToBytes } from '../../../src/spec/values.js'

describe('binary single values', () => {
  it('encodes the [seen] bound examples', () => {
    expect(bytesToHex(toBinary(T.int, 1))).toBe('01000000')
    expect(bytesToHex(toBinary(T.date, 20089))).toBe('794e0000')
    expect(bytesToHex(toBinary(T.long, 1n))).toBe('0100000000000000')
  })

  it('round-trips every primitive', () => {
    const cases: [Parameters<typeof toBinary>[0], Parameters<typeof toBinary>[1]][] = [
      [T.boolean, true], [T.int, -5], [T.long, -(2n ** 63n)], [T.float, 1.5], [T.double, -0], [T.date, -1],
      [T.time, 0n], [T.timestamp, -1n], [T.timestamptz, 1n], [T.timestampNs, 2n ** 62n], [T.timestamptzNs, -7n],
      [T.string, 'h€llo'], [T.uuid, new Uint8Array(16).fill(7)], [T.fixed(3), Uint8Array.of(1, 2, 3)],
      [T.binary, new Uint8Array(0)], [T.decimal(38, 10), -(10n ** 38n - 1n)],
    ]
    for (const [type, v] of cases) expect(fromBinary(type, toBinary(type, v)), type.kind).toEqual(v)
    expect(Object.is(fromBinary(T.double, toBinary(T.double, -0)), -0)).toBe(true)
  })

  it('reads any non-zero byte as true', () => {
    expect(fromBinary(T.boolean, Uint8Array.of(2))).toBe(true)
    expect(fromBinary(T.boolean, Uint8Array.of(0))).toBe(false)
  })

  it('decodes bounds written before a promotion by their length', () => {
    expect(fromBinary(T.long, hexToBytes('feffffff'))).toBe(-2n)
    expect(fromBinary(T.double, toBinary(T.float, 0.1))).toBe(Math.fround(0.1))
    expect(fromBinary(T.timestamp, toBinary(T.date, -1))).toBe(-86_400_000_000n)
    expect(fromBinary(T.timestampNs, toBinary(T.date, 1))).toBe(86_400_000_000_000n)
    expect(fromBinary(T.decimal(20, 2), hexToBytes('00058c'))).toBe(1420n)
    expect(() => fromBinary(T.timestamptz, toBinary(T.date, 1))).toThrow(FloeError)
  })

  it('copies byte values out of the input buffer', () => {
    const buf = Uint8Array.of(1, 2, 3)
    const v = fromBinary(T.binary, buf) as Uint8Array
    buf[0] = 9
    expect(v[0]).toBe(1)
  })

  it('rejects unsupported types and invalid values with typed errors', () => {
    expect(() => toBinary(T.variant, null)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    expect(() => fromBinary(T.unknown, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    expect(() => toBinary(T.int, 2 ** 31)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => toBinary(T.long, 1)).toThrow(/Invalid long value/)
    expect(() => toBinary(T.fixed(4), Uint8Array.of(1))).toThrow(/fixed\[4\]/)
    expect(() => toBinary(T.decimal(2, 0), 100n)).toThrow(/more than 2 digits/)
    expect(() => fromBinary(T.int, Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'INVALID_METADATA' }))
    expect(() => fromBinary(T.decimal(2, 0), Uint8Array.of(1, 0))).toThrow(/precision/)
  })
})

describe('JSON single values', () => {
  const roundTrip = (type: Parameters<typeof toJsonValue>[0], json: string): string =>
    stringifyJson(toJsonValue(type, fromJsonValue(type, parseJson(json))))

  it('writes the spec examples', () => {
    expect(roundTrip(T.decimal(4, 2), '"14.20"')).toBe('"14.20"')
    expect(roundTrip(T.timestamptz, '"2017-11-16T22:31:08.123456+00:00"')).toBe('"2017-11-16T22:31:08.123456+00:00"')
    expect(roundTrip(T.timestamptzNs, '"2017-11-16T22:31:08.123456789+00:00"')).toBe('"2017-11-16T22:31:08.123456789+00:00"')
    expect(roundTrip(T.binary, '"000102ff"')).toBe('"000102ff"')
    expect(roundTrip(T.long, '-9223372036854775808')).toBe('-9223372036854775808')
    expect(roundTrip(T.float, '0.34234')).toBe('0.34234')
    expect(fromJsonValue(T.long, -9223372036854775808n)).toBe(-(2n ** 63n))
  })

  it('writes non-finite floats as strings and reads them back', () => {
    expect(toJsonValue(T.double, NaN)).toBe('NaN')
    expect(toJsonValue(T.float, -Infinity)).toBe('-Infinity')
    expect(fromJsonValue(T.double, 'Infinity')).toBe(Infinity)
    expect(Number.isNaN(fromJsonValue(T.float, 'NaN'))).toBe(true)
  })

  it('handles nested values keyed by field id', () => {
    const type = T.struct([
      field(1, 'a', T.int),
      field(2, 'm', T.map(3, T.string, 4, T.list(5, T.date))),
      field(6, 'n', T.long),
    ])
    const v = fromJsonValue(type, parseJson('{"1": 7, "2": {"keys": ["k"], "values": [["2017-11-16", null]]}, "9": "ignored"}'))
    expect(v).toEqual({ '1': 7, '2': new Map([['k', [17486, null]]]) })
    expect(stringifyJson(toJsonValue(type, v))).toBe('{"1":7,"2":{"keys":["k"],"values":[["2017-11-16",null]]}}')
    expect(toJsonValue(type, {})).toEqual({})
    expect(fromJsonValue(type, null)).toBeNull()
  })

  it('names the type in errors', () => {
    try {
      fromJsonValue(T.decimal(9, 2), '1.5')
      expect.unreachable()
    } catch (e) {
      expect(isFloeError(e, 'INVALID_METADATA')).toBe(true)
      expect(String(e)).toMatch(/decimal\(9, 2\)/)
    }
    expect(() => fromJsonValue(T.list(1, T.int), { a: 1 })).toThrow(/list<int>/)
    expect(() => fromJsonValue(T.struct([]), [1])).toThrow(FloeError)
    expect(() => toJsonValue(T.list(1, T.int), 'x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => toJsonValue(T.map(1, T.int, 2, T.int), [])).toThrow(FloeError)
    expect(() => toJsonValue(T.struct([]), [])).toThrow(FloeError)
    expect(() => fromJsonValue(T.variant, {})).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
    expect(() => toJsonValue(T.unknown, 1)).toThrow(FloeError)
  })
})

describe('JSON maps', () => {
  it('rejects duplicate keys (by value, any hex case)', () => {
    const type = T.map(1, T.binary, 2, T.int)
    expect(() => fromJsonValue(type, parseJson('{"keys": ["0a", "0A"], "values": [1, 2]}'))).toThrow(/duplicate key/)
    expect(fromJsonValue(type, parseJson('{"keys": ["0a", "0b"], "values": [1, 2]}'))).toEqual(new Map([[Uint8Array.of(10), 1], [Uint8Array.of(11), 2]]))
  })
})
