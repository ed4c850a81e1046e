// Run the floe CLI in-process and capture what it prints.
import { runCli } from '../../tools/run-cli.js'
import type { CliIO } from '../../tools/cli-io.js'

/** Captured output of one CLI run. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Run `floe <argv>` in this process. */
export async function floe(...argv: string[]): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const io: CliIO = { out: (t) => void (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t) => void (stderr += t.endsWith('\n') ? t : `${t}\n`), isTTY: false }
  const code = await runCli(argv, io)
  return { code, stdout, stderr }
}
