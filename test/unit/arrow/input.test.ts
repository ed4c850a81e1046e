// Arrow as write input: an Arrow Table built by another producer (tableFromArrays) and floe's own batches
// are appended to an Iceberg table and read back exactly.
import { tableFromArrays } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { arrowRows } from '../../../src/arrow/input.js'
import { rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { scanToArrowTable } from '../../../src/arrow/scan.js'
import { schema } from '../../../src/spec/schema.js'
import { field, T } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'name', T.string), field(3, 'score', T.double)])

describe('arrowRows', () => {
  it('appends an Arrow table from another producer and a stream of batches, exactly', async () => {
    const c = makeCatalog('filesystem')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA })
    const ids = new BigInt64Array([9007199254740993n, -1n, 0n])
    const external = tableFromArrays({ id: ids, name: ['a', 'ü', 'c'], score: new Float64Array([1.5, -0, Number.NaN]) })
    t = await t.appendRows(arrowRows(external))
    async function* stream() {
      yield rowsToRecordBatch(t.schema(), [{ id: 7n, name: null, score: null }])
      yield rowsToRecordBatch(t.schema(), [{ id: 8n, name: 'x', score: 2 }])
    }
    t = await t.appendRows(arrowRows(stream()))
    const rows = (await t.scan().toArray()).sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))
    expect(rows.map((r) => r.id)).toEqual([-1n, 0n, 7n, 8n, 9007199254740993n])
    expect(rows.find((r) => r.id === -1n)!).toEqual({ id: -1n, name: 'ü', score: -0 })
    expect(Number.isNaN(rows.find((r) => r.id === 0n)!.score as number)).toBe(true)
    // and back out to Arrow with the int64 column exact
    const back = await scanToArrowTable(t.scan())
    const backIds = back.batches.flatMap((b) => [...(b.getChild('id')!.data[0]!.values as BigInt64Array).slice(0, b.numRows)])
    expect(backIds.sort((a, b) => (a < b ? -1 : 1))).toEqual([-1n, 0n, 7n, 8n, 9007199254740993n])
  })
})
