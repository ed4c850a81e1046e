// The DML × evolution property: random histories that interleave row-level writes (merge appends, copy-on-write
// and merge-on-read deletes, overwrites by filter, dynamic partition overwrites) with schema evolution (add with
// and without a v3 initial default, rename, widen, drop, required → optional), partition spec evolution (add and
// remove fields; v1 removal leaves a void transform) and format upgrades (v1 → v2 → v3), on a memory-catalog
// table that starts at v1, v2 or v3 with a random spec. An in-memory model keyed by the `id` column predicts
// every step; after each one:
//   - the current schema and default spec are the model's (ids, names, types, nullability; sources, transforms, names);
//   - a full scan returns exactly the model's rows projected through the current schema (renamed columns keep
//     their values, dropped ones disappear, added ones read null or their initial default, widened values widen);
//   - a scan with a random filter returns the model's rows that match it;
//   - time travel to every earlier snapshot returns that snapshot's rows under THAT SNAPSHOT'S schema (the
//     snapshot's `schema-id`, as Java's SnapshotUtil.schemaFor / SnapshotScan.useSnapshot and floe's
//     resolveReadPoint): the model records each snapshot's rows, projected through the schema current when it
//     was committed, and later schema changes do not alter them;
//   - invalid operations (dropping a partition source or the identifier column, renaming onto or adding an
//     existing name, narrowing a type, a duplicate or inapplicable partition transform, defaults before v3,
//     a required column without default, a downgrade, a filter on a missing column, a null in a required
//     column, making the identifier optional) throw a FloeError and leave the table's metadata untouched.
// Filter semantics. Row-level deletes and overwrites affect a row only where the filter is TRUE in SQL's
// three-valued logic (README, src/expr/sql-true.ts). Scans use Iceberg's two-valued semantics as floe documents
// them (src/expr/eval-row.ts): NOT is pushed down first (Java RewriteNot), a null matches `is null` and the
// negated forms `!=`, `not in`, `not like`, and no other comparison.
// Dynamic overwrite replaces the files of the current spec whose partition tuple a new row lands in
// (everything when the spec has no non-void field: Java BaseReplacePartitions); the model therefore tracks the
// file (write call × partition) and spec of every row: copy-on-write rewrites every file holding a matching row
// into the current spec, merge-on-read leaves files in place. Specs are identified as Java reuses them
// (PartitionSpec.compatibleWith: sources, transforms, names).
// Time travel also binds a filter to the snapshot's schema (the id column by the name it had then), and the
// filtered scan of each step projects a random subset of columns (which may leave out the filter's columns).
// Besides the random histories, hand-written ones (EXAMPLES) always run: each operation kind and each invalid
// kind at least once, and the spec interactions of dynamic overwrite that random histories rarely reach; a
// tally checks at the end that every kind really succeeded (or was refused) somewhere.
// FC_NUM_RUNS sets the number of random histories (default 150, about 15 s on 2 cores); fast-check prints
// the seed and the shrunk history of a failure, and the error message lists the operations as floe saw them.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { testEnv } from '../../src/env.js'
import { FloeError } from '../../src/errors.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import type { FormatVersion } from '../../src/spec/table-metadata.js'
import { applyTransform } from '../../src/spec/transform-apply.js'
import { parseTransform, transformToString } from '../../src/spec/transform.js'
import { field, T, typeToString, type PrimitiveType, type Value } from '../../src/spec/types.js'
import { decimalToString } from '../../src/spec/values.js'
import type { Table } from '../../src/table/table.js'
import { rng } from './evolution-model.js'

const runs = Number(process.env.FC_NUM_RUNS ?? 150)

// ---------------------------------------------------------------------------------------------------------
// Values and filters

/** Column names the program uses (a dropped name may come back as a new column with a new id). */
const NAMES = ['id', 'i', 'q', 'f', 'd', 's', 'dt', 'x', 'y', 'z'] as const
const ADD_TYPES: PrimitiveType[] = [T.int, T.long, T.float, T.double, T.string, T.decimal(5, 2), T.date]

/**
 * A random value of `t` from a small domain (so filters and partitions hit), exact in float. Longs, doubles and
 * wide decimals also take values outside what an int, a float or decimal(7, 2) holds: after a widening, new
 * files then hold values beyond the old files' bounds.
 */
function valueFor(t: PrimitiveType, r: () => number): Value {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!
  switch (t.kind) {
    case 'int':
      return pick([-2, -1, 0, 1, 2, 3])
    case 'long':
      return pick([-2n, -1n, 0n, 1n, 2n, 3n, 1n << 33n, -(1n << 33n)])
    case 'float':
      return pick([-2, -1.5, -0.5, 0, 0.5, 1, 2])
    case 'double':
      return pick([-1.75, -0.5, 0, 0.1, 0.25, 0.5, 2, 1e300])
    case 'decimal':
      return pick([-300n, -125n, -25n, 0n, 50n, 75n, 200n, 300n, ...(t.precision >= 10 ? [123456789n, -(10n ** 9n)] : [])])
    case 'date':
      return 19722 + Math.floor(r() * 6) // 2023-12-31 .. 2024-01-05
    case 'string':
      return pick(['', 'a', 'ab', 'b', 'ba', 'c', 'é', 'éa'])
    default:
      throw new Error(`no values for ${t.kind}`)
  }
}

/** A value written (or defaulted) under an older type, read as `t` (int → long widens to bigint). */
function readAs(v: Value, t: PrimitiveType): Value {
  if (v === null) return null
  if (t.kind === 'long' && typeof v === 'number') return BigInt(v)
  return v
}

/** The literals a filter on a column of type `t` compares with. */
function literals(t: PrimitiveType): Value[] {
  switch (t.kind) {
    case 'int':
      return [-1, 0, 2, 3]
    case 'long':
      return [-1, 0, 2, 3, 2147483648n, -(1n << 33n)] // beyond int: old files of a widened int column hold only ints
    case 'float':
      return [-1.5, 0, 0.5, 2]
    case 'double':
      return [-1.5, 0, 0.5, 2, 0.1, 1e300] // 0.1 is no float; 1e300 beyond float
    case 'decimal':
      return [-125n, 0n, 75n, 200n, 99999n] // 999.99: the largest decimal(5, 2)
    case 'date':
      return [19722, 19724, 19727]
    default:
      return ['a', 'ab', 'b', 'é', 'c']
  }
}

function litText(t: PrimitiveType, v: Value): string {
  if (t.kind === 'decimal') return decimalToString(v as bigint, t.scale)
  if (t.kind === 'date') return `'${new Date((v as number) * 86_400_000).toISOString().slice(0, 10)}'`
  if (t.kind === 'string') return `'${v as string}'`
  return String(v)
}

const LEAF_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is null', 'is not null', 'like', 'not like'] as const
type LeafOp = (typeof LEAF_OPS)[number]
const NEG: Record<LeafOp, LeafOp> = {
  '=': '!=',
  '!=': '=',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
  in: 'not in',
  'not in': 'in',
  'is null': 'is not null',
  'is not null': 'is null',
  like: 'not like',
  'not like': 'like',
}

/** A filter shape: column and literal are indexes into the schema current when it is used. */
type FS = { kind: 'leaf'; col: number; op: number; lit: number } | { kind: 'and' | 'or'; l: FS; r: FS } | { kind: 'not'; c: FS }
/** A filter resolved against a schema: `text` is what floe parses. */
type RF = { kind: 'leaf'; colId: number; op: LeafOp; lits: Value[]; text: string } | { kind: 'and' | 'or'; l: RF; r: RF; text: string } | { kind: 'not'; c: RF; text: string }

const leafArb: fc.Arbitrary<FS> = fc.record({ kind: fc.constant('leaf' as const), col: fc.nat(20), op: fc.nat(23), lit: fc.nat(9) })
const filterArb: fc.Arbitrary<FS> = fc.oneof(
  { weight: 3, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), l: leafArb, r: leafArb }) },
  { weight: 1, arbitrary: leafArb.map((c): FS => ({ kind: 'not', c })) },
)

function cmp(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0 // BMP only: UTF-16 order = UTF-8 order
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as number | bigint)
    const y = BigInt(b as number | bigint)
    return x < y ? -1 : x > y ? 1 : 0
  }
  return (a as number) - (b as number)
}

/** A leaf on a non-null value (both semantics agree there). */
function leafOn(op: LeafOp, v: Value, lits: Value[]): boolean {
  const c = cmp(v, lits[0]!)
  switch (op) {
    case '=':
      return c === 0
    case '!=':
      return c !== 0
    case '<':
      return c < 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    case '>=':
      return c >= 0
    case 'in':
      return lits.some((l) => cmp(v, l) === 0)
    case 'not in':
      return !lits.some((l) => cmp(v, l) === 0)
    case 'is null':
      return false
    case 'is not null':
      return true
    case 'like':
      return (v as string).startsWith(lits[0] as string)
    case 'not like':
      return !(v as string).startsWith(lits[0] as string)
  }
}

type Get = (colId: number) => Value

/** SQL three-valued logic (null = unknown): what row-level deletes and overwrites use. */
function holds3(f: RF, get: Get): boolean | null {
  switch (f.kind) {
    case 'leaf': {
      const v = get(f.colId)
      if (f.op === 'is null') return v === null
      if (f.op === 'is not null') return v !== null
      return v === null ? null : leafOn(f.op, v, f.lits)
    }
    case 'and': {
      const a = holds3(f.l, get)
      const b = holds3(f.r, get)
      return a === false || b === false ? false : a === null || b === null ? null : true
    }
    case 'or': {
      const a = holds3(f.l, get)
      const b = holds3(f.r, get)
      return a === true || b === true ? true : a === null || b === null ? null : false
    }
    case 'not': {
      const a = holds3(f.c, get)
      return a === null ? null : !a
    }
  }
}

/** Iceberg's two-valued scan semantics as floe evaluates them: NOT pushed down, null matches only `is null` and negated forms. */
function holds2(f: RF, get: Get, neg = false): boolean {
  switch (f.kind) {
    case 'leaf': {
      const op = neg ? NEG[f.op] : f.op
      const v = get(f.colId)
      if (v === null) return op === 'is null' || op === '!=' || op === 'not in' || op === 'not like'
      return leafOn(op, v, f.lits)
    }
    case 'and':
      return neg ? holds2(f.l, get, true) || holds2(f.r, get, true) : holds2(f.l, get) && holds2(f.r, get)
    case 'or':
      return neg ? holds2(f.l, get, true) && holds2(f.r, get, true) : holds2(f.l, get) || holds2(f.r, get)
    case 'not':
      return holds2(f.c, get, !neg)
  }
}

// ---------------------------------------------------------------------------------------------------------
// The model

interface Col {
  readonly id: number
  readonly name: string
  readonly type: PrimitiveType
  readonly required: boolean
  /** v3 initial default: what rows written before the column existed read. */
  readonly initial: Value
  /** What a row that omits the column gets. */
  readonly write: Value
}

interface PField {
  readonly sourceId: number
  readonly transform: string
  readonly name: string
}

interface MRow {
  /** Values by field id as last written (older columns keep their old types; readAs widens them). */
  readonly vals: ReadonlyMap<number, Value>
  /** The data file holding the row: write call and partition. */
  readonly file: string
  /** The spec the file was written with (Java reuses a spec id exactly for equal sources, transforms, names). */
  readonly spec: string
  readonly part: string
}

const canonValue = (v: unknown): string =>
  v === null ? 'null' : v === undefined ? 'undefined' : typeof v === 'bigint' ? `${v}n` : typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : JSON.stringify(v)
/** A row as text: keys sorted, bigints marked (5 and 5n differ). */
const canon = (r: Record<string, unknown>): string => `{${Object.keys(r)
  .sort()
  .map((k) => `${k}:${canonValue(r[k])}`)
  .join(',')}}`
const canonAll = (rows: readonly Record<string, unknown>[]): string[] => rows.map(canon).sort()
const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))

class Model {
  rows: MRow[] = []
  writes = 0
  nextId = 0n
  lastColumnId: number
  partitionNames: number

  constructor(
    public fv: FormatVersion,
    public cols: Col[],
    public spec: PField[],
  ) {
    this.lastColumnId = Math.max(...cols.map((c) => c.id))
    this.partitionNames = spec.length
  }

  col(id: number): Col | undefined {
    return this.cols.find((c) => c.id === id)
  }

  get idName(): string {
    return this.col(1)!.name
  }

  specSig(): string {
    return JSON.stringify(this.spec.map((f) => [f.sourceId, f.transform, f.name]))
  }

  unpartitioned(): boolean {
    return this.spec.every((f) => f.transform === 'void')
  }

  /** The value of column `c` in `r`, read under the current schema. */
  value(r: MRow, c: Col): Value {
    return readAs(r.vals.has(c.id) ? r.vals.get(c.id)! : c.initial, c.type)
  }

  getter(r: MRow): Get {
    return (id) => this.value(r, this.col(id)!)
  }

  partOf(vals: ReadonlyMap<number, Value>): string {
    return this.spec
      .map((f) => (f.transform === 'void' ? null : applyTransform(parseTransform(f.transform), this.col(f.sourceId)!.type, vals.get(f.sourceId) ?? null)))
      .map((v) => (v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v))) // int 5 and widened long 5n: one partition
      .join('|')
  }

  placed(vals: Map<number, Value>, seq: number): MRow {
    const part = this.partOf(vals)
    return { vals, file: `w${seq}|${part}`, spec: this.specSig(), part }
  }

  /** New rows for the current columns: `input` is what the writer gets (a column may be omitted), `rows` what it stores. */
  fresh(n: number, seed: number): { input: Record<string, Value>[]; rows: MRow[] } {
    const r = rng(seed)
    const seq = ++this.writes
    const input: Record<string, Value>[] = []
    const rows: MRow[] = []
    for (let k = 0; k < n; k++) {
      const obj: Record<string, Value> = {}
      const vals = new Map<number, Value>()
      for (const c of this.cols) {
        if (c.id === 1) {
          const id = this.nextId++
          obj[c.name] = id
          vals.set(1, id)
          continue
        }
        const x = r()
        if (x < 0.1 && (!c.required || c.write !== null)) {
          vals.set(c.id, c.write) // omitted: the write default, else null
        } else {
          const v = x < 0.3 && !c.required ? null : valueFor(c.type, r)
          obj[c.name] = v
          vals.set(c.id, v)
        }
      }
      input.push(obj)
      rows.push(this.placed(vals, seq))
    }
    return { input, rows }
  }

  /** Copy-on-write removal of the rows where `matches`: every file holding one is rewritten, in the current spec. */
  copyOnWrite(matches: (r: MRow) => boolean): void {
    const touched = new Set(this.rows.filter(matches).map((r) => r.file))
    const seq = ++this.writes
    this.rows = this.rows.flatMap((r) => (matches(r) ? [] : touched.has(r.file) ? [this.placed(new Map(this.cols.map((c) => [c.id, this.value(r, c)])), seq)] : [r]))
  }

  project(r: MRow): Record<string, Value> {
    return Object.fromEntries(this.cols.map((c) => [c.name, this.value(r, c)]))
  }

  expected(where?: RF, select?: readonly string[]): string[] {
    const pick = (o: Record<string, Value>): Record<string, Value> => (select ? Object.fromEntries(select.map((k) => [k, o[k]!])) : o)
    return this.rows
      .filter((r) => !where || holds2(where, this.getter(r)))
      .map((r) => canon(pick(this.project(r))))
      .sort()
  }

  resolve(f: FS): RF {
    switch (f.kind) {
      case 'leaf': {
        const c = this.cols[f.col % this.cols.length]!
        const ops = c.type.kind === 'string' ? LEAF_OPS : LEAF_OPS.slice(0, 10)
        const op = ops[f.op % ops.length]!
        // a column's initial default is a literal too: old files lack the column, yet their rows match it
        const pool = [...literals(c.type), ...(c.initial !== null && c.initial !== '' ? [c.initial] : [])]
        const lits = op === 'in' || op === 'not in' ? [pool[f.lit % pool.length]!, pool[(f.lit + 1) % pool.length]!] : [pool[f.lit % pool.length]!]
        const text =
          op === 'is null' || op === 'is not null'
            ? `${c.name} ${op}`
            : op === 'in' || op === 'not in'
              ? `${c.name} ${op} (${lits.map((l) => litText(c.type, l)).join(', ')})`
              : op === 'like' || op === 'not like'
                ? `${c.name} ${op} '${lits[0] as string}%'`
                : `${c.name} ${op} ${litText(c.type, lits[0]!)}`
        return { kind: 'leaf', colId: c.id, op, lits, text }
      }
      case 'and':
      case 'or': {
        const l = this.resolve(f.l)
        const r = this.resolve(f.r)
        return { kind: f.kind, l, r, text: `(${l.text}) ${f.kind} (${r.text})` }
      }
      case 'not': {
        const c = this.resolve(f.c)
        return { kind: 'not', c, text: `not (${c.text})` }
      }
    }
  }

  freeName(i: number): string | undefined {
    const free = NAMES.filter((n) => !this.cols.some((c) => c.name === n))
    return free.length ? free[i % free.length] : undefined
  }

  liveFields(): PField[] {
    return this.spec.filter((f) => f.transform !== 'void')
  }
}

/** Transforms a new partition field may use on a column of type `t`. */
function transformsFor(t: PrimitiveType): string[] {
  switch (t.kind) {
    case 'int':
    case 'long':
    case 'string':
      return ['identity', 'bucket[4]', 'truncate[2]']
    case 'decimal':
      return ['identity', 'bucket[4]', 'truncate[100]']
    case 'date':
      return ['identity', 'bucket[4]', 'day']
    default:
      return ['identity']
  }
}

function widened(t: PrimitiveType): PrimitiveType | undefined {
  if (t.kind === 'int') return T.long
  if (t.kind === 'float') return T.double
  if (t.kind === 'decimal' && t.precision + 3 <= 38) return T.decimal(t.precision + 3, t.scale)
  return undefined
}

// ---------------------------------------------------------------------------------------------------------
// The program

type Mode = 'copy-on-write' | 'merge-on-read'
type Op =
  | { op: 'append'; n: number; seed: number }
  | { op: 'delete'; f: FS; mode: Mode }
  | { op: 'overwrite'; n: number; seed: number; f: FS }
  | { op: 'dynamic'; n: number; seed: number }
  | { op: 'addColumn'; name: number; type: number; def: 'none' | 'optional' | 'required'; seed: number }
  | { op: 'rename'; col: number; name: number }
  | { op: 'widen'; col: number }
  | { op: 'drop'; col: number }
  | { op: 'optional'; col: number }
  | { op: 'addField'; col: number; transform: number }
  | { op: 'removeField'; field: number }
  | { op: 'upgrade' }
  | { op: 'invalid'; kind: number; a: number; b: number }

/** One step: an operation, and the filter and projection (a bit mask over the columns) of the scan that checks it. */
interface Step {
  readonly o: Op
  readonly check: FS
  readonly sel?: number
}

const INVALID_KINDS = [
  'drop partition source',
  'drop identifier',
  'rename onto existing',
  'add existing',
  'narrow type',
  'duplicate partition field',
  'inapplicable transform',
  'default before v3 / required without default',
  'required without default',
  'downgrade',
  'filter on missing column',
  'null in required column',
  'identifier optional',
] as const

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), n: fc.integer({ min: 1, max: 8 }), seed: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), f: filterArb, mode: fc.constantFrom<Mode>('copy-on-write', 'merge-on-read') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('overwrite' as const), n: fc.integer({ min: 0, max: 3 }), seed: fc.nat(), f: filterArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dynamic' as const), n: fc.integer({ min: 1, max: 3 }), seed: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('addColumn' as const), name: fc.nat(9), type: fc.nat(ADD_TYPES.length - 1), def: fc.constantFrom('none' as const, 'optional' as const, 'required' as const), seed: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), col: fc.nat(20), name: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('widen' as const), col: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), col: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('optional' as const), col: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addField' as const), col: fc.nat(20), transform: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeField' as const), field: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'upgrade' }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('invalid' as const), kind: fc.nat(INVALID_KINDS.length - 1), a: fc.nat(20), b: fc.nat(20) }) },
)
const stepArb: fc.Arbitrary<Step> = fc.record({ o: opArb, check: filterArb, sel: fc.nat(1023) })

const START_COLS: Col[] = [
  { id: 1, name: 'id', type: T.long, required: true, initial: null, write: null },
  { id: 2, name: 'i', type: T.int, required: false, initial: null, write: null },
  { id: 3, name: 'q', type: T.int, required: true, initial: null, write: null },
  { id: 4, name: 'f', type: T.float, required: false, initial: null, write: null },
  { id: 5, name: 'd', type: T.decimal(7, 2), required: false, initial: null, write: null },
  { id: 6, name: 's', type: T.string, required: false, initial: null, write: null },
  { id: 7, name: 'dt', type: T.date, required: false, initial: null, write: null },
]
const START = schema(
  START_COLS.map((c) => field(c.id, c.name, c.type, { required: c.required })),
  0,
  [1],
)
/** Candidate fields of the starting spec (source id, transform). */
const START_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [2, 'identity'],
  [1, 'bucket[4]'],
  [6, 'truncate[2]'],
  [7, 'day'],
  [5, 'truncate[100]'],
  [4, 'identity'],
  [3, 'bucket[4]'],
]

/** Success counts per operation kind, over all runs (the coverage check at the end). */
const tally = new Map<string, number>()
const count = (k: string): void => void tally.set(k, (tally.get(k) ?? 0) + 1)

/** What one step did: 'skip' when it does not apply to the current table (nothing is checked then). */
type Did = 'ok' | 'failed' | 'skip'

async function run(fv: FormatVersion, startFields: readonly number[], steps: readonly Step[], seed: number): Promise<void> {
  const log: string[] = []
  try {
    await runLogged(fv, startFields, steps, seed, log)
  } catch (e) {
    if (e instanceof Error) e.message += `\n--- history (v${fv}, seed ${seed}) ---\n${log.join('\n')}`
    throw e
  }
}

async function runLogged(fv0: FormatVersion, startFields: readonly number[], steps: readonly Step[], seed: number, log: string[]): Promise<void> {
  const catalog = new MemoryCatalog(testEnv(new MemoryFileIO(), seed))
  await catalog.createNamespace('db')
  const fields = [...new Set(startFields)].map((k, i) => ({ sourceId: START_FIELDS[k]![0], transform: START_FIELDS[k]![1], name: `p${i}` }))
  const spec: PartitionSpec = { specId: 0, fields: fields.map((f, i) => ({ sourceId: f.sourceId, fieldId: 1000 + i, name: f.name, transform: parseTransform(f.transform) })) }
  // v2 merge-on-read deletes at either granularity (the seed picks; Spark's file default, or per partition)
  const granularity = seed % 2 === 0 ? 'file' : 'partition'
  let t: Table = await catalog.createTable('db.t', { schema: START, spec, formatVersion: fv0, properties: { 'write.delete.granularity': granularity } })
  const m = new Model(fv0, [...START_COLS], fields)
  log.push(`create v${fv0} spec [${fields.map((f) => `${f.transform}(${m.col(f.sourceId)!.name}) as ${f.name}`).join(', ')}] delete granularity ${granularity}`)
  /** Each snapshot: its rows (under its schema), the id column's name then, and the step that made it. */
  const history: Array<{ id: bigint; rows: string[]; ids: bigint[]; idName: string; step: number }> = []

  /** Expect `action` to fail with a FloeError (of one of `codes`, when given) and to commit nothing. */
  async function refused(what: string, action: () => Promise<unknown>, codes?: readonly string[]): Promise<Did> {
    log.push(`  expect failure: ${what}`)
    let error: unknown
    try {
      await action()
    } catch (e) {
      error = e
    }
    expect(error, `${what} should fail`).toBeInstanceOf(FloeError)
    if (codes) expect(codes, `${what}: ${(error as Error).message}`).toContain((error as FloeError).code)
    log.push(`  failed: ${(error as FloeError).code} ${(error as Error).message.split('\n')[0]}`)
    expect((await t.refresh()).metadataLocation, `${what} must not commit`).toBe(t.metadataLocation)
    count(`invalid: ${what}`)
    return 'failed'
  }

  async function step(o: Op): Promise<Did> {
    const n = m.cols.length
    switch (o.op) {
      case 'append': {
        const { input, rows } = m.fresh(o.n, o.seed)
        log.push(`appendRows ${show(input)}`)
        t = await t.appendRows(input)
        m.rows.push(...rows)
        count('append')
        return 'ok'
      }
      case 'delete': {
        const f = m.resolve(o.f)
        log.push(`deleteRows "${f.text}" ${o.mode}`)
        t = await t.deleteRows(f.text, { mode: o.mode })
        const matches = (r: MRow): boolean => holds3(f, m.getter(r)) === true
        if (o.mode === 'merge-on-read' && m.fv >= 2) m.rows = m.rows.filter((r) => !matches(r))
        else m.copyOnWrite(matches)
        count(o.mode === 'merge-on-read' && m.fv >= 2 ? `delete merge-on-read v${m.fv}` : 'delete copy-on-write')
        return 'ok'
      }
      case 'overwrite': {
        const f = m.resolve(o.f)
        m.copyOnWrite((r) => holds3(f, m.getter(r)) === true)
        const { input, rows } = m.fresh(o.n, o.seed)
        log.push(`overwriteRows "${f.text}" with ${show(input)}`)
        t = await t.overwriteRows(input, f.text)
        m.rows.push(...rows)
        count('overwriteRows')
        return 'ok'
      }
      case 'dynamic': {
        const { input, rows } = m.fresh(o.n, o.seed)
        log.push(`overwritePartitions ${show(input)}`)
        t = await t.overwritePartitions(input)
        if (m.unpartitioned()) m.rows = []
        else {
          const parts = new Set(rows.map((r) => r.part))
          const sig = m.specSig()
          m.rows = m.rows.filter((r) => !(r.spec === sig && parts.has(r.part)))
        }
        m.rows.push(...rows)
        count('overwritePartitions')
        return 'ok'
      }
      case 'addColumn': {
        const name = m.freeName(o.name)
        if (name === undefined) return 'skip'
        const type = ADD_TYPES[o.type]!
        const def = m.fv >= 3 ? o.def : 'none'
        const initial = def === 'none' ? null : valueFor(type, rng(o.seed))
        log.push(`addColumn ${name} ${typeToString(type)}${def === 'none' ? '' : ` ${def} default ${show(initial)}`}`)
        t = await t
          .transaction()
          .updateSchema((u) => u.addColumn(name, type, def === 'none' ? {} : { initialDefault: initial, required: def === 'required' }))
          .commit()
        m.cols = [...m.cols, { id: ++m.lastColumnId, name, type, required: def === 'required', initial, write: initial }]
        count(def === 'none' ? 'addColumn' : 'addColumn with default')
        return 'ok'
      }
      case 'rename': {
        const c = m.cols[o.col % n]!
        const name = m.freeName(o.name)
        if (name === undefined) return 'skip'
        log.push(`renameColumn ${c.name} -> ${name}`)
        t = await t
          .transaction()
          .updateSchema((u) => u.renameColumn(c.name, name))
          .commit()
        m.cols = m.cols.map((x) => (x === c ? { ...x, name } : x))
        count('rename')
        return 'ok'
      }
      case 'widen': {
        const ws = m.cols.filter((c) => widened(c.type))
        if (!ws.length) return 'skip'
        const c = ws[o.col % ws.length]!
        const to = widened(c.type)!
        log.push(`updateColumn ${c.name} ${typeToString(c.type)} -> ${typeToString(to)}`)
        t = await t
          .transaction()
          .updateSchema((u) => u.updateColumn(c.name, to))
          .commit()
        const widen = (v: Value): Value => readAs(v, to)
        m.cols = m.cols.map((x) => (x === c ? { ...x, type: to, initial: widen(x.initial), write: widen(x.write) } : x))
        count(`widen ${c.type.kind}`)
        return 'ok'
      }
      case 'drop': {
        const ds = m.cols.filter((c) => c.id !== 1 && !m.liveFields().some((f) => f.sourceId === c.id))
        if (!ds.length) return 'skip'
        const c = ds[o.col % ds.length]!
        log.push(`deleteColumn ${c.name}`)
        t = await t
          .transaction()
          .updateSchema((u) => u.deleteColumn(c.name))
          .commit()
        m.cols = m.cols.filter((x) => x !== c)
        count(m.spec.some((f) => f.sourceId === c.id) ? 'drop void partition source' : 'drop')
        return 'ok'
      }
      case 'optional': {
        const rs = m.cols.filter((c) => c.required && c.id !== 1)
        if (!rs.length) return 'skip'
        const c = rs[o.col % rs.length]!
        log.push(`makeColumnOptional ${c.name}`)
        t = await t
          .transaction()
          .updateSchema((u) => u.makeColumnOptional(c.name))
          .commit()
        m.cols = m.cols.map((x) => (x === c ? { ...x, required: false } : x))
        count('required -> optional')
        return 'ok'
      }
      case 'addField': {
        const c = m.cols[o.col % n]!
        const ts = transformsFor(c.type)
        const tr = ts[o.transform % ts.length]!
        if (m.liveFields().some((f) => f.sourceId === c.id && f.transform === tr)) return 'skip' // the 'duplicate partition field' invalid step
        const name = `p${m.partitionNames++}`
        log.push(`addField ${tr}(${c.name}) as ${name}`)
        t = await t
          .transaction()
          .updateSpec((s) => s.addField({ transform: tr, source: c.name }, name))
          .commit()
        m.spec = [...m.spec, { sourceId: c.id, transform: tr, name }]
        count('addField')
        return 'ok'
      }
      case 'removeField': {
        const live = m.liveFields()
        if (!live.length) return 'skip'
        const victim = live[o.field % live.length]!
        log.push(`removeField ${victim.name}`)
        t = await t
          .transaction()
          .updateSpec((s) => s.removeField(victim.name))
          .commit()
        // v1 keeps the field with a void transform (Java BaseUpdatePartitionSpec), v2+ drops it
        m.spec = m.fv === 1 ? m.spec.map((f) => (f === victim ? { ...f, transform: 'void' } : f)) : m.spec.filter((f) => f !== victim)
        count(m.fv === 1 ? 'removeField (void)' : 'removeField')
        return 'ok'
      }
      case 'upgrade': {
        if (m.fv === 3) return 'skip'
        const to = (m.fv + 1) as FormatVersion
        log.push(`upgrade to v${to}`)
        t = await t.transaction().setProperties({ 'format-version': String(to) }).commit()
        count(`upgrade v${m.fv} -> v${to}`)
        m.fv = to
        return 'ok'
      }
      case 'invalid':
        return invalid(o)
    }
  }

  async function invalid(o: Op & { op: 'invalid' }): Promise<Did> {
    const n = m.cols.length
    const a = m.cols[o.a % n]!
    const b = m.cols[o.b % n]!
    const schemaEdit = (edit: Parameters<ReturnType<Table['transaction']>['updateSchema']>[0]) => () => t.transaction().updateSchema(edit).commit()
    const specEdit = (edit: Parameters<ReturnType<Table['transaction']>['updateSpec']>[0]) => () => t.transaction().updateSpec(edit).commit()
    const kind = INVALID_KINDS[o.kind]!
    switch (kind) {
      case 'drop partition source': {
        const live = m.liveFields()
        if (!live.length) return 'skip'
        const src = m.col(live[o.a % live.length]!.sourceId)!
        return refused(`${kind} ${src.name}`, schemaEdit((u) => u.deleteColumn(src.name)), ['VALIDATION'])
      }
      case 'drop identifier':
        return refused(`${kind} ${m.idName}`, schemaEdit((u) => u.deleteColumn(m.idName)), ['VALIDATION'])
      case 'rename onto existing':
        if (a === b) return 'skip'
        return refused(`${kind} ${a.name} -> ${b.name}`, schemaEdit((u) => u.renameColumn(a.name, b.name)), ['VALIDATION'])
      case 'add existing':
        return refused(`${kind} ${a.name}`, schemaEdit((u) => u.addColumn(a.name, T.int)), ['VALIDATION'])
      case 'narrow type': {
        const to = a.type.kind === 'string' ? T.int : a.type.kind === 'long' ? T.int : a.type.kind === 'double' ? T.float : T.string
        return refused(`${kind} ${a.name} ${typeToString(a.type)} -> ${typeToString(to)}`, schemaEdit((u) => u.updateColumn(a.name, to)), ['VALIDATION'])
      }
      case 'duplicate partition field': {
        const live = m.liveFields()
        if (!live.length) return 'skip'
        const f = live[o.a % live.length]!
        const src = m.col(f.sourceId)!
        return refused(`${kind} ${f.transform}(${src.name})`, specEdit((s) => s.addField({ transform: f.transform, source: src.name }, `p${m.partitionNames + 100}`)), ['VALIDATION'])
      }
      case 'inapplicable transform': {
        const tr = a.type.kind === 'float' || a.type.kind === 'double' ? 'bucket[4]' : a.type.kind === 'date' ? 'truncate[2]' : 'day'
        return refused(`${kind} ${tr}(${a.name})`, specEdit((s) => s.addField({ transform: tr, source: a.name }, `p${m.partitionNames + 100}`)), ['VALIDATION'])
      }
      case 'default before v3 / required without default':
      case 'required without default': {
        const name = m.freeName(o.b)
        if (name === undefined) return 'skip'
        if (kind === 'default before v3 / required without default' && m.fv < 3)
          return refused(`initial default on v${m.fv}: ${name}`, schemaEdit((u) => u.addColumn(name, T.int, { initialDefault: 1 })), ['VALIDATION'])
        return refused(`required without default: ${name}`, schemaEdit((u) => u.addColumn(name, T.int, { required: true })), ['VALIDATION'])
      }
      case 'downgrade':
        if (m.fv === 1) return 'skip'
        return refused(`${kind} v${m.fv} -> v${m.fv - 1}`, () => t.transaction().setProperties({ 'format-version': String(m.fv - 1) }).commit(), ['INVALID_ARGUMENT'])
      case 'filter on missing column':
        return refused(`${kind} nosuch`, () => t.deleteRows('nosuch = 1', { mode: o.b % 2 ? 'merge-on-read' : 'copy-on-write' }))
      case 'null in required column': {
        const { input } = new Model(m.fv, m.cols, m.spec).fresh(1, o.b) // a scratch model: ids and writes stay untouched
        const req = m.cols.filter((c) => c.required && c.write === null)
        const c = req[o.a % req.length]! // the identifier column is always required
        return refused(`${kind} ${c.name}`, () => t.appendRows([{ ...input[0], [c.name]: null }]), ['INVALID_DATA'])
      }
      case 'identifier optional':
        return refused(`${kind} ${m.idName}`, schemaEdit((u) => u.makeColumnOptional(m.idName)), ['VALIDATION'])
    }
  }

  for (const [k, s] of steps.entries()) {
    const before = t.currentSnapshot()?.snapshotId
    const did = await step(s.o)
    if (did === 'skip') continue
    t = await t.refresh() // the committed metadata, read back as any reader would
    const where = `after step ${k} (${s.o.op})`
    // schema and spec are the model's
    expect(
      t.schema().fields.map((f) => [f.id, f.name, typeToString(f.type), f.required]),
      where,
    ).toEqual(m.cols.map((c) => [c.id, c.name, typeToString(c.type), c.required]))
    expect(t.metadata.formatVersion, where).toBe(m.fv)
    expect(
      t.spec().fields.map((f) => [f.sourceId, transformToString(f.transform), f.name]),
      where,
    ).toEqual(m.spec.map((f) => [f.sourceId, f.transform, f.name]))
    // the current rows, all and filtered
    const rows = canonAll(await t.scan().toArray())
    expect(rows, `${where}: full scan`).toEqual(m.expected())
    const check = m.resolve(s.check)
    // a projection (which may leave out the filter's columns): the columns whose bit is set, all when none is
    const chosen = m.cols.filter((_, i) => ((s.sel ?? 0) >> i) & 1).map((c) => c.name)
    const select = chosen.length ? chosen : undefined
    log.push(`  check scan "${check.text}"${select ? ` select ${select.join(',')}` : ''}`)
    expect(canonAll(await t.scan({ filter: check.text, ...(select ? { select } : {}) }).toArray()), `${where}: scan "${check.text}"`).toEqual(m.expected(check, select))
    const cur = t.currentSnapshot()?.snapshotId
    if (cur !== undefined && cur !== before) history.push({ id: cur, rows, ids: m.rows.map((r) => r.vals.get(1) as bigint), idName: m.idName, step: k })
    // time travel: every snapshot keeps the rows it had, under the schema it was committed with
    for (const h of history) expect(canonAll(await t.scan({ snapshot: { snapshotId: h.id } }).toArray()), `${where}: time travel to the snapshot of step ${h.step}`).toEqual(h.rows)
    // and a filter binds to that schema: the id column by the name it had then
    if (history.length) {
      const h = history[k % history.length]!
      const sorted = [...h.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      const cut = sorted[sorted.length >> 1] ?? 0n
      const got = (await t.scan({ snapshot: { snapshotId: h.id }, filter: `${h.idName} < ${cut}`, select: [h.idName] }).toArray()).map((r) => r[h.idName] as bigint)
      expect(got.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `${where}: time travel to step ${h.step} with "${h.idName} < ${cut}"`).toEqual(sorted.filter((x) => x < cut))
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

const leaf = (col: number, op: LeafOp, lit = 0): FS => ({ kind: 'leaf', col, op: LEAF_OPS.indexOf(op), lit })
const NO_CHECK = leaf(0, 'is not null')
const st = (o: Op, check: FS = NO_CHECK): Step => ({ o, check })

/** Hand-written histories that every run includes: each operation kind at least once, in the interactions that matter. */
const EXAMPLES: Array<[FormatVersion, number[], Step[], number]> = [
  // v2, identity(i): the source of a partition field is widened (int -> long), removed from the spec and
  // dropped; row-level deletes then rewrite manifests holding files written before the widening. A regression
  // case found by this property: the manifest reader must type such partition values as the manifest writer
  // does (by the column's last known type, long), else these commits fail with INVALID_ARGUMENT.
  [
    2,
    [0],
    [
      st({ op: 'append', n: 6, seed: 41 }),
      st({ op: 'widen', col: 0 }),
      st({ op: 'removeField', field: 0 }),
      st({ op: 'drop', col: 0 }),
      st({ op: 'delete', f: leaf(0, '<', 2), mode: 'merge-on-read' }),
      st({ op: 'delete', f: leaf(0, '<', 3), mode: 'copy-on-write' }),
      st({ op: 'upgrade' }),
      st({ op: 'delete', f: leaf(0, '>=', 3), mode: 'merge-on-read' }),
    ],
    16,
  ],
  // v1, identity(i): widen a partition source, dynamic overwrite across the widening, void field, upgrade to v2, MoR
  [
    1,
    [0],
    [
      st({ op: 'append', n: 6, seed: 1 }),
      st({ op: 'widen', col: 0 }),
      st({ op: 'dynamic', n: 2, seed: 2 }),
      st({ op: 'removeField', field: 0 }),
      st({ op: 'invalid', kind: 7, a: 0, b: 0 }),
      st({ op: 'drop', col: 0 }, leaf(1, '<', 1)),
      st({ op: 'upgrade' }),
      st({ op: 'delete', f: leaf(0, '<', 2), mode: 'merge-on-read' }),
      st({ op: 'invalid', kind: 9, a: 0, b: 0 }),
    ],
    11,
  ],
  // v2, bucket(id) + truncate(s): MoR position deletes, widen float and decimal, upgrade to v3 (DVs over position deletes), add with defaults
  [
    2,
    [1, 2],
    [
      st({ op: 'append', n: 6, seed: 3 }),
      st({ op: 'delete', f: leaf(0, '<', 1), mode: 'merge-on-read' }, leaf(3, '>', 1)),
      st({ op: 'widen', col: 2 }, leaf(3, '<', 2)),
      st({ op: 'widen', col: 2 }, leaf(4, '>=', 2)),
      st({ op: 'upgrade' }),
      st({ op: 'addColumn', name: 0, type: 2, def: 'optional', seed: 5 }, leaf(7, 'is null')),
      st({ op: 'addColumn', name: 1, type: 0, def: 'required', seed: 6 }, leaf(8, '=', 1)),
      st({ op: 'delete', f: { kind: 'not', c: leaf(5, 'like', 0) }, mode: 'merge-on-read' }),
      st({ op: 'append', n: 3, seed: 7 }),
      st({ op: 'optional', col: 0 }),
      st({ op: 'overwrite', n: 2, seed: 8, f: leaf(2, '=', 1) }),
      st({ op: 'invalid', kind: 7, a: 0, b: 0 }),
      st({ op: 'invalid', kind: 11, a: 0, b: 3 }),
    ],
    12,
  ],
  // v3, day(dt): spec evolution, drop a column of an older spec, reuse its name, copy-on-write, every invalid kind
  [
    3,
    [3],
    [
      st({ op: 'append', n: 5, seed: 9 }),
      st({ op: 'addField', col: 1, transform: 0 }),
      st({ op: 'append', n: 4, seed: 10 }),
      st({ op: 'removeField', field: 1 }),
      st({ op: 'drop', col: 0 }),
      st({ op: 'rename', col: 1, name: 0 }),
      st({ op: 'addColumn', name: 0, type: 0, def: 'none', seed: 11 }, leaf(6, 'is null')),
      st({ op: 'delete', f: { kind: 'or', l: leaf(2, '<', 0), r: leaf(4, '=', 2) }, mode: 'copy-on-write' }),
      st({ op: 'dynamic', n: 2, seed: 12 }),
      ...INVALID_KINDS.map((_, kind) => st({ op: 'invalid', kind, a: 1, b: 2 })),
    ],
    13,
  ],
  // v2, identity(i): which files a dynamic overwrite replaces as the spec evolves. Copy-on-write moves the
  // rows it keeps into the current spec, merge-on-read leaves them in their file's spec; removing the added
  // field brings back spec 0 (Java reuses a compatible spec), so its old files are replaced again; a new spec
  // on another column replaces nothing of the old one even where the partition values coincide
  [
    2,
    [0],
    [
      st({ op: 'append', n: 20, seed: 21 }),
      st({ op: 'addField', col: 0, transform: 1 }),
      st({ op: 'append', n: 6, seed: 22 }),
      st({ op: 'delete', f: leaf(0, '<', 2), mode: 'merge-on-read' }),
      st({ op: 'delete', f: leaf(4, '<', 1), mode: 'copy-on-write' }),
      st({ op: 'removeField', field: 1 }),
      st({ op: 'append', n: 4, seed: 23 }),
      st({ op: 'dynamic', n: 6, seed: 24 }),
      st({ op: 'removeField', field: 0 }),
      st({ op: 'addField', col: 2, transform: 0 }),
      st({ op: 'append', n: 5, seed: 25 }),
      st({ op: 'dynamic', n: 3, seed: 26 }),
    ],
    14,
  ],
  // v1, identity(i): a spec whose only field is void is unpartitioned, so a dynamic overwrite replaces every file
  [1, [0], [st({ op: 'append', n: 6, seed: 31 }), st({ op: 'removeField', field: 0 }), st({ op: 'append', n: 3, seed: 32 }), st({ op: 'dynamic', n: 2, seed: 33 })], 15],
]

describe('row-level DML interleaved with schema, spec and format evolution (property)', () => {
  it('every step equals the model; time travel reads each snapshot with its own schema; invalid steps change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<FormatVersion>(1, 2, 3),
        fc.uniqueArray(fc.nat(START_FIELDS.length - 1), { maxLength: 2 }),
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 10_000 }),
        run,
      ),
      { numRuns: runs + EXAMPLES.length, examples: EXAMPLES } // fast-check counts the examples in numRuns,
    )
    if (process.env.DML_EVO_TALLY) console.log([...tally].sort().map(([k, v]) => `${k}: ${v}`).join("\n"))
    const expected = [
      'append',
      'delete copy-on-write',
      'delete merge-on-read v2',
      'delete merge-on-read v3',
      'overwriteRows',
      'overwritePartitions',
      'addColumn',
      'addColumn with default',
      'rename',
      'widen int',
      'widen float',
      'widen decimal',
      'drop',
      'drop void partition source',
      'required -> optional',
      'addField',
      'removeField',
      'removeField (void)',
      'upgrade v1 -> v2',
      'upgrade v2 -> v3',
    ]
    for (const k of expected) expect(tally.get(k) ?? 0, `operations of kind '${k}' succeeded`).toBeGreaterThan(0)
    for (const k of [...INVALID_KINDS.filter((x) => !x.startsWith('default')), 'initial default on']) {
      expect([...tally.keys()].some((x) => x.startsWith(`invalid: ${k}`)), `invalid step '${k}' was refused`).toBe(true)
    }
  }, 600_000)
})
