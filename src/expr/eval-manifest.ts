// Java ManifestEvaluator.forRowFilter: may a manifest hold a data file with a matching row, judging by the
// manifest-list `partitions` summaries (contains_null, contains_nan, lower/upper bounds per spec field)?
import type { FieldSummary, ManifestFile } from '../spec/manifest.js'
import type { PartitionSpec } from '../spec/partition-spec.js'
import type { Value } from '../spec/types.js'
import { utf8Encode } from '../spec/values.js'
import type { BoundExpression, BoundPredicate } from './expression.js'
import { partitionPositions, projectInclusiveExpr } from './eval-partition.js'
import { compileExpression } from './eval-row.js'
import { boundDomain, type BoundDomain } from './bound-domain.js'
import {
  comparePrefix,
  isFloatType,
  isNaNValue,
  membershipFor,
  sortedDistinct,
  startsWithBytes,
} from './value-test.js'

const IN_PREDICATE_LIMIT = 200
const MIGHT = true
const CANNOT = false
/** Marks a bound that exists but cannot be decoded: nothing may be concluded from it. */
const UNREADABLE = Symbol('unreadable')
type Bound = Value | undefined | typeof UNREADABLE

/** A compiled test of manifest-list entries. */
export type ManifestEvaluator = (manifest: ManifestFile) => boolean

/**
 * Compile a row filter (bound to the table schema) into a manifest test for manifests written with `spec`
 * (Java ManifestEvaluator semantics: a null lower bound means every value is null or NaN; `in` with more
 * than 200 values is not evaluated; notEq/notIn prune only when lower = upper and no nulls/NaN). A manifest
 * without summaries, a missing summary or an undecodable bound may match. uuid bounds are only used for
 * equality-style predicates, judged under both unsigned (RFC) and Java's signed order, since Java writers
 * ordered uuids as signed longs.
 */
export function manifestEvaluator(spec: PartitionSpec, filter: BoundExpression): ManifestEvaluator {
  const projected = projectInclusiveExpr(spec, filter)
  const positions = partitionPositions(spec)
  const n = spec.fields.length
  // per-evaluation state: the summaries and lazily decoded bounds (stamped with the evaluation number)
  let stats: readonly FieldSummary[] = []
  let gen = 0
  const stamp = new Int32Array(n * 2).fill(-1)
  const cache: Bound[] = new Array<Bound>(n * 2)

  const bound = (domain: BoundDomain, pos: number, upper: boolean): Bound => {
    const slot = pos * 2 + (upper ? 1 : 0)
    if (stamp[slot] === gen) return cache[slot]
    const bytes = upper ? stats[pos]?.upperBound : stats[pos]?.lowerBound
    const v: Bound = bytes === undefined ? undefined : (domain.decode(bytes) ?? UNREADABLE)
    stamp[slot] = gen
    cache[slot] = v
    return v
  }

  const leaf = (p: BoundPredicate): ((m: ManifestFile) => boolean) => {
    const pos = positions.get(p.term.fieldId)!
    const domain = boundDomain(p.term.type)
    const test = compileLeaf(p, domain, (upper) => bound(domain, pos, upper), () => stats[pos])
    return () => (pos < stats.length ? test() : MIGHT)
  }
  const compiled = compileExpression<ManifestFile>(projected, leaf)

  return (manifest) => {
    if (manifest.partitions === undefined) return MIGHT
    stats = manifest.partitions
    gen = (gen + 1) | 0
    // after 2^32 evaluations (an evaluator shared by many plans) the counter would meet the initial stamps
    if (gen === -1) {
      stamp.fill(-1)
      gen = 0
    }
    return compiled(manifest)
  }
}

function compileLeaf(
  p: BoundPredicate,
  domain: BoundDomain,
  bound: (upper: boolean) => Bound,
  summary: () => FieldSummary | undefined,
): () => boolean {
  const type = p.term.type
  const cmps = domain.comparators
  const float = isFloatType(type)
  const s = (): FieldSummary => summary()!
  // all partition values null (bounds exclude NaN, so for floats contains_nan must be known false)
  const allNull = (): boolean => s().containsNull && s().lowerBound === undefined && (!float || s().containsNan === false)
  const uniqueValue = (): Bound => {
    if (s().containsNull || (float && s().containsNan !== false)) return undefined
    const lo = bound(false)
    const hi = bound(true)
    if (lo === undefined || hi === undefined || lo === UNREADABLE || hi === UNREADABLE) return undefined
    return cmps.every((c) => c(lo, hi) === 0) ? lo : undefined
  }
  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return () => s().containsNull
      case 'notNull':
        return () => !allNull()
      case 'isNaN':
        return () => s().containsNan !== false && !allNull()
      case 'notNaN':
        return () => !(s().containsNan === true && !s().containsNull && s().lowerBound === undefined)
    }
  }
  const ordered = cmps.length === 1 // uuid (two orders) supports equality-style pruning only
  if (p.kind === 'set') {
    const values = sortedDistinct(type, p.values).map(domain.literal)
    if (p.op === 'notIn') {
      const has = membershipFor(domain.memberType, values)
      return () => {
        const u = uniqueValue()
        return u === undefined || u === UNREADABLE ? MIGHT : !has(u)
      }
    }
    const many = values.length > IN_PREDICATE_LIMIT
    return () => {
      const lo = bound(false)
      if (lo === undefined) return CANNOT
      if (many) return MIGHT
      const hi = bound(true)
      if (lo === UNREADABLE || hi === UNREADABLE || hi === undefined) return MIGHT
      return cmps.some((c) => values.some((v) => c(lo, v) <= 0 && c(hi, v) >= 0))
    }
  }
  const lit = p.op === 'startsWith' || p.op === 'notStartsWith' ? p.value : domain.literal(p.value)
  switch (p.op) {
    case 'startsWith':
    case 'notStartsWith': {
      const prefix = utf8Encode(String(lit))
      if (p.op === 'startsWith')
        return () => {
          const lo = s().lowerBound
          const hi = s().upperBound
          if (lo === undefined) return CANNOT
          if (comparePrefix(lo, prefix) > 0) return CANNOT
          return hi === undefined || comparePrefix(hi, prefix) >= 0
        }
      return () => {
        if (s().containsNull) return MIGHT
        const lo = s().lowerBound
        const hi = s().upperBound
        return !(lo !== undefined && hi !== undefined && startsWithBytes(lo, prefix) && startsWithBytes(hi, prefix))
      }
    }
    case 'notEq':
      return () => {
        const u = uniqueValue()
        return u === undefined || u === UNREADABLE || !cmps.every((c) => c(u, lit) === 0)
      }
    case 'eq':
      return () => {
        const lo = bound(false)
        if (lo === undefined) return CANNOT
        const hi = bound(true)
        if (lo === UNREADABLE || hi === UNREADABLE || hi === undefined) return MIGHT
        return cmps.some((c) => c(lo, lit) <= 0 && c(hi, lit) >= 0)
      }
    default: {
      if (!ordered) return () => MIGHT
      const cmp = cmps[0]!
      const upper = p.op === 'gt' || p.op === 'gtEq'
      const ok: (c: number) => boolean =
        p.op === 'lt' ? (c) => c < 0 : p.op === 'ltEq' ? (c) => c <= 0 : p.op === 'gt' ? (c) => c > 0 : (c) => c >= 0
      return () => {
        const b = bound(upper)
        if (b === undefined) return CANNOT // every value is null (or NaN)
        if (b === UNREADABLE || isNaNValue(b)) return MIGHT
        return ok(cmp(b, lit))
      }
    }
  }
}
