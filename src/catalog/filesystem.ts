// A warehouse folder as a catalog (Hadoop layout): <warehouse>/<ns…>/<table>/metadata/v<N>.metadata.json.
// The commit point is creating v<N+1>.metadata.json only if it is absent (FileIO create-if-absent: link(2)
// locally), never a rename, which would silently replace a concurrent commit. version-hint.text is a hint.
// As in Java's HadoopCatalog, a namespace is any folder that is not a table (Java creates them as bare
// folders); floe also writes `.namespace.json` into the folders it creates, holding their properties.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, FloeError, InvalidArgumentError, NotFoundError, UnsupportedError } from '../errors.js'
import { readText, writePublishedAfter } from '../io/file-io.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import { findCurrentMetadata, loadMetadataFile, metadataVersion, type TableState } from '../table/load.js'
import { BaseCatalog } from './base-catalog.js'
import { checkPathSafe, formatIdentifier, formatNamespace, isPathSafe, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { deleteTrimmed, gzipMetadata, withMetadataLog, writeMetadataFile } from './metadata-files.js'
import type { TableOperations } from './table-operations.js'

const NS_MARKER = '.namespace.json'
const METADATA_PATH = 'write.metadata.path'

/** True for a file directly in a folder's `metadata/` (`rest`: its path relative to `metadata/`); only tables have such files. */
function isTableFile(rest: string): boolean {
  return !rest.includes('/') && rest !== NS_MARKER
}

/** Hadoop's checksum file of `name` (`.name.crc`), written next to each file by Java on local disks. */
const crcOf = (name: string): string => `.${name}.crc`

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

  constructor(
    env: Env,
    readonly warehouse: string,
    name = 'filesystem',
  ) {
    super(name, env)
    if (!env.io.list) throw new UnsupportedError('The file-system catalog needs a FileIO that can list')
    this.root = warehouse.replace(/\/+$/, '')
    this.uri = /^[a-z][a-z0-9+.-]+:/i.test(warehouse)
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

  /** The current version: the version hint, then any newer vN found after it (Java HadoopTableOperations). */
  private async current(location: string): Promise<TableState | undefined> {
    const io = this.env.io
    let path: string
    try {
      path = await findCurrentMetadata(io, location)
    } catch (e) {
      if (e instanceof NotFoundError) return undefined
      throw e
    }
    let v = metadataVersion(path) ?? 0
    for (;;) {
      const next = await this.versionFile(location, v + 1)
      if (!next) break
      path = next
      v++
    }
    return loadMetadataFile(io, path)
  }

  /** The metadata file of version `v`, under any of its names (Java also reads the old `vN.metadata.json.gz`). */
  private async versionFile(location: string, v: number): Promise<string | undefined> {
    const paths = [`${location}/metadata/v${v}.metadata.json`, `${location}/metadata/v${v}.gz.metadata.json`, `${location}/metadata/v${v}.metadata.json.gz`]
    const found = await Promise.all(paths.map((p) => this.env.io.stat(p)))
    return paths.find((_, i) => found[i] !== undefined)
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
        const v = base ? (metadataVersion(base.metadataLocation) ?? 0) + 1 : 1
        const { metadata, trimmed } = withMetadataLog(base, next)
        const path = `${location}/metadata/v${v}${gzipMetadata(metadata) ? '.gz' : ''}.metadata.json`
        // fail fast when the next version exists, or the base is gone (the table was dropped: a commit must
        // not bring it back); checked while the new file is staged, before it is published
        const fresh = base
          ? Promise.all([this.versionFile(location, v), io.stat(base.metadataLocation)]).then(([taken, baseFile]) => {
              if (taken) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: version ${v} already exists`)
              if (!baseFile) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: its metadata ${base.metadataLocation} is gone (dropped?)`)
            })
          : undefined
        const ready = fresh && opts?.ready ? Promise.all([fresh, opts.ready]) : (fresh ?? opts?.ready)
        const written = writeMetadataFile(io, path, metadata, ready)
        // best effort, staged meanwhile and replaced once vN exists: readers fall back to listing when it is stale
        const hint = writePublishedAfter(io, `${location}/metadata/version-hint.text`, new TextEncoder().encode(String(v)), written, { overwrite: true }).catch(() => undefined)
        try {
          await written
        } catch (e) {
          await hint
          if (e instanceof AlreadyExistsError) {
            if (!base) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)} (created concurrently)`, { cause: e })
            throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: ${path} was created concurrently`, { cause: e })
          }
          throw e
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

  /** A table exists when its metadata folder holds a version file (the file is not read). */
  protected async hasPointer(id: TableIdentifier): Promise<boolean> {
    for await (const f of this.files(`${this.tableLocation(id)}/metadata`)) if (!f.includes('/') && !f.startsWith('.') && metadataVersion(f) !== undefined) return true
    return false
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

  /** Remove the table's metadata files and version hint, with their Hadoop checksums (its data stays unless purged). */
  protected async dropPointer(id: TableIdentifier): Promise<void> {
    const dir = `${this.tableLocation(id)}/metadata`
    const names = new Set<string>()
    for await (const f of this.files(dir)) if (!f.includes('/')) names.add(f)
    const pointers = [...names].filter((f) => !f.startsWith('.') && (metadataVersion(f) !== undefined || f.startsWith('version-hint')))
    if (!pointers.some((f) => metadataVersion(f) !== undefined)) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
    for (const f of pointers) {
      await this.env.io.delete(`${dir}/${f}`)
      if (names.has(crcOf(f))) await this.env.io.delete(`${dir}/${crcOf(f)}`)
    }
  }

  /** Tables directly in a namespace (folders holding metadata/v<N>.metadata.json). */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const names = new Set<string>()
    for await (const f of this.files(this.nsDir(ns))) {
      const rest = f.split('/')
      if (rest.length === 3 && rest[1] === 'metadata' && !rest[2]!.startsWith('.') && metadataVersion(rest[2]!) !== undefined && isPathSafe(rest[0]!, this.uri)) names.add(rest[0]!)
    }
    return [...names].sort().map((name) => ({ namespace: ns, name }))
  }

  /** Path-based tables cannot move: their metadata records absolute locations (as Java's HadoopCatalog). */
  async renameTable(): Promise<void> {
    throw new UnsupportedError('The file-system catalog cannot rename tables: a path-based table cannot be relocated')
  }

  /** Create a namespace folder with its properties file (its parents need not exist, as in Java). */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const dir = this.nsDir(ns)
    const table = await this.tableAt(ns)
    if (table === ns.length) throw new AlreadyExistsError(`Cannot create namespace ${formatNamespace(ns)}: a table exists there`)
    if (table) throw new InvalidArgumentError(`Cannot create namespace ${formatNamespace(ns)} inside the table folder of ${formatNamespace(ns.slice(0, table))}`)
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
    try {
      await this.env.io.write(`${dir}/${NS_MARKER}`, new TextEncoder().encode(JSON.stringify(properties)))
    } catch (e) {
      if (e instanceof AlreadyExistsError) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`, { cause: e })
      throw e
    }
  }

  /** Drop a namespace whose folder holds nothing but its marker (Java refuses any content too). */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const dir = this.nsDir(ns)
    for await (const f of this.files(dir)) {
      if (f === NS_MARKER) continue
      const [tables, children] = await Promise.all([this.listTables(ns), this.listNamespaces(ns)])
      const what = tables.length ? `${tables.length} table(s)` : children.length ? `${children.length} namespace(s)` : `other files, such as ${dir}/${f}`
      throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: it holds ${what}`, { context: { file: dir } })
    }
    await this.env.io.delete(`${dir}/${NS_MARKER}`)
  }

  /** Namespaces one level below `parent` (top-level when absent): folders that are not tables. */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    if (p.length && !(await this.namespaceExists(p))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(p)}`)
    const folders = new Set<string>()
    const tables = new Set<string>()
    for await (const f of this.files(p.length ? this.nsDir(p) : this.root)) {
      const rest = f.split('/')
      if (rest.length < 2) continue
      folders.add(rest[0]!)
      if (rest[1] === 'metadata' && isTableFile(rest.slice(2).join('/'))) tables.add(rest[0]!)
    }
    return [...folders]
      .filter((n) => !tables.has(n) && isPathSafe(n, this.uri))
      .sort()
      .map((n) => [...p, n])
  }

  /** True when the namespace's folder exists (has a marker or any file) and neither it nor a parent is a table. */
  async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    const ns = parseNamespace(nsOrName)
    const dir = this.nsDir(ns)
    if (await this.tableAt(ns)) return false
    if (await this.env.io.stat(`${dir}/${NS_MARKER}`)) return true
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

  /** Set and remove namespace properties (a marker-less folder gets its marker). */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const p = await this.loadNamespaceProperties(ns)
    for (const k of remove) delete p[k]
    Object.assign(p, set)
    await this.env.io.write(`${this.nsDir(ns)}/${NS_MARKER}`, new TextEncoder().encode(JSON.stringify(p)), { overwrite: true })
  }
}
