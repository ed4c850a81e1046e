// Ordering properties: string order = UTF-8 byte order, byte order = hex text order, float total order,
// and compareValues is a consistent total order for every primitive type; also base64 against Node's encoder.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PrimitiveType } from '../../src/spec/types.js'
import { bytesToBase64, bytesToHex, compareBytes, compareFloats, compareStrings, compareValues, utf8Encode } from '../../src/spec/values.js'
import { primitiveTypeArb } from './arbitraries/types.js'
import { nonNullValueArb } from './arbitraries/values.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) }
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0)

// A string arbitrary that mixes ASCII, BMP above the surrogates and supplementary characters.
const tricky = fc.string({ unit: fc.constantFrom('a', 'b', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\ufffd', '😀', '𝄞', '\u{10ffff}'), maxLength: 6 })

describe('string order', () => {
  it('equals UTF-8 byte order (incl. supplementary characters)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), fc.oneof(fc.string({ unit: 'binary' }), tricky), (a, b) => {
        expect(sign(compareStrings(a, b))).toBe(sign(compareBytes(utf8Encode(a), utf8Encode(b))))
      }),
      runs,
    )
  })

  it('equals code point order', () => {
    fc.assert(
      fc.property(tricky, tricky, (a, b) => {
        const ca = [...a].map((c) => c.codePointAt(0)!)
        const cb = [...b].map((c) => c.codePointAt(0)!)
        let expected = 0
        for (let i = 0; i < Math.min(ca.length, cb.length) && expected === 0; i++) expected = sign(ca[i]! - cb[i]!)
        if (expected === 0) expected = sign(ca.length - cb.length)
        expect(sign(compareStrings(a, b))).toBe(expected)
      }),
      runs,
    )
  })
})

describe('byte and float order', () => {
  it('unsigned byte order equals lower-case hex text order', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const ha = bytesToHex(a)
        const hb = bytesToHex(b)
        expect(sign(compareBytes(a, b))).toBe(ha < hb ? -1 : ha > hb ? 1 : 0)
      }),
      runs,
    )
  })

  it('float order equals the order of sign-adjusted IEEE bits', () => {
    const key = (x: number): bigint => {
      const dv = new DataView(new ArrayBuffer(8))
      dv.setFloat64(0, x)
      const bits = dv.getBigUint64(0)
      return bits >> 63n ? ~bits & (2n ** 64n - 1n) : bits | (1n << 63n)
    }
    fc.assert(
      fc.property(fc.double(), fc.double(), (a, b) => {
        const ka = key(a)
        const kb = key(b)
        expect(sign(compareFloats(a, b))).toBe(ka < kb ? -1 : ka > kb ? 1 : 0)
      }),
      runs,
    )
  })
})

describe('compareValues', () => {
  it('is antisymmetric and transitive for every primitive type', () => {
    const arb = primitiveTypeArb.chain((type) =>
      fc.tuple(fc.constant<PrimitiveType>(type), nonNullValueArb(type), nonNullValueArb(type), nonNullValueArb(type)),
    )
    fc.assert(
      fc.property(arb, ([type, a, b, c]) => {
        expect(sign(compareValues(type, a, b)) + sign(compareValues(type, b, a))).toBe(0)
        expect(compareValues(type, a, a)).toBe(0)
        const sorted = [a, b, c].sort((x, y) => compareValues(type, x, y))
        expect(compareValues(type, sorted[0]!, sorted[1]!)).toBeLessThanOrEqual(0)
        expect(compareValues(type, sorted[1]!, sorted[2]!)).toBeLessThanOrEqual(0)
        expect(compareValues(type, sorted[0]!, sorted[2]!)).toBeLessThanOrEqual(0)
      }),
      runs,
    )
  })
})

describe('base64', () => {
  it('matches Node’s encoder (Java Base64.getEncoder form)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        expect(bytesToBase64(b)).toBe(Buffer.from(b).toString('base64'))
      }),
      runs,
    )
  })
})
