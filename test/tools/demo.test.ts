// `npm run demo` runs end to end, and what it prints is what the warehouse it leaves behind holds.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { REPO_ROOT } from '../support/corpus.js'
import { tempDir } from '../support/catalogs.js'
import { stringifyJson } from '../../src/spec/json/lossless.js'

describe('npm run demo', () => {
  it('completes, and its printed counts match the table it wrote', async () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tools', 'demo.ts')], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const out = r.stdout
    const warehouse = /^warehouse: (.+)$/m.exec(out)![1]!
    const t = await new FileSystemCatalog(defaultEnv(), warehouse).loadTable('db.events')
    const [, main, tag] = /main: (\d+) rows; tag v1: (\d+) rows/.exec(out)!
    expect((await t.scan().toArray()).length).toBe(Number(main))
    expect((await t.scan({ snapshot: { ref: 'v1' } }).toArray()).length).toBe(Number(tag))
    const first = t.snapshots()[0]!
    expect(out).toContain(`rows then: ${(await t.scan({ snapshot: { snapshotId: first.snapshotId } }).toArray()).length}`)
    expect(t.currentSnapshot()!.snapshotId).toBe(first.snapshotId) // the tour ends rolled back to the first snapshot
    const [, planned, total] = /planned (\d+) of (\d+) data files/.exec(out)!
    expect(Number(planned)).toBeLessThan(Number(total)) // pruning skipped files
    expect(out).toContain('7342794868382145167') // a 64-bit id stays exact end to end
    // the expiration dry run names the delete snapshot (an ancestor of audit beyond its newest) and changes nothing
    const deleteSnapshot = t.snapshots().find((s) => s.summary.operation === 'delete')!.snapshotId
    expect(out).toContain(`would expire ${deleteSnapshot}, deleting 1 manifest list(s)`)
    expect(t.snapshots()).toHaveLength(3)
    expect(out).toMatch(/orphan files: 0 \(of \d+ listed; \d+ younger than the 3-day cut-off\)/)
  }, 60_000)

  it('prints CLI equivalents that, run in order in an empty folder, build the same table in ./warehouse', async () => {
    const demo = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tools', 'demo.ts')], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect(demo.status).toBe(0)
    const shell = demo.stdout.split('\n').filter((l) => l.startsWith('   $ ')).map((l) => l.slice('   $ '.length))
    expect(shell[0]).toBe('floe create-namespace db')
    expect(shell[1]).toMatch(/^floe create db\.events /)
    // a `floe` on the PATH that runs this checkout's CLI
    const bin = tempDir('floe-demo-bin-')
    const loader = createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')
    writeFileSync(join(bin, 'floe'), `#!/bin/sh\nexec '${process.execPath}' --import '${loader}' '${join(REPO_ROOT, 'tools', 'cli.ts')}' "$@"\n`, { mode: 0o755 })
    const folder = tempDir('floe-demo-cli-')
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }
    delete env.FLOE_CATALOG
    // set -e: the first command that fails stops the run with its status
    const run = spawnSync('sh', ['-e', '-c', shell.join('\n')], { cwd: folder, env, encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)

    const warehouse = /^warehouse: (.+)$/m.exec(demo.stdout)![1]!
    const viaApi = await new FileSystemCatalog(defaultEnv(), warehouse).loadTable('db.events')
    const viaCli = await new FileSystemCatalog(defaultEnv(), join(folder, 'warehouse')).loadTable('db.events')
    const rows = async (t: typeof viaApi, ref?: string): Promise<string[]> => (await t.scan(ref ? { snapshot: { ref } } : {}).toArray()).map((r) => stringifyJson(r)).sort()
    expect(await rows(viaCli)).toEqual(await rows(viaApi))
    expect(await rows(viaCli, 'v1')).toEqual(await rows(viaApi, 'v1'))
    expect(viaCli.snapshots().map((x) => x.summary.operation)).toEqual(viaApi.snapshots().map((x) => x.summary.operation))
    // the same number of commits, so the metadata file the demo inspects is the one the CLI's run made
    expect(relative(folder, viaCli.metadataLocation)).toBe(join('warehouse', relative(warehouse, viaApi.metadataLocation)))
  }, 120_000)
})
