// Shared loader for spec/conformance/*.json vectors and the literal forms they use.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { at, jsonRoot } from '../../src/spec/json/json-read.js'
import { parseJson, jsonLong, type JsonObject, type JsonValue } from '../../src/spec/json/lossless.js'
import { parsePrimitiveType, typeFromJson } from '../../src/spec/json/schema-json.js'
import { isoDateToDays, isoTimeToMicros, isoTimestampToMicros, isoTimestampToNanos } from '../../src/spec/temporal.js'
import type { IcebergType, PrimitiveType, Value } from '../../src/spec/types.js'
import { decimalFromString, hexToBytes, utf8Encode, uuidToBytes } from '../../src/spec/values.js'
import { REPO_ROOT } from '../support/corpus.js'

/** Parse one vector file from spec/conformance (64-bit integers exact). */
export function loadVectors(name: string): JsonObject {
  const text = readFileSync(join(REPO_ROOT, 'spec', 'conformance', name), 'utf8')
  const v = parseJson(text, name)
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name}: expected an object`)
  if (typeof v.description !== 'string' || v.description.length < 20) throw new Error(`${name}: missing description`)
  return v
}

/** The entries of an array-valued key. */
export function entries(file: JsonObject, key: string): JsonObject[] {
  const a = file[key]
  if (!Array.isArray(a) || a.length === 0) throw new Error(`missing vector list ${key}`)
  return a as JsonObject[]
}

/** An Iceberg type from its JSON form. */
export function typeOf(v: JsonValue | undefined): IcebergType {
  return typeFromJson(v, at(jsonRoot(), 'type'))
}

/** A primitive type from its JSON string form. */
export function primitiveOf(v: JsonValue | undefined): PrimitiveType {
  if (typeof v !== 'string') throw new Error(`expected a primitive type string, got ${String(v)}`)
  return parsePrimitiveType(v)
}

/**
 * A literal as the vector files write it: `hex`/`utf8` for bytes, otherwise `value` in spec text form
 * (ISO text with any offset for temporal types, decimal text at the type scale, uuid text, numbers).
 */
export function literal(type: PrimitiveType, e: JsonObject, key = 'value'): Value {
  if (typeof e.hex === 'string' && key === 'value') return hexToBytes(e.hex)
  if (typeof e.utf8 === 'string' && key === 'value') return utf8Encode(e.utf8)
  const v = e[key]
  switch (type.kind) {
    case 'int':
    case 'float':
    case 'double':
      return Number(v)
    case 'long':
      return jsonLong(v)!
    case 'boolean':
      return v as boolean
    case 'decimal':
      return decimalFromString(v as string, type.scale)
    case 'date':
      return isoDateToDays(v as string)
    case 'time':
      return isoTimeToMicros(v as string)
    case 'timestamp':
    case 'timestamptz':
      return isoTimestampToMicros(v as string)
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return isoTimestampToNanos(v as string)
    case 'uuid':
      return uuidToBytes(v as string)
    case 'fixed':
    case 'binary':
      return hexToBytes(v as string)
    default:
      return v as string
  }
}
