// The version files of a Hadoop-layout table (what Java's HadoopTableOperations writes and reads):
// `v<N>.metadata.json`, `v<N>.gz.metadata.json` (gzip codec) and the older `v<N>.metadata.json.gz`. Only
// these count as versions for the file-system catalog: a metastore-style name (`00001-<uuid>.metadata.json`,
// written by SQL, Hive, Glue or REST catalogs) or Java's uncommitted temporary `<uuid>.metadata.json` never
// does, even when it starts with digits. Loading a table folder by path (src/table/load.ts) is broader.
import type { FileIO } from '../io/file-io.js'

// N as Java writes it (`"v" + int`): decimal, no sign, no leading zero, at least 1, at most Integer.MAX_VALUE
const VERSION_FILE = /^v([1-9]\d{0,9})(?:(?:\.gz)?\.metadata\.json|\.metadata\.json\.gz)$/
const MAX_VERSION = 2 ** 31 - 1

/** The Hadoop version of a metadata file name or path (`v3.metadata.json` → 3), or undefined when it is not one. */
export function hadoopVersion(path: string): number | undefined {
  const m = VERSION_FILE.exec(path.slice(path.lastIndexOf('/') + 1))
  if (!m) return undefined
  const v = Number(m[1])
  return v <= MAX_VERSION ? v : undefined
}

/** The names version `v` may have, in the order Java looks for them (plain, gzip, old gzip). */
export function versionFileNames(v: number): string[] {
  return [`v${v}.metadata.json`, `v${v}.gz.metadata.json`, `v${v}.metadata.json.gz`]
}

/** The metadata file of version `v` in `metadataDir`, under any of its names, or undefined. */
export async function findVersionFile(io: FileIO, metadataDir: string, v: number): Promise<string | undefined> {
  const paths = versionFileNames(v).map((n) => `${metadataDir}/${n}`)
  const found = await Promise.all(paths.map((p) => io.stat(p)))
  return paths.find((_, i) => found[i] !== undefined)
}

/**
 * The latest version file the version hint or a listing of `metadataDir` finds (undefined: no version, no
 * table). A numeric hint naming an existing version is trusted, as Java does; any other hint (absent,
 * unparsable, naming a missing version) falls back to the highest version file listed. Callers then look
 * for newer versions after it, as a hint may be stale.
 */
export async function latestVersionFile(io: FileIO, metadataDir: string): Promise<{ readonly path: string; readonly version: number } | undefined> {
  const hintPath = `${metadataDir}/version-hint.text`
  let hint: string | undefined
  try {
    hint = new TextDecoder().decode(await io.read(hintPath)).trim()
  } catch {
    // absent or unreadable: list instead, as Java does for any failure to read the hint
  }
  if (hint !== undefined && /^\d+$/.test(hint)) {
    const v = hadoopVersion(`v${Number(hint)}.metadata.json`) // Java parses it as an int: `007` is 7
    const path = v === undefined ? undefined : await findVersionFile(io, metadataDir, v)
    if (path && v !== undefined) return { path, version: v }
  }
  if (!io.list) return undefined
  let best: { path: string; version: number } | undefined
  const prefix = `${metadataDir}/`
  for await (const s of io.list(prefix)) {
    const i = s.path.indexOf(prefix)
    const rest = i < 0 ? undefined : s.path.slice(i + prefix.length)
    if (rest === undefined || rest.includes('/')) continue
    const v = hadoopVersion(rest)
    if (v !== undefined && (!best || v > best.version)) best = { path: `${metadataDir}/${rest}`, version: v }
  }
  return best
}
