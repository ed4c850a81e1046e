// Appendix D single-value vectors: binary and JSON forms per type, promotion-era bounds, invalid inputs.
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../src/errors.js'
import { stringifyJson, type JsonValue } from '../../src/spec/json/lossless.js'
import { fromBinary, fromJsonValue, toBinary, toJsonValue } from '../../src/spec/single-value.js'
import { isPrimitive, typeToString } from '../../src/spec/types.js'
import { bytesToHex, hexToBytes, valueEquals } from '../../src/spec/values.js'
import { entries, loadVectors, typeOf } from './vectors.js'

const file = loadVectors('single-value.json')
const name = (e: { type?: JsonValue; json?: JsonValue; hex?: JsonValue }): string =>
  `${typeToString(typeOf(e.type))} ${e.json === undefined ? String(e.hex) : stringifyJson(e.json)}`

describe('single-value vectors', () => {
  it.each(entries(file, 'values').map((e) => [name(e), e] as const))('%s', (_, e) => {
    const type = typeOf(e.type)
    const fromJson = e.json === undefined ? undefined : fromJsonValue(type, e.json)
    if (fromJson !== undefined) expect(stringifyJson(toJsonValue(type, fromJson))).toBe(stringifyJson(e.json!))
    if (typeof e.hex === 'string') {
      if (!isPrimitive(type)) throw new Error('binary vectors are for primitives')
      const fromBin = fromBinary(type, hexToBytes(e.hex))
      expect(bytesToHex(toBinary(type, fromBin))).toBe(e.hex)
      if (fromJson !== undefined) {
        expect(valueEquals(type, fromBin, fromJson)).toBe(true)
        expect(bytesToHex(toBinary(type, fromJson))).toBe(e.hex)
      }
    }
  })

  it.each(entries(file, 'readJson').map((e) => [name(e), e] as const))('reads alternative JSON %s', (_, e) => {
    const type = typeOf(e.type)
    expect(stringifyJson(toJsonValue(type, fromJsonValue(type, e.json!)))).toBe(stringifyJson(e.canonical!))
  })

  it.each(entries(file, 'promoted').map((e) => [name(e), e] as const))('decodes a pre-promotion bound %s', (_, e) => {
    const type = typeOf(e.type)
    if (!isPrimitive(type)) throw new Error('promotion vectors are for primitives')
    const v = fromBinary(type, hexToBytes(e.hex as string))
    expect(stringifyJson(toJsonValue(type, v))).toBe(stringifyJson(e.json!))
  })

  it.each(entries(file, 'invalidJson').map((e) => [name(e), e] as const))('rejects JSON %s', (_, e) => {
    const type = typeOf(e.type)
    expect(() => fromJsonValue(type, e.json!)).toThrow(FloeError)
  })

  it.each(entries(file, 'invalidBinary').map((e) => [name(e), e] as const))('rejects binary %s', (_, e) => {
    const type = typeOf(e.type)
    if (!isPrimitive(type)) throw new Error('binary vectors are for primitives')
    expect(() => fromBinary(type, hexToBytes(e.hex as string))).toThrow(FloeError)
  })
})
