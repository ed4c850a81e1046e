// Decode plans for manifest entries: compiled once per writer schema (and partition typing), resolving
// every field by Iceberg field id (names only when a writer left ids out), decoding straight into the
// DataFile / ManifestEntry model with inheritance applied (FACTS §3, Java InheritableMetadata).
import { InvalidMetadataError } from '../../errors.js'
import { ENTRY_STATUS_CODES, FILE_CONTENT_CODES, parseFileFormat, type DataFile, type ManifestEntry } from '../manifest.js'
import { T, type IcebergType, type PrimitiveType, type Value } from '../types.js'
import type { AvroReader } from './binary.js'
import { optionOf, unionIndex, type AvroField, type AvroNode, type Reader } from './avro-node.js'
import { avroPrimitiveType, icebergName } from './avro-schema.js'
import { dataFileType, manifestEntryType } from './manifest-schemas.js'
import { incompatible, readerAs, skipToNull, statsMapReader, type PlanSite } from './read-plan.js'

/** One partition field as the plan needs it: id, name and the value type (undefined = take the writer's). */
export interface PartitionSlot {
  readonly fieldId: number
  readonly name: string
  readonly type?: PrimitiveType
}

/** Inherited values applied while decoding (from the manifest-list entry, FACTS §3). */
export interface Inheritance {
  readonly specId: number
  /** The list entry's `added_snapshot_id`: fills null `snapshot_id`. */
  readonly snapshotId?: bigint
  /** The list entry's `sequence_number`: fills null sequence numbers of ADDED entries (and of all entries when 0). */
  readonly sequenceNumber?: bigint
  /** No list entry and a v1 file: sequence numbers default to 0. */
  readonly v1Defaults: boolean
}

/** A compiled entry decoder. */
export type EntryReader = (r: AvroReader, inh: Inheritance) => ManifestEntry

// data_file slots
const S = {
  content: 0,
  filePath: 1,
  fileFormat: 2,
  partition: 3,
  recordCount: 4,
  fileSize: 5,
  blockSize: 6,
  columnSizes: 7,
  valueCounts: 8,
  nullValueCounts: 9,
  nanValueCounts: 10,
  lowerBounds: 11,
  upperBounds: 12,
  keyMetadata: 13,
  splitOffsets: 14,
  equalityIds: 15,
  sortOrderId: 16,
  firstRowId: 17,
  referencedDataFile: 18,
  contentOffset: 19,
  contentSize: 20,
} as const
const SLOT_COUNT = 21
const SLOT_BY_ID = new Map<number, number>([
  [134, S.content],
  [100, S.filePath],
  [101, S.fileFormat],
  [102, S.partition],
  [103, S.recordCount],
  [104, S.fileSize],
  [105, S.blockSize],
  [108, S.columnSizes],
  [109, S.valueCounts],
  [110, S.nullValueCounts],
  [137, S.nanValueCounts],
  [125, S.lowerBounds],
  [128, S.upperBounds],
  [131, S.keyMetadata],
  [132, S.splitOffsets],
  [135, S.equalityIds],
  [140, S.sortOrderId],
  [142, S.firstRowId],
  [143, S.referencedDataFile],
  [144, S.contentOffset],
  [145, S.contentSize],
])

const EMPTY = T.struct([])
/** Expected types of data_file fields by id (v3 layout plus the v1-only block size). */
const DATA_FILE_TYPES = new Map<number, IcebergType>([...dataFileType(3, EMPTY).fields, ...dataFileType(1, EMPTY).fields].map((f) => [f.id, f.type]))
/** Field names by id, for writers that left `field-id` out (name mapping fallback, as Java does). */
const DATA_FILE_IDS_BY_NAME = new Map<string, number>([
  ...[...dataFileType(3, EMPTY).fields, ...dataFileType(1, EMPTY).fields].map((f): [string, number] => [f.name, f.id]),
  ['file_ordinal', 106],
  ['sort_columns', 107],
  ['distinct_counts', 111],
])
const ENTRY_IDS_BY_NAME = new Map<string, number>(manifestEntryType(2, EMPTY).fields.map((f): [string, number] => [f.name, f.id]))

/** The Iceberg id of an Avro field: its `field-id`, else the id its name has in `byName`. */
function idOf(f: AvroField, byName: ReadonlyMap<string, number>): number | undefined {
  return f.fieldId ?? byName.get(f.name)
}

function missing(site: PlanSite, what: string, file = site.file): never {
  const ctx = file === undefined ? { field: what } : { file, field: what }
  throw new InvalidMetadataError(`Manifest entry has no value for required field ${what}`, { context: ctx })
}

/** Compile the partition tuple reader: values in spec order, matched by partition field id (then name, then position). */
function partitionReader(node: AvroNode, slots: readonly PartitionSlot[], site: PlanSite): Reader<Value[]> {
  const inner = optionOf(node)
  if (inner) {
    const read = partitionReader(inner, slots, site)
    const nullIndex = node.kind === 'union' && node.branches[0]!.kind === 'null' ? 0 : 1
    return (r) => (unionIndex(r, 2) === nullIndex ? slots.map(() => null) : read(r))
  }
  if (node.kind !== 'record') return incompatible(site, node, 'a partition struct')
  const noIds = node.fields.every((f) => f.fieldId === undefined)
  const steps = node.fields.map((f, pos) => {
    let idx = slots.findIndex((s) => s.fieldId === f.fieldId)
    if (idx < 0 && f.fieldId === undefined) idx = slots.findIndex((s) => s.name === icebergName(f) || s.name === f.name)
    if (idx < 0 && noIds && node.fields.length === slots.length) idx = pos
    if (idx < 0) return { idx: -1, read: skipToNull(f.type) }
    const fsite = { ...site, field: `partition.${slots[idx]!.name}` }
    // a void field whose source column was dropped types as unknown: whatever was written reads as null
    if (slots[idx]!.type?.kind === 'unknown') return { idx, read: skipToNull(f.type) }
    const expected = slots[idx]!.type ?? avroPrimitiveType(optionOf(f.type) ?? f.type) ?? incompatible(fsite, f.type, 'a primitive partition value')
    return { idx, read: readerAs(f.type, expected, fsite) }
  })
  const width = slots.length
  return (r) => {
    const out: Value[] = new Array<Value>(width).fill(null)
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!
      const v = s.read(r)
      if (s.idx >= 0) out[s.idx] = v
    }
    return out
  }
}

const fsiteOf = (site: PlanSite, name: string): PlanSite => ({ ...site, field: `data_file.${name}` })
const STATS_SLOTS = new Set<number>([S.columnSizes, S.valueCounts, S.nullValueCounts, S.nanValueCounts, S.lowerBounds, S.upperBounds])

/** Which column stats to decode: all, none, or only these field ids. */
export type StatsSelection = 'all' | 'none' | ReadonlySet<number>

function dataFileReader(node: AvroNode, slots: readonly PartitionSlot[], site: PlanSite, stats: StatsSelection): Reader<unknown[] | null> {
  const inner = optionOf(node)
  if (inner) {
    const read = dataFileReader(inner, slots, site, stats)
    const nullIndex = node.kind === 'union' && node.branches[0]!.kind === 'null' ? 0 : 1
    return (r) => (unionIndex(r, 2) === nullIndex ? null : read(r))
  }
  if (node.kind !== 'record') return incompatible(site, node, 'the data_file struct')
  const seen = new Set<number>()
  const steps = node.fields.map((f): { slot: number; read: Reader<unknown> } => {
    const id = idOf(f, DATA_FILE_IDS_BY_NAME)
    const slot = id === undefined || seen.has(id) ? undefined : SLOT_BY_ID.get(id)
    if (slot === undefined) return { slot: -1, read: skipToNull(f.type) }
    seen.add(id!)
    if (stats !== 'all' && STATS_SLOTS.has(slot)) {
      if (stats === 'none') return { slot: -1, read: skipToNull(f.type) }
      return { slot, read: statsMapReader(f.type, DATA_FILE_TYPES.get(id!) as Extract<IcebergType, { kind: 'map' }>, fsiteOf(site, f.name), stats) }
    }
    const fsite = { ...site, field: `data_file.${f.name}` }
    if (slot === S.partition) return { slot, read: partitionReader(f.type, slots, fsite) }
    return { slot, read: readerAs(f.type, DATA_FILE_TYPES.get(id!)!, fsite) }
  })
  for (const [id, name] of [
    [100, 'file_path'],
    [101, 'file_format'],
    [103, 'record_count'],
    [104, 'file_size_in_bytes'],
  ] as const)
    if (!seen.has(id)) missing(site, `data_file.${name} (field id ${id})`)
  return (r) => {
    const vals = new Array<unknown>(SLOT_COUNT)
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!
      const v = s.read(r)
      if (s.slot >= 0) vals[s.slot] = v
    }
    return vals
  }
}

function buildDataFile(v: unknown[], specId: number, width: number, r: AvroReader, site: PlanSite): DataFile {
  const code = v[S.content]
  const content = code === undefined || code === null ? 'data' : FILE_CONTENT_CODES[code as number]
  if (content === undefined) invalid(r, site, `Invalid data_file.content code ${String(code)}`)
  const filePath = v[S.filePath]
  if (typeof filePath !== 'string') return missing(site, 'data_file.file_path', r.file)
  const formatText = v[S.fileFormat]
  if (typeof formatText !== 'string') return missing(site, 'data_file.file_format', r.file)
  const fileFormat = parseFileFormat(formatText)
  if (fileFormat === undefined) invalid(r, site, `Unknown data_file.file_format '${formatText}' for ${filePath}`)
  const recordCount = v[S.recordCount]
  if (typeof recordCount !== 'bigint') return missing(site, 'data_file.record_count', r.file)
  const fileSizeInBytes = v[S.fileSize]
  if (typeof fileSizeInBytes !== 'bigint') return missing(site, 'data_file.file_size_in_bytes', r.file)
  const partition = (v[S.partition] as Value[] | undefined) ?? new Array<Value>(width).fill(null)
  const df: { -readonly [K in keyof DataFile]: DataFile[K] } = { content, filePath, fileFormat, specId, partition, recordCount, fileSizeInBytes }
  let x = v[S.columnSizes]
  if (x != null) df.columnSizes = x as Map<number, bigint>
  if ((x = v[S.valueCounts]) != null) df.valueCounts = x as Map<number, bigint>
  if ((x = v[S.nullValueCounts]) != null) df.nullValueCounts = x as Map<number, bigint>
  if ((x = v[S.nanValueCounts]) != null) df.nanValueCounts = x as Map<number, bigint>
  if ((x = v[S.lowerBounds]) != null) df.lowerBounds = x as Map<number, Uint8Array>
  if ((x = v[S.upperBounds]) != null) df.upperBounds = x as Map<number, Uint8Array>
  if ((x = v[S.keyMetadata]) != null) df.keyMetadata = x as Uint8Array
  if ((x = v[S.splitOffsets]) != null) df.splitOffsets = (x as (bigint | null)[]).filter((o): o is bigint => o !== null)
  if ((x = v[S.equalityIds]) != null) df.equalityIds = (x as (number | null)[]).filter((o): o is number => o !== null)
  if ((x = v[S.sortOrderId]) != null) df.sortOrderId = x as number
  if ((x = v[S.firstRowId]) != null) df.firstRowId = x as bigint
  if ((x = v[S.referencedDataFile]) != null) df.referencedDataFile = x as string
  if ((x = v[S.contentOffset]) != null) df.contentOffset = x as bigint
  if ((x = v[S.contentSize]) != null) df.contentSizeInBytes = x as bigint
  if ((x = v[S.blockSize]) != null) df.blockSizeInBytes = x as bigint
  return df
}

function invalid(r: AvroReader, site: PlanSite, message: string): never {
  // runtime errors name the file being read (plans are shared between files)
  const ctx = r.file === undefined ? { field: site.field } : { file: r.file, field: site.field }
  throw new InvalidMetadataError(message, { context: ctx })
}

/** Compile the decoder for a `manifest_entry` writer schema with the given partition slots (optionally without column stats). */
export function compileEntryReader(root: AvroNode, slots: readonly PartitionSlot[], file?: string, stats: StatsSelection = 'all'): EntryReader {
  const site: PlanSite = file === undefined ? { field: 'manifest_entry' } : { file, field: 'manifest_entry' }
  if (root.kind !== 'record') return incompatible(site, root, 'the manifest_entry record')
  const readers: (Reader<unknown> | undefined)[] = [undefined, undefined, undefined, undefined, undefined]
  const steps: { slot: number; read: Reader<unknown> }[] = []
  for (const f of root.fields) {
    const id = idOf(f, ENTRY_IDS_BY_NAME)
    const slot = id === 0 ? 0 : id === 1 ? 1 : id === 3 ? 2 : id === 4 ? 3 : id === 2 ? 4 : -1
    if (slot < 0 || readers[slot]) {
      steps.push({ slot: -1, read: skipToNull(f.type) })
      continue
    }
    const fsite = { ...site, field: f.name }
    const read = slot === 4 ? dataFileReader(f.type, slots, fsite, stats) : readerAs(f.type, slot === 0 ? T.int : T.long, fsite)
    readers[slot] = read
    steps.push({ slot, read })
  }
  if (!readers[0]) missing(site, 'status (field id 0)')
  if (!readers[4]) missing(site, 'data_file (field id 2)')
  const width = slots.length
  return (r, inh) => {
    const out = new Array<unknown>(5)
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!
      const v = s.read(r)
      if (s.slot >= 0) out[s.slot] = v
    }
    const code = out[0]
    const st = code === null || code === undefined ? undefined : ENTRY_STATUS_CODES[code as number]
    if (st === undefined) invalid(r, site, `Invalid manifest entry status ${String(code)}`)
    const dfVals = out[4] as unknown[] | null
    if (dfVals === null) return missing(site, 'data_file', r.file)
    const e: { -readonly [K in keyof ManifestEntry]: ManifestEntry[K] } = { status: st, dataFile: buildDataFile(dfVals, inh.specId, width, r, site) }
    const sid = (out[1] as bigint | null | undefined) ?? inh.snapshotId
    if (sid !== undefined) e.snapshotId = sid
    let ds = out[2] as bigint | null | undefined
    let fs = out[3] as bigint | null | undefined
    if (inh.sequenceNumber !== undefined) {
      const inherit = st === 'added' || inh.sequenceNumber === 0n
      if (ds == null && inherit) ds = inh.sequenceNumber
      if (fs == null && inherit) fs = inh.sequenceNumber
    } else if (inh.v1Defaults) {
      ds ??= 0n
      fs ??= 0n
    }
    if (ds != null) e.sequenceNumber = ds
    if (fs != null) e.fileSequenceNumber = fs
    return e
  }
}

const planCache = new WeakMap<AvroNode, Map<string, EntryReader>>()

/** {@link compileEntryReader} cached per writer schema node and partition typing. */
export function entryReaderFor(root: AvroNode, slots: readonly PartitionSlot[], file?: string, stats: StatsSelection = 'all'): EntryReader {
  const key = `${typeof stats === 'string' ? stats : [...stats].sort((a, b) => a - b).join(',')}|${slots.map((s) => `${s.fieldId}:${s.name}:${s.type ? JSON.stringify(s.type) : '?'}`).join('|')}`
  let byKey = planCache.get(root)
  if (!byKey) planCache.set(root, (byKey = new Map()))
  const hit = byKey.get(key)
  if (hit) return hit
  const plan = compileEntryReader(root, slots, file, stats)
  if (byKey.size < 64) byKey.set(key, plan)
  return plan
}

/** The partition struct of a writer schema (`data_file.partition`), when present. */
export function writerPartitionNode(root: AvroNode): AvroNode | undefined {
  if (root.kind !== 'record') return undefined
  const df = root.fields.find((f) => idOf(f, ENTRY_IDS_BY_NAME) === 2)
  const rec = df ? (optionOf(df.type) ?? df.type) : undefined
  if (!rec || rec.kind !== 'record') return undefined
  const p = rec.fields.find((f) => idOf(f, DATA_FILE_IDS_BY_NAME) === 102)
  return p ? (optionOf(p.type) ?? p.type) : undefined
}

/** Infer the format version of a manifest from its writer schema (v3 fields → 3, v2 fields → 2, else 1). */
export function inferEntryVersion(root: AvroNode): 1 | 2 | 3 {
  if (root.kind !== 'record') return 1
  const ids = new Set<number>()
  for (const f of root.fields) {
    const id = idOf(f, ENTRY_IDS_BY_NAME)
    if (id !== undefined) ids.add(id)
    if (id === 2) {
      const rec = optionOf(f.type) ?? f.type
      if (rec.kind === 'record') for (const g of rec.fields) ids.add(idOf(g, DATA_FILE_IDS_BY_NAME) ?? -1)
    }
  }
  if (ids.has(142) || ids.has(144) || ids.has(145)) return 3
  if (ids.has(3) || ids.has(4) || ids.has(134)) return 2
  return 1
}
