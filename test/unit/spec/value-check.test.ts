import { describe, expect, it } from 'vitest'
import { bytesOf, decimalOf, int32Of, int64Of, isInt32, isInt64, numberOf, stringOf, booleanOf } from '../../../src/spec/value-check.js'
import { T } from '../../../src/spec/types.js'

describe('value checks', () => {
  it('accepts the design §5.4 representation of each type', () => {
    expect(int32Of(T.int, -2147483648)).toBe(-2147483648)
    expect(int64Of(T.long, 2n ** 63n - 1n)).toBe(2n ** 63n - 1n)
    expect(numberOf(T.double, NaN)).toBeNaN()
    expect(booleanOf(T.boolean, false)).toBe(false)
    expect(stringOf(T.string, '')).toBe('')
    expect(bytesOf(T.fixed(2), Uint8Array.of(1, 2), 2)).toEqual(Uint8Array.of(1, 2))
    expect(decimalOf(T.decimal(3, 1), -999n)).toBe(-999n)
  })

  it('rejects anything else, naming the type', () => {
    expect(isInt32(2 ** 31)).toBe(false)
    expect(isInt32(1.5)).toBe(false)
    expect(isInt64(2n ** 63n)).toBe(false)
    expect(isInt64(1)).toBe(false)
    expect(() => int32Of(T.date, 1n)).toThrow(/Invalid date value: bigint 1/)
    expect(() => int64Of(T.timestamp, 1)).toThrow(/Invalid timestamp value/)
    expect(() => bytesOf(T.uuid, Uint8Array.of(1), 16)).toThrow(/expected 16 bytes/)
    expect(() => decimalOf(T.decimal(3, 1), 1000n)).toThrow(/decimal\(3, 1\)/)
    expect(() => stringOf(T.string, Uint8Array.of(1))).toThrow(/Uint8Array\(1\)/)
  })
})
