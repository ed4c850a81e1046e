// Where an input cell is (file, 1-based row, column), and the INVALID_DATA error that names it.
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
