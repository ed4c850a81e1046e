// Shared by the ref-operation tests: a two-column table in any catalog kind, with fast commit retries, and
// a second handle on it for racing commits.
import type { Catalog } from '../../../src/catalog/catalog.js'
import type { Env } from '../../../src/env.js'
import { isFloeError, type ErrorCode } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog, type CatalogKind } from '../../support/catalogs.js'

/** The schema of every table here. */
export const REFS_SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.string)])

/** A fresh `db.t` (format v2, no snapshot) in a new catalog of `kind`; retries wait 1–2 ms. */
export async function refsTable(kind: CatalogKind = 'memory', env?: Env): Promise<{ cat: Catalog; t: Table }> {
  const cat = makeCatalog(kind, env)
  await cat.createNamespace('db')
  const t = await cat.createTable('db.t', { schema: REFS_SCHEMA, formatVersion: 2, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' } })
  return { cat, t }
}

/** What `p` rejected with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

/** True for a FloeError with `code` whose message matches `re`. */
export function failedWith(e: unknown, code: ErrorCode, re: RegExp): boolean {
  return isFloeError(e, code) && re.test((e as Error).message)
}
