// Catalog and property commands: set/unset-properties, list, namespaces, create-namespace, drop-table, rename-table, register-table.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { formatIdentifier, formatNamespace } from '../../src/catalog/identifier.js'
import { InvalidArgumentError } from '../../src/errors.js'
import { atMostPositionals, printJson, type Command } from '../cli-io.js'
import { CATALOG_OPTIONS, cliCatalog, keyValues, openWritable } from '../write-args.js'
import { CATALOG_USAGE } from '../table-args.js'

type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }

function parse(argv: readonly string[], extra: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}): Parsed {
  return parseArgs({ args: [...argv], allowPositionals: true, options: { ...CATALOG_OPTIONS, ...extra } }) as Parsed
}

function cat(p: Parsed) {
  return cliCatalog(p.values as { catalog?: string; remap?: string[] })
}

function arg(p: Parsed, i: number, what: string): string {
  const v = p.positionals[i]
  if (!v) throw new InvalidArgumentError(`missing ${what}`)
  return v
}

/** The set-properties command. */
export const setPropertiesCommand: Command = {
  name: 'set-properties',
  summary: 'set table properties in one commit',
  usage: `floe set-properties <ns.table> k=v... ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    const t = await openWritable(p.positionals[0], p.values as { catalog?: string })
    const set = keyValues(p.positionals.slice(1), 'set-properties')
    if (!Object.keys(set).length) throw new InvalidArgumentError('set-properties needs at least one key=value')
    const next = await t.transaction().setProperties(set).commit()
    printJson(io, { table: next.name, properties: next.metadata.properties, metadataLocation: next.metadataLocation })
    return 0
  },
}

/** The unset-properties command. */
export const unsetPropertiesCommand: Command = {
  name: 'unset-properties',
  summary: 'remove table properties in one commit',
  usage: `floe unset-properties <ns.table> key... ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    const t = await openWritable(p.positionals[0], p.values as { catalog?: string })
    const keys = p.positionals.slice(1)
    if (!keys.length) throw new InvalidArgumentError('unset-properties needs at least one key')
    const next = await t.transaction().setProperties({}, keys).commit()
    printJson(io, { table: next.name, properties: next.metadata.properties, metadataLocation: next.metadataLocation })
    return 0
  },
}

/** The list command (tables of a namespace). */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the tables of a namespace',
  usage: `floe list <namespace> ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    atMostPositionals(p.positionals, 1, this.usage)
    const tables = await cat(p).listTables(arg(p, 0, '<namespace>'))
    printJson(io, tables.map(formatIdentifier).sort())
    return 0
  },
}

/** The namespaces command. */
export const namespacesCommand: Command = {
  name: 'namespaces',
  summary: 'list namespaces (under an optional parent)',
  usage: `floe namespaces [<parent>] ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    atMostPositionals(p.positionals, 1, this.usage)
    const nss = await cat(p).listNamespaces(p.positionals[0])
    printJson(io, nss.map(formatNamespace).sort())
    return 0
  },
}

/** The create-namespace command. */
export const createNamespaceCommand: Command = {
  name: 'create-namespace',
  summary: 'create a namespace with properties',
  usage: `floe create-namespace <namespace> [--property k=v]... ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv, { property: { type: 'string', multiple: true } })
    atMostPositionals(p.positionals, 1, this.usage)
    const ns = arg(p, 0, '<namespace>')
    const props = keyValues(p.values.property as string[] | undefined, '--property')
    const c = cat(p)
    await c.createNamespace(ns, props)
    printJson(io, { namespace: ns, properties: await c.loadNamespaceProperties(ns) })
    return 0
  },
}

/** The drop-namespace command. */
export const dropNamespaceCommand: Command = {
  name: 'drop-namespace',
  summary: 'drop an empty namespace (one holding tables, views or namespaces is refused)',
  usage: `floe drop-namespace <namespace> ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    atMostPositionals(p.positionals, 1, this.usage)
    const ns = arg(p, 0, '<namespace>')
    await cat(p).dropNamespace(ns)
    printJson(io, { dropped: ns })
    return 0
  },
}

/** The drop-table command. */
export const dropTableCommand: Command = {
  name: 'drop-table',
  summary: 'drop a table from the catalog; --purge also deletes its files',
  usage: `floe drop-table <ns.table> [--purge] ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv, { purge: { type: 'boolean' } })
    atMostPositionals(p.positionals, 1, this.usage)
    const id = arg(p, 0, '<ns.table>')
    const r = await cat(p).dropTable(id, { purge: Boolean(p.values.purge) })
    const why = (e: unknown): string => (e instanceof Error ? e.message : String(e))
    const left = r.purge ? [...r.purge.undeleted, ...r.purge.unreadable] : []
    // the drop has happened either way; files a purge could not delete or read are listed, and warned about
    for (const f of left) io.err(`floe: warning: ${f.path} was left behind: ${why(f.error)}`)
    printJson(io, {
      dropped: id,
      purged: Boolean(p.values.purge),
      ...(r.purge
        ? {
            deletedFiles: r.purge.deleted,
            undeletedFiles: r.purge.undeleted.map((f) => ({ path: f.path, error: why(f.error) })),
            unreadableFiles: r.purge.unreadable.map((f) => ({ path: f.path, error: why(f.error) })),
          }
        : {}),
    })
    return 0
  },
}

/** The rename-table command. */
export const renameTableCommand: Command = {
  name: 'rename-table',
  summary: 'rename a table (SQL and memory catalogs; filesystem tables cannot move)',
  usage: `floe rename-table <from> <to> ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    atMostPositionals(p.positionals, 2, this.usage)
    const from = arg(p, 0, '<from>')
    const to = arg(p, 1, '<to>')
    await cat(p).renameTable(from, to)
    printJson(io, { renamed: from, to })
    return 0
  },
}

/** The register-table command. */
export const registerTableCommand: Command = {
  name: 'register-table',
  summary: 'adopt an existing metadata file as a catalog table',
  usage: `floe register-table <ns.table> <metadata-file> ${CATALOG_USAGE}`,
  async run(argv, io) {
    const p = parse(argv)
    atMostPositionals(p.positionals, 2, this.usage)
    const id = arg(p, 0, '<ns.table>')
    const file = arg(p, 1, '<metadata-file>')
    const loc = /^[a-z][a-z0-9+.-]*:/i.test(file) ? file : resolve(file)
    const t = await cat(p).registerTable(id, loc)
    printJson(io, { table: t.name, metadataLocation: t.metadataLocation, currentSnapshotId: t.currentSnapshot()?.snapshotId })
    return 0
  },
}

/** Every catalog administration command. */
export const catalogCommands: readonly Command[] = [
  setPropertiesCommand,
  unsetPropertiesCommand,
  listCommand,
  namespacesCommand,
  createNamespaceCommand,
  dropNamespaceCommand,
  dropTableCommand,
  renameTableCommand,
  registerTableCommand,
]
