// `floe append` refuses malformed CSV and JSON-lines files with INVALID_DATA naming the file, and commits nothing.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

describe('CLI input strictness', () => {
  const dir = tempDir('floe-strict-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('an unclosed quote, a ragged row, a duplicate header column and an unknown JSON key each fail; the table stays empty', async () => {
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id bigint, s string', ...C)).code).toBe(0)
    const cases: [string, string, RegExp][] = [
      ['quote.csv', 'id,s\n1,"abc\n2,def\n3,ghi\n', /quote\.csv row 1: the quoted field opened on line 2 is never closed/],
      ['more.csv', 'id,s\n1,a,zzz\n', /more\.csv row 1: expected 2 fields \(as in the header\), found 3/],
      ['fewer.csv', 'id,s\n1,a\n5\n', /fewer\.csv row 2: expected 2 fields \(as in the header\), found 1/],
      ['dup.csv', 'id,s,s\n1,a,b\n', /dup\.csv: header column s appears more than once/],
      ['key.jsonl', '{"id": 1, "s": "a", "extra": true}\n', /key\.jsonl row 1 column extra: no such column/],
      ['bad-utf8.csv', 'id,s\n1,\u0000\n', /bad-utf8\.csv: the file is not valid UTF-8 text/],
    ]
    for (const [name, body, message] of cases) {
      const file = join(dir, name)
      // (the NUL in bad-utf8.csv becomes a 0xff byte: invalid UTF-8)
      writeFileSync(file, name === 'bad-utf8.csv' ? Buffer.from(body.replace('\u0000', '\u00ff'), 'latin1') : body)
      const r = await floe('append', 'db.t', file, ...C)
      expect(r.code, name).toBe(1)
      expect(r.stderr, name).toMatch(/INVALID_DATA/)
      expect(r.stderr, name).toMatch(message)
    }
    const scan = await floe('scan', 'db.t', ...C)
    expect(scan.code).toBe(0)
    expect(scan.stdout.trim()).toBe('')
  })
})
