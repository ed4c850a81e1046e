// The expected-answer runners for Impala, iceberg-cxx, icebird and polars: their parsers and translators on
// small inline samples, then a smoke run over a few real corpus tables.
import type { DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { runCxxExpected, declaredRowCount, splitSql, translateLiterals, translateScript, translateTypes } from '../../support/corpus/cxx-expected.js'
import { duckdb } from '../../support/corpus/duckdb.js'
import { checkEntry, jsonValue, rowMatches, runIcebirdExpected, sameRowMultiset } from '../../support/corpus/icebird-expected.js'
import {
  canonExpected,
  compareImpala,
  dropVirtualItems,
  impalaCells,
  impalaTableNames,
  mentionedTables,
  parseImpalaTest,
  runImpalaExpected,
  sameCell,
  splitStatements,
  tableRefs,
  translateImpala,
  type ImpalaCase,
} from '../../support/corpus/impala-expected.js'
import { corpusTables, type CorpusTable } from '../../support/corpus/manifest.js'

const fake = (source: string, dir: string): CorpusTable => ({ source, dir, path: `/corpus/${source}/${dir}`, writtenBy: '', formatVersion: 2, snapshots: 1, deletes: '', locationPrefix: '', features: '', expected: '' })

describe('Impala .test parsing', () => {
  const sample = [
    '====',
    '---- QUERY',
    '# a comment',
    "SET TIMEZONE='UTC';",
    'select * from t order by i;',
    '---- RESULTS: VERIFY_IS_EQUAL_SORTED',
    "1,'a, b'",
    '# dropped',
    'NULL,NULL',
    '---- TYPES',
    'INT, STRING',
    '---- QUERY',
    'select 1',
    '---- CATCH',
    'boom',
    '====',
  ].join('\n')

  it('splits cases (also without a ==== separator) and reads each section', () => {
    const cs = parseImpalaTest(sample)
    expect(cs).toHaveLength(2)
    expect(cs[0]).toEqual({ line: 2, query: "SET TIMEZONE='UTC';\nselect * from t order by i;", verifier: 'VERIFY_IS_EQUAL_SORTED', results: ["1,'a, b'", 'NULL,NULL'], types: ['INT', 'STRING'] })
    expect(cs[1]).toEqual({ line: 12, query: 'select 1', catch: ['boom'] })
    expect(parseImpalaTest('---- QUERY\nselect 1\n---- RESULTS\n---- TYPES\nint\n')[0]!.results).toEqual([])
  })

  it('splits statements on ; outside quotes and comments', () => {
    expect(splitStatements("SET A=1; select ';' from x -- c;\n; select \"a;b\"")).toEqual(['SET A=1', "select ';' from x -- c;", 'select "a;b"'])
  })

  it('finds table references with databases, aliases, commas, joins and time travel', () => {
    const refs = tableRefs(
      "select * from functional_parquet.a x, b for system_version as of 123 join `db`.c on x.i = c.i where i in (select j from d for system_time as of now() - interval 1 days) union all select 1 from e",
    )
    expect(refs.map((r) => [r.parts.join('.'), r.alias, r.version, r.time])).toEqual([
      ['functional_parquet.a', 'x', undefined, undefined],
      ['b', undefined, '123', undefined],
      ['db.c', undefined, undefined, undefined],
      ['d', undefined, undefined, 'now() - interval 1 days'],
      ['e', undefined, undefined, undefined],
    ])
    expect(tableRefs('select * from (select 1) s, t.arr a').map((r) => r.parts.join('.'))).toEqual(['t.arr'])
  })

  it('maps Impala names (and <name>_external) to corpus tables by folder name', () => {
    const t = fake('impala', 'testdata/data/iceberg_test/hadoop_catalog/iceberg_partitioned_orc/functional_parquet/iceberg_partitioned_orc')
    const names = impalaTableNames([t, fake('duckdb-iceberg', 'x/iceberg_partitioned_orc_other')])
    expect([...names.keys()]).toEqual(['iceberg_partitioned_orc', 'iceberg_partitioned_orc_external'])
    expect(mentionedTables("select 'iceberg_partitioned_orc' from functional_parquet.iceberg_partitioned_orc_external", names)).toEqual([t])
    expect(mentionedTables("select 'iceberg_partitioned_orc' from other", names)).toEqual([])
  })

  it('translates Impala SQL to DuckDB', () => {
    const sql = 'select `data` from t where s = "it\'s" and ts > to_timestamp(\'2020-01-01 09:00:00\',\'yyyy-MM-dd HH:mm:ss\') minus select 1'
    const r = tableRefs(sql)[0]!
    expect(translateImpala(sql, new Map([[r.s, { e: r.e, text: '"v" AS "t"' }]]))).toBe(
      `select "data" from "v" AS "t" where s = 'it''s' and ts > strptime('2020-01-01 09:00:00', '%Y-%m-%d %H:%M:%S') EXCEPT select 1`,
    )
  })

  it('drops virtual-column select items at either end, with their expected columns', () => {
    const cs: ImpalaCase = { line: 1, query: '', results: ["'f',1000,1,'x'"], types: ['STRING', 'BIGINT', 'INT', 'STRING'] }
    const d = dropVirtualItems('SELECT strright(upper(input__file__name),90), file__position + 1000, * from t', cs)
    expect(d?.sql).toBe('SELECT * from t')
    expect(d?.cs.results).toEqual(["1,'x'"])
    expect(d?.cs.types).toEqual(['INT', 'STRING'])
    expect(dropVirtualItems('select *, ICEBERG__DATA__SEQUENCE__NUMBER from t', { ...cs, results: ["1,'a',3"] })?.cs.results).toEqual(["1,'a'"])
    expect(dropVirtualItems('select i, _file_row_id, s from t', cs)).toBeUndefined()
    expect(dropVirtualItems('select distinct i, _file_row_id from t', cs)).toBeUndefined()
  })
})

describe('Impala result comparison', () => {
  it('reads cells and Impala formatting', () => {
    expect(impalaCells("1,'a,b',NULL,'',2020-01-01 10:00:00")).toEqual(['1', "'a,b'", 'NULL', "''", '2020-01-01 10:00:00'])
    expect(['NULL', "'NULL'", "'x'", '1.5'].map(canonExpected)).toEqual([null, 'NULL', 'x', '1.5'])
    expect(sameCell('1969-12-31 23:59:59.123456', '1969-12-31 23:59:59.123456000')).toBe(true)
    expect(sameCell('2020-01-01 10:00:00', '2020-01-01 10:00:00.000')).toBe(true)
    expect(sameCell('2020-01-01 10:00:00.1', '2020-01-01 10:00:00.01')).toBe(false)
    expect(sameCell('1.100000023841858', '1.1')).toBe(true)
    expect(sameCell('3.14', '3.1400001049')).toBe(true)
    expect(sameCell('9223372036854775807', '9223372036854775806')).toBe(false)
    expect(sameCell('78.9', '78.90')).toBe(true)
    expect(sameCell(null, 'NULL')).toBe(false)
  })

  it('honours ORDER BY, sorting and verifiers; a NULL string prints as NULL', () => {
    const cs = (query: string, results: string[], verifier?: string): ImpalaCase => ({ line: 1, query, results, types: ['INT', 'STRING'], ...(verifier ? { verifier } : {}) })
    const got = [
      ['2', 'b'],
      ['1', null],
    ]
    expect(compareImpala(cs('select * from t', ["1,'NULL'", "2,'b'"]), got)).toBeUndefined()
    expect(compareImpala(cs('select * from t order by i', ["1,'NULL'", "2,'b'"]), got)).toMatch(/different order/)
    expect(compareImpala(cs('select * from t order by i', ["1,'NULL'", "2,'b'"], 'VERIFY_IS_EQUAL_SORTED'), got)).toBeUndefined()
    expect(compareImpala(cs('select * from t', ["2,'b'"], 'VERIFY_IS_SUBSET'), got)).toBeUndefined()
    expect(compareImpala(cs('select * from t', ["3,'c'"], 'VERIFY_IS_SUBSET'), got)).toMatch(/missing/)
    expect(compareImpala(cs('select * from t', ["2,'b'"], 'VERIFY_IS_NOT_IN'), got)).toMatch(/forbidden/)
    expect(compareImpala(cs('select * from t', ["1,'NULL'"]), got)).toMatch(/expected 1 row/)
  })
})

describe('Trino/Spark script translation (iceberg-cxx create.sql)', () => {
  it('maps types outside string literals only', () => {
    expect(translateTypes("(a TIMESTAMP(6) WITH TIME ZONE, b TIMESTAMP(6), c TIME(6), d VARBINARY, e REAL, f ARRAY<ARRAY(DOUBLE)>, g ROW(x INTEGER), h MAP(VARCHAR, INTEGER)) 'VARBINARY'")).toBe(
      "(a TIMESTAMPTZ, b TIMESTAMP, c TIME, d BLOB, e FLOAT, f DOUBLE[][], g STRUCT(x INTEGER), h MAP(VARCHAR, INTEGER)) 'VARBINARY'",
    )
  })

  it('maps typed literals', () => {
    expect(translateLiterals("REAL '3.14', DECIMAL '123456.78901', DECIMAL '-5', TIMESTAMP '2025-04-05 12:34:56.123456 UTC', TIMESTAMP '2025-04-05 12:34:56', UUID 'u', X'de ad', double '0.0'")).toBe(
      "CAST('3.14' AS FLOAT), CAST('123456.78901' AS DECIMAL(11, 5)), CAST('-5' AS DECIMAL(1, 0)), CAST('2025-04-05 12:34:56.123456+00:00' AS TIMESTAMPTZ), CAST('2025-04-05 12:34:56' AS TIMESTAMP), CAST('u' AS UUID), from_hex('dead'), CAST('0.0' AS DOUBLE)",
    )
  })

  it('translates a script, skips what does not change rows, rejects the rest; DuckDB runs the result', async () => {
    const script = [
      '-- Engine: Trino 471',
      "CREATE SCHEMA IF NOT EXISTS warehouse.s WITH (location = 's3a://w/s');",
      "CREATE TABLE warehouse.s.t (c1 INTEGER, c2 TIMESTAMP(6) WITH TIME ZONE, c3 DECIMAL(18, 5), c4 VARBINARY) WITH (format = 'PARQUET', partitioning = ARRAY ['day(c2)']);",
      "INSERT INTO warehouse.s.t VALUES (1, cast('2025-03-03 23:00:00' AS TIMESTAMP(6) WITH TIME ZONE), DECIMAL '123456.78901', cast('x;y' AS VARBINARY)), (2, null, null, X'00');",
      "ALTER TABLE warehouse.s.t EXECUTE optimize WHERE \"$path\" = 's3a://w/t/data/a.parquet';",
      'DELETE FROM warehouse.s.t WHERE c1 % 2 == 0;',
      'SELECT * FROM warehouse.s."t$files";',
    ].join('\n')
    expect(splitSql(script)).toHaveLength(6)
    const tr = translateScript(script, 'expected_t')
    expect(tr.table).toBe('warehouse.s.t')
    expect(tr.skipped).toEqual(['CREATE SCHEMA', 'OPTIMIZE (rewrites files, same rows)', 'query on the $files metadata table'])
    const c = await duckdb()
    for (const s of tr.statements) await c.run(s)
    const rows = (await c.runAndReadAll('SELECT c1::VARCHAR, c2::VARCHAR, c3::VARCHAR, c4::VARCHAR FROM expected_t')).getRows()
    expect(rows).toEqual([['1', '2025-03-03 23:00:00+00', '123456.78901', 'x;y']])
    expect(() => translateScript('CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int', 'x')).toThrow(/no DuckDB translation/)
    expect(translateScript("CREATE TABLE prod.db.r (a int, b int) USING iceberg TBLPROPERTIES('k' = 'v'); INSERT INTO prod.db.r VALUES (0, 1)", 'r').statements).toEqual([
      'CREATE OR REPLACE TABLE "r" (a int, b int)',
      'INSERT INTO "r" VALUES (0, 1)',
    ])
  })

  it('reads MANIFEST row counts', () => {
    expect(['16 rows − 6 deleted = 10', '1 row total (3 files)', '1 row; partition tuple (0,0,3)', 'final 10 rows c1 ∈ {1}', 'edge case'].map(declaredRowCount)).toEqual([10, 1, 1, 10, undefined])
  })
})

describe('icebird expectations', () => {
  const s = schema([field(1, 'id', T.long), field(2, 'w', T.float), field(3, 'price', T.decimal(9, 2)), field(4, 'd', T.date), field(5, 'Breed Name', T.string)])
  const rows = [
    { id: 1n, w: Math.fround(1.8), price: 999n, d: 18993, 'Breed Name': 'New Zealand' },
    { id: 2n, w: 0.5, price: -500n, d: null, 'Breed Name': 'Lop' },
  ]
  it('compares floe values with transcribed JSON', () => {
    expect(jsonValue(5n, T.long)).toBe(5)
    expect(jsonValue(999n, T.decimal(9, 2))).toBe('9.99')
    expect(jsonValue(18993, T.date)).toBe('2022-01-01')
    expect(rowMatches(s, rows[0]!, { id: 1, w: 1.8, price: '9.99', d: '2022-01-01', 'Breed Name': 'New Zealand' })).toBe(true)
    expect(rowMatches(s, rows[0]!, { id: 1, w: 1.8, price: '9.99', d: '2022-01-01' })).toBe(false)
    expect(sameRowMultiset(s, rows, [rows[1], rows[0]].map((r) => ({ ...r, id: Number(r!.id), price: jsonValue(r!.price, T.decimal(9, 2)), d: r!.d === null ? null : '2022-01-01' })))).toBe(true)
  })
  it('checks each kind of entry', () => {
    const first = { id: 1, w: 1.8, price: '9.99', d: '2022-01-01', 'Breed Name': 'New Zealand' }
    expect(checkEntry('row_count', 2, s, rows)?.status).toBe('pass')
    expect(checkEntry('row_count', 3, s, rows)?.status).toBe('fail')
    expect(checkEntry('first_row', first, s, rows)?.status).toBe('pass')
    expect(checkEntry('row_index_1', first, s, rows)?.status).toBe('fail')
    expect(checkEntry('contains', first, s, rows)?.status).toBe('pass')
    expect(checkEntry('rows_with_breed_New_Zealand', [first], s, rows)?.status).toBe('pass')
    expect(checkEntry('note', 'text', s, rows)).toBeUndefined()
  })
})

describe('smoke run over real corpus tables', () => {
  let c: DuckDBConnection
  const tables = corpusTables()
  const table = (suffix: string): CorpusTable => tables.find((t) => t.dir.endsWith(suffix))!
  beforeAll(async () => {
    c = await duckdb()
  })
  afterAll(() => c.closeSync())

  it.each(['iceberg_v2_delete_positional', 'iceberg_v2_delete_equality_nulls', 'iceberg_timestamptz_part', 'iceberg_partitioned'])('impala %s', async (name) => {
    const out = await runImpalaExpected(c, tables, table(`/${name}`))
    expect(out.filter((o) => o.status === 'fail')).toEqual([])
    expect(out.some((o) => o.status === 'pass')).toBe(true)
  })

  it.each(['tests/tables/no_partitioning', 'tests/tables/deletion_vectors', 'types/all_trino_types', 'tests/tables/partitioned_table_with_missing_spec', 'tests/tables/granular_deletes'])('iceberg-cxx %s', async (dir) => {
    const out = await runCxxExpected(c, table(dir))
    expect(out.map((o) => o.status)).toEqual(['pass'])
  })

  it.each(['java/bunnies', 'spark/bunnies', 'spark/rename_column', 'athena/example', 'iceberg-table'])('icebird/polars %s', async (dir) => {
    const out = await runIcebirdExpected(table(dir))
    expect(out.filter((o) => o.status !== 'pass')).toEqual([])
    expect(out.length).toBeGreaterThan(0)
  })
})
