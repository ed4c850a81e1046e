// SQL's three-valued logic for row-level deletes and overwrites: a row is affected only where the filter is
// TRUE, never where it is unknown. Iceberg's expressions are two-valued (a null matches `!=`, `not in`,
// `not startsWith`), so `DELETE WHERE s != 'a'` would also delete rows where s is null; Spark (SparkV2Filters
// adds notNull) and PyIceberg (the complement keeps IsNull) keep them.
import { and, rewriteNot, type Expression, type UnboundPredicate } from './expression.js'

/** `e` rewritten to hold exactly where it is TRUE under SQL semantics: NOT pushed down, each comparison also requiring its column to be non-null. */
export function sqlTrue(e: Expression): Expression {
  return guard(rewriteNot(e))
}

function guard(e: Expression): Expression {
  switch (e.kind) {
    case 'true':
    case 'false':
      return e
    case 'and':
      return and(guard(e.left), guard(e.right))
    case 'or':
      return { kind: 'or', left: guard(e.left), right: guard(e.right) }
    case 'not':
      return guard(rewriteNot(e))
    case 'unary':
      return e
    default: {
      const notNull: UnboundPredicate = { kind: 'unary', op: 'notNull', term: e.term }
      return and<UnboundPredicate>(notNull, e)
    }
  }
}
