// The default ParquetReader: hyparquet page decoding, floe column resolution (by field id or name mapping),
// column-wise conversion to floe values, and row batches with exact file positions.
import { constantColumn } from './constant-values.js'
import { setOwn } from '../spec/own.js'
import type { ColumnMetaData, RowGroup } from 'hyparquet'
import { FloeError } from '../errors.js'
import type { Value } from '../spec/types.js'
import { assembleNested, cursor, flatColumn, leafConverters, type Cursor } from './assemble.js'
import type { ByteSource, ParquetReader, ReadRequest, Row, RowBatch } from './codec.js'
import { ValueRangeError } from './convert.js'
import { chunkRange, decodeChunk, readFooter } from './hyparquet-pages.js'
import { buildFileSchema, type FileSchema, type PNode } from './parquet-schema.js'
import { planLeaves, readsFile, resolveSchema, type ColumnPlan } from './resolve.js'
import { primitivePlans, rowGroupInfo } from './row-group-stats.js'

/** Default maximum rows per RowBatch. */
export const DEFAULT_BATCH_SIZE = 65_536

// Ranges closer than this are fetched with one read (one round trip beats skipping a small gap).
const COALESCE_GAP = 1 << 20

function checkAbort(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw new FloeError('ABORTED', `Read of ${file} was aborted`, { cause: signal.reason, context: { file } })
}

/** Columns of one row group, fetched: chunk bytes by leaf index. */
type GroupBytes = Map<number, Uint8Array>

function columnMeta(rg: RowGroup, leaf: PNode, file: string): ColumnMetaData {
  const chunk = rg.columns[leaf.leaf]
  const meta = chunk?.meta_data
  const bad = (why: string): never => {
    throw new FloeError('INVALID_PARQUET', `Invalid Parquet column chunk ${leaf.path.join('.')}: ${why}`, { context: { file, field: leaf.path.join('.') } })
  }
  if (!meta) return bad('no column metadata')
  if (chunk.file_path) return bad(`stored in another file (${chunk.file_path})`)
  if (meta.path_in_schema.join('.') !== leaf.path.join('.')) return bad(`chunk path ${meta.path_in_schema.join('.')} does not match the schema`)
  // pages are decoded by the chunk's type: one that is not the schema's would decode other values
  if (meta.type !== leaf.element.type) return bad(`physical type ${String(meta.type)} does not match the schema's ${String(leaf.element.type)}`)
  return meta
}

async function fetchGroup(source: ByteSource, rg: RowGroup, leaves: readonly PNode[]): Promise<GroupBytes> {
  const ranges = leaves
    .map((l) => ({ leaf: l.leaf, ...chunkRange(columnMeta(rg, l, source.path)) }))
    .sort((a, b) => a.start - b.start)
  for (const r of ranges) {
    if (!(r.start >= 4 && r.end <= source.byteLength - 8 && r.end >= r.start))
      throw new FloeError('INVALID_PARQUET', `Column chunk range [${r.start}, ${r.end}) lies outside the file`, { context: { file: source.path } })
  }
  const spans: { start: number; end: number; members: typeof ranges }[] = []
  for (const r of ranges) {
    const last = spans[spans.length - 1]
    if (last && r.start - last.end <= COALESCE_GAP) {
      last.end = Math.max(last.end, r.end)
      last.members.push(r)
    } else spans.push({ start: r.start, end: r.end, members: [r] })
  }
  const out: GroupBytes = new Map()
  await Promise.all(
    spans.map(async (s) => {
      const bytes = await source.read(s.start, s.end)
      for (const m of s.members) out.set(m.leaf, bytes.subarray(m.start - s.start, m.end - s.start))
    }),
  )
  return out
}

/** Decode one fetched row group into one array-like of values per output column. */
function decodeGroup(rg: RowGroup, start: number, bytes: GroupBytes, columns: readonly ColumnPlan[], fileLeaves: readonly PNode[], file: string): ArrayLike<Value>[] {
  return columns.map((c) => {
    try {
      return decodeColumn(rg, start, bytes, c, fileLeaves, file)
    } catch (e) {
      // a value the column's (promoted) type cannot hold fails the read, naming the file and column
      if (e instanceof ValueRangeError) throw new FloeError('INVALID_DATA', `Cannot read column ${c.name} of ${file}: ${e.message}`, { cause: e, context: { file, field: c.name } })
      throw e
    }
  })
}

function decodeColumn(rg: RowGroup, start: number, bytes: GroupBytes, c: ColumnPlan, fileLeaves: readonly PNode[], file: string): ArrayLike<Value> {
  const rows = Number(rg.num_rows)
  const p = c.plan
  if (p.k === 'const') return constantColumn(p.value, rows)
  if (p.k === 'pos') {
    const out = new Array<Value>(rows)
    for (let i = 0; i < rows; i++) out[i] = BigInt(start + i)
    return out
  }
  if (p.k === 'prim') {
    const meta = columnMeta(rg, p.node, file)
    // a flat column holds one value (or null) per row: checked before the column is sized by the row count
    if (Number(meta.num_values) !== rows) throw new FloeError('INVALID_PARQUET', `Parquet column ${c.name} holds ${String(meta.num_values)} values for ${rows} rows`, { context: { file, field: c.name } })
    const sink = flatColumn(rows, p.node.def, p.convert)
    decodeChunk(bytes.get(p.node.leaf)!, p.node, meta, file, sink)
    try {
      return sink.finish()
    } catch (e) {
      if (e instanceof ValueRangeError) throw e
      throw new FloeError('INVALID_PARQUET', `Parquet column ${c.name}: ${(e as Error).message}`, { cause: e, context: { file, field: c.name } })
    }
  }
  const cursors = new Map<number, Cursor>()
  for (const [leaf, convert] of leafConverters(p)) {
    const node = fileLeaves[leaf]!
    const meta = columnMeta(rg, node, file)
    const cur = cursor(Number(meta.num_values), node, convert)
    decodeChunk(bytes.get(leaf)!, node, meta, file, cur)
    cursors.set(leaf, cur)
  }
  return assembleNested(p, rows, cursors, c.name, file)
}

function buildRows(names: readonly string[], cols: readonly ArrayLike<Value>[], from: number, to: number): Row[] {
  const rows = new Array<Row>(to - from)
  const n = names.length
  if (names.includes('__proto__')) {
    // a column named __proto__ must be an own key (plain assignment would set the prototype)
    for (let i = from; i < to; i++) {
      const row: Row = {}
      for (let c = 0; c < n; c++) setOwn(row as Record<string, Value>, names[c]!, cols[c]![i]!)
      rows[i - from] = row
    }
    return rows
  }
  for (let i = from; i < to; i++) {
    const row: Row = {}
    for (let c = 0; c < n; c++) row[names[c]!] = cols[c]![i]!
    rows[i - from] = row
  }
  return rows
}

function planFile(fs: FileSchema, request: ReadRequest, file: string): ColumnPlan[] {
  return resolveSchema(request.schema, fs, file, request.constants, request.asInput === true)
}

async function* readBatches(source: ByteSource, request: ReadRequest): AsyncGenerator<RowBatch> {
  const file = source.path
  const { signal } = request
  checkAbort(signal, file)
  const { metadata, tree } = await readFooter(source)
  checkAbort(signal, file)
  let fs: FileSchema
  try {
    fs = buildFileSchema(metadata, tree, request.nameMapping, request.asInput === true)
  } catch (e) {
    throw new FloeError('INVALID_PARQUET', `Invalid Parquet schema: ${(e as Error).message}`, { cause: e, context: { file } })
  }
  // one column chunk per leaf column, in schema order, in every row group
  metadata.row_groups.forEach((rg, index) => {
    if (!Array.isArray(rg.columns) || rg.columns.length !== fs.leaves.length)
      throw new FloeError('INVALID_PARQUET', `Row group ${index} has ${String(rg.columns?.length)} column chunks for ${fs.leaves.length} leaf columns`, { context: { file } })
  })
  const columns = planFile(fs, request, file)
  const leaves = columns.filter((c) => readsFile(c.plan)).flatMap((c) => planLeaves(c.plan))
  const names = columns.map((c) => c.name)
  const batchSize = Math.max(1, Math.floor(request.batchSize ?? DEFAULT_BATCH_SIZE))
  const prims = request.rowGroupFilter ? primitivePlans(columns) : undefined

  // choose row groups (positions count every group, pruned or not)
  const selected: { rg: RowGroup; start: number }[] = []
  let start = 0
  metadata.row_groups.forEach((rg, index) => {
    const rows = Number(rg.num_rows)
    if (!(Number.isSafeInteger(rows) && rows >= 0)) throw new FloeError('INVALID_PARQUET', `Invalid row count ${String(rg.num_rows)} in row group ${index}`, { context: { file } })
    // an empty row group is skipped: one whose column chunks hold values has a damaged row count (skipping it would drop rows silently)
    if (rows === 0 && rg.columns.some((c) => Number(c.meta_data?.num_values ?? 0) !== 0))
      throw new FloeError('INVALID_PARQUET', `Row group ${index} has num_rows 0 but its column chunks hold values`, { context: { file } })
    if (rows > 0 && (!request.rowGroupFilter || request.rowGroupFilter(rowGroupInfo(rg, index, start, prims!)))) selected.push({ rg, start })
    start += rows
  })
  // the file's row count is the sum of its row groups' (a damaged group count would otherwise go unnoticed when no column is decoded)
  if (metadata.num_rows !== undefined && Number(metadata.num_rows) !== start)
    throw new FloeError('INVALID_PARQUET', `Footer num_rows ${String(metadata.num_rows)} differs from the ${start} rows of its row groups`, { context: { file } })

  const prefetch = (i: number): Promise<GroupBytes> | undefined => {
    const g = selected[i]
    if (!g) return undefined
    const p = fetchGroup(source, g.rg, leaves)
    p.catch(() => undefined) // a consumer may stop early; the rejection surfaces when awaited
    return p
  }
  let pending = prefetch(0)
  for (let i = 0; i < selected.length; i++) {
    checkAbort(signal, file)
    const bytes = await pending!
    pending = prefetch(i + 1)
    const { rg, start: groupStart } = selected[i]!
    let cols: ArrayLike<Value>[]
    try {
      cols = decodeGroup(rg, groupStart, bytes, columns, fs.leaves, file)
    } catch (e) {
      if (e instanceof FloeError) throw e
      throw new FloeError('INVALID_PARQUET', `Cannot decode row group at row ${groupStart}: ${(e as Error).message}`, { cause: e, context: { file } })
    }
    const rows = Number(rg.num_rows)
    for (let from = 0; from < rows; from += batchSize) {
      checkAbort(signal, file)
      const to = Math.min(rows, from + batchSize)
      yield { start: groupStart + from, rows: buildRows(names, cols, from, to) }
    }
  }
}

/** floe's Parquet reader over hyparquet: columns by field id (or name mapping), exact positions, floe values. */
export const hyparquetReader: ParquetReader = { readBatches }
