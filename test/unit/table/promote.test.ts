// Read-time promotion of single values (partition constants and defaults written under a narrower type).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { promoteValue } from '../../../src/table/promote.js'
import { T } from '../../../src/spec/types.js'

const DAY_US = 86_400_000_000n

describe('promoteValue', () => {
  it('widens int to long, float to double and decimal values unchanged', () => {
    expect(promoteValue(7, T.long)).toBe(7n)
    expect(promoteValue(1.5, T.double)).toBe(1.5)
    expect(promoteValue(123n, T.decimal(20, 2))).toBe(123n)
    expect(promoteValue(null, T.timestamp)).toBeNull()
  })

  it('property: a date becomes its midnight in µs or ns while that fits 64 bits, else INVALID_DATA', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(T.timestamp, T.timestamptz, T.timestampNs, T.timestamptzNs), (days, to) => {
        const unit = to.kind.endsWith('_ns') ? DAY_US * 1000n : DAY_US
        const exact = BigInt(days) * unit
        if (exact >= -(2n ** 63n) && exact < 2n ** 63n) expect(promoteValue(days, to)).toBe(exact)
        else expect(() => promoteValue(days, to)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }))
      }),
    )
    expect(promoteValue(106_751_991, T.timestamp)).toBe(106_751_991n * DAY_US)
    expect(() => promoteValue(106_751_992, T.timestamp)).toThrow(expect.objectContaining({ code: 'INVALID_DATA' }))
  })
})
