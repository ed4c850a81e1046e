import { describe, expect, it } from 'vitest'
import { boolProp, intProp, longProp, prop, retryPolicy } from '../../../src/spec/properties.js'
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
    expect(() => intProp({ 'commit.retry.num-retries': 'ten' }, 'commit.retry.num-retries')).toThrow(/commit\.retry\.num-retries/)
    expect(() => longProp({ 'history.expire.max-ref-age-ms': '1.5' }, 'history.expire.max-ref-age-ms')).toThrow(FloeError)
  })
})
