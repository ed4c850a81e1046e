// Properties of exact number input: any decimal of any precision/scale, written as a JSON number (plain or
// with an exponent, with or without trailing zeros) or as a JSON string, coerces to exactly its unscaled
// value; one fraction digit too many is INVALID_DATA. Text near the halfway point between two floats rounds
// to the nearest float, checked against exact rational arithmetic.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { csvRows, float32FromText, jsonlRows } from '../../../src/write/input.js'
import { rowCoercer } from '../../../src/write/coerce.js'

// Plain decimal text of unscaled × 10^-scale with `extraZeros` trailing zeros (built without floe's helpers).
function plainText(unscaled: bigint, scale: number, extraZeros: number): string {
  const neg = unscaled < 0n
  let digits = (neg ? -unscaled : unscaled).toString() + '0'.repeat(extraZeros)
  const frac = scale + extraZeros
  if (frac === 0) return (neg ? '-' : '') + digits
  digits = digits.padStart(frac + 1, '0')
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - frac)}.${digits.slice(digits.length - frac)}`
}

const decimalCase = fc
  .integer({ min: 1, max: 38 })
  .chain((precision) => fc.record({ precision: fc.constant(precision), scale: fc.integer({ min: 0, max: precision }) }))
  .chain(({ precision, scale }) =>
    fc.record({
      precision: fc.constant(precision),
      scale: fc.constant(scale),
      unscaled: fc.bigInt({ min: -(10n ** BigInt(precision)) + 1n, max: 10n ** BigInt(precision) - 1n }),
      extraZeros: fc.integer({ min: 0, max: 3 }),
      form: fc.constantFrom('number', 'exponent', 'string'),
    }),
  )

function render(c: { unscaled: bigint; scale: number; extraZeros: number; form: string }): string {
  // JSON allows no leading zeros, so zero is written `0e-N`
  if (c.form === 'exponent') return `${c.unscaled === 0n ? '0' : `${c.unscaled}${'0'.repeat(c.extraZeros)}`}e-${c.scale + c.extraZeros}`
  const text = plainText(c.unscaled, c.scale, c.extraZeros)
  return c.form === 'string' ? JSON.stringify(text) : text
}

describe('exact decimals from JSON lines (property)', () => {
  it('every rendering of a decimal coerces to its exact unscaled value', () => {
    fc.assert(
      fc.property(decimalCase, (c) => {
        const s = schema([field(1, 'dec', T.decimal(c.precision, c.scale))])
        const line = `{"dec": ${render(c)}}`
        const row = rowCoercer(s, 'p.jsonl')(jsonlRows(line, s, 'p.jsonl')[0], 1)
        expect(row.dec).toBe(c.unscaled)
      }),
      { numRuns: 500 },
    )
  })

  it('a non-zero digit beyond the scale is INVALID_DATA naming file, row and column, for numbers and strings', () => {
    fc.assert(
      fc.property(decimalCase, fc.integer({ min: 1, max: 9 }), (c, digit) => {
        const s = schema([field(1, 'dec', T.decimal(c.precision, c.scale))])
        const text = `${plainText(c.unscaled, c.scale, 0)}${c.scale === 0 ? '.' : ''}${digit}`
        for (const lit of [text, JSON.stringify(text)]) {
          let err: unknown
          try {
            rowCoercer(s, 'p.jsonl')(jsonlRows(`{"dec": ${lit}}`, s, 'p.jsonl')[0], 3)
          } catch (e) {
            err = e
          }
          expect(err).toBeInstanceOf(FloeError)
          expect((err as FloeError).code).toBe('INVALID_DATA')
          expect((err as FloeError).context).toMatchObject({ file: 'p.jsonl', row: 3, field: 'dec' })
        }
      }),
      { numRuns: 200 },
    )
  })
})

// --- float rounding against exact rationals ------------------------------------------------------------------

/** Exact value of a finite double as a fraction n / d (d a power of two). */
function exact(x: number): { n: bigint; d: bigint } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const sign = bits >> 63n ? -1n : 1n
  const e = Number((bits >> 52n) & 0x7ffn)
  const m = e === 0 ? bits & 0xfffffffffffffn : (bits & 0xfffffffffffffn) | (1n << 52n)
  const p = (e === 0 ? 1 : e) - 1075
  return p >= 0 ? { n: sign * m * (1n << BigInt(p)), d: 1n } : { n: sign * m, d: 1n << BigInt(-p) }
}

/** Exact decimal text of a finite double (every double has one). */
function exactText(x: number): string {
  const { n, d } = exact(x)
  let scale = 0
  let num = n
  for (let den = d; den > 1n; den /= 2n) {
    num *= 5n
    scale++
  }
  return plainText(num, scale, 0)
}

/** The float neighbours of a positive float f: the next one up (by bits). */
function nextFloat(f: number): number {
  const a = new Float32Array([f])
  new Uint32Array(a.buffer)[0]! += 1
  return a[0]!
}

const positiveFloat = fc.integer({ min: 1, max: 0x7f7ffffe }).map((bits) => new Float32Array(new Uint32Array([bits]).buffer)[0]!)

describe('float text rounds once to 32 bits (property)', () => {
  it('text at, just above or just below the halfway point between two floats rounds to the nearest, ties to even', () => {
    fc.assert(
      fc.property(positiveFloat, fc.constantFrom(-1, 0, 1), fc.boolean(), (lo, side, negative) => {
        const hi = nextFloat(lo)
        const mid = exactText((lo + hi) / 2)
        const text = side === 0 ? mid : side > 0 ? `${mid}${mid.includes('.') ? '' : '.'}0000000000000000000001` : lowerThan(mid)
        const loBits = new Uint32Array(new Float32Array([lo]).buffer)[0]!
        const want = side > 0 ? hi : side < 0 ? lo : loBits % 2 === 0 ? lo : hi
        const signed = negative ? `-${text}` : text
        expect(float32FromText(signed)).toBe(negative ? -want : want)
        // the CSV and JSON-lines paths agree
        const s = schema([field(1, 'f', T.float)])
        expect(csvRows(`f\n${signed}\n`, s, 'p.csv')[0]!.f).toBe(negative ? -want : want)
        expect(rowCoercer(s)(jsonlRows(`{"f": ${signed}}`, s, 'p.jsonl')[0], 1).f).toBe(negative ? -want : want)
      }),
      { numRuns: 300 },
    )
  })
})

// Decimal text a tiny amount below positive `text` (which has a non-zero digit).
function lowerThan(text: string): string {
  const withPoint = text.includes('.') ? text : `${text}.`
  // subtract one unit in a far position: append digits then decrement via bigint arithmetic on the digits
  const [int, frac = ''] = withPoint.split('.')
  const scale = frac.length + 22
  const unscaled = BigInt(`${int}${frac}${'0'.repeat(22)}`) - 1n
  return plainText(unscaled, scale, 0)
}
