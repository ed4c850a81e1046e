// An in-process catalog: pointers in a Map, files in any FileIO (a MemoryFileIO by default).
import { defaultEnv, type Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, FloeError, NotFoundError } from '../errors.js'
import { MemoryFileIO } from '../io/memory.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { BaseCatalog, checkPropertyUpdates } from './base-catalog.js'
import { compareNamespaces, formatIdentifier, formatNamespace, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { compareStrings } from '../spec/values.js'
import { metastoreCommit } from './metadata-files.js'
import type { TableOperations } from './table-operations.js'

// Map keys that keep levels apart: `db` + `x.y` and `db.x` + `y` are different tables.
const tableKey = (id: TableIdentifier): string => JSON.stringify([...id.namespace, id.name])
const nsKey = (ns: Namespace): string => JSON.stringify(ns)
const sameLevels = (a: Namespace, b: Namespace): boolean => a.length === b.length && a.every((x, i) => x === b[i])
/** Catalog for embedding and tests (Java InMemoryCatalog semantics); commits are a compare-and-swap on a Map entry. */
export class MemoryCatalog extends BaseCatalog {
  private readonly pointers = new Map<string, { readonly id: TableIdentifier; location: string }>()
  private readonly namespaces = new Map<string, { readonly ns: Namespace; props: Record<string, string> }>()

  constructor(
    env: Env = defaultEnv(new MemoryFileIO()),
    private readonly warehouse = 'memory://warehouse',
    name = 'memory',
  ) {
    super(name, env)
  }

  /** The commit seam of one table. */
  operations(id: TableIdentifier): TableOperations {
    const key = tableKey(id)
    const name = formatIdentifier(id)
    const current = (): string | undefined => this.pointers.get(key)?.location
    return {
      io: this.env.io,
      waitsForReady: true,
      refresh: async (): Promise<TableState | undefined> => {
        const loc = current()
        return loc === undefined ? undefined : loadMetadataFile(this.env.io, loc)
      },
      commit: (base, next, opts) =>
        metastoreCommit(this.env, this.env.io, base, next, async (loc) => {
          const now = current()
          if (!base && now !== undefined) throw new AlreadyExistsError(`Table already exists: ${name}`)
          if (now !== base?.metadataLocation) throw new CommitConflictError(`Table ${name} changed: expected ${base?.metadataLocation}, found ${now ?? 'no table'}`)
          this.pointers.set(key, { id, location: loc })
        }, async () => current(), opts?.ready),
    }
  }

  protected defaultLocation(id: TableIdentifier): string {
    return `${this.warehouse.replace(/\/+$/, '')}/${[...id.namespace, id.name].join('/')}`
  }

  protected async hasPointer(id: TableIdentifier): Promise<boolean> {
    return this.pointers.has(tableKey(id))
  }

  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    if (this.pointers.has(tableKey(id))) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)}`)
    this.pointers.set(tableKey(id), { id, location: metadataLocation })
  }

  protected async dropPointer(id: TableIdentifier): Promise<void> {
    if (!this.pointers.delete(tableKey(id))) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
  }

  /** Tables directly in a namespace. */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!this.namespaces.has(nsKey(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    return [...this.pointers.values()]
      .map((p) => p.id)
      .filter((id) => sameLevels(id.namespace, ns))
      .sort((a, b) => compareStrings(a.name, b.name))
  }

  /** Rename within the catalog (the table keeps its location); renaming a table to itself does nothing, as in Java. */
  async renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void> {
    const f = parseIdentifier(from)
    const t = parseIdentifier(to)
    if (tableKey(f) === tableKey(t)) return
    if (!this.namespaces.has(nsKey(t.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(t.namespace)}`)
    const p = this.pointers.get(tableKey(f))
    if (!p) throw new NotFoundError(`Table does not exist: ${formatIdentifier(f)}`)
    if (this.pointers.has(tableKey(t))) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(t)}`)
    this.pointers.delete(tableKey(f))
    this.pointers.set(tableKey(t), { id: t, location: p.location })
  }

  /** Create a namespace with properties (its parents need not exist, as in Java). */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (this.namespaces.has(nsKey(ns))) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
    this.namespaces.set(nsKey(ns), { ns, props: { ...properties } })
  }

  /** Drop a namespace that holds no table and no child namespace. */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!this.namespaces.has(nsKey(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const children = await this.listNamespaces(ns)
    if (children.length) throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: it holds ${children.length} namespace(s)`)
    const tables = await this.listTables(ns)
    if (tables.length) throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: it holds ${tables.length} table(s)`)
    this.namespaces.delete(nsKey(ns))
  }

  /**
   * Namespaces one level below `parent` (top-level when absent), including levels only implied by a deeper
   * namespace (`a` when only `a.b` was created), as Java's InMemoryCatalog lists them. NotFoundError when
   * `parent` neither exists nor prefixes a namespace.
   */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    const below = [...this.namespaces.values()].map((e) => e.ns).filter((n) => n.length > p.length && p.every((x, i) => n[i] === x))
    if (p.length && !below.length && !this.namespaces.has(nsKey(p))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(p)}`)
    const out = new Map<string, Namespace>()
    for (const n of below) out.set(nsKey(n.slice(0, p.length + 1)), n.slice(0, p.length + 1))
    return [...out.values()].sort(compareNamespaces)
  }

  /** True when the namespace was created (a level only implied by a deeper namespace does not exist, as in Java). */
  async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    return this.namespaces.has(nsKey(parseNamespace(nsOrName)))
  }

  /** Properties of a namespace. */
  async loadNamespaceProperties(nsOrName: Namespace | string): Promise<Record<string, string>> {
    const ns = parseNamespace(nsOrName)
    const e = this.namespaces.get(nsKey(ns))
    if (!e) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    return { ...e.props }
  }

  /** Set and remove namespace properties (a key may not be both set and removed). */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    const e = this.namespaces.get(nsKey(ns))
    if (!e) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    checkPropertyUpdates(set, remove)
    for (const k of remove) delete e.props[k]
    Object.assign(e.props, set)
  }
}
