// Java's Float.toString / Double.toString digits (JDK 19+), which partition paths and snapshot summary keys
// use for float and double partition values: vectors generated with a real JDK, plus properties.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { javaDoubleToString, javaFloatToString } from '../../src/spec/partition-path.js'
import { javaShortestFloat } from '../../src/spec/java-float.js'
import { entries, loadVectors } from './vectors.js'

const file = loadVectors('java-float-strings.json')

describe('Java Float/Double.toString vectors (JDK 25)', () => {
  const cases = entries(file, 'cases')
  it(`prints all ${cases.length} values as Java does (ties to even, one-digit results widened)`, () => {
    const wrong = cases.flatMap((c) => {
      const x = Number(c.value as string)
      const got = c.type === 'float' ? javaFloatToString(x) : javaDoubleToString(x)
      return got === c.java ? [] : [`${String(c.type)} ${String(c.value)}: ${got} (Java ${String(c.java)})`]
    })
    expect(wrong).toEqual([])
    expect(cases.filter((c) => c.type === 'float').length).toBeGreaterThan(50)
    expect(cases.filter((c) => c.type === 'double').length).toBeGreaterThan(50)
  })

  it('keeps the documented examples', () => {
    expect([javaFloatToString(2758277.25), javaFloatToString(1.4e-45), javaDoubleToString(5e-324), javaDoubleToString(1e7), javaDoubleToString(0.001)]).toEqual(['2758277.2', '1.4E-45', '4.9E-324', '1.0E7', '0.001'])
  })
})

describe('Java digits, properties', () => {
  it('a printed float or double reads back as the same value, and never has more digits than JavaScript needs (+1 for one-digit results)', () => {
    const digitsOf = (s: string): number => s.replace(/^-/, '').replace(/E.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = javaDoubleToString(d)
        expect(Object.is(Number(s), d)).toBe(true)
        if (d !== 0) expect(digitsOf(s)).toBeLessThanOrEqual(Math.max(2, digitsOf(String(Math.abs(d)))))
        const f = Math.fround(d)
        if (Number.isFinite(f)) {
          expect(Math.fround(Number(javaFloatToString(f)))).toBe(f)
          expect(Math.fround(javaShortestFloat(f))).toBe(f)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
