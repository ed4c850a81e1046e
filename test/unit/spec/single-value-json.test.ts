import { describe, expect, it } from 'vitest'
import { fromJsonPrimitive, shortestFloat, toJsonPrimitive } from '../../../src/spec/single-value-json.js'
import { T } from '../../../src/spec/types.js'

describe('shortestFloat', () => {
  it('finds the shortest decimal that reads back as the same float32', () => {
    expect(shortestFloat(Math.fround(0.1))).toBe(0.1)
    expect(shortestFloat(Math.fround(16777217))).toBe(16777216)
    expect(shortestFloat(Math.fround(1.17549435e-38))).toBe(1.1754944e-38)
    expect(Object.is(shortestFloat(-0), -0)).toBe(true)
  })
})

describe('JSON primitives', () => {
  it('writes temporal types with fixed 6/9 fraction digits', () => {
    expect(toJsonPrimitive(T.time, 0n)).toBe('00:00:00.000000')
    expect(toJsonPrimitive(T.timestamp, 0n)).toBe('1970-01-01T00:00:00.000000')
    expect(toJsonPrimitive(T.timestampNs, -1n)).toBe('1969-12-31T23:59:59.999999999')
    expect(toJsonPrimitive(T.date, -719529)).toBe('-0001-12-31')
  })

  it('reads liberal forms', () => {
    expect(fromJsonPrimitive(T.timestamptz, '2017-11-16T22:31:08z')).toBe(1510871468000000n)
    expect(fromJsonPrimitive(T.timestamp, '2017-11-16T22:31:08.0000009')).toBe(1510871468000000n)
    expect(fromJsonPrimitive(T.int, 12345678901234567n - 12345678901234567n)).toBe(0)
    expect(fromJsonPrimitive(T.float, 0.1)).toBe(Math.fround(0.1))
  })

  it('rejects out-of-range values', () => {
    expect(() => fromJsonPrimitive(T.long, 2n ** 63n)).toThrow(/64-bit/)
    expect(() => fromJsonPrimitive(T.timestampNs, '9999-01-01T00:00:00')).toThrow(/64-bit/)
    expect(() => fromJsonPrimitive(T.date, '+9999999-01-01')).toThrow(/out of range/)
    expect(() => fromJsonPrimitive(T.string, 1)).toThrow(/JSON string/)
  })
})

describe('negative zero in single values', () => {
  it('an int -0 is written 0 (ints have no -0), a double -0 keeps its sign', async () => {
    const { stringifyJson } = await import('../../../src/spec/json/lossless.js')
    expect([stringifyJson(toJsonPrimitive(T.int, -0)), stringifyJson(toJsonPrimitive(T.date, -0))]).toEqual(['0', '"1970-01-01"'])
    expect(stringifyJson(toJsonPrimitive(T.double, -0))).toBe('-0.0')
    expect(Object.is(fromJsonPrimitive(T.double, -0), -0)).toBe(true)
  })
})
