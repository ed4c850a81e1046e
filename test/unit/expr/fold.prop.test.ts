// Binding literals a column cannot hold (beyond the type's range, or finer than a decimal's scale) must fold
// to exactly what the comparison means under floe's row semantics (eval-row.ts): compared in exact
// arithmetic with the unconverted literal, null and NaN matching no ordered comparison and every `!=`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import { inclusiveMetricsEvaluator, strictMetricsEvaluator } from '../../../src/expr/eval-metrics.js'
import { partitionEvaluator } from '../../../src/expr/eval-partition.js'
import { rowEvaluator } from '../../../src/expr/eval-row.js'
import { negateOp, type Expression, type Literal, type LiteralOp, type SetOp } from '../../../src/expr/expression.js'
import { residualEvaluator } from '../../../src/expr/residual.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { toBinary } from '../../../src/spec/single-value.js'
import { Transforms } from '../../../src/spec/transform.js'
import { field, T, type PrimitiveType, type Value } from '../../../src/spec/types.js'
import { parseDecimal } from '../../../src/spec/values.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 400) }
const FLOAT_MAX = 3.4028234663852886e38
const I32 = 2n ** 31n
const I64 = 2n ** 63n

// An exact number: an integer `n` scaled by 10^-scale, or an infinity.
type Exact = { readonly n: bigint; readonly scale: number } | { readonly inf: 1 | -1 }

function cmp(a: Exact, b: Exact): number {
  if ('inf' in a || 'inf' in b) {
    const x = 'inf' in a ? a.inf : 0
    const y = 'inf' in b ? b.inf : 0
    return Math.sign(x - y)
  }
  const s = Math.max(a.scale, b.scale)
  const l = a.n * 10n ** BigInt(s - a.scale)
  const r = b.n * 10n ** BigInt(s - b.scale)
  return l < r ? -1 : l > r ? 1 : 0
}

// The exact value of a finite double (a dyadic rational, printed exactly by toFixed-free arithmetic).
function exactDouble(x: number): Exact {
  if (!Number.isFinite(x)) return { inf: x > 0 ? 1 : -1 }
  if (Number.isInteger(x)) return { n: BigInt(x), scale: 0 }
  // x = m / 2^k with k ≤ 1074: scale by 10^k / 2^k = 5^k, exact
  let k = 0
  let m = x
  while (!Number.isInteger(m)) {
    m *= 2
    k++
  }
  return { n: BigInt(m) * 5n ** BigInt(k), scale: k }
}

interface Column {
  readonly type: PrimitiveType
  /** printed by fast-check in counterexamples */
  toString?(): string
  /** exact value of a non-null, non-NaN row value */
  readonly exact: (v: Value) => Exact
  /** row values, null and NaN included where the type has them */
  readonly rows: fc.Arbitrary<Value>
  /** a literal the column cannot hold, with its exact value */
  readonly literals: fc.Arbitrary<[Literal, Exact]>
}

const big = (lo: bigint, hi: bigint): fc.Arbitrary<bigint> => fc.bigInt({ min: lo, max: hi })
const exactInt = (v: Value): Exact => ({ n: BigInt(v as number | bigint), scale: 0 })

// Integers just outside [lo, hi] (and far outside), as bigint, number or (where the type reads them) text literals.
function outside(lo: bigint, hi: bigint, scale = 0, text = true): fc.Arbitrary<[Literal, Exact]> {
  const n = fc.oneof(big(hi + 1n, hi + 5n), big(hi + 1n, hi * 4n), big(lo * 4n, lo - 1n), big(lo - 5n, lo - 1n))
  const forms = text ? (['bigint', 'number', 'string'] as const) : (['bigint', 'number'] as const)
  return fc.tuple(n, fc.constantFrom(...forms)).map(([v, form]): [Literal, Exact] => {
    const lit: Literal = form === 'bigint' ? v : form === 'string' ? v.toString() : Number(v)
    return [lit, { n: form === 'number' ? BigInt(Number(v)) : v, scale: scale }]
  })
}

function integral(type: PrimitiveType, lo: bigint, hi: bigint, asNumber: boolean, text = false): Column {
  const wrap = (v: bigint): Value => (asNumber ? Number(v) : v)
  const rows = fc.oneof(
    fc.constant(null),
    fc.constantFrom(lo, hi, lo + 1n, hi - 1n, 0n).map(wrap),
    big(lo, hi).map(wrap),
  )
  return { type, exact: exactInt, rows, literals: outside(lo, hi, 0, text) }
}

const floatRows = (max: number, round: (x: number) => number): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.constant(null),
    fc.constantFrom(NaN, Infinity, -Infinity, max, -max, 0, -0),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -max, max }).map(round),
  )

const COLUMNS: Column[] = [
  integral(T.int, -I32, I32 - 1n, true, true),
  integral(T.date, -I32, I32 - 1n, true),
  integral(T.long, -I64, I64 - 1n, false, true),
  integral(T.time, -I64, I64 - 1n, false),
  integral(T.timestamp, -I64, I64 - 1n, false),
  integral(T.timestamptz, -I64, I64 - 1n, false),
  // integer literals are in the column's unit (ns), floe's value representation
  integral(T.timestampNs, -I64, I64 - 1n, false),
  {
    type: T.float,
    exact: (v) => exactDouble(v as number),
    rows: floatRows(FLOAT_MAX, Math.fround),
    literals: fc
      .oneof(fc.double({ min: 3.41e38, max: 1e300, noNaN: true }), fc.double({ min: -1e300, max: -3.41e38, noNaN: true }), fc.constantFrom(1e39, -1e39, Number.MAX_VALUE))
      .map((x): [Literal, Exact] => [x, exactDouble(x)]),
  },
  {
    type: T.double,
    exact: (v) => exactDouble(v as number),
    rows: floatRows(Number.MAX_VALUE, (x) => x),
    literals: fc.oneof(
      fc.oneof(big(2n ** 1024n, 2n ** 1030n), big(-(2n ** 1030n), -(2n ** 1024n))).map((v): [Literal, Exact] => [v, { n: v, scale: 0 }]),
      fc.integer({ min: 309, max: 400 }).chain((e) =>
        fc.constantFrom<[Literal, Exact]>([`1e${e}`, { n: 10n ** BigInt(e), scale: 0 }], [`-2.5e${e}`, { n: -25n * 10n ** BigInt(e - 1), scale: 0 }]),
      ),
    ),
  },
  decimalColumn(9, 2),
  decimalColumn(3, 0),
  decimalColumn(38, 10),
]

// Decimal literals beyond the precision or with more fraction digits than the scale.
function decimalColumn(precision: number, scale: number): Column {
  const max = 10n ** BigInt(precision) - 1n
  const rows = fc.oneof(fc.constant(null), fc.constantFrom(max, -max, 0n, 1n, -1n, 10n), big(-max, max))
  const finer = fc
    .tuple(big(-max * 1000n, max * 1000n), fc.integer({ min: 1, max: 4 }))
    .filter(([n, extra]) => n % 10n ** BigInt(extra) !== 0n)
    .map(([n, extra]): [Literal, Exact] => {
      const s = scale + extra
      const e: Exact = { n, scale: s }
      return [decimalText(n, s), e]
    })
  const beyond = outside(-max, max, scale).map(([, e]): [Literal, Exact] => ['n' in e ? decimalText(e.n, scale) : '0', e])
  return { type: T.decimal(precision, scale), exact: (v) => ({ n: v as bigint, scale }), rows, literals: fc.oneof(finer, beyond) }
}

function decimalText(n: bigint, scale: number): string {
  const neg = n < 0n
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  const out = `${neg ? '-' : ''}${text}`
  expect(parseDecimal(out)).toEqual({ unscaled: n, scale })
  return out
}

const ORDERED: LiteralOp[] = ['lt', 'ltEq', 'gt', 'gtEq', 'eq', 'notEq']

// Row semantics of `v op literal(s)` in exact arithmetic (null/NaN: only the negated forms hold).
function expected(col: Column, op: LiteralOp | SetOp, v: Value, lits: readonly Exact[]): boolean {
  const usable = v !== null && !(typeof v === 'number' && Number.isNaN(v))
  if (op === 'notEq' || op === 'notIn') return !expected(col, op === 'notEq' ? 'eq' : 'in', v, lits)
  if (!usable) return false
  const c = cmp(col.exact(v), lits[0]!)
  switch (op) {
    case 'lt':
      return c < 0
    case 'ltEq':
      return c <= 0
    case 'gt':
      return c > 0
    case 'gtEq':
      return c >= 0
    case 'eq':
      return c === 0
    case 'in':
      return lits.some((l) => cmp(col.exact(v), l) === 0)
    default:
      throw new Error(op)
  }
}

interface Case {
  readonly col: Column
  readonly op: LiteralOp | SetOp
  readonly negate: boolean
  readonly lits: readonly [Literal, Exact][]
  readonly row: Value
}

for (const c of COLUMNS) c.toString = () => `column ${JSON.stringify(c.type)}`

const caseArb: fc.Arbitrary<Case> = fc.constantFrom(...COLUMNS).chain((col) =>
  fc.record({
    col: fc.constant(col),
    op: fc.constantFrom<LiteralOp | SetOp>(...ORDERED, 'in', 'notIn'),
    negate: fc.boolean(),
    lits: fc.array(col.literals, { minLength: 1, maxLength: 3 }),
    row: col.rows,
  }),
)

function unbound(c: Case): Expression {
  const term = { name: 'x' }
  const pred: Expression =
    c.op === 'in' || c.op === 'notIn'
      ? { kind: 'set', op: c.op, term, values: c.lits.map(([l]) => l) }
      : { kind: 'literal', op: c.op, term, value: c.lits[0]![0] }
  return c.negate ? { kind: 'not', child: pred } : pred
}

// NOT means the pushed-down negation (eval-row.ts), so `not (x < L)` is `x >= L`.
function truth(c: Case): boolean {
  const op = c.negate ? (negateOp(c.op) as LiteralOp | SetOp) : c.op
  return expected(c.col, op, c.row, c.op === 'in' || c.op === 'notIn' ? c.lits.map(([, e]) => e) : [c.lits[0]![1]])
}

// A one-row data file with exact metrics of `v`.
function fileOf(type: PrimitiveType, v: Value): DataFile {
  const isNull = v === null
  const nan = typeof v === 'number' && Number.isNaN(v)
  const bounds = isNull || nan ? new Map<number, Uint8Array>() : new Map([[1, toBinary(type, v)]])
  return {
    content: 'data',
    filePath: 'f.parquet',
    fileFormat: 'PARQUET',
    specId: 0,
    partition: [v],
    recordCount: 1n,
    fileSizeInBytes: 10n,
    valueCounts: new Map([[1, 1n]]),
    nullValueCounts: new Map([[1, isNull ? 1n : 0n]]),
    ...(type.kind === 'float' || type.kind === 'double' ? { nanValueCounts: new Map([[1, nan ? 1n : 0n]]) } : {}),
    lowerBounds: bounds,
    upperBounds: bounds,
  }
}

describe('folding literals a column cannot hold', () => {
  it('the bound filter agrees with exact arithmetic on the unconverted literal', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = schema([field(1, 'x', c.col.type)])
        const bound = bind(s, unbound(c))
        expect(rowEvaluator(s, bound)({ x: c.row })).toBe(truth(c))
      }),
      runs,
    )
  })

  it('metrics, partition and residual evaluators stay sound on the folded forms', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = schema([field(1, 'x', c.col.type)])
        const bound = bind(s, unbound(c))
        const file = fileOf(c.col.type, c.row)
        const matches = truth(c)
        if (matches) expect(inclusiveMetricsEvaluator(s, bound)(file)).toBe(true)
        if (strictMetricsEvaluator(s, bound)(file)) expect(matches).toBe(true)
        const spec: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x_id', transform: Transforms.identity }] }
        if (matches) expect(partitionEvaluator(spec, bound)([c.row])).toBe(true)
        const residual = bind(s, residualEvaluator(spec, bound)([c.row]))
        expect(rowEvaluator(s, residual)({ x: c.row })).toBe(matches)
      }),
      runs,
    )
  })
})

describe('folding examples', () => {
  const s = schema([field(1, 'i', T.int), field(2, 'f', T.float), field(3, 'd', T.double), field(4, 'r', T.int, { required: true })])
  const show = (e: Expression): unknown => {
    const b = bind(s, e)
    return b.kind === 'literal' ? [b.op, b.value] : b.kind === 'unary' ? b.op : b.kind
  }
  const lit = (op: LiteralOp, name: string, value: Literal): Expression => ({ kind: 'literal', op, term: { name }, value })

  it('folds ints to notNull / false / true, and keeps null rows out of `<` (the auditor repro)', () => {
    expect(show(lit('lt', 'i', 2147483648n))).toBe('notNull')
    expect(rowEvaluator(s, bind(s, lit('lt', 'i', 2147483648n)))({ i: null })).toBe(false)
    expect(show(lit('gt', 'i', 2147483648n))).toBe('false')
    expect(show(lit('gtEq', 'i', -2147483649n))).toBe('notNull')
    expect(show(lit('notEq', 'i', 2147483648n))).toBe('true')
    expect(show(lit('lt', 'r', 2147483648n))).toBe('true')
    // NOT negates the comparison, not the folded form: `not (i < 2^31)` is `i >= 2^31`
    expect(show({ kind: 'not', child: lit('lt', 'i', 2147483648n) })).toBe('false')
  })

  it('keeps ±Infinity apart on float and double columns', () => {
    expect(show(lit('lt', 'f', 1e39))).toEqual(['lt', Infinity])
    expect(show(lit('gt', 'f', 1e39))).toEqual(['eq', Infinity])
    expect(show(lit('lt', 'f', -1e39))).toEqual(['eq', -Infinity])
    expect(show(lit('gtEq', 'f', -1e39))).toEqual(['gt', -Infinity])
    expect(show(lit('ltEq', 'd', '1e400'))).toEqual(['lt', Infinity])
    expect(show(lit('gt', 'd', 2n ** 1024n))).toEqual(['eq', Infinity])
    expect(show(lit('lt', 'd', 'Infinity'))).toEqual(['lt', Infinity])
  })
})
