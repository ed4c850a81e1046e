// write.metadata.metrics.max-inferred-column-defaults as Java ≥ 1.10 applies it: the limit is compared with
// TypeUtil.getProjectedIds (struct ids and nested members count, not just top-level columns), and when it is
// exceeded only MetricsConfig.limitFieldIds (a struct's own primitives first, then each member descended)
// keep truncate(16); every other column gets none unless configured per column.
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { limitFieldIds, metricsConfig, metricsModeOf, MetricsModes, projectedIdCount } from '../../../src/write/metrics.js'
import { tableOf } from './write-fixtures.js'

// ids chosen so the expected orders below can be read off the tree
const NESTED = schema([
  field(1, 'a', T.int),
  field(2, 's', T.struct([field(3, 'x', T.int), field(4, 'inner', T.struct([field(5, 'y', T.int)])), field(6, 'z', T.string)])),
  field(7, 'l', T.list(8, T.int)),
  field(9, 'm', T.map(10, T.string, 11, T.struct([field(12, 'v', T.int)]))),
  field(13, 'b', T.long),
  field(14, 'ls', T.list(15, T.struct([field(16, 'w', T.int)]))),
  field(17, 'mp', T.map(18, T.int, 19, T.string)),
  field(20, 'var', T.variant),
])

async function writeOne(s: Schema, rows: Row[], properties: Record<string, string> = {}) {
  const files = await writeDataFiles(testEnv(new MemoryFileIO()), { metadata: tableOf(s, { properties }) }, rows, { operationId: 'op' })
  expect(files).toHaveLength(1)
  return files[0]!
}

describe('projected ids and the limited ids (Java TypeUtil.getProjectedIds / MetricsConfig.limitFieldIds)', () => {
  it('counts struct ids and members, primitive list elements, and map key+value only beside a primitive value', () => {
    // 1 a, 2 s, 3 x, 4 inner, 5 y, 6 z, 8 l.element, 12 m.value.v, 13 b, 16 ls.element.w, 18+19 mp, 20 var
    expect(projectedIdCount(NESTED)).toBe(13)
  })

  it('takes a struct’s own primitives first, then descends each member in order', () => {
    expect(limitFieldIds(NESTED, 100)).toEqual([1, 13, 20, 3, 6, 5, 8, 10, 12, 16, 18, 19])
    expect(limitFieldIds(NESTED, 4)).toEqual([1, 13, 20, 3])
    expect(limitFieldIds(NESTED, 0)).toEqual([])
  })

  it('limits only when the projected ids exceed the property; the rest get none unless set per column', () => {
    expect(metricsConfig({ 'write.metadata.metrics.max-inferred-column-defaults': '13' }, NESTED).defaultMode).toEqual(MetricsModes.truncate(16))
    const cfg = metricsConfig(
      { 'write.metadata.metrics.max-inferred-column-defaults': '12', 'write.metadata.metrics.column.mp.value': 'full' },
      NESTED,
    )
    expect(cfg.defaultMode).toEqual(MetricsModes.none)
    const modes = Object.fromEntries([1, 3, 5, 6, 8, 10, 12, 13, 16, 18, 19, 20].map((id) => [id, metricsModeOf(cfg, NESTED, id).kind]))
    expect(modes).toEqual({ 1: 'truncate', 3: 'truncate', 5: 'truncate', 6: 'truncate', 8: 'truncate', 10: 'truncate', 12: 'truncate', 13: 'truncate', 16: 'truncate', 18: 'truncate', 19: 'full', 20: 'truncate' })
    const tight = metricsConfig({ 'write.metadata.metrics.max-inferred-column-defaults': '5' }, NESTED)
    expect([1, 13, 20, 3, 6, 5, 8].map((id) => metricsModeOf(tight, NESTED, id).kind)).toEqual(['truncate', 'truncate', 'truncate', 'truncate', 'truncate', 'none', 'none'])
  })
})

describe('written files follow the limit', () => {
  it('one struct of 150 ints (151 projected ids): only its first 100 members get metrics', async () => {
    const kids = Array.from({ length: 150 }, (_, i) => field(i + 2, `c${i}`, T.int))
    const s = schema([field(1, 'st', T.struct(kids))])
    const file = await writeOne(s, [{ st: Object.fromEntries(kids.map((k, i) => [k.name, i])) }])
    const ids = Array.from({ length: 100 }, (_, i) => i + 2)
    expect([...file.valueCounts!.keys()].sort((x, y) => x - y)).toEqual(ids)
    expect([...file.lowerBounds!.keys()].sort((x, y) => x - y)).toEqual(ids)
    expect([...file.columnSizes!.keys()].sort((x, y) => x - y)).toEqual(ids)
  })

  it('49 int columns then a struct of 100 ints: the 49 columns and the first 51 struct members; a per-column mode still applies', async () => {
    const s = schema([
      ...Array.from({ length: 49 }, (_, i) => field(i + 1, `i${i}`, T.int)),
      field(50, 'st', T.struct(Array.from({ length: 100 }, (_, i) => field(51 + i, `c${i}`, T.int)))),
    ])
    const row: Row = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`i${i}`, i]))
    row.st = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, i]))
    const file = await writeOne(s, [row], { 'write.metadata.metrics.column.st.c99': 'counts' })
    const keys = [...file.valueCounts!.keys()].sort((x, y) => x - y)
    // ids 1..49, then st.c0..st.c50 (51..101); st.c99 (150) has counts only
    expect(keys).toEqual([...Array.from({ length: 101 }, (_, i) => i + 1).filter((id) => id !== 50), 150])
    expect(file.lowerBounds!.has(150)).toBe(false)
    expect(file.lowerBounds!.size).toBe(100)
  })

  it('a narrow table whose nested ids fit keeps truncate(16) everywhere', async () => {
    const s = schema([field(1, 'st', T.struct(Array.from({ length: 99 }, (_, i) => field(i + 2, `c${i}`, T.int))))])
    const file = await writeOne(s, [{ st: Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`c${i}`, i])) }])
    expect(file.valueCounts!.size).toBe(99)
  })
})
