// Creating table metadata the way Java's TableMetadata.newTableMetadata does (fresh ids, defaults).
import { InvalidArgumentError, ValidationError } from '../errors.js'
import { setOwn } from './own.js'
import { validateMetadata } from './json/metadata-validate.js'
import { checkSpec, lastAssignedFieldId, PARTITION_DATA_ID_START, specProblems, unpartitioned, type PartitionSpec } from './partition-spec.js'
import { RESERVED_PROPERTIES } from './properties.js'
import { findByName, highestFieldId, identifierFieldProblems, lookupFields, schemaProblems, type Schema } from './schema.js'
import { checkSortOrder, unsorted, type SortOrder } from './sort-order.js'
import { MAX_FORMAT_VERSION, type FormatVersion, type TableMetadata } from './table-metadata.js'
import type { IcebergType, NestedField } from './types.js'

/** What a new table is created from; ids in `spec` and `sortOrder` refer to `schema` as given. */
export interface NewTableRequest {
  readonly schema: Schema
  readonly spec?: PartitionSpec
  readonly sortOrder?: SortOrder
  readonly location: string
  /** Table properties; a `format-version` entry picks the format version (and is not stored), as in Java. */
  readonly properties?: Readonly<Record<string, string>>
  /** The format version (default 2); when `properties['format-version']` is also given the two must agree. */
  readonly formatVersion?: FormatVersion
}

/** Prefix of the per-column metrics mode properties (Java `MetricsConfig`). */
export const METRICS_COLUMN_PREFIX = 'write.metadata.metrics.column.'
const COMMIT_INT_PROPERTIES = ['commit.retry.num-retries', 'commit.retry.min-wait-ms', 'commit.retry.max-wait-ms', 'commit.retry.total-timeout-ms']

/** Parse a `format-version` property value (an integer from 1 to the highest supported version). */
export function parseFormatVersion(value: string): FormatVersion {
  const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < 1 || n > MAX_FORMAT_VERSION)
    throw new InvalidArgumentError(`Unsupported format-version ${JSON.stringify(value)}: expected 1 to ${MAX_FORMAT_VERSION}`, { context: { field: 'format-version' } })
  return n as FormatVersion
}

/** Throw unless every `write.metadata.metrics.column.<name>` property names a column of `s` (Java `MetricsConfig.validate`). */
export function checkMetricsColumns(props: Readonly<Record<string, string>>, s: Schema): void {
  const l = lookupFields(s.fields)
  for (const key of Object.keys(props)) {
    if (!key.startsWith(METRICS_COLUMN_PREFIX)) continue
    const column = key.slice(METRICS_COLUMN_PREFIX.length)
    if (!findByName(l, column, true))
      throw new ValidationError(`Invalid metrics config, could not find column ${column} from table property ${key} in schema ${s.schemaId}`, { context: { field: key } })
  }
}

/** Throw unless the `commit.retry.*` counts and waits are non-negative 32-bit integers (Java `PropertyUtil.validateCommitProperties`). */
export function checkCommitProperties(props: Readonly<Record<string, string>>): void {
  for (const key of COMMIT_INT_PROPERTIES) {
    const v = props[key]
    if (v === undefined) continue
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN
    if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) throw new ValidationError(`Table property ${key} must have integer value, got ${JSON.stringify(v)}`, { context: { field: key } })
    if (n < 0) throw new ValidationError(`Table property ${key} must have non negative integer value, got ${v}`, { context: { field: key } })
  }
}

/** The format version a create request asks for: the option, the `format-version` property (both must agree) or 2. */
export function requestedFormatVersion(req: Pick<NewTableRequest, 'formatVersion' | 'properties'>): FormatVersion {
  const raw = req.properties?.['format-version']
  const fromProp = raw === undefined ? undefined : parseFormatVersion(raw)
  if (fromProp !== undefined && req.formatVersion !== undefined && fromProp !== req.formatVersion)
    throw new InvalidArgumentError(`Conflicting format versions: formatVersion ${req.formatVersion} and property format-version=${raw}`, { context: { field: 'format-version' } })
  return req.formatVersion ?? fromProp ?? 2
}

/**
 * Re-assign every field id from 1 (Java `TypeUtil.assignFreshIds`: each struct's fields first, then their
 * children). Returns the new schema and a map from old ids to new ids.
 */
export function assignFreshIds(s: Schema, schemaId = 0): { schema: Schema; idMap: Map<number, number> } {
  let next = 0
  const idMap = new Map<number, number>()
  const fresh = (old: number): number => {
    const id = ++next
    idMap.set(old, id)
    return id
  }
  const visitType = (t: IcebergType): IcebergType => {
    switch (t.kind) {
      case 'struct': {
        const ids = t.fields.map((f) => fresh(f.id))
        return { kind: 'struct', fields: t.fields.map((f, i) => ({ ...f, id: ids[i]!, type: visitType(f.type) })) }
      }
      case 'list': {
        const elementId = fresh(t.elementId)
        return { ...t, elementId, element: visitType(t.element) }
      }
      case 'map': {
        const keyId = fresh(t.keyId)
        const valueId = fresh(t.valueId)
        return { ...t, keyId, valueId, key: visitType(t.key), value: visitType(t.value) }
      }
      default:
        return t
    }
  }
  const root = visitType({ kind: 'struct', fields: s.fields }) as { fields: readonly NestedField[] }
  const identifierFieldIds = s.identifierFieldIds.map((id) => {
    const n = idMap.get(id)
    if (n === undefined) throw new InvalidArgumentError(`identifier field id ${id} is not in the schema`)
    return n
  })
  return { schema: { schemaId, fields: root.fields, identifierFieldIds }, idMap }
}

function remap(id: number, idMap: ReadonlyMap<number, number>, what: string): number {
  const n = idMap.get(id)
  if (n === undefined) throw new InvalidArgumentError(`${what} refers to unknown source column id ${id}`)
  return n
}

/** Build the first metadata version of a table (pure: the uuid and clock come from the caller). */
export function newTableMetadata(req: NewTableRequest, uuid: string, nowMs: bigint): TableMetadata {
  const formatVersion = requestedFormatVersion(req)
  const shape = schemaProblems(req.schema, formatVersion)
  if (shape.length) throw new ValidationError(`Invalid schema for v${formatVersion}: ${shape.join('; ')}`)
  const { schema, idMap } = assignFreshIds(req.schema)
  const problems = identifierFieldProblems(schema)
  if (problems.length) throw new InvalidArgumentError(`Invalid schema: ${problems.join('; ')}`)
  const inSpec = req.spec ?? unpartitioned
  const spec: PartitionSpec = {
    specId: 0,
    fields: inSpec.fields.map((f, i) => ({
      ...f,
      sourceId: remap(f.sourceId, idMap, `partition field ${f.name}`),
      ...(f.sourceIds ? { sourceIds: f.sourceIds.map((x) => remap(x, idMap, `partition field ${f.name}`)) } : {}),
      fieldId: PARTITION_DATA_ID_START + i,
    })),
  }
  const specIssues = specProblems(spec, schema)
  if (specIssues.length) throw new InvalidArgumentError(`Invalid partition spec: ${specIssues.join('; ')}`)
  checkSpec(spec, schema)
  const order = req.sortOrder && req.sortOrder.fields.length ? req.sortOrder : undefined
  // like Java, a sorted table starts with just its order (id 1); an unsorted one with the unsorted order
  let sortOrders: SortOrder[] = [unsorted]
  if (order) {
    const fresh: SortOrder = {
      orderId: 1,
      fields: order.fields.map((f) => ({ ...f, sourceId: remap(f.sourceId, idMap, 'sort field') })),
    }
    checkSortOrder(fresh, schema)
    sortOrders = [fresh]
  }
  checkMetricsColumns(req.properties ?? {}, req.schema)
  checkCommitProperties(req.properties ?? {})
  const properties: Record<string, string> = { 'write.parquet.compression-codec': 'zstd' }
  for (const [k, v] of Object.entries(req.properties ?? {})) if (!RESERVED_PROPERTIES.has(k)) setOwn(properties, k, v)
  const m: TableMetadata = {
    formatVersion,
    tableUuid: uuid,
    location: req.location.replace(/\/+$/, ''),
    lastSequenceNumber: 0n,
    lastUpdatedMs: nowMs,
    lastColumnId: highestFieldId(schema),
    schemas: [schema],
    currentSchemaId: 0,
    specs: [spec],
    defaultSpecId: 0,
    lastPartitionId: lastAssignedFieldId(spec),
    sortOrders,
    defaultSortOrderId: order ? 1 : 0,
    properties,
    snapshots: [],
    refs: {},
    snapshotLog: [],
    metadataLog: [],
    statistics: [],
    partitionStatistics: [],
    ...(formatVersion >= 3 ? { nextRowId: 0n } : {}),
  }
  return validateMetadata(m)
}
