// Row-level delete semantics: SQL three-valued logic (rows where the filter is unknown are kept, as Spark
// and PyIceberg keep them), copy-on-write leaves files without matching rows alone, modes and isolation
// levels are case-insensitive and checked, and a v3 deletion vector replaces only file-scoped deletes.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { writePositionDeletes } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)])

async function table(formatVersion: FormatVersion, properties: Record<string, string> = {}): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, formatVersion, properties })
}
const ids = async (t: Table): Promise<number[]> => (await t.scan().toArray()).map((r) => Number(r.id)).sort((a, b) => a - b)
const ROWS = [
  { id: 1n, s: 'a' },
  { id: 2n, s: 'b' },
  { id: 3n, s: null },
]

describe.each(['copy-on-write', 'merge-on-read'] as const)('deleteRows keeps rows where the filter is unknown (%s)', (mode) => {
  for (const filter of ["s != 'a'", "not (s = 'a')", "s not in ('a')", "not (s like 'a%')"])
    it(`${filter} deletes only the non-null non-matching rows`, async () => {
      const t = await (await (await table(2)).appendRows(ROWS)).deleteRows(filter, { mode })
      expect(await ids(t)).toEqual([1, 3])
    })

  it('s is null still deletes the null row', async () => {
    const t = await (await (await table(2)).appendRows(ROWS)).deleteRows('s is null', { mode })
    expect(await ids(t)).toEqual([1, 2])
  })
})

describe('copy-on-write', () => {
  it('commits nothing when no row of a candidate file matches', async () => {
    const t = await (await table(2)).appendRows([{ id: 1n, s: 'a' }, { id: 2n, s: 'b' }, { id: 4n, s: 'd' }])
    // id = 3 is inside the file's bounds, so the file is a candidate, but no row matches
    const after = await t.deleteRows('id = 3', { mode: 'copy-on-write' })
    expect(after.currentSnapshot()!.snapshotId).toBe(t.currentSnapshot()!.snapshotId)
  })
})

describe('modes and isolation levels', () => {
  it('reads write.delete.mode case-insensitively and refuses unknown modes', async () => {
    const t = await (await table(2, { 'write.delete.mode': 'MERGE-ON-READ' })).appendRows(ROWS)
    const after = await t.deleteRows('id = 1')
    expect(Number(after.currentSnapshot()!.summary['added-position-deletes'])).toBe(1)
    const bad = await (await table(2, { 'write.delete.mode': 'merge-on-write' })).appendRows(ROWS)
    await expect(bad.deleteRows('id = 1')).rejects.toSatisfy((e: unknown) => isFloeError(e, 'INVALID_ARGUMENT'))
  })

  it('honours SERIALIZABLE in any case and refuses unknown isolation levels', async () => {
    const t = await (await table(2, { 'write.delete.isolation-level': 'SERIALIZABLE' })).appendRows(ROWS)
    // a concurrent append of a matching row after the delete read its snapshot
    await t.appendRows([{ id: 5n, s: 'b' }])
    await expect(t.deleteRows("s = 'b'", { mode: 'copy-on-write' })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'VALIDATION'))
    const bad = await (await table(2, { 'write.delete.isolation-level': 'serialisable' })).appendRows(ROWS)
    await expect(bad.deleteRows('id = 1')).rejects.toSatisfy((e: unknown) => isFloeError(e, 'INVALID_ARGUMENT'))
  })
})

describe('v3 deletion vectors after an upgrade', () => {
  it('keep a position delete file that also covers other data files', async () => {
    let t = await table(2)
    t = await t.appendRows([0n, 1n, 2n].map((id) => ({ id, s: 'x' })))
    t = await t.appendRows([10n, 11n, 12n].map((id) => ({ id, s: 'y' })))
    const a = (await t.scan({ filter: 'id < 5' }).planFiles())[0]!.file
    const b = (await t.scan({ filter: 'id >= 10' }).planFiles())[0]!.file
    const shared = await writePositionDeletes(t.env, { metadata: t.metadata }, [
      { filePath: a.filePath, pos: 0 },
      { filePath: b.filePath, pos: 0 },
    ])
    expect(shared.referencedDataFile).toBeUndefined()
    t = await t.transaction().rowDelta({ addDeletes: [shared] }).commit()
    t = await t
      .transaction()
      .add({ kind: 'upgrade', apply: async () => ({ updates: [{ action: 'upgrade-format-version', formatVersion: 3 }], requirements: [] }) } as never)
      .commit()
    expect(t.metadata.formatVersion).toBe(3)
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    expect(await ids(t)).toEqual([2, 11, 12])
  })
})
