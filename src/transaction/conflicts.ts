// Conflict validation (Java MergingSnapshotProducer validators) over the window from the operation's
// starting snapshot to the branch head it is being applied to. Each validator looks only at the snapshots
// whose operation can produce the kind of change it checks, exactly as Java does.
import { lastKnownTypes } from '../spec/last-known-types.js'
import { ValidationError } from '../errors.js'
import { bind } from '../expr/bind.js'
import { inclusiveMetricsEvaluator } from '../expr/eval-metrics.js'
import { partitionEvaluator } from '../expr/eval-partition.js'
import type { Expression } from '../expr/expression.js'
import { scopedDataFile } from '../deletes/file-scoped.js'
import type { FileIO } from '../io/file-io.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile, ManifestContent, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { ancestors, type Operation, type Snapshot } from '../spec/snapshot.js'
import { currentSchema, snapshotById, specById, type TableMetadata } from '../spec/table-metadata.js'
import { DeleteIndex, partitionKey } from '../table/delete-index.js'
import { snapshotManifests } from '../table/scan-plan.js'
import { hasLiveFiles } from './manifest-filter.js'

/** Isolation levels (Java IsolationLevel): serializable also checks concurrently added data. */
export type IsolationLevel = 'serializable' | 'snapshot'

/** Operations that add data files (Java VALIDATE_ADDED_FILES_OPERATIONS). */
export const ADDED_DATA_OPERATIONS: readonly Operation[] = ['append', 'overwrite']
/** Operations that remove data files (Java VALIDATE_DATA_FILES_EXIST_OPERATIONS). */
export const REMOVED_DATA_OPERATIONS: readonly Operation[] = ['overwrite', 'replace', 'delete']
/** Removing operations that count when deletes are not validated (Java VALIDATE_DATA_FILES_EXIST_SKIP_DELETE_OPERATIONS). */
export const REMOVED_DATA_SKIP_DELETE_OPERATIONS: readonly Operation[] = ['overwrite', 'replace']
/** Operations whose added delete files can conflict (Java VALIDATE_ADDED_DELETE_FILES_OPERATIONS). */
export const ADDED_DELETE_OPERATIONS: readonly Operation[] = ['overwrite', 'delete']
/** Operations that may add deletion vectors (Java VALIDATE_ADDED_DVS_OPERATIONS). */
export const ADDED_DV_OPERATIONS: readonly Operation[] = ['overwrite', 'delete', 'replace']
/** Every operation: validators that look at all snapshots of the window. */
export const ALL_OPERATIONS: readonly Operation[] = ['append', 'replace', 'overwrite', 'delete']

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

/** Sequence number of the window's starting snapshot (the parent of its oldest snapshot), 0 without one. */
export function startingSequenceNumber(m: TableMetadata, history: readonly Snapshot[]): bigint {
  const startId = history.at(-1)?.parentSnapshotId
  return startId === undefined ? 0n : (snapshotById(m, startId)?.sequenceNumber ?? 0n)
}

/** Files a snapshot itself added (status ADDED) or deleted (status DELETED), by content kind. */
export async function snapshotChanges(io: FileIO, m: TableMetadata, s: Snapshot): Promise<{ added: DataFile[]; deleted: DataFile[] }> {
  const added: DataFile[] = []
  const deleted: DataFile[] = []
  for (const mf of await snapshotManifests(io, m, s)) {
    if (mf.addedSnapshotId !== s.snapshotId) continue
    for (const e of await manifestEntries(io, m, mf)) {
      if (e.snapshotId !== s.snapshotId) continue
      if (e.status === 'added') added.push(e.dataFile)
      else if (e.status === 'deleted') deleted.push(e.dataFile)
    }
  }
  return { added, deleted }
}

/** The entries of one manifest of `m`'s snapshots, with inheritance from its list entry applied. */
export async function manifestEntries(io: FileIO, m: TableMetadata, mf: ManifestFile): Promise<readonly ManifestEntry[]> {
  return readManifest(await io.read(mf.manifestPath), { file: mf.manifestPath, manifest: mf, specs: m.specs, schema: currentSchema(m), sourceTypes: lastKnownTypes(m.schemas), formatVersion: m.formatVersion }).entries
}

// Reads shared by the validators of one attempt (they all receive the same history array): manifest lists by
// snapshot id and manifest entries by path, each read once.
const windowReads = new WeakMap<readonly Snapshot[], { lists: Map<bigint, Promise<ManifestFile[]>>; entries: Map<string, Promise<readonly ManifestEntry[]>> }>()

function readsFor(history: readonly Snapshot[]): { lists: Map<bigint, Promise<ManifestFile[]>>; entries: Map<string, Promise<readonly ManifestEntry[]>> } {
  let r = windowReads.get(history)
  if (!r) windowReads.set(history, (r = { lists: new Map(), entries: new Map() }))
  return r
}

function windowEntries(io: FileIO, m: TableMetadata, history: readonly Snapshot[], mf: ManifestFile): Promise<readonly ManifestEntry[]> {
  const cache = readsFor(history).entries
  let e = cache.get(mf.manifestPath)
  if (!e) cache.set(mf.manifestPath, (e = manifestEntries(io, m, mf)))
  return e
}

/**
 * The manifests of `content` written by the window's snapshots whose operation is one of `ops`, and the ids
 * of those snapshots (Java validationHistory).
 */
async function windowManifests(io: FileIO, m: TableMetadata, history: readonly Snapshot[], ops: readonly Operation[], content: ManifestContent): Promise<{ manifests: ManifestFile[]; ids: Set<bigint> }> {
  const manifests: ManifestFile[] = []
  const ids = new Set<bigint>()
  const lists = readsFor(history).lists
  for (const s of history) {
    if (!ops.includes(s.summary.operation)) continue
    ids.add(s.snapshotId)
    let list = lists.get(s.snapshotId)
    if (!list) lists.set(s.snapshotId, (list = snapshotManifests(io, m, s)))
    for (const mf of await list) if (mf.content === content && mf.addedSnapshotId === s.snapshotId) manifests.push(mf)
  }
  return { manifests, ids }
}

/** A matcher "may this file hold rows matching the filter" (partition tuple, then column metrics), for data and delete files. */
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
    return pe(f.partition) && metrics(f)
  }
}

/** Which files a validation looks at: those that may match a row filter, or those of exactly these partitions. */
export type ConflictScope = { readonly filter: Expression } | { readonly partitions: ReadonlySet<string> }

function scopeMatcher(m: TableMetadata, scope: ConflictScope): (f: DataFile) => boolean {
  if ('partitions' in scope) return (f) => scope.partitions.has(partitionKey(f.specId, f.partition))
  return fileMatcher(m, scope.filter)
}

const describe = (fs: readonly DataFile[]): string => fs.slice(0, 10).map((f) => f.filePath).join(', ') + (fs.length > 10 ? `, ... (${fs.length} files)` : '')

/** Java validateAddedDataFiles: no data files added since the start (by append or overwrite) in the scope. */
export async function validateAddedDataFiles(io: FileIO, m: TableMetadata, history: readonly Snapshot[], scope: ConflictScope, what: string): Promise<void> {
  if (!history.length) return
  const { manifests, ids } = await windowManifests(io, m, history, ADDED_DATA_OPERATIONS, 'data')
  const hit = scopeMatcher(m, scope)
  const bad: DataFile[] = []
  for (const mf of manifests) for (const e of await windowEntries(io, m, history, mf)) if (e.status === 'added' && e.snapshotId !== undefined && ids.has(e.snapshotId) && hit(e.dataFile)) bad.push(e.dataFile)
  if (bad.length) throw new ValidationError(`Found conflicting files that can contain records matching ${what}: ${describe(bad)}`)
}

/**
 * Java CherryPickOperation.validateReplacedPartitions: no snapshot of the window, whatever its operation (a
 * compaction too), added a data file to one of `partitions`; picking a dynamic overwrite staged before that
 * would drop rows it never saw.
 */
export async function validateNoDataAddedToPartitions(io: FileIO, m: TableMetadata, history: readonly Snapshot[], partitions: ReadonlySet<string>, snapshotId: bigint): Promise<void> {
  if (!partitions.size || !history.length) return
  const { manifests, ids } = await windowManifests(io, m, history, ALL_OPERATIONS, 'data')
  for (const mf of manifests)
    for (const e of await windowEntries(io, m, history, mf)) {
      const key = partitionKey(e.dataFile.specId, e.dataFile.partition)
      if (e.status === 'added' && e.snapshotId !== undefined && ids.has(e.snapshotId) && partitions.has(key))
        throw new ValidationError(`Cannot cherry-pick snapshot ${snapshotId}: partition ${key} it replaces was changed by snapshot ${e.snapshotId} (added ${e.dataFile.filePath})`, {
          context: { file: e.dataFile.filePath, snapshotId: String(snapshotId) },
        })
    }
}

/** Java validateDeletedDataFiles: no data files in the scope removed since the start (by overwrite, replace or delete). */
export async function validateDeletedDataFiles(io: FileIO, m: TableMetadata, history: readonly Snapshot[], scope: ConflictScope, what: string): Promise<void> {
  if (!history.length) return
  const { manifests, ids } = await windowManifests(io, m, history, REMOVED_DATA_OPERATIONS, 'data')
  const hit = scopeMatcher(m, scope)
  const bad: DataFile[] = []
  for (const mf of manifests) for (const e of await windowEntries(io, m, history, mf)) if (e.status === 'deleted' && e.snapshotId !== undefined && ids.has(e.snapshotId) && hit(e.dataFile)) bad.push(e.dataFile)
  if (bad.length) throw new ValidationError(`Found conflicting deleted files that can ${'partitions' in scope ? 'apply to' : 'contain'} records matching ${what}: ${describe(bad)}`)
}

/**
 * Live delete files in delete manifests written by overwrite and delete snapshots of the window, newer than
 * the starting snapshot and in the scope (what Java's addedDeleteFiles indexes).
 */
async function addedDeleteFiles(io: FileIO, m: TableMetadata, history: readonly Snapshot[], scope: ConflictScope | undefined): Promise<Array<{ file: DataFile; sequenceNumber: bigint }>> {
  const { manifests } = await windowManifests(io, m, history, ADDED_DELETE_OPERATIONS, 'deletes')
  const after = startingSequenceNumber(m, history)
  const hit = scope ? scopeMatcher(m, scope) : () => true
  const out: Array<{ file: DataFile; sequenceNumber: bigint }> = []
  for (const mf of manifests) {
    if (!hasLiveFiles(mf)) continue
    for (const e of await windowEntries(io, m, history, mf)) {
      const seq = e.sequenceNumber ?? 0n
      if (e.status !== 'deleted' && seq > after && hit(e.dataFile)) out.push({ file: e.dataFile, sequenceNumber: seq })
    }
  }
  return out
}

/** Java validateNoNewDeleteFiles: no delete files in the scope added since the start (by overwrite or delete). */
export async function validateNoNewDeleteFiles(io: FileIO, m: TableMetadata, history: readonly Snapshot[], scope: ConflictScope, what: string): Promise<void> {
  if (!history.length || m.formatVersion < 2) return
  const found = await addedDeleteFiles(io, m, history, scope)
  if (found.length) throw new ValidationError(`Found new conflicting delete files that can apply to records matching ${what}: ${describe(found.map((d) => d.file))}`)
}

/**
 * Java validateNoNewDeletesForDataFiles: no delete file added since the start (by overwrite or delete) applies
 * to any of `files`. With `ignoreEquality` (files rewritten keeping their sequence number) only position
 * deletes conflict. `filter` narrows the delete files looked at (the conflict-detection filter).
 */
export async function validateNoNewDeletesForDataFiles(
  io: FileIO,
  m: TableMetadata,
  history: readonly Snapshot[],
  files: readonly DataFile[],
  opts: { readonly filter?: Expression; readonly ignoreEquality?: boolean } = {},
): Promise<void> {
  if (!files.length || !history.length || m.formatVersion < 2) return
  const found = await addedDeleteFiles(io, m, history, opts.filter ? { filter: opts.filter } : undefined)
  if (!found.length) return
  // one index per snapshot that added deletes (its sequence number): a later snapshot of the window may have
  // replaced an earlier one's deletion vector, and both DVs for one data file in one index would be refused
  // although each snapshot had one (apache/iceberg#17764 validates per snapshot the same way)
  const bySnapshot = new Map<bigint, Array<{ file: DataFile; sequenceNumber: bigint }>>()
  for (const d of found) {
    const group = bySnapshot.get(d.sequenceNumber)
    if (group) group.push(d)
    else bySnapshot.set(d.sequenceNumber, [d])
  }
  const indexes: DeleteIndex[] = []
  for (const group of bySnapshot.values()) {
    const index = new DeleteIndex()
    // two deletion vectors for one data file added by one snapshot are that commit's conflict (Java's
    // validation index refuses them as such), not corrupt metadata: told apart here, before the index would
    // report them as INVALID_METADATA
    const dvFor = new Map<string, DataFile>()
    for (const d of group) {
      if (d.file.content === 'position-deletes' && isDV(d.file) && d.file.referencedDataFile !== undefined) {
        const target = d.file.referencedDataFile
        const other = dvFor.get(target)
        if (other)
          throw new ValidationError(`Cannot commit, found two new deletion vectors for data file ${target}: ${describeDV(other)} and ${describeDV(d.file)}`, { context: { file: target } })
        dvFor.set(target, d.file)
      }
      const path = scopedDataFile(d.file)
      index.add({ file: path !== undefined && d.file.referencedDataFile === undefined ? { ...d.file, referencedDataFile: path } : d.file, sequenceNumber: d.sequenceNumber }, specById(m, d.file.specId))
    }
    indexes.push(index)
  }
  const startSeq = startingSequenceNumber(m, history)
  for (const f of files) {
    const deletes = indexes.flatMap((index) => index.forDataFile(f, startSeq))
    if (opts.ignoreEquality) {
      const pos = deletes.find((d) => d.content === 'position-deletes')
      if (pos) throw new ValidationError(`Cannot commit, found new position delete for replaced data file: ${f.filePath} (${pos.filePath})`, { context: { file: f.filePath } })
    } else if (deletes.length) throw new ValidationError(`Cannot commit, found new delete for replaced data file: ${f.filePath} (${deletes[0]!.filePath})`, { context: { file: f.filePath } })
  }
}

/**
 * Java validateDataFilesExist: files this operation references were not removed since the start. Removals by
 * delete snapshots count only when `skipDeletes` is false; `filter` narrows the removed files looked at.
 */
export async function validateDataFilesExist(
  io: FileIO,
  m: TableMetadata,
  history: readonly Snapshot[],
  paths: ReadonlySet<string>,
  opts: { readonly skipDeletes?: boolean; readonly filter?: Expression } = {},
): Promise<void> {
  if (!paths.size || !history.length) return
  const ops = opts.skipDeletes ? REMOVED_DATA_SKIP_DELETE_OPERATIONS : REMOVED_DATA_OPERATIONS
  const { manifests, ids } = await windowManifests(io, m, history, ops, 'data')
  const hit = opts.filter ? fileMatcher(m, opts.filter) : () => true
  const gone: DataFile[] = []
  for (const mf of manifests)
    for (const e of await windowEntries(io, m, history, mf)) if (e.status === 'deleted' && e.snapshotId !== undefined && ids.has(e.snapshotId) && paths.has(e.dataFile.filePath) && hit(e.dataFile)) gone.push(e.dataFile)
  if (gone.length) throw new ValidationError(`Cannot commit, missing data files: ${describe(gone)}`)
}

const describeDV = (f: DataFile): string => `${f.filePath} (offset ${f.contentOffset ?? 'unknown'}, length ${f.contentSizeInBytes ?? 'unknown'})`

/** A deletion vector (a position delete blob in a Puffin file). */
export function isDV(f: DataFile): boolean {
  return f.fileFormat === 'PUFFIN'
}

/** Java validateAddedDVs: no deletion vector for a data file this operation writes a DV for was added since the start. */
export async function validateAddedDVs(io: FileIO, m: TableMetadata, history: readonly Snapshot[], dvTargets: ReadonlySet<string>, filter: Expression): Promise<void> {
  if (!dvTargets.size || !history.length) return
  const { manifests, ids } = await windowManifests(io, m, history, ADDED_DV_OPERATIONS, 'deletes')
  const hit = fileMatcher(m, filter)
  for (const mf of manifests) {
    if (mf.addedFilesCount !== undefined && mf.addedFilesCount === 0) continue
    for (const e of await windowEntries(io, m, history, mf)) {
      const f = e.dataFile
      if (e.status === 'deleted' || e.snapshotId === undefined || !ids.has(e.snapshotId) || !isDV(f) || f.referencedDataFile === undefined || !dvTargets.has(f.referencedDataFile)) continue
      if (hit(f)) throw new ValidationError(`Found concurrently added DV for ${f.referencedDataFile}: ${f.filePath} (offset ${f.contentOffset ?? 'unknown'})`, { context: { file: f.filePath } })
    }
  }
}
