// A FileScanTask as versioned, lossless JSON text, so engines can ship tasks to other processes or machines:
// `{"floe-task":1,"task":{…}}`, where values JSON cannot hold exactly are tagged objects with one `$` key:
//   bigint → {"$bigint":"123"}          Uint8Array → {"$bytes":"<base64>"}
//   Map → {"$map":[[k,v],…]}            NaN, Infinity, -Infinity, -0 → {"$number":"NaN"|"Infinity"|"-Infinity"|"-0"}
//   a plain object whose only key starts with `$` → {"$object":{…}} (so a tag is never ambiguous).
// Undefined properties are left out; any other value (class instance, Set, Date, function, symbol,
// undefined array element, cycle) is refused. Pure: no I/O.
import { FloeError, InvalidArgumentError } from '../errors.js'
import { at, jsonRoot, pathString, type JsonPath } from '../spec/json/json-read.js'
import { parseJsonLossless } from '../spec/json/lossless.js'
import { setOwn } from '../spec/own.js'
import { base64ToBytes, bytesToBase64 } from '../spec/values.js'
import type { FileScanTask } from './task.js'

/** The version written in the `floe-task` marker of taskToJson's text. */
export const TASK_JSON_VERSION = 1

/** A JSON tree as encodeTagged produces it (no bigint, no non-finite number, no -0). */
export type TaggedJson = null | boolean | number | string | TaggedJson[] | { [key: string]: TaggedJson }

/** A scan task as versioned, lossless JSON text (`{"floe-task":1,"task":…}`); INVALID_ARGUMENT naming the path of a value JSON cannot carry. */
export function taskToJson(task: FileScanTask): string {
  return JSON.stringify({ 'floe-task': TASK_JSON_VERSION, task: encodeTagged(task) })
}

/** The scan task written by taskToJson; INVALID_JSON naming `file` and the field when the text is not one, UNSUPPORTED_VERSION for another version. */
export function taskFromJson(text: string, file?: string): FileScanTask {
  let tree: unknown
  try {
    tree = JSON.parse(text)
  } catch (e) {
    parseJsonLossless(text, file) // throws INVALID_JSON with the line and column
    throw new FloeError('INVALID_JSON', `Invalid JSON: ${(e as Error).message}`, { cause: e, context: file === undefined ? {} : { file } })
  }
  const root = jsonRoot(file)
  if (!isObject(tree)) bad(root, 'expected a JSON object with a "floe-task" version marker')
  const version = tree['floe-task']
  if (version === undefined) bad(at(root, 'floe-task'), 'not a floe task: missing the "floe-task" version marker')
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) bad(at(root, 'floe-task'), 'expected a positive integer version')
  if (version !== TASK_JSON_VERSION) {
    throw new FloeError('UNSUPPORTED_VERSION', `Cannot read floe task JSON version ${version} (floe reads version ${TASK_JSON_VERSION})`, {
      context: file === undefined ? { field: 'floe-task' } : { file, field: 'floe-task' },
    })
  }
  const p = at(root, 'task')
  if (tree.task === undefined) bad(p, 'missing required task object')
  return checkTask(decodeAt(tree.task, p, 0), p)
}

/**
 * A value as a JSON tree with every value JSON cannot hold exactly tagged (see the top of this file);
 * INVALID_ARGUMENT naming the value's path (from `path`, e.g. `file.partition[2]`) for values it cannot carry.
 */
export function encodeTagged(v: unknown, path?: string): TaggedJson {
  return encode(v, path === undefined || path === '' ? jsonRoot() : at(jsonRoot(), path), new Set(), 0)
}

/** The value of an encodeTagged tree (as JSON.parse returns it); INVALID_JSON naming `file` and the field for a bad tag. */
export function decodeTagged(tree: unknown, file?: string): unknown {
  return decodeAt(tree, jsonRoot(file), 0)
}

// ---- encoding

// Each value level becomes at most two JSON levels (a tag and its content), so what encodes also decodes.
const MAX_ENCODE_DEPTH = 500
const MAX_DEPTH = 2 * MAX_ENCODE_DEPTH + 2

function refuse(p: JsonPath, message: string): never {
  const field = pathString(p)
  throw new InvalidArgumentError(`Cannot write a task as JSON: ${message} at ${field ? `'${field}'` : 'the root'}`, { context: { field } })
}

function describe(v: object): string {
  const c = (v as { constructor?: { name?: unknown } }).constructor
  return typeof c === 'function' && typeof c.name === 'string' && c.name ? `a ${c.name}` : 'a non-plain object'
}

function encode(v: unknown, p: JsonPath, ancestors: Set<object>, depth: number): TaggedJson {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return v
      return { $number: Object.is(v, -0) ? '-0' : String(v) }
    case 'bigint':
      return { $bigint: v.toString() }
    case 'object':
      if (v === null) return null
      break
    default:
      return refuse(p, `cannot carry ${v === undefined ? 'undefined' : `a ${typeof v}`}`)
  }
  if (v instanceof Uint8Array) return { $bytes: bytesToBase64(v) }
  if (ancestors.has(v)) refuse(p, 'circular reference')
  if (depth > MAX_ENCODE_DEPTH) refuse(p, 'nesting too deep')
  ancestors.add(v)
  let out: TaggedJson
  if (Array.isArray(v)) {
    const a: TaggedJson[] = new Array<TaggedJson>(v.length)
    for (let i = 0; i < v.length; i++) a[i] = encode(v[i], at(p, i), ancestors, depth + 1)
    out = a
  } else if (v instanceof Map) {
    const entries: TaggedJson[] = []
    let i = 0
    for (const [k, x] of v) {
      const e = at(p, i++)
      entries.push([encode(k, at(e, 'key'), ancestors, depth + 1), encode(x, at(e, 'value'), ancestors, depth + 1)])
    }
    out = { $map: entries }
  } else {
    const proto: unknown = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) refuse(p, `cannot carry ${describe(v)}`)
    if (Object.getOwnPropertySymbols(v).some((s) => Object.prototype.propertyIsEnumerable.call(v, s))) refuse(p, 'cannot carry a symbol key')
    const o: { [key: string]: TaggedJson } = {}
    let count = 0
    let last = ''
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k]
      if (x === undefined) continue
      setOwn(o, k, encode(x, at(p, k), ancestors, depth + 1))
      count++
      last = k
    }
    out = count === 1 && last.startsWith('$') ? { $object: o } : o
  }
  ancestors.delete(v)
  return out
}

// ---- decoding

const BIGINT_TEXT = /^(?:0|-?[1-9]\d*)$/
const NUMBERS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }

function bad(p: JsonPath, message: string): never {
  const field = pathString(p)
  throw new FloeError('INVALID_JSON', `Invalid floe task JSON: ${message} (field '${field}')`, {
    context: p.file === undefined ? { field } : { file: p.file, field },
  })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function decodeAt(v: unknown, p: JsonPath, depth: number): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'number' && !Number.isFinite(v)) bad(p, 'expected a finite number') // only a caller's tree can hold one
    if (typeof v === 'bigint' || typeof v === 'undefined' || typeof v === 'function' || typeof v === 'symbol') bad(p, `expected a JSON value, got ${typeof v}`)
    return v
  }
  if (depth > MAX_DEPTH) bad(p, 'nesting too deep')
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length)
    for (let i = 0; i < v.length; i++) out[i] = decodeAt(v[i], at(p, i), depth + 1)
    return out
  }
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  if (keys.length === 1 && keys[0]!.startsWith('$')) return decodeTag(keys[0]!, o[keys[0]!], at(p, keys[0]!), depth + 1)
  return decodeObject(o, keys, p, depth)
}

function decodeObject(o: Record<string, unknown>, keys: readonly string[], p: JsonPath, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) setOwn(out, k, decodeAt(o[k], at(p, k), depth + 1))
  return out
}

function decodeTag(tag: string, v: unknown, p: JsonPath, depth: number): unknown {
  switch (tag) {
    case '$bigint':
      if (typeof v !== 'string' || !BIGINT_TEXT.test(v)) bad(p, 'expected the decimal digits of an integer')
      return BigInt(v)
    case '$bytes': {
      const bytes = typeof v === 'string' ? base64ToBytes(v) : undefined
      if (bytes === undefined) bad(p, 'expected standard base64 text')
      return bytes
    }
    case '$number':
      if (typeof v !== 'string' || !Object.hasOwn(NUMBERS, v)) bad(p, 'expected "NaN", "Infinity", "-Infinity" or "-0"')
      return NUMBERS[v]
    case '$map': {
      if (!Array.isArray(v)) bad(p, 'expected an array of [key, value] entries')
      const m = new Map<unknown, unknown>()
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i]
        const ep = at(p, i)
        if (!Array.isArray(e) || e.length !== 2) bad(ep, 'expected a [key, value] entry')
        const k = decodeAt(e[0], at(ep, 0), depth + 1)
        if (m.has(k)) bad(at(ep, 0), 'duplicate map key')
        m.set(k, decodeAt(e[1], at(ep, 1), depth + 1))
      }
      return m
    }
    case '$object':
      if (!isObject(v)) bad(p, 'expected a JSON object')
      return decodeObject(v, Object.keys(v), p, depth)
    default:
      return bad(p, `unknown tag '${tag}' (an object whose only key starts with '$' must be written as {"$object":{…}})`)
  }
}

// ---- the shape of a decoded task

type Check = (v: unknown) => boolean
const isString: Check = (v) => typeof v === 'string'
const isBigint: Check = (v) => typeof v === 'bigint'
const isBoolean: Check = (v) => typeof v === 'boolean'
const isInteger: Check = (v) => typeof v === 'number' && Number.isInteger(v)
const isArray: Check = Array.isArray

function need(o: Record<string, unknown>, key: string, ok: Check, what: string, p: JsonPath): unknown {
  const v = o[key]
  if (!ok(v)) bad(at(p, key), v === undefined ? `missing required ${what}` : `expected ${what}`)
  return v
}

function needObject(o: Record<string, unknown>, key: string, p: JsonPath): Record<string, unknown> {
  return need(o, key, isObject, 'object', p) as Record<string, unknown>
}

function optional(o: Record<string, unknown>, key: string, ok: Check, what: string, p: JsonPath): void {
  if (o[key] !== undefined) need(o, key, ok, what, p)
}

function checkDataFile(f: unknown, p: JsonPath): void {
  if (!isObject(f)) bad(p, 'expected a data file object')
  need(f, 'content', isString, 'string', p)
  need(f, 'filePath', isString, 'string', p)
  need(f, 'fileFormat', isString, 'string', p)
  need(f, 'specId', isInteger, 'integer', p)
  need(f, 'partition', isArray, 'array', p)
  need(f, 'recordCount', isBigint, 'bigint', p)
  need(f, 'fileSizeInBytes', isBigint, 'bigint', p)
}

function checkFields(o: Record<string, unknown>, key: string, p: JsonPath): void {
  const s = needObject(o, key, p)
  const fields = need(s, 'fields', isArray, 'array', at(p, key)) as unknown[]
  for (let i = 0; i < fields.length; i++) {
    const fp = at(at(at(p, key), 'fields'), i)
    const f = fields[i]
    if (!isObject(f)) bad(fp, 'expected a field object')
    need(f, 'id', isInteger, 'integer', fp)
    need(f, 'name', isString, 'string', fp)
    needObject(f, 'type', fp)
  }
}

function checkTask(t: unknown, p: JsonPath): FileScanTask {
  if (!isObject(t)) bad(p, 'expected a task object')
  checkDataFile(needObject(t, 'file', p), at(p, 'file'))
  need(t, 'dataSequenceNumber', isBigint, 'bigint', p)
  const deletes = need(t, 'deletes', isArray, 'array', p) as unknown[]
  for (let i = 0; i < deletes.length; i++) checkDataFile(deletes[i], at(at(p, 'deletes'), i))
  need(needObject(t, 'spec', p), 'fields', isArray, 'array', at(p, 'spec'))
  checkFields(t, 'schema', p)
  need(t, 'projectedIds', (v) => Array.isArray(v) && v.every(isInteger), 'array of integer field ids', p)
  need(needObject(t, 'residual', p), 'kind', isString, 'string', at(p, 'residual'))
  need(t, 'caseSensitive', isBoolean, 'boolean', p)
  if (t.partitionType !== undefined) checkFields(t, 'partitionType', p)
  optional(t, 'readsDeletedRows', isBoolean, 'boolean', p)
  optional(t, 'nameMapping', isString, 'string', p)
  if (t.equalityColumns !== undefined) checkFields(t, 'equalityColumns', p)
  return t as unknown as FileScanTask
}
