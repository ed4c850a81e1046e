// Table properties (Java TableProperties names and defaults) with typed getters.
import { InvalidArgumentError } from '../errors.js'

/** Property keys floe reads, with Java's default values (as strings, as stored). */
export const PROPERTY_DEFAULTS = {
  'commit.retry.num-retries': '4',
  'commit.retry.min-wait-ms': '100',
  'commit.retry.max-wait-ms': '60000',
  'commit.retry.total-timeout-ms': '1800000',
  'commit.status-check.num-retries': '3',
  'commit.status-check.min-wait-ms': '1000',
  'commit.status-check.max-wait-ms': '60000',
  'commit.status-check.total-timeout-ms': '1800000',
  'commit.manifest.target-size-bytes': '8388608',
  'commit.manifest.min-count-to-merge': '100',
  'commit.manifest-merge.enabled': 'true',
  'write.format.default': 'parquet',
  // (write.delete.format.default has no fixed default: it falls back to write.format.default)
  'write.target-file-size-bytes': '536870912',
  'write.delete.target-file-size-bytes': '67108864',
  'write.parquet.row-group-size-bytes': '134217728',
  'write.parquet.page-size-bytes': '1048576',
  'write.parquet.page-row-limit': '20000',
  'write.parquet.dict-size-bytes': '2097152',
  'write.parquet.compression-codec': 'zstd',
  'write.avro.compression-codec': 'gzip',
  'write.manifest.compression-codec': 'gzip',
  'write.metadata.compression-codec': 'none',
  'write.metadata.previous-versions-max': '100',
  'write.metadata.delete-after-commit.enabled': 'false',
  'write.metadata.metrics.default': 'truncate(16)',
  'write.metadata.metrics.max-inferred-column-defaults': '100',
  'write.object-storage.enabled': 'false',
  'write.object-storage.partitioned-paths': 'true',
  'write.summary.partition-limit': '0',
  'write.delete.mode': 'copy-on-write',
  'write.update.mode': 'copy-on-write',
  'write.merge.mode': 'copy-on-write',
  'write.delete.isolation-level': 'serializable',
  'write.update.isolation-level': 'serializable',
  'write.merge.isolation-level': 'serializable',
  // Java's constant; Spark's writes (and floe's) use file granularity unless the table sets this property
  'write.delete.granularity': 'partition',
  'write.wap.enabled': 'false',
  'read.split.target-size': '134217728',
  'history.expire.max-snapshot-age-ms': '432000000',
  'history.expire.min-snapshots-to-keep': '1',
  'history.expire.max-ref-age-ms': '9223372036854775807',
  'gc.enabled': 'true',
  'format-version': '2',
} as const satisfies Record<string, string>

/** A property key with a known default. */
export type KnownProperty = keyof typeof PROPERTY_DEFAULTS

/**
 * Keys that are request-time hints and never persisted in metadata (Java `TableProperties.RESERVED_PROPERTIES`).
 */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  'format-version',
  'uuid',
  'snapshot-count',
  'current-snapshot-id',
  'current-snapshot-summary',
  'current-snapshot-timestamp-ms',
  'current-schema',
  'default-partition-spec',
  'default-sort-order',
])

/** Name mapping property key. */
export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default'

type Props = Readonly<Record<string, string>>

/** The property value or its Java default. */
export function prop(props: Props, key: KnownProperty): string {
  return props[key] ?? PROPERTY_DEFAULTS[key]
}

/** Java's `Integer.parseInt`: an optional sign and ASCII digits, in the 32-bit range; undefined otherwise. */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= -2147483648 && n <= 2147483647 ? n : undefined
}

/** Java's `Long.parseLong`: an optional sign and ASCII digits, in the 64-bit range; undefined otherwise. */
export function parseJavaLong(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined
  const n = BigInt(text)
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined
}

/** An integer property, parsed as Java's `PropertyUtil.propertyAsInt` (throws INVALID_ARGUMENT naming the key if malformed). */
export function intProp(props: Props, key: KnownProperty): number {
  const s = prop(props, key)
  const n = parseJavaInt(s)
  if (n === undefined) throw new InvalidArgumentError(`Table property ${key} must be an integer, got ${JSON.stringify(s)}`, { context: { field: key } })
  return n
}

/** A 64-bit integer property as bigint, parsed as Java's `PropertyUtil.propertyAsLong`. */
export function longProp(props: Props, key: KnownProperty): bigint {
  const s = prop(props, key)
  const n = parseJavaLong(s)
  if (n === undefined) throw new InvalidArgumentError(`Table property ${key} must be an integer, got ${JSON.stringify(s)}`, { context: { field: key } })
  return n
}

/** A boolean property (`true`/`false`, case-insensitive, as Java parses it). */
export function boolProp(props: Props, key: KnownProperty): boolean {
  return prop(props, key).toLowerCase() === 'true'
}

/** Commit retry policy from `commit.retry.*`. */
export interface RetryPolicy {
  readonly numRetries: number
  readonly minWaitMs: number
  readonly maxWaitMs: number
  readonly totalTimeoutMs: number
}

/**
 * Read the commit retry policy of a table. `lenient` reads a value that is not an integer as its default
 * (Java's PropertiesUpdate, so a property change can repair a corrupt retry setting); otherwise it is refused.
 */
export function retryPolicy(props: Props, lenient = false): RetryPolicy {
  const int = (key: KnownProperty): number => Math.max(0, lenient ? (parseJavaInt(prop(props, key)) ?? Number(PROPERTY_DEFAULTS[key])) : intProp(props, key))
  return {
    numRetries: int('commit.retry.num-retries'),
    minWaitMs: int('commit.retry.min-wait-ms'),
    maxWaitMs: int('commit.retry.max-wait-ms'),
    totalTimeoutMs: int('commit.retry.total-timeout-ms'),
  }
}
