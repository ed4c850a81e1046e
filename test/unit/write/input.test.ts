// Input files for CLI writes: CSV (RFC 4180), JSON lines with exact longs, Parquet by column name (ids in an
// input file belong to the table that wrote it), with columns the table lacks refused and write conversions
// only (input files written by DuckDB, an independent writer).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { duckdb } from '../../support/corpus/duckdb.js'
import { tempDir } from '../../support/catalogs.js'
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

  describe('Parquet input files (DuckDB-written)', () => {
    const dir = tempDir('floe-pqin-')
    let n = 0
    async function duckFile(select: string, options = ''): Promise<Uint8Array> {
      const c = await duckdb()
      const f = join(dir, `in${n++}.parquet`)
      await c.run(`COPY (${select}) TO '${f}' (FORMAT parquet${options})`)
      return readFileSync(f)
    }
    async function refused(bytes: Uint8Array, cols: string, pattern: RegExp): Promise<void> {
      const e = await parquetRows(bytes, parseColumns(cols), 'in.parquet').then(
        () => undefined,
        (x: unknown) => x,
      )
      expect(isFloeError(e) && e.code === 'INVALID_DATA', String(e)).toBe(true)
      expect((e as Error).message).toMatch(pattern)
      expect((e as { context?: { file?: string } }).context?.file).toBe('in.parquet')
    }

    it('match columns by name, whatever field ids the file carries', async () => {
      // written by a table whose ids are the other way round
      const bytes = await duckFile('SELECT 1::BIGINT AS user_id, 1001::BIGINT AS event_id', ', FIELD_IDS {user_id: 1, event_id: 2}')
      expect(await parquetRows(bytes, parseColumns('event_id bigint, user_id bigint'), 'in.parquet')).toEqual([{ event_id: 1001n, user_id: 1n }])
      expect(await parquetRows(bytes, parseColumns('x bigint, y bigint, user_id bigint, event_id bigint'), 'in.parquet')).toEqual([{ x: null, y: null, user_id: 1n, event_id: 1001n }])
    })

    it('refuse a column the table lacks, at any level, names matched exactly', async () => {
      await refused(await duckFile("SELECT 1::BIGINT AS ID, 'a' AS name"), 'id bigint, name string', /Column ID of the input file is not a column of the table/)
      await refused(await duckFile("SELECT {'a': 1, 'zz': 2} AS st"), 'st struct<a: int>', /Column st\.zz of the input file is not a column/)
    })

    it('allow widening (int → long, float → double, decimal precision, string → binary)', async () => {
      const bytes = await duckFile("SELECT 7::INTEGER AS l, 1.5::FLOAT AS d, 12.34::DECIMAL(5,2) AS dec, 'hi' AS b")
      expect(await parquetRows(bytes, parseColumns('l bigint, d double, dec decimal(9,2), b binary'), 'in.parquet')).toEqual([{ l: 7n, d: 1.5, dec: 1234n, b: new TextEncoder().encode('hi') }])
    })

    it('refuse conversions that change a value’s meaning or drop digits, as Java’s write check', async () => {
      const ntz = await duckFile("SELECT TIMESTAMP '2024-01-01 10:00:00' AS v")
      const tz = await duckFile("SELECT TIMESTAMPTZ '2024-01-01 10:00:00+00' AS v")
      const ns = await duckFile("SELECT TIMESTAMP_NS '2024-01-01 10:00:00.123456789' AS v")
      const date = await duckFile("SELECT DATE '2024-01-01' AS v")
      const blob = await duckFile("SELECT '\\x61\\x62'::BLOB AS v")
      const plainLong = await duckFile('SELECT 5::BIGINT AS v')
      await refused(ntz, 'v timestamptz', /isAdjustedToUTC=false\) has no zone/)
      await refused(tz, 'v timestamp', /UTC-adjusted timestamp has a zone/)
      await refused(ns, 'v timestamp', /nanoseconds would lose digits/)
      await refused(date, 'v timestamp', /a date is not a timestamp/)
      await refused(blob, 'v string', /without a STRING annotation/)
      await refused(plainLong, 'v timestamp', /no TIMESTAMP annotation/)
      // the same files load where the types agree
      expect(await parquetRows(ntz, parseColumns('v timestamp'), 'in.parquet')).toEqual([{ v: 1704103200000000n }])
      expect(await parquetRows(tz, parseColumns('v timestamptz'), 'in.parquet')).toEqual([{ v: 1704103200000000n }])
      expect(await parquetRows(ns, parseColumns('v timestamp_ns'), 'in.parquet')).toEqual([{ v: 1704103200123456789n }])
    })

    it('refuse a string that is not UTF-8 (a table read would replace the bytes)', async () => {
      // DuckDB will not write such a string: floe's writer writes 'ok' uncompressed, then its bytes are broken
      const s = parseColumns('v string')
      const { bytes } = await writeParquet(s, [{ v: 'ok' }], { codec: 'uncompressed' })
      const at = Buffer.from(bytes).indexOf('ok')
      expect(at).toBeGreaterThan(0)
      const broken = new Uint8Array(bytes)
      broken[at] = 0xc3
      broken[at + 1] = 0x28
      await refused(broken, 'v string', /not valid UTF-8/)
    })
  })
})
