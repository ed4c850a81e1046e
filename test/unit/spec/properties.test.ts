import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { boolProp, intProp, longProp, parseJavaInt, parseJavaLong, prop, retryPolicy } from '../../../src/spec/properties.js'
import { metricsConfig } from '../../../src/write/metrics.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { FloeError } from '../../../src/errors.js'

describe('table properties', () => {
  it('falls back to Java defaults', () => {
    expect(retryPolicy({})).toEqual({ numRetries: 4, minWaitMs: 100, maxWaitMs: 60000, totalTimeoutMs: 1800000 })
    expect(prop({}, 'write.parquet.compression-codec')).toBe('zstd')
    expect(longProp({}, 'history.expire.max-ref-age-ms')).toBe(9223372036854775807n)
    expect(boolProp({}, 'gc.enabled')).toBe(true)
  })

  it('reads overrides and rejects malformed numbers naming the key', () => {
    expect(intProp({ 'commit.retry.num-retries': '10' }, 'commit.retry.num-retries')).toBe(10)
    expect(boolProp({ 'gc.enabled': 'FALSE' }, 'gc.enabled')).toBe(false)
    // Java's Boolean.parseBoolean: "true" in any case, nothing else (no trimming)
    expect([boolProp({ 'gc.enabled': 'TrUe' }, 'gc.enabled'), boolProp({ 'gc.enabled': ' true' }, 'gc.enabled'), boolProp({ 'gc.enabled': 'yes' }, 'gc.enabled')]).toEqual([true, false, false])
    expect(() => intProp({ 'commit.retry.num-retries': 'ten' }, 'commit.retry.num-retries')).toThrow(/commit\.retry\.num-retries/)
    expect(() => longProp({ 'history.expire.max-ref-age-ms': '1.5' }, 'history.expire.max-ref-age-ms')).toThrow(FloeError)
  })

  it("parses integers as Java's Integer.parseInt / Long.parseLong: sign and ASCII digits only, in range", () => {
    expect([parseJavaInt('42'), parseJavaInt('+7'), parseJavaInt('-0'), parseJavaInt('2147483647'), parseJavaInt('-2147483648')]).toEqual([42, 7, -0, 2147483647, -2147483648])
    for (const bad of ['', ' 1', '1 ', '1e0', '0x1', '1.0', '2147483648', '-2147483649', '1_000', '٣'])
      expect([bad, parseJavaInt(bad)]).toEqual([bad, undefined])
    expect(parseJavaLong('-9223372036854775808')).toBe(-(2n ** 63n))
    expect(parseJavaLong('9223372036854775808')).toBeUndefined()
    expect(() => intProp({ 'commit.retry.num-retries': '' }, 'commit.retry.num-retries')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => longProp({ 'history.expire.max-ref-age-ms': ' 5' }, 'history.expire.max-ref-age-ms')).toThrow(FloeError)
    // the metrics column limit too (it read '' as 0, turning every column's metrics off)
    const s = schema([field(1, 'a', T.int)])
    for (const bad of ['', ' 1 ', '1e0', '0x1'])
      expect(() => metricsConfig({ 'write.metadata.metrics.max-inferred-column-defaults': bad }, s)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('property: every int32 in canonical text parses back to itself, anything else that is not digits is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), fc.string({ maxLength: 4 }), (n, junk) => {
        expect(parseJavaInt(String(n))).toBe(n)
        if (!/^[+-]?\d+$/.test(junk)) expect(parseJavaInt(junk)).toBeUndefined()
      }),
    )
  })
})
