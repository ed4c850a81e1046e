// A string value that starts with U+FEFF keeps it through every reader (Parquet, Avro, Arrow) and through a
// copy-on-write rewrite: TextDecoder drops a leading BOM unless told not to.
import { describe, expect, it } from 'vitest'
import { scanToArrowTable } from '../../../src/arrow/index.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string), field(3, 'xs', T.list(4, T.string))])
const ROWS = [
  { id: 1n, s: '\uFEFFa', xs: ['\uFEFF', 'b\uFEFF'] },
  { id: 2n, s: '\uFEFF\uFEFFlong enough to leave the short ASCII path', xs: null },
]

describe('strings starting with U+FEFF', () => {
  it.each(['parquet', 'avro'])('keep it in %s files, in rows, Arrow and rewrites', async (format) => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA, properties: { 'write.format.default': format } })
    t = await t.appendRows([...ROWS, { id: 3n, s: 'x', xs: [] }])
    const sorted = async (): Promise<unknown[]> => (await t.scan().toArray()).sort((a, b) => (a.id! < b.id! ? -1 : 1))
    expect((await sorted()).slice(0, 2)).toEqual(ROWS)
    // the Arrow buffers hold the BOM (apache-arrow's own string getter drops it when decoding, as TextDecoder does)
    const arrow = await scanToArrowTable(t.scan({ select: ['id', 's'] }))
    const data = arrow.getChild('s')!.data[0]!
    expect(Buffer.from(data.values as Uint8Array).toString('hex')).toContain(Buffer.from('\uFEFFa').toString('hex'))
    t = await t.deleteRows('id = 3', { mode: 'copy-on-write' })
    expect(await sorted()).toEqual(ROWS)
  })
})
