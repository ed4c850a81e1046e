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
import { processIO, reportError, type CliIO, type Command } from './cli-io.js'

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
]

function help(io: CliIO): void {
  io.out(['usage: floe <command> [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.name.padEnd(22)} ${c.summary}`), '', 'floe <command> --help shows its usage.'].join('\n'))
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
    help(io)
    return 0
  }
  if (!name) {
    // a usage error: the help goes to stderr, stdout stays empty
    help({ ...io, out: io.err })
    return 2
  }
  const cmd = COMMANDS.find((c) => c.name === name)
  if (!cmd) {
    const near = closestCommand(name)
    io.err(`floe: INVALID_ARGUMENT: unknown command ${name}${near ? ` (did you mean ${near}?)` : ''}; floe --help lists the commands`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${cmd.usage}\n\n${cmd.summary}`)
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
