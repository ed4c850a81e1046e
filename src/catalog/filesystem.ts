// A warehouse folder as a catalog (Hadoop layout): <warehouse>/<ns…>/<table>/metadata/v<N>.metadata.json.
// The commit point is creating v<N+1>.metadata.json only if it is absent (FileIO create-if-absent: link(2)
// locally), never a rename, which would silently replace a concurrent commit. version-hint.text is a hint.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, FloeError, NotFoundError, UnsupportedError } from '../errors.js'
import { readText, writePublishedAfter } from '../io/file-io.js'
import { findCurrentMetadata, loadMetadataFile, metadataVersion, type TableState } from '../table/load.js'
import { BaseCatalog } from './base-catalog.js'
import { checkPathSafe, formatIdentifier, formatNamespace, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { deleteTrimmed, gzipMetadata, withMetadataLog, writeMetadataFile } from './metadata-files.js'
import type { TableOperations } from './table-operations.js'

const NS_MARKER = '.namespace.json'

/** The file-system catalog: safe for concurrent writers whenever the FileIO's create-if-absent is atomic. */
export class FileSystemCatalog extends BaseCatalog {
  constructor(
    env: Env,
    readonly warehouse: string,
    name = 'filesystem',
  ) {
    super(name, env)
    if (!env.io.list) throw new UnsupportedError('The file-system catalog needs a FileIO that can list')
  }

  private tableLocation(id: TableIdentifier): string {
    checkPathSafe([...id.namespace, id.name], 'table or namespace')
    return `${this.warehouse.replace(/\/+$/, '')}/${id.namespace.join('/')}/${id.name}`
  }

  private nsDir(ns: Namespace): string {
    checkPathSafe(ns, 'namespace')
    return `${this.warehouse.replace(/\/+$/, '')}/${ns.join('/')}`
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

  private async versionFile(location: string, v: number): Promise<string | undefined> {
    const paths = [`${location}/metadata/v${v}.metadata.json`, `${location}/metadata/v${v}.gz.metadata.json`]
    const found = await Promise.all(paths.map((p) => this.env.io.stat(p)))
    return paths.find((_, i) => found[i] !== undefined)
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
        const v = base ? (metadataVersion(base.metadataLocation) ?? 0) + 1 : 1
        const { metadata, trimmed } = withMetadataLog(base, next)
        const path = `${location}/metadata/v${v}${gzipMetadata(metadata) ? '.gz' : ''}.metadata.json`
        // fail fast when the next version exists; checked while the new file is staged, before it is published
        const fresh = base
          ? this.versionFile(location, v).then((taken) => {
              if (taken) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: version ${v} already exists`)
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
          if (e instanceof AlreadyExistsError) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: ${path} was created concurrently`, { cause: e })
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

  /** Copy the metadata file into the table folder as v1 (a path-based table has no pointer to set). */
  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    const state = await loadMetadataFile(this.env.io, metadataLocation)
    await writeMetadataFile(this.env.io, `${this.tableLocation(id)}/metadata/v1.metadata.json`, state.metadata)
    await this.env.io.write(`${this.tableLocation(id)}/metadata/version-hint.text`, new TextEncoder().encode('1'), { overwrite: true })
  }

  /** Remove the table's metadata files (its data stays unless purged). */
  protected async dropPointer(id: TableIdentifier): Promise<void> {
    const io = this.env.io
    const dir = `${this.tableLocation(id)}/metadata/`
    let found = false
    for await (const s of io.list!(dir)) {
      const name = s.path.slice(s.path.lastIndexOf('/') + 1)
      if (metadataVersion(name) !== undefined || name.startsWith('version-hint')) {
        found = true
        await io.delete(s.path)
      }
    }
    if (!found) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
  }

  /** Tables directly in a namespace (folders holding metadata/v<N>.metadata.json). */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const dir = `${this.nsDir(ns)}/`
    const names = new Set<string>()
    for await (const s of this.env.io.list!(dir)) {
      const rest = s.path.slice(s.path.indexOf(dir) + dir.length).split('/')
      if (rest.length === 3 && rest[1] === 'metadata' && metadataVersion(rest[2]!) !== undefined) names.add(rest[0]!)
    }
    return [...names].sort().map((name) => ({ namespace: ns, name }))
  }

  /** Path-based tables cannot move: their metadata records absolute locations (as Java's HadoopCatalog). */
  async renameTable(): Promise<void> {
    throw new UnsupportedError('The file-system catalog cannot rename tables: a path-based table cannot be relocated')
  }

  /** Create a namespace folder with its properties file. */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    try {
      await this.env.io.write(`${this.nsDir(ns)}/${NS_MARKER}`, new TextEncoder().encode(JSON.stringify(properties)))
    } catch (e) {
      if (e instanceof AlreadyExistsError) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
      throw e
    }
  }

  /** Drop an empty namespace. */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    if ((await this.listTables(ns)).length || (await this.listNamespaces(ns)).length) throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty`)
    await this.env.io.delete(`${this.nsDir(ns)}/${NS_MARKER}`)
  }

  /** Namespaces one level below `parent` (top-level when absent). */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    const dir = p.length ? `${this.nsDir(p)}/` : `${this.warehouse.replace(/\/+$/, '')}/`
    const out: Namespace[] = []
    for await (const s of this.env.io.list!(dir)) {
      const rest = s.path.slice(s.path.indexOf(dir) + dir.length).split('/')
      if (rest.length === 2 && rest[1] === NS_MARKER) out.push([...p, rest[0]!])
    }
    return out
  }

  /** True when the namespace's marker exists. */
  override async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    return (await this.env.io.stat(`${this.nsDir(parseNamespace(nsOrName))}/${NS_MARKER}`)) !== undefined
  }

  /** Properties of a namespace. */
  async loadNamespaceProperties(nsOrName: Namespace | string): Promise<Record<string, string>> {
    const ns = parseNamespace(nsOrName)
    const f = `${this.nsDir(ns)}/${NS_MARKER}`
    if (!(await this.env.io.stat(f))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    return JSON.parse(await readText(this.env.io, f)) as Record<string, string>
  }

  /** Set and remove namespace properties. */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const p = await this.loadNamespaceProperties(ns)
    for (const k of remove) delete p[k]
    Object.assign(p, set)
    await this.env.io.write(`${this.nsDir(ns)}/${NS_MARKER}`, new TextEncoder().encode(JSON.stringify(p)), { overwrite: true })
  }
}
