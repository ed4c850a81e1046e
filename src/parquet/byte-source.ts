// ByteSource implementations: in-memory bytes and a FileIO object (size from stat, ranges on demand).
import { FloeError, NotFoundError } from '../errors.js'
import { missingFileMessage, type FileIO } from '../io/file-io.js'
import type { ByteSource } from './codec.js'
import { untilAborted } from '../abort.js'

/** A ByteSource over bytes already in memory; `read` returns views (no copy). */
export function bytesSource(bytes: Uint8Array, path = '<memory>'): ByteSource {
  return {
    byteLength: bytes.length,
    path,
    read: (start, end) => {
      if (start < 0 || end > bytes.length || end < start)
        return Promise.reject(new FloeError('IO', `Byte range [${start}, ${end}) is outside ${path} (${bytes.length} bytes)`, { context: { file: path } }))
      return Promise.resolve(bytes.subarray(start, end))
    },
  }
}

/**
 * Open `path` through a FileIO as a ByteSource. The size comes from `stat` (manifest sizes are only hints);
 * a missing object is a NotFoundError naming the path (and where a remapping FileIO looked for it). With a
 * signal, an abort rejects reads at once (ABORTED), without waiting for a call in flight.
 */
export async function fileSource(io: FileIO, path: string, signal?: AbortSignal): Promise<ByteSource> {
  const st = await untilAborted(io.stat(path), signal)
  if (!st) {
    const { message, location } = missingFileMessage(io, path)
    throw new NotFoundError(message, { context: location === undefined ? { file: path } : { file: path, location } })
  }
  const size = st.size
  return {
    byteLength: size,
    path,
    read: async (start, end) => {
      const b = await untilAborted(io.read(path, { start, end }), signal)
      if (b.length !== end - start)
        throw new FloeError('IO', `Short read of ${path}: wanted [${start}, ${end}), got ${b.length} bytes`, { context: { file: path } })
      return b
    },
  }
}
