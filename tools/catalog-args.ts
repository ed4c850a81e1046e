// Resolving --catalog (catalogs arrive with the write path; until then only paths are accepted).
import type { Env } from '../src/env.js'
import { FloeError } from '../src/errors.js'
import type { Table } from '../src/table/table.js'

/** The minimal catalog surface the CLI needs to open tables. */
export interface CliCatalog {
  loadTable(identifier: string): Promise<Table>
}

/** Open the catalog named by --catalog or FLOE_CATALOG; undefined when none is configured. */
export async function openCatalog(spec: string | undefined, _env: Env): Promise<CliCatalog | undefined> {
  const s = spec ?? process.env.FLOE_CATALOG
  if (!s) return undefined
  throw new FloeError('UNSUPPORTED', `catalog ${s}: catalogs are not available yet; pass a table folder or metadata file`)
}
