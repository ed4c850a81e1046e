// Orphan-file removal (Java's DeleteOrphanFiles action): delete the files under a table's location that no
// metadata of the table references and that are older than a cut-off. They are what failed commits, killed
// writers and expired snapshots leave behind: partial data files, manifests of lost retries, metadata
// versions trimmed from the log. Only files older than `olderThanMs` (default: three days before now) are
// candidates, so a write still in flight elsewhere keeps its files; the reachable set must be read in full,
// else nothing is deleted.
import { mapLimit } from '../table/scan-plan.js'
import { reachableFiles, type PurgeFailure } from '../catalog/purge.js'
import { throwIfAborted, untilAborted } from '../abort.js'
import type { Env } from '../env.js'
import { FloeError, InvalidArgumentError, UnsupportedError, ValidationError, isFloeError } from '../errors.js'
import type { FileStat } from '../io/file-io.js'
import { boolProp } from '../spec/properties.js'
import { metadataVersion, type TableState } from '../table/load.js'
import { DEFAULT_EQUAL_SCHEMES, componentMatches, fileKey, flattenEquivalences, isHiddenBelow, type FileKey } from './orphan-paths.js'

/** What to do with a listed file whose path matches a referenced file except for scheme or authority. */
export type PrefixMismatchMode = 'error' | 'ignore' | 'delete'

const MODES: readonly PrefixMismatchMode[] = ['error', 'ignore', 'delete']
const DAY_MS = 86_400_000n
const DELETE_CONCURRENCY = 16

/** Options of {@link removeOrphanFiles} (Java's action options). */
export interface RemoveOrphanFilesOptions {
  /** Only files last modified before this time (epoch ms) are candidates; default three days before now. */
  readonly olderThanMs?: bigint
  /** The folder to list (default: the table location). */
  readonly location?: string
  /** Default 'error': such a file is neither deleted nor kept silently; the run fails naming the pairs. */
  readonly prefixMismatchMode?: PrefixMismatchMode
  /** Schemes to treat as equal, Java's form: `{ 's3n,s3a': 's3' }` (that default is always included). */
  readonly equalSchemes?: Readonly<Record<string, string>>
  /** Authorities to treat as equal, in the same form. */
  readonly equalAuthorities?: Readonly<Record<string, string>>
  /** Find the orphans but delete nothing. */
  readonly dryRun?: boolean
  /**
   * The state is the catalog's current version. When false (a table loaded from a folder or metadata file),
   * a listed metadata file of a newer version than the loaded one stops the run: the loaded version may not
   * be the newest, and the newer one's files would look unreferenced.
   */
  readonly current?: boolean
  readonly signal?: AbortSignal
}

/** What a run found and did. */
export interface RemoveOrphanFilesResult {
  /** The orphan files, as listed, sorted (deleted unless `dryRun`). */
  readonly orphanFiles: readonly string[]
  /** How many were deleted (0 on a dry run). */
  readonly deleted: number
  /** Orphans whose delete failed: they are left where they are. */
  readonly undeleted: readonly PurgeFailure[]
  /** Files listed under the location (hidden ones excluded). */
  readonly listedFiles: number
  /** Listed files not considered because they are newer than the cut-off, or of unknown age. */
  readonly tooRecent: number
  readonly dryRun: boolean
  /** The cut-off used (epoch ms). */
  readonly olderThanMs: bigint
}

function checkOptions(o: RemoveOrphanFilesOptions): void {
  if (o.olderThanMs !== undefined && typeof o.olderThanMs !== 'bigint') throw new InvalidArgumentError(`olderThanMs must be a bigint (epoch milliseconds), got ${typeof o.olderThanMs}`)
  if (o.prefixMismatchMode !== undefined && !MODES.includes(o.prefixMismatchMode)) throw new InvalidArgumentError(`Unknown prefix mismatch mode ${JSON.stringify(o.prefixMismatchMode)}: expected ${MODES.join(', ')}`)
  for (const [what, m] of [['equalSchemes', o.equalSchemes], ['equalAuthorities', o.equalAuthorities]] as const) {
    for (const [k, v] of Object.entries(m ?? {})) {
      if (typeof v !== 'string' || !v.trim() || !k.split(',').some((x) => x.trim())) throw new InvalidArgumentError(`${what} needs non-empty keys and values, got ${JSON.stringify(k)} → ${JSON.stringify(v)}`)
    }
  }
}

/**
 * Find, and unless `dryRun` delete, the orphan files under the table's location: listed files (hidden ones
 * aside) older than the cut-off that no snapshot, manifest, metadata version, version hint or statistics
 * file of `state` references. Refused when `gc.enabled` is false, when the FileIO cannot list, and when any
 * manifest list or manifest cannot be read (then nothing is deleted). A failed delete does not stop the run.
 */
export async function removeOrphanFiles(env: Env, state: TableState, opts: RemoveOrphanFilesOptions = {}): Promise<RemoveOrphanFilesResult> {
  checkOptions(opts)
  const m = state.metadata
  if (!boolProp(m.properties, 'gc.enabled')) throw new ValidationError('Cannot delete orphan files: GC is disabled (deleting files may corrupt other tables)', { context: { file: state.metadataLocation } })
  const io = env.io
  if (!io.list) throw new UnsupportedError('Cannot remove orphan files: this FileIO cannot list files')
  const olderThanMs = opts.olderThanMs ?? env.now() - 3n * DAY_MS
  const location = (opts.location ?? m.location).replace(/\/+$/, '')
  const mode = opts.prefixMismatchMode ?? 'error'
  const schemes = flattenEquivalences({ ...DEFAULT_EQUAL_SCHEMES, ...opts.equalSchemes }, true)
  const authorities = flattenEquivalences(opts.equalAuthorities ?? {}, false)
  const signal = opts.signal

  // what the metadata references; an unreadable manifest list or manifest hides references: stop
  const reach = await untilAborted(reachableFiles(io, state, { liveOnly: true }), signal)
  const bad = reach.unreadable[0]
  if (bad) {
    const cause = bad.error
    throw new FloeError(isFloeError(cause) ? cause.code : 'IO', `Cannot remove orphan files: ${bad.path} could not be read, so the files it references are unknown; nothing was deleted`, { cause, context: { file: bad.path } })
  }
  const valid = new Map<string, FileKey[]>()
  const addValid = (loc: string): void => {
    const k = fileKey(loc, schemes, authorities)
    const list = valid.get(k.key)
    if (list) list.push(k)
    else valid.set(k.key, [k])
  }
  for (const p of reach.metadata) addValid(p)
  for (const p of reach.content) addValid(p)
  addValid(`${m.location.replace(/\/+$/, '')}/metadata/version-hint.text`)
  // where each referenced file really is, when the FileIO maps locations (a table remapped from s3:// to a
  // folder, relative paths): a listed file stored there is referenced whatever spelling the metadata used
  const locate = io.locate?.bind(io)
  const located = new Set<string>()
  if (locate) for (const p of valid.values()) for (const k of p) located.add(fileKey(locate(k.location), schemes, authorities).key)

  // what is stored
  const partitionNames = new Set<string>()
  for (const spec of m.specs) for (const f of spec.fields) if (f.name.startsWith('_') || f.name.startsWith('.')) partitionNames.add(f.name)
  const candidates: FileStat[] = []
  let listedFiles = 0
  let tooRecent = 0
  const loadedVersion = metadataVersion(state.metadataLocation)
  // the current metadata file as listed but not a candidate (too recent): it was seen
  let tooRecentCurrent = false
  const currentName = state.metadataLocation.slice(state.metadataLocation.lastIndexOf('/') + 1)
  for await (const st of io.list(`${location}/`)) {
    throwIfAborted(signal)
    if (isHiddenBelow(location, st.path, partitionNames)) continue
    if (!opts.current && loadedVersion !== undefined && (metadataVersion(st.path) ?? -1) > loadedVersion)
      throw new ValidationError(
        `Cannot remove orphan files: ${st.path} is a newer metadata version than the loaded ${state.metadataLocation}, whose files it may reference; load the table's current version (through its catalog, or its folder); nothing was deleted`,
        { context: { file: st.path } },
      )
    listedFiles++
    if (st.mtimeMs === undefined || !(BigInt(Math.floor(st.mtimeMs)) < olderThanMs)) {
      tooRecent++
      if (st.path.endsWith(`/${currentName}`)) tooRecentCurrent = true
    } else candidates.push(st)
  }

  // matched by path; a referenced file that differs only in scheme or authority is a conflict
  const current = fileKey(state.metadataLocation, schemes, authorities)
  const currentKey = current.key
  const loc = fileKey(location, schemes, authorities)
  const sameStore = (current.scheme === loc.scheme || current.scheme === '' || loc.scheme === '') && (current.authority === loc.authority || current.authority === '' || loc.authority === '')
  const underLocation = (sameStore && currentKey.startsWith(`${loc.key}/`)) || (locate !== undefined && locate(state.metadataLocation).startsWith(`${locate(location).replace(/\/+$/, '')}/`))
  let currentSeen = tooRecentCurrent
  const orphans: string[] = []
  const conflicts = new Set<string>()
  for (const st of candidates) {
    const listed = fileKey(st.path, schemes, authorities)
    // a listed absolute path without a scheme is a local file (Hadoop lists it as file:)
    const actual = listed.scheme === '' && listed.key.startsWith('/') ? { ...listed, scheme: 'file' } : listed
    if (actual.key === currentKey) currentSeen = true
    if (locate && located.has(fileKey(locate(st.path), schemes, authorities).key)) {
      if (locate(st.path) === locate(state.metadataLocation)) currentSeen = true
      continue
    }
    const refs = valid.get(actual.key)
    if (!refs) {
      orphans.push(st.path)
      continue
    }
    if (refs.some((v) => componentMatches(v.scheme, actual.scheme) && componentMatches(v.authority, actual.authority))) continue
    if (mode === 'delete') orphans.push(st.path)
    else if (mode === 'error') {
      for (const v of refs) {
        if (!componentMatches(v.scheme, actual.scheme)) conflicts.add(`(${v.scheme}, ${actual.scheme})`)
        if (!componentMatches(v.authority, actual.authority)) conflicts.add(`(${v.authority}, ${actual.authority})`)
      }
    }
  }
  // the current metadata file lies under the listed folder but no listed file matched it: the listing and the
  // metadata spell paths differently, and every file could look unreferenced
  if (!currentSeen && underLocation && orphans.length > 0)
    throw new ValidationError(
      `Cannot remove orphan files: the current metadata file ${state.metadataLocation} lies under ${location} but was not matched by any listed file, so listed paths and the metadata's paths do not compare; nothing was deleted`,
      { context: { file: state.metadataLocation } },
    )
  if (conflicts.size > 0) {
    throw new ValidationError(
      `Cannot tell whether some files are orphans: the metadata references files that match listed files except for scheme or authority: ${[...conflicts].sort().join(', ')}. ` +
        `Name the equal ones (equalSchemes, equalAuthorities), or set prefixMismatchMode to 'ignore' to keep such files, or to 'delete' only if you are certain they are different files; nothing was deleted`,
      { context: { file: location } },
    )
  }
  orphans.sort()
  const undeleted: PurgeFailure[] = []
  let deleted = 0
  if (!opts.dryRun) {
    throwIfAborted(signal)
    await mapLimit(orphans, DELETE_CONCURRENCY, async (path) => {
      if (signal?.aborted) return
      try {
        await io.delete(path)
        deleted++
      } catch (error) {
        undeleted.push({ path, error })
      }
    })
    throwIfAborted(signal)
  }
  return { orphanFiles: orphans, deleted, undeleted, listedFiles, tooRecent, dryRun: Boolean(opts.dryRun), olderThanMs }
}
