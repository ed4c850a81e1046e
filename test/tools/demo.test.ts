// `npm run demo` runs end to end, and what it prints is what the warehouse it leaves behind holds.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { REPO_ROOT } from '../support/corpus.js'

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
  }, 60_000)
})
