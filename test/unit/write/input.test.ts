// Input files for CLI writes: CSV (RFC 4180), JSON lines with exact longs, Parquet by field id or name.
import { describe, expect, it } from 'vitest'
import { csvRows, inputFormatOf, jsonlRows, parquetRows, parseCsv } from '../../../src/write/input.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { writeParquet } from '../../../src/parquet/hyparquet-writer.js'
import { rowCoercer } from '../../../src/write/coerce.js'

const schema = parseColumns('id bigint not null, name string, ok boolean, score double, raw binary, tags array<int>')

describe('input files', () => {
  it('parses RFC 4180 CSV: quotes, doubled quotes, embedded newlines, CRLF', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\n"multi\nline",\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
      ['multi\nline', ''],
    ])
  })

  it('types CSV cells by the schema (empty is null, longs exact, base64 binary)', () => {
    const rows = csvRows('id,name,ok,score,raw\n9007199254740993,a,true,1.5,AQI=\n2,,FALSE,NaN,\n', schema, 'in.csv')
    expect(rows[0]).toEqual({ id: 9007199254740993n, name: 'a', ok: true, score: 1.5, raw: new Uint8Array([1, 2]) })
    expect(rows[1]!.name).toBeNull()
    expect(rows[1]!.ok).toBe(false)
    expect(Number.isNaN(rows[1]!.score)).toBe(true)
    expect(() => csvRows('id\nabc\n', schema, 'in.csv')).toThrow(/in\.csv row 1 column id: expected an integer/)
    expect(() => csvRows('nope\n1\n', schema, 'in.csv')).toThrow(/header column nope is not a column/)
    expect(() => csvRows('tags\n1\n', schema, 'in.csv')).toThrow(/nested columns cannot be loaded from CSV/)
  })

  it('reads JSON lines with exact longs and nested values', () => {
    const rows = jsonlRows('{"id":9223372036854775807,"tags":[1,2],"raw":"AQI="}\n\n{"id":1,"name":"x"}\n', schema, 'in.jsonl')
    expect(rows).toEqual([{ id: 9223372036854775807n, tags: [1, 2], raw: new Uint8Array([1, 2]) }, { id: 1n, name: 'x' }])
    const coerce = rowCoercer(schema, 'in.jsonl')
    expect(coerce(rows[1], 2).id).toBe(1n)
    expect(() => jsonlRows('[1]\n', schema, 'in.jsonl')).toThrow(/in\.jsonl row 1: expected a JSON object/)
    expect(() => jsonlRows('{"id":\n', schema, 'in.jsonl')).toThrow(/in\.jsonl line 1/)
  })

  it('reads Parquet written with field ids', async () => {
    const coerce = rowCoercer(schema)
    const input = [coerce({ id: 5n, name: 'p', ok: null, score: 2, raw: null, tags: [3] }, 1)]
    const { bytes } = await writeParquet(schema, input)
    expect(await parquetRows(bytes, schema, 'in.parquet')).toEqual([{ id: 5n, name: 'p', ok: null, score: 2, raw: null, tags: [3] }])
  })

  it('tells formats from file names', () => {
    expect(['a.csv', 'b.JSONL', 'c.ndjson', 'd.parquet'].map(inputFormatOf)).toEqual(['csv', 'jsonl', 'jsonl', 'parquet'])
    expect(() => inputFormatOf('x.txt')).toThrow(/--input-format/)
  })
})
