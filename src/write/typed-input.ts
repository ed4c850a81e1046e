// Typed write input: a row source that knows its own types (Arrow batches) can check them against the table
// schema before any of its rows is coerced, so a value is never converted by a type the table does not allow.
import type { Schema } from '../spec/schema.js'
import { InvalidArgumentError } from '../errors.js'

/** The method by which a typed row source gives its rows for a table schema (checking its types first). */
export const rowsForSchema: unique symbol = Symbol.for('floe.rowsForSchema')

/** A row source that checks its own column types against the schema the rows are written to. */
export interface SchemaCheckedRows {
  /** The source's rows for `schema`; fails (before yielding a row of a batch) when a column's type cannot be written to it. */
  [rowsForSchema](schema: Schema): AsyncIterable<unknown> | Iterable<unknown>
}

/** Rows of `rows` for `schema`: a typed source's checked rows, any other iterable unchanged. */
export function inputRowsFor(rows: AsyncIterable<unknown> | Iterable<unknown>, schema: Schema): AsyncIterable<unknown> | Iterable<unknown> {
  if (!isIterable(rows)) throw new InvalidArgumentError(`Rows to write must be an iterable or async iterable of row objects, got ${describeInput(rows)}`)
  const typed = rows as Partial<SchemaCheckedRows>
  return typeof typed[rowsForSchema] === 'function' ? typed[rowsForSchema](schema) : rows
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
