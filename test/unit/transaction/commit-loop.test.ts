// The commit loop: retries re-apply updates on the fresh base, validation is final, unknown outcomes keep files.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import type { TableOperations } from '../../../src/catalog/table-operations.js'
import { testEnv } from '../../../src/env.js'
import { CommitConflictError, CommitStateUnknownError, FloeError, ValidationError } from '../../../src/errors.js'
import { equal } from '../../../src/expr/expression.js'
import type { FileIO } from '../../../src/io/file-io.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { Table } from '../../../src/table/table.js'
import { backoffMs } from '../../../src/transaction/commit-loop.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import { fakeFile } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function setup(): Promise<{ cat: MemoryCatalog; io: MemoryFileIO; t: Table }> {
  const io = new MemoryFileIO()
  const cat = new MemoryCatalog(testEnv(io, 3))
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' } })
  return { cat, io, t }
}

/** Wrap a table's ops so that its next `n` commits lose a race (Java's failCommits). */
function failing(t: Table, n: number, err: () => Error = () => new CommitConflictError('Injected failure')): Table {
  const ops = t.ops!
  let left = n
  const wrapped: TableOperations = {
    io: ops.io,
    refresh: () => ops.refresh(),
    commit: async (base, next, opts) => {
      if (left-- > 0) throw err()
      return ops.commit(base, next, opts)
    },
  }
  return new Table(t.env, t.state, t.name, wrapped)
}

describe('commit loop', () => {
  it('retries injected conflicts and re-applies the append; manifests are written once and reused', async () => {
    const { io, t } = await setup()
    const before = new Set(io.files.keys())
    const { table, result } = await failing(t, 3).transaction().append([fakeFile('/d/1.parquet', [1])]).commitWithResult()
    expect(result.attempts).toBe(4)
    expect(table.currentSnapshot()!.sequenceNumber).toBe(1n)
    const written = [...io.files.keys()].filter((k) => !before.has(k))
    // one manifest, one manifest list (earlier attempts' lists were deleted), one metadata file
    expect(written.filter((k) => k.endsWith('.avro') && k.includes('-m')).length).toBe(1)
    expect(written.filter((k) => /snap-/.test(k))).toEqual([table.currentSnapshot()!.manifestList])
  })

  it('a real concurrent append: the loser rebases, keeping both files, with a fresh sequence number', async () => {
    const { t } = await setup()
    const a = t.transaction().append([fakeFile('/d/a.parquet', [1])])
    const b = t.transaction().append([fakeFile('/d/b.parquet', [2])])
    await a.commit()
    const tb = await b.commit()
    expect((await tb.scan().planFiles()).map((x) => x.file.filePath).sort()).toEqual(['/d/a.parquet', '/d/b.parquet'])
    expect(tb.currentSnapshot()!.sequenceNumber).toBe(2n)
    expect(tb.metadata.snapshots.map((s) => s.sequenceNumber)).toEqual([1n, 2n])
  })

  it('gives up after commit.retry.num-retries and deletes what it wrote', async () => {
    const { io, t } = await setup()
    const before = new Set(io.files.keys())
    await expect(failing(t, 100).transaction().append([fakeFile('/d/1.parquet', [1])]).commit()).rejects.toBeInstanceOf(CommitConflictError)
    expect([...io.files.keys()].filter((k) => !before.has(k))).toEqual([])
    expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
  })

  it('does not retry validation failures', async () => {
    const { t } = await setup()
    const t1 = await t.append([fakeFile('/d/1.parquet', [1])])
    const stale = t1.transaction().overwrite({ filter: equal('p', 1), addFiles: [fakeFile('/d/2.parquet', [1])] })
    await t1.append([fakeFile('/d/3.parquet', [1])])
    await expect(stale.commit()).rejects.toBeInstanceOf(ValidationError)
  })

  it('keeps every file when the outcome is unknown', async () => {
    const { io, t } = await setup()
    const before = new Set(io.files.keys())
    const unknown = failing(t, 1, () => new CommitStateUnknownError('timeout'))
    await expect(unknown.transaction().append([fakeFile('/d/1.parquet', [1])]).commit()).rejects.toBeInstanceOf(CommitStateUnknownError)
    const written = [...io.files.keys()].filter((k) => !before.has(k))
    expect(written.some((k) => /snap-/.test(k))).toBe(true)
    expect(written.some((k) => /-m\d+\.avro$/.test(k))).toBe(true)
  })

  it('writes manifest lists with Java header keys and new manifests with the new sequence number', async () => {
    const { io, t } = await setup()
    const t1 = await t.append([fakeFile('/d/1.parquet', [1]), fakeFile('/d/2.parquet', [2])])
    const t2 = await t1.append([fakeFile('/d/3.parquet', [3])])
    const list = readManifestList(await io.read(t2.currentSnapshot()!.manifestList!))
    expect(list.metadata.get('snapshot-id')).toBe(String(t2.currentSnapshot()!.snapshotId))
    expect(list.metadata.get('parent-snapshot-id')).toBe(String(t1.currentSnapshot()!.snapshotId))
    expect(list.metadata.get('sequence-number')).toBe('2')
    expect(list.metadata.get('format-version')).toBe('2')
    expect(list.manifests.map((m) => [m.sequenceNumber, m.minSequenceNumber, m.addedFilesCount])).toEqual([
      [2n, 2n, 1],
      [1n, 1n, 2],
    ])
    expect(list.manifests[1]!.partitions![0]!.lowerBound).toEqual(Uint8Array.of(1, 0, 0, 0))
  })

  it('stages the metadata file while manifests are written, and publishes it only after they are all written', async () => {
    const mem = new MemoryFileIO()
    const done: string[] = []
    let failManifests = false
    // manifests and lists are slow; every completed write is recorded in order
    const slow: FileIO = {
      read: (p, r) => mem.read(p, r),
      stat: (p) => mem.stat(p),
      delete: (p) => mem.delete(p),
      list: (p) => mem.list(p),
      write: async (p, d, o) => {
        if (p.endsWith('.avro')) {
          await new Promise((r) => setTimeout(r, 25))
          if (failManifests) throw new Error(`disk full writing ${p}`)
        }
        await mem.write(p, d, o)
        done.push(p)
      },
    }
    const cat = new MemoryCatalog(testEnv(slow, 5))
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC })
    done.length = 0
    const t1 = await t.append([fakeFile('/d/1.parquet', [1])])
    const meta = done.findIndex((p) => p === t1.metadataLocation)
    const avro = done.map((p, i) => [p, i] as const).filter(([p]) => p.endsWith('.avro'))
    expect(avro.length).toBe(2) // the manifest and the manifest list
    expect(meta).toBeGreaterThan(Math.max(...avro.map(([, i]) => i)))

    // a failing manifest write: nothing is published, the table stays where it was, nothing is left behind
    failManifests = true
    const before = new Set(mem.files.keys())
    await expect(t1.append([fakeFile('/d/2.parquet', [2])])).rejects.toThrow(/disk full/)
    expect((await cat.loadTable('db.t')).metadataLocation).toBe(t1.metadataLocation)
    expect([...mem.files.keys()].filter((k) => !before.has(k))).toEqual([])
  })

  it('calls a TableOperations that does not declare waitsForReady only once every manifest is written, without `ready`', async () => {
    const { io, t } = await setup()
    const ops = t.ops!
    const seen: { hasReady: boolean; missing: string[] }[] = []
    const legacy: TableOperations = {
      io: ops.io,
      refresh: () => ops.refresh(),
      commit: async (base, next, opts) => {
        const lists = next.snapshots.filter((s) => !base?.metadata.snapshots.some((b) => b.snapshotId === s.snapshotId)).map((s) => s.manifestList!)
        const manifests = (await Promise.all(lists.map(async (l) => readManifestList(await io.read(l)).manifests.map((m) => m.manifestPath)))).flat()
        seen.push({ hasReady: opts?.ready !== undefined, missing: [...lists, ...manifests].filter((p) => !io.files.has(p)) })
        return ops.commit(base, next)
      },
    }
    const t1 = await new Table(t.env, t.state, t.name, legacy).append([fakeFile('/d/1.parquet', [1])])
    expect(t1.currentSnapshot()).toBeDefined()
    expect(seen).toEqual([{ hasReady: false, missing: [] }])
    expect(ops.waitsForReady).toBe(true) // the built-in catalogs stage instead
  })

  it('never deletes a file whose create failed because it already existed (somebody else wrote it)', async () => {
    const mem = new MemoryFileIO()
    const foreign = new TextEncoder().encode('another writer')
    let taken: string | undefined
    // the first manifest path this commit picks turns out to be taken by someone else
    const io: FileIO = {
      read: (p, r) => mem.read(p, r),
      stat: (p) => mem.stat(p),
      delete: (p) => mem.delete(p),
      list: (p) => mem.list(p),
      write: async (p, d, o) => {
        if (taken === undefined && p.endsWith('-m0.avro')) {
          taken = p
          await mem.write(p, foreign)
        }
        return mem.write(p, d, o)
      },
    }
    const cat = new MemoryCatalog(testEnv(io, 11))
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC })
    const before = new Set(mem.files.keys())
    await expect(t.append([fakeFile('/d/1.parquet', [1])])).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    expect(taken).toBeDefined()
    expect(mem.files.get(taken!)).toEqual(foreign) // still there, untouched
    expect([...mem.files.keys()].filter((k) => !before.has(k))).toEqual([taken]) // everything of ours was removed
    expect((await cat.loadTable('db.t')).metadataLocation).toBe(t.metadataLocation)
  })

  it('a manifest write that fails after the catalog reported a conflict ends the commit (a retry would reuse a manifest never written)', async () => {
    const mem = new MemoryFileIO()
    let failManifests = false
    const io: FileIO = {
      read: (p, r) => mem.read(p, r),
      stat: (p) => mem.stat(p),
      delete: (p) => mem.delete(p),
      list: (p) => mem.list(p),
      write: async (p, d, o) => {
        if (failManifests && p.endsWith('-m0.avro')) {
          await new Promise((r) => setTimeout(r, 30))
          throw new FloeError('IO', `disk full writing ${p}`)
        }
        return mem.write(p, d, o)
      },
    }
    const cat = new MemoryCatalog(testEnv(io, 5))
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
    const ops = t.ops!
    let raced = false
    // a concurrent writer lands between this commit's apply and its swap: the catalog reports a conflict at once
    const racing: TableOperations = {
      io: ops.io,
      waitsForReady: true,
      refresh: () => ops.refresh(),
      commit: async (base, next, opts) => {
        if (!raced) {
          raced = true
          failManifests = false
          await t.append([fakeFile('/d/other.parquet', [2])])
        }
        return ops.commit(base, next, opts)
      },
    }
    failManifests = true
    await expect(new Table(t.env, t.state, t.name, racing).append([fakeFile('/d/1.parquet', [1])])).rejects.toThrow(/disk full/)
    // only the other writer's snapshot landed, and every manifest the table references exists
    const now = await cat.loadTable('db.t')
    expect(now.metadata.snapshots).toHaveLength(1)
    for (const snap of now.metadata.snapshots) for (const mf of readManifestList(await mem.read(snap.manifestList!)).manifests) expect(mem.files.has(mf.manifestPath)).toBe(true)
  })

  it('backs off exponentially with jitter within the configured bounds', () => {
    const policy = { numRetries: 4, minWaitMs: 100, maxWaitMs: 60_000, totalTimeoutMs: 1_800_000 }
    for (let n = 1; n <= 12; n++) {
      const cap = Math.min(60_000, 100 * 2 ** (n - 1))
      for (const r of [0, 0.5, 0.999]) {
        const w = backoffMs(policy, n, () => r)
        expect(w).toBeGreaterThanOrEqual(Math.round(cap / 2))
        expect(w).toBeLessThanOrEqual(cap)
      }
    }
  })
})
