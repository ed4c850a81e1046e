// Selecting columns by name resolves as filters do: an exact name wins over a case-insensitive match, two
// case-insensitive matches are ambiguous, and a table column wins over a metadata column of the same name.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'

describe('select by name', () => {
  it('prefers the exact name among columns differing only by case, and refuses an ambiguous one (PyIceberg corpus table)', async () => {
    const t = await openCorpusTable(corpusTables().find((c) => c.dir.endsWith('case_sensitive_names'))!)
    const ids = Object.fromEntries(t.schema().fields.map((f) => [f.name, f.id]))
    expect(Object.keys(ids).sort()).toEqual(['uSeR_Id', 'user_id'])
    expect(t.scan({ select: ['uSeR_Id'], caseSensitive: false }).projectedIds()).toEqual([ids.uSeR_Id])
    expect(t.scan({ select: ['user_id'], caseSensitive: false }).projectedIds()).toEqual([ids.user_id])
    expect(() => t.scan({ select: ['USER_ID'], caseSensitive: false }).projectedIds()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('ambiguous') }))
    // the rows carry the column asked for: the string one
    const rows = await t.scan({ select: ['uSeR_Id'], caseSensitive: false }).toArray()
    expect(rows.length).toBe(3)
    expect(rows.every((r) => Object.keys(r).join() === 'uSeR_Id' && (r.uSeR_Id === null || typeof r.uSeR_Id === 'string'))).toBe(true)
  })

  it('lets a table column named like a metadata column win, and finds metadata columns otherwise', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: schema([field(1, '_FILE', T.string), field(2, 'id', T.long)]) })
    expect(t.scan({ select: ['_file'], caseSensitive: false }).projectedIds()).toEqual([1])
    expect(t.scan({ select: ['_file'] }).projectedIds()).toEqual([2147483646])
    expect(() => t.scan({ select: ['nope'] }).projectedIds()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: { field: 'nope' } }))
  })
})
