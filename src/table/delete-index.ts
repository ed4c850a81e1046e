// Spec §Scan Planning (delete application): which delete files apply to a data file (Java DeleteFileIndex).
import { FloeError } from '../errors.js'
import type { DataFile, PartitionValues } from '../spec/manifest.js'
import { isUnpartitioned, type PartitionSpec } from '../spec/partition-spec.js'
import type { Value } from '../spec/types.js'
import { scopedDataFile } from '../deletes/file-scoped.js'

/** A live delete file with its data sequence number (after inheritance). */
export interface IndexedDelete {
  readonly file: DataFile
  readonly sequenceNumber: bigint
}

/** Canonical key of one partition value (floats by bit pattern, bytes by hex, longs exact). */
function valueKey(v: Value): string {
  if (v === null || v === undefined) return 'N'
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'd:NaN' : Object.is(v, -0) ? 'd:-0' : `d:${v}`
    case 'bigint':
      return `l:${v}`
    case 'string':
      return `s:${JSON.stringify(v)}`
    case 'boolean':
      return v ? 'b:1' : 'b:0'
  }
  if (v instanceof Uint8Array) return `x:${Buffer.from(v).toString('hex')}`
  return `o:${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))}`
}

/** Key of a (spec, partition tuple) pair: deletes apply only within the same spec and equal values. */
export function partitionKey(specId: number, partition: PartitionValues): string {
  return `${specId}|${partition.map(valueKey).join('|')}`
}

/** One partition value as text for messages (strings quoted, bytes as hex). */
function partitionText(v: Value): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`
  return typeof v === 'object' ? valueKey(v).slice(2) : String(v)
}

/** A deletion vector named by its file and blob offset. */
function describeDV(f: DataFile): string {
  return `${f.filePath} (offset ${f.contentOffset ?? 'unknown'}, length ${f.contentSizeInBytes ?? 'unknown'})`
}

/** A delete file scoped to one data file must have that file's spec and partition tuple (else the metadata is corrupt). */
function samePartition(del: DataFile, data: DataFile, dataKey: string): void {
  if (del.specId === data.specId && partitionKey(del.specId, del.partition) === dataKey) return
  const show = (p: PartitionValues): string => `(${p.map(partitionText).join(', ')})`
  const what = del.specId !== data.specId ? `partition specs (${del.specId}, ${data.specId})` : `partition tuples ${show(del.partition)} and ${show(data.partition)}`
  throw new FloeError('INVALID_METADATA', `Mismatched ${what} for delete file ${del.filePath} and data file ${data.filePath}: metadata is corrupted`, {
    context: { file: data.filePath },
  })
}

/**
 * The delete files of one snapshot, indexed for lookup per data file:
 * - deletion vectors (every Puffin delete file) by referenced data file (seq(D) ≤ seq(DV)); a DV without a
 *   referenced data file, two DVs for one data file, a DV older than its data file or one in another partition
 *   are corrupt metadata (Java's DeleteFileIndex refuses them too);
 * - position delete files by partition, or by referenced data file (seq(D) ≤ seq(del)), ignored when a DV applies;
 * - equality delete files by partition, or globally when written with an unpartitioned spec (seq(D) < seq(del)).
 */
export class DeleteIndex {
  private readonly dvs = new Map<string, IndexedDelete>()
  private readonly posByFile = new Map<string, IndexedDelete[]>()
  private readonly posByPartition = new Map<string, IndexedDelete[]>()
  private readonly eqByPartition = new Map<string, IndexedDelete[]>()
  private readonly eqGlobal: IndexedDelete[] = []
  /** Number of delete files indexed. */
  size = 0

  /** Add one live delete file written with `spec`. */
  add(d: IndexedDelete, spec: PartitionSpec | undefined): void {
    const f = d.file
    this.size++
    const push = (m: Map<string, IndexedDelete[]>, k: string): void => {
      const l = m.get(k)
      if (l) l.push(d)
      else m.set(k, [d])
    }
    if (f.content === 'position-deletes') {
      // scoped to one data file by referenced_data_file or by equal file_path bounds (Java's
      // ContentFileUtil.referencedDataFileLocation): indexed by that path, else by partition
      const scoped = scopedDataFile(f)
      if (f.fileFormat === 'PUFFIN') this.addDV(d)
      else if (scoped !== undefined) push(this.posByFile, scoped)
      else push(this.posByPartition, partitionKey(f.specId, f.partition))
    } else if (f.fileFormat === 'PUFFIN') {
      throw new FloeError('INVALID_METADATA', `Puffin delete file ${f.filePath} must hold position deletes (a deletion vector), not ${f.content}`, { context: { file: f.filePath } })
    } else if (f.content === 'equality-deletes') {
      const unpartitioned = !spec || isUnpartitioned(spec)
      if (unpartitioned) this.eqGlobal.push(d)
      else push(this.eqByPartition, partitionKey(f.specId, f.partition))
    }
  }

  /** Index a deletion vector: it names its one data file, and each data file has at most one. */
  private addDV(d: IndexedDelete): void {
    const f = d.file
    const target = f.referencedDataFile
    if (target === undefined) throw new FloeError('INVALID_METADATA', `Deletion vector ${f.filePath} has no referenced_data_file`, { context: { file: f.filePath } })
    const other = this.dvs.get(target)
    if (other)
      throw new FloeError(
        'INVALID_METADATA',
        `Data file ${target} has two deletion vectors: ${describeDV(other.file)} and ${describeDV(f)}`,
        { context: { file: target } },
      )
    this.dvs.set(target, d)
  }

  /** The delete files that apply to data file `file` with data sequence number `seq`. */
  forDataFile(file: DataFile, seq: bigint): DataFile[] {
    if (this.size === 0) return []
    const out: DataFile[] = []
    const key = partitionKey(file.specId, file.partition)
    const dv = this.dvs.get(file.filePath)
    if (dv) {
      // v3: a DV replaces position deletes for its data file
      if (dv.sequenceNumber < seq)
        throw new FloeError(
          'INVALID_METADATA',
          `Deletion vector ${describeDV(dv.file)} has data sequence number ${dv.sequenceNumber}, lower than ${seq} of its data file ${file.filePath}`,
          { context: { file: file.filePath } },
        )
      samePartition(dv.file, file, key)
      out.push(dv.file)
    } else {
      for (const d of this.posByFile.get(file.filePath) ?? [])
        if (seq <= d.sequenceNumber) {
          samePartition(d.file, file, key)
          out.push(d.file)
        }
      for (const d of this.posByPartition.get(key) ?? []) if (seq <= d.sequenceNumber) out.push(d.file)
    }
    for (const d of this.eqByPartition.get(key) ?? []) if (seq < d.sequenceNumber) out.push(d.file)
    for (const d of this.eqGlobal) if (seq < d.sequenceNumber) out.push(d.file)
    return out
  }
}
