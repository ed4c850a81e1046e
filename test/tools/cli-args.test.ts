// CLI argument and input handling: missing input files are NOT_FOUND naming the file; a bad input row is named
// by its own file and row however many files an append reads; `alter --default` reads the text by the
// column's type; empty `scan` option values are INVALID_ARGUMENT naming the option.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
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

describe('append input files', () => {
  const dir = tempDir('floe-cli-fix-b-in-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('a missing input file is NOT_FOUND naming it, a folder is INVALID_ARGUMENT naming it; nothing is committed', async () => {
    await ok('create-namespace', 'db', ...C)
    await ok('create', 'db.m', '--schema', 'id int', ...C)
    const good = join(dir, 'good.jsonl')
    writeFileSync(good, '{"id":1}\n')
    const missing = join(dir, 'does-not-exist.csv')
    const r = await floe('append', 'db.m', good, missing, ...C)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^floe: NOT_FOUND: /)
    expect(r.stderr).toContain(missing)
    expect(r.stderr).not.toMatch(/INTERNAL|ENOENT|\n\s+at /)
    const folder = join(dir, 'folder.csv')
    mkdirSync(folder)
    const d = await floe('append', 'db.m', folder, ...C)
    expect(d.code).toBe(2)
    expect(d.stderr).toMatch(/^floe: INVALID_ARGUMENT: Input .* is a folder/)
    expect(d.stderr).toContain(folder)
    expect(d.stderr).not.toMatch(/INTERNAL|\n\s+at /)
    expect(json(await ok('describe', 'db.m', ...C)).currentSnapshotId ?? null).toBe(null)
    expect((await ok('scan', 'db.m', ...C)).trim()).toBe('')
  })

  it('a bad row names its own file and row number, for any number of csv, jsonl and parquet files', async () => {
    await ok('create', 'db.r', '--schema', 'id int not null, s string', ...C)
    // Parquet inputs: data files of a table whose id is optional, one with a null id in its second row
    await ok('create', 'db.src', '--schema', 'id int, s string', ...C)
    const parquet = (name: string, rows: string): string => {
      const f = join(dir, `${name}.jsonl`)
      writeFileSync(f, rows)
      return f
    }
    await ok('append', 'db.src', parquet('pgood', '{"id":1,"s":"a"}\n{"id":2,"s":"b"}\n'), ...C)
    const dataDir = join(dir, 'wh', 'db', 'src', 'data')
    const parquetFiles = (): string[] => readdirSync(dataDir).filter((f) => f.endsWith('.parquet'))
    const goodParquet = join(dir, 'good.parquet')
    copyFileSync(join(dataDir, parquetFiles()[0]!), goodParquet)
    const seen = new Set(parquetFiles())
    await ok('append', 'db.src', parquet('pbad', '{"id":3,"s":"c"}\n{"id":null,"s":"d"}\n{"id":5,"s":"e"}\n'), ...C)
    const badParquet = join(dir, 'bad.parquet')
    copyFileSync(join(dataDir, parquetFiles().find((f) => !seen.has(f))!), badParquet)
    const r = await floe('append', 'db.r', goodParquet, goodParquet, goodParquet, ...C)
    expect(r.code, r.stderr).toBe(0)
    const p = await floe('append', 'db.r', goodParquet, badParquet, goodParquet, ...C)
    expect(p.code).toBe(1)
    expect(p.stderr).toMatch(/^floe: INVALID_DATA: /)
    expect(p.stderr).toContain(`${badParquet} row 2 column id`)

    let k = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ format: fc.constantFrom('csv', 'jsonl'), good: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        async (files, pick, at) => {
          const badFile = pick % files.length
          const paths = files.map((f, i) => {
            const ids = Array.from({ length: f.good }, (_, j) => i * 10 + j)
            const badRow = i === badFile ? at % (f.good + 1) : -1
            const rows: Array<number | null> = [...ids]
            if (badRow >= 0) rows.splice(badRow, 0, null)
            const path = join(dir, `in-${k++}.${f.format}`)
            writeFileSync(path, f.format === 'csv' ? `id,s\n${rows.map((x) => `${x ?? ''},v`).join('\n')}\n` : rows.map((x) => `{"id":${x === null ? 'null' : x},"s":"v"}\n`).join(''))
            return { path, badRow }
          })
          const res = await floe('append', 'db.r', ...paths.map((x) => x.path), ...C)
          expect(res.code).toBe(1)
          const bad = paths[badFile]!
          expect(res.stderr).toMatch(/^floe: INVALID_DATA: /)
          expect(res.stderr).toContain(`${bad.path} row ${bad.badRow + 1} column id`)
          expect(res.stderr).not.toMatch(/ rows row /)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('alter --default by column type', () => {
  const dir = tempDir('floe-cli-fix-b-alter-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]
  const field = (out: string, name: string): JsonObject => ((json(out).schema as JsonObject).fields as JsonObject[]).find((f) => f.name === name)!

  it('takes string text as is, unquotes a JSON string, and reads decimals and longs exactly', async () => {
    await ok('create-namespace', 'db', ...C)
    await ok('create', 'db.v', '--schema', 'id int', '--format-version', '3', ...C)
    expect(field(await ok('alter', 'db.v', 'add-column', 'code', 'string', '--default', '123', ...C), 'code')['initial-default']).toBe('123')
    expect(field(await ok('alter', 'db.v', 'add-column', 'q', 'string', '--default', '"quoted"', ...C), 'q')['initial-default']).toBe('quoted')
    expect(field(await ok('alter', 'db.v', 'add-column', 'j', 'string', '--default', '{"a": 1}', ...C), 'j')['initial-default']).toBe('{"a": 1}')
    expect(field(await ok('alter', 'db.v', 'add-column', 'e', 'string', '--default', '', ...C), 'e')['initial-default']).toBe('')
    expect(field(await ok('alter', 'db.v', 'add-column', 'amt', 'decimal(20,2)', '--default', '12345678901234567.89', ...C), 'amt')['initial-default']).toBe('12345678901234567.89')
    expect(field(await ok('alter', 'db.v', 'add-column', 'small', 'decimal(9,2)', '--default', '1.5', ...C), 'small')['initial-default']).toBe('1.50')
    expect(field(await ok('alter', 'db.v', 'add-column', 'big', 'long', '--default', '9007199254740993', ...C), 'big')['initial-default']).toBe(9007199254740993n)
    expect(field(await ok('alter', 'db.v', 'add-column', 'day', 'date', '--default', '2024-02-29', ...C), 'day')['initial-default']).toBe('2024-02-29')
    expect(field(await ok('alter', 'db.v', 'update-column', 'code', '--default', '456', ...C), 'code')['write-default']).toBe('456')
    expect(field(await ok('alter', 'db.v', 'update-column', 'amt', '--default=-0.01', ...C), 'amt')['write-default']).toBe('-0.01')
  })

  it('a value that does not fit the type is INVALID_ARGUMENT naming the column, and nothing is committed', async () => {
    await ok('create', 'db.w', '--schema', 'id int, d decimal(9,2), s struct<n: int>', '--format-version', '3', ...C)
    const before = json(await ok('describe', 'db.w', ...C)).metadataLocation
    const cases: Array<[string[], string]> = [
      [['add-column', 'n', 'int', '--default', 'abc'], 'n'],
      [['add-column', 'n', 'int', '--default', '99999999999'], 'n'],
      [['add-column', 'n', 'int', '--default', '1.5'], 'n'],
      [['add-column', 'n', 'long', '--default', '9223372036854775808'], 'n'],
      [['add-column', 'n', 'decimal(9,2)', '--default', '1.555'], 'n'],
      [['add-column', 'n', 'decimal(9,2)', '--default', '12345678.9'], 'n'],
      [['add-column', 'n', 'decimal(9,2)', '--default', '1e999999999'], 'n'],
      [['add-column', 'n', 'decimal(9,2)', '--default', 'x'], 'n'],
      [['add-column', 'n', 'date', '--default', '2023-02-29'], 'n'],
      [['add-column', 'n', 'boolean', '--default', 'yes'], 'n'],
      [['add-column', 'n', 'int', '--parent', 's', '--default', 'x'], 's.n'],
      [['update-column', 'd', '--default', '0.001'], 'd'],
      [['update-column', 'd', '--default=-0.001'], 'd'],
    ]
    for (const [args, column] of cases) {
      const r = await floe('alter', 'db.w', ...args, ...C)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: --default for column ${column.replace('.', '\\.')}: `))
    }
    expect(json(await ok('describe', 'db.w', ...C)).metadataLocation).toBe(before)
  })

  it('a random decimal keeps every digit', async () => {
    await ok('create', 'db.x', '--schema', 'id int', '--format-version', '3', ...C)
    let i = 0
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 10 }), async (unscaled, scale) => {
        const neg = unscaled < 0n
        const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
        const text = `${neg ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`
        const out = await ok('alter', 'db.x', 'add-column', `c${i++}`, `decimal(38,${scale})`, `--default=${text}`, ...C)
        expect(field(out, `c${i - 1}`)['initial-default']).toBe(text)
      }),
      { numRuns: 15 },
    )
  })
})

describe('scan option values', () => {
  const dir = tempDir('floe-cli-fix-b-scan-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('an empty or blank --limit, --columns (or an empty name in it) or --filter is INVALID_ARGUMENT naming the option', async () => {
    await ok('create-namespace', 'db', ...C)
    await ok('create', 'db.t', '--schema', 'id int, s string', ...C)
    const f = join(dir, 'a.jsonl')
    writeFileSync(f, '{"id":1,"s":"a"}\n{"id":2,"s":"b"}\n')
    await ok('append', 'db.t', f, ...C)
    const cases: Array<[string[], string]> = [
      [['--limit='], '--limit'],
      [['--limit', ' '], '--limit'],
      [['--limit', '1e1'], '--limit'],
      [['--limit=-1'], '--limit'],
      [['--limit', '1.5'], '--limit'],
      [['--columns='], '--columns'],
      [['--columns', ','], '--columns'],
      [['--columns', ' '], '--columns'],
      [['--columns', 'id,'], '--columns'],
      [['--columns', 'id,,s'], '--columns'],
      [['--filter='], '--filter'],
      [['--filter', '  '], '--filter'],
    ]
    for (const [args, option] of cases) {
      const r = await floe('scan', 'db.t', ...args, ...C)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^floe: INVALID_ARGUMENT: ${option} `))
    }
    expect((await ok('scan', 'db.t', '--limit', '1', ...C)).trim().split('\n')).toHaveLength(1)
    expect((await ok('scan', 'db.t', '--limit', '0', ...C)).trim()).toBe('')
    expect((await ok('scan', 'db.t', '--limit', '99999999999999999999', ...C)).trim().split('\n')).toHaveLength(2)
    expect((await ok('scan', 'db.t', '--columns', ' s , id ', '--filter', 'id = 2', ...C)).trim()).toBe('{"s":"b","id":2}') // names trimmed, printed in --columns order
  })
})
