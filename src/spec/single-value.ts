// Spec Appendix D: single-value binary and JSON serialization (bounds, partition summaries, defaults).
// STUB: signatures agreed; implementation in progress.
import { UnsupportedError } from '../errors.js'
import type { JsonValue } from './json/lossless.js'
import type { IcebergType, PrimitiveType, Value } from './types.js'

/** Encode a primitive value in the binary single-value form (Appendix D). */
export function toBinary(type: PrimitiveType, _value: Value): Uint8Array {
  throw new UnsupportedError(`single-value binary for ${type.kind} not implemented`)
}

/** Decode a binary single value; tolerates bounds written under a narrower (promoted-from) type. */
export function fromBinary(type: PrimitiveType, _bytes: Uint8Array): Value {
  throw new UnsupportedError(`single-value binary for ${type.kind} not implemented`)
}

/** Encode a value in the JSON single-value form (defaults, REST). */
export function toJsonValue(type: IcebergType, _value: Value): JsonValue {
  throw new UnsupportedError(`single-value JSON for ${type.kind} not implemented`)
}

/** Decode a JSON single value into the in-memory representation of `type`. */
export function fromJsonValue(type: IcebergType, _json: JsonValue): Value {
  throw new UnsupportedError(`single-value JSON for ${type.kind} not implemented`)
}
