// hyparquetReader on nested files written with hyparquet-writer (field ids on lists, maps, structs and their
// children): Dremel assembly, nested projection by id, legacy 2-level lists (footer-patched) and variants.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type StructValue } from '../../../src/spec/types.js'
import { patchFooter, readAll, writeParquet, type SchemaEl } from './parquet-files.js'

const root = (n: number): SchemaEl => ({ name: 'table', num_children: n })

describe('hyparquetReader: nested columns with field ids', () => {
  const file = writeParquet(
    [
      root(4),
      { name: 'l', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 2 },
      { name: 'm', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'MAP', field_id: 3 },
      { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
      { name: 'key', type: 'INT32', repetition_type: 'REQUIRED', field_id: 4 },
      { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 5 },
      { name: 's', repetition_type: 'OPTIONAL', num_children: 2, field_id: 6 },
      { name: 'a', type: 'INT64', repetition_type: 'OPTIONAL', field_id: 7 },
      { name: 'b', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', field_id: 8 },
      { name: 'ls', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 9 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', num_children: 2, field_id: 10 },
      { name: 'x', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 11 },
      { name: 'xs', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 12 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'DOUBLE', repetition_type: 'REQUIRED', field_id: 13 },
    ],
    [
      { name: 'l', data: [[1, null, 3], [], null, [4]] },
      { name: 'm', data: [new Map([[1, 'a'], [2, null]]), new Map(), null, new Map([[-5, 'e']])] },
      { name: 's', data: [{ a: 1n, b: Uint8Array.of(1) }, null, { a: null, b: null }, { a: 4n, b: Uint8Array.of(1) }] },
      {
        name: 'ls',
        data: [[{ x: 1, xs: [0.5, 1.5] }, null, { x: null, xs: [] }], null, [], [{ x: 2, xs: null }]],
      },
    ],
  )
  const full = schema([
    field(1, 'l', T.list(2, T.long)),
    field(3, 'm', T.map(4, T.int, 5, T.string)),
    field(6, 's', T.struct([field(7, 'a', T.long), field(8, 'b', T.binary)])),
    field(9, 'ls', T.list(10, T.struct([field(11, 'x', T.int), field(12, 'xs', T.list(13, T.double, true))]))),
  ])

  it('assembles lists (nulls, empties, null elements), maps (JS Map, int keys) and structs', async () => {
    const rows = await readAll(file, { schema: full })
    expect(rows).toEqual([
      {
        l: [1n, null, 3n],
        m: new Map<number, string | null>([
          [1, 'a'],
          [2, null],
        ]),
        s: { a: 1n, b: Uint8Array.of(1) },
        ls: [{ x: 1, xs: [0.5, 1.5] }, null, { x: null, xs: [] }],
      },
      { l: [], m: new Map(), s: null, ls: null },
      { l: null, m: null, s: { a: null, b: null }, ls: [] },
      { l: [4n], m: new Map([[-5, 'e']]), s: { a: 4n, b: Uint8Array.of(1) }, ls: [{ x: 2, xs: null }] },
    ])
    // dictionary-shared byte values are copied per row
    ;(rows[0]!.s as StructValue & { b: Uint8Array }).b[0] = 99
    expect((rows[3]!.s as StructValue & { b: Uint8Array }).b[0]).toBe(1)
  })

  it('projects nested fields by id, fills added sub-fields, and keeps struct nullness when only added fields are read', async () => {
    const s = schema([
      field(6, 's', T.struct([field(8, 'bytes', T.binary), field(30, 'added', T.int, { initialDefault: 7 })])),
      field(9, 'ls', T.list(10, T.struct([field(31, 'only_new', T.string)]))),
      field(3, 'm', T.map(4, T.long, 5, T.string)),
    ])
    expect(await readAll(file, { schema: s })).toEqual([
      { s: { bytes: Uint8Array.of(1), added: 7 }, ls: [{ only_new: null }, null, { only_new: null }], m: new Map<bigint, string | null>([[1n, 'a'], [2n, null]]) },
      { s: null, ls: null, m: new Map() },
      { s: { bytes: null, added: 7 }, ls: [], m: null },
      { s: { bytes: Uint8Array.of(1), added: 7 }, ls: [{ only_new: null }], m: new Map([[-5n, 'e']]) },
    ])
  })

  it('reads legacy 2-level lists (repeated primitive and repeated group) with the same answers', async () => {
    // drop the 3-level `element` nodes: definition and repetition levels are unchanged, so pages stay valid
    const two = patchFooter(
      writeParquet(
        [
          root(2),
          { name: 'p', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'INT32', repetition_type: 'REQUIRED', field_id: 2 },
          { name: 'g', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', field_id: 3 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', repetition_type: 'REQUIRED', num_children: 2, field_id: 4 },
          { name: 'a', type: 'INT32', repetition_type: 'OPTIONAL', field_id: 5 },
          { name: 'b', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL', field_id: 6 },
        ],
        [
          { name: 'p', data: [[1, 2], [], null] },
          { name: 'g', data: [[{ a: 1, b: 'x' }], null, [{ a: null, b: 'y' }, { a: 3, b: null }]] },
        ],
        { statistics: false },
      ),
      (md) => {
        const sch = md.schema
        // p: list → `array` primitive carrying the element id
        sch[2] = { name: 'array', type: 'INT32', repetition_type: 'REPEATED', field_id: 2 }
        sch.splice(3, 1)
        // g: list → repeated group `array` of two fields (itself the element)
        sch[4] = { name: 'array', repetition_type: 'REPEATED', num_children: 2, field_id: 4 }
        sch.splice(5, 1)
        for (const rg of md.row_groups)
          for (const c of rg.columns) c.meta_data!.path_in_schema = c.meta_data!.path_in_schema.filter((p) => p !== 'element').map((p) => (p === 'list' ? 'array' : p))
      },
    )
    const s = schema([field(1, 'p', T.list(2, T.int, true)), field(3, 'g', T.list(4, T.struct([field(6, 'b', T.string), field(5, 'a', T.long)]), true))])
    expect(await readAll(two, { schema: s })).toEqual([
      { p: [1, 2], g: [{ b: 'x', a: 1n }] },
      { p: [], g: null },
      { p: null, g: [{ b: 'y', a: null }, { b: null, a: 3n }] },
    ])
  })

  it('reads variant groups as {metadata, value} bytes', async () => {
    const f = writeParquet(
      [
        root(1),
        { name: 'v', repetition_type: 'OPTIONAL', num_children: 2, field_id: 1 },
        { name: 'metadata', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
        { name: 'value', type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
      ],
      [{ name: 'v', data: [{ metadata: Uint8Array.of(1, 0, 0), value: Uint8Array.of(12, 42) }, null] }],
    )
    expect(await readAll(f, { schema: schema([field(1, 'v', T.variant)]) })).toEqual([{ v: { metadata: Uint8Array.of(1, 0, 0), value: Uint8Array.of(12, 42) } }, { v: null }])
  })
})
