// Drop with purge goes on past files it cannot delete or read (Java's CatalogUtil.dropTableData suppresses
// failures): every other reachable file is deleted, every delete has settled when dropTable resolves, the
// drop itself succeeds, and what was left behind is returned.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { reachableFiles } from '../../../src/catalog/purge.js'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import type { FileIO, FileStat, WriteOptions } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Table } from '../../../src/table/table.js'
import { SIMPLE_SCHEMA } from '../../support/tables.js'

const RUNS = Math.min(Number(process.env.FC_NUM_RUNS ?? 300), 25)

/** MemoryFileIO whose deletes take a while (so workers overlap) and fail for the paths in `failing`. */
class SlowFlakyDeletes implements FileIO {
  readonly stagesWrites = true
  readonly inner = new MemoryFileIO()
  failing = new Set<string>()
  inFlight = 0
  read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    return this.inner.read(path, range)
  }
  stat(path: string): Promise<FileStat | undefined> {
    return this.inner.stat(path)
  }
  write(path: string, data: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.inner.write(path, data, opts)
  }
  list(prefix: string): AsyncIterable<FileStat> {
    return this.inner.list(prefix)
  }
  async delete(path: string): Promise<void> {
    if (this.failing.has(path)) throw new FloeError('IO', `permission denied: ${path}`, { context: { file: path } })
    this.inFlight++
    try {
      await new Promise((r) => setTimeout(r, 1 + (path.length % 5)))
      await this.inner.delete(path)
    } finally {
      this.inFlight--
    }
  }
}

/** A table with data files, position deletes and three snapshots. */
async function build(catalog: MemoryCatalog | FileSystemCatalog, props: Record<string, string> = {}): Promise<Table> {
  await catalog.createNamespace('db')
  let t = await catalog.createTable('db.t', { schema: SIMPLE_SCHEMA, properties: { 'write.delete.mode': 'merge-on-read', ...props } })
  t = await t.appendRows([
    { id: 1n, data: 'a' },
    { id: 2n, data: 'b' },
  ])
  t = await t.appendRows([{ id: 3n, data: 'c' }])
  return t.deleteRows('id = 1', { mode: 'merge-on-read' })
}

async function allReachable(io: FileIO, t: Table): Promise<string[]> {
  const r = await reachableFiles(io, t.state)
  return [...r.content, ...r.metadata].sort()
}

describe('drop with purge and files it cannot delete', () => {
  it('deletes every other file, waits for every delete, and returns the ones left', async () => {
    const io = new SlowFlakyDeletes()
    const catalog = new MemoryCatalog(testEnv(io, 3))
    const t = await build(catalog)
    const all = await allReachable(io, t)
    const deleteFile = all.find((p) => p.endsWith('-deletes.parquet'))!
    const manifest = all.find((p) => p.endsWith('-m0.avro'))!
    io.failing = new Set([deleteFile, manifest])
    const result = await catalog.dropTable('db.t', { purge: true })
    expect(io.inFlight).toBe(0) // nothing still running once the drop resolved
    expect(await catalog.tableExists('db.t')).toBe(false)
    expect([...io.inner.files.keys()].filter((p) => all.includes(p)).sort()).toEqual([deleteFile, manifest].sort())
    expect(result.purge!.undeleted.map((f) => f.path).sort()).toEqual([deleteFile, manifest].sort())
    expect(result.purge!.undeleted.every((f) => f.error instanceof FloeError)).toBe(true)
    expect(result.purge!.deleted).toBe(all.length - 2)
    expect(result.purge!.unreadable).toEqual([])
  })

  it('leaves exactly the files whose delete fails, whichever they are (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), async (picks) => {
        const io = new SlowFlakyDeletes()
        const catalog = new MemoryCatalog(testEnv(io, 5))
        const t = await build(catalog)
        const all = await allReachable(io, t)
        const failing = new Set(picks.map((i) => all[i % all.length]!))
        io.failing = failing
        const result = await catalog.dropTable('db.t', { purge: true })
        expect(io.inFlight).toBe(0)
        expect(await catalog.tableExists('db.t')).toBe(false)
        expect([...io.inner.files.keys()].filter((p) => all.includes(p)).sort()).toEqual([...failing].sort())
        expect(result.purge!.undeleted.map((f) => f.path).sort()).toEqual([...failing].sort())
      }),
      { numRuns: RUNS },
    )
  })

  it('reports unreadable manifests and still deletes everything else it knows of', async () => {
    const io = new MemoryFileIO()
    const catalog = new MemoryCatalog(testEnv(io, 9))
    const t = await build(catalog)
    const all = await allReachable(io, t)
    const manifest = all.find((p) => p.endsWith('-m0.avro'))!
    io.files.set(manifest, new TextEncoder().encode('not avro'))
    const result = await catalog.dropTable('db.t', { purge: true })
    expect(result.purge!.unreadable.map((f) => f.path)).toEqual([manifest])
    expect(result.purge!.undeleted).toEqual([])
    expect(io.files.has(manifest)).toBe(false)
  })

  it('deletes metadata but keeps data and delete files when gc.enabled is false', async () => {
    const io = new MemoryFileIO()
    const catalog = new MemoryCatalog(testEnv(io, 11))
    const t = await build(catalog, { 'gc.enabled': 'false' })
    const { content, metadata } = await reachableFiles(io, t.state)
    const result = await catalog.dropTable('db.t', { purge: true })
    expect([...content].every((p) => io.files.has(p))).toBe(true)
    expect([...metadata].some((p) => io.files.has(p))).toBe(false)
    expect(result.purge).toEqual({ deleted: metadata.size, undeleted: [], unreadable: [] })
  })

  it('returns no purge without purge, and the file-system catalog returns the same report', async () => {
    const memory = new MemoryCatalog(testEnv(new MemoryFileIO(), 13))
    await build(memory)
    expect(await memory.dropTable('db.t')).toEqual({})
    const io = new SlowFlakyDeletes()
    const fs = new FileSystemCatalog(testEnv(io, 15), 'memory://wh')
    const t = await build(fs)
    const data = (await reachableFiles(io, t.state)).content
    const one = [...data][0]!
    io.failing = new Set([one])
    const result = await fs.dropTable('db.t', { purge: true })
    expect(io.inFlight).toBe(0)
    expect(result.purge!.undeleted.map((f) => f.path)).toEqual([one])
    expect(await fs.tableExists('db.t')).toBe(false)
  })
})
