// What writers record for a set of rows, for the metrics and manifest properties: a DataFile's counts and
// lower/upper bounds (truncate(16) strings/binary with incremented upper bounds, counts-only and missing
// columns, dropped maps, bounds in an older type's encoding, Java's signed uuid order) and manifest-list
// partition summaries.
import fc from 'fast-check'
import type { Row } from '../../../src/parquet/codec.js'
import type { DataFile, FieldSummary, ManifestFile } from '../../../src/spec/manifest.js'
import { partitionFieldType, type PartitionSpec } from '../../../src/spec/partition-spec.js'
import { toBinary } from '../../../src/spec/single-value.js'
import { T, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { compareValues, truncateCodePoints } from '../../../src/spec/values.js'
import { readColumn, type Table } from './expr.js'

const isNaNNumber = (v: Value): boolean => typeof v === 'number' && Number.isNaN(v)

// java.util.UUID order: the two halves as signed longs.
function compareUuidSigned(a: Uint8Array, b: Uint8Array): number {
  const hex = (x: Uint8Array): string => [...x].map((d) => d.toString(16).padStart(2, '0')).join('')
  const half = (x: Uint8Array, i: number): bigint => BigInt.asIntN(64, BigInt(`0x${hex(x.subarray(i, i + 8))}`))
  const h = half(a, 0) - half(b, 0)
  const l = half(a, 8) - half(b, 8)
  return h !== 0n ? (h < 0n ? -1 : 1) : l === 0n ? 0 : l < 0n ? -1 : 1
}

function minMax(type: PrimitiveType, values: readonly Value[], uuidSigned = false): [Value, Value] | undefined {
  const xs = values.filter((v) => v !== null && !isNaNNumber(v))
  if (!xs.length) return undefined
  const cmp =
    uuidSigned && type.kind === 'uuid'
      ? (a: Value, b: Value): number => compareUuidSigned(a as Uint8Array, b as Uint8Array)
      : (a: Value, b: Value): number => compareValues(type, a, b)
  let lo: Value = xs[0]!
  let hi: Value = xs[0]!
  for (const v of xs) {
    if (cmp(v, lo) < 0) lo = v
    if (cmp(v, hi) > 0) hi = v
  }
  return [lo, hi]
}

/** Java UnicodeUtil.truncateStringMax: cut to `n` code points, then increment the last incrementable one. */
export function truncateStringMax(s: string, n: number): string | undefined {
  const cps = [...s]
  if (cps.length <= n) return s
  for (let i = n - 1; i >= 0; i--) {
    let cp = cps[i]!.codePointAt(0)! + 1
    if (cp === 0xd800) cp = 0xe000
    if (cp <= 0x10ffff) return cps.slice(0, i).join('') + String.fromCodePoint(cp)
  }
  return undefined
}

/** Java BinaryUtil.truncateBinaryMax: cut to `n` bytes, then increment the last byte below 0xFF. */
export function truncateBinaryMax(b: Uint8Array, n: number): Uint8Array | undefined {
  if (b.length <= n) return b
  for (let i = n - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const out = b.slice(0, i + 1)
      out[i] = b[i]! + 1
      return out
    }
  }
  return undefined
}

/** How a writer records a column: nothing, counts only, truncate(16) bounds, or full bounds. */
export type MetricsMode = 'none' | 'counts' | 'truncate' | 'full'

/** Options shaping the metrics of a file: per-column mode, dropped maps, promoted (older-type) bound encodings. */
export interface MetricsOptions {
  readonly modes: readonly MetricsMode[]
  readonly dropValueCounts?: boolean
  readonly dropNullCounts?: boolean
  readonly dropNanCounts?: boolean
  readonly promoted?: boolean
  /** uuid bounds ordered like Java's in-memory writers (signed 64-bit halves) instead of unsigned bytes. */
  readonly uuidSigned?: boolean
}

/** Metrics options for a table: random mode per column, sometimes whole maps missing or promoted encodings. */
export function metricsOptionsArb(table: Table): fc.Arbitrary<MetricsOptions> {
  const mode = fc.constantFrom<MetricsMode>('none', 'counts', 'truncate', 'truncate', 'truncate', 'full')
  return fc.record({
    modes: fc.tuple(...table.columns.map(() => mode)),
    dropValueCounts: fc.constantFrom(false, false, false, false, true),
    dropNullCounts: fc.constantFrom(false, false, false, true),
    dropNanCounts: fc.constantFrom(false, false, false, true),
    promoted: fc.boolean(),
    uuidSigned: fc.boolean(),
  })
}

// Encode a bound, optionally as the older type it could have been written with (int for long, float for double).
function encodeBound(type: PrimitiveType, v: Value, promoted: boolean): Uint8Array {
  if (promoted && type.kind === 'long' && typeof v === 'bigint' && v >= -(2n ** 31n) && v < 2n ** 31n) return toBinary(T.int, Number(v))
  if (promoted && type.kind === 'double' && typeof v === 'number' && Math.fround(v) === v) return toBinary(T.float, v)
  return toBinary(type, v)
}

/** The DataFile a floe/Java writer would describe for `rows`: counts and (truncated) bounds per column. */
export function dataFileOf(table: Table, rows: readonly Row[], opts: MetricsOptions): DataFile {
  const valueCounts = new Map<number, bigint>()
  const nullCounts = new Map<number, bigint>()
  const nanCounts = new Map<number, bigint>()
  const lower = new Map<number, Uint8Array>()
  const upper = new Map<number, Uint8Array>()
  table.columns.forEach((c, i) => {
    const mode = opts.modes[i] ?? 'full'
    if (mode === 'none') return
    const id = c.ref.fieldId
    const type = c.ref.type
    const values = rows.map((r) => readColumn(r, c))
    valueCounts.set(id, BigInt(values.length))
    nullCounts.set(id, BigInt(values.filter((v) => v === null).length))
    if (type.kind === 'float' || type.kind === 'double') nanCounts.set(id, BigInt(values.filter(isNaNNumber).length))
    if (mode === 'counts') return
    const mm = minMax(type, values, opts.uuidSigned)
    if (!mm) return
    let [lo, hi]: [Value | undefined, Value | undefined] = mm
    if (mode === 'truncate' && type.kind === 'string') {
      lo = truncateCodePoints(lo as string, 16)
      hi = truncateStringMax(hi as string, 16)
    }
    if (mode === 'truncate' && type.kind === 'binary') {
      lo = (lo as Uint8Array).slice(0, 16)
      hi = truncateBinaryMax(hi as Uint8Array, 16)
    }
    lower.set(id, encodeBound(type, lo, opts.promoted ?? false))
    if (hi !== undefined) upper.set(id, encodeBound(type, hi, opts.promoted ?? false))
  })
  const file: { -readonly [K in keyof DataFile]: DataFile[K] } = {
    content: 'data',
    filePath: 'mem://f.parquet',
    fileFormat: 'PARQUET',
    specId: 0,
    partition: [],
    recordCount: BigInt(rows.length),
    fileSizeInBytes: 1n,
    lowerBounds: lower,
    upperBounds: upper,
  }
  if (!opts.dropValueCounts) file.valueCounts = valueCounts
  if (!opts.dropNullCounts) file.nullValueCounts = nullCounts
  if (!opts.dropNanCounts) file.nanValueCounts = nanCounts
  return file
}

/** Manifest-list entry whose partition summaries cover the given partition tuples (Java PartitionSummary). */
export function manifestOf(table: Table, spec: PartitionSpec, tuples: readonly (readonly Value[])[], nanKnown = true, uuidSigned = false): ManifestFile {
  const partitions: FieldSummary[] = spec.fields.map((f, i) => {
    const type = partitionFieldType(f, table.schema)
    const values = tuples.map((t) => t[i] ?? null)
    const mm = minMax(type, values, uuidSigned)
    const s: { -readonly [K in keyof FieldSummary]: FieldSummary[K] } = { containsNull: values.some((v) => v === null) }
    if (nanKnown) s.containsNan = values.some(isNaNNumber)
    if (mm) {
      s.lowerBound = toBinary(type, mm[0])
      s.upperBound = toBinary(type, mm[1])
    }
    return s
  })
  return {
    manifestPath: 'mem://m.avro',
    manifestLength: 1n,
    partitionSpecId: 0,
    content: 'data',
    sequenceNumber: 1n,
    minSequenceNumber: 1n,
    addedSnapshotId: 1n,
    partitions,
  }
}
