// Where an input cell is (file, 1-based row, column), the INVALID_DATA error that names it, and strict UTF-8 input
// text, whole or streamed chunk by chunk into a row reader.
import type { Row } from '../parquet/codec.js'
import { InvalidDataError } from './coerce.js'

/** A text input format read chunk by chunk: each call returns the rows the text so far completes. */
export interface TextRowReader {
  /** The rows completed by one more chunk of text. */
  push(text: string): Row[]
  /** The last rows, once the text has ended (INVALID_DATA for a record left incomplete). */
  end(): Row[]
}

/** Position of one input cell: file, 1-based row and column name. */
export interface Cell {
  readonly file: string
  readonly row: number
  readonly column: string
}

/** Throw INVALID_DATA naming the cell. */
export function invalid(at: Cell, message: string): never {
  throw new InvalidDataError(`Invalid data in ${at.file} row ${at.row} column ${at.column}: ${message}`, {
    context: { file: at.file, row: at.row, field: at.column },
  })
}

/**
 * The text of an input file's bytes, which must be UTF-8 (a leading byte-order mark is skipped); anything
 * else is INVALID_DATA naming the file, rather than characters silently replaced by U+FFFD.
 */
export function decodeInputText(bytes: Uint8Array, file: string): string {
  return decodeUtf8(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }), bytes, file, false)
}

// One step of a strict UTF-8 decoder (`stream`: more bytes follow, so a character may continue in them).
function decodeUtf8(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, file: string, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream })
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    throw new InvalidDataError(`Invalid data in ${file}: the file is not valid UTF-8 text`, { cause: e, context: { file } })
  }
}

/**
 * The rows of a text input that arrives as chunks of bytes (strict UTF-8 as in {@link decodeInputText}, a
 * character may straddle two chunks) or of text, parsed by `reader` as they arrive: only the rows of one
 * chunk are in memory at a time.
 */
export async function* streamTextRows(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, reader: TextRowReader, file: string): AsyncGenerator<Row> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  for await (const c of chunks) {
    const text = typeof c === 'string' ? c : decodeUtf8(decoder, c, file, true)
    if (text) yield* reader.push(text)
  }
  const tail = decodeUtf8(decoder, new Uint8Array(0), file, false)
  if (tail) yield* reader.push(tail)
  yield* reader.end()
}
