// `floe describe <table>`: location, format version, schema, partition spec, sort order, properties, current snapshot.
import { parseArgs } from 'node:util'
import { schemaToJson, sortOrderToJson, specToJson } from '../../src/spec/json/schema-json.js'
import { reportedOperation, reportedSummary } from '../../src/spec/snapshot.js'
import { defaultSortOrder } from '../../src/spec/table-metadata.js'
import { atMostPositionals, printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_USAGE, openTable, TABLE_OPTIONS } from '../table-args.js'

/** The describe command. */
export const describeCommand: Command = {
  name: 'describe',
  summary: 'show a table: location, format version, schema, spec, sort order, properties, current snapshot',
  usage: `floe describe <table> ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...TABLE_OPTIONS } })
    atMostPositionals(positionals, 1, this.usage)
    const t = await openTable(positionals[0], values)
    const m = t.metadata
    const cur = t.currentSnapshot()
    printJson(io, {
      metadataLocation: t.metadataLocation,
      location: m.location,
      formatVersion: m.formatVersion,
      tableUuid: m.tableUuid,
      schema: schemaToJson(t.schema()),
      partitionSpec: specToJson(t.spec()),
      sortOrder: sortOrderToJson(defaultSortOrder(m)),
      properties: m.properties,
      currentSnapshot: cur
        ? { snapshotId: cur.snapshotId, timestampMs: cur.timestampMs, operation: reportedOperation(cur), summary: reportedSummary(cur) }
        : null,
      snapshots: m.snapshots.length,
      refs: Object.keys(m.refs),
    })
    return 0
  },
}
