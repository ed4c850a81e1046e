// `floe help <command>` prints that command's usage as `floe <command> --help` does; an unknown name is a
// usage error; and every command's usage shows exactly the options the command takes.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../../tools/run-cli.js'
import { floe } from '../support/cli.js'
import { REPO_ROOT } from '../support/corpus.js'

describe('floe help <command>', () => {
  it('prints the usage `floe <command> --help` prints, for every command', async () => {
    for (const c of COMMANDS) {
      const viaHelp = await floe('help', c.name)
      const viaFlag = await floe(c.name, '--help')
      expect(viaHelp.code, c.name).toBe(0)
      expect(viaHelp.stderr, c.name).toBe('')
      expect(viaHelp.stdout, c.name).toBe(viaFlag.stdout)
      expect(viaHelp.stdout, c.name).toMatch(new RegExp(`^usage: floe ${c.name} `))
      expect((await floe('--help', c.name)).stdout, c.name).toBe(viaFlag.stdout)
    }
  })

  it('without a name prints the general help; an unknown name or a second word is INVALID_ARGUMENT', async () => {
    const general = await floe('help')
    expect(general.code).toBe(0)
    expect(general.stdout).toMatch(/^usage: floe <command> \[options\]/)
    expect(general.stdout).toContain('floe help <command>')

    const typo = await floe('help', 'scna')
    expect(typo).toMatchObject({ code: 2, stdout: '' })
    expect(typo.stderr).toMatch(/^floe: INVALID_ARGUMENT: unknown command scna \(did you mean scan\?\)/)
    const unknown = await floe('help', 'frobnicate')
    expect(unknown).toMatchObject({ code: 2, stdout: '' })
    expect(unknown.stderr).toMatch(/^floe: INVALID_ARGUMENT: unknown command frobnicate;/)
    const extra = await floe('help', 'scan', 'extra')
    expect(extra).toMatchObject({ code: 2, stdout: '' })
    expect(extra.stderr).toMatch(/^floe: INVALID_ARGUMENT: unexpected argument "extra"; usage: floe help \[<command>\]/)
  })
})

// every option name any usage shows or any CLI source file defines for parseArgs
function candidateOptions(): string[] {
  const names = new Set<string>()
  for (const c of COMMANDS) for (const m of c.usage.matchAll(/--([a-z][a-z-]*)/g)) names.add(m[1]!)
  const dirs = [join(REPO_ROOT, 'tools'), join(REPO_ROOT, 'tools', 'commands')]
  for (const d of dirs)
    for (const f of readdirSync(d).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(d, f), 'utf8')
      for (const m of text.matchAll(/['"]?([a-z][a-z-]*)['"]?\s*:\s*\{\s*type:\s*'(?:string|boolean)'/g)) names.add(m[1]!)
    }
  return [...names].sort()
}

/**
 * Whether `command` takes `--name`: parseArgs refuses an unknown option; a string option without its value
 * says the value is missing, and is then tried with one; an option the command parses but then refuses for
 * what it is asked to do says that it does not apply.
 */
async function takes(command: string, name: string): Promise<boolean> {
  const bare = await floe(command, `--${name}`)
  if (bare.stderr.includes(`Unknown option '--${name}'`)) return false
  const r = bare.stderr.includes(`'--${name} <value>' argument missing`) ? await floe(command, `--${name}`, 'x') : bare
  return !/\bdoe?s? not apply\b/.test(r.stderr)
}

describe('every usage text', () => {
  const saved = process.env.FLOE_CATALOG
  // probes that get past their arguments touch only an in-memory catalog
  beforeAll(() => void (process.env.FLOE_CATALOG = 'memory:'))
  afterAll(() => {
    if (saved === undefined) delete process.env.FLOE_CATALOG
    else process.env.FLOE_CATALOG = saved
  })

  it('shows every option its command takes, and only those', async () => {
    const options = candidateOptions()
    expect(options).toEqual(expect.arrayContaining(['remap', 'catalog', 'case-insensitive', 'allow-incompatible', 'isolation', 'input-format']))
    const wrong: string[] = []
    for (const c of COMMANDS)
      for (const name of options) {
        const shown = new RegExp(`--${name}(?![a-z-])`).test(c.usage)
        if (shown !== (await takes(c.name, name))) wrong.push(`${c.name} --${name}: ${shown ? 'shown but not taken' : 'taken but not shown'}`)
      }
    expect(wrong).toEqual([])
  })
})
