// `floe alter <ns.table> <change> …`: schema evolution, partition evolution and sort orders, one commit each.
import { parseArgs } from 'node:util'
import { InvalidArgumentError, isFloeError } from '../../src/errors.js'
import { parseColumnPath, parseColumnType, parseSortOrder, parseTransformTerm, parseUnboundTerm } from '../../src/spec/ddl.js'
import { parseJson, type JsonValue } from '../../src/spec/json/lossless.js'
import { schemaToJson, sortOrderToJson, specToJson } from '../../src/spec/json/schema-json.js'
import { fromJsonValue } from '../../src/spec/single-value.js'
import { fieldName, type Schema } from '../../src/spec/schema.js'
import { defaultSortOrder } from '../../src/spec/table-metadata.js'
import type { Transform } from '../../src/spec/transform.js'
import { isPrimitive, typeToString, type DecimalType, type IcebergType, type PrimitiveType, type Value } from '../../src/spec/types.js'
import { decimalFitsPrecision, parseDecimal } from '../../src/spec/values.js'
import type { Table } from '../../src/table/table.js'
import type { Transaction } from '../../src/transaction/transaction.js'
import { atMostPositionals, printJson, type CliIO, type Command } from '../cli-io.js'
import { CATALOG_USAGE } from '../table-args.js'
import { schemaArg } from './create.js'
import { CATALOG_OPTIONS, openWritable } from '../write-args.js'

const OPTIONS = {
  ...CATALOG_OPTIONS,
  first: { type: 'boolean' },
  before: { type: 'string' },
  after: { type: 'string' },
  parent: { type: 'string' },
  doc: { type: 'string' },
  required: { type: 'boolean' },
  optional: { type: 'boolean' },
  default: { type: 'string' },
  type: { type: 'string' },
  name: { type: 'string' },
  'case-insensitive': { type: 'boolean' },
  'allow-incompatible': { type: 'boolean' },
} as const

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : K extends 'remap' ? string[] : string }

/** An option that only some changes take (every change takes --catalog and --remap). */
type ChangeOption = Exclude<keyof typeof OPTIONS, keyof typeof CATALOG_OPTIONS>

/**
 * A type written as in `create --schema` (`bigint`, `decimal(10,2)`, `struct<a: int>`), with the `not null` and
 * `comment '…'` that may follow it; `option` names the argument in errors.
 */
function typeArg(text: string | undefined, option = '<type>'): { type: IcebergType; required: boolean; doc?: string } {
  if (!text) throw new InvalidArgumentError(`missing ${option}`)
  return parseColumnType(text)
}

/** `--parent` and the name for add-column: without --parent a dotted name `st.z` adds z to st (`` `st.z` `` is one name). */
function addColumnTarget(name: string, parent: string | undefined): { parent: string | null; name: string } {
  const quoted = /^[`"]/.test(name)
  if (parent !== undefined) {
    // with --parent the name is one field name: taken as typed, or unquoted when quoted whole
    if (!quoted) return { parent, name }
    const path = parseColumnPath(name)
    if (path.length !== 1) throw new InvalidArgumentError(`With --parent, the column name must be one name, got ${name}`, { context: { field: name } })
    return { parent, name: path[0]! }
  }
  if (!(name.includes('.') || quoted)) return { parent: null, name }
  const path = parseColumnPath(name)
  return { parent: path.length > 1 ? path.slice(0, -1).join('.') : null, name: path[path.length - 1]! }
}

/**
 * The column name a partition term passes to the spec update: as typed, so the update resolves it with its own case
 * rule, or with --case-insensitive the column the term resolves to (exact match first, then the only
 * case-insensitive one), so `A` still means `A` when `a` exists too.
 */
function termSource(schema: Schema, term: string, caseInsensitive: boolean | undefined): { transform: Transform; source: string } {
  const { transform, sourceName } = parseTransformTerm(schema, term)
  return { transform, source: caseInsensitive ? sourceName : parseUnboundTerm(term).path.join('.') }
}

/**
 * The --default value of `column`, read by the column's type: string columns take the text as is (a quoted
 * JSON string literal is unquoted); int, long and decimal columns read the digits exactly (a decimal may
 * have fewer fraction digits than its scale); other types take Iceberg's JSON single-value form, where a
 * bare word stands for a JSON string (dates, times, uuids, hex). A value that does not fit is INVALID_ARGUMENT.
 */
function valueArg(type: IcebergType, text: string, column: string): Value {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`--default for column ${column}: cannot use ${JSON.stringify(text)} as ${typeToString(type)}: ${why}`, { context: { field: column } })
  }
  const unquoted = jsonStringLiteral(text)
  try {
    switch (type.kind) {
      case 'string':
        return unquoted ?? text
      case 'int':
      case 'long': {
        const digits = (unquoted ?? text).trim()
        if (!/^[+-]?\d+$/.test(digits)) return bad('expected an integer')
        return fromJsonValue(type, BigInt(digits))
      }
      case 'decimal':
        return decimalArg(type, (unquoted ?? text).trim(), bad)
      default:
        return fromJsonValue(type, unquoted ?? jsonOrText(text))
    }
  } catch (e) {
    if (!isFloeError(e, 'INVALID_METADATA')) throw e
    return bad(e.message.replace(/^Cannot parse JSON single value as [^:]*: /, ''))
  }
}

/** The content of `text` when it is exactly one JSON string literal, else undefined. */
function jsonStringLiteral(text: string): string | undefined {
  const t = text.trim()
  if (t.length < 2 || !t.startsWith('"') || !t.endsWith('"')) return undefined
  try {
    const v = parseJson(t, '--default')
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

/** JSON when `text` parses as JSON, else the text itself as a JSON string. */
function jsonOrText(text: string): JsonValue {
  try {
    return parseJson(text, '--default')
  } catch {
    return text
  }
}

/** The unscaled value of decimal text for `type`, exact: fewer fraction digits are padded, extra ones must be zeros. */
function decimalArg(type: DecimalType, text: string, bad: (why: string) => never): bigint {
  let d: { unscaled: bigint; scale: number }
  try {
    d = parseDecimal(text)
  } catch {
    return bad('expected a decimal number')
  }
  let v = d.unscaled
  let scale = d.scale
  if (v === 0n) return 0n
  while (scale > type.scale && v % 10n === 0n) [v, scale] = [v / 10n, scale - 1]
  if (scale > type.scale) return bad(`more than ${type.scale} fraction digits`)
  // a huge exponent can never fit the precision; stop before building its power of ten
  if (type.scale - scale > 80) return bad(`more than ${type.precision} digits`)
  v *= 10n ** BigInt(type.scale - scale)
  if (!decimalFitsPrecision(v, type.precision)) return bad(`more than ${type.precision} digits`)
  return v
}

type Change = (tx: Transaction, t: Table, a: readonly string[], v: Values) => 'schema' | 'spec' | 'sort'

const move = (u: { moveFirst(n: string): unknown; moveBefore(n: string, b: string): unknown; moveAfter(n: string, a: string): unknown }, name: string, v: Values): boolean => {
  const given = [v.first, v.before, v.after].filter((x) => x !== undefined && x !== false).length
  if (given > 1) throw new InvalidArgumentError('use only one of --first, --before, --after')
  if (v.first) u.moveFirst(name)
  else if (v.before) u.moveBefore(name, v.before)
  else if (v.after) u.moveAfter(name, v.after)
  return given === 1
}

const schemaOpts = (v: Values) => ({ ...(v['case-insensitive'] ? { caseSensitive: false } : {}), ...(v['allow-incompatible'] ? { allowIncompatibleChanges: true } : {}) })

const MOVE = ['first', 'before', 'after'] as const

/** A change: its usage after the name, how many arguments it takes, the options it takes, and what it records. */
interface ChangeDef {
  readonly usage: string
  readonly args: number
  readonly options: readonly ChangeOption[]
  readonly run: Change
}

const CHANGES: Record<string, ChangeDef> = {
  'add-column': {
    usage: '<name> <type> [--parent P] [--doc D] [--required] [--default V] [--allow-incompatible] [--first | --before C | --after C] [--case-insensitive]',
    args: 2,
    options: ['parent', 'doc', 'required', 'default', 'allow-incompatible', ...MOVE, 'case-insensitive'],
    run: (tx, _t, [nameText, typeText], v) => {
      // `int not null comment 'd'` is --required --doc d, as in SQL's ADD COLUMN; given both ways, they must agree
      const { type, required, doc } = typeArg(typeText)
      if (doc !== undefined && v.doc !== undefined && doc !== v.doc) throw new InvalidArgumentError(`add-column: the type's comment and --doc differ; give the doc once`, { context: { field: '--doc' } })
      const { parent, name } = addColumnTarget(nameText!, v.parent)
      const full = parent === null ? name : `${parent}.${name}`
      const dflt = v.default === undefined ? undefined : valueArg(type, v.default, full)
      const docText = v.doc ?? doc
      tx.updateSchema((u) => {
        u.addColumn(parent, name, type, { ...(docText ? { doc: docText } : {}), ...(v.required || required ? { required: true } : {}), ...(dflt !== undefined ? { initialDefault: dflt } : {}) })
        move(u, full, v)
      }, schemaOpts(v))
      return 'schema'
    },
  },
  'drop-column': { usage: '<name> [--case-insensitive]', args: 1, options: ['case-insensitive'], run: (tx, _t, [n], v) => (tx.updateSchema((u) => void u.deleteColumn(n!), schemaOpts(v)), 'schema') },
  'rename-column': { usage: '<name> <new-name> [--case-insensitive]', args: 2, options: ['case-insensitive'], run: (tx, _t, [n, to], v) => (tx.updateSchema((u) => void u.renameColumn(n!, to!), schemaOpts(v)), 'schema') },
  'update-column': {
    usage: '<name> [--type T] [--doc D] [--optional | --required] [--default V] [--allow-incompatible] [--case-insensitive]',
    args: 1,
    options: ['type', 'doc', 'optional', 'required', 'default', 'allow-incompatible', 'case-insensitive'],
    run: (tx, t, [n], v) => {
      if (v.optional && v.required) throw new InvalidArgumentError('use only one of --optional, --required')
      if (v.type === undefined && v.doc === undefined && !v.optional && !v.required && v.default === undefined) throw new InvalidArgumentError('update-column needs --type, --doc, --optional, --required or --default')
      tx.updateSchema((u) => {
        if (v.type !== undefined) {
          const { type, required, doc } = typeArg(v.type, '--type')
          if (required) throw new InvalidArgumentError(`update-column --type takes a type only: use --required instead of "not null" (got ${v.type})`, { context: { field: '--type' } })
          if (doc !== undefined) throw new InvalidArgumentError(`update-column --type takes a type only: use --doc instead of comment (got ${v.type})`, { context: { field: '--type' } })
          if (!isPrimitive(type)) throw new InvalidArgumentError(`update-column --type takes a primitive type, got ${v.type}`)
          u.updateColumn(n!, type as PrimitiveType)
        }
        if (v.doc !== undefined) u.updateColumnDoc(n!, v.doc)
        if (v.optional) u.makeColumnOptional(n!)
        if (v.required) u.requireColumn(n!)
        if (v.default !== undefined) {
          const f = u.result()
          const col = findColumn(f, n!)
          u.updateColumnDefault(n!, valueArg(col, v.default, n!))
        }
      }, schemaOpts(v))
      void t
      return 'schema'
    },
  },
  'move-column': {
    usage: '<name> (--first | --before C | --after C) [--case-insensitive]',
    args: 1,
    options: [...MOVE, 'case-insensitive'],
    run: (tx, _t, [n], v) => {
      tx.updateSchema((u) => {
        if (!move(u, n!, v)) throw new InvalidArgumentError('move-column needs --first, --before C or --after C')
      }, schemaOpts(v))
      return 'schema'
    },
  },
  'set-identifier-fields': {
    usage: "<col>[,<col>…] [--case-insensitive]   ('' clears them)",
    args: 1,
    options: ['case-insensitive'],
    run: (tx, _t, [cols], v) => (tx.updateSchema((u) => void u.setIdentifierFields(cols!.split(',').map((c) => c.trim()).filter(Boolean)), schemaOpts(v)), 'schema'),
  },
  'union-by-name': { usage: "'<schema: DDL or JSON>' [--case-insensitive]", args: 1, options: ['case-insensitive'], run: (tx, _t, [s], v) => (tx.updateSchema((u) => void u.unionByNameWith(schemaArg(s)), schemaOpts(v)), 'schema') },
  'add-partition-field': {
    usage: "'<term: col | day(ts) | bucket(16, id) | truncate(4, s) …>' [--name N] [--case-insensitive]",
    args: 1,
    options: ['name', 'case-insensitive'],
    run: (tx, t, [term], v) => {
      const bound = termSource(t.schema(), term!, v['case-insensitive'])
      tx.updateSpec((u) => void u.addField(bound, v.name))
      return 'spec'
    },
  },
  'drop-partition-field': {
    usage: "<partition field name | 'term such as bucket(16, id)'> [--case-insensitive]",
    args: 1,
    options: ['case-insensitive'],
    run: (tx, t, [what], v) => {
      if (/\(/.test(what!)) {
        const bound = termSource(t.schema(), what!, v['case-insensitive'])
        tx.updateSpec((u) => void u.removeField(bound))
      } else tx.updateSpec((u) => void u.removeField(what!), v['case-insensitive'] ? { caseSensitive: false } : {})
      return 'spec'
    },
  },
  'rename-partition-field': { usage: '<name> <new-name>', args: 2, options: [], run: (tx, _t, [n, to]) => (tx.updateSpec((u) => void u.renameField(n!, to!)), 'spec') },
  'replace-sort-order': {
    usage: "'<sort list such as id desc nulls last, day(ts)>'   ('' leaves the table unsorted)",
    args: 1,
    options: [],
    run: (tx, t, [text]) => {
      const order = text!.trim() ? parseSortOrder(t.schema(), text!) : { orderId: 0, fields: [] }
      tx.replaceSortOrder((o) => {
        for (const f of order.fields) {
          // the column's full name: nested sources (`st.x`) bind as well as top-level ones
          const source = fieldName(t.schema(), f.sourceId)!
          if (f.direction === 'asc') o.asc({ transform: f.transform, source }, f.nullOrder)
          else o.desc({ transform: f.transform, source }, f.nullOrder)
        }
      })
      return 'sort'
    },
  },
}

function findColumn(schema: { fields: readonly { name: string; type: IcebergType }[] }, path: string): IcebergType {
  let fields = schema.fields
  let type: IcebergType | undefined
  for (const part of path.split('.')) {
    const f = fields.find((x) => x.name === part)
    if (!f) throw new InvalidArgumentError(`Unknown column ${path}`)
    type = f.type
    fields = f.type.kind === 'struct' ? f.type.fields : []
  }
  return type!
}

const changeUsage = (change: string, c: ChangeDef): string => `floe alter <ns.table> ${change} ${c.usage} ${CATALOG_USAGE}`

/**
 * Check the words after `<table> <change>` and the options given against what the change takes: a missing or
 * extra argument, or an option the change does not use, is INVALID_ARGUMENT naming it (before the table is opened).
 */
function checkChangeArgs(change: string, c: ChangeDef, positionals: readonly string[], values: Values): void {
  const usage = changeUsage(change, c)
  if (positionals.length < 2 + c.args) throw new InvalidArgumentError(`missing arguments: ${usage}`)
  atMostPositionals(positionals, 2 + c.args, usage)
  const takes = new Set<string>([...Object.keys(CATALOG_OPTIONS), ...c.options])
  const stray = Object.keys(values).filter((k) => !takes.has(k))
  if (stray.length)
    throw new InvalidArgumentError(`${stray.map((k) => `--${k}`).join(', ')} ${stray.length === 1 ? 'does' : 'do'} not apply to alter ${change}; usage: ${usage}`, { context: { field: `--${stray[0]!}` } })
}

/** The alter command. */
export const alterCommand: Command = {
  name: 'alter',
  summary: 'evolve a table: columns, identifier fields, partition fields, sort order (prints the new schema, spec or sort order)',
  usage: [`floe alter <ns.table> <change> <argument>... [<option>...] ${CATALOG_USAGE}`, 'changes, with the arguments and options each takes:', ...Object.entries(CHANGES).map(([k, c]) => `  ${k} ${c.usage}`)].join('\n'),
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS })
    const [ref, change] = positionals
    const c = change === undefined || !Object.hasOwn(CHANGES, change) ? undefined : CHANGES[change]
    if (!c) throw new InvalidArgumentError(`alter needs a change: ${Object.keys(CHANGES).join(', ')}${change ? ` (got ${change})` : ''}`)
    checkChangeArgs(change!, c, positionals, values as Values)
    const t = await openWritable(ref, values)
    const tx = t.transaction()
    const what = c.run(tx, t, positionals.slice(2), values as Values)
    const next = await tx.commit()
    const m = next.metadata
    printJson(io, {
      table: next.name,
      metadataLocation: next.metadataLocation,
      ...(what === 'schema' ? { schema: schemaToJson(next.schema()) } : what === 'spec' ? { partitionSpec: specToJson(next.spec()) } : { sortOrder: sortOrderToJson(defaultSortOrder(m)) }),
    })
    return 0
  },
}
