// Arrow Utf8View and BinaryView input (as pyarrow's string_view / binary_view) read exactly: inline values of up
// to 12 bytes and longer ones in the variadic buffers, sliced batches, nulls; malformed views and invalid UTF-8
// are INVALID_DATA naming the column; such columns go into string and binary columns only.
import { BinaryView, Field, RecordBatch, Schema as ArrowSchema, Struct, Utf8View, makeData, type Data, type DataType } from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { recordBatchToRows } from '../../../src/arrow/batches.js'
import { arrowRows } from '../../../src/arrow/input.js'
import { arrowSchemaToIceberg } from '../../../src/arrow/schema.js'
import { isFloeError } from '../../../src/errors.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { makeCatalog } from '../../support/catalogs.js'

// makeData's overloads cannot be picked for a type known only at run time
const dataOf = makeData as unknown as (props: Record<string, unknown>) => Data

/** Views of `values` (null → a null slot): inline up to 12 bytes, else in one variadic buffer. */
function viewData(type: DataType, values: readonly (Uint8Array | null)[]): Data {
  const views = new Uint8Array(values.length * 16)
  const dv = new DataView(views.buffer)
  const chunks: Uint8Array[] = []
  let used = 0
  const bitmap = new Uint8Array(Math.ceil(values.length / 8))
  values.forEach((v, i) => {
    if (v === null) return
    bitmap[i >> 3]! |= 1 << (i & 7)
    dv.setInt32(i * 16, v.length, true)
    if (v.length <= 12) views.set(v, i * 16 + 4)
    else {
      views.set(v.subarray(0, 4), i * 16 + 4)
      dv.setInt32(i * 16 + 8, 0, true)
      dv.setInt32(i * 16 + 12, used, true)
      chunks.push(v)
      used += v.length
    }
  })
  const buffer = new Uint8Array(used)
  let at = 0
  for (const c of chunks) {
    buffer.set(c, at)
    at += c.length
  }
  const nulls = values.filter((v) => v === null).length
  return dataOf({ type, length: values.length, views, variadicBuffers: [buffer], ...(nulls > 0 ? { nullBitmap: bitmap, nullCount: nulls } : {}) })
}

function batchOf(name: string, data: Data): RecordBatch {
  const f = new Field(name, data.type, true)
  return new RecordBatch(new ArrowSchema([f]), makeData({ type: new Struct([f]), length: data.length, nullCount: 0, children: [data] }))
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('Arrow view types as input', () => {
  it('reads Utf8View and BinaryView exactly, inline and out of line, whole and sliced (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }), { nil: null }), { maxLength: 20 }), fc.array(fc.option(fc.uint8Array({ maxLength: 30 }), { nil: null }), { maxLength: 20 }), (strings, bytes) => {
        const s = viewData(new Utf8View(), strings.map((x) => (x === null ? null : utf8(x))))
        expect(recordBatchToRows(batchOf('s', s)).map((r) => r.s)).toEqual(strings)
        const b = viewData(new BinaryView(), bytes)
        expect(recordBatchToRows(batchOf('b', b)).map((r) => r.b)).toEqual(bytes.map((x) => (x === null ? null : new Uint8Array(x))))
        if (strings.length > 1) expect(recordBatchToRows(batchOf('s', s.slice(1, strings.length - 1))).map((r) => r.s)).toEqual(strings.slice(1))
      }),
    )
  })

  it('malformed views and invalid UTF-8 are INVALID_DATA naming the column', () => {
    const bad = viewData(new Utf8View(), [Uint8Array.of(0xff, 0xfe)])
    expect(() => recordBatchToRows(batchOf('s', bad))).toThrow(/column s: a Utf8View value is not valid UTF-8/)
    const outside = viewData(new BinaryView(), [new Uint8Array(20)])
    new DataView((outside.values as Uint8Array).buffer).setInt32(12, 5, true) // offset 5 + 20 bytes > buffer of 20
    let err: unknown
    try {
      recordBatchToRows(batchOf('b', outside))
    } catch (e) {
      err = e
    }
    expect(isFloeError(err, 'INVALID_DATA') && (err as Error).message).toMatch(/column b: view 0 points outside its data buffers/)
  })

  it('map to string and binary columns, and append exactly', async () => {
    const s = viewData(new Utf8View(), [utf8('short'), utf8('a value longer than twelve bytes ü'), null])
    expect(arrowSchemaToIceberg(batchOf('s', s).schema).fields[0]!.type).toEqual({ kind: 'string' })
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('s string') })
    t = await t.appendRows(arrowRows(batchOf('s', s)))
    expect((await t.scan().toArray()).map((r) => r.s).sort()).toEqual(['a value longer than twelve bytes ü', 'short', null].sort())
    const d = await c.createTable('db.d', { schema: parseColumns('s date') })
    const e = await d.appendRows(arrowRows(batchOf('s', s))).catch((x: unknown) => x)
    expect(isFloeError(e, 'INVALID_DATA') && (e as Error).message).toMatch(/column s: Arrow type Utf8View cannot be written to a date column/)
  })
})
