// Every manifest list and manifest in shared/corpus decodes (header-stripped ones with the table's
// specs as the fallback), list counts agree with the manifests, goldens match, damaged files fail typed.
import { readFileSync, readdirSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../src/errors.js'
import type { AvroNode } from '../../src/spec/avro/avro-node.js'
import { readManifest, type ManifestReadOptions } from '../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../src/spec/avro/manifest-list-codec.js'
import { readOcf, readOcfHeader } from '../../src/spec/avro/ocf.js'
import { readTableMetadata } from '../../src/spec/json/metadata-read.js'
import { parseJson, type JsonValue } from '../../src/spec/json/lossless.js'
import type { ManifestFile } from '../../src/spec/manifest.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import type { Schema } from '../../src/spec/schema.js'
import { CORPUS, corpusPath } from '../support/corpus.js'
import { walkFiles } from '../support/files.js'

const rel = (p: string): string => relative(CORPUS, p)
const all = walkFiles(CORPUS, (p) => p.endsWith('.avro'))

/** Files that are not valid Avro, with the code each must fail with. */
const BROKEN: Record<string, string> = {
  'iceberg-cxx/tests/metadata/broken1.avro': 'INVALID_AVRO',
  'iceberg-cxx/tests/metadata/broken2.avro': 'INVALID_AVRO',
  'iceberg-cxx/tests/metadata/empty.avro': 'INVALID_AVRO',
  'iceberg-rust/crates/iceberg/testdata/manifests_lists/manifest-list-v3-encrypted.avro': 'UNSUPPORTED',
}
/** Hand-edited fixtures whose list counts do not describe the manifests (see impala README excerpt). */
const COUNT_MISMATCH_OK = new Set([
  'impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_null_delete_record/metadata/snap-5852039568708655222-1-3a813d5e-fc0b-485f-bbba-010972a9f20a.avro',
  // hand-edited PyIceberg v1 fixture: two EXISTING files but added_rows_count 4
  'duckdb-iceberg/data/persistent/iceberg_v1_repro/repro/merch_v1/metadata/snap-5191822260710938731-0-ccab0b80-739e-4dc6-a95d-306d70e93d65.avro',
])

type Kind = 'list' | 'manifest' | 'data'
function kindOf(root: AvroNode): Kind {
  if (root.kind !== 'record') return 'data'
  // by names: Avro data files carry Iceberg field ids too (a column with id 2 is not data_file)
  const names = new Set(root.fields.map((f) => f.name))
  if (root.name === 'manifest_file' || names.has('manifest_path')) return 'list'
  if (root.name === 'manifest_entry' || names.has('data_file')) return 'manifest'
  return 'data'
}

const classified = new Map<string, Kind>()
for (const f of all) {
  if (BROKEN[rel(f)]) continue
  classified.set(f, kindOf(readOcfHeader(readFileSync(f), rel(f)).schema))
}
const lists = [...classified].filter(([, k]) => k === 'list').map(([f]) => f)
const manifests = [...classified].filter(([, k]) => k === 'manifest').map(([f]) => f)

/** Table context for a metadata folder: every spec from every parseable metadata JSON, and the newest current schema. */
const contexts = new Map<string, { specs: Map<number, PartitionSpec>; schema?: Schema }>()
function tableContext(dir: string): { specs: Map<number, PartitionSpec>; schema?: Schema } {
  const hit = contexts.get(dir)
  if (hit) return hit
  const specs = new Map<number, PartitionSpec>()
  let schema: Schema | undefined
  let newest = -1n
  for (const name of readdirSync(dir).filter((n) => /metadata\.json$/.test(n))) {
    try {
      const m = readTableMetadata(readFileSync(join(dir, name)), name)
      for (const s of m.specs) if (!specs.has(s.specId) || m.lastUpdatedMs > newest) specs.set(s.specId, s)
      if (m.lastUpdatedMs > newest) {
        newest = m.lastUpdatedMs
        schema = m.schemas.find((s) => s.schemaId === m.currentSchemaId)
      }
    } catch {
      // broken fixtures live next to valid ones (iceberg-cxx/tests/metadata)
    }
  }
  const ctx = schema ? { specs, schema } : { specs }
  contexts.set(dir, ctx)
  return ctx
}

/** List entries by manifest file name, per folder (so a manifest can be read with its inheritance). */
const listEntries = new Map<string, ManifestFile>()
for (const l of lists)
  for (const m of readManifestList(readFileSync(l), { file: rel(l) }).manifests) {
    const key = join(dirname(l), basename(m.manifestPath))
    if (!listEntries.has(key)) listEntries.set(key, m)
  }

function readOpts(path: string): ManifestReadOptions {
  const entry = listEntries.get(path)
  return { file: rel(path), ...tableContext(dirname(path)), ...(entry ? { manifest: entry } : {}) }
}

/** A field of a generic record by Iceberg field id (the oracle for the compiled decoder). */
function byId(node: AvroNode, rec: unknown, id: number): unknown {
  if (node.kind === 'union') node = node.branches.find((b) => b.kind === 'record') ?? node
  if (node.kind !== 'record' || rec === null || typeof rec !== 'object') return undefined
  const f = node.fields.find((x) => x.fieldId === id)
  return f ? (rec as Record<string, unknown>)[f.name] : undefined
}

describe('corpus Avro inventory', () => {
  it('finds the corpus and classifies every Avro file', () => {
    expect(all.length).toBeGreaterThan(500)
    expect(lists.length).toBeGreaterThan(240)
    expect(manifests.length).toBeGreaterThan(250)
    const data = [...classified].filter(([, k]) => k === 'data').map(([f]) => rel(f))
    expect(data.every((p) => p.includes('/data/'))).toBe(true)
  })
})

describe('every manifest list decodes', () => {
  it.each(lists.map((l) => [rel(l), l]))('%s', (_name, path) => {
    const bytes = readFileSync(path)
    const l = readManifestList(bytes, { file: rel(path) })
    expect(l.manifests.length).toBe(readOcf(bytes).records.length)
    for (const m of l.manifests) {
      expect(typeof m.manifestPath).toBe('string')
      if (l.formatVersion === 1) expect(m.sequenceNumber).toBe(0n)
    }
    // counts agree with the manifests that exist
    if (COUNT_MISMATCH_OK.has(rel(path))) return
    for (const m of l.manifests) {
      const p = join(dirname(path), basename(m.manifestPath))
      if (!classified.has(p)) continue
      const { entries } = readManifest(readFileSync(p), { ...readOpts(p), manifest: m })
      const n = (s: string): number => entries.filter((e) => e.status === s).length
      const rows = (s: string): bigint => entries.filter((e) => e.status === s).reduce((a, e) => a + e.dataFile.recordCount, 0n)
      if (m.addedFilesCount !== undefined) expect(n('added'), `${basename(p)} added`).toBe(m.addedFilesCount)
      if (m.existingFilesCount !== undefined) expect(n('existing'), `${basename(p)} existing`).toBe(m.existingFilesCount)
      if (m.deletedFilesCount !== undefined) expect(n('deleted'), `${basename(p)} deleted`).toBe(m.deletedFilesCount)
      if (m.addedRowsCount !== undefined) expect(rows('added'), `${basename(p)} added rows`).toBe(m.addedRowsCount)
      for (const e of entries) expect(e.dataFile.specId).toBe(m.partitionSpecId)
      if (m.content === 'data') for (const e of entries) expect(e.dataFile.content).toBe('data')
    }
  })
})

describe('every manifest decodes (header-stripped ones via table specs)', () => {
  it.each(manifests.map((m) => [rel(m), m]))('%s', (_name, path) => {
    const bytes = readFileSync(path)
    const opts = readOpts(path)
    const m = readManifest(bytes, opts)
    const generic = readOcf(bytes)
    expect(m.entries.length).toBe(generic.records.length)
    expect(m.spec.specId).toBe(m.specId)
    m.entries.forEach((e, i) => {
      const rec = generic.records[i]
      const df = byId(generic.header.schema, rec, 2)
      const dfNode = generic.header.schema.kind === 'record' ? generic.header.schema.fields.find((f) => f.fieldId === 2)?.type : undefined
      if (dfNode) {
        expect(e.dataFile.filePath).toBe(byId(dfNode, df, 100))
        expect(e.dataFile.recordCount).toBe(byId(dfNode, df, 103))
      }
      expect(e.dataFile.partition).toHaveLength(m.spec.fields.length)
      if (opts.manifest) expect(e.snapshotId).toBeDefined()
      if (m.formatVersion === 1) expect(e.sequenceNumber).toBe(0n)
      if (opts.manifest && e.status === 'added') expect(e.sequenceNumber).toBeDefined()
    })
  })
})

describe('goldens and quirks', () => {
  const num = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v)
  const kv = (m: ReadonlyMap<number, unknown> | undefined): unknown => (m ? [...m].map(([k, v]) => ({ key: k, value: v instanceof Uint8Array ? [...v] : num(v) })) : undefined)

  it('icebird manifest golden (records and header)', () => {
    const dir = corpusPath('icebird/test/files')
    const name = 'a85973e4-4009-4cba-875e-5278a2c6027d-m0'
    const bytes = readFileSync(join(dir, `${name}.avro`))
    const golden = parseJson(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, JsonValue>[]
    const m = readManifest(bytes, { file: name })
    expect(m.entries).toHaveLength(golden.length)
    m.entries.forEach((e, i) => {
      const g = golden[i]!
      const gf = g.data_file as Record<string, JsonValue>
      expect(e.status).toBe(['existing', 'added', 'deleted'][g.status as number])
      expect(e.snapshotId).toBe(g.snapshot_id) // lossless parse: the exact 64-bit id
      const f = e.dataFile
      expect({
        content: ['data', 'position-deletes', 'equality-deletes'].indexOf(f.content),
        file_path: f.filePath,
        file_format: f.fileFormat,
        record_count: num(f.recordCount),
        file_size_in_bytes: num(f.fileSizeInBytes),
        column_sizes: kv(f.columnSizes),
        value_counts: kv(f.valueCounts),
        null_value_counts: kv(f.nullValueCounts),
        nan_value_counts: kv(f.nanValueCounts),
        lower_bounds: kv(f.lowerBounds),
        upper_bounds: kv(f.upperBounds),
        split_offsets: f.splitOffsets?.map(num),
        sort_order_id: f.sortOrderId,
        partition: {},
      }).toEqual(JSON.parse(JSON.stringify(gf, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))))
    })
    const gm = parseJson(readFileSync(join(dir, `${name}.metadata.json`), 'utf8')) as { metadata: Record<string, JsonValue>; syncMarker: number[] }
    expect([...readOcfHeader(bytes).sync]).toEqual(gm.syncMarker)
    for (const [k, v] of Object.entries(gm.metadata)) expect(typeof v === 'string' ? m.metadata.get(k) : parseJson(m.metadata.get(k)!)).toEqual(v)
    expect(m.formatVersion).toBe(2)
    expect(m.content).toBe('data')
  })

  it('icebird manifest-list golden (ids in the golden were rounded through doubles)', () => {
    const dir = corpusPath('icebird/test/files')
    const name = 'snap-8656952484400131532-1-a85973e4-4009-4cba-875e-5278a2c6027d'
    const bytes = readFileSync(join(dir, `${name}.avro`))
    const golden = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>[]
    const l = readManifestList(bytes, { file: name })
    expect(l.manifests.map((m) => ({
      added_data_files_count: m.addedFilesCount,
      added_rows_count: num(m.addedRowsCount),
      added_snapshot_id: num(m.addedSnapshotId),
      content: m.content === 'data' ? 0 : 1,
      deleted_data_files_count: m.deletedFilesCount,
      deleted_rows_count: num(m.deletedRowsCount),
      existing_data_files_count: m.existingFilesCount,
      existing_rows_count: num(m.existingRowsCount),
      manifest_length: num(m.manifestLength),
      manifest_path: m.manifestPath,
      min_sequence_number: num(m.minSequenceNumber),
      partition_spec_id: m.partitionSpecId,
      partitions: m.partitions ?? [],
      sequence_number: num(m.sequenceNumber),
    }))).toEqual(golden)
    expect(l.snapshotId).toBe(8656952484400131532n)
    expect(l.parentSnapshotId).toBeUndefined()
    expect(l.sequenceNumber).toBe(1n)
    const gm = JSON.parse(readFileSync(join(dir, `${name}.metadata.json`), 'utf8')) as { metadata: Record<string, unknown> }
    for (const [k, v] of Object.entries(gm.metadata)) expect(typeof v === 'string' ? l.metadata.get(k) : JSON.parse(l.metadata.get(k)!)).toEqual(v)
  })

  it('BigQuery manifest re-encoded by DuckDB (data_file record name, nullable map items, no snapshot_id)', () => {
    const p = corpusPath('duckdb-iceberg/data/persistent/big_query_error/metadata/24f5f399-c7ec-488d-a9d3-f0aceb454be2-4830b289af0338e2-f-00000-of-00001.avro')
    const opts = readOpts(p)
    expect(opts.manifest?.addedSnapshotId).toBe(5128775320967886225n)
    const m = readManifest(readFileSync(p), opts)
    expect(m.metadata.has('format-version')).toBe(false)
    expect(m.entries.map((e) => [e.status, e.snapshotId, e.sequenceNumber, e.dataFile.recordCount])).toEqual([['added', 5128775320967886225n, 0n, 2n]])
    expect(m.entries[0]!.dataFile.lowerBounds?.size).toBeGreaterThan(0)
  })

  it('Impala header-stripped partitioned manifests need (and use) the table specs', () => {
    const dir = corpusPath('impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_alltypes_part/metadata')
    const p = join(dir, readdirSync(dir).find((n) => /-m\d+\.avro$/.test(n))!)
    const bytes = readFileSync(p)
    expect(readOcfHeader(bytes).metadata.has('partition-spec')).toBe(false)
    expect(() => readManifest(bytes)).toThrow(FloeError)
    const m = readManifest(bytes, readOpts(p))
    expect(m.spec.fields.length).toBe(8)
    expect(m.entries[0]!.dataFile.partition.map((v) => typeof v)).toEqual(['boolean', 'number', 'bigint', 'number', 'number', 'bigint', 'number', 'string'])
  })

  it('Trino bucket partitions match the verified tuple (FACTS §5.2)', () => {
    const dir = corpusPath('iceberg-cxx/tests/tables/bucket_partitioning/metadata')
    const p = join(dir, readdirSync(dir).find((n) => /-m\d+\.avro$/.test(n))!)
    expect(readManifest(readFileSync(p), readOpts(p)).entries[0]!.dataFile.partition).toEqual([0, 0, 3, 2, 2, 99, 75, 13, 5, 724])
  })

  it('ids above 2^63 - 1 (fastavro-written synthetic fixtures) decode exactly, never wrapped', () => {
    // fastavro zig-zags 9876543210123456789 as (n << 1) ^ 1 in 10 bytes; the exact decoding is -n - 1
    // (outside int64). Java would wrap it to another long; floe keeps the exact value.
    const p = corpusPath('duckdb-iceberg/data/persistent/equality_delete_extra_column/warehouse/ns/t/metadata/snap-9876543210123456789-1-a6381c94-219a-4ddf-83b5-54875a7d3775.avro')
    const l = readManifestList(readFileSync(p))
    expect(l.snapshotId).toBe(9876543210123456789n)
    expect(l.manifests.map((m) => m.addedSnapshotId)).toContain(-9876543210123456790n)
  })
})

describe('damaged and foreign files fail typed', () => {
  it.each(Object.entries(BROKEN))('%s → %s', (p, code) => {
    const bytes = readFileSync(corpusPath(p))
    for (const read of [() => readManifestList(bytes, { file: p }), () => readManifest(bytes, { file: p }), () => readOcf(bytes, { file: p })]) {
      let err: unknown
      try {
        read()
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe(code)
      expect((err as FloeError).message).toContain(p)
    }
  })

  const samples = [lists[0]!, manifests[0]!, ...lists.filter((m) => rel(m).includes('generated_bounds')), ...manifests.filter((m) => rel(m).includes('generated_bounds'))]
  it.each(samples.map((s) => [rel(s), s]))('truncated copies of %s are INVALID_AVRO', (_n, path) => {
    const bytes = readFileSync(path)
    const h = readOcfHeader(bytes)
    const cuts = [1, 3, 4, 10, h.dataOffset - 1, h.dataOffset + 1, Math.floor((h.dataOffset + bytes.length) / 2), bytes.length - 17, bytes.length - 1]
    for (const cut of cuts) {
      const t = bytes.subarray(0, cut)
      let err: unknown
      try {
        if (classified.get(path) === 'list') readManifestList(t)
        else readManifest(t, readOpts(path))
      } catch (e) {
        err = e
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe('INVALID_AVRO')
    }
  })
})
