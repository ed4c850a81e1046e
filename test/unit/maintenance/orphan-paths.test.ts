// The pure path rules of orphan removal: locations split into scheme, authority and a comparable path (the
// spellings of one local file share it), Java's equal-schemes form, the component match, and hidden files.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_EQUAL_SCHEMES, componentMatches, fileKey, flattenEquivalences, isHiddenBelow } from '../../../src/maintenance/orphan-paths.js'

const schemes = flattenEquivalences(DEFAULT_EQUAL_SCHEMES, true)
const none = new Map<string, string>()
const key = (loc: string): ReturnType<typeof fileKey> => fileKey(loc, schemes, none)

describe('fileKey', () => {
  it('splits scheme, authority and path; s3a and s3n are s3', () => {
    expect(key('s3a://Bucket/db/t/data/f.parquet')).toMatchObject({ scheme: 's3', authority: 'Bucket', key: '/db/t/data/f.parquet' })
    expect(key('S3N://b/x')).toMatchObject({ scheme: 's3', authority: 'b', key: '/x' })
    expect(key('hdfs://nn:8020/w/t/f')).toMatchObject({ scheme: 'hdfs', authority: 'nn:8020', key: '/w/t/f' })
    expect(key('/tmp/w/t/f')).toMatchObject({ scheme: '', authority: '', key: '/tmp/w/t/f' })
    expect(key('C:/w/f')).toMatchObject({ scheme: '', key: 'C:/w/f' })
  })

  it('gives every spelling of one local file the same path: file:/, file:///, bare, doubled slashes, escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9=_ -]{1,8}$/), { minLength: 1, maxLength: 5 }), (parts) => {
        const path = `/${parts.join('/')}`
        const spellings = [path, `file:${path}`, `file://${path}`, `file://${path.replace(/\//g, '//')}`, `file://${parts.map((p) => `/${encodeURIComponent(p)}`).join('')}`]
        const keys = new Set(spellings.map((s) => key(s).key))
        expect([...keys]).toEqual([path])
      }),
    )
  })

  it('maps schemes and authorities given in Java’s comma form', () => {
    const auth = flattenEquivalences({ 'bucket-a, bucket-b': 'bucket' }, false)
    expect(fileKey('s3://bucket-b/x', schemes, auth).authority).toBe('bucket')
    expect(flattenEquivalences({ 'S3A,,wasb': 'S3' }, true)).toEqual(new Map([['s3a', 's3'], ['wasb', 's3']]))
  })
})

describe('componentMatches', () => {
  it('matches when the referenced location has none, else ignoring case', () => {
    expect(componentMatches('', 's3')).toBe(true)
    expect(componentMatches('S3', 's3')).toBe(true)
    expect(componentMatches('s3', '')).toBe(false)
    expect(componentMatches('b1', 'b2')).toBe(false)
  })
})

describe('isHiddenBelow', () => {
  it('hides names starting with _ or . below the base, except partition folders of such fields', () => {
    const names = new Set(['_region'])
    expect(isHiddenBelow('/t', '/t/data/.f.parquet.crc', names)).toBe(true)
    expect(isHiddenBelow('/t', '/t/data/_temporary/0/f.parquet', names)).toBe(true)
    expect(isHiddenBelow('/t/', '/t/data/_region=eu/f.parquet', names)).toBe(false)
    expect(isHiddenBelow('/t', '/t/data/_other=eu/f.parquet', names)).toBe(true)
    expect(isHiddenBelow('/t', '/t/metadata/v1.metadata.json', names)).toBe(false)
    // only below the base: a base that itself has such a name is listed
    expect(isHiddenBelow('/w/_t', '/w/_t/data/f.parquet', names)).toBe(false)
  })
})
