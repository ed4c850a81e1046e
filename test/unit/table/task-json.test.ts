// A FileScanTask as lossless JSON text: real planned tasks (partition values of every primitive type, column
// stats, deletion vectors, position and equality deletes, name mappings, residual literals) come back equal and
// read the same rows; random tagged values round-trip exactly; bad text and values JSON cannot carry are refused.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../../src/env.js'
import { FloeError, isFloeError } from '../../../src/errors.js'
import { equal, isIn, isNaN, NumberText, or, type Expression } from '../../../src/expr/expression.js'
import { parseColumns, parsePartitionSpec } from '../../../src/spec/ddl.js'
import { NAME_MAPPING_PROPERTY } from '../../../src/spec/properties.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { readTask } from '../../../src/table/read.js'
import type { FileScanTask } from '../../../src/table/task.js'
import { decodeTagged, encodeTagged, taskFromJson, taskToJson, TASK_JSON_VERSION } from '../../../src/table/task-json.js'
import { writeDataFiles } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'
import { writeParquet } from '../parquet/parquet-files.js'

/** Where `a` and `b` differ, strictly: bigint vs number, -0 vs 0 (Object.is), bytes, Map order, key order; undefined when identical. */
function difference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array)) return `${path}: bytes vs non-bytes`
    return a.length === b.length && a.every((x, i) => x === b[i]) ? undefined : `${path}: bytes [${a.join()}] vs [${b.join()}]`
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map)) return `${path}: Map vs non-Map`
    const ea = [...a]
    const eb = [...b]
    if (ea.length !== eb.length) return `${path}: ${ea.length} vs ${eb.length} map entries`
    for (let i = 0; i < ea.length; i++) {
      const d = difference(ea[i]![0], eb[i]![0], `${path}<key ${i}>`) ?? difference(ea[i]![1], eb[i]![1], `${path}<value ${i}>`)
      if (d) return d
    }
    return undefined
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs non-array`
  const ka = Object.keys(a)
  const kb = Object.keys(b as object)
  if (ka.join('\u0000') !== kb.join('\u0000')) return `${path}: keys [${ka.join()}] vs [${kb.join()}]`
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`)
    if (d) return d
  }
  return undefined
}

/** Paths of properties whose value is undefined (a task should have none: optional properties are left out). */
function undefinedProperties(v: unknown, path = '$', out: string[] = []): string[] {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return out
  if (v instanceof Map) for (const [k, x] of v) undefinedProperties(x, `${path}<${String(k)}>`, out)
  else for (const [k, x] of Object.entries(v)) x === undefined ? out.push(`${path}.${k}`) : undefinedProperties(x, `${path}.${k}`, out)
  return out
}

async function rowsOf(env: Env, task: FileScanTask): Promise<unknown[]> {
  const rows: unknown[] = []
  for await (const r of readTask(env, task)) rows.push(r)
  return rows
}

/** Every task survives taskToJson → taskFromJson exactly and reads the same rows; returns all rows read. */
async function expectRoundTrips(env: Env, tasks: readonly FileScanTask[]): Promise<unknown[]> {
  const all: unknown[] = []
  for (const task of tasks) {
    expect(undefinedProperties(task)).toEqual([])
    const text = taskToJson(task)
    expect(text.startsWith(`{"floe-task":${TASK_JSON_VERSION},"task":{`)).toBe(true)
    const back = taskFromJson(text)
    expect(back).toEqual(task)
    expect(difference(back, task)).toBeUndefined()
    expect(taskToJson(back)).toBe(text)
    const want = await rowsOf(env, task)
    const got = await rowsOf(env, back)
    expect(got).toEqual(want)
    expect(difference(got, want)).toBeUndefined()
    all.push(...want)
  }
  return all
}

function errorOf(f: () => unknown): FloeError {
  try {
    f()
  } catch (e) {
    if (isFloeError(e)) return e
    throw e
  }
  throw new Error('expected a FloeError')
}

describe('real tasks round-trip through taskToJson / taskFromJson', () => {
  it('v3: partition values of every primitive type, column stats, a deletion vector, _row_id/_pos, residual literals', async () => {
    const s = schema([
      field(1, 'id', T.long, { required: true }),
      field(2, 'b', T.boolean),
      field(3, 'i', T.int),
      field(4, 'l', T.long),
      field(5, 'f', T.float),
      field(6, 'd', T.double),
      field(7, 'dt', T.date),
      field(8, 'tm', T.time),
      field(9, 'ts', T.timestamp),
      field(10, 'tstz', T.timestamptz),
      field(11, 'tsns', T.timestampNs),
      field(12, 'dec', T.decimal(9, 2)),
      field(13, 's', T.string),
      field(14, 'u', T.uuid),
      field(15, 'fx', T.fixed(3)),
      field(16, 'bin', T.binary),
      field(17, 'x', T.double),
      field(18, 'y', T.binary),
      field(19, 'z', T.long),
      field(20, 'w', T.string),
    ])
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: s, spec: parsePartitionSpec(s, 'b, i, l, f, d, dt, tm, ts, tstz, tsns, dec, s, u, fx, bin'), formatVersion: 3 })
    // rows k and k + 10 share a partition; NaN and -0.0 appear as partition values (f, d) and data (x)
    const row = (id: number, k: number) => ({
      id: BigInt(id),
      b: k % 2 === 0,
      i: k,
      l: 9007199254740993n + BigInt(k),
      f: k === 1 ? NaN : 1.5,
      d: k === 1 ? -0 : 2.5,
      dt: `2024-01-0${k}`,
      tm: '12:00:00.000001',
      ts: '2024-01-01T00:00:00.123456',
      tstz: '2024-01-01T00:00:00Z',
      tsns: '2024-01-01T00:00:00.123456789',
      dec: `-12.3${k}`,
      s: `é$${k}`,
      u: 'f79c3e09-677c-4bbd-a479-3f349cb785e7',
      fx: new Uint8Array([1, 2, k]),
      bin: new Uint8Array([k, 255]),
      x: k === 1 ? NaN : k === 2 ? -0 : id,
      y: new Uint8Array([k, k]),
      z: BigInt(id) * 10n ** 17n,
      w: `w${id}`,
    })
    t = await t.appendRows([row(1, 1), row(11, 1), row(2, 2), row(12, 2), row(3, 3), row(13, 3)])
    t = await t.deleteRows('id = 13 or id = 11', { mode: 'merge-on-read' })
    const filter: Expression = or(
      or(equal('y', new Uint8Array([1, 1])), isIn('z', [300000000000000000n, 9223372036854775807n])),
      or(isIn('w', ['w12', "q'\u0000"]), or(equal('x', -0), isNaN('x'))),
    )
    const scan = t.scan({ filter, select: ['id', 'x', 'tsns', '_row_id', '_pos'], includeColumnStats: true })
    const tasks = await scan.planFiles()
    expect(tasks).toHaveLength(3)
    expect(tasks.some((k) => k.deletes.some((d) => d.fileFormat === 'PUFFIN'))).toBe(true)
    expect(tasks.every((k) => k.file.lowerBounds instanceof Map && k.file.columnSizes instanceof Map)).toBe(true)
    const text = taskToJson(tasks[0]!)
    for (const tag of ['$bigint', '$bytes', '$map', '$number']) expect(text).toContain(`"${tag}"`)
    const rows = await expectRoundTrips(t.env, tasks)
    expect(rows.map((r) => (r as { id: bigint }).id).sort((a, b) => (a < b ? -1 : 1))).toEqual([1n, 2n, 3n, 12n])
    // every partition tuple value kept its exact type: NaN, -0, bigint, bytes
    const p = taskFromJson(taskToJson(tasks.find((k) => k.file.partition[1] === 1)!)).file.partition
    expect(Number.isNaN(p[3])).toBe(true)
    expect(Object.is(p[4], -0)).toBe(true)
    expect(p[2]).toBe(9007199254740994n)
    expect(p[11]).toBe('é$1')
    expect(p[13]).toEqual(new Uint8Array([1, 2, 1]))
    // the residual literals: bytes, longs beyond 2^53, -0.0, strings
    const r = JSON.stringify(encodeTagged(taskFromJson(taskToJson(tasks[0]!)).residual))
    expect(r).toContain('{"$bytes":"AQE="}')
    expect(r).toContain('{"$bigint":"9223372036854775807"}')
    expect(r).toContain('{"$number":"-0"}')
  })

  it('v2: position deletes, equality deletes and the equality columns of a dropped column', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint, kind string, amount decimal(20, 4)'), formatVersion: 2 })
    t = await t.appendRows([
      { id: 1n, kind: 'ok', amount: '1.5' },
      { id: 2n, kind: 'spam', amount: '2' },
      { id: 3n, kind: 'ok', amount: '-3.25' },
      { id: 4n, kind: 'ok', amount: '12345678901234.5678' },
    ])
    t = await t.deleteRows('id = 3', { mode: 'merge-on-read' })
    const kindId = t.schema().fields.find((f) => f.name === 'kind')!.id
    const [eq] = await writeDataFiles(t.env, { metadata: t.metadata }, [{ id: null, kind: 'spam', amount: null }])
    t = await t.transaction().rowDelta({ addDeletes: [{ ...eq!, content: 'equality-deletes', equalityIds: [kindId] }] }).commit()
    t = await t.transaction().updateSchema((u) => u.deleteColumn('kind')).commit()
    const tasks = await t.scan({ filter: 'amount > 1', includeColumnStats: true }).planFiles()
    expect(tasks).toHaveLength(1)
    expect(tasks[0]!.deletes.map((d) => d.content).sort()).toEqual(['equality-deletes', 'position-deletes'])
    expect(tasks[0]!.equalityColumns?.fields.map((f) => f.name)).toEqual(['kind'])
    const rows = await expectRoundTrips(t.env, tasks)
    expect(rows).toEqual([
      { id: 1n, amount: 15000n },
      { id: 4n, amount: 123456789012345678n },
    ])
  })

  it('a file without field ids, read through the name mapping', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const s = schema([field(1, 'id', T.long), field(2, 'name', T.string)])
    const mapping = '[{"field-id":1,"names":["id","ID"]},{"field-id":2,"names":["name","name_old"]}]'
    let t = await c.createTable('db.t', { schema: s, formatVersion: 2, properties: { [NAME_MAPPING_PROPERTY]: mapping } })
    const bytes = writeParquet(
      [
        { name: 'hive_schema', num_children: 2 },
        { name: 'ID', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'name_old', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      [
        { name: 'ID', data: [1n, 2n] },
        { name: 'name_old', data: ['a', null] },
      ],
    )
    const filePath = `${t.metadata.location}/data/no-ids.parquet`
    await t.env.io.write(filePath, bytes)
    t = await t.append([{ content: 'data', filePath, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 2n, fileSizeInBytes: BigInt(bytes.length) }])
    const tasks = await t.scan({ filter: "name = 'a' or name is null", caseSensitive: false }).planFiles()
    expect(tasks[0]!.nameMapping).toBe(mapping)
    expect(await expectRoundTrips(t.env, tasks)).toEqual([
      { id: 1n, name: 'a' },
      { id: 2n, name: null },
    ])
  })
})

// ---- random values

const TAG_KEYS = ['$bigint', '$bytes', '$map', '$number', '$object', '$', '$x', '__proto__', 'floe-task', 'task']
const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(...TAG_KEYS))
const mapKey = fc.oneof(fc.integer(), fc.bigInt(), fc.string({ maxLength: 4 }), fc.double())
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(), // includes NaN, ±Infinity, -0
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e21, Number.MAX_VALUE, 5e-324),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.string({ maxLength: 6 }),
    fc.constantFrom(...TAG_KEYS),
    fc.uint8Array({ maxLength: 7 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
    // an object whose only key starts with `$` (or is a tag name)
    fc.tuple(fc.constantFrom(...TAG_KEYS), tie('value')).map(([k, v]) => ({ [k]: v })),
    fc.array(fc.tuple(mapKey, tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
}))

describe('tagged values', () => {
  it('property: random values round-trip exactly (encodeTagged → JSON text → decodeTagged, and inside a task)', () => {
    const base = { file: { content: 'data', filePath: 'f', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 1n, fileSizeInBytes: 1n }, dataSequenceNumber: 0n, deletes: [], spec: { specId: 0, fields: [] }, schema: { schemaId: 0, fields: [], identifierFieldIds: [] }, projectedIds: [], residual: { kind: 'true' }, caseSensitive: true }
    fc.assert(
      fc.property(value, (v) => {
        const back = decodeTagged(JSON.parse(JSON.stringify(encodeTagged(v))))
        expect(difference(back, v)).toBeUndefined()
        const task = { ...base, file: { ...base.file, partition: [v] }, extra: v } as unknown as FileScanTask
        expect(difference(taskFromJson(taskToJson(task)), task)).toBeUndefined()
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 500) },
    )
  })

  it('escapes objects with one `$` key and leaves others alone', () => {
    expect(encodeTagged({ $bigint: '1' })).toEqual({ $object: { $bigint: '1' } })
    expect(encodeTagged({ $object: { a: 1 } })).toEqual({ $object: { $object: { a: 1 } } })
    expect(encodeTagged({ $bigint: '1', a: undefined })).toEqual({ $object: { $bigint: '1' } })
    expect(encodeTagged({ $bigint: '1', a: 2 })).toEqual({ $bigint: '1', a: 2 })
    expect(encodeTagged({ a$: 1 })).toEqual({ a$: 1 })
    expect(decodeTagged({ $object: { $bigint: '1' } })).toEqual({ $bigint: '1' })
    expect(decodeTagged({ $bigint: '1', a: 2 })).toEqual({ $bigint: '1', a: 2 })
  })

  it('writes each kind of value as documented and leaves out undefined properties', () => {
    const m = new Map<unknown, unknown>([
      [1, 2n],
      [3n, new Uint8Array([255])],
      ['k', -0],
    ])
    expect(JSON.stringify(encodeTagged({ a: undefined, b: [NaN, Infinity, -Infinity, -0, 0, 1.5], m }))).toBe(
      '{"b":[{"$number":"NaN"},{"$number":"Infinity"},{"$number":"-Infinity"},{"$number":"-0"},0,1.5],"m":{"$map":[[1,{"$bigint":"2"}],[{"$bigint":"3"},{"$bytes":"/w=="}],["k",{"$number":"-0"}]]}}',
    )
    const proto = decodeTagged(JSON.parse('{"__proto__":{"$bigint":"5"},"a":1}')) as Record<string, unknown>
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
    expect(Object.hasOwn(proto, '__proto__') && proto['__proto__']).toBe(5n)
  })
})

// ---- refusals

describe('bad input', () => {
  const task = {
    file: { content: 'data', filePath: 'f', fileFormat: 'PARQUET', specId: 0, partition: [1n, new Uint8Array([1, 2])], recordCount: 1n, fileSizeInBytes: 1n },
    dataSequenceNumber: 0n,
    deletes: [],
    spec: { specId: 0, fields: [] },
    schema: { schemaId: 0, fields: [{ id: 1, name: 'a', required: false, type: { kind: 'long' } }], identifierFieldIds: [] },
    projectedIds: [1],
    residual: { kind: 'literal', op: 'eq', term: { name: 'a' }, value: 5n },
    caseSensitive: true,
  } as unknown as FileScanTask
  const text = taskToJson(task)
  const edited = (edit: (root: Record<string, any>) => void): string => {
    const root = JSON.parse(text) as Record<string, any>
    edit(root)
    return JSON.stringify(root)
  }
  const refused = (t: string, code: string, field: string, message?: RegExp): void => {
    const e = errorOf(() => taskFromJson(t, 'tasks/7.json'))
    expect(e.code).toBe(code)
    expect(e.context).toMatchObject({ file: 'tasks/7.json', field })
    expect(e.message).toContain(field)
    expect(e.message).toContain('tasks/7.json')
    if (message) expect(e.message).toMatch(message)
  }

  it('a wrong or missing version marker', () => {
    refused(edited((r) => (r['floe-task'] = 2)), 'UNSUPPORTED_VERSION', 'floe-task', /version 2/)
    refused(edited((r) => delete r['floe-task']), 'INVALID_JSON', 'floe-task', /version marker/)
    refused(edited((r) => (r['floe-task'] = '1')), 'INVALID_JSON', 'floe-task')
    expect(errorOf(() => taskFromJson('[1]')).code).toBe('INVALID_JSON')
    expect(errorOf(() => taskFromJson(JSON.stringify(task, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)))).message).toContain('floe-task')
  })

  it('truncated or malformed text', () => {
    for (const t of [text.slice(0, -3), text.slice(0, 40), '', '{"floe-task":1,"task":{]}']) {
      const e = errorOf(() => taskFromJson(t, 'tasks/7.json'))
      expect(e.code).toBe('INVALID_JSON')
      expect(e.context.file).toBe('tasks/7.json')
      expect(e.message).toMatch(/line 1 column \d+/)
    }
  })

  it('unknown tags and bad tag contents, naming the path', () => {
    refused(text.replace('{"$bigint":"1"}', '{"$bigInt":"1"}'), 'INVALID_JSON', 'task.file.partition[0].$bigInt', /unknown tag/)
    refused(text.replace('{"$bytes":"AQI="}', '{"$bytes":"AQ=I"}'), 'INVALID_JSON', 'task.file.partition[1].$bytes', /base64/)
    refused(text.replace('{"$bytes":"AQI="}', '{"$bytes":"AQJ="}'), 'INVALID_JSON', 'task.file.partition[1].$bytes', /base64/)
    refused(text.replace('{"$bytes":"AQI="}', '{"$bytes":[1,2]}'), 'INVALID_JSON', 'task.file.partition[1].$bytes')
    for (const bad of ['"1.5"', '"01"', '"-0"', '"12a"', '" 1"', '""', '1']) {
      refused(text.replace('{"$bigint":"5"}', `{"$bigint":${bad}}`), 'INVALID_JSON', 'task.residual.value.$bigint', /integer/)
    }
    refused(text.replace('{"$bigint":"5"}', '{"$number":"nan"}'), 'INVALID_JSON', 'task.residual.value.$number')
    refused(text.replace('{"$bigint":"5"}', '{"$map":[[1]]}'), 'INVALID_JSON', 'task.residual.value.$map[0]')
    refused(text.replace('{"$bigint":"5"}', '{"$map":[[1,2],[1,3]]}'), 'INVALID_JSON', 'task.residual.value.$map[1][0]', /duplicate/)
    refused(text.replace('{"$bigint":"5"}', '{"$object":[1]}'), 'INVALID_JSON', 'task.residual.value.$object')
  })

  it('a task missing or mistyping a required field', () => {
    refused(edited((r) => delete r.task.file.filePath), 'INVALID_JSON', 'task.file.filePath', /missing required string/)
    refused(edited((r) => (r.task.file.recordCount = 1)), 'INVALID_JSON', 'task.file.recordCount', /expected bigint/)
    refused(edited((r) => (r.task.deletes = {})), 'INVALID_JSON', 'task.deletes', /array/)
    refused(edited((r) => (r.task.deletes = [{ filePath: 'x' }])), 'INVALID_JSON', 'task.deletes[0].content')
    refused(edited((r) => delete r.task.schema.fields), 'INVALID_JSON', 'task.schema.fields')
    refused(edited((r) => (r.task.schema.fields[0].type = 'long')), 'INVALID_JSON', 'task.schema.fields[0].type')
    refused(edited((r) => (r.task.projectedIds = ['1'])), 'INVALID_JSON', 'task.projectedIds', /integer field ids/)
    refused(edited((r) => delete r.task.residual.kind), 'INVALID_JSON', 'task.residual.kind')
    refused(edited((r) => (r.task.caseSensitive = 'yes')), 'INVALID_JSON', 'task.caseSensitive', /boolean/)
    refused(edited((r) => delete r.task.dataSequenceNumber), 'INVALID_JSON', 'task.dataSequenceNumber')
    refused(edited((r) => (r.task.nameMapping = 1)), 'INVALID_JSON', 'task.nameMapping')
    refused(edited((r) => (r.task = [])), 'INVALID_JSON', 'task')
    refused(edited((r) => delete r.task), 'INVALID_JSON', 'task', /missing required task/)
  })

  it('values JSON cannot carry, refused on write with their path', () => {
    const withValue = (v: unknown): FileScanTask => ({ ...task, residual: { kind: 'literal', op: 'eq', term: { name: 'a' }, value: v } }) as unknown as FileScanTask
    const cases: Array<[unknown, RegExp]> = [
      [new Date(0), /a Date/],
      [new Set([1]), /a Set/],
      [new NumberText('1.5'), /a NumberText/],
      [() => 1, /a function/],
      [Symbol('s'), /a symbol/],
      [new Uint16Array([1]), /a Uint16Array/],
      [[1, undefined], /undefined/],
    ]
    for (const [v, message] of cases) {
      const e = errorOf(() => taskToJson(withValue(v)))
      expect(e.code).toBe('INVALID_ARGUMENT')
      expect(e.message).toMatch(message)
      expect(e.context.field).toMatch(/^residual\.value/)
      expect(e.message).toContain(String(e.context.field))
    }
    expect(errorOf(() => taskToJson(withValue([1, undefined]))).context.field).toBe('residual.value[1]')
    expect(errorOf(() => taskToJson({ ...task, file: { ...task.file, partition: [1n, new Set() as never] } })).context.field).toBe('file.partition[1]')
    expect(errorOf(() => taskToJson({ ...task, file: { ...task.file, lowerBounds: new Map([[1, new Date(0) as never]]) } })).context.field).toBe('file.lowerBounds[0].value')
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(errorOf(() => taskToJson(withValue(cycle))).message).toMatch(/circular reference at 'residual\.value\.self'/)
    // shared (not circular) objects are fine
    const shared = { a: 1 }
    expect(taskFromJson(taskToJson(withValue([shared, shared]))).residual).toEqual({ kind: 'literal', op: 'eq', term: { name: 'a' }, value: [{ a: 1 }, { a: 1 }] })
  })

  it('what taskToJson writes at its nesting limit, taskFromJson reads back', () => {
    let deep: unknown = 1n
    for (let i = 0; i < 480; i++) deep = i % 3 === 0 ? new Map([[i, deep]]) : i % 3 === 1 ? { $x: deep } : [deep]
    const t = { ...task, extra: deep } as unknown as FileScanTask
    expect(difference(taskFromJson(taskToJson(t)), t)).toBeUndefined()
    let deeper: unknown = 1
    for (let i = 0; i < 600; i++) deeper = [deeper]
    expect(errorOf(() => taskToJson({ ...task, extra: deeper } as unknown as FileScanTask)).message).toMatch(/nesting too deep/)
    expect(errorOf(() => taskFromJson(`{"floe-task":1,"task":${'['.repeat(1100)}${']'.repeat(1100)}}`)).message).toMatch(/nesting too deep/)
  })
})
