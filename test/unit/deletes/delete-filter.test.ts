// Delete filters: combining position sets and equality matchers, and end-to-end application on corpus tables
// (Trino and Spark deletion vectors, Spark/Trino/Hive position deletes, equality deletes, legacy bare DVs).
import { describe, expect, it } from 'vitest'
import { deleteFilter, loadDeleteFilter, loadDeletes } from '../../../src/deletes/delete-filter.js'
import { sortedPositionSet } from '../../../src/deletes/position-deletes.js'
import { FloeError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { RemappingFileIO } from '../../../src/io/remap.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { corpusTables, currentMetadataName, applicableDeletes, localSource, openTable, readRows, scanTable } from '../parquet/corpus-tables.js'
import { errorOf } from '../parquet/parquet-files.js'

const values = (rows: readonly Record<string, unknown>[], name: string): unknown[] => rows.map((r) => r[name]).sort((a, b) => Number(a) - Number(b))

describe('deleteFilter', () => {
  it('is empty without deletes and combines position sets with equality matchers', () => {
    expect(deleteFilter().hasDeletes).toBe(false)
    expect(deleteFilter([sortedPositionSet([])]).hasDeletes).toBe(false)
    const f = deleteFilter([sortedPositionSet([1, 5]), sortedPositionSet([7])], [{ fieldIds: [3], matches: (r) => r.k === 'x' }])
    expect(f.hasDeletes).toBe(true)
    expect(f.equalityFieldIds).toEqual([3])
    expect([0, 1, 5, 7, 8].map((p) => f.isDeletedPosition(p))).toEqual([false, true, true, true, false])
    expect(f.isDeleted(0, { k: 'x' })).toBe(true)
    expect(f.isDeleted(0, { k: 'y' })).toBe(false)
    expect(f.isDeleted(5, { k: 'y' })).toBe(true)
  })
})

describe('delete application on corpus tables', () => {
  const cases: [string, string, string, number[]][] = [
    ['Trino deletion vectors (v3, Puffin)', 'iceberg-cxx/tests/tables/deletion_vectors', 'c1', [2, 5, 8, 9, 11, 12, 14, 15]],
    ['Spark deletion vectors (two DVs in one Puffin)', 'impala/testdata/data/iceberg_test/iceberg_v3/iceberg_v3_deletion_vectors', 'i', [1, 3, 5]],
    ['Trino position deletes after OPTIMIZE (dangling deletes)', 'iceberg-cxx/tests/tables/dangling_deletes', 'c1', [1, 2, 4, 5, 7, 8, 10, 11, 13, 14]],
    ['DuckDB cross-partition equality delete', 'duckdb-iceberg/data/persistent/equality_delete_cross_partition/warehouse/ns/t', 'key', [100, 888, 999]],
  ]
  for (const [what, dir, column, expected] of cases) {
    it(what, async () => {
      const meta = dir.includes('equality_delete_cross') ? 'vfinal.metadata.json' : currentMetadataName(dir)
      const rows = await scanTable(openTable(dir, meta))
      expect(values(rows, column).map(Number)).toEqual(expected)
    })
  }

  it('Spark position deletes with referenced_data_file and Trino granular deletes keep 10 of 16 rows', async () => {
    for (const dir of ['iceberg-cxx/tests/tables/prod/db/refdeletes3', 'iceberg-cxx/tests/tables/granular_deletes']) {
      const t = openTable(dir, currentMetadataName(dir))
      const all = (await Promise.all(t.data.map((d) => readRows(t, d)))).flat()
      expect(all.length).toBe(16)
      expect((await scanTable(t)).length).toBe(10)
    }
  })

  it('Hive/Impala position deletes and Flink equality deletes give the Impala answers', async () => {
    const ice = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice'
    const counts = async (name: string): Promise<number[]> => {
      const t = openTable(`${ice}/${name}`, currentMetadataName(`${ice}/${name}`))
      // per-data-file reads, and whole delete files read once and shared between data files
      return [(await scanTable(t)).length, (await scanTable(t, { shareDeletes: true })).length]
    }
    expect(await counts('iceberg_v2_delete_positional')).toEqual([2, 2])
    expect(await counts('iceberg_v2_positional_delete_all_rows')).toEqual([0, 0])
    expect(await counts('iceberg_v2_positional_not_all_data_files_have_delete_files')).toEqual([6, 6])
    expect(await counts('iceberg_v2_partitioned_position_deletes')).toEqual([10, 10])
    expect(await counts('iceberg_v2_positional_update_all_rows')).toEqual([3, 3])
    const both = await scanTable(openTable(`${ice}/iceberg_v2_delete_both_eq_and_pos`, currentMetadataName(`${ice}/iceberg_v2_delete_both_eq_and_pos`)))
    expect(both.sort((a, b) => (a.i as number) - (b.i as number))).toEqual([
      { i: 2, s: 'str2_updated', d: 19704 },
      { i: 3, s: 'str3', d: 19714 },
    ])
    const evo = await scanTable(openTable(`${ice}/iceberg_v2_equality_delete_schema_evolution`, currentMetadataName(`${ice}/iceberg_v2_equality_delete_schema_evolution`)))
    expect(evo.sort((a, b) => (a.i as number) - (b.i as number))).toEqual([
      { i: 1, d: 19802, str: 'str1', j: null },
      { i: 5, d: 19804, str: 'str5', j: null },
      { i: 44, d: 19803, str: 'str4', j: 4444 },
    ])
  })

  it('Java API equality + position deletes (icebird java/bunnies v5): 15 rows, New Zealand updated once', async () => {
    const t = openTable('icebird/test/files/hyperparam-iceberg/java/bunnies', 'v5.metadata.json')
    const rows = await scanTable(t)
    expect(rows.length).toBe(15)
    expect(rows.filter((r) => r['Breed Name'] === 'New Zealand')).toEqual([
      {
        'Breed Name': 'New Zealand',
        'Average Weight': 4,
        'Fur Length': 2.7,
        Lifespan: 8n,
        'Origin Country': 'New Zealand',
        'Ear Type': 'Erect',
        Temperament: 'Affectionate',
        'Popularity Rank': 0n,
        __happy__: true,
      },
    ])
  })

  it('a legacy bare DV is refused unless allowed (DuckDB legacy_bare_deletion_vector)', async () => {
    const t = openTable(
      'duckdb-iceberg/data/persistent/legacy_bare_deletion_vector/warehouse/default/legacy_bare_deletion_vector',
      '00002-legacy-bare-dv.metadata.json',
    )
    const e = await errorOf(scanTable(t))
    expect((e as FloeError).code).toBe('INVALID_PUFFIN')
    expect((await scanTable(t, { allowBareDeletionVectors: true })).map((r) => [r.id, r.source])).toEqual([
      [1n, 'legacy'],
      [3n, 'legacy'],
    ])
  })
})

describe('loadDeleteFilter(io, task)', () => {
  it('loads through a FileIO with location remapping', async () => {
    const dir = 'iceberg-cxx/tests/tables/deletion_vectors'
    const t = openTable(dir, currentMetadataName(dir))
    const io = new RemappingFileIO(new LocalFileIO(), [{ from: t.metadata.location, to: t.dir }])
    let kept = 0
    for (const d of t.data) {
      const filter = await loadDeleteFilter(io, { file: d.file, deletes: applicableDeletes(t, d), schema: t.schema })
      expect(filter.hasDeletes).toBe(true)
      const rows = await readRows(t, d)
      kept += rows.filter((r, i) => !filter.isDeleted(i, r)).length
    }
    expect(kept).toBe(8)
    expect(corpusTables()).toContain(dir)
  })

  it('refuses ORC/Avro delete files, data files, and DV cardinality mismatches with typed errors', async () => {
    const dir = 'impala/testdata/data/iceberg_test/iceberg_v3/iceberg_v3_deletion_vectors'
    const t = openTable(dir, currentMetadataName(dir))
    const dv = t.deletes[0]!
    const open = async (p: string) => localSource(t.local(p))
    const opts = { open, schemas: [t.schema], dataSchema: t.schema }
    const target = dv.file.referencedDataFile!
    const orc: DataFile = { ...dv.file, fileFormat: 'ORC' }
    expect(((await errorOf(loadDeletes(target, [orc], opts))) as FloeError).code).toBe('UNSUPPORTED')
    expect(((await errorOf(loadDeletes(target, [t.data[0]!.file], opts))) as FloeError).code).toBe('INVALID_ARGUMENT')
    const wrongCount: DataFile = { ...dv.file, recordCount: dv.file.recordCount + 1n }
    expect(((await errorOf(loadDeletes(target, [wrongCount], opts))) as FloeError).code).toBe('INVALID_DATA')
    expect((await loadDeletes(target, [dv.file], opts)).isDeletedPosition(0)).toBeTypeOf('boolean')
  })
})
