// `floe rewrite-data-files`: a dry run reports the groups and commits nothing; the real run (with partial
// progress: one commit per partition here) compacts each partition's small files into one in `replace`
// snapshots and the table scans the same; bad flags are usage errors.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

describe('rewrite-data-files', () => {
  it('reports on --dry-run, then compacts', async () => {
    const dir = tempDir('floe-cli-compact-')
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id long, k string', '--partition-by', 'k', ...C)).code).toBe(0)
    for (let n = 0; n < 4; n++) {
      const input = join(dir, `in${n}.jsonl`)
      writeFileSync(input, Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: n * 10 + i, k: i % 2 ? 'a' : 'b' })).join('\n'))
      expect((await floe('append', 'db.t', input, ...C)).code).toBe(0)
    }
    const scan = async (): Promise<string> => (await floe('scan', 'db.t', ...C)).stdout.split('\n').sort().join('\n')
    const rows = await scan()
    const files = async (): Promise<number> => (await floe('files', 'db.t', ...C)).stdout.trim().split('\n').length
    expect(await files()).toBe(8)

    const dry = await floe('rewrite-data-files', 'db.t', '--min-input-files', '2', '--dry-run', ...C)
    expect(dry.code).toBe(0)
    const d = parseJson(dry.stdout) as JsonObject
    expect(d.dryRun).toBe(true)
    expect((d.groups as JsonObject[]).map((g) => g.files)).toEqual([4, 4])
    expect(await files()).toBe(8)

    const run = await floe('rewrite-data-files', 'db.t', '--min-input-files', '2', '--partial-progress', '--max-commits', '2', ...C)
    expect(run.code).toBe(0)
    const r = parseJson(run.stdout) as JsonObject
    expect(r).toMatchObject({ dryRun: false, rewrittenDataFiles: 8, addedDataFiles: 2, commits: 2, failedGroups: [] })
    expect(await files()).toBe(2)
    expect(await scan()).toBe(rows)
    expect((await floe('snapshots', 'db.t', ...C)).stdout.trim().split('\n').at(-1)).toContain('"operation":"replace"')
  })

  it('refuses bad flags', async () => {
    const dir = tempDir('floe-cli-compact-')
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    await floe('create-namespace', 'db', ...C)
    await floe('create', 'db.t', '--schema', 'id long', ...C)
    const lone = await floe('rewrite-data-files', 'db.t', '--max-commits', '2', ...C)
    expect(lone.code).toBe(2)
    expect(lone.stderr).toMatch(/--max-commits needs --partial-progress/)
    for (const [flag, value] of [['--min-input-files', '0'], ['--target-file-size-bytes', 'big']] as const) {
      const r = await floe('rewrite-data-files', 'db.t', flag, value, ...C)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: ${flag} must be an integer ≥ 1`))
    }
  })
})
