// `floe create <ns.table>`: a new table from a DDL column list or Iceberg schema JSON, with hidden partitioning and a sort order.
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '../../src/errors.js'
import { parseColumns, parsePartitionSpec, parseSortOrder } from '../../src/spec/ddl.js'
import { jsonRoot } from '../../src/spec/json/json-read.js'
import { parseJson } from '../../src/spec/json/lossless.js'
import { schemaFromJson } from '../../src/spec/json/schema-json.js'
import type { Schema } from '../../src/spec/schema.js'
import type { FormatVersion } from '../../src/spec/table-metadata.js'
import { atMostPositionals, printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_OPTIONS, cliCatalog, keyValues, tableShape } from '../write-args.js'
import { CATALOG_USAGE } from '../table-args.js'

/** Parse --schema: Iceberg schema JSON when it starts with `{`, else a DDL column list. */
export function schemaArg(text: string | undefined): Schema {
  if (!text?.trim()) throw new InvalidArgumentError("--schema is required: a column list such as 'id bigint not null, ts timestamptz' or Iceberg schema JSON")
  return text.trim().startsWith('{') ? schemaFromJson(parseJson(text, '--schema'), jsonRoot('--schema')) : parseColumns(text)
}

/** The create command. */
export const createCommand: Command = {
  name: 'create',
  summary: 'create a table (schema as DDL or JSON, hidden partitioning, sort order, format version, properties)',
  usage:
    `floe create <ns.table> --schema '<DDL or JSON>' [--partition-by 'day(ts), bucket(16, id)'] [--sort-by 'id desc nulls last'] [--format-version 1|2|3] [--property k=v]... [--location L] ${CATALOG_USAGE}`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...CATALOG_OPTIONS,
        schema: { type: 'string' },
        'partition-by': { type: 'string' },
        'sort-by': { type: 'string' },
        'format-version': { type: 'string' },
        property: { type: 'string', multiple: true },
        location: { type: 'string' },
      },
    })
    atMostPositionals(positionals, 1, this.usage)
    const id = positionals[0]
    if (!id) throw new InvalidArgumentError('missing <ns.table>')
    const schema = schemaArg(values.schema)
    // without the flag the API decides: the format-version property when given, else 2 (a flag and property must agree)
    const fv = values['format-version']
    if (fv !== undefined && !['1', '2', '3'].includes(fv)) throw new InvalidArgumentError(`--format-version must be 1, 2 or 3, got ${fv}`, { context: { field: '--format-version' } })
    const catalog = cliCatalog(values)
    const t = await catalog.createTable(id, {
      schema,
      ...(values['partition-by'] ? { spec: parsePartitionSpec(schema, values['partition-by']) } : {}),
      ...(values['sort-by'] ? { sortOrder: parseSortOrder(schema, values['sort-by']) } : {}),
      ...(values.location ? { location: values.location } : {}),
      properties: keyValues(values.property, '--property'),
      ...(fv === undefined ? {} : { formatVersion: Number(fv) as FormatVersion }),
    })
    printJson(io, tableShape(t))
    return 0
  },
}
