// Differential property, the mirror image of duckdb-written.prop.test.ts: floe WRITES, DuckDB READS. Random
// Iceberg schemas (every primitive DuckDB can read back exactly: boolean, int, long, float, double,
// decimal(p,s) p ≤ 38, date, time, timestamp, timestamptz, string, uuid, binary, fixed[L], and timestamp_ns in
// v3; structs, lists and maps with required/optional fields, elements and values at every level, nulls at
// every level, empty lists and maps) and random rows go through floe's public write API (`appendRows` on a
// table of a local filesystem catalog) with random table properties: the Parquet codec, tiny row-group,
// page, dictionary and target-file sizes (several row groups, pages and files per write), and sometimes a
// partition spec (identity, bucket, truncate or day on a primitive column, also inside structs). DuckDB then
// reads every data file of the committed snapshot by FIELD ID (read_parquet(schema = MAP {id: {name, type,
// default_value}}), every top-level column renamed, the entries in random order), and checks:
//   1. the rows equal the generated rows (the model) value by value with exact types (int64 as bigint,
//      decimals as unscaled bigints, dates as days, times/timestamps as exact µs/ns, floats as float32,
//      −0.0 apart from 0.0 and NaN kept, uuid/binary/fixed as bytes, map entry order);
//   2. count(*), and count/min/max of every primitive reachable through structs, equal the model (DuckDB's
//      order: NaN above +∞, −0 = 0; strings, binary and uuids by unsigned bytes);
//   3. random filters (=, <, >, <=, >=, IS NULL, IS NOT NULL, = 'NaN') on those primitives return the rows
//      the model says: DuckDB prunes row groups by floe's footer statistics, so a wrong footer min/max or null
//      count drops rows;
//   4. the data files the snapshot lists are exactly the Parquet files in the table's data folder, their
//      record counts add up, and every column chunk carries the table's codec.
// Rows are compared as multisets (partitioning and file rolling reorder them).
//
// Left out, each verified: timestamptz_ns (DuckDB reads TIMESTAMP(NANOS, isAdjustedToUTC=true) as its
// µs TIMESTAMPTZ, truncating: 1234567891 ns reads as 1234567 µs, also when declared TIMESTAMP_NS); the
// ±infinity values DuckDB reserves and the timestamp/date extremes its literals refuse (the shared ranges in
// ../support/duckdb-model.ts); float/double map keys (−0/NaN make DuckDB's key equality murky, as in the
// mirror test). DuckDB resolves nested struct fields by NAME (a declared STRUCT(zz INT) for a file struct
// (a INT) fails "STRUCT to STRUCT cast must have at least one matching member"), so the declared nested
// types keep floe's field names; top-level columns resolve by field id only.
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBUUIDValue,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { isFloeError } from '../../src/errors.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { Row } from '../../src/parquet/codec.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema, type Schema } from '../../src/spec/schema.js'
import type { Table } from '../../src/table/table.js'
import { Transforms, type Transform } from '../../src/spec/transform.js'
import { T, field, type IcebergType, type NestedField, type PrimitiveType, type Value } from '../../src/spec/types.js'
import { tempDir } from '../support/catalogs.js'
import { duckdb, duckType } from '../support/corpus/duckdb.js'
import { bag, canon, DATE_LIMIT, DAY_US, duckPrimLiteral, INT64_MAX, INT64_MIN, primValueArb, q, qi, TS_LIMIT, TS_NS_MIN, valueAt, type G, type GField, type GPrim } from '../support/duckdb-model.js'

// ---------------------------------------------------------------------------------------------------------
// The generated case. Columns are the shared shape with file type = table type (no promotion: floe writes
// the table's own types).

type Codec = 'zstd' | 'snappy' | 'gzip' | 'none'

interface PartitionPick {
  readonly source: number // picks among the struct-reachable primitive paths
  readonly transform: number // picks among the transforms the source type allows
  readonly param: number // bucket count / truncate width
}

interface FilterPick {
  readonly path: number
  readonly op: number
  readonly value: number
}

interface Case {
  readonly formatVersion: 2 | 3
  readonly columns: readonly GField[]
  readonly rows: readonly Row[] // floe values keyed by the table's field names
  readonly codec: Codec
  readonly rowGroupBytes: string
  readonly pageBytes: string
  readonly dictBytes: string
  readonly targetFileBytes: string
  readonly partition: PartitionPick | null
  readonly order: readonly number[] // the order of the read_parquet schema MAP entries (a permutation of the columns)
  readonly filters: readonly FilterPick[]
}

// Table names differ from DuckDB's (c<field id>), so every top-level column must resolve by field id.
const col = (i: number): string => `col_${i}`
const child = (i: number): string => `f_${i}`
const duckName = (id: number): string => `c${id}`

const prim = (t: PrimitiveType): GPrim => ({ k: 'prim', file: t, table: t })

function primArb(v3: boolean): fc.Arbitrary<GPrim> {
  const simple = fc
    .constantFrom<PrimitiveType['kind']>('boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary', ...(v3 ? (['timestamp_ns'] as const) : []))
    .map((kind) => prim({ kind } as PrimitiveType))
  const decimal = fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => prim(T.decimal(p, s))))
  const fixed = fc.integer({ min: 1, max: 20 }).map((n) => prim(T.fixed(n)))
  return fc.oneof({ weight: 12, arbitrary: simple }, { weight: 3, arbitrary: decimal }, { weight: 2, arbitrary: fixed })
}

function gArb(v3: boolean): fc.Arbitrary<G> {
  const { g } = fc.letrec<{ g: G; struct: G; list: G; map: G }>((tie) => ({
    g: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primArb(v3), tie('struct'), tie('list'), tie('map')),
    struct: fc.array(fc.record({ required: fc.boolean(), g: tie('g') }), { minLength: 1, maxLength: 3 }).map((fields): G => ({ k: 'struct', fields })),
    list: fc.record({ elementRequired: fc.boolean(), element: tie('g') }).map((r): G => ({ k: 'list', ...r })),
    map: fc
      .record({ key: primArb(v3).filter((p) => p.file.kind !== 'float' && p.file.kind !== 'double'), valueRequired: fc.boolean(), value: tie('g') })
      .map((r): G => ({ k: 'map', ...r })),
  }))
  return g
}

function valueArb(g: G, nullable: boolean): fc.Arbitrary<Value> {
  const v = nonNullArb(g)
  return nullable ? fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: v }) : v
}

function nonNullArb(g: G): fc.Arbitrary<Value> {
  switch (g.k) {
    case 'prim':
      return primValueArb(g.table)
    case 'struct':
      return fc.tuple(...g.fields.map((f) => valueArb(f.g, !f.required))).map((vs) => Object.fromEntries(vs.map((v, i) => [child(i), v])))
    case 'list':
      return fc.array(valueArb(g.element, !g.elementRequired), { maxLength: 4 })
    case 'map':
      return fc
        .uniqueArray(fc.tuple(primValueArb(g.key.table), valueArb(g.value, !g.valueRequired)), { maxLength: 4, selector: ([k]) => JSON.stringify(canon(k)) })
        .map((entries) => new Map(entries))
  }
}

const caseArb: fc.Arbitrary<Case> = fc.constantFrom<2 | 3>(2, 3).chain((formatVersion) =>
  fc.array(fc.record({ required: fc.boolean(), g: gArb(formatVersion === 3) }), { minLength: 1, maxLength: 5 }).chain((columns) => {
    const rowArb = fc.tuple(...columns.map((c) => valueArb(c.g, !c.required))).map((vs): Row => Object.fromEntries(vs.map((v, i) => [col(i), v])))
    // low cardinality (rows drawn from a few templates) makes dictionary pages and equal footer bounds likely
    const rowsArb = fc.oneof(
      fc.array(rowArb, { minLength: 1, maxLength: 24 }),
      fc.tuple(fc.array(rowArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { minLength: 5, maxLength: 40 })).map(([templates, picks]) => picks.map((p) => templates[p % templates.length]!)),
    )
    const indices = columns.map((_, i) => i)
    return fc.record({
      formatVersion: fc.constant(formatVersion),
      columns: fc.constant(columns),
      rows: rowsArb,
      codec: fc.constantFrom<Codec>('zstd', 'snappy', 'gzip', 'none'),
      rowGroupBytes: fc.constantFrom('1', '100', '1000', '134217728'),
      pageBytes: fc.constantFrom('1', '64', '1048576'),
      dictBytes: fc.constantFrom('1', '100', '2097152'),
      targetFileBytes: fc.constantFrom('1', '300', '3000', '536870912'),
      partition: fc.option(fc.record({ source: fc.nat(), transform: fc.nat(), param: fc.integer({ min: 1, max: 8 }) }), { freq: 2 }),
      order: fc.shuffledSubarray(indices, { minLength: indices.length, maxLength: indices.length }),
      filters: fc.array(fc.record({ path: fc.nat(), op: fc.nat(), value: fc.nat() }), { minLength: 1, maxLength: 4 }),
    })
  }),
)

// ---------------------------------------------------------------------------------------------------------
// The Iceberg schema, partition spec and primitive paths of a case.

function icebergType(g: G, next: () => number): IcebergType {
  switch (g.k) {
    case 'prim':
      return g.table
    case 'struct':
      return T.struct(g.fields.map((f, i) => icebergField(f, child(i), next)))
    case 'list': {
      const id = next()
      return T.list(id, icebergType(g.element, next), g.elementRequired)
    }
    case 'map': {
      const keyId = next()
      const valueId = next()
      return T.map(keyId, icebergType(g.key, next), valueId, icebergType(g.value, next), g.valueRequired)
    }
  }
}

function icebergField(f: GField, name: string, next: () => number): NestedField {
  return field(next(), name, icebergType(f.g, next), { required: f.required })
}

function icebergSchema(columns: readonly GField[]): Schema {
  let id = 0
  const next = (): number => ++id
  return schema(columns.map((c, i) => icebergField(c, col(i), next)))
}

/** A primitive reachable from the top through structs only: filterable, aggregatable and partitionable. */
interface PrimPath {
  readonly path: readonly string[]
  readonly type: PrimitiveType
  readonly id: number // its field id in the schema it was taken from
}

function primPaths(fields: readonly NestedField[], prefix: readonly string[] = []): PrimPath[] {
  return fields.flatMap((f) => {
    const path = [...prefix, f.name]
    if (f.type.kind === 'struct') return primPaths(f.type.fields, path)
    if (f.type.kind === 'list' || f.type.kind === 'map') return []
    return [{ path, type: f.type as PrimitiveType, id: f.id }]
  })
}

const BUCKET_SOURCES = new Set(['int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'string', 'uuid', 'fixed', 'binary'])
const TRUNCATE_SOURCES = new Set(['int', 'long', 'decimal', 'string', 'binary'])
const DAY_SOURCES = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns'])

/** The case's partition spec (ids of the schema as given; createTable reassigns them). */
function partitionSpec(c: Case, s: Schema): { spec: PartitionSpec; text: string; source: PrimPath; transform: Transform } | undefined {
  if (!c.partition) return undefined
  const paths = primPaths(s.fields)
  if (!paths.length) return undefined
  const src = paths[c.partition.source % paths.length]!
  const kind = src.type.kind
  const options: Transform[] = [
    Transforms.identity,
    ...(BUCKET_SOURCES.has(kind) ? [Transforms.bucket(c.partition.param)] : []),
    ...(TRUNCATE_SOURCES.has(kind) ? [Transforms.truncate(c.partition.param)] : []),
    ...(DAY_SOURCES.has(kind) ? [Transforms.day] : []),
  ]
  const transform = options[c.partition.transform % options.length]!
  const text = `${transform.kind}${transform.kind === 'bucket' ? `[${transform.n}]` : transform.kind === 'truncate' ? `[${transform.width}]` : ''}(${src.path.join('.')})`
  return { spec: { specId: 0, fields: [{ sourceId: src.id, fieldId: 1000, name: 'p', transform }] }, text, source: src, transform }
}

/** True when truncate[W] takes some decimal source value of the rows beyond the source's precision. */
function decimalTruncationOverflows(src: PrimPath, t: Transform, rows: readonly Row[]): boolean {
  if (t.kind !== 'truncate' || src.type.kind !== 'decimal') return false
  const w = BigInt(t.width)
  const limit = 10n ** BigInt(src.type.precision)
  return rows.some((r) => {
    const v = valueAt(r, src.path) as bigint | null
    if (v === null) return false
    const out = v - (((v % w) + w) % w)
    return out >= limit || out <= -limit
  })
}

// ---------------------------------------------------------------------------------------------------------
// DuckDB values → floe values, by the Iceberg type: a value of another representation than the type's
// (a number for a long, a string for a decimal, …) becomes a marker string that never equals the model.

const wrong = (t: IcebergType, v: DuckDBValue): string => `!unexpected ${t.kind} representation: ${typeof v} ${v === null ? 'null' : (v as object).constructor?.name} ${String(v)}`

function uuidBytes(u: DuckDBUUIDValue): Uint8Array {
  let x = u.toUint128()
  const out = new Uint8Array(16)
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
}

function fromDuck(t: IcebergType, v: DuckDBValue): Value {
  if (v === null) return null
  switch (t.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : wrong(t, v)
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : wrong(t, v)
    case 'long':
      return typeof v === 'bigint' ? v : wrong(t, v)
    case 'float':
      // a FLOAT arrives as the double of the float32 value: it must already be a float32
      return typeof v === 'number' && Object.is(Math.fround(v), v) ? v : wrong(t, v)
    case 'double':
      return typeof v === 'number' ? v : wrong(t, v)
    case 'decimal':
      return v instanceof DuckDBDecimalValue && v.width === t.precision && v.scale === t.scale ? v.value : wrong(t, v)
    case 'date':
      return v instanceof DuckDBDateValue ? v.days : wrong(t, v)
    case 'time':
      return v instanceof DuckDBTimeValue ? v.micros : wrong(t, v)
    case 'timestamp':
      return v instanceof DuckDBTimestampValue ? v.micros : wrong(t, v)
    case 'timestamptz':
      return v instanceof DuckDBTimestampTZValue ? v.micros : wrong(t, v)
    case 'timestamp_ns':
      return v instanceof DuckDBTimestampNanosecondsValue ? v.nanos : wrong(t, v)
    case 'string':
      return typeof v === 'string' ? v : wrong(t, v)
    case 'uuid':
      return v instanceof DuckDBUUIDValue ? uuidBytes(v) : wrong(t, v)
    case 'binary':
      return v instanceof DuckDBBlobValue ? Uint8Array.from(v.bytes) : wrong(t, v)
    case 'fixed':
      return v instanceof DuckDBBlobValue && v.bytes.length === t.length ? Uint8Array.from(v.bytes) : wrong(t, v)
    case 'struct': {
      if (!(v instanceof DuckDBStructValue)) return wrong(t, v)
      const names = Object.keys(v.entries)
      if (names.length !== t.fields.length) return wrong(t, v)
      return Object.fromEntries(t.fields.map((f) => [f.name, f.name in v.entries ? fromDuck(f.type, v.entries[f.name]!) : wrong(f.type, v)]))
    }
    case 'list':
      return v instanceof DuckDBListValue ? v.items.map((x) => fromDuck(t.element, x)) : wrong(t, v)
    case 'map':
      return v instanceof DuckDBMapValue ? new Map(v.entries.map((e) => [fromDuck(t.key, e.key), fromDuck(t.value, e.value)])) : wrong(t, v)
    default:
      throw new Error(`no DuckDB reading for ${t.kind}`)
  }
}

// ---------------------------------------------------------------------------------------------------------
// The model of DuckDB's comparisons (its order, not Iceberg's): NaN above everything and equal to itself,
// −0 = 0, strings by UTF-8 bytes, blobs and uuids by unsigned bytes, false < true.

const bytesOf = (t: PrimitiveType, v: Value): Buffer => (t.kind === 'string' ? Buffer.from(v as string, 'utf8') : Buffer.from(v as Uint8Array))

function duckCompare(t: PrimitiveType, a: Value, b: Value): number {
  switch (t.kind) {
    case 'float':
    case 'double': {
      const x = a as number
      const y = b as number
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1
      return x === y ? 0 : x < y ? -1 : 1 // −0 === 0
    }
    case 'string':
    case 'binary':
    case 'fixed':
    case 'uuid':
      return Buffer.compare(bytesOf(t, a), bytesOf(t, b))
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1
    default:
      return a === b ? 0 : (a as number | bigint) < (b as number | bigint) ? -1 : 1
  }
}

/** −0 as 0: DuckDB's min/max may return either zero when both occur. */
const zeroSigned = (t: PrimitiveType, v: Value): Value => ((t.kind === 'float' || t.kind === 'double') && v === 0 ? 0 : v)

type FilterOp = 'eq' | 'lt' | 'gt' | 'ltEq' | 'gtEq' | 'isNull' | 'notNull' | 'isNaN'

function opsFor(t: PrimitiveType): FilterOp[] {
  const float = t.kind === 'float' || t.kind === 'double'
  return ['eq', 'lt', 'gt', 'ltEq', 'gtEq', 'isNull', 'notNull', ...(float ? (['isNaN', 'isNaN'] as const) : [])]
}

/** The DuckDB expression of a struct-reachable path (top-level column renamed c<id>). */
function duckExpr(topId: number, path: readonly string[]): string {
  return path.slice(1).reduce((e, p) => `struct_extract(${e}, ${q(p)})`, qi(duckName(topId)))
}

// ---------------------------------------------------------------------------------------------------------

let duck: DuckDBConnection
let warehouse: string
let catalog: FileSystemCatalog
const io = new LocalFileIO()
let n = 0

beforeAll(async () => {
  duck = await duckdb()
  warehouse = tempDir('floe-duckreads-')
  catalog = new FileSystemCatalog(defaultEnv(io), join(warehouse, 'wh'))
  await catalog.createNamespace('db')
})
afterAll(() => rmSync(warehouse, { recursive: true, force: true }))

function hasKind(fields: readonly NestedField[], kind: IcebergType['kind']): boolean {
  const inType = (t: IcebergType): boolean =>
    t.kind === kind || (t.kind === 'struct' ? hasKind(t.fields, kind) : t.kind === 'list' ? inType(t.element) : t.kind === 'map' ? inType(t.key) || inType(t.value) : false)
  return fields.some((f) => inType(f.type))
}

/** Run a DuckDB query; a failure names the query. */
async function query(sql: string): Promise<DuckDBValue[][]> {
  try {
    return (await duck.runAndReadAll(sql)).getRows()
  } catch (e) {
    throw new Error(`DuckDB failed: ${(e as Error).message}\n  in: ${sql}`, { cause: e })
  }
}

function parquetFilesUnder(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return []
  }
  return entries.filter((e) => e.endsWith('.parquet')).map((e) => join(dir, e))
}

/** What one check saw of the written files (for the structural assertions of the fixed cases). */
interface Written {
  readonly table: Table
  readonly files: readonly string[]
  readonly rowGroups: number
}

/** Write the case's rows with floe, read every data file with DuckDB by field id, and compare with the model. */
async function check(c: Case): Promise<Written> {
  const name = `db.t${n++}`
  const given = icebergSchema(c.columns)
  const part = partitionSpec(c, given)
  const properties = {
    'write.parquet.compression-codec': c.codec,
    'write.parquet.row-group-size-bytes': c.rowGroupBytes,
    'write.parquet.page-size-bytes': c.pageBytes,
    'write.parquet.dict-size-bytes': c.dictBytes,
    'write.target-file-size-bytes': c.targetFileBytes,
  }
  const created = await catalog.createTable(name, { schema: given, formatVersion: c.formatVersion, properties, ...(part ? { spec: part.spec } : {}) })
  const s = created.schema() // the ids floe assigned: the ids DuckDB resolves by
  const why = `${c.rows.length} rows, v${c.formatVersion} ${c.codec} rg=${c.rowGroupBytes} page=${c.pageBytes} dict=${c.dictBytes} target=${c.targetFileBytes} partition=${part?.text ?? 'none'} schema=${JSON.stringify(s.fields)}`

  // truncate[W] of a decimal can leave its precision (−999 in decimal(3,0) with W=4 → −1000): the spec's
  // partition type is the source type, and Java refuses the value when it writes the manifest
  // (DecimalUtil.toReusedFixLengthBytes: "Cannot write value as decimal(3,0), too large"), so the write fails
  // and nothing is committed or left behind
  if (part && decimalTruncationOverflows(part.source, part.transform, c.rows)) {
    await expect(created.appendRows(c.rows), `truncated decimal beyond its precision: ${why}`).rejects.toSatisfy(isFloeError)
    expect((await created.refresh()).currentSnapshot(), why).toBeUndefined()
    expect(parquetFilesUnder(join(created.metadata.location, 'data')), why).toEqual([])
    return { table: created, files: [], rowGroups: 0 }
  }
  const table = await created.appendRows(c.rows)

  // 4. the snapshot's data files are exactly the Parquet files written, holding every row, in the table's codec
  const tasks = await table.scan().planFiles()
  const files = tasks.map((t) => t.file.filePath).sort()
  expect(files, `data files: ${why}`).toEqual(parquetFilesUnder(join(table.metadata.location, 'data')).sort())
  expect(tasks.reduce((k, t) => k + t.file.recordCount, 0n), `record counts: ${why}`).toBe(BigInt(c.rows.length))
  const fileList = `[${files.map(q).join(', ')}]`
  const groups = await query(`SELECT sum(num_row_groups) FROM parquet_file_metadata(${fileList})`)
  const rowGroups = Number(groups[0]![0])
  // parquet_metadata renders every chunk's statistics as text, and DuckDB fails on a timestamp_ns bound near its
  // minimum ("Conversion Error: Date out of range in timestamp_ns conversion" for −9223372036854000000 ns,
  // which read_parquet reads fine): the codec is checked on the files without timestamp_ns columns
  if (!hasKind(s.fields, 'timestamp_ns')) {
    const meta = await query(`SELECT DISTINCT compression FROM parquet_metadata(${fileList})`)
    expect(meta.map((r) => String(r[0])), `codec: ${why}`).toEqual([c.codec === 'none' ? 'UNCOMPRESSED' : c.codec.toUpperCase()])
  }

  // the source: every data file by field id, the schema MAP entries in the case's order
  const entries = c.order.map((i) => s.fields[i]!).map((f) => `${f.id}: {name: ${q(duckName(f.id))}, type: ${q(duckType(f.type))}, default_value: NULL}`)
  const source = `read_parquet(${fileList}, schema = MAP {${entries.join(', ')}})`
  const columns = s.fields.map((f) => qi(duckName(f.id))).join(', ')
  const toModel = (r: readonly DuckDBValue[]): Row => Object.fromEntries(s.fields.map((f, i) => [f.name, fromDuck(f.type, r[i]!)]))
  const read = async (where: string): Promise<Row[]> => (await query(`SELECT ${columns} FROM ${source}${where ? ` WHERE ${where}` : ''}`)).map(toModel)

  // 1. every row, every value
  expect(bag(await read('')), `rows: ${why}`).toEqual(bag(c.rows))

  // 2. count(*) and count/min/max of every struct-reachable primitive
  const prims = primPaths(s.fields)
  const aggSql = prims.flatMap((p) => {
    const e = duckExpr(s.fields.find((f) => f.name === p.path[0])!.id, p.path)
    return [`count(${e})`, `min(${e})`, `max(${e})`]
  })
  const agg = (await query(`SELECT count(*)${aggSql.map((x) => `, ${x}`).join('')} FROM ${source}`))[0]!
  const gotAgg = [Number(agg[0] as bigint), ...prims.flatMap((p, i) => [Number(agg[1 + 3 * i] as bigint), zeroSigned(p.type, fromDuck(p.type, agg[2 + 3 * i]!)), zeroSigned(p.type, fromDuck(p.type, agg[3 + 3 * i]!))])]
  const wantAgg = [
    c.rows.length,
    ...prims.flatMap((p) => {
      const vs = c.rows.map((r) => valueAt(r, p.path)).filter((v) => v !== null)
      const sorted = [...vs].sort((a, b) => duckCompare(p.type, a, b))
      return [vs.length, sorted.length ? zeroSigned(p.type, sorted[0]!) : null, sorted.length ? zeroSigned(p.type, sorted[sorted.length - 1]!) : null]
    }),
  ]
  expect(canon(gotAgg as Value[]), `aggregates count(*), then count/min/max of ${prims.map((p) => p.path.join('.')).join(', ')}: ${why}`).toEqual(canon(wantAgg as Value[]))

  // 3. filters on struct-reachable primitives, literals taken from the rows (the footer bounds themselves),
  // and IS [NOT] NULL on top-level lists, maps and structs
  const nested = s.fields.filter((f) => f.type.kind === 'list' || f.type.kind === 'map' || f.type.kind === 'struct')
  const targets: { path: readonly string[]; type: IcebergType }[] = [...prims, ...nested.map((f) => ({ path: [f.name], type: f.type }))]
  for (const f of c.filters) {
    const p = targets[f.path % targets.length]!
    const t = p.type
    const ops = t.kind === 'list' || t.kind === 'map' || t.kind === 'struct' ? (['isNull', 'notNull'] as const) : opsFor(t)
    const op = ops[f.op % ops.length]!
    const present = c.rows.map((r) => valueAt(r, p.path)).filter((v) => v !== null)
    const e = duckExpr(s.fields.find((x) => x.name === p.path[0])!.id, p.path)
    let where: string
    let holds: (v: Value) => boolean
    if (op === 'isNull' || op === 'notNull' || (present.length === 0 && op !== 'isNaN')) {
      const isNull = op !== 'notNull'
      where = `${e} IS ${isNull ? '' : 'NOT '}NULL`
      holds = (v) => (v === null) === isNull
    } else if (op === 'isNaN') {
      where = `${e} = ${duckPrimLiteral(t as PrimitiveType, Number.NaN)}`
      holds = (v) => v !== null && Number.isNaN(v as number)
    } else {
      const x = present[f.value % present.length]!
      const sql = { eq: '=', lt: '<', gt: '>', ltEq: '<=', gtEq: '>=' }[op]
      const test = { eq: (d: number) => d === 0, lt: (d: number) => d < 0, gt: (d: number) => d > 0, ltEq: (d: number) => d <= 0, gtEq: (d: number) => d >= 0 }[op]
      where = `${e} ${sql} ${duckPrimLiteral(t as PrimitiveType, x)}`
      holds = (v) => v !== null && test(duckCompare(t as PrimitiveType, v, x))
    }
    expect(bag(await read(where)), `where ${where}: ${why}`).toEqual(bag(c.rows.filter((r) => holds(valueAt(r, p.path)))))
  }
  return { table, files, rowGroups }
}

const runs = Number(process.env.FC_NUM_RUNS ?? 120)

describe('DuckDB reads floe-written tables exactly, by field id', () => {
  it('random schemas, rows, codecs, row-group/page/dictionary/file sizes and partition specs', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        await check(c)
      }),
      { numRuns: runs, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    )
  }, Number(process.env.FC_TIMEOUT_MS ?? 60_000))

  it('a fixed edge case per type, several files and row groups: extremes, −0, NaN, ±∞, empty values, nulls at every level', async () => {
    const opt = (t: PrimitiveType): GField => ({ required: false, g: prim(t) })
    const columns: GField[] = [
      opt(T.long),
      opt(T.float),
      opt(T.double),
      opt(T.decimal(38, 10)),
      opt(T.decimal(9, 2)),
      opt(T.date),
      opt(T.timestamptz),
      opt(T.string),
      opt(T.uuid),
      opt(T.binary),
      opt(T.fixed(3)),
      opt(T.timestampNs),
      { required: false, g: { k: 'list', elementRequired: false, element: { k: 'struct', fields: [{ required: false, g: prim(T.int) }] } } },
      { required: false, g: { k: 'map', key: prim(T.string), valueRequired: false, value: { k: 'list', elementRequired: false, element: prim(T.time) } } },
      { required: true, g: { k: 'struct', fields: [{ required: true, g: prim(T.boolean) }, { required: false, g: prim(T.timestamp) }] } },
    ]
    const row = (vs: Value[]): Row => Object.fromEntries(vs.map((v, i) => [col(i), v]))
    const limit38 = 10n ** 38n - 1n
    const rows: Row[] = [
      row([INT64_MIN, -0, -0, -limit38, -99999999n, -DATE_LIMIT, -TS_LIMIT, '', new Uint8Array(16), new Uint8Array(0), Uint8Array.of(0, 0, 0), TS_NS_MIN, [], new Map(), { [child(0)]: false, [child(1)]: null }]),
      row([
        INT64_MAX,
        Number.NaN,
        Number.NaN,
        limit38,
        99999999n,
        DATE_LIMIT,
        TS_LIMIT,
        '\u{10FFFF}😀é',
        new Uint8Array(16).fill(0xff),
        Uint8Array.of(0),
        Uint8Array.of(255, 255, 255),
        INT64_MAX - 1n,
        [null, { [child(0)]: null }],
        new Map([['', null], ['k', []], ['m', [null, 0n, DAY_US - 1n]]]),
        { [child(0)]: true, [child(1)]: TS_LIMIT },
      ]),
      row([0n, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0n, 0n, 0, 0n, "it's", Uint8Array.from({ length: 16 }, (_, i) => i * 17), Uint8Array.of(0xff, 0xfe, 0x41), Uint8Array.of(1, 2, 3), -1n, [{ [child(0)]: -2147483648 }], null, { [child(0)]: true, [child(1)]: -1n }]),
      row([null, null, null, null, null, null, null, null, null, null, null, null, null, null, { [child(0)]: false, [child(1)]: -TS_LIMIT }]),
      row([1n, 0, 0, 1n, -1n, -1, 1n, 'a', Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? 0x80 : 0)), Uint8Array.of(0x80), Uint8Array.of(0x80, 0, 0), 1n, [], new Map([['z', null]]), { [child(0)]: true, [child(1)]: 0n }]),
    ]
    const codecs: Codec[] = ['zstd', 'snappy', 'gzip', 'none']
    // every primitive path, every filter op, each literal in turn
    const filters: FilterPick[] = Array.from({ length: 40 }, (_, k) => ({ path: k, op: k * 7 + Math.floor(k / 13), value: k }))
    for (const [k, codec] of codecs.entries()) {
      // one row per row group (1-byte row groups), one row per file (1-byte target) on the first two codecs
      const w = await check({
        formatVersion: 3,
        columns,
        rows,
        codec,
        rowGroupBytes: '1',
        pageBytes: k % 2 ? '1' : '1048576',
        dictBytes: k % 2 ? '2097152' : '1',
        targetFileBytes: k < 2 ? '1' : '536870912',
        partition: k === 3 ? { source: 7, transform: 0, param: 1 } : null, // identity on the string column
        order: columns.map((_, i) => columns.length - 1 - i),
        filters,
      })
      expect(w.files.length, codec).toBe(k < 2 ? rows.length : k === 3 ? rows.length : 1)
      expect(w.rowGroups, codec).toBe(rows.length)
    }
  })
})
