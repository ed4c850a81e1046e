import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { parseTransform, Transforms } from '../../../src/spec/transform.js'
import {
  applyTransform,
  bucketBigInt,
  bucketNumber,
  bucketOfHash,
  hashValue,
  partitionPath,
  partitionToHumanString,
  partitionTuple,
  truncateDecimal,
  truncateInt,
  truncateLong,
} from '../../../src/spec/transform-apply.js'
import { field, T } from '../../../src/spec/types.js'
import { utf8Encode } from '../../../src/spec/values.js'

describe('bucket', () => {
  it('hashes each source type per Appendix B', () => {
    expect(hashValue(T.int, 34)).toBe(2017239379)
    expect(hashValue(T.date, 17486)).toBe(-653330422)
    expect(hashValue(T.time, 81068000000n)).toBe(-662762989)
    expect(hashValue(T.timestamp, 1510871468000001n)).toBe(-1207196810)
    expect(hashValue(T.timestamptzNs, 1510871468000001001n)).toBe(-1207196810)
    expect(hashValue(T.decimal(4, 2), 1420n)).toBe(-500754589)
    expect(hashValue(T.string, 'iceberg')).toBe(1210000089)
    expect(hashValue(T.binary, Uint8Array.of(0, 1, 2, 3))).toBe(-188683207)
  })

  it('floors nanoseconds to micros before hashing (pre-1970 too)', () => {
    expect(hashValue(T.timestampNs, -1n)).toBe(hashValue(T.timestamp, -1n))
    expect(hashValue(T.timestampNs, -1000n)).toBe(hashValue(T.timestamp, -1n))
    expect(hashValue(T.timestampNs, -1001n)).toBe(hashValue(T.timestamp, -2n))
  })

  it('takes (hash & MAX_INT) % n and agrees with the fast paths', () => {
    expect(applyTransform(Transforms.bucket(16), T.int, 34)).toBe(3)
    expect(bucketOfHash(-427558391, 16)).toBe(9)
    for (const v of [0, 1, -1, 34, 2 ** 31, -(2 ** 40), Number.MAX_SAFE_INTEGER]) {
      expect(bucketNumber(v, 1000), String(v)).toBe(applyTransform(Transforms.bucket(1000), T.long, BigInt(v)))
      expect(bucketBigInt(BigInt(v), 7)).toBe(bucketNumber(v, 7))
    }
  })

  it('rejects values of the wrong representation and non-bucketable types', () => {
    expect(() => applyTransform(Transforms.bucket(4), T.long, 34)).toThrow(FloeError)
    expect(() => applyTransform(Transforms.bucket(4), T.uuid, Uint8Array.of(1))).toThrow(FloeError)
    expect(() => applyTransform(Transforms.bucket(4), T.double, 1.5)).toThrow(/Cannot apply bucket\[4\] to type double/)
    expect(() => hashValue(T.boolean, true)).toThrow(FloeError)
  })
})

describe('truncate', () => {
  it('follows the spec examples', () => {
    expect(truncateInt(10, 1)).toBe(0)
    expect(truncateInt(10, -1)).toBe(-10)
    expect(truncateLong(10, -1n)).toBe(-10n)
    expect(truncateDecimal(50, 1065n)).toBe(1050n)
    expect(applyTransform(Transforms.truncate(3), T.string, 'iceberg')).toBe('ice')
    expect(applyTransform(Transforms.truncate(3), T.binary, Uint8Array.of(1, 2, 3, 4, 5))).toEqual(Uint8Array.of(1, 2, 3))
  })

  it('wraps like Java 32/64-bit arithmetic at the minimum', () => {
    expect(truncateInt(10, -2147483648)).toBe(2147483646)
    expect(truncateLong(10, -(2n ** 63n))).toBe(2n ** 63n - 2n)
  })

  it('keeps short values as they are', () => {
    const b = Uint8Array.of(1, 2)
    expect(applyTransform(Transforms.truncate(3), T.binary, b)).toBe(b)
    expect(applyTransform(Transforms.truncate(3), T.string, 'ab')).toBe('ab')
  })
})

describe('temporal, identity, void, null', () => {
  it('extracts years/months/days/hours with floor semantics', () => {
    const ts = 1510871468000000n
    expect(['year', 'month', 'day', 'hour'].map((u) => applyTransform(parseTransform(u), T.timestamptz, ts))).toEqual([47, 574, 17486, 419686])
    expect(['year', 'month', 'day'].map((u) => applyTransform(parseTransform(u), T.date, -1))).toEqual([-1, -1, -1])
    expect(applyTransform(Transforms.hour, T.timestampNs, -1n)).toBe(-1)
    expect(() => applyTransform(Transforms.hour, T.date, 1)).toThrow(FloeError)
  })

  it('passes identity through and maps null and void to null', () => {
    const u = Uint8Array.of(1, 2)
    expect(applyTransform(Transforms.identity, T.binary, u)).toBe(u)
    expect(applyTransform(Transforms.void, T.string, 'x')).toBeNull()
    expect(applyTransform(Transforms.bucket(3), T.string, null)).toBeNull()
    expect(applyTransform(Transforms.day, T.timestamp, null)).toBeNull()
    expect(() => applyTransform(parseTransform('zorder'), T.int, 1)).toThrow(/unknown transform/)
  })
})

describe('partition tuples and paths', () => {
  const s = schema([field(1, 'id', T.long), field(2, 'ts', T.timestamptz), field(3, 'name', T.string), field(4, 'v', T.int)])
  const spec = {
    specId: 0,
    fields: [
      { sourceId: 2, fieldId: 1000, name: 'ts_day', transform: Transforms.day },
      { sourceId: 1, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(16) },
      { sourceId: 3, fieldId: 1002, name: 'name', transform: Transforms.identity },
      { sourceId: 4, fieldId: 1003, name: 'v_null', transform: Transforms.void },
    ],
  }
  const ptype = T.struct([field(1000, 'ts_day', T.date), field(1001, 'id_bucket', T.int), field(1002, 'name', T.string), field(1003, 'v_null', T.int)])

  it('computes a partition tuple from source values', () => {
    const row: Record<number, bigint | string | number> = { 1: 34n, 2: 1510871468000000n, 3: 'a b/c', 4: 7 }
    const tuple = partitionTuple(spec, s, (id) => row[id] ?? null)
    expect(tuple).toEqual([17486, 3, 'a b/c', null])
    expect(partitionPath(spec, ptype, tuple)).toBe('ts_day=2017-11-16/id_bucket=3/name=a+b%2Fc/v_null=null')
    expect(partitionPath(spec, ptype, { '1000': 17486, '1001': 3, '1002': 'x' })).toBe('ts_day=2017-11-16/id_bucket=3/name=x/v_null=null')
  })

  it('fails for a source column that is missing', () => {
    const bad = { specId: 1, fields: [{ sourceId: 9, fieldId: 1000, name: 'x', transform: Transforms.identity }] }
    expect(() => partitionTuple(bad, s, () => 1)).toThrow(FloeError)
    expect(partitionToHumanString(Transforms.month, T.int, 574)).toBe('2017-11')
    expect(utf8Encode('x')).toEqual(Uint8Array.of(0x78))
  })
})
