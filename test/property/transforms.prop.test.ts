// Transform properties: order preservation, agreement with JS Date (UTC), bucket range, int/long hash
// equality, and soundness of inclusive/strict projection against a reference predicate evaluator.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { projectInclusive, projectStrict } from '../../src/expr/project.js'
import { floorDiv } from '../../src/spec/temporal.js'
import { canTransform, resultType, Transforms, type Transform } from '../../src/spec/transform.js'
import { applyTransform, bucketBigInt, bucketNumber, hashValue } from '../../src/spec/transform-apply.js'
import type { PrimitiveType, Value } from '../../src/spec/types.js'
import { murmur3Bytes, murmur3String } from '../../src/spec/murmur3.js'
import { compareValues, utf8Encode } from '../../src/spec/values.js'
import { bucketSourceArb, primitiveTypeArb, temporalSourceArb, transformFor, truncateSourceArb } from './arbitraries/types.js'
import { evalPredicate, nearValueArb, nonNullValueArb, predicateArb, valueArb, type ValueOptions } from './arbitraries/values.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) }
// Java's hour transform casts a long hour count to int; keep µs timestamps where it fits.
const MAX_US = 7_000_000_000_000_000_000n

// Java computes int/long truncation in 32/64-bit arithmetic, which wraps for the few values just above
// the type minimum (e.g. int −2147483648 with W=10); order is only preserved outside that zone.
function wraps(type: PrimitiveType, width: number, v: Value): boolean {
  if (type.kind === 'int') return (v as number) - ((((v as number) % width) + width) % width) < -2147483648
  if (type.kind === 'long') {
    const w = BigInt(width)
    return (v as bigint) - ((((v as bigint) % w) + w) % w) < -(2n ** 63n)
  }
  return false
}

describe('truncate', () => {
  it('preserves order', () => {
    const arb = fc.tuple(truncateSourceArb, fc.integer({ min: 1, max: 40 })).chain(([type, width]) =>
      fc.tuple(fc.constant(type), fc.constant(width), nonNullValueArb(type), nonNullValueArb(type)),
    )
    fc.assert(
      fc.property(arb, ([type, width, a, b]) => {
        fc.pre(!wraps(type, width, a) && !wraps(type, width, b))
        const t = Transforms.truncate(width)
        const [lo, hi] = compareValues(type, a, b) <= 0 ? [a, b] : [b, a]
        expect(compareValues(type, applyTransform(t, type, lo), applyTransform(t, type, hi))).toBeLessThanOrEqual(0)
        // truncation never increases a value
        expect(compareValues(type, applyTransform(t, type, a), a)).toBeLessThanOrEqual(0)
      }),
      runs,
    )
  })
})

describe('temporal transforms', () => {
  // Oracle: JS Date (UTC) calendar fields of the floored millisecond.
  function viaDate(type: PrimitiveType, v: Value): { year: number; month: number; day: number; hour: number } {
    let ms: number
    if (type.kind === 'date') ms = (v as number) * 86_400_000
    else {
      const micros = type.kind.endsWith('_ns') ? floorDiv(v as bigint, 1000n) : (v as bigint)
      ms = Number(floorDiv(micros, 1000n))
    }
    const d = new Date(ms)
    const y = d.getUTCFullYear()
    const midnight = Date.UTC(y, d.getUTCMonth(), d.getUTCDate()) // Date.UTC maps 0–99 to 19xx; fixed below
    const fixed = new Date(midnight)
    fixed.setUTCFullYear(y)
    const day = Math.round(fixed.getTime() / 86_400_000)
    return { year: y - 1970, month: (y - 1970) * 12 + d.getUTCMonth(), day, hour: day * 24 + d.getUTCHours() }
  }

  it('agree with JS Date arithmetic in UTC', () => {
    const arb = temporalSourceArb.chain((type) => {
      const opts: ValueOptions = { maxMicros: MAX_US }
      const v =
        type.kind === 'date'
          ? fc.integer({ min: -100_000_000, max: 100_000_000 })
          : fc.oneof(nonNullValueArb(type, opts), nonNullValueArb(type, { spread: 'near' }))
      return fc.tuple(fc.constant(type), v)
    })
    fc.assert(
      fc.property(arb, ([type, v]) => {
        const expected = viaDate(type, v)
        expect(applyTransform(Transforms.year, type, v)).toBe(expected.year)
        expect(applyTransform(Transforms.month, type, v)).toBe(expected.month)
        expect(applyTransform(Transforms.day, type, v)).toBe(expected.day)
        if (type.kind !== 'date') expect(applyTransform(Transforms.hour, type, v)).toBe(expected.hour)
      }),
      runs,
    )
  })
})

describe('bucket', () => {
  it('is in [0, N) for every bucketable value', () => {
    const arb = fc.tuple(bucketSourceArb, fc.integer({ min: 1, max: 2147483647 })).chain(([type, n]) =>
      fc.tuple(fc.constant(type), fc.constant(n), nonNullValueArb(type)),
    )
    fc.assert(
      fc.property(arb, ([type, n, v]) => {
        const b = applyTransform(Transforms.bucket(n), type, v) as number
        expect(Number.isInteger(b) && b >= 0 && b < n).toBe(true)
      }),
      runs,
    )
  })

  it('hashes strings by their UTF-8 bytes (lone surrogates as U+FFFD, like TextEncoder)', () => {
    const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 })
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        expect(murmur3String(s)).toBe(murmur3Bytes(utf8Encode(s)))
      }),
      runs,
    )
  })

  it('hashes an int exactly like the same value as a long (and date like int, timestamp_ns like µs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), (i, l) => {
        expect(hashValue({ kind: 'int' }, i)).toBe(hashValue({ kind: 'long' }, BigInt(i)))
        expect(hashValue({ kind: 'date' }, i)).toBe(hashValue({ kind: 'int' }, i))
        expect(hashValue({ kind: 'timestamp_ns' }, l * 1000n + 999n)).toBe(hashValue({ kind: 'timestamp' }, l))
        expect(bucketNumber(Number(l), 97)).toBe(bucketBigInt(l, 97))
      }),
      runs,
    )
  })
})

describe('projection soundness', () => {
  const families: Record<string, fc.Arbitrary<PrimitiveType>> = {
    identity: primitiveTypeArb,
    bucket: bucketSourceArb,
    truncate: truncateSourceArb,
    temporal: temporalSourceArb,
  }
  const transformOf = (family: string, type: PrimitiveType): fc.Arbitrary<Transform> =>
    family === 'identity'
      ? fc.constant(Transforms.identity)
      : family === 'bucket'
        ? fc.integer({ min: 1, max: 8 }).map(Transforms.bucket)
        : family === 'truncate'
          ? fc.integer({ min: 1, max: 6 }).map(Transforms.truncate)
          : fc.constantFrom(Transforms.year, Transforms.month, Transforms.day, Transforms.hour).filter((t) => canTransform(t, type))

  const cases = (family: string, spread: 'near' | 'full') =>
    families[family]!
      .chain((type) => fc.tuple(fc.constant(type), transformOf(family, type)))
      .chain(([type, t]) => {
        const opts: ValueOptions = { spread, maxMicros: MAX_US, nulls: 1 }
        return valueArb(type, opts).chain((v) => {
          const literals = fc.oneof({ weight: 3, arbitrary: nearValueArb(type, v) }, { weight: 1, arbitrary: valueArb(type, { ...opts, nulls: 0 }) })
          return fc.tuple(fc.constant(type), fc.constant(t), predicateArb(type, literals), fc.constant(v))
        })
      })
      .filter(([type, t, p, v]) => {
        if (t.kind !== 'truncate') return true
        const vals: Value[] = [v, ...(p.kind === 'literal' ? [p.value] : p.kind === 'set' ? p.values : [])]
        // stay outside Java's wrap zone, including the adjacent value the projection looks at
        const below = (x: Value): Value => (typeof x === 'bigint' ? x - 1n : typeof x === 'number' ? x - 1 : x)
        return vals.every((x) => x === null || (!wraps(type, t.width, x) && !wraps(type, t.width, below(x))))
      })

  for (const family of Object.keys(families))
    for (const spread of ['near', 'full'] as const) {
      it(`inclusive: p(row) ⇒ proj(partition(row)) [${family}, ${spread}]`, () => {
        fc.assert(
          fc.property(cases(family, spread), ([type, t, p, v]) => {
            const proj = projectInclusive(p, { fieldId: 1000, name: 'part', transform: t })
            if (proj === undefined || !evalPredicate(p, v)) return
            expect(proj.term.type).toEqual(resultType(t, type))
            expect(evalPredicate(proj, applyTransform(t, type, v))).toBe(true)
          }),
          runs,
        )
      })

      it(`strict: proj(partition(row)) ⇒ p(row) [${family}, ${spread}]`, () => {
        fc.assert(
          fc.property(cases(family, spread), ([type, t, p, v]) => {
            const proj = projectStrict(p, { fieldId: 1000, name: 'part', transform: t })
            if (proj === undefined || !evalPredicate(proj, applyTransform(t, type, v))) return
            expect(evalPredicate(p, v)).toBe(true)
          }),
          runs,
        )
      })
    }

  it('always projects eq inclusively and notEq strictly where the spec has a rule', () => {
    fc.assert(
      fc.property(
        primitiveTypeArb.chain((type) => fc.tuple(fc.constant(type), transformFor(type), nonNullValueArb(type, { spread: 'near' }))),
        ([type, t, v]) => {
          const term = { fieldId: 1, name: 'c', type }
          const target = { fieldId: 1000, name: 'p', transform: t }
          const eq = projectInclusive({ kind: 'literal', op: 'eq', term, value: v }, target)
          const ne = projectStrict({ kind: 'literal', op: 'notEq', term, value: v }, target)
          expect(eq === undefined).toBe(t.kind === 'void')
          expect(ne === undefined).toBe(t.kind === 'void')
        },
      ),
      runs,
    )
  })
})
