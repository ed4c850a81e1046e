// Applying row-level deletes as Java does when the schema or the storage differs from when they were written:
// - an equality delete on a column dropped later still applies (the column is read from the data file by id
//   and never returned), in scans and in copy-on-write and merge-on-read deletes;
// - a position delete naming a file in another bucket never deletes rows of a file with the same key;
// - two live DVs for one data file fail the scan; a DV without referenced_data_file is refused at commit.
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { puffinWithDeletionVectors } from '../../../src/deletes/dv-write.js'
import { defaultEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { parseColumns } from '../../../src/index.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { writeDataFiles, writePositionDeletes } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'
import { UncheckedDeletes } from '../../support/unchecked-deletes.js'

async function table(columns: string, formatVersion: FormatVersion = 2): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: parseColumns(columns), formatVersion })
}

async function eqDelete(t: Table, rows: unknown[], ids: number[]): Promise<DataFile> {
  const [f] = await writeDataFiles(t.env, { metadata: t.metadata }, rows, { sort: false })
  return { ...f!, content: 'equality-deletes', equalityIds: ids }
}

const plain = (rows: readonly Record<string, unknown>[]): unknown[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return e instanceof FloeError ? e.code : String(e)
  }
  return 'no error'
}

describe('equality deletes on a column dropped later', () => {
  async function droppedStatus(): Promise<Table> {
    let t = await table('id bigint, status string')
    t = await t.appendRows([
      { id: 1n, status: 'INACTIVE' },
      { id: 2n, status: 'ACTIVE' },
      { id: 3n, status: 'INACTIVE' },
    ])
    t = await t.transaction().rowDelta({ addDeletes: [await eqDelete(t, [{ id: null, status: 'INACTIVE' }], [2])] }).commit()
    return t.transaction().updateSchema((s) => s.deleteColumn('status')).commit()
  }

  it('a scan still applies the delete and does not return the dropped column', async () => {
    const t = await droppedStatus()
    expect(plain(await t.scan().toArray())).toEqual([{ id: 2 }])
    expect(plain(await t.scan({ filter: 'id >= 2' }).toArray())).toEqual([{ id: 2 }])
  })

  it('merge-on-read and copy-on-write deletes read the dropped column for the old deletes', async () => {
    const mor = await (await droppedStatus()).deleteRows('id = 2', { mode: 'merge-on-read' })
    expect(plain(await mor.scan().toArray())).toEqual([])
    let cow = await droppedStatus()
    cow = await cow.appendRows([{ id: 4n }])
    cow = await cow.deleteRows('id = 4', { mode: 'copy-on-write' })
    expect(plain(await cow.scan().toArray())).toEqual([{ id: 2 }])
  })

  it('a column re-added under the dropped name is a different column: the delete matches the old one by id', async () => {
    let t = await droppedStatus()
    t = await t.transaction().updateSchema((s) => s.addColumn('status', { kind: 'string' })).commit()
    t = await t.appendRows([{ id: 5n, status: 'INACTIVE' }])
    // old rows read the new column as null; the new row's INACTIVE is in the new column, which the delete never names
    expect(plain(await t.scan().toArray())).toEqual([
      { id: 2, status: null },
      { id: 5, status: 'INACTIVE' },
    ])
  })
})

describe('position deletes match file_path exactly across buckets', () => {
  it('a delete for s3://b2/k does not delete rows of s3://b1/k', async () => {
    const env = defaultEnv(new MemoryFileIO())
    const c = new MemoryCatalog(env, 's3://b1/wh')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint') })
    const op = '11111111-1111-1111-1111-111111111111'
    const [a] = await writeDataFiles(env, t, [{ id: 1n }, { id: 2n }], { operationId: op })
    const elsewhere = { ...t.metadata, location: t.metadata.location.replace('s3://b1/', 's3://b2/') }
    const [b] = await writeDataFiles(env, { metadata: elsewhere }, [{ id: 3n }, { id: 4n }], { operationId: op })
    const [other] = await writeDataFiles(env, t, [{ id: 5n }])
    expect(a!.filePath.replace('s3://b1/', 's3://b2/')).toBe(b!.filePath)
    t = await t.transaction().append([a!, b!, other!]).commit()
    const del = await writePositionDeletes(env, t, [
      { filePath: b!.filePath, pos: 0 },
      { filePath: other!.filePath, pos: 0 },
    ])
    t = await t.transaction().rowDelta({ addDeletes: [del] }).commit()
    expect(plain(await t.scan().toArray())).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }])
  })
})

describe('deletion vectors that break the one-DV-per-file rule', () => {
  async function v3(): Promise<{ t: Table; data: DataFile }> {
    let t = await table('id bigint', 3)
    t = await t.appendRows([{ id: 0n }, { id: 1n }, { id: 2n }, { id: 3n }])
    return { t, data: (await t.scan().planFiles())[0]!.file }
  }
  async function dvFile(t: Table, target: string, positions: number[], name: string): Promise<DataFile> {
    const { bytes, vectors } = puffinWithDeletionVectors([{ referencedDataFile: target, positions }])
    const path = `${t.metadata.location}/data/${name}.puffin`
    await t.env.io.write(path, bytes)
    const v = vectors[0]!
    return { content: 'position-deletes', filePath: path, fileFormat: 'PUFFIN', specId: 0, partition: [], recordCount: v.cardinality, fileSizeInBytes: BigInt(bytes.length), referencedDataFile: target, contentOffset: v.contentOffset, contentSizeInBytes: v.contentSizeInBytes }
  }

  it('two live DVs for one data file fail planning with INVALID_METADATA', async () => {
    let { t, data } = await v3()
    t = await t.transaction().rowDelta({ addDeletes: [await dvFile(t, data.filePath, [1], 'dv1')] }).commit()
    // floe's rowDelta refuses a second live DV; another engine's commit is simulated without the checks
    await expect(t.transaction().rowDelta({ addDeletes: [await dvFile(t, data.filePath, [2], 'dv2')], validateNoConflictingDeleteFiles: false }).commit()).rejects.toThrow(/would be its second live DV/)
    t = await t.transaction().add(new UncheckedDeletes([await dvFile(t, data.filePath, [2], 'dv2b')])).commit()
    expect(await codeOf(t.scan().planFiles())).toBe('INVALID_METADATA')
    await expect(t.scan().toArray()).rejects.toThrow(/dv1\.puffin.*dv2b\.puffin|dv2b\.puffin.*dv1\.puffin/)
  })

  it('a DV without referenced_data_file cannot be committed', async () => {
    const { t, data } = await v3()
    const { referencedDataFile: _gone, ...loose } = await dvFile(t, data.filePath, [0], 'dv')
    expect(await codeOf(t.transaction().rowDelta({ addDeletes: [loose] }).commit())).toBe('INVALID_ARGUMENT')
    expect(plain(await t.scan().toArray())).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3 }])
  })
})
