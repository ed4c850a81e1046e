// hyparquetReader on engine-written Parquet files from shared/corpus (Spark, Trino, Hive, Impala, PyIceberg,
// Java API, DuckDB rewrites), checked against manifest metrics and the engines' expected answers.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FloeError, NotFoundError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { fileSource } from '../../../src/parquet/byte-source.js'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import { createNameMapping } from '../../../src/spec/name-mapping.js'
import { fromBinary } from '../../../src/spec/single-value.js'
import { isPrimitive, type MapValue } from '../../../src/spec/types.js'
import { daysToIsoDate } from '../../../src/spec/temporal.js'
import type { Schema } from '../../../src/spec/schema.js'
import type { Row } from '../../../src/parquet/codec.js'
import { compareValues, decimalToString, uuidToString } from '../../../src/spec/values.js'
import { corpusPath } from '../../support/corpus.js'
import { readdirSync } from 'node:fs'
import { corpusTables, currentMetadataName, localSource, openTable, readRows, scanTable } from './corpus-tables.js'
import { errorOf } from './parquet-files.js'

/** Tables the sweep cannot open, and why (all other corpus tables must read cleanly). */
const NOT_READABLE: Record<string, string> = {
  'duckdb-iceberg/data/persistent/generated_bounds': '5000 data files under s3://fake-bucket are intentionally absent',
  'duckdb-iceberg/data/persistent/iceberg_v1_deprecated/default/legacy_v1': 'v1 snapshot with an embedded manifest array (no manifest list)',
  'iceberg-cxx/tests': 'loose metadata fixtures, not a table',
  'iceberg-cxx/tests/tables/partitioned_table_with_missing_spec': 'metadata-only fixture',
  'iceberg-cxx/tests/tables/partitioned_table_with_multiple_spec': 'metadata-only fixture',
  'iceberg-cxx/tests/tables/partitioned_table_with_void_transform': 'metadata-only fixture',
  'impala/testdata/data/iceberg_test/hadoop_catalog/ice/airports_parquet': 'no field ids and no name mapping (checked below)',
  'impala/testdata/data/iceberg_test/iceberg_migrated_complex_test': 'name mapping ids disagree with schema ids (checked below)',
}

/** Locations outside the table location, by table. */
const EXTRA_PREFIXES: Record<string, Record<string, string>> = {
  'duckdb-iceberg/data/persistent/big_query_error': { 'data/persistent/': 'duckdb-iceberg/data/persistent/' },
  'duckdb-iceberg/data/persistent/column_mapping/warehouse/default.db/my_table': { 'data/persistent/': 'duckdb-iceberg/data/persistent/' },
  'duckdb-iceberg/data/persistent/iceberg/lineitem_iceberg': { 'lineitem_iceberg/': 'duckdb-iceberg/data/persistent/iceberg/lineitem_iceberg/' },
  'duckdb-iceberg/data/persistent/iceberg/lineitem_iceberg_gz': { 'lineitem_iceberg_gz/': 'duckdb-iceberg/data/persistent/iceberg/lineitem_iceberg_gz/' },
  'iceberg-cxx/tests/tables/v_20240913/iceberg': { 's3a://dl-test-maintenance/check/tea-partitioned/v_20240913/': 'iceberg-cxx/tests/tables/v_20240913/' },
}

describe('corpus sweep: every Parquet data file of every table', () => {
  const tables = corpusTables().filter((d) => !(d in NOT_READABLE))

  it('finds the corpus tables', () => {
    expect(tables.length).toBeGreaterThan(80)
  })

  it('reads record_count rows whose null counts and values agree with the manifest metrics', async () => {
    let files = 0
    const problems: string[] = []
    for (const dir of tables) {
      const t = openTable(dir, currentMetadataName(dir), { extraPrefixes: EXTRA_PREFIXES[dir] ?? {} })
      for (const d of t.data) {
        if (d.file.fileFormat !== 'PARQUET') continue
        const rows = await readRows(t, d)
        files++
        if (BigInt(rows.length) !== d.file.recordCount) problems.push(`${d.local}: ${rows.length} rows, record_count ${d.file.recordCount}`)
        for (const f of t.schema.fields) {
          if (!isPrimitive(f.type) || f.type.kind === 'variant' || f.type.kind === 'unknown') continue
          const type = f.type
          const values = rows.map((r) => r[f.name] ?? null)
          const nulls = d.file.nullValueCounts?.get(f.id)
          const seen = values.filter((v) => v === null).length
          if (nulls !== undefined && BigInt(seen) !== nulls) problems.push(`${d.local} ${f.name}: ${seen} nulls, metrics say ${nulls}`)
          const lo = d.file.lowerBounds?.get(f.id)
          const hi = d.file.upperBounds?.get(f.id)
          const lower = lo && fromBinary(type, lo)
          const upper = hi && fromBinary(type, hi)
          const out = values.find(
            (v) => v !== null && !Number.isNaN(v) && ((lower !== undefined && compareValues(type, lower, v) > 0) || (upper !== undefined && compareValues(type, upper, v) < 0)),
          )
          if (out !== undefined) problems.push(`${d.local} ${f.name}: ${String(out)} outside its bounds`)
        }
      }
    }
    expect(problems).toEqual([])
    expect(files).toBeGreaterThan(300)
  })
})

describe('corpus types', () => {
  it('Trino all_trino_types: every value of create.sql exactly', async () => {
    const dir = 'iceberg-cxx/tests/tables/types/all_trino_types'
    const t = openTable(dir, currentMetadataName(dir))
    const [row] = await readRows(t, t.data[0]!)
    expect({ ...row, uuid_col: uuidToString(row!.uuid_col as Uint8Array) }).toEqual({
      id: 1n,
      boolean_col: true,
      integer_col: 42,
      long_col: 9223372036854775807n,
      float_col: Math.fround(3.14),
      double_col: 2.718281828459045,
      decimal_col: 12345678901n, // 123456.78901 at scale 5
      date_col: 20183, // 2025-04-05
      time_col: 45_296_123_456n, // 12:34:56.123456
      timestamp_col: 1_743_856_496_123_456n,
      timestamptz_col: 1_743_856_496_123_456n,
      string_col: 'Hello Iceberg',
      uuid_col: '550e8400-e29b-41d4-a716-446655440000',
      binary_col: Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
      list_col: [1.1, 2.2, 3.3],
    })
  })

  it('Spark decimals 6..26 (INT32, INT64, FIXED storage) equal their exact manifest bounds', async () => {
    const dir = 'iceberg-cxx/tests/tables/types/decimals'
    const t = openTable(dir, currentMetadataName(dir))
    const [row] = await readRows(t, t.data[0]!)
    const text = t.schema.fields.map((f) => (f.type.kind === 'decimal' ? decimalToString(row![f.name] as bigint, f.type.scale) : ''))
    expect(text).toEqual([
      '125.697',
      '128325.0941237697',
      '42128325.09412377328',
      '142128325.09412378073',
      '2142128325.09412384033',
      '32142128325.09412384033',
      '321421283265.09411621094',
      '3214216283265.09423828125',
      '32142162813265.09375000000',
      '321421622813265.12500000000',
    ])
  })

  it('Spark all_spark_types and a map<string,int>/struct table', async () => {
    const spark = openTable('iceberg-cxx/tests/tables/types/all_spark_types', currentMetadataName('iceberg-cxx/tests/tables/types/all_spark_types'))
    expect(await readRows(spark, spark.data[0]!)).toEqual([
      {
        col0: true,
        col1: 2147483647,
        col2: 9223372036854775807n,
        col3: 3.4028234663852886e38,
        col4: 1.7976931348623157e308,
        col5: 1234567n,
        col6: 'example',
        col7: new TextEncoder().encode('spark'),
        col8: 19640,
        col9: 1_696_941_296_000_000n,
        col10: 1_696_941_296_000_000n,
        col11: ['item1', 'item2'],
      },
    ])
    const dir = 'iceberg-cxx/tests/tables/types/unsupported_types'
    const u = openTable(dir, currentMetadataName(dir))
    expect(await readRows(u, u.data[0]!)).toEqual([
      {
        col0: new Map([
          ['key1', 1],
          ['key2', 2],
        ]),
        col1: { nested_int: 42, nested_string: 'nested_value' },
      },
    ])
  })

  it('Trino variants: top level, in lists, map values and structs, as binary {metadata, value}', async () => {
    const flat = openTable('impala/testdata/data/iceberg_test/iceberg_v3/trino_variant', currentMetadataName('impala/testdata/data/iceberg_test/iceberg_v3/trino_variant'))
    const rows = (await scanTable(flat)).sort((a, b) => (a.id as number) - (b.id as number))
    expect(rows.length).toBe(55)
    expect(rows.slice(0, 5).map((r) => [r.id, r.descr, r.v === null ? null : [...(r.v as { value: Uint8Array }).value]])).toEqual([
      [0, 'NULL', null],
      [1, 'variant null', [0x00]],
      [2, 'bool true', [0x04]],
      [3, 'bool false', [0x08]],
      [4, 'int32 42', [0x14, 42, 0, 0, 0]],
    ])
    const dir = 'impala/testdata/data/iceberg_test/iceberg_v3/trino_nested_variant'
    const nested = openTable(dir, currentMetadataName(dir))
    const [first] = await readRows(nested, nested.data[0]!)
    const isVariant = (v: unknown): boolean => v !== null && (v as { metadata: unknown }).metadata instanceof Uint8Array && (v as { value: unknown }).value instanceof Uint8Array
    expect(isVariant(first!.top_v)).toBe(true)
    expect((first!.arr_v as unknown[]).every(isVariant)).toBe(true)
    expect([...(first!.map_v as MapValue).keys()]).toEqual(['k1', 'k2'])
    expect(isVariant((first!.struct_v as { a: unknown }).a)).toBe(true)
    expect((first!.struct_v as { b: unknown }).b).toBe(5)
  })
})

describe('corpus: files without field ids (Hive migration) through the name mapping', () => {
  it('iceberg_migrated_alter_test reads by the table mapping', async () => {
    const dir = 'impala/testdata/data/iceberg_test/iceberg_migrated_alter_test'
    const t = openTable(dir, currentMetadataName(dir))
    expect(await scanTable(t)).toEqual([
      { int_col: 0, string_col: 'A', double_col: 0.5 },
      { int_col: 1, string_col: 'B', double_col: 1.5 },
      { int_col: 2, string_col: 'C', double_col: 2.5 },
    ])
  })

  it('iceberg_migrated_complex_test: its mapping disagrees with the schema ids (typed error); a regenerated mapping reads the nested values', async () => {
    const dir = 'impala/testdata/data/iceberg_test/iceberg_migrated_complex_test'
    const t = openTable(dir, currentMetadataName(dir))
    const e = await errorOf(readRows(t, t.data[0]!))
    expect(e).toBeInstanceOf(FloeError)
    expect((e as FloeError).code).toBe('INVALID_DATA')
    expect((e as FloeError).context.field).toBe('struct_1_col.int_array_col')
    const rows = await readRows(t, t.data[0]!, { nameMapping: createNameMapping(t.schema) })
    expect(rows).toEqual([
      {
        struct_1_col: { int_array_col: [0], string_col: 'A', bool_int_map_col: new Map([[true, 1]]) },
        int_bigint_map_col: new Map([[2, 3n]]),
        struct_2_col: {
          struct_3_col: { float_col: 0.5, string_double_map_col: new Map([['B', 1.5]]), bigint_array_col: [4n] },
          int_int_map_col: new Map([[5, 6]]),
        },
      },
    ])
  })

  it('airports_parquet has neither ids nor mapping: fallback ids by position (Java) and a generated mapping give the Impala answers', async () => {
    const dir = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice/airports_parquet'
    const t = openTable(dir, currentMetadataName(dir))
    const byPosition = await readRows(t, t.data[0]!)
    const rows = await readRows(t, t.data[0]!, { nameMapping: createNameMapping(t.schema) })
    expect(byPosition).toEqual(rows)
    expect(rows.length).toBe(3376)
    expect(rows.filter((r) => r.country !== 'USA')).toEqual([
      { iata: 'ROP', airport: 'Prachinburi', city: 'NA', state: null, country: 'Thailand', lat: 14.078333, lon: 101.378334 },
      { iata: 'ROR', airport: 'Babelthoup/Koror', city: 'NA', state: null, country: 'Palau', lat: 7.367222, lon: 134.544167 },
      { iata: 'SPN', airport: 'Tinian International Airport', city: 'NA', state: null, country: 'N Mariana Islands', lat: 14.996111, lon: 145.621384 },
      { iata: 'YAP', airport: 'Yap International', city: 'NA', state: null, country: 'Federated States of Micronesia', lat: 9.5167, lon: 138.1 },
    ])
  })

  it('PyIceberg add_files without ids (column_mapping): map, list and struct through the mapping', async () => {
    const dir = 'duckdb-iceberg/data/persistent/column_mapping/warehouse/default.db/my_table'
    const t = openTable(dir, currentMetadataName(dir), { extraPrefixes: EXTRA_PREFIXES[dir]! })
    const rows = await scanTable(t)
    expect(rows.map((r) => Object.values(r))).toEqual([
      [1n, 'Alice', 25n, new Map([['height', '5.5'], ['weight', '130']]), [85n, 90n], { email: 'alice@example.com', verified: true }],
      [2n, 'Bob', 30n, new Map([['height', '6.0'], ['weight', '180']]), [78n, 82n, 88n], { email: 'bob@example.com', verified: false }],
      [3n, 'Charlie', 35n, new Map([['height', '5.8'], ['weight', '160']]), [92n], { email: 'charlie@example.com', verified: true }],
    ])
  })
})

describe('corpus: values that are not in the data files', () => {
  const identity: [string, string[]][] = [
    ['partition_integer', ['42|12345|click', '1337|67890|purchase']],
    ['partition_bigint', ['9223372036854775807|12345|click', '-9223372036854775808|67890|purchase']],
    ['partition_decimal_smallint', ['1.23|12345|click', '4.56|67890|purchase']],
    ['partition_decimal_integer', ['1234.5432|111213|delete', '1.2300|67890|purchase', '42.5630|12345|click']],
    ['partition_decimal_hugeint', ['-1000000000000.00000000000000000001000|246802|rotate', '9999999999999.99999999999999999999000|666777|hover']],
    ['partition_bool', ['true|12345|click', 'false|67890|purchase']],
    ['partition_binary', ['AABBCC|67890|purchase', '010203|12345|click']],
  ]
  for (const [name, expected] of identity) {
    it(`DuckDB-rewritten ${name}: the partition column comes from the manifest partition tuple`, async () => {
      const dir = `duckdb-iceberg/data/persistent/${name}`
      const t = openTable(dir, currentMetadataName(dir))
      const f = t.schema.fields[0]!
      const text = (await scanTable(t)).map((r) => {
        const v = r[f.name]!
        const p = f.type.kind === 'decimal' ? decimalToString(v as bigint, f.type.scale) : v instanceof Uint8Array ? Buffer.from(v).toString('hex').toUpperCase() : String(v)
        return `${p}|${String(r.user_id)}|${String(r.event_type)}`
      })
      for (const e of expected) expect(text).toContain(e)
    })
  }

  it('v3 initial-default fills rows written before the column existed (Impala iceberg_v3_default_value)', async () => {
    const dir = 'impala/testdata/data/iceberg_test/iceberg_v3/iceberg_v3_default_value'
    const rows = await scanTable(openTable(dir, currentMetadataName(dir)))
    expect(rows.sort((a, b) => (a.i as number) - (b.i as number))).toEqual([
      { i: 1, j: -1 },
      { i: 2, j: 2 },
    ])
  })
})

describe('corpus: multi-row-group file (Hive, 200 row groups) and position deletes', () => {
  const dir = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_lineitem_multiblock'

  it('positions are exact across row groups: deleting l_linenumber % 5 = 0 by position leaves 17886 rows', async () => {
    const t = openTable(dir, currentMetadataName(dir))
    const all = await readRows(t, t.data[0]!)
    expect(all.length).toBe(20000)
    const kept = await scanTable(t)
    expect(kept.length).toBe(17886)
    expect(kept.some((r) => (r.l_linenumber as number) % 5 === 0)).toBe(false)
    expect(all.length - kept.length).toBe(all.filter((r) => (r.l_linenumber as number) % 5 === 0).length)
  })

  it('a row-group filter skips groups without shifting later positions', async () => {
    const t = openTable(dir, currentMetadataName(dir))
    const all = await readRows(t, t.data[0]!)
    const seen: number[] = []
    const kept = await readRows(t, t.data[0]!, { rowGroupFilter: (g) => (seen.push(g.index), g.index % 3 === 0) })
    expect(seen.length).toBe(200)
    const starts: number[] = []
    for await (const b of hyparquetReader.readBatches(localSource(t.data[0]!.local), { schema: t.schema, rowGroupFilter: (g) => g.index % 3 === 0 })) {
      starts.push(b.start)
      b.rows.forEach((r, i) => expect(r).toEqual(all[b.start + i]))
    }
    expect(starts.length).toBe(67)
    expect(kept.length).toBeLessThan(all.length)
  })
})

describe('corpus: failures are typed', () => {
  const path = corpusPath('iceberg-cxx/tests/tables/types/all_trino_types/data/20250601_201751_00003_935ws-92e43a1f-75de-42b6-87bf-85642c280237.parquet')
  const dir = 'iceberg-cxx/tests/tables/types/all_trino_types'

  it('a missing file is NOT_FOUND naming it', async () => {
    const e = await errorOf(fileSource(new LocalFileIO(), `${path}.missing`))
    expect(e).toBeInstanceOf(NotFoundError)
    expect((e as FloeError).context.file).toBe(`${path}.missing`)
  })

  it('truncated or damaged files give FloeError only (never a raw exception)', async () => {
    const t = openTable(dir, currentMetadataName(dir))
    const bytes = new Uint8Array(readFileSync(path))
    const { readAll } = await import('./parquet-files.js')
    for (let cut = 0; cut < bytes.length; cut += 97) {
      const e = await errorOf(readAll(bytes.subarray(0, cut), { schema: t.schema }, 'cut.parquet'))
      expect(e, `cut at ${cut}`).toBeInstanceOf(FloeError)
      expect((e as FloeError).code).toBe('INVALID_PARQUET')
      expect((e as FloeError).message).toContain('cut.parquet')
    }
    let seed = 12345
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0)
    for (let trial = 0; trial < 300; trial++) {
      const damaged = bytes.slice()
      for (let k = 0; k < 3; k++) damaged[next() % damaged.length] = next() & 0xff
      const e = await errorOf(readAll(damaged, { schema: t.schema }, 'damaged.parquet'))
      if (e !== undefined) expect(e, `trial ${trial}`).toBeInstanceOf(FloeError)
    }
  })
})

describe('corpus: icebird expected rows (EXPECTED.json)', () => {
  type Expect = Record<string, unknown>
  const expected = JSON.parse(readFileSync(corpusPath('icebird/_expected/EXPECTED.json'), 'utf8')) as Record<string, Expect>
  // icebird's JSON form: longs as numbers, dates as ISO text, decimals as text
  const plain = (s: Schema, r: Row): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const f of s.fields) {
      const v = r[f.name] ?? null
      out[f.name] = v === null ? null : f.type.kind === 'date' ? daysToIsoDate(v as number) : f.type.kind === 'decimal' ? decimalToString(v as bigint, f.type.scale) : typeof v === 'bigint' ? Number(v) : v
    }
    return out
  }
  const sortKey = (r: Record<string, unknown>): string => JSON.stringify(r)
  for (const [dir, spec] of Object.entries(expected)) {
    if (dir.startsWith('_') || !dir.startsWith('icebird/test/files/hyperparam-iceberg')) continue
    it(dir, async () => {
      const versions = (spec.by_metadata_file ?? { current: spec }) as Record<string, Expect>
      for (const [key, want] of Object.entries(versions)) {
        if (want.error !== undefined) continue
        const [file, snap] = key.split('@snapshot ')
        const name = file === 'current' ? readdirSync(corpusPath(dir, 'metadata')).find((n) => n.startsWith(String(spec.current_metadata).slice(0, 5)) && n.endsWith('.metadata.json'))! : file!
        const t = openTable(dir, name, snap === undefined ? {} : { snapshotId: BigInt(snap) })
        const rows = (await scanTable(t)).map((r) => plain(t.schema, r))
        if (want.row_count !== undefined) expect(rows.length, key).toBe(want.row_count)
        if (want.first_row !== undefined) expect(rows[0], key).toEqual(want.first_row)
        if (want.row_index_2 !== undefined) expect(rows[2], key).toEqual(want.row_index_2)
        if (want.contains !== undefined) expect(rows, key).toContainEqual(want.contains)
        if (want.rows !== undefined) expect(rows.map(sortKey).sort(), key).toEqual((want.rows as Record<string, unknown>[]).map(sortKey).sort())
        if (want.rows_with_breed_New_Zealand !== undefined) expect(rows.filter((r) => r['Breed Name'] === 'New Zealand'), key).toEqual(want.rows_with_breed_New_Zealand)
      }
    })
  }
})
