// fast-check arbitraries for manifests and manifest lists (valid by construction), plus helpers that
// re-encode a written file the way header-stripping tools do.
import fc from 'fast-check'
import { concatBytes, varintBytes } from '../../../src/spec/avro/binary.js'
import { readOcfBlocks, readOcfHeader } from '../../../src/spec/avro/ocf.js'
import { parseJson, stringifyJson, type JsonValue } from '../../../src/spec/json/lossless.js'
import type { DataFile, EntryStatus, FieldSummary, FileContent, ManifestContent, ManifestEntry, ManifestFile } from '../../../src/spec/manifest.js'
import { partitionType, type PartitionField, type PartitionSpec } from '../../../src/spec/partition-spec.js'
import type { Schema } from '../../../src/spec/schema.js'
import type { FormatVersion } from '../../../src/spec/table-metadata.js'
import { canTransform, Transforms, type Transform } from '../../../src/spec/transform.js'
import type { PrimitiveType, SimpleKind, Value } from '../../../src/spec/types.js'

const SIMPLE: SimpleKind[] = ['boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary']

/** A random primitive column type (partition sources). */
export const primitiveArb: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom(...SIMPLE).map((kind): PrimitiveType => ({ kind })),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s): PrimitiveType => ({ kind: 'decimal', precision: p, scale: s }))),
  fc.integer({ min: 1, max: 24 }).map((length): PrimitiveType => ({ kind: 'fixed', length })),
)

/** Random 63-bit ids (snapshot ids are positive Java longs). */
export const id63 = fc.bigInt({ min: 1n, max: (1n << 63n) - 1n })
const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })
const count = fc.bigInt({ min: 0n, max: (1n << 63n) - 1n })

/** A non-null value of a primitive type in floe's in-memory representation. */
export function valueArb(t: PrimitiveType): fc.Arbitrary<Value> {
  switch (t.kind) {
    case 'boolean':
      return fc.boolean()
    case 'int':
      return fc.integer({ min: -2147483648, max: 2147483647 })
    case 'date':
      return fc.integer({ min: -1_000_000, max: 1_000_000 })
    case 'long':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return long
    case 'time':
      return fc.bigInt({ min: 0n, max: 86_399_999_999n })
    case 'float':
      return fc.float()
    case 'double':
      return fc.double()
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 })
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 })
    case 'fixed':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length })
    case 'binary':
      return fc.uint8Array({ maxLength: 12 })
    case 'decimal': {
      const max = 10n ** BigInt(t.precision) - 1n
      return fc.bigInt({ min: -max, max })
    }
    default:
      return fc.constant(null)
  }
}

const TRANSFORMS: Transform[] = [Transforms.identity, Transforms.bucket(8), Transforms.truncate(3), Transforms.year, Transforms.month, Transforms.day, Transforms.hour, Transforms.void]

/** A table schema of random primitive columns and a random spec over them (ids 1000+, names with odd characters). */
export const tableArb: fc.Arbitrary<{ schema: Schema; spec: PartitionSpec }> = fc
  .record({
    types: fc.array(primitiveArb, { minLength: 1, maxLength: 6 }),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('p', 'p q', '1p', 'p.x', 'é')), { maxLength: 5 }),
    specId: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ types, picks, specId }) => {
    const schema: Schema = { schemaId: 0, identifierFieldIds: [], fields: types.map((type, i) => ({ id: i + 1, name: `c${i + 1}`, required: i % 2 === 0, type })) }
    const fields: PartitionField[] = []
    for (const [col, tr, stem] of picks) {
      const src = schema.fields[col % schema.fields.length]!
      const options = TRANSFORMS.filter((t) => canTransform(t, src.type))
      const transform = options[tr % options.length]!
      fields.push({ sourceId: src.id, fieldId: 1000 + fields.length, name: `${stem}${fields.length}`, transform })
    }
    return { schema, spec: { specId, fields } }
  })

/** Partition values for a spec (nulls included), typed by the transforms' result types. */
export function partitionArb(schema: Schema, spec: PartitionSpec): fc.Arbitrary<Value[]> {
  const types = partitionType(spec, schema).fields.map((f) => f.type as PrimitiveType)
  return fc.tuple(...types.map((t, i) => (spec.fields[i]!.transform.kind === 'void' ? fc.constant(null) : fc.option(valueArb(t), { nil: null }))))
}

const intMap = <V>(v: fc.Arbitrary<V>): fc.Arbitrary<Map<number, V>> =>
  fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 2147483647 }), v), { maxLength: 6, selector: ([k]) => k }).map((kv) => new Map(kv))
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined })

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o
}

/** A data or delete file valid for the version and manifest content. */
export function dataFileArb(v: FormatVersion, content: ManifestContent, partition: fc.Arbitrary<Value[]>, specId: number): fc.Arbitrary<DataFile> {
  const fileContent: fc.Arbitrary<FileContent> = content === 'data' ? fc.constant('data') : fc.constantFrom('position-deletes', 'equality-deletes')
  return fc
    .record({
      content: fileContent,
      filePath: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `s3://bucket/data/${s}.parquet`),
      fileFormat: fc.constantFrom('PARQUET', 'AVRO', 'ORC', 'PUFFIN' as const),
      partition,
      recordCount: count,
      fileSizeInBytes: count,
      columnSizes: opt(intMap(count)),
      valueCounts: opt(intMap(count)),
      nullValueCounts: opt(intMap(count)),
      nanValueCounts: opt(intMap(count)),
      lowerBounds: opt(intMap(fc.uint8Array({ maxLength: 16 }))),
      upperBounds: opt(intMap(fc.uint8Array({ maxLength: 16 }))),
      keyMetadata: opt(fc.uint8Array({ maxLength: 8 })),
      splitOffsets: opt(fc.array(count, { maxLength: 4 })),
      equalityIds: opt(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 3 })),
      sortOrderId: opt(fc.integer({ min: 0, max: 10 })),
      firstRowId: opt(count),
      referencedDataFile: opt(fc.string({ maxLength: 20 })),
      contentOffset: opt(count),
      contentSizeInBytes: opt(count),
      blockSizeInBytes: count,
    })
    .map((f) => {
      const out = defined({ ...f, specId }) as unknown as { -readonly [K in keyof DataFile]?: DataFile[K] }
      if (v === 1) {
        delete out.equalityIds
        delete out.referencedDataFile
      } else delete out.blockSizeInBytes
      if (v < 3) {
        delete out.firstRowId
        delete out.contentOffset
        delete out.contentSizeInBytes
      }
      return out as DataFile
    })
}

/** A manifest entry valid for writing (explicit data sequence numbers for non-ADDED v2+ entries). */
export function entryArb(v: FormatVersion, content: ManifestContent, partition: fc.Arbitrary<Value[]>, specId: number): fc.Arbitrary<ManifestEntry> {
  return fc
    .record({
      status: fc.constantFrom<EntryStatus>('added', 'existing', 'deleted'),
      snapshotId: opt(id63),
      sequenceNumber: opt(count),
      fileSequenceNumber: opt(count),
      dataFile: dataFileArb(v, content, partition, specId),
    })
    .map((e) => {
      const out = defined({ ...e }) as { -readonly [K in keyof ManifestEntry]?: ManifestEntry[K] }
      if (v === 1) {
        delete out.sequenceNumber
        delete out.fileSequenceNumber
      } else if (e.status !== 'added' && out.sequenceNumber === undefined) out.sequenceNumber = 7n
      return out as ManifestEntry
    })
}

/** A whole manifest: table, version, content and entries. */
export function manifestArb(): fc.Arbitrary<{ v: FormatVersion; content: ManifestContent; schema: Schema; spec: PartitionSpec; entries: ManifestEntry[] }> {
  return fc.tuple(tableArb, fc.constantFrom<FormatVersion>(1, 2, 3), fc.constantFrom<ManifestContent>('data', 'deletes')).chain(([{ schema, spec }, v, c]) => {
    const content = v === 1 ? 'data' : c
    return fc.array(entryArb(v, content, partitionArb(schema, spec), spec.specId), { maxLength: 8 }).map((entries) => ({ v, content, schema, spec, entries }))
  })
}

/** A manifest-list row valid for the version. */
export function manifestFileArb(v: FormatVersion): fc.Arbitrary<ManifestFile> {
  const summary: fc.Arbitrary<FieldSummary> = fc
    .record({ containsNull: fc.boolean(), containsNan: opt(fc.boolean()), lowerBound: opt(fc.uint8Array({ maxLength: 8 })), upperBound: opt(fc.uint8Array({ maxLength: 8 })) })
    .map((s) => defined({ ...s }) as FieldSummary)
  const c32 = fc.integer({ min: 0, max: 2147483647 })
  const req = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => (v === 1 ? opt(a) : a)
  return fc
    .record({
      manifestPath: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `s3://bucket/metadata/${s}-m0.avro`),
      manifestLength: count,
      partitionSpecId: fc.integer({ min: 0, max: 100 }),
      content: v === 1 ? fc.constant<ManifestContent>('data') : fc.constantFrom<ManifestContent>('data', 'deletes'),
      sequenceNumber: v === 1 ? fc.constant(0n) : count,
      minSequenceNumber: v === 1 ? fc.constant(0n) : count,
      addedSnapshotId: id63,
      addedFilesCount: req(c32),
      existingFilesCount: req(c32),
      deletedFilesCount: req(c32),
      addedRowsCount: req(count),
      existingRowsCount: req(count),
      deletedRowsCount: req(count),
      partitions: opt(fc.array(summary, { maxLength: 4 })),
      keyMetadata: opt(fc.uint8Array({ maxLength: 8 })),
      firstRowId: v === 3 ? opt(count) : fc.constant(undefined),
    })
    .map((m) => defined({ ...m }) as ManifestFile)
}

// ------------------------------------------------------------------------------------------ helpers

/** Remove every `field-id` (and other Iceberg id attributes) from an Avro schema JSON. */
export function dropFieldIds(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(dropFieldIds)
  if (v === null || typeof v !== 'object') return v
  const out: Record<string, JsonValue> = {}
  for (const [k, x] of Object.entries(v)) if (!['field-id', 'element-id', 'key-id', 'value-id'].includes(k)) out[k] = dropFieldIds(x)
  return out
}

/**
 * Re-encode a container the way header-stripping tools do: codec `null`, only `avro.schema` (optionally
 * rewritten) and the `keep` keys; the record bytes stay the same.
 */
export function reencode(bytes: Uint8Array, opts: { keep?: readonly string[]; schema?: (s: JsonValue) => JsonValue } = {}): Uint8Array {
  const h = readOcfHeader(bytes)
  const blocks = readOcfBlocks(bytes, h)
  const schemaText = opts.schema ? stringifyJson(opts.schema(parseJson(h.schemaText))) : h.schemaText
  const meta: [string, string][] = [['avro.schema', schemaText], ['avro.codec', 'null']]
  for (const k of opts.keep ?? []) {
    const v = h.metadata.get(k)
    if (v !== undefined) meta.push([k, v])
  }
  const enc = new TextEncoder()
  const parts: Uint8Array[] = [Uint8Array.of(0x4f, 0x62, 0x6a, 0x01), varintBytes(meta.length)]
  for (const [k, v] of meta) {
    const kb = enc.encode(k)
    const vb = enc.encode(v)
    parts.push(varintBytes(kb.length), kb, varintBytes(vb.length), vb)
  }
  parts.push(varintBytes(0), h.sync)
  for (const b of blocks) parts.push(varintBytes(b.count), varintBytes(b.data.length), b.data, h.sync)
  return concatBytes(parts)
}
