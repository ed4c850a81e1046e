// Scan filters may name the metadata columns of a fixed type (`_file`, `_pos`, `_deleted`, `_spec_id`, `_row_id`,
// `_last_updated_sequence_number`) next to the table's columns. They are bound against the table schema
// extended with those columns (a table column of the same name wins); `_file` and `_spec_id`, which hold one
// value per data file, also prune data files during planning.
import { compileExpression } from '../expr/eval-row.js'
import { inclusiveMetricsEvaluator, type FileEvaluator } from '../expr/eval-metrics.js'
import { alwaysFalse, alwaysTrue, and, not, or, referencedIds, rewriteNot, type BoundExpression, type Expression } from '../expr/expression.js'
import { compileValueTest } from '../expr/value-test.js'
import { FILE_PATH, IS_DELETED, isMetadataColumnId, METADATA_COLUMNS, PARTITION_COLUMN_NAME, partitionColumn, SPEC_ID } from '../spec/metadata-columns.js'
import type { DataFile } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import { bind, unbind } from '../expr/bind.js'
import { exprToString } from '../expr/format.js'
import { residualEvaluator, type ResidualEvaluator } from '../expr/residual.js'
import { coercePartition, tablePartitionType } from './metadata-tables-partition.js'
import type { Schema } from '../spec/schema.js'
import type { NestedField, StructType, Value } from '../spec/types.js'

const extended = new WeakMap<Schema, [Schema?, Schema?]>()

/**
 * `schema` with the metadata columns a filter may name appended: those whose name no top-level column takes
 * (compared ignoring case when the filter binds case-insensitively, so a table column always wins, as in `select`).
 */
export function filterSchema(schema: Schema, caseSensitive = true, partitionType?: StructType): Schema {
  let pair = extended.get(schema)
  if (!pair) extended.set(schema, (pair = []))
  const slot = caseSensitive ? 0 : 1
  const hit = partitionType ? undefined : pair[slot]
  if (hit) return hit
  const key = (n: string): string => (caseSensitive ? n : n.toLowerCase())
  const taken = new Set(schema.fields.map((f) => key(f.name)))
  const meta = METADATA_COLUMNS.filter((f) => !taken.has(key(f.name)))
  // `_partition` for filters: its fields carry partition-filter ids, which never meet a table column's
  if (partitionType && !taken.has(key(PARTITION_COLUMN_NAME))) meta.push(partitionFilterColumn(partitionType))
  const out = { ...schema, fields: [...schema.fields, ...meta] }
  if (!partitionType) pair[slot] = out
  return out
}

/** The id a `_partition` field goes by in a bound filter (negative: never a table or partition field id). */
export const partitionFilterId = (partitionFieldId: number): number => -1 - partitionFieldId

/** True for an id {@link partitionFilterId} made. */
export const isPartitionFilterId = (id: number): boolean => id < 0

/** The `_partition` column of a filter schema: the table partition type with partition-filter ids. */
function partitionFilterColumn(t: StructType): NestedField {
  return partitionColumn({ kind: 'struct', fields: t.fields.map((f) => ({ ...f, id: partitionFilterId(f.id) })) })
}

/** True when an unbound filter names `_partition` (or one of its fields), exactly or ignoring case. */
export function namesPartitionColumn(e: Expression, caseSensitive = true): boolean {
  switch (e.kind) {
    case 'true':
    case 'false':
      return false
    case 'and':
    case 'or':
      return namesPartitionColumn(e.left, caseSensitive) || namesPartitionColumn(e.right, caseSensitive)
    case 'not':
      return namesPartitionColumn(e.child, caseSensitive)
    default: {
      const n = caseSensitive ? e.term.name : e.term.name.toLowerCase()
      return n === PARTITION_COLUMN_NAME || n.startsWith(`${PARTITION_COLUMN_NAME}.`)
    }
  }
}

/**
 * `filter` with its `_partition` predicates replaced by their truth for one file (`partition`: the file's
 * partition in the table partition type, keyed by name); the rest is left for the residual.
 */
export function specializeForPartition(filter: BoundExpression, names: ReadonlyMap<number, string>, partition: Readonly<Record<string, Value>>): BoundExpression {
  switch (filter.kind) {
    case 'true':
    case 'false':
      return filter
    case 'and':
      return and(specializeForPartition(filter.left, names, partition), specializeForPartition(filter.right, names, partition))
    case 'or':
      return or(specializeForPartition(filter.left, names, partition), specializeForPartition(filter.right, names, partition))
    case 'not':
      return not(specializeForPartition(filter.child, names, partition))
    default: {
      if (!isPartitionFilterId(filter.term.fieldId)) return filter
      const v = partition[names.get(filter.term.fieldId)!] ?? null
      return compileValueTest(filter)(v) ? alwaysTrue : alwaysFalse
    }
  }
}

/**
 * The file-level test of the `_file` and `_spec_id` predicates of a bound filter (every other predicate
 * counts as "might match"), or undefined when the filter names neither. Negations are pushed into the
 * predicates first, so treating unknown predicates as true never drops a file that holds a matching row.
 */
export function fileConstantEvaluator(filter: BoundExpression): FileEvaluator | undefined {
  const ids = referencedIds(filter)
  if (!ids.has(FILE_PATH.id) && !ids.has(SPEC_ID.id)) return undefined
  return constantTest(filter, false)
}

/**
 * For a filter that names `_deleted`: the test of a data file no delete file applies to, where every row's
 * `_deleted` is false (so `_deleted = true` skips it); undefined when the filter does not name `_deleted`.
 */
export function undeletedFileEvaluator(filter: BoundExpression): FileEvaluator | undefined {
  return referencedIds(filter).has(IS_DELETED.id) ? constantTest(filter, true) : undefined
}

// `_file` and `_spec_id` exactly, `_deleted` as false when `undeleted`, anything else "might match"
function constantTest(filter: BoundExpression, undeleted: boolean): FileEvaluator {
  return compileExpression<DataFile>(rewriteNot(filter), (p) => {
    const test = compileValueTest(p)
    if (p.term.fieldId === FILE_PATH.id) return (f) => test(f.filePath)
    if (p.term.fieldId === SPEC_ID.id) return (f) => test(f.specId)
    if (undeleted && p.term.fieldId === IS_DELETED.id) {
      const result = test(false)
      return () => result
    }
    return () => true
  })
}

/**
 * `filter` with every metadata-column predicate taken as "might match" (negations pushed down first). Column
 * stats never speak for metadata columns: a v3 file's stats under the lineage columns' reserved ids describe
 * what it stores, where null means "inherit", not the values rows read.
 */
export function withoutMetadataPredicates(filter: BoundExpression): BoundExpression {
  const strip = (e: BoundExpression): BoundExpression => {
    switch (e.kind) {
      case 'true':
      case 'false':
        return e
      case 'and':
        return and(strip(e.left), strip(e.right))
      case 'or':
        return or(strip(e.left), strip(e.right))
      case 'not':
        return strip(rewriteNot(e))
      default:
        return isMetadataColumnId(e.term.fieldId) || isPartitionFilterId(e.term.fieldId) ? alwaysTrue : e
    }
  }
  return strip(rewriteNot(filter))
}

/** The inclusive metrics test of data files (on table columns only), narrowed by the filter's `_file` and `_spec_id` predicates. */
export function dataFileEvaluator(schema: Schema, filter: BoundExpression): FileEvaluator {
  const byStats = inclusiveMetricsEvaluator(schema, withoutMetadataPredicates(filter))
  const byFile = fileConstantEvaluator(filter)
  return byFile ? (f) => byFile(f) && byStats(f) : byStats
}

/** A filter naming `_partition`: decided per data file, exactly, from the file's partition (a per-file constant). */
export interface PartitionFilter {
  readonly filter: BoundExpression
  readonly type: StructType
  /** Partition-filter id → field name in the table partition type. */
  readonly names: ReadonlyMap<number, string>
  /** Residual evaluators per spec and specialized filter. */
  readonly residuals: Map<string, ResidualEvaluator>
}

/** The residual of a file under a filter naming `_partition`, or undefined when the file's partition rules it out. */
export function partitionResidual(pf: PartitionFilter, spec: PartitionSpec, f: DataFile): Expression | undefined {
  const special = specializeForPartition(pf.filter, pf.names, coercePartition(pf.type, spec, f.partition).value)
  if (special.kind === 'false') return undefined
  const key = `${spec.specId}\u0000${exprToString(unbind(special))}`
  let ev = pf.residuals.get(key)
  if (!ev) pf.residuals.set(key, (ev = residualEvaluator(spec, special)))
  return ev(f.partition)
}

/**
 * Bind a scan filter against the table schema extended with the metadata columns; with `_partition` (and its
 * per-file decision) only when the filter names it and no table column takes the name.
 */
export function bindScanFilter(m: TableMetadata, schema: Schema, expr: Expression, caseSensitive: boolean): { filter: BoundExpression; partitionFilter: PartitionFilter | undefined } {
  const same = (a: string): boolean => (caseSensitive ? a === PARTITION_COLUMN_NAME : a.toLowerCase() === PARTITION_COLUMN_NAME)
  const partitionType = namesPartitionColumn(expr, caseSensitive) && !schema.fields.some((f) => same(f.name)) ? tablePartitionType(m) : undefined
  const filter = bind(filterSchema(schema, caseSensitive, partitionType), expr, caseSensitive)
  const partitionFilter: PartitionFilter | undefined = partitionType
    ? { filter, type: partitionType, names: new Map(partitionType.fields.map((f) => [partitionFilterId(f.id), f.name])), residuals: new Map() }
    : undefined
  return { filter, partitionFilter }
}
