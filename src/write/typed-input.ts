// Typed write input: a row source that knows its own types (Arrow batches) can check them against the table
// schema before any of its rows is coerced, so a value is never converted by a type the table does not allow.
import type { Schema } from '../spec/schema.js'
import { InvalidArgumentError } from '../errors.js'

/** The method by which a typed row source gives its rows for a table schema (checking its types first). */
export const rowsForSchema: unique symbol = Symbol.for('floe.rowsForSchema')

/** A row source that checks its own column types against the schema the rows are written to. */
export interface SchemaCheckedRows {
  /**
   * The source's rows for `schema`; fails (before yielding a row of a batch) when a column's type cannot be
   * written to it. `source` (a file name), when given, names the input in errors.
   */
  [rowsForSchema](schema: Schema, source?: string): AsyncIterable<unknown> | Iterable<unknown>
}

/** Rows of `rows` for `schema`: a typed source's checked rows, any other iterable unchanged. */
export function inputRowsFor(rows: AsyncIterable<unknown> | Iterable<unknown>, schema: Schema, source?: string): AsyncIterable<unknown> | Iterable<unknown> {
  // an Arrow Table or RecordBatch iterates arrow-js row proxies, whose getters change values (dates as
  // milliseconds, timestamps as float milliseconds): only arrowRows reads Arrow exactly
  const arrow = arrowKind(rows) ?? (Array.isArray(rows) && rows.length > 0 ? arrowKind(rows[0]) : undefined)
  if (arrow !== undefined) {
    const what = Array.isArray(rows) ? `an array of Arrow ${arrow}s` : `an Arrow ${arrow}`
    const how = arrow === 'Vector' ? 'make a Table of it (new Table({ name: vector })) and pass arrowRows(table)' : 'wrap it with arrowRows() (e.g. appendRows(arrowRows(table)))'
    throw new InvalidArgumentError(`Rows to write must be row objects, got ${what}; ${how} from 'floe/arrow', which reads Arrow values exactly`)
  }
  if (!isIterable(rows)) throw new InvalidArgumentError(`Rows to write must be an iterable or async iterable of row objects, got ${describeInput(rows)}`)
  const typed = rows as Partial<SchemaCheckedRows>
  return typeof typed[rowsForSchema] === 'function' ? typed[rowsForSchema](schema, source) : rows
}

const ARROW_TABLE = Symbol.for('apache-arrow/Table')
const ARROW_BATCH = Symbol.for('apache-arrow/RecordBatch')
const ARROW_VECTOR = Symbol.for('apache-arrow/Vector')

/**
 * 'Table', 'RecordBatch' or 'Vector' for an apache-arrow object (of any copy of the library: recognised by the
 * markers arrow-js puts on its prototypes, or by shape), else undefined. No import of apache-arrow is needed.
 */
export function arrowKind(x: unknown): 'Table' | 'RecordBatch' | 'Vector' | undefined {
  if (typeof x !== 'object' || x === null) return undefined
  const o = x as { [k: symbol]: unknown; schema?: { fields?: unknown }; batches?: unknown; numRows?: unknown; data?: unknown }
  if (o[ARROW_TABLE] === true) return 'Table'
  if (o[ARROW_BATCH] === true) return 'RecordBatch'
  if (o[ARROW_VECTOR] === true) return 'Vector'
  // older or re-bundled arrow-js without the markers: a schema with fields, and batches or rows of data
  if (typeof o.schema === 'object' && o.schema !== null && Array.isArray(o.schema.fields)) {
    if (Array.isArray(o.batches)) return 'Table'
    if (typeof o.numRows === 'number' && typeof o.data === 'object' && o.data !== null) return 'RecordBatch'
  }
  return undefined
}

/** True for an iterable or async iterable (strings excluded: a string is not a list of rows). */
export function isIterable(x: unknown): x is AsyncIterable<unknown> | Iterable<unknown> {
  if (x === null || x === undefined || typeof x === 'string') return false
  const o = x as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown }
  return typeof o[Symbol.iterator] === 'function' || typeof o[Symbol.asyncIterator] === 'function'
}

function describeInput(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? `an object (${Object.prototype.toString.call(x)})` : typeof x
}
