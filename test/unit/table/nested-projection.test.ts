// Selecting nested fields (Java's Schema.select / PruneColumns with full types): fields of structs, of list
// element and map value structs (full names or Java's short names), and rows shaped exactly as the projected
// schema, also when the residual filter or an equality delete read sibling fields.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseColumns } from '../../../src/spec/ddl.js'
import { findField, findFieldByName, selectFields, type Schema } from '../../../src/spec/schema.js'
import type { IcebergType, Value } from '../../../src/spec/types.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const DDL = 'id int, s struct<a: int, b: string, t: struct<x: int, y: int>>, l list<struct<a: int, b: string>>, m map<string, struct<a: int, b: string>>, li list<int>'

interface Input {
  id: number
  s: { a: number | null; b: string | null; t: { x: number | null; y: number | null } | null } | null
  l: ({ a: number | null; b: string | null } | null)[] | null
  m: Map<string, { a: number | null; b: string | null } | null> | null
  li: (number | null)[] | null
}

const small = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null })
const text = fc.option(fc.constantFrom('x', 'y', 'é'), { nil: null })
const ab = fc.option(fc.record({ a: small, b: text }), { nil: null })
const rowsArb = fc
  .array(
    fc.record({
      s: fc.option(fc.record({ a: small, b: text, t: fc.option(fc.record({ x: small, y: small }), { nil: null }) }), { nil: null }),
      l: fc.option(fc.array(ab, { maxLength: 3 }), { nil: null }),
      m: fc.option(fc.uniqueArray(fc.tuple(fc.constantFrom('k1', 'k2', 'k3'), ab), { selector: (e) => e[0], maxLength: 3 }).map((es) => new Map(es)), { nil: null }),
      li: fc.option(fc.array(small, { maxLength: 3 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((rs): Input[] => rs.map((r, i) => ({ id: i, ...r })))

// names a scan may select: full names, Java's short names, whole nested columns, elements and values
const NAMES = ['s', 's.a', 's.b', 's.t', 's.t.x', 's.t.y', 'l', 'l.element', 'l.element.a', 'l.a', 'l.b', 'm', 'm.key', 'm.value', 'm.value.b', 'm.a', 'li', 'li.element']
const FILTERS: { text: string | undefined; keep: (r: Input) => boolean }[] = [
  { text: undefined, keep: () => true },
  { text: 's.a >= 0', keep: (r) => r.s?.a != null && r.s.a >= 0 },
  { text: 's.t.x < 2', keep: (r) => r.s?.t?.x != null && r.s.t.x < 2 },
  { text: 'id > 2', keep: (r) => r.id > 2 },
]

/** Prune a plain value to a projected type (written independently of the reader's projector). */
function prune(t: IcebergType, v: unknown): unknown {
  if (v === null || v === undefined) return null
  switch (t.kind) {
    case 'struct':
      return Object.fromEntries(t.fields.map((f) => [f.name, prune(f.type, (v as Record<string, unknown>)[f.name])]))
    case 'list':
      return (v as unknown[]).map((e) => prune(t.element, e))
    case 'map':
      return new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [k, prune(t.value, x)]))
    case 'int':
      return v
    default:
      return v
  }
}

async function tableWith(rows: readonly Input[]): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  const t = await c.createTable('db.t', { schema: parseColumns(DDL), formatVersion: 2 })
  return t.appendRows(rows as unknown as Record<string, Value>[])
}

describe('selectFields (Java PruneColumns, full types)', () => {
  const s = parseColumns(DDL)
  const id = (name: string): number => {
    const path = name.split('.')
    let f = s.fields.find((x) => x.name === path[0])!
    for (const p of path.slice(1)) {
      const t = f.type
      if (t.kind === 'struct') f = t.fields.find((x) => x.name === p)!
      else if (t.kind === 'list') f = { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element }
      else if (t.kind === 'map') f = p === 'key' ? { id: t.keyId, name: 'key', required: true, type: t.key } : { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value }
    }
    return f.id
  }
  const pick = (...names: string[]): Schema => selectFields(s, new Set(names.map(id)))

  it('keeps a list or map around the pruned element or value struct', () => {
    expect(pick('l.element.a').fields).toEqual([{ ...s.fields[2], type: { ...(s.fields[2]!.type as object), element: { kind: 'struct', fields: [findField(s, id('l.element.a'))] } } }])
    const m = pick('m.value.b').fields[0]!.type
    expect(m.kind === 'map' && m.value.kind === 'struct' && m.value.fields.map((f) => f.name)).toEqual(['b'])
  })

  it('keeps the whole list or map when its element, key or value is selected', () => {
    expect(pick('l.element').fields).toEqual([s.fields[2]])
    expect(pick('m.key').fields).toEqual([s.fields[3]])
    expect(pick('m.value').fields).toEqual([s.fields[3]])
    expect(pick('li.element').fields).toEqual([s.fields[4]])
  })

  it('keeps struct fields in schema order whatever the selection order', () => {
    const t = pick('s.t.y', 's.a').fields[0]!.type
    expect(t.kind === 'struct' && t.fields.map((f) => f.name)).toEqual(['a', 't'])
  })
})

describe('nested selection in scans', () => {
  it('returns the selected fields inside lists and maps, by full or short name (the review repro)', async () => {
    const t = await tableWith([{ id: 1, s: null, l: [{ a: 1, b: 'x' }, null], m: new Map([['k', { a: 2, b: 'y' }]]), li: null }])
    expect(await t.scan({ select: ['id', 'l.element.a'] }).toArray()).toEqual([{ id: 1, l: [{ a: 1 }, null] }])
    expect(await t.scan({ select: ['l.a'] }).toArray()).toEqual([{ l: [{ a: 1 }, null] }])
    expect(await t.scan({ select: ['id', 'm.value.a'] }).toArray()).toEqual([{ id: 1, m: new Map([['k', { a: 2 }]]) }])
    expect(t.scan({ select: ['id', 'l.element.a'] }).projectedSchema().fields.map((f) => f.name)).toEqual(['id', 'l'])
    const inc: unknown[] = []
    for await (const r of t.incrementalAppendScan({ select: ['id', 'l.element.a'] }).rows()) inc.push(r)
    expect(inc).toEqual([{ id: 1, l: [{ a: 1 }, null] }])
  })

  it('does not return a sibling field read only for the filter or an equality delete', async () => {
    let t = await tableWith([1, 2, 3].map((i) => ({ id: i, s: { a: i, b: `v${i}`, t: null }, l: null, m: null, li: null })))
    expect(await t.scan({ select: ['s.b'], filter: 's.a >= 2' }).toArray()).toEqual([{ s: { b: 'v2' } }, { s: { b: 'v3' } }])
    const a = findFieldByName(t.schema(), 's.a')!
    const [eq] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: null, s: { a: 1, b: null, t: null }, l: null, m: null, li: null }], { sort: false })
    t = await t.transaction().rowDelta({ addDeletes: [{ ...eq!, content: 'equality-deletes', equalityIds: [a.id] }] }).commit()
    expect(await t.scan({ select: ['s.b'] }).toArray()).toEqual([{ s: { b: 'v2' } }, { s: { b: 'v3' } }])
  })

  it('property: rows are the input rows pruned to the projected schema, which holds every selected field', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }), fc.constantFrom(...FILTERS), async (rows, names, filter) => {
        const t = await tableWith(rows)
        const scan = t.scan({ select: ['id', ...names], ...(filter.text ? { filter: filter.text } : {}) })
        const projected = scan.projectedSchema()
        for (const id of scan.projectedIds()) expect(findField(projected, id)).toBeDefined()
        const type: IcebergType = { kind: 'struct', fields: projected.fields }
        const got = await scan.toArray()
        const want = rows.filter(filter.keep).map((r) => prune(type, r))
        expect(got.sort((x, y) => Number(x.id) - Number(y.id))).toEqual(want)
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 40) },
    )
  })
})
