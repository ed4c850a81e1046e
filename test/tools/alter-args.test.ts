// `floe alter` takes exactly the arguments and options each change shows in its usage: a stray argument, a
// missing one, or an option the change does not use is INVALID_ARGUMENT naming it, and nothing is committed.
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

// each change with arguments and options that would commit on the table made below
const VALID: Record<string, { args: string[]; opts: string[] }> = {
  'add-column': { args: ['n', 'int'], opts: [] },
  'drop-column': { args: ['q'], opts: [] },
  'rename-column': { args: ['q', 'q2'], opts: [] },
  'update-column': { args: ['q'], opts: ['--type', 'bigint'] },
  'move-column': { args: ['q'], opts: ['--first'] },
  'set-identifier-fields': { args: ['id'], opts: [] },
  'union-by-name': { args: ['id bigint not null, extra string'], opts: [] },
  'add-partition-field': { args: ['bucket(4, id)'], opts: [] },
  'drop-partition-field': { args: ['q'], opts: [] },
  'rename-partition-field': { args: ['q', 'q_part'], opts: [] },
  'replace-sort-order': { args: ['id desc'], opts: [] },
}

// every option alter parses besides --catalog and --remap, with a value for those that take one
const OPTIONS: Record<string, string[]> = {
  first: ['--first'],
  before: ['--before', 'id'],
  after: ['--after', 'id'],
  parent: ['--parent', 's'],
  doc: ['--doc', 'd'],
  required: ['--required'],
  optional: ['--optional'],
  default: ['--default', '1'],
  type: ['--type', 'bigint'],
  name: ['--name', 'p'],
  'case-insensitive': ['--case-insensitive'],
  'allow-incompatible': ['--allow-incompatible'],
}

const json = (s: string): JsonObject => parseJson(s) as JsonObject

describe('floe alter arguments', () => {
  const dir = tempDir('floe-alter-args-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]
  const location = async (): Promise<unknown> => json((await floe('describe', 'db.x', ...C)).stdout).metadataLocation

  beforeAll(async () => {
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.x', '--schema', 'id bigint not null, q int', '--partition-by', 'q', ...C)).code).toBe(0)
  })

  it('every change refuses a stray argument, naming it, and commits nothing', async () => {
    const before = await location()
    for (const [change, { args, opts }] of Object.entries(VALID)) {
      const r = await floe('alter', 'db.x', change, ...args, 'extra', ...opts, ...C)
      expect(r.code, change).toBe(2)
      expect(r.stdout, change).toBe('')
      expect(r.stderr, change).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: unexpected argument "extra"; usage: floe alter <ns\\.table> ${change} `))
    }
    expect(await location()).toBe(before)
  })

  it('every change refuses a missing argument', async () => {
    const before = await location()
    for (const [change, { args, opts }] of Object.entries(VALID)) {
      const r = await floe('alter', 'db.x', change, ...args.slice(0, -1), ...opts, ...C)
      expect(r.code, change).toBe(2)
      expect(r.stderr, change).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: missing arguments: floe alter <ns\\.table> ${change} `))
    }
    expect(await location()).toBe(before)
  })

  it('an option that does not apply to the change is refused, naming it, and nothing is committed', async () => {
    const before = await location()
    for (const [args, option] of [
      [['drop-column', 'q', '--first'], '--first'],
      [['rename-column', 'q', 'q2', '--allow-incompatible'], '--allow-incompatible'],
      [['add-partition-field', 'bucket(4, id)', '--doc', 'x'], '--doc'],
      [['replace-sort-order', 'id', '--case-insensitive'], '--case-insensitive'],
      [['rename-partition-field', 'q', 'q_part', '--name', 'z'], '--name'],
      [['set-identifier-fields', 'id', '--type', 'int'], '--type'],
    ] as const) {
      const r = await floe('alter', 'db.x', ...args, ...C)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: ${option} does not apply to alter ${args[0]}; usage: floe alter <ns\\.table> ${args[0]} `))
    }
    expect(await location()).toBe(before)
  })

  it("a change takes exactly the options its usage line shows (checked on a missing table, so nothing commits)", async () => {
    const help = await floe('alter', '--help')
    expect(help.code).toBe(0)
    const lines = new Map(help.stdout.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => [l.trim().split(' ')[0]!, l] as const))
    expect([...lines.keys()].sort()).toEqual(Object.keys(VALID).sort())
    for (const [change, { args }] of Object.entries(VALID)) {
      for (const [name, flag] of Object.entries(OPTIONS)) {
        const shown = new RegExp(`--${name}\\b(?!-)`).test(lines.get(change)!)
        const r = await floe('alter', 'db.missing', change, ...args, ...flag, ...C)
        const what = `${change} --${name}`
        if (shown) expect(r.stderr, what).toMatch(/^floe: NOT_FOUND: /) // past the argument check, to the table lookup
        else expect(r.stderr, what).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: --${name} does not apply to alter ${change};`))
      }
    }
  })

  it('a type argument with not null or a comment must agree with the options; a refused one commits nothing', async () => {
    const before = await location()
    for (const [args, msg] of [
      [['add-column', 'n', "int comment 'a'", '--doc', 'b'], /^floe: INVALID_ARGUMENT: add-column: the type's comment and --doc differ/],
      [['update-column', 'q', '--type', 'bigint not null'], /^floe: INVALID_ARGUMENT: update-column --type takes a type only: use --required instead of "not null"/],
      [['update-column', 'q', '--type', "bigint comment 'c'"], /^floe: INVALID_ARGUMENT: update-column --type takes a type only: use --doc instead of comment/],
      [['add-column', 'n', 'int not null not null'], /^floe: INVALID_ARGUMENT: "not null" given twice/],
      [['add-column', 'a.`b', 'int'], /^floe: INVALID_ARGUMENT: Cannot parse column name "a\.`b": unterminated quoted name/],
    ] as const) {
      const r = await floe('alter', 'db.x', ...args, ...C)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(msg)
    }
    expect(await location()).toBe(before)
    // a dotted name without --parent is a path: the parent must be a struct
    expect((await floe('alter', 'db.x', 'add-column', 'nope.z', 'int', ...C)).stderr).toMatch(/^floe: VALIDATION: .*nope/)
    expect(await location()).toBe(before)
  })

  it('--case-insensitive and --allow-incompatible reach the schema update', async () => {
    expect((await floe('create', 'db.y', '--schema', 'id bigint not null, Q int', ...C)).code).toBe(0)
    const plain = await floe('alter', 'db.y', 'drop-column', 'q', ...C)
    expect(plain.stderr).toMatch(/^floe: VALIDATION: .*q/)
    const dropped = await floe('alter', 'db.y', 'drop-column', 'q', '--case-insensitive', ...C)
    expect(dropped.code, dropped.stderr).toBe(0)
    expect(((json(dropped.stdout).schema as JsonObject).fields as JsonObject[]).map((f) => f.name)).toEqual(['id'])

    expect((await floe('alter', 'db.y', 'add-column', 'r', 'int', '--required', ...C)).stderr).toMatch(/^floe: VALIDATION: .*default/)
    const added = await floe('alter', 'db.y', 'add-column', 'r', 'int', '--required', '--allow-incompatible', ...C)
    expect(added.code, added.stderr).toBe(0)
    expect(((json(added.stdout).schema as JsonObject).fields as JsonObject[]).find((f) => f.name === 'r')).toMatchObject({ required: true })
  })
})
