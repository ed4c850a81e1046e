// CSV input tells an empty string from null: `""` is an empty string (or empty bytes), an empty unquoted
// field is null, and in a one-column file a line with nothing on it is a null row, not a skipped line.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseColumns } from '../../../src/spec/ddl.js'
import { csvRows, parseCsv, parseCsvFields } from '../../../src/write/csv-input.js'

const ONE = parseColumns('s string')
const BIN = parseColumns('b binary')
const MANY = parseColumns('id int, s string, b binary, d double')

describe('CSV empty strings and nulls', () => {
  it('reads a quoted empty field as an empty string and an unquoted empty field as null', () => {
    expect(csvRows('id,s\n1,""\n2,\n3,a\n', MANY, 'in.csv').map((r) => r.s)).toEqual(['', null, 'a'])
    expect(parseCsvFields('"",\n')).toEqual([[{ text: '', quoted: true }, { text: '', quoted: false }]])
  })

  it('reads a quoted empty binary field as empty bytes and an unquoted one as null', () => {
    expect(csvRows('b\n""\n\nAQI=\n', BIN, 'in.csv').map((r) => r.b)).toEqual([new Uint8Array(0), null, new Uint8Array([1, 2])])
    expect(csvRows('id,b\n1,""\n2,\n', MANY, 'in.csv').map((r) => r.b)).toEqual([new Uint8Array(0), null])
  })

  it('keeps a quoted empty field null in columns that are not strings or bytes', () => {
    expect(csvRows('id,d\n1,""\n', MANY, 'in.csv')[0]).toEqual({ id: 1, d: null })
  })

  it('keeps blank lines of a one-column file as null rows, but not the final newline', () => {
    expect(csvRows('s\n""\n\na\n', ONE, 'in.csv').map((r) => r.s)).toEqual(['', null, 'a'])
    expect(csvRows('s\na\n\n', ONE, 'in.csv').map((r) => r.s)).toEqual(['a', null])
    expect(csvRows('s\r\n\r\n\r\n', ONE, 'in.csv').map((r) => r.s)).toEqual([null, null])
    expect(csvRows('s\n\n', ONE, 'in.csv').map((r) => r.s)).toEqual([null])
    expect(csvRows('s\na', ONE, 'in.csv').map((r) => r.s)).toEqual(['a'])
    expect(csvRows('s\n""', ONE, 'in.csv').map((r) => r.s)).toEqual([''])
    expect(csvRows('s\n', ONE, 'in.csv')).toEqual([])
  })

  it('still skips blank lines between records of a file with several columns', () => {
    expect(csvRows('id,s\n1,a\n\n2,b\n\n', MANY, 'in.csv')).toEqual([
      { id: 1, s: 'a' },
      { id: 2, s: 'b' },
    ])
    expect(parseCsv('a\n\nb\n')).toEqual([['a'], ['b']])
  })

  it('reads back any one-column list of strings and nulls written with quoted empties (property)', () => {
    const cell = (v: string | null): string => (v === null ? '' : v === '' || /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
    const value = fc.option(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', '"', ',', '\n', '\r\n', '\r', ' ', '😀')), { nil: null })
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), fc.boolean(), (values, finalNewline) => {
        const body = values.map((v) => `${cell(v)}\n`).join('')
        const text = `s\n${finalNewline ? body : body.replace(/\n$/, '')}`
        // without the final newline, a trailing null row is the unterminated empty line and is not a record
        const expected = !finalNewline && values.at(-1) === null ? values.slice(0, -1) : values
        expect(csvRows(text, ONE, 'p.csv').map((r) => r.s)).toEqual(expected)
      }),
    )
  })
})
