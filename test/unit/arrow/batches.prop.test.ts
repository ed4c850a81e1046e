// Properties: random schemas (primitive columns, then nested struct/list/map shapes) and rows survive
// rows → RecordBatch → Arrow IPC → rows exactly, and the Arrow schema maps back to the same Iceberg schema.
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { arrowTableToRows, rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { arrowSchemaToIceberg } from '../../../src/arrow/schema.js'
import type { Row } from '../../../src/parquet/codec.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import type { IcebergType, NestedField, PrimitiveType, Value } from '../../../src/spec/types.js'
import { primitiveTypeArb } from '../../property/arbitraries/types.js'
import { nonNullValueArb } from '../../property/arbitraries/values.js'
import { firstDifference } from './fixtures.js'

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100)

/** A type shape before ids are assigned. */
type Shape =
  | { readonly k: 'p'; readonly t: PrimitiveType }
  | { readonly k: 'struct'; readonly fields: readonly { readonly required: boolean; readonly shape: Shape }[] }
  | { readonly k: 'list'; readonly required: boolean; readonly element: Shape }
  | { readonly k: 'map'; readonly key: PrimitiveType; readonly required: boolean; readonly value: Shape }

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitiveTypeArb.map((t): Shape => ({ k: 'p', t })),
    fc.array(fc.record({ required: fc.boolean(), shape: tie('shape') }), { minLength: 1, maxLength: 3 }).map((fields): Shape => ({ k: 'struct', fields })),
    fc.record({ required: fc.boolean(), element: tie('shape') }).map((r): Shape => ({ k: 'list', ...r })),
    fc.record({ key: primitiveTypeArb, required: fc.boolean(), value: tie('shape') }).map((r): Shape => ({ k: 'map', ...r })),
  ),
})).shape

function toSchema(columns: readonly { required: boolean; shape: Shape }[]): Schema {
  let next = 1
  const typeOf = (s: Shape): IcebergType => {
    switch (s.k) {
      case 'p':
        return s.t
      case 'struct':
        return { kind: 'struct', fields: fieldsOf(s.fields) }
      case 'list': {
        const elementId = next++
        return { kind: 'list', elementId, element: typeOf(s.element), elementRequired: s.required }
      }
      case 'map': {
        const keyId = next++
        const valueId = next++
        return { kind: 'map', keyId, key: s.key, valueId, value: typeOf(s.value), valueRequired: s.required }
      }
    }
  }
  const fieldsOf = (fs: readonly { required: boolean; shape: Shape }[]): NestedField[] => {
    const ids = fs.map(() => next++)
    return fs.map((f, i) => ({ id: ids[i]!, name: `c${i}`, required: f.required, type: typeOf(f.shape) }))
  }
  return schema(fieldsOf(columns))
}

function valueArb(type: IcebergType, required: boolean): fc.Arbitrary<Value> {
  const v = nonNull(type)
  return required ? v : fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: v })
}

function nonNull(type: IcebergType): fc.Arbitrary<Value> {
  switch (type.kind) {
    case 'struct':
      return fc.tuple(...type.fields.map((f) => valueArb(f.type, f.required))).map((vs) => Object.fromEntries(type.fields.map((f, i) => [f.name, vs[i]!])))
    case 'list':
      return fc.array(valueArb(type.element, type.elementRequired), { maxLength: 4 })
    case 'map':
      return fc.array(fc.tuple(nonNull(type.key), valueArb(type.value, type.valueRequired)), { maxLength: 3 }).map((es) => new Map<Value, Value>(es))
    default:
      return nonNullValueArb(type)
  }
}

function rowsArb(s: Schema): fc.Arbitrary<Row[]> {
  const row = fc.tuple(...s.fields.map((f) => valueArb(f.type, f.required))).map((vs) => Object.fromEntries(s.fields.map((f, i) => [f.name, vs[i]!])) as Row)
  return fc.array(row, { maxLength: 12 })
}

function roundTrip(s: Schema, rows: Row[]): void {
  const batch = rowsToRecordBatch(s, rows)
  const back = tableFromIPC(tableToIPC(new Table([batch])))
  expect(arrowSchemaToIceberg(back.schema)).toEqual(s)
  const out = arrowTableToRows(back)
  const at = firstDifference(out, rows)
  if (at >= 0) expect(out[at]).toEqual(rows[at])
  expect(at).toBe(-1)
}

const primitiveColumns = fc.array(fc.record({ required: fc.boolean(), shape: primitiveTypeArb.map((t): Shape => ({ k: 'p', t })) }), { minLength: 1, maxLength: 6 })
const nestedColumns = fc.array(fc.record({ required: fc.boolean(), shape: shapeArb }), { minLength: 1, maxLength: 4 })

describe('rows → Arrow → rows (property)', () => {
  it('is exact for random primitive schemas and rows', () => {
    fc.assert(
      fc.property(primitiveColumns.map(toSchema).chain((s) => fc.tuple(fc.constant(s), rowsArb(s))), ([s, rows]) => roundTrip(s, rows)),
      { numRuns: NUM_RUNS },
    )
  })

  it('is exact for random nested struct/list/map schemas and rows', () => {
    fc.assert(
      fc.property(nestedColumns.map(toSchema).chain((s) => fc.tuple(fc.constant(s), rowsArb(s))), ([s, rows]) => roundTrip(s, rows)),
      { numRuns: NUM_RUNS },
    )
  })
})
