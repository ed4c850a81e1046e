// Manifest lists (`manifest_file` Avro): read by field id (legacy names, DuckDB all-nullable/alphabetical
// layouts and id-less writers included), write Java's schema and header keys (FACTS §7).
import { InvalidArgumentError, InvalidMetadataError } from '../../errors.js'
import { stringifyJson } from '../json/lossless.js'
import { schemaToJson } from '../json/schema-json.js'
import type { FieldSummary, ManifestContent, ManifestFile } from '../manifest.js'
import type { FormatVersion } from '../table-metadata.js'
import type { IcebergType, Value } from '../types.js'
import type { AvroReader } from './binary.js'
import type { AvroField, AvroNode, Reader } from './avro-node.js'
import { headerFormatVersion, headerLong } from './header-values.js'
import { manifestFileType, manifestListAvroSchema, manifestListSchema } from './manifest-schemas.js'
import { decodeOcfRecords, readOcfBlocks, readOcfHeader, withAvroErrors, writeOcf, type AvroWriteCodec, type OcfReadOptions } from './ocf.js'
import { incompatible, readerAs, skipToNull, type PlanSite } from './read-plan.js'
import { badValue, intValue, longValue, optional, stringValue, type WriteSite } from './write-values.js'

const FIELDS = manifestFileType(3).fields
const TYPE_BY_ID = new Map<number, IcebergType>(FIELDS.map((f) => [f.id, f.type]))
const ID_BY_NAME = new Map<string, number>([
  ...FIELDS.map((f): [string, number] => [f.name, f.id]),
  ['added_data_files_count', 504],
  ['existing_data_files_count', 505],
  ['deleted_data_files_count', 506],
])
const SLOT_IDS = [500, 501, 502, 517, 515, 516, 503, 504, 505, 506, 512, 513, 514, 507, 519, 520] as const
const SLOT = new Map<number, number>(SLOT_IDS.map((id, i) => [id, i]))

type ListReader = Reader<(Value | undefined)[]>
const readerCache = new WeakMap<AvroNode, ListReader>()

function compileListReader(root: AvroNode, file: string | undefined): ListReader {
  const site: PlanSite = file === undefined ? { field: 'manifest_file' } : { file, field: 'manifest_file' }
  if (root.kind !== 'record') return incompatible(site, root, 'the manifest_file record')
  const seen = new Set<number>()
  const steps = root.fields.map((f: AvroField): { slot: number; read: Reader<Value> } => {
    const id = f.fieldId ?? ID_BY_NAME.get(f.name)
    const slot = id === undefined || seen.has(id) ? undefined : SLOT.get(id)
    if (slot === undefined) return { slot: -1, read: skipToNull(f.type) }
    seen.add(id!)
    return { slot, read: readerAs(f.type, TYPE_BY_ID.get(id!)!, { ...site, field: f.name }) }
  })
  for (const [id, name] of [
    [500, 'manifest_path'],
    [501, 'manifest_length'],
    [502, 'partition_spec_id'],
  ] as const)
    if (!seen.has(id)) missing(file, `${name} (field id ${id})`)
  return (r) => {
    const out = new Array<Value | undefined>(SLOT_IDS.length)
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!
      const v = s.read(r)
      if (s.slot >= 0) out[s.slot] = v
    }
    return out
  }
}

function missing(file: string | undefined, field: string): never {
  throw new InvalidMetadataError(`Manifest list entry has no value for required field ${field}`, { context: file === undefined ? { field } : { file, field } })
}

function summaries(v: Value | undefined): FieldSummary[] | undefined {
  if (v === null || v === undefined) return undefined
  return (v as (Record<string, Value> | null)[]).map((s) => {
    const o = s ?? {}
    const out: { -readonly [K in keyof FieldSummary]: FieldSummary[K] } = { containsNull: o['509'] === true }
    if (typeof o['518'] === 'boolean') out.containsNan = o['518']
    if (o['510'] instanceof Uint8Array) out.lowerBound = o['510']
    if (o['511'] instanceof Uint8Array) out.upperBound = o['511']
    return out
  })
}

function buildManifestFile(v: (Value | undefined)[], headerSnapshotId: bigint | undefined, r: AvroReader): ManifestFile {
  const file = r.file
  const path = v[0]
  if (typeof path !== 'string') return missing(file, 'manifest_path')
  const length = v[1]
  if (typeof length !== 'bigint') return missing(file, 'manifest_length')
  const specId = v[2]
  if (typeof specId !== 'number') return missing(file, 'partition_spec_id')
  const code = v[3] ?? 0
  if (code !== 0 && code !== 1) throw new InvalidMetadataError(`Invalid manifest content code ${String(code)} for ${path}`, { context: file === undefined ? { field: 'content' } : { file, field: 'content' } })
  const addedSnapshotId = (v[6] as bigint | null | undefined) ?? headerSnapshotId
  if (addedSnapshotId === undefined) return missing(file, 'added_snapshot_id')
  const m: { -readonly [K in keyof ManifestFile]: ManifestFile[K] } = {
    manifestPath: path,
    manifestLength: length,
    partitionSpecId: specId,
    content: code === 0 ? 'data' : 'deletes',
    sequenceNumber: (v[4] as bigint | null | undefined) ?? 0n,
    minSequenceNumber: (v[5] as bigint | null | undefined) ?? 0n,
    addedSnapshotId,
  }
  let x = v[7]
  if (x != null) m.addedFilesCount = x as number
  if ((x = v[8]) != null) m.existingFilesCount = x as number
  if ((x = v[9]) != null) m.deletedFilesCount = x as number
  if ((x = v[10]) != null) m.addedRowsCount = x as bigint
  if ((x = v[11]) != null) m.existingRowsCount = x as bigint
  if ((x = v[12]) != null) m.deletedRowsCount = x as bigint
  const parts = summaries(v[13])
  if (parts) m.partitions = parts
  if ((x = v[14]) != null) m.keyMetadata = x as Uint8Array
  if ((x = v[15]) != null) m.firstRowId = x as bigint
  return m
}

/** A decoded manifest list with its Java header keys. */
export interface ManifestListContents {
  readonly manifests: ManifestFile[]
  readonly formatVersion: FormatVersion
  readonly snapshotId?: bigint
  /** Undefined for a root snapshot (Java writes the string `null`). */
  readonly parentSnapshotId?: bigint
  readonly sequenceNumber?: bigint
  readonly firstRowId?: bigint
  /** Raw header metadata (all keys, strings). */
  readonly metadata: ReadonlyMap<string, string>
}

/** Options for reading a manifest list. */
export interface ManifestListReadOptions extends OcfReadOptions {
  /** Format version when the header has none (default: inferred from the file schema). */
  readonly formatVersion?: FormatVersion
}

function inferListVersion(root: AvroNode): FormatVersion {
  if (root.kind !== 'record') return 1
  const ids = new Set(root.fields.map((f) => f.fieldId ?? ID_BY_NAME.get(f.name)))
  if (ids.has(520)) return 3
  if (ids.has(517) || ids.has(515)) return 2
  return 1
}

/** Decode a manifest list. v1 lists read with sequence numbers 0 and content data. */
export function readManifestList(bytes: Uint8Array, opts: ManifestListReadOptions = {}): ManifestListContents {
  const file = opts.file
  return withAvroErrors(file, () => {
    const header = readOcfHeader(bytes, file)
    const meta = header.metadata
    let reader = readerCache.get(header.schema)
    if (!reader) readerCache.set(header.schema, (reader = compileListReader(header.schema, file)))
    const read = reader
    const snapshotId = headerLong(meta, 'snapshot-id', file)
    const blocks = readOcfBlocks(bytes, header, opts)
    const manifests = decodeOcfRecords(blocks, header.schema, (r) => buildManifestFile(read(r), snapshotId, r), file)
    const out: { -readonly [K in keyof ManifestListContents]: ManifestListContents[K] } = {
      manifests,
      formatVersion: headerFormatVersion(meta, file) ?? opts.formatVersion ?? inferListVersion(header.schema),
      metadata: meta,
    }
    if (snapshotId !== undefined) out.snapshotId = snapshotId
    const parent = headerLong(meta, 'parent-snapshot-id', file)
    if (parent !== undefined) out.parentSnapshotId = parent
    const seq = headerLong(meta, 'sequence-number', file)
    if (seq !== undefined) out.sequenceNumber = seq
    const first = headerLong(meta, 'first-row-id', file)
    if (first !== undefined) out.firstRowId = first
    return out
  })
}

// ---------------------------------------------------------------------------------------------- write

/** How to write a manifest list. */
export interface ManifestListWriteOptions {
  readonly formatVersion: FormatVersion
  readonly snapshotId: bigint
  /** Omitted for a root snapshot (written as `null`, as Java does). */
  readonly parentSnapshotId?: bigint
  /** The snapshot's sequence number (v2+ header; default 0). */
  readonly sequenceNumber?: bigint
  /** The snapshot's first row id (v3 header). */
  readonly firstRowId?: bigint
  readonly codec?: AvroWriteCodec
  readonly syncMarker?: Uint8Array
  readonly file?: string
}

function contentCode(c: ManifestContent, site: WriteSite, name: string): number {
  if (c === 'data') return 0
  if (c === 'deletes') return 1
  return badValue(site, `unknown manifest content ${String(c)}`, name)
}

function manifestRecord(m: ManifestFile, v: FormatVersion, site: WriteSite): Record<string, unknown> {
  const count = v === 1 ? optional.int : (x: unknown, s: WriteSite, n?: string): number => (x === undefined ? badValue(s, 'required in format v2+', n) : intValue(x, s, n))
  const rows = v === 1 ? optional.long : (x: unknown, s: WriteSite, n?: string): bigint => (x === undefined ? badValue(s, 'required in format v2+', n) : longValue(x, s, n))
  let partitions: unknown = null
  if (m.partitions !== undefined) {
    if (!Array.isArray(m.partitions)) badValue(site, 'expected an array', 'partitions')
    partitions = m.partitions.map((p, i) => {
      const ps = `partitions[${i}]`
      if (typeof p.containsNull !== 'boolean') badValue(site, 'contains_null must be a boolean', ps)
      if (p.containsNan !== undefined && typeof p.containsNan !== 'boolean') badValue(site, 'contains_nan must be a boolean', ps)
      return { contains_null: p.containsNull, contains_nan: p.containsNan ?? null, lower_bound: optional.bytes(p.lowerBound, site, ps), upper_bound: optional.bytes(p.upperBound, site, ps) }
    })
  }
  const rec: Record<string, unknown> = {
    manifest_path: stringValue(m.manifestPath, site, 'manifest_path'),
    manifest_length: longValue(m.manifestLength, site, 'manifest_length'),
    partition_spec_id: intValue(m.partitionSpecId, site, 'partition_spec_id'),
    added_snapshot_id: longValue(m.addedSnapshotId, site, 'added_snapshot_id'),
    added_files_count: count(m.addedFilesCount, site, 'added_files_count'),
    existing_files_count: count(m.existingFilesCount, site, 'existing_files_count'),
    deleted_files_count: count(m.deletedFilesCount, site, 'deleted_files_count'),
    added_rows_count: rows(m.addedRowsCount, site, 'added_rows_count'),
    existing_rows_count: rows(m.existingRowsCount, site, 'existing_rows_count'),
    deleted_rows_count: rows(m.deletedRowsCount, site, 'deleted_rows_count'),
    partitions,
    key_metadata: optional.bytes(m.keyMetadata, site, 'key_metadata'),
  }
  if (v === 1) {
    if (m.content !== 'data') badValue(site, 'format v1 manifest lists cannot reference delete manifests', 'content')
    return rec
  }
  rec.content = contentCode(m.content, site, 'content')
  rec.sequence_number = longValue(m.sequenceNumber, site, 'sequence_number')
  rec.min_sequence_number = longValue(m.minSequenceNumber, site, 'min_sequence_number')
  if (v === 3) rec.first_row_id = optional.long(m.firstRowId, site, 'first_row_id')
  return rec
}

const listSchemaCache = new Map<number, { readonly iceberg: string; readonly avro: ReturnType<typeof manifestListAvroSchema> }>()

/** The manifest-list schemas of a format version (Iceberg JSON text and Avro schema), built once. */
function listSchemas(v: 1 | 2 | 3): { readonly iceberg: string; readonly avro: ReturnType<typeof manifestListAvroSchema> } {
  let hit = listSchemaCache.get(v)
  if (!hit) listSchemaCache.set(v, (hit = { iceberg: stringifyJson(schemaToJson(manifestListSchema(v))), avro: manifestListAvroSchema(v) }))
  return hit
}

/** Write a manifest list with Java's schema and header keys (`snapshot-id`, `parent-snapshot-id`, `sequence-number`, `first-row-id`, `format-version`, `iceberg.schema`). */
export function writeManifestList(manifests: readonly ManifestFile[], opts: ManifestListWriteOptions): Uint8Array {
  const v = opts.formatVersion
  const file = opts.file
  if (v !== 1 && v !== 2 && v !== 3) throw new InvalidArgumentError(`Cannot write manifest list format version ${String(v)}`)
  const records = manifests.map((m, i) => manifestRecord(m, v, file === undefined ? { field: `manifests[${i}]` } : { file, field: `manifests[${i}]` }))
  const site: WriteSite = file === undefined ? { field: 'header' } : { file, field: 'header' }
  const metadata = new Map<string, string>([
    ['snapshot-id', String(longValue(opts.snapshotId, site, 'snapshot-id'))],
    ['parent-snapshot-id', opts.parentSnapshotId === undefined ? 'null' : String(longValue(opts.parentSnapshotId, site, 'parent-snapshot-id'))],
  ])
  if (v >= 2) metadata.set('sequence-number', String(opts.sequenceNumber ?? 0n))
  if (v >= 3 && opts.firstRowId !== undefined) metadata.set('first-row-id', String(longValue(opts.firstRowId, site, 'first-row-id')))
  metadata.set('format-version', String(v))
  const schemas = listSchemas(v)
  metadata.set('iceberg.schema', schemas.iceberg)
  const ocf: Parameters<typeof writeOcf>[2] = { metadata, codec: opts.codec ?? 'deflate', ...(opts.syncMarker ? { syncMarker: opts.syncMarker } : {}), ...(file === undefined ? {} : { file }) }
  return writeOcf(schemas.avro, records, ocf)
}
