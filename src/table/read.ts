// Execute one FileScanTask: read the data file by field id, drop deleted rows, apply the residual filter.
import type { Env } from '../env.js'
import { FloeError, InvalidArgumentError, UnsupportedError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { rowEvaluator } from '../expr/eval-row.js'
import { referencedIds } from '../expr/expression.js'
import { fileSource } from '../parquet/byte-source.js'
import type { ParquetReader, Row } from '../parquet/codec.js'
import { readerForFormat } from '../avro-data/reader-for-format.js'
import { createNameMapping, nameMappingMatchesSchema, parseNameMapping, type NameMapping } from '../spec/name-mapping.js'
import { FILE_PATH, IS_DELETED, isMetadataColumnId, metadataColumnById, PARTITION_COLUMN_ID, ROW_POSITION, SPEC_ID } from '../spec/metadata-columns.js'
import { coercePartition } from './metadata-tables-partition.js'
import { setOwn } from '../spec/own.js'
import { filterSchema } from './metadata-filter.js'
import { findField, selectFields, type Schema } from '../spec/schema.js'
import type { IcebergType, NestedField, Value } from '../spec/types.js'
import { equalityIdsOf, loadDeleteFilter, type TaskDeleteOptions } from '../deletes/delete-filter.js'
import { withEqualityColumns } from '../deletes/equality-deletes.js'
import { throwIfAborted } from '../abort.js'
import type { FileScanTask } from './task.js'
import { promoteValue } from './promote.js'
import { lineageFiller } from './row-lineage.js'

const mappings = new Map<string, NameMapping>()

/**
 * The table's name mapping, parsed once. A mapping whose ids contradict the schema's shapes (Impala writes
 * depth-first ids over a breadth-first schema) is replaced by one generated from the schema's own names.
 */
function nameMappingOf(text: string | undefined, schema: Schema): NameMapping | undefined {
  if (text === undefined) return undefined
  let m = mappings.get(text)
  if (!m) {
    m = parseNameMapping(text)
    mappings.set(text, m)
  }
  return nameMappingMatchesSchema(m, schema) ? m : createNameMapping(schema)
}

/** Field ids a bound expression reads (re-exported from the expression module). */
export { referencedIds }

/** Identity-partition values of a file, by source field id, promoted to the read schema's types. */
function partitionConstants(task: FileScanTask, schema: Schema, meta: readonly NestedField[]): Map<number, Value> {
  const out = new Map<number, Value>()
  // metadata columns that hold one value per file
  for (const f of meta) {
    if (f.id === FILE_PATH.id) out.set(f.id, task.file.filePath)
    else if (f.id === IS_DELETED.id) out.set(f.id, false)
    else if (f.id === SPEC_ID.id) out.set(f.id, task.file.specId)
    else if (f.id === PARTITION_COLUMN_ID && f.type.kind === 'struct')
      // an unpartitioned table's _partition is null, not an empty struct (Java: engines may not handle those)
      out.set(f.id, f.type.fields.length === 0 ? null : coercePartition(f.type, task.spec, task.file.partition).value)
  }
  task.spec.fields.forEach((f, i) => {
    if (f.transform.kind !== 'identity') return
    const field = findField(schema, f.sourceId)
    if (!field) return
    const v = task.file.partition[i]
    try {
      out.set(f.sourceId, v === undefined ? null : promoteValue(v, field.type))
    } catch (e) {
      if (!(e instanceof FloeError)) throw e
      throw new FloeError(e.code, `Cannot read the partition value of ${field.name} for ${task.file.filePath}: ${e.message}`, { cause: e, context: { file: task.file.filePath, field: field.name } })
    }
  })
  return out
}

/**
 * Shape rows as the projected schema: the projected top-level columns in projection order, and inside them
 * only the projected fields of structs (also as list elements and map values) that were read with more
 * fields (for the residual filter or equality deletes).
 */
function projector(projected: Schema, read: Schema): (row: Row) => Row {
  const parts = projected.fields.map((f) => ({ name: f.name, sub: valueProjector(f.type, read.fields.find((r) => r.id === f.id)?.type) }))
  return (row) => {
    const out: Row = {}
    for (const { name, sub } of parts) {
      const v = (Object.hasOwn(row, name) ? row[name] : null) ?? null
      setOwn(out as Record<string, Value>, name, sub && v !== null ? sub(v) : v)
    }
    return out
  }
}

/** Prune a value read as `read` to the `projected` type; undefined when it passes unchanged. */
function valueProjector(projected: IcebergType, read: IcebergType | undefined): ((v: Value) => Value) | undefined {
  if (read === undefined || read === projected) return undefined
  switch (projected.kind) {
    case 'struct': {
      if (read.kind !== 'struct') return undefined
      const parts = projected.fields.map((f) => ({ name: f.name, sub: valueProjector(f.type, read.fields.find((r) => r.id === f.id)?.type) }))
      if (parts.length === read.fields.length && parts.every((p) => p.sub === undefined)) return undefined
      return (v) => {
        const o = v as Record<string, Value>
        const out: Record<string, Value> = {}
        for (const { name, sub } of parts) {
          const x = (Object.hasOwn(o, name) ? o[name] : null) ?? null
          setOwn(out, name, sub && x !== null ? sub(x) : x)
        }
        return out as Value
      }
    }
    case 'list': {
      const sub = read.kind === 'list' ? valueProjector(projected.element, read.element) : undefined
      return sub && ((v) => (v as Value[]).map((e) => (e === null ? null : sub(e))))
    }
    case 'map': {
      const sub = read.kind === 'map' ? valueProjector(projected.value, read.value) : undefined
      return sub && ((v) => new Map([...(v as Map<Value, Value>)].map(([k, x]) => [k, x === null ? null : sub(x)])) as Value)
    }
    default:
      return undefined
  }
}

/** Options for reading tasks. */
export interface ReadTaskOptions {
  readonly reader?: ParquetReader
  /** Every schema of the table, for equality-delete columns dropped since the delete was written. */
  readonly olderSchemas?: readonly Schema[]
  /** Shared across the tasks of one scan, so a position-delete file is read once. */
  readonly positionDeleteCache?: TaskDeleteOptions['positionDeleteCache']
  /** Compatibility: read deletion vectors written as bare blobs by old writers (DuckDB's unsafe skip of Puffin checks). */
  readonly allowBareDeletionVectors?: boolean
  /** Add `_pos` (the row's position in its data file, bigint) to every row (merge-on-read deletes need it). */
  readonly withPositions?: boolean
}

/** Field id and name of the row-position metadata column. */
export const POS_FIELD = { id: ROW_POSITION.id, name: ROW_POSITION.name } as const

/**
 * The metadata columns among a task's projected ids (reserved ids: `_pos`, `_row_id`,
 * `_last_updated_sequence_number`), once each in projection order; they are read after the table's columns.
 * A metadata column whose name a table column of the read already uses is refused.
 */
function metadataFields(task: FileScanTask, read: Schema): NestedField[] {
  const out: NestedField[] = []
  for (const id of task.projectedIds) {
    if (id === PARTITION_COLUMN_ID && !task.partitionType)
      throw new InvalidArgumentError(`Cannot read _partition of ${task.file.filePath}: the task carries no partitionType`, { context: { file: task.file.filePath, field: '_partition' } })
    const f = metadataColumnById(id, task.partitionType)
    if (!f || out.some((o) => o.id === f.id)) continue
    if (read.fields.some((c) => c.name === f.name))
      throw new InvalidArgumentError(`Cannot read metadata column ${f.name} (id ${f.id}) of ${task.file.filePath}: the table has a column with the same name`, {
        context: { file: task.file.filePath, field: f.name },
      })
    out.push(f)
  }
  return out
}

// A task from an engine (or from text) is checked for the parts every read uses before any is touched.
function checkTaskShape(task: FileScanTask): void {
  const t = task as Partial<FileScanTask> | null
  const missing =
    t === null || typeof t !== 'object'
      ? 'the task'
      : typeof t.file?.filePath !== 'string'
        ? 'file.filePath'
        : !Array.isArray(t.deletes)
          ? 'deletes'
          : !Array.isArray(t.schema?.fields)
            ? 'schema.fields'
            : !Array.isArray(t.projectedIds)
              ? 'projectedIds'
              : typeof t.residual?.kind !== 'string'
                ? 'residual'
                : typeof t.caseSensitive !== 'boolean'
                  ? 'caseSensitive'
                  : undefined
  if (missing) throw new InvalidArgumentError(`Not a FileScanTask: ${missing} is missing or malformed`, { context: { field: missing } })
}

/**
 * Read the rows of one task. Parquet and Avro data files are read; ORC data files fail with UNSUPPORTED
 * naming the file. Deleted rows are dropped, unless `_deleted` is projected: then they are kept
 * with `_deleted: true` (as Java marks them). Rows that fail the residual are dropped.
 */
export async function* readTask(env: Env, task: FileScanTask, signal?: AbortSignal, opts: ReadTaskOptions = {}): AsyncIterable<Row> {
  throwIfAborted(signal)
  checkTaskShape(task)
  const path = task.file.filePath
  const reader = readerForFormat(task.file.fileFormat, opts.reader)
  if (!reader) throw new UnsupportedError(`floe reads Parquet and Avro data files; ${path} is ${task.file.fileFormat}`, { context: { file: path } })
  const residual = bind(filterSchema(task.schema, task.caseSensitive), task.residual, task.caseSensitive)
  // equality columns dropped from the task schema since a delete was written are read by id from the data
  // file (the newest schema holding them gives their type), used for the deletes, and projected away
  const dataSchema = withEqualityColumns(task.schema, equalityIdsOf(task.deletes), [task.schema, ...(task.equalityColumns ? [task.equalityColumns] : []), ...(opts.olderSchemas ?? [])], path)
  const deletes = await loadDeleteFilter(env.io, dataSchema === task.schema ? task : { ...task, schema: dataSchema }, signal, {
    ...(opts.reader ? { reader: opts.reader } : {}),
    ...(opts.olderSchemas ? { olderSchemas: opts.olderSchemas } : {}),
    ...(opts.positionDeleteCache ? { positionDeleteCache: opts.positionDeleteCache } : {}),
    ...(opts.allowBareDeletionVectors ? { allowBareDeletionVectors: true } : {}),
  })
  const tableIds = task.projectedIds.filter((id) => !isMetadataColumnId(id))
  const filterIds = [...referencedIds(residual)]
  const readIds = new Set<number>([...tableIds, ...filterIds.filter((id) => !isMetadataColumnId(id)), ...deletes.equalityFieldIds])
  let readSchema = selectFields(dataSchema, readIds)
  let projected = selectFields(task.schema, new Set(tableIds))
  const meta = metadataFields(task, readSchema)
  if (opts.withPositions && !meta.includes(ROW_POSITION)) meta.push(ROW_POSITION)
  // metadata columns only the residual reads: read for the filter, then projected away
  const filterMeta = filterIds.flatMap((id) => (isMetadataColumnId(id) && !meta.some((f) => f.id === id) ? (metadataColumnById(id) ?? []) : []))
  const allMeta = [...meta, ...filterMeta]
  if (allMeta.length) {
    readSchema = { ...readSchema, fields: [...readSchema.fields, ...allMeta] }
    projected = { ...projected, fields: [...projected.fields, ...meta] }
  }
  const sameShape = readIds.size === new Set(tableIds).size && filterMeta.length === 0
  const project = projector(projected, readSchema)
  const keep = residual.kind === 'true' ? undefined : rowEvaluator(readSchema, residual)
  // the reader fills the lineage columns with what the file stores (null when absent); inheritance follows
  const lineage = lineageFiller({ firstRowId: task.file.firstRowId, dataSequenceNumber: task.dataSequenceNumber, file: path }, new Set(allMeta.map((f) => f.id)))
  const nameMapping = nameMappingOf(task.nameMapping, task.schema)
  const source = await fileSource(env.io, path, signal)
  // with `_deleted` projected or filtered on, deleted rows stay and are marked (the constant fills false)
  const markColumn = allMeta.includes(IS_DELETED)
  const mark = markColumn || task.readsDeletedRows === true
  const batches = reader.readBatches(source, {
    schema: readSchema,
    ...(nameMapping ? { nameMapping } : {}),
    constants: partitionConstants(task, readSchema, allMeta),
    ...(signal ? { signal } : {}),
  })
  // every row of the file is read (no row group is pruned): the count must be the manifest's record_count
  let read = 0
  for await (const batch of batches) {
    const rows = batch.rows
    read += rows.length
    for (let i = 0; i < rows.length; i++) {
      if ((i & 1023) === 0) throwIfAborted(signal)
      const row = rows[i]!
      if (deletes.isDeleted(batch.start + i, row)) {
        if (!mark) continue
        if (markColumn) row[IS_DELETED.name] = true
      }
      if (lineage) lineage(row, batch.start + i)
      if (keep && !keep(row)) continue
      yield sameShape ? row : project(row)
    }
  }
  if (typeof task.file.recordCount === 'bigint' && BigInt(read) !== task.file.recordCount)
    throw new FloeError('INVALID_DATA', `Data file ${path} holds ${read} rows, its manifest entry says record_count ${task.file.recordCount}`, { context: { file: path } })
}
