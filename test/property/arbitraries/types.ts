// fast-check arbitraries for Iceberg primitive types and the transforms that apply to them.
import fc from 'fast-check'
import { canTransform, Transforms, type Transform } from '../../../src/spec/transform.js'
import type { PrimitiveType, SimpleKind } from '../../../src/spec/types.js'

/** Every parameterless primitive kind that holds values. */
export const SIMPLE_KINDS: readonly SimpleKind[] = [
  'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns',
  'string', 'uuid', 'binary',
]

/** decimal(P, S) with 1 ≤ P ≤ 38 and 0 ≤ S ≤ P (plus the occasional negative scale). */
export const decimalTypeArb: fc.Arbitrary<PrimitiveType> = fc
  .integer({ min: 1, max: 38 })
  .chain((precision) => fc.integer({ min: -3, max: precision }).map((scale) => ({ kind: 'decimal' as const, precision, scale })))

/** fixed[L] with 1 ≤ L ≤ 32. */
export const fixedTypeArb: fc.Arbitrary<PrimitiveType> = fc.integer({ min: 1, max: 32 }).map((length) => ({ kind: 'fixed' as const, length }))

/** Any value-holding primitive type (no unknown/variant/geo). */
export const primitiveTypeArb: fc.Arbitrary<PrimitiveType> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SIMPLE_KINDS).map((kind): PrimitiveType => ({ kind })) },
  { weight: 1, arbitrary: decimalTypeArb },
  { weight: 1, arbitrary: fixedTypeArb },
)

/** Primitive types a `bucket[N]` applies to. */
export const bucketSourceArb: fc.Arbitrary<PrimitiveType> = primitiveTypeArb.filter((t) => canTransform(Transforms.bucket(2), t))

/** Primitive types `truncate[W]` applies to. */
export const truncateSourceArb: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom<SimpleKind>('int', 'long', 'string', 'binary').map((kind): PrimitiveType => ({ kind })),
  decimalTypeArb,
)

/** date and the four timestamp types. */
export const temporalSourceArb: fc.Arbitrary<PrimitiveType> = fc
  .constantFrom<SimpleKind>('date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns')
  .map((kind) => ({ kind }))

/** A transform that applies to `source` (identity, bucket, truncate, temporal, void), chosen at random. */
export function transformFor(source: PrimitiveType): fc.Arbitrary<Transform> {
  const all: fc.Arbitrary<Transform>[] = [
    fc.constant(Transforms.identity),
    fc.integer({ min: 1, max: 64 }).map(Transforms.bucket),
    fc.integer({ min: 1, max: 12 }).map(Transforms.truncate),
    fc.constantFrom(Transforms.year, Transforms.month, Transforms.day, Transforms.hour),
    fc.constant(Transforms.void),
  ]
  return fc.oneof(...all).filter((t) => canTransform(t, source))
}
