// In-memory FileIO for embedding and tests, with an optional fault hook.
import { AlreadyExistsError, FloeError, NotFoundError } from '../errors.js'
import type { FileIO, FileStat, OutputFile, WriteOptions } from './file-io.js'

/** A FileIO operation name, as seen by fault hooks. */
export type IoOp = 'read' | 'stat' | 'write' | 'delete' | 'list'

/** Objects kept in a Map; `beforeOp` may throw to inject faults. */
export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>()
  /** When each object was last written (epoch ms, from `clock`); objects put into `files` directly have none. */
  readonly mtimes = new Map<string, number>()
  /** Called before every operation; throw from it to simulate a failure. */
  beforeOp: ((op: IoOp, path: string) => void) | undefined
  /** Writes honour `publishAfter`. */
  readonly stagesWrites = true

  /** `clock` gives the write times stat and list report (default: the wall clock). */
  constructor(private readonly clock: () => number = Date.now) {}

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
    return b ? this.statOf(path, b) : undefined
  }

  /** Store bytes; create-if-absent unless `overwrite`. */
  async write(path: string, data: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    this.beforeOp?.('write', path)
    if (opts.publishAfter) await opts.publishAfter
    if (!opts.overwrite && this.files.has(path)) throw new AlreadyExistsError(`File already exists: ${path}`, { context: { file: path } })
    this.files.set(path, data.slice())
    this.mtimes.set(path, this.clock())
  }

  private statOf(path: string, b: Uint8Array): FileStat {
    const t = this.mtimes.get(path)
    return t === undefined ? { path, size: b.length } : { path, size: b.length, mtimeMs: t }
  }

  /**
   * Start an object written piece by piece: the name is taken at once (create-if-absent; it reads as empty
   * meanwhile) and the bytes are published at `close`. The fault hook sees creation, each write and close as 'write'.
   */
  async createOutput(path: string): Promise<OutputFile> {
    this.beforeOp?.('write', path)
    if (this.files.has(path)) throw new AlreadyExistsError(`File already exists: ${path}`, { context: { file: path } })
    const placeholder = new Uint8Array(0)
    this.files.set(path, placeholder)
    const parts: Uint8Array[] = []
    let state: 'open' | 'closed' | 'aborted' = 'open'
    const check = (op: string): void => {
      if (state !== 'open') throw new FloeError('INVALID_ARGUMENT', `Cannot ${op} ${path}: the output is already ${state}`, { context: { file: path } })
    }
    return {
      write: async (chunk) => {
        check('write')
        this.beforeOp?.('write', path)
        parts.push(chunk.slice())
      },
      close: async () => {
        check('close')
        this.beforeOp?.('write', path)
        // the name may have been deleted or written over meanwhile (with overwrite): never bring it back or replace it
        if (this.files.get(path) !== placeholder) throw new FloeError('IO', `Cannot close ${path}: it was deleted or replaced while it was written`, { context: { file: path } })
        state = 'closed'
        this.files.set(path, concat(parts))
        this.mtimes.set(path, this.clock())
      },
      abort: async () => {
        if (state === 'closed') return
        state = 'aborted'
        // only the name this output took: an object somebody has since written over it is theirs
        if (this.files.get(path) === placeholder) this.files.delete(path)
      },
    }
  }

  /** Remove an object (absent is fine). */
  async delete(path: string): Promise<void> {
    this.beforeOp?.('delete', path)
    this.files.delete(path)
    this.mtimes.delete(path)
  }

  /** Objects under a prefix, sorted. */
  async *list(prefix: string): AsyncIterable<FileStat> {
    this.beforeOp?.('list', prefix)
    const hits = [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort()
    for (const k of hits) yield this.statOf(k, this.files.get(k)!)
  }
}

/** The parts joined into one array. */
function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
