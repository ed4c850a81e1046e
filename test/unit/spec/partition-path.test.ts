import { describe, expect, it } from 'vitest'
import { javaDoubleToString, javaFloatToString, javaUrlEncode, partitionPath, partitionToHumanString, valueToHumanString } from '../../../src/spec/partition-path.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T } from '../../../src/spec/types.js'
import { uuidToBytes } from '../../../src/spec/values.js'

describe('Java number formatting', () => {
  it('prints doubles like Double.toString', () => {
    const cases: [number, string][] = [
      [1, '1.0'], [0, '0.0'], [-0, '-0.0'], [0.1, '0.1'], [1.5, '1.5'], [100, '100.0'], [1234567, '1234567.0'],
      [1e7, '1.0E7'], [12345678.9, '1.23456789E7'], [0.001, '0.001'], [0.0001, '1.0E-4'], [1.25e-5, '1.25E-5'],
      [-2.5, '-2.5'], [1e21, '1.0E21'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
    ]
    for (const [x, s] of cases) expect(javaDoubleToString(x), String(x)).toBe(s)
  })

  it('prints floats with the shortest float digits like Float.toString', () => {
    expect(javaFloatToString(Math.fround(0.1))).toBe('0.1')
    expect(javaFloatToString(Math.fround(0.34234))).toBe('0.34234')
    expect(javaFloatToString(Math.fround(1e10))).toBe('1.0E10')
    expect(javaFloatToString(Math.fround(3.4028235e38))).toBe('3.4028235E38')
    expect(javaFloatToString(1)).toBe('1.0')
  })
})

describe('URL encoding', () => {
  it('matches java.net.URLEncoder', () => {
    expect(javaUrlEncode('a b')).toBe('a+b')
    expect(javaUrlEncode("A-z0.9_*~!'()")).toBe('A-z0.9_*%7E%21%27%28%29')
    expect(javaUrlEncode('2017-11-16T22:31:08+00:00')).toBe('2017-11-16T22%3A31%3A08%2B00%3A00')
    expect(javaUrlEncode('é/😀')).toBe('%C3%A9%2F%F0%9F%98%80')
    expect(javaUrlEncode('\uD800x')).toBe('%3Fx')
  })
})

describe('human strings', () => {
  it('formats identity values per type', () => {
    expect(valueToHumanString(T.date, 17486)).toBe('2017-11-16')
    expect(valueToHumanString(T.time, 81068000000n)).toBe('22:31:08')
    expect(valueToHumanString(T.timestamp, 1510871468000000n)).toBe('2017-11-16T22:31:08')
    expect(valueToHumanString(T.timestamptz, 1510871468100000n)).toBe('2017-11-16T22:31:08.1+00:00')
    expect(valueToHumanString(T.timestamptzNs, 1510871468000000001n)).toBe('2017-11-16T22:31:08.000000001+00:00')
    expect(valueToHumanString(T.binary, Uint8Array.of(1, 2, 3))).toBe('AQID')
    expect(valueToHumanString(T.fixed(2), Uint8Array.of(0xff, 0xfe))).toBe('//4=')
    expect(valueToHumanString(T.uuid, uuidToBytes('f79c3e09-677c-4bbd-a479-3f349cb785e7'))).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7')
    expect(valueToHumanString(T.decimal(9, 2), -1420n)).toBe('-14.20')
    expect(valueToHumanString(T.long, -9223372036854775808n)).toBe('-9223372036854775808')
    expect(valueToHumanString(T.boolean, true)).toBe('true')
    expect(valueToHumanString(T.double, 1)).toBe('1.0')
    expect(valueToHumanString(T.string, null)).toBe('null')
  })

  it('formats transform results', () => {
    expect(partitionToHumanString(Transforms.year, T.int, 47)).toBe('2017')
    expect(partitionToHumanString(Transforms.hour, T.int, 419686)).toBe('2017-11-16-22')
    expect(partitionToHumanString(Transforms.day, T.int, 17486)).toBe('2017-11-16')
    expect(partitionToHumanString(Transforms.bucket(8), T.int, 5)).toBe('5')
    expect(partitionToHumanString(Transforms.truncate(2), T.string, 'ab')).toBe('ab')
    expect(partitionToHumanString(Transforms.void, T.string, 'x')).toBe('null')
    expect(partitionToHumanString(Transforms.day, T.date, null)).toBe('null')
  })

  it('builds a path with encoded names', () => {
    const spec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'a b', transform: Transforms.identity }] }
    expect(partitionPath(spec, T.struct([field(1000, 'a b', T.timestamp)]), [0n])).toBe('a+b=1970-01-01T00%3A00%3A00')
  })
})
