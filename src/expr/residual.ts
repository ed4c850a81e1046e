// Java ResidualEvaluator: what is left of a row filter for the rows of one partition. A predicate whose
// strict projection holds for the partition tuple is true for every row there; one whose inclusive
// projection fails is false for every row; anything else stays. Residuals are unbound (names, plain
// literals) so scan tasks stay serialisable.
import type { PartitionValues } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { Value } from '../spec/types.js'
import { alwaysFalse, alwaysTrue, and, or, rewriteNot, type BoundExpression, type BoundPredicate, type Expression } from './expression.js'
import { unbind } from './bind.js'
import { partitionPositions } from './eval-partition.js'
import { unbindPredicate } from './literal.js'
import { compileExpression } from './eval-row.js'
import { projectInclusiveExpression, projectStrictExpression } from './project.js'
import { compileValueTest } from './value-test.js'

/** Computes the residual of a filter for one partition tuple. */
export type ResidualEvaluator = (partition: PartitionValues) => Expression

// A test of one partition field (the tuple position and the projected predicate's value test).
interface FieldTest {
  readonly pos: number
  readonly test: (v: Value) => boolean
}

interface Leaf {
  readonly strict: readonly FieldTest[]
  readonly inclusive: readonly FieldTest[]
  readonly unbound: Expression
}

/**
 * Compile the residual evaluator of a filter bound to the table schema, for partitions of `spec`. An
 * unpartitioned spec (no fields) always leaves the whole filter. NOT is pushed down first (unlike Java,
 * which keeps `not` and so turns `not (x < 5)` into true for a partition where x is null), and the result
 * folds constants (`x and true` → `x`). Partition values follow the same null/NaN semantics as rows (see
 * eval-row.ts), so for every row r of the partition: filter(r) ⇔ residual(r).
 */
export function residualEvaluator(spec: PartitionSpec, filter: BoundExpression): ResidualEvaluator {
  if (spec.fields.length === 0) {
    const whole = unbind(filter)
    return () => whole
  }
  const rewritten = rewriteNot(filter)
  const positions = partitionPositions(spec)
  const leaves = new Map<BoundPredicate, Leaf>()
  const tests = (p: BoundPredicate, project: typeof projectStrictExpression): FieldTest[] => {
    const out: FieldTest[] = []
    for (const f of spec.fields) {
      if (f.sourceId !== p.term.fieldId) continue
      const projected = project(p, f)
      // every predicate of a projection is on the same partition field, so it compiles to a test of one value
      if (projected) out.push({ pos: positions.get(f.fieldId)!, test: compileExpression<Value>(projected, compileValueTest) })
    }
    return out
  }
  const collect = (e: BoundExpression): void => {
    switch (e.kind) {
      case 'true':
      case 'false':
        return
      case 'and':
      case 'or':
        collect(e.left)
        collect(e.right)
        return
      case 'not':
        collect(e.child)
        return
      default:
        if (!leaves.has(e)) leaves.set(e, { strict: tests(e, projectStrictExpression), inclusive: tests(e, projectInclusiveExpression), unbound: unbindPredicate(e) })
    }
  }
  collect(rewritten)

  const holds = (t: FieldTest, tuple: PartitionValues): boolean | undefined => (t.pos < tuple.length ? t.test(tuple[t.pos]!) : undefined)
  const visit = (e: BoundExpression, tuple: PartitionValues): Expression => {
    switch (e.kind) {
      case 'true':
      case 'false':
        return e
      case 'and':
        return and(visit(e.left, tuple), visit(e.right, tuple))
      case 'or':
        return or(visit(e.left, tuple), visit(e.right, tuple))
      case 'not':
        return unbind(e) // not produced by rewriteNot; keeping the expression is always exact
      default: {
        const leaf = leaves.get(e)!
        // (Java interleaves the checks per partition field; for a sound projection the order is irrelevant)
        for (const t of leaf.strict) if (holds(t, tuple) === true) return alwaysTrue
        for (const t of leaf.inclusive) if (holds(t, tuple) === false) return alwaysFalse
        return leaf.unbound
      }
    }
  }
  return (tuple) => visit(rewritten, tuple)
}

/** The residual of a bound filter for one partition tuple (compiles each call; prefer {@link residualEvaluator}). */
export function residualFor(spec: PartitionSpec, filter: BoundExpression, partition: PartitionValues): Expression {
  return residualEvaluator(spec, filter)(partition)
}
