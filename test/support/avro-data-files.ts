// Write Iceberg Avro data files for tests: the schema through floe's Iceberg→Avro conversion (field ids,
// key/value record arrays for non-string map keys), values converted to avsc's form.
import { isValidAvroName, sanitizeAvroName, structToAvro } from '../../src/spec/avro/avro-schema.js'
import { writeOcf } from '../../src/spec/avro/ocf.js'
import { primitiveToAvsc } from '../../src/spec/avro/write-values.js'
import type { DataFile } from '../../src/spec/manifest.js'
import type { Schema } from '../../src/spec/schema.js'
import type { IcebergType, MapValue, StructValue, Value } from '../../src/spec/types.js'
import type { Table } from '../../src/table/table.js'

const SITE = { file: 'test.avro', field: 'value' }

/** A floe value of `type` in avsc's form for the Avro schema floe derives from that type. */
export function toAvsc(type: IcebergType, v: Value): unknown {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'struct': {
      const out: Record<string, unknown> = {}
      for (const f of type.fields) out[isValidAvroName(f.name) ? f.name : sanitizeAvroName(f.name)] = toAvsc(f.type, (v as StructValue)[f.name] ?? null)
      return out
    }
    case 'list':
      return (v as readonly Value[]).map((x) => toAvsc(type.element, x))
    case 'map': {
      const entries = [...(v as MapValue)]
      if (type.key.kind === 'string') return Object.fromEntries(entries.map(([k, x]) => [k, toAvsc(type.value, x)]))
      return entries.map(([k, x]) => ({ key: toAvsc(type.key, k), value: toAvsc(type.value, x) }))
    }
    default:
      return primitiveToAvsc(type, v, SITE)
  }
}

/** The bytes of an Avro data file holding `rows` written with `schema` (`blockBytes` small to get several blocks). */
export function avroDataFileBytes(schema: Schema, rows: readonly Record<string, Value>[], blockBytes = 64 * 1024): Uint8Array {
  const struct = { kind: 'struct' as const, fields: schema.fields }
  return writeOcf(structToAvro(schema, 'table'), rows.map((r) => toAvsc(struct, r as StructValue)), { blockBytes })
}

/** Write `rows` as an Avro data file into the table's data folder and append it; returns the new table. */
export async function appendAvroFile(t: Table, schema: Schema, rows: readonly Record<string, Value>[], name: string, blockBytes?: number): Promise<Table> {
  const path = `${t.metadata.location}/data/${name}.avro`
  const bytes = avroDataFileBytes(schema, rows, blockBytes)
  await t.env.io.write(path, bytes)
  const file: DataFile = { content: 'data', filePath: path, fileFormat: 'AVRO', specId: t.metadata.defaultSpecId, partition: [], recordCount: BigInt(rows.length), fileSizeInBytes: BigInt(bytes.length) }
  return t.append([file])
}
