// Java Projections.inclusive + partition-tuple evaluation: may a data file with this partition tuple hold
// a row matching the filter? (Planning uses it per manifest entry, before the metrics evaluator.)
import type { PartitionValues } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import { alwaysTrue, and, or, rewriteNot, type BoundExpression, type BoundPredicate } from './expression.js'
import { compileExpression } from './eval-row.js'
import { projectInclusiveExpression } from './project.js'
import { compileValueTest } from './value-test.js'

/**
 * Inclusive projection of a whole row filter onto a spec's partition fields (Java Projections.inclusive):
 * NOT is pushed down first, then each predicate becomes the AND of its projections through every partition
 * field whose source is the predicate's column (true when there is none). The result is bound to partition
 * fields (field id = partition field id, type = transform result type) and is true for every partition
 * that may hold a matching row.
 */
export function projectInclusiveExpr(spec: PartitionSpec, filter: BoundExpression): BoundExpression {
  const bySource = new Map<number, PartitionSpec['fields'][number][]>()
  for (const f of spec.fields) {
    const list = bySource.get(f.sourceId)
    if (list) list.push(f)
    else bySource.set(f.sourceId, [f])
  }
  const visit = (e: BoundExpression): BoundExpression => {
    switch (e.kind) {
      case 'true':
      case 'false':
        return e
      case 'and':
        return and(visit(e.left), visit(e.right))
      case 'or':
        return or(visit(e.left), visit(e.right))
      case 'not':
        return alwaysTrue // not produced by rewriteNot; true is always a safe inclusive answer
      default: {
        const parts = bySource.get(e.term.fieldId)
        if (!parts) return alwaysTrue
        let out: BoundExpression = alwaysTrue
        for (const part of parts) {
          const p = projectInclusiveExpression(e, part)
          if (p) out = and(out, p)
        }
        return out
      }
    }
  }
  return visit(rewriteNot(filter))
}

/** Position of each partition field id in the spec (the index into a partition tuple or summary list). */
export function partitionPositions(spec: PartitionSpec): ReadonlyMap<number, number> {
  return new Map(spec.fields.map((f, i) => [f.fieldId, i]))
}

/** A compiled test of one data file's partition tuple. */
export type PartitionEvaluator = (partition: PartitionValues) => boolean

/**
 * Compile a row filter (bound to the table schema) into a test of partition tuples written with `spec`:
 * false means no row of a file with that tuple can match. A tuple shorter than the spec (malformed) may
 * match. Partition values read under an older source type are coerced (int → long, date → timestamp).
 */
export function partitionEvaluator(spec: PartitionSpec, filter: BoundExpression): PartitionEvaluator {
  const projected = projectInclusiveExpr(spec, filter)
  const positions = partitionPositions(spec)
  return compileExpression<PartitionValues>(projected, (p: BoundPredicate) => {
    const pos = positions.get(p.term.fieldId)!
    const test = compileValueTest(p)
    return (tuple) => (pos < tuple.length ? test(tuple[pos]!) : true)
  })
}
