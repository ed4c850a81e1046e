// Which data file a position delete file is limited to (Java ContentFileUtil.referencedDataFile): the
// referenced_data_file field, or — for files written before writers set it — the one path that the file_path
// column's lower and upper bounds both name.
import type { DataFile } from '../spec/manifest.js'
import { utf8Decode } from '../spec/values.js'
import { DELETE_FILE_PATH_ID } from './position-deletes.js'

/** The single data file a position delete file (or DV) applies to, when it is scoped to one; undefined otherwise. */
export function scopedDataFile(f: DataFile): string | undefined {
  if (f.content !== 'position-deletes') return undefined
  if (f.referencedDataFile !== undefined) return f.referencedDataFile
  const lo = f.lowerBounds?.get(DELETE_FILE_PATH_ID)
  const hi = f.upperBounds?.get(DELETE_FILE_PATH_ID)
  if (!lo || !hi || lo.length !== hi.length || lo.some((b, i) => b !== hi[i])) return undefined
  return utf8Decode(lo)
}

/** True when the delete file applies to exactly one data file, so a replacement DV for that file supersedes it (Java isFileScoped). */
export function isFileScoped(f: DataFile): boolean {
  return scopedDataFile(f) !== undefined
}
