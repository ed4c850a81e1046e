// Writing manifests for a commit: partition field summaries, counts, and the manifest-list entry.
import { writeManifest } from '../spec/avro/manifest-codec.js'
import type { DataFile, FieldSummary, ManifestContent, ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { partitionType, type PartitionSpec } from '../spec/partition-spec.js'
import { findField, type Schema } from '../spec/schema.js'
import { lastKnownTypes } from '../spec/last-known-types.js'
import { toBinary } from '../spec/single-value.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { PrimitiveType, Value } from '../spec/types.js'
import { compareValues } from '../spec/values.js'
import { metadataDir } from '../catalog/metadata-files.js'
import type { CommitContext } from './pending-update.js'

/** A manifest written by this commit; its sequence numbers are assigned when the manifest list is written. */
export interface NewManifest {
  /** The list entry, with `sequenceNumber`/`minSequenceNumber` still to be set (0 here). */
  readonly file: ManifestFile
  /** Smallest explicit data sequence number among live EXISTING entries (added ones inherit the new one). */
  readonly minExistingSequence?: bigint
  /** True when the manifest holds ADDED entries (their sequence number is the new snapshot's). */
  readonly hasAdded: boolean
}

function isFloat(t: PrimitiveType): boolean {
  return t.kind === 'float' || t.kind === 'double'
}

/** Partition field summaries (`r508`): nulls, NaNs (always a boolean, as Java), and bounds over non-null, non-NaN values. */
export function partitionSummaries(spec: PartitionSpec, schema: Schema, files: readonly DataFile[], sourceTypes?: ReadonlyMap<number, PrimitiveType>): FieldSummary[] {
  const types = partitionType(spec, schema, sourceTypes).fields.map((f) => f.type as PrimitiveType)
  return spec.fields.map((_f, i) => {
    const t = types[i]!
    let containsNull = false
    let containsNan = false
    let lo: Value = null
    let hi: Value = null
    for (const f of files) {
      const v = f.partition[i] ?? null
      if (v === null) {
        containsNull = true
        continue
      }
      if (isFloat(t) && Number.isNaN(v as number)) {
        containsNan = true
        continue
      }
      if (lo === null || compareValues(t, v, lo) < 0) lo = v
      if (hi === null || compareValues(t, v, hi) > 0) hi = v
    }
    const s: { -readonly [K in keyof FieldSummary]: FieldSummary[K] } = { containsNull, containsNan }
    if (lo !== null) s.lowerBound = toBinary(t, lo)
    if (hi !== null) s.upperBound = toBinary(t, hi)
    return s
  })
}

/** Java's manifest name: `<metadata dir>/<commitUuid>-m<N>.avro`. */
export function manifestPath(metadata: TableMetadata, commitUuid: string, n: number): string {
  return `${metadataDir(metadata)}/${commitUuid}-m${n}.avro`
}

/** An ADDED entry as written: a data file never keeps a first row id (it inherits one from the manifest). */
export function asWrittenAdded(e: ManifestEntry): ManifestEntry {
  if (e.status !== 'added' || e.dataFile.firstRowId === undefined) return e
  const { firstRowId: _dropped, ...dataFile } = e.dataFile
  return { ...e, dataFile }
}

/**
 * Write one manifest of `entries` (all of one spec and one content kind) at `path` and describe it for the
 * list. ADDED entries carry no sequence numbers unless given (they inherit the snapshot's) and never a
 * first row id (new rows get ids from the manifest's first row id).
 */
export async function writeNewManifest(
  ctx: CommitContext,
  metadata: TableMetadata,
  path: string,
  spec: PartitionSpec,
  schema: Schema,
  content: ManifestContent,
  given: readonly ManifestEntry[],
  snapshotId: bigint,
): Promise<NewManifest> {
  const entries = given.map(asWrittenAdded)
  // an old spec may partition by a column dropped since: its values keep the type the column last had
  const sourceTypes = spec.fields.some((f) => !findField(schema, f.sourceId)) ? lastKnownTypes(metadata.schemas) : undefined
  const bytes = writeManifest(entries, { formatVersion: metadata.formatVersion, spec, schema, content, file: path, ...(sourceTypes ? { sourceTypes } : {}) })
  ctx.track(path) // tracked first: a write that fails half way is still cleaned up
  await ctx.io.write(path, bytes, { durable: true, direct: true })
  let added = 0
  let existing = 0
  let deleted = 0
  let addedRows = 0n
  let existingRows = 0n
  let deletedRows = 0n
  let minExisting: bigint | undefined
  const live: DataFile[] = []
  for (const e of entries) {
    if (e.status === 'added') {
      added++
      addedRows += e.dataFile.recordCount
      live.push(e.dataFile)
      // an explicit (older) data sequence number on an added file (rewrites) counts toward the minimum
      if (e.sequenceNumber !== undefined && (minExisting === undefined || e.sequenceNumber < minExisting)) minExisting = e.sequenceNumber
    } else if (e.status === 'existing') {
      existing++
      existingRows += e.dataFile.recordCount
      live.push(e.dataFile)
      const s = e.sequenceNumber ?? 0n
      if (minExisting === undefined || s < minExisting) minExisting = s
    } else {
      deleted++
      deletedRows += e.dataFile.recordCount
    }
  }
  const file: ManifestFile = {
    manifestPath: path,
    manifestLength: BigInt(bytes.length),
    partitionSpecId: spec.specId,
    content,
    sequenceNumber: 0n,
    minSequenceNumber: 0n,
    addedSnapshotId: snapshotId,
    addedFilesCount: added,
    existingFilesCount: existing,
    deletedFilesCount: deleted,
    addedRowsCount: addedRows,
    existingRowsCount: existingRows,
    deletedRowsCount: deletedRows,
    partitions: partitionSummaries(spec, schema, entries.map((e) => e.dataFile), sourceTypes),
  }
  return { file, hasAdded: added > 0, ...(minExisting === undefined ? {} : { minExistingSequence: minExisting }) }
}

/** Finish a new manifest's list entry once the snapshot's sequence number is known. */
export function assignSequence(m: NewManifest, seq: bigint): ManifestFile {
  const min = m.hasAdded ? (m.minExistingSequence !== undefined && m.minExistingSequence < seq ? m.minExistingSequence : seq) : (m.minExistingSequence ?? seq)
  return { ...m.file, sequenceNumber: seq, minSequenceNumber: min }
}
