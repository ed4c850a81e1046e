// Ref names are plain strings (Java keeps refs in a HashMap): a name that is also an Object.prototype
// member (`constructor`, `toString`, `__proto__`, ...) is looked up, created, committed to, read and
// written to metadata JSON like any other.
import { describe, expect, it } from 'vitest'
import { CommitConflictError } from '../../../src/errors.js'
import { parseTableMetadata } from '../../../src/spec/json/metadata-read.js'
import { writeTableMetadataJson } from '../../../src/spec/json/metadata-write.js'
import { refByName, snapshotForRef } from '../../../src/spec/table-metadata.js'
import { checkRequirements } from '../../../src/spec/updates.js'
import { CATALOG_KINDS, fakeFile } from '../../support/catalogs.js'
import { failedWith, refsTable, rejection } from './refs-fixtures.js'

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'] as const

for (const kind of CATALOG_KINDS) {
  describe(`ref names that are Object.prototype members (${kind} catalog)`, () => {
    for (const name of NAMES) {
      it(`${name}: absent until created; branch, append, fast-forward, tag, scan, reload`, async () => {
        const { cat, t: t0 } = await refsTable(kind)
        const t = await t0.append([fakeFile('/d/a.parquet')])
        const s = t.currentSnapshot()!.snapshotId
        expect(refByName(t.metadata, name)).toBeUndefined()
        expect(snapshotForRef(t.metadata, name)).toBeUndefined()
        expect(failedWith(await rejection((async () => t.scan({ snapshot: { ref: name } }).planFiles())()), 'NOT_FOUND', new RegExp(`Cannot find ref ${name}`))).toBe(true)

        let x = await t.transaction().manageSnapshots((m) => m.createBranch(name, s)).commit()
        expect(refByName(x.metadata, name)).toEqual({ snapshotId: s, type: 'branch' })
        x = await x.append([fakeFile(`/d/${name}.parquet`)], { branch: name })
        const head = refByName(x.metadata, name)!.snapshotId
        expect(x.metadata.snapshots.find((y) => y.snapshotId === head)!.parentSnapshotId).toBe(s)
        x = await x.transaction().manageSnapshots((m) => m.fastForward('main', name)).commit()
        expect(x.currentSnapshot()!.snapshotId).toBe(head)
        expect((await x.scan({ snapshot: { ref: name } }).planFiles()).map((f) => f.file.filePath).sort()).toEqual(['/d/a.parquet', `/d/${name}.parquet`].sort())

        const reloaded = await cat.loadTable('db.t')
        expect(Object.keys(reloaded.metadata.refs).sort()).toEqual([name, 'main'].sort())
        expect(refByName(reloaded.metadata, name)!.snapshotId).toBe(head)
        expect(Object.getPrototypeOf(reloaded.metadata.refs)).toBe(Object.prototype)

        const tagged = await reloaded.transaction().manageSnapshots((m) => m.removeBranch(name).createTag(name, s)).commit()
        expect(refByName(tagged.metadata, name)).toEqual({ snapshotId: s, type: 'tag' })
        const gone = await tagged.transaction().manageSnapshots((m) => m.removeTag(name)).commit()
        expect(Object.keys(gone.metadata.refs)).toEqual(['main'])
      })
    }
  })
}

describe('ref names that are Object.prototype members, in metadata JSON and requirements', () => {
  it('a __proto__ ref round-trips through metadata JSON as an own key', async () => {
    const { t: t0 } = await refsTable()
    let t = await t0.append([fakeFile('/d/a.parquet')])
    t = await t.transaction().manageSnapshots((m) => m.createBranch('__proto__').createTag('constructor', t.currentSnapshot()!.snapshotId)).commit()
    const json = writeTableMetadataJson(t.metadata)
    const back = parseTableMetadata(json)
    expect(Object.keys(back.refs).sort()).toEqual(['__proto__', 'constructor', 'main'])
    expect(json).toContain('"__proto__"')
    expect(refByName(back, '__proto__')).toEqual(refByName(t.metadata, '__proto__'))
    expect(refByName(back, 'constructor')!.type).toBe('tag')
  })

  it('assert-ref-snapshot-id treats an absent prototype-named ref as absent', async () => {
    const { t: t0 } = await refsTable()
    const t = await t0.append([fakeFile('/d/a.parquet')])
    expect(() => checkRequirements(t.metadata, [{ type: 'assert-ref-snapshot-id', ref: 'toString', snapshotId: null }])).not.toThrow()
    expect(() => checkRequirements(t.metadata, [{ type: 'assert-ref-snapshot-id', ref: 'toString', snapshotId: 1n }])).toThrow(CommitConflictError)
  })
})
