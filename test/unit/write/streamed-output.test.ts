// Data writes through a FileIO that can write an object piece by piece (createOutput): each Parquet data file
// goes to its output row group by row group while the rows are still being read, and the stored bytes and
// DataFiles equal those of the whole-object path (same rows, same seeded Env). A failure of any output call
// (create, write, close; also one that took effect but reported failure), bad data or an abort leaves no data
// file and commits nothing; a name that is already taken is somebody else's file and is never deleted.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { AlreadyExistsError, FloeError, isFloeError } from '../../../src/errors.js'
import type { FileIO, FileStat, OutputFile, OutputOptions, WriteOptions } from '../../../src/io/file-io.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { Row } from '../../../src/parquet/codec.js'
import { IcebergParquetWriter } from '../../../src/parquet/hyparquet-writer.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { readAll } from '../parquet/parquet-files.js'
import { tableOf } from './write-fixtures.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'name', T.string),
  field(3, 'amount', T.double),
  field(4, 'p', T.int),
  field(5, 'flag', T.boolean),
])
const BY_P: PartitionSpec = { specId: 0, fields: [{ sourceId: 4, fieldId: 1000, name: 'p', transform: Transforms.identity }] }
// small row groups (and files) so a few thousand rows make several of each
const SMALL = { 'write.parquet.row-group-size-bytes': '4096', 'write.target-file-size-bytes': '10000' }

function rowsOf(n: number, parts = 3): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: BigInt(i),
    name: i % 7 === 0 ? null : `name-${(i * 7919) % 1009}`,
    amount: i % 11 === 0 ? null : (i * 31) / 100,
    p: i % parts,
    flag: i % 3 === 0,
  }))
}

type Call = { readonly op: 'create' | 'write' | 'close' | 'abort'; readonly path: string; readonly bytes?: number }

/**
 * A FileIO over another one that records the output calls and fails the `failAt`-th of them (create, write or
 * close; abort is cleanup and never fails): before it reaches the wrapped output, or with `landed` after it
 * took effect (a reply lost on the way back).
 */
class RecordingIO implements FileIO {
  readonly calls: Call[] = []
  failAt: number | undefined
  landed = false
  private n = 0

  constructor(readonly inner: FileIO) {}

  get stagesWrites(): boolean {
    return this.inner.stagesWrites === true
  }
  read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    return this.inner.read(path, range)
  }
  stat(path: string): Promise<FileStat | undefined> {
    return this.inner.stat(path)
  }
  write(path: string, data: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.inner.write(path, data, opts)
  }
  delete(path: string): Promise<void> {
    return this.inner.delete(path)
  }
  list(prefix: string): AsyncIterable<FileStat> {
    return this.inner.list!(prefix)
  }

  async createOutput(path: string, opts?: OutputOptions): Promise<OutputFile> {
    const out = await this.step({ op: 'create', path }, () => this.inner.createOutput!(path, opts))
    return {
      write: (chunk) => this.step({ op: 'write', path, bytes: chunk.length }, () => out.write(chunk)),
      close: () => this.step({ op: 'close', path }, () => out.close()),
      abort: () => {
        this.calls.push({ op: 'abort', path })
        return out.abort()
      },
    }
  }

  /** Output calls made so far (abort not counted). */
  get count(): number {
    return this.n
  }

  private async step<T>(call: Call, run: () => Promise<T>): Promise<T> {
    this.calls.push(call)
    const fail = ++this.n === this.failAt
    if (fail && !this.landed) throw new FloeError('IO', `injected failure of ${call.op} ${call.path}`)
    const r = await run()
    if (fail) throw new FloeError('IO', `injected failure of ${call.op} ${call.path} (after it took effect)`)
    return r
  }
}

/** The same objects without the createOutput capability: the whole-object path. */
function wholeObjects(inner: MemoryFileIO): FileIO {
  return { read: (p, r) => inner.read(p, r), stat: (p) => inner.stat(p), write: (p, d, o) => inner.write(p, d, o), delete: (p) => inner.delete(p), list: (p) => inner.list(p) }
}

const dataPaths = (io: MemoryFileIO): string[] => [...io.files.keys()].filter((p) => p.includes('/data/')).sort()

/** Rows as an async source that records, as each row is read, how many output writes had been made. */
async function* watched(rows: readonly Row[], io: RecordingIO, seen: number[]): AsyncIterable<Row> {
  for (const r of rows) {
    seen.push(io.calls.filter((c) => c.op === 'write').length)
    yield r
  }
}

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('writeDataFiles through createOutput', () => {
  it.each([
    ['unpartitioned', undefined],
    ['partitioned (several open outputs)', BY_P],
  ])('%s: writes each file row group by row group while rows are read, byte-identical to the whole-object path', async (_, spec) => {
    const md = tableOf(SCHEMA, { ...(spec ? { spec } : {}), properties: SMALL })
    const rows = rowsOf(6000)
    const streamedMem = new MemoryFileIO()
    const io = new RecordingIO(streamedMem)
    const seen: number[] = []
    const streamed = await writeDataFiles(testEnv(io, 7), { metadata: md }, watched(rows, io, seen))
    const wholeMem = new MemoryFileIO()
    const whole = await writeDataFiles(testEnv(wholeObjects(wholeMem), 7), { metadata: md }, rows)

    expect(streamed.length).toBeGreaterThan(spec ? 3 : 1) // several files, rolled at the target size
    expect(streamed).toEqual(whole) // identical DataFiles: paths, sizes, metrics, split offsets
    expect(dataPaths(streamedMem)).toEqual(dataPaths(wholeMem))
    for (const f of whole) {
      const a = streamedMem.files.get(f.filePath)!
      expect(Buffer.from(a).equals(Buffer.from(wholeMem.files.get(f.filePath)!)), f.filePath).toBe(true)
      expect(BigInt(a.length)).toBe(f.fileSizeInBytes)
      // per file: created, written once per row group (the last one goes with the footer, and so may the one
      // whose row rolled the file), then closed
      const calls = io.calls.filter((c) => c.path === f.filePath)
      expect(calls[0]!.op).toBe('create')
      expect(calls[calls.length - 1]!.op).toBe('close')
      const writes = calls.filter((c) => c.op === 'write')
      expect(writes.length).toBeGreaterThanOrEqual(Math.max(1, f.splitOffsets!.length - 1))
      expect(writes.length).toBeLessThanOrEqual(f.splitOffsets!.length)
      expect(writes.reduce((n, c) => n + c.bytes!, 0)).toBe(a.length)
      expect(calls.filter((c) => c.op === 'abort')).toEqual([])
    }
    // a multi-row-group file took several writes before its close
    const first = io.calls.filter((c) => c.path === whole[0]!.filePath)
    expect(whole[0]!.splitOffsets!.length).toBeGreaterThanOrEqual(3)
    expect(first.filter((c) => c.op === 'write').length).toBeGreaterThanOrEqual(3)
    // bytes went out while rows were still being read, not all at the end
    expect(seen[Math.floor(rows.length / 2)]).toBeGreaterThan(0)
    // and they read back as the rows
    const back = (await Promise.all(streamed.map((f) => readAll(streamedMem.files.get(f.filePath)!, { schema: SCHEMA }, f.filePath)))).flat()
    expect(back.map((r) => r.id).sort((a, b) => (a! < b! ? -1 : 1))).toEqual(rows.map((r) => r.id))
  })

  it('a Parquet writer that handed out chunks ends only with finishTail', async () => {
    const w = await IcebergParquetWriter.open(SCHEMA, { rowGroupSizeBytes: 512 })
    expect(w.chunksReady).toBe(false)
    for (const r of rowsOf(100)) w.write(r)
    expect(w.chunksReady).toBe(true)
    const first = w.takeChunks()
    expect(w.chunksReady).toBe(false)
    expect(Buffer.from(first[0]!.subarray(0, 4)).toString()).toBe('PAR1') // the header comes with the first chunk
    expect(() => w.finish()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    const end = w.finishTail()
    expect(Buffer.from(end.tail[end.tail.length - 1]!.subarray(-4)).toString()).toBe('PAR1')
    expect(() => w.finishTail()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => w.takeChunks()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('keeps the whole-object path for Avro data files', async () => {
    const md = tableOf(SCHEMA, { properties: { ...SMALL, 'write.format.default': 'avro' } })
    const io = new RecordingIO(new MemoryFileIO())
    const files = await writeDataFiles(testEnv(io, 3), { metadata: md }, rowsOf(500))
    expect(files.length).toBeGreaterThan(0)
    expect(io.calls).toEqual([])
  })

  it('streams through LocalFileIO into a file-system catalog table: the same bytes as the whole-object path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-streamed-'))
    dirs.push(dir)
    const cat = new FileSystemCatalog(testEnv(new LocalFileIO(), 11), dir)
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, properties: SMALL })
    const rows = rowsOf(4000)
    const after = await t.appendRows(rows)
    const added = (await after.scan().planFiles()).map((task) => task.file).sort((a, b) => (a.filePath < b.filePath ? -1 : 1))
    expect(added.length).toBeGreaterThan(1)
    // the whole-object path for the same table metadata and Env draws
    const mem = new MemoryFileIO()
    const whole = await writeDataFiles(testEnv(wholeObjects(mem), 11), { metadata: t.metadata }, rows, { operationId: added[0]!.filePath.match(/-\d+-([0-9a-f-]{36})-\d{5}\.parquet$/)![1]! })
    expect(whole.length).toBe(added.length)
    for (const [i, f] of whole.entries()) {
      const onDisk = readFileSync(added[i]!.filePath)
      expect(Buffer.from(mem.files.get(f.filePath)!).equals(onDisk)).toBe(true)
      expect(added[i]!.fileSizeInBytes).toBe(f.fileSizeInBytes)
    }
    expect((await after.scan().toArray()).length).toBe(rows.length)
  })
})

describe('writeDataFiles through createOutput: failures', () => {
  async function table(io: FileIO): Promise<{ cat: MemoryCatalog; metadataLocation: string }> {
    const cat = new MemoryCatalog(testEnv(io, 5))
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, spec: BY_P, properties: { ...SMALL, 'commit.retry.num-retries': '0' } })
    return { cat, metadataLocation: t.metadataLocation! }
  }
  const rows = rowsOf(3000)

  it('a failure of the k-th output call (before or after it took effect) leaves no data file and commits nothing, for every k', async () => {
    // the number of output calls of a successful append
    const probe = new RecordingIO(new MemoryFileIO())
    await (await (await table(probe)).cat.loadTable('db.t')).appendRows(rows)
    const total = probe.count
    expect(total).toBeGreaterThan(10)
    expect(new Set(probe.calls.map((c) => c.op))).toEqual(new Set(['create', 'write', 'close']))
    for (const landed of [false, true]) {
      for (let k = 1; k <= total; k++) {
        const mem = new MemoryFileIO()
        const io = new RecordingIO(mem)
        const { cat, metadataLocation } = await table(io)
        const before = new Set(mem.files.keys())
        io.failAt = k
        io.landed = landed
        const e = await (await cat.loadTable('db.t')).appendRows(rows).catch((x: unknown) => x)
        expect(isFloeError(e, 'IO'), `k=${k} landed=${landed}: ${String(e)}`).toBe(true)
        expect([...mem.files.keys()].filter((p) => !before.has(p)), `leftovers k=${k} landed=${landed}`).toEqual([])
        const after = await cat.loadTable('db.t')
        expect(after.metadataLocation).toBe(metadataLocation)
        expect(after.currentSnapshot()).toBeUndefined()
        // every output that was created and not closed is aborted (calls[k - 1] is the failed one: aborts come after it)
        const failed = io.calls[k - 1]!
        // (a failed create returned no output to abort, even when it took effect: the rollback deletes its name)
        const created = io.calls.slice(0, k).filter((c) => c.op === 'create' && c !== failed)
        const closed = new Set(io.calls.slice(0, k - 1).filter((c) => c.op === 'close').map((c) => c.path))
        for (const c of created) if (!closed.has(c.path)) expect(io.calls.some((a) => a.op === 'abort' && a.path === c.path), `${c.path} aborted (k=${k})`).toBe(true)
      }
    }
  })

  it('bad data after row groups were written, or an abort signal, removes the open outputs', async () => {
    const mem = new MemoryFileIO()
    const io = new RecordingIO(mem)
    const { cat, metadataLocation } = await table(io)
    const before = new Set(mem.files.keys())
    const bad = [...rows, { id: 'not a long', p: 1 }]
    const e = await (await cat.loadTable('db.t')).appendRows(bad).catch((x: unknown) => x)
    expect(isFloeError(e, 'INVALID_DATA')).toBe(true)
    expect(io.calls.filter((c) => c.op === 'write').length).toBeGreaterThan(3) // row groups had gone out
    expect(io.calls.filter((c) => c.op === 'abort').length).toBe(3) // one open file per partition
    expect([...mem.files.keys()].filter((p) => !before.has(p))).toEqual([])

    const ac = new AbortController()
    io.calls.length = 0
    async function* stopping(): AsyncIterable<Row> {
      for (const r of rows) {
        if (io.calls.filter((c) => c.op === 'write').length >= 4) ac.abort()
        yield r
      }
    }
    const a = await (await cat.loadTable('db.t')).appendRows(stopping(), { signal: ac.signal }).catch((x: unknown) => x)
    expect(isFloeError(a, 'ABORTED')).toBe(true)
    expect(io.calls.some((c) => c.op === 'abort')).toBe(true)
    expect([...mem.files.keys()].filter((p) => !before.has(p))).toEqual([])
    expect((await cat.loadTable('db.t')).metadataLocation).toBe(metadataLocation)
  })

  it('a name already taken at create is somebody else file: it stays, and only this write own files are removed', async () => {
    const md = tableOf(SCHEMA, { spec: BY_P, properties: SMALL })
    // the names this write will use (seeded Env: the same operation id every run)
    const dry = await writeDataFiles(testEnv(new MemoryFileIO(), 9), { metadata: md }, rows)
    const taken = dry[1]!.filePath
    const mem = new MemoryFileIO()
    await mem.write(taken, new TextEncoder().encode('theirs'))
    const io = new RecordingIO(mem)
    const e = await writeDataFiles(testEnv(io, 9), { metadata: md }, rows).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AlreadyExistsError)
    expect(new TextDecoder().decode(mem.files.get(taken)!)).toBe('theirs')
    expect([...mem.files.keys()]).toEqual([taken])
    // the outputs this write had opened were aborted; the taken name was never aborted or deleted
    expect(io.calls.some((c) => c.op === 'abort' && c.path === dry[0]!.filePath)).toBe(true)
    expect(io.calls.some((c) => c.op === 'abort' && c.path === taken)).toBe(false)
  })

  it('on local disk: a failed output write leaves no file, and a taken name keeps its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-streamed-'))
    dirs.push(dir)
    const md = tableOf(SCHEMA, { spec: BY_P, properties: SMALL, location: dir })
    const io = new RecordingIO(new LocalFileIO())
    io.failAt = 8
    const e = await writeDataFiles(testEnv(io, 4), { metadata: md }, rows).catch((x: unknown) => x)
    expect(isFloeError(e, 'IO')).toBe(true)
    const files = (d: string): string[] => (existsSync(d) ? readdirSync(d, { recursive: true, withFileTypes: true }).filter((x) => x.isFile()).map((x) => x.name) : [])
    expect(files(join(dir, 'data'))).toEqual([])

    const first = await writeDataFiles(testEnv(new LocalFileIO(), 4), { metadata: md }, rows)
    const kept = readFileSync(first[0]!.filePath)
    const again = await writeDataFiles(testEnv(new LocalFileIO(), 4), { metadata: md }, rows).catch((x: unknown) => x)
    expect(again).toBeInstanceOf(AlreadyExistsError)
    expect(readFileSync(first[0]!.filePath).equals(kept)).toBe(true)
    expect(files(join(dir, 'data')).length).toBe(first.length)
  })
})

describe('streamed outputs: open file limit', () => {
  it('streams at most MAX_OPEN_OUTPUTS files at once; further open partitions are stored whole, with the same DataFiles', async () => {
    const { MAX_OPEN_OUTPUTS } = await import('../../../src/write/data-writer.js')
    const parts = MAX_OPEN_OUTPUTS + 40
    // every partition stays open until the end: rows cycle through all of them
    const rows = rowsOf(parts * 3, parts)
    const md = tableOf(SCHEMA, { spec: BY_P })
    let open = 0
    let most = 0
    const inner = new MemoryFileIO()
    const io: FileIO = Object.assign(Object.create(inner) as FileIO, {
      createOutput: async (path: string): Promise<OutputFile> => {
        const out = await inner.createOutput(path)
        most = Math.max(most, ++open)
        return { write: (c: Uint8Array) => out.write(c), close: async () => (await out.close(), void open--), abort: async () => (await out.abort(), void open--) }
      },
    })
    const streamed = await writeDataFiles(testEnv(io, 3), { metadata: md }, rows)
    expect(most).toBe(MAX_OPEN_OUTPUTS)
    expect(open).toBe(0)
    const whole = await writeDataFiles(testEnv(new MemoryFileIO(), 3), { metadata: md }, rows)
    expect(streamed).toEqual(whole)
    expect(streamed.length).toBe(parts)
  })
})
