// Ref and history commands: rollback, set-current-snapshot, branches and tags (create, drop, rename, replace),
// cherry-pick, fast-forward.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import type { ManageSnapshots } from '../../src/transaction/manage-snapshots.js'
import type { Table } from '../../src/table/table.js'
import { atMostPositionals, printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_OPTIONS, commitResult, openWritable, refsResult, snapshotIdArg, timestampArg } from '../write-args.js'
import { CATALOG_USAGE } from '../table-args.js'

type Values = Record<string, string | boolean | string[] | undefined>

const RETENTION_OPTIONS = {
  'min-snapshots-to-keep': { type: 'string' },
  'max-snapshot-age-ms': { type: 'string' },
  'max-ref-age-ms': { type: 'string' },
} as const

function optInt(v: unknown, flag: string): bigint | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new InvalidArgumentError(`${flag} must be a non-negative integer, got ${String(v)}`)
  return BigInt(v)
}

// exactly `n` arguments after the table: fewer is a usage error, a stray one is named
function need(args: readonly string[], n: number, usage: string): void {
  if (args.length < n) throw new InvalidArgumentError(`expected ${n} argument${n === 1 ? '' : 's'} after the table: ${usage}`)
  atMostPositionals(args, n, usage)
}

function currentId(t: Table): bigint {
  const s = t.currentSnapshot()
  if (!s) throw new InvalidArgumentError(`Table ${t.name} has no snapshot yet; pass --snapshot-id`)
  return s.snapshotId
}

/** A ref command: `edit` records the change on a ManageSnapshots given the loaded table, the arguments and flags. */
function refCommand(
  name: string,
  summary: string,
  args: string,
  edit: (m: ManageSnapshots, t: Table, a: readonly string[], v: Values) => void,
  arity: number,
  extra: Record<string, { type: 'string' }> = {},
): Command {
  const usage = `floe ${name} <ns.table> ${args} ${CATALOG_USAGE}`
  return {
    name,
    summary,
    usage,
    async run(argv: readonly string[], io: CliIO): Promise<number> {
      const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...CATALOG_OPTIONS, ...extra } })
      const [ref, ...rest] = positionals
      if (ref) need(rest, arity, usage)
      const t = await openWritable(ref, values)
      const next = await t.transaction().manageSnapshots((m) => edit(m, t, rest, values)).commit()
      printJson(io, refsResult(next))
      return 0
    },
  }
}

/** Every ref command. */
export const refCommands: readonly Command[] = [
  refCommand('rollback-to-snapshot', 'make an ancestor snapshot current again', '<snapshot-id>', (m, _t, a) => void m.rollbackTo(snapshotIdArg(a[0])), 1),
  refCommand('rollback-to-timestamp', 'make the newest ancestor older than a time current', '<epoch-ms|ISO time>', (m, _t, a) => void m.rollbackToTime(timestampArg(a[0])), 1),
  refCommand('set-current-snapshot', 'make any snapshot of the table current', '<snapshot-id>', (m, _t, a) => void m.setCurrentSnapshot(snapshotIdArg(a[0])), 1),
  refCommand(
    'create-branch',
    'create a branch at a snapshot (default: the current one; an empty snapshot when main has none) with retention settings',
    '<name> [--snapshot-id N] [--min-snapshots-to-keep N] [--max-snapshot-age-ms N] [--max-ref-age-ms N]',
    (m, _t, a, v) => {
      const min = optInt(v['min-snapshots-to-keep'], '--min-snapshots-to-keep')
      const age = optInt(v['max-snapshot-age-ms'], '--max-snapshot-age-ms')
      const refAge = optInt(v['max-ref-age-ms'], '--max-ref-age-ms')
      // without an id the branch starts at main's head as loaded (or, when main has none, at an empty snapshot)
      m.createBranch(a[0]!, v['snapshot-id'] === undefined ? undefined : snapshotIdArg(v['snapshot-id'] as string, '--snapshot-id'), {
        ...(min === undefined ? {} : { minSnapshotsToKeep: Number(min) }),
        ...(age === undefined ? {} : { maxSnapshotAgeMs: age }),
        ...(refAge === undefined ? {} : { maxRefAgeMs: refAge }),
      })
    },
    1,
    { 'snapshot-id': { type: 'string' }, ...RETENTION_OPTIONS },
  ),
  refCommand(
    'create-tag',
    'tag a snapshot (default: the current one), optionally expiring the tag',
    '<name> [--snapshot-id N] [--max-ref-age-ms N]',
    (m, t, a, v) =>
      void m.createTag(
        a[0]!,
        v['snapshot-id'] === undefined ? currentId(t) : snapshotIdArg(v['snapshot-id'] as string, '--snapshot-id'),
        optInt(v['max-ref-age-ms'], '--max-ref-age-ms'),
      ),
    1,
    { 'snapshot-id': { type: 'string' }, 'max-ref-age-ms': { type: 'string' } },
  ),
  refCommand('drop-branch', 'remove a branch (not main)', '<name>', (m, _t, a) => void m.removeBranch(a[0]!), 1),
  refCommand('drop-tag', 'remove a tag', '<name>', (m, _t, a) => void m.removeTag(a[0]!), 1),
  refCommand('rename-branch', 'rename a branch (not main) to a name no ref has', '<from> <to>', (m, _t, a) => void m.renameBranch(a[0]!, a[1]!), 2),
  refCommand(
    'replace-branch',
    'point a branch at the snapshot of another ref (branch or tag), fast-forward or not; creates the branch if missing',
    '<branch> <source-ref>',
    (m, _t, a) => void m.replaceBranch(a[0]!, a[1]!),
    2,
  ),
  refCommand('fast-forward', 'move a branch forward to the head of another ref', '<branch> <to>', (m, _t, a) => void m.fastForward(a[0]!, a[1]!), 2),
]

/** The cherry-pick command (a new snapshot on main that applies another snapshot's changes). */
export const cherryPickCommand: Command = {
  name: 'cherry-pick',
  summary: "apply another snapshot's changes (e.g. a WAP branch commit) onto main",
  usage: `floe cherry-pick <ns.table> <snapshot-id> ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...CATALOG_OPTIONS } })
    const [ref, ...rest] = positionals
    if (ref) need(rest, 1, this.usage)
    const t = await openWritable(ref, values)
    const next = await t.transaction().cherryPick(snapshotIdArg(rest[0])).commit()
    printJson(io, commitResult(next))
    return 0
  },
}
