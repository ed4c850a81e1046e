// `floe remove-orphan-files`: a dry run lists the old unreferenced files and deletes nothing, the real run
// deletes them and the table still scans the same; the cut-off is a flag (epoch ms or ISO), recent files are
// kept by default, the table can be a path, and bad flags are usage errors (exit 2).
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'
import { walkFiles } from '../support/files.js'

describe('remove-orphan-files', () => {
  it('lists on --dry-run, deletes otherwise, and keeps what the table references', async () => {
    const dir = tempDir('floe-cli-orphans-')
    const wh = join(dir, 'wh')
    const C = ['--catalog', `file:${wh}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id long, s string', '--partition-by', 'bucket(2, id)', ...C)).code).toBe(0)
    const input = join(dir, 'in.jsonl')
    writeFileSync(input, Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: i, s: `v${i}` })).join('\n'))
    expect((await floe('append', 'db.t', input, ...C)).code).toBe(0)
    expect((await floe('delete', 'db.t', '--filter', 'id < 5', ...C)).code).toBe(0)
    const scan = async (): Promise<string> => (await floe('scan', 'db.t', ...C)).stdout.split('\n').sort().join('\n')
    const rows = await scan()
    const tableDir = join(wh, 'db', 't')
    mkdirSync(join(tableDir, 'data', 'junk'), { recursive: true })
    const junk = join(tableDir, 'data', 'junk', 'partial.parquet')
    writeFileSync(junk, 'PAR1')
    const old = new Date(Date.now() - 5 * 86_400_000)
    for (const f of walkFiles(tableDir)) utimesSync(f, old, old)
    const recent = join(tableDir, 'data', 'recent.parquet')
    writeFileSync(recent, 'PAR1')

    const dry = await floe('remove-orphan-files', 'db.t', '--dry-run', ...C)
    expect(dry.code).toBe(0)
    const d = JSON.parse(dry.stdout)
    expect(d).toMatchObject({ dryRun: true, deletedFiles: 0, tooRecent: 1, undeletedFiles: [] })
    expect(d.orphanFiles).toHaveLength(1)
    expect(d.orphanFiles[0]).toContain('data/junk/partial.parquet')
    expect(existsSync(junk)).toBe(true)

    // the table given as a folder path; an ISO cut-off one day ahead makes the recent file a candidate too
    const ahead = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19)
    const run = await floe('remove-orphan-files', tableDir, '--older-than', ahead)
    expect(run.code).toBe(0)
    const r = JSON.parse(run.stdout)
    expect(r.deletedFiles).toBe(2)
    expect(existsSync(junk) || existsSync(recent)).toBe(false)
    expect(await scan()).toBe(rows)
    expect(rows.split('\n').filter(Boolean)).toHaveLength(15)
  })

  it('refuses bad flags', async () => {
    const dir = tempDir('floe-cli-orphans-')
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    await floe('create-namespace', 'db', ...C)
    await floe('create', 'db.t', '--schema', 'id long', ...C)
    for (const [flag, value, msg] of [
      ['--older-than', 'yesterday', /--older-than must be epoch milliseconds/],
      ['--prefix-mismatch-mode', 'keep', /Unknown prefix mismatch mode "keep"/],
      ['--equal-schemes', 's3a', /--equal-schemes takes from\[,from…\]=to/],
    ] as const) {
      const r = await floe('remove-orphan-files', 'db.t', flag, value, ...C)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^floe: INVALID_ARGUMENT: /)
      expect(r.stderr).toMatch(msg)
    }
  })
})
