// End to end: a table with write.format.default=avro writes every new data file (appends, copy-on-write
// rewrites, overwrites) and every v2 position-delete file as Avro (`.avro`, AVRO in the manifests), reads
// them back exactly, time-travels, keeps v3 row lineage through rewrites, and refuses bad format or codec
// properties with typed errors naming the property.
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { readOcfHeader } from '../../../src/spec/avro/ocf.js'
import { schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'cat', T.string),
  field(3, 'ts', T.timestamptz),
  field(4, 'amount', T.decimal(12, 2)),
  field(5, 'tags', T.list(6, T.string)),
  field(7, 'attrs', T.map(8, T.int, 9, T.string)),
])
const SPEC = {
  specId: 0,
  fields: [
    { sourceId: 2, fieldId: 1000, name: 'cat', transform: Transforms.identity },
    { sourceId: 3, fieldId: 1001, name: 'ts_day', transform: Transforms.day },
  ],
}
const DAY = 86_400_000_000n
const rows = (n: number, from = 0): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k
    return {
      id: BigInt(i),
      cat: i % 5 === 0 ? null : ['a', 'b', 'c'][i % 3]!,
      ts: BigInt((i % 4) - 2) * DAY + BigInt(i), // days before and after 1970
      amount: BigInt(i * 101 - 3000),
      tags: i % 2 ? [`t${i}`, null] : [],
      attrs: new Map(i % 3 ? [[i, `v${i}`], [-i, null]] : []),
    }
  })

async function table(v: FormatVersion, props: Record<string, string> = {}): Promise<{ t: Table; reload: () => Promise<Table> }> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  const t = await c.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion: v, properties: { 'write.format.default': 'avro', ...props } })
  return { t, reload: () => c.loadTable('db.t') }
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number => ((a.id as bigint) < (b.id as bigint) ? -1 : 1)
const sorted = (rs: Record<string, unknown>[]): Record<string, unknown>[] => [...rs].sort(byId)

async function expectAvroFiles(t: Table): Promise<void> {
  const tasks = await t.scan().planFiles()
  for (const x of tasks) {
    expect(x.file.fileFormat).toBe('AVRO')
    expect(x.file.filePath).toMatch(/\.avro$/)
    // Java's Avro appender reports no column metrics and no split offsets
    expect(x.file.lowerBounds ?? new Map()).toEqual(new Map())
    expect(x.file.valueCounts ?? new Map()).toEqual(new Map())
    expect(x.file.splitOffsets).toBeUndefined()
    const bytes = await t.env.io.read(x.file.filePath)
    expect(readOcfHeader(bytes).metadata.has('iceberg.schema')).toBe(true)
    for (const d of x.deletes.filter((y) => y.fileFormat !== 'PUFFIN')) {
      expect(d.fileFormat).toBe('AVRO')
      expect(d.filePath).toMatch(/-deletes\.avro$/)
    }
  }
}

describe('write.format.default=avro end to end', () => {
  it('append, copy-on-write delete, merge-on-read delete (v2) and time travel, rows exact', async () => {
    const { t: t0, reload } = await table(2, { 'write.avro.compression-codec': 'snappy' })
    const all = rows(60)
    let t = await t0.appendRows(all)
    const first = t.currentSnapshot()!.snapshotId
    await expectAvroFiles(t)
    expect(sorted(await t.scan().toArray())).toEqual(all)

    t = await t.deleteRows('id < 10', { mode: 'copy-on-write' })
    const afterCow = all.filter((r) => (r.id as bigint) >= 10n)
    expect(sorted(await t.scan().toArray())).toEqual(afterCow)
    await expectAvroFiles(t)
    expect((await t.scan().planFiles()).every((x) => x.deletes.length === 0)).toBe(true)

    t = await t.deleteRows('id >= 50 or amount = 2060', { mode: 'merge-on-read' })
    const afterMor = afterCow.filter((r) => (r.id as bigint) < 50n && r.amount !== 2060n)
    expect(sorted(await t.scan().toArray())).toEqual(afterMor)
    const tasks = await t.scan().planFiles()
    const deletes = tasks.flatMap((x) => x.deletes)
    expect(deletes.length).toBeGreaterThan(0)
    await expectAvroFiles(t)
    for (const d of deletes) expect(readOcfHeader(await t.env.io.read(d.filePath)).metadata.get('delete-type')).toBe('position')

    // a fresh load reads the manifests from storage: still AVRO, same rows; time travel sees every row
    const again = await reload()
    await expectAvroFiles(again)
    expect(sorted(await again.scan().toArray())).toEqual(afterMor)
    expect(sorted(await again.scan({ snapshot: { snapshotId: first } }).toArray())).toEqual(all)
    expect(sorted(await again.scan({ filter: "cat = 'b' and id > 20" }).toArray())).toEqual(afterMor.filter((r) => r.cat === 'b' && (r.id as bigint) > 20n))
  })

  it('overwrites and v3 copy-on-write rewrites keep row lineage in Avro files; v3 deletes are deletion vectors', async () => {
    const { t: t0 } = await table(3)
    let t = await t0.appendRows(rows(30))
    const lineage = async (x: Table): Promise<Map<bigint, unknown>> =>
      new Map((await x.scan({ select: ['id', '_row_id', '_last_updated_sequence_number'] }).toArray()).map((r) => [r.id as bigint, [r._row_id, r._last_updated_sequence_number]]))
    const before = await lineage(t)
    t = await t.deleteRows('id < 7', { mode: 'copy-on-write' })
    await expectAvroFiles(t)
    const after = await lineage(t)
    expect(after.size).toBe(23)
    for (const [id, l] of after) expect(l).toEqual(before.get(id))
    t = await t.deleteRows('id = 20', { mode: 'merge-on-read' })
    const dvs = (await t.scan().planFiles()).flatMap((x) => x.deletes)
    expect(dvs.map((d) => d.fileFormat)).toEqual(['PUFFIN'])
    t = await t.overwriteRows(rows(2, 100), 'id >= 25')
    await expectAvroFiles(t)
    expect((await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))).toEqual([...Array.from({ length: 18 }, (_, i) => BigInt(i + 7)).filter((i) => i !== 20n), 100n, 101n])
  })

  it('refuses columns whose Avro names collide after sanitising, storing and committing nothing (Java fails the write)', async () => {
    const io = new MemoryFileIO()
    const c = makeCatalog('memory', testEnv(io, 7))
    await c.createNamespace('db')
    const s = schema([field(1, 'id', T.long), field(2, '1x', T.int), field(3, '_1x', T.int), field(4, 'a-b', T.int), field(5, 'a_x2Db', T.string)])
    const t = await c.createTable('db.dup', { schema: s, formatVersion: 2, properties: { 'write.format.default': 'avro' } })
    const before = new Set(io.files.keys())
    await expect(t.appendRows([{ id: 1n, '1x': 1, _1x: 2, 'a-b': 3, a_x2Db: 'x' }])).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('columns 1x and _1x both become Avro field name _1x'),
    })
    expect([...io.files.keys()].filter((k) => !before.has(k))).toEqual([])
    expect((await c.loadTable('db.dup')).currentSnapshot()).toBeUndefined()
  })

  it('reads back a v3 table of only unknown columns with more than 1,000,000 rows in one block (every record 0 bytes)', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const n = 1_000_003
    let t = await c.createTable('db.u', { schema: schema([field(1, 'u', T.unknown)]), formatVersion: 3, properties: { 'write.format.default': 'avro' } })
    t = await t.appendRows((function* () {
      for (let i = 0; i < n; i++) yield { u: null }
    })())
    const [task] = await t.scan().planFiles()
    expect(task!.file.recordCount).toBe(BigInt(n))
    let count = 0
    let positions = 0n
    for await (const r of t.scan({ select: ['u', '_pos'] }).rows()) {
      if (r.u !== null || r._pos !== BigInt(count)) throw new Error(`row ${count}: ${String(r.u)} ${String(r._pos)}`)
      positions += r._pos as bigint
      count++
    }
    expect(count).toBe(n)
    expect(positions).toBe((BigInt(n) * BigInt(n - 1)) / 2n)
  }, 30_000)

  it('refuses bad format and codec properties with typed errors naming the property, committing nothing', async () => {
    for (const [props, code, key] of [
      [{ 'write.format.default': 'orc' }, 'UNSUPPORTED', 'write.format.default'],
      [{ 'write.format.default': 'avro2' }, 'INVALID_ARGUMENT', 'write.format.default'],
      [{ 'write.avro.compression-codec': 'none' }, 'INVALID_ARGUMENT', 'write.avro.compression-codec'],
      [{ 'write.avro.compression-codec': 'zstd', 'write.avro.compression-level': 'fast' }, 'INVALID_ARGUMENT', 'write.avro.compression-level'],
    ] as const) {
      const { t } = await table(2, props)
      await expect(t.appendRows(rows(3))).rejects.toMatchObject({ code, context: { field: key } })
      expect(t.currentSnapshot()).toBeUndefined()
    }
    // the delete format is checked when a merge-on-read delete writes its files
    const { t: t0 } = await table(2, { 'write.delete.format.default': 'orc' })
    const t = await t0.appendRows(rows(10))
    await expect(t.deleteRows('id = 1', { mode: 'merge-on-read' })).rejects.toMatchObject({ code: 'UNSUPPORTED', context: { field: 'write.delete.format.default' } })
  })
})
