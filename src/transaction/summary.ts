// Spec §Snapshot summary / Java SnapshotSummary: the metric keys Java writes, per-partition summaries under
// `write.summary.partition-limit`, and totals carried forward from the branch's previous snapshot.
import { InvalidArgumentError } from '../errors.js'
import type { DataFile } from '../spec/manifest.js'
import type { Operation, Snapshot, Summary } from '../spec/snapshot.js'
import { partitionKey } from '../table/delete-index.js'

/** Files added and removed by one snapshot. */
export interface SummaryInput {
  readonly added: readonly DataFile[]
  readonly removed: readonly DataFile[]
  /** Repeated live entries of one removed file within a manifest (Java's `deleted-duplicate-files`). */
  readonly duplicates?: number
}

/** How changed partitions are named and when they are summarised one by one. */
export interface PartitionSummaryOptions {
  /** Java's `PartitionSpec.partitionToPath` of a file's partition (`''` when unpartitioned). */
  readonly path: (f: DataFile) => string
  /** `write.summary.partition-limit`: per-partition entries are written when at most this many partitions changed. */
  readonly limit: number
}

const TOTALS: Array<[total: string, added: string, removed: string]> = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
  ['total-delete-files', 'added-delete-files', 'removed-delete-files'],
  ['total-position-deletes', 'added-position-deletes', 'removed-position-deletes'],
  ['total-equality-deletes', 'added-equality-deletes', 'removed-equality-deletes'],
]

// Metric keys in the order Java's summary builder emits them; each is written only when positive.
const METRIC_ORDER = [
  'added-data-files',
  'deleted-data-files',
  'added-equality-delete-files',
  'removed-equality-delete-files',
  'added-position-delete-files',
  'removed-position-delete-files',
  'added-delete-files',
  'removed-delete-files',
  'added-dvs',
  'removed-dvs',
  'added-records',
  'deleted-records',
  'added-files-size',
  'removed-files-size',
  'added-position-deletes',
  'removed-position-deletes',
  'added-equality-deletes',
  'removed-equality-deletes',
] as const

// Keys a caller's summary property may never name: the counters and totals (Java's map builder fails a commit
// that computes the same key, and where it does not, Java folds the caller's count into the totals), the
// changed-partition count and the operation. Other computed keys (`deleted-duplicate-files`, `partitions.*`,
// `partition-summaries-included`) are refused only when this commit computes them, as Java fails then.
const RESERVED = new Set<string>([...METRIC_ORDER, ...TOTALS.map(([t]) => t), 'changed-partition-count', 'operation'])

/** Size a file contributes to the size metrics: a deletion vector counts its blob, not the whole Puffin file. */
export function contentSizeInBytes(f: DataFile): bigint {
  if (f.content !== 'data' && f.fileFormat === 'PUFFIN') return f.contentSizeInBytes ?? f.fileSizeInBytes
  return f.fileSizeInBytes
}

/** Counters of one change (the whole snapshot, or one partition of it). */
class Metrics {
  private readonly n = new Map<string, bigint>()

  private add(k: string, v: bigint): void {
    this.n.set(k, (this.n.get(k) ?? 0n) + v)
  }

  /** Count one file added (`added`) or removed. */
  file(f: DataFile, added: boolean): void {
    this.add(added ? 'added-files-size' : 'removed-files-size', contentSizeInBytes(f))
    if (f.content === 'data') {
      this.add(added ? 'added-data-files' : 'deleted-data-files', 1n)
      this.add(added ? 'added-records' : 'deleted-records', f.recordCount)
      return
    }
    const verb = added ? 'added' : 'removed'
    this.add(`${verb}-delete-files`, 1n)
    if (f.content === 'position-deletes') {
      this.add(f.fileFormat === 'PUFFIN' ? `${verb}-dvs` : `${verb}-position-delete-files`, 1n)
      this.add(`${verb}-position-deletes`, f.recordCount)
    } else {
      this.add(`${verb}-equality-delete-files`, 1n)
      this.add(`${verb}-equality-deletes`, f.recordCount)
    }
  }

  get(k: string): bigint {
    return this.n.get(k) ?? 0n
  }

  /** The positive counters, in Java's key order. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = []
    for (const k of METRIC_ORDER) {
      const v = this.get(k)
      if (v > 0n) out.push([k, String(v)])
    }
    return out
  }
}

/** A previous total plus this change, or undefined (omitted) when unknown, unparsable or negative (Java). */
function nextTotal(prev: string | undefined, plus: bigint, minus: bigint): bigint | undefined {
  if (prev === undefined || !/^[+-]?\d{1,19}$/.test(prev)) return undefined
  const before = BigInt(prev)
  if (before < 0n || before > 0x7fffffffffffffffn) return undefined
  const after = before + plus - minus
  return after < 0n ? undefined : after
}

/**
 * Build a snapshot summary: `extra` properties, the non-zero counts of this change, the changed-partition
 * count, per-partition summaries when `partitions.limit` allows, and totals from `parent`'s summary (zeros
 * when there is no parent). Without `partitions`, partitions are told apart by spec and values and none is
 * summarised.
 */
export function buildSummary(
  operation: Operation,
  input: SummaryInput,
  parent: Snapshot | undefined,
  extra: Readonly<Record<string, string>> = {},
  partitions?: PartitionSummaryOptions,
): Summary {
  const all = new Metrics()
  const byPartition = new Map<string, Metrics>()
  const count = (f: DataFile, added: boolean): void => {
    all.file(f, added)
    const key = partitions ? partitions.path(f) : partitionKey(f.specId, f.partition)
    let pm = byPartition.get(key)
    if (!pm) byPartition.set(key, (pm = new Metrics()))
    pm.file(f, added)
  }
  for (const f of input.added) count(f, true)
  for (const f of input.removed) count(f, false)
  const out: Record<string, string> = {}
  const refuse = (k: string): never => {
    throw new InvalidArgumentError(`Snapshot summary property ${k} is computed by the commit and cannot be set`, { context: { field: k } })
  }
  for (const [k, v] of Object.entries(extra)) {
    if (RESERVED.has(k)) refuse(k)
    out[k] = v
  }
  const computed = (k: string, v: string): void => {
    if (Object.hasOwn(extra, k)) refuse(k)
    out[k] = v
  }
  for (const [k, v] of all.entries()) out[k] = v
  if (input.duplicates) computed('deleted-duplicate-files', String(input.duplicates))
  out['changed-partition-count'] = String(byPartition.size)
  if (partitions && byPartition.size > 0 && byPartition.size <= partitions.limit) {
    computed('partition-summaries-included', 'true')
    for (const [path, pm] of byPartition) {
      // Java skips the unpartitioned (empty) path but still counts it above
      if (path !== '') computed(`partitions.${path}`, pm.entries().map(([k, v]) => `${k}=${v}`).join(','))
    }
  }
  for (const [total, plus, minus] of TOTALS) {
    const t = nextTotal(parent ? parent.summary[total] : '0', all.get(plus), all.get(minus))
    if (t !== undefined) out[total] = String(t)
  }
  return { ...out, operation }
}
