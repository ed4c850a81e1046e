// The `floe` command dispatcher (testable in-process); tools/cli.ts is the executable entry.
import { describeCommand } from './commands/describe.js'
import { inspectCommand } from './commands/inspect.js'
import { metadataTableCommands } from './commands/metadata-tables.js'
import { planCommand } from './commands/plan.js'
import { scanCommand } from './commands/scan.js'
import { createCommand } from './commands/create.js'
import { alterCommand } from './commands/alter.js'
import { appendCommand, deleteCommand, overwriteCommand } from './commands/write.js'
import { cherryPickCommand, refCommands } from './commands/refs.js'
import { catalogCommands } from './commands/catalog-admin.js'
import { maintenanceCommands } from './commands/maintenance.js'
import { InvalidArgumentError } from '../src/errors.js'
import { atMostPositionals, processIO, reportError, type CliIO, type Command } from './cli-io.js'

const HELP_USAGE = 'floe help [<command>]'

/** Every subcommand, by name. */
export const COMMANDS: readonly Command[] = [
  inspectCommand,
  describeCommand,
  scanCommand,
  planCommand,
  ...metadataTableCommands,
  createCommand,
  alterCommand,
  appendCommand,
  overwriteCommand,
  deleteCommand,
  ...refCommands,
  cherryPickCommand,
  ...catalogCommands,
  ...maintenanceCommands,
]

function help(io: CliIO): void {
  io.out(['usage: floe <command> [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.name.padEnd(22)} ${c.summary}`), '', 'floe help <command> (or floe <command> --help) shows its usage.'].join('\n'))
}

/** One command's help: its usage, then what it does. */
function commandHelp(io: CliIO, cmd: Command): void {
  io.out(`usage: ${cmd.usage}\n\n${cmd.summary}`)
}

/** The command called `name`, or INVALID_ARGUMENT naming it (with the closest command as a hint). */
function findCommand(name: string): Command {
  const cmd = COMMANDS.find((c) => c.name === name)
  if (cmd) return cmd
  const near = closestCommand(name)
  throw new InvalidArgumentError(`unknown command ${name}${near ? ` (did you mean ${near}?)` : ''}; floe --help lists the commands`)
}

/** The command whose name is within two edits of `name` (the closest), for a typo hint. */
function closestCommand(name: string): string | undefined {
  let best: string | undefined
  let bestD = 3
  for (const c of COMMANDS) {
    const d = editDistance(name, c.name)
    if (d < bestD) [best, bestD] = [c.name, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}

/** Run the CLI with `argv` (without node and script); returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    // `floe help <command>` is `floe <command> --help`; an unknown name is a usage error as `floe <name>` is
    const names = rest.filter((a) => a !== '--help' && a !== '-h')
    try {
      atMostPositionals(names, 1, HELP_USAGE)
      if (names[0] === undefined) help(io)
      else commandHelp(io, findCommand(names[0]))
      return 0
    } catch (e) {
      return reportError(io, e)
    }
  }
  if (!name) {
    // a usage error: the help goes to stderr, stdout stays empty
    help({ ...io, out: io.err })
    return 2
  }
  let cmd: Command
  try {
    cmd = findCommand(name)
  } catch (e) {
    return reportError(io, e)
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    commandHelp(io, cmd)
    return 0
  }
  try {
    return await cmd.run(rest, io)
  } catch (e) {
    if (e instanceof TypeError && /ERR_PARSE_ARGS/.test(String((e as { code?: string }).code))) {
      // an option parseArgs refused is a usage error like any other: the stable code, then the usage
      io.err(`floe: INVALID_ARGUMENT: ${name}: ${e.message}\nusage: ${cmd.usage}`)
      return 2
    }
    return reportError(io, e)
  }
}
