import { describe, expect, it } from 'vitest'
import { assignFreshIds, newTableMetadata } from '../../../src/spec/new-table.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import { InvalidArgumentError } from '../../../src/errors.js'
import { parseTableMetadata } from '../../../src/spec/json/metadata-read.js'
import { writeTableMetadataJson } from '../../../src/spec/json/metadata-write.js'

const input = schema(
  [field(10, 'id', T.long, { required: true }), field(20, 's', T.struct([field(21, 'a', T.int), field(22, 'l', T.list(23, T.string))])), field(30, 'ts', T.timestamptz)],
  5,
  [10],
)

describe('new table metadata', () => {
  it('assigns fresh ids breadth-first per struct, as Java does', () => {
    const { schema: s, idMap } = assignFreshIds(input)
    expect(s.fields.map((f) => f.id)).toEqual([1, 2, 3])
    const inner = s.fields[1]!.type as unknown as { fields: Array<{ id: number; type: { elementId: number } }> }
    expect(inner.fields.map((f) => f.id)).toEqual([4, 5])
    expect(inner.fields[1]!.type.elementId).toBe(6)
    expect(idMap.get(30)).toBe(3)
    expect(s.identifierFieldIds).toEqual([1])
  })

  it('builds v1, v2 and v3 metadata that validates and round-trips', () => {
    for (const formatVersion of [1, 2, 3] as const) {
      const m = newTableMetadata(
        {
          schema: input,
          spec: { specId: 9, fields: [{ sourceId: 30, fieldId: 5000, name: 'ts_day', transform: Transforms.day }] },
          sortOrder: { orderId: 4, fields: [{ sourceId: 10, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }] },
          location: 's3://b/t/',
          properties: { 'format-version': String(formatVersion), owner: 'me' },
          formatVersion,
        },
        'u-1',
        123n,
      )
      expect(m.location).toBe('s3://b/t')
      expect(m.specs[0]!.fields[0]).toMatchObject({ sourceId: 3, fieldId: 1000 })
      expect(m.lastPartitionId).toBe(1000)
      expect(m.formatVersion).toBe(formatVersion)
      expect(m.sortOrders.map((o) => o.orderId)).toEqual([1])
      expect(m.defaultSortOrderId).toBe(1)
      expect(m.properties).toEqual({ 'write.parquet.compression-codec': 'zstd', owner: 'me' })
      expect(m.lastColumnId).toBe(6)
      expect(parseTableMetadata(writeTableMetadataJson(m))).toEqual(m)
    }
  })

  it('rejects specs on unknown or unsuitable columns', () => {
    expect(() => newTableMetadata({ schema: input, spec: { specId: 0, fields: [{ sourceId: 99, fieldId: 1000, name: 'x', transform: Transforms.identity }] }, location: 'l' }, 'u', 0n)).toThrow(InvalidArgumentError)
    expect(() => newTableMetadata({ schema: input, spec: { specId: 0, fields: [{ sourceId: 10, fieldId: 1000, name: 'x', transform: Transforms.hour }] }, location: 'l' }, 'u', 0n)).toThrow(/cannot transform/)
  })
})
