// Spec Appendix C: JSON forms of snapshots, refs, history logs and statistics files.
import type { MetadataLogEntry, Operation, Snapshot, SnapshotLogEntry, SnapshotRef, Summary } from '../snapshot.js'
import type { BlobMetadata, EncryptedKey, PartitionStatisticsFile, StatisticsFile } from '../table-metadata.js'
import { arr, at, int, invalid, long, obj, opt, str, stringMap, type JsonPath } from './json-read.js'
import { setOwn } from '../own.js'
import { jsonLong, type JsonObject, type JsonValue } from './lossless.js'

const OPERATIONS: ReadonlySet<string> = new Set<Operation>(['append', 'replace', 'overwrite', 'delete'])

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Parse a snapshot summary; a missing `operation` reads as `overwrite` (Java's treatment of a non-empty summary; see Snapshot.summaryForm). */
export function summaryFromJson(v: JsonValue | undefined, p: JsonPath): Summary {
  if (v === undefined || v === null) return { operation: 'overwrite' }
  const o = obj(v, p)
  // fast path (every real summary): all values are strings and the operation is known — the parsed object
  // itself is the summary (it is a fresh own-keyed object that nothing else holds)
  let strings = true
  for (const k in o) {
    if (typeof o[k] !== 'string') {
      strings = false
      break
    }
  }
  if (strings && typeof o.operation === 'string' && OPERATIONS.has(o.operation)) return o as unknown as Summary
  const m = stringMap(v, p)
  const op = m.operation
  if (op !== undefined && !OPERATIONS.has(op)) invalid(at(p, 'operation'), `unknown snapshot operation ${JSON.stringify(op)}`)
  return { ...m, operation: (op as Operation | undefined) ?? 'overwrite' }
}

// Field readers that build the error path only when the value is wrong (1,000s of snapshots per file).
function reqLong(o: JsonObject, key: string, p: JsonPath): bigint {
  return jsonLong(o[key], p.longs) ?? long(o[key], at(p, key))
}
function optLong(o: JsonObject, key: string, p: JsonPath): bigint | undefined {
  const v = o[key]
  return v === undefined || v === null ? undefined : reqLong(o, key, p)
}

/** Parse one snapshot object. */
export function snapshotFromJson(v: JsonValue, p: JsonPath): Snapshot {
  const o = obj(v, p)
  const s: Mutable<Snapshot> = {
    snapshotId: reqLong(o, 'snapshot-id', p),
    sequenceNumber: optLong(o, 'sequence-number', p) ?? 0n,
    timestampMs: reqLong(o, 'timestamp-ms', p),
    summary: summaryFromJson(o.summary, at(p, 'summary')),
  }
  if (o.summary === undefined || o.summary === null) s.summaryForm = 'absent'
  else if (typeof o.summary === 'object' && !Array.isArray(o.summary) && Object.keys(o.summary).length === 0) s.summaryForm = 'empty'
  const parent = optLong(o, 'parent-snapshot-id', p)
  if (parent !== undefined && parent !== -1n) s.parentSnapshotId = parent
  const list = typeof o['manifest-list'] === 'string' ? o['manifest-list'] : opt.str(o['manifest-list'], at(p, 'manifest-list'))
  if (list !== undefined) s.manifestList = list
  const manifests = opt.arr(o.manifests, at(p, 'manifests'))
  if (manifests !== undefined) s.manifests = manifests.map((m, i) => str(m, at(at(p, 'manifests'), i)))
  if (list === undefined && manifests === undefined) invalid(p, 'snapshot needs manifest-list or manifests')
  const schemaId = typeof o['schema-id'] === 'number' && Number.isInteger(o['schema-id']) ? o['schema-id'] : opt.int(o['schema-id'], at(p, 'schema-id'))
  if (schemaId !== undefined) s.schemaId = schemaId
  const firstRowId = optLong(o, 'first-row-id', p)
  if (firstRowId !== undefined) s.firstRowId = firstRowId
  const addedRows = optLong(o, 'added-rows', p)
  if (addedRows !== undefined) s.addedRows = addedRows
  const keyId = opt.str(o['key-id'], at(p, 'key-id'))
  if (keyId !== undefined) s.keyId = keyId
  return s
}

/** Serialise a snapshot (Java order). `withSequence` is false for v1 tables; as Java, a sequence number of 0 (a v1-era snapshot) is not written. */
export function snapshotToJson(s: Snapshot, withSequence: boolean): JsonObject {
  const o: JsonObject = {}
  if (withSequence && s.sequenceNumber > 0n) o['sequence-number'] = s.sequenceNumber
  o['snapshot-id'] = s.snapshotId
  if (s.parentSnapshotId !== undefined) o['parent-snapshot-id'] = s.parentSnapshotId
  o['timestamp-ms'] = s.timestampMs
  // Java writes `operation` first, then the other summary entries in their order; a snapshot read without
  // one (or with an empty one) has no operation in Java and is written back without a summary
  if (s.summaryForm === undefined) {
    const summary: JsonObject = { operation: s.summary.operation }
    for (const [k, v] of Object.entries(s.summary)) if (k !== 'operation') setOwn(summary, k, v as JsonValue)
    o.summary = summary
  }
  if (s.manifestList !== undefined) o['manifest-list'] = s.manifestList
  if (s.manifests !== undefined) o.manifests = [...s.manifests]
  if (s.schemaId !== undefined) o['schema-id'] = s.schemaId
  if (s.firstRowId !== undefined) o['first-row-id'] = s.firstRowId
  if (s.addedRows !== undefined) o['added-rows'] = s.addedRows
  if (s.keyId !== undefined) o['key-id'] = s.keyId
  return o
}

/** Parse a ref object. */
export function refFromJson(v: JsonValue, p: JsonPath): SnapshotRef {
  const o = obj(v, p)
  const type = str(o.type, at(p, 'type')).toLowerCase()
  if (type !== 'branch' && type !== 'tag') invalid(at(p, 'type'), `ref type must be branch or tag, got ${type}`)
  const r: Mutable<SnapshotRef> = { snapshotId: long(o['snapshot-id'], at(p, 'snapshot-id')), type }
  const keep = opt.int(o['min-snapshots-to-keep'], at(p, 'min-snapshots-to-keep'))
  if (keep !== undefined) r.minSnapshotsToKeep = keep
  const age = opt.long(o['max-snapshot-age-ms'], at(p, 'max-snapshot-age-ms'))
  if (age !== undefined) r.maxSnapshotAgeMs = age
  const refAge = opt.long(o['max-ref-age-ms'], at(p, 'max-ref-age-ms'))
  if (refAge !== undefined) r.maxRefAgeMs = refAge
  return r
}

/** Serialise a ref. */
export function refToJson(r: SnapshotRef): JsonObject {
  const o: JsonObject = { 'snapshot-id': r.snapshotId, type: r.type }
  if (r.minSnapshotsToKeep !== undefined) o['min-snapshots-to-keep'] = r.minSnapshotsToKeep
  if (r.maxSnapshotAgeMs !== undefined) o['max-snapshot-age-ms'] = r.maxSnapshotAgeMs
  if (r.maxRefAgeMs !== undefined) o['max-ref-age-ms'] = r.maxRefAgeMs
  return o
}

/** Parse `snapshot-log`. */
export function snapshotLogFromJson(v: JsonValue | undefined, p: JsonPath): SnapshotLogEntry[] {
  return (opt.arr(v, p) ?? []).map((e, i) => {
    const o = obj(e, at(p, i))
    // the entry path is only built on error
    return { timestampMs: jsonLong(o['timestamp-ms'], p.longs) ?? long(o['timestamp-ms'], at(at(p, i), 'timestamp-ms')), snapshotId: jsonLong(o['snapshot-id'], p.longs) ?? long(o['snapshot-id'], at(at(p, i), 'snapshot-id')) }
  })
}

/** Parse `metadata-log`. */
export function metadataLogFromJson(v: JsonValue | undefined, p: JsonPath): MetadataLogEntry[] {
  return (opt.arr(v, p) ?? []).map((e, i) => {
    const o = obj(e, at(p, i))
    const file = o['metadata-file']
    return { timestampMs: jsonLong(o['timestamp-ms'], p.longs) ?? long(o['timestamp-ms'], at(at(p, i), 'timestamp-ms')), metadataFile: typeof file === 'string' ? file : str(file, at(at(p, i), 'metadata-file')) }
  })
}

function blobFromJson(v: JsonValue, p: JsonPath): BlobMetadata {
  const o = obj(v, p)
  const b: Mutable<BlobMetadata> = {
    type: str(o.type, at(p, 'type')),
    snapshotId: long(o['snapshot-id'], at(p, 'snapshot-id')),
    sequenceNumber: long(o['sequence-number'], at(p, 'sequence-number')),
    fields: arr(o.fields, at(p, 'fields')).map((x, i) => int(x, at(at(p, 'fields'), i))),
  }
  if (o.properties !== undefined && o.properties !== null) b.properties = stringMap(o.properties, at(p, 'properties'))
  return b
}

function blobToJson(b: BlobMetadata): JsonObject {
  const o: JsonObject = { type: b.type, 'snapshot-id': b.snapshotId, 'sequence-number': b.sequenceNumber, fields: [...b.fields] }
  if (b.properties) o.properties = { ...b.properties }
  return o
}

/** Parse `statistics`. */
export function statisticsFromJson(v: JsonValue | undefined, p: JsonPath): StatisticsFile[] {
  return (opt.arr(v, p) ?? []).map((e, i) => {
    const q = at(p, i)
    const o = obj(e, q)
    const s: Mutable<StatisticsFile> = {
      snapshotId: long(o['snapshot-id'], at(q, 'snapshot-id')),
      statisticsPath: str(o['statistics-path'], at(q, 'statistics-path')),
      fileSizeInBytes: long(o['file-size-in-bytes'], at(q, 'file-size-in-bytes')),
      fileFooterSizeInBytes: long(o['file-footer-size-in-bytes'], at(q, 'file-footer-size-in-bytes')),
      blobMetadata: (opt.arr(o['blob-metadata'], at(q, 'blob-metadata')) ?? []).map((b, j) => blobFromJson(b, at(at(q, 'blob-metadata'), j))),
    }
    const key = opt.str(o['key-metadata'], at(q, 'key-metadata'))
    if (key !== undefined) s.keyMetadata = key
    return s
  })
}

/** Serialise one statistics file entry. */
export function statisticsToJson(s: StatisticsFile): JsonObject {
  const o: JsonObject = {
    'snapshot-id': s.snapshotId,
    'statistics-path': s.statisticsPath,
    'file-size-in-bytes': s.fileSizeInBytes,
    'file-footer-size-in-bytes': s.fileFooterSizeInBytes,
  }
  if (s.keyMetadata !== undefined) o['key-metadata'] = s.keyMetadata
  o['blob-metadata'] = s.blobMetadata.map(blobToJson)
  return o
}

/** Parse `partition-statistics`. */
export function partitionStatisticsFromJson(v: JsonValue | undefined, p: JsonPath): PartitionStatisticsFile[] {
  return (opt.arr(v, p) ?? []).map((e, i) => {
    const q = at(p, i)
    const o = obj(e, q)
    return {
      snapshotId: long(o['snapshot-id'], at(q, 'snapshot-id')),
      statisticsPath: str(o['statistics-path'], at(q, 'statistics-path')),
      fileSizeInBytes: long(o['file-size-in-bytes'], at(q, 'file-size-in-bytes')),
    }
  })
}

/** Parse `encryption-keys` (kept as read). */
export function encryptionKeysFromJson(v: JsonValue | undefined, p: JsonPath): EncryptedKey[] | undefined {
  const a = opt.arr(v, p)
  if (!a) return undefined
  return a.map((e, i) => {
    const q = at(p, i)
    const o = obj(e, q)
    const k: Mutable<EncryptedKey> = {
      keyId: str(o['key-id'], at(q, 'key-id')),
      encryptedKeyMetadata: str(o['encrypted-key-metadata'], at(q, 'encrypted-key-metadata')),
    }
    const by = opt.str(o['encrypted-by-id'], at(q, 'encrypted-by-id'))
    if (by !== undefined) k.encryptedById = by
    if (o.properties !== undefined && o.properties !== null) k.properties = stringMap(o.properties, at(q, 'properties'))
    return k
  })
}

/** Serialise one encryption key entry. */
export function encryptionKeyToJson(k: EncryptedKey): JsonObject {
  const o: JsonObject = { 'key-id': k.keyId, 'encrypted-key-metadata': k.encryptedKeyMetadata }
  if (k.encryptedById !== undefined) o['encrypted-by-id'] = k.encryptedById
  if (k.properties) o.properties = { ...k.properties }
  return o
}
