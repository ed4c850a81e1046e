// Checks on the data and delete file descriptions a commit adds (spec §Manifests field rules, as Java's
// DataFiles/FileMetadata builders and MergingSnapshotProducer enforce them), and the deletion-vector rule
// "at most one DV per data file in a snapshot" against the state a commit is applied to.
import { InvalidArgumentError, ValidationError } from '../errors.js'
import { boundDomain } from '../expr/bound-domain.js'
import { isNaNValue } from '../expr/value-test.js'
import type { FileIO } from '../io/file-io.js'
import type { DataFile, FieldSummary, ManifestFile } from '../spec/manifest.js'
import { lastKnownTypes } from '../spec/last-known-types.js'
import { partitionType } from '../spec/partition-spec.js'
import type { Snapshot } from '../spec/snapshot.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import type { PrimitiveType, Value } from '../spec/types.js'
import { isDV, manifestEntries, validationHistory } from './conflicts.js'
import { deleteFileKey, hasLiveFiles } from './manifest-filter.js'

const refuse = (f: DataFile, field: string, why: string): never => {
  throw new InvalidArgumentError(`Invalid ${f.content} file ${f.filePath}: ${field} ${why}`, { context: { file: f.filePath, field } })
}

/** record_count and file_size_in_bytes are required and not negative (Java's builders: "… is required"). */
function checkCounts(f: DataFile): void {
  if (typeof f.recordCount !== 'bigint' || f.recordCount < 0n) refuse(f, 'record_count', `must be a non-negative long, got ${String(f.recordCount)}`)
  if (typeof f.fileSizeInBytes !== 'bigint' || f.fileSizeInBytes < 0n) refuse(f, 'file_size_in_bytes', `must be a non-negative long, got ${String(f.fileSizeInBytes)}`)
}

/**
 * A data file a commit adds: counts not negative; none of the delete-only fields (equality_ids,
 * referenced_data_file, content_offset, content_size_in_bytes), which Java's data file builder cannot set;
 * not a Puffin file (Puffin holds deletion vectors only). An empty equality_ids list carries no ids and passes.
 */
export function checkAddedDataFile(f: DataFile): void {
  if (f.content !== 'data') throw new InvalidArgumentError(`Expected a data file, got ${f.content} file ${f.filePath}`, { context: { file: f.filePath, field: 'content' } })
  checkCounts(f)
  if (f.fileFormat === 'PUFFIN') refuse(f, 'file_format', 'is PUFFIN, which holds deletion vectors, not data')
  if (f.equalityIds !== undefined && f.equalityIds.length > 0) refuse(f, 'equality_ids', 'must be null for data files')
  if (f.referencedDataFile !== undefined) refuse(f, 'referenced_data_file', 'must be null for data files')
  if (f.contentOffset !== undefined) refuse(f, 'content_offset', 'must be null for data files')
  if (f.contentSizeInBytes !== undefined) refuse(f, 'content_size_in_bytes', 'must be null for data files')
}

/**
 * A delete file a commit adds (Java FileMetadata.Builder.build): counts not negative; a deletion vector
 * (Puffin) holds position deletes and has referenced_data_file, content_offset and content_size_in_bytes;
 * any other file has neither content field; position deletes have no sort_order_id; equality deletes name
 * at least one equality field id.
 */
export function checkAddedDeleteFile(f: DataFile): void {
  if (f.content === 'data') throw new InvalidArgumentError(`Expected a delete file, got data file ${f.filePath}`, { context: { file: f.filePath, field: 'content' } })
  checkCounts(f)
  if (isDV(f)) {
    if (f.content !== 'position-deletes') refuse(f, 'content', 'must be position deletes for a deletion vector (PUFFIN)')
    if (f.referencedDataFile === undefined) refuse(f, 'referenced_data_file', 'is required for a deletion vector')
    if (f.contentOffset === undefined) refuse(f, 'content_offset', 'is required for a deletion vector')
    if (f.contentSizeInBytes === undefined) refuse(f, 'content_size_in_bytes', 'is required for a deletion vector')
  } else {
    if (f.contentOffset !== undefined) refuse(f, 'content_offset', `can only be set for a deletion vector (PUFFIN), not a ${f.fileFormat} file`)
    if (f.contentSizeInBytes !== undefined) refuse(f, 'content_size_in_bytes', `can only be set for a deletion vector (PUFFIN), not a ${f.fileFormat} file`)
  }
  if (f.content === 'position-deletes' && f.sortOrderId !== undefined) refuse(f, 'sort_order_id', 'must be null for position deletes')
  if (f.content === 'equality-deletes' && (f.equalityIds === undefined || f.equalityIds.length === 0)) refuse(f, 'equality_ids', 'is required for equality deletes')
}

/** Java validateDeleteFileForVersion: no deletes in v1, no deletion vectors in v2, only deletion vectors for position deletes in v3+. */
export function checkDeleteFileForVersion(f: DataFile, formatVersion: number): void {
  if (formatVersion < 2) throw new InvalidArgumentError(`Deletes are supported in format v2 and above: ${f.filePath}`, { context: { file: f.filePath, field: 'content' } })
  if (f.content !== 'position-deletes') return
  const ctx = { context: { file: f.filePath, field: 'file_format' } }
  if (formatVersion === 2 && isDV(f)) throw new InvalidArgumentError(`Must not use DVs for position deletes in v2: ${f.filePath} (offset ${f.contentOffset}, referenced data file ${f.referencedDataFile})`, ctx)
  if (formatVersion >= 3 && !isDV(f)) throw new InvalidArgumentError(`Must use DVs for position deletes in v${formatVersion}: ${f.filePath}`, ctx)
}

/**
 * Every file a commit adds, checked on each attempt before anything is read or written: the descriptions,
 * then the delete files against the format version of the attempt's base (an upgrade may land between attempts).
 */
export function checkAddedFiles(formatVersion: number, data: readonly DataFile[], deletes: readonly DataFile[] = []): void {
  for (const f of data) checkAddedDataFile(f)
  for (const d of deletes) {
    checkAddedDeleteFile(d)
    checkDeleteFileForVersion(d, formatVersion)
  }
}

/** A live deletion vector of a snapshot, with the snapshot that added it. */
export interface LiveDV {
  readonly file: DataFile
  readonly addedBy: bigint | undefined
}

/** Reads of parent delete manifests kept by one update across its attempts (manifests never change). */
export type LiveDVCache = Map<string, Promise<LiveDV[]>>

// Manifests never change once written, so the DVs read from one stay valid for every later commit made through
// the same storage: shared per FileIO (a table's Env), bounded, oldest reads dropped first.
const SHARED_DV_READS = new WeakMap<object, LiveDVCache>()
const SHARED_DV_READS_LIMIT = 8192

/** The DV references read from delete manifests, shared by the commits made through one FileIO. */
export function sharedLiveDVCache(io: FileIO): LiveDVCache {
  let c = SHARED_DV_READS.get(io)
  if (!c) SHARED_DV_READS.set(io, (c = new Map()))
  return c
}

const describeDV = (f: DataFile): string => `${f.filePath} (offset ${f.contentOffset ?? 'unknown'}, length ${f.contentSizeInBytes ?? 'unknown'})`

/**
 * May a manifest written with the DVs' spec hold a file of one of `tuples`, judging by its partition summaries
 * (a null needs contains_null, a value needs lower ≤ value ≤ upper under one of the bound orders)? Anything
 * missing or unreadable may match.
 */
function mayHoldPartition(types: readonly PrimitiveType[] | undefined, mf: ManifestFile, tuples: ReadonlyArray<readonly Value[]>): boolean {
  const stats = mf.partitions
  if (!types || !stats) return true
  const fieldMay = (t: PrimitiveType, s: FieldSummary | undefined, v: Value): boolean => {
    try {
      return summaryMayHold(t, s, v)
    } catch {
      return true // a value of another type than the field's: the manifest writer reports it
    }
  }
  return tuples.some((p) => types.every((t, i) => fieldMay(t, stats[i], p[i] ?? null)))
}

/** One partition field's summary may hold value `v` (of the field's type `t`). */
function summaryMayHold(t: PrimitiveType, s: FieldSummary | undefined, v: Value): boolean {
  if (!s) return true
  if (v === null || v === undefined) return s.containsNull
  if (isNaNValue(v)) return s.containsNan !== false
  if (s.lowerBound === undefined) return false // every value of the field is null or NaN
  if (s.upperBound === undefined) return true
  const d = boundDomain(t)
  const lo = d.decode(s.lowerBound)
  const hi = d.decode(s.upperBound)
  if (lo === undefined || hi === undefined) return true
  const lit = d.literal(v)
  return d.comparators.some((c) => c(lo, lit) <= 0 && c(hi, lit) >= 0)
}

/**
 * The live deletion vectors among `manifests` (one snapshot's manifest list) whose data file is one of the
 * keys of `byTarget` (the DVs a commit adds, by referenced data file). Only delete manifests with live files,
 * of a spec the added DVs use and whose partition summaries may hold one of their partitions, are read:
 * a DV lives in its data file's spec and partition. Reads are shared through `cache`.
 */
export async function liveDVsFor(io: FileIO, m: TableMetadata, manifests: readonly ManifestFile[], byTarget: ReadonlyMap<string, DataFile>, cache: LiveDVCache): Promise<LiveDV[]> {
  const tuples = new Map<number, Array<readonly Value[]>>()
  for (const d of byTarget.values()) {
    const l = tuples.get(d.specId)
    if (l) l.push(d.partition)
    else tuples.set(d.specId, [d.partition])
  }
  const types = new Map<number, readonly PrimitiveType[] | undefined>()
  const typesOf = (specId: number): readonly PrimitiveType[] | undefined => {
    if (!types.has(specId)) {
      let t: readonly PrimitiveType[] | undefined
      try {
        const spec = specById(m, specId)
        t = spec ? partitionType(spec, currentSchema(m), lastKnownTypes(m.schemas)).fields.map((f) => f.type as PrimitiveType) : undefined
      } catch {
        t = undefined // no pruning by partition
      }
      types.set(specId, t)
    }
    return types.get(specId)
  }
  const reads: Array<Promise<LiveDV[]>> = []
  for (const mf of manifests) {
    const ofSpec = tuples.get(mf.partitionSpecId)
    if (mf.content !== 'deletes' || !ofSpec || !hasLiveFiles(mf) || !mayHoldPartition(typesOf(mf.partitionSpecId), mf, ofSpec)) continue
    let read = cache.get(mf.manifestPath)
    if (!read) {
      read = manifestEntries(io, m, mf).then((entries) =>
        entries.filter((e) => e.status !== 'deleted' && isDV(e.dataFile) && e.dataFile.referencedDataFile !== undefined).map((e) => ({ file: e.dataFile, addedBy: e.snapshotId })),
      )
      read.catch(() => cache.delete(mf.manifestPath))
      cache.set(mf.manifestPath, read)
      if (cache.size > SHARED_DV_READS_LIMIT) cache.delete(cache.keys().next().value!)
    }
    reads.push(read)
  }
  return (await Promise.all(reads)).flat().filter((d) => byTarget.has(d.file.referencedDataFile!))
}

/** What {@link checkOneDVPerDataFile} judges. */
export interface DVCheck {
  /** The metadata the commit is applied to, and the branch head in it (the new snapshot's parent). */
  readonly metadata: TableMetadata
  readonly parent: Snapshot | undefined
  readonly parentManifests: readonly ManifestFile[]
  /** The operation's starting snapshot (the start of its validation window); undefined: the table's beginning. */
  readonly startSnapshotId: bigint | undefined
  /** Ids of the snapshots other writers committed (the attempt's base); the transaction's own are not among them. */
  readonly committed: ReadonlySet<bigint>
  /** The deletion vectors this commit adds. */
  readonly added: readonly DataFile[]
  /** Every file this commit removes from the parent (its deletion vectors among them). */
  readonly removed: readonly DataFile[]
  readonly io: FileIO
  readonly cache: LiveDVCache
}

/**
 * Spec §Deletion Vectors: a snapshot has at most one DV per data file. A DV this commit adds for a data file
 * whose live DV it does not remove fails: INVALID_ARGUMENT when that DV was there when the operation started
 * (or came from this transaction), since the caller had to replace it; VALIDATION when another writer added
 * it since (a concurrent conflict, as Java's validateAddedDVs reports it).
 */
export async function checkOneDVPerDataFile(c: DVCheck): Promise<void> {
  if (!c.parent || !c.added.length) return
  const byTarget = new Map<string, DataFile>()
  for (const d of c.added) byTarget.set(d.referencedDataFile!, d)
  const live = await liveDVsFor(c.io, c.metadata, c.parentManifests, byTarget, c.cache)
  if (!live.length) return
  const removed = new Set(c.removed.filter((f) => f.content !== 'data').map(deleteFileKey))
  const kept = live.filter((d) => !removed.has(deleteFileKey(d.file)))
  if (!kept.length) return
  const window = new Set(validationHistory(c.metadata, c.startSnapshotId, c.parent).map((s) => s.snapshotId))
  const concurrent = kept.find((d) => d.addedBy !== undefined && window.has(d.addedBy) && c.committed.has(d.addedBy))
  if (concurrent) {
    const target = concurrent.file.referencedDataFile!
    throw new ValidationError(`Found concurrently added DV for ${target}: ${describeDV(concurrent.file)} (added by snapshot ${concurrent.addedBy}), conflicting with new DV ${describeDV(byTarget.get(target)!)}`, {
      context: { file: concurrent.file.filePath, field: 'referenced_data_file' },
    })
  }
  const old = kept[0]!
  const target = old.file.referencedDataFile!
  const mine = byTarget.get(target)!
  throw new InvalidArgumentError(
    `Deletion vector ${describeDV(mine)} for data file ${target} (referenced_data_file) would be its second live DV: ${describeDV(old.file)} is live and not removed by this commit; a data file has at most one DV, so remove the old one in the same commit (merging its positions into the new one)`,
    { context: { file: mine.filePath, field: 'referenced_data_file' } },
  )
}
