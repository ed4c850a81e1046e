// `floe expire-snapshots`: a dry run reports the snapshots and files that would go and changes nothing, the
// real run removes them (the table scans the same, time travel to an expired snapshot is NOT_FOUND), main's
// head cannot be expired by id, and bad flags are usage errors. Ids are read back exactly (lossless JSON).
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { localPath } from '../../src/io/local.js'
import { parseJson } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

describe('expire-snapshots', () => {
  it('reports on --dry-run, then expires and deletes what only old snapshots reached', async () => {
    const dir = tempDir('floe-cli-expire-')
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id long, s string', ...C)).code).toBe(0)
    for (let k = 0; k < 3; k++) {
      const input = join(dir, `in${k}.jsonl`)
      writeFileSync(input, Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: k * 10 + i, s: `v${i}` })).join('\n'))
      expect((await floe('append', 'db.t', input, ...C)).code).toBe(0)
    }
    expect((await floe('delete', 'db.t', '--filter', 'id = 11', ...C)).code).toBe(0)
    expect((await floe('snapshots', 'db.t', ...C)).stdout.trim().split('\n')).toHaveLength(4)
    const scan = async (): Promise<string> => (await floe('scan', 'db.t', ...C)).stdout.split('\n').sort().join('\n')
    const rows = await scan()
    const ahead = new Date(Date.now() + 86_400_000).toISOString()

    const dry = await floe('expire-snapshots', 'db.t', '--older-than', ahead, '--retain-last', '2', '--dry-run', ...C)
    expect(dry.code).toBe(0)
    const d = parseJson(dry.stdout) as Record<string, any>
    expect(d.dryRun).toBe(true)
    expect(d.expiredSnapshotIds).toHaveLength(2)
    expect(d.files.manifestLists).toHaveLength(2)
    expect((await floe('snapshots', 'db.t', ...C)).stdout.trim().split('\n')).toHaveLength(4)

    const run = await floe('expire-snapshots', 'db.t', '--older-than', ahead, '--retain-last', '2', ...C)
    expect(run.code).toBe(0)
    const r = parseJson(run.stdout) as Record<string, any>
    expect(r.expiredSnapshotIds).toEqual(d.expiredSnapshotIds)
    expect(r.files).toEqual(d.files)
    for (const p of r.files.manifestLists as string[]) expect(existsSync(localPath(p))).toBe(false)
    expect((await floe('snapshots', 'db.t', ...C)).stdout.trim().split('\n')).toHaveLength(2)
    expect(await scan()).toBe(rows)
    const old = await floe('scan', 'db.t', '--snapshot-id', String(r.expiredSnapshotIds[0]), ...C)
    expect(old.code).toBe(1)
    expect(old.stderr).toMatch(/^floe: NOT_FOUND: /)

    const head = (parseJson((await floe('describe', 'db.t', ...C)).stdout) as Record<string, any>).currentSnapshot.snapshotId
    const held = await floe('expire-snapshots', 'db.t', '--snapshot-id', String(head), ...C)
    expect(held.code).toBe(1)
    expect(held.stderr).toMatch(/^floe: VALIDATION: Cannot expire \d+\. Still referenced by refs: \[main\]/)
  })

  it('refuses bad flags', async () => {
    const dir = tempDir('floe-cli-expire-')
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    await floe('create-namespace', 'db', ...C)
    await floe('create', 'db.t', '--schema', 'id long', ...C)
    for (const [flag, value, msg] of [
      ['--retain-last', '0', /at least 1/],
      ['--retain-last', 'two', /--retain-last must be a positive integer/],
      ['--snapshot-id', 'x', /--snapshot-id must be an integer/],
      ['--older-than', 'soon', /--older-than must be epoch milliseconds/],
    ] as const) {
      const r = await floe('expire-snapshots', 'db.t', flag, value, ...C)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(msg)
    }
    const path = await floe('expire-snapshots', join(dir, 'wh', 'db', 't'), ...C)
    expect(path.code).toBe(2)
    expect(path.stderr).toMatch(/is a path; writes go through a catalog/)
  })
})
