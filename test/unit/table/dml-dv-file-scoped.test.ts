// A v3 merge-on-read delete writes one deletion vector per data file that absorbs the file's older deletes;
// the older delete files scoped to that one data file go (Java BaseDVFileWriter with isFileScoped), also
// Parquet position deletes written before referenced_data_file existed (their file_path bounds are equal).
// A position delete file for several data files stays: the others still need it.
import { describe, expect, it } from 'vitest'
import { isFileScoped, scopedDataFile } from '../../../src/deletes/file-scoped.js'
import { DELETE_FILE_PATH_ID } from '../../../src/deletes/position-deletes.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { utf8Encode } from '../../../src/spec/values.js'
import type { Table } from '../../../src/table/table.js'
import { writePositionDeletes } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'
import { liveDeletes } from '../transaction/ops-fixtures.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

async function v2Table(): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, formatVersion: 2 })
}

/** The delete file as a writer before Java 1.7 recorded it: no referenced_data_file, only the bounds. */
function legacy(f: DataFile): DataFile {
  const { referencedDataFile: _unset, ...rest } = f
  return rest
}

const ids = async (t: Table): Promise<bigint[]> => (await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))

describe('file-scoped position deletes', () => {
  it('scopedDataFile: the referenced file, else the path both file_path bounds name, else none', () => {
    const base: DataFile = { content: 'position-deletes', filePath: '/d/del.parquet', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 1n, fileSizeInBytes: 1n }
    const bounds = (lo: string, hi: string): DataFile => ({ ...base, lowerBounds: new Map([[DELETE_FILE_PATH_ID, utf8Encode(lo)]]), upperBounds: new Map([[DELETE_FILE_PATH_ID, utf8Encode(hi)]]) })
    expect(scopedDataFile({ ...base, referencedDataFile: '/d/a.parquet' })).toBe('/d/a.parquet')
    expect(scopedDataFile(bounds('/d/a.parquet', '/d/a.parquet'))).toBe('/d/a.parquet')
    expect(scopedDataFile(bounds('/d/a.parquet', '/d/b.parquet'))).toBeUndefined()
    expect(scopedDataFile({ ...base, lowerBounds: bounds('/d/a.parquet', '/d/a.parquet').lowerBounds! })).toBeUndefined()
    expect(isFileScoped(base)).toBe(false)
    expect(isFileScoped({ ...bounds('/d/a.parquet', '/d/a.parquet'), content: 'equality-deletes', equalityIds: [1] })).toBe(false)
  })

  it('a DV written after the upgrade to v3 replaces a legacy Parquet delete scoped to its data file', async () => {
    let t = await (await v2Table()).appendRows([{ id: 1n }, { id: 2n }, { id: 3n }])
    const data = (await t.scan().planFiles())[0]!.file
    const pd = await writePositionDeletes(t.env, { metadata: t.metadata }, [{ filePath: data.filePath, pos: 0n }])
    expect(isFileScoped(legacy(pd))).toBe(true)
    t = await t.transaction().rowDelta({ addDeletes: [legacy(pd)] }).commit()
    t = await t.transaction().setProperties({ 'format-version': '3' }).commit()
    t = await t.deleteRows('id = 2', { mode: 'merge-on-read' })
    const tasks = await t.scan().planFiles()
    expect(tasks.flatMap((x) => x.deletes).map((d) => d.fileFormat)).toEqual(['PUFFIN'])
    expect(tasks[0]!.deletes[0]!.recordCount).toBe(2n)
    expect(await liveDeletes(t)).toHaveLength(1)
    expect(t.currentSnapshot()!.summary['removed-position-delete-files']).toBe('1')
    expect(await ids(t)).toEqual([3n])
  })

  it('a legacy delete file covering two data files stays when one of them gets a DV', async () => {
    let t = await (await v2Table()).appendRows([{ id: 1n }, { id: 2n }])
    t = await t.appendRows([{ id: 3n }, { id: 4n }])
    const files = (await t.scan().planFiles()).map((x) => x.file).sort((a, b) => (a.filePath < b.filePath ? -1 : 1))
    const pd = await writePositionDeletes(t.env, { metadata: t.metadata }, [{ filePath: files[0]!.filePath, pos: 0n }, { filePath: files[1]!.filePath, pos: 0n }])
    expect(isFileScoped(legacy(pd))).toBe(false)
    t = await t.transaction().rowDelta({ addDeletes: [legacy(pd)] }).commit()
    t = await t.transaction().setProperties({ 'format-version': '3' }).commit()
    const before = await ids(t)
    const victim = before[before.length - 1]!
    t = await t.deleteRows(`id = ${victim}`, { mode: 'merge-on-read' })
    expect((await liveDeletes(t)).some((p) => p === pd.filePath)).toBe(true)
    expect(await ids(t)).toEqual(before.slice(0, -1))
  })

  it("a DV for one data file keeps a legacy delete scoped to another file of the partition (no deleted row comes back)", async () => {
    let t = await (await v2Table()).appendRows([{ id: 0n }, { id: 1n }, { id: 2n }])
    t = await t.appendRows([{ id: 5n }, { id: 6n }, { id: 7n }])
    const scan = await t.scan({ select: ['id', '_pos'] }).toArray()
    const six = scan.find((r) => r.id === 6n)!
    const pd = await writePositionDeletes(t.env, { metadata: t.metadata }, [{ filePath: (await t.scan({ filter: 'id = 6' }).planFiles())[0]!.file.filePath, pos: six._pos as bigint }])
    t = await t.transaction().rowDelta({ addDeletes: [legacy(pd)] }).commit()
    // the legacy delete is planned only with the data file its bounds name (Java's DeleteFileIndex by path)
    const tasks = await t.scan().planFiles()
    const withDelete = tasks.filter((x) => x.deletes.length).map((x) => x.file.filePath)
    expect(withDelete).toEqual([scopedDataFile(legacy(pd))])
    t = await t.transaction().setProperties({ 'format-version': '3' }).commit()
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    expect(t.currentSnapshot()!.summary['removed-position-delete-files']).toBeUndefined()
    expect(await ids(t)).toEqual([0n, 2n, 5n, 7n])
  })
})
