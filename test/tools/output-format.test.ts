// CLI output formats on real tables: CSV that `append` reads back exactly (empty string vs null, one-column
// blank rows), metadata tables typed by their schema like `scan`, headers for empty results, table cells cut
// by code point with control characters escaped, and a closed stdout pipe ending the process quietly.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { parseCsv } from '../../src/write/csv-input.js'
import { tempDir } from '../support/catalogs.js'
import { floe } from '../support/cli.js'
import { REPO_ROOT } from '../support/corpus.js'
import { displayWidth } from '../../tools/output.js'

const dir = tempDir('floe-cli-out-')
const C = ['--catalog', `file:${join(dir, 'wh')}`]
const lines = (s: string): JsonObject[] => s.trim().split('\n').filter(Boolean).map((l) => parseJson(l) as JsonObject)
let fileNo = 0

async function ok(...argv: string[]): Promise<string> {
  const r = await floe(...argv, ...C)
  if (r.code !== 0) throw new Error(`floe ${argv.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** A new table `db.<name>` holding `rows` (JSON lines written with JSON.stringify). */
async function table(name: string, schema: string, rows: readonly object[]): Promise<string> {
  const t = `db.${name}`
  await ok('create', t, '--schema', schema)
  if (rows.length) {
    const f = join(dir, `in-${fileNo++}.jsonl`)
    writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
    await ok('append', t, f)
  }
  return t
}

/** Append a file with `text` (named with `ext`) to `t`. */
async function appendText(t: string, text: string, ext: string): Promise<void> {
  const f = join(dir, `in-${fileNo++}.${ext}`)
  writeFileSync(f, text)
  await ok('append', t, f)
}

await ok('create-namespace', 'db')

describe('scan --format csv', () => {
  it('writes an empty string as "" and null as an empty cell, and append reads them back', async () => {
    const t = await table('s1', 's string', [{ s: '' }, { s: null }, { s: 'a' }])
    const csv = await ok('scan', t, '--format', 'csv')
    expect(csv).toBe('s\n""\n\na\n')
    const copy = await table('s1copy', 's string', [])
    await appendText(copy, csv, 'csv')
    expect(lines(await ok('scan', copy))).toEqual([{ s: '' }, { s: null }, { s: 'a' }])
  })

  it('writes empty binary as "" and null binary as an empty cell', async () => {
    const t = await table('b1', 'id int, b binary', [
      { id: 1, b: '' },
      { id: 2, b: null },
    ])
    expect(await ok('scan', t, '--format', 'csv')).toBe('id,b\n1,""\n2,\n')
  })

  it('round-trips any strings, bytes and nulls through scan --format csv and append (property)', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('', '"', '""', ',', '\n', '\r\n', '\r', ' ', ' x ', '😀', 'a,"b"\nc', '\u0000', '\u2028'),
    )
    const str = fc.option(text, { nil: null })
    const bytes = fc.option(
      fc.uint8Array({ maxLength: 5 }).map((b) => Buffer.from(b).toString('base64')),
      { nil: null },
    )
    let n = 0
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ s: str, t: str, b: bytes }), { maxLength: 6 }), fc.boolean(), async (rows, oneColumn) => {
        const k = n++
        const schema = oneColumn ? 's string' : 's string, t string, b binary'
        const data = oneColumn ? rows.map((r) => ({ s: r.s })) : rows
        const src = await table(`p${k}`, schema, data)
        const before = await ok('scan', src)
        const copy = await table(`p${k}copy`, schema, [])
        await appendText(copy, await ok('scan', src, '--format', 'csv'), 'csv')
        expect(await ok('scan', copy)).toBe(before)
        expect(lines(before)).toHaveLength(rows.length)
      }),
      { numRuns: 25 },
    )
  }, 120_000)
})

const TYPED = 'id int, x double, dec decimal(9,2), d date, ts timestamp, tz timestamptz, u uuid, b binary, s string'
const SAME = {
  dec: '12.30',
  d: '2024-01-02',
  ts: '2024-01-02T03:04:05.123456',
  tz: '2024-01-02T03:04:05.123456+00:00',
  u: 'f79c3e09-677c-4bbd-a479-3f349cb785e7',
  b: 'AQI=',
  s: 'hello',
}

describe('metadata tables use scan encoding', () => {
  it('prints readable_metrics bounds as scan prints the column values (decimals, dates, timestamps, uuid, base64, -Infinity)', async () => {
    const t = await table('typed', TYPED, [
      { id: 1, x: '-Infinity', ...SAME },
      { id: 2, x: -0.0, ...SAME },
    ])
    const scanned = lines(await ok('scan', t))
    const filesText = await ok('files', t)
    const [file] = lines(filesText)
    const metrics = file!.readable_metrics as Record<string, JsonObject>
    for (const c of Object.keys(SAME)) {
      expect(metrics[c]!.lower_bound, c).toEqual(scanned[0]![c])
      expect(metrics[c]!.upper_bound, c).toEqual(scanned[0]![c])
    }
    expect(metrics.x!.lower_bound).toBe('-Infinity')
    // the upper bound is -0.0, printed exactly as scan prints that value
    const scanText = await ok('scan', t, '--filter', 'id = 2', '--columns', 'x')
    const negZero = /"x":(.*)\}/.exec(scanText)![1]!
    expect(filesText).toMatch(new RegExp(`"upper_bound":${negZero.replace(/[.+-]/g, '\\$&')}[,}]`))
    // maps with int keys and binary values as scan prints map<int, binary>
    expect((file!.lower_bounds as JsonObject[]).find((e) => e.key === 9)).toEqual({ key: 9, value: 'aGVsbG8=' })
  })

  it('prints snapshot and history times as ISO timestamps in jsonl, csv and table formats', async () => {
    const t = await table('times', 'id int', [{ id: 1 }])
    const [snap] = lines(await ok('snapshots', t))
    const iso = snap!.committed_at as string
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/)
    const csv = parseCsv(await ok('history', t, '--format', 'csv'))
    expect(csv[0]).toEqual(['made_current_at', 'snapshot_id', 'parent_id', 'is_current_ancestor'])
    expect(csv[1]![0]).toBe(iso)
    expect(csv[1]![2]).toBe('')
    expect(await ok('history', t, '--format', 'table')).toContain(iso)
  })

  it('prints typed csv cells for the files table', async () => {
    const t = await table('typedcsv', 'x double', [{ x: '-Infinity' }])
    const [header, row] = parseCsv(await ok('files', t, '--format', 'csv'))
    const metrics = JSON.parse(row![header!.indexOf('readable_metrics')]!) as Record<string, Record<string, unknown>>
    expect(metrics.x!.lower_bound).toBe('-Infinity')
  })

  it('prints the header from the schema when a metadata table has no rows', async () => {
    const t = await table('empty', 'id int', [])
    const csv = await ok('files', t, '--format', 'csv')
    expect(csv.split('\n')[0]).toMatch(/^content,file_path,file_format,spec_id,record_count,file_size_in_bytes,/)
    expect(csv.trim().split('\n')).toHaveLength(1)
    expect(await ok('snapshots', t, '--format', 'csv')).toBe('committed_at,snapshot_id,parent_id,operation,manifest_list,summary\n')
    const tab = (await ok('snapshots', t, '--format', 'table')).trimEnd().split('\n')
    expect(tab[0]).toMatch(/^committed_at +\| snapshot_id +\| parent_id/)
    expect(tab.at(-1)).toBe('(0 rows)')
  })
})

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const codePoints = (s: string): number => [...s].length

describe('scan --format table', () => {
  it('cuts long cells at 60 terminal columns, never inside a surrogate pair or a wide character', async () => {
    const t = await table('wide', 's string', [{ s: `${'a'.repeat(57)}😀tail` }, { s: `${'a'.repeat(58)}😀tail` }])
    const out = (await ok('scan', t, '--format', 'table')).split('\n')
    expect(out.join('\n')).not.toMatch(LONE_SURROGATE)
    // the emoji takes two columns: it fits after 57 columns, and after 58 it would cross the cut
    expect(out[2]).toBe(`${'a'.repeat(57)}😀…`)
    expect(out[3]).toBe(`${'a'.repeat(58)} …`)
  })

  it('aligns columns by display width: CJK and emoji take two columns, combining marks none', async () => {
    // widths known by construction: ASCII 1, Han/Hangul/kana/fullwidth 2, a combining acute 0
    const values = [
      { s: '漢字', w: 4 },
      { s: 'e\u0301te\u0301', w: 3 },
      { s: '한국어', w: 6 },
      { s: 'ｶﾀｶﾅ', w: 4 },
      { s: 'ab', w: 2 },
      // emoji sequences are one picture of two columns: a ZWJ family, a skin tone, emoji presentation, a flag
      { s: '👨\u200d👩\u200d👧', w: 2 },
      { s: '👍🏽', w: 2 },
      { s: '\u2764\ufe0f', w: 2 },
      { s: '🇫🇷', w: 2 },
      // conjoining Hangul jamo make one syllable
      { s: '\u1112\u1161\u11ab', w: 2 },
    ]
    const t = await table('cjk', 'id int, s string, n int', values.map((v, i) => ({ id: i, s: v.s, n: i })))
    const out = (await ok('scan', t, '--format', 'table')).trimEnd().split('\n')
    const width = Math.max(...values.map((v) => v.w))
    for (const [i, v] of values.entries()) {
      const line = out.find((l) => l.startsWith(`${i}  | ${v.s}`))!
      // the cell is padded with (width − its width) spaces, so the next column starts at the same place
      expect(line).toBe(`${i}  | ${v.s}${' '.repeat(width - v.w)} | ${i}`)
    }
  })

  it('tells null (NULL) from an empty string (empty cell), nested columns included', async () => {
    const t = await table('nulls', 'id int, s string, l array<int>', [
      { id: 1, s: '', l: [] },
      { id: 2, s: null, l: null },
    ])
    const out = (await ok('scan', t, '--format', 'table')).trimEnd().split('\n')
    expect(out.slice(2, 4).map((l) => l.split(' | ').map((c) => c.trimEnd()))).toEqual([
      ['1', '', '[]'],
      ['2', 'NULL', 'NULL'],
    ])
  })

  it('cuts between grapheme clusters: no dangling joiner or half flag', async () => {
    const family = '👨\u200d👩\u200d👧'
    const t = await table('emoji', 's string', [{ s: family.repeat(31) }, { s: '🇫🇷'.repeat(31) }])
    const out = (await ok('scan', t, '--format', 'table')).split('\n')
    // 29 pictures (58 columns) fit before the cut at 59, a space pads, then the ellipsis
    expect(out[2]).toBe(`${family.repeat(29)} …`)
    expect(out[3]).toBe(`${'🇫🇷'.repeat(29)} …`)
  })

  it('escapes bidi controls, which would reorder the line on screen', async () => {
    const t = await table('bidi', 'id int, s string', [{ id: 1, s: 'a\u202eb\u2066c\u200fd\u061ce' }])
    const out = (await ok('scan', t, '--format', 'table')).trimEnd().split('\n')
    expect(out[2]).toBe('1  | a\\u202eb\\u2066c\\u200fd\\u061ce')
  })

  it('shows newlines, tabs and control characters escaped, keeping one line per row', async () => {
    const t = await table('ctl', 'id int, s string', [{ id: 1, s: 'a\nb\tc\r\u0001' }])
    const out = (await ok('scan', t, '--format', 'table')).trimEnd().split('\n')
    expect(out).toHaveLength(4)
    expect(out[2]).toBe('1  | a\\nb\\tc\\r\\u0001')
    // csv and jsonl keep the text as it is
    expect(lines(await ok('scan', t))[0]!.s).toBe('a\nb\tc\r\u0001')
  })

  it('lays out any strings as aligned single lines of whole code points (property)', async () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 70 }), fc.constantFrom('😀'.repeat(61), 'x\ny', '\u2028', 'é'.repeat(65)))
    const rows = fc.sample(fc.array(value, { minLength: 1, maxLength: 8 }), { numRuns: 1, seed: 42 })[0]!
    const all = [...rows, ...fc.sample(value, { numRuns: 40, seed: 7 })]
    const t = await table('tprop', 's string', all.map((s) => ({ s })))
    const out = (await ok('scan', t, '--format', 'table')).trimEnd().split('\n')
    expect(out).toHaveLength(all.length + 3)
    expect(out.join('\n')).not.toMatch(LONE_SURROGATE)
    const width = codePoints(out[1]!)
    expect(width).toBeLessThanOrEqual(60)
    for (const l of out.slice(2, -1)) {
      expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      // every line is as wide as the rule (the width of each character is checked by the example above)
      expect(displayWidth(l)).toBe(width)
    }
  })
})

describe('a closed stdout pipe', () => {
  it('ends `floe scan` quietly with status 0 when the reader goes away', async () => {
    const t = await table('many', 'id int, s string', Array.from({ length: 4000 }, (_, i) => ({ id: i, s: 'v'.repeat(100) })))
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli.ts', 'scan', t, ...C], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  }, 60_000)
})
