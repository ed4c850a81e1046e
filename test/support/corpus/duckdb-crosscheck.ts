// DuckDB reads the same Parquet files by field id and computes count and per-column aggregates; floe's scan
// rows, loaded into DuckDB, must give the same answers.
import type { DuckDBConnection } from '@duckdb/node-api'
import { LocalFileIO, localPath } from '../../../src/io/local.js'
import { remapLocation } from '../../../src/io/remap.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import type { Row } from '../../../src/parquet/codec.js'
import type { NestedField } from '../../../src/spec/types.js'
import { isPrimitive } from '../../../src/spec/types.js'
import type { FileScanTask } from '../../../src/table/task.js'
import { duckColumnNames, duckType, ident, loadRows } from './duckdb.js'
import type { PrefixMapping } from '../../../src/io/remap.js'

/** The outcome: the aggregate rows computed both ways, per compared column. */
export interface CrossCheck {
  readonly columns: string[]
  readonly floe: string[]
  readonly duckdb: string[]
}

const COMPARABLE = new Set(['boolean', 'int', 'long', 'float', 'double', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary', 'fixed'])

/**
 * Compare count(*) and, per top-level primitive column that every data file holds (by field id),
 * count/min/max, as computed by DuckDB over floe's rows and over the raw files.
 */
export async function crossCheck(c: DuckDBConnection, fields: readonly NestedField[], rows: readonly Row[], tasks: readonly FileScanTask[], mappings: readonly PrefixMapping[]): Promise<CrossCheck> {
  const io = new LocalFileIO()
  const files = tasks.map((t) => localPath(remapLocation(t.file.filePath, mappings)))
  const idsInAll = new Set<number>()
  let first = true
  for (const f of files) {
    const md = readParquetFooter(await io.read(f), f)
    const ids = new Set(md.schema.map((e) => e.field_id).filter((x): x is number => typeof x === 'number'))
    if (first) for (const id of ids) idsInAll.add(id)
    else for (const id of [...idsInAll]) if (!ids.has(id)) idsInAll.delete(id)
    first = false
  }
  const names = duckColumnNames(fields)
  const cols = fields.map((f, i) => ({ f, name: names[i]! })).filter(({ f }) => isPrimitive(f.type) && COMPARABLE.has(f.type.kind) && idsInAll.has(f.id))
  const aggs = ['count(*)::VARCHAR', ...cols.flatMap(({ name }) => [`count(${ident(name)})::VARCHAR`, `min(${ident(name)})::VARCHAR`, `max(${ident(name)})::VARCHAR`])].join(', ')
  await loadRows(c, 'floe_rows', fields, rows)
  const a = await c.runAndReadAll(`SELECT ${aggs} FROM floe_rows`)
  const floe = a.getRows()[0]!.map((v) => String(v))
  if (files.length === 0) return { columns: cols.map((x) => x.name), floe, duckdb: floe.map((v, i) => (i === 0 ? '0' : v)) }
  const schemaMap = cols.map(({ f, name }) => `${f.id}: {name: '${name.replace(/'/g, "''")}', type: '${duckType(f.type)}', default_value: NULL}`).join(', ')
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`
  const src = cols.length ? `read_parquet(${list}, schema = MAP {${schemaMap}})` : `read_parquet(${list})`
  const b = await c.runAndReadAll(`SELECT ${aggs} FROM ${src}`)
  return { columns: cols.map((x) => x.name), floe, duckdb: b.getRows()[0]!.map((v) => String(v)) }
}
