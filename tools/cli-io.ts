// The CLI's seam to the terminal, so commands can be tested in-process.
import { FloeError, InvalidArgumentError } from '../src/errors.js'
import { RawJson, stringifyJson } from '../src/spec/json/lossless.js'

/** Where a command writes. */
export interface CliIO {
  out(text: string): void
  err(text: string): void
  /** True when stdout is an interactive terminal (affects default formats). */
  readonly isTTY: boolean
  /** When stdout cannot take more yet (a slow pipe), a promise of the moment it can; else undefined. */
  backpressure?(): Promise<void> | undefined
  /** Run `work` with a signal that Ctrl-C (SIGINT) or SIGTERM aborts; a second one exits at once (status 130). */
  withInterrupts?<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>
}

/** Run `work` with a signal that SIGINT/SIGTERM abort while it runs (a second signal exits with status 130). */
async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController()
  const onSignal = (name: string): void => {
    if (ac.signal.aborted) process.exit(130)
    process.stderr.write(`floe: ${name}: stopping; nothing is committed unless the commit was already under way (again to exit at once)\n`)
    ac.abort()
  }
  const onInt = (): void => onSignal('SIGINT')
  const onTerm = (): void => onSignal('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  try {
    return await work(ac.signal)
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
  }
}

let stdoutClosed = false
let stdoutGuarded = false

/**
 * When the reader of stdout goes away (`floe scan … | head -1`), writes fail with EPIPE: stop writing and
 * exit with status 0, as Unix tools killed by SIGPIPE do, instead of crashing on an unhandled 'error'.
 */
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE') throw e
  stdoutClosed = true
  process.exit(0)
}

function writeStdout(t: string): void {
  if (stdoutClosed) return
  if (!stdoutGuarded) {
    stdoutGuarded = true
    process.stdout.on('error', onStdoutError)
  }
  process.stdout.write(t.endsWith('\n') ? t : `${t}\n`)
}

/** The process's own terminal; a closed stdout pipe ends the process quietly with status 0. */
export const processIO: CliIO = {
  out: writeStdout,
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: Boolean(process.stdout.isTTY),
  // rows wait for a slow reader instead of piling up in memory (`floe scan | gzip`)
  withInterrupts,
  backpressure: () => (process.stdout.writableNeedDrain && !stdoutClosed ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : undefined),
}

/** A subcommand: parses its own arguments and returns an exit status. */
export interface Command {
  readonly name: string
  readonly summary: string
  readonly usage: string
  run(argv: readonly string[], io: CliIO): Promise<number>
}

/** Convert values for JSON output: bigint stays exact, bytes become hex, Maps become objects. */
export function toPlain(v: unknown): unknown {
  if (v instanceof RawJson) return v
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]))
  if (Array.isArray(v)) return v.map(toPlain)
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = toPlain(x)
    return o
  }
  return v
}

/** Print a value as JSON with exact 64-bit integers. */
export function printJson(io: CliIO, v: unknown, indent = 2): void {
  io.out(stringifyJson(toPlain(v), indent))
}

/** Refuse positional arguments beyond the `max` a command takes (INVALID_ARGUMENT naming them, with the usage). */
export function atMostPositionals(positionals: readonly string[], max: number, usage: string): void {
  if (positionals.length <= max) return
  const extra = positionals.slice(max)
  throw new InvalidArgumentError(`unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => JSON.stringify(a)).join(' ')}; usage: ${usage}`)
}

/** Report an error on stderr with its stable code; returns the exit status to use. */
export function reportError(io: CliIO, e: unknown): number {
  if (e instanceof FloeError) {
    io.err(`floe: ${e.code}: ${e.message}`)
    // ABORTED comes from an interrupt: the shell's status for SIGINT
    return e.code === 'INVALID_ARGUMENT' ? 2 : e.code === 'ABORTED' ? 130 : 1
  }
  io.err(`floe: INTERNAL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  return 70
}
