// In-memory FileIO for embedding and tests, with an optional fault hook.
import { AlreadyExistsError, NotFoundError } from '../errors.js'
import type { FileIO, FileStat, WriteOptions } from './file-io.js'

/** A FileIO operation name, as seen by fault hooks. */
export type IoOp = 'read' | 'stat' | 'write' | 'delete' | 'list'

/** Objects kept in a Map; `beforeOp` may throw to inject faults. */
export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>()
  /** Called before every operation; throw from it to simulate a failure. */
  beforeOp: ((op: IoOp, path: string) => void) | undefined
  /** Writes honour `publishAfter`. */
  readonly stagesWrites = true

  /** The whole object or a byte range. */
  async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    this.beforeOp?.('read', path)
    const b = this.files.get(path)
    if (!b) throw new NotFoundError(`File does not exist: ${path}`, { context: { file: path } })
    return range ? b.slice(range.start, range.end ?? b.length) : b.slice()
  }

  /** Size of an object, or undefined. */
  async stat(path: string): Promise<FileStat | undefined> {
    this.beforeOp?.('stat', path)
    const b = this.files.get(path)
    return b ? { path, size: b.length } : undefined
  }

  /** Store bytes; create-if-absent unless `overwrite`. */
  async write(path: string, data: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    this.beforeOp?.('write', path)
    if (opts.publishAfter) await opts.publishAfter
    if (!opts.overwrite && this.files.has(path)) throw new AlreadyExistsError(`File already exists: ${path}`, { context: { file: path } })
    this.files.set(path, data.slice())
  }

  /** Remove an object (absent is fine). */
  async delete(path: string): Promise<void> {
    this.beforeOp?.('delete', path)
    this.files.delete(path)
  }

  /** Objects under a prefix, sorted. */
  async *list(prefix: string): AsyncIterable<FileStat> {
    this.beforeOp?.('list', prefix)
    const hits = [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort()
    for (const k of hits) yield { path: k, size: this.files.get(k)!.length }
  }
}
