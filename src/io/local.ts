// Local file system FileIO: create-if-absent through link(2), never rename (rename silently replaces).
import { randomBytes } from 'node:crypto'
import * as fsCb from 'node:fs'
import { promises as fs, constants } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AlreadyExistsError, FloeError, NotFoundError } from '../errors.js'
import type { FileIO, FileStat, OutputFile, OutputOptions, WriteOptions } from './file-io.js'

/**
 * Turn `file:///a/b`, `file:/a/b` or `/a/b` into an absolute local path; other schemes are refused. The path
 * of a `file:` URI is taken literally, as Hadoop's Path (so Java, Spark) and PyIceberg take it: Java writes
 * partition values URL-escaped into paths (`ts=10%3A00`) and stores the folder under exactly that name.
 */
export function localPath(location: string): string {
  if (location.startsWith('file:')) {
    const rest = location.slice('file:'.length)
    if (!rest.startsWith('//')) return resolve(rest)
    // `file:///a` has an empty authority; in `file://relative/path` (seen in the corpus) the host part is
    // misused, and the rest is taken as a relative path
    return resolve(rest.slice(2))
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(location)) throw new FloeError('UNSUPPORTED', `LocalFileIO cannot open ${location}: map its prefix to a local folder (--remap)`)
  return resolve(location)
}

function ioError(e: unknown, op: string, path: string): FloeError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new NotFoundError(`File does not exist: ${path}`, { cause: e, context: { file: path } })
  if (code === 'EEXIST') return new AlreadyExistsError(`File already exists: ${path}`, { cause: e, context: { file: path } })
  return new FloeError('IO', `Cannot ${op} ${path}: ${(e as Error).message}`, { cause: e, context: { file: path } })
}

/** FileIO over node:fs for absolute paths and file: URIs. */
export class LocalFileIO implements FileIO {
  /** Writes honour `publishAfter` (a temporary file is written and synced meanwhile). */
  readonly stagesWrites = true

  /** Read a whole file or a byte range. */
  async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    const p = localPath(path)
    try {
      if (!range) return await readWhole(p)
      const fh = await fs.open(p, 'r')
      try {
        const size = (await fh.stat()).size
        const end = Math.min(range.end ?? size, size)
        const len = Math.max(0, end - range.start)
        const buf = new Uint8Array(len)
        let off = 0
        while (off < len) {
          const { bytesRead } = await fh.read(buf, off, len - off, range.start + off)
          if (bytesRead === 0) break
          off += bytesRead
        }
        return off === len ? buf : buf.subarray(0, off)
      } finally {
        await fh.close()
      }
    } catch (e) {
      throw ioError(e, 'read', path)
    }
  }

  /** Size and mtime, or undefined when absent. */
  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.stat(localPath(path))
      return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : undefined
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw ioError(e, 'stat', path)
    }
  }

  /** Write a file; without overwrite the final name appears atomically and only if absent (link(2)). */
  async write(path: string, data: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    const p = localPath(path)
    const dir = dirname(p)
    if (opts.direct && !opts.overwrite && !opts.publishAfter) return this.writeDirect(path, p, dir, data, opts.durable === true)
    const tmp = join(dir, `.${TMP_PREFIX}-${tmpCounter++}.tmp`)
    try {
      await writeNewFile(tmp, dir, data, opts.durable === true)
      if (opts.publishAfter) {
        try {
          await opts.publishAfter
        } catch (reason) {
          await fs.unlink(tmp).catch(() => undefined)
          throw new PublishCancelled(reason)
        }
      }
      if (opts.overwrite) await fs.rename(tmp, p)
      else {
        try {
          await fs.link(tmp, p)
        } finally {
          await fs.unlink(tmp).catch(() => undefined)
        }
      }
      // the file is visible from here on: a failed folder sync rejects the write but leaves the file in place
      // (it may not survive a crash), so the caller cannot tell from the error alone whether it was published
      if (opts.durable) await syncDir(dir)
    } catch (e) {
      if (e instanceof PublishCancelled) throw e.reason
      await fs.unlink(tmp).catch(() => undefined)
      throw ioError(e, 'write', path)
    }
  }

  // Create the file under its own name (exclusively) and write it in place: for objects nothing references
  // yet, as Java's HadoopFileIO writes manifests and data files. A failed write removes what it created.
  private async writeDirect(path: string, p: string, dir: string, data: Uint8Array, durable: boolean): Promise<void> {
    let created = false
    try {
      await writeNewFile(p, dir, data, durable, () => (created = true))
      if (durable) await syncDir(dir)
    } catch (e) {
      if (created) await fs.unlink(p).catch(() => undefined)
      throw ioError(e, 'write', path)
    }
  }

  /** Create a file exclusively (O_EXCL: an existing file is AlreadyExistsError) and return it to be written piece by piece. */
  async createOutput(path: string, opts: OutputOptions = {}): Promise<OutputFile> {
    const p = localPath(path)
    const dir = dirname(p)
    let created: Created
    try {
      created = await createExclusive(p, dir)
    } catch (e) {
      throw ioError(e, 'create', path)
    }
    return new LocalOutput(path, p, dir, created.fd, opts.durable === true, created.folders)
  }

  /** Delete a file; absent files are fine. */
  async delete(path: string): Promise<void> {
    try {
      await fs.unlink(localPath(path))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, 'delete', path)
    }
  }

  /**
   * Every file under a folder prefix, sorted by path, named in the prefix's own spelling (`file:/t/…` for
   * `file:/t`, a relative prefix stays relative) so that each listed name opens the file it lists.
   */
  async *list(prefix: string): AsyncIterable<FileStat> {
    const root = localPath(prefix)
    const base = prefix.replace(/\/+$/, '')
    const out: FileStat[] = []
    const walk = async (dir: string, rel: string): Promise<void> => {
      let names: string[]
      try {
        names = await fs.readdir(dir)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return
        throw ioError(e, 'list', dir)
      }
      for (const n of names) {
        const full = join(dir, n)
        const s = await fs.stat(full).catch(() => undefined)
        if (!s) continue
        if (s.isDirectory()) await walk(full, `${rel}/${n}`)
        else out.push({ path: `${base}${rel}/${n}`, size: s.size, mtimeMs: s.mtimeMs })
      }
    }
    await walk(root, '')
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    yield* out
  }

  /** Names of the folders (or links to folders) directly in `dir`, sorted; undefined when `dir` is no folder. */
  async listFolders(dir: string): Promise<string[] | undefined> {
    const p = localPath(dir)
    let entries: fsCb.Dirent[]
    try {
      entries = await fs.readdir(p, { withFileTypes: true })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
      throw ioError(e, 'list', dir)
    }
    const names: string[] = []
    for (const d of entries) {
      if (d.isDirectory() || (d.isSymbolicLink() && (await fs.stat(join(p, d.name)).catch(() => undefined))?.isDirectory())) names.push(d.name)
    }
    return names.sort()
  }

  /** Create folder `dir` (mkdir(2), parents first): true only for the call that created it, false when it already existed. */
  async makeFolder(dir: string): Promise<boolean> {
    const p = localPath(dir)
    try {
      await fs.mkdir(dirname(p), { recursive: true })
      await fs.mkdir(p)
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await fs.stat(p).catch(() => undefined))?.isDirectory()) return false
      throw ioError(e, 'create', dir)
    }
  }

  /** Remove `dir` when it is an empty folder (rmdir(2)); false when it is absent, not a folder or not empty. */
  async removeFolder(dir: string): Promise<boolean> {
    try {
      await fs.rmdir(localPath(dir))
      return true
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') return false
      throw ioError(e, 'remove', dir)
    }
  }
}

/** A descriptor of a file just created, and the folders created for it (their entries are not durable yet). */
interface Created {
  readonly fd: number
  /** Folders whose entries must be synced for the new folders to survive a crash (see foldersToSync). */
  readonly folders: readonly string[]
}

/**
 * The folders to fsync so that folders made by `mkdir -p dir` survive a crash: each new folder's entry lives
 * in its parent, so every folder from the parent of the first one created (`first`) down to the parent of
 * `dir` (`dir` itself is synced for the file's own entry). When mkdir created nothing (another writer made
 * the folder meanwhile), the parent of `dir` is synced, as that writer may not have synced it yet.
 */
export function foldersToSync(first: string | undefined, dir: string): string[] {
  if (first === undefined) return [dirname(dir)]
  const out: string[] = []
  for (let d = dir; d !== first && dirname(d) !== d; d = dirname(d)) out.push(dirname(d))
  out.push(dirname(first))
  return [...new Set(out)]
}

/** Create `file` exclusively (O_EXCL, and its folder when missing) for writing; resolves to its descriptor. */
async function createExclusive(file: string, dir: string): Promise<Created> {
  const create = (): Promise<number> => call<number>((cb) => fsCb.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644, cb))
  // the folder usually exists: create it only when the first open says it is missing
  return create().then(
    (fd) => ({ fd, folders: [] }),
    async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
      const first = await fs.mkdir(dir, { recursive: true })
      return { fd: await create(), folders: foldersToSync(first, dir) }
    },
  )
}

/** fsync the folders new folders were made in (a durable write's file is only durable with its folders). */
function syncFolders(folders: readonly string[]): Promise<unknown> {
  return folders.length === 0 ? Promise.resolve() : Promise.all(folders.map(syncDir))
}

/** Write all of `data` at file position `at`, however many calls short writes take. */
async function writeAll(fd: number, data: Uint8Array, at: number): Promise<void> {
  for (let off = 0; off < data.length; ) off += await call<number>((cb) => fsCb.write(fd, data, off, data.length - off, at + off, cb))
}

/** Create `file` exclusively (and its folder when missing), write `data` and, when `durable`, fsync it and any folders made for it. */
async function writeNewFile(file: string, dir: string, data: Uint8Array, durable: boolean, onCreated?: () => void): Promise<void> {
  const { fd, folders } = await createExclusive(file, dir)
  onCreated?.()
  try {
    await writeAll(fd, data, 0)
    if (durable) await Promise.all([call<void>((cb) => fsCb.fsync(fd, cb)), syncFolders(folders)])
  } finally {
    await call<void>((cb) => fsCb.close(fd, cb))
  }
}

/**
 * A local file written piece by piece: created exclusively under its own name (so it is visible partly
 * written, as `direct` writes are), each chunk written in full at the end, fsynced with its folder (and the folders made for it) on close
 * when durable; abort closes and unlinks it.
 */
class LocalOutput implements OutputFile {
  private size = 0
  private fd: number | undefined
  private closed = false
  /** The last write, settled either way: the descriptor is closed only after it (a closed number may be reused at once). */
  private pending: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly file: string,
    private readonly dir: string,
    fd: number,
    private readonly durable: boolean,
    private readonly folders: readonly string[],
  ) {
    this.fd = fd
  }

  /** Append `chunk` (read until the promise settles, not kept). */
  async write(chunk: Uint8Array): Promise<void> {
    const fd = this.openFd('write')
    const at = this.size
    this.size += chunk.length
    const done = writeAll(fd, chunk, at)
    this.pending = done.catch(() => undefined)
    try {
      await done
    } catch (e) {
      throw ioError(e, 'write', this.path)
    }
  }

  /** fsync (when durable), close, then sync the folder (when durable), as a durable `write` does. */
  async close(): Promise<void> {
    const fd = this.openFd('close')
    this.fd = undefined
    await this.pending
    try {
      try {
        if (this.durable) await call<void>((cb) => fsCb.fsync(fd, cb))
      } finally {
        await call<void>((cb) => fsCb.close(fd, cb))
      }
      if (this.durable) await Promise.all([syncDir(this.dir), syncFolders(this.folders)])
    } catch (e) {
      throw ioError(e, 'write', this.path)
    }
    this.closed = true
  }

  /** Close the descriptor (if still open) and unlink the file; nothing after a successful close. */
  async abort(): Promise<void> {
    if (this.closed) return
    const fd = this.fd
    this.fd = undefined
    await this.pending
    if (fd !== undefined) await call<void>((cb) => fsCb.close(fd, cb)).catch(() => undefined)
    try {
      await fs.unlink(this.file)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, 'delete', this.path)
    }
  }

  private openFd(op: string): number {
    if (this.fd === undefined) throw new FloeError('INVALID_ARGUMENT', `Cannot ${op} ${this.path}: the output is already closed or aborted`, { context: { file: this.path } })
    return this.fd
  }
}

/** The `publishAfter` promise of a write rejected: the write rethrows its reason unchanged. */
class PublishCancelled {
  constructor(readonly reason: unknown) {}
}

// Temporary names: unique per process (random token) and per write (counter), without a random draw per write.
const TMP_PREFIX = `${process.pid.toString(36)}-${randomBytes(6).toString('hex')}`
let tmpCounter = 0

/** Promise over a callback-style fs call (plain descriptors are lighter than FileHandle objects). */
// First read of a whole-file read. A file shorter than this is read in two thread-pool round trips (open,
// read), where fs.readFile takes four (open, fstat, read, close); a larger one in four (open, read, fstat,
// read the rest). The close is never waited for. Planning reads many small manifests, and each round trip
// costs 0.1-1 ms on a loaded machine.
const FIRST_READ = 64 * 1024

/** Read a whole local file: open, one read, and only for larger files fstat and the rest (as readFile: up to the size fstat saw). */
async function readWhole(p: string): Promise<Uint8Array> {
  const fd = await call<number>((cb) => fsCb.open(p, 'r', cb))
  // reads at the current offset (position null), so pipes and FIFOs read too
  const readAt = (buf: Uint8Array, off: number, len: number): Promise<number> => call<number>((cb) => fsCb.read(fd, buf, off, len, null, cb))
  try {
    const first = new Uint8Array(FIRST_READ)
    const n = await readAt(first, 0, FIRST_READ)
    // a short file gets its own exact buffer, not a view pinning 64 KiB
    if (n < FIRST_READ) return n > FIRST_READ / 4 ? first.subarray(0, n) : first.slice(0, n)
    const st = await call<fsCb.Stats>((cb) => fsCb.fstat(fd, cb))
    // a regular file up to the size fstat saw; anything else (a pipe) until its end
    let buf = new Uint8Array(st.isFile() ? Math.max(st.size, FIRST_READ) : 4 * FIRST_READ)
    buf.set(first)
    let off = FIRST_READ
    for (;;) {
      if (off === buf.length) {
        if (st.isFile()) break
        const bigger = new Uint8Array(buf.length * 2)
        bigger.set(buf)
        buf = bigger
      }
      const r = await readAt(buf, off, buf.length - off)
      if (r === 0) break // end of file (or truncated while read)
      off += r
    }
    return off === buf.length ? buf : buf.subarray(0, off)
  } finally {
    fsCb.close(fd, () => {})
  }
}

function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))))
}

// Group commit of folder syncs: a sync asked for while one of the same folder runs shares the next one,
// which starts after the running one ends (so it covers every link made before it was asked for).
const dirSyncs = new Map<string, { readonly current: Promise<void>; next: Promise<void> | undefined }>()

function syncDir(dir: string): Promise<void> {
  const s = dirSyncs.get(dir)
  if (!s) return startDirSync(dir)
  s.next ??= s.current.then(
    () => startDirSync(dir),
    () => startDirSync(dir),
  )
  return s.next
}

function startDirSync(dir: string): Promise<void> {
  const current: Promise<void> = fsyncDir(dir).finally(() => {
    if (dirSyncs.get(dir)?.current === current) dirSyncs.delete(dir)
  })
  dirSyncs.set(dir, { current, next: undefined })
  return current
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await call<number>((cb) => fsCb.open(dir, constants.O_RDONLY, cb))
  try {
    await call<void>((cb) => fsCb.fsync(fd, cb))
  } finally {
    await call<void>((cb) => fsCb.close(fd, cb))
  }
}
