// Equality deletes: key projection by field id (extra columns ignored, renames, promotions), null and float
// semantics, nested keys, and engine-written delete files.
import { describe, expect, it } from 'vitest'
import { equalityKey, equalityMatcher, readEqualityDeletes } from '../../../src/deletes/equality-deletes.js'
import { InvalidArgumentError } from '../../../src/errors.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { currentMetadataName, localSource, openTable } from '../parquet/corpus-tables.js'
import { writeParquet } from '../parquet/parquet-files.js'

describe('equality keys', () => {
  it('equal keys exactly for equal values: exact longs, -0 ≠ 0, NaN = NaN, null = null, bytes by content', () => {
    const f = [field(1, 'a', T.long), field(2, 'b', T.double), field(3, 'c', T.binary), field(4, 'd', T.string)]
    const k = (...v: (bigint | number | Uint8Array | string | null)[]): string => equalityKey(f, v)
    expect(k(2n ** 63n - 1n, 1, Uint8Array.of(1), 'x')).not.toBe(k(2n ** 63n - 2n, 1, Uint8Array.of(1), 'x'))
    expect(k(1n, 0, null, 'x')).not.toBe(k(1n, -0, null, 'x'))
    expect(k(1n, Number.NaN, null, 'x')).toBe(k(1n, Number.NaN, null, 'x'))
    expect(k(null, null, null, null)).toBe(k(null, null, null, null))
    expect(k(1n, 1, Uint8Array.of(1, 2), 'x')).toBe(k(1n, 1, Uint8Array.of(1, 2), 'x'))
    // separators cannot be forged through string contents
    expect(equalityKey([field(1, 'a', T.string), field(2, 'b', T.string)], ['a\u0001"b', 'c'])).not.toBe(equalityKey([field(1, 'a', T.string), field(2, 'b', T.string)], ['a', 'b\u0001"c']))
  })
})

describe('readEqualityDeletes on written files', () => {
  // the delete file was written when id 1 was an int named `key`; the table now has it as long `id`
  const bytes = writeParquet(
    [
      { name: 'table', num_children: 3 },
      { name: 'key', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 1 },
      { name: 'extra', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 2 },
      { name: 's', repetition_type: 'OPTIONAL', num_children: 1, field_id: 3 },
      { name: 'x', type: 'DOUBLE', repetition_type: 'OPTIONAL', field_id: 4 },
    ],
    [
      { name: 'key', data: [1, 2, null] },
      { name: 'extra', data: ['ignored', 'ignored', 'ignored'] },
      { name: 's', data: [{ x: 0.5 }, { x: -0 }, null] },
    ],
  )
  const table = schema([field(1, 'id', T.long), field(2, 'note', T.string), field(3, 's', T.struct([field(4, 'x', T.double)]))])

  it('projects only the equality columns by id (renamed, promoted) and matches rows on all of them', async () => {
    const set = await readEqualityDeletes(bytesSource(bytes), [1], table)
    expect(set.keys.size).toBe(3)
    const m = equalityMatcher(set, table)
    expect(m.matches({ id: 1n, note: 'a', s: null })).toBe(true)
    expect(m.matches({ id: null, note: 'a', s: null })).toBe(true) // null matches null
    expect(m.matches({ id: 3n, note: 'a', s: null })).toBe(false)
  })

  it('multi-column keys with a nested struct field; -0 and 0 differ', async () => {
    const set = await readEqualityDeletes(bytesSource(bytes), [1, 4], [table])
    const m = equalityMatcher(set, table)
    expect(m.matches({ id: 1n, s: { x: 0.5 } })).toBe(true)
    expect(m.matches({ id: 2n, s: { x: -0 } })).toBe(true)
    expect(m.matches({ id: 2n, s: { x: 0 } })).toBe(false)
    expect(m.matches({ id: null, s: null })).toBe(true) // struct null ⇒ x null
    expect(m.matches({ id: 1n, s: { x: 1 } })).toBe(false)
  })

  it('needs the equality columns in the data projection', async () => {
    const set = await readEqualityDeletes(bytesSource(bytes), [1], table)
    expect(() => equalityMatcher(set, schema([field(2, 'note', T.string)]))).toThrow(InvalidArgumentError)
  })

  it('a column dropped from the current schema is typed by an older schema', async () => {
    const current = schema([field(2, 'note', T.string)], 2)
    const set = await readEqualityDeletes(bytesSource(bytes), [1], [current, table])
    expect(set.fields.map((f) => f.type.kind)).toEqual(['long'])
  })
})

describe('readEqualityDeletes on engine-written files', () => {
  it('DuckDB test: an extra non-equality column is ignored', async () => {
    const t = openTable('duckdb-iceberg/data/persistent/equality_delete_extra_column/warehouse/ns/t', 'vfinal.metadata.json')
    const d = t.deletes[0]!
    const set = await readEqualityDeletes(localSource(d.local), d.file.equalityIds!, t.schema)
    expect(set.fields.map((f) => f.name)).toEqual(['id'])
    expect([...set.keys]).toEqual(['2'])
  })

  it('Impala: a NULL key deletes rows whose key is NULL', async () => {
    const dir = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_delete_equality_nulls'
    const t = openTable(dir, currentMetadataName(dir))
    const d = t.deletes[0]!
    const m = equalityMatcher(await readEqualityDeletes(localSource(d.local), d.file.equalityIds!, t.schema), t.schema)
    expect([...(await readEqualityDeletes(localSource(d.local), d.file.equalityIds!, t.schema)).keys]).toEqual(['N', '3'])
    expect(m.matches({ i: null, s: 'x' })).toBe(true)
    expect(m.matches({ i: 0, s: 'x' })).toBe(false)
  })

  it('Impala + NiFi: keys (i, d) after the string column was renamed', async () => {
    const dir = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_equality_delete_schema_evolution'
    const t = openTable(dir, currentMetadataName(dir))
    const keys = new Set<string>()
    for (const d of t.deletes) await readEqualityDeletes(localSource(d.local), d.file.equalityIds!, t.metadata.schemas, {}, keys)
    // (2, 2024-03-20), (3, 2024-03-21), (4, 2024-03-21)
    expect([...keys].sort()).toEqual(['2\u000119802', '3\u000119803', '4\u000119803'])
  })
})
