// Spec §Snapshot summary / Java SnapshotSummary: the metric keys Java writes, with totals carried forward.
import type { DataFile, PartitionValues } from '../spec/manifest.js'
import type { Operation, Snapshot, Summary } from '../spec/snapshot.js'
import { partitionKey } from '../table/delete-index.js'

/** Files added and removed by one snapshot. */
export interface SummaryInput {
  readonly added: readonly DataFile[]
  readonly removed: readonly DataFile[]
}

const TOTALS: Array<[total: string, added: string, removed: string]> = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
  ['total-delete-files', 'added-delete-files', 'removed-delete-files'],
  ['total-position-deletes', 'added-position-deletes', 'removed-position-deletes'],
  ['total-equality-deletes', 'added-equality-deletes', 'removed-equality-deletes'],
]

/** Build a snapshot summary: counts of this change (non-zero only, as Java), changed partitions, and totals. */
export function buildSummary(operation: Operation, input: SummaryInput, parent: Snapshot | undefined, extra: Readonly<Record<string, string>> = {}): Summary {
  const n: Record<string, bigint> = {}
  const add = (k: string, v: bigint): void => void (n[k] = (n[k] ?? 0n) + v)
  const partitions = new Set<string>()
  const touch = (specId: number, p: PartitionValues): void => void partitions.add(partitionKey(specId, p))
  for (const f of input.added) {
    touch(f.specId, f.partition)
    add('added-files-size', f.fileSizeInBytes)
    if (f.content === 'data') {
      add('added-data-files', 1n)
      add('added-records', f.recordCount)
    } else {
      add('added-delete-files', 1n)
      if (f.content === 'position-deletes') {
        add(f.fileFormat === 'PUFFIN' ? 'added-dvs' : 'added-position-delete-files', 1n)
        add('added-position-deletes', f.recordCount)
      } else {
        add('added-equality-delete-files', 1n)
        add('added-equality-deletes', f.recordCount)
      }
    }
  }
  for (const f of input.removed) {
    touch(f.specId, f.partition)
    add('removed-files-size', f.fileSizeInBytes)
    if (f.content === 'data') {
      add('deleted-data-files', 1n)
      add('deleted-records', f.recordCount)
    } else {
      add('removed-delete-files', 1n)
      if (f.content === 'position-deletes') {
        add(f.fileFormat === 'PUFFIN' ? 'removed-dvs' : 'removed-position-delete-files', 1n)
        add('removed-position-deletes', f.recordCount)
      } else {
        add('removed-equality-delete-files', 1n)
        add('removed-equality-deletes', f.recordCount)
      }
    }
  }
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(extra)) out[k] = v
  for (const [k, v] of Object.entries(n)) if (v !== 0n) out[k] = String(v)
  out['changed-partition-count'] = String(partitions.size)
  for (const [total, plus, minus] of TOTALS) {
    const prev = parent ? parent.summary[total] : '0'
    if (prev === undefined || !/^-?\d+$/.test(prev)) continue
    out[total] = String(BigInt(prev) + (n[plus] ?? 0n) - (n[minus] ?? 0n))
  }
  return { ...out, operation }
}
