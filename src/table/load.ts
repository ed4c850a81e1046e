// Loading table metadata from a metadata file or a table folder (version-hint, else the highest version).
import { FloeError, NotFoundError } from '../errors.js'
import type { FileIO } from '../io/file-io.js'
import { readTableMetadata } from '../spec/json/metadata-read.js'
import type { TableMetadata } from '../spec/table-metadata.js'

/** One committed version of a table: its metadata and where that metadata lives. */
export interface TableState {
  readonly metadata: TableMetadata
  readonly metadataLocation: string
}

const METADATA_FILE = /(?:^|\/)(?:v(\d+)|(\d+)-[^/]*?)(?:\.gz)?\.metadata\.json(?:\.gz)?$/

/** The version number encoded in a metadata file name (`v12.metadata.json`, `00012-uuid.metadata.json`). */
export function metadataVersion(path: string): number | undefined {
  const m = METADATA_FILE.exec(path)
  if (!m) return undefined
  return Number(m[1] ?? m[2])
}

/** True when a location names a metadata file rather than a table folder. */
export function isMetadataFile(location: string): boolean {
  return /\.metadata\.json(\.gz)?$/.test(location) || /\.json$/.test(location)
}

/** Read and parse one metadata file. */
export async function loadMetadataFile(io: FileIO, location: string): Promise<TableState> {
  const bytes = await io.read(location)
  return { metadata: readTableMetadata(bytes, location), metadataLocation: location }
}

async function firstExisting(io: FileIO, candidates: readonly string[]): Promise<string | undefined> {
  for (const c of candidates) if (await io.stat(c)) return c
  return undefined
}

/**
 * Find the current metadata file of a file-system table folder: `metadata/version-hint.text` (a number N or
 * a file stem; Impala's `version-hint.txt` too), else the highest version found by listing `metadata/`.
 */
export async function findCurrentMetadata(io: FileIO, tableLocation: string): Promise<string> {
  const dir = `${tableLocation.replace(/\/+$/, '')}/metadata`
  for (const hintName of ['version-hint.text', 'version-hint.txt']) {
    const hintPath = `${dir}/${hintName}`
    if (!(await io.stat(hintPath))) continue
    const hint = new TextDecoder().decode(await io.read(hintPath)).trim()
    const candidates = /^\d+$/.test(hint)
      ? [`${dir}/v${hint}.metadata.json`, `${dir}/v${hint}.gz.metadata.json`, `${dir}/v${hint}.metadata.json.gz`]
      : [`${dir}/${hint}.metadata.json`, `${dir}/${hint}.gz.metadata.json`, `${dir}/${hint}`]
    const found = await firstExisting(io, candidates)
    if (found) return found
    // a stale or broken hint: fall back to listing, as Java does
  }
  if (!io.list) throw new FloeError('UNSUPPORTED', `Cannot find the current metadata of ${tableLocation}: no version hint and the FileIO cannot list`)
  let best: { path: string; version: number } | undefined
  for await (const s of io.list(`${dir}/`)) {
    const name = s.path.slice(s.path.lastIndexOf('/') + 1)
    if (name.startsWith('.')) continue
    const v = metadataVersion(name)
    if (v !== undefined && (!best || v > best.version)) best = { path: s.path, version: v }
  }
  if (!best) throw new NotFoundError(`No metadata files found in ${dir}`, { context: { file: dir } })
  return best.path
}

/** Load a table from a metadata file location or from a table folder. */
export async function loadTableState(io: FileIO, location: string): Promise<TableState> {
  if (isMetadataFile(location)) return loadMetadataFile(io, location)
  return loadMetadataFile(io, await findCurrentMetadata(io, location))
}
