import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { FloeError } from '../../../src/errors.js'
import { T, field } from '../../../src/spec/types.js'
import {
  base64ToBytes,
  bytesEqual,
  bytesToBase64,
  bytesToHex,
  codePointCount,
  compareBytes,
  compareFloats,
  compareStrings,
  compareValues,
  decimalFitsPrecision,
  decimalFromBytes,
  decimalFromString,
  decimalToBytes,
  decimalToJavaString,
  decimalToString,
  hexToBytes,
  isNegativeNaN,
  parseDecimal,
  truncateCodePoints,
  utf8Decode,
  utf8Encode,
  uuidToBytes,
  uuidToString,
  valueEquals,
} from '../../../src/spec/values.js'

const sign = (n: number): number => Math.sign(n)

describe('string order', () => {
  it('orders by UTF-8 bytes, not UTF-16 units', () => {
    // U+FFFD (EF BF BD) < U+1F600 (F0 9F 98 80) in UTF-8, but '\uFFFD' > '\uD83D' as UTF-16 units
    expect('\uFFFD' > '😀').toBe(true)
    expect(compareStrings('\uFFFD', '😀')).toBe(-1)
    expect(compareStrings('😀', '\uFFFD')).toBe(1)
    expect(compareStrings('a😀', 'a\uE000')).toBe(1)
    expect(compareStrings('abc', 'abd')).toBe(-1)
    expect(compareStrings('ab', 'abc')).toBe(-1)
    expect(compareStrings('', '')).toBe(0)
    expect(compareStrings('😀b', '😀a')).toBe(1)
  })

  it('agrees with comparing the encoded bytes', () => {
    const samples = ['', 'a', 'z', 'é', '€', '\uE000', '\uFFFF', '😀', '𝄞', 'a😀', 'a\uFFFD', '😀😀', '\u0000', 'aa']
    for (const a of samples)
      for (const b of samples) expect(compareStrings(a, b), `${a} vs ${b}`).toBe(compareBytes(utf8Encode(a), utf8Encode(b)))
  })

  it('counts and truncates code points', () => {
    expect(codePointCount('a😀b')).toBe(3)
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀')
    expect(truncateCodePoints('😀😁😂', 1)).toBe('😀')
    expect(truncateCodePoints('abc', 5)).toBe('abc')
  })
})

describe('float order', () => {
  it('is -NaN < -Inf < -1 < -0 < 0 < 1 < Inf < NaN', () => {
    const buf = new DataView(new ArrayBuffer(8))
    buf.setBigUint64(0, 0xfff8000000000000n)
    const negNaN = buf.getFloat64(0)
    expect(isNegativeNaN(negNaN)).toBe(true)
    expect(isNegativeNaN(NaN)).toBe(false)
    const ordered = [negNaN, -Infinity, -1, -0, 0, 1e-300, 1, Infinity, NaN]
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++) expect(compareFloats(ordered[i]!, ordered[j]!), `${i} vs ${j}`).toBe(sign(i - j))
  })
})

describe('compareValues', () => {
  it('compares per type', () => {
    expect(compareValues(T.int, 1, 2)).toBe(-1)
    expect(compareValues(T.long, 10n, 9n)).toBe(1)
    expect(compareValues(T.decimal(9, 2), -5n, -5n)).toBe(0)
    expect(compareValues(T.boolean, false, true)).toBe(-1)
    expect(compareValues(T.binary, Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBe(-1)
    expect(compareValues(T.fixed(2), Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(1)
    expect(compareValues(T.double, -0, 0)).toBe(-1)
    expect(compareValues(T.string, 'b', null)).toBe(1)
    expect(compareValues(T.string, null, null)).toBe(0)
  })

  it('rejects values in the wrong representation', () => {
    expect(() => compareValues(T.long, 1, 2)).toThrow(FloeError)
    expect(() => compareValues(T.uuid, 'f79c3e09-677c-4bbd-a479-3f349cb785e7', Uint8Array.of())).toThrow(FloeError)
    expect(() => compareValues(T.variant, 1, 2)).toThrow(FloeError)
  })
})

describe('valueEquals', () => {
  it('compares nested values structurally', () => {
    const struct = T.struct([field(1, 'a', T.int), field(2, 'b', T.list(3, T.string))])
    expect(valueEquals(struct, { '1': 1, '2': ['x'] }, { '1': 1, '2': ['x'] })).toBe(true)
    expect(valueEquals(struct, { '1': 1, '2': ['x'] }, { '1': 1, '2': ['y'] })).toBe(false)
    expect(valueEquals(struct, { '1': 1 }, { '1': 1, '2': null })).toBe(true)
    const map = T.map(4, T.binary, 5, T.long)
    const a = new Map([[Uint8Array.of(1), 1n], [Uint8Array.of(2), 2n]])
    const b = new Map([[Uint8Array.of(2), 2n], [Uint8Array.of(1), 1n]])
    expect(valueEquals(map, a, b)).toBe(true)
    expect(valueEquals(map, a, new Map([[Uint8Array.of(1), 1n], [Uint8Array.of(2), 3n]]))).toBe(false)
    expect(valueEquals(T.double, NaN, NaN)).toBe(true)
    expect(valueEquals(T.double, 0, -0)).toBe(false)
    expect(valueEquals(T.int, null, 0)).toBe(false)
  })
})

describe('byte and text helpers', () => {
  it('converts uuids (spec example) and hex', () => {
    const u = uuidToBytes('F79C3E09-677C-4BBD-A479-3F349CB785E7')
    expect(bytesToHex(u)).toBe('f79c3e09677c4bbda4793f349cb785e7')
    expect(uuidToString(u)).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7')
    expect(() => uuidToBytes('f79c3e09677c4bbda4793f349cb785e7')).toThrow(FloeError)
    expect(() => uuidToString(Uint8Array.of(1))).toThrow(FloeError)
    expect(hexToBytes('00ffAb')).toEqual(Uint8Array.of(0, 255, 0xab))
    expect(() => hexToBytes('abc')).toThrow(FloeError)
    expect(() => hexToBytes('zz')).toThrow(FloeError)
    expect(bytesToBase64(utf8Encode('abcd'))).toBe('YWJjZA==')
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true)
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false)
  })

  it('decodes UTF-8 strictly', () => {
    expect(utf8Decode(utf8Encode('h€llo 😀'))).toBe('h€llo 😀')
    expect(() => utf8Decode(Uint8Array.of(0xc3))).toThrow(FloeError)
  })
})

describe('decimals', () => {
  it('parses BigDecimal text with its scale', () => {
    expect(parseDecimal('14.20')).toEqual({ unscaled: 1420n, scale: 2 })
    expect(parseDecimal('-0.5')).toEqual({ unscaled: -5n, scale: 1 })
    expect(parseDecimal('2E+20')).toEqual({ unscaled: 2n, scale: -20 })
    expect(parseDecimal('1.420e1')).toEqual({ unscaled: 1420n, scale: 2 })
    expect(parseDecimal('.5')).toEqual({ unscaled: 5n, scale: 1 })
    for (const s of ['', '.', '1.2.3', 'abc', '1e', '--1']) expect(() => parseDecimal(s), s).toThrow(FloeError)
    expect(decimalFromString('14.20', 2)).toBe(1420n)
    expect(() => decimalFromString('14.2', 2)).toThrow(/scale 1, expected 2/)
  })

  it('prints plain JSON text and Java toString', () => {
    expect(decimalToString(1420n, 2)).toBe('14.20')
    expect(decimalToString(-5n, 3)).toBe('-0.005')
    expect(decimalToString(0n, 2)).toBe('0.00')
    expect(decimalToString(42n, 0)).toBe('42')
    expect(decimalToString(2n, -20)).toBe('2E+20')
    expect(decimalToJavaString(1n, 10)).toBe('1E-10')
    expect(decimalToJavaString(-123n, 9)).toBe('-1.23E-7')
    expect(decimalToJavaString(123n, 8)).toBe('0.00000123')
    expect(decimalToJavaString(123n, -1)).toBe('1.23E+3')
  })

  it('encodes minimal two’s complement big-endian', () => {
    const cases: [bigint, string][] = [[0n, '00'], [1n, '01'], [-1n, 'ff'], [127n, '7f'], [128n, '0080'], [-128n, '80'], [-129n, 'ff7f'], [1420n, '058c']]
    for (const [v, hex] of cases) {
      expect(bytesToHex(decimalToBytes(v)), String(v)).toBe(hex)
      expect(decimalFromBytes(hexToBytes(hex))).toBe(v)
    }
    expect(decimalFromBytes(hexToBytes('ffff'))).toBe(-1n)
    expect(() => decimalFromBytes(new Uint8Array(0))).toThrow(FloeError)
    expect(decimalFitsPrecision(999n, 3)).toBe(true)
    expect(decimalFitsPrecision(-1000n, 3)).toBe(false)
  })
})

describe('base64ToBytes (property)', () => {
  it('accepts exactly the canonical base64 texts, padded or not, and inverts bytesToBase64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), (bytes) => {
        const text = bytesToBase64(bytes)
        expect(base64ToBytes(text)).toEqual(new Uint8Array(bytes))
        expect(base64ToBytes(text.replace(/=+$/, ''))).toEqual(new Uint8Array(bytes))
      }),
    )
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AQIRw+/=-_ %'.split('')), maxLength: 12 }), (text) => {
        const bytes = base64ToBytes(text)
        // whatever it accepts re-encodes to the same characters (no skipped or ignored character)
        if (bytes !== undefined) expect(bytesToBase64(bytes).replace(/=+$/, '')).toBe(text.replace(/=+$/, ''))
        // and Node's lenient decoder agrees on those bytes
        if (bytes !== undefined) expect(bytes).toEqual(new Uint8Array(Buffer.from(text, 'base64')))
      }),
    )
  })
})
