// Every metadata JSON in shared/corpus: valid files parse and round-trip exactly; invalid fixtures fail typed.
import { readFileSync } from 'node:fs'
import { basename, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../src/errors.js'
import { metadataBytesToText, metadataFromJson, parseTableMetadata, readTableMetadata } from '../../src/spec/json/metadata-read.js'
import { writeTableMetadata, writeTableMetadataJson } from '../../src/spec/json/metadata-write.js'
import { validateMetadata } from '../../src/spec/json/metadata-validate.js'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { at, jsonRoot } from '../../src/spec/json/json-read.js'
import { CORPUS, corpusPath } from '../support/corpus.js'
import { walkFiles } from '../support/files.js'

const isMetadataFile = (p: string): boolean => {
  const n = basename(p)
  if (n.startsWith('.') || n.endsWith('.crc') || p.includes('/_expected/')) return false
  // icebird keeps Avro header goldens next to its Avro files under the same suffix: not table metadata
  if (/^snap-.*\.metadata\.json$|-m\d+\.metadata\.json$/.test(n)) return false
  return /metadata\.json(\.gz)?$/.test(n) || /^TableMetadata.*\.json$/.test(n) || /table_metadata.*\.json$/.test(n)
}
const files = walkFiles(CORPUS, isMetadataFile)

/** Invalid fixtures and the error code each must produce (and the field named, where one applies). */
const INVALID: Record<string, { code: string; field?: string }> = {
  'apache-iceberg/core/src/test/resources/TableMetadataUnsupportedVersion.json': { code: 'UNSUPPORTED_VERSION', field: 'format-version' },
  'apache-iceberg/core/src/test/resources/TableMetadataV2MissingSchemas.json': { code: 'INVALID_METADATA', field: 'schemas' },
  'apache-iceberg/core/src/test/resources/TableMetadataV2MissingPartitionSpecs.json': { code: 'INVALID_METADATA', field: 'partition-specs' },
  'apache-iceberg/core/src/test/resources/TableMetadataV2MissingLastPartitionId.json': { code: 'INVALID_METADATA', field: 'last-partition-id' },
  'apache-iceberg/core/src/test/resources/TableMetadataV2MissingSortOrder.json': { code: 'INVALID_METADATA', field: 'sort-orders' },
  'apache-iceberg/core/src/test/resources/TableMetadataV2CurrentSchemaNotFound.json': { code: 'INVALID_METADATA', field: 'current-schema-id' },
  'apache-iceberg/core/src/test/resources/TableMetadataV1MissingSchemaType.json': { code: 'INVALID_METADATA', field: 'schema.type' },
  'iceberg-go/table/testdata/TableMetadataV2MissingSchemas.json': { code: 'INVALID_METADATA', field: 'schemas' },
  'iceberg-go/table/testdata/TableMetadataV2MissingPartitionSpecs.json': { code: 'INVALID_METADATA', field: 'partition-specs' },
  'iceberg-go/table/testdata/TableMetadataV2MissingLastPartitionId.json': { code: 'INVALID_METADATA', field: 'last-partition-id' },
  'iceberg-go/table/testdata/TableMetadataV2MissingSortOrder.json': { code: 'INVALID_METADATA', field: 'sort-orders' },
  'iceberg-go/table/testdata/TableMetadataV2CurrentSchemaNotFound.json': { code: 'INVALID_METADATA', field: 'current-schema-id' },
  'iceberg-go/table/testdata/TableMetadataV1NoValidSchema.json': { code: 'INVALID_METADATA', field: 'current-schema-id' },
  'iceberg-go/table/testdata/TableMetadataV2Valid.zstd.metadata.json': { code: 'UNSUPPORTED' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV2MissingSchemas.json': { code: 'INVALID_METADATA', field: 'schemas' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV2MissingPartitionSpecs.json': { code: 'INVALID_METADATA', field: 'partition-specs' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV2MissingLastPartitionId.json': { code: 'INVALID_METADATA', field: 'last-partition-id' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV2MissingSortOrder.json': { code: 'INVALID_METADATA', field: 'sort-orders' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV2CurrentSchemaNotFound.json': { code: 'INVALID_METADATA', field: 'current-schema-id' },
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataV1NoValidSchema.json': { code: 'INVALID_METADATA', field: 'current-schema-id' },
  // iceberg-rust's copy names format-version 3 "unsupported"; floe reads v3, where it is invalid for lacking schemas
  'iceberg-rust/crates/iceberg/testdata/table_metadata/TableMetadataUnsupportedVersion.json': { code: 'INVALID_METADATA', field: 'schemas' },
  'duckdb-iceberg/data/persistent/bad_data/bad_iceberg_metadata.json': { code: 'INVALID_JSON' },
  'duckdb-iceberg/data/persistent/big_query_error/metadata/v0.metadata.json': { code: 'INVALID_METADATA', field: 'format-version' },
  'iceberg-cxx/tests/metadata/broken1.metadata.json': { code: 'INVALID_JSON' },
  'iceberg-cxx/tests/metadata/broken2.metadata.json': { code: 'INVALID_JSON' },
  'iceberg-cxx/tests/metadata/empty.metadata.json': { code: 'INVALID_JSON' },
}

const rel = (p: string): string => relative(CORPUS, p)
const valid = files.filter((f) => !(rel(f) in INVALID))

/** Every integer literal with ≥16 digits in a JSON text, outside strings. */
function longLiterals(text: string): string[] {
  const out: string[] = []
  const re = /"(?:[^"\\]|\\.)*"|(-?\d{16,})(?![.\deE])/g
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[1]) out.push(m[1])
  return out
}

describe('corpus metadata JSON', () => {
  it('finds the corpus metadata files', () => {
    expect(files.length).toBeGreaterThan(300)
    for (const k of Object.keys(INVALID)) expect(files.map(rel), k).toContain(k)
  })

  it.each(valid.map((f) => [rel(f), f]))('%s parses, round-trips, keeps every int64', (_name, f) => {
    const bytes = readFileSync(f)
    const m = readTableMetadata(bytes, f)
    const text = writeTableMetadataJson(m)
    const again = parseTableMetadata(text, f)
    expect(again).toEqual(m)
    // gzip output reads back identically too
    expect(readTableMetadata(writeTableMetadata(m, { gzip: true }))).toEqual(m)
    // every 64-bit literal of the source survives verbatim (Impala's precision-damaged ids stay as written)
    const written = new Set(longLiterals(text))
    for (const lit of longLiterals(metadataBytesToText(bytes))) expect(written.has(lit), lit).toBe(true)
  })

  it.each(Object.entries(INVALID))('%s fails with %o', (name, want) => {
    let err: unknown
    try {
      readTableMetadata(readFileSync(corpusPath(name)), name)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FloeError)
    const fe = err as FloeError
    expect(fe.code).toBe(want.code)
    expect(fe.message).toContain(name)
    if (want.field) expect(fe.context.field).toBe(want.field)
  })

  it('reads the REST payload samples through the same model', () => {
    for (const n of ['load_table_response.json', 'create_table_response.json']) {
      const f = corpusPath('iceberg-rust/crates/catalog/rest/testdata', n)
      const root = parseJson(readFileSync(f, 'utf8'), f) as JsonObject
      const m = validateMetadata(metadataFromJson(root.metadata as JsonObject, at(jsonRoot(f), 'metadata')))
      expect(parseTableMetadata(writeTableMetadataJson(m))).toEqual(m)
    }
  })
})
