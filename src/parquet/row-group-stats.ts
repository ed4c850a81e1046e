// Footer statistics of the projected primitive columns of one row group, for row-group pruning.
import type { ColumnMetaData, RowGroup } from 'hyparquet'
import type { Value } from '../spec/types.js'
import type { ColumnChunkStats, RowGroupInfo } from './codec.js'
import type { Converter } from './convert.js'
import { physicalType } from './parquet-schema.js'
import type { ColumnPlan, Plan } from './resolve.js'

type PrimPlan = Extract<Plan, { k: 'prim' }>

/** Every primitive plan below the given columns (nested ones included), keyed by table field id. */
export function primitivePlans(columns: readonly ColumnPlan[]): Map<number, PrimPlan> {
  const out = new Map<number, PrimPlan>()
  const visit = (p: Plan): void => {
    if (p.k === 'prim') out.set(p.id, p)
    else if (p.k === 'struct') p.fields.forEach(visit)
    else if (p.k === 'list') visit(p.element)
    else if (p.k === 'map') {
      visit(p.key)
      visit(p.value)
    }
  }
  columns.forEach((c) => visit(c.plan))
  return out
}

function exactBound(raw: unknown, plan: PrimPlan): Value | undefined {
  if (raw === undefined || raw === null) return undefined
  const p = physicalType(plan.node.element)
  // hyparquet turns decimal and unsigned bounds into lossy numbers, and INT96 has no defined order
  if (p.logicalType === 'DECIMAL' || p.convertedType === 'DECIMAL' || p.type === 'INT96') return undefined
  if (p.convertedType?.startsWith('UINT') || (p.logicalType === 'INTEGER' && p.signed === false)) return undefined
  if (raw instanceof Date) return undefined
  const convert: Converter = plan.convert
  try {
    const v = convert([raw])[0]
    return v === undefined ? undefined : v
  } catch {
    return undefined
  }
}

function chunkStats(meta: ColumnMetaData, plan: PrimPlan): ColumnChunkStats {
  const s = meta.statistics
  const out: { -readonly [K in keyof ColumnChunkStats]: ColumnChunkStats[K] } = { valueCount: meta.num_values }
  if (!s) return out
  if (s.null_count !== undefined) out.nullCount = s.null_count
  // legacy min/max are only trustworthy for signed numeric and boolean columns
  const legacyOk = meta.type !== 'BYTE_ARRAY' && meta.type !== 'FIXED_LEN_BYTE_ARRAY'
  const min = exactBound(s.min_value ?? (legacyOk ? s.min : undefined), plan)
  const max = exactBound(s.max_value ?? (legacyOk ? s.max : undefined), plan)
  if (min !== undefined) out.min = min
  if (max !== undefined) out.max = max
  return out
}

/** The RowGroupInfo a row-group filter receives. */
export function rowGroupInfo(rg: RowGroup, index: number, start: number, prims: ReadonlyMap<number, PrimPlan>): RowGroupInfo {
  const columns = new Map<number, ColumnChunkStats>()
  for (const [id, plan] of prims) {
    const meta = rg.columns[plan.node.leaf]?.meta_data
    if (meta) columns.set(id, chunkStats(meta, plan))
  }
  return { index, start, rowCount: Number(rg.num_rows), columns }
}
