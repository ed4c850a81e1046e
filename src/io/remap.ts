// Location remapping: read a table whose metadata says s3://… or hdfs://… from a local folder.
import { NotFoundError } from '../errors.js'
import { missingFileMessage, type FileIO, type FileStat, type OutputFile, type OutputOptions, type WriteOptions } from './file-io.js'

/** One prefix rewrite: locations starting with `from` are served from `to`. */
export interface PrefixMapping {
  readonly from: string
  readonly to: string
}

/** Parse `from=to` (the CLI's --remap form). */
export function parsePrefixMapping(s: string): PrefixMapping {
  const i = s.indexOf('=')
  if (i <= 0) throw new Error(`--remap expects from=to, got ${s}`)
  return { from: s.slice(0, i), to: s.slice(i + 1) }
}

/** Apply the longest matching prefix mapping to a location (unchanged when none matches). */
export function remapLocation(location: string, mappings: readonly PrefixMapping[]): string {
  let best: PrefixMapping | undefined
  for (const m of mappings) if (location.startsWith(m.from) && (!best || m.from.length > best.from.length)) best = m
  return best ? best.to + location.slice(best.from.length) : location
}

/** A FileIO that rewrites location prefixes before delegating. */
export class RemappingFileIO implements FileIO {
  /** Sub-folders through the mapping (only when the wrapped FileIO lists folders). */
  readonly listFolders?: (dir: string) => Promise<string[] | undefined>
  /** Remove an empty folder through the mapping (only when the wrapped FileIO can). */
  readonly removeFolder?: (dir: string) => Promise<boolean>
  /** Create a folder through the mapping (only when the wrapped FileIO can). */
  readonly makeFolder?: (dir: string) => Promise<boolean>
  /** Start an object written piece by piece through the mapping (only when the wrapped FileIO can). */
  readonly createOutput?: (path: string, opts?: OutputOptions) => Promise<OutputFile>

  constructor(
    private readonly inner: FileIO,
    private readonly mappings: readonly PrefixMapping[],
  ) {
    const { listFolders, removeFolder, makeFolder, createOutput } = inner
    if (listFolders) this.listFolders = (dir) => listFolders.call(inner, remapLocation(dir, mappings))
    if (removeFolder) this.removeFolder = (dir) => removeFolder.call(inner, remapLocation(dir, mappings))
    if (makeFolder) this.makeFolder = (dir) => makeFolder.call(inner, remapLocation(dir, mappings))
    if (createOutput) this.createOutput = (path, opts) => createOutput.call(inner, remapLocation(path, mappings), opts)
  }

  /** As the wrapped FileIO. */
  get stagesWrites(): boolean {
    return this.inner.stagesWrites === true
  }

  /** Read through the mapping; a missing file is reported under both its mapped and its own path. */
  async read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    const mapped = remapLocation(path, this.mappings)
    try {
      return await this.inner.read(mapped, range)
    } catch (e) {
      if (e instanceof NotFoundError && mapped !== path) {
        const { message } = missingFileMessage(this, path)
        throw new NotFoundError(message, { cause: e, context: { file: path, location: mapped } })
      }
      throw e
    }
  }

  /** The mapped location of `path`. */
  locate(path: string): string {
    return remapLocation(path, this.mappings)
  }

  /** Stat through the mapping (the stat keeps the caller's path). */
  async stat(path: string): Promise<FileStat | undefined> {
    const s = await this.inner.stat(remapLocation(path, this.mappings))
    return s && { ...s, path }
  }

  /** Write through the mapping. */
  write(path: string, data: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.inner.write(remapLocation(path, this.mappings), data, opts)
  }

  /** Delete through the mapping. */
  delete(path: string): Promise<void> {
    return this.inner.delete(remapLocation(path, this.mappings))
  }

  /** List through the mapping, reporting paths in the caller's (unmapped) form. */
  async *list(prefix: string): AsyncIterable<FileStat> {
    if (!this.inner.list) return
    const mapped = remapLocation(prefix, this.mappings)
    for await (const s of this.inner.list(mapped)) yield { ...s, path: prefix + s.path.slice(mapped.length) }
  }
}
