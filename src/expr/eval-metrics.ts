// Java InclusiveMetricsEvaluator (InclusiveEvalVisitor): can a data file hold a row matching the filter,
// judging by its value/null/NaN counts and lower/upper bounds? Runs once per data file during planning, so
// the filter is compiled once into closures and bounds are decoded lazily, only for referenced columns.
import type { DataFile } from '../spec/manifest.js'
import type { Schema } from '../spec/schema.js'
import type { Value } from '../spec/types.js'
import { utf8Encode } from '../spec/values.js'
import { rewriteNot, type BoundExpression, type BoundPredicate } from './expression.js'
import { compileExpression } from './eval-row.js'
import { statsReader, type StatsReader } from './metrics-stats.js'
import { boundDomain } from './bound-domain.js'
import { comparePrefix, type Comparator, isFloatType, isNaNValue, membershipFor, sortedDistinct, startsWithBytes } from './value-test.js'

/** A compiled test of data (or delete) files. */
export type FileEvaluator = (file: DataFile) => boolean

/** Strict evaluation lives next door; re-exported so both evaluators come from one module. */
export { strictMetricsEvaluator } from './eval-metrics-strict.js'

const IN_PREDICATE_LIMIT = 200
const MIGHT = true
const CANNOT = false

/**
 * Compile the inclusive metrics evaluator of a filter bound to `schema`: false means the file cannot hold
 * a matching row. Java semantics: a file with 0 records cannot match, one with a negative count may; a
 * missing count or bound means "might match"; NaN bounds are unreliable; notEq/notIn prune only a file
 * whose column holds one value (lower = upper, no nulls or NaN); `in` with more than 200 values is not
 * evaluated; startsWith compares bounds cut to the prefix's UTF-8 length (truncated string bounds stay
 * valid). Bounds decode with the column's current type (promoted bounds by length). Statistics of fields
 * inside lists/maps are ignored. uuid bounds are only used for equality-style predicates, judged under
 * both unsigned and Java's signed uuid order.
 */
export function inclusiveMetricsEvaluator(schema: Schema, filter: BoundExpression): FileEvaluator {
  const stats = statsReader(schema)
  const compiled = compileExpression<DataFile>(rewriteNot(filter), (p) => {
    const test = inclusiveLeaf(p, stats)
    return () => test()
  })
  return (file) => {
    if (file.recordCount === 0n) return CANNOT
    if (file.recordCount < 0n) return MIGHT
    stats.load(file)
    return compiled(file)
  }
}

function inclusiveLeaf(p: BoundPredicate, stats: StatsReader): () => boolean {
  const id = p.term.fieldId
  const type = p.term.type
  const domain = boundDomain(type)
  const col = stats.column(id, domain)
  const cmps = domain.comparators
  const ordered = cmps.length === 1 // uuid bounds: equality-style predicates only
  const cmp = cmps[0]!
  const lower = (): Value | undefined => col.lower()
  const upper = (): Value | undefined => col.upper()
  const noValues = (): boolean => col.containsNullsOnly() || col.containsNaNsOnly()
  // the column's single value when every row holds it (no nulls, no NaN, lower = upper)
  const uniqueValue = (): Value | undefined => {
    if (col.mayContainNull()) return undefined
    const lo = lower()
    const hi = upper()
    if (lo === undefined || hi === undefined || isNaNValue(lo) || isNaNValue(hi)) return undefined
    if (isFloatType(type) && col.mayContainNaN()) return undefined
    return cmps.every((c) => c(lo, hi) === 0) ? lo : undefined
  }

  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return () => col.mayContainNull()
      case 'notNull':
        return () => !col.containsNullsOnly()
      case 'isNaN':
        return () => !col.containsNullsOnly() && col.mayContainNaN()
      case 'notNaN':
        return () => !col.containsNaNsOnly()
    }
  }
  if (p.kind === 'set') {
    const values = sortedDistinct(type, p.values).map(domain.literal)
    if (p.op === 'notIn') {
      const has = membershipFor(domain.memberType, values)
      return () => {
        const u = uniqueValue()
        return u === undefined || !has(u)
      }
    }
    const many = values.length > IN_PREDICATE_LIMIT
    return () => {
      if (noValues()) return CANNOT
      if (many) return MIGHT
      const lo = lower()
      if (lo === undefined || isNaNValue(lo)) return MIGHT
      const hi = upper()
      return cmps.some((c) => values.some((v) => c(lo, v) <= 0 && (hi === undefined || c(hi, v) >= 0)))
    }
  }

  const lit = p.kind === 'literal' && p.op !== 'startsWith' && p.op !== 'notStartsWith' ? domain.literal(p.value) : p.value
  switch (p.op) {
    case 'startsWith': {
      const prefix = utf8Encode(String(lit))
      return () => {
        if (col.containsNullsOnly()) return CANNOT
        const lo = col.lowerBytes()
        if (lo === undefined) return MIGHT
        if (comparePrefix(lo, prefix) > 0) return CANNOT
        const hi = col.upperBytes()
        return hi === undefined || comparePrefix(hi, prefix) >= 0
      }
    }
    case 'notStartsWith': {
      const prefix = utf8Encode(String(lit))
      return () => {
        if (col.mayContainNull()) return MIGHT
        const lo = col.lowerBytes()
        const hi = col.upperBytes()
        // every value starts with the prefix when both bounds do
        return !(lo !== undefined && hi !== undefined && startsWithBytes(lo, prefix) && startsWithBytes(hi, prefix))
      }
    }
    case 'notEq':
      return () => {
        const u = uniqueValue()
        return u === undefined || !cmps.every((c) => c(u, lit) === 0)
      }
    case 'eq': {
      const within = (c: Comparator, lo: Value | undefined, hi: Value | undefined): boolean =>
        (lo === undefined || isNaNValue(lo) || c(lo, lit) <= 0) && (hi === undefined || c(hi, lit) >= 0)
      const [first, second] = cmps
      return () => {
        if (noValues()) return CANNOT
        const lo = lower()
        const hi = upper()
        return within(first!, lo, hi) || (second !== undefined && within(second, lo, hi))
      }
    }
    case 'lt':
    case 'ltEq':
      return () => {
        if (noValues()) return CANNOT
        if (!ordered) return MIGHT
        const lo = lower()
        if (lo === undefined || isNaNValue(lo)) return MIGHT
        const c = cmp(lo, lit)
        return p.op === 'lt' ? c < 0 : c <= 0
      }
    case 'gt':
    case 'gtEq':
      return () => {
        if (noValues()) return CANNOT
        if (!ordered) return MIGHT
        const hi = upper()
        if (hi === undefined) return MIGHT
        const c = cmp(hi, lit)
        return p.op === 'gt' ? c > 0 : c >= 0
      }
  }
}
