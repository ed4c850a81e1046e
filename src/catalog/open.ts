// Open a catalog from a URI-like spec: `file:<warehouse-dir>`, `sqlite:<db-file>?warehouse=<dir>[&name=<catalog>][&schema-version=v1]`,
// `memory:`.
import { resolve } from 'node:path'
import type { Env } from '../env.js'
import { InvalidArgumentError } from '../errors.js'
import type { Catalog } from './catalog.js'
import { FileSystemCatalog } from './filesystem.js'
import { MemoryCatalog } from './memory.js'
import { SqlCatalog } from './sql.js'
import { openSqlite } from './sql-driver.js'

const SQLITE_PARAMS = ['warehouse', 'name', 'schema-version']

/** Parse a catalog spec and open it on `env` (a sqlite: database without `warehouse=` puts new tables in `warehouse/` next to it). */
export function openCatalog(spec: string, env: Env): Catalog {
  if (spec === 'memory:' || spec === 'memory') return new MemoryCatalog(env)
  if (spec.startsWith('file:')) {
    const dir = spec.slice('file:'.length)
    if (!dir) throw new InvalidArgumentError('file: catalog needs a warehouse folder, e.g. file:./warehouse')
    return new FileSystemCatalog(env, /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? dir : resolve(dir))
  }
  if (spec.startsWith('sqlite:')) {
    const rest = spec.slice('sqlite:'.length)
    const q = rest.indexOf('?')
    const file = sqliteFile(q < 0 ? rest : rest.slice(0, q))
    const params = sqliteParams(q < 0 ? '' : rest.slice(q + 1))
    const warehouse = params.get('warehouse') ?? resolve(file, '..', 'warehouse')
    const schemaVersion = params.get('schema-version')
    if (schemaVersion !== undefined && schemaVersion !== 'v0' && schemaVersion !== 'v1') throw new InvalidArgumentError(`Invalid schema-version ${JSON.stringify(schemaVersion)}: use v0 or v1`)
    return new SqlCatalog(env, openSqlite(resolve(file)), /^[a-z][a-z0-9+.-]*:\/\//i.test(warehouse) ? warehouse : resolve(warehouse), params.get('name') ?? 'default', schemaVersion ? { schemaVersion } : {})
  }
  throw new InvalidArgumentError(`Unknown catalog ${JSON.stringify(spec)}: use file:<dir>, sqlite:<db>?warehouse=<dir> or memory:`)
}

/**
 * The database file of a sqlite: spec, as written (no %-decoding). PyIceberg's SQLAlchemy form is read as
 * SQLAlchemy reads it: `sqlite:///catalog.db` is the relative `catalog.db`, `sqlite:////abs/c.db` absolute.
 */
function sqliteFile(raw: string): string {
  let file = raw
  if (raw.startsWith('//')) {
    if (!raw.startsWith('///')) throw new InvalidArgumentError(`sqlite: catalog ${JSON.stringify(raw)} names a host; use sqlite:<db-file> or sqlite:///<relative-db-file>`)
    file = raw.slice(3)
  }
  if (!file) throw new InvalidArgumentError('sqlite: catalog needs a database file, e.g. sqlite:catalog.db?warehouse=./warehouse')
  // an in-memory database would vanish with the process: every command would see an empty catalog
  if (file === ':memory:' || file.startsWith('file:')) throw new InvalidArgumentError(`sqlite: catalog needs a database file, not ${JSON.stringify(file)} (use memory: for a catalog in memory)`)
  return file
}

/**
 * The `k=v&k=v` parameters of a sqlite: spec, values as written: a warehouse folder is a path, so `+` and `%`
 * stay as they are (URL decoding would turn `a+b` into `a b` and put tables in another folder).
 */
function sqliteParams(query: string): Map<string, string> {
  const params = new Map<string, string>()
  if (query === '') return params
  for (const part of query.split('&')) {
    const eq = part.indexOf('=')
    const k = eq < 0 ? part : part.slice(0, eq)
    const v = eq < 0 ? '' : part.slice(eq + 1)
    // a misspelt key would otherwise be ignored, and tables would land in the default warehouse
    if (!SQLITE_PARAMS.includes(k)) throw new InvalidArgumentError(`Unknown sqlite: catalog parameter ${JSON.stringify(k)}: use ${SQLITE_PARAMS.join(', ')}`)
    if (params.has(k) || v === '') throw new InvalidArgumentError(`sqlite: catalog parameter ${k} needs one non-empty value`)
    params.set(k, v)
  }
  return params
}
