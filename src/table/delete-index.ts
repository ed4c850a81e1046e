// Spec §Scan Planning (delete application): which delete files apply to a data file (Java DeleteFileIndex).
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

/**
 * The delete files of one snapshot, indexed for lookup per data file:
 * - deletion vectors by referenced data file (seq(D) ≤ seq(DV));
 * - position delete files by partition, or by referenced data file (seq(D) ≤ seq(del)), ignored when a DV applies;
 * - equality delete files by partition, or globally when written with an unpartitioned spec (seq(D) < seq(del)).
 */
export class DeleteIndex {
  private readonly dvs = new Map<string, IndexedDelete[]>()
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
      if (f.fileFormat === 'PUFFIN' && f.referencedDataFile !== undefined) push(this.dvs, f.referencedDataFile)
      else if (scoped !== undefined) push(this.posByFile, scoped)
      else push(this.posByPartition, partitionKey(f.specId, f.partition))
    } else if (f.content === 'equality-deletes') {
      const unpartitioned = !spec || isUnpartitioned(spec)
      if (unpartitioned) this.eqGlobal.push(d)
      else push(this.eqByPartition, partitionKey(f.specId, f.partition))
    }
  }

  /** The delete files that apply to data file `file` with data sequence number `seq`. */
  forDataFile(file: DataFile, seq: bigint): DataFile[] {
    if (this.size === 0) return []
    const out: DataFile[] = []
    const key = partitionKey(file.specId, file.partition)
    const dvs = (this.dvs.get(file.filePath) ?? []).filter((d) => seq <= d.sequenceNumber)
    if (dvs.length) {
      // v3: a DV replaces position deletes for its data file; the newest DV wins
      const newest = dvs.reduce((a, b) => (b.sequenceNumber > a.sequenceNumber ? b : a))
      out.push(newest.file)
    } else {
      for (const d of this.posByFile.get(file.filePath) ?? []) if (seq <= d.sequenceNumber) out.push(d.file)
      for (const d of this.posByPartition.get(key) ?? []) if (seq <= d.sequenceNumber) out.push(d.file)
    }
    for (const d of this.eqByPartition.get(key) ?? []) if (seq < d.sequenceNumber) out.push(d.file)
    for (const d of this.eqGlobal) if (seq < d.sequenceNumber) out.push(d.file)
    return out
  }
}
