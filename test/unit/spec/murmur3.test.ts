import { describe, expect, it } from 'vitest'
import { murmur3BigInt, murmur3Bytes, murmur3Double, murmur3Int, murmur3Int64, murmur3Long, murmur3String } from '../../../src/spec/murmur3.js'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const le8 = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigInt64(0, v, true)
  return b
}

describe('murmur3Bytes', () => {
  // Published MurmurHash3_x86_32 seed-0 vectors exercise every tail length (0–3 trailing bytes).
  it.each([
    ['', 0x00000000],
    ['a', 0x3c2569b2],
    ['abc', 0xb3dd93fa],
    ['hello', 0x248bfa47],
    ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
  ])('hashes %j', (s, expected) => {
    expect(murmur3Bytes(utf8(s))).toBe(expected | 0)
  })

  it('returns a signed 32-bit integer (spec: "iceberg" → 1210000089, "34" → -427558391)', () => {
    expect(murmur3Bytes(utf8('iceberg'))).toBe(1210000089)
    expect(murmur3Bytes(utf8('34'))).toBe(-427558391)
    expect(murmur3Bytes(Uint8Array.of(0, 1, 2, 3))).toBe(-188683207)
  })

  it('hashes a view without looking outside it', () => {
    const big = Uint8Array.of(9, 9, 0, 1, 2, 3, 9)
    expect(murmur3Bytes(big.subarray(2, 6))).toBe(-188683207)
  })
})

describe('int64 fast paths', () => {
  it('agree with hashing the 8 little-endian bytes', () => {
    for (const v of [0n, 1n, -1n, 34n, 17486n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 53n - 1n, -(2n ** 63n), 2n ** 63n - 1n, 1510871468000000n]) {
      const expected = murmur3Bytes(le8(v))
      expect(murmur3BigInt(v), String(v)).toBe(expected)
      expect(murmur3Int64(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)))).toBe(expected)
      if (v >= -(2n ** 53n) && v < 2n ** 53n) expect(murmur3Long(Number(v)), String(v)).toBe(expected)
    }
  })

  it('hashes ints as longs (34 and 34L → 2017239379)', () => {
    expect(murmur3Int(34)).toBe(2017239379)
    expect(murmur3Long(34)).toBe(2017239379)
    expect(murmur3BigInt(34n)).toBe(2017239379)
    expect(murmur3Int(-7)).toBe(murmur3BigInt(-7n))
  })

  it('wraps bigints outside int64 like a Java long', () => {
    expect(murmur3BigInt(2n ** 64n + 34n)).toBe(murmur3BigInt(34n))
  })
})

describe('murmur3Double (reference table)', () => {
  it('canonicalises -0 and NaN', () => {
    expect(murmur3Double(1)).toBe(-142385009)
    expect(murmur3Double(0)).toBe(1669671676)
    expect(murmur3Double(-0)).toBe(1669671676)
    const nanBits = new Uint8Array(8)
    new DataView(nanBits.buffer).setBigUint64(0, 0x7ff8000000000000n, true)
    expect(murmur3Double(NaN)).toBe(murmur3Bytes(nanBits))
  })
})

describe('murmur3String', () => {
  it('hashes the UTF-8 bytes, for short and long strings alike', () => {
    expect(murmur3String('iceberg')).toBe(1210000089)
    const long = 'ü€😀'.repeat(200)
    expect(murmur3String(long)).toBe(murmur3Bytes(utf8(long)))
    expect(murmur3String('')).toBe(0)
    expect(murmur3String('a')).toBe(0x3c2569b2)
  })
})
