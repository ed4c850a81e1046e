// Spec §Table Metadata: read v1/v2/v3 metadata JSON (gzip detected by magic) into the normalised model.
import { gunzipSync } from 'node:zlib'
import { setOwn } from '../own.js'
import { FloeError } from '../../errors.js'
import { lastAssignedFieldId, UNPARTITIONED_LAST_ASSIGNED_ID, type PartitionSpec } from '../partition-spec.js'
import type { Schema } from '../schema.js'
import { MAIN_BRANCH, type Snapshot, type SnapshotRef } from '../snapshot.js'
import { unsorted, type SortOrder } from '../sort-order.js'
import { MAX_FORMAT_VERSION, type FormatVersion, type TableMetadata } from '../table-metadata.js'
import { at, int, invalid, jsonRoot, long, obj, opt, str, stringMap, type JsonPath } from './json-read.js'
import { parseJsonLossless, type JsonObject } from './lossless.js'
import { partitionFieldsFromJson, schemaFromJson, sortOrderFromJson, specFromJson } from './schema-json.js'
import {
  encryptionKeysFromJson,
  metadataLogFromJson,
  partitionStatisticsFromJson,
  refFromJson,
  snapshotFromJson,
  snapshotLogFromJson,
  statisticsFromJson,
} from './snapshot-json.js'
import { validateMetadata } from './metadata-validate.js'

const GZIP = [0x1f, 0x8b]
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd]

const startsWith = (b: Uint8Array, magic: readonly number[]): boolean => magic.every((m, i) => b[i] === m)

/** Decode the bytes of a metadata file to text: gzip is detected by magic bytes; zstd is refused (not in the spec). */
export function metadataBytesToText(bytes: Uint8Array, file?: string): string {
  const ctx = file === undefined ? {} : { context: { file } }
  let b = bytes
  if (startsWith(b, GZIP)) {
    try {
      b = gunzipSync(b)
    } catch (e) {
      throw new FloeError('INVALID_JSON', `Cannot gunzip metadata file: ${(e as Error).message}`, { ...ctx, cause: e })
    }
  } else if (startsWith(b, ZSTD)) {
    throw new FloeError('UNSUPPORTED', 'zstd-compressed metadata JSON is not part of the Iceberg spec (Java cannot read it either)', ctx)
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(b)
}

/** Read table metadata from file bytes (plain or gzip JSON), validating it; errors name `file` and the field. */
export function readTableMetadata(bytes: Uint8Array, file?: string): TableMetadata {
  return parseTableMetadata(metadataBytesToText(bytes, file), file)
}

/** Parse metadata JSON text into the normalised model and validate it. */
export function parseTableMetadata(text: string, file?: string): TableMetadata {
  const { tree: root, longs } = parseJsonLossless(text, file)
  const p = jsonRoot(file, longs)
  const m = metadataFromJson(obj(root, p), p)
  validateMetadata(m, file)
  return m
}

function formatVersion(o: JsonObject, p: JsonPath): FormatVersion {
  const v = int(o['format-version'], at(p, 'format-version'))
  if (v > MAX_FORMAT_VERSION) {
    throw new FloeError('UNSUPPORTED_VERSION', `Cannot read unsupported version ${v} (floe reads format versions 1 to ${MAX_FORMAT_VERSION})`, {
      context: p.file === undefined ? { field: 'format-version' } : { file: p.file, field: 'format-version' },
    })
  }
  if (v < 1) invalid(at(p, 'format-version'), `invalid format version ${v}`)
  return v as FormatVersion
}

function requiredInV2(o: JsonObject, key: string, version: FormatVersion, p: JsonPath): void {
  if (version >= 2 && (o[key] === undefined || o[key] === null)) invalid(at(p, key), `${key} must exist in format v${version}`)
}

/** Convert a parsed metadata object (already JSON) into the model; v1 defaults are filled in as Java does. */
export function metadataFromJson(o: JsonObject, p: JsonPath): TableMetadata {
  const version = formatVersion(o, p)
  // required keys are checked in the order Java's parser reads them, so the first error matches Java's
  const need = (...keys: string[]): void => keys.forEach((k) => requiredInV2(o, k, version, p))
  need('table-uuid', 'last-sequence-number', 'schemas', 'current-schema-id')
  const { schemas, currentSchemaId } = readSchemas(o, p)
  if (!schemas.some((s) => s.schemaId === currentSchemaId))
    invalid(at(p, 'current-schema-id'), `Cannot find schema with current-schema-id=${currentSchemaId} from schemas`)
  need('partition-specs', 'default-spec-id')
  const { specs, defaultSpecId } = readSpecs(o, p)
  need('last-partition-id', 'sort-orders', 'default-sort-order-id')
  const lastPartitionId =
    opt.int(o['last-partition-id'], at(p, 'last-partition-id')) ??
    specs.reduce((m, s) => Math.max(m, lastAssignedFieldId(s)), UNPARTITIONED_LAST_ASSIGNED_ID)
  const sortJson = opt.arr(o['sort-orders'], at(p, 'sort-orders'))
  const sortOrders: SortOrder[] = sortJson ? sortJson.map((x, i) => sortOrderFromJson(x, at(at(p, 'sort-orders'), i))) : [unsorted]
  const snapshots = (opt.arr(o.snapshots, at(p, 'snapshots')) ?? []).map((s, i) => snapshotFromJson(s, at(at(p, 'snapshots'), i)))
  let current = opt.long(o['current-snapshot-id'], at(p, 'current-snapshot-id'))
  if (current === -1n) current = undefined
  const refs: Record<string, SnapshotRef> = {}
  const refsJson = opt.obj(o.refs, at(p, 'refs'))
  if (refsJson) for (const k of Object.keys(refsJson)) setOwn(refs, k, refFromJson(refsJson[k]!, at(at(p, 'refs'), k)))
  if (!refsJson?.[MAIN_BRANCH] && current !== undefined) refs[MAIN_BRANCH] = { snapshotId: current, type: 'branch' }

  const m: { -readonly [K in keyof TableMetadata]: TableMetadata[K] } = {
    formatVersion: version,
    location: stripTrailingSlash(str(o.location, at(p, 'location'))),
    lastSequenceNumber: version >= 2 ? long(o['last-sequence-number'], at(p, 'last-sequence-number')) : 0n,
    lastUpdatedMs: long(o['last-updated-ms'], at(p, 'last-updated-ms')),
    lastColumnId: int(o['last-column-id'], at(p, 'last-column-id')),
    schemas,
    currentSchemaId,
    specs,
    defaultSpecId,
    lastPartitionId,
    sortOrders,
    defaultSortOrderId: opt.int(o['default-sort-order-id'], at(p, 'default-sort-order-id')) ?? sortOrders[0]?.orderId ?? 0,
    properties: o.properties === undefined || o.properties === null ? {} : stringMap(o.properties, at(p, 'properties')),
    snapshots,
    refs,
    snapshotLog: snapshotLogFromJson(o['snapshot-log'], at(p, 'snapshot-log')),
    metadataLog: metadataLogFromJson(o['metadata-log'], at(p, 'metadata-log')),
    statistics: statisticsFromJson(o.statistics, at(p, 'statistics')),
    partitionStatistics: partitionStatisticsFromJson(o['partition-statistics'], at(p, 'partition-statistics')),
  }
  const uuid = opt.str(o['table-uuid'], at(p, 'table-uuid'))
  if (uuid !== undefined) m.tableUuid = uuid
  if (current !== undefined) m.currentSnapshotId = current
  // v3 requires next-row-id (Java refuses a file without it). Read liberally: a file without it (hand-written
  // ones without snapshots, as DuckDB reads them) gets the end of the highest row-id range its snapshots
  // assigned, so a later commit never hands out a row id already in use
  const nextRowId = opt.long(o['next-row-id'], at(p, 'next-row-id')) ?? (version >= 3 ? assignedRowIdsEnd(snapshots) : undefined)
  if (nextRowId !== undefined) m.nextRowId = nextRowId
  const keys = encryptionKeysFromJson(o['encryption-keys'], at(p, 'encryption-keys'))
  if (keys) m.encryptionKeys = keys
  return m
}

function stripTrailingSlash(s: string): string {
  return s.length > 1 && s.endsWith('/') ? s.replace(/\/+$/, '') : s
}

function readSchemas(o: JsonObject, p: JsonPath): { schemas: Schema[]; currentSchemaId: number } {
  const list = opt.arr(o.schemas, at(p, 'schemas'))
  const legacy = o.schema === undefined || o.schema === null ? undefined : schemaFromJson(o.schema, at(p, 'schema'))
  if (list && list.length > 0) {
    const schemas = list.map((s, i) => schemaFromJson(s, at(at(p, 'schemas'), i)))
    let currentSchemaId = opt.int(o['current-schema-id'], at(p, 'current-schema-id'))
    // v1 writers may list schemas without current-schema-id: the deprecated `schema` says which is current
    if (currentSchemaId === undefined) {
      if (!legacy) invalid(at(p, 'current-schema-id'), 'current-schema-id is required when schemas are listed')
      currentSchemaId = legacy.schemaId
      if (!schemas.some((s) => s.schemaId === currentSchemaId)) schemas.push(legacy)
    }
    return { schemas, currentSchemaId }
  }
  if (legacy) return { schemas: [legacy], currentSchemaId: legacy.schemaId }
  return invalid(at(p, 'schemas'), 'table metadata has neither schemas nor schema')
}

function readSpecs(o: JsonObject, p: JsonPath): { specs: PartitionSpec[]; defaultSpecId: number } {
  const list = opt.arr(o['partition-specs'], at(p, 'partition-specs'))
  const legacyFields = o['partition-spec'] === undefined || o['partition-spec'] === null ? undefined : partitionFieldsFromJson(o['partition-spec'], at(p, 'partition-spec'))
  if (list && list.length > 0) {
    const specs = list.map((s, i) => specFromJson(s, at(at(p, 'partition-specs'), i)))
    let defaultSpecId = opt.int(o['default-spec-id'], at(p, 'default-spec-id'))
    if (defaultSpecId === undefined) {
      // v1 without default-spec-id: the deprecated partition-spec names the default, else the newest spec
      const same = legacyFields && specs.find((s) => JSON.stringify(s.fields) === JSON.stringify(legacyFields))
      defaultSpecId = same ? same.specId : Math.max(...specs.map((s) => s.specId))
    }
    return { specs, defaultSpecId }
  }
  if (legacyFields) return { specs: [{ specId: 0, fields: legacyFields }], defaultSpecId: 0 }
  if (list) invalid(at(p, 'partition-specs'), 'partition-specs must not be empty')
  return invalid(at(p, 'partition-specs'), 'table metadata has neither partition-specs nor partition-spec')
}

/** The end of the row-id ranges snapshots assigned (`first-row-id + added-rows`, highest), 0 without any. */
function assignedRowIdsEnd(snapshots: readonly Snapshot[]): bigint {
  let end = 0n
  for (const s of snapshots) {
    if (s.firstRowId === undefined) continue
    const e = s.firstRowId + (s.addedRows ?? 0n)
    if (e > end) end = e
  }
  return end
}
