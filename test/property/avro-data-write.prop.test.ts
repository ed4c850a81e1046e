// Property: any rows conforming to any schema (nested structs, lists, maps with any primitive key, unicode
// field names that Avro must sanitise) written by the Avro data-file writer read back exactly, through
// floe's reader and through avsc, for every codec and with blocks of any size.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { writeAvroData } from '../../src/avro-data/avro-data-writer.js'
import type { Row } from '../../src/parquet/codec.js'
import type { Schema } from '../../src/spec/schema.js'
import type { IcebergType, Value } from '../../src/spec/types.js'
import { canonRows } from '../unit/write/write-fixtures.js'
import { avscForm, avscRecords, readBack } from '../unit/avro-data/avro-written.js'
import { schemaArb } from './arbitraries/metadata.js'
import { nonNullValueArb } from './arbitraries/values.js'

/** Values of `t` in floe's model (null allowed unless `required`). */
function valueOf(t: IcebergType, required: boolean): fc.Arbitrary<Value> {
  const v = nonNull(t)
  return required ? v : fc.option(v, { nil: null, freq: 4 })
}

function nonNull(t: IcebergType): fc.Arbitrary<Value> {
  switch (t.kind) {
    case 'struct':
      return fc.tuple(...t.fields.map((f) => valueOf(f.type, f.required))).map((vs) => Object.fromEntries(t.fields.map((f, i) => [f.name, vs[i]!])))
    case 'list':
      return fc.array(valueOf(t.element, t.elementRequired), { maxLength: 4 })
    case 'map':
      // keys that collide (equal numbers, ±0) collapse in the Map, as they would in any map value
      return fc.array(fc.tuple(nonNull(t.key), valueOf(t.value, t.valueRequired)), { maxLength: 4 }).map((es) => new Map<Value, Value>(es))
    default:
      return nonNullValueArb(t)
  }
}

/** True when a value holds, at any depth, a map with the key "__proto__". */
function hasProtoKey(v: unknown): boolean {
  if (v instanceof Map) return [...v].some(([k, x]) => k === '__proto__' || hasProtoKey(x))
  if (Array.isArray(v)) return v.some(hasProtoKey)
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).some(hasProtoKey)
  return false
}

const case_ = schemaArb(6).chain((schema: Schema) =>
  fc.record({
    schema: fc.constant(schema),
    rows: fc.array(fc.tuple(...schema.fields.map((f) => valueOf(f.type, f.required))).map((vs) => Object.fromEntries(schema.fields.map((f, i) => [f.name, vs[i]!])) as Row), { maxLength: 12 }),
    codec: fc.constantFrom({ codec: 'null' as const }, { codec: 'deflate' as const, level: 6 }, { codec: 'snappy' as const }, { codec: 'zstandard' as const, level: 3 }),
    blockBytes: fc.constantFrom(1, 50, 64_000),
  }),
)

describe('Avro data-file writes (property)', () => {
  it('read back exactly by floe and by avsc', async () => {
    await fc.assert(
      fc.asyncProperty(case_, async ({ schema, rows, codec, blockBytes }) => {
        const { bytes, rowCount } = await writeAvroData(schema, rows, { codec, blockBytes })
        expect(rowCount).toBe(rows.length)
        expect(canonRows(schema, await readBack(bytes, schema))).toEqual(canonRows(schema, rows))
        // avsc decodes a string-keyed map by assignment, so a "__proto__" key becomes the object's prototype
        // and is lost in avsc (floe's own read-back above keeps it): compare with avsc only without one
        if (!rows.some(hasProtoKey)) expect(await avscRecords(bytes)).toEqual(avscForm(schema, rows))
      }),
      { numRuns: 150 },
    )
  })
})
