// Spec §Scan Planning: prune manifests and files, attach deletes and residuals, produce FileScanTasks.

import { lastKnownTypes } from '../spec/last-known-types.js'
import { manifestEvaluator, type ManifestEvaluator } from '../expr/eval-manifest.js'
import type { FileEvaluator } from '../expr/eval-metrics.js'
import { partitionEvaluator, type PartitionEvaluator } from '../expr/eval-partition.js'
import { alwaysTrue, referencedIds, type BoundExpression, type Expression } from '../expr/expression.js'
import { residualEvaluator, type ResidualEvaluator } from '../expr/residual.js'
import { throwIfAborted, untilAborted } from '../abort.js'
import type { FileIO } from '../io/file-io.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import { readManifestList } from '../spec/avro/manifest-list-codec.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import { NAME_MAPPING_PROPERTY } from '../spec/properties.js'
import { findField, selectFields, type Schema } from '../spec/schema.js'
import { withEqualityColumns } from '../deletes/equality-deletes.js'
import type { Snapshot } from '../spec/snapshot.js'
import type { StructType } from '../spec/types.js'
import { specById, type TableMetadata } from '../spec/table-metadata.js'
import { FloeError } from '../errors.js'
import { DeleteIndex } from './delete-index.js'
import { projectedPartitionType } from './metadata-tables-partition.js'
import { anchorShape } from '../spec/shape-anchor.js'
import type { FileScanTask } from './task.js'
import { bindScanFilter, dataFileEvaluator, partitionResidual, undeletedFileEvaluator, type PartitionFilter } from './metadata-filter.js'
import { isMetadataColumnId } from '../spec/metadata-columns.js'


/** What to plan. */
export interface PlanOptions {
  readonly filter?: Expression | undefined
  readonly caseSensitive?: boolean | undefined
  /** Field ids to project (default: every top-level column of `schema`); reserved metadata-column ids pass through to the tasks. */
  readonly projectedIds?: readonly number[] | undefined
  readonly signal?: AbortSignal | undefined
  /** Manifests read at once (default 8). */
  readonly concurrency?: number | undefined
  /** Keep the data files' column stats in the tasks (Java includeColumnStats); default false: lighter tasks. */
  readonly includeColumnStats?: boolean | undefined
}

/** Counters describing how much planning pruned. */
export interface PlanStats {
  manifestsTotal: number
  manifestsSkipped: number
  dataFilesTotal: number
  dataFilesSkipped: number
  deleteFiles: number
  /** Column stats the last plan decoded from manifests: none, all, or these field ids. */
  columnStats: 'none' | 'all' | number[]
}

// A snapshot's manifest list never changes once written, so its entries are kept per (FileIO, snapshot
// object) for as long as both live, as Java's BaseSnapshot keeps them: planning the same table version
// again (an engine planning query after query) reads no list. A failed read is not kept.
// (Keyed by format version too: an upgraded table's metadata may share the snapshot object, and the version
// decides inheritance for lists without a format-version header.)
const listCache = new WeakMap<FileIO, WeakMap<Snapshot, Map<number, Promise<readonly ManifestFile[]>>>>()

/** Read the manifest-list entries of a snapshot (or its inline v1 manifest paths); cached per FileIO and snapshot object. */
export async function snapshotManifests(io: FileIO, m: TableMetadata, s: Snapshot): Promise<ManifestFile[]> {
  let byIo = listCache.get(io)
  if (!byIo) listCache.set(io, (byIo = new WeakMap()))
  let byVersion = byIo.get(s)
  if (!byVersion) byIo.set(s, (byVersion = new Map()))
  let p = byVersion.get(m.formatVersion)
  if (!p) {
    const loading = readSnapshotManifests(io, m, s)
    byVersion.set(m.formatVersion, (p = loading))
    loading.catch(() => byVersion.delete(m.formatVersion))
  }
  return [...(await p)]
}

async function readSnapshotManifests(io: FileIO, m: TableMetadata, s: Snapshot): Promise<ManifestFile[]> {
  if (s.manifestList !== undefined) {
    const bytes = await io.read(s.manifestList)
    return readManifestList(bytes, { file: s.manifestList, formatVersion: m.formatVersion }).manifests
  }
  // v1 inline manifests: spec id and counts come from each manifest's own header
  const out: ManifestFile[] = []
  for (const path of s.manifests ?? []) {
    const bytes = await io.read(path)
    const mf = readManifest(bytes, { file: path, specs: m.specs, formatVersion: 1 })
    out.push({
      manifestPath: path,
      manifestLength: BigInt(bytes.length),
      partitionSpecId: mf.specId,
      content: mf.content,
      sequenceNumber: 0n,
      minSequenceNumber: 0n,
      addedSnapshotId: s.snapshotId,
    })
  }
  return out
}

/** Read the live (not DELETED) entries of one manifest, with inheritance from its list entry (optionally without column stats). */
export async function liveEntries(io: FileIO, m: TableMetadata, mf: ManifestFile, schema?: Schema, stats: 'all' | 'none' | ReadonlySet<number> = 'all', signal?: AbortSignal): Promise<ManifestEntry[]> {
  const bytes = await untilAborted(io.read(mf.manifestPath), signal)
  const r = readManifest(bytes, {
    file: mf.manifestPath,
    manifest: mf,
    specs: m.specs,
    ...(schema ? { schema, sourceTypes: lastKnownTypes(m.schemas) } : {}),
    formatVersion: m.formatVersion,
    ...(stats === 'none' ? { skipStats: true } : stats === 'all' ? {} : { statsColumns: stats }),
  })
  return r.entries.filter((e) => e.status !== 'deleted')
}

/** Table column ids a bound filter reads (metadata columns have no stats). */
function tableColumnIds(filter: BoundExpression): Set<number> {
  const ids = referencedIds(filter)
  for (const id of ids) if (isMetadataColumnId(id) || id < 0) ids.delete(id) // metadata and `_partition` filter ids
  return ids
}

/**
 * Drop the columns that are identity-partitioned in the spec of every manifest: their partition values
 * are exact for every row, so the partition evaluator has already decided them and their stats cannot
 * prune further (a filter on identity partitions then plans without decoding any column stats).
 */
function withoutIdentitySources(ids: Set<number>, manifests: readonly ManifestFile[], evals: SpecEvaluators): Set<number> {
  for (const id of [...ids]) {
    const exact = manifests.every((mf) => evals.spec(mf.partitionSpecId).fields.some((f) => f.sourceId === id && f.transform.kind === 'identity'))
    if (exact && manifests.length > 0) ids.delete(id)
  }
  return ids
}

/** A data file without its column stats (Java copyWithoutStats). */
/** The data file without its column stats (sizes, counts, bounds), as tasks carry it unless asked. */
export function withoutStats(f: DataFile): DataFile {
  const { columnSizes: _c, valueCounts: _v, nullValueCounts: _n, nanValueCounts: _x, lowerBounds: _l, upperBounds: _u, ...rest } = f
  return rest
}

/** A manifest known to hold no live files can be skipped (counts absent ⇒ assume it has some). */
function emptyManifest(mf: ManifestFile): boolean {
  return mf.addedFilesCount === 0 && mf.existingFilesCount === 0
}

/** Map over items with at most `limit` promises in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** Per-spec evaluators of one scan, built on first use. */
interface SpecEvaluators {
  spec(id: number): PartitionSpec
  manifestOk(mf: ManifestFile): boolean
  partitionOk(specId: number, partition: ManifestEntry['dataFile']['partition']): boolean
  residualFor(specId: number, partition: ManifestEntry['dataFile']['partition']): Expression
}

// Closures over a literal, not a class: V8 drops optimized code whose embedded hidden classes die in a full
// GC, and the shape of a per-scan class instance dies with the scan (planning after a major GC ran slower).
function specEvaluators(m: TableMetadata, filter: BoundExpression): SpecEvaluators {
  const manifest = new Map<number, ManifestEvaluator>()
  const partition = new Map<number, PartitionEvaluator>()
  const residual = new Map<number, ResidualEvaluator>()
  const spec = (id: number): PartitionSpec => {
    const s = specById(m, id)
    if (!s) throw new FloeError('INVALID_METADATA', `A manifest uses partition spec ${id}, which the table metadata does not define`, { context: { field: 'partition-specs' } })
    return s
  }
  return {
    spec,
    manifestOk(mf) {
      let e = manifest.get(mf.partitionSpecId)
      if (!e) manifest.set(mf.partitionSpecId, (e = manifestEvaluator(spec(mf.partitionSpecId), filter)))
      return e(mf)
    },
    partitionOk(specId, p) {
      let e = partition.get(specId)
      if (!e) partition.set(specId, (e = partitionEvaluator(spec(specId), filter)))
      return e(p)
    },
    residualFor(specId, p) {
      let e = residual.get(specId)
      if (!e) residual.set(specId, (e = residualEvaluator(spec(specId), filter)))
      return e(p)
    },
  }
}

/** What turning manifest entries into tasks needs (one object shape for every plan). */
interface TaskContext {
  readonly evals: SpecEvaluators
  readonly metrics: FileEvaluator
  readonly index: DeleteIndex
  readonly schema: Schema
  readonly projectedIds: readonly number[]
  readonly caseSensitive: boolean
  /** Keep the data file as decoded (else drop its column stats). */
  readonly keepFullFile: boolean
  readonly nameMapping: string | undefined
  /** When the filter names `_deleted` (deleted rows belong to the scan, FileScanTask.readsDeletedRows): the test of a file without deletes. */
  readonly undeleted: FileEvaluator | undefined
  /** When the filter names `_partition`: decided per file, and the residual computed without it. */
  readonly partitionFilter: PartitionFilter | undefined
  readonly partitionType: StructType | undefined
  readonly stats: PlanStats | undefined
}

// The per-entry loop lives in its own small synchronous function: it stays optimized across plans with
// and without filters (inside the async planScan, each switch between the two deoptimized it).
function collectTasks(perManifest: readonly ManifestEntry[][], c: TaskContext, tasks: FileScanTask[]): void {
  const { evals, metrics, index, stats } = c
  for (const entries of perManifest) {
    for (const e of entries) {
      const f = e.dataFile
      if (stats) stats.dataFilesTotal++
      if (!evals.partitionOk(f.specId, f.partition) || !metrics(f)) {
        if (stats) stats.dataFilesSkipped++
        continue
      }
      const residual = c.partitionFilter ? partitionResidual(c.partitionFilter, evals.spec(f.specId), f) : evals.residualFor(f.specId, f.partition)
      if (residual === undefined) {
        if (stats) stats.dataFilesSkipped++
        continue
      }
      const seq = e.sequenceNumber ?? 0n
      const deletes = index.forDataFile(f, seq)
      // a filter on `_deleted` may rule out a file whose rows no delete file touches
      if (c.undeleted && deletes.length === 0 && !c.undeleted(f)) {
        if (stats) stats.dataFilesSkipped++
        continue
      }
      tasks.push({
        file: c.keepFullFile ? f : withoutStats(f),
        dataSequenceNumber: seq,
        deletes,
        spec: evals.spec(f.specId),
        schema: c.schema,
        projectedIds: c.projectedIds,
        residual,
        caseSensitive: c.caseSensitive,
        ...(c.undeleted ? { readsDeletedRows: true } : {}),
        ...(c.nameMapping === undefined ? {} : { nameMapping: c.nameMapping }),
        ...(c.partitionType === undefined ? {} : { partitionType: c.partitionType }),
      })
    }
  }
}

/**
 * Tasks whose equality deletes compare columns `schema` no longer has (dropped since the deletes were written)
 * carry those columns, from the newest schema holding each, so a reader needs nothing but the task.
 */
function attachEqualityColumns(m: TableMetadata, schema: Schema, deleteEntries: readonly (readonly ManifestEntry[])[], tasks: FileScanTask[]): void {
  const missing = new Set<number>()
  for (const entries of deleteEntries)
    for (const e of entries) for (const id of e.dataFile.equalityIds ?? []) if (!findField(schema, id)) missing.add(id)
  if (missing.size === 0) return
  const byKey = new Map<string, Schema>()
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!
    const ids = [...new Set(t.deletes.flatMap((d) => (d.equalityIds ?? []).filter((id) => missing.has(id))))].sort((a, b) => a - b)
    if (ids.length === 0) continue
    const key = ids.join(',')
    let cols = byKey.get(key)
    if (!cols) byKey.set(key, (cols = selectFields(withEqualityColumns(schema, ids, [schema, ...m.schemas], t.file.filePath), new Set(ids))))
    tasks[i] = { ...t, equalityColumns: cols }
  }
}

/** A filter bound for one table version, with its evaluators. */
interface Prepared {
  readonly filter: BoundExpression
  readonly evals: SpecEvaluators
  readonly metrics: FileEvaluator
  readonly undeleted: FileEvaluator | undefined
  readonly partitionFilter: PartitionFilter | undefined
}


// Binding and evaluators are pure functions of (metadata, schema, filter, case sensitivity), so plans of the
// same scan share them, held weakly by those objects. Besides the work, this keeps the evaluators' closures
// (and their optimized code) alive between plans: rebuilt per plan, the filtered per-entry loop ran ~5x
// slower after a full GC.
const preparedCache = new WeakMap<TableMetadata, WeakMap<Expression, WeakMap<Schema, [Prepared?, Prepared?]>>>()

function prepared(m: TableMetadata, schema: Schema, expr: Expression, caseSensitive: boolean): Prepared {
  let byExpr = preparedCache.get(m)
  if (!byExpr) preparedCache.set(m, (byExpr = new WeakMap()))
  let bySchema = byExpr.get(expr)
  if (!bySchema) byExpr.set(expr, (bySchema = new WeakMap()))
  let slots = bySchema.get(schema)
  if (!slots) bySchema.set(schema, (slots = []))
  const slot = caseSensitive ? 0 : 1
  const hit = slots[slot]
  if (hit) return hit
  // metadata columns may be filtered on; `_file` and `_spec_id` prune data files, `_partition` decides per file
  const { filter, partitionFilter } = bindScanFilter(m, schema, expr, caseSensitive)
  return (slots[slot] = { filter, evals: specEvaluators(m, filter), metrics: dataFileEvaluator(schema, filter), undeleted: undeletedFileEvaluator(filter), partitionFilter })
}

/**
 * Plan a scan of `snapshot` read with `schema`: prune manifests by partition summaries, files by partition
 * tuples and column metrics, attach the applicable delete files, compute residuals. No data file is opened.
 */
export async function planScan(
  io: FileIO,
  m: TableMetadata,
  snapshot: Snapshot | undefined,
  schema: Schema,
  opts: PlanOptions = {},
  stats?: PlanStats,
): Promise<FileScanTask[]> {
  if (!snapshot) return []
  const caseSensitive = opts.caseSensitive ?? true
  const { filter, evals, metrics, undeleted, partitionFilter } = prepared(m, schema, opts.filter ?? alwaysTrue, caseSensitive)
  const concurrency = opts.concurrency ?? 8
  throwIfAborted(opts.signal)
  const manifests = await untilAborted(snapshotManifests(io, m, snapshot), opts.signal)
  const candidates = manifests.filter((mf) => !emptyManifest(mf))
  const kept = candidates.filter((mf) => evals.manifestOk(mf))
  if (stats) {
    stats.manifestsTotal += manifests.length
    stats.manifestsSkipped += manifests.length - kept.length
  }

  const deleteManifests = kept.filter((mf) => mf.content === 'deletes')
  const dataManifests = kept.filter((mf) => mf.content === 'data')
  const index = new DeleteIndex()
  const deleteEntries = await mapLimit(deleteManifests, concurrency, (mf) => liveEntries(io, m, mf, schema, 'all', opts.signal))
  for (const [i, entries] of deleteEntries.entries()) {
    const spec = evals.spec(deleteManifests[i]!.partitionSpecId)
    for (const e of entries) {
      if (!evals.partitionOk(e.dataFile.specId, e.dataFile.partition)) continue
      index.add({ file: e.dataFile, sequenceNumber: e.sequenceNumber ?? 0n }, spec)
    }
  }
  if (stats) stats.deleteFiles += index.size

  const projectedIds = opts.projectedIds ?? schema.fields.map((f) => f.id)
  const nameMapping = m.properties[NAME_MAPPING_PROPERTY]
  const tasks: FileScanTask[] = []
  // stats are decoded only when the filter can use them, and kept in tasks only on request
  const keepStats = opts.includeColumnStats === true
  const statsColumns = keepStats ? undefined : withoutIdentitySources(tableColumnIds(filter), dataManifests, evals)
  const needStats = keepStats || (filter.kind !== 'true' && statsColumns!.size > 0)
  if (stats) stats.columnStats = !needStats ? 'none' : statsColumns ? [...statsColumns].sort((a, b) => a - b) : 'all'
  const perManifest = await mapLimit(dataManifests, concurrency, async (mf) => {
    throwIfAborted(opts.signal)
    return liveEntries(io, m, mf, schema, needStats ? (statsColumns ?? 'all') : 'none', opts.signal)
  })
  const context: TaskContext = { evals, metrics, index, schema, projectedIds, caseSensitive, keepFullFile: keepStats || !needStats, nameMapping, undeleted, partitionFilter, partitionType: projectedPartitionType(m, projectedIds), stats }
  collectTasks(perManifest, context, tasks)
  attachEqualityColumns(m, schema, deleteEntries, tasks)
  // keep this plan's shapes alive through the next full GC (see shape-anchor.ts)
  anchorShape('scan-task', tasks[tasks.length - 1])
  anchorShape('plan-entry', perManifest[perManifest.length - 1]?.at(-1))
  anchorShape('delete-index', index)
  anchorShape('plan-options', opts)
  anchorShape('task-context', context)
  return tasks
}
