// Property: random rows of random primitive schemas, written with hyparquet-writer (field ids on every column,
// random row-group sizes), read back exactly by hyparquetReader (longs beyond 2^53, UTF-8, decimals, bytes).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, decimalRequiredBytes, field, type NestedField, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { readBatchesOf, writeParquet, type SchemaEl } from './parquet-files.js'

interface ColumnKind {
  readonly type: PrimitiveType
  readonly element: (name: string, id: number, optional: boolean) => SchemaEl
  readonly value: fc.Arbitrary<Value>
}

const rep = (optional: boolean): 'OPTIONAL' | 'REQUIRED' => (optional ? 'OPTIONAL' : 'REQUIRED')
const LONG = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })

function decimalKind(precision: number, scale: number, storage: 'INT32' | 'INT64' | 'FIXED_LEN_BYTE_ARRAY' | 'BYTE_ARRAY'): ColumnKind {
  const max = 10n ** BigInt(precision) - 1n
  return {
    type: T.decimal(precision, scale),
    element: (name, id, optional) => ({
      name,
      type: storage,
      ...(storage === 'FIXED_LEN_BYTE_ARRAY' ? { type_length: decimalRequiredBytes(precision) } : {}),
      converted_type: 'DECIMAL',
      precision,
      scale,
      repetition_type: rep(optional),
      field_id: id,
    }),
    value: fc.bigInt({ min: -max, max }),
  }
}

const KINDS: readonly ColumnKind[] = [
  { type: T.boolean, element: (name, id, o) => ({ name, type: 'BOOLEAN', repetition_type: rep(o), field_id: id }), value: fc.boolean() },
  { type: T.int, element: (name, id, o) => ({ name, type: 'INT32', repetition_type: rep(o), field_id: id }), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { type: T.long, element: (name, id, o) => ({ name, type: 'INT64', repetition_type: rep(o), field_id: id }), value: LONG },
  { type: T.float, element: (name, id, o) => ({ name, type: 'FLOAT', repetition_type: rep(o), field_id: id }), value: fc.float() },
  { type: T.double, element: (name, id, o) => ({ name, type: 'DOUBLE', repetition_type: rep(o), field_id: id }), value: fc.double() },
  {
    type: T.string,
    element: (name, id, o) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: rep(o), field_id: id }),
    value: fc.string({ unit: 'grapheme', maxLength: 12 }),
  },
  { type: T.binary, element: (name, id, o) => ({ name, type: 'BYTE_ARRAY', repetition_type: rep(o), field_id: id }), value: fc.uint8Array({ maxLength: 10 }) },
  {
    type: T.uuid,
    element: (name, id, o) => ({ name, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' }, repetition_type: rep(o), field_id: id }),
    value: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  },
  {
    type: T.fixed(3),
    element: (name, id, o) => ({ name, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 3, repetition_type: rep(o), field_id: id }),
    value: fc.uint8Array({ minLength: 3, maxLength: 3 }),
  },
  {
    type: T.date,
    element: (name, id, o) => ({ name, type: 'INT32', converted_type: 'DATE', repetition_type: rep(o), field_id: id }),
    value: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  },
  {
    type: T.time,
    element: (name, id, o) => ({ name, type: 'INT64', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' }, repetition_type: rep(o), field_id: id }),
    value: fc.bigInt({ min: 0n, max: 86_399_999_999n }),
  },
  {
    type: T.timestamptz,
    element: (name, id, o) => ({ name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: rep(o), field_id: id }),
    value: LONG,
  },
  {
    type: T.timestampNs,
    element: (name, id, o) => ({ name, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' }, repetition_type: rep(o), field_id: id }),
    value: LONG,
  },
  decimalKind(9, 2, 'INT32'),
  decimalKind(18, 6, 'INT64'),
  decimalKind(38, 10, 'FIXED_LEN_BYTE_ARRAY'),
  decimalKind(25, 0, 'BYTE_ARRAY'),
]

const column = fc.record({ kind: fc.integer({ min: 0, max: KINDS.length - 1 }), optional: fc.boolean() })

const table = fc
  .record({ columns: fc.array(column, { minLength: 1, maxLength: 6 }), rows: fc.integer({ min: 0, max: 120 }), rowGroupSize: fc.integer({ min: 1, max: 50 }) })
  .chain(({ columns, rows, rowGroupSize }) =>
    fc.record({
      columns: fc.constant(columns),
      rowGroupSize: fc.constant(rowGroupSize),
      data: fc.tuple(...columns.map((c) => fc.array(c.optional ? fc.option(KINDS[c.kind]!.value, { nil: null }) : KINDS[c.kind]!.value, { minLength: rows, maxLength: rows }))),
    }),
  )

describe('hyparquetReader property', () => {
  it('reads back exactly what hyparquet-writer wrote, by field id, with exact positions', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ columns, rowGroupSize, data }) => {
        // field ids deliberately differ from column order; names differ from the table's names
        const ids = columns.map((_, i) => 100 + ((i * 7) % columns.length) * 3)
        const elements: SchemaEl[] = [{ name: 'table', num_children: columns.length }, ...columns.map((c, i) => KINDS[c.kind]!.element(`c${i}`, ids[i]!, c.optional))]
        const bytes = writeParquet(
          elements,
          columns.map((_, i) => ({ name: `c${i}`, data: data[i]! })),
          { rowGroupSize },
        )
        const fields: NestedField[] = columns.map((c, i) => field(ids[i]!, `col_${ids[i]}`, KINDS[c.kind]!.type, { required: !c.optional })).reverse()
        const batches = await readBatchesOf(bytes, { schema: schema(fields), batchSize: 17 })
        const rows = batches.flatMap((b) => b.rows)
        let at = 0
        for (const b of batches) {
          expect(b.start).toBe(at)
          at += b.rows.length
        }
        const n = data[0]!.length
        expect(rows.length).toBe(n)
        for (let r = 0; r < n; r++) {
          const expected: Record<string, Value> = {}
          for (const f of fields) expected[f.name] = data[ids.indexOf(f.id)]![r]!
          expect(rows[r]).toEqual(expected)
        }
      }),
      { numRuns: 150 },
    )
  })
})
