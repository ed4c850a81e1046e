// Time travel against the snapshot log, and bad input on real tables: typed errors naming the file, never a partial result.
import { describe, expect, it } from 'vitest'
import { defaultEnv } from '../../src/env.js'
import { FloeError, NotFoundError } from '../../src/errors.js'
import type { FileIO, FileStat } from '../../src/io/file-io.js'
import { snapshotIdAsOf } from '../../src/spec/snapshot.js'
import { Table } from '../../src/table/table.js'
import { corpusTables } from '../support/corpus/manifest.js'
import { openCorpusTable } from '../support/corpus/open.js'

const tables = corpusTables()
const find = (dir: string) => tables.find((t) => t.dir.endsWith(dir))!

/** A FileIO that hides or damages chosen files of another FileIO. */
function damaged(inner: FileIO, opts: { missing?: (p: string) => boolean; corrupt?: (p: string) => boolean }): FileIO {
  return {
    read: async (p, r) => {
      if (opts.missing?.(p)) throw new NotFoundError(`File does not exist: ${p}`, { context: { file: p } })
      const b = await inner.read(p, r)
      if (!opts.corrupt?.(p)) return b
      const c = b.slice()
      for (let i = 0; i < c.length; i += 7) c[i] = c[i]! ^ 0x5a
      return c
    },
    stat: async (p): Promise<FileStat | undefined> => (opts.missing?.(p) ? undefined : inner.stat(p)),
    write: (p, d, o) => inner.write(p, d, o),
    delete: (p) => inner.delete(p),
  }
}

describe('time travel on real tables', () => {
  const multi = tables.filter((t) => t.snapshots >= 3 && t.formatVersion >= 2 && !/orc|bare|missing_spec|multiple_spec|void_transform/.test(t.dir)).slice(0, 8)

  it('has tables with several snapshots to check', () => expect(multi.length).toBeGreaterThanOrEqual(5))

  it.each(multi.map((t) => [t.dir, t] as const))('%s: as-of each log entry reads that snapshot; before the first is a typed error', async (_n, t) => {
    const table = await openCorpusTable(t)
    const log = table.metadata.snapshotLog
    expect(log.length).toBeGreaterThan(0)
    for (const e of log) {
      const viaTime = table.scan({ snapshot: { asOfTimestampMs: e.timestampMs } })
      expect(viaTime.snapshot?.snapshotId).toBe(snapshotIdAsOf(log, e.timestampMs))
      // between two entries, the earlier one applies
      const later = table.scan({ snapshot: { asOfTimestampMs: e.timestampMs + 1n } })
      expect(later.snapshot?.snapshotId).toBe(snapshotIdAsOf(log, e.timestampMs + 1n))
    }
    let err: unknown
    try {
      table.scan({ snapshot: { asOfTimestampMs: log[0]!.timestampMs - 1n } })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FloeError)
    expect((err as FloeError).code).toBe('NOT_FOUND')
    expect((err as FloeError).message).toMatch(/Cannot find a snapshot older than/)
  })

  it('reads by tag and branch (schema of the tag, current schema of a branch)', async () => {
    const t = find('spark/rename_column')
    const table = await openCorpusTable(t)
    const id = table.currentSnapshot()!.snapshotId
    const tagged = new Table(table.env, { ...table.state, metadata: { ...table.metadata, refs: { ...table.metadata.refs, v1: { snapshotId: id, type: 'tag' } } } })
    expect((await tagged.scan({ snapshot: { ref: 'v1' } }).toArray()).length).toBe(4)
    expect(() => tagged.scan({ snapshot: { ref: 'nope' } })).toThrow(/Cannot find ref nope/)
    expect(() => tagged.scan({ snapshot: { snapshotId: 1234n } })).toThrow(/Cannot find snapshot with id 1234/)
  })
})

describe('bad input on real tables', () => {
  const t = find('iceberg/lineitem_iceberg')

  async function withIO(opts: Parameters<typeof damaged>[1]): Promise<Table> {
    const base = await openCorpusTable(t)
    return new Table(defaultEnv(damaged(base.env.io, opts)), base.state)
  }

  it('a missing manifest list is NOT_FOUND naming it', async () => {
    const table = await withIO({ missing: (p) => /snap-.*\.avro$/.test(p) })
    await expect(table.scan().planFiles()).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/snap-.*\.avro/) })
  })

  it('a missing manifest is NOT_FOUND naming it', async () => {
    const table = await withIO({ missing: (p) => /-m\d+\.avro$/.test(p) })
    await expect(table.scan().planFiles()).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/-m\d+\.avro/) })
  })

  it('a missing data file fails the read (no partial result) naming it', async () => {
    const table = await withIO({ missing: (p) => p.endsWith('.parquet') })
    const rows: unknown[] = []
    let err: unknown
    try {
      for await (const r of table.scan().rows()) rows.push(r)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FloeError)
    expect((err as FloeError).code).toBe('NOT_FOUND')
    expect((err as FloeError).message).toMatch(/\.parquet/)
    expect(rows).toEqual([])
  })

  it('a corrupt Parquet footer is INVALID_PARQUET naming the file', async () => {
    const table = await withIO({ corrupt: (p) => p.endsWith('.parquet') })
    let err: unknown
    try {
      await table.scan().toArray()
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FloeError)
    expect(['INVALID_PARQUET', 'INVALID_DATA']).toContain((err as FloeError).code)
    expect((err as FloeError).message).toMatch(/\.parquet/)
  })

  it('a corrupt manifest is INVALID_AVRO naming it', async () => {
    const table = await withIO({ corrupt: (p) => /-m\d+\.avro$/.test(p) })
    await expect(table.scan().planFiles()).rejects.toMatchObject({ code: 'INVALID_AVRO', message: expect.stringMatching(/-m\d+\.avro/) })
  })

  it('an aborted scan stops with ABORTED', async () => {
    const table = await openCorpusTable(t)
    const ac = new AbortController()
    const rows: unknown[] = []
    let err: unknown
    try {
      for await (const r of table.scan().rows(ac.signal)) {
        rows.push(r)
        if (rows.length === 10) ac.abort()
      }
    } catch (e) {
      err = e
    }
    expect((err as FloeError).code).toBe('ABORTED')
    expect(rows.length).toBeLessThan(51793)
  })
})
