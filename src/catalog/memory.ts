// An in-process catalog: pointers in a Map, files in any FileIO (a MemoryFileIO by default).
import { defaultEnv, type Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, FloeError, NotFoundError } from '../errors.js'
import { MemoryFileIO } from '../io/memory.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { BaseCatalog } from './base-catalog.js'
import { formatIdentifier, formatNamespace, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { metastoreCommit } from './metadata-files.js'
import type { TableOperations } from './table-operations.js'

/** Catalog for embedding and tests; commits are a compare-and-swap on a Map entry. */
export class MemoryCatalog extends BaseCatalog {
  private readonly pointers = new Map<string, string>()
  private readonly namespaces = new Map<string, Record<string, string>>()

  constructor(
    env: Env = defaultEnv(new MemoryFileIO()),
    private readonly warehouse = 'memory://warehouse',
    name = 'memory',
  ) {
    super(name, env)
  }

  /** The commit seam of one table. */
  operations(id: TableIdentifier): TableOperations {
    const key = formatIdentifier(id)
    return {
      io: this.env.io,
      waitsForReady: true,
      refresh: async (): Promise<TableState | undefined> => {
        const loc = this.pointers.get(key)
        return loc === undefined ? undefined : loadMetadataFile(this.env.io, loc)
      },
      commit: (base, next, opts) =>
        metastoreCommit(this.env, this.env.io, base, next, async (loc) => {
          const current = this.pointers.get(key)
          if (current !== base?.metadataLocation) throw new CommitConflictError(`Table ${key} changed: expected ${base?.metadataLocation ?? 'no table'}, found ${current ?? 'no table'}`)
          this.pointers.set(key, loc)
        }, async () => this.pointers.get(key), opts?.ready),
    }
  }

  protected defaultLocation(id: TableIdentifier): string {
    return `${this.warehouse}/${id.namespace.join('/')}/${id.name}`
  }

  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    this.pointers.set(formatIdentifier(id), metadataLocation)
  }

  protected async dropPointer(id: TableIdentifier): Promise<void> {
    if (!this.pointers.delete(formatIdentifier(id))) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
  }

  /** Tables directly in a namespace. */
  async listTables(ns: Namespace | string): Promise<TableIdentifier[]> {
    const n = formatNamespace(parseNamespace(ns))
    if (!this.namespaces.has(n)) throw new NotFoundError(`Namespace does not exist: ${n}`)
    return [...this.pointers.keys()].map((k) => parseIdentifier(k)).filter((id) => formatNamespace(id.namespace) === n).sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  /** Rename within the catalog (the table keeps its location). */
  async renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void> {
    const f = formatIdentifier(parseIdentifier(from))
    const t = parseIdentifier(to)
    const loc = this.pointers.get(f)
    if (loc === undefined) throw new NotFoundError(`Table does not exist: ${f}`)
    if (this.pointers.has(formatIdentifier(t))) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(t)}`)
    if (!this.namespaces.has(formatNamespace(t.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(t.namespace)}`)
    this.pointers.delete(f)
    this.pointers.set(formatIdentifier(t), loc)
  }

  /** Create a namespace with properties. */
  async createNamespace(ns: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const n = formatNamespace(parseNamespace(ns))
    if (this.namespaces.has(n)) throw new AlreadyExistsError(`Namespace already exists: ${n}`)
    this.namespaces.set(n, { ...properties })
  }

  /** Drop an empty namespace. */
  async dropNamespace(ns: Namespace | string): Promise<void> {
    const n = formatNamespace(parseNamespace(ns))
    if (!this.namespaces.has(n)) throw new NotFoundError(`Namespace does not exist: ${n}`)
    if ((await this.listTables(n)).length) throw new FloeError('VALIDATION', `Namespace ${n} is not empty`)
    this.namespaces.delete(n)
  }

  /** Namespaces one level below `parent` (top-level when absent). */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    return [...this.namespaces.keys()].map((k) => parseNamespace(k)).filter((n) => n.length === p.length + 1 && p.every((x, i) => n[i] === x)).sort()
  }

  /** Properties of a namespace. */
  async loadNamespaceProperties(ns: Namespace | string): Promise<Record<string, string>> {
    const n = formatNamespace(parseNamespace(ns))
    const p = this.namespaces.get(n)
    if (!p) throw new NotFoundError(`Namespace does not exist: ${n}`)
    return { ...p }
  }

  /** Set and remove namespace properties. */
  async updateNamespaceProperties(ns: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const n = formatNamespace(parseNamespace(ns))
    const p = this.namespaces.get(n)
    if (!p) throw new NotFoundError(`Namespace does not exist: ${n}`)
    for (const k of remove) delete p[k]
    Object.assign(p, set)
  }
}
