// Java Evaluator: does one row satisfy a bound filter? Used to apply residuals after reading data files.
//
// Semantics (shared with the partition and residual evaluators, and what the metrics/manifest evaluators
// assume when they prune): NOT means the pushed-down negation (Java RewriteNot, `not (x < 5)` ≡ `x >= 5`),
// so it is evaluated by rewriting, not by complementing. A null value matches isNull and the negated forms
// notEq, notIn, notStartsWith, notNaN and nothing else; a NaN matches isNaN, notEq and notIn but no ordered
// comparison (neither `x < 5` nor `x >= 5`); other values compare in Iceberg order (−0 < +0, UTF-8 bytes).
// Java's Evaluator differs: it complements NOT and compares with a nulls-first comparator (`null < 5` is
// true) and NaN as the largest float, which contradicts Java's own metrics evaluators; floe follows the
// semantics pruning relies on.
import { InvalidArgumentError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { indexSchema, type Schema } from '../spec/schema.js'
import type { StructValue, Value } from '../spec/types.js'
import { rewriteNot, type BoundExpression, type BoundPredicate } from './expression.js'
import { compileValueTest } from './value-test.js'

/** A compiled filter over rows. */
export type RowEvaluator = (row: Row) => boolean

/** Reads one column (by field id) from a row; nested struct fields walk nested objects, a null parent gives null. */
export type ValueAccessor = (row: Row) => Value

/** Build the accessor of a field id: the field's name path through parent structs (null when any parent is null). */
export function accessorFor(schema: Schema, fieldId: number): ValueAccessor {
  const idx = indexSchema(schema)
  const entry = idx.byId.get(fieldId)
  if (!entry) throw new InvalidArgumentError(`Cannot find field id ${fieldId} in schema ${schema.schemaId}`)
  const path: string[] = []
  for (const pid of entry.parentIds) {
    const p = idx.byId.get(pid)!
    if (p.field.type.kind !== 'struct')
      throw new InvalidArgumentError(`Cannot read field ${entry.name} from rows: it is inside a ${p.field.type.kind}`, {
        context: { field: entry.name },
      })
    path.push(p.field.name)
  }
  path.push(entry.field.name)
  const [a, b] = path
  if (path.length === 1) return (row) => row[a!] ?? null
  if (path.length === 2)
    return (row) => {
      const s = row[a!] as StructValue | null | undefined
      return s === null || s === undefined ? null : (s[b!] ?? null)
    }
  return (row) => {
    let v: Value | undefined = row
    for (const name of path) {
      if (v === null || v === undefined) return null
      v = (v as StructValue)[name]
    }
    return v ?? null
  }
}

/** Compile a bound expression into a closure over inputs of type R; `leaf` compiles each predicate once. */
export function compileExpression<R>(e: BoundExpression, leaf: (p: BoundPredicate) => (r: R) => boolean): (r: R) => boolean {
  switch (e.kind) {
    case 'true':
      return () => true
    case 'false':
      return () => false
    case 'and': {
      const l = compileExpression(e.left, leaf)
      const r = compileExpression(e.right, leaf)
      return (x) => l(x) && r(x)
    }
    case 'or': {
      const l = compileExpression(e.left, leaf)
      const r = compileExpression(e.right, leaf)
      return (x) => l(x) || r(x)
    }
    case 'not': {
      const c = compileExpression(e.child, leaf)
      return (x) => !c(x)
    }
    default:
      return leaf(e)
  }
}

/**
 * Compile a filter bound to `schema` into a row test (build once, call per row; NOT is pushed down first). Rows are plain objects
 * keyed by column name with nested structs as nested objects (`parquet/codec.ts` Row); a missing key reads
 * as null. Values must use floe's in-memory representation (longs as bigint, …).
 */
export function rowEvaluator(schema: Schema, filter: BoundExpression): RowEvaluator {
  const accessors = new Map<number, ValueAccessor>()
  return compileExpression<Row>(rewriteNot(filter), (p) => {
    let get = accessors.get(p.term.fieldId)
    if (!get) accessors.set(p.term.fieldId, (get = accessorFor(schema, p.term.fieldId)))
    const test = compileValueTest(p)
    const read = get
    return (row) => test(read(row))
  })
}

/** Evaluate a bound filter on one row (compiles each call; prefer {@link rowEvaluator} in loops). */
export function evalRow(schema: Schema, filter: BoundExpression, row: Row): boolean {
  return rowEvaluator(schema, filter)(row)
}
