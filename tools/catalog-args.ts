// Resolving --catalog: the flag, else FLOE_CATALOG, else a filesystem warehouse at ./warehouse.
import { openCatalog as openCatalogSpec } from '../src/catalog/open.js'
import type { Catalog } from '../src/catalog/catalog.js'
import type { Env } from '../src/env.js'

/** The catalog spec in effect for a run. */
export function catalogSpec(spec: string | undefined): string {
  return spec ?? process.env.FLOE_CATALOG ?? 'file:./warehouse'
}

/** Open the catalog named by --catalog, FLOE_CATALOG, or the default `file:./warehouse`. */
export function openCatalog(spec: string | undefined, env: Env): Catalog {
  return openCatalogSpec(catalogSpec(spec), env)
}
