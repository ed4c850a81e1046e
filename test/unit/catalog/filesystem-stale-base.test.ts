// The file-system catalog reuses metadata file names when a table is dropped and re-created under its name
// (v1, v2, … again). A writer still holding a version of the old table must not commit on top of the new
// one: its base file name exists again, but it no longer holds the version the writer started from.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { defaultEnv } from '../../../src/env.js'
import { CommitConflictError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { applyUpdates } from '../../../src/spec/apply-updates.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import type { TableState } from '../../../src/table/load.js'
import type { Table } from '../../../src/table/table.js'
import { tempDir } from '../../support/catalogs.js'

const SCHEMA = parseColumns('id bigint, v int')
const ID = { namespace: ['db'], name: 't' }

function fresh(): { dir: string; wh: string; catalog: FileSystemCatalog } {
  const dir = tempDir('floe-fsaba-')
  const wh = join(dir, 'wh')
  return { dir, wh, catalog: new FileSystemCatalog(defaultEnv(new LocalFileIO()), wh) }
}

async function ids(t: Table): Promise<bigint[]> {
  const out: bigint[] = []
  for await (const r of t.scan().rows()) out.push((r as { id: bigint }).id)
  return out.sort((a, b) => (a < b ? -1 : 1))
}

/** A property change on top of `base`, as a writer holding `base` would commit it. */
const change = (base: TableState, key: string) => applyUpdates(base.metadata, [{ action: 'set-properties', updates: { [key]: 'x' } }], base.metadata.lastUpdatedMs + 1n)

describe('file-system catalog: a stale writer after drop and re-create under the same name', () => {
  it('refuses the commit when the base file name now belongs to the new table', async () => {
    const { wh, catalog } = fresh()
    await catalog.createNamespace('db')
    const old = await (await catalog.createTable('db.t', { schema: SCHEMA })).appendRows([{ id: 1n, v: 1 }]) // v2
    await catalog.dropTable('db.t')
    const neu = await (await catalog.createTable('db.t', { schema: SCHEMA })).appendRows([{ id: 100n, v: 100 }]) // v2 again
    expect(neu.metadataLocation).toBe(old.metadataLocation)
    const err = await catalog
      .operations(ID)
      .commit(old.state, change(old.state, 'stale'))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CommitConflictError)
    expect((err as Error).message).toContain('no longer holds the version')
    expect(existsSync(join(wh, 'db', 't', 'metadata', 'v3.metadata.json'))).toBe(false)
    const now = await catalog.loadTable('db.t')
    expect(now.metadata.tableUuid).toBe(neu.metadata.tableUuid)
    expect(await ids(now)).toEqual([100n])
  })

  it('refuses it even when the new table has the same uuid (the old metadata registered again) but another history', async () => {
    const { dir, catalog } = fresh()
    await catalog.createNamespace('db')
    const created = await catalog.createTable('db.t', { schema: SCHEMA })
    const v1Copy = join(dir, 'kept-v1.metadata.json')
    copyFileSync(created.metadataLocation, v1Copy)
    const old = await created.appendRows([{ id: 1n, v: 1 }]) // v2
    await catalog.dropTable('db.t')
    const again = await catalog.registerTable('db.t', v1Copy) // v1, same uuid
    const other = await again.appendRows([{ id: 7n, v: 7 }]) // a different v2
    expect(other.metadata.tableUuid).toBe(old.metadata.tableUuid)
    await expect(catalog.operations(ID).commit(old.state, change(old.state, 'stale'))).rejects.toBeInstanceOf(CommitConflictError)
    expect(await ids(await catalog.loadTable('db.t'))).toEqual([7n])
  })

  it('still commits on a current base, and refuses a base whose file is gone (dropped)', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('db')
    const t = await catalog.createTable('db.t', { schema: SCHEMA })
    const ops = catalog.operations(ID)
    const s2 = await ops.commit(t.state, change(t.state, 'a'))
    expect(s2.metadataLocation).toMatch(/\/v2\.metadata\.json$/)
    await catalog.dropTable('db.t')
    await expect(ops.commit(s2, change(s2, 'b'))).rejects.toMatchObject({ code: 'COMMIT_CONFLICT', message: expect.stringContaining('is gone') })
    expect(await catalog.tableExists('db.t')).toBe(false)
  })

  // the check reads only the head of the base file; a file that does not show both keys there is parsed whole
  it('identifies a version whose table-uuid and last-updated-ms are not in the head of the file (parsed whole)', async () => {
    const { catalog } = fresh()
    await catalog.createNamespace('db')
    const t = await catalog.createTable('db.t', { schema: SCHEMA })
    const text = readFileSync(t.metadataLocation, 'utf8')
    // the same metadata behind 8 KB of leading whitespace: still the same version
    writeFileSync(t.metadataLocation, `{${' '.repeat(8192)}${text.slice(1)}`)
    const ops = catalog.operations(ID)
    const s2 = await ops.commit(t.state, change(t.state, 'a'))
    expect(s2.metadataLocation).toMatch(/\/v2\.metadata\.json$/)
    // another uuid behind the padding: a different version
    const other = readFileSync(s2.metadataLocation, 'utf8').replace(t.metadata.tableUuid!, '00000000-0000-4000-8000-000000000001')
    writeFileSync(s2.metadataLocation, `{${' '.repeat(8192)}${other.slice(1)}`)
    await expect(ops.commit(s2, change(s2, 'b'))).rejects.toMatchObject({ code: 'COMMIT_CONFLICT', message: expect.stringContaining('no longer holds the version') })
  })
})
