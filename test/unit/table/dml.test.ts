// Row-level writes end to end on real Parquet: append, delete (copy-on-write, merge-on-read v2 and v3), overwrite.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { Transforms } from '../../../src/spec/transform.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string), field(3, 'ts', T.timestamptz)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'cat', transform: Transforms.identity }] }
const DAY = 86_400_000_000n
const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), cat: ['a', 'b', 'c'][(from + i) % 3]!, ts: BigInt(from + i) * DAY - 5n * DAY }))

async function table(formatVersion: FormatVersion, props: Record<string, string> = {}): Promise<Table> {
  const c = makeCatalog('filesystem')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion, properties: props })
}
const ids = async (t: Table): Promise<bigint[]> => (await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))
const range = (a: number, b: number): bigint[] => Array.from({ length: b - a }, (_, i) => BigInt(a + i))

describe.each([2, 3] as const)('row-level writes on a v%i table', (v) => {
  it('appends rows routed by the hidden partition and reads them back exactly', async () => {
    const t = await (await table(v)).appendRows(rows(30))
    const got = await t.scan().toArray()
    expect(got).toHaveLength(30)
    expect(got.find((r) => r.id === 4n)).toEqual({ id: 4n, cat: 'b', ts: -1n * DAY })
    const files = await t.scan().planFiles()
    expect(new Set(files.map((f) => f.file.partition[0]))).toEqual(new Set(['a', 'b', 'c']))
    expect(files.every((f) => f.file.filePath.includes(`/data/cat=${String(f.file.partition[0])}/`))).toBe(true)
  })

  it('deletes copy-on-write: whole partitions by metadata, partial files rewritten', async () => {
    let t = await (await table(v)).appendRows(rows(30))
    t = await t.deleteRows("cat = 'a'", { mode: 'copy-on-write' })
    expect(t.currentSnapshot()!.summary.operation).toBe('delete')
    t = await t.deleteRows('id < 10', { mode: 'copy-on-write' })
    expect(t.currentSnapshot()!.summary.operation).toBe('overwrite')
    expect(await ids(t)).toEqual(range(10, 30).filter((x) => x % 3n !== 0n))
    expect((await t.scan().planFiles()).every((f) => f.deletes.length === 0)).toBe(true)
  })

  it('deletes merge-on-read with delete files (position deletes in v2, deletion vectors in v3)', async () => {
    let t = await (await table(v)).appendRows(rows(30))
    t = await t.deleteRows('id < 10', { mode: 'merge-on-read' })
    t = await t.deleteRows('id >= 25', { mode: 'merge-on-read' })
    expect(await ids(t)).toEqual(range(10, 25))
    const tasks = await t.scan().planFiles()
    const deletes = tasks.flatMap((x) => x.deletes)
    expect(deletes.length).toBeGreaterThan(0)
    if (v === 3) {
      expect(deletes.every((d) => d.fileFormat === 'PUFFIN')).toBe(true)
      // named as Spark's delta writer names DV files, in the data folder
      for (const d of deletes) expect(d.filePath).toMatch(/\/data\/00000-0-[0-9a-f-]{36}-00001-deletes\.puffin$/)
      // at most one DV per data file: the second delete absorbed the first
      for (const x of tasks) expect(x.deletes.length).toBeLessThanOrEqual(1)
    } else expect(deletes.every((d) => d.fileFormat === 'PARQUET' && d.referencedDataFile === tasks.find((x) => x.deletes.includes(d))!.file.filePath)).toBe(true)
    // time travel still sees the deleted rows
    const first = t.metadata.snapshots[0]!.snapshotId
    expect((await t.scan({ snapshot: { snapshotId: first } }).toArray()).length).toBe(30)
  })

  it('removing a data file also removes its deletion vector (v3), as Java does; v2 position deletes stay', async () => {
    let t = await (await table(v)).appendRows(rows(30))
    t = await t.deleteRows('id < 4', { mode: 'merge-on-read' })
    const before = Number(t.currentSnapshot()!.summary['total-delete-files'])
    expect(before).toBeGreaterThan(0)
    t = await t.deleteRows("cat = 'a' or cat = 'b' or cat = 'c'", { mode: 'copy-on-write' }) // every data file goes
    const s = t.currentSnapshot()!.summary
    expect(s['total-data-files']).toBe('0')
    expect(await ids(t)).toEqual([])
    if (v === 3) {
      expect(s['total-delete-files']).toBe('0')
      expect(s['removed-delete-files']).toBe(String(before))
    } else expect(s['total-delete-files']).toBe(String(before))
  })

  it('overwrites by filter and by partition', async () => {
    let t = await (await table(v)).appendRows(rows(12))
    t = await t.overwriteRows([{ id: 100n, cat: 'a', ts: 0n }], "cat = 'a'")
    expect(await ids(t)).toEqual([...range(0, 12).filter((x) => x % 3n !== 0n), 100n])
    t = await t.overwritePartitions([{ id: 200n, cat: 'b', ts: 0n }])
    expect(await ids(t)).toEqual([...range(0, 12).filter((x) => x % 3n === 2n), 100n, 200n])
    expect(t.currentSnapshot()!.summary['replace-partitions']).toBe('true')
  })

  it('rejects a bad row naming the row and column, and commits nothing', async () => {
    const t = await (await table(v)).appendRows(rows(3))
    await expect(t.appendRows([{ id: 1n, cat: 'a', ts: 0n }, { id: 'x', cat: 'a', ts: 0n }], { source: 'input.jsonl' })).rejects.toMatchObject({
      code: 'INVALID_DATA',
      message: expect.stringMatching(/input\.jsonl.*row 2.*id|row 2.*id.*input\.jsonl/),
    })
    expect((await t.refresh()).metadataLocation).toBe(t.metadataLocation)
  })
})
