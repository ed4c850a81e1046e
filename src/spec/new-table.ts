// Creating table metadata the way Java's TableMetadata.newTableMetadata does (fresh ids, defaults).
import { InvalidArgumentError } from '../errors.js'
import { setOwn } from './own.js'
import { validateMetadata } from './json/metadata-validate.js'
import { lastAssignedFieldId, PARTITION_DATA_ID_START, specProblems, unpartitioned, type PartitionSpec } from './partition-spec.js'
import { RESERVED_PROPERTIES } from './properties.js'
import { highestFieldId, identifierFieldProblems, type Schema } from './schema.js'
import { unsorted, type SortOrder } from './sort-order.js'
import type { FormatVersion, TableMetadata } from './table-metadata.js'
import type { IcebergType, NestedField } from './types.js'

/** What a new table is created from; ids in `spec` and `sortOrder` refer to `schema` as given. */
export interface NewTableRequest {
  readonly schema: Schema
  readonly spec?: PartitionSpec
  readonly sortOrder?: SortOrder
  readonly location: string
  readonly properties?: Readonly<Record<string, string>>
  readonly formatVersion?: FormatVersion
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
  const formatVersion = req.formatVersion ?? 2
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
  const order = req.sortOrder && req.sortOrder.fields.length ? req.sortOrder : undefined
  const sortOrders: SortOrder[] = [unsorted]
  if (order) {
    sortOrders.push({
      orderId: 1,
      fields: order.fields.map((f) => ({ ...f, sourceId: remap(f.sourceId, idMap, 'sort field') })),
    })
  }
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
