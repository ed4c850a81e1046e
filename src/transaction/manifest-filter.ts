// Removing files from a snapshot (Java ManifestFilterManager): rewrite each manifest that holds a removed
// file with that entry DELETED and the rest EXISTING; manifests untouched are kept as they are.
import { ValidationError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { strictMetricsEvaluator } from '../expr/eval-metrics-strict.js'
import { inclusiveMetricsEvaluator } from '../expr/eval-metrics.js'
import { manifestEvaluator } from '../expr/eval-manifest.js'
import { residualEvaluator, type ResidualEvaluator } from '../expr/residual.js'
import type { Expression } from '../expr/expression.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { CommitContext } from './pending-update.js'

/** Which live files to remove: by path, and/or whole files that a row filter fully covers. */
export interface RemovalCriteria {
  readonly paths?: ReadonlySet<string>
  /** Remove files all of whose rows match; a file only partly matching is an error (Java DeleteFiles). */
  readonly filter?: Expression
  /** Also remove files of these partition keys (dynamic overwrite), content data only. */
  readonly partitions?: ReadonlySet<string>
  /** Delete files to remove by `deleteFileKey` (a Puffin file holds many DVs, so the path alone is not enough). */
  readonly deleteKeys?: ReadonlySet<string>
  readonly caseSensitive?: boolean
  /** Data files removed by this change: their deletion vectors dangle and go too (Java, v3). */
  readonly danglingFor?: ReadonlySet<string>
}

/** The outcome of filtering one parent snapshot's manifests. */
export interface FilterResult {
  readonly kept: ManifestFile[]
  readonly written: NewManifest[]
  readonly removed: DataFile[]
}

type Decision = 'keep' | 'remove'

/** Identity of one delete file entry: its path, plus the blob offset for deletion vectors. */
export function deleteFileKey(f: DataFile): string {
  return f.contentOffset === undefined ? f.filePath : `${f.filePath}#${f.contentOffset}`
}

/** Decide per file, with the evaluators built once. */
function decider(m: TableMetadata, c: RemovalCriteria, partitionKeyOf: (f: DataFile) => string): (f: DataFile) => Decision {
  const schema = currentSchema(m)
  const bound = c.filter ? bind(schema, c.filter, c.caseSensitive ?? true) : undefined
  const inclusive = bound ? inclusiveMetricsEvaluator(schema, bound) : undefined
  const strict = bound ? strictMetricsEvaluator(schema, bound) : undefined
  const residuals = new Map<number, ResidualEvaluator>()
  return (f) => {
    if (f.content !== 'data' && c.deleteKeys?.has(deleteFileKey(f))) return 'remove'
    if (f.content === 'position-deletes' && f.fileFormat === 'PUFFIN' && f.referencedDataFile && c.danglingFor?.has(f.referencedDataFile)) return 'remove'
    if (f.content === 'data' && c.paths?.has(f.filePath)) return 'remove'
    if (c.partitions && f.content === 'data' && c.partitions.has(partitionKeyOf(f))) return 'remove'
    if (!bound) return 'keep'
    let re = residuals.get(f.specId)
    if (!re) residuals.set(f.specId, (re = residualEvaluator(specById(m, f.specId)!, bound)))
    // the residual is what the filter still says about rows of this partition: true = all rows match
    const residual = re(f.partition)
    if (residual.kind === 'false') return 'keep'
    if (residual.kind === 'true') return 'remove'
    if (f.content !== 'data') return 'keep' // delete files are removed by path only
    if (!inclusive!(f)) return 'keep'
    if (strict!(f)) return 'remove'
    throw new ValidationError(`Cannot delete file where some, but not all, rows match filter: ${f.filePath}`, { context: { file: f.filePath } })
  }
}

/**
 * Filter `manifests` by `criteria`. Rewritten manifests are cached by path on `cache` across retries (the
 * decision depends only on the manifest's content and the fixed criteria).
 */
export async function filterManifests(
  m: TableMetadata,
  ctx: CommitContext,
  manifests: readonly ManifestFile[],
  criteria: RemovalCriteria,
  snapshotId: bigint,
  nextPath: () => string,
  cache: Map<string, { written?: NewManifest; removed: DataFile[] }>,
  partitionKeyOf: (f: DataFile) => string,
): Promise<FilterResult> {
  // data manifests first: in v3 the deletion vectors of removed data files are removed with them
  const data = await filterPass(m, ctx, manifests.filter((x) => x.content === 'data'), criteria, snapshotId, nextPath, cache, partitionKeyOf, '')
  const danglingFor = m.formatVersion >= 3 ? new Set(data.removed.filter((f) => f.content === 'data').map((f) => f.filePath)) : new Set<string>()
  const deleteCriteria = danglingFor.size ? { ...criteria, danglingFor } : criteria
  const tag = danglingFor.size ? `#dangling:${danglingSignature(danglingFor)}` : ''
  const deletes = await filterPass(m, ctx, manifests.filter((x) => x.content !== 'data'), deleteCriteria, snapshotId, nextPath, cache, partitionKeyOf, tag)
  const order = new Map(manifests.map((x, i) => [x.manifestPath, i]))
  return {
    kept: [...data.kept, ...deletes.kept].sort((a, b) => order.get(a.manifestPath)! - order.get(b.manifestPath)!),
    written: [...data.written, ...deletes.written],
    removed: [...data.removed, ...deletes.removed],
  }
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
  snapshotId: bigint,
  nextPath: () => string,
  cache: Map<string, { written?: NewManifest; removed: DataFile[] }>,
  partitionKeyOf: (f: DataFile) => string,
  tag: string,
): Promise<FilterResult> {
  const decide = decider(m, criteria, partitionKeyOf)
  const schema = currentSchema(m)
  const bound = criteria.filter ? bind(schema, criteria.filter, criteria.caseSensitive ?? true) : undefined
  const kept: ManifestFile[] = []
  const written: NewManifest[] = []
  const removed: DataFile[] = []
  for (const mf of manifests) {
    const hit = cache.get(mf.manifestPath + tag)
    if (hit) {
      if (hit.written) {
        written.push(hit.written)
        ctx.track(hit.written.file.manifestPath)
      } else kept.push(mf)
      removed.push(...hit.removed)
      continue
    }
    // a filter-only removal can skip manifests whose partition summaries cannot match
    if (!criteria.paths && !criteria.partitions && !criteria.deleteKeys && !criteria.danglingFor && bound && !manifestEvaluator(specById(m, mf.partitionSpecId)!, bound)(mf)) {
      kept.push(mf)
      continue
    }
    const r = readManifest(await ctx.io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema, formatVersion: m.formatVersion })
    const entries: ManifestEntry[] = []
    const gone: DataFile[] = []
    for (const e of r.entries) {
      if (e.status === 'deleted') continue // dropped from rewritten manifests, as Java does
      if (decide(e.dataFile) === 'remove') {
        gone.push(e.dataFile)
        entries.push({ ...e, status: 'deleted', snapshotId })
      } else entries.push({ ...e, status: 'existing' })
    }
    if (!gone.length) {
      cache.set(mf.manifestPath + tag, { removed: [] })
      kept.push(mf)
      continue
    }
    const w = await writeNewManifest(ctx, m, nextPath(), specById(m, mf.partitionSpecId)!, schema, mf.content, entries, snapshotId)
    cache.set(mf.manifestPath + tag, { written: w, removed: gone })
    written.push(w)
    removed.push(...gone)
  }
  return { kept, written, removed }
}
