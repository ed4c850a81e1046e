// A table read through a prefix remapping: a missing file is reported where it was looked for (the mapped
// location, the file an operator can check) and under its path in the table metadata.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultEnv } from '../../../src/env.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { RemappingFileIO } from '../../../src/io/remap.js'
import { missingFileMessage } from '../../../src/io/file-io.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

describe('missing files through a remapping FileIO', () => {
  it('name the mapped location and the metadata path, for data files and manifest lists alike', async () => {
    const c = makeCatalog('filesystem')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long)]) })
    t = await t.appendRows([{ id: 1n }])
    const original = t.metadata.location
    const copy = mkdtempSync(join(tmpdir(), 'floe-remap-'))
    cpSync(original, copy, { recursive: true })
    const io = new RemappingFileIO(new LocalFileIO(), [{ from: original, to: copy }])
    const metadataFile = join(copy, 'metadata', readdirSync(join(copy, 'metadata')).filter((f) => f.endsWith('.metadata.json')).sort().at(-1)!)
    const remapped = await Table.load(defaultEnv(io), metadataFile)
    expect((await remapped.scan().toArray()).map((r) => r.id)).toEqual([1n])

    // the data file is gone from the copy (it still exists under the original path)
    const task = (await remapped.scan().planFiles())[0]!
    const dataPath = task.file.filePath
    const mappedData = dataPath.replace(original, copy)
    rmSync(mappedData)
    const err = await remapped.scan().toArray().catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'NOT_FOUND', context: { file: dataPath, location: mappedData } })
    expect((err as Error).message).toBe(`File does not exist: ${mappedData} (${dataPath} in the table metadata)`)

    // the manifest list too, read through the same mapping
    const list = remapped.currentSnapshot()!.manifestList!
    rmSync(list.replace(original, copy))
    const fresh = await Table.load(defaultEnv(io), metadataFile)
    await expect(fresh.scan().planFiles()).rejects.toMatchObject({ code: 'NOT_FOUND', context: { file: list, location: list.replace(original, copy) }, message: expect.stringContaining(list.replace(original, copy)) })
  })

  it('keep the plain message when nothing is mapped', () => {
    const io = new MemoryFileIO()
    expect(missingFileMessage(io, '/a/b')).toEqual({ message: 'File does not exist: /a/b', location: undefined })
    const mapped = new RemappingFileIO(io, [{ from: 's3://x/', to: '/local/' }])
    expect(missingFileMessage(mapped, '/a/b')).toEqual({ message: 'File does not exist: /a/b', location: undefined })
    expect(missingFileMessage(mapped, 's3://x/f')).toEqual({ message: 'File does not exist: /local/f (s3://x/f in the table metadata)', location: '/local/f' })
  })
})
