// writeDataFiles / writePositionDeletes: Java file names and locations, DataFile fields, partition routing
// equal to applyTransform of each row (nulls, pre-1970 dates), one writer per partition, rolling by target
// size, typed failures that leave nothing stored, position-delete ordering and metrics.
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import type { Row } from '../../../src/parquet/codec.js'
import { partitionType, type PartitionSpec } from '../../../src/spec/partition-spec.js'
import { partitionPath } from '../../../src/spec/partition-path.js'
import { schema } from '../../../src/spec/schema.js'
import { fromBinary } from '../../../src/spec/single-value.js'
import { currentSchema, defaultSpec } from '../../../src/spec/table-metadata.js'
import { applyTransform, partitionTuple } from '../../../src/spec/transform-apply.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { POSITION_DELETE_SCHEMA, writeDataFiles, writePositionDeletes } from '../../../src/write/data-writer.js'
import { errorOf, readAll } from '../parquet/parquet-files.js'
import { ALL_TYPES, allTypesRows, canonRows, tableOf } from './write-fixtures.js'

const EVENTS = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'day', T.date),
  field(3, 'ts', T.timestamptz),
  field(4, 'cat', T.string),
  field(5, 'amount', T.decimal(10, 2)),
])

const spec = (...fields: { sourceId: number; name: string; transform: PartitionSpec['fields'][number]['transform'] }[]): PartitionSpec => ({
  specId: 0,
  fields: fields.map((f, i) => ({ ...f, fieldId: 1000 + i })),
})

function events(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: BigInt(i),
    day: i % 11 === 0 ? null : (i % 5) - 2, // includes 1969-12-30 / 1969-12-31 and nulls
    ts: i % 13 === 0 ? null : BigInt(i - 50) * 3_600_000_000n,
    cat: i % 9 === 0 ? null : `c${i % 4}`,
    amount: BigInt(i * 37 - 500),
  }))
}

async function readFile(io: MemoryFileIO, path: string, s = EVENTS): Promise<Row[]> {
  return readAll(io.files.get(path)!, { schema: s }, path)
}

describe('writeDataFiles: unpartitioned', () => {
  it('writes one Java-named file under <location>/data with the DataFile facts', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS)
    const rows = events(50)
    const [f, ...rest] = await writeDataFiles(testEnv(io), { metadata: md }, rows, { operationId: 'op-1', taskId: 7n, partitionId: 3, sortOrderId: 0 })
    expect(rest).toEqual([])
    expect(f!.filePath).toBe('s3://bucket/db/tbl/data/00003-7-op-1-00001.parquet')
    expect(f).toMatchObject({ content: 'data', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 50n, sortOrderId: 0 })
    const bytes = io.files.get(f!.filePath)!
    expect(f!.fileSizeInBytes).toBe(BigInt(bytes.length))
    const footer = readParquetFooter(bytes)
    expect(f!.splitOffsets).toEqual(footer.row_groups.map((g) => g.columns[0]!.meta_data!.dictionary_page_offset ?? g.columns[0]!.meta_data!.data_page_offset))
    expect(footer.row_groups[0]!.columns[0]!.meta_data!.codec).toBe('ZSTD')
    expect(await readFile(io, f!.filePath)).toEqual(rows)
  })

  it('uses write.data.path, the operation id from env and rejects custom location providers', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { properties: { 'write.data.path': 's3://other/place/' } })
    const [f] = await writeDataFiles(testEnv(io, 5), { metadata: md }, events(3))
    expect(f!.filePath).toMatch(/^s3:\/\/other\/place\/00000-0-[0-9a-f-]{36}-00001\.parquet$/)
    const bad = tableOf(EVENTS, { properties: { 'write.location-provider.impl': 'com.example.Custom' } })
    expect(isFloeError(await errorOf(writeDataFiles(testEnv(io), { metadata: bad }, events(1))), 'UNSUPPORTED')).toBe(true)
  })

  it('writes nothing for no rows and honours the codec property', async () => {
    const io = new MemoryFileIO()
    expect(await writeDataFiles(testEnv(io), { metadata: tableOf(EVENTS) }, [])).toEqual([])
    const md = tableOf(EVENTS, { properties: { 'write.parquet.compression-codec': 'gzip' } })
    const [f] = await writeDataFiles(testEnv(io), { metadata: md }, events(5))
    expect(readParquetFooter(io.files.get(f!.filePath)!).row_groups[0]!.columns[0]!.meta_data!.codec).toBe('GZIP')
  })

  it('writes every type from friendly and exact inputs (async iterable too)', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(ALL_TYPES, { formatVersion: 3 })
    const s = currentSchema(md)
    async function* gen(): AsyncGenerator<Row> {
      for (const r of allTypesRows()) yield r
    }
    const [f] = await writeDataFiles(testEnv(io), { metadata: md }, gen())
    expect(canonRows(s, await readFile(io, f!.filePath, s))).toEqual(canonRows(s, allTypesRows()))
  })
})

describe('writeDataFiles: partitioning', () => {
  const SPEC = spec(
    { sourceId: 2, name: 'day_month', transform: Transforms.month },
    { sourceId: 3, name: 'ts_day', transform: Transforms.day },
    { sourceId: 4, name: 'cat', transform: Transforms.identity },
    { sourceId: 1, name: 'id_bucket', transform: Transforms.bucket(3) },
    { sourceId: 5, name: 'amount_trunc', transform: Transforms.truncate(1000) },
    { sourceId: 4, name: 'cat_null', transform: Transforms.void },
  )

  it('routes each row to the partition applyTransform gives, one file per partition at its Java path', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec: SPEC })
    const s = currentSchema(md)
    const ps = defaultSpec(md)
    const rows = events(300)
    const files = await writeDataFiles(testEnv(io), { metadata: md }, rows, { operationId: 'op' })
    const ptype = partitionType(ps, s)
    const keys = new Set<string>()
    let total = 0n
    for (const [i, f] of files.entries()) {
      const path = partitionPath(ps, ptype, f.partition)
      expect(f.filePath).toBe(`s3://bucket/db/tbl/data/${path}/00000-0-op-${String(i + 1).padStart(5, '0')}.parquet`)
      keys.add(path)
      const back = await readFile(io, f.filePath, s)
      expect(BigInt(back.length)).toBe(f.recordCount)
      total += f.recordCount
      for (const r of back) expect(partitionTuple(ps, s, (id) => r[s.fields.find((x) => x.id === id)!.name] ?? null)).toEqual(f.partition)
    }
    expect(keys.size).toBe(files.length)
    expect(total).toBe(300n)
    // the set of partitions is exactly the set of applyTransform tuples of the input
    const expected = new Set(rows.map((r) => partitionPath(ps, ptype, partitionTuple(ps, s, (id) => r[s.fields.find((x) => x.id === id)!.name] ?? null))))
    expect(keys).toEqual(expected)
  })

  it('routes nulls and pre-1970 dates to floor partitions (day -1 → 1969-12-31, month -1 → 1969-12)', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec: spec({ sourceId: 2, name: 'day', transform: Transforms.identity }, { sourceId: 2, name: 'm', transform: Transforms.month }) })
    const files = await writeDataFiles(testEnv(io), { metadata: md }, [
      { id: 1n, day: -1 },
      { id: 2n, day: null },
      { id: 3n, day: -32 },
    ])
    expect(files.map((f) => f.filePath.split('/').slice(6, 8).join('/'))).toEqual(['day=1969-12-31/m=1969-12', 'day=null/m=null', 'day=1969-11-30/m=1969-11'])
    expect(files.map((f) => f.partition)).toEqual([
      [-1, applyTransform(Transforms.month, T.date as PrimitiveType, -1)],
      [null, null],
      [-32, -2],
    ])
  })

  it('uses the object-storage layout with Java entropy directories', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { spec: spec({ sourceId: 4, name: 'cat', transform: Transforms.identity }), properties: { 'write.object-storage.enabled': 'true' } })
    const files = await writeDataFiles(testEnv(io), { metadata: md }, [{ id: 1n, cat: 'a b' }], { operationId: 'op' })
    expect(files[0]!.filePath).toMatch(/^s3:\/\/bucket\/db\/tbl\/data\/[01]{4}\/[01]{4}\/[01]{4}\/[01]{8}\/cat=a\+b\/00000-0-op-00001\.parquet$/)
  })
})

describe('writeDataFiles: rolling and failures', () => {
  it('rolls to new files at the target size; record counts sum to the input', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { properties: { 'write.target-file-size-bytes': '4000', 'write.parquet.row-group-size-bytes': '1500' } })
    const rows = events(2000)
    const files = await writeDataFiles(testEnv(io), { metadata: md }, rows, { operationId: 'op' })
    expect(files.length).toBeGreaterThan(3)
    expect(files.map((f) => f.filePath.slice(-13))).toEqual(files.map((_, i) => `${String(i + 1).padStart(5, '0')}.parquet`))
    expect(files.reduce((a, f) => a + f.recordCount, 0n)).toBe(2000n)
    const back = (await Promise.all(files.map((f) => readFile(io, f.filePath)))).flat()
    expect(back).toEqual(rows)
    for (const f of files) expect(f.splitOffsets!.length).toBeGreaterThanOrEqual(1)
  })

  it('fails on a bad row with INVALID_DATA naming source, row and column, and leaves nothing stored', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS, { properties: { 'write.target-file-size-bytes': '2000', 'write.parquet.row-group-size-bytes': '500' } })
    const rows: unknown[] = [...events(1500), { id: 1n, day: 'yesterday' }]
    const e = await errorOf(writeDataFiles(testEnv(io), { metadata: md }, rows, { source: 'input.csv' }))
    expect(isFloeError(e, 'INVALID_DATA')).toBe(true)
    expect((e as { context: unknown }).context).toMatchObject({ file: 'input.csv', row: 1501, field: 'day' })
    expect((e as Error).message).toContain('input.csv row 1501 column day')
    expect(io.files.size).toBe(0)
  })

  it('a reused operation id that hits existing files fails with ALREADY_EXISTS and never deletes those files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-reuse-'))
    const md = tableOf(EVENTS, { location: `file://${dir}`, properties: { 'write.target-file-size-bytes': '4000', 'write.parquet.row-group-size-bytes': '1500' } })
    const env = testEnv(new LocalFileIO())
    const first = await writeDataFiles(env, { metadata: md }, events(2000), { operationId: 'op' })
    expect(first.length).toBeGreaterThan(1)
    const before = await Promise.all(first.map((f) => env.io.read(f.filePath)))
    const e = await errorOf(writeDataFiles(env, { metadata: md }, events(2000), { operationId: 'op' }))
    expect(isFloeError(e, 'ALREADY_EXISTS')).toBe(true)
    const after = await Promise.all(first.map((f) => env.io.read(f.filePath)))
    expect(after).toEqual(before) // the committed-looking files of the first write are all still there
  })

  it('rejects missing required values and unknown columns; aborts on a signal', async () => {
    const io = new MemoryFileIO()
    const md = tableOf(EVENTS)
    const e1 = await errorOf(writeDataFiles(testEnv(io), { metadata: md }, [{ id: 1n }, { day: 1 }]))
    expect((e1 as { context: unknown }).context).toMatchObject({ file: 'rows', row: 2, field: 'id' })
    const e2 = await errorOf(writeDataFiles(testEnv(io), { metadata: md }, [{ id: 1n, dya: 3 }]))
    expect((e2 as { context: unknown }).context).toMatchObject({ row: 1, field: 'dya' })
    const ac = new AbortController()
    ac.abort()
    expect(isFloeError(await errorOf(writeDataFiles(testEnv(io), { metadata: md }, events(3), { signal: ac.signal })), 'ABORTED')).toBe(true)
    expect(io.files.size).toBe(0)
  })
})

describe('writePositionDeletes', () => {
  const md = tableOf(EVENTS)
  const PATH_ID = 2147483546
  const POS_ID = 2147483545

  it('sorts by path (UTF-8 order) then position, drops duplicates, no counts and no path bounds for many files', async () => {
    const io = new MemoryFileIO()
    const dels = [
      { filePath: 's3://b/\u{1F600}.parquet', pos: 1 },
      { filePath: 's3://b/\uFFFF.parquet', pos: 5n },
      { filePath: 's3://b/a.parquet', pos: 10n },
      { filePath: 's3://b/a.parquet', pos: 2 },
      { filePath: 's3://b/a.parquet', pos: 2n },
    ]
    const f = await writePositionDeletes(testEnv(io), { metadata: md }, dels, { operationId: 'op' })
    expect(f.filePath).toBe('s3://bucket/db/tbl/data/00000-0-op-00001-deletes.parquet')
    expect(f).toMatchObject({ content: 'position-deletes', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 4n })
    expect(f.referencedDataFile).toBeUndefined()
    expect(f.sortOrderId).toBeUndefined()
    const back = await readAll(io.files.get(f.filePath)!, { schema: POSITION_DELETE_SCHEMA })
    expect(back).toEqual([
      { file_path: 's3://b/a.parquet', pos: 2n },
      { file_path: 's3://b/a.parquet', pos: 10n },
      { file_path: 's3://b/\uFFFF.parquet', pos: 5n },
      { file_path: 's3://b/\u{1F600}.parquet', pos: 1n },
    ])
    expect(f.valueCounts!.size).toBe(0)
    expect(f.nullValueCounts!.size).toBe(0)
    expect(f.lowerBounds!.has(PATH_ID)).toBe(false)
    expect([...f.columnSizes!.keys()].sort()).toEqual([POS_ID, PATH_ID])
    // Java's Parquet position-delete writer records the delete type in the footer
    const kv = readParquetFooter(io.files.get(f.filePath)!).key_value_metadata ?? []
    expect(kv.map((x) => [x.key, x.value]).filter(([k]) => k === 'delete-type')).toEqual([['delete-type', 'position']])
  })

  it('sets referenced_data_file and keeps path/pos bounds when one data file is targeted', async () => {
    const io = new MemoryFileIO()
    const f = await writePositionDeletes(testEnv(io), { metadata: md }, [3, 1, 2].map((pos) => ({ filePath: 's3://b/x.parquet', pos })))
    expect(f.referencedDataFile).toBe('s3://b/x.parquet')
    expect(fromBinary(T.string as PrimitiveType, f.lowerBounds!.get(PATH_ID)!)).toBe('s3://b/x.parquet')
    expect(fromBinary(T.string as PrimitiveType, f.upperBounds!.get(PATH_ID)!)).toBe('s3://b/x.parquet')
    expect(fromBinary(T.long as PrimitiveType, f.lowerBounds!.get(POS_ID)!)).toBe(1n)
    expect(fromBinary(T.long as PrimitiveType, f.upperBounds!.get(POS_ID)!)).toBe(3n)
  })

  it('places partitioned deletes in the partition directory and validates input and table version', async () => {
    const io = new MemoryFileIO()
    const pmd = tableOf(EVENTS, { spec: spec({ sourceId: 4, name: 'cat', transform: Transforms.identity }) })
    const f = await writePositionDeletes(testEnv(io), { metadata: pmd }, [{ filePath: 'p', pos: 0 }], { partition: ['x' as Value], operationId: 'op' })
    expect(f.filePath).toBe('s3://bucket/db/tbl/data/cat=x/00000-0-op-00001-deletes.parquet')
    expect(f.partition).toEqual(['x'])
    expect(isFloeError(await errorOf(writePositionDeletes(testEnv(io), { metadata: pmd }, [{ filePath: 'p', pos: 0 }])), 'INVALID_ARGUMENT')).toBe(true)
    const bad = await errorOf(writePositionDeletes(testEnv(io), { metadata: md }, [{ filePath: 'p', pos: -1 }]))
    expect((bad as { context: unknown }).context).toMatchObject({ row: 1, field: 'pos' })
    expect(isFloeError(await errorOf(writePositionDeletes(testEnv(io), { metadata: tableOf(EVENTS, { formatVersion: 3 }) }, [{ filePath: 'p', pos: 0 }])), 'VALIDATION')).toBe(true)
    expect(isFloeError(await errorOf(writePositionDeletes(testEnv(io), { metadata: tableOf(EVENTS, { formatVersion: 1 }) }, [{ filePath: 'p', pos: 0 }])), 'VALIDATION')).toBe(true)
  })
})
