// A SQL catalog on the tables PyIceberg's SqlCatalog and Java's JdbcCatalog use. A commit is
// `UPDATE iceberg_tables … WHERE metadata_location = <base>`: exactly one changed row means it landed.
// Databases made before views existed ("v0": iceberg_tables without `iceberg_type`) are used as they are,
// every row a table, unless the catalog is asked to migrate them (`schemaVersion: 'v1'`), as Java and
// PyIceberg do.
import type { Env } from '../env.js'
import { AlreadyExistsError, CommitConflictError, CommitStateUnknownError, FloeError, InvalidArgumentError, NotFoundError } from '../errors.js'
import { loadMetadataFile, type TableState } from '../table/load.js'
import { BaseCatalog, checkPropertyUpdates } from './base-catalog.js'
import { compareNamespaces, formatIdentifier, formatNamespace, parseIdentifier, parseNamespace, type Namespace, type TableIdentifier } from './identifier.js'
import { metastoreCommit } from './metadata-files.js'
import { isBusy, type SqlDriver, type SqlRow, type SqlStatement } from './sql-driver.js'
import type { TableOperations } from './table-operations.js'
import { absoluteWarehouse } from './warehouse.js'

// A new database gets the current ("v1") layout, with `iceberg_type`, as PyIceberg creates it.
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

/** Namespace marker property (Java and PyIceberg both write `exists=true`); reserved. */
const EXISTS = 'exists'
const ROW = 'catalog_name = ? AND table_namespace = ? AND table_name = ?'
const TABLE_ROWS = " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)"
const VIEW_ROWS = " AND iceberg_type = 'VIEW'"

/** Options of {@link SqlCatalog}. */
export interface SqlCatalogOptions {
  /**
   * `'v1'` adds the `iceberg_type` column to a database made without it (Java's `jdbc.schema-version=V1`,
   * PyIceberg's `schema_version=v1`). By default such a database is left as it is and used without views.
   */
  readonly schemaVersion?: 'v0' | 'v1'
}

/** The driver's own error code of a failed statement (also when wrapped in a FloeError). */
function driverCode(e: unknown): string | undefined {
  const raw = e instanceof FloeError ? e.cause : e
  const code = (raw as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/** A primary-key (or other constraint) violation: the row already exists. */
function isConstraint(e: unknown): boolean {
  const raw = e instanceof FloeError ? e.cause : e
  return (driverCode(e)?.startsWith('SQLITE_CONSTRAINT') ?? false) || driverCode(e) === '23505' || /constraint failed/i.test((raw as Error | undefined)?.message ?? '')
}

/** `s` as a LIKE pattern that matches it literally (escape character `!`, as Java and PyIceberg write it). */
function likeLiteral(s: string): string {
  return s.replace(/[!%_]/g, (c) => `!${c}`)
}

/** Catalog state in a SQL database (SQLite through better-sqlite3, or any SqlDriver). */
export class SqlCatalog extends BaseCatalog {
  private ready: Promise<boolean> | undefined

  constructor(
    env: Env,
    private readonly db: SqlDriver,
    warehouse: string,
    name = 'default',
    private readonly opts: SqlCatalogOptions = {},
  ) {
    super(name, env)
    this.warehouse = absoluteWarehouse(warehouse)
  }

  /** Where new tables go (a relative local path is made absolute against the working directory). */
  private readonly warehouse: string

  /** Create the catalog tables when absent; resolves to true when iceberg_tables has `iceberg_type` (v1). */
  private init(): Promise<boolean> {
    this.ready ??= this.detectSchema().catch((e: unknown) => {
      this.ready = undefined // a failed start (say, a busy database) is tried again by the next call
      throw this.failure(e, 'open')
    })
    return this.ready
  }

  private async detectSchema(): Promise<boolean> {
    for (const ddl of DDL) await this.db.exec(ddl)
    if (await this.hasTypeColumn()) return true
    if (this.opts.schemaVersion !== 'v1') return false
    try {
      await this.db.exec('ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)')
    } catch (e) {
      if (!(await this.hasTypeColumn())) throw e // else another process migrated it first
    }
    return true
  }

  private async hasTypeColumn(): Promise<boolean> {
    try {
      await this.db.all('SELECT iceberg_type FROM iceberg_tables LIMIT 0')
      return true
    } catch (e) {
      if (isBusy(e)) throw e
      return false
    }
  }

  private failure(e: unknown, what: string): FloeError {
    return e instanceof FloeError ? e : new FloeError('IO', `SQL catalog ${this.name}: cannot ${what}: ${(e as Error).message}`, { cause: e })
  }

  private async all(sql: string, params: readonly unknown[]): Promise<SqlRow[]> {
    try {
      return await this.db.all(sql, params)
    } catch (e) {
      throw this.failure(e, 'query the catalog')
    }
  }

  private async run(sql: string, params: readonly unknown[]): Promise<{ readonly changes: number }> {
    try {
      return await this.db.run(sql, params)
    } catch (e) {
      throw this.failure(e, 'update the catalog')
    }
  }

  /** The table row of `id` (views excluded), or undefined. */
  private async tableRow(id: TableIdentifier): Promise<{ location: string | undefined } | undefined> {
    const v1 = await this.init()
    const rows = await this.all(`SELECT metadata_location FROM iceberg_tables WHERE ${ROW}${v1 ? TABLE_ROWS : ''}`, [this.name, formatNamespace(id.namespace), id.name])
    if (!rows.length) return undefined
    const loc = rows[0]!.metadata_location
    return { location: typeof loc === 'string' && loc ? loc : undefined }
  }

  /** True when a view row holds the name (never in a v0 database). */
  private async viewExists(id: TableIdentifier): Promise<boolean> {
    if (!(await this.init())) return false
    return (await this.all(`SELECT 1 FROM iceberg_tables WHERE ${ROW}${VIEW_ROWS} LIMIT 1`, [this.name, formatNamespace(id.namespace), id.name])).length > 0
  }

  /** The AlreadyExistsError for a name another row holds (a view or a table). */
  private async taken(id: TableIdentifier, cause?: unknown): Promise<AlreadyExistsError> {
    const view = await this.viewExists(id).catch(() => false)
    return new AlreadyExistsError(`${view ? 'A view with the same name' : 'Table'} already exists: ${formatIdentifier(id)}`, { cause })
  }

  private insertRow(v1: boolean, id: TableIdentifier, location: string): Promise<{ readonly changes: number }> {
    const params = [this.name, formatNamespace(id.namespace), id.name, location]
    return v1
      ? this.db.run('INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, ?)', [...params, 'TABLE'])
      : this.db.run('INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location) VALUES (?, ?, ?, ?, NULL)', params)
  }

  protected override async checkNameFree(id: TableIdentifier): Promise<void> {
    if (await this.viewExists(id)) throw await this.taken(id)
    await super.checkNameFree(id)
  }

  /** The commit seam: INSERT for a new table, conditional UPDATE otherwise. */
  operations(id: TableIdentifier): TableOperations {
    const ns = formatNamespace(id.namespace)
    return {
      io: this.env.io,
      waitsForReady: true,
      refresh: async (): Promise<TableState | undefined> => {
        const row = await this.tableRow(id)
        if (!row) return undefined
        if (row.location === undefined) throw new NotFoundError(`Table ${formatIdentifier(id)} has no metadata location in the catalog`)
        return loadMetadataFile(this.env.io, row.location)
      },
      commit: async (base, next, opts) => {
        opts?.ready?.catch(() => undefined) // observed: a failing init must not leave it unhandled
        const v1 = await this.init()
        const current = async (): Promise<string | undefined> => {
          try {
            return (await this.tableRow(id))?.location
          } catch {
            return base?.metadataLocation // a busy pre-check is not a conflict
          }
        }
        return metastoreCommit(this.env, this.env.io, base, next, async (loc) => {
          try {
            if (!base) {
              await this.insertRow(v1, id, loc)
              return
            }
            const r = await this.db.run(
              `UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? WHERE ${ROW} AND metadata_location = ?${v1 ? TABLE_ROWS : ''}`,
              [loc, base.metadataLocation, this.name, ns, id.name, base.metadataLocation],
            )
            if (r.changes === 1) return
            if (r.changes === 0) throw new CommitConflictError(`Table ${formatIdentifier(id)} changed: its metadata location is no longer ${base.metadataLocation}`)
            throw new CommitStateUnknownError(`Commit of ${formatIdentifier(id)} updated ${r.changes} rows`)
          } catch (e) {
            // outcomes decided above: the row did not change (conflict) or changed more than expected
            if (e instanceof CommitConflictError || e instanceof CommitStateUnknownError) throw e
            // the driver's error, also when the driver wrapped it in a FloeError: only two tell the statement
            // did not run; anything else (a lost connection, a failed reply) may have changed the row
            if (isBusy(e)) throw new CommitConflictError(`Catalog database busy while committing ${formatIdentifier(id)}`, { cause: e })
            // a create that lost to another create (or to a view of that name): the name is taken
            if (!base && isConstraint(e)) throw await this.taken(id, e)
            throw new CommitStateUnknownError(`Commit of ${formatIdentifier(id)}: the catalog ${base ? 'update' : 'insert'} of ${loc} failed and may have landed: ${(e as Error).message}`, { cause: e, context: { file: loc } })
          }
        }, current, opts?.ready)
      },
    }
  }

  /**
   * Where a new table goes: the namespace's `location` property + `/<table>` when set (as PyIceberg; Java's
   * JdbcCatalog ignores that property), else `<warehouse>/<level>/…/<level>/<table>`, one folder per
   * namespace level (as Java; PyIceberg joins the levels with dots into one folder, `<warehouse>/a.b/<table>`).
   * Both agree for single-level namespaces without a `location`. Java's optional unique table suffix
   * (`unique-table-location`) is not applied.
   */
  protected async defaultLocation(id: TableIdentifier): Promise<string> {
    const nsLocation = (await this.loadNamespaceProperties(id.namespace)).location
    if (nsLocation) return `${nsLocation.replace(/\/+$/, '')}/${id.name}`
    return `${this.warehouse.replace(/\/+$/, '')}/${[...id.namespace, id.name].join('/')}`
  }

  protected async hasPointer(id: TableIdentifier): Promise<boolean> {
    return (await this.tableRow(id)) !== undefined
  }

  protected async registerPointer(id: TableIdentifier, metadataLocation: string): Promise<void> {
    const v1 = await this.init()
    try {
      await this.insertRow(v1, id, metadataLocation)
    } catch (e) {
      if (isConstraint(e)) throw await this.taken(id, e)
      throw this.failure(e, `register ${formatIdentifier(id)}`)
    }
  }

  protected async dropPointer(id: TableIdentifier): Promise<void> {
    const v1 = await this.init()
    const r = await this.run(`DELETE FROM iceberg_tables WHERE ${ROW}${v1 ? TABLE_ROWS : ''}`, [this.name, formatNamespace(id.namespace), id.name])
    if (r.changes === 0) throw new NotFoundError(`Table does not exist: ${formatIdentifier(id)}`)
  }

  /** Tables in a namespace. */
  async listTables(nsOrName: Namespace | string): Promise<TableIdentifier[]> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const v1 = await this.init()
    const rows = await this.all(`SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ?${v1 ? TABLE_ROWS : ''} ORDER BY table_name`, [this.name, formatNamespace(ns)])
    return rows.map((r) => ({ namespace: ns, name: String(r.table_name) }))
  }

  /** Rename: one UPDATE of the row (the table keeps its location); renaming a table to itself does nothing, as in Java. */
  async renameTable(from: TableIdentifier | string, to: TableIdentifier | string): Promise<void> {
    const f = parseIdentifier(from)
    const t = parseIdentifier(to)
    if (formatNamespace(f.namespace) === formatNamespace(t.namespace) && f.name === t.name) return
    const v1 = await this.init()
    if (!(await this.hasPointer(f))) throw new NotFoundError(`Table does not exist: ${formatIdentifier(f)}`)
    if (!(await this.namespaceExists(t.namespace))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(t.namespace)}`)
    await this.checkNameFree(t)
    let r: { readonly changes: number }
    try {
      r = await this.db.run(`UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE ${ROW}${v1 ? TABLE_ROWS : ''}`, [
        formatNamespace(t.namespace),
        t.name,
        this.name,
        formatNamespace(f.namespace),
        f.name,
      ])
    } catch (e) {
      if (isConstraint(e)) throw await this.taken(t, e)
      throw this.failure(e, `rename ${formatIdentifier(f)}`)
    }
    // another process dropped (or renamed) the table after the checks above
    if (r.changes === 0) throw new NotFoundError(`Table does not exist: ${formatIdentifier(f)}`)
  }

  /** Create a namespace: an `exists` row plus its properties, in one statement. */
  async createNamespace(nsOrName: Namespace | string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (EXISTS in properties) throw new InvalidArgumentError(`Cannot set reserved namespace property: ${EXISTS}`)
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`)
    const entries = Object.entries({ ...properties, [EXISTS]: 'true' })
    try {
      await this.db.run(
        `INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES ${entries.map(() => '(?, ?, ?, ?)').join(', ')}`,
        entries.flatMap(([k, v]) => [this.name, formatNamespace(ns), k, v]),
      )
    } catch (e) {
      if (isConstraint(e)) throw new AlreadyExistsError(`Namespace already exists: ${formatNamespace(ns)}`, { cause: e })
      throw this.failure(e, `create namespace ${formatNamespace(ns)}`)
    }
  }

  /** Drop a namespace that holds no table, view or child namespace (Java JdbcCatalog). */
  async dropNamespace(nsOrName: Namespace | string): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const notEmpty = (what: string): FloeError => new FloeError('VALIDATION', `Namespace ${formatNamespace(ns)} is not empty: it holds ${what}`)
    const children = await this.listNamespaces(ns)
    if (children.length) throw notEmpty(`${children.length} namespace(s)`)
    const tables = await this.listTables(ns)
    if (tables.length) throw notEmpty(`${tables.length} table(s)`)
    if (await this.init()) {
      const views = await this.all(`SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ?${VIEW_ROWS}`, [this.name, formatNamespace(ns)])
      if (views.length) throw notEmpty(`${views.length} view(s)`)
    }
    await this.run('DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?', [this.name, formatNamespace(ns)])
  }

  /**
   * Distinct namespace names of table rows and namespace properties: `ns` itself and every name below it
   * (LIKE `ns.%`, escaped, then checked exactly: LIKE ignores case in SQLite), or every name without `ns`.
   */
  private async namespaceNames(ns?: Namespace): Promise<string[]> {
    await this.init()
    if (!ns) {
      const rows = await this.all('SELECT table_namespace AS ns FROM iceberg_tables WHERE catalog_name = ? UNION SELECT namespace AS ns FROM iceberg_namespace_properties WHERE catalog_name = ?', [this.name, this.name])
      return rows.map((r) => String(r.ns))
    }
    const s = formatNamespace(ns)
    const below = `${likeLiteral(s)}.%`
    const rows = await this.all(
      `SELECT table_namespace AS ns FROM iceberg_tables WHERE catalog_name = ? AND (table_namespace = ? OR table_namespace LIKE ? ESCAPE '!')
       UNION SELECT namespace AS ns FROM iceberg_namespace_properties WHERE catalog_name = ? AND (namespace = ? OR namespace LIKE ? ESCAPE '!')`,
      [this.name, s, below, this.name, s, below],
    )
    return rows.map((r) => String(r.ns)).filter((n) => n === s || n.startsWith(`${s}.`))
  }

  /**
   * Namespaces one level below `parent` (from tables and namespace properties, as Java and PyIceberg list
   * them); NotFoundError when `parent` does not exist. Rows of tables without a namespace are skipped.
   */
  async listNamespaces(parent?: Namespace | string): Promise<Namespace[]> {
    const p = parent === undefined ? [] : parseNamespace(parent)
    const names = await this.namespaceNames(p.length ? p : undefined)
    if (p.length && !names.length) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(p)}`)
    const out = new Map<string, Namespace>()
    for (const name of names) {
      const levels = name === '' ? [] : name.split('.')
      if (levels.length <= p.length) continue
      const child = levels.slice(0, p.length + 1)
      if (child.some((l) => l === '')) continue
      out.set(child.join('.'), child)
    }
    return [...out.values()].sort(compareNamespaces)
  }

  /** True when a table, view or property row names the namespace or a namespace below it (Java JdbcUtil, PyIceberg). */
  async namespaceExists(nsOrName: Namespace | string): Promise<boolean> {
    return (await this.namespaceNames(parseNamespace(nsOrName))).length > 0
  }

  /** Properties of a namespace (without the `exists` marker). */
  async loadNamespaceProperties(nsOrName: Namespace | string): Promise<Record<string, string>> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    const rows = await this.all('SELECT property_key, property_value FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?', [this.name, formatNamespace(ns)])
    const out: Record<string, string> = {}
    for (const r of rows) if (r.property_key !== EXISTS) out[String(r.property_key)] = String(r.property_value ?? '')
    return out
  }

  /**
   * Set and remove namespace properties. `exists` is reserved: it can be neither set (Java) nor removed (the
   * row may be all that keeps an empty namespace); a key may not be both set and removed (PyIceberg).
   */
  async updateNamespaceProperties(nsOrName: Namespace | string, set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    const ns = parseNamespace(nsOrName)
    if (!(await this.namespaceExists(ns))) throw new NotFoundError(`Namespace does not exist: ${formatNamespace(ns)}`)
    if (Object.hasOwn(set, EXISTS)) throw new InvalidArgumentError(`Cannot set reserved namespace property: ${EXISTS}`, { context: { field: EXISTS } })
    if (remove.includes(EXISTS)) throw new InvalidArgumentError(`Cannot remove reserved namespace property: ${EXISTS}`, { context: { field: EXISTS } })
    checkPropertyUpdates(set, remove)
    const n = formatNamespace(ns)
    // one transaction, as PyIceberg's update_namespace_properties: a failure leaves the properties as they were
    const statements: SqlStatement[] = [
      ...remove.map((k) => ({ sql: 'DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? AND property_key = ?', params: [this.name, n, k] })),
      ...Object.entries(set).map(([k, v]) => ({ sql: 'INSERT OR REPLACE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)', params: [this.name, n, k, v] })),
    ]
    if (!statements.length) return
    try {
      await this.db.transaction(statements)
    } catch (e) {
      throw this.failure(e, 'update the catalog')
    }
  }
}
