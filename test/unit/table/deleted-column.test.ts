// `_deleted` (Java MetadataColumns.IS_DELETED): selecting it keeps the rows that delete files delete, marked
// true, and marks every other row false; without it deleted rows are dropped. Checked on floe's own position
// deletes and deletion vectors (random delete sets), and on every corpus table with delete files.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { scanToArrowTable } from '../../../src/arrow/scan.js'
import { isFloeError } from '../../../src/errors.js'
import { IS_DELETED, metadataColumnById, metadataColumnIdByName } from '../../../src/spec/metadata-columns.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { stringifyJson } from '../../../src/spec/json/lossless.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'
import { floe } from '../../support/cli.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'cat', T.string)])

async function table(formatVersion: 2 | 3, n: number): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  const t = await c.createTable('db.t', { schema: SCHEMA, properties: { 'format-version': String(formatVersion) } })
  return t.appendRows(Array.from({ length: n }, (_, i) => ({ id: BigInt(i), cat: i % 2 ? 'odd' : 'even' })))
}

/** A row as stable text (bigints included), for multiset comparison. */
const text = (r: Record<string, unknown>): string => stringifyJson(r as never)
const sorted = (rows: readonly Record<string, unknown>[]): string[] => rows.map(text).sort()

describe('_deleted', () => {
  it("has Java's reserved id, name and type", () => {
    expect([IS_DELETED.id, IS_DELETED.name, IS_DELETED.type.kind, IS_DELETED.required]).toEqual([2147483644, '_deleted', 'boolean', true])
    expect(metadataColumnIdByName('_deleted')).toBe(2147483644)
    expect(metadataColumnById(2147483644)).toBe(IS_DELETED)
  })

  for (const v of [2, 3] as const) {
    it(`marks exactly the rows merge-on-read deletes removed, and keeps the filter (v${v}: ${v === 2 ? 'position deletes' : 'deletion vectors'})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { maxLength: 20 }), fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { maxLength: 6 }), async (first, second) => {
          let t = await table(v, 20)
          for (const ids of [first, second]) if (ids.length) t = await t.deleteRows(`id in (${ids.join(',')})`, { mode: 'merge-on-read' })
          const deleted = new Set([...first, ...second].map(BigInt))
          const marked = await t.scan({ select: ['id', '_deleted'] }).toArray()
          expect(marked.map((r) => r.id).sort((a, b) => Number((a as bigint) - (b as bigint)))).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)))
          for (const r of marked) expect(r._deleted).toBe(deleted.has(r.id as bigint))
          // the rows not marked are what a plain scan returns
          const plain = await t.scan({ select: ['id'] }).toArray()
          expect(sorted(marked.filter((r) => !r._deleted).map((r) => ({ id: r.id })))).toEqual(sorted(plain))
          // the residual filter still applies to deleted rows
          const odd = await t.scan({ select: ['id', 'cat', '_deleted'], filter: "cat = 'odd'" }).toArray()
          expect(odd.every((r) => r.cat === 'odd')).toBe(true)
          expect(odd.length).toBe(10)
          expect(odd.filter((r) => r._deleted).length).toBe([...deleted].filter((x) => x % 2n === 1n).length)
        }),
        { numRuns: 8 },
      )
    })
  }

  it('comes through Arrow as a non-null Bool column and through the CLI', async () => {
    let t = await table(3, 6)
    t = await t.deleteRows('id in (1, 4)', { mode: 'merge-on-read' })
    const arrow = await scanToArrowTable(t.scan({ select: ['id', '_deleted'] }))
    const col = arrow.schema.fields.find((f) => f.name === '_deleted')!
    expect([String(col.type), col.nullable]).toEqual(['Bool', false])
    const ids = [...arrow.getChild('id')!.toArray()] as bigint[]
    const flags = [...arrow.getChild('_deleted')!.toArray()] as boolean[]
    expect(Object.fromEntries(ids.map((id, i) => [String(id), flags[i]]))).toEqual({ 0: false, 1: true, 2: false, 3: false, 4: true, 5: false })
  })

  it('prints through floe scan --columns', async () => {
    const c = makeCatalog('filesystem')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA, properties: { 'format-version': '2' } })
    t = await t.appendRows([0, 1, 2].map((i) => ({ id: BigInt(i), cat: 'x' })))
    t = await t.deleteRows('id = 1', { mode: 'merge-on-read' })
    const r = await floe('scan', t.metadataLocation, '--columns', 'id,_deleted')
    expect(r.code).toBe(0)
    expect(r.stdout.trim().split('\n').sort()).toEqual(['{"id":0,"_deleted":false}', '{"id":1,"_deleted":true}', '{"id":2,"_deleted":false}'])
  })

  const withDeletes = corpusTables().filter((t) => /pos|eq|dv/.test(t.deletes))
  it('on every corpus table with delete files: unmarked rows are the scan, and every row of every live data file comes back', async () => {
    expect(withDeletes.length).toBeGreaterThan(20)
    let checked = 0
    for (const ct of withDeletes) {
      const t = await openCorpusTable(ct)
      const names = t.schema().fields.map((f) => f.name)
      let plain: Record<string, unknown>[]
      try {
        plain = await t.scan().toArray()
      } catch (e) {
        // tables floe cannot read (ORC data files) refuse `_deleted` scans the same way
        expect(isFloeError(e, 'UNSUPPORTED'), `${ct.dir}: ${String(e)}`).toBe(true)
        await expect(t.scan({ select: [...names, '_deleted'] }).toArray()).rejects.toMatchObject({ code: 'UNSUPPORTED' })
        continue
      }
      const scan = t.scan({ select: [...names, '_deleted'] })
      const tasks = await scan.planFiles()
      const marked = await scan.toArray()
      const records = tasks.reduce((s, x) => s + Number(x.file.recordCount), 0)
      expect(marked.length, ct.dir).toBe(records)
      expect(marked.every((r) => typeof r._deleted === 'boolean'), ct.dir).toBe(true)
      const kept = marked.filter((r) => !r._deleted).map(({ _deleted, ...rest }) => rest)
      expect(sorted(kept), ct.dir).toEqual(sorted(plain))
      checked++
    }
    expect(checked).toBeGreaterThan(15)
  })
})
