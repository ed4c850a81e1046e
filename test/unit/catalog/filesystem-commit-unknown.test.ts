// The file-system catalog when the write of the next metadata file fails: on real files (LocalFileIO in a
// temp folder) behind a FileIO that injects one fault. A failure before the file can be published stays a
// definite failure (cleaned up); a failure once it could be published is read back: our file there makes
// the outcome unknown (nothing is deleted, the table stays readable), another writer's is a conflict.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { defaultEnv } from '../../../src/env.js'
import { AlreadyExistsError, CommitStateUnknownError, FloeError } from '../../../src/errors.js'
import type { FileIO, FileStat, WriteOptions } from '../../../src/io/file-io.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import type { Table } from '../../../src/table/table.js'
import { tempDir } from '../../support/catalogs.js'

/** One injected write failure: on the first write whose path matches, before or after the real write. */
interface Fault {
  readonly match: RegExp
  /** `before`: the write fails once it may publish, without writing; `after`: the file is written, then the write fails. */
  readonly when: 'before' | 'after'
  readonly error: (path: string) => unknown
  /** Runs just before a `before` fault is thrown (another writer acting meanwhile). */
  readonly meanwhile?: () => Promise<unknown>
}

/** LocalFileIO with one-shot write faults and reads that can be made to fail. */
class FaultyIO implements FileIO {
  readonly stagesWrites = true
  readonly inner = new LocalFileIO()
  fault: Fault | undefined
  failReads: RegExp | undefined

  async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    if (this.failReads?.test(path)) throw new FloeError('IO', `Cannot read ${path}: injected`)
    return this.inner.read(path, range)
  }
  stat(path: string): Promise<FileStat | undefined> {
    return this.inner.stat(path)
  }
  delete(path: string): Promise<void> {
    return this.inner.delete(path)
  }
  list(prefix: string): AsyncIterable<FileStat> {
    return this.inner.list(prefix)
  }
  async write(path: string, data: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    const f = this.fault
    if (!f || !f.match.test(path)) return this.inner.write(path, data, opts)
    this.fault = undefined
    if (f.when === 'after') {
      await this.inner.write(path, data, opts)
      throw f.error(path)
    }
    await opts.publishAfter // a FileIO publishes only once this resolves (and rejects with its reason)
    await f.meanwhile?.()
    throw f.error(path)
  }
}

const SCHEMA = parseColumns('id bigint, v int')
const METADATA = /\/metadata\/v\d+\.metadata\.json$/
const ioError = (what: string) => (path: string) => new FloeError('IO', `Cannot write ${path}: ${what}`, { context: { file: path } })

async function rows(t: Table): Promise<bigint[]> {
  const out: bigint[] = []
  for await (const r of t.scan().rows()) out.push((r as { id: bigint }).id)
  return out.sort((a, b) => (a < b ? -1 : 1))
}

/** A table db.t with one committed append (v2), behind a FaultyIO. */
async function setup(): Promise<{ io: FaultyIO; wh: string; catalog: FileSystemCatalog; t: Table }> {
  const io = new FaultyIO()
  const wh = join(tempDir('floe-fsunknown-'), 'wh')
  const catalog = new FileSystemCatalog(defaultEnv(io), wh)
  await catalog.createNamespace('db')
  const created = await catalog.createTable('db.t', { schema: SCHEMA, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' } })
  const t = await created.appendRows([{ id: 1n, v: 1 }])
  return { io, wh, catalog, t }
}

/** Every file below the table folder, relative to it. */
function tableFiles(wh: string): string[] {
  return (readdirSync(join(wh, 'db', 't'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort()
}

describe('file-system catalog: a metadata write that fails once it may have published', () => {
  it('reports an unknown outcome and deletes nothing when the file was published (folder sync failed after the link)', async () => {
    const { io, wh, catalog, t } = await setup()
    io.fault = { match: METADATA, when: 'after', error: ioError('fsync of the folder failed') }
    const err = await t.appendRows([{ id: 2n, v: 2 }]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CommitStateUnknownError)
    expect((err as FloeError).message).toContain('v3.metadata.json')
    const now = await catalog.loadTable('db.t')
    expect(now.metadataLocation).toMatch(/\/v3\.metadata\.json$/)
    expect(await rows(now)).toEqual([1n, 2n]) // its manifest list, manifests and data file are all there
    expect(tableFiles(wh).filter((f) => f.endsWith('.parquet'))).toHaveLength(2)
  })

  it('reports an unknown outcome when a retried create-if-absent finds its own landed file (lost reply)', async () => {
    const { io, catalog, t } = await setup()
    io.fault = { match: METADATA, when: 'after', error: (p) => new AlreadyExistsError(`File already exists: ${p}`) }
    await expect(t.appendRows([{ id: 2n, v: 2 }])).rejects.toBeInstanceOf(CommitStateUnknownError)
    expect(await rows(await catalog.loadTable('db.t'))).toEqual([1n, 2n])
  })

  it('reports an unknown outcome when the file cannot be read back', async () => {
    const { io, catalog, t } = await setup()
    io.fault = { match: METADATA, when: 'after', error: ioError('connection reset') }
    io.failReads = /\/v3\.metadata\.json$/
    await expect(t.appendRows([{ id: 2n, v: 2 }])).rejects.toMatchObject({ code: 'COMMIT_STATE_UNKNOWN', message: expect.stringContaining('reading it back failed') })
    io.failReads = undefined
    expect(await rows(await catalog.loadTable('db.t'))).toEqual([1n, 2n])
  })

  it('keeps a definite failure, cleaned up, when nothing was published (link failed)', async () => {
    const { io, wh, catalog, t } = await setup()
    const before = tableFiles(wh)
    io.fault = { match: METADATA, when: 'before', error: ioError('EIO on link') }
    const err = await t.appendRows([{ id: 2n, v: 2 }]).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'IO', message: expect.stringContaining('EIO on link') })
    const now = await catalog.loadTable('db.t')
    expect(now.metadataLocation).toBe(t.metadataLocation)
    expect(await rows(now)).toEqual([1n])
    expect(tableFiles(wh)).toEqual(before) // the attempt's manifests, list and data file are gone
  })

  it('takes another writer’s file in place of ours for a conflict, and retries', async () => {
    const { io, wh, catalog, t } = await setup()
    const other = new FileSystemCatalog(defaultEnv(new LocalFileIO()), wh)
    io.fault = { match: /\/v3\.metadata\.json$/, when: 'before', error: ioError('EIO on link'), meanwhile: async () => (await other.loadTable('db.t')).appendRows([{ id: 3n, v: 3 }]) }
    const after = await t.appendRows([{ id: 2n, v: 2 }])
    expect(after.metadataLocation).toMatch(/\/v4\.metadata\.json$/)
    expect(await rows(await catalog.loadTable('db.t'))).toEqual([1n, 2n, 3n])
  })

  it('keeps a failure of the attempt’s own files definite: the metadata file is never published', async () => {
    const { io, wh, catalog, t } = await setup()
    const before = tableFiles(wh)
    io.fault = { match: /\/snap-[^/]*\.avro$/, when: 'after', error: ioError('disk full') }
    const err = await t.appendRows([{ id: 2n, v: 2 }]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FloeError)
    expect(err).not.toBeInstanceOf(CommitStateUnknownError)
    expect((await catalog.loadTable('db.t')).metadataLocation).toBe(t.metadataLocation)
    expect(tableFiles(wh)).toEqual(before)
  })

  it('reports an unknown outcome for a create whose first version was published', async () => {
    const { io, catalog } = await setup()
    io.fault = { match: /\/u\/metadata\/v1\.metadata\.json$/, when: 'after', error: ioError('fsync of the folder failed') }
    await expect(catalog.createTable('db.u', { schema: SCHEMA })).rejects.toBeInstanceOf(CommitStateUnknownError)
    expect((await catalog.loadTable('db.u')).metadataLocation).toMatch(/\/v1\.metadata\.json$/)
  })

  it('never reports a commit that landed as a definite failure, and always leaves a readable table (property)', async () => {
    const targets = { metadata: METADATA, list: /\/snap-[^/]*\.avro$/, manifest: /-m\d+\.avro$/, data: /\.parquet$/, hint: /version-hint\.text$/ }
    // ALREADY_EXISTS only where create-if-absent decides (on the other files it means "not ours" to the commit loop)
    const existsFault = fc.tuple(fc.constant('metadata' as const), fc.constantFrom('before' as const, 'after' as const), fc.constant(true))
    const ioFault = fc.tuple(fc.constantFrom(...(Object.keys(targets) as Array<keyof typeof targets>)), fc.constantFrom('before' as const, 'after' as const), fc.constant(false))
    await fc.assert(
      fc.asyncProperty(fc.oneof(ioFault, existsFault), async ([target, when, exists]) => {
        const { io, wh, catalog, t } = await setup()
        const before = tableFiles(wh)
        io.fault = { match: targets[target], when, error: exists ? (p) => new AlreadyExistsError(`File already exists: ${p}`) : ioError('injected') }
        const err = await t.appendRows([{ id: 2n, v: 2 }]).then(
          () => undefined,
          (e: unknown) => e,
        )
        const now = await catalog.loadTable('db.t')
        const got = await rows(now) // every file the current version references exists
        if (got.length === 2) expect(err === undefined || err instanceof CommitStateUnknownError).toBe(true)
        else {
          expect(got).toEqual([1n])
          expect(err).toBeInstanceOf(FloeError)
          expect(err).not.toBeInstanceOf(CommitStateUnknownError)
          expect(now.metadataLocation).toBe(t.metadataLocation)
          expect(tableFiles(wh)).toEqual(before)
        }
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 30) },
    )
  })
})
