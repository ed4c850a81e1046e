#!/usr/bin/env node
// The `floe` executable: one small file per subcommand in tools/commands; no logic lives here.
import { runCli } from './run-cli.js'

process.exitCode = await runCli(process.argv.slice(2))
