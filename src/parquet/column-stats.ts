// Statistics of one column's values in a row group (null and NaN counts, min and max in Iceberg order),
// computed once per column chunk for both the Parquet footer and the Iceberg metrics of the file. floe
// supplies the footer statistics of flat primitive columns itself (hyparquet-writer would scan the values
// a second time); `parquetStatistics` turns them into exactly what hyparquet-writer would have recorded.
import type { Statistics } from 'hyparquet'
import type { IcebergType, PrimitiveType, Value } from '../spec/types.js'
import { compareBytes, compareStrings } from '../spec/values.js'

/** How a column's values order: numbers and bigints with < (ints, longs, times, dates, booleans), floats, strings, bytes. */
export type StatsKind = 'int' | 'float' | 'double' | 'big' | 'str' | 'bytes' | 'bool'

/** Running statistics of values (mutable while scanning). */
export interface ColumnStats {
  nulls: number
  nans: number
  min: Value | undefined
  max: Value | undefined
}

/** Empty statistics. */
export function emptyStats(): ColumnStats {
  return { nulls: 0, nans: 0, min: undefined, max: undefined }
}

/** The ordering kind of a primitive type's values. */
export function statsKind(t: PrimitiveType): StatsKind {
  switch (t.kind) {
    case 'int':
    case 'date':
      return 'int'
    case 'float':
      return 'float'
    case 'double':
      return 'double'
    case 'string':
      return 'str'
    case 'binary':
    case 'fixed':
    case 'uuid':
      return 'bytes'
    case 'boolean':
      return 'bool'
    default:
      return 'big'
  }
}

/**
 * True when floe writes the footer statistics of a top-level column of this type itself: the values it hands
 * to hyparquet-writer are the physical values (no decimal, uuid or fixed conversions) and order the same way.
 */
export function ownsFooterStats(t: IcebergType): t is PrimitiveType {
  switch (t.kind) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
    case 'string':
    case 'binary':
      return true
    default:
      return false
  }
}

/** Add `values` to `st`: nulls, NaNs and (when `bounds`) min/max in Iceberg order (−0 < +0, strings by UTF-8 bytes). */
export function scanValues(kind: StatsKind, values: ArrayLike<Value>, bounds: boolean, st: ColumnStats): void {
  let { nulls, nans, min, max } = st
  const n = values.length
  switch (kind) {
    case 'float':
    case 'double': {
      const f32 = kind === 'float'
      let lo = min as number | undefined
      let hi = max as number | undefined
      for (let i = 0; i < n; i++) {
        const raw = values[i]
        if (raw === null || raw === undefined) {
          nulls++
          continue
        }
        const v = f32 ? Math.fround(raw as number) : (raw as number)
        if (v !== v) {
          nans++
          continue
        }
        if (!bounds) continue
        if (lo === undefined || hi === undefined) {
          lo = hi = v
          continue
        }
        if (v > hi) hi = v
        else if (v < lo) lo = v
        else if (v === 0) {
          // −0.0 < +0.0 (Java Float.compare)
          if (lo === 0 && 1 / v < 0) lo = v
          if (hi === 0 && 1 / v > 0) hi = v
        }
      }
      min = lo
      max = hi
      break
    }
    case 'str':
    case 'bytes': {
      const cmp = (kind === 'str' ? compareStrings : compareBytes) as (a: Value, b: Value) => number
      // strings already compared cannot move a bound again (low-cardinality columns skip the comparisons)
      const seen = kind === 'str' ? new Set<Value>() : undefined
      for (let i = 0; i < n; i++) {
        const v = values[i]
        if (v === null || v === undefined) {
          nulls++
          continue
        }
        if (!bounds || v === min || v === max) continue
        if (seen) {
          if (seen.has(v)) continue
          if (seen.size < 4096) seen.add(v)
        }
        if (min === undefined || max === undefined) min = max = v
        else if (cmp(v, max) > 0) max = v
        else if (cmp(v, min) < 0) min = v
      }
      break
    }
    default: {
      // ints, long-like bigints and booleans order with < and >
      let lo = min as number | bigint | boolean | undefined
      let hi = max as number | bigint | boolean | undefined
      for (let i = 0; i < n; i++) {
        const v = values[i] as number | bigint | boolean | null | undefined
        if (v === null || v === undefined) {
          nulls++
          continue
        }
        if (!bounds) continue
        if (lo === undefined || hi === undefined) lo = hi = v
        else if (v > hi) hi = v
        else if (v < lo) lo = v
      }
      min = lo
      max = hi
    }
  }
  st.nulls = nulls
  st.nans = nans
  st.min = min
  st.max = max
}

/** Fold one chunk's statistics into `into` (the same order as {@link scanValues}); bounds only when `bounds`. */
export function mergeStats(kind: StatsKind, into: ColumnStats, from: ColumnStats, bounds: boolean): void {
  into.nulls += from.nulls
  into.nans += from.nans
  if (!bounds || from.min === undefined || from.max === undefined) return
  if (into.min === undefined || into.max === undefined) {
    into.min = from.min
    into.max = from.max
    return
  }
  // scanning the two bounds in order gives the same answer as scanning all the values
  const both = emptyStats()
  scanValues(kind, [into.min, from.min], true, both)
  into.min = both.min
  const top = emptyStats()
  scanValues(kind, [into.max, from.max], true, top)
  into.max = top.max
}

/** A column chunk's footer statistics as hyparquet-writer keeps them until it writes the footer. */
export type ParquetChunkStatistics = Statistics & { nan_count?: bigint }

/** Parquet footer statistics of a chunk, as hyparquet-writer records them (NaN counted for floats; a zero min is −0, a zero max +0). */
export function parquetStatistics(kind: StatsKind, st: ColumnStats): ParquetChunkStatistics {
  let min = st.min as Statistics['min_value']
  let max = st.max as Statistics['max_value']
  if (min === 0) min = -0
  if (max === 0) max = 0
  return {
    ...(min === undefined ? {} : { min_value: min }),
    ...(max === undefined ? {} : { max_value: max }),
    null_count: BigInt(st.nulls),
    ...(kind === 'float' || kind === 'double' ? { nan_count: BigInt(st.nans) } : {}),
  }
}
