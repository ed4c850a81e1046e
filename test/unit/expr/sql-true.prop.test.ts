// sqlTrue: the rewritten filter holds on a row exactly where the original is TRUE under SQL's
// three-valued logic (a comparison with a null is unknown; NOT unknown is unknown).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bind } from '../../../src/expr/bind.js'
import { rowEvaluator } from '../../../src/expr/eval-row.js'
import { and, equal, isIn, isNull, lessThan, not, notEqual, notIn, or, startsWith, type Expression } from '../../../src/expr/expression.js'
import { sqlTrue } from '../../../src/expr/sql-true.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'

const S = schema([field(1, 'p', T.int), field(2, 's', T.string)])
type Row = { p: number | null; s: string | null }
type Tri = boolean | null
type F = { e: Expression; v: (r: Row) => Tri }

const leaf: fc.Arbitrary<F> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((k): F => ({ e: equal('p', k), v: (r) => (r.p === null ? null : r.p === k) })),
  fc.integer({ min: 0, max: 3 }).map((k): F => ({ e: notEqual('p', k), v: (r) => (r.p === null ? null : r.p !== k) })),
  fc.integer({ min: 0, max: 3 }).map((k): F => ({ e: lessThan('p', k), v: (r) => (r.p === null ? null : r.p < k) })),
  fc.constant<F>({ e: isNull('s'), v: (r) => r.s === null }),
  fc.constantFrom('a', 'b').map((k): F => ({ e: startsWith('s', k), v: (r) => (r.s === null ? null : r.s.startsWith(k)) })),
  fc.constantFrom('a', 'b').map((k): F => ({ e: isIn('s', [k, 'c']), v: (r) => (r.s === null ? null : r.s === k || r.s === 'c') })),
  fc.constantFrom('a', 'b').map((k): F => ({ e: notIn('s', [k]), v: (r) => (r.s === null ? null : r.s !== k) })),
)
const filter: fc.Arbitrary<F> = fc.letrec<{ f: F }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('f'), tie('f')).map(([a, b]): F => ({ e: and(a.e, b.e), v: (r) => tri3And(a.v(r), b.v(r)) })),
    fc.tuple(tie('f'), tie('f')).map(([a, b]): F => ({ e: or(a.e, b.e), v: (r) => tri3Or(a.v(r), b.v(r)) })),
    tie('f').map((a): F => ({ e: not(a.e), v: (r) => { const x = a.v(r); return x === null ? null : !x } })),
  ),
})).f
function tri3And(a: Tri, b: Tri): Tri {
  return a === false || b === false ? false : a === null || b === null ? null : true
}
function tri3Or(a: Tri, b: Tri): Tri {
  return a === true || b === true ? true : a === null || b === null ? null : false
}

describe('sqlTrue (property)', () => {
  it('holds exactly where the filter is TRUE under three-valued logic', () => {
    const row = fc.record({ p: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), s: fc.option(fc.constantFrom('a', 'ab', 'b', 'c'), { nil: null }) })
    fc.assert(
      fc.property(filter, fc.array(row, { maxLength: 8 }), (f, rows) => {
        const ev = rowEvaluator(S, bind(S, sqlTrue(f.e)))
        for (const r of rows) expect(ev(r)).toBe(f.v(r) === true)
      }),
    )
  })
})
