// Position delete files: Hive files with the `row` column, Impala NULL file_path rows, relocated paths,
// files without field ids, and row-group pruning by file_path bounds.
import { describe, expect, it } from 'vitest'
import { readPositionDeletes, schemelessPath, sortedPositionSet } from '../../../src/deletes/position-deletes.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import type { ParquetReader, ReadRequest, RowGroupInfo } from '../../../src/parquet/codec.js'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import { corpusPath } from '../../support/corpus.js'
import { localSource } from '../parquet/corpus-tables.js'
import { writeParquet } from '../parquet/parquet-files.js'

const ICE = 'impala/testdata/data/iceberg_test/hadoop_catalog/ice'
const positions = (s: Iterable<number> | undefined): number[] => (s ? [...s] : [])

describe('sortedPositionSet', () => {
  it('sorts, de-duplicates and answers membership', () => {
    const s = sortedPositionSet([9, 3, 3, 2 ** 40, 0, 9])
    expect([...s]).toEqual([0, 3, 9, 2 ** 40])
    expect(s.size).toBe(4)
    expect([0, 3, 9, 2 ** 40].every((p) => s.has(p))).toBe(true)
    expect([1, 4, 10, 2 ** 40 + 1, -1].some((p) => s.has(p))).toBe(false)
  })
})

describe('readPositionDeletes on engine-written files', () => {
  it('Hive delete file with the deprecated `row` struct: row is never read, positions by data file', async () => {
    const path = corpusPath(
      `${ICE}/iceberg_v2_positional_delete_all_rows/data/00000-0-delete-boroknagyz_20220819150939_8f0789df-fcdb-4ba8-875c-4aeac53f30b9-job_16597105613621_0025-00001.parquet`,
    )
    const requests: ReadRequest[] = []
    const spy: ParquetReader = { readBatches: (s, r) => (requests.push(r), hyparquetReader.readBatches(s, r)) }
    const all = await readPositionDeletes(localSource(path), { reader: spy })
    expect(requests[0]!.schema.fields.map((f) => f.id)).toEqual([2147483546, 2147483545])
    expect([...all.keys()]).toHaveLength(1)
    const [dataPath, set] = [...all][0]!
    expect(dataPath).toMatch(/^hdfs:\/\/localhost:20500\/test-warehouse\/.*00000-0-data-boroknagyz.*\.parquet$/)
    expect(positions(set)).toEqual([0, 1, 2])
  })

  it('relocated tables: the schemeless path matches unless exactPaths is set', async () => {
    const path = corpusPath(
      `${ICE}/iceberg_v2_positional_delete_all_rows/data/00000-0-delete-boroknagyz_20220819150939_8f0789df-fcdb-4ba8-875c-4aeac53f30b9-job_16597105613621_0025-00001.parquet`,
    )
    const data =
      '/test-warehouse/iceberg_test/hadoop_catalog/ice/iceberg_v2_positional_delete_all_rows/data/00000-0-data-boroknagyz_20220819150927_e95cefe8-5549-42f6-98a6-b1bbea9a4224-job_16597105613620_0025-00001.parquet'
    const loose = await readPositionDeletes(localSource(path), { dataFiles: [data, '/elsewhere.parquet'] })
    expect([...loose.keys()]).toEqual([data])
    expect(positions(loose.get(data))).toEqual([0, 1, 2])
    expect((await readPositionDeletes(localSource(path), { dataFiles: [data], exactPaths: true })).size).toBe(0)
    expect(schemelessPath('hdfs://nn:8020/a/b')).toBe('/a/b')
    expect(schemelessPath('file:/a/b')).toBe('/a/b')
    expect(schemelessPath('s3://bucket/k')).toBe('/k')
  })

  it('Impala files with NULL file_path rows: NULL rows are ignored, others kept', async () => {
    const dir = corpusPath(`${ICE}/iceberg_v2_null_delete_record/data`)
    const read = async (name: string): Promise<[string, number[]][]> =>
      [...(await readPositionDeletes(localSource(`${dir}/${name}`)))].map(([k, v]) => [k.slice(-47), positions(v)])
    expect(await read('delete_null_first.parq')).toEqual([['6348b186d3705f6b-370ecfbb00000000_152551971_data.0.parq'.slice(-47), [1]]])
    expect(await read('delete_null_first_and_last.parq')).toEqual([['6348b186d3705f6b-370ecfbb00000000_152551971_data.0.parq'.slice(-47), [1]]])
    expect(await read('delete_null_last.parq')).toEqual([['6348b186d3705f6b-370ecfbb00000000_152551971_data.0.parq'.slice(-47), [0]]])
    expect(await read('delete_null_single.parq')).toEqual([])
    expect(await read('delete_three_nulls.parq')).toEqual([])
  })
})

describe('readPositionDeletes on written files', () => {
  const paths = ['s3://b/t/data/a.parquet', 's3://b/t/data/b.parquet', 's3://b/t/data/c.parquet', 's3://b/t/data/d.parquet']
  const rows = paths.flatMap((p, i) => Array.from({ length: 10 }, (_, k) => ({ p, pos: BigInt(k * (i + 1)) })))

  it('files without field ids resolve file_path and pos by name', async () => {
    const bytes = writeParquet(
      [
        { name: 'schema', num_children: 2 },
        { name: 'file_path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'pos', type: 'INT64', repetition_type: 'REQUIRED' },
      ],
      [
        { name: 'file_path', data: rows.map((r) => r.p) },
        { name: 'pos', data: rows.map((r) => r.pos) },
      ],
    )
    const m = await readPositionDeletes(bytesSource(bytes))
    expect([...m.keys()]).toEqual(paths)
    expect(positions(m.get(paths[2]!))).toEqual(Array.from({ length: 10 }, (_, k) => k * 3))
  })

  it('with exact paths, row groups whose file_path bounds miss every wanted file are skipped', async () => {
    const bytes = writeParquet(
      [
        { name: 'table', num_children: 2 },
        { name: 'file_path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED', field_id: 2147483546 },
        { name: 'pos', type: 'INT64', repetition_type: 'REQUIRED', field_id: 2147483545 },
      ],
      [
        { name: 'file_path', data: rows.map((r) => r.p) },
        { name: 'pos', data: rows.map((r) => r.pos) },
      ],
      { rowGroupSize: 10 },
    )
    const groups: number[] = []
    const spy: ParquetReader = {
      readBatches: (s, r) => {
        const f = r.rowGroupFilter
        return hyparquetReader.readBatches(s, f ? { ...r, rowGroupFilter: (g: RowGroupInfo) => (f(g) ? (groups.push(g.index), true) : false) } : r)
      },
    }
    const m = await readPositionDeletes(bytesSource(bytes), { dataFiles: [paths[1]!], exactPaths: true, reader: spy })
    expect(groups).toEqual([1])
    expect(positions(m.get(paths[1]!))).toEqual(Array.from({ length: 10 }, (_, k) => k * 2))
  })
})
