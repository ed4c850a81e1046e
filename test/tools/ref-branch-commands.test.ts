// The branch CLI commands through a filesystem and a SQLite catalog: create-branch on a table whose main
// has no snapshot (an empty append on the branch, as Java), rename-branch and replace-branch.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const json = (s: string): JsonObject => parseJson(s) as JsonObject

async function ok(...argv: string[]): Promise<string> {
  const r = await floe(...argv)
  if (r.code !== 0) throw new Error(`floe ${argv.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

for (const kind of ['file', 'sqlite'] as const) {
  describe(`branch commands through the ${kind} catalog`, () => {
    const dir = tempDir('floe-cli-refs-')
    const C = ['--catalog', kind === 'file' ? `file:${join(dir, 'wh')}` : `sqlite:${join(dir, 'cat.db')}?warehouse=${join(dir, 'wh')}`]

    it('create-branch on a table without snapshots makes an empty snapshot on the branch', async () => {
      await ok('create-namespace', 'db', ...C)
      await ok('create', 'db.empty', '--schema', 'id int not null', ...C)
      const out = json(await ok('create-branch', 'db.empty', 'dev', '--max-ref-age-ms', '5000', ...C))
      expect(out.currentSnapshotId).toBeUndefined()
      const dev = (out.refs as JsonObject).dev as JsonObject
      expect(dev).toMatchObject({ type: 'branch', maxRefAgeMs: 5000 })
      expect(Object.keys(out.refs as JsonObject)).toEqual(['dev'])
      const f = join(dir, 'e.jsonl')
      writeFileSync(f, '{"id":1}\n')
      const appended = json(await ok('append', 'db.empty', f, '--branch', 'dev', ...C))
      expect(appended.parentSnapshotId).toBe(dev.snapshotId)
    })

    it('rename-branch and replace-branch print every ref; their refusals exit 1 with the error', async () => {
      await ok('create', 'db.r', '--schema', 'id int not null', ...C)
      const f = join(dir, 'r.jsonl')
      writeFileSync(f, '{"id":1}\n')
      const s1 = json(await ok('append', 'db.r', f, ...C)).snapshotId
      await ok('create-tag', 'db.r', 'v1', ...C)
      await ok('create-branch', 'db.r', 'dev', '--min-snapshots-to-keep', '2', ...C)
      const onDev = json(await ok('append', 'db.r', f, '--branch', 'dev', ...C)).snapshotId

      const renamed = json(await ok('rename-branch', 'db.r', 'dev', 'feature', ...C))
      expect(Object.keys(renamed.refs as JsonObject).sort()).toEqual(['feature', 'main', 'v1'])
      expect((renamed.refs as JsonObject).feature).toEqual({ snapshotId: onDev, type: 'branch', minSnapshotsToKeep: 2 })

      const fwd = json(await ok('replace-branch', 'db.r', 'main', 'feature', ...C))
      expect(fwd.currentSnapshotId).toBe(onDev)
      const back = json(await ok('replace-branch', 'db.r', 'main', 'v1', ...C))
      expect(back.currentSnapshotId).toBe(s1)

      const main = await floe('rename-branch', 'db.r', 'main', 'x', ...C)
      expect(main.code).toBe(1)
      expect(main.stderr).toMatch(/VALIDATION: Cannot rename the main branch/)
      const tag = await floe('replace-branch', 'db.r', 'v1', 'main', ...C)
      expect(tag.code).toBe(1)
      expect(tag.stderr).toMatch(/VALIDATION: Ref v1 is a tag/)
      const arity = await floe('rename-branch', 'db.r', 'feature', ...C)
      expect(arity.code).not.toBe(0)
      expect(arity.stderr).toMatch(/expected 2 arguments/)
      const stray = await floe('rename-branch', 'db.r', 'feature', 'x', 'extra', ...C)
      expect(stray.code).toBe(2)
      expect(stray.stderr).toMatch(/^floe: INVALID_ARGUMENT: unexpected argument "extra"; usage: floe rename-branch /)
      const refs = json(await ok('describe', 'db.r', ...C)).refs as string[]
      expect(refs).toContain('feature') // nothing was renamed
      expect(refs).not.toContain('x')
    })
  })
}
