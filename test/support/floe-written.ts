// Tables floe writes for the interop checks against independent readers (DuckDB, icebird): a schema with
// every primitive type, edge-value rows, the table builder, DuckDB's read-by-field-id, and the explicit
// normalisations that make floe's and icebird's representations of each Iceberg type comparable.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBBlobValue, DuckDBConnection, DuckDBDateValue, DuckDBDecimalValue, DuckDBTimeValue, DuckDBTimestampValue } from '@duckdb/node-api'
import { FileSystemCatalog } from '../../src/catalog/filesystem.js'
import { defaultEnv } from '../../src/env.js'
import { LocalFileIO } from '../../src/io/local.js'
import type { Row } from '../../src/parquet/codec.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema, type Schema } from '../../src/spec/schema.js'
import type { FormatVersion } from '../../src/spec/table-metadata.js'
import { applyTransform } from '../../src/spec/transform-apply.js'
import { Transforms } from '../../src/spec/transform.js'
import { T, field, type IcebergType, type NestedField, type Value } from '../../src/spec/types.js'
import { bytesToHex, uuidToBytes } from '../../src/spec/values.js'
import type { Table } from '../../src/table/table.js'
import { serveLocal } from '../../tools/bench/icebird-shim.js'
import { canon } from '../unit/write/write-fixtures.js'
import { duckType } from './corpus/duckdb.js'

/** Every primitive type of the issue (decimal small, 64-bit and 38-digit); `id` is a unique row key. */
export const SCHEMA: Schema = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'b', T.boolean),
  field(3, 'i', T.int),
  field(4, 'f', T.float),
  field(5, 'd', T.double),
  field(6, 'dec9', T.decimal(9, 2)),
  field(7, 'dec18', T.decimal(18, 4)),
  field(8, 'dec38', T.decimal(38, 10)),
  field(9, 'dt', T.date),
  field(10, 'tm', T.time),
  field(11, 'ts', T.timestamp),
  field(12, 'tstz', T.timestamptz),
  field(13, 'cat', T.string),
  field(14, 's', T.string),
  field(15, 'u', T.uuid),
  field(16, 'fx', T.fixed(4)),
  field(17, 'bin', T.binary),
  field(18, 'due', T.date),
])

/** identity(string), day(ts), bucket(8, id), truncate(3, s), month(date), hour(tstz), year(date). */
export const SPEC: PartitionSpec = {
  specId: 0,
  fields: [
    { sourceId: 13, fieldId: 1000, name: 'cat', transform: Transforms.identity },
    { sourceId: 11, fieldId: 1001, name: 'ts_day', transform: Transforms.day },
    { sourceId: 1, fieldId: 1002, name: 'id_bucket', transform: Transforms.bucket(8) },
    { sourceId: 14, fieldId: 1003, name: 's_trunc', transform: Transforms.truncate(3) },
    { sourceId: 9, fieldId: 1004, name: 'dt_month', transform: Transforms.month },
    { sourceId: 12, fieldId: 1005, name: 'tstz_hour', transform: Transforms.hour },
    { sourceId: 18, fieldId: 1006, name: 'due_year', transform: Transforms.year },
  ],
}

/** Rows with `i = DELETED_I` are removed by the merge-on-read delete. */
export const DELETED_I = -7
/** Bytes that are not UTF-8 (icebird decodes unannotated binary as text: see icebirdForm). */
export const NOT_UTF8 = Uint8Array.of(0xff, 0xfe, 0x41)

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)
const uuid = (seed: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, k) => (seed * 37 + k * 11) & 0xff)
const bucket8 = (id: bigint): Value => applyTransform(Transforms.bucket(8), T.long, id)

/** The next id after `id` in the same bucket[8], so a row pair shares every partition value. */
function sameBucket(id: bigint): bigint {
  for (let k = id + 1n; ; k++) if (bucket8(k) === bucket8(id)) return k
}

/** A row plus a partner in the same partition (same file) that the delete removes. */
function withPartner(r: Row, changes: Row): Row[] {
  const ts = r.ts as bigint
  return [r, { ...r, id: sameBucket(r.id as bigint), i: DELETED_I, ts: ts + 1_000n, tstz: (r.tstz as bigint) + 1n, s: `${[...(r.s as string)].slice(0, 3).join('')}tail`, dt: (r.dt as number) + 1, ...changes }]
}

/** Two append batches of edge values: nulls, pre-1970 dates and times, longs past 2^53, NaN/±∞/−0, non-ASCII. */
export function batches(): [Row[], Row[]] {
  const a: Row[] = [
    ...withPartner(
      {
        id: 1n, b: true, i: 1, f: 1.5, d: 2.25, dec9: 12345n, dec18: -1n, dec38: 12345678901234567890123456789012345678n, dt: 19000, tm: 43_200_000_000n,
        ts: 1_700_000_000_123_456n, tstz: 1_700_000_000_000_001n, cat: 'alpha', s: 'π😀xyz', u: uuid(1), fx: bytes(0, 1, 2, 3), bin: bytes(1, 2, 3), due: 19500,
      },
      { f: Number.NaN, d: -0, dec38: -(10n ** 38n - 1n), bin: bytes(), u: uuid(2), b: false },
    ),
    {
      id: 2n ** 53n + 1n, b: false, i: 2147483647, f: -0, d: Number.NaN, dec9: -99999999n, dec18: 999999999999999999n, dec38: -(10n ** 38n - 1n), dt: -1, tm: 0n,
      ts: -1n, tstz: -86_400_000_001n, cat: 'β-ü/=%', s: '\u{10FFFF}é', u: uuid(3), fx: bytes(0xff, 0xff, 0xff, 0xff), bin: NOT_UTF8, due: -719162,
    },
    { id: -5n, b: null, i: null, f: null, d: null, dec9: null, dec18: null, dec38: null, dt: null, tm: null, ts: null, tstz: null, cat: null, s: null, u: null, fx: null, bin: null, due: null },
  ]
  const b: Row[] = [
    {
      id: 9223372036854775807n, b: true, i: -2147483648, f: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY, dec9: 0n, dec18: 0n, dec38: 0n, dt: -36524, tm: 86_399_999_999n,
      ts: -2_208_988_800_000_001n, tstz: 2n ** 60n, cat: 'alpha', s: '', u: uuid(4), fx: bytes(0, 0, 0, 0), bin: bytes(0), due: 2932896,
    },
    {
      id: -9223372036854775808n, b: false, i: 0, f: 3.4028234663852886e38, d: 5e-324, dec9: 1n, dec18: -999999999999999999n, dec38: 1n, dt: 0, tm: 1n,
      ts: 0n, tstz: 0n, cat: '', s: 'ab', u: null, fx: null, bin: null, due: 0,
    },
    ...withPartner(
      {
        id: 100n, b: null, i: 3, f: Number.NEGATIVE_INFINITY, d: 1e308, dec9: -1n, dec18: 5n, dec38: 10n ** 37n, dt: -25000, tm: 5n,
        ts: -100_000_000_000_000n, tstz: 1n, cat: 'gamma', s: 'ünïcode', u: uuid(5), fx: bytes(9, 8, 7, 6), bin: bytes(0xc3, 0xa9), due: -1,
      },
      { f: 0, d: Number.POSITIVE_INFINITY },
    ),
  ]
  return [a, b]
}

/** A floe-written table after its two appends (`appended`) and after a merge-on-read delete (`deleted`). */
export interface WrittenTable {
  readonly warehouse: string
  readonly appended: Table
  readonly deleted: Table
}

/** Create `db.t` in a fresh warehouse, append both batches, then delete `i = DELETED_I` merge-on-read. */
export async function writeTable(formatVersion: FormatVersion, partitioned: boolean): Promise<WrittenTable> {
  const warehouse = mkdtempSync(join(tmpdir(), `floe-written-v${formatVersion}-`))
  const catalog = new FileSystemCatalog(defaultEnv(new LocalFileIO()), warehouse)
  await catalog.createNamespace('db')
  let t = await catalog.createTable('db.t', { schema: SCHEMA, formatVersion, ...(partitioned ? { spec: SPEC } : {}) })
  for (const rows of batches()) t = await t.appendRows(rows)
  return { warehouse, appended: t, deleted: await t.deleteRows(`i = ${DELETED_I}`, { mode: 'merge-on-read' }) }
}

/**
 * Install a fetch that serves absolute paths verbatim from disk (serveLocal of the bench shim): floe (like
 * Java) writes partition folders with literal escapes (`cat=%CE%B2-%C3%BC…`), which must not be decoded.
 * Returns the restore function.
 */
export function installVerbatimFetch(): () => void {
  const original = globalThis.fetch
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    return url.startsWith('/') ? serveLocal(url, init) : original(input, init)
  }) as typeof fetch
  return () => {
    globalThis.fetch = original
  }
}

const sql = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** `read_parquet` resolving every top-level column by field id (renamed `c<id>`), plus `file_row_number`. */
export function readByFieldId(file: string, fields: readonly NestedField[]): string {
  const entries = fields.map((f) => `${f.id}: {name: ${sql(`c${f.id}`)}, type: ${sql(duckType(f.type))}, default_value: NULL}`)
  return `read_parquet(${sql(file)}, schema = MAP {${entries.join(', ')}}, file_row_number = true)`
}

/** A DuckDB value of a column of Iceberg type `t` as the floe value it stands for (exact, no text round trip). */
export function fromDuck(t: IcebergType, v: unknown): Value {
  if (v === null || v === undefined) return null
  switch (t.kind) {
    case 'decimal': {
      const d = v as DuckDBDecimalValue
      if (d.scale !== t.scale) throw new Error(`DuckDB decimal scale ${d.scale} != ${t.scale}`)
      return d.value
    }
    case 'date':
      return (v as DuckDBDateValue).days
    case 'time':
      return (v as DuckDBTimeValue).micros
    case 'timestamp':
    case 'timestamptz':
      return (v as DuckDBTimestampValue).micros
    case 'uuid':
      return uuidToBytes(String(v))
    case 'fixed':
    case 'binary':
      return (v as DuckDBBlobValue).bytes
    default:
      return v as Value
  }
}

/** Rows of one Parquet file read by DuckDB by field id, as floe values keyed by field name plus `_pos`. */
export async function duckFileRows(c: DuckDBConnection, file: string, s: Schema): Promise<Row[]> {
  const r = await c.runAndReadAll(`SELECT * FROM ${readByFieldId(file, s.fields)} ORDER BY file_row_number`)
  return r.getRowObjects().map((o) => {
    const row: Record<string, Value> = { _pos: o.file_row_number as bigint }
    for (const f of s.fields) row[f.name] = fromDuck(f.type, o[`c${f.id}`])
    return row
  })
}

/** Canonical (JSON-comparable) rows: bigint `n…`, bytes `x…`, NaN/−0/±∞ kept distinct; `_pos` kept when present. */
export function canonical(s: Schema, rows: readonly Row[]): unknown[] {
  return rows.map((r) => ({ ...('_pos' in r ? { _pos: String(r._pos) } : {}), ...Object.fromEntries(s.fields.map((f) => [f.name, canon(f.type, r[f.name])])) }))
}

const floatForm = (x: number): unknown => (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x))

/**
 * One value in the form both floe and icebird 0.3.1 (hyparquet 1.19 underneath) can be compared in, by
 * Iceberg type. icebird returns: long/time → bigint (exact); boolean/int/float/double/string → as is;
 * uuid/fixed → Uint8Array (exact); date → Date at UTC midnight (exact: compared as days);
 * timestamp/timestamptz → Date built as `new Date(Number(micros / 1000n))`, i.e. milliseconds truncated
 * toward zero (floe's µs are mapped the same way: sub-millisecond digits are only checked by DuckDB);
 * decimal → a double `Number(unscaled) * 10 ** -scale` (floe's exact unscaled value is mapped the same
 * way: a 38-digit decimal is only checked to double precision here, exactly by DuckDB); binary → text
 * (hyparquet decodes BYTE_ARRAY without a logical type as UTF-8, so floe's bytes are decoded the same way
 * and bytes that are not UTF-8 collapse to U+FFFD: see the test that asserts this limitation).
 */
export function icebirdForm(t: IcebergType, v: unknown, from: 'floe' | 'icebird'): unknown {
  if (v === null || v === undefined) return null
  switch (t.kind) {
    case 'long':
    case 'time':
      return `n${v as bigint}`
    case 'float':
    case 'double':
      return floatForm(v as number)
    case 'decimal':
      return floatForm(from === 'floe' ? Number(v as bigint) * 10 ** -t.scale : (v as number))
    case 'date':
      return from === 'floe' ? v : (v as Date).getTime() / 86_400_000
    case 'timestamp':
    case 'timestamptz':
      return from === 'floe' ? Number((v as bigint) / 1000n) : (v as Date).getTime()
    case 'uuid':
    case 'fixed':
      return `x${bytesToHex(v as Uint8Array)}`
    case 'binary':
      return from === 'floe' ? new TextDecoder().decode(v as Uint8Array) : v
    default:
      return v
  }
}

/** Rows in {@link icebirdForm}, sorted by the `id` key. */
export function icebirdRows(s: Schema, rows: readonly Record<string, unknown>[], from: 'floe' | 'icebird'): unknown[] {
  return [...rows]
    .sort((x, y) => ((x.id as bigint) < (y.id as bigint) ? -1 : 1))
    .map((r) => Object.fromEntries(s.fields.map((f) => [f.name, icebirdForm(f.type, r[f.name], from)])))
}
