// The one pure reducer for metadata changes (Java TableMetadata.Builder semantics, REST update names).
import { ValidationError } from '../errors.js'
import { setOwn } from './own.js'
import { lastAssignedFieldId, specCompatibleWith, specProblems, type PartitionSpec } from './partition-spec.js'
import { highestFieldId, identifierFieldProblems, type Schema } from './schema.js'
import { MAIN_BRANCH, type Snapshot, type SnapshotLogEntry, type SnapshotRef } from './snapshot.js'
import type { SortOrder } from './sort-order.js'
import { transformToString } from './transform.js'
import { fieldEquals, type IcebergType, type NestedField } from './types.js'
import { toJsonValue } from './single-value.js'
import { stringifyJson } from './json/lossless.js'
import { MAX_FORMAT_VERSION, currentSchema, refByName, type TableMetadata } from './table-metadata.js'
import { checkRefRetention, type TableUpdate } from './updates.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Identifies "the last schema/spec/order added by these updates" in set-current/default updates. */
export const LAST_ADDED = -1

const fail = (message: string): never => {
  throw new ValidationError(message)
}

/** Same fields and identifier fields, ignoring the schema id. */
export function sameSchema(a: Schema, b: Schema): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => fieldEquals(f, b.fields[i]!)) &&
    a.identifierFieldIds.length === b.identifierFieldIds.length &&
    a.identifierFieldIds.every((id) => b.identifierFieldIds.includes(id)) &&
    a.fields.every((f, i) => sameDefaults(f, b.fields[i]!))
  )
}

// Java compares defaults too: a schema that only changes a default is a new schema.
function defaultText(f: NestedField, v: NestedField['initialDefault']): string {
  return v === undefined ? '' : stringifyJson(toJsonValue(f.type, v))
}

function sameDefaults(a: NestedField, b: NestedField): boolean {
  if (defaultText(a, a.initialDefault) !== defaultText(b, b.initialDefault) || defaultText(a, a.writeDefault) !== defaultText(b, b.writeDefault)) return false
  const kids = (t: IcebergType): NestedField[] =>
    t.kind === 'struct' ? [...t.fields] : t.kind === 'list' ? kids(t.element) : t.kind === 'map' ? [...kids(t.key), ...kids(t.value)] : []
  const ka = kids(a.type)
  const kb = kids(b.type)
  return ka.length === kb.length && ka.every((f, i) => sameDefaults(f, kb[i]!))
}

function sameOrder(a: SortOrder, b: SortOrder): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!
      return f.sourceId === g.sourceId && f.direction === g.direction && f.nullOrder === g.nullOrder && transformToString(f.transform) === transformToString(g.transform)
    })
  )
}

/**
 * Validate and apply updates to `base`, returning new metadata (pure). `nowMs` stamps `last-updated-ms`
 * unless a snapshot added here sets it. Updates that change nothing (a ref set to what it already is, a
 * property set to its value, a default that is already the default, ...) are skipped as Java's metadata
 * builder skips them; when every update is skipped, `base` itself is returned, so a caller can tell that
 * there is nothing to commit. Throws ValidationError for an update that cannot apply, and
 * InvalidArgumentError for a ref given retention settings that Iceberg does not allow.
 */
export function applyUpdates(base: TableMetadata, updates: readonly TableUpdate[], nowMs: bigint): TableMetadata {
  if (updates.length === 0) return base
  const m: Mutable<TableMetadata> = { ...base }
  let changed = false
  let removedSnapshots = false
  let lastUpdated: bigint | undefined
  let lastAddedSchema: number | undefined
  let lastAddedSpec: number | undefined
  let lastAddedOrder: number | undefined
  const added = new Set<bigint>()
  const newLog: SnapshotLogEntry[] = []

  const setRef = (name: string, ref: SnapshotRef): void => {
    const snap = m.snapshots.find((s) => s.snapshotId === ref.snapshotId)
    if (!snap) fail(`Cannot set ${name} to unknown snapshot: ${ref.snapshotId}`)
    if (name === MAIN_BRANCH && ref.type !== 'branch') fail('main must be a branch')
    const existing = refByName(m, name)
    if (existing && existing.snapshotId === ref.snapshotId && existing.type === ref.type && sameRetention(existing, ref)) return
    changed = true
    // a computed key is always an own property, `__proto__` included
    m.refs = { ...m.refs, [name]: ref }
    if (name === MAIN_BRANCH) {
      if (added.has(ref.snapshotId)) lastUpdated = snap!.timestampMs
      m.currentSnapshotId = ref.snapshotId
      newLog.push({ timestampMs: lastUpdated ?? nowMs, snapshotId: ref.snapshotId })
    }
  }

  for (const u of updates) {
    switch (u.action) {
      case 'assign-uuid':
        if (m.tableUuid !== undefined && m.tableUuid !== u.uuid && base.formatVersion > 1 && base.snapshots.length > 0)
          fail(`Cannot reassign table uuid ${m.tableUuid} to ${u.uuid}`)
        if (m.tableUuid === u.uuid) break
        m.tableUuid = u.uuid
        changed = true
        break
      case 'upgrade-format-version':
        if (u.formatVersion < m.formatVersion) fail(`Cannot downgrade v${m.formatVersion} table to v${u.formatVersion}`)
        if (u.formatVersion > MAX_FORMAT_VERSION) fail(`Cannot upgrade table to unsupported format version v${u.formatVersion}`)
        if (u.formatVersion === m.formatVersion) break
        if (u.formatVersion >= 3 && m.nextRowId === undefined) m.nextRowId = 0n
        m.formatVersion = u.formatVersion
        changed = true
        break
      case 'add-schema': {
        const problems = identifierFieldProblems(u.schema)
        if (problems.length) fail(`Invalid schema: ${problems.join('; ')}`)
        const same = m.schemas.find((s) => sameSchema(s, u.schema))
        const newLast = Math.max(m.lastColumnId, u.lastColumnId ?? 0, highestFieldId(u.schema))
        if (newLast !== m.lastColumnId) changed = true
        m.lastColumnId = newLast
        if (same) {
          lastAddedSchema = same.schemaId
          break
        }
        changed = true
        const id = Math.max(m.currentSchemaId, ...m.schemas.map((s) => s.schemaId)) + 1
        m.schemas = [...m.schemas, { ...u.schema, schemaId: id }]
        lastAddedSchema = id
        break
      }
      case 'set-current-schema': {
        const id = u.schemaId === LAST_ADDED ? (lastAddedSchema ?? fail('Cannot set last added schema: no schema has been added')) : u.schemaId
        if (!m.schemas.some((s) => s.schemaId === id)) fail(`Cannot set current schema to unknown schema: ${id}`)
        if (id !== m.currentSchemaId) changed = true
        m.currentSchemaId = id
        break
      }
      case 'add-spec': {
        // Java reuses an existing spec with the same sources, transforms and names, ids and all
        const same = m.specs.find((s) => specCompatibleWith(u.spec, s))
        if (same) {
          lastAddedSpec = same.specId
          break
        }
        const problems = specProblems(u.spec, currentSchema(m))
        if (problems.length) fail(`Invalid partition spec: ${problems.join('; ')}`)
        if (m.formatVersion === 1 && !u.spec.fields.every((f, i) => f.fieldId === 1000 + i))
          fail('Spec does not use sequential IDs that are required in v1')
        changed = true
        m.lastPartitionId = Math.max(m.lastPartitionId, lastAssignedFieldId(u.spec))
        const id = m.specs.reduce((x, s) => Math.max(x, s.specId + 1), 0)
        m.specs = [...m.specs, { ...u.spec, specId: id }]
        lastAddedSpec = id
        break
      }
      case 'set-default-spec': {
        const id = u.specId === LAST_ADDED ? (lastAddedSpec ?? fail('Cannot set last added spec: no spec has been added')) : u.specId
        if (!m.specs.some((s) => s.specId === id)) fail(`Cannot set default partition spec to unknown spec: ${id}`)
        if (id !== m.defaultSpecId) changed = true
        m.defaultSpecId = id
        break
      }
      case 'add-sort-order': {
        const same = m.sortOrders.find((o) => sameOrder(o, u.sortOrder))
        if (same) {
          lastAddedOrder = same.orderId
          break
        }
        const id = u.sortOrder.fields.length === 0 ? 0 : m.sortOrders.reduce((x, o) => Math.max(x, o.orderId + 1), 1)
        changed = true
        m.sortOrders = [...m.sortOrders, { ...u.sortOrder, orderId: id }]
        lastAddedOrder = id
        break
      }
      case 'set-default-sort-order': {
        const id = u.sortOrderId === LAST_ADDED ? (lastAddedOrder ?? fail('Cannot set last added sort order: none has been added')) : u.sortOrderId
        if (!m.sortOrders.some((o) => o.orderId === id)) fail(`Cannot set default sort order to unknown order: ${id}`)
        if (id !== m.defaultSortOrderId) changed = true
        m.defaultSortOrderId = id
        break
      }
      case 'add-snapshot':
        addSnapshot(m, u.snapshot)
        changed = true
        added.add(u.snapshot.snapshotId)
        lastUpdated = u.snapshot.timestampMs
        break
      case 'remove-snapshots':
        if (removeSnapshots(m, new Set(u.snapshotIds))) changed = removedSnapshots = true
        break
      case 'set-snapshot-ref':
        checkRefRetention(u.refName, u.ref, refByName(m, u.refName))
        setRef(u.refName, u.ref)
        break
      case 'remove-snapshot-ref':
        if (!refByName(m, u.refName)) break
        m.refs = Object.fromEntries(Object.entries(m.refs).filter(([k]) => k !== u.refName))
        if (u.refName === MAIN_BRANCH) delete m.currentSnapshotId
        changed = true
        break
      case 'set-location': {
        const location = u.location.replace(/\/+$/, '')
        if (location !== m.location) changed = true
        m.location = location
        break
      }
      // Java's property updates hand the builder only the keys whose value differs (replaceProperties), so
      // setting a property to its value, or removing one that is not set, changes nothing
      case 'set-properties': {
        const differs = Object.entries(u.updates).filter(([k, v]) => !Object.hasOwn(m.properties, k) || m.properties[k] !== v)
        if (differs.length === 0) break
        const p = { ...m.properties }
        for (const [k, v] of differs) setOwn(p, k, v)
        m.properties = p
        changed = true
        break
      }
      case 'remove-properties': {
        const present = u.removals.filter((k) => Object.hasOwn(m.properties, k))
        if (present.length === 0) break
        const p = { ...m.properties }
        for (const k of present) delete p[k]
        m.properties = p
        changed = true
        break
      }
      // statistics files are replaced whenever given (Java records the change even for the same file)
      case 'set-statistics':
        m.statistics = [...m.statistics.filter((s) => s.snapshotId !== u.statistics.snapshotId), u.statistics]
        changed = true
        break
      case 'remove-statistics':
        if (!m.statistics.some((s) => s.snapshotId === u.snapshotId)) break
        m.statistics = m.statistics.filter((s) => s.snapshotId !== u.snapshotId)
        changed = true
        break
      case 'set-partition-statistics':
        m.partitionStatistics = [...m.partitionStatistics.filter((s) => s.snapshotId !== u.partitionStatistics.snapshotId), u.partitionStatistics]
        changed = true
        break
      case 'remove-partition-statistics':
        if (!m.partitionStatistics.some((s) => s.snapshotId === u.snapshotId)) break
        m.partitionStatistics = m.partitionStatistics.filter((s) => s.snapshotId !== u.snapshotId)
        changed = true
        break
      // Java records any non-empty removal of specs or schemas as a change, even of ids the table lacks
      case 'remove-partition-specs':
        if (u.specIds.includes(m.defaultSpecId)) fail(`Cannot remove the default partition spec ${m.defaultSpecId}`)
        m.specs = m.specs.filter((s: PartitionSpec) => !u.specIds.includes(s.specId))
        if (u.specIds.length > 0) changed = true
        break
      case 'remove-schemas':
        if (u.schemaIds.includes(m.currentSchemaId)) fail(`Cannot remove the current schema ${m.currentSchemaId}`)
        m.schemas = m.schemas.filter((s) => !u.schemaIds.includes(s.schemaId))
        if (u.schemaIds.length > 0) changed = true
        break
    }
  }
  if (!changed) return base
  m.snapshotLog = snapshotLog(m, newLog, added, removedSnapshots)
  m.lastUpdatedMs = lastUpdated ?? nowMs
  return m
}

/**
 * The snapshot log after a change set (Java TableMetadata.Builder): the new entries are appended; snapshots
 * created and superseded as main's head inside the change set never appear; and once snapshots were
 * removed, an entry whose snapshot no longer exists drops every entry before it (with itself), so time
 * travel never reads across a gap in the history.
 */
function snapshotLog(m: TableMetadata, newLog: readonly SnapshotLogEntry[], added: ReadonlySet<bigint>, removedSnapshots: boolean): readonly SnapshotLogEntry[] {
  const intermediate = new Set(newLog.filter((e) => added.has(e.snapshotId) && e.snapshotId !== m.currentSnapshotId).map((e) => e.snapshotId))
  const log = newLog.length ? [...m.snapshotLog, ...newLog] : m.snapshotLog
  if (intermediate.size === 0 && !removedSnapshots) return log
  const exists = new Set(m.snapshots.map((s) => s.snapshotId))
  let out: SnapshotLogEntry[] = []
  for (const e of log) {
    if (exists.has(e.snapshotId)) {
      if (!intermediate.has(e.snapshotId)) out.push(e)
    } else if (removedSnapshots) out = []
  }
  return out
}

function sameRetention(a: SnapshotRef, b: SnapshotRef): boolean {
  return a.minSnapshotsToKeep === b.minSnapshotsToKeep && a.maxSnapshotAgeMs === b.maxSnapshotAgeMs && a.maxRefAgeMs === b.maxRefAgeMs
}

function addSnapshot(m: Mutable<TableMetadata>, s: Snapshot): void {
  if (m.snapshots.some((x) => x.snapshotId === s.snapshotId)) fail(`Snapshot already exists for id: ${s.snapshotId}`)
  if (m.formatVersion >= 2 && s.parentSnapshotId !== undefined && s.sequenceNumber <= m.lastSequenceNumber)
    fail(`Cannot add snapshot with sequence number ${s.sequenceNumber} older than last sequence number ${m.lastSequenceNumber}`)
  if (m.formatVersion === 1 && s.sequenceNumber !== 0n) fail('v1 snapshots must have sequence number 0')
  if (m.formatVersion >= 3) {
    if (s.firstRowId === undefined || s.addedRows === undefined) fail('v3 snapshots must set first-row-id and added-rows')
    const next = m.nextRowId ?? 0n
    if (s.firstRowId! < next) fail(`Cannot add a snapshot, first-row-id ${s.firstRowId} is behind table next-row-id ${next}`)
    m.nextRowId = s.firstRowId! + s.addedRows!
  }
  m.snapshots = [...m.snapshots, s]
  if (s.sequenceNumber > m.lastSequenceNumber) m.lastSequenceNumber = s.sequenceNumber
}

/** Remove the snapshots with these ids (and refs and statistics of them); false when the table had none of them. */
function removeSnapshots(m: Mutable<TableMetadata>, ids: ReadonlySet<bigint>): boolean {
  const kept = m.snapshots.filter((s) => !ids.has(s.snapshotId))
  if (kept.length === m.snapshots.length) return false
  m.snapshots = kept
  // refs whose snapshot is gone are dropped; dropping main clears the current snapshot
  const refs: Record<string, SnapshotRef> = {}
  for (const [k, r] of Object.entries(m.refs)) if (!ids.has(r.snapshotId)) setOwn(refs, k, r)
  if (!refByName({ refs }, MAIN_BRANCH)) delete m.currentSnapshotId
  m.refs = refs
  m.statistics = m.statistics.filter((s) => !ids.has(s.snapshotId))
  m.partitionStatistics = m.partitionStatistics.filter((s) => !ids.has(s.snapshotId))
  return true
}

/**
 * Record the previous metadata file in `metadata-log` (done by a catalog at commit time) and trim the log
 * to `maxEntries` (`write.metadata.previous-versions-max`). Returns the new metadata and the trimmed entries.
 */
export function addPreviousMetadataFile(
  m: TableMetadata,
  previous: { readonly file: string; readonly lastUpdatedMs: bigint },
  maxEntries: number,
): { metadata: TableMetadata; trimmed: TableMetadata['metadataLog'] } {
  const log = [...m.metadataLog, { timestampMs: previous.lastUpdatedMs, metadataFile: previous.file }]
  const keep = Math.max(1, maxEntries)
  const trimmed = log.length > keep ? log.slice(0, log.length - keep) : []
  return { metadata: { ...m, metadataLog: log.slice(log.length - Math.min(keep, log.length)) }, trimmed }
}
