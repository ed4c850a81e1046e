// DDL text forms: column lists, partition lists and sort lists.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { parseColumnPath, parseColumns, parseColumnType, parsePartitionSpec, parseSortOrder, parseTransformTerm, parseUnboundTerm } from '../../../src/spec/ddl.js'
import type { Schema } from '../../../src/spec/schema.js'
import { typeToString, type StructType } from '../../../src/spec/types.js'

describe('parseColumns', () => {
  it('parses primitive, aliased and nested types, not null and comments', () => {
    const s = parseColumns("id bigint not null, `ts` timestamptz comment 'event time', amount decimal(10,2), tags array<string>, attrs map<string, int>, loc struct<lat: double, lon: double>, raw bytes, f fixed[4]")
    expect(s.fields.map((f) => [f.name, typeToString(f.type), f.required])).toEqual([
      ['id', 'long', true],
      ['ts', 'timestamptz', false],
      ['amount', 'decimal(10, 2)', false],
      ['tags', 'list<string>', false],
      ['attrs', 'map<string, int>', false],
      ['loc', 'struct<10: lat: optional double, 11: lon: optional double>', false],
      ['raw', 'binary', false],
      ['f', 'fixed[4]', false],
    ])
    expect(s.fields[1]!.doc).toBe('event time')
    const ids = new Set<number>()
    const walk = (t: unknown): void => JSON.stringify(t, (k, v) => (k === 'id' || k === 'elementId' || k === 'keyId' || k === 'valueId' ? (ids.add(v as number), v) : v)) as unknown as void
    walk(s.fields)
    expect(ids.size).toBe(13) // every field, element, key and value id is distinct
  })

  it('rejects unknown types, malformed columns and empty lists with INVALID_ARGUMENT', () => {
    expect(() => parseColumns('x nosuch')).toThrow(/Unknown type "nosuch"/)
    expect(() => parseColumns('justname')).toThrow(/expected "name type"/)
    expect(() => parseColumns(' , ')).toThrow(/at least one column/)
    expect(() => parseColumns('m map<string>')).toThrow(/key and a value/)
  })
})

describe('partition and sort lists', () => {
  const schema = parseColumns('id bigint, ts timestamptz, name string')
  it('parses transforms with Java default names', () => {
    const spec = parsePartitionSpec(schema, 'day(ts), bucket(16, id), truncate(4, name), name')
    expect(spec.fields.map((f) => [f.name, f.fieldId, f.sourceId])).toEqual([
      ['ts_day', 1000, 2],
      ['id_bucket', 1001, 1],
      ['name_trunc', 1002, 3],
      ['name', 1003, 3],
    ])
    expect(parseTransformTerm(schema, 'hour(ts)').transform).toEqual({ kind: 'hour' })
    expect(() => parsePartitionSpec(schema, 'bucket(4, nope)')).toThrow(/Unknown column nope/)
    expect(() => parsePartitionSpec(schema, 'frobnicate(ts)')).toThrow(/Unknown transform frobnicate/)
  })

  it('parses sort directions and null orders with the defaults Java uses', () => {
    const o = parseSortOrder(schema, 'id desc, name asc nulls last, day(ts)')
    expect(o.fields.map((f) => [f.sourceId, f.direction, f.nullOrder, f.transform.kind])).toEqual([
      [1, 'desc', 'nulls-last', 'identity'],
      [3, 'asc', 'nulls-last', 'identity'],
      [2, 'asc', 'nulls-first', 'day'],
    ])
  })
})

// the fixes below each failed on the regex/splitter parser this tokenizer + recursive-descent parser replaced
const kinds = (s: Schema): string[] => s.fields.map((f) => `${f.name}:${typeToString(f.type)}${f.required ? '!' : ''}${f.doc === undefined ? '' : `#${f.doc}`}`)
const err = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    expect(isFloeError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true)
    return (e as Error).message
  }
  throw new Error('expected INVALID_ARGUMENT')
}

describe('column sources resolve exactly, then by a unique case-insensitive match, and name partitions by the schema', () => {
  const cased = parseColumns('a int, A long, Ts timestamptz, st struct<Xy: int>, bb int, BB int')
  it('picks the exactly matching column when names differ only in case', () => {
    expect(parsePartitionSpec(cased, 'bucket(4, A)').fields).toEqual([{ sourceId: 2, fieldId: 1000, name: 'A_bucket', transform: { kind: 'bucket', n: 4 } }])
    expect(parsePartitionSpec(cased, 'a').fields[0]).toMatchObject({ sourceId: 1, name: 'a' })
    expect(parseSortOrder(cased, 'A desc').fields[0]).toMatchObject({ sourceId: 2, direction: 'desc' })
    expect(parseTransformTerm(cased, 'truncate(2, A)')).toEqual({ transform: { kind: 'truncate', width: 2 }, sourceId: 2, sourceName: 'A' })
  })
  it('falls back to the only case-insensitive match and builds default names from the full column name', () => {
    expect(parsePartitionSpec(cased, 'day(ts)').fields[0]).toMatchObject({ sourceId: 3, name: 'Ts_day' })
    expect(parsePartitionSpec(cased, 'ST.XY').fields[0]).toMatchObject({ sourceId: 5, name: 'st.Xy' })
    expect(parsePartitionSpec(cased, 'bucket(8, st.xy)').fields[0]).toMatchObject({ sourceId: 5, name: 'st.Xy_bucket' })
    expect(parseTransformTerm(cased, 'hour(TS)').sourceName).toBe('Ts')
  })
  it('refuses a case-insensitive match that is not unique, naming the candidates', () => {
    expect(err(() => parsePartitionSpec(cased, 'bB'))).toMatch(/Ambiguous column bB: it matches bb, BB/)
    expect(err(() => parseSortOrder(cased, 'Bb desc'))).toMatch(/Ambiguous column Bb/)
  })
})

describe('quoted text', () => {
  it('keeps commas, brackets and angle brackets inside comments and quoted names', () => {
    expect(kinds(parseColumns("a int comment 'x, y', b int"))).toEqual(['a:int#x, y', 'b:int'])
    expect(kinds(parseColumns("a int comment 'see (note', b int comment 'a > b <'"))).toEqual(['a:int#see (note', 'b:int#a > b <'])
    expect(kinds(parseColumns("a struct<b: int comment 'k, v'>"))).toEqual(['a:struct<2: b: optional int>'])
    expect((parseColumns("a struct<b: int comment 'k, v'>").fields[0]!.type as StructType).fields[0]!.doc).toBe('k, v')
    expect(kinds(parseColumns('`a,b` int, "c(d)" string, `<e>` long'))).toEqual(['a,b:int', 'c(d):string', '<e>:long'])
    expect(kinds(parseColumns("`a``b` int, \"c\"\"d\" int comment 'it''s'"))).toEqual(['a`b:int', 'c"d:int#it\'s'])
  })
  it('refuses empty names, unterminated quotes and names with a bare dot, naming the position', () => {
    expect(err(() => parseColumns('`` int'))).toMatch(/name cannot be empty at character 1/)
    expect(err(() => parseColumns('a int, "" int'))).toMatch(/name cannot be empty at character 8/)
    expect(err(() => parseColumns('` int'))).toMatch(/unterminated quoted name starting at character 1/)
    expect(err(() => parseColumns("a int comment 'x"))).toMatch(/unterminated string starting at character 15/)
    expect(err(() => parseColumns('a.b int'))).toMatch(/quote a name that contains "\." with backticks.*at character 2/)
  })
})

describe('types Java cannot read are refused', () => {
  it.each([
    ['a decimal(5,-1)', /Invalid decimal scale -1/],
    ['a decimal(5,6)', /Invalid decimal scale 6/],
    ['a decimal(0,0)', /Invalid decimal precision 0/],
    ['a decimal(39,2)', /Invalid decimal precision 39/],
    ['a decimal(x,2)', /expected an integer precision, found "x" at character 11/],
    ['a decimal(10,y)', /expected an integer scale, found "y"/],
    ['a fixed[0]', /Invalid fixed length 0/],
    ['a fixed[99999999999]', /Invalid fixed length 99999999999/],
    ['a fixed[-1]', /Invalid fixed length -1/],
    ['a fixed[n]', /expected an integer length, found "n"/],
  ])('%s', (ddl, msg) => expect(err(() => parseColumns(ddl))).toMatch(msg))
  it('keeps the edges Java accepts', () => {
    expect(kinds(parseColumns('a decimal(38,38), b decimal(1, 0), c fixed[2147483647], d decimal(10)'))).toEqual(['a:decimal(38, 38)', 'b:decimal(1, 0)', 'c:fixed[2147483647]', 'd:decimal(10, 0)'])
  })
})

describe('loose input is refused', () => {
  it.each([
    ['a map<int, string, double>', /map takes exactly a key and a value type at character 18/],
    ['a int,, b int', /expected a column name, found "," at character 7/],
    ['a int, b int,', /expected a column name, found the end of the text at character 14/],
    [', a int', /expected a column name, found "," at character 1/],
    ['a int b int', /expected "," or the end of the text after a column, found "b" at character 7/],
    ['a list<int, int>', /expected ">" after the list element type/],
    ['a int not null not null', /"not null" given twice/],
    ['a struct<b: int,>', /expected a struct field name/],
    ['a int(11)', /Unknown type "int\(11\)"/],
  ])('%s', (ddl, msg) => expect(err(() => parseColumns(ddl))).toMatch(msg))
  it('refuses doubled and trailing commas and junk in partition and sort lists', () => {
    const s = parseColumns('id bigint, ts timestamptz')
    expect(err(() => parsePartitionSpec(s, 'id,, ts'))).toMatch(/found "," at character 4/)
    expect(err(() => parsePartitionSpec(s, 'id,'))).toMatch(/found the end of the text/)
    expect(err(() => parseSortOrder(s, 'id descending'))).toMatch(/found "descending" at character 4/)
    expect(err(() => parseSortOrder(s, 'id,'))).toMatch(/found the end of the text/)
    expect(err(() => parseTransformTerm(s, 'bucket(4, 4)'))).toMatch(/takes an integer and a column/)
    expect(err(() => parseTransformTerm(s, 'bucket(-4, id)'))).toMatch(/Invalid bucket parameter -4/)
    expect(err(() => parseTransformTerm(s, 'day(ts, id)'))).toMatch(/day\(\) takes one column/)
  })
})

describe('redundant partitions (Java PartitionSpec.Builder.checkForRedundantPartitions)', () => {
  const s = parseColumns('id bigint, ts timestamptz, d date')
  it.each([
    ['day(ts), hour(ts)', /Cannot add redundant partition: 1000: ts_day: day\(2\) conflicts with 1001: ts_hour: hour\(2\)/],
    ['year(ts), month(ts)', /Cannot add redundant partition: 1000: ts_year: year\(2\) conflicts with 1001: ts_month: month\(2\)/],
    ['years(d), days(d)', /Cannot add redundant partition/],
    ['id, identity(id)', /Cannot use partition name more than once: id/],
    ['bucket(4, id), bucket(8, id)', /Cannot use partition name more than once: id_bucket/],
  ])('%s', (text, msg) => expect(err(() => parsePartitionSpec(s, text))).toMatch(msg))
  it('allows different time columns and non-time transforms of one column', () => {
    expect(parsePartitionSpec(s, 'day(ts), month(d), ts, bucket(4, ts), truncate(4, id), id').fields.map((f) => f.name)).toEqual(['ts_day', 'd_month', 'ts', 'ts_bucket', 'id_trunc', 'id'])
  })
})

describe('Spark and Trino spellings', () => {
  it('types', () => {
    expect(kinds(parseColumns('a struct<b int, c: string not null>, t1 timestamp with time zone, t2 timestamp without time zone, t3 timestamp(6), t4 TIMESTAMP(6) WITH TIME ZONE'))).toEqual([
      'a:struct<2: b: optional int, 3: c: required string>',
      't1:timestamptz',
      't2:timestamp',
      't3:timestamp',
      't4:timestamptz',
    ])
    expect(kinds(parseColumns('n1 timestamp(9), n2 timestamp(9) with time zone, f fixed(16), v varchar(10)'))).toEqual(['n1:timestamp_ns', 'n2:timestamptz_ns', 'f:fixed[16]', 'v:string'])
    expect(err(() => parseColumns('t timestamp(3)'))).toMatch(/Invalid timestamp precision 3/)
    expect(err(() => parseColumns('t timestamp with zone'))).toMatch(/expected "time", found "zone"/)
  })
  it('transforms and nested quoted sources', () => {
    const s = parseColumns('id bigint, ts timestamptz, name string, st struct<`y z`: int>')
    expect(parsePartitionSpec(s, 'years(ts)').fields[0]!.name).toBe('ts_year')
    expect(parsePartitionSpec(s, 'months(ts)').fields[0]!.name).toBe('ts_month')
    expect(parsePartitionSpec(s, 'DAYS(ts)').fields[0]!.name).toBe('ts_day')
    expect(parsePartitionSpec(s, 'hours(ts)').fields[0]!.transform).toEqual({ kind: 'hour' })
    expect(parsePartitionSpec(s, 'bucket(id, 16), truncate(name, 4)').fields).toEqual([
      { sourceId: 1, fieldId: 1000, name: 'id_bucket', transform: { kind: 'bucket', n: 16 } },
      { sourceId: 3, fieldId: 1001, name: 'name_trunc', transform: { kind: 'truncate', width: 4 } },
    ])
    expect(parsePartitionSpec(s, 'st.`y z`, bucket(2, st."y z")').fields.map((f) => [f.sourceId, f.name])).toEqual([
      [5, 'st.y z'],
      [5, 'st.y z_bucket'],
    ])
    expect(parseSortOrder(s, 'st.`y z` desc nulls first').fields[0]).toMatchObject({ sourceId: 5, direction: 'desc', nullOrder: 'nulls-first' })
  })
})

describe('helpers for alter', () => {
  it('parseColumnType keeps not null and the comment apart from the type', () => {
    expect(parseColumnType("int not null comment 'd'")).toEqual({ type: { kind: 'int' }, required: true, doc: 'd' })
    expect(parseColumnType('decimal(9, 2)')).toEqual({ type: { kind: 'decimal', precision: 9, scale: 2 }, required: false })
    expect(err(() => parseColumnType('int, b int'))).toMatch(/found "," at character 4/)
  })
  it('parseColumnPath splits on dots outside quotes; parseUnboundTerm keeps the path as typed', () => {
    expect(parseColumnPath('st.z')).toEqual(['st', 'z'])
    expect(parseColumnPath('`st.z`')).toEqual(['st.z'])
    expect(parseColumnPath('st.`y z`')).toEqual(['st', 'y z'])
    expect(parseUnboundTerm('bucket(ID, 4)')).toEqual({ transform: { kind: 'bucket', n: 4 }, path: ['ID'] })
  })
})
