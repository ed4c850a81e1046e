// Shared commit steps for catalogs: name and write the next metadata file, keep the metadata log, clean up.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, CommitStateUnknownError, InvalidArgumentError } from '../errors.js'
import { writePublishedAfter, type FileIO } from '../io/file-io.js'
import { addPreviousMetadataFile } from '../spec/apply-updates.js'
import { writeTableMetadata } from '../spec/json/metadata-write.js'
import { validateMetadata } from '../spec/json/metadata-validate.js'
import { boolProp, intProp, prop } from '../spec/properties.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { TableState } from '../table/load.js'
import { metadataVersion } from '../table/load.js'

/** The folder new metadata files go to (`write.metadata.path`, else `<location>/metadata`). */
export function metadataDir(m: TableMetadata): string {
  return (m.properties['write.metadata.path'] ?? `${m.location}/metadata`).replace(/\/+$/, '')
}

/** True when new metadata files are gzip-compressed (`write.metadata.compression-codec=gzip`). */
export function gzipMetadata(m: TableMetadata): boolean {
  const codec = prop(m.properties, 'write.metadata.compression-codec')
  const lower = codec.toLowerCase()
  // Java's TableMetadataParser.Codec.fromName: none or gzip, any case; anything else fails every commit
  if (lower !== 'gzip' && lower !== 'none')
    throw new InvalidArgumentError(`Invalid table property write.metadata.compression-codec: ${JSON.stringify(codec)} (use none or gzip)`, { context: { field: 'write.metadata.compression-codec' } })
  return lower === 'gzip'
}

/** Metastore naming (Java BaseMetastoreTableOperations): `<V:05d>-<uuid>[.gz].metadata.json`, V = base version + 1. */
export function nextMetastoreLocation(base: TableState | undefined, next: TableMetadata, uuid: string): string {
  const v = base ? (metadataVersion(base.metadataLocation) ?? -1) + 1 : 0
  return `${metadataDir(next)}/${String(v).padStart(5, '0')}-${uuid}${gzipMetadata(next) ? '.gz' : ''}.metadata.json`
}

/** Record the base file in the metadata log (trimmed by previous-versions-max); returns what to delete after success. */
export function withMetadataLog(base: TableState | undefined, next: TableMetadata): { metadata: TableMetadata; trimmed: string[] } {
  if (!base) return { metadata: next, trimmed: [] }
  const max = intProp(next.properties, 'write.metadata.previous-versions-max')
  const r = addPreviousMetadataFile(next, { file: base.metadataLocation, lastUpdatedMs: base.metadata.lastUpdatedMs }, max)
  return { metadata: r.metadata, trimmed: r.trimmed.map((e) => e.metadataFile) }
}

/**
 * Write a metadata file durably, failing with AlreadyExistsError if the name is taken; invalid metadata is
 * never written. With `publishAfter`, the file appears only once it resolves (and never if it rejects).
 */
export async function writeMetadataFile(io: FileIO, location: string, m: TableMetadata, publishAfter?: Promise<unknown>): Promise<void> {
  publishAfter?.catch(() => undefined) // observed here: a write that fails first must not leave it unhandled
  await writeMetadataBytes(io, location, encodeMetadataFile(m, location), publishAfter)
}

/** The bytes of metadata file `location` holding `m` (gzip when its name says so); invalid metadata is refused. */
export function encodeMetadataFile(m: TableMetadata, location: string): Uint8Array {
  validateMetadata(m, location)
  return writeTableMetadata(m, { gzip: /\.gz\.metadata\.json$|\.metadata\.json\.gz$/.test(location) })
}

/** Write encoded metadata durably, only if absent, published after `publishAfter` when given. */
export async function writeMetadataBytes(io: FileIO, location: string, bytes: Uint8Array, publishAfter?: Promise<unknown>): Promise<void> {
  if (publishAfter) await writePublishedAfter(io, location, bytes, publishAfter, { durable: true })
  else await io.write(location, bytes, { durable: true })
}

/** After a successful commit: delete old metadata files trimmed from the log when the table asks for it. */
export async function deleteTrimmed(io: FileIO, m: TableMetadata, trimmed: readonly string[]): Promise<void> {
  if (!trimmed.length || !boolProp(m.properties, 'write.metadata.delete-after-commit.enabled')) return
  for (const f of trimmed) await io.delete(f).catch(() => undefined)
}

/**
 * The metastore commit protocol: write `<V>-<uuid>.metadata.json`, then `swap(base location, new location)`.
 * The swap throws CommitConflictError or AlreadyExistsError only when it definitely did not happen: then the
 * unreferenced new file is deleted and the error rethrown. Any other error is an unknown outcome
 * (CommitStateUnknownError) and keeps every file, as Java's JdbcTableOperations never deletes on failure.
 */
export async function metastoreCommit(
  env: Env,
  io: FileIO,
  base: TableState | undefined,
  next: TableMetadata,
  swap: (newLocation: string) => Promise<void>,
  /** The pointer as the catalog holds it now: a stale base fails fast, before a metadata file is written. */
  current?: () => Promise<string | undefined>,
  /** The swap waits for this (TableOperations.commit `ready`); the metadata file is written meanwhile. */
  ready?: Promise<unknown>,
): Promise<TableState> {
  ready?.catch(() => undefined) // a conflict found first must not leave it unhandled
  if (base && current) {
    const now = await current()
    if (now !== base.metadataLocation) throw new CommitConflictError(`Table changed: its metadata location is ${now ?? 'gone'}, not ${base.metadataLocation}`)
  }
  const { metadata, trimmed } = withMetadataLog(base, next)
  const location = nextMetastoreLocation(base, metadata, env.uuid())
  try {
    await writeMetadataFile(io, location, metadata, ready)
  } catch (e) {
    if (e instanceof AlreadyExistsError) throw new CommitConflictError(`Metadata file ${location} already exists`, { cause: e })
    // no swap was tried, so a file the rejected write may still have published is nobody's (a fresh name)
    await io.delete(location).catch(() => undefined)
    throw e
  }
  try {
    await swap(location)
  } catch (e) {
    if (e instanceof CommitStateUnknownError) throw e
    if (e instanceof CommitConflictError || e instanceof AlreadyExistsError) {
      // the swap definitely did not happen (the pointer moved, the name is taken): the new file is unreferenced
      await io.delete(location).catch(() => undefined)
      throw e
    }
    // anything else (also a FloeError wrapping a driver's error) may or may not have swapped: keep every file
    throw new CommitStateUnknownError(`Commit of ${location} ended in an unexpected error: ${(e as Error).message}`, { cause: e, context: { file: location } })
  }
  await deleteTrimmed(io, metadata, trimmed)
  return { metadata, metadataLocation: location }
}
