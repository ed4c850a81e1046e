// Differential property: Parquet files written by an independent writer (DuckDB's COPY … TO … (FORMAT parquet,
// FIELD_IDS …)) read exactly in floe. Random Iceberg schemas (every primitive DuckDB can write, structs, lists
// and maps, nulls at every level, empty lists and maps, required fields over DuckDB's optional columns, v3
// read promotions) and random rows are written by DuckDB with random row-group sizes, codecs, Parquet versions
// (V2: DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT) and dictionary encoding on or off; the
// file is committed to a floe table as a data file and read back through a full table scan, a projected
// (columns, struct fields, fields inside list elements and map values) and filtered table scan (row groups
// pruned by DuckDB's footer statistics), a filtered scan of every column, a scan with `_pos`, and floe's
// Parquet codec directly in small batches. Every value is compared with the generated rows (the model), never
// with DuckDB's re-read of its own file, so writer and reader are both checked against the model. DuckDB does
// not keep the order of UNION ALL chunks, so each row carries its index (`ord`), and DuckDB's file_row_number
// of each ord is used for positions only.
//
// Left out, each because DuckDB cannot write it: fixed[L] (DuckDB has no fixed-length binary type; BLOB is
// written as BYTE_ARRAY, which is not a fixed[L] column), timestamptz_ns (DuckDB has no nanosecond TIMESTAMPTZ),
// decimal with a negative scale, empty structs, and the extremes of date/timestamp ranges that DuckDB reserves
// for ±infinity or cannot represent (ranges below). DuckDB's PARQUET_VERSION V2 changes the encodings but still
// writes v1 data page headers, and it writes one data page per column chunk at these sizes; several row groups
// come from several DuckDB chunks (one VALUES list each, UNION ALL) with a small ROW_GROUP_SIZE.
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { isFloeError } from '../../src/errors.js'
import { and, equal, greaterThan, greaterThanOrEqual, isIn, isNaN, isNull, lessThan, lessThanOrEqual, notEqual, notIn, notNaN, notNull, NumberText, startsWith, type Expression, type Literal } from '../../src/expr/expression.js'
import { LocalFileIO } from '../../src/io/local.js'
import { fileSource } from '../../src/parquet/byte-source.js'
import type { Row } from '../../src/parquet/codec.js'
import { hyparquetReader } from '../../src/parquet/hyparquet-reader.js'
import { schema, type Schema } from '../../src/spec/schema.js'
import { T, field, type IcebergType, type NestedField, type PrimitiveType, type Value } from '../../src/spec/types.js'
import { duckdb } from '../support/corpus/duckdb.js'
import { tempDir } from '../support/catalogs.js'
import { bag, canon, DATE_LIMIT, DAY_US, decimalText, duckPrimLiteral, duckPrimType, INT64_MAX, INT64_MIN, primValueArb, q, qi, TS_LIMIT, valueAt, type G, type GField, type GPrim } from '../support/duckdb-model.js'

// ---------------------------------------------------------------------------------------------------------
// The generated shape (G, GPrim, GField in ../support/duckdb-model.ts): file types (what DuckDB writes) beside
// table types (what floe reads them as).

/** One generated case. */
interface Case {
  readonly formatVersion: 2 | 3
  readonly columns: readonly GField[]
  readonly rows: readonly Row[] // file-type values, keyed by DuckDB top-level column names
  readonly chunks: readonly number[] // rows per DuckDB chunk (one VALUES list each)
  readonly rowGroupSize: number
  readonly compression: 'uncompressed' | 'snappy' | 'zstd' | 'gzip'
  readonly parquetVersion: 'V1' | 'V2'
  readonly dictionary: boolean
  readonly select: readonly number[] // picks among the selectable paths (columns and struct fields, also in lists and maps)
  readonly filterPick: number
  readonly filterOp: number
  readonly filterValuePick: number
  readonly batchSize: number
}

// Names: DuckDB's differ from the table's, so every column must resolve by field id.
const duckCol = (i: number): string => `col_${i}`
const duckChild = (i: number): string => `fld_${i}`
const icebergCol = (i: number): string => `c${i}`
const icebergChild = (i: number): string => `f${i}`
/** A last column, the row's index in the generated rows: tells which model row sits at which file position. */
const ORD = 'ord'

// The last days a date promoted to timestamp (µs) / timestamp_ns can hold: ±floor(2^63 / unit per day).
const DATE_US_LIMIT = 106_751_991
const DATE_NS_LIMIT = 106_751

const simpleKinds = ['boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary'] as const

function primArb(v3: boolean): fc.Arbitrary<GPrim> {
  const same = (t: PrimitiveType): GPrim => ({ k: 'prim', file: t, table: t })
  const decimal = fc
    .integer({ min: 1, max: 38 })
    .chain((p) => fc.tuple(fc.constant(p), fc.integer({ min: 0, max: p }), fc.integer({ min: p, max: 38 })))
  const simple = fc.constantFrom<PrimitiveType['kind']>(...simpleKinds, ...(v3 ? (['timestamp_ns'] as const) : [])).map((kind) => same({ kind } as PrimitiveType))
  const promoted: fc.Arbitrary<GPrim>[] = [
    fc.constant<GPrim>({ k: 'prim', file: T.int, table: T.long }),
    fc.constant<GPrim>({ k: 'prim', file: T.float, table: T.double }),
    decimal.map(([p, s, wider]): GPrim => ({ k: 'prim', file: T.decimal(p, s), table: T.decimal(wider, s) })),
  ]
  // v3 promotes date to timestamp and timestamp_ns (spec §Schema Evolution)
  if (v3) promoted.push(fc.constantFrom<GPrim>({ k: 'prim', file: T.date, table: T.timestamp }, { k: 'prim', file: T.date, table: T.timestampNs }))
  return fc.oneof(
    { weight: 12, arbitrary: simple },
    { weight: 3, arbitrary: decimal.map(([p, s]) => same(T.decimal(p, s))) },
    { weight: 2, arbitrary: fc.oneof(...promoted) },
  )
}

/** Map keys: primitives with a clear equality (no float/double, whose −0/NaN make DuckDB's key uniqueness murky). */
function keyArb(v3: boolean): fc.Arbitrary<GPrim> {
  return primArb(v3).filter((p) => p.file.kind !== 'float' && p.file.kind !== 'double')
}

function gArb(v3: boolean): fc.Arbitrary<G> {
  const { g } = fc.letrec<{ g: G; struct: G; list: G; map: G }>((tie) => ({
    g: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primArb(v3), tie('struct'), tie('list'), tie('map')),
    struct: fc.array(fc.record({ required: fc.boolean(), g: tie('g') }), { minLength: 1, maxLength: 3 }).map((fields): G => ({ k: 'struct', fields })),
    list: fc.record({ elementRequired: fc.boolean(), element: tie('g') }).map((r): G => ({ k: 'list', ...r })),
    map: fc.record({ key: keyArb(v3), valueRequired: fc.boolean(), value: tie('g') }).map((r): G => ({ k: 'map', ...r })),
  }))
  return g
}

// ---------------------------------------------------------------------------------------------------------
// Values (file-type representation: floe's in-memory form of the type DuckDB writes; primValueArb is shared).

/** Non-null values of a primitive as the file stores them, within what the table's type can read. */
function promotedValueArb(g: GPrim): fc.Arbitrary<Value> {
  // a date read as timestamp/timestamp_ns must fit the promoted type (beyond it the spec demands a failure,
  // covered by its own test below); map keys too
  if (g.file.kind === 'date' && g.table.kind === 'timestamp') return fc.oneof(fc.integer({ min: -DATE_US_LIMIT, max: DATE_US_LIMIT }), fc.constantFrom(-DATE_US_LIMIT, DATE_US_LIMIT))
  if (g.file.kind === 'date' && g.table.kind === 'timestamp_ns') return fc.oneof(fc.integer({ min: -DATE_NS_LIMIT, max: DATE_NS_LIMIT }), fc.constantFrom(-DATE_NS_LIMIT, DATE_NS_LIMIT))
  return primValueArb(g.file)
}

/** Values of a generated type; `nullable` adds null (an optional field, element or map value). */
function valueArb(g: G, nullable: boolean): fc.Arbitrary<Value> {
  const v = nonNullArb(g)
  return nullable ? fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: v }) : v
}

function nonNullArb(g: G): fc.Arbitrary<Value> {
  switch (g.k) {
    case 'prim':
      return promotedValueArb(g)
    case 'struct':
      return fc.tuple(...g.fields.map((f) => valueArb(f.g, !f.required))).map((vs) => Object.fromEntries(vs.map((v, i) => [duckChild(i), v])))
    case 'list':
      return fc.array(valueArb(g.element, !g.elementRequired), { maxLength: 4 })
    case 'map':
      return fc
        .uniqueArray(fc.tuple(promotedValueArb(g.key), valueArb(g.value, !g.valueRequired)), { maxLength: 4, selector: ([k]) => canon(k) })
        .map((entries) => new Map(entries))
  }
}

// ---------------------------------------------------------------------------------------------------------
// DuckDB SQL for the generated types and values (exact text; no float or date arithmetic on the way; the
// primitive types and literals are shared).

function duckType(g: G): string {
  switch (g.k) {
    case 'prim':
      return duckPrimType(g.file)
    case 'struct':
      return `STRUCT(${g.fields.map((f, i) => `${qi(duckChild(i))} ${duckType(f.g)}`).join(', ')})`
    case 'list':
      return `${duckType(g.element)}[]`
    case 'map':
      return `MAP(${duckType(g.key)}, ${duckType(g.value)})`
  }
}


function duckLiteral(g: G, v: Value): string {
  if (v === null) return `CAST(NULL AS ${duckType(g)})`
  switch (g.k) {
    case 'prim':
      return duckPrimLiteral(g.file, v)
    case 'struct': {
      const o = v as Record<string, Value>
      return `struct_pack(${g.fields.map((f, i) => `${qi(duckChild(i))} := ${duckLiteral(f.g, o[duckChild(i)] ?? null)}`).join(', ')})`
    }
    case 'list':
      return `CAST([${(v as Value[]).map((x) => duckLiteral(g.element, x)).join(', ')}] AS ${duckType(g)})`
    case 'map': {
      const entries = [...(v as ReadonlyMap<Value, Value>)]
      return `CAST(MAP {${entries.map(([k, x]) => `${duckLiteral(g.key, k)}: ${duckLiteral(g.value, x)}`).join(', ')}} AS ${duckType(g)})`
    }
  }
}

/** The FIELD_IDS entry of one column: the table's ids, so DuckDB stores exactly the ids floe resolves by. */
function fieldIds(g: G, t: IcebergType, id: number): string {
  switch (g.k) {
    case 'prim':
      return String(id)
    case 'struct': {
      if (t.kind !== 'struct') throw new Error('shape')
      return `{__duckdb_field_id: ${id}, ${g.fields.map((f, i) => `${qi(duckChild(i))}: ${fieldIds(f.g, t.fields[i]!.type, t.fields[i]!.id)}`).join(', ')}}`
    }
    case 'list':
      if (t.kind !== 'list') throw new Error('shape')
      return `{__duckdb_field_id: ${id}, element: ${fieldIds(g.element, t.element, t.elementId)}}`
    case 'map':
      if (t.kind !== 'map') throw new Error('shape')
      return `{__duckdb_field_id: ${id}, key: ${fieldIds(g.key, t.key, t.keyId)}, value: ${fieldIds(g.value, t.value, t.valueId)}}`
  }
}

/** The COPY statement writing the case's rows to `file`. */
function copySql(c: Case, table: Schema, file: string): string {
  const names = [...c.columns.map((_, i) => qi(duckCol(i))), qi(ORD)]
  const rowSql = (r: Row, ord: number): string => `(${c.columns.map((col, i) => duckLiteral(col.g, r[duckCol(i)] ?? null)).join(', ')}, CAST(${ord} AS INTEGER))`
  const selects: string[] = []
  let at = 0
  for (const n of c.chunks) {
    const rows = c.rows.slice(at, at + n)
    if (rows.length) selects.push(`SELECT * FROM (VALUES ${rows.map((r, k) => rowSql(r, at + k)).join(', ')}) v(${names.join(', ')})`)
    at += n
  }
  if (!selects.length) selects.push(`SELECT ${c.columns.map((col, i) => `CAST(NULL AS ${duckType(col.g)}) AS ${names[i]}`).join(', ')}, CAST(NULL AS INTEGER) AS ${qi(ORD)} LIMIT 0`)
  const ord = table.fields[c.columns.length]!
  const ids = [...c.columns.map((col, i) => `${names[i]}: ${fieldIds(col.g, table.fields[i]!.type, table.fields[i]!.id)}`), `${qi(ORD)}: ${ord.id}`]
  const opts = [
    'FORMAT parquet',
    `FIELD_IDS {${ids.join(', ')}}`,
    `ROW_GROUP_SIZE ${c.rowGroupSize}`,
    `COMPRESSION ${c.compression}`,
    `PARQUET_VERSION ${c.parquetVersion}`,
    // a one-byte dictionary limit makes DuckDB fall back to plain (V1) / DELTA (V2) for every column
    ...(c.dictionary ? [] : ['DICTIONARY_SIZE_LIMIT 1']),
  ]
  return `COPY (${selects.join(' UNION ALL ')}) TO ${q(file)} (${opts.join(', ')})`
}

// ---------------------------------------------------------------------------------------------------------
// The Iceberg schema and the expected (model) rows in table form.

function icebergType(g: G, next: () => number): IcebergType {
  switch (g.k) {
    case 'prim':
      return g.table
    case 'struct':
      return T.struct(g.fields.map((f, i) => icebergField(f, icebergChild(i), next)))
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
  const id = next()
  return field(id, name, icebergType(f.g, next), { required: f.required })
}

function icebergSchema(columns: readonly GField[]): Schema {
  let id = 0
  const next = (): number => ++id
  const fields = columns.map((c, i) => icebergField(c, icebergCol(i), next))
  return schema([...fields, field(next(), ORD, T.int, { required: true })])
}

/** A file value as the table type reads it (identity, or the spec's read promotion). */
function promote(p: GPrim, v: Value): Value {
  if (v === null) return null
  if (p.file.kind === 'int' && p.table.kind === 'long') return BigInt(v as number)
  if (p.file.kind === 'date' && p.table.kind === 'timestamp') return BigInt(v as number) * DAY_US
  if (p.file.kind === 'date' && p.table.kind === 'timestamp_ns') return BigInt(v as number) * DAY_US * 1000n
  return v // float→double keeps the number; a wider decimal keeps the unscaled value at the same scale
}

function expectedValue(g: G, v: Value): Value {
  if (v === null) return null
  switch (g.k) {
    case 'prim':
      return promote(g, v)
    case 'struct': {
      const o = v as Record<string, Value>
      return Object.fromEntries(g.fields.map((f, i) => [icebergChild(i), expectedValue(f.g, o[duckChild(i)] ?? null)]))
    }
    case 'list':
      return (v as Value[]).map((x) => expectedValue(g.element, x))
    case 'map':
      return new Map([...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => [expectedValue(g.key, k), expectedValue(g.value, x)]))
  }
}

function expectedRows(c: Case): Row[] {
  return c.rows.map((r, ord) => ({ ...Object.fromEntries(c.columns.map((col, i) => [icebergCol(i), expectedValue(col.g, r[duckCol(i)] ?? null)])), [ORD]: ord }))
}

/** Paths (Iceberg names) that can be selected or filtered: top-level columns and struct fields below them. */
function structPaths(fields: readonly GField[], names: (i: number) => string, prefix: string[] = []): { path: string[]; g: G }[] {
  return fields.flatMap((f, i) => {
    const path = [...prefix, names(i)]
    return [{ path, g: f.g }, ...(f.g.k === 'struct' ? structPaths(f.g.fields, icebergChild, path) : [])]
  })
}

/**
 * Paths that can be selected: top-level columns and struct fields at any depth, also inside list elements
 * (`c0.element.f1`) and map values (`c0.value.f1`), full Iceberg names.
 */
function selectablePaths(fields: readonly GField[], names: (i: number) => string, prefix: string[] = []): string[][] {
  const below = (g: G, path: string[]): string[][] =>
    g.k === 'struct' ? selectablePaths(g.fields, icebergChild, path) : g.k === 'list' ? below(g.element, [...path, 'element']) : g.k === 'map' ? below(g.value, [...path, 'value']) : []
  return fields.flatMap((f, i) => {
    const path = [...prefix, names(i)]
    return [path, ...below(f.g, path)]
  })
}

type SelTree = Map<string, SelTree | 'all'>

function selTree(paths: readonly string[][]): SelTree {
  const root: SelTree = new Map()
  for (const p of paths) {
    let node = root
    for (let i = 0; i < p.length; i++) {
      const cur = node.get(p[i]!)
      if (cur === 'all') break
      if (i === p.length - 1) {
        node.set(p[i]!, 'all')
        break
      }
      const child: SelTree = cur ?? new Map()
      node.set(p[i]!, child)
      node = child
    }
  }
  return root
}

/**
 * The expected projection: selected columns; a struct selected by some fields keeps only those, a list or map
 * selected below its element or value keeps every entry with the element or value pruned (nulls stay null).
 */
function project(columns: readonly GField[], row: Row, sel: SelTree): Row {
  const out: Row = {}
  columns.forEach((c, i) => {
    const sub = sel.get(icebergCol(i))
    if (sub !== undefined) out[icebergCol(i)] = projectValue(c.g, row[icebergCol(i)] ?? null, sub)
  })
  return out
}

function projectValue(g: G, v: Value, sel: SelTree | 'all' | undefined): Value {
  if (sel === 'all' || v === null) return v
  if (sel === undefined) throw new Error('selection tree does not reach this value')
  switch (g.k) {
    case 'struct': {
      const o = v as Record<string, Value>
      const out: Record<string, Value> = {}
      g.fields.forEach((f, i) => {
        const sub = sel.get(icebergChild(i))
        if (sub !== undefined) out[icebergChild(i)] = projectValue(f.g, o[icebergChild(i)] ?? null, sub)
      })
      return out
    }
    case 'list':
      return (v as Value[]).map((x) => projectValue(g.element, x, sel.get('element')))
    case 'map':
      return new Map([...(v as ReadonlyMap<Value, Value>)].map(([k, x]) => [k, projectValue(g.value, x, sel.get('value'))]))
    case 'prim':
      throw new Error('a primitive has no fields to select')
  }
}

// ---------------------------------------------------------------------------------------------------------
// Filters: a predicate on one primitive reachable through structs, with a literal taken from the rows, and a
// reference evaluation on the model (Iceberg semantics: a null satisfies only isNull and the negated forms).

type Op = 'isNull' | 'notNull' | 'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'in' | 'notIn' | 'isNaN' | 'notNaN' | 'startsWith'

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8')

/** Order of non-null table values (the types range filters use). */
function compare(t: PrimitiveType, a: Value, b: Value): number {
  switch (t.kind) {
    case 'string':
      return Buffer.compare(utf8(a as string), utf8(b as string))
    case 'binary':
      return Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array))
    default:
      return a === b ? 0 : (a as number | bigint) < (b as number | bigint) ? -1 : 1
  }
}

function opsFor(t: PrimitiveType): Op[] {
  switch (t.kind) {
    case 'float':
    case 'double':
      // range comparisons on floats depend on −0/NaN ordering conventions, not on the read path
      return ['isNull', 'notNull', 'isNaN', 'notNaN']
    case 'boolean':
    case 'uuid':
      return ['isNull', 'notNull', 'eq', 'notEq', 'in', 'notIn']
    case 'string':
      return ['isNull', 'notNull', 'eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq', 'in', 'notIn', 'startsWith']
    default:
      return ['isNull', 'notNull', 'eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq', 'in', 'notIn']
  }
}

function literalOf(t: PrimitiveType, v: Value): Literal {
  // integers are in the column's unit (days, µs, ns); decimals as exact text at the column scale
  if (t.kind === 'decimal') return new NumberText(decimalText(v as bigint, t.scale))
  return v as Literal
}

interface Filter {
  readonly path: readonly string[]
  readonly expr: Expression
  readonly holds: (row: Row) => boolean
  readonly text: string
}

function makeFilter(c: Case, expected: readonly Row[]): Filter | undefined {
  const prims = structPaths(c.columns, icebergCol).filter((p) => p.g.k === 'prim')
  if (!prims.length) return undefined
  const { path, g } = prims[c.filterPick % prims.length]!
  const t = (g as GPrim).table
  const name = path.join('.')
  const ops = opsFor(t)
  const op = ops[c.filterOp % ops.length]!
  const present = expected.map((r) => valueAt(r, path)).filter((v): v is NonNullable<Value> => v !== null)
  const pick = (k: number): Value | undefined => (present.length ? present[(c.filterValuePick + k) % present.length] : undefined)
  const cmpEq = (a: Value, b: Value): boolean => (t.kind === 'uuid' ? Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)) === 0 : compare(t, a, b) === 0)
  const on = (f: (v: Value) => boolean, negated: boolean) => (row: Row): boolean => {
    const v = valueAt(row, path)
    return v === null ? negated : f(v)
  }
  const mk = (expr: Expression, holds: (row: Row) => boolean): Filter => ({ path, expr, holds, text: `${op} on ${name}` })
  switch (op) {
    case 'isNull':
      return mk(isNull(name), (r) => valueAt(r, path) === null)
    case 'notNull':
      return mk(notNull(name), (r) => valueAt(r, path) !== null)
    case 'isNaN':
      return mk(isNaN(name), on((v) => Number.isNaN(v as number), false))
    case 'notNaN':
      return mk(notNaN(name), on((v) => !Number.isNaN(v as number), true))
    case 'in':
    case 'notIn': {
      const vs = [pick(0), pick(1), pick(3)].filter((v): v is NonNullable<Value> => v !== undefined)
      if (!vs.length) return mk(op === 'in' ? isNull(name) : notNull(name), (r) => (valueAt(r, path) === null) === (op === 'in'))
      const hit = (v: Value): boolean => vs.some((x) => cmpEq(v, x))
      const lits = vs.map((v) => literalOf(t, v))
      return op === 'in' ? mk(isIn(name, lits), on(hit, false)) : mk(notIn(name, lits), on((v) => !hit(v), true))
    }
    default: {
      const x = pick(0)
      if (x === undefined) return mk(isNull(name), (r) => valueAt(r, path) === null)
      if (op === 'startsWith') {
        const prefix = [...(x as string)].slice(0, 2).join('')
        return mk(startsWith(name, prefix), on((v) => (v as string).startsWith(prefix), false))
      }
      const lit = literalOf(t, x)
      const table = {
        eq: [equal, (v: Value) => cmpEq(v, x), false],
        notEq: [notEqual, (v: Value) => !cmpEq(v, x), true],
        lt: [lessThan, (v: Value) => compare(t, v, x) < 0, false],
        ltEq: [lessThanOrEqual, (v: Value) => compare(t, v, x) <= 0, false],
        gt: [greaterThan, (v: Value) => compare(t, v, x) > 0, false],
        gtEq: [greaterThanOrEqual, (v: Value) => compare(t, v, x) >= 0, false],
      } as const
      const [build, f, negated] = table[op as keyof typeof table]
      return mk(build(name, lit), on(f, negated))
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The case arbitrary (rows compare through the shared canon/bag).

const caseArb: fc.Arbitrary<Case> = fc.constantFrom<2 | 3>(2, 3).chain((formatVersion) =>
  fc.array(fc.record({ required: fc.boolean(), g: gArb(formatVersion === 3) }), { minLength: 1, maxLength: 5 }).chain((columns) => {
    const rowArb = fc.tuple(...columns.map((c) => valueArb(c.g, !c.required))).map((vs): Row => Object.fromEntries(vs.map((v, i) => [duckCol(i), v])))
    // low cardinality (rows drawn from a few templates) is what makes DuckDB choose dictionary pages
    const rowsArb = fc.oneof(
      fc.array(rowArb, { maxLength: 24 }),
      fc.tuple(fc.array(rowArb, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { minLength: 10, maxLength: 40 })).map(([templates, picks]) => picks.map((p) => templates[p % templates.length]!)),
    )
    return fc.record({
      formatVersion: fc.constant(formatVersion),
      columns: fc.constant(columns),
      rows: rowsArb,
      chunks: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
      rowGroupSize: fc.constantFrom(1, 2, 5, 100_000),
      compression: fc.constantFrom('uncompressed' as const, 'snappy' as const, 'zstd' as const, 'gzip' as const),
      parquetVersion: fc.constantFrom('V1' as const, 'V2' as const),
      dictionary: fc.boolean(),
      select: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      filterPick: fc.nat(),
      filterOp: fc.nat(),
      filterValuePick: fc.nat(),
      batchSize: fc.integer({ min: 1, max: 9 }),
    })
  }),
)

/** Resolve the select picks (numbers) into selectable paths of the case's schema. */
function selectPaths(c: Case): string[][] {
  const all = selectablePaths(c.columns, icebergCol)
  return c.select.map((pick) => all[pick % all.length]!)
}

/** Chunk sizes covering exactly the rows (the last chunk takes the rest). */
function chunksFor(c: Case): number[] {
  const out: number[] = []
  let left = c.rows.length
  for (const n of c.chunks) {
    if (left <= 0) break
    out.push(Math.min(n, left))
    left -= n
  }
  if (left > 0) out.push(left)
  return out
}

// ---------------------------------------------------------------------------------------------------------

let duck: DuckDBConnection
let warehouse: string
let catalog: FileSystemCatalog
const io = new LocalFileIO()
let n = 0

beforeAll(async () => {
  duck = await duckdb()
  warehouse = tempDir('floe-duckwritten-')
  catalog = new FileSystemCatalog(defaultEnv(io), join(warehouse, 'wh'))
  await catalog.createNamespace('db')
})
afterAll(() => rmSync(warehouse, { recursive: true, force: true }))

/** Write the case with DuckDB, commit it to a fresh floe table, and check every read against the model. */
async function check(c0: Case): Promise<void> {
  const c: Case = { ...c0, chunks: chunksFor(c0) }
  const name = `db.t${n++}`
  const created = await catalog.createTable(name, { schema: icebergSchema(c.columns), formatVersion: c.formatVersion })
  const table = created.schema()
  // the table's ids (whatever createTable assigned) are the ids DuckDB writes
  const dataDir = join(warehouse, 'files')
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, `${name}.parquet`)
  await duck.run(copySql(c, table, file))

  const t = await created.append([
    { content: 'data', filePath: file, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: BigInt(c.rows.length), fileSizeInBytes: BigInt(statSync(file).size) },
  ])
  const expected = expectedRows(c)
  const why = `${c.rows.length} rows, ${c.compression} ${c.parquetVersion} dict=${c.dictionary} rg=${c.rowGroupSize} chunks=${c.chunks.join('/')} schema=${JSON.stringify(table.fields)}`

  // 1. full table scan
  const all = await t.scan().toArray()
  expect(bag(all), `full scan: ${why}`).toEqual(bag(expected))

  // 2. projected (columns and struct fields) and filtered table scan
  const paths = selectPaths(c)
  const filter = makeFilter(c, expected)
  const projected = await t.scan({ select: paths.map((p) => p.join('.')), ...(filter ? { filter: filter.expr } : {}) }).toArray()
  const sel = selTree(paths)
  const want = expected.filter((r) => !filter || filter.holds(r)).map((r) => project(c.columns, r, sel))
  expect(bag(projected), `select ${paths.map((p) => p.join('.')).join(', ')} where ${filter?.text ?? 'true'}: ${why}`).toEqual(bag(want))

  // 3. filtered scan of every column, the filter conjoined with `is not null` on another primitive
  if (filter) {
    const prims = structPaths(c.columns, icebergCol).filter((p) => p.g.k === 'prim')
    const other = prims[prims.length - 1]!.path
    const filtered = await t.scan({ filter: and(filter.expr, notNull(other.join('.'))) }).toArray()
    const wantFiltered = expected.filter((r) => filter.holds(r) && valueAt(r, other) !== null)
    expect(bag(filtered), `where ${filter.text} and ${other.join('.')} is not null: ${why}`).toEqual(bag(wantFiltered))
  }

  // 4. floe's Parquet codec directly, small batches: positions are contiguous, every row comes back, and the
  // row at each position is the one DuckDB put there (DuckDB's file_row_number of each ord: positions only,
  // the values are checked against the model)
  const rows: Row[] = []
  let next = 0
  for await (const b of hyparquetReader.readBatches(await fileSource(io, file), { schema: table, batchSize: c.batchSize })) {
    expect(b.start).toBe(next)
    expect(b.rows.length).toBeLessThanOrEqual(c.batchSize)
    next += b.rows.length
    rows.push(...b.rows)
  }
  expect(next).toBe(c.rows.length)
  expect(bag(rows), `codec read: ${why}`).toEqual(bag(expected))
  const placed = await duck.runAndReadAll(`SELECT ${qi(ORD)} FROM read_parquet(${q(file)}, file_row_number = true) ORDER BY file_row_number`)
  const ordAt = placed.getRows().map((r) => Number(r[0]))
  expect(rows.map((r) => r[ORD]), `positions: ${why}`).toEqual(ordAt)

  // 5. the _pos metadata column through the table scan
  const withPos = await t.scan({ select: [...table.fields.map((f) => f.name), '_pos'] }).toArray()
  expect(bag(withPos), `_pos: ${why}`).toEqual(bag(ordAt.map((ord, pos) => ({ ...expected[ord]!, _pos: BigInt(pos) }))))
}

describe('floe reads DuckDB-written Parquet exactly', () => {
  it('random schemas, rows, row groups, codecs, Parquet versions and dictionary settings', async () => {
    await fc.assert(fc.asyncProperty(caseArb, (c) => check(c)), { numRuns: Number(process.env.FC_NUM_RUNS ?? 100), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) })
  }, Number(process.env.FC_TIMEOUT_MS ?? 60_000))

  it('a fixed edge case per type: extremes, −0, NaN, ±∞, empty values, nulls at every level', async () => {
    const prim = (t: PrimitiveType, table: PrimitiveType = t): GField => ({ required: false, g: { k: 'prim', file: t, table } })
    const columns: GField[] = [
      prim(T.long),
      prim(T.float),
      prim(T.double),
      prim(T.decimal(38, 10)),
      prim(T.decimal(9, 2)),
      prim(T.date),
      prim(T.timestamptz),
      prim(T.string),
      prim(T.uuid),
      prim(T.binary),
      { required: false, g: { k: 'list', elementRequired: false, element: { k: 'struct', fields: [{ required: false, g: { k: 'prim', file: T.int, table: T.int } }] } } },
      { required: false, g: { k: 'map', key: { k: 'prim', file: T.string, table: T.string }, valueRequired: false, value: { k: 'list', elementRequired: false, element: { k: 'prim', file: T.time, table: T.time } } } },
    ]
    const row = (vs: Value[]): Row => Object.fromEntries(vs.map((v, i) => [duckCol(i), v]))
    const limit38 = 10n ** 38n - 1n
    const rows: Row[] = [
      row([INT64_MIN, -0, -0, -limit38, -99999999n, -DATE_LIMIT, -TS_LIMIT, '', new Uint8Array(16), new Uint8Array(0), [], new Map()]),
      row([INT64_MAX, Number.NaN, Number.NaN, limit38, 99999999n, DATE_LIMIT, TS_LIMIT, '\u{10FFFF}😀é', new Uint8Array(16).fill(0xff), Uint8Array.of(0), [null, { [duckChild(0)]: null }], new Map([['', null], ['k', []], ['m', [null, 0n, DAY_US - 1n]]])]),
      row([0n, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0n, 0n, 0, 0n, "it's", Uint8Array.from({ length: 16 }, (_, i) => i * 17), Uint8Array.of(0xff, 0xfe, 0x41), [{ [duckChild(0)]: -2147483648 }], null]),
      row([null, null, null, null, null, null, null, null, null, null, null, null]),
    ]
    for (const [compression, parquetVersion, dictionary] of [
      ['uncompressed', 'V1', true],
      ['zstd', 'V2', false],
      ['gzip', 'V2', true],
      ['snappy', 'V1', false],
    ] as const) {
      await check({ formatVersion: 2, columns, rows, chunks: [2, 1, 1], rowGroupSize: 1, compression, parquetVersion, dictionary, select: [1, 10], filterPick: 3, filterOp: 6, filterValuePick: 0, batchSize: 2 })
    }
  })
  // Regression: with select ['c0.f1'] and a filter on c0.f0, floe returned {c0: {f0, f1}} although
  // scan.projectedSchema() lists only c0.f1 (fixed in 7f9097f while this test was written).
  it('a filter on an unselected field of a partly selected struct does not add that field to the rows', async () => {
    const columns: GField[] = [
      { required: false, g: { k: 'struct', fields: [{ required: false, g: { k: 'prim', file: T.long, table: T.long } }, { required: false, g: { k: 'prim', file: T.string, table: T.string } }] } },
    ]
    const rows: Row[] = [{ [duckCol(0)]: { [duckChild(0)]: 1n, [duckChild(1)]: 'x' } }, { [duckCol(0)]: { [duckChild(0)]: null, [duckChild(1)]: 'y' } }, { [duckCol(0)]: null }]
    // select picks path 2 (c0.f1); the filter is `c0.f0 is not null` (first primitive path, op 1)
    await check({ formatVersion: 2, columns, rows, chunks: [3], rowGroupSize: 100_000, compression: 'snappy', parquetVersion: 'V1', dictionary: true, select: [2], filterPick: 0, filterOp: 1, filterValuePick: 0, batchSize: 4 })
  })
  // Spec (Schema Evolution, promotion table, date row): "values outside the promoted type's range must result
  // in a runtime failure" (floe returned 253402214400000000000n, beyond int64, for 9999-12-31 as timestamp_ns).
  it('a date beyond the range of its promoted timestamp type fails the read; the last day that fits reads exactly', async () => {
    const write = async (label: string, days: readonly number[], table: PrimitiveType): Promise<Awaited<ReturnType<FileSystemCatalog['createTable']>>> => {
      const file = join(warehouse, 'files', `promote-${label}.parquet`)
      mkdirSync(join(warehouse, 'files'), { recursive: true })
      const values = days.map((d) => `(${duckPrimLiteral(T.date, d)})`).join(', ')
      await duck.run(`COPY (SELECT * FROM (VALUES ${values}) v(d)) TO ${q(file)} (FORMAT parquet, FIELD_IDS {d: 1})`)
      const t = await catalog.createTable(`db.promote_${label}`, { schema: schema([field(1, 'd', table)]), formatVersion: 3 })
      return t.append([{ content: 'data', filePath: file, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: BigInt(days.length), fileSizeInBytes: BigInt(statSync(file).size) }])
    }
    const fits = await write('ns_fits', [-DATE_NS_LIMIT, DATE_NS_LIMIT], T.timestampNs)
    expect((await fits.scan().toArray()).map((r) => r.d)).toEqual([BigInt(-DATE_NS_LIMIT) * DAY_US * 1000n, BigInt(DATE_NS_LIMIT) * DAY_US * 1000n])
    const fitsUs = await write('us_fits', [-DATE_US_LIMIT, DATE_US_LIMIT], T.timestamp)
    expect((await fitsUs.scan().toArray()).map((r) => r.d)).toEqual([BigInt(-DATE_US_LIMIT) * DAY_US, BigInt(DATE_US_LIMIT) * DAY_US])
    const outcomes: Record<string, unknown> = {}
    for (const [label, day, table] of [
      ['ns_after', 2932896, T.timestampNs], // 9999-12-31
      ['ns_before', -(DATE_NS_LIMIT + 1), T.timestampNs],
      ['us_after', DATE_US_LIMIT + 1, T.timestamp],
      ['us_before', -(DATE_US_LIMIT + 1), T.timestamp],
    ] as const) {
      const t = await write(label, [0, day], table)
      outcomes[`${label}: day ${day} as ${table.kind}`] = await t.scan().toArray().then(
        (rows) => ({ rows: rows.map((r) => String(r.d)) }),
        (e: unknown) => ({ floeError: isFloeError(e) && (e as { code: string }).code === 'INVALID_DATA' }),
      )
    }
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(outcomes).map((k) => [k, { floeError: true }])))
  })
})
