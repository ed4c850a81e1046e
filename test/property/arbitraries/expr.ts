// fast-check arbitraries for filter expressions over random tables: schemas of primitive columns (one
// optional struct level), rows, bound filters with literals near the row values, partition specs, a
// reference evaluator, and unbound expressions for text round trips (file metrics: expr-metrics.ts).
import fc from 'fast-check'
import { NumberText, type BoundExpression, type BoundPredicate, type BoundReference, type Expression, type Literal, type PredicateOp } from '../../../src/expr/expression.js'
import type { Row } from '../../../src/parquet/codec.js'
import type { PartitionField, PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema as makeSchema, type Schema } from '../../../src/spec/schema.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { field, T, type NestedField, type PrimitiveType, type StructValue, type Value } from '../../../src/spec/types.js'
import { compareValues, valueEquals } from '../../../src/spec/values.js'
import { transformFor } from './types.js'
import { nearValueArb, nonNullValueArb } from './values.js'

/** A primitive leaf column: its bound reference, requiredness and the names to reach it in a row. */
export interface Column {
  readonly ref: BoundReference
  readonly required: boolean
  readonly path: readonly string[]
}

/** A random table: schema plus its primitive leaf columns. */
export interface Table {
  readonly schema: Schema
  readonly columns: readonly Column[]
}

const COLUMN_TYPES: readonly PrimitiveType[] = [
  T.boolean, T.int, T.long, T.float, T.double, T.date, T.time, T.timestamp, T.timestamptz, T.timestampNs, T.timestamptzNs,
  T.string, T.string, T.uuid, T.binary, T.fixed(3), T.decimal(9, 2), T.decimal(38, 0),
]

const typeArb = fc.constantFrom(...COLUMN_TYPES)

/** Random tables: 1–4 top-level primitive columns and sometimes a struct `s` of 1–2 primitive fields. */
export const tableArb: fc.Arbitrary<Table> = fc
  .tuple(
    fc.array(fc.tuple(typeArb, fc.boolean()), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.boolean(), fc.array(fc.tuple(typeArb, fc.boolean()), { minLength: 1, maxLength: 2 }))),
  )
  .map(([tops, struct]) => {
    let id = 1
    const fields: NestedField[] = []
    const columns: Column[] = []
    for (const [type, required] of tops) {
      const f = field(id++, `c${fields.length}`, type, { required })
      fields.push(f)
      columns.push({ ref: { fieldId: f.id, name: f.name, type }, required, path: [f.name] })
    }
    if (struct) {
      const [structRequired, kids] = struct
      const sid = id++
      const children = kids.map(([type, required], i) => field(id++, `x${i}`, type, { required }))
      fields.push(field(sid, 's', T.struct(children), { required: structRequired }))
      for (const c of children)
        columns.push({ ref: { fieldId: c.id, name: `s.${c.name}`, type: c.type as PrimitiveType }, required: c.required && structRequired, path: ['s', c.name] })
    }
    return { schema: makeSchema(fields), columns }
  })

const longString = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', '\u{10FFFF}', '\uFFFF'), minLength: 12, maxLength: 22 })

/** Non-null values of a column type: near the epoch, plus the awkward ones (NaN, ±0, ±∞, long strings and bytes). */
export function columnValueArb(type: PrimitiveType): fc.Arbitrary<Value> {
  const near = nonNullValueArb(type, { spread: 'near' })
  switch (type.kind) {
    case 'float':
    case 'double': {
      const round = type.kind === 'float' ? Math.fround : (x: number): number => x
      return fc.oneof(near, fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 1, -1, 2.5), fc.integer({ min: -5, max: 5 }).map((x) => round(x / 2)))
    }
    case 'string':
      return fc.oneof(near, longString)
    case 'binary':
      return fc.oneof(near, fc.uint8Array({ minLength: 14, maxLength: 20, min: 254, max: 255 }), fc.uint8Array({ minLength: 14, maxLength: 20, min: 0, max: 2 }))
    default:
      return near
  }
}

/** One row value per column (nulls for optional columns; the struct itself may be null when optional). */
export function rowsArb(table: Table, opts: { minRows?: number; maxRows?: number } = {}): fc.Arbitrary<Row[]> {
  const structOptional = table.schema.fields.some((f) => f.name === 's' && !f.required)
  const rowArb = fc
    .tuple(
      fc.tuple(...table.columns.map((c) => (c.required ? columnValueArb(c.ref.type) : fc.option(columnValueArb(c.ref.type), { freq: 4, nil: null })))),
      fc.boolean(),
    )
    .map(([values, nullStruct]) => {
      const row: Row = {}
      table.columns.forEach((c, i) => {
        if (c.path.length === 1) row[c.path[0]!] = values[i]!
        else {
          const s = (row.s ?? (row.s = {})) as Record<string, Value>
          s[c.path[1]!] = values[i]!
        }
      })
      if (structOptional && nullStruct) row.s = null
      return row
    })
  return fc.array(rowArb, { minLength: opts.minRows ?? 1, maxLength: opts.maxRows ?? 6 })
}

/** The value of a column in a row (null when a parent struct is null). */
export function readColumn(row: Row, c: Column): Value {
  let v: Value | undefined = row
  for (const p of c.path) {
    if (v === null || v === undefined) return null
    v = (v as StructValue)[p]
  }
  return v ?? null
}

// Literals for a column: near some row's value, never NaN (binding turns NaN into isNaN/notNaN).
function literalArb(c: Column, rows: readonly Row[]): fc.Arbitrary<Value> {
  const seen = rows.map((r) => readColumn(r, c)).filter((v): v is Exclude<Value, null> => v !== null)
  const base = seen.length ? fc.constantFrom(...seen).chain((v) => nearValueArb(c.ref.type, v)) : columnValueArb(c.ref.type)
  return fc.oneof(base, columnValueArb(c.ref.type)).filter((v) => !(typeof v === 'number' && Number.isNaN(v)))
}

/** A bound predicate on a column (every op that applies to its type), literals near the rows' values. */
export function predicateOn(c: Column, rows: readonly Row[]): fc.Arbitrary<BoundPredicate> {
  const term = c.ref
  const ops: PredicateOp[] = ['isNull', 'notNull', 'lt', 'ltEq', 'gt', 'gtEq', 'eq', 'notEq', 'in', 'notIn']
  if (term.type.kind === 'string') ops.push('startsWith', 'notStartsWith', 'startsWith')
  if (term.type.kind === 'float' || term.type.kind === 'double') ops.push('isNaN', 'notNaN')
  const lit = literalArb(c, rows)
  return fc.constantFrom(...ops).chain((op): fc.Arbitrary<BoundPredicate> => {
    switch (op) {
      case 'isNull':
      case 'notNull':
      case 'isNaN':
      case 'notNaN':
        return fc.constant({ kind: 'unary', op, term })
      case 'in':
      case 'notIn':
        return fc.array(lit, { minLength: 1, maxLength: 4 }).map((values) => ({ kind: 'set', op, term, values }))
      default:
        return lit.map((value) => ({ kind: 'literal', op, term, value }))
    }
  })
}

/** A random bound filter (and/or/not trees up to `depth`) over the table's columns. */
export function filterArb(table: Table, rows: readonly Row[], depth = 3): fc.Arbitrary<BoundExpression> {
  const leaf: fc.Arbitrary<BoundExpression> = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...table.columns).chain((c) => predicateOn(c, rows)) },
    { weight: 1, arbitrary: fc.constantFrom<BoundExpression>({ kind: 'true' }, { kind: 'false' }) },
  )
  if (depth <= 0) return leaf
  const sub = filterArb(table, rows, depth - 1)
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.tuple(sub, sub).map(([left, right]): BoundExpression => ({ kind: 'and', left, right })) },
    { weight: 2, arbitrary: fc.tuple(sub, sub).map(([left, right]): BoundExpression => ({ kind: 'or', left, right })) },
    { weight: 1, arbitrary: sub.map((child): BoundExpression => ({ kind: 'not', child })) },
  )
}

/** A random spec: for each column 0–2 partition fields with a transform that applies to it. */
export function specArb(table: Table): fc.Arbitrary<PartitionSpec> {
  return fc
    .tuple(...table.columns.map((c) => fc.array(transformFor(c.ref.type), { maxLength: 2 })))
    .map((perColumn) => {
      const fields: PartitionField[] = []
      perColumn.forEach((transforms, i) => {
        for (const transform of transforms)
          fields.push({ sourceId: table.columns[i]!.ref.fieldId, fieldId: 1000 + fields.length, name: `p${fields.length}`, transform })
      })
      return { specId: 0, fields }
    })
}

/** The partition tuple of a row under `spec`. */
export function partitionOf(table: Table, spec: PartitionSpec, row: Row): Value[] {
  return spec.fields.map((f) => {
    const c = table.columns.find((x) => x.ref.fieldId === f.sourceId)!
    return applyTransform(f.transform, c.ref.type, readColumn(row, c))
  })
}

/** A grouping key that tells apart every distinct tuple (−0 and +0, NaN, bytes by content). */
export function tupleKey(values: readonly Value[]): string {
  return values
    .map((v) => (v instanceof Uint8Array ? `b${[...v].join(',')}` : typeof v === 'number' && Object.is(v, -0) ? '-0' : `${typeof v}:${String(v)}`))
    .join('|')
}

const isNaNNumber = (v: Value): boolean => typeof v === 'number' && Number.isNaN(v)

/**
 * Reference semantics of a bound predicate on one value, written independently of src/expr: null matches
 * isNull and notEq/notIn/notStartsWith/notNaN; NaN matches isNaN/notEq/notIn; else Iceberg order.
 */
export function oraclePredicate(p: BoundPredicate, v: Value): boolean {
  const type = p.term.type
  const nan = isNaNNumber(v)
  if (p.kind === 'unary') return p.op === 'isNull' ? v === null : p.op === 'notNull' ? v !== null : p.op === 'isNaN' ? nan : !nan
  const comparable = v !== null && !nan
  if (p.kind === 'set') {
    const found = comparable && p.values.some((x) => valueEquals(type, v, x))
    return p.op === 'in' ? found : !found
  }
  if (p.op === 'startsWith' || p.op === 'notStartsWith') {
    const s = typeof v === 'string' && v.startsWith(p.value as string)
    return p.op === 'startsWith' ? s : !s
  }
  if (!comparable) return p.op === 'notEq'
  const c = compareValues(type, v, p.value)
  return { lt: c < 0, ltEq: c <= 0, gt: c > 0, gtEq: c >= 0, eq: c === 0, notEq: c !== 0 }[p.op]
}

const NEGATED: Record<PredicateOp, PredicateOp> = {
  isNull: 'notNull', notNull: 'isNull', isNaN: 'notNaN', notNaN: 'isNaN', lt: 'gtEq', gtEq: 'lt', ltEq: 'gt', gt: 'ltEq',
  eq: 'notEq', notEq: 'eq', in: 'notIn', notIn: 'in', startsWith: 'notStartsWith', notStartsWith: 'startsWith',
}

/** Reference evaluation of a bound filter on a row; NOT means the negated predicates (De Morgan pushed down). */
export function oracleEval(table: Table, e: BoundExpression, row: Row, negated = false): boolean {
  switch (e.kind) {
    case 'true':
      return !negated
    case 'false':
      return negated
    case 'and':
      return negated
        ? oracleEval(table, e.left, row, true) || oracleEval(table, e.right, row, true)
        : oracleEval(table, e.left, row) && oracleEval(table, e.right, row)
    case 'or':
      return negated
        ? oracleEval(table, e.left, row, true) && oracleEval(table, e.right, row, true)
        : oracleEval(table, e.left, row) || oracleEval(table, e.right, row)
    case 'not':
      return oracleEval(table, e.child, row, !negated)
    default: {
      const c = table.columns.find((x) => x.ref.fieldId === e.term.fieldId)!
      const p = negated ? ({ ...e, op: NEGATED[e.op] } as BoundPredicate) : e
      return oraclePredicate(p, readColumn(row, c))
    }
  }
}

const NAME = fc.oneof(
  fc.constantFrom('id', 'ts', 'location.lat', 'a_b$', 'weird name', 'and', 'x.in', 'quote"d', 'tick`d', 'Ünï', 'null', 'not', 'true', 'back\\slash', 'x.y z', 'line\nbreak'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
)

/** Literals in the canonical forms the parser produces (safe integers as numbers, larger ones as bigints). */
export const textLiteralArb: fc.Arbitrary<Literal> = fc.oneof(
  fc.boolean(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.oneof(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 53n) })),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("it's", '50%', 'back\\slash', '%\\%', '', 'ends\\', "\\'", "\\''", 'a\\x', 'line\nbreak'),
  fc.uint8Array({ maxLength: 6 }),
  fc.constantFrom(Infinity, -Infinity, NaN, -0),
  // 18+ significant digits: no double prints back as this decimal, so it stays exact number text
  fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 10n ** 17n, max: 10n ** 25n }))
    .filter(([, , frac]) => frac % 10n !== 0n)
    .map(([neg, int, frac]) => new NumberText(`${neg ? '-' : ''}${int}.${frac}`)),
)

/** Random unbound expressions whose literals use the parser's canonical forms (for text round trips). */
export function unboundExprArb(depth = 3, names: fc.Arbitrary<string> = NAME): fc.Arbitrary<Expression> {
  const term = names.map((name) => ({ name }))
  const pred: fc.Arbitrary<Expression> = fc.oneof(
    fc.tuple(term, fc.constantFrom('isNull', 'notNull', 'isNaN', 'notNaN' as const)).map(([t, op]): Expression => ({ kind: 'unary', op, term: t })),
    fc
      .tuple(term, fc.constantFrom('lt', 'ltEq', 'gt', 'gtEq', 'eq', 'notEq' as const), textLiteralArb)
      .map(([t, op, value]): Expression => ({ kind: 'literal', op, term: t, value })),
    fc
      .tuple(
        term,
        fc.constantFrom('startsWith', 'notStartsWith' as const),
        fc.oneof(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6, unit: fc.constantFrom('a', '%', '\\', "'", '_') }), fc.constantFrom('50%', 'a\\', '\\%')),
      )
      .map(([t, op, value]): Expression => ({ kind: 'literal', op, term: t, value })),
    fc
      .tuple(term, fc.constantFrom('in', 'notIn' as const), fc.array(textLiteralArb, { maxLength: 4 }))
      .map(([t, op, values]): Expression => ({ kind: 'set', op, term: t, values })),
    fc.constantFrom<Expression>({ kind: 'true' }, { kind: 'false' }),
  )
  if (depth <= 0) return pred
  const sub = unboundExprArb(depth - 1, names)
  return fc.oneof(
    { weight: 3, arbitrary: pred },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([left, right]): Expression => ({ kind: 'and', left, right })) },
    { weight: 1, arbitrary: fc.tuple(sub, sub).map(([left, right]): Expression => ({ kind: 'or', left, right })) },
    { weight: 1, arbitrary: sub.map((child): Expression => ({ kind: 'not', child })) },
  )
}
