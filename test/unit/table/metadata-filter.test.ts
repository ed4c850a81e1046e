// Filters on metadata columns: `_file` and `_spec_id` prune data files while planning (no file opened), and
// `_pos`, `_deleted` and the v3 lineage columns are tested per row; none has to be selected. A random
// property checks that pruning never drops a matching row.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import { evalRow } from '../../../src/expr/eval-row.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { exprToString } from '../../../src/expr/format.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { filterSchema } from '../../../src/table/metadata-filter.js'
import { tablePartitionType } from '../../../src/table/metadata-tables-partition.js'
import { Table } from '../../../src/table/table.js'
import type { TableState } from '../../../src/table/load.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'
import { floe } from '../../support/cli.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.string)])

/** Five files: spec 0 (identity p) gets 'a' and 'b' files, spec 1 (unpartitioned) gets three files. */
async function table(kind: 'memory' | 'filesystem' = 'memory', formatVersion = 2): Promise<Table> {
  const c = makeCatalog(kind)
  await c.createNamespace('db')
  let t = await c.createTable('db.t', {
    schema: SCHEMA,
    spec: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] },
    properties: { 'format-version': String(formatVersion) },
  })
  t = await t.appendRows([0, 1, 2, 3].map((i) => ({ id: BigInt(i), p: i < 2 ? 'a' : 'b' })))
  t = await t.transaction().updateSpec((u) => void u.removeField('p')).commit()
  for (const start of [10, 20, 30]) t = await t.appendRows([0, 1, 2].map((i) => ({ id: BigInt(start + i), p: 'c' })))
  return t
}

const ids = (rows: readonly Record<string, unknown>[]): bigint[] => rows.map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

describe('filters on metadata columns', () => {
  it('_file prunes to the named files without selecting the column', async () => {
    const t = await table()
    const all = await t.scan({ select: ['id', '_file'] }).toArray()
    const files = [...new Set(all.map((r) => r._file as string))]
    expect(files.length).toBe(5)
    const target = all.find((r) => r.id === 21n)!._file as string
    const scan = t.scan({ filter: `_file = '${target}'` })
    const tasks = await scan.planFiles()
    expect(tasks.map((x) => x.file.filePath)).toEqual([target])
    expect(scan.stats.dataFilesSkipped).toBe(4)
    const rows = await scan.toArray()
    expect(ids(rows)).toEqual([20n, 21n, 22n])
    // the metadata column is not added to the rows
    expect(Object.keys(rows[0]!)).toEqual(['id', 'p'])
    // negations and sets are exact too
    expect(ids(await t.scan({ filter: `not (_file = '${target}')` }).toArray())).toEqual(ids(all.filter((r) => r._file !== target)))
    expect((await t.scan({ filter: `_file in ('${files[0]}', '${files[1]}')` }).planFiles()).length).toBe(2)
  })

  it('_spec_id selects the files of one partition spec', async () => {
    const t = await table()
    const old = t.scan({ filter: '_spec_id = 0', select: ['id', '_spec_id'] })
    const rows = await old.toArray()
    expect(ids(rows)).toEqual([0n, 1n, 2n, 3n])
    expect(rows.every((r) => r._spec_id === 0)).toBe(true)
    expect((await old.planFiles()).every((x) => x.file.specId === 0)).toBe(true)
    expect(ids(await t.scan({ filter: "_spec_id = 1 and p = 'c' and id > 25" }).toArray())).toEqual([30n, 31n, 32n])
  })

  it('_partition filters decide each data file from its partition, across partition evolution', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA, spec: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] } })
    t = await t.appendRows([{ id: 1n, p: 'a' }, { id: 2n, p: 'b' }, { id: 3n, p: null }])
    t = await t.transaction().updateSpec((u) => void u.addField(Transforms.bucket(4), 'id', 'id_b')).commit()
    t = await t.appendRows([{ id: 4n, p: 'a' }, { id: 5n, p: 'c' }])
    const all = await t.scan({ select: ['id', '_partition'] }).toArray()
    const expectFilter = async (f: string, want: (part: Record<string, unknown>, id: bigint) => boolean, planned: number): Promise<void> => {
      const scan = t.scan({ filter: f })
      expect(ids(await scan.toArray()), f).toEqual(ids(all.filter((r) => want(r._partition as Record<string, unknown>, r.id as bigint))))
      expect((await scan.planFiles()).length, f).toBe(planned)
    }
    await expectFilter("_partition.p = 'a'", (p) => p.p === 'a', 2)
    await expectFilter('_partition.id_b is null', (p) => p.id_b === null, 3)
    await expectFilter('_partition.id_b >= 0', (p) => p.id_b !== null, 2)
    // mixed with a row-level predicate: the partition part is decided per file, the rest stays the residual
    await expectFilter("_partition.p = 'a' or id = 2", (p, id) => p.p === 'a' || id === 2n, 5)
    await expectFilter("_partition.p = 'b' and id > 1", (p, id) => p.p === 'b' && id > 1n, 1)
    // the tasks' residuals no longer name _partition
    for (const x of await t.scan({ filter: "_partition.p = 'a' or id = 2" }).planFiles()) expect(exprToString(x.residual)).not.toContain('_partition')
    // incremental scans take them too: what was appended after the first snapshot, in partition a
    const first = t.metadata.snapshots[0]!.snapshotId
    const got: Record<string, unknown>[] = []
    for await (const r of t.incrementalAppendScan({ fromSnapshotId: first, filter: parseFilter("_partition.p = 'a' or id = 5") }).rows()) got.push(r)
    expect(ids(got)).toEqual([4n, 5n])
    const incTasks = await t.incrementalAppendScan({ fromSnapshotId: first, filter: parseFilter("_partition.p = 'a'") }).planFiles()
    expect(incTasks.length).toBe(1)
  })

  it('build the table partition type only for a filter that names _partition (unknown transforms fail only then)', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long), field(2, '_Partition', T.string)]) })
    t = await t.appendRows([{ id: 1n, _Partition: 'a' }, { id: 2n, _Partition: 'b' }])
    // a second spec with a transform floe does not know (as another engine may write)
    const m = t.metadata
    const forged = { ...m, specs: [...m.specs, { specId: 1, fields: [{ sourceId: 1, fieldId: 1001, name: 'z', transform: { kind: 'unknown' as const, name: 'zorder' } }] }] }
    const u = new Table(t.env, { ...(t as unknown as { state: TableState }).state, metadata: forged })
    // case-sensitively `_Partition` is the table column: no partition type is needed
    expect(ids(await u.scan({ filter: "_Partition = 'a'" }).toArray())).toEqual([1n])
    expect(ids(await u.scan({ filter: 'id = 2' }).toArray())).toEqual([2n])
    // naming the metadata column needs the type, which the unknown transform prevents
    await expect(u.scan({ filter: "_partition.z = 1" }).planFiles()).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('_pos filters rows by their position in their file', async () => {
    const t = await table()
    const rows = await t.scan({ filter: '_pos = 0', select: ['id', '_pos'] }).toArray()
    expect(rows.every((r) => r._pos === 0n)).toBe(true)
    expect(ids(rows)).toEqual([0n, 2n, 10n, 20n, 30n])
  })

  for (const v of [2, 3]) {
    it(`_deleted = true lists exactly the deleted rows (v${v})`, async () => {
      let t = await table('memory', v)
      t = await t.deleteRows('id in (1, 3, 21)', { mode: 'merge-on-read' })
      expect(ids(await t.scan({ filter: '_deleted = true' }).toArray())).toEqual([1n, 3n, 21n])
      // files that no delete file touches hold no deleted row: planning leaves them out
      const all = await t.scan().planFiles()
      const touched = all.filter((x) => x.deletes.length > 0)
      expect(touched.length).toBeGreaterThan(0)
      expect(touched.length).toBeLessThan(all.length)
      const planned = await t.scan({ filter: '_deleted = true' }).planFiles()
      expect(planned.map((x) => x.file.filePath).sort()).toEqual(touched.map((x) => x.file.filePath).sort())
      expect(planned.every((x) => x.readsDeletedRows === true)).toBe(true)
      expect((await t.scan({ filter: '_deleted = false' }).planFiles()).length).toBe(all.length)
      expect(ids(await t.scan({ filter: '_deleted = false' }).toArray())).toEqual(ids(await t.scan().toArray()))
      expect(ids(await t.scan({ filter: "_deleted = true or p = 'a'" }).toArray())).toEqual([0n, 1n, 3n, 21n])
    })
  }

  it('_row_id filters with inherited lineage (v3)', async () => {
    const t = await table('memory', 3)
    const all = await t.scan({ select: ['id', '_row_id'] }).toArray()
    const pick = all.filter((r) => (r._row_id as bigint) % 2n === 0n).map((r) => r._row_id as bigint)
    const rows = await t.scan({ filter: `_row_id in (${pick.join(',')})`, select: ['id', '_row_id'] }).toArray()
    expect(rows.map((r) => r._row_id as bigint).sort()).toEqual([...pick].sort())
  })

  it('lineage filters ignore the stats files store under the lineage ids (null there means "inherit")', async () => {
    const env = testEnv(new MemoryFileIO(), 7)
    const c = new MemoryCatalog(env)
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true })]), properties: { 'format-version': '3' } })
    t = await t.appendRows([{ id: 100n }])
    // as a copy-on-write update writes: an unchanged row keeps its stored lineage, new rows store null and inherit
    const rows = [{ id: 100n, _row_id: 0n, _last_updated_sequence_number: 1n }, ...[0n, 1n, 2n].map((id) => ({ id, _row_id: null, _last_updated_sequence_number: null }))]
    const files = await writeDataFiles(env, { metadata: t.metadata }, rows, { rowLineage: true })
    t = await t.transaction().overwrite({ deleteFiles: (await t.scan().planFiles()).map((x) => x.file), addFiles: files }).commit()
    const all = await t.scan({ select: ['id', '_row_id', '_last_updated_sequence_number'] }).toArray()
    const bound = filterSchema(t.schema())
    for (const text of ['_row_id = 2', '_row_id > 0', '_last_updated_sequence_number = 2', 'not (_last_updated_sequence_number = 1)']) {
      const want = ids(all.filter((r) => evalRow(bound, bind(bound, parseFilter(text)), r)))
      expect(want.length, text).toBeGreaterThan(0)
      // with every stat decoded, as includeColumnStats and incremental scans do
      expect(ids(await t.scan({ filter: text }).toArray()), text).toEqual(want)
      expect(ids(await t.scan({ filter: text, includeColumnStats: true }).toArray()), text).toEqual(want)
    }
    let u = await c.createTable('db.u', { schema: schema([field(1, 'id', T.long, { required: true })]), properties: { 'format-version': '3' } })
    u = await u.append(await writeDataFiles(env, { metadata: u.metadata }, [0n, 1n].map((id) => ({ id, _row_id: null, _last_updated_sequence_number: null })), { rowLineage: true }))
    const got: Record<string, unknown>[] = []
    for await (const r of u.incrementalAppendScan({ filter: parseFilter('_last_updated_sequence_number = 1') }).rows()) got.push(r)
    expect(ids(got)).toEqual([0n, 1n])
  })

  it('ignoring case, a table column that differs only in case still wins over the metadata column', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, '_DELETED', T.boolean)]) })
    t = await t.appendRows([0, 1, 2].map((i) => ({ id: BigInt(i), _DELETED: i === 2 })))
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    for (const name of ['_deleted', '_Deleted', '_DELETED']) expect(ids(await t.scan({ caseSensitive: false, filter: `${name} = true` }).toArray()), name).toEqual([2n])
    // case-sensitively, `_deleted` is the metadata column and `_DELETED` the table column
    expect(ids(await t.scan({ filter: '_deleted = true' }).toArray())).toEqual([1n])
    expect(ids(await t.scan({ filter: '_DELETED = true' }).toArray())).toEqual([2n])
  })

  it('a table column with the same name wins, and a _partition field the table never had is refused', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, '_file', T.string), field(2, 'n', T.int)]) })
    t = await t.appendRows([{ _file: 'x', n: 1 }, { _file: 'y', n: 2 }])
    expect((await t.scan({ filter: "_file = 'x'" }).toArray()).map((r) => r.n)).toEqual([1])
    const e = await t.scan({ filter: "_partition.p = 'a'" }).planFiles().catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(String((e as Error).message)).toContain('_partition')
  })

  it('are refused by row-level deletes and overwrites, before anything is planned', async () => {
    const t = await table()
    for (const f of ["_file = 'nope'", '_pos = 0', '_deleted = true', "_partition.p = 'a'"]) {
      await expect(t.deleteRows(f), f).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('metadata column') })
      await expect(t.overwriteRows([], f), f).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('metadata column') })
    }
    // an unknown column is still reported as such
    await expect(t.deleteRows('nope = 1')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('nope') })
    expect(t.metadata.snapshots.length).toBe(4)
  })

  it('floe plan prints readsDeletedRows where deleted rows belong to the scan', async () => {
    let t = await table('filesystem')
    t = await t.deleteRows('id in (1, 2)', { mode: 'merge-on-read' })
    const res = await floe('plan', t.metadataLocation, '--filter', "_deleted = true or p = 'a'")
    expect(res.code).toBe(0)
    const tasks = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { readsDeletedRows?: boolean; residual: string; caseSensitive: boolean })
    expect(tasks.length).toBeGreaterThan(0)
    expect(tasks.every((x) => x.readsDeletedRows === true && x.caseSensitive === true)).toBe(true)
    // in partition a the residual is true, yet its deleted row 1 is read
    expect(tasks.some((x) => x.residual === 'true')).toBe(true)
    expect(ids(await t.scan({ filter: "_deleted = true or p = 'a'" }).toArray())).toEqual([0n, 1n, 2n])
    const plain = await floe('plan', t.metadataLocation)
    expect(plain.stdout.includes('readsDeletedRows')).toBe(false)
  })

  it('work in incremental append scans and in floe scan --filter', async () => {
    const t = await table('filesystem')
    const first = t.metadata.snapshots[0]!.snapshotId
    const inc = t.incrementalAppendScan({ fromSnapshotId: first, filter: parseFilter('_spec_id = 1 and _pos < 1') })
    const got: Record<string, unknown>[] = []
    for await (const r of inc.rows()) got.push(r)
    expect(ids(got)).toEqual([10n, 20n, 30n])
    const d = await t.deleteRows('id = 2', { mode: 'merge-on-read' })
    const res = await floe('scan', d.metadataLocation, '--filter', '_deleted = true')
    expect(res.stderr).toBe('')
    expect(JSON.parse(res.stdout)).toEqual({ id: 2, p: 'b' })
  })

  it('pruning by _file, _spec_id and _partition never drops a matching row; naming _deleted brings deleted rows in (random filters)', async () => {
    const t = await (await table()).deleteRows('id in (1, 11, 12, 30)', { mode: 'merge-on-read' })
    // every row, deleted ones included, with the columns the filters use
    const all = await t.scan({ select: ['id', 'p', '_file', '_spec_id', '_pos', '_deleted', '_partition'] }).toArray()
    expect(all.filter((r) => r._deleted).length).toBe(4)
    const files = [...new Set(all.map((r) => r._file as string))]
    const bound = filterSchema(t.schema(), true, tablePartitionType(t.metadata))
    const leaf = fc.oneof(
      fc.constantFrom(...files).map((f) => `_file = '${f}'`),
      fc.constantFrom(...files).map((f) => `_file != '${f}'`),
      fc.subarray(files, { minLength: 1 }).map((fs) => `_file in (${fs.map((f) => `'${f}'`).join(', ')})`),
      fc.constantFrom(0, 1).map((s) => `_spec_id = ${s}`),
      fc.constantFrom(0, 1).map((s) => `_spec_id >= ${s}`),
      fc.integer({ min: 0, max: 35 }).map((n) => `id < ${n}`),
      fc.constantFrom('a', 'b', 'c').map((p) => `p = '${p}'`),
      fc.integer({ min: 0, max: 3 }).map((n) => `_pos <= ${n}`),
      fc.boolean().map((b) => `_deleted = ${b}`),
      fc.constantFrom('a', 'b', 'c').map((p) => `_partition.p = '${p}'`),
      fc.constant('_partition.p is null'),
    )
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a} and ${b})`), fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a} or ${b})`), tie('e').map((a) => `not (${a})`)),
    })).e
    await fc.assert(
      fc.asyncProperty(expr, async (text) => {
        const universe = text.includes('_deleted') ? all : all.filter((r) => !r._deleted)
        const test = bind(bound, parseFilter(text))
        const want = universe.filter((r) => evalRow(bound, test, r))
        expect(ids(await t.scan({ filter: text }).toArray())).toEqual(ids(want))
      }),
      { numRuns: 80 },
    )
  })
})
