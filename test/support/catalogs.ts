// Build each catalog kind on real storage for tests: memory, a local warehouse folder, a SQLite file.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Catalog } from '../../src/catalog/catalog.js'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { SqlCatalog } from '../../src/catalog/sql.js'
import { openSqlite } from '../../src/catalog/sql-driver.js'
import { defaultEnv, testEnv, type Env } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import type { DataFile } from '../../src/spec/manifest.js'

/** A fresh temporary folder. */
export function tempDir(prefix = 'floe-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** The catalog kinds every catalog test runs against. */
export const CATALOG_KINDS = ['memory', 'filesystem', 'sqlite'] as const
/** One catalog kind. */
export type CatalogKind = (typeof CATALOG_KINDS)[number]

/** A new, empty catalog of `kind` (local files for filesystem and sqlite). */
export function makeCatalog(kind: CatalogKind, env?: Env): Catalog {
  switch (kind) {
    case 'memory':
      return new MemoryCatalog(env ?? testEnv(new MemoryFileIO(), 7))
    case 'filesystem': {
      const dir = tempDir('floe-fs-')
      return new FileSystemCatalog(env ?? defaultEnv(new LocalFileIO()), join(dir, 'warehouse'))
    }
    case 'sqlite': {
      const dir = tempDir('floe-sql-')
      return new SqlCatalog(env ?? defaultEnv(new LocalFileIO()), openSqlite(join(dir, 'catalog.db')), join(dir, 'warehouse'))
    }
  }
}

/** A metadata-only data file description (no bytes behind it) for commit tests. */
export function fakeFile(path: string, partition: DataFile['partition'] = [], records = 10n, specId = 0): DataFile {
  return { content: 'data', filePath: path, fileFormat: 'PARQUET', specId, partition, recordCount: records, fileSizeInBytes: 100n }
}
