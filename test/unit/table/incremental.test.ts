// Incremental append scans against Java's BaseIncrementalScan rules: exclusive starts may be expired but must be
// the parent of an ancestor of the end, inclusive starts must be ancestors, and only `append` snapshots count.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { IncrementalAppendScan, type IncrementalOptions } from '../../../src/table/incremental.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

async function emptyTable(): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, formatVersion: 2 })
}

/** `n` table versions, each appending the row `id = i` (i = 1..n); returns the table and the snapshot ids. */
async function appends(n: number): Promise<{ t: Table; ids: bigint[] }> {
  let t = await emptyTable()
  const ids: bigint[] = []
  for (let i = 1; i <= n; i++) {
    t = await t.appendRows([{ id: BigInt(i) }])
    ids.push(t.currentSnapshot()!.snapshotId)
  }
  return { t, ids }
}

const read = async (scan: IncrementalAppendScan): Promise<bigint[]> => {
  const out: bigint[] = []
  for await (const r of scan.rows()) out.push(r.id as bigint)
  return out.sort((a, b) => (a < b ? -1 : 1))
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError)
    return (e as FloeError).code
  }
  return undefined
}

describe('incremental append scan', () => {
  let t: Table
  let ids: bigint[]
  beforeAll(async () => {
    ;({ t, ids } = await appends(4))
  })

  it('reads what appends added after an exclusive start, up to the end', async () => {
    expect(await read(t.incrementalAppendScan({ fromSnapshotId: ids[0]! }))).toEqual([2n, 3n, 4n])
    expect(await read(t.incrementalAppendScan({ fromSnapshotId: ids[0]!, toSnapshotId: ids[2]! }))).toEqual([2n, 3n])
    expect(await read(t.incrementalAppendScan({}))).toEqual([1n, 2n, 3n, 4n])
  })

  it('accepts an expired exclusive start when an ancestor of the end has it as parent', async () => {
    const metadata = applyUpdates(t.metadata, [{ action: 'remove-snapshots', snapshotIds: [ids[0]!] }], 0n)
    const scan = new IncrementalAppendScan(t.env, { metadata, metadataLocation: t.metadataLocation }, { fromSnapshotId: ids[0]! })
    expect(scan.snapshots().map((s) => s.snapshotId)).toEqual(ids.slice(1))
    expect(await read(scan)).toEqual([2n, 3n, 4n])
    // an id that is nobody's parent is still refused
    const stranger = new IncrementalAppendScan(t.env, { metadata, metadataLocation: t.metadataLocation }, { fromSnapshotId: 42n })
    expect(codeOf(() => stranger.snapshots())).toBe('INVALID_ARGUMENT')
  })

  it('refuses an exclusive start equal to the end, as Java does', () => {
    const scan = t.incrementalAppendScan({ fromSnapshotId: ids[2]!, toSnapshotId: ids[2]! })
    expect(() => scan.snapshots()).toThrow(/Starting snapshot \(exclusive\) .* is not a parent ancestor of end snapshot/)
    expect(codeOf(() => scan.snapshots())).toBe('INVALID_ARGUMENT')
  })

  it('reads the appends of an inclusive start too, and requires it to be an ancestor of the end', async () => {
    expect(await read(t.incrementalAppendScan({ fromSnapshotId: ids[1]!, fromSnapshotInclusive: true }))).toEqual([2n, 3n, 4n])
    expect(await read(t.incrementalAppendScan({ fromSnapshotId: ids[0]!, fromSnapshotInclusive: true }))).toEqual([1n, 2n, 3n, 4n])
    expect(await read(t.incrementalAppendScan({ fromSnapshotId: ids[2]!, toSnapshotId: ids[2]!, fromSnapshotInclusive: true }))).toEqual([3n])
    const later = t.incrementalAppendScan({ fromSnapshotId: ids[3]!, toSnapshotId: ids[1]!, fromSnapshotInclusive: true })
    expect(() => later.snapshots()).toThrow(/Starting snapshot \(inclusive\) .* is not an ancestor of end snapshot/)
    // an inclusive start must exist (an expired one cannot be read)
    const metadata = applyUpdates(t.metadata, [{ action: 'remove-snapshots', snapshotIds: [ids[0]!] }], 0n)
    const expired = new IncrementalAppendScan(t.env, { metadata, metadataLocation: t.metadataLocation }, { fromSnapshotId: ids[0]!, fromSnapshotInclusive: true })
    expect(codeOf(() => expired.snapshots())).toBe('NOT_FOUND')
  })

  it('skips snapshots that are not appends', async () => {
    const d = await t.deleteRows('id = 1', { mode: 'copy-on-write' })
    const e = await d.appendRows([{ id: 5n }])
    expect(await read(e.incrementalAppendScan({ fromSnapshotId: ids[3]! }))).toEqual([5n])
    expect(e.incrementalAppendScan({ fromSnapshotId: ids[3]! }).snapshots()).toHaveLength(1)
  })

  it('refuses a start on an empty table, and an unknown end', async () => {
    const empty = await emptyTable()
    expect(empty.incrementalAppendScan({}).snapshots()).toEqual([])
    expect(codeOf(() => empty.incrementalAppendScan({ fromSnapshotId: 1n }).snapshots())).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => t.incrementalAppendScan({ toSnapshotId: 42n }).snapshots())).toBe('NOT_FOUND')
  })

  it('reads exactly the appends of the window for every start, end and inclusiveness (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), async (i, j, inclusive) => {
        const opts: IncrementalOptions = { fromSnapshotId: ids[i]!, toSnapshotId: ids[j]!, ...(inclusive ? { fromSnapshotInclusive: true } : {}) }
        const scan = t.incrementalAppendScan(opts)
        const first = inclusive ? i : i + 1 // index of the first snapshot read
        if (first > j) {
          expect(codeOf(() => scan.snapshots())).toBe('INVALID_ARGUMENT')
          return
        }
        const want = Array.from({ length: j - first + 1 }, (_, k) => BigInt(first + k + 1))
        expect(await read(scan)).toEqual(want)
      }),
      { numRuns: 40 },
    )
  })
})
