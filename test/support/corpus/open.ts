// Open a corpus table with floe: local files, every foreign location prefix remapped to the corpus.
import { join } from 'node:path'
import { defaultEnv } from '../../../src/env.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { RemappingFileIO, type PrefixMapping } from '../../../src/io/remap.js'
import { findCurrentMetadata, loadMetadataFile, type TableState } from '../../../src/table/load.js'
import { Table } from '../../../src/table/table.js'
import { CORPUS } from '../corpus.js'
import type { CorpusTable } from './manifest.js'

/** Prefix mappings that hold for a whole source folder (MANIFEST.md "How to resolve paths"). */
export function sourceMappings(source: string): PrefixMapping[] {
  switch (source) {
    case 'duckdb-iceberg':
      return [
        { from: 'file://data/persistent/', to: join(CORPUS, 'duckdb-iceberg/data/persistent/') },
        { from: 'data/persistent/', to: join(CORPUS, 'duckdb-iceberg/data/persistent/') },
      ]
    case 'impala':
      return [{ from: '/test-warehouse/iceberg_test/', to: join(CORPUS, 'impala/testdata/data/iceberg_test/') }]
    case 'iceberg-cxx':
      return [{ from: 's3a://dl-test-maintenance/check/tea-partitioned/v_20240913/', to: join(CORPUS, 'iceberg-cxx/tests/tables/v_20240913/') }]
    default:
      return []
  }
}

/** Metadata files some tables must be read at (the upstream tests use them, not the newest). */
export const METADATA_OVERRIDES: Record<string, string> = {
  'duckdb-iceberg/data/persistent/equality_delete_cross_partition/warehouse/ns/t': 'metadata/vfinal.metadata.json',
  'duckdb-iceberg/data/persistent/equality_delete_extra_column/warehouse/ns/t': 'metadata/vfinal.metadata.json',
}

/** Find the table's metadata file: an override, else version-hint or the highest version. */
export async function corpusMetadataFile(t: CorpusTable): Promise<string> {
  const o = METADATA_OVERRIDES[`${t.source}/${t.dir}`]
  if (o) return join(t.path, o)
  return findCurrentMetadata(new LocalFileIO(), t.path)
}

/** Every prefix mapping for a corpus table whose metadata says `location`. */
export function corpusMappings(t: CorpusTable, location: string): PrefixMapping[] {
  const mappings: PrefixMapping[] = [...sourceMappings(t.source), { from: location, to: t.path }]
  if (location.startsWith('./')) mappings.push({ from: location.slice(2), to: t.path })
  return mappings
}

/** Open a corpus table at a metadata file (default: its current one) with every location remapped. */
export async function openCorpusTable(t: CorpusTable, metadataFile?: string): Promise<Table> {
  const file = metadataFile ?? (await corpusMetadataFile(t))
  const state: TableState = await loadMetadataFile(new LocalFileIO(), file)
  return new Table(defaultEnv(new RemappingFileIO(new LocalFileIO(), corpusMappings(t, state.metadata.location))), state)
}
