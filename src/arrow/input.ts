// Arrow as write input: RecordBatches or Tables (sync or async) as the row stream `appendRows` and friends take.
import { RecordBatch, Table, type Schema as ArrowSchema } from 'apache-arrow'
import { setOwn } from '../spec/own.js'
import type { Schema } from '../spec/schema.js'
import { InvalidArgumentError } from '../errors.js'
import { arrowKind, isIterable, rowsForSchema, type SchemaCheckedRows } from '../write/typed-input.js'
import { ARROW_INPUT_LABEL, recordBatchToInputRows, type InputRow } from './batches.js'
import { checkArrowInputSchema, textColumnsForBinary } from './input-check.js'

const encoder = new TextEncoder()

/** Arrow input: one batch, one table, or a (possibly async) sequence of batches or tables. */
export type ArrowInput = RecordBatch | Table | Iterable<RecordBatch | Table> | AsyncIterable<RecordBatch | Table>

/** Rows of Arrow input (see {@link arrowRows}); a writer checks each batch's column types against the table first. */
export class ArrowRows implements AsyncIterable<InputRow>, SchemaCheckedRows {
  constructor(private readonly input: ArrowInput) {}

  /** The rows without a type check (value by value only). */
  [Symbol.asyncIterator](): AsyncIterator<InputRow> {
    return this.rows(undefined, ARROW_INPUT_LABEL)[Symbol.asyncIterator]()
  }

  /** The rows, each batch's Arrow schema checked against `schema` before its rows are read; `source` names the input in errors. */
  [rowsForSchema](schema: Schema, source?: string): AsyncIterable<InputRow> {
    return this.rows(schema, source ?? ARROW_INPUT_LABEL)
  }

  private async *rows(schema: Schema | undefined, source: string): AsyncGenerator<InputRow> {
    const input = this.input
    const parts: Iterable<unknown> | AsyncIterable<unknown> = input instanceof RecordBatch || input instanceof Table ? [input] : input
    // batches of one Table share their schema object: each distinct schema is checked once
    let checked: ArrowSchema | undefined
    let asBytes: readonly string[] = []
    const check = (s: ArrowSchema, target: Schema): void => {
      checkArrowInputSchema(s, target, source)
      asBytes = textColumnsForBinary(s, target)
      checked = s
    }
    // 1-based number of the next row in the whole input (errors name it)
    let next = 1
    let at = 0
    for await (const part of parts) {
      let batches: readonly RecordBatch[]
      if (part instanceof RecordBatch) batches = [part]
      else if (part instanceof Table) {
        // a Table's schema is checked even when it has no batches (an empty overwrite must not pass unchecked)
        if (schema && part.schema !== checked) check(part.schema, schema)
        batches = part.batches
      } else throw new InvalidArgumentError(`Arrow input element ${at} is ${describeElement(part)}, not a RecordBatch or Table; ${EXPECTED}`)
      at++
      for (const b of batches) {
        if (schema && b.schema !== checked) check(b.schema, schema)
        const rows = recordBatchToInputRows(b, source, next)
        next += rows.length
        // text going into a binary column: its UTF-8 bytes
        for (const name of asBytes) {
          for (const r of rows) {
            const v = r[name]
            if (typeof v === 'string') setOwn(r as Record<string, unknown>, name, encoder.encode(v))
          }
        }
        yield* rows
      }
    }
  }
}

const EXPECTED = 'arrowRows takes a RecordBatch, a Table, or an iterable or async iterable of RecordBatches or Tables'

function describeElement(x: unknown): string {
  if (x === null || x === undefined) return String(x)
  const kind = arrowKind(x)
  if (kind !== undefined) return `an Arrow ${kind}`
  if (Array.isArray(x)) return 'an array'
  if (typeof x === 'object') {
    const name = (Object.getPrototypeOf(x) as { constructor?: { name?: unknown } } | null)?.constructor?.name
    return typeof name === 'string' && name !== 'Object' && name !== '' ? `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}` : 'an object (a plain row? rows go to appendRows without arrowRows)'
  }
  return `a ${typeof x}`
}

/**
 * Rows of Arrow input (a RecordBatch, a Table, or a sync or async iterable of RecordBatches or Tables), one
 * batch at a time, for `appendRows` and friends; anything else is INVALID_ARGUMENT. The writer checks each batch's
 * column types against the table schema before reading it (and refuses a required column without a write
 * default that the input lacks, even without rows): columns match by name, and an Arrow type goes only
 * into a column that holds each of its values exactly (Int32 → int or long, Int64 → long, Float32 → float or
 * double, Float64 → double; no Float64 → float, Int64 → timestamp or Utf8 → date); otherwise INVALID_DATA
 * names the column. Timestamps, times and decimals keep their Arrow unit, zone and scale, so the writer
 * converts them to the column's type exactly or fails with INVALID_DATA: s/ms/µs → µs or ns and exact ns → µs,
 * a zoned Arrow timestamp only into timestamptz(_ns) and one without zone only into timestamp(_ns), decimals
 * rescaled without dropping nonzero digits.
 */
export function arrowRows(input: ArrowInput): ArrowRows {
  if (!(input instanceof RecordBatch) && !(input instanceof Table) && !isIterable(input)) throw new InvalidArgumentError(`Arrow input is ${describeElement(input)}; ${EXPECTED}`)
  // a Vector iterates its values, not batches; an array is checked at once (other iterables as they are read)
  if (arrowKind(input) === 'Vector') throw new InvalidArgumentError(`Arrow input is an Arrow Vector; make a Table of it (new Table({ name: vector })); ${EXPECTED}`)
  if (Array.isArray(input))
    input.forEach((x: unknown, i) => {
      if (!(x instanceof RecordBatch) && !(x instanceof Table)) throw new InvalidArgumentError(`Arrow input element ${i} is ${describeElement(x)}, not a RecordBatch or Table; ${EXPECTED}`)
    })
  return new ArrowRows(input)
}
