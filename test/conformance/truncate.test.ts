// Spec truncate transform vectors (int, long, decimal, string by code points, binary by bytes).
import { describe, expect, it } from 'vitest'
import { jsonLong } from '../../src/spec/json/lossless.js'
import { applyTransform } from '../../src/spec/transform-apply.js'
import { Transforms } from '../../src/spec/transform.js'
import type { Value } from '../../src/spec/types.js'
import { decimalFromString, hexToBytes } from '../../src/spec/values.js'
import { entries, literal, loadVectors, primitiveOf } from './vectors.js'

const file = loadVectors('truncate.json')

describe('truncate vectors', () => {
  it.each(entries(file, 'cases').map((e) => [`${String(e.type)} W=${String(e.width)} ${String(e.value ?? e.hex)}`, e] as const))(
    '%s',
    (_, e) => {
      const type = primitiveOf(e.type)
      let expected: Value
      if (typeof e.expectedHex === 'string') expected = hexToBytes(e.expectedHex)
      else if (type.kind === 'long') expected = jsonLong(e.expected)!
      else if (type.kind === 'decimal') expected = decimalFromString(e.expected as string, type.scale)
      else expected = e.expected as Value
      expect(applyTransform(Transforms.truncate(e.width as number), type, literal(type, e))).toEqual(expected)
    },
  )
})
