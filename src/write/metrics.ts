// Iceberg column metrics computed from the values while writing (never from Parquet footer statistics):
// Java's MetricsConfig (default `truncate(16)`, per-column modes, the inferred-column limit, sorted columns
// promoted), counts and bounds per leaf field id with Iceberg ordering, and the bound truncation of Java's
// UnicodeUtil/BinaryUtil. Like Java ≥ 1.9 (ParquetMetrics), fields inside lists and maps get no counts or
// bounds, only column sizes.
import { InvalidArgumentError } from '../errors.js'
import type { ParquetWriteSchema } from '../parquet/parquet-write-schema.js'
import { parseJavaInt } from '../spec/properties.js'
import { fieldName, type Schema } from '../spec/schema.js'
import { toBinary } from '../spec/single-value.js'
import type { SortOrder } from '../spec/sort-order.js'
import { preservesOrder } from '../spec/transform.js'
import { isPrimitive, type IcebergType, type PrimitiveType, type Value } from '../spec/types.js'
import { truncateCodePoints } from '../spec/values.js'
import { mergeStats, scanValues, statsKind, type ColumnStats, type StatsKind } from '../parquet/column-stats.js'

/** How much of a column's metrics is kept (Java MetricsModes). */
export type MetricsMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'counts' }
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'full' }

/** The metrics modes; `truncate(16)` is the default. */
export const MetricsModes = {
  none: { kind: 'none' } as MetricsMode,
  counts: { kind: 'counts' } as MetricsMode,
  full: { kind: 'full' } as MetricsMode,
  truncate: (length: number): MetricsMode => ({ kind: 'truncate', length }),
} as const

const TRUNCATE = /^truncate\((\d+)\)$/

/** Parse `none|counts|full|truncate(N)` case-insensitively (N > 0); undefined when invalid (Java falls back). */
export function parseMetricsMode(s: string): MetricsMode | undefined {
  const lower = s.toLowerCase()
  if (lower === 'none') return MetricsModes.none
  if (lower === 'counts') return MetricsModes.counts
  if (lower === 'full') return MetricsModes.full
  const m = TRUNCATE.exec(lower)
  if (!m) return undefined
  const n = Number(m[1])
  return Number.isSafeInteger(n) && n > 0 && n <= 0x7fffffff ? MetricsModes.truncate(n) : undefined
}

/** Java's string form of a mode. */
export function metricsModeToString(m: MetricsMode): string {
  return m.kind === 'truncate' ? `truncate(${m.length})` : m.kind
}

/** Metrics modes by full column name, with a default. */
export interface MetricsConfig {
  readonly defaultMode: MetricsMode
  readonly columnModes: ReadonlyMap<string, MetricsMode>
}

const DEFAULT_MODE = MetricsModes.truncate(16)
const COLUMN_PREFIX = 'write.metadata.metrics.column.'

/**
 * Number of field ids Java's `TypeUtil.getProjectedIds(schema)` returns, the figure compared with
 * `max-inferred-column-defaults`: every struct member that is a struct or primitive (variant included),
 * every list element and map key/value pair whose element or value is primitive; list and map fields
 * themselves, and elements or keys beside a nested element or value, do not count.
 */
export function projectedIdCount(schema: Schema): number {
  let n = 0
  // true when the type is nested (Java's visitor returns a non-null result for it)
  const visit = (t: IcebergType): boolean => {
    switch (t.kind) {
      case 'struct':
        for (const f of t.fields) {
          visit(f.type)
          if (f.type.kind === 'struct' || isPrimitive(f.type)) n++
        }
        return true
      case 'list':
        if (!visit(t.element)) n++
        return true
      case 'map':
        visit(t.key)
        if (!visit(t.value)) n += 2
        return true
      default:
        return false
    }
  }
  visit({ kind: 'struct', fields: schema.fields })
  return n
}

/**
 * The first `limit` metrics-eligible ids in Java's `MetricsConfig.limitFieldIds` order: a struct's own
 * primitive members first (in field order), then each member descended into in turn; a list contributes
 * its primitive element, a map its primitive key then value, before their nested types are visited.
 */
export function limitFieldIds(schema: Schema, limit: number): number[] {
  const ids: number[] = []
  const full = (): boolean => ids.length >= limit
  const visit = (t: IcebergType): void => {
    switch (t.kind) {
      case 'struct':
        for (const f of t.fields) {
          if (full()) return
          if (isPrimitive(f.type)) ids.push(f.id)
        }
        for (const f of t.fields) {
          if (full()) return
          visit(f.type)
        }
        return
      case 'list':
        if (!full() && isPrimitive(t.element)) ids.push(t.elementId)
        visit(t.element)
        return
      case 'map':
        if (!full() && isPrimitive(t.key)) ids.push(t.keyId)
        if (!full() && isPrimitive(t.value)) ids.push(t.valueId)
        visit(t.key)
        visit(t.value)
        return
      default:
        return
    }
  }
  visit({ kind: 'struct', fields: schema.fields })
  return ids
}

/**
 * Java `MetricsConfig.forTable` (≥ 1.10): `write.metadata.metrics.default` for every column when set;
 * otherwise `truncate(16)` everywhere while {@link projectedIdCount} is within
 * `write.metadata.metrics.max-inferred-column-defaults` (100), else `truncate(16)` only for the
 * {@link limitFieldIds} and `none` for the rest; order-preserving sort columns get at least
 * `truncate(16)`; `write.metadata.metrics.column.<name>` overrides. Invalid modes fall back like Java.
 */
export function metricsConfig(props: Readonly<Record<string, string>>, schema: Schema, sortOrder?: SortOrder): MetricsConfig {
  const columnModes = new Map<string, MetricsMode>()
  const rawMax = props['write.metadata.metrics.max-inferred-column-defaults']
  let maxInferred = 100
  if (rawMax !== undefined) {
    const n = parseJavaInt(rawMax)
    if (n === undefined) throw new InvalidArgumentError(`Table property write.metadata.metrics.max-inferred-column-defaults must be an integer, got ${JSON.stringify(rawMax)}`)
    maxInferred = n < 0 ? 100 : n
  }
  let defaultMode: MetricsMode
  const configured = props['write.metadata.metrics.default']
  if (configured !== undefined) defaultMode = parseMetricsMode(configured) ?? DEFAULT_MODE
  else if (projectedIdCount(schema) <= maxInferred) defaultMode = DEFAULT_MODE
  else {
    for (const id of limitFieldIds(schema, maxInferred)) columnModes.set(fieldName(schema, id)!, DEFAULT_MODE)
    defaultMode = MetricsModes.none
  }
  const sortedMode = defaultMode.kind === 'none' || defaultMode.kind === 'counts' ? MetricsModes.truncate(16) : defaultMode
  for (const f of sortOrder?.fields ?? []) {
    const name = preservesOrder(f.transform) ? fieldName(schema, f.sourceId) : undefined
    if (name !== undefined) columnModes.set(name, sortedMode)
  }
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(COLUMN_PREFIX)) columnModes.set(key.slice(COLUMN_PREFIX.length), parseMetricsMode(value) ?? defaultMode)
  }
  return { defaultMode, columnModes }
}

/** Mode of a field id: by its full name (`a.b`, `l.element`), else the default. */
export function metricsModeOf(config: MetricsConfig, schema: Schema, fieldId: number): MetricsMode {
  const name = fieldName(schema, fieldId)
  return (name === undefined ? undefined : config.columnModes.get(name)) ?? config.defaultMode
}

// --- truncation (Java UnicodeUtil / BinaryUtil) ---------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** The string as UTF-8 stores it: lone surrogates become U+FFFD. */
export function wellFormed(s: string): string {
  return /[\uD800-\uDFFF]/.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s
}

/** Lower bound of `s` with at most `length` code points (its prefix). */
export function truncateStringMin(s: string, length: number): string {
  return truncateCodePoints(wellFormed(s), length)
}

/**
 * Upper bound of `s` with at most `length` code points: the prefix with its last code point incremented
 * (U+D7FF → U+E000; U+10FFFF cannot grow, so an earlier code point is incremented); undefined when none exists.
 */
export function truncateStringMax(s: string, length: number): string | undefined {
  const w = wellFormed(s)
  if (truncateCodePoints(w, length).length === w.length) return w
  const cps = Array.from(w.slice(0, truncateCodePoints(w, length).length), (c) => c.codePointAt(0)!)
  for (let i = cps.length - 1; i >= 0; i--) {
    const cp = cps[i]!
    if (cp === 0x10ffff) continue
    const next = cp === 0xd7ff ? 0xe000 : cp + 1
    return String.fromCodePoint(...cps.slice(0, i), next)
  }
  return undefined
}

/** Lower bound of bytes with at most `length` bytes (the prefix). */
export function truncateBinaryMin(b: Uint8Array, length: number): Uint8Array {
  return length >= b.length ? b : b.slice(0, length)
}

/** Upper bound with at most `length` bytes: the prefix with its last non-0xFF byte incremented; undefined when all are 0xFF. */
export function truncateBinaryMax(b: Uint8Array, length: number): Uint8Array | undefined {
  if (length >= b.length) return b
  for (let i = length - 1; i >= 0; i--) {
    if (b[i] !== 0xff) {
      const out = b.slice(0, i + 1)
      out[i]! += 1
      return out
    }
  }
  return undefined
}

// --- accumulation -----------------------------------------------------------------------------------------

/** Metrics of one written file, keyed by field id (the `data_file` metric maps). */
export interface FileMetrics {
  readonly recordCount: bigint
  readonly columnSizes: ReadonlyMap<number, bigint>
  readonly valueCounts: ReadonlyMap<number, bigint>
  readonly nullValueCounts: ReadonlyMap<number, bigint>
  readonly nanValueCounts: ReadonlyMap<number, bigint>
  readonly lowerBounds: ReadonlyMap<number, Uint8Array>
  readonly upperBounds: ReadonlyMap<number, Uint8Array>
}

/** Collects metrics of the row groups of one file. */
export interface MetricsAccumulator {
  /** One row group's columns (floe values, the writer's column order), with the writer's statistics of flat columns when it has them. */
  observe(columns: readonly (readonly Value[])[], rowCount: number, stats?: readonly (ColumnStats | undefined)[]): void
  /** Final metrics; `columnSizes` are the written chunk sizes by leaf field id. */
  finish(columnSizes: ReadonlyMap<number, bigint>): FileMetrics
}

interface LeafState extends ColumnStats {
  readonly fieldId: number
  readonly type: PrimitiveType
  readonly kind: StatsKind
  readonly column: number
  readonly path: readonly string[]
  readonly mode: MetricsMode
}

// Values of a struct-nested leaf: null when any struct on the way is null.
function extract(values: readonly Value[], path: readonly string[]): Value[] {
  return values.map((top) => {
    let v: Value = top
    for (let i = 1; i < path.length && v !== null && v !== undefined; i++) v = (v as Readonly<Record<string, Value>>)[path[i]!] ?? null
    return v ?? null
  })
}

function bounds(st: LeafState): { lower?: Uint8Array; upper?: Uint8Array } {
  if (st.min === undefined || st.max === undefined) return {}
  let lo: Value | undefined = st.min
  let hi: Value | undefined = st.max
  const mode = st.mode
  if (st.type.kind === 'string') {
    lo = mode.kind === 'truncate' ? truncateStringMin(lo as string, mode.length) : wellFormed(lo as string)
    hi = mode.kind === 'truncate' ? truncateStringMax(hi as string, mode.length) : wellFormed(hi as string)
  } else if (st.type.kind === 'binary' && mode.kind === 'truncate') {
    lo = truncateBinaryMin(lo as Uint8Array, mode.length)
    hi = truncateBinaryMax(hi as Uint8Array, mode.length)
  }
  return { lower: toBinary(st.type, lo), ...(hi === undefined ? {} : { upper: toBinary(st.type, hi) }) }
}

/** Start collecting metrics for a file written with `layout` under `config` (modes resolved against `schema`). */
export function metricsAccumulator(schema: Schema, layout: ParquetWriteSchema, config: MetricsConfig): MetricsAccumulator {
  const modes = new Map<number, MetricsMode>(layout.leaves.map((l) => [l.fieldId, metricsModeOf(config, schema, l.fieldId)]))
  const leaves: LeafState[] = layout.leaves
    .filter((l) => !l.repeated && modes.get(l.fieldId)!.kind !== 'none')
    .map((l) => ({ fieldId: l.fieldId, type: l.type, kind: statsKind(l.type), column: l.column, path: l.structPath, mode: modes.get(l.fieldId)!, nulls: 0, nans: 0, min: undefined, max: undefined }))
  let rows = 0
  return {
    observe(columns, rowCount, stats) {
      rows += rowCount
      for (const st of leaves) {
        const keepBounds = st.mode.kind === 'truncate' || st.mode.kind === 'full'
        const chunk = st.path.length === 1 ? stats?.[st.column] : undefined
        if (chunk) mergeStats(st.kind, st, chunk, keepBounds)
        else {
          const col = columns[st.column]!
          scanValues(st.kind, st.path.length > 1 ? extract(col, st.path) : col, keepBounds, st)
        }
      }
    },
    finish(columnSizes) {
      const sizes = new Map<number, bigint>()
      for (const [id, size] of columnSizes) if (modes.get(id)?.kind !== 'none') sizes.set(id, size)
      const valueCounts = new Map<number, bigint>()
      const nullValueCounts = new Map<number, bigint>()
      const nanValueCounts = new Map<number, bigint>()
      const lowerBounds = new Map<number, Uint8Array>()
      const upperBounds = new Map<number, Uint8Array>()
      for (const st of leaves) {
        valueCounts.set(st.fieldId, BigInt(rows))
        nullValueCounts.set(st.fieldId, BigInt(st.nulls))
        if (st.kind === 'float' || st.kind === 'double') nanValueCounts.set(st.fieldId, BigInt(st.nans))
        const b = bounds(st)
        if (b.lower) lowerBounds.set(st.fieldId, b.lower)
        if (b.upper) upperBounds.set(st.fieldId, b.upper)
      }
      return { recordCount: BigInt(rows), columnSizes: sizes, valueCounts, nullValueCounts, nanValueCounts, lowerBounds, upperBounds }
    },
  }
}
