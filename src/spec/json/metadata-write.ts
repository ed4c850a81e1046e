// Spec §Table Metadata: write metadata JSON in Java's key order for v1, v2 and v3.
import { gzipSync } from 'node:zlib'
import { type MetadataLogEntry, type Snapshot, type SnapshotLogEntry } from '../snapshot.js'
import { setOwn } from '../own.js'
import { currentSchema, defaultSpec, type TableMetadata } from '../table-metadata.js'
import { RawJson, stringifyJson, type JsonObject, type JsonValue } from './lossless.js'
import { partitionFieldsToJson, schemaToJson, sortOrderToJson, specToJson } from './schema-json.js'
import { encryptionKeyToJson, refToJson, snapshotToJson, statisticsToJson } from './snapshot-json.js'

// Snapshots and log entries are immutable and shared between metadata versions, so their compact text is
// memoised: a commit serialises only what it added, not the whole history (B2's cost at 5,000 snapshots).
const snapshotText = [new WeakMap<Snapshot, RawJson>(), new WeakMap<Snapshot, RawJson>()] as const
const entryText = new WeakMap<SnapshotLogEntry | MetadataLogEntry, RawJson>()

function memo<K extends object>(cache: WeakMap<K, RawJson>, key: K, json: () => JsonValue): JsonValue {
  let t = cache.get(key)
  if (!t) cache.set(key, (t = new RawJson(stringifyJson(json()))))
  return t as unknown as JsonValue // stringifyJson writes RawJson verbatim
}

/**
 * Convert metadata to its JSON object (bigint values stay bigint; use stringifyJson to serialise). With
 * `compactParts`, snapshots and log entries are pre-serialised compact text (for compact output only).
 */
export function metadataToJson(m: TableMetadata, compactParts = false): JsonObject {
  const v = m.formatVersion
  const o: JsonObject = { 'format-version': v }
  if (m.tableUuid !== undefined) o['table-uuid'] = m.tableUuid
  o.location = m.location
  if (v >= 2) o['last-sequence-number'] = m.lastSequenceNumber
  o['last-updated-ms'] = m.lastUpdatedMs
  o['last-column-id'] = m.lastColumnId
  if (v === 1) o.schema = schemaToJson(currentSchema(m))
  o['current-schema-id'] = m.currentSchemaId
  o.schemas = m.schemas.map(schemaToJson)
  if (v === 1) o['partition-spec'] = partitionFieldsToJson(defaultSpec(m))
  o['default-spec-id'] = m.defaultSpecId
  o['partition-specs'] = m.specs.map(specToJson)
  o['last-partition-id'] = m.lastPartitionId
  o['default-sort-order-id'] = m.defaultSortOrderId
  o['sort-orders'] = m.sortOrders.map(sortOrderToJson)
  o.properties = { ...m.properties }
  o['current-snapshot-id'] = m.currentSnapshotId ?? (v >= 3 ? null : -1)
  if (v >= 3) o['next-row-id'] = m.nextRowId ?? 0n
  if (m.encryptionKeys && m.encryptionKeys.length) o['encryption-keys'] = m.encryptionKeys.map(encryptionKeyToJson)
  // Java writes refs in every format version (v1 included: its main branch follows current-snapshot-id)
  const refs: JsonObject = {}
  for (const [name, r] of Object.entries(m.refs)) setOwn(refs, name, refToJson(r))
  o.refs = refs
  o.snapshots = compactParts ? m.snapshots.map((s) => memo(snapshotText[v >= 2 ? 1 : 0], s, () => snapshotToJson(s, v >= 2))) : m.snapshots.map((s) => snapshotToJson(s, v >= 2))
  o.statistics = m.statistics.map(statisticsToJson)
  o['partition-statistics'] = m.partitionStatistics.map((s) => ({
    'snapshot-id': s.snapshotId,
    'statistics-path': s.statisticsPath,
    'file-size-in-bytes': s.fileSizeInBytes,
  }))
  const snapLog = (e: SnapshotLogEntry): JsonObject => ({ 'timestamp-ms': e.timestampMs, 'snapshot-id': e.snapshotId })
  const metaLog = (e: MetadataLogEntry): JsonObject => ({ 'timestamp-ms': e.timestampMs, 'metadata-file': e.metadataFile })
  o['snapshot-log'] = m.snapshotLog.map((e) => (compactParts ? memo(entryText, e, () => snapLog(e)) : snapLog(e)))
  o['metadata-log'] = m.metadataLog.map((e) => (compactParts ? memo(entryText, e, () => metaLog(e)) : metaLog(e)))
  return o
}

/** Serialise metadata to JSON text; 64-bit values are written as bare integers. */
export function writeTableMetadataJson(m: TableMetadata, indent = 0): string {
  return stringifyJson(metadataToJson(m, indent === 0), indent)
}

/** Serialise metadata to file bytes, gzip-compressed when `gzip` is true (`*.gz.metadata.json`). */
export function writeTableMetadata(m: TableMetadata, opts: { gzip?: boolean; indent?: number } = {}): Uint8Array {
  const indent = opts.indent ?? 0
  const bytes = indent === 0 ? compactMetadataBytes(m) : utf8.encode(writeTableMetadataJson(m, indent))
  return opts.gzip ? gzipSync(bytes) : bytes
}

const utf8 = new TextEncoder()
// UTF-8 bytes of memoised parts: encoding the whole text of a 1,000-snapshot table cost 5 ms per commit
// (TextEncoder runs at ~100 MB/s here), copying the cached bytes of unchanged parts costs 0.1 ms.
const partBytes = new WeakMap<RawJson, Uint8Array>()
const HISTORY_KEYS = ['snapshots', 'snapshot-log', 'metadata-log'] as const
// a control character never appears unescaped in JSON text, so it can mark where each history array goes
const MARK = '\u0001'

/** Compact metadata bytes: the small head encoded afresh, the history arrays from cached part bytes. */
function compactMetadataBytes(m: TableMetadata): Uint8Array {
  const o = metadataToJson(m, true)
  const arrays: (readonly RawJson[])[] = []
  for (const k of HISTORY_KEYS) {
    arrays.push(o[k] as unknown as RawJson[])
    o[k] = new RawJson(MARK) as unknown as JsonValue
  }
  const segments = stringifyJson(o).split(MARK)
  const chunks: Uint8Array[] = []
  const comma = utf8.encode(',')
  segments.forEach((seg, i) => {
    chunks.push(utf8.encode(i === 0 ? `${seg}[` : i === segments.length - 1 ? `]${seg}` : `]${seg}[`))
    const parts = arrays[i]
    if (!parts) return
    parts.forEach((p, j) => {
      let b = partBytes.get(p)
      if (!b) partBytes.set(p, (b = utf8.encode(p.text)))
      if (j > 0) chunks.push(comma)
      chunks.push(b)
    })
  })
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let pos = 0
  for (const c of chunks) {
    out.set(c, pos)
    pos += c.length
  }
  return out
}
