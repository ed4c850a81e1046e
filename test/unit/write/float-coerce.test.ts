// Coercion makes equal stored values equal everywhere: a float column's values are rounded to 32 bits (so
// 0.1 and Math.fround(0.1) are one partition with one value, like Java's Float keys, and metrics agree with
// the data), and an int or date column has no −0 (it would split an identity partition from 0).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { fromBinary } from '../../../src/spec/single-value.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { rowCoercer } from '../../../src/write/coerce.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { tableOf } from './write-fixtures.js'

async function writeIdentity(s: Schema, rows: unknown[]) {
  const spec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'p', transform: Transforms.identity }] }
  return writeDataFiles(testEnv(new MemoryFileIO()), { metadata: tableOf(s, { spec }) }, rows, { operationId: 'op' })
}

describe('float and int coercion', () => {
  it('float values are rounded to 32 bits; doubles are not', () => {
    const s = schema([field(1, 'f', T.float), field(2, 'd', T.double)])
    const row = rowCoercer(s)({ f: 0.1, d: 0.1 }, 1)
    expect(row).toEqual({ f: Math.fround(0.1), d: 0.1 })
    fc.assert(fc.property(fc.double(), (x) => Object.is(rowCoercer(s)({ f: x }, 1).f, Math.fround(x))))
  })

  it('0.1 and Math.fround(0.1) in an identity-partitioned float column are one partition and one value', async () => {
    const s = schema([field(1, 'f', T.float)])
    const files = await writeIdentity(s, [{ f: 0.1 }, { f: Math.fround(0.1) }])
    expect(files).toHaveLength(1)
    expect(files[0]!.partition).toEqual([Math.fround(0.1)])
    expect(files[0]!.recordCount).toBe(2n)
    expect(fromBinary(T.float, files[0]!.lowerBounds!.get(1)!)).toBe(Math.fround(0.1))
    expect(fromBinary(T.float, files[0]!.upperBounds!.get(1)!)).toBe(Math.fround(0.1))
  })

  it('−0 in an int or date column is 0: one partition with 0; floats keep −0 apart from 0 like Java', async () => {
    for (const type of [T.int, T.date]) {
      const s = schema([field(1, 'x', type)])
      expect(Object.is(rowCoercer(s)({ x: -0 }, 1).x, 0)).toBe(true)
      const files = await writeIdentity(s, [{ x: -0 }, { x: 0 }])
      expect(files.map((f) => f.partition)).toEqual([[0]])
      expect(Object.is(files[0]!.partition[0], 0)).toBe(true)
    }
    const floats = await writeIdentity(schema([field(1, 'x', T.float)]), [{ x: -0 }, { x: 0 }])
    expect(floats).toHaveLength(2)
  })
})
