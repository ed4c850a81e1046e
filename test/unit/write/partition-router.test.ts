// Routing rows to partitions: tuples from each field's transform, grouping keys, Java paths, and rows whose
// partition value the partition type cannot hold (truncate of a decimal past its precision).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { T, field } from '../../../src/spec/types.js'
import { decimalFitsPrecision } from '../../../src/spec/values.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { partitionRouter } from '../../../src/write/partition-router.js'
import { tableOf } from './write-fixtures.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'

const S = schema([field(1, 'd', T.decimal(3, 1)), field(2, 's', T.struct([field(3, 'x', T.int)]))])
const SPEC = {
  specId: 0,
  fields: [
    { sourceId: 1, fieldId: 1000, name: 'd_trunc', transform: Transforms.truncate(7) },
    { sourceId: 3, fieldId: 1001, name: 'x', transform: Transforms.identity },
  ],
}

describe('partitionRouter', () => {
  it('routes by the transforms of (nested) source columns and names Java paths', () => {
    const r = partitionRouter(SPEC, S)
    const p = r.route({ d: 125n, s: { x: 4 } })
    expect(p.values).toEqual([119n, 4])
    expect(r.path(p.values)).toBe('d_trunc=11.9/x=4')
    expect(r.route({ d: null, s: null }).values).toEqual([null, null])
  })

  it('property: a decimal truncate either fits the precision or the row is refused with INVALID_DATA naming the column', () => {
    const r = partitionRouter(SPEC, S)
    fc.assert(
      fc.property(fc.bigInt({ min: -999n, max: 999n }), (d) => {
        const out = applyTransform(Transforms.truncate(7), T.decimal(3, 1), d) as bigint
        if (decimalFitsPrecision(out, 3)) expect(r.route({ d, s: null }).values[0]).toBe(out)
        else expect(() => r.route({ d, s: null })).toThrow(expect.objectContaining({ code: 'INVALID_DATA', context: { field: 'd' } }))
      }),
    )
  })

  it('a write names the source and row of such a row, and writes nothing', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(S, { spec: SPEC, location: 'mem://w/t' })
    await expect(writeDataFiles(testEnv(io), { metadata: md }, [{ d: 10n, s: null }, { d: -999n, s: null }], { source: 'in.csv' })).rejects.toMatchObject({
      code: 'INVALID_DATA',
      context: { file: 'in.csv', row: 2, field: 'd' },
    })
    expect(io.files.size).toBe(0)
  })
})
