// Delete files that cannot be applied as written fail with INVALID_DATA naming the file instead of deleting
// less: a position-delete file without its file_path or pos column (Java: "Missing required field"), a
// negative position (Java's position bitmap refuses it), and a delete file holding fewer rows than its manifest
// record_count (it lost deletes). NULL paths (Impala) and files holding more rows than record_count still read.
import { describe, expect, it } from 'vitest'
import { readEqualityDeletes } from '../../../src/deletes/equality-deletes.js'
import { readPositionDeletes } from '../../../src/deletes/position-deletes.js'
import { FloeError } from '../../../src/errors.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { errorOf, writeParquet, type SchemaEl } from '../parquet/parquet-files.js'

const FILE = 's3://b/t/data/deletes.parquet'
const DATA = 's3://b/t/data/a.parquet'

function deleteFile(pathColumn: SchemaEl, posColumn: SchemaEl, paths: (string | null)[], positions: bigint[]): Uint8Array {
  return writeParquet(
    [{ name: 'table', num_children: 2 }, pathColumn, posColumn],
    [
      { name: pathColumn.name, data: paths },
      { name: posColumn.name, data: positions },
    ],
  )
}
const PATH: SchemaEl = { name: 'file_path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED', field_id: 2147483546 }
const POS: SchemaEl = { name: 'pos', type: 'INT64', repetition_type: 'REQUIRED', field_id: 2147483545 }

async function invalid(p: Promise<unknown>): Promise<FloeError> {
  const e = await errorOf(p)
  expect(e).toBeInstanceOf(FloeError)
  expect((e as FloeError).code).toBe('INVALID_DATA')
  expect((e as FloeError).context.file).toBe(FILE)
  expect((e as FloeError).message).toContain(FILE)
  return e as FloeError
}

describe('position-delete files that cannot be applied', () => {
  it('a file whose file_path or pos column is not found (damaged field id, other name) fails', async () => {
    const noPath = deleteFile({ ...PATH, name: 'path', field_id: 2147483547 }, POS, [DATA, DATA], [0n, 1n])
    expect((await invalid(readPositionDeletes(bytesSource(noPath, FILE)))).message).toMatch(/no file_path column/)
    const noPos = deleteFile(PATH, { ...POS, name: 'position', field_id: 7 }, [DATA, DATA], [0n, 1n])
    expect((await invalid(readPositionDeletes(bytesSource(noPos, FILE), { dataFiles: [DATA] }))).message).toMatch(/no pos column/)
  })

  it('a negative position fails', async () => {
    const bytes = deleteFile(PATH, POS, [DATA, DATA], [-1n, 3n])
    expect((await invalid(readPositionDeletes(bytesSource(bytes, FILE)))).message).toMatch(/negative position -1/)
  })

  it('NULL paths are still skipped, and a file without field ids still resolves by name', async () => {
    const nulls = deleteFile({ ...PATH, repetition_type: 'OPTIONAL' }, POS, [null, DATA, null], [0n, 2n, 5n])
    expect([...(await readPositionDeletes(bytesSource(nulls, FILE))).get(DATA)!]).toEqual([2])
    const { field_id: _a, ...pathByName } = PATH
    const { field_id: _b, ...posByName } = POS
    const byName = deleteFile(pathByName, posByName, [DATA], [4n])
    expect([...(await readPositionDeletes(bytesSource(byName, FILE))).get(DATA)!]).toEqual([4])
  })

  it('a file holding fewer rows than its record_count fails; more rows are read (files patched after commit exist)', async () => {
    const bytes = deleteFile(PATH, POS, [DATA, DATA], [0n, 1n])
    expect((await invalid(readPositionDeletes(bytesSource(bytes, FILE), { recordCount: 3n }))).message).toMatch(/holds 2 rows, its manifest entry says record_count 3/)
    expect([...(await readPositionDeletes(bytesSource(bytes, FILE), { recordCount: 1n })).get(DATA)!]).toEqual([0, 1])
    // rows of row groups skipped by file_path bounds count too
    const pruned = await readPositionDeletes(bytesSource(bytes, FILE), { dataFiles: ['s3://b/t/data/z.parquet'], exactPaths: true, recordCount: 2n })
    expect(pruned.size).toBe(0)
  })
})

describe('equality-delete files that lost rows', () => {
  const s = schema([field(1, 'id', T.long, { required: true })])
  const bytes = writeParquet([{ name: 'table', num_children: 1 }, { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 }], [{ name: 'id', data: [1n, 2n] }])

  it('fewer rows than record_count fail; as many or more are read', async () => {
    expect((await invalid(readEqualityDeletes(bytesSource(bytes, FILE), [1], s, { recordCount: 5n }))).message).toMatch(/holds 2 rows/)
    expect((await readEqualityDeletes(bytesSource(bytes, FILE), [1], s, { recordCount: 2n })).keys.size).toBe(2)
    expect((await readEqualityDeletes(bytesSource(bytes, FILE), [1], s, { recordCount: 1n })).keys.size).toBe(2)
  })
})
