// Arrow write input is checked type by type against the table schema before a row is written: a type that
// would change values (Float64 → float, Int64 → int or timestamp, Utf8 → date) is INVALID_DATA naming the
// column and nothing is committed, while widening types are written exactly. A property checks that whatever
// the check accepts is either written exactly or refused value by value.
import { Binary, Field, FixedSizeBinary, Float16, Float32, Float64, Int16, Int32, Int64, Int8, List, RecordBatch, Schema as ArrowSchema, Struct, TimestampMicrosecond, Uint32, Utf8, makeData, vectorFromArray, type DataType } from 'apache-arrow'
import fc from 'fast-check'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { recordBatchToInputRows, rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { arrowRows } from '../../../src/arrow/input.js'
import { checkArrowInputSchema, textColumnsForBinary } from '../../../src/arrow/input-check.js'
import { icebergSchemaToArrow } from '../../../src/arrow/schema.js'
import { FileSystemCatalog } from '../../../src/catalog/filesystem.js'
import { isFloeError } from '../../../src/errors.js'
import { LocalFileIO } from '../../../src/io/local.js'
import { defaultEnv } from '../../../src/env.js'
import { schema, type Schema } from '../../../src/spec/schema.js'
import { T, field, typeToString, type IcebergType, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { InvalidDataError, rowCoercer } from '../../../src/write/coerce.js'
import { primitiveTypeArb } from '../../property/arbitraries/types.js'
import { nonNullValueArb } from '../../property/arbitraries/values.js'
import { makeCatalog, tempDir } from '../../support/catalogs.js'
import { ALL_TYPES } from './fixtures.js'

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200)

/** One Arrow batch with one column `c` of Arrow type `type` holding `values`. */
function batchOf(type: DataType, values: readonly unknown[], name = 'c'): RecordBatch {
  const vec = vectorFromArray(values as unknown[], type)
  const f = new Field(name, type, true)
  return new RecordBatch(new ArrowSchema([f]), makeData({ type: new Struct([f]), length: values.length, nullCount: 0, children: [vec.data[0]!] }))
}

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

function one(t: IcebergType): Schema {
  return schema([field(1, 'c', t)])
}

describe('Arrow input type check', () => {
  it('refuses Arrow types that would change values, naming the column', () => {
    const cases: [DataType, Schema][] = [
      [new Float64(), one(T.float)],
      [new Int64(), one(T.int)],
      [new Int64(), one(T.timestamp)],
      [new Int64(), one(T.double)],
      [new Int32(), one(T.float)],
      [new Utf8(), one(T.date)],
      [new Utf8(), one(T.uuid)],
      [new Uint32(), one(T.int)],
      [new FixedSizeBinary(8), one(T.fixed(4))],
      [new TimestampMicrosecond(), one(T.long)],
      [new TimestampMicrosecond('UTC'), one(T.timestamp)],
      [new TimestampMicrosecond(), one(T.timestamptz)],
    ]
    for (const [type, s] of cases) {
      const e = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('c', type, true)]), s, 'Arrow input'))
      expect(e, `${String(type)} into ${typeToString(s.fields[0]!.type)}`).toBeInstanceOf(InvalidDataError)
      expect((e as InvalidDataError).code).toBe('INVALID_DATA')
      expect((e as InvalidDataError).message).toContain('column c')
      expect((e as InvalidDataError).context).toMatchObject({ field: 'c' })
    }
  })

  it('accepts widening types and floe’s own Arrow form of every type', () => {
    const cases: [DataType, Schema][] = [
      [new Int8(), one(T.int)],
      [new Int16(), one(T.long)],
      [new Int32(), one(T.long)],
      [new Uint32(), one(T.long)],
      [new Float32(), one(T.double)],
      [new Float16(), one(T.float)],
      [new Float16(), one(T.double)],
      [new FixedSizeBinary(16), one(T.uuid)],
      [new FixedSizeBinary(5), one(T.binary)],
    ]
    for (const [type, s] of cases) checkArrowInputSchema(new ArrowSchema([new Field('c', type, true)]), s, 'Arrow input')
    // every primitive and nested type, required and optional
    checkArrowInputSchema(icebergSchemaToArrow(ALL_TYPES), ALL_TYPES, 'Arrow input')
  })

  it('names nested columns and refuses unknown or repeated column names', () => {
    const s = schema([field(1, 's', T.struct([field(2, 'x', T.float)])), field(3, 'l', T.list(4, T.int))])
    const nested = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('s', new Struct([new Field('x', new Float64(), true)]), true)]), s, 'Arrow input'))
    expect((nested as InvalidDataError).context).toMatchObject({ field: 's.x' })
    const element = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('l', new List(new Field('element', new Int64(), true)), true)]), s, 'Arrow input'))
    expect((element as InvalidDataError).context).toMatchObject({ field: 'l.element' })
    const unknown = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('nope', new Int32(), true)]), s, 'Arrow input'))
    expect((unknown as InvalidDataError).message).toContain('no such column')
    const twice = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('l', new List(new Field('element', new Int32(), true)), true), new Field('l', new List(new Field('element', new Int32(), true)), true)]), s, 'Arrow input'))
    expect((twice as InvalidDataError).message).toContain('more than one column named "l"')
  })

  it('fails an append before anything is written or committed, and writes widened values exactly', async () => {
    const dir = tempDir()
    const c = new FileSystemCatalog(defaultEnv(new LocalFileIO()), join(dir, 'wh'))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.long), field(2, 'x', T.float)]) })
    async function* batches(): AsyncGenerator<RecordBatch> {
      // the first batch fits; the second would round 0.1 to 32 bits
      yield rowsToRecordBatch(t.schema(), [{ id: 1n, x: 0.5 }])
      const f = [new Field('id', new Int64(), true), new Field('x', new Float64(), true)]
      yield new RecordBatch(new ArrowSchema(f), makeData({ type: new Struct(f), length: 1, nullCount: 0, children: [vectorFromArray([2n], new Int64()).data[0]!, vectorFromArray([0.1], new Float64()).data[0]!] }))
    }
    const err = await t.appendRows(arrowRows(batches())).catch((e: unknown) => e)
    expect(isFloeError(err) && err.code).toBe('INVALID_DATA')
    expect((err as Error).message).toContain('column x')
    t = await c.loadTable('db.t')
    expect(t.currentSnapshot()).toBeUndefined()
    // no data file is left behind (the table folder holds only its metadata)
    expect(readdirSync(join(dir, 'wh', 'db', 't'), { recursive: true }).filter((n) => String(n).endsWith('.parquet'))).toEqual([])
    // Int32 into long and Float32 into a float column are exact
    const f = [new Field('id', new Int32(), true), new Field('x', new Float32(), true)]
    const ok = new RecordBatch(new ArrowSchema(f), makeData({ type: new Struct(f), length: 2, nullCount: 0, children: [vectorFromArray([7, -8], new Int32()).data[0]!, vectorFromArray([0.1, 3], new Float32()).data[0]!] }))
    t = await t.appendRows(arrowRows(ok))
    const rows = (await t.scan().toArray()).sort((a, b) => Number(a.id) - Number(b.id))
    expect(rows).toEqual([{ id: -8n, x: 3 }, { id: 7n, x: Math.fround(0.1) }])
  })

  it('still reads iterated Arrow rows value by value outside a writer', async () => {
    const rows: unknown[] = []
    for await (const r of arrowRows(batchOf(new Float64(), [1.5, null]))) rows.push(r)
    expect(rows).toEqual([{ c: 1.5 }, { c: null }])
  })
})

// Canonical form of a value of `t`, comparable across the types a check may accept between.
function canon(t: PrimitiveType, v: Value): string {
  if (v === null) return 'null'
  switch (t.kind) {
    case 'int':
    case 'long':
      return `n:${BigInt(v as number | bigint)}`
    case 'float':
    case 'double':
      return `f:${Object.is(v, -0) ? '-0' : String(v)}`
    case 'decimal':
      return `dec:${(v as bigint) * 10n ** BigInt(50 - t.scale)}`
    case 'timestamp':
    case 'timestamptz':
      return `ts:${(v as bigint) * 1000n}`
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return `ts:${v as bigint}`
    case 'uuid':
    case 'fixed':
    case 'binary':
      return `b:${Buffer.from(v as Uint8Array).toString('hex')}`
    default:
      return `${t.kind}:${String(v)}`
  }
}

// Kinds whose conversions the coercer makes exactly or refuses value by value.
const VALUE_CHECKED = new Set(['decimal', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'])

describe('Arrow input type check (property)', () => {
  it('what it accepts is written exactly or refused value by value; a type always fits itself', () => {
    const case_ = fc
      .record({ from: primitiveTypeArb, to: fc.option(primitiveTypeArb, { nil: undefined, freq: 2 }) })
      .chain(({ from, to }) => fc.record({ from: fc.constant(from), to: fc.constant(to ?? from), values: fc.array(fc.option(nonNullValueArb(from), { nil: null }), { maxLength: 8 }) }))
    fc.assert(
      fc.property(case_, ({ from, to, values }) => {
        const batch = rowsToRecordBatch(one(from), values.map((c) => ({ c })))
        const target = one(to)
        let accepted = true
        try {
          checkArrowInputSchema(batch.schema, target, 'Arrow input')
        } catch (e) {
          if (!(e instanceof InvalidDataError)) throw e
          accepted = false
        }
        if (JSON.stringify(from) === JSON.stringify(to)) expect(accepted).toBe(true)
        if (!accepted) return
        const coerce = rowCoercer(target)
        // text into a top-level binary column is written as its UTF-8 bytes, as ArrowRows does
        const asBytes = textColumnsForBinary(batch.schema, target).includes('c')
        recordBatchToInputRows(batch).forEach((raw, i) => {
          const input = asBytes && typeof raw['c'] === 'string' ? { c: new TextEncoder().encode(raw['c']) } : raw
          let out: Value
          try {
            out = coerce(input, i + 1)['c'] as Value
          } catch (e) {
            // only conversions that depend on the value may fail, and only as INVALID_DATA
            expect(e).toBeInstanceOf(InvalidDataError)
            expect(VALUE_CHECKED.has(from.kind) || VALUE_CHECKED.has(to.kind)).toBe(true)
            return
          }
          const v = values[i]!
          expect(canon(to, out)).toBe(asBytes && typeof v === 'string' ? canon(to, new TextEncoder().encode(v)) : canon(from, v))
        })
      }),
      { numRuns: NUM_RUNS },
    )
  })
})

describe('Arrow input: text into binary columns', () => {
  it('writes top-level Utf8 (plain or dictionary) into a binary column as its UTF-8 bytes; nested text stays refused', async () => {
    const { tableFromArrays } = await import('apache-arrow')
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'b', T.binary)]) })
    t = await t.appendRows(arrowRows(tableFromArrays({ b: ['héllo', 'x'] })))
    t = await t.appendRows(arrowRows(batchOf(new Utf8(), ['plain', null], 'b')))
    const got = (await t.scan().toArray()).map((r) => (r.b === null ? null : new TextDecoder().decode(r.b as Uint8Array))).sort()
    expect(got).toEqual(['héllo', 'plain', 'x', null].sort())
    const s = schema([field(1, 's', T.struct([field(2, 'b', T.binary)]))])
    const nested = thrown(() => checkArrowInputSchema(new ArrowSchema([new Field('s', new Struct([new Field('b', new Utf8(), true)]), true)]), s, 'Arrow input'))
    expect((nested as InvalidDataError).context).toMatchObject({ field: 's.b' })
    // bytes into a string column are refused (they need not be text)
    expect(() => checkArrowInputSchema(new ArrowSchema([new Field('c', new Binary(), true)]), one(T.string), 'Arrow input')).toThrow(/column c/)
  })
})

describe('Arrow input type check: empty tables', () => {
  it('checks a Table without batches too, so an empty overwrite with wrong types deletes nothing', async () => {
    const { Table: ArrowTable } = await import('apache-arrow')
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: schema([field(1, 'id', T.int)]) })
    t = await t.appendRows([{ id: 1 }, { id: 2 }])
    const empty = new ArrowTable(new ArrowSchema([new Field('id', new Int64(), true)]))
    const err = await t.overwriteRows(arrowRows(empty), 'id = 1').catch((e: unknown) => e)
    expect(isFloeError(err, 'INVALID_DATA') && (err as Error).message).toMatch(/column id: Arrow type Int64 cannot be written to a int column/)
    expect((await (await c.loadTable('db.t')).scan().toArray()).length).toBe(2)
  })
})
