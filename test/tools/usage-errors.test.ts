// Usage errors an operator trips on: an unknown command (with a typo hint) or no command at all print to
// stderr only and exit 2; inspect on a folder is a typed error; a write that commits nothing says so.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { floe } from '../support/cli.js'

describe('usage errors', () => {
  it('an unknown command suggests the closest one; no command prints the help on stderr', async () => {
    const r = await floe('scna', 'db.t')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^floe: INVALID_ARGUMENT: unknown command scna \(did you mean scan\?\)/)
    const none = await floe()
    expect(none.code).toBe(2)
    expect(none.stdout).toBe('')
    expect(none.stderr).toMatch(/usage: floe <command>/)
    expect((await floe('--help')).stdout).toMatch(/usage: floe <command>/)
  })

  it('a stray extra argument is INVALID_ARGUMENT naming it, before anything changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-usage-'))
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.a', '--schema', 'id int', ...C)).code).toBe(0)
    const cases: string[][] = [
      ['drop-table', 'db.a', 'db.b'],
      ['create-namespace', 'x', 'y'],
      ['create', 'db.c', 'db.d', '--schema', 'id int'],
      ['rename-table', 'db.a', 'db.e', 'db.f'],
      ['list', 'db', 'more'],
      ['namespaces', 'db', 'more'],
      ['describe', 'db.a', 'db.b'],
      ['scan', 'db.a', 'db.b'],
      ['plan', 'db.a', 'db.b'],
      ['snapshots', 'db.a', 'db.b'],
    ]
    for (const args of cases) {
      const r = await floe(...args, ...C)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: unexpected argument "${args[args[0] === 'rename-table' ? 3 : 2]}"; usage: floe ${args[0]} `))
    }
    // nothing was dropped, renamed or created
    const tables = JSON.parse((await floe('list', 'db', ...C)).stdout) as string[]
    expect(tables).toEqual(['db.a'])
    expect(JSON.parse((await floe('namespaces', ...C)).stdout)).toEqual(['db'])
  })

  it('an unknown option, a missing option value and a value for a flag are INVALID_ARGUMENT with the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['scan', 'db.t', '--bogus'], /^floe: INVALID_ARGUMENT: scan: Unknown option '--bogus'/],
      [['scan', 'db.t', '--limit'], /^floe: INVALID_ARGUMENT: scan: Option '--limit <value>' argument missing/],
      [['drop-table', 'db.t', '--purge=yes'], /^floe: INVALID_ARGUMENT: drop-table: Option '--purge' does not take an argument/],
    ]
    for (const [args, message] of cases) {
      const r = await floe(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`\\nusage: floe ${args[0]} `))
    }
  })

  it('inspect on a folder is INVALID_ARGUMENT naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-usage-'))
    const r = await floe('inspect', dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^floe: INVALID_ARGUMENT: .* is a folder/)
  })

  it('a delete that matches nothing reports committed: false; one that matches, committed: true', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-usage-'))
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    await floe('create-namespace', 'db', ...C)
    await floe('create', 'db.t', '--schema', 'id bigint', ...C)
    const input = join(dir, 'in.csv')
    writeFileSync(input, 'id\n1\n2\n')
    expect(JSON.parse((await floe('append', 'db.t', input, ...C)).stdout).committed).toBe(true)
    const none = await floe('delete', 'db.t', '--filter', 'id = 5', ...C)
    expect(none.code).toBe(0)
    expect(JSON.parse(none.stdout).committed).toBe(false)
    expect(JSON.parse((await floe('delete', 'db.t', '--filter', 'id = 1', ...C)).stdout).committed).toBe(true)
  })
})
