// What every catalog shares: table creation, loading, registration and purge on top of TableOperations.
import type { Env } from '../env.js'
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '../errors.js'
import { newTableMetadata } from '../spec/new-table.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { Table } from '../table/table.js'
import type { Catalog, CreateTableRequest, DropTableResult } from './catalog.js'
import { formatIdentifier, formatNamespace, parseIdentifier, type Namespace, type TableIdentifier } from './identifier.js'
import { purgeTable } from './purge.js'
import type { TableOperations } from './table-operations.js'

/** Refuse a namespace property update that both sets and removes a key (PyIceberg raises ValueError). */
export function checkPropertyUpdates(set: Readonly<Record<string, string>>, remove: readonly string[]): void {
  const both = remove.filter((k) => Object.hasOwn(set, k))
  if (both.length) throw new InvalidArgumentError(`Namespace properties both set and removed in one update: ${[...new Set(both)].join(', ')}`, { context: { field: both[0]! } })
}

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
  abstract namespaceExists(ns: Namespace | string): Promise<boolean>
  abstract loadNamespaceProperties(ns: Namespace | string): Promise<Record<string, string>>
  abstract updateNamespaceProperties(ns: Namespace | string, set: Readonly<Record<string, string>>, remove?: readonly string[]): Promise<void>
  /** Where a new table lives when the request names no location. */
  protected abstract defaultLocation(id: TableIdentifier): string | Promise<string>
  /** Point `id` at an existing metadata file (no new metadata is written); AlreadyExistsError when the name is taken. */
  protected abstract registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void>
  /** Remove the pointer of `id` (throws NotFoundError when absent); never reads the metadata. */
  protected abstract dropPointer(id: TableIdentifier): Promise<void>
  /** True when the catalog holds `id` as a table, whether or not its metadata file can still be read. */
  protected abstract hasPointer(id: TableIdentifier): Promise<boolean>

  /** Throw AlreadyExistsError when a new table cannot take the name `id` (catalogs with views check those too). */
  protected async checkNameFree(id: TableIdentifier): Promise<void> {
    if (await this.hasPointer(id)) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(id)}`)
  }

  /** Load the current version of a table. */
  async loadTable(idOrName: TableIdentifier | string): Promise<Table> {
    const id = parseIdentifier(idOrName)
    const ops = this.operations(id)
    const state = await ops.refresh()
    if (!state) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
    return new Table(this.env, state, formatIdentifier(id), ops)
  }

  /** True when the catalog holds the table (its metadata is not read: a table whose metadata file is gone still exists). */
  async tableExists(idOrName: TableIdentifier | string): Promise<boolean> {
    return this.hasPointer(parseIdentifier(idOrName))
  }

  /** Create a table (fresh field ids, as Java does) and commit its first metadata version. */
  async createTable(idOrName: TableIdentifier | string, req: CreateTableRequest): Promise<Table> {
    const id = parseIdentifier(idOrName)
    if (!(await this.namespaceExists(id.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(id.namespace)}`)
    await this.checkNameFree(id)
    const ops = this.operations(id)
    const location = req.location ?? (await this.defaultLocation(id))
    const metadata = newTableMetadata({ ...req, location }, this.env.uuid(), this.env.now())
    const state = await ops.commit(undefined, metadata)
    return new Table(this.env, state, formatIdentifier(id), ops)
  }

  /** Register an existing metadata file under `id`. */
  async registerTable(idOrName: TableIdentifier | string, metadataLocation: string): Promise<Table> {
    const id = parseIdentifier(idOrName)
    if (!(await this.namespaceExists(id.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(id.namespace)}`)
    await this.checkNameFree(id)
    await loadMetadataFile(this.env.io, metadataLocation) // must be valid metadata
    await this.registerPointer(id, metadataLocation)
    return this.loadTable(id)
  }

  /**
   * Drop a table; purge then deletes its files (data files only when gc.enabled is not false). Only the
   * pointer must exist: when the metadata file is gone the table is dropped without purging, as Java's
   * JdbcCatalog does. Once the pointer is gone the drop has happened: files the purge cannot delete do not
   * fail it (Java logs them), they are returned.
   */
  async dropTable(idOrName: TableIdentifier | string, opts: { purge?: boolean } = {}): Promise<DropTableResult> {
    const id = parseIdentifier(idOrName)
    let state: TableState | undefined
    if (opts.purge) {
      try {
        state = await this.operations(id).refresh()
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e // a missing metadata file leaves nothing to purge
      }
    }
    await this.dropPointer(id)
    return state ? { purge: await purgeTable(this.env.io, state) } : {}
  }
}
