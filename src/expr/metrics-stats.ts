// Per-file column statistics as the metrics evaluators read them: counts and lazily decoded bounds of the
// current data file, with missing maps/keys reported as unknown and columns inside lists/maps ignored.
import type { DataFile } from '../spec/manifest.js'
import { indexSchema, type Schema } from '../spec/schema.js'
import type { Value } from '../spec/types.js'
import type { BoundDomain } from './bound-domain.js'

/** Statistics of one column of the file being evaluated (see {@link StatsReader.column}). */
export interface ColumnStats {
  /** Value count (nulls and NaN included), or undefined when unknown. */
  valueCount(): bigint | undefined
  /** Null count, or undefined when unknown. */
  nullCount(): bigint | undefined
  /** NaN count, or undefined when unknown. */
  nanCount(): bigint | undefined
  /** Lower bound in the column's bound domain (decoded once per file), or undefined when absent or unreadable. */
  lower(): Value | undefined
  /** Upper bound in the column's bound domain, or undefined when absent or unreadable. */
  upper(): Value | undefined
  /** Raw lower bound bytes, or undefined. */
  lowerBytes(): Uint8Array | undefined
  /** Raw upper bound bytes, or undefined. */
  upperBytes(): Uint8Array | undefined
  /** Null count unknown or non-zero (Java mayContainNull). */
  mayContainNull(): boolean
  /** Value and null counts known and equal (Java containsNullsOnly). */
  containsNullsOnly(): boolean
  /** NaN count unknown or non-zero (Java mayContainNaN). */
  mayContainNaN(): boolean
  /** NaN and value counts known and equal (Java containsNaNsOnly). */
  containsNaNsOnly(): boolean
}

/** Statistics of the file being evaluated; `load` switches files without allocating. */
export interface StatsReader {
  /** Make `file` the current file (bounds decoded for the previous file are dropped). */
  load(file: DataFile): void
  /** Register a column and its bound domain at compile time. */
  column(fieldId: number, domain: BoundDomain): ColumnStats
}

/** Field ids whose statistics are unusable: fields inside lists and maps (repeated values). */
export function repeatedFieldIds(schema: Schema): ReadonlySet<number> {
  const idx = indexSchema(schema)
  const out = new Set<number>()
  for (const [id, e] of idx.byId) {
    const kinds = e.parentIds.map((p) => idx.byId.get(p)!.field.type.kind)
    if (kinds.includes('list') || kinds.includes('map')) out.add(id)
  }
  return out
}

const none = (): undefined => undefined

/** A reader of one file at a time for columns of `schema`. */
export function statsReader(schema: Schema): StatsReader {
  const ignored = repeatedFieldIds(schema)
  let file: DataFile = { content: 'data', filePath: '', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 0n, fileSizeInBytes: 0n }
  let gen = 0
  const columns = new Map<number, ColumnStats>()
  return {
    load(f) {
      file = f
      gen = (gen + 1) | 0
    },
    column(id, domain) {
      const known = columns.get(id)
      if (known) return known
      const made = makeColumn(id, domain)
      columns.set(id, made)
      return made
    },
  }

  function makeColumn(id: number, domain: BoundDomain): ColumnStats {
    if (ignored.has(id)) {
      const no = (): boolean => false
      const yes = (): boolean => true
      const unknown = { valueCount: none, nullCount: none, nanCount: none, lower: none, upper: none, lowerBytes: none, upperBytes: none }
      return { ...unknown, mayContainNull: yes, containsNullsOnly: no, mayContainNaN: yes, containsNaNsOnly: no }
    }
    let loGen = -1
    let hiGen = -1
    let lo: Value | undefined
    let hi: Value | undefined
    const c: ColumnStats = {
      valueCount: () => file.valueCounts?.get(id),
      nullCount: () => file.nullValueCounts?.get(id),
      nanCount: () => file.nanValueCounts?.get(id),
      lowerBytes: () => file.lowerBounds?.get(id),
      upperBytes: () => file.upperBounds?.get(id),
      lower() {
        if (loGen !== gen) {
          const bytes = file.lowerBounds?.get(id)
          lo = bytes === undefined ? undefined : domain.decode(bytes)
          loGen = gen
        }
        return lo
      },
      upper() {
        if (hiGen !== gen) {
          const bytes = file.upperBounds?.get(id)
          hi = bytes === undefined ? undefined : domain.decode(bytes)
          hiGen = gen
        }
        return hi
      },
      mayContainNull() {
        const n = file.nullValueCounts?.get(id)
        return n === undefined || n !== 0n
      },
      containsNullsOnly() {
        const v = file.valueCounts?.get(id)
        return v !== undefined && v === file.nullValueCounts?.get(id)
      },
      mayContainNaN() {
        const n = file.nanValueCounts?.get(id)
        return n === undefined || n !== 0n
      },
      containsNaNsOnly() {
        const n = file.nanValueCounts?.get(id)
        return n !== undefined && n === file.valueCounts?.get(id)
      },
    }
    return c
  }
}
