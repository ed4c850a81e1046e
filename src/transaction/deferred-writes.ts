// One commit attempt's view of the FileIO. The new files an attempt writes (manifests, manifest lists)
// start at once and finish in the background, so independent writes overlap (a one-file append writes its
// manifest while it reads the parent's manifest list and writes the new one). Reading a file that is still
// being written waits for it, and the commit loop waits for every write before the swap, the commit point.
import { AlreadyExistsError } from '../errors.js'
import type { FileIO, FileStat, WriteOptions } from '../io/file-io.js'

/** A FileIO whose create-if-absent writes complete in the background until {@link DeferredWrites.flush}. */
export class DeferredWrites implements FileIO {
  private readonly inFlight = new Map<string, Promise<void>>()
  private failure: { readonly error: unknown } | undefined
  /** Paths whose create failed because the object already existed: somebody else's, never to be cleaned up. */
  readonly foreign = new Set<string>()
  /** Listing (when the wrapped FileIO can list), after every write has finished. */
  readonly list?: (prefix: string) => AsyncIterable<FileStat>

  constructor(private readonly inner: FileIO) {
    const list = inner.list?.bind(inner)
    if (list) {
      const self = this
      this.list = async function* (prefix: string): AsyncIterable<FileStat> {
        await self.flush()
        yield* list(prefix)
      }
    }
  }

  /** As the wrapped FileIO. */
  get stagesWrites(): boolean {
    return this.inner.stagesWrites === true
  }

  /** Start a write; replacing writes (overwrite) are not deferred. Failures surface at the next flush. */
  async write(path: string, data: Uint8Array, opts: WriteOptions = {}): Promise<void> {
    if (opts.overwrite) return this.inner.write(path, data, opts)
    const done = this.inner.write(path, data, opts).then(
      () => void this.inFlight.delete(path),
      (error: unknown) => {
        this.inFlight.delete(path)
        if (error instanceof AlreadyExistsError) this.foreign.add(path)
        this.failure ??= { error }
      },
    )
    this.inFlight.set(path, done)
  }

  /** Read, after the write of this path (if any) has finished; otherwise the read starts at once. */
  read(path: string, range?: { readonly start: number; readonly end?: number }): Promise<Uint8Array> {
    if (!this.inFlight.has(path)) return this.inner.read(path, range)
    return this.written(path).then(() => this.inner.read(path, range))
  }

  /** Stat, after the write of this path (if any) has finished. */
  async stat(path: string): Promise<FileStat | undefined> {
    await this.written(path)
    return this.inner.stat(path)
  }

  /** Delete, after the write of this path (if any) has finished. */
  async delete(path: string): Promise<void> {
    await this.inFlight.get(path)
    return this.inner.delete(path)
  }

  /** The first failed write, if any (after {@link settle}, every write has been accounted for). */
  get writeFailure(): { readonly error: unknown } | undefined {
    return this.failure
  }

  /** Wait for every write; throws the first write failure. */
  async flush(): Promise<void> {
    await this.settle()
    if (this.failure) throw this.failure.error
  }

  /** Wait for every write, whatever its outcome (before cleaning up). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()])
  }

  private async written(path: string): Promise<void> {
    const pending = this.inFlight.get(path)
    if (!pending) return
    await pending
    if (this.failure) throw this.failure.error
  }
}
