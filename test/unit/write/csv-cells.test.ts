// CSV cells by column type: blank (empty or whitespace-only) cells are null outside string/binary columns;
// numbers are decimal text only (no hex, binary or octal literals, no `Number('')` zero), with NaN and
// Inf/Infinity for floats; a bad cell is INVALID_DATA naming the file, row and column.
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { rowCoercer } from '../../../src/write/coerce.js'
import { csvRows } from '../../../src/write/input.js'

const S = parseColumns('id int not null, d double, f float, i int, l bigint, b boolean, dt date, dec decimal(5, 2), s string, raw binary')

function cells(column: string, ...values: string[]): unknown[] {
  return csvRows(`id,${column}\n${values.map((v, n) => `${n},${v}`).join('\n')}\n`, S, 'in.csv').map((r) => r[column])
}

function failure(f: () => unknown): FloeError {
  try {
    f()
  } catch (e) {
    if (e instanceof FloeError) return e
    throw e
  }
  throw new Error('expected an error')
}

describe('CSV numeric cells', () => {
  it('a blank cell is null in non-string columns; strings keep their whitespace', () => {
    for (const c of ['d', 'f', 'i', 'l', 'b', 'dt', 'dec']) expect(cells(c, '', ' ', '\t  '), c).toEqual([null, null, null])
    expect(cells('s', '', ' ')).toEqual([null, ' '])
    // a blank required column is then a missing required value
    const rows = csvRows('id,d\n ,1\n', S, 'in.csv')
    expect(failure(() => rowCoercer(S, 'in.csv')(rows[0], 1)).message).toMatch(/in\.csv row 1 column id: required value is missing/)
  })

  it('doubles and floats: decimal notation, exponents, NaN and ±Inf/Infinity in any case; floats rounded to 32 bits', () => {
    expect(cells('d', '1.5', ' -2 ', '+.5', '7.', '1e3', '-1.25E-2', 'NaN', 'nan', 'Infinity', '-Infinity', '+inf', '-Inf')).toEqual([
      1.5, -2, 0.5, 7, 1000, -0.0125, Number.NaN, Number.NaN, Infinity, -Infinity, Infinity, -Infinity,
    ])
    expect(cells('f', '0.1', '-0', '3.4028235e38', '1e39')).toEqual([Math.fround(0.1), -0, 3.4028234663852886e38, Infinity])
    expect(Object.is(cells('f', '-0')[0], -0)).toBe(true)
  })

  it('hex, binary and octal literals and other non-decimal text are INVALID_DATA naming file, row and column', () => {
    for (const column of ['d', 'f']) {
      for (const bad of ['0x1F', '0b11', '0o7', '1.5d', '1e', '.', '1,5', 'Infinityx', '--1', '1_000']) {
        const e = failure(() => csvRows(`id,${column}\n1,"${bad}"\n`, S, 'in.csv'))
        expect(e.code, bad).toBe('INVALID_DATA')
        expect(e.context, bad).toEqual({ file: 'in.csv', row: 1, field: column })
        expect(e.message, bad).toContain(`in.csv row 1 column ${column}: expected a decimal number, NaN or Infinity, got ${JSON.stringify(bad)}`)
      }
    }
  })

  it('ints and longs: optional sign and digits only, exact; -0 is 0', () => {
    expect(cells('i', '7', ' +7 ', '-2147483648')).toEqual([7, 7, -2147483648])
    expect(cells('l', '9223372036854775807', '-0', '+1')).toEqual([9223372036854775807n, 0n, 1n])
    expect(Object.is(rowCoercer(S)(csvRows('id,i\n-0,-0\n', S, 'in.csv')[0], 1).i, 0)).toBe(true)
    for (const column of ['i', 'l']) {
      for (const bad of ['0x10', '0b1', '1e3', '1.0', 'Infinity', 'NaN', '1 2']) {
        const e = failure(() => csvRows(`id,${column}\n1,${bad}\n`, S, 'in.csv'))
        expect(e.context, bad).toEqual({ file: 'in.csv', row: 1, field: column })
        expect(e.message, bad).toMatch(new RegExp(`column ${column}: expected an integer`))
      }
    }
    // out of range is the coercer's error, with the exact digits
    const big = csvRows('id,i\n1,99999999999999999999\n', S, 'in.csv')[0]
    expect(failure(() => rowCoercer(S, 'in.csv')(big, 1)).message).toMatch(/column i: expected a 32-bit integer for int, got bigint 99999999999999999999/)
  })
})
