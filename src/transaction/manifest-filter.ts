// Removing files from a snapshot (Java ManifestFilterManager): rewrite each manifest that holds a removed
// file with that entry DELETED and the rest EXISTING; manifests untouched are kept as they are.
import { lastKnownTypes } from '../spec/last-known-types.js'
import { ValidationError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { strictMetricsEvaluator } from '../expr/eval-metrics-strict.js'
import { inclusiveMetricsEvaluator } from '../expr/eval-metrics.js'
import { manifestEvaluator } from '../expr/eval-manifest.js'
import { residualEvaluator, type ResidualEvaluator } from '../expr/residual.js'
import { exprToString } from '../expr/format.js'
import type { Expression } from '../expr/expression.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { ListedManifest } from './manifest-merge.js'
import type { CommitContext } from './pending-update.js'

/** Which live files to remove: by path, and/or whole files that a row filter fully covers. */
export interface RemovalCriteria {
  /** Data files to remove by path. */
  readonly paths?: ReadonlySet<string>
  /** Remove data and delete files all of whose rows match; a data file only partly matching is an error (Java DeleteFiles). */
  readonly filter?: Expression
  /** Remove every data and delete file of these partition keys (dynamic overwrite, Java dropPartition). */
  readonly partitions?: ReadonlySet<string>
  /** Delete files to remove by `deleteFileKey` (a Puffin file holds many DVs, so the path alone is not enough). */
  readonly deleteKeys?: ReadonlySet<string>
  readonly caseSensitive?: boolean
  /** Data files removed by this change: their deletion vectors dangle and go too (Java, v3). */
  readonly danglingFor?: ReadonlySet<string>
  /**
   * Remove delete files whose data sequence number is positive and below this one: no live data file is old
   * enough for them to apply to (Java dropDeleteFilesOlderThan). Set by the filter itself for its delete pass.
   */
  readonly deletesOlderThan?: bigint
}

/** The outcome of filtering one parent snapshot's manifests. */
export interface FilterResult {
  /** Manifests rewritten without the removed files. */
  readonly written: NewManifest[]
  /** The files removed (a file listed twice in one manifest once; Java's per-manifest file set). */
  readonly removed: DataFile[]
  /** Further live entries of files already removed from the same manifest (Java's duplicate deletes). */
  readonly duplicates: number
  /** Every input manifest in its original order, replaced in place by its rewrite when it was rewritten. */
  readonly listed: ListedManifest[]
}

type Decision = 'keep' | 'remove'

/** One manifest's filtering outcome, kept across retries. */
export interface FilterCacheEntry {
  readonly written?: NewManifest
  readonly removed: DataFile[]
  readonly duplicates: number
}

/** Identity of one delete file entry: its path, plus the blob offset for deletion vectors. */
export function deleteFileKey(f: DataFile): string {
  return f.contentOffset === undefined ? f.filePath : `${f.filePath}#${f.contentOffset}`
}

/** Java ManifestFile.hasAddedFiles() || hasExistingFiles(): unknown counts count as files. */
export function hasLiveFiles(mf: ManifestFile): boolean {
  return mf.addedFilesCount === undefined || mf.addedFilesCount > 0 || mf.existingFilesCount === undefined || mf.existingFilesCount > 0
}

/** True when a removal by these criteria was requested for data files (Java deletesDataFiles). */
export function removesData(c: RemovalCriteria): boolean {
  return Boolean(c.paths?.size || c.partitions?.size || (c.filter && c.filter.kind !== 'false'))
}

/** True when a removal by these criteria was requested for delete files (Java deletesDeleteFiles). */
export function removesDeletes(c: RemovalCriteria): boolean {
  return Boolean(c.deleteKeys?.size || c.partitions?.size || (c.filter && c.filter.kind !== 'false'))
}

/**
 * Decide per file, with the evaluators built once (Java ManifestFilterManager): files marked by path, key,
 * partition or as a dangling DV go; otherwise the filter's residual for the file's partition is judged on the
 * file's metrics — no row may match: keep; all rows match: remove; some: an error for data files, keep for
 * delete files.
 */
function decider(m: TableMetadata, c: RemovalCriteria, partitionKeyOf: (f: DataFile) => string): (f: DataFile, dataSequence?: bigint) => Decision {
  const schema = currentSchema(m)
  const caseSensitive = c.caseSensitive ?? true
  const bound = c.filter && c.filter.kind !== 'false' ? bind(schema, c.filter, caseSensitive) : undefined
  type Evaluators = { might: (f: DataFile) => boolean; must: (f: DataFile) => boolean }
  const residuals = new Map<number, ResidualEvaluator>()
  // per partition, and compiled once per distinct residual (most partitions share a few)
  const byPartition = new Map<string, Evaluators>()
  const byResidual = new Map<string, Evaluators>()
  const metricsFor = (f: DataFile, key: string): Evaluators => {
    let ev = byPartition.get(key)
    if (!ev) {
      let re = residuals.get(f.specId)
      if (!re) residuals.set(f.specId, (re = residualEvaluator(specById(m, f.specId)!, bound!)))
      const residual = re(f.partition)
      const text = exprToString(residual)
      ev = byResidual.get(text)
      if (!ev) {
        const b = bind(schema, residual, caseSensitive)
        byResidual.set(text, (ev = { might: inclusiveMetricsEvaluator(schema, b), must: strictMetricsEvaluator(schema, b) }))
      }
      byPartition.set(key, ev)
    }
    return ev
  }
  const olderThan = c.deletesOlderThan
  return (f, dataSequence) => {
    const key = partitionKeyOf(f)
    if (f.content !== 'data' && c.deleteKeys?.has(deleteFileKey(f))) return 'remove'
    // a delete applies only to data at most as new as itself; below the oldest live data file it applies to none
    if (f.content !== 'data' && olderThan !== undefined && dataSequence !== undefined && dataSequence > 0n && dataSequence < olderThan) return 'remove'
    if (f.content === 'position-deletes' && f.fileFormat === 'PUFFIN' && f.referencedDataFile && c.danglingFor?.has(f.referencedDataFile)) return 'remove'
    if (f.content === 'data' && c.paths?.has(f.filePath)) return 'remove'
    if (c.partitions?.has(key)) return 'remove'
    if (!bound) return 'keep'
    const ev = metricsFor(f, key)
    if (!ev.might(f)) return 'keep'
    if (ev.must(f)) return 'remove'
    if (f.content !== 'data') return 'keep'
    throw new ValidationError(`Cannot delete file where some, but not all, rows match filter ${exprToString(c.filter!)}: ${f.filePath}`, { context: { file: f.filePath } })
  }
}

/**
 * Filter `manifests` by `criteria`: data manifests first, then delete manifests, which also lose the delete
 * files older than every remaining data file and, in v3, the deletion vectors of removed data files (Java
 * MergingSnapshotProducer.apply). Rewritten manifests are cached by path on `cache` across retries, keyed
 * also by whatever the data pass fed into the delete pass (it changes when a retry sees another parent).
 * `addedSequence` is the data sequence number of data files the change adds with an explicit one.
 */
export async function filterManifests(
  m: TableMetadata,
  ctx: CommitContext,
  manifests: readonly ManifestFile[],
  criteria: RemovalCriteria,
  snapshotId: bigint,
  nextPath: () => string,
  cache: Map<string, FilterCacheEntry>,
  partitionKeyOf: (f: DataFile) => string,
  addedSequence?: bigint,
): Promise<FilterResult> {
  const { deleteKeys: _deleteKeys, ...dataCriteria } = criteria
  const data = await filterPass(m, ctx, manifests.filter((x) => x.content === 'data'), dataCriteria, Boolean(criteria.paths?.size || criteria.partitions?.size), snapshotId, nextPath, cache, partitionKeyOf, '')
  // the removed data files' deletion vectors dangle (only DVs are matched, so this is a no-op before v3)
  const danglingFor = new Set(data.removed.filter((f) => f.content === 'data').map((f) => f.filePath))
  // data files this change adds with an explicit, older sequence number (a rewrite keeping its starting one)
  // still need the deletes above it (Java's MergingSnapshotProducer misses them: apache/iceberg#10962)
  const oldest = oldestDataSequence(m, data.listed)
  const olderThan = addedSequence !== undefined && addedSequence < oldest ? addedSequence : oldest
  const { paths: _paths, ...deleteBase } = criteria
  const deleteCriteria: RemovalCriteria = { ...deleteBase, deletesOlderThan: olderThan, ...(danglingFor.size ? { danglingFor } : {}) }
  const tag = `#older:${olderThan}${danglingFor.size ? `#dangling:${danglingSignature(danglingFor)}` : ''}`
  // as Java, delete manifests are opened only when the change removes something from them: delete files by
  // key or partition, or any data file (whose deletes may dangle); else only where the filter may match
  const opensAll = Boolean(criteria.deleteKeys?.size || criteria.partitions?.size || danglingFor.size)
  const deletes = await filterPass(m, ctx, manifests.filter((x) => x.content !== 'data'), deleteCriteria, opensAll, snapshotId, nextPath, cache, partitionKeyOf, tag)
  return {
    written: [...data.written, ...deletes.written],
    removed: [...data.removed, ...deletes.removed],
    duplicates: data.duplicates + deletes.duplicates,
    listed: [...data.listed, ...deletes.listed],
  }
}

/**
 * Java's minimum data sequence number of the filtered data manifests (those without an assigned minimum, i.e.
 * rewritten ones left with no live file, skipped), or the table's last sequence number when there is none.
 */
function oldestDataSequence(m: TableMetadata, data: readonly ListedManifest[]): bigint {
  let min = m.lastSequenceNumber
  for (const x of data) {
    const s = x.kind === 'kept' ? x.m.minSequenceNumber : x.m.minExistingSequence
    if (s !== undefined && s < min) min = s
  }
  return min
}

/** A cheap fingerprint of a path set, so cached decisions are reused only for the same dangling set. */
function danglingSignature(paths: ReadonlySet<string>): string {
  let h = 0
  for (const p of paths) for (let i = 0; i < p.length; i++) h = (Math.imul(h, 31) + p.charCodeAt(i)) | 0
  return `${paths.size}:${h >>> 0}`
}

async function filterPass(
  m: TableMetadata,
  ctx: CommitContext,
  manifests: readonly ManifestFile[],
  criteria: RemovalCriteria,
  opensAll: boolean,
  snapshotId: bigint,
  nextPath: () => string,
  cache: Map<string, FilterCacheEntry>,
  partitionKeyOf: (f: DataFile) => string,
  tag: string,
): Promise<FilterResult> {
  const decide = decider(m, criteria, partitionKeyOf)
  const schema = currentSchema(m)
  const bound = criteria.filter ? bind(schema, criteria.filter, criteria.caseSensitive ?? true) : undefined
  const written: NewManifest[] = []
  const removed: DataFile[] = []
  let duplicates = 0
  const listed: ListedManifest[] = []
  const keep = (mf: ManifestFile): void => void listed.push({ kind: 'kept', m: mf })
  const rewrite = (w: NewManifest): void => {
    written.push(w)
    listed.push({ kind: 'new', m: w })
  }
  for (const mf of manifests) {
    const hit = cache.get(mf.manifestPath + tag)
    if (hit) {
      if (hit.written) {
        rewrite(hit.written)
        ctx.track(hit.written.file.manifestPath)
      } else keep(mf)
      removed.push(...hit.removed)
      duplicates += hit.duplicates
      continue
    }
    // a manifest without live files has nothing to remove; otherwise it is read when something in it may be
    // removed: always when files are removed by path, key or partition, else where the filter's partition
    // summaries may match
    if (!hasLiveFiles(mf)) {
      keep(mf)
      continue
    }
    if (!opensAll && (!bound || !manifestEvaluator(specById(m, mf.partitionSpecId)!, bound)(mf))) {
      keep(mf)
      continue
    }
    const r = readManifest(await ctx.io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema, sourceTypes: lastKnownTypes(m.schemas), formatVersion: m.formatVersion })
    const entries: ManifestEntry[] = []
    const gone: DataFile[] = []
    const goneKeys = new Set<string>()
    let repeats = 0
    for (const e of r.entries) {
      if (e.status === 'deleted') continue // dropped from rewritten manifests, as Java does
      if (decide(e.dataFile, e.sequenceNumber) === 'remove') {
        // a second live entry of a removed file is deleted too, but counted apart (Java's duplicate deletes)
        const key = e.dataFile.content === 'data' ? e.dataFile.filePath : deleteFileKey(e.dataFile)
        if (goneKeys.has(key)) repeats++
        else {
          goneKeys.add(key)
          gone.push(e.dataFile)
        }
        entries.push({ ...e, status: 'deleted', snapshotId })
      } else entries.push({ ...e, status: 'existing' })
    }
    if (!gone.length) {
      cache.set(mf.manifestPath + tag, { removed: [], duplicates: 0 })
      keep(mf)
      continue
    }
    const w = await writeNewManifest(ctx, m, nextPath(), specById(m, mf.partitionSpecId)!, schema, mf.content, entries, snapshotId)
    cache.set(mf.manifestPath + tag, { written: w, removed: gone, duplicates: repeats })
    rewrite(w)
    removed.push(...gone)
    duplicates += repeats
  }
  return { written, removed, duplicates, listed }
}
