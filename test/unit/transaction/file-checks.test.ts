// The data and delete file descriptions a commit adds are checked as Java's DataFiles/FileMetadata builders and
// the spec's manifest field rules require, in every operation that adds files, before anything is read or
// written: INVALID_ARGUMENT naming the file and the field, never retried, nothing committed.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { FloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import type { Transaction } from '../../../src/transaction/transaction.js'
import { checkAddedDataFile, checkAddedDeleteFile } from '../../../src/transaction/file-checks.js'
import { SCHEMA, SPEC, df, dv, eqDel, posDel } from './ops-fixtures.js'

/** The FloeError `f` throws (fails the test when it returns). */
function thrown(f: () => unknown): FloeError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError)
    return e as FloeError
  }
  return expect.fail('expected the check to refuse the file')
}

// ---- the checks themselves: every valid description passes, every single corruption is refused by field

type Kind = 'data' | 'dv' | 'pos' | 'eq'
const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined })

const validFile = (kind: Kind): fc.Arbitrary<DataFile> =>
  fc
    .record({
      n: fc.integer({ min: 0, max: 999 }),
      records: fc.bigInt({ min: 0n, max: 1n << 40n }),
      size: fc.bigInt({ min: 0n, max: 1n << 40n }),
      format: fc.constantFrom<'PARQUET' | 'AVRO' | 'ORC'>('PARQUET', 'AVRO', 'ORC'),
      sortOrderId: optional(fc.integer({ min: 0, max: 5 })),
      offset: fc.bigInt({ min: 4n, max: 1n << 30n }),
      length: fc.bigInt({ min: 1n, max: 1n << 30n }),
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 4 }),
      emptyIds: fc.boolean(),
    })
    .map((r): DataFile => {
      const base = { filePath: `s3://b/t/${kind}-${r.n}`, specId: 0, partition: [r.n % 3], recordCount: r.records, fileSizeInBytes: r.size }
      switch (kind) {
        case 'data':
          return { ...base, content: 'data', fileFormat: r.format, ...(r.sortOrderId === undefined ? {} : { sortOrderId: r.sortOrderId }), ...(r.emptyIds ? { equalityIds: [] } : {}) }
        case 'dv':
          return { ...base, content: 'position-deletes', fileFormat: 'PUFFIN', referencedDataFile: `s3://b/t/data-${r.n}`, contentOffset: r.offset, contentSizeInBytes: r.length }
        case 'pos':
          return { ...base, content: 'position-deletes', fileFormat: r.format, ...(r.n % 2 ? { referencedDataFile: `s3://b/t/data-${r.n}` } : {}) }
        case 'eq':
          return { ...base, content: 'equality-deletes', fileFormat: r.format, equalityIds: r.ids, ...(r.sortOrderId === undefined ? {} : { sortOrderId: r.sortOrderId }) }
      }
    })

/** A corruption of one field and the field name the refusal must carry. */
type Corruption = readonly [field: string, change: (f: DataFile) => DataFile]
const drop = (f: DataFile, k: keyof DataFile): DataFile => {
  const { [k]: _gone, ...rest } = f
  return rest as DataFile
}
const counts: Corruption[] = [
  ['record_count', (f) => ({ ...f, recordCount: -1n - f.recordCount })],
  ['file_size_in_bytes', (f) => ({ ...f, fileSizeInBytes: -1n - f.fileSizeInBytes })],
]
const corruptions: Record<Kind, Corruption[]> = {
  data: [
    ...counts,
    ['file_format', (f) => ({ ...f, fileFormat: 'PUFFIN' })],
    ['equality_ids', (f) => ({ ...f, equalityIds: [1] })],
    ['referenced_data_file', (f) => ({ ...f, referencedDataFile: 's3://b/t/other' })],
    ['content_offset', (f) => ({ ...f, contentOffset: 4n })],
    ['content_size_in_bytes', (f) => ({ ...f, contentSizeInBytes: 10n })],
  ],
  dv: [
    ...counts,
    ['content_offset', (f) => drop(f, 'contentOffset')],
    ['content_size_in_bytes', (f) => drop(f, 'contentSizeInBytes')],
    ['referenced_data_file', (f) => drop(f, 'referencedDataFile')],
    ['sort_order_id', (f) => ({ ...f, sortOrderId: 0 })],
    ['content', (f) => ({ ...f, content: 'equality-deletes', equalityIds: [1] })],
  ],
  pos: [
    ...counts,
    ['content_offset', (f) => ({ ...f, contentOffset: 4n, contentSizeInBytes: 10n })],
    ['content_size_in_bytes', (f) => ({ ...f, contentSizeInBytes: 10n })],
    ['sort_order_id', (f) => ({ ...f, sortOrderId: 0 })],
  ],
  eq: [
    ...counts,
    ['equality_ids', (f) => drop(f, 'equalityIds')],
    ['equality_ids', (f) => ({ ...f, equalityIds: [] })],
    ['content_offset', (f) => ({ ...f, contentOffset: 4n })],
  ],
}

describe('added file descriptions: the checks', () => {
  for (const kind of ['data', 'dv', 'pos', 'eq'] as const) {
    const check = kind === 'data' ? checkAddedDataFile : checkAddedDeleteFile
    it(`every valid ${kind} description passes; each single corruption is INVALID_ARGUMENT naming the file and that field`, () => {
      fc.assert(
        fc.property(validFile(kind), fc.nat(), (f, pick) => {
          check(f)
          const [field, change] = corruptions[kind][pick % corruptions[kind].length]!
          const e = thrown(() => check(change(f)))
          expect(e.code).toBe('INVALID_ARGUMENT')
          expect(e.context).toEqual({ file: f.filePath, field })
          expect(e.message).toContain(f.filePath)
          expect(e.message).toContain(field)
        }),
        { numRuns: 200 },
      )
    })
  }

  it('a file of the wrong content kind is refused by field content', () => {
    expect(thrown(() => checkAddedDataFile(eqDel('/e.parquet'))).context).toEqual({ file: '/e.parquet', field: 'content' })
    expect(thrown(() => checkAddedDeleteFile(df('/d.parquet'))).context).toEqual({ file: '/d.parquet', field: 'content' })
  })
})

// ---- every operation that adds files: refused at commit, before anything is written

async function table(formatVersion: FormatVersion): Promise<{ t: Table; io: MemoryFileIO }> {
  const io = new MemoryFileIO()
  const cat = new MemoryCatalog(testEnv(io, 11))
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  return { t: await t.append([df('/d/a.parquet', 1)]), io }
}

interface Case {
  readonly name: string
  readonly v: FormatVersion
  /** The valid file, and the operation adding it. */
  readonly file: DataFile
  readonly op: (tx: Transaction, f: DataFile) => Transaction
  readonly field: string
  readonly corrupt: (f: DataFile) => DataFile
}

const cases: Case[] = [
  { name: 'fast append: negative record_count', v: 2, file: df('/d/n.parquet'), op: (tx, f) => tx.append([f]), field: 'record_count', corrupt: (f) => ({ ...f, recordCount: -1n }) },
  { name: 'merge append: a PUFFIN data file', v: 2, file: df('/d/n.parquet'), op: (tx, f) => tx.append([f], { merge: true }), field: 'file_format', corrupt: (f) => ({ ...f, fileFormat: 'PUFFIN' }) },
  { name: 'overwrite: a data file with content_offset', v: 3, file: df('/d/n.parquet'), op: (tx, f) => tx.overwrite({ addFiles: [f] }), field: 'content_offset', corrupt: (f) => ({ ...f, contentOffset: 4n }) },
  { name: 'overwrite: a delete file as a data file', v: 2, file: df('/d/n.parquet'), op: (tx, f) => tx.overwrite({ addFiles: [f] }), field: 'content', corrupt: () => eqDel('/d/n.parquet') },
  { name: 'replace partitions: a data file with equality_ids', v: 2, file: df('/d/n.parquet'), op: (tx, f) => tx.replacePartitions([f]), field: 'equality_ids', corrupt: (f) => ({ ...f, equalityIds: [1] }) },
  { name: 'row delta: a data file with referenced_data_file', v: 2, file: df('/d/n.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [], addData: [f] }), field: 'referenced_data_file', corrupt: (f) => ({ ...f, referencedDataFile: '/d/a.parquet' }) },
  { name: 'row delta: an equality delete without equality_ids', v: 2, file: eqDel('/del/e.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'equality_ids', corrupt: (f) => drop(f, 'equalityIds') },
  { name: 'row delta: an equality delete with empty equality_ids', v: 3, file: eqDel('/del/e.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'equality_ids', corrupt: (f) => ({ ...f, equalityIds: [] }) },
  { name: 'row delta: a position delete file with sort_order_id', v: 2, file: posDel('/del/p.parquet', '/d/a.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'sort_order_id', corrupt: (f) => ({ ...f, sortOrderId: 0 }) },
  { name: 'row delta: a DV without content_offset', v: 3, file: dv('/del/x.puffin', '/d/a.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'content_offset', corrupt: (f) => drop(f, 'contentOffset') },
  { name: 'row delta: a DV with sort_order_id', v: 3, file: dv('/del/x.puffin', '/d/a.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'sort_order_id', corrupt: (f) => ({ ...f, sortOrderId: 0 }) },
  { name: 'row delta: a DV with negative file_size_in_bytes', v: 3, file: dv('/del/x.puffin', '/d/a.parquet'), op: (tx, f) => tx.rowDelta({ addDeletes: [f] }), field: 'file_size_in_bytes', corrupt: (f) => ({ ...f, fileSizeInBytes: -5n }) },
  {
    name: 'rewrite: a data file with negative file_size_in_bytes',
    v: 2,
    file: df('/d/n.parquet'),
    op: (tx, f) => tx.rewrite({ removeData: [df('/d/a.parquet')], addData: [f] }),
    field: 'file_size_in_bytes',
    corrupt: (f) => ({ ...f, fileSizeInBytes: -1n }),
  },
]

describe('added file descriptions: every operation that adds files', () => {
  for (const c of cases) {
    it(`${c.name} (v${c.v}): INVALID_ARGUMENT before anything is written; the valid file commits`, async () => {
      const { t, io } = await table(c.v)
      const bad = c.corrupt(c.file)
      let writes = 0
      io.beforeOp = (op) => void (op === 'write' && writes++)
      const e = await c
        .op(t.transaction(), bad)
        .commit()
        .then(
          () => expect.fail('expected the commit to be refused'),
          (x: unknown) => x as FloeError,
        )
      io.beforeOp = undefined
      expect(e).toBeInstanceOf(FloeError)
      expect(e.code).toBe('INVALID_ARGUMENT')
      expect(e.retryable).toBe(false)
      expect(e.context).toEqual({ file: bad.filePath, field: c.field })
      expect(e.message).toContain(bad.filePath)
      expect(writes).toBe(0)
      expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
      // the same operation with the uncorrupted file commits
      const t2 = await c.op(t.transaction(), c.file).commit()
      expect(t2.currentSnapshot()!.snapshotId).not.toBe(t.currentSnapshot()!.snapshotId)
    })
  }

  it('rewrite: a DV kept at its data sequence number without content_size_in_bytes (v3)', async () => {
    const { t } = await table(3)
    const old = dv('/del/old.puffin', '/d/a.parquet')
    const t1 = await t.transaction().rowDelta({ addDeletes: [old] }).commit()
    const seq = t1.currentSnapshot()!.sequenceNumber
    const bad = drop(dv('/del/new.puffin', '/d/a.parquet'), 'contentSizeInBytes')
    const e = await t1
      .transaction()
      .rewrite({ removeData: [], addData: [], removeDeletes: [old], addDeletes: [{ file: bad, dataSequenceNumber: seq }] })
      .commit()
      .then(
        () => expect.fail('expected the commit to be refused'),
        (x: unknown) => x as FloeError,
      )
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.context).toEqual({ file: '/del/new.puffin', field: 'content_size_in_bytes' })
    const ok = await t1
      .transaction()
      .rewrite({ removeData: [], addData: [], removeDeletes: [old], addDeletes: [{ file: dv('/del/new.puffin', '/d/a.parquet'), dataSequenceNumber: seq }] })
      .commit()
    expect(ok.currentSnapshot()!.summary.operation).toBe('replace')
  })

  it('v3 still refuses a new position delete file that is not a DV (format rule, unchanged)', async () => {
    const { t } = await table(3)
    const e = await t
      .transaction()
      .rowDelta({ addDeletes: [posDel('/del/p.parquet', '/d/a.parquet')] })
      .commit()
      .then(
        () => expect.fail('expected the commit to be refused'),
        (x: unknown) => x as FloeError,
      )
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.message).toMatch(/Must use DVs for position deletes in v3/)
    expect(e.context).toEqual({ file: '/del/p.parquet', field: 'file_format' })
  })
})
