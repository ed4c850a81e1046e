// DuckDB as an independent SQL engine in tests: load floe's scan rows into a table with exact types.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type { Row } from '../../../src/parquet/codec.js'
import type { IcebergType, NestedField, Value } from '../../../src/spec/types.js'
import { daysToIsoDate, microsToIsoTime, microsToIsoTimestamp, nanosToIsoTimestamp } from '../../../src/spec/temporal.js'
import { bytesToHex, decimalToString, uuidToString } from '../../../src/spec/values.js'

/** A fresh in-memory DuckDB connection (UTC unless a test sets another TimeZone). */
export async function duckdb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:')
  const c = await db.connect()
  await c.run("SET TimeZone = 'UTC'")
  await c.run('SET autoinstall_known_extensions = false')
  await c.run('SET autoload_known_extensions = false')
  return c
}

/** Quote an identifier for DuckDB. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`
const str = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** The DuckDB type of an Iceberg type. */
export function duckType(t: IcebergType): string {
  switch (t.kind) {
    case 'boolean':
      return 'BOOLEAN'
    case 'int':
      return 'INTEGER'
    case 'long':
      return 'BIGINT'
    case 'float':
      return 'FLOAT'
    case 'double':
      return 'DOUBLE'
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`
    case 'date':
      return 'DATE'
    case 'time':
      return 'TIME'
    case 'timestamp':
      return 'TIMESTAMP'
    case 'timestamptz':
    case 'timestamptz_ns':
      return 'TIMESTAMPTZ'
    case 'timestamp_ns':
      return 'TIMESTAMP_NS'
    case 'string':
    case 'variant':
    case 'unknown':
      return 'VARCHAR'
    case 'uuid':
      return 'UUID'
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return 'BLOB'
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${ident(f.name)} ${duckType(f.type)}`).join(', ')})`
    case 'list':
      return `${duckType(t.element)}[]`
    case 'map':
      return `MAP(${duckType(t.key)}, ${duckType(t.value)})`
  }
}

/** A DuckDB SQL literal (cast to the exact column type) for one floe value. */
export function duckLiteral(t: IcebergType, v: Value): string {
  if (v === null || v === undefined) return `NULL::${duckType(t)}`
  const cast = (x: string): string => `CAST(${x} AS ${duckType(t)})`
  switch (t.kind) {
    case 'boolean':
      return v ? 'true' : 'false'
    case 'int':
    case 'long':
      return cast(String(v))
    case 'float':
    case 'double':
      return cast(str(Number.isNaN(v as number) ? 'NaN' : String(v)))
    case 'decimal':
      return cast(str(decimalToString(v as bigint, t.scale)))
    case 'date':
      return cast(str(daysToIsoDate(v as number)))
    case 'time':
      return cast(str(microsToIsoTime(v as bigint)))
    case 'timestamp':
      return cast(str(microsToIsoTimestamp(v as bigint)))
    case 'timestamptz':
      return cast(str(microsToIsoTimestamp(v as bigint, { zone: true })))
    case 'timestamp_ns':
      return cast(str(nanosToIsoTimestamp(v as bigint)))
    case 'timestamptz_ns':
      return cast(str(nanosToIsoTimestamp(v as bigint, { zone: true })))
    case 'string':
      return str(v as string)
    case 'uuid':
      return cast(str(uuidToString(v as Uint8Array)))
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return `from_hex(${str(bytesToHex(v as Uint8Array))})`
    case 'variant':
    case 'unknown':
      return 'NULL::VARCHAR'
    case 'struct': {
      const o = v as Record<string, Value>
      if (t.fields.length === 0) return 'NULL'
      return cast(`struct_pack(${t.fields.map((f) => `${ident(f.name)} := ${duckLiteral(f.type, o[f.name] ?? null)}`).join(', ')})`)
    }
    case 'list':
      return cast(`[${(v as Value[]).map((x) => duckLiteral(t.element, x)).join(', ')}]`)
    case 'map': {
      const entries = [...(v as ReadonlyMap<Value, Value>)]
      if (entries.length === 0) return cast('MAP {}')
      return cast(`map_from_entries([${entries.map(([k, x]) => `{'key': ${duckLiteral(t.key, k)}, 'value': ${duckLiteral(t.value, x)}}`).join(', ')}])`)
    }
  }
}

/** DuckDB's own renaming of column names that collide case-insensitively (`uSeR_Id` after `user_id` → `uSeR_Id_1`). */
export function duckColumnNames(fields: readonly NestedField[]): string[] {
  const seen = new Set<string>()
  return fields.map((f) => {
    let n = f.name
    for (let i = 1; seen.has(n.toLowerCase()); i++) n = `${f.name}_${i}`
    seen.add(n.toLowerCase())
    return n
  })
}

/** Create table `name` with the given columns and insert `rows` (floe values, keyed by column name). */
export async function loadRows(c: DuckDBConnection, name: string, fields: readonly NestedField[], rows: readonly Row[]): Promise<void> {
  const cols = fields.length ? fields : [{ id: 0, name: '__empty', required: false, type: { kind: 'int' as const } }]
  const names = duckColumnNames(cols)
  await c.run(`CREATE OR REPLACE TABLE ${ident(name)} (${cols.map((f, i) => `${ident(names[i]!)} ${duckType(f.type)}`).join(', ')})`)
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const values = chunk.map((r) => `(${cols.map((f) => duckLiteral(f.type, r[f.name] ?? null)).join(', ')})`).join(',\n')
    await c.run(`INSERT INTO ${ident(name)} VALUES ${values}`)
  }
}
