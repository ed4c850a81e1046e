// floe writing into tables other engines wrote. For every corpus table, a copy of its folder is registered
// in a catalog and takes an append (rows sampled from the table itself), a copy-on-write delete and, from
// v2, a merge-on-read delete. After each commit floe reads exactly the rows a plain model predicts; at the
// end the engine's own snapshot still reads as before, the metadata keeps everything the engine wrote, and
// DuckDB reads the Parquet files floe added by field id. Tables floe cannot read must refuse the delete with
// the same typed error and stay at their last committed state.
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { join, relative } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { defaultEnv } from '../../src/env.js'
import { FloeError } from '../../src/errors.js'
import { equal, type Expression } from '../../src/expr/expression.js'
import { valueToLiteral } from '../../src/expr/literal.js'
import { LocalFileIO, localPath } from '../../src/io/local.js'
import { RemappingFileIO, remapLocation, type PrefixMapping } from '../../src/io/remap.js'
import type { Row } from '../../src/parquet/codec.js'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { schema as makeSchema, type Schema } from '../../src/spec/schema.js'
import { isPrimitive, T, type NestedField, type PrimitiveType, type Value } from '../../src/spec/types.js'
import { parseTransform } from '../../src/spec/transform.js'
import { currentSchema } from '../../src/spec/table-metadata.js'
import type { Table } from '../../src/table/table.js'
import { tempDir } from '../support/catalogs.js'
import { corpusTables, type CorpusTable } from '../support/corpus/manifest.js'
import { corpusMetadataFile, sourceMappings } from '../support/corpus/open.js'
import { duckdb } from '../support/corpus/duckdb.js'
import { duckFileRows } from '../support/floe-written.js'
import { canon } from '../unit/write/write-fixtures.js'

const PLAN_ONLY = new Set(['duckdb-iceberg/data/persistent/generated_bounds'])
/** Column kinds a delete filter is built on (exact equality, no float sign or NaN questions). */
const FILTER_KINDS = new Set(['int', 'long', 'string', 'date', 'boolean', 'decimal', 'timestamp', 'timestamptz'])
/** Column kinds DuckDB reads back by field id and floe compares exactly. */
const DUCK_KINDS = new Set(['boolean', 'int', 'long', 'float', 'double', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary', 'fixed'])

/** Tables floe reads but will not write into, with the typed error and why. */
const WRITE_REFUSALS: Record<string, { code: string; why: string }> = {
  'duckdb-iceberg/data/persistent/equality_delete_cross_partition/warehouse/ns/t': { code: 'INVALID_ARGUMENT', why: 'snapshot ids beyond the 64-bit range (a DuckDB fixture): never written into a manifest list' },
  'duckdb-iceberg/data/persistent/equality_delete_extra_column/warehouse/ns/t': { code: 'INVALID_ARGUMENT', why: 'snapshot ids beyond the 64-bit range (a DuckDB fixture): never written into a manifest list' },
  'impala/testdata/data/iceberg_test/iceberg_v3/trino_variant': { code: 'UNSUPPORTED', why: 'variant columns are read-only' },
  'impala/testdata/data/iceberg_test/iceberg_v3/trino_nested_variant': { code: 'UNSUPPORTED', why: 'variant columns are read-only' },
}

const tables = corpusTables()
const key = (t: CorpusTable): string => `${t.source}/${t.dir}`
let conn: DuckDBConnection
let root: string
const outcomes = { written: 0, refused: 0 }

beforeAll(async () => {
  conn = await duckdb()
  root = tempDir('floe-corpus-write-')
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** A multiset of canonical rows, as sorted JSON texts. */
function bag(s: Schema, rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(Object.fromEntries(s.fields.map((f) => [f.name, canon(f.type, r[f.name])])))).sort()
}

/** The first top-level column a delete filter can test exactly, holding a non-null value in `row`. */
function filterColumn(s: Schema, row: Row): NestedField | undefined {
  return s.fields.find((f) => isPrimitive(f.type) && FILTER_KINDS.has(f.type.kind) && row[f.name] !== null && row[f.name] !== undefined)
}

/** `col = value` as an expression, and the model's test of a row (SQL: a null never matches). */
function equalsFilter(f: NestedField, value: Value): { expr: Expression; matches: (r: Row) => boolean } {
  const want = JSON.stringify(canon(f.type, value))
  return { expr: equal(f.name, valueToLiteral(f.type as PrimitiveType, value)), matches: (r) => r[f.name] !== null && JSON.stringify(canon(f.type, r[f.name])) === want }
}

/** A metadata JSON file (plain or gzip) parsed exactly. */
function readMetadataJson(file: string): JsonObject {
  const bytes = readFileSync(file)
  return parseJson((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8')) as JsonObject
}

/** Register a writable copy of a corpus table in a fresh memory catalog. */
async function writableCopy(t: CorpusTable, n: number): Promise<{ table: Table; catalog: MemoryCatalog; copy: string; mappings: PrefixMapping[]; metadataFile: string }> {
  const copy = join(root, `t${n}`)
  mkdirSync(copy, { recursive: true })
  cpSync(t.path, copy, { recursive: true })
  const metadataFile = join(copy, relative(t.path, await corpusMetadataFile(t)))
  const location = readMetadataJson(metadataFile).location as string
  // the table's own prefix goes to the copy (new files land there); other prefixes still read the corpus
  const mappings: PrefixMapping[] = [...sourceMappings(t.source), { from: location, to: copy }]
  if (location.startsWith('./')) mappings.push({ from: location.slice(2), to: copy })
  const catalog = new MemoryCatalog(defaultEnv(new RemappingFileIO(new LocalFileIO(), mappings)))
  await catalog.createNamespace('db')
  const table = await catalog.registerTable('db.t', metadataFile)
  return { table, catalog, copy, mappings, metadataFile }
}

describe.each(tables.filter((t) => !PLAN_ONLY.has(key(t))).map((t, i) => [key(t), t, i] as const))('writing into corpus %s', (_name, t, n) => {
  it('appends and deletes, and every reader agrees', async () => {
    const { table: start, catalog, mappings, metadataFile } = await writableCopy(t, n)
    const original = readMetadataJson(metadataFile)
    const schema = currentSchema(start.metadata)
    let before: Row[]
    try {
      before = await start.scan().toArray()
    } catch (e) {
      // a table floe cannot read (ORC, a bare deletion vector, a metadata-only fixture) can still drop all
      // its files in metadata, unread, as Java's DeleteFiles does; or it refuses with the same error and
      // stays where it was
      expect(e).toBeInstanceOf(FloeError)
      const code = (e as FloeError).code
      const r = await start.deleteRows('true').catch((x: unknown) => x)
      if (r instanceof FloeError) {
        expect(r.code).toBe(code)
        expect((await catalog.loadTable('db.t')).metadataLocation).toBe(start.metadataLocation)
      } else {
        expect(await (r as Table).scan().toArray()).toEqual([])
        const old = await (r as Table).scan({ snapshot: { snapshotId: start.currentSnapshot()!.snapshotId } }).toArray().catch((x: unknown) => x)
        expect((old as FloeError).code).toBe(code)
      }
      outcomes.refused++
      return
    }
    const refusal = WRITE_REFUSALS[key(t)]
    if (refusal) {
      const err = await start.appendRows(before.slice(0, 1)).catch((x: unknown) => x)
      expect(err).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe(refusal.code)
      expect((await catalog.loadTable('db.t')).metadataLocation).toBe(start.metadataLocation)
      outcomes.refused++
      return
    }
    const startSnapshot = start.currentSnapshot()?.snapshotId
    // time travel reads with the snapshot's own schema (Java's useSnapshot), which may predate a rename
    const startRows = startSnapshot === undefined ? [] : await start.scan({ snapshot: { snapshotId: startSnapshot } }).toArray()
    const startFiles = new Set((await start.scan().planFiles()).map((x) => x.file.filePath))
    let model = [...before]
    const check = async (tb: Table, what: string): Promise<void> => {
      expect(bag(schema, await tb.scan().toArray()), `${what}: rows`).toEqual(bag(schema, model))
    }

    // 1. append rows sampled from the table (they fit its schema; routed by its current spec)
    const sample = before.slice(0, 3)
    let table = start
    if (sample.length > 0) {
      table = await table.appendRows(sample)
      model = [...model, ...sample]
      await check(table, 'after append')
      // DuckDB reads the files floe added by field id, with the sampled values
      const added = (await table.scan().planFiles()).filter((x) => !startFiles.has(x.file.filePath))
      expect(added.length).toBeGreaterThan(0)
      const duckFields = schema.fields.filter((f) => isPrimitive(f.type) && DUCK_KINDS.has(f.type.kind))
      // (DuckDB has no Avro reader here; a table asking for Avro data files gets them)
      if (duckFields.length > 0 && added.every((x) => x.file.fileFormat === 'PARQUET')) {
        const s = makeSchema(duckFields)
        const read: Row[] = []
        for (const task of added) read.push(...(await duckFileRows(conn, localPath(remapLocation(task.file.filePath, mappings)), s)))
        expect(bag(s, read), 'DuckDB reads the appended files').toEqual(bag(s, sample))
      }
    }

    // 2. a copy-on-write delete of the rows equal to the first row's value in a filterable column
    const col = before[0] ? filterColumn(schema, before[0]) : undefined
    if (col) {
      const first = equalsFilter(col, before[0]![col.name] ?? null)
      table = await table.deleteRows(first.expr, { mode: 'copy-on-write' })
      model = model.filter((r) => !first.matches(r))
      await check(table, `after copy-on-write delete of ${col.name}`)
      // 3. from v2, a merge-on-read delete of another value
      const other = model.find((r) => r[col.name] !== null && r[col.name] !== undefined)
      if (table.metadata.formatVersion >= 2 && other) {
        const second = equalsFilter(col, other[col.name] ?? null)
        table = await table.deleteRows(second.expr, { mode: 'merge-on-read' })
        model = model.filter((r) => !second.matches(r))
        await check(table, `after merge-on-read delete of ${col.name}`)
      }
    }

    // 4. an overwrite of the rows equal to another value by those same rows (files rewritten, rows alike),
    // and an append to a new branch that main does not see
    if (col) {
      const third = model.find((r) => r[col.name] !== null && r[col.name] !== undefined)
      if (third) {
        const f = equalsFilter(col, third[col.name] ?? null)
        const same = model.filter((r) => f.matches(r))
        table = await table.overwriteRows(same, f.expr)
        expect(table.currentSnapshot()!.summary?.operation).toBe('overwrite')
        await check(table, `after overwrite of ${col.name}`)
      }
    }
    if (sample.length > 0) {
      table = await table.appendRows(sample.slice(0, 1), { branch: 'floe-audit' })
      await check(table, 'main after a branch append')
      expect(bag(schema, await table.scan({ snapshot: { ref: 'floe-audit' } }).toArray()), 'the branch').toEqual(bag(schema, [...model, sample[0]!]))
    }

    // the engine's snapshot still reads as it did, and the metadata keeps what the engine wrote
    const reloaded = await catalog.loadTable('db.t')
    if (startSnapshot !== undefined) expect(await reloaded.scan({ snapshot: { snapshotId: startSnapshot } }).toArray()).toEqual(startRows)
    const now = readMetadataJson(localPath(remapLocation(reloaded.metadataLocation, mappings)))
    // schemas are compared as parsed (floe writes Java's form: no empty identifier list, a v1 `schema` with
    // its id, defaults in floe's single-value JSON), everything else as the engine wrote it
    expect(reloaded.metadata.schemas).toEqual(start.metadata.schemas)
    const CHANGING = ['current-snapshot-id', 'last-sequence-number', 'last-updated-ms', 'snapshots', 'snapshot-log', 'metadata-log', 'refs', 'next-row-id', 'schemas', 'schema']
    // v1-only keys a v2+ table may carry (a hand-edited upgrade); floe, like Java, writes them only in v1
    if (start.metadata.formatVersion > 1) CHANGING.push('partition-spec')
    for (const k of Object.keys(original)) if (!CHANGING.includes(k)) expect(now[k], `metadata key ${k}`).toEqual(original[k])
    const ids = (m: JsonObject): string[] => ((m.snapshots ?? []) as JsonObject[]).map((s) => String(s['snapshot-id']))
    expect(ids(now).slice(0, ids(original).length)).toEqual(ids(original))

    // 5. evolution of the engine's table: a new column and a bucket field on the filter column, then an
    // append under the new schema and spec; the older rows read the new column as null
    if (col && sample.length > 0) {
      const evolved = await reloaded
        .transaction()
        .updateSchema((u) => u.addColumn('floe_note', T.string))
        // (booleans cannot be bucketed: those tables evolve their schema only)
        .updateSpec((u) => (col.type.kind === 'boolean' ? u : u.addField(parseTransform('bucket[7]'), col.name)))
        .commit()
      const wide = currentSchema(evolved.metadata)
      const notes = sample.map((r, i) => ({ ...r, floe_note: `n${i}` }))
      const last = await evolved.appendRows(notes)
      if (col.type.kind !== 'boolean') expect(last.metadata.defaultSpecId).not.toBe(start.metadata.defaultSpecId)
      expect(bag(wide, await last.scan().toArray()), 'after evolution and append').toEqual(bag(wide, [...model.map((r) => ({ ...r, floe_note: null })), ...notes]))
      const known = new Set((await evolved.scan().planFiles()).map((x) => x.file.filePath))
      const fresh = (await last.scan().planFiles()).filter((x) => !known.has(x.file.filePath))
      expect(fresh.every((x) => x.file.specId === last.metadata.defaultSpecId)).toBe(true)
      const duckFields = wide.fields.filter((f) => isPrimitive(f.type) && DUCK_KINDS.has(f.type.kind))
      if (fresh.every((x) => x.file.fileFormat === 'PARQUET')) {
        const s2 = makeSchema(duckFields)
        const read: Row[] = []
        for (const task of fresh) read.push(...(await duckFileRows(conn, localPath(remapLocation(task.file.filePath, mappings)), s2)))
        expect(bag(s2, read), 'DuckDB reads the files of the evolved table').toEqual(bag(s2, notes))
      }
    }
    outcomes.written++
  })
})

describe('writing into corpus tables', () => {
  it('wrote into most of them', () => {
    // runs after the per-table tests (same file, declaration order): most corpus tables take floe's writes
    expect(outcomes.written).toBeGreaterThan(90)
    expect(outcomes.written + outcomes.refused).toBe(tables.length - PLAN_ONLY.size)
  })
})
