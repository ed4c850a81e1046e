// A map holds each key once (Spark refuses a repeated key: DUPLICATED_MAP_KEY). A map whose keys repeat is
// INVALID_DATA naming the source, the row and the map column, and nothing is committed: for every key type,
// through Arrow input (where timestamp, time and decimal keys are fresh typed objects and bytes fresh arrays,
// so an identity check never matched) and through row input (where different forms convert to one key:
// '2020-01-01T00:00:00' and '2020-01-01T00:00:00.000', '1.5' and '1.50'). Maps without a repeated key are
// written and read back from the Parquet files exactly.
import { Field, makeData, Map_, RecordBatch, Schema as ArrowSchema, Struct, type Data } from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rowsToRecordBatch } from '../../../src/arrow/batches.js'
import { arrowRows } from '../../../src/arrow/input.js'
import type { Catalog } from '../../../src/catalog/catalog.js'
import { isFloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { daysToIsoDate, microsToIsoTime, microsToIsoTimestamp } from '../../../src/spec/temporal.js'
import { T, field, type IcebergType, type Value } from '../../../src/spec/types.js'
import { bytesToHex, decimalToString, uuidToString } from '../../../src/spec/values.js'
import type { Table } from '../../../src/table/table.js'
import { InvalidDataError, ScaledDecimal, UnitTime, UnitTimestamp } from '../../../src/write/coerce.js'
import { makeCatalog } from '../../support/catalogs.js'

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 40)

/** A key type: small domains (so keys collide often), and the row-input forms of one key. */
interface KeyKind {
  readonly name: string
  readonly type: IcebergType
  readonly key: fc.Arbitrary<Value>
  /** Input forms that all convert to the key `v`. */
  readonly forms: (v: Value) => unknown[]
}

const UUIDS = ['00000000-0000-0000-0000-000000000000', '123e4567-e89b-12d3-a456-426614174000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']
const uuidBytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/-/g, ''), 'hex'))

const KINDS: readonly KeyKind[] = [
  { name: 'string', type: T.string, key: fc.constantFrom('', 'k', 'é'), forms: (v) => [v] },
  { name: 'int', type: T.int, key: fc.integer({ min: -2, max: 2 }), forms: (v) => [v, BigInt(v as number)] },
  { name: 'long', type: T.long, key: fc.bigInt({ min: -2n, max: 2n }), forms: (v) => [v, Number(v)] },
  { name: 'boolean', type: T.boolean, key: fc.boolean(), forms: (v) => [v] },
  { name: 'double', type: T.double, key: fc.constantFrom(0, 1.5, -2, Number.NaN), forms: (v) => [v] },
  { name: 'date', type: T.date, key: fc.integer({ min: -2, max: 2 }), forms: (v) => [v, daysToIsoDate(v as number), new Date((v as number) * 86_400_000)] },
  {
    name: 'time',
    type: T.time,
    key: fc.bigInt({ min: 0n, max: 3n }).map((x) => x * 1000n),
    forms: (v) => [v, microsToIsoTime(v as bigint), microsToIsoTime(v as bigint, 'trim'), new UnitTime((v as bigint) / 1000n, 'ms'), new UnitTime((v as bigint) * 1000n, 'ns')],
  },
  {
    name: 'timestamp',
    type: T.timestamp,
    key: fc.bigInt({ min: -2n, max: 2n }).map((x) => 1_577_836_800_000_000n + x * 1000n),
    forms: (v) => [v, microsToIsoTimestamp(v as bigint), microsToIsoTimestamp(v as bigint, { style: 'trim' }), new UnitTimestamp((v as bigint) / 1000n, 'ms', null)],
  },
  {
    name: 'timestamptz',
    type: T.timestamptz,
    key: fc.bigInt({ min: -2n, max: 2n }).map((x) => x * 1000n),
    forms: (v) => [v, microsToIsoTimestamp(v as bigint, { zone: true }), new Date(Number((v as bigint) / 1000n)), new UnitTimestamp(v as bigint, 'us', 'UTC')],
  },
  {
    name: 'decimal',
    type: T.decimal(9, 2),
    key: fc.bigInt({ min: -3n, max: 3n }).map((x) => x * 50n),
    forms: (v) => [v, decimalToString(v as bigint, 2), `${decimalToString(v as bigint, 2)}0`, new ScaledDecimal((v as bigint) * 10n, 3), new ScaledDecimal(v as bigint, 2)],
  },
  { name: 'uuid', type: T.uuid, key: fc.constantFrom(...UUIDS).map(uuidBytes), forms: (v) => [(v as Uint8Array).slice(), uuidToString(v as Uint8Array)] },
  { name: 'fixed', type: T.fixed(2), key: fc.uint8Array({ minLength: 2, maxLength: 2, max: 1 }), forms: (v) => [(v as Uint8Array).slice()] },
  { name: 'binary', type: T.binary, key: fc.uint8Array({ maxLength: 2, max: 1 }), forms: (v) => [(v as Uint8Array).slice()] },
]

// the identity of a key in a map of its type (bytes by content; a JS Map's SameValueZero otherwise)
const keyId = (v: Value): string => (v instanceof Uint8Array ? `x${bytesToHex(v)}` : typeof v === 'bigint' ? `${v}n` : String(v))

/** Rows of one case: each row's map entries as [key, value]; the `dup` row repeats one of its keys. */
interface Case {
  readonly kind: KeyKind
  readonly maps: readonly (readonly [Value, string][])[]
  /** Index of the row whose map repeats a key (its repeated entry inserted at `at`), or undefined. */
  readonly dup?: { readonly row: number; readonly key: number; readonly at: number; readonly form: number }
}

const caseArb: fc.Arbitrary<Case> = fc.constantFrom(...KINDS).chain((kind) =>
  fc
    .array(
      fc.uniqueArray(kind.key, { minLength: 1, maxLength: 3, selector: keyId }).map((keys) => keys.map((k, i) => [k, `v${i}`] as [Value, string])),
      { minLength: 1, maxLength: 3 },
    )
    .chain((maps) =>
      fc.record(
        {
          kind: fc.constant(kind),
          maps: fc.constant(maps),
          dup: fc.nat(maps.length - 1).chain((row) => fc.record({ row: fc.constant(row), key: fc.nat(maps[row]!.length - 1), at: fc.nat(maps[row]!.length), form: fc.nat(8) })),
        },
        { requiredKeys: ['kind', 'maps'] },
      ),
    ),
)

/** The entries a row gives: its map, with the repeated key (in input form `form`, for row input) inserted. */
function entriesOf(c: Case, row: number, asRowInput: boolean): [unknown, string][] {
  const out: [unknown, string][] = c.maps[row]!.map(([k, v]) => [k, v])
  if (c.dup?.row === row) {
    const k = c.maps[row]![c.dup.key]![0]
    const forms = asRowInput ? c.kind.forms(k) : [k]
    out.splice(c.dup.at, 0, [forms[c.dup.form % forms.length], 'again'])
  }
  return out
}

const catalog = ((): (() => Promise<Catalog>) => {
  let c: Promise<Catalog> | undefined
  return () =>
    (c ??= (async () => {
      const cat = makeCatalog('filesystem')
      await cat.createNamespace('db')
      return cat
    })())
})()

// one table per key type and input kind, appended to run after run (a refused write adds nothing)
const tables = new Map<string, Promise<Table>>()
async function tableFor(kind: KeyKind, input: 'arrow' | 'rows'): Promise<Table> {
  const name = `${kind.name}_${input}`
  let t = tables.get(name)
  if (!t) {
    t = catalog().then((c) => c.createTable(`db.${name}`, { schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'm', T.map(3, kind.type, 4, T.string))]) }))
    tables.set(name, t)
  }
  return t
}

let nextId = 0n

/** An Arrow batch of (id, m) with the map entries exactly as given (repeats included), keys of the Iceberg type's Arrow type. */
function arrowBatch(keyType: IcebergType, rows: readonly { id: bigint; entries: readonly [unknown, string][] }[]): RecordBatch {
  // built as list<struct<key, value>> by floe's own writer, then given the Map type (the same layout)
  const asList = schema([field(1, 'id', T.long, { required: true }), field(2, 'm', T.list(3, T.struct([field(4, 'key', keyType, { required: true }), field(5, 'value', T.string)]), true))])
  const b = rowsToRecordBatch(asList, rows.map((r) => ({ id: r.id, m: r.entries.map(([key, value]) => ({ key: key as Value, value })) })))
  const list = b.data.children[1]!
  const entries = list.children[0]! as Data<Struct>
  const mapType = new Map_(new Field('entries', entries.type, false) as never)
  const m = makeData({ type: mapType, length: list.length, nullCount: 0, valueOffsets: list.valueOffsets as Int32Array, child: entries as never })
  const fields = [b.schema.fields[0]!, new Field('m', mapType, true)]
  return new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: [b.data.children[0]!, m] }))
}

async function check(c: Case, input: 'arrow' | 'rows'): Promise<void> {
  const t = await tableFor(c.kind, input)
  const before = (await t.refresh()).currentSnapshot()?.snapshotId
  const ids = c.maps.map(() => ++nextId)
  const rows = c.maps.map((_, i) => ({ id: ids[i]!, entries: entriesOf(c, i, input === 'rows') }))
  const write = (tt: Table): Promise<Table> =>
    input === 'arrow'
      ? tt.appendRows(arrowRows(arrowBatch(c.kind.type, rows)), { source: 'events' })
      : tt.appendRows(
          rows.map((r) => ({ id: r.id, m: new Map(r.entries) })),
          { source: 'events' },
        )
  // row input cannot hold one key twice in a JS Map: a repeat there is a different form (or a fresh object)
  const sameInJsMap = input === 'rows' && c.dup !== undefined && new Map(rows[c.dup.row]!.entries).size === rows[c.dup.row]!.entries.length - 1
  const refused = c.dup !== undefined && !sameInJsMap
  const fresh = await t.refresh()
  if (refused) {
    const err = await write(fresh).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err, `${c.kind.name} ${input}`).toBeInstanceOf(InvalidDataError)
    expect(isFloeError(err, 'INVALID_DATA')).toBe(true)
    expect((err as InvalidDataError).context).toMatchObject({ file: 'events', row: c.dup!.row + 1, field: 'm' })
    expect((err as Error).message).toMatch(new RegExp(`^Invalid data in events row ${c.dup!.row + 1} column m: the map has the key`))
    expect((await t.refresh()).currentSnapshot()?.snapshotId).toBe(before)
    return
  }
  const written = await write(fresh)
  const got = (await written.scan().toArray()).filter((r) => ids.includes(r.id as bigint)).sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))
  // what the files hold: each map exactly (a repeat of the very same JS value collapsed in the input's own Map)
  const want = rows.map((r) => [...new Map(r.entries)].map(([k, v]) => [keyId(k as Value), v]))
  expect(got.map((r) => [...(r.m as Map<Value, Value>)].map(([k, v]) => [keyId(k), v]))).toEqual(want)
}

describe('maps with a repeated key', () => {
  it('are refused for every key type through Arrow input, naming source, row and column (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => check(c, 'arrow')),
      { numRuns: NUM_RUNS },
    )
  })

  it('are refused for every key type through row input, whatever forms the repeated key takes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, (c) => check(c, 'rows')),
      { numRuns: NUM_RUNS },
    )
  })

  it('the reviewed cases: Arrow timestamp, time, decimal and binary keys, and row-input text forms', async () => {
    const c = await catalog()
    const t = await c.createTable('db.reviewed', { schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'm', T.map(3, T.timestamp, 4, T.string)), field(5, 'n', T.map(6, T.decimal(9, 2), 7, T.string))]) })
    const err = await t
      .appendRows([
        { id: 1n, m: null, n: null },
        { id: 2n, m: new Map([['2020-01-01T00:00:00', 'first'], ['2020-01-01T00:00:00.000', 'second']]), n: null },
      ])
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidDataError)
    expect((err as Error).message).toBe(
      'Invalid data in rows row 2 column m: the map has the keys "2020-01-01T00:00:00" and "2020-01-01T00:00:00.000", which are one timestamp key (a map holds each key once)',
    )
    const err2 = await t.appendRows([{ id: 1n, n: new Map([['1.5', 'first'], ['1.50', 'second']]) }]).catch((e: unknown) => e)
    expect((err2 as InvalidDataError).context).toMatchObject({ file: 'rows', row: 1, field: 'n' })
    // Arrow: a timestamp(ms, UTC) key twice, and a binary key twice
    for (const [type, key] of [
      [T.timestamptz, 5000n],
      [T.time, 5n],
      [T.decimal(9, 2), 5n],
      [T.binary, Uint8Array.of(7)],
    ] as const) {
      const tt = await c.createTable(`db.reviewed_${type.kind}`, { schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'm', T.map(3, type, 4, T.string))]) })
      const e = await tt.appendRows(arrowRows(arrowBatch(type, [{ id: 1n, entries: [[key, 'first'], [key instanceof Uint8Array ? key.slice() : key, 'second']] }]))).catch((x: unknown) => x)
      expect(e, type.kind).toBeInstanceOf(InvalidDataError)
      expect((e as InvalidDataError).context).toEqual({ file: 'Arrow input', row: 1, field: 'm' })
      expect((await tt.refresh()).metadata.snapshots).toHaveLength(0)
    }
  })

  it('compound keys (structs) are compared by value, and float keys after rounding', async () => {
    const c = await catalog()
    const t = await c.createTable('db.compound', {
      schema: schema([field(1, 'm', T.map(2, T.struct([field(3, 'a', T.int, { required: true }), field(4, 'b', T.decimal(5, 1))]), 5, T.string)), field(6, 'f', T.map(7, T.float, 8, T.string))]),
    })
    const err = await t.appendRows([{ m: new Map([[{ a: 1, b: '1.0' }, 'x'], [{ a: 1, b: 10n }, 'y']]) }]).catch((e: unknown) => e)
    expect((err as InvalidDataError).context).toMatchObject({ row: 1, field: 'm' })
    // two doubles that round to one float
    const err2 = await t.appendRows([{ f: new Map([[0.1, 'x'], [Math.fround(0.1), 'y']]) }]).catch((e: unknown) => e)
    expect((err2 as InvalidDataError).context).toMatchObject({ row: 1, field: 'f' })
    expect((err2 as Error).message).toMatch(/the map has the keys 0\.1 and 0\.100000001\d*, which are one float key/)
    const ok = await t.appendRows([{ m: new Map([[{ a: 1, b: '1.0' }, 'x'], [{ a: 1, b: null }, 'y'], [{ a: 2, b: 10n }, 'z']]) }])
    const rows = await ok.scan().toArray()
    expect(rows.flatMap((r) => (r.m ? [...(r.m as Map<Value, Value>)].map(([k, v]) => [k, v]) : []))).toEqual([
      [{ a: 1, b: 10n }, 'x'],
      [{ a: 1, b: null }, 'y'],
      [{ a: 2, b: 10n }, 'z'],
    ])
  })
})
