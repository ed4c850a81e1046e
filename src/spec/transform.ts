// Spec §Partition Transforms: the transform values, their string forms, source and result types.
import { InvalidArgumentError } from '../errors.js'
import { T, type IcebergType, type PrimitiveType } from './types.js'

/** A partition or sort transform. `unknown` keeps a transform floe does not understand (readers ignore it). */
export type Transform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'bucket'; readonly n: number }
  | { readonly kind: 'truncate'; readonly width: number }
  | { readonly kind: 'year' }
  | { readonly kind: 'month' }
  | { readonly kind: 'day' }
  | { readonly kind: 'hour' }
  | { readonly kind: 'void' }
  | { readonly kind: 'unknown'; readonly name: string }

/** Transform constants and constructors. */
export const Transforms = {
  identity: { kind: 'identity' } as Transform,
  year: { kind: 'year' } as Transform,
  month: { kind: 'month' } as Transform,
  day: { kind: 'day' } as Transform,
  hour: { kind: 'hour' } as Transform,
  void: { kind: 'void' } as Transform,
  bucket: (n: number): Transform => ({ kind: 'bucket', n }),
  truncate: (width: number): Transform => ({ kind: 'truncate', width }),
} as const

const BUCKET = /^bucket\[\s*(\d+)\s*\]$/i
const TRUNCATE = /^truncate\[\s*(\d+)\s*\]$/i

/** Parse the string form (`bucket[16]`, `day`, …), case-insensitively; anything else is `unknown`. */
export function parseTransform(s: string): Transform {
  const t = s.trim()
  const lower = t.toLowerCase()
  switch (lower) {
    case 'identity':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'void':
      return { kind: lower }
  }
  const b = BUCKET.exec(t)
  if (b) return { kind: 'bucket', n: positive(Number(b[1]), t) }
  const w = TRUNCATE.exec(t)
  if (w) return { kind: 'truncate', width: positive(Number(w[1]), t) }
  return { kind: 'unknown', name: t }
}

function positive(n: number, text: string): number {
  if (!Number.isSafeInteger(n) || n <= 0 || n > 0x7fffffff) throw new InvalidArgumentError(`Invalid transform parameter in '${text}'`)
  return n
}

/** The string form Java writes: `identity`, `bucket[16]`, `truncate[4]`, `day`, …. */
export function transformToString(t: Transform): string {
  switch (t.kind) {
    case 'bucket':
      return `bucket[${t.n}]`
    case 'truncate':
      return `truncate[${t.width}]`
    case 'unknown':
      return t.name
    default:
      return t.kind
  }
}

/** Structural equality of transforms. */
export function transformEquals(a: Transform, b: Transform): boolean {
  return transformToString(a) === transformToString(b)
}

const TEMPORAL_SOURCES = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'])
const TIMESTAMP_SOURCES = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'])
const BUCKET_SOURCES = new Set([
  'int',
  'long',
  'decimal',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'fixed',
  'binary',
])
const TRUNCATE_SOURCES = new Set(['int', 'long', 'decimal', 'string', 'binary'])
const NOT_IDENTITY = new Set(['struct', 'list', 'map', 'variant', 'geometry', 'geography', 'unknown'])

/** Whether the transform may be applied to a source column of this type. */
export function canTransform(t: Transform, source: IcebergType): boolean {
  switch (t.kind) {
    case 'identity':
      return !NOT_IDENTITY.has(source.kind)
    case 'bucket':
      return BUCKET_SOURCES.has(source.kind)
    case 'truncate':
      return TRUNCATE_SOURCES.has(source.kind)
    case 'year':
    case 'month':
    case 'day':
      return TEMPORAL_SOURCES.has(source.kind)
    case 'hour':
      return TIMESTAMP_SOURCES.has(source.kind)
    case 'void':
      return true
    case 'unknown':
      return false
  }
}

/** The partition value type the transform produces from `source` (day → date, bucket/year/month/hour → int). */
export function resultType(t: Transform, source: PrimitiveType): PrimitiveType {
  switch (t.kind) {
    case 'identity':
    case 'truncate':
    case 'void':
      return source
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return T.int
    case 'day':
      return T.date
    case 'unknown':
      return T.string
  }
}

/** Whether transformed values keep the order of source values (needed for range projection and sort orders). */
export function preservesOrder(t: Transform): boolean {
  return t.kind === 'identity' || t.kind === 'truncate' || t.kind === 'year' || t.kind === 'month' || t.kind === 'day' || t.kind === 'hour'
}

/**
 * Java's default partition field name for a transform of `sourceName`: `PartitionSpec.Builder` names at
 * table creation (`id_bucket`, `s_trunc`); `UpdatePartitionSpec` adds the parameter (`id_bucket_16`).
 */
export function defaultPartitionName(t: Transform, sourceName: string, forEvolution = false): string {
  switch (t.kind) {
    case 'identity':
      return sourceName
    case 'bucket':
      return forEvolution ? `${sourceName}_bucket_${t.n}` : `${sourceName}_bucket`
    case 'truncate':
      return forEvolution ? `${sourceName}_trunc_${t.width}` : `${sourceName}_trunc`
    case 'void':
      return `${sourceName}_null`
    case 'unknown':
      return `${sourceName}_${t.name}`
    default:
      return `${sourceName}_${t.kind}`
  }
}
