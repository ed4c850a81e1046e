// Spec Appendix B bucket hashing vectors and real-engine (Trino) bucket cross-checks.
import { describe, expect, it } from 'vitest'
import { murmur3Bytes, murmur3Double, murmur3Int } from '../../src/spec/murmur3.js'
import { parseTransform } from '../../src/spec/transform.js'
import { applyTransform, hashValue } from '../../src/spec/transform-apply.js'
import { bytesToHex, decimalToBytes, uuidToBytes } from '../../src/spec/values.js'
import { entries, literal, loadVectors, primitiveOf } from './vectors.js'

const file = loadVectors('bucket-hash.json')

describe('bucket hash vectors (Appendix B)', () => {
  it.each(entries(file, 'hashes').map((e) => [`${String(e.type)} ${String(e.value ?? e.hex)}`, e] as const))('%s', (_, e) => {
    const type = primitiveOf(e.type)
    expect(hashValue(type, literal(type, e))).toBe(e.hash)
  })

  it('encodes the spec uuid as 16 big-endian bytes and decimals as minimal two’s complement', () => {
    const u = file.uuidBytes as { uuid: string; hex: string }
    expect(bytesToHex(uuidToBytes(u.uuid))).toBe(u.hex)
    const d = file.decimalBytes as { type: string; value: string; hex: string }
    const type = primitiveOf(d.type)
    expect(bytesToHex(decimalToBytes(literal(type, { value: d.value }) as bigint))).toBe(d.hex)
    expect(murmur3Bytes(uuidToBytes(u.uuid))).toBe(1488055340)
  })

  it.each(entries(file, 'reference').map((e) => [`${String(e.type)} ${String(e.value)}`, e] as const))(
    'reference-only hash %s',
    (_, e) => {
      const h = e.type === 'boolean' ? murmur3Int(e.value ? 1 : 0) : murmur3Double(Number(e.value))
      expect(h).toBe(e.hash)
    },
  )
})

describe('bucket values written by Trino', () => {
  it.each(entries(file, 'buckets').map((e) => [`${String(e.type)} bucket[${String(e.n)}]`, e] as const))('%s', (_, e) => {
    const type = primitiveOf(e.type)
    const t = parseTransform(`bucket[${String(e.n)}]`)
    expect(applyTransform(t, type, literal(type, e))).toBe(e.bucket)
  })
})
