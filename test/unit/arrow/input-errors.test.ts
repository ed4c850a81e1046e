// Arrow write input that is wrong in shape or value fails before anything is committed, with an error that
// says where: a bad Arrow value (Date64 not whole days, invalid UTF-8, a dictionary index outside its
// dictionary, a repeated map key, a view outside its buffers) is an InvalidDataError naming the source, the
// 1-based row of the whole input and the column; a schema mismatch names the source too; a required column the
// Arrow input lacks is refused even when the input has no rows (an empty overwrite deletes nothing); an Arrow
// Table or RecordBatch handed to appendRows without arrowRows() is refused (arrow-js's own getters would store
// wrong values); and arrowRows reads Tables inside an iterable and refuses anything that is not Arrow batches.
import * as A from 'apache-arrow'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { arrowTableToRows, recordBatchToRows, rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { arrowRows } from '../../../src/arrow/index.js'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { isFloeError, type FloeError } from '../../../src/errors.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { InvalidDataError } from '../../../src/write/coerce.js'
import { makeCatalog } from '../../support/catalogs.js'

const F = (name: string, type: A.DataType, nullable = true): A.Field => new A.Field(name, type, nullable)

/** A RecordBatch of the given columns (one Data each, all of one length). */
function batch(columns: Record<string, A.Data>): A.RecordBatch {
  const fields = Object.entries(columns).map(([name, d]) => F(name, d.type))
  const length = Object.values(columns)[0]!.length
  return new A.RecordBatch(new A.Schema(fields), A.makeData({ type: new A.Struct(fields), length, nullCount: 0, children: Object.values(columns) }))
}

const ids = (...xs: bigint[]): A.Data => A.makeData({ type: new A.Int64(), length: xs.length, data: BigInt64Array.from(xs) })
const texts = (...xs: string[]): A.Data => A.vectorFromArray(xs, new A.Utf8()).data[0]!

let catalog: Catalog | undefined
let n = 0
async function newTable(s: Schema): Promise<Table> {
  if (!catalog) {
    catalog = makeCatalog('filesystem')
    await catalog.createNamespace('db')
  }
  return catalog.createTable(`db.t${n++}`, { schema: s })
}

async function failure(p: Promise<unknown>): Promise<FloeError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  if (!isFloeError(e)) throw new Error(`expected a FloeError, got ${String(e)}`)
  return e
}

const ID_S = schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)])

describe('bad Arrow values name the source, the row of the whole input and the column', () => {
  const cases: [string, Schema, A.RecordBatch, string, string][] = [
    [
      'a Date64 that is not whole days',
      schema([field(1, 'id', T.long, { required: true }), field(2, 'd', T.date)]),
      batch({ id: ids(4n, 5n), d: A.makeData({ type: new A.DateMillisecond(), length: 2, data: BigInt64Array.of(0n, 5n) }) }),
      'd',
      'Date64 value 5 ms is not a whole number of days',
    ],
    ['invalid UTF-8', ID_S, batch({ id: ids(4n, 5n), s: A.makeData({ type: new A.Utf8(), length: 2, valueOffsets: Int32Array.of(0, 1, 2), data: Uint8Array.of(0x61, 0xff) }) }), 's', 'a Utf8 value is not valid UTF-8'],
    [
      'a dictionary index outside the dictionary',
      ID_S,
      batch({ id: ids(4n, 5n), s: A.makeData({ type: new A.Dictionary(new A.Utf8(), new A.Int32()), length: 2, data: Int32Array.of(0, 9), dictionary: A.vectorFromArray(['x']) as never }) }),
      's',
      'dictionary index 9 is outside the dictionary (1 entries)',
    ],
    [
      'a dictionary entry that is not UTF-8, first used by the second row',
      ID_S,
      batch({
        id: ids(4n, 5n),
        s: A.makeData({
          type: new A.Dictionary(new A.Utf8(), new A.Int32()),
          length: 2,
          data: Int32Array.of(0, 1),
          dictionary: A.makeVector(A.makeData({ type: new A.Utf8(), length: 2, valueOffsets: Int32Array.of(0, 1, 2), data: Uint8Array.of(0x61, 0xfe) })) as never,
        }),
      }),
      's',
      'a Utf8 value is not valid UTF-8',
    ],
    [
      'a BinaryView outside its buffers',
      schema([field(1, 'id', T.long, { required: true }), field(2, 'b', T.binary)]),
      (() => {
        const views = new Uint8Array(32)
        const dv = new DataView(views.buffer)
        dv.setInt32(0, 1, true) // row 1: one inline byte
        dv.setInt32(16, 20, true) // row 2: 20 bytes at offset 5 of a 20-byte buffer
        dv.setInt32(28, 5, true)
        const b = (A.makeData as unknown as (p: Record<string, unknown>) => A.Data)({ type: new A.BinaryView(), length: 2, views, variadicBuffers: [new Uint8Array(20)] })
        return batch({ id: ids(4n, 5n), b })
      })(),
      'b',
      'view 1 points outside its data buffers',
    ],
    [
      'a struct child that is not UTF-8',
      schema([field(1, 'id', T.long, { required: true }), field(2, 'st', T.struct([field(3, 'x', T.string)]))]),
      (() => {
        const x = A.makeData({ type: new A.Utf8(), length: 2, valueOffsets: Int32Array.of(0, 1, 2), data: Uint8Array.of(0x61, 0xc0) })
        const st = A.makeData({ type: new A.Struct([F('x', new A.Utf8())]), length: 2, nullCount: 0, children: [x] })
        return batch({ id: ids(4n, 5n), st })
      })(),
      'st.x',
      'a Utf8 value is not valid UTF-8',
    ],
  ]

  for (const [what, s, bad, column, why] of cases) {
    it(what, async () => {
      // the bad value is in row 2 of the second batch: row 4 of the input (the first batch has 2 rows)
      const first = rowsToRecordBatch(s, [{ id: 10n }, { id: 11n }])
      const t = await newTable(s)
      const e = await failure(t.appendRows(arrowRows([first, bad]), { source: 'events.arrow' }))
      const row = 4
      expect(e).toBeInstanceOf(InvalidDataError)
      expect(e.code).toBe('INVALID_DATA')
      expect(e.context).toEqual({ file: 'events.arrow', row, field: column })
      expect(e.message).toBe(`Invalid data in events.arrow row ${row} column ${column}: ${why}`)
      // without a source: the default label
      const e2 = await failure(t.appendRows(arrowRows(bad)))
      expect(e2.context).toEqual({ file: 'Arrow input', row: 2, field: column })
      expect((await t.refresh()).metadata.snapshots).toHaveLength(0)
    })
  }

  it('a repeated map key names the row too', async () => {
    const entriesT = new A.Struct([F('key', new A.Utf8(), false), F('value', new A.Int32())])
    const mapT = new A.Map_(new A.Field('entries', entriesT, false))
    const entries = A.makeData({ type: entriesT, length: 3, nullCount: 0, children: [texts('k', 'j', 'j'), A.makeData({ type: new A.Int32(), length: 3, data: Int32Array.of(1, 2, 3) })] })
    const m = A.makeData({ type: mapT, length: 2, nullCount: 0, valueOffsets: Int32Array.of(0, 1, 3), child: entries })
    const t = await newTable(schema([field(1, 'id', T.long, { required: true }), field(2, 'm', T.map(3, T.string, 4, T.int))]))
    const e = await failure(t.appendRows(arrowRows(batch({ id: ids(1n, 2n), m })), { source: 'maps.arrow' }))
    expect(e).toBeInstanceOf(InvalidDataError)
    expect(e.context).toEqual({ file: 'maps.arrow', row: 2, field: 'm' })
    expect(e.message).toBe('Invalid data in maps.arrow row 2 column m: the map has the key "j" more than once')
  })

  it('a schema mismatch names the source', async () => {
    const t = await newTable(ID_S)
    const e = await failure(t.appendRows(arrowRows(new A.Table({ id: A.vectorFromArray([1.5], new A.Float64()) })), { source: 'events.arrow' }))
    expect(e).toBeInstanceOf(InvalidDataError)
    expect(e.context).toEqual({ file: 'events.arrow', field: 'id' })
    expect(e.message).toMatch(/^Invalid data in events\.arrow column id: Arrow type Float64 cannot be written to a long column/)
  })

  it('without a source, errors found after reading (a null in a required column) name the Arrow input as the reader does', async () => {
    const t = await newTable(ID_S)
    const nullId = A.makeData({ type: new A.Int64(), length: 2, nullCount: 1, nullBitmap: Uint8Array.of(0b01), data: BigInt64Array.of(1n, 0n) })
    const e = await failure(t.appendRows(arrowRows(batch({ id: nullId, s: texts('a', 'b') }))))
    expect(e).toBeInstanceOf(InvalidDataError)
    expect(e.context).toMatchObject({ file: 'Arrow input', row: 2, field: 'id' })
  })

  it('recordBatchToRows and arrowTableToRows name the row (across the batches of a table)', () => {
    const bad = batch({ id: ids(4n, 5n), s: A.makeData({ type: new A.Utf8(), length: 2, valueOffsets: Int32Array.of(0, 1, 2), data: Uint8Array.of(0x61, 0xff) }) })
    const err = (f: () => unknown): FloeError => {
      try {
        f()
      } catch (e) {
        return e as FloeError
      }
      throw new Error('expected a failure')
    }
    expect(err(() => recordBatchToRows(bad)).context).toEqual({ file: 'Arrow input', row: 2, field: 's' })
    expect(err(() => arrowTableToRows(new A.Table([batch({ id: ids(1n, 2n, 3n), s: texts('a', 'b', 'c') }), bad]))).context).toEqual({ file: 'Arrow input', row: 5, field: 's' })
  })
})

describe('required columns the Arrow input lacks', () => {
  const S = schema([field(1, 'id', T.long, { required: true }), field(2, 'name', T.string), field(3, 'st', T.struct([field(4, 'a', T.int, { required: true }), field(5, 'b', T.int)]))])

  it('an empty Table without a required column is refused, so an overwrite deletes nothing', async () => {
    const t = await (await newTable(S)).appendRows([
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b' },
    ])
    const empty = new A.Table(new A.Schema([F('name', new A.Utf8())]))
    const e = await failure(t.overwriteRows(arrowRows(empty), 'true', { source: 'empty.arrow' }))
    expect(e).toBeInstanceOf(InvalidDataError)
    expect(e.context).toEqual({ file: 'empty.arrow', field: 'id' })
    expect(e.message).toMatch(/^Invalid data in empty\.arrow column id: the column is required .* but the Arrow input has no column of that name/)
    // an empty Table inside an iterable too
    expect((await failure(t.overwriteRows(arrowRows([empty]), 'true'))).context).toEqual({ file: 'Arrow input', field: 'id' })
    expect(await (await t.refresh()).scan().toArray()).toHaveLength(2)
  })

  it('a struct without a required child is refused at its level; a non-empty input names the column the same way', async () => {
    const t = await newTable(S)
    const st = A.makeData({ type: new A.Struct([F('b', new A.Int32())]), length: 1, nullCount: 0, children: [A.makeData({ type: new A.Int32(), length: 1, data: Int32Array.of(7) })] })
    expect((await failure(t.appendRows(arrowRows(batch({ id: ids(1n), st }))))).context).toEqual({ file: 'Arrow input', field: 'st.a' })
    expect((await failure(t.appendRows(arrowRows(batch({ name: texts('x') }))))).context).toEqual({ file: 'Arrow input', field: 'id' })
    expect((await t.refresh()).metadata.snapshots).toHaveLength(0)
  })

  it('optional columns, and a required column with a write default, may be missing', async () => {
    const t = await newTable(schema([field(1, 'id', T.long, { required: true }), field(2, 'k', T.int, { required: true, writeDefault: 9 }), field(3, 'name', T.string)]))
    const t2 = await t.appendRows(arrowRows(batch({ id: ids(1n) })))
    expect(await t2.scan().toArray()).toEqual([{ id: 1n, k: 9, name: null }])
  })
})

describe('Arrow objects handed to appendRows without arrowRows()', () => {
  // days 1 and -20: arrow-js's getters give epoch milliseconds, which fit an int and were stored as days
  const dates = batch({ id: ids(1n, 2n), d: A.makeData({ type: new A.DateDay(), length: 2, data: Int32Array.of(1, -20) }) })
  const S = schema([field(1, 'id', T.long, { required: true }), field(2, 'd', T.date)])
  const cjs = createRequire(import.meta.url)('apache-arrow') as typeof A

  it('are refused with INVALID_ARGUMENT naming arrowRows; nothing is committed', async () => {
    const t = await newTable(S)
    const cjsTable = new cjs.Table({ id: cjs.vectorFromArray([1n], new cjs.Int64()) })
    for (const input of [new A.Table([dates]), dates, [dates], A.makeVector(dates.data.children[1]!), cjsTable, cjsTable.batches[0]]) {
      const e = await failure(t.appendRows(input as never))
      expect(e.code).toBe('INVALID_ARGUMENT')
      expect(e.message).toMatch(/arrowRows\(\).*'floe\/arrow'|arrowRows\(table\) from 'floe\/arrow'/)
    }
    expect((await failure(t.overwriteRows(new A.Table([dates]) as never, 'true'))).code).toBe('INVALID_ARGUMENT')
    expect((await t.refresh()).metadata.snapshots).toHaveLength(0)
  })

  it('through arrowRows the same dates are stored exactly', async () => {
    const t = await (await newTable(S)).appendRows(arrowRows(new A.Table([dates])))
    expect((await t.scan().toArray()).map((r) => r.d).sort()).toEqual([-20, 1])
  })
})

describe('arrowRows over iterables', () => {
  const S = schema([field(1, 'id', T.long, { required: true })])
  const table = (...xs: bigint[]): A.Table => new A.Table({ id: A.vectorFromArray(xs, new A.Int64()) })

  it('reads Tables in an iterable (sync or async, any arrow-js copy) as their batches', async () => {
    const cjs = createRequire(import.meta.url)('apache-arrow') as typeof A
    async function* parts(): AsyncGenerator<A.Table | A.RecordBatch> {
      yield table(3n)
      yield table(4n, 5n).batches[0]!
      yield new cjs.Table({ id: cjs.vectorFromArray([6n], new cjs.Int64()) }) as unknown as A.Table
    }
    let t = await newTable(S)
    t = await t.appendRows(arrowRows([table(1n), table(2n)]))
    t = await t.appendRows(arrowRows(parts()))
    expect((await t.scan().toArray()).map((r) => r.id).sort()).toEqual([1n, 2n, 3n, 4n, 5n, 6n])
  })

  it('refuses a Vector, plain rows and other elements with INVALID_ARGUMENT (not a TypeError)', async () => {
    const code = (f: () => unknown): string => {
      try {
        f()
      } catch (e) {
        return isFloeError(e) ? `${e.code}: ${e.message}` : `untyped ${String(e)}`
      }
      return 'no error'
    }
    expect(code(() => arrowRows(table(1n).getChild('id') as never))).toMatch(/^INVALID_ARGUMENT: Arrow input is an Arrow Vector/)
    expect(code(() => arrowRows([{ id: 1n }] as never))).toMatch(/^INVALID_ARGUMENT: Arrow input element 0 is an object/)
    expect(code(() => arrowRows([table(1n), 7] as never))).toMatch(/^INVALID_ARGUMENT: Arrow input element 1 is a number/)
    // a lazily read iterable fails when the element is reached, before anything is committed
    function* lazy(): Generator<unknown> {
      yield table(1n)
      yield table(2n).getChild('id')
    }
    const t = await newTable(S)
    const e = await failure(t.appendRows(arrowRows(lazy() as never)))
    expect(e.code).toBe('INVALID_ARGUMENT')
    expect(e.message).toMatch(/^Arrow input element 1 is an Arrow Vector, not a RecordBatch or Table/)
    expect((await t.refresh()).metadata.snapshots).toHaveLength(0)
  })
})
