// DuckDB as the independent oracle for files floe writes: parquet_schema() shows a field id on every element
// in Java's layout, read_parquet(schema = MAP{field_id: …}) resolves every column by field id (all columns
// renamed) and returns the same rows, every codec is readable, and partitioned data and position-delete
// files written by writeDataFiles/writePositionDeletes read back by id.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { Row } from '../../src/parquet/codec.js'
import { sanitizeAvroName } from '../../src/spec/avro/avro-schema.js'
import { schema, type Schema } from '../../src/spec/schema.js'
import { currentSchema } from '../../src/spec/table-metadata.js'
import { Transforms } from '../../src/spec/transform.js'
import { T, field, type IcebergType, type NestedField, type Value } from '../../src/spec/types.js'
import { writeDataFiles, writePositionDeletes } from '../../src/write/data-writer.js'
import { duckdb, duckType, ident, loadRows } from '../support/corpus/duckdb.js'
import { ALL_TYPES, allTypesRows, tableOf } from '../unit/write/write-fixtures.js'

let dir: string
let c: DuckDBConnection
const io = new LocalFileIO()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'floe-duck-'))
  c = await duckdb()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const str = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** (name, field_id) of every Parquet element Java's layout gives a schema, in preorder (root excluded). */
function expectedElements(s: Schema): [string, number | null][] {
  const out: [string, number | null][] = []
  const visit = (name: string, id: number, t: IcebergType): void => {
    if (t.kind === 'unknown') return
    out.push([name, id])
    if (t.kind === 'struct') for (const f of t.fields) visit(sanitizeAvroName(f.name), f.id, f.type)
    if (t.kind === 'list') {
      out.push(['list', null])
      visit('element', t.elementId, t.element)
    }
    if (t.kind === 'map') {
      out.push(['key_value', null])
      visit('key', t.keyId, t.key)
      visit('value', t.valueId, t.value)
    }
  }
  for (const f of s.fields) visit(sanitizeAvroName(f.name), f.id, f.type)
  return out
}

/** read_parquet by field id with every top-level column renamed to c<id>. */
function byFieldId(file: string, fields: readonly NestedField[]): string {
  const entries = fields.map((f) => `${f.id}: {name: ${str(`c${f.id}`)}, type: ${str(duckType(f.type))}, default_value: NULL}`)
  return `read_parquet(${str(file)}, schema = MAP {${entries.join(', ')}})`
}

// Rows as DuckDB's text. −0.0 prints as 0.0 here because the literal helper cannot write a negative zero;
// the file's −0.0 is checked separately.
async function textRows(sql: string): Promise<string[][]> {
  const r = await c.runAndReadAll(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (${sql})`)
  return r.getRows().map((row) => row.map((v) => (v === null ? 'NULL' : String(v).replace(/(?<![\d.])-0\.0(?!\d)/g, '0.0'))))
}

/** Same rows through DuckDB: the file read by field id vs. the expected rows loaded as literals. */
async function expectSameRows(file: string, s: Schema, rows: readonly Row[], orderBy: number): Promise<void> {
  const renamed = s.fields.map((f) => ({ ...f, name: `c${f.id}` }))
  await loadRows(c, 'expected', renamed, rows.map((r) => Object.fromEntries(s.fields.map((f) => [`c${f.id}`, (r[f.name] ?? null) as Value]))))
  const got = await textRows(`SELECT * FROM ${byFieldId(file, s.fields)} ORDER BY ${ident(`c${orderBy}`)}`)
  const want = await textRows(`SELECT * FROM expected ORDER BY ${ident(`c${orderBy}`)}`)
  expect(got).toEqual(want)
}

describe('DuckDB reads floe-written Parquet by field id', () => {
  for (const [codec, stored] of [
    ['zstd', 'ZSTD'],
    ['snappy', 'SNAPPY'],
    ['gzip', 'GZIP'],
    ['none', 'UNCOMPRESSED'],
  ] as const) {
    it(`every type and nested struct/list/map, ${codec}`, async () => {
      const md = tableOf(ALL_TYPES, { formatVersion: 3, location: join(dir, `all-${codec}`), properties: { 'write.parquet.compression-codec': codec } })
      const s = currentSchema(md)
      const rows = allTypesRows()
      const [f] = await writeDataFiles(testEnv(io), { metadata: md }, rows)
      const file = f!.filePath
      const schemaRows = await c.runAndReadAll(`SELECT name, field_id FROM parquet_schema(${str(file)})`)
      const elements = schemaRows.getRows().slice(1).map(([name, id]) => [String(name), id === null ? null : Number(id)])
      expect(elements).toEqual(expectedElements(s))
      const codecs = await c.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${str(file)})`)
      expect(codecs.getRows().map((r) => String(r[0]))).toEqual([stored])
      const id = (n: string): number => s.fields.find((x) => x.name === n)!.id
      await expectSameRows(file, s, rows, id('l'))
      const zeros = await c.runAndReadAll(`SELECT CAST(c${id('f')} AS VARCHAR), CAST(c${id('d')} AS VARCHAR) FROM ${byFieldId(file, s.fields)} WHERE c${id('l')} = 0`)
      expect(zeros.getRows()).toEqual([['-0.0', '-0.0']])
    })
  }

  it('float columns holding NaN: DuckDB filters find the NaN rows (no footer min/max that leaves NaN out)', async () => {
    const s = schema([field(1, 'id', T.long), field(2, 'd', T.double), field(3, 'st', T.struct([field(4, 'x', T.float)]))])
    const md = tableOf(s, { formatVersion: 2, location: join(dir, 'nan') })
    const rows: Row[] = [
      { id: 1n, d: 1.0, st: { x: 1.0 } },
      { id: 2n, d: Number.NaN, st: { x: Number.NaN } },
      { id: 3n, d: -2.5, st: { x: null } },
    ]
    const [f] = await writeDataFiles(testEnv(io), { metadata: md }, rows)
    const from = `read_parquet(${str(f!.filePath)})`
    const count = async (where: string): Promise<number> => Number((await c.runAndReadAll(`SELECT count(*) FROM ${from} WHERE ${where}`)).getRows()[0]![0])
    // each filter on the file gives what it gives on the same rows loaded into memory
    await loadRows(c, 'nan_rows', s.fields, rows)
    for (const where of ["d = 'NaN'::DOUBLE", 'd > 2', "d <> 1", "st.x = 'NaN'::FLOAT", "st.x >= 'inf'::FLOAT", 'isnan(d)']) {
      const inMemory = Number((await c.runAndReadAll(`SELECT count(*) FROM nan_rows WHERE ${where}`)).getRows()[0]![0])
      expect([where, await count(where)]).toEqual([where, inMemory])
    }
    expect(await count("d = 'NaN'::DOUBLE")).toBe(1)
    // the NaN-holding chunks carry counts but no bounds; the Iceberg metrics still bound the other values
    const stats = await c.runAndReadAll(`SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(${str(f!.filePath)}) ORDER BY column_id`)
    expect(stats.getRows().map((r) => r.map((v) => (v === null ? null : String(v))))).toEqual([
      ['id', '1', '3', '0'],
      ['d', null, null, '0'],
      ['st, x', null, null, '1'],
    ])
    expect(f!.nanValueCounts?.get(2)).toBe(1n)
  })

  it('partitioned data files and a position-delete file', async () => {
    const base = tableOf(ALL_TYPES, { formatVersion: 3, location: join(dir, 'parts') })
    const s = currentSchema(base)
    const byName = (n: string): number => s.fields.find((x) => x.name === n)!.id
    const md = tableOf(ALL_TYPES, {
      formatVersion: 3,
      location: join(dir, 'parts'),
      spec: {
        specId: 0,
        fields: [
          { sourceId: byName('dt'), fieldId: 1000, name: 'dt_month', transform: Transforms.month },
          { sourceId: byName('b'), fieldId: 1001, name: 'b', transform: Transforms.identity },
        ],
      },
    })
    const rows = allTypesRows()
    const files = await writeDataFiles(testEnv(io), { metadata: md }, rows)
    expect(files.length).toBe(4)
    const union = files.map((f) => `SELECT * FROM ${byFieldId(f.filePath, s.fields)}`).join(' UNION ALL ')
    const renamed = s.fields.map((f) => ({ ...f, name: `c${f.id}` }))
    await loadRows(c, 'expected', renamed, rows.map((r) => Object.fromEntries(s.fields.map((f) => [`c${f.id}`, (r[f.name] ?? null) as Value]))))
    const key = ident(`c${byName('l')}`)
    expect(await textRows(`SELECT * FROM (${union}) ORDER BY ${key}`)).toEqual(await textRows(`SELECT * FROM expected ORDER BY ${key}`))

    // position delete files are a v2 feature (v3 uses deletion vectors): written against a v2 table
    const v2 = tableOf(schema([field(1, 'l', T.long)]), { formatVersion: 2, location: join(dir, 'dels') })
    const del = await writePositionDeletes(testEnv(io), { metadata: v2 }, [
      { filePath: files[1]!.filePath, pos: 3 },
      { filePath: files[0]!.filePath, pos: 0 },
    ])
    const r = await c.runAndReadAll(
      `SELECT p, n FROM read_parquet(${str(del.filePath)}, schema = MAP {2147483546: {name: 'p', type: 'VARCHAR', default_value: NULL}, 2147483545: {name: 'n', type: 'BIGINT', default_value: NULL}})`,
    )
    const want = [
      [files[0]!.filePath, 0n],
      [files[1]!.filePath, 3n],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
    expect(r.getRows()).toEqual(want)
  })
})
