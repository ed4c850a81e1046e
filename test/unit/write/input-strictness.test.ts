// Malformed CSV and JSON-lines input is INVALID_DATA naming the file (and row, column or key), never
// silently repaired: unclosed quotes, ragged rows, duplicate header columns, unknown JSON keys, bad UTF-8.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { rowCoercer } from '../../../src/write/coerce.js'
import { csvRows, decodeInputText, jsonlRows } from '../../../src/write/input.js'

const S = parseColumns('id bigint, s string, st struct<a: int, b: string>')
const ONE = parseColumns('s string')
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** The FloeError `f` throws. */
function failure(f: () => unknown): FloeError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(FloeError)
    return e as FloeError
  }
  throw new Error('expected an error')
}

describe('CSV input strictness', () => {
  it('an unclosed quoted field is INVALID_DATA naming the file, the row and the line where the quote opened', () => {
    const e = failure(() => csvRows('id,s\n1,"abc\n2,def\n3,ghi\n', S, 'in.csv'))
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toMatch(/in\.csv row 1: the quoted field opened on line 2 is never closed/)
    expect(e.context).toMatchObject({ file: 'in.csv', row: 1 })
    // a later row, after skipped blank lines and a quoted newline that is closed
    expect(failure(() => csvRows('id,s\n1,"a\nb"\n\n2,x\n3,"oops\n', S, 'in.csv')).message).toMatch(/in\.csv row 3: .* line 6 /)
    // CRLF and CR line ends count one line each, inside quotes and out
    expect(failure(() => csvRows('id,s\r\n1,"a\r\nb"\r\n2,x\r3,"oops\r\n', S, 'in.csv')).message).toMatch(/in\.csv row 3: .* line 5 /)
    // in the header
    expect(failure(() => csvRows('id,"s\n1,2\n', S, 'h.csv')).message).toMatch(/h\.csv header: the quoted field opened on line 1/)
    // one-column files: the row count includes blank (null) rows
    expect(failure(() => csvRows('s\n\nx\n"y\n', ONE, 'o.csv')).message).toMatch(/o\.csv row 3: .* line 4 /)
  })

  it('a closed quote at the very end of the file is still fine', () => {
    expect(csvRows('id,s\n1,"abc\ndef"', S, 'in.csv')).toEqual([{ id: 1n, s: 'abc\ndef' }])
    expect(csvRows('id,s\r\n1,"a""b"\r\n', S, 'in.csv')).toEqual([{ id: 1n, s: 'a"b' }])
  })

  it('a row with more or fewer fields than the header is INVALID_DATA naming the file, row, expected and found counts', () => {
    const more = failure(() => csvRows('id,s\n0,ok\n1,a,zzz\n', S, 'in.csv'))
    expect(more.code).toBe('INVALID_DATA')
    expect(more.message).toMatch(/in\.csv row 2: expected 2 fields \(as in the header\), found 3/)
    expect(more.context).toMatchObject({ file: 'in.csv', row: 2 })
    expect(failure(() => csvRows('id,s\n5\n', S, 'in.csv')).message).toMatch(/in\.csv row 1: expected 2 fields \(as in the header\), found 1/)
    // a trailing comma is one more (empty) field
    expect(failure(() => csvRows('id,s\n5,a,\n', S, 'in.csv')).message).toMatch(/row 1: expected 2 fields .* found 3/)
    expect(failure(() => csvRows('s\na,b\n', ONE, 'o.csv')).message).toMatch(/o\.csv row 1: expected 1 fields .* found 2/)
  })

  it('keeps the documented blank-line rules: a null row with one column, skipped with more', () => {
    expect(csvRows('s\na\n\nb\n', ONE, 'o.csv')).toEqual([{ s: 'a' }, { s: null }, { s: 'b' }])
    expect(csvRows('id,s\n1,a\n\n\n2,b\n', S, 'in.csv')).toEqual([
      { id: 1n, s: 'a' },
      { id: 2n, s: 'b' },
    ])
    // rows are numbered without the skipped blank lines, as before
    expect(failure(() => csvRows('id,s\n1,a\n\n2\n', S, 'in.csv')).message).toMatch(/in\.csv row 2: expected 2 fields/)
  })

  it('a header column given twice is INVALID_DATA naming the file and the column', () => {
    const e = failure(() => csvRows('id,s,s\n1,a,b\n', S, 'in.csv'))
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toMatch(/in\.csv: header column s appears more than once/)
    expect(e.context).toMatchObject({ file: 'in.csv', field: 's' })
    // names are matched trimmed, so ` s` is the same column
    expect(failure(() => csvRows('s, s\n', S, 'in.csv')).message).toMatch(/header column s appears more than once/)
  })

  it('property: a row is accepted exactly when its field count is the header\'s', () => {
    const S3 = parseColumns('a string, b string, c string')
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), (counts) => {
        const body = counts.map((n, r) => Array.from({ length: n }, (_, j) => `v${r}${j}`).join(',')).join('\n')
        const bad = counts.findIndex((n) => n !== 3)
        if (bad < 0) expect(csvRows(`a,b,c\n${body}\n`, S3, 'p.csv')).toHaveLength(counts.length)
        else expect(failure(() => csvRows(`a,b,c\n${body}\n`, S3, 'p.csv')).message).toContain(`p.csv row ${bad + 1}: expected 3 fields (as in the header), found ${counts[bad]}`)
      }),
    )
  })
})

describe('JSON-lines input strictness', () => {
  it('a key that is not a column is INVALID_DATA naming the file, row and key, even when every column is present', () => {
    const e = failure(() => jsonlRows('{"id": 1, "s": "a", "st": null}\n\n{"id": 2, "s": "b", "st": null, "nope": 3}\n', S, 'in.jsonl'))
    expect(e.code).toBe('INVALID_DATA')
    expect(e.message).toMatch(/in\.jsonl row 2 column nope: no such column in the table schema/)
    expect(e.context).toMatchObject({ file: 'in.jsonl', row: 2, field: 'nope' })
    // keys named like Object.prototype members are keys like any other
    expect(failure(() => jsonlRows('{"__proto__": 1}', S, 'a.jsonl')).message).toMatch(/row 1 column __proto__: no such column/)
  })

  it('a struct member that is not in the struct is INVALID_DATA naming its path', () => {
    const e = failure(() => jsonlRows('{"id": 1, "s": "a", "st": {"a": 1, "b": "x", "c": 2}}', S, 'in.jsonl'))
    expect(e.message).toMatch(/in\.jsonl row 1 column st\.c: no such column in the table schema/)
  })

  it('rows with known keys still load, and an absent column is still null', () => {
    const rows = jsonlRows('{"id": 1, "st": {"a": 2}}\n', S, 'in.jsonl')
    expect(rowCoercer(S, 'in.jsonl')(rows[0], 1)).toEqual({ id: 1n, s: null, st: { a: 2, b: null } })
  })
})

describe('UTF-8 input', () => {
  const bad = new Uint8Array([...utf8('id,s\n1,a'), 0xff, ...utf8('b\n')])

  it('invalid UTF-8 is INVALID_DATA naming the file, for CSV and JSON lines', () => {
    for (const [read, name] of [
      [csvRows, 'in.csv'],
      [jsonlRows, 'in.jsonl'],
    ] as const) {
      const e = failure(() => read(bad, S, name))
      expect(e.code).toBe('INVALID_DATA')
      expect(e.message).toContain(`Invalid data in ${name}: the file is not valid UTF-8 text`)
      expect(e.context).toMatchObject({ file: name })
    }
    // a lone surrogate encoded in three bytes, and a truncated sequence at the end
    expect(failure(() => decodeInputText(new Uint8Array([0xed, 0xa0, 0x80]), 'x')).code).toBe('INVALID_DATA')
    expect(failure(() => decodeInputText(new Uint8Array([0x61, 0xe2, 0x82]), 'x')).code).toBe('INVALID_DATA')
  })

  it('valid UTF-8 reads as before; the file\'s leading byte-order mark is skipped, a literal U+FFFD is kept', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('id,s\n1,é\uFFFD\n')])
    expect(csvRows(bom, S, 'in.csv')).toEqual([{ id: 1n, s: 'é\uFFFD' }])
    expect(jsonlRows(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"s": "ü"}\n')]), S, 'in.jsonl')).toEqual([{ s: 'ü' }])
  })

  it('property: any valid string round-trips through decodeInputText', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(decodeInputText(utf8(s), 'p')).toBe(s.startsWith('\uFEFF') ? s.slice(1) : s)
      }),
    )
  })
})

describe('base64 cells', () => {
  const B = parseColumns('b binary, f fixed[2], v variant')
  it('bytes that are not strict base64 are INVALID_DATA naming the file, row and column (they were stored changed)', () => {
    for (const bad of ['%%%', 'hello world', '!!AQI=!!', 'AR==', 'AQI==', '-_8=']) {
      const csv = failure(() => csvRows(`b\n${JSON.stringify(bad)}\n`, B, 'in.csv'))
      expect(csv.code).toBe('INVALID_DATA')
      expect(csv.context).toMatchObject({ file: 'in.csv', row: 1, field: 'b' })
      const jl = failure(() => jsonlRows(`{"b": ${JSON.stringify(bad)}}\n`, B, 'in.jsonl'))
      expect(jl.code).toBe('INVALID_DATA')
      expect(jl.context).toMatchObject({ file: 'in.jsonl', row: 1, field: 'b' })
    }
    expect(failure(() => csvRows('f\n"!!AQI=!!"\n', B, 'in.csv')).context).toMatchObject({ field: 'f' })
    expect(failure(() => jsonlRows('{"v": {"metadata": "AQ==", "value": "%"}}\n', B, 'in.jsonl')).context).toMatchObject({ field: 'v.value' })
  })

  it('padded and unpadded base64 read as the bytes scan printed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (bytes, padded) => {
        const text = Buffer.from(bytes).toString('base64')
        const cell = padded ? text : text.replace(/=+$/, '')
        const [csv] = csvRows(`b\n"${cell}"\n`, B, 'in.csv')
        const [jl] = jsonlRows(`{"b": "${cell}"}\n`, B, 'in.jsonl')
        expect(csv!.b).toEqual(new Uint8Array(bytes))
        expect(jl!.b).toEqual(new Uint8Array(bytes))
      }),
    )
  })
})
