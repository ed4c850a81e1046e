// Options shared by commands that open a table: <table>, --remap, --catalog, snapshot selection.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defaultEnv, type Env } from '../src/env.js'
import { InvalidArgumentError } from '../src/errors.js'
import { openCatalog } from './catalog-args.js'
import { LocalFileIO } from '../src/io/local.js'
import { parsePrefixMapping, RemappingFileIO } from '../src/io/remap.js'
import { Table } from '../src/table/table.js'
import type { SnapshotSelector } from '../src/table/time-travel.js'

/** parseArgs option definitions for table access. */
export const TABLE_OPTIONS = {
  catalog: { type: 'string' },
  remap: { type: 'string', multiple: true },
} as const

/** parseArgs option definitions for time travel. */
export const SNAPSHOT_OPTIONS = {
  'snapshot-id': { type: 'string' },
  'as-of': { type: 'string' },
  ref: { type: 'string' },
} as const

/** The environment for a CLI run: local files behind the --remap prefix mappings. */
export function cliEnv(remaps: readonly string[] | undefined): Env {
  const mappings = (remaps ?? []).map((r) => {
    try {
      return parsePrefixMapping(r)
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message)
    }
  })
  return defaultEnv(mappings.length ? new RemappingFileIO(new LocalFileIO(), mappings) : new LocalFileIO())
}

/** Open `<table>`: a metadata file or table folder path, or `ns.table` in the catalog (--catalog, FLOE_CATALOG, file:./warehouse). */
export async function openTable(ref: string | undefined, values: { catalog?: string | undefined; remap?: string[] | undefined }): Promise<Table> {
  if (!ref) throw new InvalidArgumentError('missing <table>: a metadata file, a table folder, or ns.table with --catalog')
  const env = cliEnv(values.remap)
  const looksLikePath = ref.includes('/') || ref.includes('\\') || existsSync(ref)
  if (looksLikePath) return Table.load(env, ref.includes('://') || ref.startsWith('file:') ? ref : resolve(ref))
  return openCatalog(values.catalog, env).loadTable(ref)
}

/** Parse --snapshot-id / --as-of / --ref into a selector (at most one). */
export function snapshotSelector(values: { 'snapshot-id'?: string | undefined; 'as-of'?: string | undefined; ref?: string | undefined }): SnapshotSelector | undefined {
  const given = [values['snapshot-id'], values['as-of'], values.ref].filter((x) => x !== undefined)
  if (given.length > 1) throw new InvalidArgumentError('use only one of --snapshot-id, --as-of, --ref')
  if (values['snapshot-id'] !== undefined) {
    if (!/^-?\d+$/.test(values['snapshot-id'])) throw new InvalidArgumentError(`--snapshot-id must be an integer, got ${values['snapshot-id']}`)
    return { snapshotId: BigInt(values['snapshot-id']) }
  }
  if (values['as-of'] !== undefined) {
    const t = values['as-of']
    const ms = /^\d+$/.test(t) ? BigInt(t) : BigInt(Date.parse(t))
    if (!/^\d+$/.test(t) && Number.isNaN(Date.parse(t))) throw new InvalidArgumentError(`--as-of must be epoch milliseconds or an ISO timestamp, got ${t}`)
    return { asOfTimestampMs: ms }
  }
  if (values.ref !== undefined) return { ref: values.ref }
  return undefined
}
