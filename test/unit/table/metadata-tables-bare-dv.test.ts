// position_deletes over a legacy bare deletion-vector blob (DuckDB's legacy_bare_deletion_vector): refused with
// an error naming the option that reads it, and read with that option through readMetadataTable.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { readMetadataTable } from '../../../src/table/metadata-tables-read.js'
import { openTable } from '../../../tools/table-args.js'
import { CORPUS } from '../../support/corpus.js'

const persistent = join(CORPUS, 'duckdb-iceberg', 'data', 'persistent')
const dir = join(persistent, 'legacy_bare_deletion_vector', 'warehouse', 'default', 'legacy_bare_deletion_vector')

describe('position_deletes with a bare deletion vector', () => {
  it('names allowBareDeletionVectors when refusing, and reads the blob with it', async () => {
    const t = await openTable(dir, { remap: [`data/persistent/=${persistent}/`] })
    const src = { io: t.env.io, metadata: t.metadata, metadataLocation: t.metadataLocation }
    const e = await readMetadataTable(src, 'position_deletes').then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(FloeError)
    expect((e as FloeError).code).toBe('INVALID_PUFFIN')
    expect((e as Error).message).toMatch(/allowBareDeletionVectors/)
    const { rows } = await readMetadataTable(src, 'position_deletes', { allowBareDeletionVectors: true })
    // the scan of this table keeps rows 1 and 3 of three: one position is deleted
    expect(rows.map((r) => r.pos)).toEqual([1n])
  })
})
