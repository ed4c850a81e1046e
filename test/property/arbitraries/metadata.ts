// fast-check arbitraries for schemas, specs and whole table metadata (valid by construction).
import fc from 'fast-check'
import type { PartitionField, PartitionSpec } from '../../../src/spec/partition-spec.js'
import type { Schema } from '../../../src/spec/schema.js'
import type { Snapshot, SnapshotRef } from '../../../src/spec/snapshot.js'
import type { SortOrder } from '../../../src/spec/sort-order.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { canTransform, Transforms, type Transform } from '../../../src/spec/transform.js'
import type { IcebergType, NestedField, PrimitiveType, SimpleKind } from '../../../src/spec/types.js'

const SIMPLE: SimpleKind[] = ['boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary']

/** A random primitive type. */
export const primitiveType: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom(...SIMPLE).map((kind) => ({ kind })),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => ({ kind: 'decimal' as const, precision: p, scale: s }))),
  fc.integer({ min: 1, max: 64 }).map((length) => ({ kind: 'fixed' as const, length })),
)

/** Field names: any unicode except empty, unique per struct is ensured by the caller. */
const fieldName = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' })

/** A random schema with nested structs, lists and maps; ids are assigned depth-first from 1. */
export function schemaArb(maxFields = 6): fc.Arbitrary<Schema> {
  type Shape = { kind: 'p'; t: PrimitiveType } | { kind: 's'; kids: Shape[] } | { kind: 'l'; el: Shape } | { kind: 'm'; k: PrimitiveType; v: Shape }
  const shape: fc.Arbitrary<Shape> = fc.letrec<{ s: Shape }>((tie) => ({
    s: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      primitiveType.map((t): Shape => ({ kind: 'p', t })),
      fc.array(tie('s'), { minLength: 1, maxLength: 3 }).map((kids): Shape => ({ kind: 's', kids })),
      tie('s').map((el): Shape => ({ kind: 'l', el })),
      fc.tuple(primitiveType, tie('s')).map(([k, v]): Shape => ({ kind: 'm', k, v })),
    ),
  })).s
  return fc
    .record({
      shapes: fc.array(fc.tuple(fieldName, shape, fc.boolean(), fc.option(fc.string(), { nil: undefined })), { minLength: 1, maxLength: maxFields }),
      schemaId: fc.integer({ min: 0, max: 5 }),
    })
    .map(({ shapes, schemaId }) => {
      let next = 0
      const build = (s: Shape): IcebergType => {
        switch (s.kind) {
          case 'p':
            return s.t
          case 's':
            return { kind: 'struct', fields: s.kids.map((k, i) => ({ id: ++next, name: `f${i}`, required: i % 2 === 0, type: build(k) })) }
          case 'l': {
            const elementId = ++next
            return { kind: 'list', elementId, element: build(s.el), elementRequired: next % 2 === 0 }
          }
          case 'm': {
            const keyId = ++next
            const valueId = ++next
            return { kind: 'map', keyId, key: s.k, valueId, value: build(s.v), valueRequired: false }
          }
        }
      }
      const seen = new Set<string>()
      const fields: NestedField[] = []
      for (const [name, s, required, doc] of shapes) {
        if (seen.has(name)) continue
        seen.add(name)
        const id = ++next
        fields.push({ id, name, required, type: build(s), ...(doc === undefined ? {} : { doc }) })
      }
      return { schemaId, fields, identifierFieldIds: [] }
    })
}

const TRANSFORMS: Transform[] = [Transforms.identity, Transforms.bucket(16), Transforms.truncate(4), Transforms.year, Transforms.month, Transforms.day, Transforms.hour, Transforms.void]

/** A random valid spec over the top-level primitive columns of `s`. */
export function specArb(s: Schema, specId = 0): fc.Arbitrary<PartitionSpec> {
  const candidates: Array<{ id: number; name: string; t: Transform }> = []
  for (const f of s.fields) for (const t of TRANSFORMS) if (canTransform(t, f.type)) candidates.push({ id: f.id, name: f.name, t })
  if (candidates.length === 0) return fc.constant({ specId, fields: [] })
  return fc.subarray(candidates, { maxLength: Math.min(4, candidates.length) }).map((cs) => ({
    specId,
    fields: cs.map((c, i): PartitionField => ({ sourceId: c.id, fieldId: 1000 + i, name: `p${i}_${c.t.kind}`, transform: c.t })),
  }))
}

/** Random 63-bit snapshot ids. */
export const snapshotId = fc.bigInt({ min: 1n, max: (1n << 63n) - 1n })

/** A random valid table metadata value of the given version. */
export function metadataArb(version: FormatVersion): fc.Arbitrary<TableMetadata> {
  return schemaArb().chain((schema) =>
    fc
      .record({
        spec: specArb(schema),
        ids: fc.uniqueArray(snapshotId, { maxLength: 6 }),
        props: fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), { maxKeys: 4 }),
        start: fc.bigInt({ min: 1_500_000_000_000n, max: 1_900_000_000_000n }),
        tag: fc.boolean(),
        sorted: fc.boolean(),
        uuid: fc.uuid(),
      })
      .map(({ spec, ids, props, start, tag, sorted, uuid }) => {
        const snapshots: Snapshot[] = ids.map((id, i) => ({
          snapshotId: id,
          ...(i > 0 ? { parentSnapshotId: ids[i - 1]! } : {}),
          sequenceNumber: version >= 2 ? BigInt(i + 1) : 0n,
          timestampMs: start + BigInt(i * 1000),
          manifestList: `s3://b/t/metadata/snap-${id}.avro`,
          summary: { operation: 'append', 'added-records': String(i) },
          schemaId: schema.schemaId,
          ...(version >= 3 ? { firstRowId: BigInt(i * 10), addedRows: 10n } : {}),
        }))
        const last = snapshots.at(-1)
        const refs: Record<string, SnapshotRef> = {}
        if (last) refs.main = { snapshotId: last.snapshotId, type: 'branch' }
        if (tag && snapshots[0] && version >= 2) refs.t1 = { snapshotId: snapshots[0].snapshotId, type: 'tag', maxRefAgeMs: 1000n }
        const firstCol = schema.fields.find((f) => f.type.kind !== 'struct' && f.type.kind !== 'list' && f.type.kind !== 'map')
        const order: SortOrder | undefined =
          sorted && firstCol ? { orderId: 1, fields: [{ sourceId: firstCol.id, transform: Transforms.identity, direction: 'desc', nullOrder: 'nulls-last' }] } : undefined
        const maxId = (t: IcebergType): number =>
          t.kind === 'struct' ? Math.max(0, ...t.fields.map((f) => Math.max(f.id, maxId(f.type)))) : t.kind === 'list' ? Math.max(t.elementId, maxId(t.element)) : t.kind === 'map' ? Math.max(t.keyId, t.valueId, maxId(t.key), maxId(t.value)) : 0
        const m: TableMetadata = {
          formatVersion: version,
          tableUuid: uuid,
          location: 's3://b/t',
          lastSequenceNumber: version >= 2 ? BigInt(snapshots.length) : 0n,
          lastUpdatedMs: start + 100_000n,
          lastColumnId: maxId({ kind: 'struct', fields: schema.fields }),
          schemas: [schema],
          currentSchemaId: schema.schemaId,
          specs: [spec],
          defaultSpecId: 0,
          lastPartitionId: Math.max(999, ...spec.fields.map((f) => f.fieldId)),
          sortOrders: order ? [{ orderId: 0, fields: [] }, order] : [{ orderId: 0, fields: [] }],
          defaultSortOrderId: order ? 1 : 0,
          properties: props,
          snapshots,
          refs,
          snapshotLog: snapshots.map((s) => ({ timestampMs: s.timestampMs, snapshotId: s.snapshotId })),
          metadataLog: [{ timestampMs: start, metadataFile: 's3://b/t/metadata/v1.metadata.json' }],
          statistics: [],
          partitionStatistics: [],
          ...(last ? { currentSnapshotId: last.snapshotId } : {}),
          ...(version >= 3 ? { nextRowId: BigInt(snapshots.length * 10) } : {}),
        }
        return m
      }),
  )
}
