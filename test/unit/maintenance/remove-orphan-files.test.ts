// Orphan-file removal on real tables. A filesystem-catalog table with appends, a merge-on-read delete, an
// overwrite and a short metadata log gets junk of every kind (a killed writer's partial data file, a lost
// retry's manifest, stray files, hidden files, a recent file); a dry run lists exactly the old, visible,
// unreferenced files, the real run deletes them and nothing else, and every snapshot reads the same rows
// afterwards. Files are matched through the FileIO's mapping too (a remapped table loaded from its folder),
// and a catalog table is judged by its current version. Refusals: gc.enabled=false, an unreadable manifest
// (nothing deleted), a table loaded at an older metadata file than its folder's newest, bad options, prefix
// mismatches (error, ignore, delete, equal authorities). Property: for random histories and junk with random
// ages on a memory FileIO, removal keeps every snapshot's rows and deletes exactly the old junk.
import fc from 'fast-check'
import { existsSync, mkdirSync, readdirSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { defaultEnv, testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { LocalFileIO, localPath } from '../../../src/io/local.js'
import { RemappingFileIO } from '../../../src/io/remap.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { Table } from '../../../src/table/table.js'
import { walkFiles } from '../../support/files.js'
import { tempDir } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'part', T.int, { required: true })])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'part', transform: Transforms.identity }] }
const DAY = 86_400_000
const rowsOf = (ids: readonly number[]): Array<{ id: bigint; part: number }> => ids.map((i) => ({ id: BigInt(i), part: i % 3 }))

/** Every snapshot's rows, sorted ids, by snapshot id. */
async function history(t: Table): Promise<Map<bigint, bigint[]>> {
  const out = new Map<bigint, bigint[]>()
  for (const s of t.snapshots()) {
    const rows = await t.scan({ snapshot: { snapshotId: s.snapshotId } }).toArray()
    out.set(s.snapshotId, rows.map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  }
  return out
}

async function fsTable(props: Record<string, string> = {}): Promise<{ t: Table; dir: string; loc: string }> {
  const dir = tempDir('floe-orphans-')
  const cat = new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(dir, 'wh'))
  await cat.createNamespace('db')
  let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, properties: { 'write.metadata.previous-versions-max': '2', ...props } })
  t = await t.appendRows(rowsOf([1, 2, 3, 4, 5, 6]))
  t = await t.appendRows(rowsOf([7, 8, 9]))
  t = await t.deleteRows('id = 2 or id = 8', { mode: 'merge-on-read' })
  t = await t.overwriteRows(rowsOf([30, 33]), 'part = 0')
  return { t, dir, loc: localPath(t.metadata.location) }
}

function age(paths: readonly string[], daysOld: number): void {
  const when = new Date(Date.now() - daysOld * DAY)
  for (const p of paths) utimesSync(p, when, when)
}

function put(path: string, text = 'junk'): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return path
}

describe('removeOrphanFiles', () => {
  it('finds exactly the old, visible, unreferenced files, deletes them, and every snapshot reads the same', async () => {
    const { t, loc } = await fsTable()
    const before = await history(t)
    const dataDir = join(loc, 'data')
    const metaDir = join(loc, 'metadata')
    // metadata versions trimmed from the log (previous-versions-max 2) are unreferenced
    const logged = new Set([t.metadataLocation, ...t.metadata.metadataLog.map((e) => e.metadataFile)].map(localPath))
    const trimmed = readdirSync(metaDir).filter((n) => n.endsWith('.metadata.json')).map((n) => join(metaDir, n)).filter((p) => !logged.has(p))
    expect(trimmed.length).toBeGreaterThan(0)
    const junk = [
      put(join(dataDir, 'part=1', '00000-9-killed-writer.parquet'), 'PAR1 partial'),
      put(join(metaDir, 'lost-retry-m0.avro')),
      put(join(loc, 'stray', 'notes.txt')),
    ]
    const hidden = [put(join(dataDir, 'part=1', '.00000-1.parquet.crc')), put(join(dataDir, '_temporary', '0', 'f.parquet'))]
    age(walkFiles(loc), 10)
    const recent = put(join(dataDir, 'part=2', 'in-flight.parquet'))
    const expected = [...junk, ...trimmed].sort()

    const dry = await t.removeOrphanFiles({ dryRun: true })
    expect(dry.orphanFiles.map(localPath).sort()).toEqual(expected)
    expect(dry).toMatchObject({ deleted: 0, dryRun: true, tooRecent: 1 })
    for (const p of expected) expect(existsSync(p)).toBe(true)

    const res = await t.removeOrphanFiles()
    expect(res.orphanFiles.map(localPath).sort()).toEqual(expected)
    expect(res.deleted).toBe(expected.length)
    expect(res.undeleted).toEqual([])
    for (const p of expected) expect(existsSync(p)).toBe(false)
    for (const p of [...hidden, recent]) expect(existsSync(p)).toBe(true)
    expect((await t.removeOrphanFiles({ dryRun: true })).orphanFiles).toEqual([])
    const reloaded = await t.refresh()
    expect(await history(reloaded)).toEqual(before)
    // an explicit cut-off after the recent file's time makes it a candidate
    const later = await t.removeOrphanFiles({ dryRun: true, olderThanMs: BigInt(Date.now() + DAY) })
    expect(later.orphanFiles.map(localPath)).toEqual([recent])
  })

  it('is refused when gc.enabled is false, and deletes nothing', async () => {
    const { t, loc } = await fsTable({ 'gc.enabled': 'false' })
    const j = put(join(loc, 'data', 'junk.parquet'))
    age([j], 10)
    const e = await t.removeOrphanFiles().catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect(String((e as Error).message)).toMatch(/GC is disabled/)
    expect(existsSync(j)).toBe(true)
  })

  it('refuses, deleting nothing, when a manifest cannot be read', async () => {
    const { t, loc } = await fsTable()
    const j = put(join(loc, 'data', 'junk.parquet'))
    age(walkFiles(loc), 10)
    const first = t.snapshots()[0]!
    const manifests = (await t.env.io.read(first.manifestList!)).length
    expect(manifests).toBeGreaterThan(0)
    // the first snapshot's manifest list is gone: what it references can no longer be known
    unlinkSync(localPath(first.manifestList!))
    const e = await t.removeOrphanFiles().catch((x: unknown) => x)
    expect(isFloeError(e, 'NOT_FOUND')).toBe(true)
    expect(String((e as Error).message)).toContain(first.manifestList!)
    expect(String((e as Error).message)).toMatch(/nothing was deleted/)
    expect(existsSync(j)).toBe(true)
  })

  it('matches files through the FileIO’s mapping: an s3:// table loaded from its local folder', async () => {
    const dir = tempDir('floe-orphans-s3-')
    const wh = join(dir, 'wh')
    mkdirSync(wh)
    const io = new RemappingFileIO(new LocalFileIO(), [{ from: 's3://bucket/wh', to: wh }])
    const cat = new FileSystemCatalog(defaultEnv(io), 's3://bucket/wh')
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC })
    t = await t.appendRows(rowsOf([1, 2, 3]))
    t = await t.deleteRows('id = 2', { mode: 'merge-on-read' })
    expect(t.metadata.location).toBe('s3://bucket/wh/db/t')
    const loc = join(wh, 'db', 't')
    const junk = put(join(loc, 'data', 'junk.parquet'))
    age(walkFiles(loc), 10)
    // loaded from the local folder: the metadata file is a local path, everything it references is s3://
    const local = await Table.load(defaultEnv(io), loc)
    expect(local.metadataLocation.startsWith(loc)).toBe(true)
    const res = await local.removeOrphanFiles({ dryRun: true })
    expect(res.orphanFiles).toEqual(['s3://bucket/wh/db/t/data/junk.parquet'])
    expect(existsSync(junk)).toBe(true)
    await local.removeOrphanFiles()
    expect(existsSync(junk)).toBe(false)
    expect((await (await Table.load(defaultEnv(io), loc)).scan().toArray()).map((r) => r.id).sort()).toEqual([1n, 3n])
  })

  it('refuses on a table loaded at an older metadata file than the newest in its folder', async () => {
    const { t, loc } = await fsTable()
    age(walkFiles(loc), 10)
    const older = t.metadata.metadataLog.at(-1)!.metadataFile
    const stale = await Table.load(defaultEnv(new LocalFileIO()), older)
    const e = await stale.removeOrphanFiles({ dryRun: true }).catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect(String((e as Error).message)).toMatch(/is a newer metadata version than the loaded/)
    // the folder (its newest version) is fine
    expect((await (await Table.load(defaultEnv(new LocalFileIO()), loc)).removeOrphanFiles({ dryRun: true })).orphanFiles.every((p) => p.endsWith('.metadata.json'))).toBe(true)
  })

  it('judges a catalog table by its current version, not the handle’s', async () => {
    const { t, loc } = await fsTable()
    const newer = await t.appendRows(rowsOf([100, 101]))
    age(walkFiles(loc), 10)
    // t predates the last append: its files must still count as referenced
    const res = await t.removeOrphanFiles({ dryRun: true })
    const added = (await newer.scan({ filter: 'id >= 100' }).planFiles()).map((f) => localPath(f.file.filePath))
    expect(added.length).toBeGreaterThan(0)
    for (const p of added) expect(res.orphanFiles.map(localPath)).not.toContain(p)
    expect(res.orphanFiles.map(localPath)).not.toContain(localPath(newer.metadataLocation))
  })

  it('refuses bad options', async () => {
    const { t } = await fsTable()
    for (const bad of [{ olderThanMs: 5 as unknown as bigint }, { prefixMismatchMode: 'keep' as 'error' }, { equalSchemes: { s3a: '' } }]) {
      const e = await t.removeOrphanFiles(bad).catch((x: unknown) => x)
      expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true)
    }
  })
})

describe('path spellings (each once made live files look like orphans)', () => {
  async function tableAt(location: string | undefined, warehouse: string, rows = rowsOf([1, 2, 3, 4])): Promise<Table> {
    const cat = new FileSystemCatalog(defaultEnv(new LocalFileIO()), warehouse)
    await cat.createNamespace('db')
    const t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, ...(location ? { location } : {}) })
    return t.appendRows(rows)
  }

  it('a warehouse spelled with ./ or .., or as file:/ under a hidden folder, keeps every referenced file', async () => {
    const dir = tempDir('floe-orphans-spell-')
    for (const wh of [join(dir, 'a', '.', 'wh'), join(dir, 'b', 'x', '..', 'wh'), `file:${join(dir, '.hidden', 'wh')}`]) {
      const t = await tableAt(undefined, wh)
      const loc = localPath(t.metadata.location)
      const junk = put(join(loc, 'data', 'junk.parquet'))
      age(walkFiles(loc), 10)
      const res = await t.removeOrphanFiles()
      expect(res.orphanFiles.map(localPath)).toEqual([junk])
      expect((await (await t.refresh()).scan().toArray()).length).toBe(4)
    }
  })

  it('a stray file named like a live one plus #1 is deleted, and the live one stays (file: table)', async () => {
    const t = await tableAt(undefined, `file://${join(tempDir('floe-orphans-hash-'), 'wh')}`)
    const live = (await t.scan().planFiles()).map((f) => localPath(f.file.filePath))[0]!
    const stray = put(`${live}#1`)
    age(walkFiles(localPath(t.metadata.location)), 10)
    expect((await t.removeOrphanFiles()).orphanFiles.map(localPath)).toEqual([stray])
    expect(existsSync(live)).toBe(true)
    expect(existsSync(stray)).toBe(false)
  })

  it('escaped partition values in a file: table are stored literally, as Java stores them, and stay referenced', async () => {
    const PSPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 's', transform: Transforms.identity }] }
    const cat = new FileSystemCatalog(defaultEnv(new LocalFileIO()), `file:${join(tempDir('floe-orphans-pct-'), 'wh')}`)
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)]), spec: PSPEC })
    t = await t.appendRows([{ id: 1n, s: 'a%20b' }, { id: 2n, s: '10:00' }])
    const loc = localPath(t.metadata.location)
    const folders = readdirSync(join(loc, 'data')).sort()
    expect(folders).toEqual(['s=10%3A00', 's=a%2520b'])
    age(walkFiles(loc), 10)
    expect((await t.removeOrphanFiles()).orphanFiles).toEqual([])
    expect((await (await t.refresh()).scan().toArray()).map((r) => r.s).sort()).toEqual(['10:00', 'a%20b'])
  })

  it('a bare-path table listed without a scheme matches file: references (no prefix conflict)', async () => {
    const t = await tableAt(undefined, join(tempDir('floe-orphans-mix-'), 'wh'))
    const loc = localPath(t.metadata.location)
    // another writer added a file naming it as file:
    const copy = put(join(loc, 'data', 'other.parquet'), 'x')
    const [f] = (await t.scan().planFiles()).map((x) => x.file)
    const other = await t.transaction().append([{ ...f!, filePath: `file:${copy}` }]).commit()
    const junk = put(join(loc, 'data', 'junk.parquet'))
    age(walkFiles(loc), 10)
    expect((await other.removeOrphanFiles({ dryRun: true })).orphanFiles.map(localPath)).toEqual([junk])
  })
})

describe('prefix mismatches', () => {
  // a memory table at s3://b1/t; files listed under s3://b2/t share referenced paths but not the bucket
  async function mismatched(): Promise<{ t: Table; io: MemoryFileIO; twin: string; junk: string }> {
    const io = new MemoryFileIO(() => 1_000)
    const cat = new MemoryCatalog(testEnv(io, 3))
    await cat.createNamespace('db')
    let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 's3a://b1/t' })
    t = await t.appendRows(rowsOf([1, 2, 3]))
    const data = [...io.files.keys()].find((k) => k.endsWith('.parquet'))!
    const twin = data.replace('s3a://b1/', 's3://b2/')
    io.files.set(twin, io.files.get(data)!)
    io.mtimes.set(twin, 1_000)
    const junk = 's3://b2/t/data/junk.parquet'
    io.files.set(junk, new Uint8Array(4))
    io.mtimes.set(junk, 1_000)
    return { t, io, twin, junk }
  }
  const at = { olderThanMs: 2_000n, location: 's3://b2/t' }

  it('fail by default naming the pairs, and delete nothing', async () => {
    const { t, io, twin, junk } = await mismatched()
    const e = await t.removeOrphanFiles(at).catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
    expect(String((e as Error).message)).toContain('(b1, b2)')
    expect(io.files.has(twin) && io.files.has(junk)).toBe(true)
  })

  it('are kept with ignore, deleted with delete, and matched with equal authorities (s3a is s3 by default)', async () => {
    const a = await mismatched()
    expect((await a.t.removeOrphanFiles({ ...at, prefixMismatchMode: 'ignore' })).orphanFiles).toEqual([a.junk])
    expect(a.io.files.has(a.twin)).toBe(true)
    const b = await mismatched()
    expect((await b.t.removeOrphanFiles({ ...at, prefixMismatchMode: 'delete', dryRun: true })).orphanFiles).toEqual([b.twin, b.junk].sort())
    // b2 declared the same store as b1: it then shows the table's files, its metadata among them
    const c = await mismatched()
    for (const [k, v] of [...c.io.files]) if (k.startsWith('s3a://b1/')) c.io.files.set(k.replace('s3a://b1/', 's3://b2/'), v)
    for (const k of c.io.files.keys()) if (k.startsWith('s3://b2/')) c.io.mtimes.set(k, 1_000)
    expect((await c.t.removeOrphanFiles({ ...at, equalAuthorities: { b2: 'b1' } })).orphanFiles).toEqual([c.junk])
    expect(c.io.files.has(c.twin)).toBe(true)
    // not declared equal, the same layout fails: the listing matches the metadata only up to the bucket
    const e = await c.t.removeOrphanFiles(at).catch((x: unknown) => x)
    expect(isFloeError(e, 'VALIDATION')).toBe(true)
  })
})

describe('removeOrphanFiles over random histories (property)', () => {
  it('keeps every snapshot’s rows and deletes exactly the junk older than the cut-off', async () => {
    const OP = fc.oneof(
      fc.record({ op: fc.constant('append' as const), ids: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }) }),
      fc.record({ op: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 60 }), mode: fc.constantFrom('copy-on-write' as const, 'merge-on-read' as const) }),
      fc.record({ op: fc.constant('overwrite' as const), part: fc.integer({ min: 0, max: 2 }), ids: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }) }),
    )
    const JUNK = fc.record({ dir: fc.constantFrom('data/part=0', 'data/part=1', 'metadata', 'x', 'data/_tmp', 'data/.h'), name: fc.stringMatching(/^[a-z0-9]{1,6}$/), t: fc.integer({ min: 0, max: 100 }) })
    await fc.assert(
      fc.asyncProperty(fc.array(OP, { minLength: 1, maxLength: 5 }), fc.array(JUNK, { maxLength: 6 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom(1, 2, 5), async (ops, junk, cut, keep) => {
        let now = 0
        const io = new MemoryFileIO(() => now)
        const cat = new MemoryCatalog(testEnv(io, 9))
        await cat.createNamespace('db')
        let t = await cat.createTable('db.t', { schema: SCHEMA, spec: SPEC, location: 'mem://w/t', properties: { 'write.metadata.previous-versions-max': String(keep) } })
        for (const o of ops) {
          if (o.op === 'append') t = await t.appendRows(rowsOf(o.ids))
          else if (o.op === 'delete') t = await t.deleteRows(`id = ${o.id}`, { mode: o.mode })
          else t = await t.overwriteRows(rowsOf(o.ids.map((i) => i - (i % 3) + o.part)), `part = ${o.part}`)
        }
        const before = await history(t)
        const referencedBefore = new Set(io.files.keys())
        const placed = new Map<string, number>()
        for (const j of junk) {
          const p = `mem://w/t/${j.dir}/junk-${j.name}`
          now = j.t
          // the same name twice keeps its first write (and time)
          if (io.files.has(p)) continue
          await io.write(p, new Uint8Array(1))
          placed.set(p, j.t)
        }
        now = 1000
        const res = await t.removeOrphanFiles({ olderThanMs: BigInt(cut) })
        const hidden = (p: string): boolean => p.includes('/_tmp/') || p.includes('/.h/')
        const expectedJunk = [...placed].filter(([p, when]) => when < cut && !hidden(p)).map(([p]) => p)
        // junk is deleted exactly when old enough and visible; table files only if the metadata no longer names them
        for (const p of expectedJunk) expect(res.orphanFiles).toContain(p)
        for (const [p, when] of placed) expect(io.files.has(p)).toBe(!(when < cut && !hidden(p)))
        for (const p of res.orphanFiles) if (!placed.has(p)) expect(referencedBefore.has(p)).toBe(true)
        expect(await history(await t.refresh())).toEqual(before)
      }),
      { numRuns: 25 },
    )
  })
})
