// The Catalog interface: namespaces with properties and the lifecycle of tables; commits go through TableOperations.
import type { Env } from '../env.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { Schema } from '../spec/schema.js'
import type { SortOrder } from '../spec/sort-order.js'
import type { FormatVersion } from '../spec/table-metadata.js'
import type { Table } from '../table/table.js'
import type { Namespace, TableIdentifier } from './identifier.js'
import type { PurgeResult } from './purge.js'
import type { TableOperations } from './table-operations.js'

/** What a new table is made of; ids in `spec` and `sortOrder` refer to `schema` as given (fresh ids are assigned). */
export interface CreateTableRequest {
  readonly schema: Schema
  readonly spec?: PartitionSpec
  readonly sortOrder?: SortOrder
  /** Default: the catalog's location for the identifier. */
  readonly location?: string
  readonly properties?: Readonly<Record<string, string>>
  /** Default 2 (Java's default). */
  readonly formatVersion?: FormatVersion
}

/**
 * What a successful dropTable did: the table is gone from the catalog. A purge never fails the drop (Java's
 * CatalogUtil.dropTableData also goes on past failures): the files it could not delete or read are listed.
 */
export interface DropTableResult {
  /** Present when purge was asked and the table's metadata could be read (nothing is purged otherwise). */
  readonly purge?: PurgeResult
}

/** A catalog of Iceberg tables. */
export interface Catalog {
  readonly name: string
  readonly env: Env
  /** The commit seam of one table. */
  operations(id: TableIdentifier): TableOperations
  loadTable(id: TableIdentifier | string): Promise<Table>
  tableExists(id: TableIdentifier | string): Promise<boolean>
  createTable(id: TableIdentifier | string, req: CreateTableRequest): Promise<Table>
  /** Make an existing metadata file a table of this catalog. */
  registerTable(id: TableIdentifier | string, metadataLocation: string): Promise<Table>
  /**
   * Forget a table; with purge, also delete its files (data files only when `gc.enabled` is not false),
   * continuing past files it cannot delete, which the result lists.
   */
  dropTable(id: TableIdentifier | string, opts?: { purge?: boolean }): Promise<DropTableResult>
  renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void>
  listTables(ns: Namespace | string): Promise<TableIdentifier[]>
  createNamespace(ns: Namespace | string, properties?: Readonly<Record<string, string>>): Promise<void>
  dropNamespace(ns: Namespace | string): Promise<void>
  listNamespaces(parent?: Namespace | string): Promise<Namespace[]>
  namespaceExists(ns: Namespace | string): Promise<boolean>
  loadNamespaceProperties(ns: Namespace | string): Promise<Record<string, string>>
  updateNamespaceProperties(ns: Namespace | string, set: Readonly<Record<string, string>>, remove?: readonly string[]): Promise<void>
}
