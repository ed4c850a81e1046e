// A warehouse folder as a catalog (Hadoop layout): <warehouse>/<ns…>/<table>/metadata/v<N>.metadata.json.
// The commit point is creating v<N+1>.metadata.json only if it is absent (FileIO create-if-absent: link(2)
// locally), never a rename, which would silently replace a concurrent commit. version-hint.text is a hint.
// Only Hadoop version files (`v<N>[.gz].metadata.json`, see hadoop-versions.ts) make a table, as in Java's
// HadoopTableOperations: a folder whose `metadata/` holds only metastore-style files (`00000-<uuid>.metadata.json`,
// another catalog's table sharing the warehouse) is no table here, and no namespace either (like the files a
// dropped table leaves): it is not listed, cannot be loaded or dropped, and a new table may be created over it.
// As in Java's HadoopCatalog, a namespace is any folder that is not a table (Java creates them as bare
// folders); floe also writes `.namespace.json` into the folders it creates, holding their properties. A bare,
// empty folder is seen only through a FileIO that lists folders (`listFolders`); without it a namespace is
// known by its files.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, CommitStateUnknownError, FloeError, InvalidArgumentError, NotFoundError, UnsupportedError } from '../errors.js'
import { readText, writePublishedAfter } from '../io/file-io.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { BaseCatalog, checkPropertyUpdates } from './base-catalog.js'
import type { DropTableResult } from './catalog.js'
import { findVersionFile, hadoopVersion, latestVersionFile } from './hadoop-versions.js'
import { checkPathSafe, formatIdentifier, formatNamespace, isPathSafe, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { compareStrings } from '../spec/values.js'
import { deleteTrimmed, encodeMetadataFile, gzipMetadata, withMetadataLog, writeMetadataBytes, writeMetadataFile } from './metadata-files.js'
import type { TableOperations } from './table-operations.js'
import { absoluteWarehouse, hasScheme } from './warehouse.js'

const NS_MARKER = '.namespace.json'
const METADATA_PATH = 'write.metadata.path'

/** True for a file directly in a folder's `metadata/` (`rest`: its path relative to `metadata/`); only tables have such files. */
function isTableFile(rest: string): boolean {
  return !rest.includes('/') && rest !== NS_MARKER
}

/** Hadoop's checksum file of `name` (`.name.crc`), written next to each file by Java on local disks. */
const crcOf = (name: string): string => `.${name}.crc`

/** The message of a thrown value. */
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** True when two byte arrays hold the same bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * True when `a` and `b` are the same version of the same table: a metadata file name is reused when a table
 * is dropped and re-created under its name, so the name alone does not identify a version. Every commit
 * moves last-updated-ms (and most move the sequence number or current snapshot); the uuid tells tables apart.
 */
// How much of a metadata file is read to identify its version (table-uuid and last-updated-ms come first).
const VERSION_HEAD_BYTES = 4096

function sameVersion(a: TableMetadata, b: TableMetadata): boolean {
  return a.tableUuid === b.tableUuid && a.lastUpdatedMs === b.lastUpdatedMs && a.lastSequenceNumber === b.lastSequenceNumber && a.currentSnapshotId === b.currentSnapshotId
}

/** The part of a listed `path` after `prefix`, or undefined when it is not below it. */
function below(path: string, prefix: string): string | undefined {
  const i = path.indexOf(prefix)
  return i < 0 ? undefined : path.slice(i + prefix.length)
}

/** The file-system catalog: safe for concurrent writers whenever the FileIO's create-if-absent is atomic. */
export class FileSystemCatalog extends BaseCatalog {
  private readonly root: string
  /** The warehouse is a URI (`file:`, `s3://`, …): names must also survive URL parsing. */
  private readonly uri: boolean

  /** The warehouse location (a relative local path is made absolute against the working directory). */
  readonly warehouse: string

  constructor(env: Env, warehouse: string, name = 'filesystem') {
    super(name, env)
    if (!env.io.list) throw new UnsupportedError('The file-system catalog needs a FileIO that can list')
    this.warehouse = absoluteWarehouse(warehouse)
    this.root = this.warehouse.replace(/\/+$/, '')
    this.uri = hasScheme(this.warehouse)
  }

  private tableLocation(id: TableIdentifier): string {
    checkPathSafe([...id.namespace, id.name], 'table or namespace', this.uri)
    return `${this.root}/${[...id.namespace, id.name].join('/')}`
  }

  private nsDir(ns: Namespace): string {
    checkPathSafe(ns, 'namespace', this.uri)
    return `${this.root}/${ns.join('/')}`
  }

  /** Objects below `dir/`, as paths relative to it. */
  private async *files(dir: string): AsyncIterable<string> {
    const prefix = `${dir}/`
    for await (const s of this.env.io.list!(prefix)) {
      const rest = below(s.path, prefix)
      if (rest !== undefined) yield rest
    }
  }

  /**
   * True when `dir` is a table folder, or what a dropped table left there: `metadata/` holds files of its
   * own (the marker of a namespace named `metadata` aside). Such a folder is no namespace.
   */
  private async holdsTableFiles(dir: string): Promise<boolean> {
    for await (const f of this.files(`${dir}/metadata`)) if (isTableFile(f)) return true
    return false
  }

  /** How many leading levels of `ns` name a folder holding table files (0: none does). */
  private async tableAt(ns: Namespace): Promise<number> {
    const found = await Promise.all(ns.map((_, i) => this.holdsTableFiles(this.nsDir(ns.slice(0, i + 1)))))
    const i = found.indexOf(true)
    return i < 0 ? 0 : i + 1
  }

  /**
   * The current version: the version hint (else the highest version file listed), then any newer vN found
   * after it (Java HadoopTableOperations); undefined when `metadata/` holds no Hadoop version file.
   */
  private async current(location: string): Promise<TableState | undefined> {
    const found = await latestVersionFile(this.env.io, `${location}/metadata`)
    if (!found) return undefined
    let { path, version: v } = found
    for (;;) {
      const next = await this.versionFile(location, v + 1)
      if (!next) break
      path = next
      v++
    }
    return loadMetadataFile(this.env.io, path)
  }

  /** The metadata file of version `v`, under any of its names (Java also reads the old `vN.metadata.json.gz`). */
  private versionFile(location: string, v: number): Promise<string | undefined> {
    return findVersionFile(this.env.io, `${location}/metadata`, v)
  }

  /** Path-based tables keep their metadata in their folder (Java HadoopTableOperations). */
  private checkMetadataPath(id: TableIdentifier, m: TableMetadata): void {
    if (m.properties[METADATA_PATH] !== undefined)
      throw new InvalidArgumentError(`Table ${formatIdentifier(id)}: a path-based table cannot relocate its metadata: properties.${METADATA_PATH} is set`, { context: { field: `properties.${METADATA_PATH}` } })
  }

  /** Path-based tables live in their folder: a new one at the catalog's location, a committed one where it was. */
  private checkLocation(id: TableIdentifier, location: string, base: TableState | undefined, next: TableMetadata): void {
    const expected = base ? base.metadata.location.replace(/\/+$/, '') : location
    if (next.location.replace(/\/+$/, '') === expected) return
    throw new InvalidArgumentError(
      base
        ? `Table ${formatIdentifier(id)}: a path-based table cannot be relocated (from ${expected} to ${next.location})`
        : `Table ${formatIdentifier(id)}: cannot set a custom location for a path-based table: expected ${expected}, got ${next.location}`,
      { context: { field: 'location' } },
    )
  }

  /**
   * Reject a commit whose base is no longer current: version `v` exists, or the base file is gone (the table
   * was dropped: a commit must not bring it back) or holds another version (the table was dropped and
   * re-created under its name, reusing the file names: a commit must not land on the new table).
   */
  private async checkBase(id: TableIdentifier, location: string, base: TableState, v: number): Promise<void> {
    const name = formatIdentifier(id)
    const [taken, now] = await Promise.all([this.versionFile(location, v), this.versionAt(base.metadataLocation)])
    if (taken) throw new CommitConflictError(`Table ${name} changed: version ${v} already exists`)
    if (!now) throw new CommitConflictError(`Table ${name} changed: its metadata ${base.metadataLocation} is gone (dropped?)`)
    const same = 'metadata' in now ? sameVersion(now.metadata, base.metadata) : now.tableUuid === base.metadata.tableUuid && now.lastUpdatedMs === base.metadata.lastUpdatedMs
    if (!same) {
      const found = 'metadata' in now ? now.metadata : now
      throw new CommitConflictError(
        `Table ${name} changed: ${base.metadataLocation} no longer holds the version this commit started from (table-uuid ${found.tableUuid ?? 'none'}, last-updated-ms ${found.lastUpdatedMs}; expected ${base.metadata.tableUuid ?? 'none'}, ${base.metadata.lastUpdatedMs}): dropped and re-created?`,
        { context: { file: base.metadataLocation } },
      )
    }
  }

  /**
   * What identifies the metadata version at `path` (undefined when the file is gone): its table-uuid and
   * last-updated-ms, read from the head of the file, where every writer puts them (a commit must not parse
   * megabytes of history); the whole parsed metadata when the head does not show both (gzip, unusual order).
   */
  private async versionAt(path: string): Promise<{ readonly tableUuid: string; readonly lastUpdatedMs: bigint } | { readonly metadata: TableMetadata } | undefined> {
    let head: Uint8Array
    try {
      head = await this.env.io.read(path, { start: 0, end: VERSION_HEAD_BYTES })
    } catch (e) {
      if (e instanceof NotFoundError) return undefined
      throw e
    }
    const text = new TextDecoder().decode(head)
    const uuid = /"table-uuid"\s*:\s*"([^"\\]*)"/.exec(text)
    const updated = /"last-updated-ms"\s*:\s*(-?\d{1,19})[\s,}]/.exec(text)
    if (uuid && updated) return { tableUuid: uuid[1]!, lastUpdatedMs: BigInt(updated[1]!) }
    try {
      return { metadata: (await loadMetadataFile(this.env.io, path)).metadata }
    } catch (e) {
      if (e instanceof NotFoundError) return undefined
      throw e
    }
  }

  /**
   * The error of a commit whose write of `path` failed once it could publish: the file may be in place
   * anyway (a folder sync failing after the link, a lost reply to a PUT that landed), so it is read back.
   * Our bytes there: the outcome is unknown (visible, maybe not durable; nothing may be cleaned up). Another
   * writer's file: a conflict. No file: the write's own error, a definite failure. An unreadable file: unknown.
   */
  private async publishFailure(id: TableIdentifier, path: string, bytes: Uint8Array, base: TableState | undefined, e: unknown): Promise<unknown> {
    const name = formatIdentifier(id)
    let found: Uint8Array | undefined
    try {
      found = await this.env.io.read(path)
    } catch (check) {
      if (!(check instanceof NotFoundError))
        return new CommitStateUnknownError(`Commit of ${name}: writing ${path} failed (${messageOf(e)}) and reading it back failed too (${messageOf(check)}): it may have been published`, { cause: e, context: { file: path } })
    }
    if (found && sameBytes(found, bytes)) return new CommitStateUnknownError(`Commit of ${name}: ${path} was published, but its write failed: ${messageOf(e)}`, { cause: e, context: { file: path } })
    if (!found && !(e instanceof AlreadyExistsError)) return e
    if (!base) return new AlreadyExistsError(`Table already exists: ${name} (created concurrently)`, { cause: e })
    return new CommitConflictError(`Table ${name} changed: ${path} was created concurrently`, { cause: e })
  }

  /** The commit seam of one table. */
  operations(id: TableIdentifier): TableOperations {
    const location = this.tableLocation(id)
    const io = this.env.io
    return {
      io,
      waitsForReady: true,
      refresh: () => this.current(location),
      commit: async (base, next, opts) => {
        opts?.ready?.catch(() => undefined) // observed: a refused commit must not leave it unhandled
        this.checkMetadataPath(id, next)
        this.checkLocation(id, location, base, next)
        const baseVersion = base ? hadoopVersion(base.metadataLocation) : 0
        // a base read from elsewhere (a metastore-style file of another catalog) is no version of this table
        if (baseVersion === undefined)
          throw new CommitConflictError(`Table ${formatIdentifier(id)}: the commit's base ${base!.metadataLocation} is not a version file (v<N>.metadata.json) of the file-system catalog: refresh and retry`, {
            context: { file: base!.metadataLocation },
          })
        const v = baseVersion + 1
        const { metadata, trimmed } = withMetadataLog(base, next)
        const path = `${location}/metadata/v${v}${gzipMetadata(metadata) ? '.gz' : ''}.metadata.json`
        const bytes = encodeMetadataFile(metadata, path)
        // fail fast when the next version exists or the base is no longer what this commit read; checked
        // while the new file is staged, before it is published
        const fresh = base ? this.checkBase(id, location, base, v) : undefined
        const ready = fresh && opts?.ready ? Promise.all([fresh, opts.ready]) : (fresh ?? opts?.ready)
        // the FileIO publishes only once `ready` resolves: a write failing before that published nothing.
        // Registered before the write waits for `ready`, so it is set before the write can fail after it.
        let mayPublish = ready === undefined
        ready?.then(
          () => void (mayPublish = true),
          () => undefined,
        )
        const written = writeMetadataBytes(io, path, bytes, ready)
        // best effort, staged meanwhile and replaced once vN exists: readers fall back to listing when it is stale
        const hint = writePublishedAfter(io, `${location}/metadata/version-hint.text`, new TextEncoder().encode(String(v)), written, { overwrite: true }).catch(() => undefined)
        try {
          await written
        } catch (e) {
          await hint
          if (!mayPublish) throw e // a pre-publish check or a file of the attempt failed: a definite failure
          throw await this.publishFailure(id, path, bytes, base, e)
        }
        await hint
        await deleteTrimmed(io, metadata, trimmed)
        return { metadata, metadataLocation: path }
      },
    }
  }

  protected defaultLocation(id: TableIdentifier): string {
    return this.tableLocation(id)
  }

  /** A table exists when its metadata folder holds a Hadoop version file (the file is not read). */
  protected async hasPointer(id: TableIdentifier): Promise<boolean> {
    for await (const f of this.files(`${this.tableLocation(id)}/metadata`)) if (!f.includes('/') && hadoopVersion(f) !== undefined) return true
    return false
  }

  /**
   * A new table must not take the folder of a namespace (it would hide the namespace and its tables); a
   * folder that is neither (a dropped table's files, another catalog's table) may be taken, as in Java.
   */
  protected override async checkNameFree(id: TableIdentifier): Promise<void> {
    await super.checkNameFree(id)
    const ns = [...id.namespace, id.name]
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`Cannot create table ${formatIdentifier(id)}: namespace ${formatNamespace(ns)} already exists there`, { context: { file: this.nsDir(ns) } })
  }

  /** Copy the metadata file into the table folder as v1 (a path-based table has no pointer to set). */
  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    const state = await loadMetadataFile(this.env.io, metadataLocation)
    this.checkMetadataPath(id, state.metadata)
    const location = this.tableLocation(id)
    try {
      await writeMetadataFile(this.env.io, `${location}/metadata/v1.metadata.json`, state.metadata)
    } catch (e) {
      if (e instanceof AlreadyExistsError) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)}`, { cause: e })
      throw e
    }
    await this.env.io.write(`${location}/metadata/version-hint.text`, new TextEncoder().encode('1'), { overwrite: true })
  }

  /**
   * Remove the table's version files and version hint, with their Hadoop checksums (its data stays unless
   * purged; files of another catalog's table in the same folder are never touched).
   */
  protected async dropPointer(id: TableIdentifier): Promise<void> {
    const dir = `${this.tableLocation(id)}/metadata`
    const names = new Set<string>()
    for await (const f of this.files(dir)) if (!f.includes('/')) names.add(f)
    const pointers = [...names].filter((f) => hadoopVersion(f) !== undefined || f.startsWith('version-hint'))
    if (!pointers.some((f) => hadoopVersion(f) !== undefined)) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
    for (const f of pointers) {
      await this.env.io.delete(`${dir}/${f}`)
      if (names.has(crcOf(f))) await this.env.io.delete(`${dir}/${crcOf(f)}`)
    }
  }

  /**
   * Drop as every catalog does, then remove the folders the drop left empty when the FileIO can (Java deletes
   * the table folder): an empty folder left behind would be listed as a namespace.
   */
  override async dropTable(idOrName: TableIdentifier | string, opts: { purge?: boolean } = {}): Promise<DropTableResult> {
    const id = parseIdentifier(idOrName)
    const result = await super.dropTable(id, opts)
    // best effort: the table is dropped; a folder left over is an empty namespace that dropNamespace removes
    await this.removeEmptyFolders(this.tableLocation(id)).catch(() => undefined)
    return result
  }

  /** Remove `dir` and the folders below it that hold no file, deepest first (files are never touched). */
  private async removeEmptyFolders(dir: string): Promise<void> {
    const io = this.env.io
    if (!io.listFolders || !io.removeFolder) return
    for (const sub of (await io.listFolders(dir)) ?? []) await this.removeEmptyFolders(`${dir}/${sub}`)
    await io.removeFolder(dir)
  }

  /** Tables directly in a namespace (folders holding a Hadoop version file, metadata/v<N>.metadata.json). */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const names = new Set<string>()
    for await (const f of this.files(this.nsDir(ns))) {
      const rest = f.split('/')
      if (rest.length === 3 && rest[1] === 'metadata' && hadoopVersion(rest[2]!) !== undefined && isPathSafe(rest[0]!, this.uri)) names.add(rest[0]!)
    }
    return [...names].sort(compareStrings).map((name) => ({ namespace: ns, name }))
  }

  /** Path-based tables cannot move: their metadata records absolute locations (as Java's HadoopCatalog). */
  async renameTable(): Promise<void> {
    throw new UnsupportedError('The file-system catalog cannot rename tables: a path-based table cannot be relocated')
  }

  /**
   * Create a namespace folder (its parents need not exist, as in Java). Without properties and with a FileIO
   * that makes folders, it is a bare folder, as Java's HadoopCatalog makes (which Java can then drop);
   * otherwise floe's `.namespace.json` holds the properties and marks the folder.
   */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const dir = this.nsDir(ns)
    const table = await this.tableAt(ns)
    if (table) {
      const at = ns.slice(0, table)
      const what = (await this.hasPointer({ namespace: at.slice(0, -1), name: at[at.length - 1]! }))
        ? `table ${formatNamespace(at)}`
        : `the files of a table that does not exist (a dropped table's, or another catalog's table) in ${this.nsDir(at)}/metadata`
      if (table === ns.length) throw new AlreadyExistsError(`Cannot create namespace ${formatNamespace(ns)}: its folder holds ${what}`, { context: { file: this.nsDir(ns) } })
      throw new InvalidArgumentError(`Cannot create namespace ${formatNamespace(ns)} inside the folder of ${what}`, { context: { file: this.nsDir(at) } })
    }
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
    const io = this.env.io
    // where folders exist on their own, making the folder is the atomic create (one caller wins), as in Java
    if (io.makeFolder && io.listFolders) {
      if (!(await io.makeFolder(dir))) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
      if (Object.keys(properties).length === 0) return
    }
    try {
      await this.env.io.write(`${dir}/${NS_MARKER}`, new TextEncoder().encode(JSON.stringify(properties)))
    } catch (e) {
      if (e instanceof AlreadyExistsError) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`, { cause: e })
      throw e
    }
  }

  /** Drop a namespace whose folder holds nothing but its marker (Java refuses any content too), and its folder when the FileIO can. */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const io = this.env.io
    const dir = this.nsDir(ns)
    const notEmpty = async (other: string): Promise<never> => {
      const [tables, children] = await Promise.all([this.listTables(ns), this.listNamespaces(ns)])
      const what = tables.length ? `${tables.length} table(s)` : children.length ? `${children.length} namespace(s)` : `other files, such as ${dir}/${other}`
      throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: it holds ${what}`, { context: { file: dir } })
    }
    for await (const f of this.files(dir)) if (f !== NS_MARKER) await notEmpty(f)
    const folder = (await io.listFolders?.(dir))?.[0] // an empty sub-folder is a namespace too
    if (folder !== undefined) await notEmpty(folder)
    await io.delete(`${dir}/${NS_MARKER}`)
    // the folder itself is the namespace to Java and to a folder listing: remove it, as Java does
    if (io.removeFolder && !(await io.removeFolder(dir)) && (await io.listFolders?.(dir)) !== undefined)
      throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: something was added to ${dir} while it was dropped`, { context: { file: dir } })
  }

  /** Namespaces one level below `parent` (top-level when absent): folders that are not tables. */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    if (p.length && !(await this.namespaceExists(p))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(p)}`)
    const dir = p.length ? this.nsDir(p) : this.root
    // folders holding no file at all (Java's bare namespace folders) show only in a folder listing
    const folders = new Set<string>((await this.env.io.listFolders?.(dir)) ?? [])
    const tables = new Set<string>()
    for await (const f of this.files(dir)) {
      const rest = f.split('/')
      if (rest.length < 2) continue
      folders.add(rest[0]!)
      if (rest[1] === 'metadata' && isTableFile(rest.slice(2).join('/'))) tables.add(rest[0]!)
    }
    return [...folders]
      .filter((n) => !tables.has(n) && isPathSafe(n, this.uri))
      .sort(compareStrings)
      .map((n) => [...p, n])
  }

  /** True when the namespace's folder exists (a listed folder, or one with a marker or any file) and neither it nor a parent is a table. */
  async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    const ns = parseNamespace(nsOrName)
    const dir = this.nsDir(ns)
    if (await this.tableAt(ns)) return false
    if (await this.env.io.stat(`${dir}/${NS_MARKER}`)) return true
    if (this.env.io.listFolders) return (await this.env.io.listFolders(dir)) !== undefined
    for await (const _ of this.files(dir)) return true
    return false
  }

  /** Properties of a namespace (none for a folder made without floe's marker). */
  async loadNamespaceProperties(nsOrName: Namespace | string): Promise<Record<string, string>> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const f = `${this.nsDir(ns)}/${NS_MARKER}`
    if (!(await this.env.io.stat(f))) return {}
    let parsed: unknown
    try {
      parsed = JSON.parse(await readText(this.env.io, f))
    } catch (e) {
      if (e instanceof FloeError) throw e
      throw new FloeError('INVALID_JSON', `Invalid namespace properties: ${(e as Error).message}`, { cause: e, context: { file: f } })
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new FloeError('INVALID_JSON', 'Namespace properties must be a JSON object', { context: { file: f } })
    return parsed as Record<string, string>
  }

  /** Set and remove namespace properties (a marker-less folder gets its marker; a folder that lists keeps none once no property is left). */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const p = await this.loadNamespaceProperties(ns)
    checkPropertyUpdates(set, remove)
    for (const k of remove) delete p[k]
    Object.assign(p, set)
    const marker = `${this.nsDir(ns)}/${NS_MARKER}`
    // the folder alone keeps the namespace when the FileIO sees folders: back to what Java makes
    if (Object.keys(p).length === 0 && this.env.io.listFolders && (await this.env.io.listFolders(this.nsDir(ns))) !== undefined) await this.env.io.delete(marker)
    else await this.env.io.write(marker, new TextEncoder().encode(JSON.stringify(p)), { overwrite: true })
  }
}
