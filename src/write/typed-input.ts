// Typed write input: a row source that knows its own types (Arrow batches) can check them against the table
// schema before any of its rows is coerced, so a value is never converted by a type the table does not allow.
import type { Schema } from '../spec/schema.js'

/** The method by which a typed row source gives its rows for a table schema (checking its types first). */
export const rowsForSchema: unique symbol = Symbol.for('floe.rowsForSchema')

/** A row source that checks its own column types against the schema the rows are written to. */
export interface SchemaCheckedRows {
  /** The source's rows for `schema`; fails (before yielding a row of a batch) when a column's type cannot be written to it. */
  [rowsForSchema](schema: Schema): AsyncIterable<unknown> | Iterable<unknown>
}

/** Rows of `rows` for `schema`: a typed source's checked rows, any other iterable unchanged. */
export function inputRowsFor(rows: AsyncIterable<unknown> | Iterable<unknown>, schema: Schema): AsyncIterable<unknown> | Iterable<unknown> {
  const typed = rows as Partial<SchemaCheckedRows>
  return typeof typed[rowsForSchema] === 'function' ? typed[rowsForSchema](schema) : rows
}
