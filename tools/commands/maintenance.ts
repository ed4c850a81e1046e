// Maintenance commands: rewrite-data-files, expire-snapshots, remove-orphan-files.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import { stringifyJson } from '../../src/spec/json/lossless.js'
import type { PrefixMismatchMode } from '../../src/maintenance/remove-orphan-files.js'
import { atMostPositionals, printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_USAGE, openTable, parseTimeArg, TABLE_OPTIONS } from '../table-args.js'
import { CATALOG_OPTIONS, openWritable, snapshotIdArg } from '../write-args.js'

// an error's message, for warnings and JSON results
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e))

// `a,b=c` options (repeatable) → Java's equal-schemes/authorities map
function equivalences(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of list ?? []) {
    const eq = item.lastIndexOf('=')
    if (eq <= 0 || eq === item.length - 1) throw new InvalidArgumentError(`${flag} takes from[,from…]=to, got ${JSON.stringify(item)}`)
    out[item.slice(0, eq)] = item.slice(eq + 1)
  }
  return out
}

/** The remove-orphan-files command. */
export const removeOrphanFilesCommand: Command = {
  name: 'remove-orphan-files',
  summary: 'delete files under the table location that no metadata references and older than a cut-off (default 3 days); --dry-run lists them',
  usage:
    `floe remove-orphan-files <table> [--older-than <epoch-ms|ISO time>] [--dry-run] [--location L] ` +
    `[--prefix-mismatch-mode error|ignore|delete] [--equal-schemes from,…=to]... [--equal-authorities from,…=to]... ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...TABLE_OPTIONS,
        'older-than': { type: 'string' },
        'dry-run': { type: 'boolean' },
        location: { type: 'string' },
        'prefix-mismatch-mode': { type: 'string' },
        'equal-schemes': { type: 'string', multiple: true },
        'equal-authorities': { type: 'string', multiple: true },
      },
    })
    atMostPositionals(positionals, 1, this.usage)
    const t = await openTable(positionals[0], values)
    const r = await t.removeOrphanFiles({
      ...(values['older-than'] === undefined ? {} : { olderThanMs: parseTimeArg(values['older-than'], '--older-than') }),
      ...(values.location === undefined ? {} : { location: values.location }),
      ...(values['prefix-mismatch-mode'] === undefined ? {} : { prefixMismatchMode: values['prefix-mismatch-mode'] as PrefixMismatchMode }),
      equalSchemes: equivalences(values['equal-schemes'], '--equal-schemes'),
      equalAuthorities: equivalences(values['equal-authorities'], '--equal-authorities'),
      dryRun: Boolean(values['dry-run']),
    })
    for (const f of r.undeleted) io.err(`floe: warning: ${f.path} could not be deleted: ${why(f.error)}`)
    printJson(io, {
      dryRun: r.dryRun,
      olderThanMs: r.olderThanMs,
      listedFiles: r.listedFiles,
      tooRecent: r.tooRecent,
      orphanFiles: r.orphanFiles,
      deletedFiles: r.deleted,
      undeletedFiles: r.undeleted.map((f) => ({ path: f.path, error: why(f.error) })),
    })
    return 0
  },
}

/** The expire-snapshots command. */
export const expireSnapshotsCommand: Command = {
  name: 'expire-snapshots',
  summary: 'remove old snapshots and refs (Java retention rules) and delete the files only they reached; --dry-run reports them',
  usage: `floe expire-snapshots <ns.table> [--older-than <epoch-ms|ISO time>] [--retain-last N] [--snapshot-id N]... [--keep-files] [--clean-expired-metadata] [--dry-run] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...CATALOG_OPTIONS,
        'older-than': { type: 'string' },
        'retain-last': { type: 'string' },
        'snapshot-id': { type: 'string', multiple: true },
        'keep-files': { type: 'boolean' },
        'clean-expired-metadata': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    })
    atMostPositionals(positionals, 1, this.usage)
    const retain = values['retain-last']
    if (retain !== undefined && !/^\d+$/.test(retain)) throw new InvalidArgumentError(`--retain-last must be a positive integer, got ${JSON.stringify(retain)}`)
    const t = await openWritable(positionals[0], values)
    const r = await t.expireSnapshots({
      ...(values['older-than'] === undefined ? {} : { olderThanMs: parseTimeArg(values['older-than'], '--older-than') }),
      ...(retain === undefined ? {} : { retainLast: Number(retain) }),
      ...(values['snapshot-id'] === undefined ? {} : { snapshotIds: values['snapshot-id'].map((s) => snapshotIdArg(s, '--snapshot-id')) }),
      cleanExpiredFiles: !values['keep-files'],
      cleanExpiredMetadata: Boolean(values['clean-expired-metadata']),
      dryRun: Boolean(values['dry-run']),
    })
    for (const f of r.undeleted) io.err(`floe: warning: ${f.path} could not be deleted: ${why(f.error)}`)
    for (const f of r.unreadable) io.err(`floe: warning: ${f.path} could not be read; files depending on it were not deleted: ${why(f.error)}`)
    printJson(io, {
      dryRun: r.dryRun,
      expiredSnapshotIds: r.expiredSnapshotIds,
      removedRefs: r.removedRefs,
      removedSpecIds: r.removedSpecIds,
      removedSchemaIds: r.removedSchemaIds,
      currentSnapshotId: r.table.currentSnapshot()?.snapshotId ?? null,
      files: r.files,
      undeletedFiles: r.undeleted.map((f) => ({ path: f.path, error: why(f.error) })),
      unreadableFiles: r.unreadable.map((f) => ({ path: f.path, error: why(f.error) })),
    })
    return 0
  },
}

// an integer flag of at least `min`, or undefined
function countFlag(v: string | undefined, flag: string, min = 1): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`)
  return Number(v)
}

/** The rewrite-data-files command. */
export const rewriteDataFilesCommand: Command = {
  name: 'rewrite-data-files',
  summary: 'compact data files (bin-pack): small, large or over-deleted files per partition rewritten at the target size in one commit',
  usage:
    `floe rewrite-data-files <ns.table> [--target-file-size-bytes N] [--min-file-size-bytes N] [--max-file-size-bytes N] ` +
    `[--min-input-files N] [--delete-file-threshold N] [--delete-ratio-threshold R] [--rewrite-all] [--filter EXPR] [--partial-progress [--max-commits N]] [--dry-run] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...CATALOG_OPTIONS,
        'target-file-size-bytes': { type: 'string' },
        'min-file-size-bytes': { type: 'string' },
        'max-file-size-bytes': { type: 'string' },
        'min-input-files': { type: 'string' },
        'delete-file-threshold': { type: 'string' },
        'delete-ratio-threshold': { type: 'string' },
        'rewrite-all': { type: 'boolean' },
        filter: { type: 'string' },
        'partial-progress': { type: 'boolean' },
        'max-commits': { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    })
    atMostPositionals(positionals, 1, this.usage)
    const opts = {
      targetFileSizeBytes: countFlag(values['target-file-size-bytes'], '--target-file-size-bytes'),
      minFileSizeBytes: countFlag(values['min-file-size-bytes'], '--min-file-size-bytes', 0),
      maxFileSizeBytes: countFlag(values['max-file-size-bytes'], '--max-file-size-bytes'),
      minInputFiles: countFlag(values['min-input-files'], '--min-input-files'),
      deleteFileThreshold: countFlag(values['delete-file-threshold'], '--delete-file-threshold', 0),
      partialProgressMaxCommits: countFlag(values['max-commits'], '--max-commits'),
    }
    if (opts.partialProgressMaxCommits !== undefined && !values['partial-progress']) throw new InvalidArgumentError('--max-commits needs --partial-progress')
    const ratio = values['delete-ratio-threshold']
    if (ratio !== undefined && !/^(0?\.\d+|1(\.0*)?)$/.test(ratio)) throw new InvalidArgumentError(`--delete-ratio-threshold must be a number in (0, 1], got ${JSON.stringify(ratio)}`)
    const t = await openWritable(positionals[0], values)
    const r = await t.rewriteDataFiles({
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
      ...(values.filter === undefined ? {} : { filter: values.filter }),
      ...(ratio === undefined ? {} : { deleteRatioThreshold: Number(ratio) }),
      rewriteAll: Boolean(values['rewrite-all']),
      partialProgress: Boolean(values['partial-progress']),
      dryRun: Boolean(values['dry-run']),
    })
    for (const f of r.failedGroups) io.err(`floe: warning: the group of partition ${stringifyJson(f.group.partition)} (spec ${f.group.specId}) was not rewritten: ${why(f.error)}`)
    printJson(io, {
      dryRun: r.dryRun,
      groups: r.groups.map((g) => ({ specId: g.specId, partition: g.partition, files: g.files.length, bytes: g.bytes })),
      rewrittenDataFiles: r.rewrittenDataFiles,
      rewrittenBytes: r.rewrittenBytes,
      addedDataFiles: r.addedDataFiles,
      addedBytes: r.addedBytes,
      removedDeleteFiles: r.removedDeleteFiles,
      commits: r.commits,
      failedGroups: r.failedGroups.map((f) => ({ specId: f.group.specId, partition: f.group.partition, files: f.group.files.length, error: why(f.error) })),
      snapshotId: r.table.currentSnapshot()?.snapshotId ?? null,
    })
    return 0
  },
}

/** The maintenance commands. */
export const maintenanceCommands: readonly Command[] = [rewriteDataFilesCommand, expireSnapshotsCommand, removeOrphanFilesCommand]
