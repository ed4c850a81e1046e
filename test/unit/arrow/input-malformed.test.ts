// Arrow input that cannot be read as it is fails with INVALID_DATA naming the row and column, instead of changing
// values: a Date64 that is not a whole number of days, Utf8 bytes that are not UTF-8, a dictionary index
// outside the dictionary, and a map holding one key twice (which a JS Map would silently collapse).
import * as A from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { arrowRows } from '../../../src/arrow/index.js'
import type { FloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field, type IcebergType } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'

// Append one Arrow column `c` to a fresh table whose column c has `type`; the error code and message, or the rows.
async function put(type: IcebergType, input: A.Table): Promise<string | unknown[]> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  const t = await c.createTable('db.t', { schema: schema([field(1, 'c', type)]) })
  try {
    const next = await t.appendRows(arrowRows(input))
    const out: unknown[] = []
    for await (const r of next.scan().rows()) out.push(r.c)
    return out
  } catch (e) {
    return `${(e as FloeError).code}: ${(e as Error).message}`
  }
}
const column = (data: A.Data): A.Table => new A.Table({ c: A.makeVector(data) })

describe('malformed Arrow input', () => {
  it('a Date64 that is not a whole number of days is refused; whole days are read', async () => {
    const day = 86_400_000n
    expect(await put(T.date, column(A.makeData({ type: new A.DateMillisecond(), length: 2, data: new BigInt64Array([day, -2n * day]) })))).toEqual([1, -2])
    expect(await put(T.date, column(A.makeData({ type: new A.DateMillisecond(), length: 1, data: new BigInt64Array([day + day / 2n]) })))).toMatch(
      /^INVALID_DATA: Invalid data in Arrow input row 1 column c: Date64 value 129600000 ms is not a whole number of days/,
    )
  })

  it('Utf8 bytes that are not UTF-8 are refused, not replaced by U+FFFD', async () => {
    const bad = A.makeData({ type: new A.Utf8(), length: 1, valueOffsets: new Int32Array([0, 2]), data: new Uint8Array([0xff, 0x41]) })
    expect(await put(T.string, column(bad))).toMatch(/^INVALID_DATA: Invalid data in Arrow input row 1 column c: a Utf8 value is not valid UTF-8/)
    const good = A.makeData({ type: new A.Utf8(), length: 1, valueOffsets: new Int32Array([0, 2]), data: new Uint8Array([0xc3, 0xa9]) })
    expect(await put(T.string, column(good))).toEqual(['é'])
  })

  it('a dictionary index outside the dictionary is refused, not read as null', async () => {
    const type = new A.Dictionary(new A.Utf8(), new A.Int32())
    const dictionary = A.vectorFromArray(['a'], new A.Utf8())
    const out = A.makeData({ type, length: 2, nullCount: 0, data: new Int32Array([0, 5]), dictionary })
    expect(await put(T.string, column(out))).toMatch(/^INVALID_DATA: .*column c: dictionary index 5 is outside the dictionary \(1 entries\)/)
    const ok = A.makeData({ type, length: 2, nullCount: 0, data: new Int32Array([0, 0]), dictionary })
    expect(await put(T.string, column(ok))).toEqual(['a', 'a'])
  })

  it('a map with a repeated key is refused, not collapsed to its last entry', async () => {
    const mapOf = (keys: string[]): A.Data => {
      const type = new A.Map_(new A.Field('entries', new A.Struct<{ key: A.Utf8; value: A.Int32 }>([new A.Field('key', new A.Utf8(), false), new A.Field('value', new A.Int32(), true)]), false))
      const child = A.makeData({
        type: type.children[0]!.type,
        length: keys.length,
        nullCount: 0,
        children: [A.vectorFromArray(keys, new A.Utf8()).data[0]!, A.vectorFromArray(keys.map((_, i) => i + 1), new A.Int32()).data[0]!],
      })
      return A.makeData({ type, length: 1, nullCount: 0, valueOffsets: new Int32Array([0, keys.length]), child })
    }
    const mapType = T.map(2, T.string, 3, T.int)
    expect(await put(mapType, column(mapOf(['k', 'k', 'j'])))).toMatch(/^INVALID_DATA: .*column c: the map has the key "k" more than once/)
    expect(await put(mapType, column(mapOf(['k', 'j'])))).toEqual([
      new Map([
        ['k', 1],
        ['j', 2],
      ]),
    ])
  })
})
