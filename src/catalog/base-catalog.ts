// What every catalog shares: table creation, loading, registration and purge on top of TableOperations.
import type { Env } from '../env.js'
import { AlreadyExistsError, NotFoundError } from '../errors.js'
import { newTableMetadata } from '../spec/new-table.js'
import { loadMetadataFile } from '../table/load.js'
import { Table } from '../table/table.js'
import type { Catalog, CreateTableRequest } from './catalog.js'
import { formatIdentifier, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { purgeTable } from './purge.js'
import type { TableOperations } from './table-operations.js'

/** Shared catalog behaviour; subclasses provide pointers, namespaces and default locations. */
export abstract class BaseCatalog implements Catalog {
  constructor(
    readonly name: string,
    readonly env: Env,
  ) {}

  abstract operations(id: TableIdentifier): TableOperations
  abstract listTables(ns: Namespace | string): Promise<TableIdentifier[]>
  abstract renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void>
  abstract createNamespace(ns: Namespace | string, properties?: Readonly<Record<string, string>>): Promise<void>
  abstract dropNamespace(ns: Namespace | string): Promise<void>
  abstract listNamespaces(parent?: Namespace | string): Promise<Namespace[]>
  abstract loadNamespaceProperties(ns: Namespace | string): Promise<Record<string, string>>
  abstract updateNamespaceProperties(ns: Namespace | string, set: Readonly<Record<string, string>>, remove?: readonly string[]): Promise<void>
  /** Where a new table lives when the request names no location. */
  protected abstract defaultLocation(id: TableIdentifier): string
  /** Point `id` at an existing metadata file (no new metadata is written). */
  protected abstract registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void>
  /** Remove the pointer of `id` (throws NotFoundError when absent). */
  protected abstract dropPointer(id: TableIdentifier): Promise<void>

  /** True when the namespace exists. */
  async namespaceExists(ns: Namespace | string): Promise<boolean> {
    const n = parseNamespace(ns)
    const all = await this.listNamespaces(n.length > 1 ? n.slice(0, -1) : undefined)
    return all.some((x) => x.join('.') === n.join('.'))
  }

  /** Load the current version of a table. */
  async loadTable(idOrName: TableIdentifier | string): Promise<Table> {
    const id = parseIdentifier(idOrName)
    const ops = this.operations(id)
    const state = await ops.refresh()
    if (!state) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
    return new Table(this.env, state, formatIdentifier(id), ops)
  }

  /** True when the table exists. */
  async tableExists(idOrName: TableIdentifier | string): Promise<boolean> {
    return (await this.operations(parseIdentifier(idOrName)).refresh()) !== undefined
  }

  /** Create a table (fresh field ids, as Java does) and commit its first metadata version. */
  async createTable(idOrName: TableIdentifier | string, req: CreateTableRequest): Promise<Table> {
    const id = parseIdentifier(idOrName)
    if (!(await this.namespaceExists(id.namespace))) throw new NotFoundError(`Namespace does not exist: ${id.namespace.join('.')}`)
    const ops = this.operations(id)
    if (await ops.refresh()) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)}`)
    const metadata = newTableMetadata({ ...req, location: req.location ?? this.defaultLocation(id) }, this.env.uuid(), this.env.now())
    const state = await ops.commit(undefined, metadata)
    return new Table(this.env, state, formatIdentifier(id), ops)
  }

  /** Register an existing metadata file under `id`. */
  async registerTable(idOrName: TableIdentifier | string, metadataLocation: string): Promise<Table> {
    const id = parseIdentifier(idOrName)
    if (!(await this.namespaceExists(id.namespace))) throw new NotFoundError(`Namespace does not exist: ${id.namespace.join('.')}`)
    if (await this.tableExists(id)) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)}`)
    await loadMetadataFile(this.env.io, metadataLocation) // must be valid metadata
    await this.registerPointer(id, metadataLocation)
    return this.loadTable(id)
  }

  /** Drop a table; purge deletes its files (data files only when gc.enabled is not false). */
  async dropTable(idOrName: TableIdentifier | string, opts: { purge?: boolean } = {}): Promise<void> {
    const id = parseIdentifier(idOrName)
    const state = await this.operations(id).refresh()
    if (!state) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
    await this.dropPointer(id)
    if (opts.purge) await purgeTable(this.env.io, state)
  }
}
