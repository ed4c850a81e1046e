// Where an input cell is (file, 1-based row, column), the INVALID_DATA error that names it, and strict UTF-8 input text.
import { InvalidDataError } from './coerce.js'

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
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch (e) {
    if (!(e instanceof TypeError)) throw e
    throw new InvalidDataError(`Invalid data in ${file}: the file is not valid UTF-8 text`, { cause: e, context: { file } })
  }
}
