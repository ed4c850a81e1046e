// `floe plan <table>`: the scan's FileScanTasks as JSON lines (what an engine would read), plus pruning counts on stderr.
import { parseArgs } from 'node:util'
import { stringifyJson } from '../../src/spec/json/lossless.js'
import { exprToString } from '../../src/expr/format.js'
import { taskToJson } from '../../src/table/task-json.js'
import { atMostPositionals, toPlain, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_USAGE, openTable, SNAPSHOT_OPTIONS, snapshotSelector, TABLE_OPTIONS } from '../table-args.js'

/** The plan command. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'print the planned file scan tasks as JSON lines (no data read)',
  usage: `floe plan <table> [--snapshot-id N | --as-of T | --ref NAME] [--filter EXPR] [--tasks] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...TABLE_OPTIONS, ...SNAPSHOT_OPTIONS, filter: { type: 'string' }, tasks: { type: 'boolean' } } })
    atMostPositionals(positionals, 1, this.usage)
    const table = await openTable(positionals[0], values)
    const selector = snapshotSelector(values)
    const scan = table.scan({ ...(values.filter ? { filter: values.filter } : {}), ...(selector ? { snapshot: selector } : {}) })
    const tasks = await scan.planFiles()
    for (const t of tasks) {
      // --tasks: each whole task as lossless task JSON, which taskFromJson reads back for readTask
      if (values.tasks) {
        io.out(taskToJson(t))
        continue
      }
      io.out(
        stringifyJson(
          toPlain({
            file: t.file,
            dataSequenceNumber: t.dataSequenceNumber,
            deletes: t.deletes.map((d) => ({ content: d.content, filePath: d.filePath, fileFormat: d.fileFormat, recordCount: d.recordCount })),
            specId: t.spec.specId,
            residual: exprToString(t.residual),
            caseSensitive: t.caseSensitive,
            ...(t.readsDeletedRows ? { readsDeletedRows: true } : {}),
          }),
        ),
      )
    }
    const s = scan.stats
    io.err(`planned ${tasks.length} task(s): manifests ${s.manifestsTotal - s.manifestsSkipped}/${s.manifestsTotal} read, data files ${s.dataFilesTotal - s.dataFilesSkipped}/${s.dataFilesTotal} kept, ${s.deleteFiles} delete file(s)`)
    return 0
  },
}
