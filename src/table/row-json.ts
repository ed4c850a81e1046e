// The JSON encoding of rows (the CLI's jsonl output): exact longs, ISO temporal strings, decimal strings.
import { isNested, type IcebergType, type NestedField, type Value } from '../spec/types.js'
import { bytesToBase64, decimalToString, uuidToString } from '../spec/values.js'
import { daysToIsoDate, microsToIsoTime, microsToIsoTimestamp, nanosToIsoTimestamp } from '../spec/temporal.js'
import type { Row } from '../parquet/codec.js'
import { setOwn } from '../spec/own.js'
import { stringifyJson } from '../spec/json/lossless.js'
import { variantToJson, type VariantBytes } from '../spec/variant.js'

/**
 * One value as JSON (bigint stays bigint, to be written as a bare integer):
 * boolean → true/false; int/float/double → number (NaN and ±Infinity as strings; -0.0 stays -0, which
 * stringifyJson writes as `-0.0`); long → integer;
 * decimal → string with the column's scale; date → `YYYY-MM-DD`; time → `HH:MM:SS.ffffff`;
 * timestamp → ISO without zone; timestamptz → ISO with `+00:00`; *_ns → 9 fraction digits;
 * string → string; uuid → canonical string; fixed/binary → base64; struct → object; list → array;
 * map → object when keys are strings, else an array of `{key, value}`; variant → its value as JSON
 * (spec/variant.ts: int64 and decimals exact, temporal values and uuids as above, binary as base64).
 */
export function valueToJson(type: IcebergType, v: Value): unknown {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'int':
      return typeof v === 'number' ? v | 0 : v // an int has no -0
    case 'boolean':
    case 'long':
    case 'string':
      return v
    case 'float':
    case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v
    case 'decimal':
      return decimalToString(v as bigint, type.scale)
    case 'date':
      return daysToIsoDate(v as number)
    case 'time':
      return microsToIsoTime(v as bigint)
    case 'timestamp':
    case 'timestamptz':
      return microsToIsoTimestamp(v as bigint, { zone: type.kind === 'timestamptz' })
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return nanosToIsoTimestamp(v as bigint, { zone: type.kind === 'timestamptz_ns' })
    case 'uuid':
      return uuidToString(v as Uint8Array)
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return bytesToBase64(v as Uint8Array)
    case 'variant':
      return variantToJson(v as VariantBytes)
    case 'unknown':
      return null
    case 'struct':
      return rowToJson(type.fields, v as Row)
    case 'list':
      return (v as Value[]).map((x) => valueToJson(type.element, x))
    case 'map': {
      const m = v as ReadonlyMap<Value, Value>
      if (type.key.kind === 'string') {
        const o: Record<string, unknown> = {}
        for (const [k, x] of m) setOwn(o, k as string, valueToJson(type.value, x))
        return o
      }
      return [...m].map(([k, x]) => ({ key: valueToJson(type.key, k), value: valueToJson(type.value, x) }))
    }
  }
}

/** A row as a JSON object, in field order. */
export function rowToJson(fields: readonly NestedField[], row: Row): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const f of fields) if (Object.hasOwn(row, f.name)) setOwn(o, f.name, valueToJson(f.type, row[f.name] ?? null))
  return o
}

/** A short single-line text form of a value (table and csv output). */
export function valueToText(type: IcebergType, v: Value): string {
  // a variant prints as its JSON text, so a variant null (`null`) and a string (`"a"`) stay apart from SQL null and text
  if (type.kind === 'variant') return v === null || v === undefined ? '' : stringifyJson(valueToJson(type, v))
  const j = valueToJson(type, v)
  if (j === null) return isNested(type) ? 'null' : ''
  if (typeof j === 'string') return j
  if (typeof j === 'number' && Object.is(j, -0)) return '-0.0'
  if (typeof j === 'bigint' || typeof j === 'number' || typeof j === 'boolean') return String(j)
  return stringifyJson(j) // exact: nested longs stay bare integers, -0 keeps its sign
}
