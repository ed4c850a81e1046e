// Parquet field names are Iceberg names made Avro-compatible (`a-b` → `a_x2Db`, as Java writes them). Two
// columns of one group that become the same name cannot be written (the encoder takes values by name, so
// one column got the other's values); the write fails before storing anything and nothing commits.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { parquetWriteSchema } from '../../../src/parquet/parquet-write-schema.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { defaultEnv } from '../../../src/env.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { tempDir } from '../../support/catalogs.js'

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name))

describe('Parquet field-name collisions', () => {
  it.each([
    [[field(1, 'a-b', T.int), field(2, 'a_x2Db', T.string)], 'a-b', 'a_x2Db'],
    [[field(1, '1x', T.int), field(2, '_1x', T.int)], '1x', '_1x'],
    [[field(1, 's', T.struct([field(3, 'a b', T.int), field(4, 'a_x20b', T.long)])), field(2, 'a b', T.int)], 's.a b', 's.a_x20b'],
  ])('refuses %#, naming both columns', (cols, a, b) => {
    let err: unknown
    try {
      parquetWriteSchema(schema(cols))
    } catch (e) {
      err = e
    }
    expect(isFloeError(err) && err.code).toBe('UNSUPPORTED')
    expect(String((err as Error).message)).toContain(`columns ${a} and ${b}`)
  })

  it('names that stay distinct, or repeat in different groups, are written', () => {
    const w = parquetWriteSchema(schema([field(1, 'a-b', T.int), field(2, 's', T.struct([field(3, 'a-b', T.int)])), field(4, 'a_b', T.int)]))
    expect(w.elements.map((e) => e.name)).toEqual(['table', 'a_x2Db', 's', 'a_x2Db', 'a_b'])
  })

  it('an append to such a table stores no file and commits nothing', async () => {
    const dir = tempDir()
    const c = new FileSystemCatalog(defaultEnv(new LocalFileIO()), dir)
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: schema([field(1, 'a-b', T.int), field(2, 'a_x2Db', T.int)]), formatVersion: 2 })
    const before = files(dir).sort()
    const err = await t.appendRows([{ 'a-b': 1, a_x2Db: 2 }]).catch((e: unknown) => e)
    expect(isFloeError(err) && err.code).toBe('UNSUPPORTED')
    expect(files(dir).sort()).toEqual(before)
    expect((await t.refresh()).currentSnapshot()).toBeUndefined()
  })
})
