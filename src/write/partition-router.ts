// Routing rows to partitions: each spec field's transform (applyTransform) of its source column gives the
// row's partition tuple; a canonical key groups rows of equal tuples (floats by bit identity like Java's
// Double.equals: NaN = NaN, −0 ≠ 0); the Java partition path names the directory.
import { UnsupportedError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { isUnpartitioned, partitionType, type PartitionSpec } from '../spec/partition-spec.js'
import { partitionPath } from '../spec/partition-path.js'
import { indexSchema, type Schema } from '../spec/schema.js'
import { applyTransform } from '../spec/transform-apply.js'
import { transformToString } from '../spec/transform.js'
import { isPrimitive, typeToString, type DecimalType, type PrimitiveType, type StructType, type Value } from '../spec/types.js'
import { bytesToHex, decimalFitsPrecision, decimalToString } from '../spec/values.js'
import { InvalidDataError } from './coerce.js'

/** A row's partition: the tuple (spec order), its grouping key and its directory path. */
export interface RoutedPartition {
  readonly key: string
  readonly values: readonly Value[]
}

/** Computes partitions of rows for one spec. */
export interface PartitionRouter {
  /** False for specs without fields or with only void fields (every row goes to one file set). */
  readonly partitioned: boolean
  readonly spec: PartitionSpec
  readonly partitionType: StructType
  /** The partition of one row (floe values keyed by column name; nested sources follow struct fields). */
  route(row: Row): RoutedPartition
  /** Throws the INVALID_DATA `route` would throw for the row, running only the transforms that can refuse a value. */
  check(row: Row): void
  /** `name=value/...` for a tuple, as Java's `PartitionSpec.partitionToPath`. */
  path(values: readonly Value[]): string
}

/** Grouping key of one partition value (type-tagged so `1`, `1n` and `"1"` never collide). */
export function partitionValueKey(v: Value): string {
  if (v === null) return 'N'
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 'n-0' : `n${v}`
    case 'bigint':
      return `b${v}`
    case 'string':
      return `s${v.length}:${v}`
    case 'boolean':
      return v ? 'T' : 'F'
    default:
      return v instanceof Uint8Array ? `x${bytesToHex(v)}` : `?${String(v)}`
  }
}

/** Build the router of `spec` over `schema`; unknown transforms and non-primitive sources are UNSUPPORTED. */
export function partitionRouter(spec: PartitionSpec, schema: Schema): PartitionRouter {
  const idx = indexSchema(schema)
  const ptype = partitionType(spec, schema)
  // the getters whose values can be refused (truncate of a decimal)
  const checks: ((row: Row) => Value)[] = []
  const getters = spec.fields.map((f) => {
    if (f.transform.kind === 'void') return (): Value => null
    if (f.transform.kind === 'unknown') throw new UnsupportedError(`Cannot write to partition field ${f.name} with unknown transform ${transformToString(f.transform)}`)
    if (f.sourceIds && f.sourceIds.length > 1) throw new UnsupportedError(`Cannot write to partition field ${f.name} with a multi-argument transform`)
    const e = idx.byId.get(f.sourceId)
    if (!e || !isPrimitive(e.field.type))
      throw new UnsupportedError(`Cannot write to partition field ${f.name}: source column ${f.sourceId} is not a primitive column of the current schema`)
    const names = [...e.parentIds.map((id) => idx.byId.get(id)!.field.name), e.field.name]
    const type = e.field.type as PrimitiveType
    const t = f.transform
    // truncate[W] of a decimal can leave its precision (decimal(1,0) -9 → -12): Java's manifest writer
    // refuses such a partition value, floe refuses the row, naming the column
    const fits = t.kind === 'truncate' && type.kind === 'decimal' ? (x: Value): boolean => x === null || decimalFitsPrecision(x as bigint, type.precision) : undefined
    const get = (row: Row): Value => {
      let v: Value = row[names[0]!] ?? null
      for (let i = 1; i < names.length && v !== null; i++) v = (v as Readonly<Record<string, Value>>)[names[i]!] ?? null
      const out = applyTransform(t, type, v)
      if (fits && !fits(out))
        throw new InvalidDataError(
          `Cannot partition column ${names.join('.')}: ${transformToString(t)} of ${decimalToString(v as bigint, (type as DecimalType).scale)} is ${decimalToString(out as bigint, (type as DecimalType).scale)}, more digits than ${typeToString(type)} holds (partition field ${f.name})`,
          { context: { field: names.join('.') } },
        )
      return out
    }
    if (fits) checks.push(get)
    return get
  })
  const partitioned = !isUnpartitioned(spec)
  const empty: RoutedPartition = { key: '', values: spec.fields.map(() => null) }
  return {
    partitioned,
    spec,
    partitionType: ptype,
    route(row) {
      if (!partitioned) return empty
      const values = getters.map((g) => g(row))
      return { key: values.map(partitionValueKey).join('|'), values }
    },
    check(row) {
      for (const c of checks) c(row)
    },
    path: (values) => partitionPath(spec, ptype, values),
  }
}
