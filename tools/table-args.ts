// Options shared by commands that open a table: <table>, --remap, --catalog, snapshot selection.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defaultEnv, type Env } from '../src/env.js'
import { InvalidArgumentError } from '../src/errors.js'
import { isoDateToDays } from '../src/spec/temporal.js'
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

/** How a command's usage shows the table-access options (TABLE_OPTIONS, and write-args' CATALOG_OPTIONS). */
export const CATALOG_USAGE = '[--remap from=to]... [--catalog C]'

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
  if (values['as-of'] !== undefined) return { asOfTimestampMs: parseTimeArg(values['as-of'], '--as-of') }
  if (values.ref !== undefined) return { ref: values.ref }
  return undefined
}

// YYYY-MM-DD, optionally THH:MM, :SS and .fff, then an optional Z or ±HH:MM (only after a time)
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$/

/**
 * Parse a point in time given to `what` (an option or argument name) as epoch milliseconds: an integer of
 * milliseconds (may be negative), or ISO-8601 `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]` where a value
 * without an offset is UTC. Calendar fields are checked; anything else is INVALID_ARGUMENT naming `what`.
 */
export function parseTimeArg(text: string | undefined, what: string): bigint {
  const bad = (): never => {
    throw new InvalidArgumentError(
      `${what} must be epoch milliseconds or an ISO-8601 date or date-time (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM], UTC when no offset), got ${text === undefined ? 'nothing' : JSON.stringify(text)}`,
      { context: { field: what } },
    )
  }
  if (text === undefined) return bad()
  if (/^-?\d+$/.test(text)) return BigInt(text)
  const m = ISO_TIME.exec(text)
  if (!m) return bad()
  let days: number
  try {
    days = isoDateToDays(m[1]!)
  } catch {
    return bad()
  }
  const [hour, minute, second] = [m[2], m[3], m[4]].map((x) => Number(x ?? '0')) as [number, number, number]
  if (hour > 23 || minute > 59 || second > 59) return bad()
  const millis = Number((m[5] ?? '').padEnd(3, '0'))
  let offsetMinutes = 0
  if (m[7] !== undefined) {
    const oh = Number(m[8])
    const om = Number(m[9])
    // the range java.time.ZoneOffset allows: ±18:00
    if (om > 59 || oh * 60 + om > 18 * 60) return bad()
    offsetMinutes = (m[7] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const local = BigInt(days) * 86_400_000n + BigInt(((hour * 60 + minute) * 60 + second) * 1000 + millis)
  return local - BigInt(offsetMinutes) * 60_000n
}
