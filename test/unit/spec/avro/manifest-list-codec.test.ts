// Manifest lists: write/read per version, Java header keys, legacy and foreign layouts, errors.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../../src/errors.js'
import { readManifestList, writeManifestList } from '../../../../src/spec/avro/manifest-list-codec.js'
import { readOcfHeader, writeOcf } from '../../../../src/spec/avro/ocf.js'
import type { ManifestFile } from '../../../../src/spec/manifest.js'
import { corpusPath } from '../../../support/corpus.js'
import { dropFieldIds, reencode } from '../../../property/arbitraries/manifest.js'

const SID = 7342794868382145167n
const M: ManifestFile = {
  manifestPath: 's3://b/t/metadata/a-m0.avro',
  manifestLength: 7211n,
  partitionSpecId: 1,
  content: 'data',
  sequenceNumber: 4n,
  minSequenceNumber: 2n,
  addedSnapshotId: SID,
  addedFilesCount: 3,
  existingFilesCount: 1,
  deletedFilesCount: 0,
  addedRowsCount: 300n,
  existingRowsCount: 100n,
  deletedRowsCount: 0n,
  partitions: [{ containsNull: false, containsNan: false, lowerBound: Uint8Array.of(1, 0, 0, 0), upperBound: Uint8Array.of(9, 0, 0, 0) }, { containsNull: true }],
  keyMetadata: Uint8Array.of(5),
}
const D: ManifestFile = { ...M, manifestPath: 's3://b/t/metadata/d-m0.avro', content: 'deletes', partitions: [] }

function expectCode(fn: () => unknown, code: string): FloeError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError)
    expect((e as FloeError).code).toBe(code)
    return e as FloeError
  }
  throw new Error('expected an error')
}

const read = (p: string): ReturnType<typeof readManifestList> => readManifestList(readFileSync(corpusPath(p)), { file: p })

describe('writeManifestList / readManifestList', () => {
  it('v2 round-trips with Java header keys', () => {
    const bytes = writeManifestList([M, D], { formatVersion: 2, snapshotId: SID, parentSnapshotId: 5n, sequenceNumber: 4n })
    const l = readManifestList(bytes)
    expect(l.manifests).toEqual([M, D])
    expect(l).toMatchObject({ formatVersion: 2, snapshotId: SID, parentSnapshotId: 5n, sequenceNumber: 4n })
    expect(l.firstRowId).toBeUndefined()
    const meta = readOcfHeader(bytes).metadata
    expect([...meta.keys()].sort()).toEqual(['avro.codec', 'avro.schema', 'format-version', 'iceberg.schema', 'parent-snapshot-id', 'sequence-number', 'snapshot-id'])
    expect(meta.get('snapshot-id')).toBe('7342794868382145167')
  })

  it('a root snapshot has parent-snapshot-id "null"', () => {
    const bytes = writeManifestList([M], { formatVersion: 2, snapshotId: SID })
    expect(readOcfHeader(bytes).metadata.get('parent-snapshot-id')).toBe('null')
    expect(readManifestList(bytes).parentSnapshotId).toBeUndefined()
  })

  it('v3 adds first_row_id and the first-row-id header', () => {
    const withRow = { ...M, firstRowId: 1000n }
    const bytes = writeManifestList([withRow, D], { formatVersion: 3, snapshotId: SID, sequenceNumber: 9n, firstRowId: 1000n })
    const l = readManifestList(bytes)
    expect(l.manifests).toEqual([withRow, D])
    expect(l.firstRowId).toBe(1000n)
    expect(l.formatVersion).toBe(3)
  })

  it('v1 lists: optional counts, sequence numbers 0 and content data on read', () => {
    const { content: _c, sequenceNumber: _s, minSequenceNumber: _m, ...rest } = M
    const v1: ManifestFile = { ...rest, content: 'data', sequenceNumber: 0n, minSequenceNumber: 0n }
    const bare: ManifestFile = { manifestPath: 'x', manifestLength: 1n, partitionSpecId: 0, content: 'data', sequenceNumber: 0n, minSequenceNumber: 0n, addedSnapshotId: 1n }
    const bytes = writeManifestList([{ ...M, sequenceNumber: 7n }, bare], { formatVersion: 1, snapshotId: SID })
    const l = readManifestList(bytes)
    expect(l.manifests).toEqual([v1, bare])
    expect(l.formatVersion).toBe(1)
    expect(readOcfHeader(bytes).metadata.has('sequence-number')).toBe(false)
  })

  it('reads id-less schemas by name, including both legacy and current count names', () => {
    const bytes = reencode(writeManifestList([M], { formatVersion: 2, snapshotId: SID }), { schema: dropFieldIds })
    expect(readManifestList(bytes).manifests).toEqual([M])
  })

  it('infers the version from the schema when the header is stripped', () => {
    expect(readManifestList(reencode(writeManifestList([M], { formatVersion: 2, snapshotId: SID }))).formatVersion).toBe(2)
    expect(readManifestList(reencode(writeManifestList([M], { formatVersion: 3, snapshotId: SID }))).formatVersion).toBe(3)
    expect(readManifestList(reencode(writeManifestList([M], { formatVersion: 1, snapshotId: SID }))).formatVersion).toBe(1)
  })

  it('null added_snapshot_id (old v1 writers) falls back to the header snapshot-id', () => {
    const schema = { type: 'record', name: 'manifest_file', fields: [
      { name: 'manifest_path', type: 'string', 'field-id': 500 },
      { name: 'manifest_length', type: 'long', 'field-id': 501 },
      { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
      { name: 'added_snapshot_id', type: ['null', 'long'], default: null, 'field-id': 503 },
    ] }
    const rec = { manifest_path: 'p', manifest_length: 1n, partition_spec_id: 0, added_snapshot_id: null }
    expect(readManifestList(writeOcf(schema, [rec], { metadata: { 'snapshot-id': '42' } })).manifests[0]!.addedSnapshotId).toBe(42n)
    expectCode(() => readManifestList(writeOcf(schema, [rec]), { file: 'old.avro' }), 'INVALID_METADATA')
  })
})

describe('foreign and legacy layouts from the corpus', () => {
  it('legacy *_data_files_count names (iceberg-rust manifest-list-v2-1.avro)', () => {
    const h = readOcfHeader(readFileSync(corpusPath('iceberg-rust/crates/iceberg/testdata/manifests_lists/manifest-list-v2-1.avro')))
    expect(h.schemaText).toContain('added_data_files_count')
    const l = read('iceberg-rust/crates/iceberg/testdata/manifests_lists/manifest-list-v2-1.avro')
    expect(l.manifests[0]).toMatchObject({ addedFilesCount: 1, existingFilesCount: 0, deletedFilesCount: 0, addedRowsCount: 1n, addedSnapshotId: 6653143792592159268n })
  })

  it('DuckDB v3 list: no header keys, first_row_id on a delete manifest kept as written', () => {
    const l = read('iceberg-go/testdata/duckdb_v3_manifest_list.avro')
    expect(l.formatVersion).toBe(3)
    expect(l.snapshotId).toBeUndefined()
    expect(l.manifests.map((m) => [m.content, m.firstRowId, m.sequenceNumber])).toEqual([
      ['data', 0n, 1n],
      ['deletes', 100n, 2n],
    ])
  })

  it('BigQuery list re-encoded by DuckDB: all-nullable, alphabetical', () => {
    const l = read('duckdb-iceberg/data/persistent/big_query_error/metadata/24f5f399-c7ec-488d-a9d3-f0aceb454be2-4830b289af0338e2-f-manifest-list-00000-of-00001.avro')
    expect(l.formatVersion).toBe(2)
    expect(l.manifests).toEqual([
      {
        manifestPath: 'data/persistent/big_query_error/metadata/24f5f399-c7ec-488d-a9d3-f0aceb454be2-4830b289af0338e2-f-00000-of-00001.avro',
        manifestLength: 1986n,
        partitionSpecId: 0,
        content: 'data',
        sequenceNumber: 0n,
        minSequenceNumber: 0n,
        addedSnapshotId: 5128775320967886225n,
        addedFilesCount: 1,
        existingFilesCount: 0,
        deletedFilesCount: 0,
        addedRowsCount: 2n,
        existingRowsCount: 0n,
        deletedRowsCount: 0n,
      },
    ])
  })

  it('id-less list (iceberg-cxx) with both count spellings', () => {
    const l = read('iceberg-cxx/tests/metadata/snap-2dfe8bdb-200b-1006-9bb5-0242ac110002.avro')
    expect(l.manifests.map((m) => [m.content, m.addedFilesCount, m.addedRowsCount])).toEqual([
      ['data', 6, 10000n],
      ['deletes', 1, 1n],
    ])
  })

  it('the encrypted list is UNSUPPORTED', () => {
    expectCode(() => read('iceberg-rust/crates/iceberg/testdata/manifests_lists/manifest-list-v3-encrypted.avro'), 'UNSUPPORTED')
  })
})

describe('write errors', () => {
  it('v2+ requires counts; v1 cannot reference delete manifests', () => {
    const { addedFilesCount: _a, ...noCount } = M
    expect(expectCode(() => writeManifestList([noCount], { formatVersion: 2, snapshotId: 1n }), 'INVALID_ARGUMENT').message).toContain('added_files_count')
    expect(readManifestList(writeManifestList([noCount], { formatVersion: 1, snapshotId: 1n })).manifests[0]!.addedFilesCount).toBeUndefined()
    expectCode(() => writeManifestList([D], { formatVersion: 1, snapshotId: 1n }), 'INVALID_ARGUMENT')
    expectCode(() => writeManifestList([{ ...M, manifestLength: -1n << 64n }], { formatVersion: 2, snapshotId: 1n }), 'INVALID_ARGUMENT')
    expectCode(() => writeManifestList([M], { formatVersion: 4 as 2, snapshotId: 1n }), 'INVALID_ARGUMENT')
  })
})
