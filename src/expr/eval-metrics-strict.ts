// Java StrictMetricsEvaluator (StrictEvalVisitor): do all rows of a data file match the filter, judging by
// its counts and bounds? Used for whole-file deletes and overwrite validation.
import type { DataFile } from '../spec/manifest.js'
import type { Schema } from '../spec/schema.js'
import type { Value } from '../spec/types.js'
import { utf8Encode } from '../spec/values.js'
import { rewriteNot, type BoundExpression, type BoundPredicate } from './expression.js'
import { compileExpression } from './eval-row.js'
import { statsReader, type StatsReader } from './metrics-stats.js'
import { boundDomain } from './bound-domain.js'
import { comparePrefix, isFloatType, isNaNValue, membershipFor, sortedDistinct, startsWithBytes } from './value-test.js'

const MUST = true
const MIGHT_NOT = false

/**
 * Compile the strict metrics evaluator of a filter bound to `schema`: true means every row of the file
 * matches (a file with no records trivially does). Java semantics, including that predicates on columns
 * other than top-level ones are never decided, with two differences. A file with an unknown record count
 * (-1) is never decided, as PyIceberg and iceberg-cpp fixed it (Java's `recordCount() <= 0` says all its
 * rows match, so a delete by filter would drop the whole file). And Java assumes "no nulls" when a
 * null-count map exists without the column's key, and "no NaN" when the NaN count is missing; floe treats
 * an unknown count as "may contain" (a required column never holds nulls), so a file with bounds but no
 * counts is never wrongly decided.
 */
export function strictMetricsEvaluator(schema: Schema, filter: BoundExpression): (file: DataFile) => boolean {
  const stats = statsReader(schema)
  const topLevel = new Map(schema.fields.map((f) => [f.id, f.required]))
  const compiled = compileExpression<DataFile>(rewriteNot(filter), (p) => {
    const test = strictLeaf(p, stats, topLevel.has(p.term.fieldId), topLevel.get(p.term.fieldId) === true)
    return () => test()
  })
  return (file) => {
    if (file.recordCount === 0n) return MUST
    // an unknown count (-1: Java's migrate/add_files for files it cannot count) says nothing about the rows
    if (file.recordCount < 0n) return MIGHT_NOT
    stats.load(file)
    return compiled(file)
  }
}

function strictLeaf(p: BoundPredicate, stats: StatsReader, topLevel: boolean, required: boolean): () => boolean {
  const id = p.term.fieldId
  const type = p.term.type
  const float = isFloatType(type)
  const domain = boundDomain(type)
  const col = stats.column(id, domain)
  const cmps = domain.comparators
  const lower = (): Value | undefined => col.lower()
  const upper = (): Value | undefined => col.upper()
  const canContainNulls = (): boolean => !required && col.nullCount() !== 0n
  const canContainNaNs = (): boolean => float && col.nanCount() !== 0n
  const noValues = (): boolean => col.containsNullsOnly() || col.containsNaNsOnly()

  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return () => topLevel && col.containsNullsOnly()
      case 'notNull':
        return () => topLevel && !col.mayContainNull()
      case 'isNaN':
        return () => col.containsNaNsOnly()
      case 'notNaN':
        return () => !col.mayContainNaN() || col.containsNullsOnly()
    }
  }
  if (!topLevel) return () => MIGHT_NOT
  if (p.kind === 'set') {
    const values = sortedDistinct(type, p.values).map(domain.literal)
    if (p.op === 'in') {
      const has = membershipFor(domain.memberType, values)
      return () => {
        if (canContainNulls() || canContainNaNs()) return MIGHT_NOT
        const lo = lower()
        const hi = upper()
        if (lo === undefined || hi === undefined || !has(lo) || !has(hi)) return MIGHT_NOT
        return cmps.every((c) => c(lo, hi) === 0)
      }
    }
    return () => {
      if (noValues()) return MUST
      const lo = lower()
      if (lo !== undefined && isNaNValue(lo)) return MIGHT_NOT
      const hi = upper()
      if (lo === undefined && hi === undefined) return MIGHT_NOT
      // every row differs from the set when no value lies within [lower, upper] (in every possible order)
      return cmps.every((c) => !values.some((v) => (lo === undefined || c(lo, v) <= 0) && (hi === undefined || c(hi, v) >= 0)))
    }
  }

  const lit = p.kind === 'literal' && p.op !== 'startsWith' && p.op !== 'notStartsWith' ? domain.literal(p.value) : p.value
  switch (p.op) {
    case 'startsWith': {
      const prefix = utf8Encode(String(lit))
      return () => {
        if (canContainNulls()) return MIGHT_NOT
        const lo = col.lowerBytes()
        const hi = col.upperBytes()
        return lo !== undefined && hi !== undefined && startsWithBytes(lo, prefix) && startsWithBytes(hi, prefix)
      }
    }
    case 'notStartsWith': {
      const prefix = utf8Encode(String(lit))
      return () => {
        if (col.containsNullsOnly()) return MUST
        const lo = col.lowerBytes()
        if (lo !== undefined && comparePrefix(lo, prefix) > 0) return MUST
        const hi = col.upperBytes()
        return hi !== undefined && comparePrefix(hi, prefix) < 0
      }
    }
    case 'notEq':
      return () => {
        if (noValues()) return MUST
        const lo = lower()
        if (lo !== undefined) {
          if (isNaNValue(lo)) return MIGHT_NOT
          if (cmps.every((c) => c(lo, lit) > 0)) return MUST
        }
        const hi = upper()
        return hi !== undefined && cmps.every((c) => c(hi, lit) < 0)
      }
    case 'eq':
      return () => {
        if (canContainNulls() || canContainNaNs()) return MIGHT_NOT
        const lo = lower()
        const hi = upper()
        return lo !== undefined && hi !== undefined && cmps.every((c) => c(lo, lit) === 0 && c(hi, lit) === 0)
      }
    default: {
      if (cmps.length > 1) return () => MIGHT_NOT // uuid: the bound order is unknown
      const cmp = cmps[0]!
      const op = p.op
      return () => {
        if (canContainNulls() || canContainNaNs()) return MIGHT_NOT
        if (op === 'lt' || op === 'ltEq') {
          const hi = upper()
          if (hi === undefined) return MIGHT_NOT
          const c = cmp(hi, lit)
          return op === 'lt' ? c < 0 : c <= 0
        }
        const lo = lower()
        if (lo === undefined || isNaNValue(lo)) return MIGHT_NOT
        const c = cmp(lo, lit)
        return op === 'gt' ? c > 0 : c >= 0
      }
    }
  }
}
