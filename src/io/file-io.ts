// The storage seam: every byte floe reads or writes goes through a FileIO.

/** Size and time of a stored object. */
export interface FileStat {
  readonly path: string
  readonly size: number
  readonly mtimeMs?: number
}

/** Options for writing an object. */
export interface WriteOptions {
  /** Replace an existing object; when false (the default) the write MUST fail with AlreadyExistsError if it exists. */
  readonly overwrite?: boolean
  /** Flush to stable storage before resolving (local files: fsync). */
  readonly durable?: boolean
  /**
   * Publish the object (make it visible under its name) only after this settles. If it rejects, nothing is
   * published and the write rejects with its reason. Meanwhile the FileIO may stage the bytes (local files:
   * a temporary file, written and synced), so a commit overlaps its metadata write with the manifest writes
   * that must be durable before it.
   */
  readonly publishAfter?: Promise<unknown>
  /**
   * The object is new and nothing references it yet (a manifest, a manifest list, a data file): it may be
   * created exclusively under its own name and written in place, so a reader could see it partly written
   * (Java's HadoopFileIO writes such files the same way). Create-if-absent still holds. Ignored with
   * `overwrite` or `publishAfter`.
   */
  readonly direct?: boolean
}

/** Options for creating an {@link OutputFile}. */
export interface OutputOptions {
  /** Flush to stable storage when the output is closed (local files: fsync of the file and its folder). */
  readonly durable?: boolean
}

/**
 * A new object written piece by piece (see {@link FileIO.createOutput}). Calls are sequential: await each
 * before the next. The object may be visible partly written until `close`, so only new objects nothing
 * references yet (data files) are written this way.
 */
export interface OutputFile {
  /** Append `chunk`. The FileIO may read `chunk` until the promise settles (the caller must not change it before) and keeps no reference to it afterwards. */
  write(chunk: Uint8Array): Promise<void>
  /** Complete the object (flushed to stable storage when created `durable`); after a rejection, call `abort`. */
  close(): Promise<void>
  /** Discard the object, best effort (it does not exist afterwards; an object already absent is fine); does nothing after a successful `close`. */
  abort(): Promise<void>
}

/**
 * Storage seam. Paths are absolute locations (URIs or absolute file paths). Implementations must be safe
 * under concurrent calls, must make create-if-absent atomic, and must throw floe's typed errors
 * (NotFoundError for a missing object, AlreadyExistsError on a create conflict, FloeError 'IO' otherwise).
 */
export interface FileIO {
  /** The whole object, or bytes [start, end) of it. */
  read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array>
  /** Size (and time) of an object, or undefined when it does not exist. */
  stat(path: string): Promise<FileStat | undefined>
  /**
   * Create (or, with overwrite, replace) an object with these bytes. A rejected write may still have
   * published the object (a local folder sync failing after the link, an object store losing the reply to
   * a PUT that landed): a caller that must know reads the object back.
   */
  write(path: string, data: Uint8Array, opts?: WriteOptions): Promise<void>
  /**
   * Start a new object written piece by piece (optional capability): create-if-absent, so an existing object
   * fails with AlreadyExistsError, at the latest when this resolves, and is never replaced.
   */
  createOutput?(path: string, opts?: OutputOptions): Promise<OutputFile>
  /** Delete an object; succeeds when it is already absent. */
  delete(path: string): Promise<void>
  /** Objects whose path starts with `prefix`, recursively, sorted by path (optional capability). */
  list?(prefix: string): AsyncIterable<FileStat>
  /** Names of the folders directly in folder `dir`, sorted, or undefined when it is no folder (optional: only for storage whose folders exist on their own, even empty, such as local disks; object stores have none). */
  listFolders?(dir: string): Promise<string[] | undefined>
  /** Remove folder `dir` if it is empty: true when removed, false when it is absent or holds anything (optional, alongside `listFolders`). */
  removeFolder?(dir: string): Promise<boolean>
  /** Create folder `dir` (and missing parents): true when this call created it, false when it already existed (optional, alongside `listFolders`). */
  makeFolder?(dir: string): Promise<boolean>
  /** True when `write` honours `publishAfter`; for other FileIOs floe waits for the promise before writing. */
  readonly stagesWrites?: boolean
  /** Where `path` really is, when that differs from `path` (optional, for messages: a remapping FileIO gives the mapped location). */
  locate?(path: string): string
}

/** "File does not exist" for `path`, naming where it was looked for when the FileIO maps paths elsewhere. */
export function missingFileMessage(io: FileIO, path: string): { readonly message: string; readonly location: string | undefined } {
  const location = io.locate?.(path)
  return location === undefined || location === path ? { message: `File does not exist: ${path}`, location: undefined } : { message: `File does not exist: ${location} (${path} in the table metadata)`, location }
}

/**
 * Write an object that must become visible only after `after` resolves: staged meanwhile when the FileIO
 * can (`stagesWrites`), else written once `after` has resolved. Rejects with `after`'s reason when it rejects.
 */
export async function writePublishedAfter(io: FileIO, path: string, data: Uint8Array, after: Promise<unknown>, opts: Omit<WriteOptions, 'publishAfter'> = {}): Promise<void> {
  if (io.stagesWrites) return io.write(path, data, { ...opts, publishAfter: after })
  await after
  return io.write(path, data, opts)
}

/** Read a whole object as UTF-8 text. */
export async function readText(io: FileIO, path: string): Promise<string> {
  return new TextDecoder().decode(await io.read(path))
}
