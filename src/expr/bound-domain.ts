// How the metrics and manifest evaluators compare stored bounds with literals without decoding where the
// encoding already sorts correctly: strings/binary/fixed/uuid compare as raw bytes (UTF-8 byte order is
// Iceberg's string order) and ints/longs/timestamps as little-endian two's complement, so the per-file
// path allocates nothing; floats, decimals and booleans are decoded.
import { fromBinary, toBinary } from '../spec/single-value.js'
import type { PrimitiveType, Value } from '../spec/types.js'
import { utf8Encode } from '../spec/values.js'
import { boundComparators, comparatorFor, type Comparator } from './value-test.js'

/** A comparison domain for the stored bounds of one column type. */
export interface BoundDomain {
  /** The stored bound as a domain value, or undefined when it cannot be read. */
  readonly decode: (bytes: Uint8Array) => Value | undefined
  /** A literal (in-memory value of the type) as a domain value. */
  readonly literal: (v: Value) => Value
  /** The orders bounds may have been written in (two for uuid: unsigned and Java's signed). */
  readonly comparators: readonly Comparator[]
  /** The type whose equality (`membershipFor`) applies to domain values. */
  readonly memberType: PrimitiveType
}

const BINARY: PrimitiveType = { kind: 'binary' }
const bytes = comparatorFor(BINARY)

// Signed little-endian integers of equal width: the top byte decides the sign.
const signedLE: Comparator = (a, b) => {
  const x = a as Uint8Array
  const y = b as Uint8Array
  const top = x.length - 1
  const d = ((x[top]! << 24) >> 24) - ((y[top]! << 24) >> 24)
  if (d !== 0) return d < 0 ? -1 : 1
  for (let i = top - 1; i >= 0; i--) {
    const e = x[i]! - y[i]!
    if (e !== 0) return e < 0 ? -1 : 1
  }
  return 0
}

const scratch = new DataView(new ArrayBuffer(8))

function decodeFloat(bytes: Uint8Array, double: boolean): number | undefined {
  if (bytes.length === 4) {
    for (let i = 0; i < 4; i++) scratch.setUint8(i, bytes[i]!)
    return scratch.getFloat32(0, true)
  }
  if (bytes.length !== 8 || !double) return undefined
  for (let i = 0; i < 8; i++) scratch.setUint8(i, bytes[i]!)
  return scratch.getFloat64(0, true)
}

function decoded(type: PrimitiveType): (bytes: Uint8Array) => Value | undefined {
  return (bytes) => {
    try {
      return fromBinary(type, bytes)
    } catch {
      return undefined
    }
  }
}

/** The comparison domain of a column type's bounds (see the module comment). */
export function boundDomain(type: PrimitiveType): BoundDomain {
  const comparators = boundComparators(type)
  switch (type.kind) {
    case 'string':
      return { decode: (b) => b, literal: (v) => utf8Encode(v as string), comparators: [bytes], memberType: BINARY }
    case 'binary':
    case 'fixed':
      return { decode: (b) => b, literal: (v) => v, comparators: [bytes], memberType: BINARY }
    case 'uuid':
      return { decode: (b) => (b.length === 16 ? b : undefined), literal: (v) => v, comparators, memberType: BINARY }
    case 'int':
    case 'date':
      return { decode: (b) => (b.length === 4 ? b : undefined), literal: (v) => toBinary(type, v), comparators: [signedLE], memberType: BINARY }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const widen = decoded(type)
      return {
        // 4 bytes: written before a promotion (int → long, date → timestamp); re-encode at full width
        decode: (b) => {
          if (b.length === 8) return b
          const v = b.length === 4 ? widen(b) : undefined
          return v === undefined ? undefined : toBinary(type, v)
        },
        literal: (v) => toBinary(type, v),
        comparators: [signedLE],
        memberType: BINARY,
      }
    }
    case 'float':
    case 'double': {
      const double = type.kind === 'double'
      return { decode: (b) => decodeFloat(b, double), literal: (v) => v, comparators, memberType: type }
    }
    default:
      return { decode: decoded(type), literal: (v) => v, comparators, memberType: type }
  }
}
