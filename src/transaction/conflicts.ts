// Conflict validation (Java MergingSnapshotProducer validators) over the window from the operation's
// starting snapshot to the branch head it is being applied to.
import { ValidationError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { inclusiveMetricsEvaluator } from '../expr/eval-metrics.js'
import { partitionEvaluator } from '../expr/eval-partition.js'
import type { Expression } from '../expr/expression.js'
import type { FileIO } from '../io/file-io.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile } from '../spec/manifest.js'
import { ancestors, type Operation, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, snapshotById, specById, type TableMetadata } from '../spec/table-metadata.js'
import { partitionKey } from '../table/delete-index.js'
import { snapshotManifests } from '../table/scan-plan.js'

/** Isolation levels (Java IsolationLevel): serializable also checks concurrently added data. */
export type IsolationLevel = 'serializable' | 'snapshot'

/**
 * The snapshots committed after `startId` up to `head` (newest first). Fails when `startId` is no longer an
 * ancestor of `head` (e.g. expired or rolled back), as Java does.
 */
export function validationHistory(m: TableMetadata, startId: bigint | undefined, head: Snapshot | undefined): Snapshot[] {
  const out: Snapshot[] = []
  for (const s of ancestors(head, (id) => snapshotById(m, id))) {
    if (s.snapshotId === startId) return out
    out.push(s)
  }
  if (startId !== undefined)
    throw new ValidationError(`Cannot determine history between starting snapshot ${startId} and the last known ancestor ${out.at(-1)?.snapshotId ?? 'none'}`)
  return out
}

/** Files a snapshot itself added (status ADDED) or deleted (status DELETED), by content kind. */
export async function snapshotChanges(io: FileIO, m: TableMetadata, s: Snapshot): Promise<{ added: DataFile[]; deleted: DataFile[] }> {
  const added: DataFile[] = []
  const deleted: DataFile[] = []
  const schema = currentSchema(m)
  for (const mf of await snapshotManifests(io, m, s)) {
    if (mf.addedSnapshotId !== s.snapshotId) continue
    const r = readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema, formatVersion: m.formatVersion })
    for (const e of r.entries) {
      if (e.snapshotId !== s.snapshotId) continue
      if (e.status === 'added') added.push(e.dataFile)
      else if (e.status === 'deleted') deleted.push(e.dataFile)
    }
  }
  return { added, deleted }
}

/** A matcher "may this file hold rows matching the filter" (partition tuple, then column metrics). */
export function fileMatcher(m: TableMetadata, filter: Expression, caseSensitive = true): (f: DataFile) => boolean {
  const schema = currentSchema(m)
  const bound = bind(schema, filter, caseSensitive)
  const metrics = inclusiveMetricsEvaluator(schema, bound)
  const parts = new Map<number, (p: DataFile['partition']) => boolean>()
  return (f) => {
    let pe = parts.get(f.specId)
    if (!pe) {
      const spec = specById(m, f.specId)
      pe = spec ? partitionEvaluator(spec, bound) : () => true
      parts.set(f.specId, pe)
    }
    return pe(f.partition) && (f.content !== 'data' || metrics(f))
  }
}

/** Which concurrent changes to look at. */
export interface ConflictCheck {
  /** Snapshot operations whose added data files conflict (Java: append and overwrite). */
  readonly dataOps?: readonly Operation[]
  /** Files matching this filter conflict (default: every file). */
  readonly filter?: Expression
  /** Or: files in these partitions conflict (spec id + partition key, see partitionKey). */
  readonly partitions?: ReadonlySet<string>
}

function matches(m: TableMetadata, check: ConflictCheck): (f: DataFile) => boolean {
  if (check.partitions) return (f) => check.partitions!.has(partitionKey(f.specId, f.partition)) || (specById(m, f.specId)?.fields.length ?? 0) === 0
  if (check.filter) return fileMatcher(m, check.filter)
  return () => true
}

const describe = (fs: readonly DataFile[]): string => fs.slice(0, 10).map((f) => f.filePath).join(', ')

/** Java validateNoConflictingData: no data files added since the start that may match. */
export async function validateNoConflictingData(io: FileIO, m: TableMetadata, history: readonly Snapshot[], check: ConflictCheck, what: string): Promise<void> {
  const ops = check.dataOps ?? ['append', 'overwrite']
  const hit = matches(m, check)
  for (const s of history) {
    if (!ops.includes(s.summary.operation)) continue
    const { added } = await snapshotChanges(io, m, s)
    const bad = added.filter((f) => f.content === 'data' && hit(f))
    if (bad.length) throw new ValidationError(`Found conflicting files that can contain records matching ${what}: ${describe(bad)} (added by snapshot ${s.snapshotId})`)
  }
}

/** Java validateNoConflictingDeletes: no delete files added, and no data files removed, that may match. */
export async function validateNoConflictingDeletes(io: FileIO, m: TableMetadata, history: readonly Snapshot[], check: ConflictCheck, what: string): Promise<void> {
  const hit = matches(m, check)
  for (const s of history) {
    if (s.summary.operation === 'append') continue
    const { added, deleted } = await snapshotChanges(io, m, s)
    const deletes = added.filter((f) => f.content !== 'data' && hit(f))
    if (deletes.length) throw new ValidationError(`Found new conflicting delete files that can apply to records matching ${what}: ${describe(deletes)} (snapshot ${s.snapshotId})`)
    if (s.summary.operation === 'replace') continue
    const removed = deleted.filter((f) => f.content === 'data' && hit(f))
    if (removed.length) throw new ValidationError(`Found conflicting deleted files that can contain records matching ${what}: ${describe(removed)} (snapshot ${s.snapshotId})`)
  }
}

/** Java validateNoNewDeletesForDataFiles: no delete files added since the start that apply to these data files. */
export async function validateNoNewDeletesFor(io: FileIO, m: TableMetadata, history: readonly Snapshot[], files: readonly DataFile[], ignoreEquality = false): Promise<void> {
  if (!files.length) return
  const paths = new Set(files.map((f) => f.filePath))
  const parts = new Set(files.map((f) => partitionKey(f.specId, f.partition)))
  for (const s of history) {
    const { added } = await snapshotChanges(io, m, s)
    for (const d of added) {
      if (d.content === 'data') continue
      if (d.content === 'equality-deletes') {
        if (ignoreEquality) continue
        const global = (specById(m, d.specId)?.fields.length ?? 0) === 0
        if (global || parts.has(partitionKey(d.specId, d.partition))) throw new ValidationError(`Cannot commit, found new equality delete file ${d.filePath} for replaced data files (snapshot ${s.snapshotId})`)
        continue
      }
      const target = d.referencedDataFile
      if (target !== undefined ? paths.has(target) : parts.has(partitionKey(d.specId, d.partition)))
        throw new ValidationError(`Cannot commit, found new position delete file ${d.filePath} for replaced data files (snapshot ${s.snapshotId})`)
    }
  }
}

/** Java validateDataFilesExist: files this operation references were not removed since the start. */
export async function validateFilesExist(io: FileIO, m: TableMetadata, history: readonly Snapshot[], paths: ReadonlySet<string>, ops: readonly Operation[] = ['overwrite', 'replace', 'delete']): Promise<void> {
  if (!paths.size) return
  for (const s of history) {
    if (!ops.includes(s.summary.operation)) continue
    const { deleted } = await snapshotChanges(io, m, s)
    const gone = deleted.filter((f) => paths.has(f.filePath))
    if (gone.length) throw new ValidationError(`Cannot commit, missing data files: ${describe(gone)} (removed by snapshot ${s.snapshotId})`)
  }
}
