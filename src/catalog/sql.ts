// A SQL catalog on the tables PyIceberg's SqlCatalog and Java's JdbcCatalog use. A commit is
// `UPDATE iceberg_tables … WHERE metadata_location = <base>`: exactly one changed row means it landed.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, CommitStateUnknownError, FloeError, NotFoundError } from '../errors.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { BaseCatalog } from './base-catalog.js'
import { formatIdentifier, formatNamespace, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { metastoreCommit } from './metadata-files.js'
import { isBusy, type SqlDriver } from './sql-driver.js'
import type { TableOperations } from './table-operations.js'

const DDL = [
  `CREATE TABLE IF NOT EXISTS iceberg_tables (
    catalog_name VARCHAR(255) NOT NULL,
    table_namespace VARCHAR(255) NOT NULL,
    table_name VARCHAR(255) NOT NULL,
    metadata_location VARCHAR(1000),
    previous_metadata_location VARCHAR(1000),
    iceberg_type VARCHAR(5),
    PRIMARY KEY (catalog_name, table_namespace, table_name))`,
  `CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
    catalog_name VARCHAR(255) NOT NULL,
    namespace VARCHAR(255) NOT NULL,
    property_key VARCHAR(255) NOT NULL,
    property_value VARCHAR(1000),
    PRIMARY KEY (catalog_name, namespace, property_key))`,
]

/** Namespace marker property (Java and PyIceberg both write `exists=true`). */
const EXISTS = 'exists'
const TABLES = "(iceberg_type = 'TABLE' OR iceberg_type IS NULL)"

/** Catalog state in a SQL database (SQLite through better-sqlite3, or any SqlDriver). */
export class SqlCatalog extends BaseCatalog {
  private ready: Promise<void> | undefined

  constructor(
    env: Env,
    private readonly db: SqlDriver,
    private readonly warehouse: string,
    name = 'default',
  ) {
    super(name, env)
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      for (const ddl of DDL) await this.db.exec(ddl)
    })()
    return this.ready
  }

  private async pointer(id: TableIdentifier): Promise<string | undefined> {
    await this.init()
    const rows = await this.db.all(`SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND ${TABLES}`, [
      this.name,
      formatNamespace(id.namespace),
      id.name,
    ])
    const loc = rows[0]?.metadata_location
    return typeof loc === 'string' ? loc : undefined
  }

  /** The commit seam: INSERT for a new table, conditional UPDATE otherwise. */
  operations(id: TableIdentifier): TableOperations {
    const ns = formatNamespace(id.namespace)
    return {
      io: this.env.io,
      waitsForReady: true,
      refresh: async (): Promise<TableState | undefined> => {
        const loc = await this.pointer(id)
        return loc === undefined ? undefined : loadMetadataFile(this.env.io, loc)
      },
      commit: async (base, next, opts) => {
        opts?.ready?.catch(() => undefined) // observed: a failing init must not leave it unhandled
        await this.init()
        return metastoreCommit(this.env, this.env.io, base, next, async (loc) => {
          try {
            if (!base) {
              await this.db.run(
                'INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, ?)',
                [this.name, ns, id.name, loc, 'TABLE'],
              )
              return
            }
            const r = await this.db.run(
              'UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?',
              [loc, base.metadataLocation, this.name, ns, id.name, base.metadataLocation],
            )
            if (r.changes === 1) return
            if (r.changes === 0) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: its metadata location is no longer ${base.metadataLocation}`)
            throw new CommitStateUnknownError(`Commit of ${formatIdentifier(id)} updated ${r.changes} rows`)
          } catch (e) {
            if (e instanceof FloeError) throw e
            if (isBusy(e)) throw new CommitConflictError(`Catalog database busy while committing ${formatIdentifier(id)}`, { cause: e })
            if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new CommitConflictError(`Table ${formatIdentifier(id)} was created concurrently`, { cause: e })
            throw e
          }
        }, async () => this.pointer(id).catch(() => base?.metadataLocation), opts?.ready) // a busy pre-check is not a conflict
      },
    }
  }

  protected defaultLocation(id: TableIdentifier): string {
    return `${this.warehouse.replace(/\/+$/, '')}/${id.namespace.join('.')}.db/${id.name}`
  }

  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    await this.init()
    await this.db.run('INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, ?)', [
      this.name,
      formatNamespace(id.namespace),
      id.name,
      metadataLocation,
      'TABLE',
    ])
  }

  protected async dropPointer(id: TableIdentifier): Promise<void> {
    await this.init()
    const r = await this.db.run(`DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND ${TABLES}`, [this.name, formatNamespace(id.namespace), id.name])
    if (r.changes === 0) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
  }

  /** Tables in a namespace. */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const rows = await this.db.all(`SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND ${TABLES} ORDER BY table_name`, [this.name, formatNamespace(ns)])
    return rows.map((r) => ({ namespace: ns, name: String(r.table_name) }))
  }

  /** Rename: one UPDATE of the row (the table keeps its location). */
  async renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void> {
    const f = parseIdentifier(from)
    const t = parseIdentifier(to)
    if (!(await this.tableExists(f))) throw new NotFoundError(`Table does not exist: ${formatIdentifier(f)}`)
    if (await this.tableExists(t)) throw new AlreadyExistsError(`Table already exists: ${formatIdentifier(t)}`)
    if (!(await this.namespaceExists(t.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(t.namespace)}`)
    await this.db.run('UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?', [
      formatNamespace(t.namespace),
      t.name,
      this.name,
      formatNamespace(f.namespace),
      f.name,
    ])
  }

  /** Create a namespace (an `exists` row plus its properties). */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
    for (const [k, v] of Object.entries({ [EXISTS]: 'true', ...properties }))
      await this.db.run('INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)', [this.name, formatNamespace(ns), k, v])
  }

  /** Drop an empty namespace. */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    if ((await this.listTables(ns)).length) throw new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty`)
    await this.db.run('DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?', [this.name, formatNamespace(ns)])
  }

  /** Namespaces one level below `parent` (from tables and namespace properties, as Java and PyIceberg list them). */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    await this.init()
    const p = parent === undefined ? [] : parseNamespace(parent)
    const rows = await this.db.all(
      'SELECT table_namespace AS ns FROM iceberg_tables WHERE catalog_name = ? UNION SELECT namespace AS ns FROM iceberg_namespace_properties WHERE catalog_name = ?',
      [this.name, this.name],
    )
    const out = new Map<string, Namespace>()
    for (const r of rows) {
      const n = parseNamespace(String(r.ns))
      if (n.length > p.length && p.every((x, i) => n[i] === x)) {
        const child = n.slice(0, p.length + 1)
        out.set(child.join('.'), child)
      }
    }
    return [...out.values()].sort((a, b) => (a.join('.') < b.join('.') ? -1 : 1))
  }

  /** True when a table or a property row names the namespace. */
  override async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    await this.init()
    const ns = formatNamespace(parseNamespace(nsOrName))
    const rows = await this.db.all(
      'SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? LIMIT 1',
      [this.name, ns, this.name, ns],
    )
    return rows.length > 0
  }

  /** Properties of a namespace (without the `exists` marker). */
  async loadNamespaceProperties(nsOrName: Namespace | string): Promise<Record<string, string>> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const rows = await this.db.all('SELECT property_key, property_value FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?', [this.name, formatNamespace(ns)])
    const out: Record<string, string> = {}
    for (const r of rows) if (r.property_key !== EXISTS) out[String(r.property_key)] = String(r.property_value ?? '')
    return out
  }

  /** Set and remove namespace properties. */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const n = formatNamespace(ns)
    for (const k of remove) await this.db.run('DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? AND property_key = ?', [this.name, n, k])
    for (const [k, v] of Object.entries(set))
      await this.db.run('INSERT OR REPLACE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)', [this.name, n, k, v])
  }
}
