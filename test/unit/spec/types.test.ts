import { describe, expect, it } from 'vitest'
import { decimalRequiredBytes, isPromotionAllowed, primitiveToString, typeEquals, typeToString, T, field } from '../../../src/spec/types.js'
import { parsePrimitiveType, typeFromJson, typeToJson } from '../../../src/spec/json/schema-json.js'
import { jsonRoot } from '../../../src/spec/json/json-read.js'
import { FloeError } from '../../../src/errors.js'

describe('types', () => {
  it('computes the spec minBytes table for decimals', () => {
    const table: Array<[number, number]> = [[2, 1], [4, 2], [6, 3], [9, 4], [11, 5], [14, 6], [16, 7], [18, 8], [21, 9], [23, 10], [26, 11], [28, 12], [31, 13], [33, 14], [35, 15], [38, 16]]
    for (const [p, bytes] of table) {
      expect(decimalRequiredBytes(p)).toBe(bytes)
      expect(decimalRequiredBytes(p + 1)).toBeGreaterThanOrEqual(bytes)
    }
  })

  it('parses every primitive type string, with Java spacing quirks', () => {
    expect(parsePrimitiveType('decimal(9, 2)')).toEqual(T.decimal(9, 2))
    expect(parsePrimitiveType('decimal(38,10)')).toEqual(T.decimal(38, 10))
    expect(parsePrimitiveType('fixed[ 16 ]')).toEqual(T.fixed(16))
    expect(parsePrimitiveType('TIMESTAMP_NS')).toEqual(T.timestampNs)
    expect(parsePrimitiveType('geometry')).toEqual({ kind: 'geometry', crs: 'OGC:CRS84' })
    expect(parsePrimitiveType('geography(srid:4326, planar)')).toEqual({ kind: 'geography', crs: 'srid:4326', algorithm: 'planar' })
    expect(() => parsePrimitiveType('decimal(39,1)')).toThrow(FloeError)
    expect(() => parsePrimitiveType('varchar')).toThrow(/Cannot parse type/)
    for (const s of ['boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary', 'unknown', 'variant', 'fixed[3]', 'decimal(9, 2)'])
      expect(primitiveToString(parsePrimitiveType(s))).toBe(s)
  })

  it('round-trips nested types through JSON', () => {
    const t = T.map(4, T.string, 5, T.list(6, T.struct([field(7, 'a', T.decimal(10, 3), { required: true, doc: 'd' })]), true), true)
    expect(typeFromJson(typeToJson(t), jsonRoot())).toEqual(t)
    expect(typeEquals(typeFromJson(typeToJson(t), jsonRoot()), t)).toBe(true)
    expect(typeToString(t)).toBe('map<string, list<struct<7: a: required decimal(10, 3)>>>')
  })

  it('allows exactly the spec promotions', () => {
    expect(isPromotionAllowed(T.int, T.long)).toBe(true)
    expect(isPromotionAllowed(T.float, T.double)).toBe(true)
    expect(isPromotionAllowed(T.decimal(9, 2), T.decimal(18, 2))).toBe(true)
    expect(isPromotionAllowed(T.decimal(9, 2), T.decimal(18, 3))).toBe(false)
    expect(isPromotionAllowed(T.long, T.int)).toBe(false)
    expect(isPromotionAllowed(T.date, T.timestamp, 2)).toBe(false)
    expect(isPromotionAllowed(T.date, T.timestamp, 3)).toBe(true)
    expect(isPromotionAllowed(T.date, T.timestamptz, 3)).toBe(false)
    expect(isPromotionAllowed(T.unknown, T.string, 3)).toBe(true)
  })
})
